/* wc-engine-builder.c: builds a project's engine (meson/ninja or cargo) in its own process
 * group and finds the built library.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-engine-builder"

#include <errno.h>
#include <ftw.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>

#include "wc-child.h"
#include "wc-diagnostics.h"
#include "wc-engine-builder.h"
#include "wc-project.h"

/* What `cargo metadata` told us about the engine crate. */
typedef struct
{
  gint64    manifest_mtime; /* of engine/Cargo.toml when read */
  char     *target_dir;
  char     *workspace_root;
  char     *package;
  char     *lib_name;
  gboolean  need_package;
  gboolean  param_discovery;
} CargoInfo;

typedef enum {
  STEP_SETUP,
  STEP_COMPILE,
  STEP_METADATA,
  STEP_CARGO,
} BuildStep;

typedef struct
{
  WcEngineBuilder *self;          /* owned */
  GCancellable    *cancellable;   /* nullable, owned */
  WcChild         *child;         /* the running step */
  BuildStep        step;
  gint64           start_time;
  GString         *output;
  GPtrArray       *diagnostics;   /* cargo: parsed as lines arrive */
  char            *cargo_library; /* cargo: from the compiler-artifact message */
} BuildData;

struct _WcEngineBuilder
{
  GObject     parent_instance;

  WcProject  *project;
  char       *library;       /* found after the last successful build */
  CargoInfo   cargo;
  gboolean    cargo_valid;
  gboolean    checked_build_dir;

  GTask      *running;       /* the build in flight */
  GQueue      waiting;       /* GTask: builds queued behind it */
};

G_DEFINE_FINAL_TYPE (WcEngineBuilder, wc_engine_builder, G_TYPE_OBJECT)

G_DEFINE_QUARK (wc-engine-builder-error-quark, wc_engine_builder_error)

enum {
  OUTPUT_LINE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_build  (GTask *task);
static void run_step     (GTask *task, BuildStep step);
static void finish_build (GTask *task);

static void
cargo_info_clear (CargoInfo *info)
{
  g_clear_pointer (&info->target_dir, g_free);
  g_clear_pointer (&info->workspace_root, g_free);
  g_clear_pointer (&info->package, g_free);
  g_clear_pointer (&info->lib_name, g_free);
  info->need_package = FALSE;
  info->param_discovery = FALSE;
  info->manifest_mtime = 0;
}

static void
build_data_free (BuildData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->child);
  if (data->output != NULL)
    g_string_free (data->output, TRUE);
  g_clear_pointer (&data->diagnostics, g_ptr_array_unref);
  g_free (data->cargo_library);
  g_free (data);
}

/**
 * wc_build_result_free:
 * @result: (nullable): a #WcBuildResult
 *
 * Frees @result, its strings and its diagnostics.
 */
void
wc_build_result_free (WcBuildResult *result)
{
  if (result == NULL)
    return;
  g_free (result->library);
  g_free (result->output);
  g_clear_pointer (&result->diagnostics, g_ptr_array_unref);
  g_free (result);
}

static void
wc_engine_builder_dispose (GObject *object)
{
  WcEngineBuilder *self = WC_ENGINE_BUILDER (object);

  /* Tasks hold a reference on us, so nothing is in flight here. */
  g_assert (self->running == NULL);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (wc_engine_builder_parent_class)->dispose (object);
}

static void
wc_engine_builder_finalize (GObject *object)
{
  WcEngineBuilder *self = WC_ENGINE_BUILDER (object);

  g_free (self->library);
  cargo_info_clear (&self->cargo);

  G_OBJECT_CLASS (wc_engine_builder_parent_class)->finalize (object);
}

