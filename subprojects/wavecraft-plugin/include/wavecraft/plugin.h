/* wavecraft/plugin.h: the Wavecraft plugin SDK for C engines.
 *
 * Dependency-free C99 (no GLib): a plugin built with it may be loaded into a DAW.
 *
 * A plugin declares its parameters once, in a static table, and implements a small
 * processor. One macro then exports everything Wavecraft looks for:
 *
 *   #include <wavecraft/plugin.h>
 *
 *   static const char *const shapes[] = { "Sine", "Triangle", NULL };
 *
 *   static const wavecraft_param params[] = {
 *     WAVECRAFT_FLOAT ("gain", "Gain", -60.0, 6.0, 0.0, "dB", "Output"),
 *     WAVECRAFT_BOOL  ("bypass", "Bypass", 0, NULL),
 *     WAVECRAFT_ENUM  ("shape", "Shape", 0, "LFO", shapes),
 *   };
 *
 *   WAVECRAFT_PLUGIN (params, my_create, my_set_parameter, my_process, my_reset, my_destroy);
 *
 * Exported symbols (all with default visibility, C linkage):
 *
 *   char *wavecraft_get_params_json (void);       PROTOCOL.md §1: the ParameterInfo array
 *   void  wavecraft_free_string (char *json);     PROTOCOL.md §1: frees the above, NULL-safe
 *   const wavecraft_processor_vtable *
 *         wavecraft_dev_create_processor (void);  the processing side, see below
 *
 * A plugin that only needs discovery uses WAVECRAFT_PLUGIN_PARAMS (table) instead.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef WAVECRAFT_PLUGIN_H
#define WAVECRAFT_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WAVECRAFT_SDK_VERSION_MAJOR 0
#define WAVECRAFT_SDK_VERSION_MINOR 1
#define WAVECRAFT_SDK_VERSION_MICRO 0

#if defined(_WIN32) || defined(__CYGWIN__)
# define WAVECRAFT_EXPORT __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
# define WAVECRAFT_EXPORT __attribute__((visibility ("default")))
#else
# define WAVECRAFT_EXPORT
#endif

/* ------------------------------------------------------------------------------------------
 * Parameters (PROTOCOL.md §3)
 * ---------------------------------------------------------------------------------------- */

/**
 * wavecraft_param_type:
 * @WAVECRAFT_PARAM_FLOAT: continuous, plain units, `min < max`
 * @WAVECRAFT_PARAM_BOOL: 0 or 1; the table's min/max are ignored (always 0..1)
 * @WAVECRAFT_PARAM_ENUM: an index 0..n-1 into `variants`; the table's min/max are ignored
 */
typedef enum wavecraft_param_type {
  WAVECRAFT_PARAM_FLOAT = 0,
  WAVECRAFT_PARAM_BOOL = 1,
  WAVECRAFT_PARAM_ENUM = 2
} wavecraft_param_type;

/**
 * wavecraft_param:
 * @id: stable, unique, non-empty identifier (UTF-8); hosts and saved state refer to it
 * @name: display name (UTF-8); NULL means @id
 * @type: float, bool or enum
 * @min: lower bound in plain units (float only)
 * @max: upper bound in plain units (float only)
 * @default_value: default in plain units (440 Hz, -6 dB), never normalised; for enum the
 *   variant index
 * @unit: unit label ("dB", "Hz", "%", "ms"); NULL or "" for none
 * @group: group label; NULL or "" for none
 * @variants: enum only: NULL-terminated array of variant labels (at least 2)
 *
 * One row of a plugin's parameter table. The row index is the parameter's index for
 * wavecraft_processor_vtable.set_parameter. All strings must be UTF-8 and outlive the
 * table (string literals). Rows are best written with the WAVECRAFT_FLOAT, WAVECRAFT_BOOL and
 * WAVECRAFT_ENUM initialisers.
 */
typedef struct wavecraft_param {
  const char                *id;
  const char                *name;
  wavecraft_param_type       type;
  double                     min;
  double                     max;
  double                     default_value;
  const char                *unit;
  const char                *group;
  const char *const         *variants;
} wavecraft_param;

/* Table row initialisers. */
#define WAVECRAFT_FLOAT(id, name, min, max, def, unit, group) \
  { (id), (name), WAVECRAFT_PARAM_FLOAT, (min), (max), (def), (unit), (group), NULL }
