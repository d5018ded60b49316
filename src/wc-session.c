/* wc-session.c
 *
 * One project's dev session. Data flows one way:
 *
 *   WcRebuildWatcher ─changed→ WcEngineBuilder ─library→ WcExtractor ─params→ WcParamHost
 *        ─signals→ WcDevServer ─notifications→ clients
 *
 * Every rebuild gets a generation number. A change during a build supersedes it (its process
 * group is killed through the cancellable) and a result whose generation is not the newest
 * is never applied. A failed build or extraction keeps the last good parameters served.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-session"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "wc-dev-server.h"
#include "wc-diagnostics.h"
#include "wc-engine-builder.h"
#include "wc-extractor.h"
#include "wc-jsonrpc.h"
#include "wc-meter-source.h"
#include "wc-param-host.h"
#include "wc-param-info.h"
#include "wc-project.h"
#include "wc-rebuild-watcher.h"
#include "wc-session.h"
#include "wc-sidecar-cache.h"
#include "wc-ui-dev-server.h"

#define STOP_DEADLINE_MS 1500

struct _WcSession
{
  GObject           parent_instance;

  WcProject        *project;
  char             *wavecraft_bin;
  char             *engine_prefix;   /* engine dir relative to the project root, e.g. "engine" */

  WcEngineBuilder  *builder;
  WcExtractor      *extractor;
  WcParamHost      *host;
  WcMeterSource    *meters;
  WcDevServer      *server;
  WcRebuildWatcher *watcher;
  WcUiDevServer    *ui;

  guint             port;
  guint             ui_port;
  GPtrArray        *allowed_origins;
  WcInstallMode     install_mode;
  guint             debounce_ms;
  gboolean          watch;
  gboolean          use_cache;

  WcSessionState    state;
  guint64           generation;      /* newest pipeline started */
  GCancellable     *pipeline_cancellable;
  guint             pipeline_inflight;
  char             *library;
  char             *last_build_json; /* {"ok","duration_ms","diagnostics"} or NULL */
  gboolean          params_cached;

  GTask            *start_task;
  GTask            *stop_task;
  guint             stop_timeout_id;
  gboolean          ui_running;
  gboolean          stopping;
};

G_DEFINE_FINAL_TYPE (WcSession, wc_session, G_TYPE_OBJECT)
G_DEFINE_QUARK (wc-session-error-quark, wc_session_error)