static void
wc_engine_builder_class_init (WcEngineBuilderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wc_engine_builder_dispose;
  object_class->finalize = wc_engine_builder_finalize;

  /**
   * WcEngineBuilder::output-line:
   * @self: the builder
   * @line: one line of build output (stdout and stderr interleaved; for cargo, the rendered
   *   compiler messages and cargo's own stderr), without its newline
   *
   * Emitted on the main context that started the build, as the line arrives.
   */
  signals[OUTPUT_LINE] =
    g_signal_new ("output-line",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
wc_engine_builder_init (WcEngineBuilder *self)
{
  g_queue_init (&self->waiting);
}

/**
 * wc_engine_builder_new:
 * @project: the project whose engine to build
 *
 * Returns: (transfer full): a builder for @project's engine (issue 3, "Engine build")
 */
WcEngineBuilder *
wc_engine_builder_new (WcProject *project)
{
  WcEngineBuilder *self;

  g_return_val_if_fail (WC_IS_PROJECT (project), NULL);

  self = g_object_new (WC_TYPE_ENGINE_BUILDER, NULL);
  self->project = g_object_ref (project);
  return self;
}

/* --- finding the library --- */

static gboolean
is_shared_library_target (const char *type)
{
  return g_strcmp0 (type, "shared library") == 0 || g_strcmp0 (type, "shared module") == 0;
}

/* The shared library meson builds, from meson-info/intro-targets.json (written by every
 * setup and regeneration, so no `meson introspect` process is needed). Prefers a target
 * named like the project, then one in the build dir's root. */
static char *
find_meson_library (WcEngineBuilder *self)
{
  const char *build_dir = wc_project_get_build_dir (self->project);
  const char *name = wc_project_get_library_name (self->project);
  g_autofree char *intro = g_build_filename (build_dir, "meson-info", "intro-targets.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *wanted_lib = g_strdup_printf ("lib%s.so", name);
  g_autofree char *wanted_mod = g_strdup_printf ("%s.so", name);
  JsonNode *root;

  if (json_parser_load_from_file (parser, intro, NULL)
      && (root = json_parser_get_root (parser)) != NULL
      && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *targets = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (targets); i++)
        {
          JsonNode *node = json_array_get_element (targets, i);
          JsonObject *target;
          JsonArray *filenames;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          target = json_node_get_object (node);
          if (!is_shared_library_target (json_object_get_string_member_with_default (target, "type", NULL))
              || !json_object_has_member (target, "filename")
              || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (target, "filename")))
            continue;
          filenames = json_object_get_array_member (target, "filename");
          for (guint j = 0; j < json_array_get_length (filenames); j++)
            {
              const char *file = json_array_get_string_element (filenames, j);

              if (file != NULL && g_str_has_suffix (file, ".so"))
                g_ptr_array_add (candidates, g_strdup (file));
            }
        }
    }
  else
    {
      /* No introspection data: the lib*.so files in the build dir's root. */
      GDir *dir = g_dir_open (build_dir, 0, NULL);
      const char *entry;

      while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (entry, ".so"))
          g_ptr_array_add (candidates, g_build_filename (build_dir, entry, NULL));
      g_clear_pointer (&dir, g_dir_close);
    }

  for (guint pass = 0; pass < 3; pass++)
    for (guint i = 0; i < candidates->len; i++)
      {
        const char *file = g_ptr_array_index (candidates, i);
        g_autofree char *base = g_path_get_basename (file);
        g_autofree char *dir = g_path_get_dirname (file);
        gboolean match;

        if (pass == 0)
          match = g_str_equal (base, wanted_lib) || g_str_equal (base, wanted_mod);
        else if (pass == 1)
          match = g_str_equal (dir, build_dir);
        else
          match = TRUE;
        if (match && g_file_test (file, G_FILE_TEST_IS_REGULAR))
          return g_strdup (file);
      }
  return NULL;
}

static char *
find_cargo_library (WcEngineBuilder *self)
{
  const char *target_dir = self->cargo.target_dir;
  const char *lib_name = self->cargo.lib_name;
  g_autofree char *base = NULL;
  g_autofree char *path = NULL;

  if (target_dir == NULL)
    target_dir = wc_project_get_build_dir (self->project);
  if (lib_name == NULL)
    lib_name = wc_project_get_library_name (self->project);
  base = g_strdup_printf ("lib%s.so", lib_name);
  path = g_build_filename (target_dir, "debug", base, NULL);
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&path);
  return NULL;
}

