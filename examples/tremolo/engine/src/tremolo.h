/* tremolo.h: a stereo tremolo / auto-pan engine for Wavecraft.
 *
 * The processor is reached through the SDK vtable (wavecraft_dev_create_processor()); this
 * header only names the parameter indices and a few constants so that hosts and tests need
 * no magic numbers.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef TREMOLO_H
#define TREMOLO_H

#include <wavecraft/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Rows of the parameter table, in order: the index for set_parameter(). */
typedef enum tremolo_param {
  TREMOLO_PARAM_RATE = 0,     /* LFO rate, 0.1..20 Hz, default 4 */
  TREMOLO_PARAM_DEPTH,        /* 0..100 %, default 50 */
  TREMOLO_PARAM_SHAPE,        /* enum tremolo_shape, default sine */
  TREMOLO_PARAM_MODE,         /* enum tremolo_mode, default tremolo */
  TREMOLO_PARAM_STEREO_PHASE, /* right-channel LFO offset, 0..180 °, default 90 (tremolo mode) */
  TREMOLO_PARAM_MIX,          /* dry/wet, 0..100 %, default 100 */
  TREMOLO_PARAM_OUTPUT,       /* output gain, -24..12 dB, default 0 */
  TREMOLO_PARAM_BYPASS,       /* bool, default off */
  TREMOLO_N_PARAMS
} tremolo_param;

typedef enum tremolo_shape {
  TREMOLO_SHAPE_SINE = 0,
  TREMOLO_SHAPE_TRIANGLE,
  TREMOLO_SHAPE_SQUARE,
  TREMOLO_SHAPE_SAW_UP,
  TREMOLO_SHAPE_SAW_DOWN,
  TREMOLO_N_SHAPES
} tremolo_shape;

typedef enum tremolo_mode {
  TREMOLO_MODE_TREMOLO = 0,   /* both channels swell and duck, right one offset by stereo phase */
  TREMOLO_MODE_AUTOPAN,       /* constant-power pan swept by the LFO */
  TREMOLO_N_MODES
} tremolo_mode;

/* Time constant of the one-pole smoothing of depth, mix, output gain and bypass. */
#define TREMOLO_SMOOTHING_MS 5.0

/* The bipolar LFO value (-1..1) of @shape at @phase (cycles, 0..1): every shape starts at 0
 * and rises, like a sine. Exposed for tests. */
double tremolo_lfo (tremolo_shape shape,
                    double        phase);

#ifdef __cplusplus
}
#endif

#endif /* TREMOLO_H */