#define WAVECRAFT_BOOL(id, name, def, group) \
  { (id), (name), WAVECRAFT_PARAM_BOOL, 0.0, 1.0, (def), NULL, (group), NULL }
#define WAVECRAFT_ENUM(id, name, def, group, variants) \
  { (id), (name), WAVECRAFT_PARAM_ENUM, 0.0, 0.0, (def), NULL, (group), (variants) }

/* Number of rows of a table declared as an array. */
#define WAVECRAFT_N_PARAMS(table) (sizeof (table) / sizeof ((table)[0]))

/**
 * wavecraft_params_to_json:
 * @params: the parameter table
 * @n_params: number of rows
 *
 * Writes @params as the compact JSON array of ParameterInfo objects that
 * wavecraft_get_params_json() returns (PROTOCOL.md §3): `id`, `name`, `type`, `default`,
 * `min`, `max` and, when set, `unit` and `group`; `variants` only for enum. `value` is
 * omitted (it means `default`). Strings are escaped for any UTF-8 text (quote, backslash,
 * control characters as `\u00XX`, U+2028/U+2029); numbers are written in shortest
 * round-trip form (`0.7`, `-6`, `440`), independent of the C locale; a non-finite number is
 * written as `null` (which Wavecraft reports as a schema error). No validation happens
 * here: `wavecraft extract-params` validates.
 *
 * Thread-safe; allocates with malloc().
 *
 * Returns: a NUL-terminated string to free with wavecraft_json_free(), or NULL when out
 *   of memory or @params is NULL while @n_params > 0
 */
char   *wavecraft_params_to_json      (const wavecraft_param *params,
                                       size_t                 n_params);

/**
 * wavecraft_json_free:
 * @json: (nullable): what wavecraft_params_to_json() returned
 */
void    wavecraft_json_free           (char                  *json);

/**
 * wavecraft_param_variant_count:
 * @param: a table row
 *
 * Returns: the number of variants of an enum (0 for float and bool, or an enum without
 *   variants)
 */
size_t  wavecraft_param_variant_count (const wavecraft_param *param);

/**
 * wavecraft_param_clamp:
 * @param: a table row
 * @value: a plain value
 *
 * Brings @value into the row's range: clamps a float to [min, max], rounds a bool to 0/1
 * and an enum to the nearest index in 0..n-1. NaN becomes the default. Real-time safe.
 *
 * Returns: the clamped plain value
 */
double  wavecraft_param_clamp         (const wavecraft_param *param,
                                       double                 value);

/* ------------------------------------------------------------------------------------------
 * Processing ABI, version 1
 *
 * `wavecraft_dev_create_processor()` returns a pointer to a static, immutable vtable that
 * lives as long as the library stays loaded. A host:
 *
 *   1. checks `abi_version == WAVECRAFT_PROCESSOR_ABI_VERSION` (a different major layout is
 *      refused) and `struct_size >= offsetof (wavecraft_processor_vtable, destroy) +
 *      sizeof (void *)`; later versions only append members, so a larger struct_size is
 *      fine and a host never reads beyond struct_size;
 *   2. calls `create (sample_rate, max_block)` for each instance it needs;
 *   3. calls `set_parameter` for every parameter it wants away from its default;
 *   4. calls `process` once per block of at most `max_block` frames;
 *   5. calls `reset` when the stream restarts (transport jump, device change) and
 *      `destroy` when done.
 *
 * Threading: calls on one instance are never concurrent: the host serialises `set_parameter`,
 * `process` and `reset` (it queues parameter changes from other threads and applies them
 * between blocks on the audio thread). `process`, `set_parameter` and `reset` must be
 * real-time safe: no allocation, locks, I/O or syscalls. `create` and `destroy` may allocate
 * and run on any non-audio thread. Different instances are independent and may run on
 * different threads at the same time; the plugin keeps no global mutable state.
 *
 * Ownership: `create` returns an instance the plugin allocates and owns until `destroy`.
 * Buffers belong to the host and are only valid during `process`. Parameter tables and the
 * vtable belong to the plugin and are static.
 *
 * Audio: 32-bit float, deinterleaved: `in[c]` and `out[c]` point at `frames` samples of
 * channel c, 0 = left, 1 = right. Any channel count >= 1 may be passed; `frames <= max_block`
 * and `frames` may be 0. `out[c]` may equal `in[c]` (in-place processing) but different
 * channels never overlap. Parameter values are plain (Hz, dB, variant index) and within
 * the row's range; plugins should still clamp (wavecraft_param_clamp()).
 * ---------------------------------------------------------------------------------------- */