/**
 * wc_engine_builder_find_library:
 * @self: a #WcEngineBuilder
 *
 * Finds the plugin library without building: the one from the last successful build if it
 * still exists, else for a C engine the shared library meson's introspection data
 * (`build-wavecraft/meson-info/intro-targets.json`) names, else for a Rust engine
 * `<target>/debug/lib<name>.so` (never `deps/`). Reads a small file at most; spawns nothing.
 *
 * Returns: (transfer full) (nullable): the absolute path of the library, or %NULL
 */
char *
wc_engine_builder_find_library (WcEngineBuilder *self)
{
  g_return_val_if_fail (WC_IS_ENGINE_BUILDER (self), NULL);

  if (self->library != NULL && g_file_test (self->library, G_FILE_TEST_IS_REGULAR))
    return g_strdup (self->library);
  if (wc_project_get_engine_kind (self->project) == WC_ENGINE_KIND_C)
    return find_meson_library (self);
  return find_cargo_library (self);
}

/**
 * wc_engine_builder_get_running_pid:
 * @self: a #WcEngineBuilder
 *
 * Returns: the pid (= process group id) of the build step running now (meson, ninja or
 *   cargo), or 0
 */
GPid
wc_engine_builder_get_running_pid (WcEngineBuilder *self)
{
  BuildData *data;

  g_return_val_if_fail (WC_IS_ENGINE_BUILDER (self), 0);

  if (self->running == NULL)
    return 0;
  data = g_task_get_task_data (self->running);
  return data->child != NULL ? wc_child_get_pid (data->child) : 0;
}

/* --- the build --- */

static void
add_output_line (BuildData  *data,
                 const char *line)
{
  g_string_append (data->output, line);
  g_string_append_c (data->output, '\n');
  g_signal_emit (data->self, signals[OUTPUT_LINE], 0, line);
}

static void
add_output_text (BuildData  *data,
                 const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    add_output_line (data, lines[i]);
}

static gboolean
return_if_cancelled (GTask *task)
{
  BuildData *data = g_task_get_task_data (task);

  if (data->cancellable != NULL && g_cancellable_is_cancelled (data->cancellable))
    {
      g_task_return_new_error (task, WC_ENGINE_BUILDER_ERROR, WC_ENGINE_BUILDER_ERROR_CANCELLED,
                               _("The build was cancelled"));
      finish_build (task);
      return TRUE;
    }
  return FALSE;
}

static void
return_tool_missing (GTask      *task,
                     const char *tool)
{
  const char *hint;

  if (g_str_equal (tool, "cargo"))
    hint = _("install Rust from https://rustup.rs to build a Rust engine");
  else
    hint = _("install meson and ninja (for example `sudo apt install meson ninja-build`) to build a C engine");

  g_task_return_new_error (task, WC_ENGINE_BUILDER_ERROR, WC_ENGINE_BUILDER_ERROR_TOOL_MISSING,
                           _("%s is not installed or not on PATH; %s"), tool, hint);
  finish_build (task);
}

static double
elapsed_ms (BuildData *data)
{
  return (g_get_monotonic_time () - data->start_time) / 1000.0;
}