enum { PROP_0, PROP_STATE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum {
  BUILD_STARTED,
  BUILD_OUTPUT,
  BUILD_FINISHED,
  RELOADED,
  FILES_CHANGED,
  FATAL,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

typedef struct
{
  WcSession    *self;
  guint64       generation;
  GCancellable *cancellable;
  double        build_ms;
  GPtrArray    *diagnostics;
  char         *output;
} Pipeline;

static void maybe_finish_stop (WcSession *self);

static void
pipeline_free (Pipeline *p)
{
  p->self->pipeline_inflight--;
  maybe_finish_stop (p->self);
  g_object_unref (p->self);
  g_clear_object (&p->cancellable);
  g_clear_pointer (&p->diagnostics, g_ptr_array_unref);
  g_free (p->output);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pipeline, pipeline_free)

/**
 * wc_session_state_to_string:
 * @state: a #WcSessionState
 *
 * Returns: `"idle"`, `"building"` or `"failed"` (the D-Bus `State` property and the
 *   `getBuildStatus` result use these)
 */
const char *
wc_session_state_to_string (WcSessionState state)
{
  switch (state)
    {
    case WC_SESSION_STATE_IDLE: return "idle";
    case WC_SESSION_STATE_BUILDING: return "building";
    case WC_SESSION_STATE_FAILED: return "failed";
    default: g_return_val_if_reached ("idle");
    }
}

static void
set_state (WcSession      *self,
           WcSessionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static void
add_strv_member (JsonBuilder        *b,
                 const char         *name,
                 const char * const *strv)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (b, strv[i]);
  json_builder_end_array (b);
}

static void
broadcast (WcSession  *self,
           const char *method,
           const char *params_json)
{
  if (self->server != NULL && !self->stopping)
    wc_dev_server_broadcast (self->server, method, params_json);
}

/* ---- JSON-RPC: getBuildStatus ------------------------------------------------------------ */

static gboolean
handle_get_build_status (WcJsonRpc  *rpc,
                         gpointer    client,
                         JsonNode   *params,
                         GString    *result,
                         int        *error_code,
                         char      **error_message,
                         gpointer    user_data)
{
  WcSession *self = user_data;

  g_string_append_printf (result, "{\"state\":\"%s\",\"generation\":%" G_GUINT64_FORMAT
                          ",\"last_build\":%s}",
                          wc_session_state_to_string (self->state), self->generation,
                          self->last_build_json != NULL ? self->last_build_json : "null");
  return TRUE;
}

/* ---- pipeline ---------------------------------------------------------------------------- */

static gboolean
is_current (Pipeline *p)
{
  return p->generation == p->self->generation && !p->self->stopping;
}

static void
complete_start (WcSession *self,
                GError    *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
finish_build (Pipeline   *p,
              gboolean    ok)
{
  WcSession *self = p->self;
  g_autofree char *diagnostics_json = wc_diagnostics_to_json (p->diagnostics);
  g_autofree char *params = NULL;
  double ms = p->build_ms;

  g_free (self->last_build_json);
  self->last_build_json = g_strdup_printf ("{\"ok\":%s,\"duration_ms\":%.1f,\"diagnostics\":%s}",
                                           ok ? "true" : "false", ms, diagnostics_json);
  params = g_strdup_printf ("{\"generation\":%" G_GUINT64_FORMAT ",\"ok\":%s,"
                            "\"duration_ms\":%.1f,\"diagnostics\":%s}",
                            p->generation, ok ? "true" : "false", ms, diagnostics_json);
  set_state (self, ok ? WC_SESSION_STATE_IDLE : WC_SESSION_STATE_FAILED);
  g_signal_emit (self, signals[BUILD_FINISHED], 0, p->generation, ok, ms, diagnostics_json,
                 p->output != NULL ? p->output : "");
  broadcast (self, "buildFinished", params);
}

static void
fail_with_message (Pipeline   *p,
                   const char *file,
                   const char *message)
{
  g_autofree char *rel = file != NULL ? wc_project_relativize (p->self->project, file) : NULL;
  WcDiagnostic *d = wc_diagnostic_new (rel != NULL ? rel : "", 0, 0, "error", message);

  if (p->diagnostics == NULL)
    p->diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_diagnostic_free);
  g_ptr_array_add (p->diagnostics, d);
  if (p->output == NULL)
    p->output = g_strdup_printf ("%s\n", message);
  finish_build (p, FALSE);
}

static void
on_extract_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Pipeline) p = user_data;
  WcSession *self = p->self;
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GError) error = NULL;

  params = wc_extractor_extract_finish (WC_EXTRACTOR (source), result, &error);
  if (!is_current (p))
    return;

  if (params == NULL)
    {
      fail_with_message (p, self->library, error->message);
      complete_start (self, g_error_new (WC_SESSION_ERROR, WC_SESSION_ERROR_BUILD_FAILED,
                                         "%s", error->message));
      return;
    }

  if (!wc_sidecar_save (self->library, params, &error))
    {
      g_warning ("Could not write the sidecar cache: %s", error->message);
      g_clear_error (&error);
    }

  self->params_cached = FALSE;
  finish_build (p, TRUE);
  /* parameters-replaced → parametersChanged to clients, then clamped parameterChanged. */
  wc_param_host_replace (self->host, params);
  complete_start (self, NULL);
}

static void
on_build_output (WcEngineBuilder *builder,
                 const char      *line,
                 WcSession       *self)
{
  g_signal_emit (self, signals[BUILD_OUTPUT], 0, line);
}

static void
on_build_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Pipeline) p = user_data;
  WcSession *self = p->self;
  g_autoptr(WcBuildResult) res = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  res = wc_engine_builder_build_finish (WC_ENGINE_BUILDER (source), result, &error);
  if (!is_current (p))
    return;

  if (res == NULL)
    {
      fail_with_message (p, NULL, error->message);
      complete_start (self, g_error_new (WC_SESSION_ERROR, WC_SESSION_ERROR_BUILD_FAILED,
                                         "%s", error->message));
      return;
    }

  p->build_ms = res->duration_ms;
  p->output = g_steal_pointer (&res->output);
  p->diagnostics = res->diagnostics != NULL ? g_ptr_array_ref (res->diagnostics) : NULL;

  if (!res->ok)
    {
      finish_build (p, FALSE);
      complete_start (self, g_error_new (WC_SESSION_ERROR, WC_SESSION_ERROR_BUILD_FAILED,
                                         _("The engine build failed")));
      return;
    }

  g_free (self->library);
  self->library = g_strdup (res->library);
  cancellable = p->cancellable;
  wc_extractor_extract_async (self->extractor, self->library, cancellable, on_extract_done,
                              g_steal_pointer (&p));
}