#define WAVECRAFT_PROCESSOR_ABI_VERSION 1u

/* Opaque instance: a plugin defines `struct wavecraft_processor` itself. */
typedef struct wavecraft_processor wavecraft_processor;

/**
 * wavecraft_processor_vtable:
 * @abi_version: WAVECRAFT_PROCESSOR_ABI_VERSION of the SDK the plugin was built with
 * @struct_size: sizeof (wavecraft_processor_vtable) of that SDK, in bytes
 * @params: the parameter table the JSON was made from; row i is parameter index i
 * @n_params: number of rows in @params
 * @create: new instance for @sample_rate (Hz, > 0) and blocks of at most @max_block frames;
 *   NULL on failure. Parameters start at their defaults.
 * @set_parameter: set parameter @index (row of @params) to plain @value; an out-of-range
 *   index is ignored
 * @process: render @frames frames of @channels channels from @in to @out
 * @reset: clear all state (delay lines, LFO phase, smoothing) as after create, keeping the
 *   current parameter values
 * @destroy: free the instance; NULL-safe
 */
typedef struct wavecraft_processor_vtable {
  uint32_t               abi_version;
  uint32_t               struct_size;
  const wavecraft_param *params;
  uint32_t               n_params;
  wavecraft_processor *(*create)        (double                sample_rate,
                                         uint32_t              max_block);
  void                 (*set_parameter) (wavecraft_processor  *processor,
                                         uint32_t              index,
                                         double                value);
  void                 (*process)       (wavecraft_processor  *processor,
                                         const float *const   *in,
                                         float *const         *out,
                                         uint32_t              channels,
                                         uint32_t              frames);
  void                 (*reset)         (wavecraft_processor  *processor);
  void                 (*destroy)       (wavecraft_processor  *processor);
} wavecraft_processor_vtable;

/* The symbols a plugin exports (defined by the macros below). */
WAVECRAFT_EXPORT char *wavecraft_get_params_json (void);
WAVECRAFT_EXPORT void  wavecraft_free_string     (char *json);
WAVECRAFT_EXPORT const wavecraft_processor_vtable *wavecraft_dev_create_processor (void);

/* Type of wavecraft_dev_create_processor, for hosts that look it up with dlsym(). */
typedef const wavecraft_processor_vtable *(*wavecraft_dev_create_processor_func) (void);

/**
 * WAVECRAFT_PLUGIN_PARAMS:
 * @table: a `static const wavecraft_param table[]` array
 *
 * Defines wavecraft_get_params_json() and wavecraft_free_string() for @table. Use once per
 * library, at file scope, followed by a semicolon.
 */
#define WAVECRAFT_PLUGIN_PARAMS(table) \
  char *wavecraft_get_params_json (void) \
  { \
    return wavecraft_params_to_json ((table), WAVECRAFT_N_PARAMS (table)); \
  } \
  void wavecraft_free_string (char *json) \
  { \
    wavecraft_json_free (json); \
  } \
  WAVECRAFT_EXPORT void wavecraft_free_string (char *json)

/**
 * WAVECRAFT_PLUGIN:
 * @table: a `static const wavecraft_param table[]` array
 * @create: the #wavecraft_processor_vtable members
 * @set_parameter: …
 * @process: …
 * @reset: …
 * @destroy: …
 *
 * Defines wavecraft_get_params_json(), wavecraft_free_string() and
 * wavecraft_dev_create_processor(). Use once per library, at file scope, followed by a
 * semicolon.
 */
#define WAVECRAFT_PLUGIN(table, create, set_parameter, process, reset, destroy) \
  WAVECRAFT_PLUGIN_PARAMS (table); \
  static const wavecraft_processor_vtable wavecraft_plugin_vtable_ = { \
    WAVECRAFT_PROCESSOR_ABI_VERSION, \
    (uint32_t) sizeof (wavecraft_processor_vtable), \
    (table), \
    (uint32_t) WAVECRAFT_N_PARAMS (table), \
    (create), (set_parameter), (process), (reset), (destroy) \
  }; \
  const wavecraft_processor_vtable *wavecraft_dev_create_processor (void) \
  { \
    return &wavecraft_plugin_vtable_; \
  } \
  WAVECRAFT_EXPORT const wavecraft_processor_vtable *wavecraft_dev_create_processor (void)

#ifdef __cplusplus
}
#endif

#endif /* WAVECRAFT_PLUGIN_H */