static void
return_result (GTask    *task,
               gboolean  ok,
               char     *library)
{
  BuildData *data = g_task_get_task_data (task);
  WcEngineBuilder *self = data->self;
  WcBuildResult *result = g_new0 (WcBuildResult, 1);
  const char *root = wc_project_get_root (self->project);

  if (ok && library == NULL)
    {
      g_autofree char *message = NULL;

      if (wc_project_get_engine_kind (self->project) == WC_ENGINE_KIND_C)
        message = g_strdup_printf (_("The build succeeded but produced no shared library in %s; "
                                     "the engine's meson.build must build one with shared_library()"),
                                   wc_project_get_build_dir (self->project));
      else
        message = g_strdup_printf (_("The build succeeded but produced no lib%s.so; the engine "
                                     "crate needs crate-type = [\"cdylib\"] in its [lib] table"),
                                   self->cargo.lib_name != NULL ? self->cargo.lib_name
                                   : wc_project_get_library_name (self->project));
      add_output_line (data, message);
      if (data->diagnostics == NULL)
        data->diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_diagnostic_free);
      g_ptr_array_add (data->diagnostics, wc_diagnostic_new (NULL, 0, 0, "error", message));
      ok = FALSE;
    }

  result->ok = ok;
  result->library = library;
  result->duration_ms = elapsed_ms (data);
  result->output = g_strdup (data->output->str);
  if (data->diagnostics == NULL)
    {
      const char *work_dir = wc_project_get_build_dir (self->project);

      /* meson setup runs in the engine dir, ninja (and the compiler) in the build dir */
      if (data->step == STEP_SETUP)
        work_dir = wc_project_get_engine_dir (self->project);
      data->diagnostics = wc_diagnostics_parse_gcc (data->output->str, work_dir, root);
    }
  result->diagnostics = g_steal_pointer (&data->diagnostics);

  if (ok)
    {
      g_free (self->library);
      self->library = g_strdup (library);
    }

  g_debug ("Build %s in %.0f ms%s%s", ok ? "succeeded" : "failed", result->duration_ms,
           ok ? ": " : "", ok ? library : "");
  g_task_return_pointer (task, result, (GDestroyNotify) wc_build_result_free);
  finish_build (task);
}

/* Ends this build and starts the next queued one, if any. */
static void
finish_build (GTask *task)
{
  BuildData *data = g_task_get_task_data (task);
  WcEngineBuilder *self = data->self;
  GTask *next;

  g_clear_object (&data->child);
  if (self->running != task)
    return;
  g_clear_object (&self->running);
  next = g_queue_pop_head (&self->waiting);
  if (next != NULL)
    {
      self->running = next;
      start_build (next);
    }
}

static void
on_child_line (WcChild    *child,
               int         stream,
               const char *line,
               gpointer    user_data)
{
  GTask *task = user_data;
  BuildData *data = g_task_get_task_data (task);
  g_autofree char *valid = g_utf8_make_valid (line, -1);

  if (data->step == STEP_METADATA)
    return;

  if (data->step == STEP_CARGO)
    {
      WcEngineBuilder *self = data->self;
      const char *work_dir = self->cargo.workspace_root != NULL ? self->cargo.workspace_root
                             : wc_project_get_engine_dir (self->project);
      WcDiagnostic *diagnostic;

      if (data->diagnostics == NULL)
        data->diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_diagnostic_free);
      diagnostic = wc_diagnostics_parse_cargo_line (valid, work_dir,
                                                    wc_project_get_root (self->project));
      if (diagnostic != NULL)
        g_ptr_array_add (data->diagnostics, diagnostic);

      if (stream == 1 && valid[0] == '{')
        {
          g_autofree char *rendered = wc_diagnostics_cargo_rendered (valid);
          g_autoptr(JsonParser) parser = NULL;
          JsonNode *root;

          if (rendered != NULL)
            {
              add_output_text (data, rendered);
              return;
            }

          /* compiler-artifact of our cdylib: the library's real path */
          parser = json_parser_new_immutable ();
          if (json_parser_load_from_data (parser, valid, -1, NULL)
              && (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
            {
              JsonObject *object = json_node_get_object (root);
              const char *reason = json_object_get_string_member_with_default (object, "reason", "");
              g_autofree char *wanted = g_strdup_printf ("lib%s.so", self->cargo.lib_name != NULL
                                                         ? self->cargo.lib_name
                                                         : wc_project_get_library_name (self->project));

              if (g_str_equal (reason, "compiler-artifact")
                  && json_object_has_member (object, "filenames")
                  && JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "filenames")))
                {
                  JsonArray *files = json_object_get_array_member (object, "filenames");

                  for (guint i = 0; i < json_array_get_length (files); i++)
                    {
                      const char *file = json_array_get_string_element (files, i);
                      g_autofree char *base = file != NULL ? g_path_get_basename (file) : NULL;

                      if (base != NULL && g_str_equal (base, wanted))
                        {
                          g_free (data->cargo_library);
                          data->cargo_library = g_strdup (file);
                        }
                    }
                }
            }
          return;
        }
    }

  add_output_line (data, valid);
}