static void
run_pipeline (WcSession          *self,
              const char * const *files)
{
  Pipeline *p;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *params = NULL;

  if (self->stopping)
    return;

  /* Supersede: the running build's process group is killed through its cancellable, and its
   * result will not match the generation any more. */
  if (self->pipeline_cancellable != NULL)
    g_cancellable_cancel (self->pipeline_cancellable);
  g_clear_object (&self->pipeline_cancellable);
  self->pipeline_cancellable = g_cancellable_new ();

  p = g_new0 (Pipeline, 1);
  p->self = g_object_ref (self);
  p->generation = ++self->generation;
  p->cancellable = g_object_ref (self->pipeline_cancellable);
  self->pipeline_inflight++;

  set_state (self, WC_SESSION_STATE_BUILDING);
  g_signal_emit (self, signals[BUILD_STARTED], 0, p->generation, files);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "generation");
  json_builder_add_int_value (b, (gint64) p->generation);
  add_strv_member (b, "files", files);
  json_builder_end_object (b);
  params = builder_to_string (b);
  broadcast (self, "buildStarted", params);

  wc_engine_builder_build_async (self->builder, p->cancellable, on_build_done, p);
}

/**
 * wc_session_rebuild:
 * @self: a #WcSession
 * @files: (nullable) (array zero-terminated=1): project-relative paths that changed, for the
 *   `buildStarted` notification; %NULL for a manual rebuild
 *
 * Starts the rebuild pipeline (build → extract → replace → sidecar → notify), superseding a
 * running one. Implements issue 4's rebuild pipeline; the D-Bus `Rebuild()` method calls it.
 */
void
wc_session_rebuild (WcSession          *self,
                    const char * const *files)
{
  g_return_if_fail (WC_IS_SESSION (self));
  run_pipeline (self, files);
}

static void
on_watcher_changed (WcRebuildWatcher  *watcher,
                    char             **files,
                    WcSession         *self)
{
  g_autoptr(GPtrArray) rel = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; files[i] != NULL; i++)
    g_ptr_array_add (rel, self->engine_prefix[0] != '\0'
                          ? g_build_filename (self->engine_prefix, files[i], NULL)
                          : g_strdup (files[i]));
  g_ptr_array_add (rel, NULL);

  g_signal_emit (self, signals[FILES_CHANGED], 0, (char **) rel->pdata);
  run_pipeline (self, (const char * const *) rel->pdata);
}

static void
on_params_replaced (WcParamHost  *host,
                    char        **added,
                    char        **removed,
                    char        **changed,
                    WcSession    *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *params = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "generation");
  json_builder_add_int_value (b, (gint64) self->generation);
  add_strv_member (b, "added", (const char * const *) added);
  add_strv_member (b, "removed", (const char * const *) removed);
  add_strv_member (b, "changed", (const char * const *) changed);
  json_builder_end_object (b);
  params = builder_to_string (b);
  broadcast (self, "parametersChanged", params);
  g_signal_emit (self, signals[RELOADED], 0, self->generation,
                 wc_param_host_get_n_params (host), added, removed, changed);
}

/* ---- start / stop ------------------------------------------------------------------------ */

static void
on_ui_exited (WcUiDevServer *ui,
              GError        *error,
              WcSession     *self)
{
  if (error == NULL)
    {
      self->ui_running = FALSE;
      maybe_finish_stop (self);
      return;
    }
  self->ui_running = FALSE;
  if (!self->stopping)
    {
      g_autoptr(GError) fatal = g_error_new (WC_SESSION_ERROR, WC_SESSION_ERROR_UI_DEV_SERVER,
                                             "%s", error->message);
      g_signal_emit (self, signals[FATAL], 0, fatal);
    }
}