static gint64
file_mtime_us (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return 0;
  return (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
}

static gboolean
target_is_cdylib (JsonObject *target)
{
  JsonArray *kinds;

  if (!json_object_has_member (target, "crate_types")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (target, "crate_types")))
    return FALSE;
  kinds = json_object_get_array_member (target, "crate_types");
  for (guint i = 0; i < json_array_get_length (kinds); i++)
    if (g_strcmp0 (json_array_get_string_element (kinds, i), "cdylib") == 0)
      return TRUE;
  return FALSE;
}

static JsonObject *
package_cdylib_target (JsonObject *package)
{
  JsonArray *targets;

  if (!json_object_has_member (package, "targets")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (package, "targets")))
    return NULL;
  targets = json_object_get_array_member (package, "targets");
  for (guint i = 0; i < json_array_get_length (targets); i++)
    {
      JsonNode *node = json_array_get_element (targets, i);

      if (JSON_NODE_HOLDS_OBJECT (node) && target_is_cdylib (json_node_get_object (node)))
        return json_node_get_object (node);
    }
  return NULL;
}

static gboolean
package_has_feature (JsonObject *package,
                     const char *feature)
{
  return json_object_has_member (package, "features")
         && JSON_NODE_HOLDS_OBJECT (json_object_get_member (package, "features"))
         && json_object_has_member (json_object_get_object_member (package, "features"), feature);
}

/* Reads `cargo metadata --no-deps` output: picks the engine's cdylib package (the one whose
 * manifest is engine/Cargo.toml, else the workspace's only cdylib, preferring one with the
 * discovery feature), its library name, the target dir and whether --package is needed. */
static gboolean
parse_cargo_metadata (WcEngineBuilder *self,
                      GBytes          *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *manifest = g_build_filename (wc_project_get_engine_dir (self->project),
                                                "Cargo.toml", NULL);
  JsonObject *root;
  JsonArray *packages;
  JsonObject *chosen = NULL;
  JsonObject *chosen_target = NULL;
  gsize size;
  const char *text;

  if (bytes == NULL)
    return FALSE;
  text = g_bytes_get_data (bytes, &size);
  if (text == NULL || !json_parser_load_from_data (parser, text, size, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  root = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (root, "packages")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "packages")))
    return FALSE;
  packages = json_object_get_array_member (root, "packages");

  for (guint pass = 0; pass < 3 && chosen == NULL; pass++)
    for (guint i = 0; i < json_array_get_length (packages) && chosen == NULL; i++)
      {
        JsonNode *node = json_array_get_element (packages, i);
        JsonObject *package;
        JsonObject *target;
        const char *path;

        if (!JSON_NODE_HOLDS_OBJECT (node))
          continue;
        package = json_node_get_object (node);
        target = package_cdylib_target (package);
        path = json_object_get_string_member_with_default (package, "manifest_path", "");
        if (target == NULL)
          continue;
        if ((pass == 0 && g_str_equal (path, manifest))
            || (pass == 1 && package_has_feature (package, "_param-discovery"))
            || pass == 2)
          {
            chosen = package;
            chosen_target = target;
          }
      }

  cargo_info_clear (&self->cargo);
  self->cargo.target_dir = g_strdup (json_object_get_string_member_with_default (root, "target_directory", NULL));
  self->cargo.workspace_root = g_strdup (json_object_get_string_member_with_default (root, "workspace_root", NULL));
  if (chosen != NULL)
    {
      self->cargo.package = g_strdup (json_object_get_string_member_with_default (chosen, "name", NULL));
      self->cargo.lib_name = g_strdup (json_object_get_string_member_with_default (chosen_target, "name", NULL));
      if (self->cargo.lib_name != NULL)
        g_strdelimit (self->cargo.lib_name, "-", '_');
      self->cargo.param_discovery = package_has_feature (chosen, "_param-discovery");
      self->cargo.need_package =
        json_array_get_length (packages) > 1
        || !g_str_equal (json_object_get_string_member_with_default (chosen, "manifest_path", ""), manifest);
    }
  g_debug ("cargo metadata: package %s, lib %s, target dir %s%s%s", self->cargo.package,
           self->cargo.lib_name, self->cargo.target_dir,
           self->cargo.need_package ? ", --package" : "",
           self->cargo.param_discovery ? ", --features _param-discovery" : "");
  return TRUE;
}

static void
on_step_done (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BuildData *data = g_task_get_task_data (task);
  WcEngineBuilder *self = data->self;
  g_autoptr(WcChildResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean success;

  g_signal_handlers_disconnect_by_func (source, on_child_line, task);
  result = wc_child_wait_finish (WC_CHILD (source), res, &error);

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_new_error (task, WC_ENGINE_BUILDER_ERROR, WC_ENGINE_BUILDER_ERROR_CANCELLED,
                                   _("The build was cancelled"));
          finish_build (task);
        }
      else if (g_error_matches (error, WC_CHILD_ERROR, WC_CHILD_ERROR_SPAWN))
        {
          g_task_return_new_error (task, WC_ENGINE_BUILDER_ERROR, WC_ENGINE_BUILDER_ERROR_TOOL_MISSING,
                                   "%s", error->message);
          finish_build (task);
        }
      else if (data->step == STEP_METADATA)
        run_step (task, STEP_CARGO);
      else
        {
          add_output_line (data, error->message);
          return_result (task, FALSE, NULL);
        }
      return;
    }

  if (return_if_cancelled (task))
    return;

  success = result->exited && result->exit_status == 0;
  if (!result->exited)
    {
      g_autofree char *name = wc_signal_name (result->term_signal);
      g_autofree char *message = g_strdup_printf (_("The build was killed by %s"), name);

      if (data->step != STEP_METADATA)
        add_output_line (data, message);
    }

  switch (data->step)
    {
    case STEP_SETUP:
      if (success)
        run_step (task, STEP_COMPILE);
      else
        return_result (task, FALSE, NULL);
      break;

    case STEP_COMPILE:
      return_result (task, success, success ? find_meson_library (self) : NULL);
      break;

    case STEP_METADATA:
      if (success && parse_cargo_metadata (self, result->stdout_bytes))
        {
          g_autofree char *manifest = g_build_filename (wc_project_get_engine_dir (self->project),
                                                        "Cargo.toml", NULL);
          self->cargo.manifest_mtime = file_mtime_us (manifest);
          self->cargo_valid = TRUE;
        }
      run_step (task, STEP_CARGO);
      break;

    case STEP_CARGO:
      if (success)
        {
          char *library = g_steal_pointer (&data->cargo_library);

          if (library != NULL && !g_file_test (library, G_FILE_TEST_IS_REGULAR))
            g_clear_pointer (&library, g_free);
          if (library == NULL)
            library = find_cargo_library (self);
          return_result (task, TRUE, library);
        }
      else
        return_result (task, FALSE, NULL);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
run_step (GTask     *task,
          BuildStep  step)
{
  BuildData *data = g_task_get_task_data (task);
  WcEngineBuilder *self = data->self;
  WcProject *project = self->project;
  const char *engine_dir = wc_project_get_engine_dir (project);
  const char *build_dir = wc_project_get_build_dir (project);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  WcChildFlags flags = WC_CHILD_FLAGS_LINES;
  const char *tool;
  g_autofree char *tool_path = NULL;

  if (return_if_cancelled (task))
    return;

  data->step = step;
  switch (step)
    {
    case STEP_SETUP:
      tool = "meson";
      break;
    case STEP_COMPILE:
      tool = "ninja";
      break;
    case STEP_METADATA:
    case STEP_CARGO:
    default:
      tool = "cargo";
      break;
    }

  tool_path = g_find_program_in_path (tool);
  if (tool_path == NULL)
    {
      return_tool_missing (task, tool);
      return;
    }
  g_ptr_array_add (argv, g_steal_pointer (&tool_path));

  switch (step)
    {
    case STEP_SETUP:
      g_ptr_array_add (argv, g_strdup ("setup"));
      g_ptr_array_add (argv, g_strdup ("--wrap-mode=nodownload"));
      g_ptr_array_add (argv, g_strdup ("-Db_colorout=never"));
      g_ptr_array_add (argv, g_strdup (build_dir));
      g_ptr_array_add (argv, g_strdup (engine_dir));
      break;

    case STEP_COMPILE:
      g_ptr_array_add (argv, g_strdup ("-C"));
      g_ptr_array_add (argv, g_strdup (build_dir));
      break;

    case STEP_METADATA:
      g_ptr_array_add (argv, g_strdup ("metadata"));
      g_ptr_array_add (argv, g_strdup ("--no-deps"));
      g_ptr_array_add (argv, g_strdup ("--format-version"));
      g_ptr_array_add (argv, g_strdup ("1"));
      flags = WC_CHILD_FLAGS_CAPTURE_STDOUT | WC_CHILD_FLAGS_CAPTURE_STDERR;
      break;

    case STEP_CARGO:
      {
        gboolean discovery = self->cargo_valid ? self->cargo.param_discovery
                             : wc_project_has_param_discovery (project);
        gboolean need_package = self->cargo_valid ? self->cargo.need_package
                                : wc_project_is_workspace (project);
        const char *package = self->cargo.package != NULL ? self->cargo.package
                              : wc_project_get_name (project);

        g_ptr_array_add (argv, g_strdup ("build"));
        g_ptr_array_add (argv, g_strdup ("--lib"));
        g_ptr_array_add (argv, g_strdup ("--message-format=json"));
        if (discovery)
          {
            g_ptr_array_add (argv, g_strdup ("--features"));
            g_ptr_array_add (argv, g_strdup ("_param-discovery"));
          }
        if (need_package)
          {
            g_ptr_array_add (argv, g_strdup ("--package"));
            g_ptr_array_add (argv, g_strdup (package));
          }
      }
      break;

    default:
      g_assert_not_reached ();
    }
  g_ptr_array_add (argv, NULL);

  g_clear_object (&data->child);
  data->child = wc_child_new ((const char * const *) argv->pdata, flags);
  wc_child_set_cwd (data->child, engine_dir);
  if (step == STEP_METADATA || step == STEP_CARGO)
    wc_child_setenv (data->child, "CARGO_TERM_COLOR", "never");
  if (flags & WC_CHILD_FLAGS_LINES)
    g_signal_connect (data->child, "line", G_CALLBACK (on_child_line), task);

  {
    g_autofree char *command = g_strjoinv (" ", (char **) argv->pdata);
    g_debug ("Running %s", command);
  }

  wc_child_wait_async (data->child, data->cancellable, on_step_done, g_object_ref (task));
}

static int
remove_entry (const char        *path,
              const struct stat *st,
              int                type,
              struct FTW        *ftw)
{
  return remove (path) == 0 ? 0 : -1;
}

/* A build dir made for another source tree (a copied project) is useless to us: ninja
 * would build the old sources. Read meson-info.json once and start afresh if so. */
static void
check_meson_build_dir (WcEngineBuilder *self)
{
  const char *build_dir = wc_project_get_build_dir (self->project);
  g_autofree char *info = g_build_filename (build_dir, "meson-info", "meson-info.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (self->checked_build_dir)
    return;
  self->checked_build_dir = TRUE;

  if (json_parser_load_from_file (parser, info, NULL)
      && (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonObject *dirs = json_object_has_member (object, "directories")
                         && JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "directories"))
                         ? json_object_get_object_member (object, "directories") : NULL;
      const char *source = dirs != NULL
                           ? json_object_get_string_member_with_default (dirs, "source", NULL) : NULL;

      if (source != NULL && g_strcmp0 (source, wc_project_get_engine_dir (self->project)) != 0)
        {
          /* Our own directory (engine/build-wavecraft): safe to remove. */
          g_debug ("%s was configured for %s; setting it up again", build_dir, source);
          if (g_str_has_suffix (build_dir, G_DIR_SEPARATOR_S "build-wavecraft")
              && nftw (build_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
            g_debug ("Could not remove %s: %s", build_dir, g_strerror (errno));
        }
    }
}

static void
start_build (GTask *task)
{
  BuildData *data = g_task_get_task_data (task);
  WcEngineBuilder *self = data->self;

  data->start_time = g_get_monotonic_time ();

  if (wc_project_get_engine_kind (self->project) == WC_ENGINE_KIND_C)
    {
      g_autofree char *ninja_file = NULL;

      check_meson_build_dir (self);
      ninja_file = g_build_filename (wc_project_get_build_dir (self->project), "build.ninja", NULL);
      run_step (task, g_file_test (ninja_file, G_FILE_TEST_EXISTS) ? STEP_COMPILE : STEP_SETUP);
    }
  else
    {
      g_autofree char *manifest = g_build_filename (wc_project_get_engine_dir (self->project),
                                                    "Cargo.toml", NULL);

      if (!self->cargo_valid || self->cargo.manifest_mtime != file_mtime_us (manifest))
        {
          self->cargo_valid = FALSE;
          run_step (task, STEP_METADATA);
        }
      else
        run_step (task, STEP_CARGO);
    }
}

/**
 * wc_engine_builder_build_async:
 * @self: a #WcEngineBuilder
 * @cancellable: (nullable): cancelling (how a session supersedes a build) kills the build's
 *   whole process group and fails with %WC_ENGINE_BUILDER_ERROR_CANCELLED
 * @callback: called when the build finished
 * @user_data: data for @callback
 *
 * Builds the engine (issue 3, "Engine build"; issue 4, "Rebuild pipeline"):
 *
 * - C: `meson setup --wrap-mode=nodownload -Db_colorout=never build-wavecraft engine` when
 *   `build-wavecraft/build.ninja` is missing (or the dir belongs to another source tree),
 *   then `ninja -C build-wavecraft` (ninja re-runs meson itself when meson.build changed;
 *   calling ninja directly saves meson's ~200 ms of Python start-up per build). The library
 *   is the shared library meson's introspection data names.
 * - Rust: `cargo metadata --no-deps` once per Cargo.toml change, then `cargo build --lib
 *   --message-format=json`, with `--features _param-discovery` when the crate declares it
 *   and `--package <name>` in a workspace. The library is `lib<name>.so` from cargo's
 *   artifact message, or `<target>/debug/lib<name>.so` (never `deps/`).
 *
 * Each step runs through #WcChild in its own process group; its output is streamed with
 * #WcEngineBuilder::output-line and collected in the result, and diagnostics are parsed
 * (wc_diagnostics_parse_gcc(), wc_diagnostics_parse_cargo_line()). Builds on one builder
 * run one at a time: a build started while another runs waits for it to end (a cancelled
 * one ends as soon as its process group is gone).
 */
void
wc_engine_builder_build_async (WcEngineBuilder     *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  BuildData *data;

  g_return_if_fail (WC_IS_ENGINE_BUILDER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_engine_builder_build_async);
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (BuildData, 1);
  data->self = g_object_ref (self);
  data->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  data->output = g_string_new (NULL);
  data->start_time = g_get_monotonic_time ();
  g_task_set_task_data (task, data, (GDestroyNotify) build_data_free);

  if (self->running != NULL)
    {
      g_queue_push_tail (&self->waiting, task);
      return;
    }
  self->running = task;
  start_build (task);
}

/**
 * wc_engine_builder_build_finish:
 * @self: a #WcEngineBuilder
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * A failed build is a result with `ok == FALSE`, the output and the diagnostics; so is a
 * build that succeeded without producing a library (the output then ends with a line
 * saying so, also given as a diagnostic without a file).
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with
 *   %WC_ENGINE_BUILDER_ERROR_TOOL_MISSING ("meson is not installed or not on PATH; install
 *   …") or %WC_ENGINE_BUILDER_ERROR_CANCELLED ("The build was cancelled")
 */
WcBuildResult *
wc_engine_builder_build_finish (WcEngineBuilder  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (WC_IS_ENGINE_BUILDER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == wc_engine_builder_build_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