static void
on_ui_started (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(WcSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!wc_ui_dev_server_start_finish (WC_UI_DEV_SERVER (source), result, &error))
    {
      self->ui_running = FALSE;
      if (self->stopping || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          maybe_finish_stop (self);
          return;
        }
      g_autoptr(GError) fatal = g_error_new (WC_SESSION_ERROR, WC_SESSION_ERROR_UI_DEV_SERVER,
                                             "%s", error->message);
      g_signal_emit (self, signals[FATAL], 0, fatal);
    }
}

static void
start_ui_dev_server (WcSession *self)
{
  const char *ui_dir = wc_project_get_ui_dir (self->project);
  g_autofree char *ws_url = NULL;

  if (ui_dir == NULL)
    return;
  ws_url = wc_session_dup_ws_url (self);
  self->ui = wc_ui_dev_server_new (ui_dir, self->ui_port, ws_url);
  wc_ui_dev_server_set_install (self->ui, self->install_mode == WC_INSTALL_YES);
  g_signal_connect_object (self->ui, "exited", G_CALLBACK (on_ui_exited), self, 0);
  self->ui_running = TRUE;
  wc_ui_dev_server_start_async (self->ui, NULL, on_ui_started, g_object_ref (self));
}

static gboolean
load_sidecar (WcSession *self)
{
  g_autofree char *library = wc_engine_builder_find_library (self->builder);
  g_auto(GStrv) sources = NULL;
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GError) error = NULL;

  if (library == NULL)
    return FALSE;
  sources = wc_project_list_sources (self->project);
  params = wc_sidecar_load (library, (const char * const *) sources, self->wavecraft_bin, &error);
  if (params == NULL)
    {
      g_debug ("Sidecar not used: %s", error->message);
      return FALSE;
    }
  g_free (self->library);
  self->library = g_steal_pointer (&library);
  self->params_cached = TRUE;
  wc_param_host_replace (self->host, params);
  return TRUE;
}

/**
 * wc_session_start_async:
 * @self: a #WcSession
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the session serves parameters, or failed to
 * @user_data: data for @callback
 *
 * Binds the dev server, starts watching the engine, loads the parameters from a valid
 * sidecar (PROTOCOL.md §5) or else builds and extracts them, and starts the project's UI dev
 * server when it has `ui/package.json`. Issue 3's startup sequence.
 */
void
wc_session_start_async (WcSession           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (WC_IS_SESSION (self));
  g_return_if_fail (self->start_task == NULL && self->server == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_session_start_async);

  self->server = wc_dev_server_new (self->host, self->meters);
  wc_dev_server_set_port (self->server, self->port);
  wc_dev_server_set_ui_port (self->server, self->ui_port);
  for (guint i = 0; i < self->allowed_origins->len; i++)
    wc_dev_server_add_allowed_origin (self->server, g_ptr_array_index (self->allowed_origins, i));
  wc_jsonrpc_add_method (wc_dev_server_get_jsonrpc (self->server), "getBuildStatus",
                         handle_get_build_status, self);
  if (!wc_dev_server_start (self->server, &error))
    {
      g_clear_object (&self->server);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->watch)
    {
      self->watcher = wc_rebuild_watcher_new (wc_project_get_engine_dir (self->project),
                                              self->debounce_ms);
      g_signal_connect_object (self->watcher, "changed", G_CALLBACK (on_watcher_changed), self, 0);
      if (!wc_rebuild_watcher_start (self->watcher, &error))
        {
          g_warning ("Not watching the engine for changes: %s", error->message);
          g_clear_error (&error);
          g_clear_object (&self->watcher);
        }
    }

  start_ui_dev_server (self);

  if (self->use_cache && load_sidecar (self))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  self->start_task = g_steal_pointer (&task);
  run_pipeline (self, NULL);
}

/**
 * wc_session_start_finish:
 * @self: a #WcSession
 * @result: the result given to the callback
 * @error: set to %WC_DEV_SERVER_ERROR_PORT_BUSY, %WC_SESSION_ERROR_BUILD_FAILED (the
 *   compiler output was emitted with #WcSession::build-finished) or %WC_SESSION_ERROR_STOPPED
 *
 * Returns: %TRUE when the session serves parameters
 */
gboolean
wc_session_start_finish (WcSession     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
maybe_finish_stop (WcSession *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->stop_task == NULL)
    return;
  if ((self->pipeline_inflight > 0 || self->ui_running) && self->stop_timeout_id != 0)
    return;
  g_clear_handle_id (&self->stop_timeout_id, g_source_remove);
  task = g_steal_pointer (&self->stop_task);
  g_task_return_boolean (task, TRUE);
}

static void
on_stop_deadline (gpointer data)
{
  WcSession *self = data;

  g_warning ("Children still running %u ms after stop", STOP_DEADLINE_MS);
  self->stop_timeout_id = 0;
  maybe_finish_stop (self);
}

/**
 * wc_session_stop_async:
 * @self: a #WcSession
 * @callback: called once every child process group was killed and reaped
 * @user_data: data for @callback
 *
 * Stops the session: cancels a running build or extraction (killing its process group and
 * removing its temporary library copy), stops the watcher, kills the UI dev server's process
 * group, and closes every WebSocket client with 1001 (going away), freeing the port. Gives
 * up waiting for children after 1.5 s. A pending start fails with %WC_SESSION_ERROR_STOPPED.
 */
void
wc_session_stop_async (WcSession           *self,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (WC_IS_SESSION (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, wc_session_stop_async);
  if (self->stopping)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  self->stopping = TRUE;

  complete_start (self, g_error_new (WC_SESSION_ERROR, WC_SESSION_ERROR_STOPPED,
                                     _("The session was stopped")));
  if (self->pipeline_cancellable != NULL)
    g_cancellable_cancel (self->pipeline_cancellable);
  if (self->watcher != NULL)
    wc_rebuild_watcher_stop (self->watcher);
  if (self->ui != NULL)
    wc_ui_dev_server_stop (self->ui);
  if (self->server != NULL)
    wc_dev_server_stop (self->server);

  self->stop_task = g_steal_pointer (&task);
  self->stop_timeout_id = g_timeout_add_once (STOP_DEADLINE_MS, on_stop_deadline, self);
  maybe_finish_stop (self);
}

/**
 * wc_session_stop_finish:
 * @self: a #WcSession
 * @result: the result given to the callback
 * @error: never set
 *
 * Returns: %TRUE
 */
gboolean
wc_session_stop_finish (WcSession     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- GObject ----------------------------------------------------------------------------- */

static void
wc_session_dispose (GObject *object)
{
  WcSession *self = WC_SESSION (object);

  g_clear_handle_id (&self->stop_timeout_id, g_source_remove);
  if (self->pipeline_cancellable != NULL)
    g_cancellable_cancel (self->pipeline_cancellable);
  g_clear_object (&self->pipeline_cancellable);
  if (self->watcher != NULL)
    wc_rebuild_watcher_stop (self->watcher);
  g_clear_object (&self->watcher);
  g_clear_object (&self->ui);
  if (self->server != NULL)
    wc_dev_server_stop (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->meters);
  g_clear_object (&self->host);
  g_clear_object (&self->extractor);
  g_clear_object (&self->builder);
  g_clear_object (&self->project);
  G_OBJECT_CLASS (wc_session_parent_class)->dispose (object);
}

static void
wc_session_finalize (GObject *object)
{
  WcSession *self = WC_SESSION (object);

  g_free (self->wavecraft_bin);
  g_free (self->engine_prefix);
  g_free (self->library);
  g_free (self->last_build_json);
  g_ptr_array_unref (self->allowed_origins);
  G_OBJECT_CLASS (wc_session_parent_class)->finalize (object);
}

static void
wc_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  WcSession *self = WC_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wc_session_class_init (WcSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wc_session_dispose;
  object_class->finalize = wc_session_finalize;
  object_class->get_property = wc_session_get_property;

  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL,
                                             WC_SESSION_STATE_IDLE, WC_SESSION_STATE_FAILED,
                                             WC_SESSION_STATE_IDLE,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[BUILD_STARTED] = g_signal_new ("build-started", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                         2, G_TYPE_UINT64, G_TYPE_STRV);
  signals[BUILD_OUTPUT] = g_signal_new ("build-output", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                        1, G_TYPE_STRING);
  signals[BUILD_FINISHED] = g_signal_new ("build-finished", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                          5, G_TYPE_UINT64, G_TYPE_BOOLEAN, G_TYPE_DOUBLE,
                                          G_TYPE_STRING, G_TYPE_STRING);
  signals[RELOADED] = g_signal_new ("reloaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 5, G_TYPE_UINT64,
                                    G_TYPE_UINT, G_TYPE_STRV, G_TYPE_STRV, G_TYPE_STRV);
  signals[FILES_CHANGED] = g_signal_new ("files-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                         1, G_TYPE_STRV);
  signals[FATAL] = g_signal_new ("fatal", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
wc_session_init (WcSession *self)
{
  self->port = WC_DEFAULT_PORT;
  self->ui_port = WC_DEFAULT_UI_PORT;
  self->allowed_origins = g_ptr_array_new_with_free_func (g_free);
  self->install_mode = WC_INSTALL_NO;
  self->debounce_ms = WC_REBUILD_WATCHER_DEFAULT_DEBOUNCE_MS;
  self->watch = TRUE;
  self->use_cache = TRUE;
}

/**
 * wc_session_new:
 * @project: the project to serve
 * @wavecraft_bin: absolute path of the `wavecraft` binary, spawned as `extract-params`
 *
 * Returns: (transfer full): a new, not yet started #WcSession
 */
WcSession *
wc_session_new (WcProject  *project,
                const char *wavecraft_bin)
{
  WcSession *self;
  g_autoptr(GFile) root = NULL;
  g_autoptr(GFile) engine = NULL;

  g_return_val_if_fail (WC_IS_PROJECT (project), NULL);
  g_return_val_if_fail (wavecraft_bin != NULL, NULL);

  self = g_object_new (WC_TYPE_SESSION, NULL);
  self->project = g_object_ref (project);
  self->wavecraft_bin = g_strdup (wavecraft_bin);
  root = g_file_new_for_path (wc_project_get_root (project));
  engine = g_file_new_for_path (wc_project_get_engine_dir (project));
  self->engine_prefix = g_file_get_relative_path (root, engine);
  if (self->engine_prefix == NULL)
    self->engine_prefix = g_strdup ("");

  self->builder = wc_engine_builder_new (project);
  g_signal_connect_object (self->builder, "output-line", G_CALLBACK (on_build_output), self, 0);
  self->extractor = wc_extractor_new (wavecraft_bin);
  self->host = wc_param_host_new ();
  g_signal_connect_object (self->host, "parameters-replaced", G_CALLBACK (on_params_replaced),
                           self, 0);
  self->meters = wc_meter_source_new ();
  return self;
}

/**
 * wc_session_set_port:
 * @self: a #WcSession
 * @port: TCP port of the WebSocket server and built-in UI; 0 picks a free one
 */
void
wc_session_set_port (WcSession *self,
                     guint      port)
{
  g_return_if_fail (WC_IS_SESSION (self));
  self->port = port;
}

/**
 * wc_session_set_ui_port:
 * @self: a #WcSession
 * @ui_port: TCP port of the project's own UI dev server (allowed as an Origin)
 */
void
wc_session_set_ui_port (WcSession *self,
                        guint      ui_port)
{
  g_return_if_fail (WC_IS_SESSION (self));
  self->ui_port = ui_port;
}

/**
 * wc_session_add_allowed_origin:
 * @self: a #WcSession
 * @origin: an extra allowed `Origin`, e.g. `http://localhost:3000` (`--allow-origin`)
 */
void
wc_session_add_allowed_origin (WcSession  *self,
                               const char *origin)
{
  g_return_if_fail (WC_IS_SESSION (self));
  g_ptr_array_add (self->allowed_origins, g_strdup (origin));
}

/**
 * wc_session_set_install_mode:
 * @self: a #WcSession
 * @mode: %WC_INSTALL_YES to run `npm install` when `ui/node_modules` is missing; the CLI
 *   resolves %WC_INSTALL_ASK before starting
 */
void
wc_session_set_install_mode (WcSession     *self,
                             WcInstallMode  mode)
{
  g_return_if_fail (WC_IS_SESSION (self));
  self->install_mode = mode;
}

/**
 * wc_session_set_debounce:
 * @self: a #WcSession
 * @debounce_ms: quiet window after the last change before a rebuild starts, ms
 */
void
wc_session_set_debounce (WcSession *self,
                         guint      debounce_ms)
{
  g_return_if_fail (WC_IS_SESSION (self));
  self->debounce_ms = debounce_ms;
}

/**
 * wc_session_set_watch:
 * @self: a #WcSession
 * @watch: whether to hot-reload on engine changes (default %TRUE)
 */
void
wc_session_set_watch (WcSession *self,
                      gboolean   watch)
{
  g_return_if_fail (WC_IS_SESSION (self));
  self->watch = watch;
}

/**
 * wc_session_set_use_cache:
 * @self: a #WcSession
 * @use_cache: whether a valid sidecar may skip the initial build (default %TRUE)
 */
void
wc_session_set_use_cache (WcSession *self,
                          gboolean   use_cache)
{
  g_return_if_fail (WC_IS_SESSION (self));
  self->use_cache = use_cache;
}

/**
 * wc_session_get_project:
 * @self: a #WcSession
 *
 * Returns: (transfer none): the project
 */
WcProject *
wc_session_get_project (WcSession *self)
{
  g_return_val_if_fail (WC_IS_SESSION (self), NULL);
  return self->project;
}

/**
 * wc_session_get_host:
 * @self: a #WcSession
 *
 * Returns: (transfer none): the parameter host
 */
WcParamHost *
wc_session_get_host (WcSession *self)
{
  g_return_val_if_fail (WC_IS_SESSION (self), NULL);
  return self->host;
}

/**
 * wc_session_get_state:
 * @self: a #WcSession
 *
 * Returns: idle, building or failed
 */
WcSessionState
wc_session_get_state (WcSession *self)
{
  g_return_val_if_fail (WC_IS_SESSION (self), WC_SESSION_STATE_IDLE);
  return self->state;
}

/**
 * wc_session_get_generation:
 * @self: a #WcSession
 *
 * Returns: the newest build generation started, 0 before the first build
 */
guint64
wc_session_get_generation (WcSession *self)
{
  g_return_val_if_fail (WC_IS_SESSION (self), 0);
  return self->generation;
}

/**
 * wc_session_get_port:
 * @self: a #WcSession
 *
 * Returns: the bound port once started, else the configured one
 */
guint
wc_session_get_port (WcSession *self)
{
  g_return_val_if_fail (WC_IS_SESSION (self), 0);
  return self->server != NULL ? wc_dev_server_get_port (self->server) : self->port;
}

/**
 * wc_session_dup_ws_url:
 * @self: a #WcSession
 *
 * Returns: (transfer full): `ws://127.0.0.1:<port>`, the URL existing clients use
 */
char *
wc_session_dup_ws_url (WcSession *self)
{
  g_return_val_if_fail (WC_IS_SESSION (self), NULL);
  return g_strdup_printf ("ws://127.0.0.1:%u", wc_session_get_port (self));
}

/**
 * wc_session_dup_builtin_ui_url:
 * @self: a #WcSession
 *
 * Returns: (transfer full): `http://127.0.0.1:<port>/`, the built-in UI
 */
char *
wc_session_dup_builtin_ui_url (WcSession *self)
{
  g_return_val_if_fail (WC_IS_SESSION (self), NULL);
  return g_strdup_printf ("http://127.0.0.1:%u/", wc_session_get_port (self));
}

/**
 * wc_session_dup_ui_url:
 * @self: a #WcSession
 *
 * Returns: (transfer full): the project's UI dev server URL when it has `ui/`, else the
 *   built-in UI's
 */
char *
wc_session_dup_ui_url (WcSession *self)
{
  g_return_val_if_fail (WC_IS_SESSION (self), NULL);
  if (self->ui != NULL)
    return wc_ui_dev_server_dup_url (self->ui);
  return wc_session_dup_builtin_ui_url (self);
}

/**
 * wc_session_dup_last_build_json:
 * @self: a #WcSession
 *
 * Returns: (transfer full) (nullable): `{"ok","duration_ms","diagnostics"}` of the newest
 *   finished build, or %NULL before the first
 */
char *
wc_session_dup_last_build_json (WcSession *self)
{
  g_return_val_if_fail (WC_IS_SESSION (self), NULL);
  return g_strdup (self->last_build_json);
}

/**
 * wc_session_get_params_cached:
 * @self: a #WcSession
 *
 * Returns: %TRUE when the parameters served came from the sidecar, not from a build
 */
gboolean
wc_session_get_params_cached (WcSession *self)
{
  g_return_val_if_fail (WC_IS_SESSION (self), FALSE);
  return self->params_cached;
}
