/* wc-dbus-service.c
 *
 * One entry per project root. An entry is created when a session starts and is removed once
 * it stopped; its D-Bus object (dev.wavecraft.Wavecraft.Session) lives exactly as long.
 *
 *   StartSession ─► entry (exported, SessionAdded, app held) ─► wc_session_start_async
 *        └── further StartSession calls for the same root wait on the same start
 *   StopSession  ─► wc_session_stop_async ─► entry removed (unexported, SessionRemoved,
 *                                             app released) ─► reply
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-dbus-service"

#include <glib/gi18n.h>
#include <string.h>

#include "wc-dbus-generated.h"
#include "wc-dbus-service.h"
#include "wc-dev-server.h"
#include "wc-param-host.h"
#include "wc-param-info.h"
#include "wc-project.h"
#include "wc-recent-projects.h"
#include "wc-session.h"
#include "wc-ui-dev-server.h"

/* How much of a failed build's output a StartSession error carries. */
#define FAILED_OUTPUT_MAX_LINES 25

typedef struct
{
  WcDbusService  *service;          /* borrowed: the service outlives its entries */
  WcSession      *session;
  WcDbusSession  *skeleton;
  char           *path;
  char           *root;
  gboolean        owned;            /* started here; holds the application */
  gboolean        ready;            /* start finished: serving parameters */
  gboolean        stopping;
  gboolean        explicit_port;
  gboolean        retried_port;
  char           *last_output;      /* compiler output of the newest finished build */
  GList          *start_tasks;      /* GTask waiting for the start */
  GList          *stop_tasks;       /* GTask waiting for the removal */
  WcDbusStopFunc  stop_func;
  gpointer        stop_data;
} Entry;

struct _WcDbusService
{
  GObject          parent_instance;

  GApplication    *app;             /* weak */
  char            *wavecraft_bin;
  GHashTable      *entries;         /* root → Entry */
  guint            next_id;

  GDBusConnection *connection;
  char            *object_path;
  WcDbusManager   *manager;
  char            *launcher_url;
};

G_DEFINE_FINAL_TYPE (WcDbusService, wc_dbus_service, G_TYPE_OBJECT)
G_DEFINE_QUARK (wc-dbus-error-quark, wc_dbus_error)

enum { SESSION_ADDED, SESSION_REMOVED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- errors ------------------------------------------------------------------------------ */

typedef struct
{
  GQuark    (*domain) (void);
  int         code;
  const char *name;
} ErrorName;

/**
 * wc_dbus_register_errors:
 *
 * Registers every Wavecraft #GError code that can cross the bus under a
 * `dev.wavecraft.Wavecraft.Error.*` name, so that editors see e.g.
 * `dev.wavecraft.Wavecraft.Error.NotAProject` and a GDBus client gets the original domain and
 * code back. Safe to call more than once; both the service and its clients call it.
 */
void
wc_dbus_register_errors (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      static const ErrorName names[] = {
        { wc_dbus_error_quark, WC_DBUS_ERROR_NO_SUCH_SESSION, "NoSuchSession" },
        { wc_dbus_error_quark, WC_DBUS_ERROR_INVALID_ARGUMENT, "InvalidArgument" },
        { wc_dbus_error_quark, WC_DBUS_ERROR_NOT_RUNNING, "NotRunning" },
        { wc_dbus_error_quark, WC_DBUS_ERROR_STOPPING, "Stopping" },
        { wc_project_error_quark, WC_PROJECT_ERROR_NOT_A_PROJECT, "NotAProject" },
        { wc_session_error_quark, WC_SESSION_ERROR_BUILD_FAILED, "BuildFailed" },
        { wc_session_error_quark, WC_SESSION_ERROR_UI_DEV_SERVER, "UiDevServer" },
        { wc_session_error_quark, WC_SESSION_ERROR_STOPPED, "Stopped" },
        { wc_dev_server_error_quark, WC_DEV_SERVER_ERROR_PORT_BUSY, "PortBusy" },
        { wc_dev_server_error_quark, WC_DEV_SERVER_ERROR_LISTEN, "Listen" },
        { wc_param_host_error_quark, WC_PARAM_HOST_ERROR_NOT_FOUND, "ParameterNotFound" },
        { wc_param_host_error_quark, WC_PARAM_HOST_ERROR_OUT_OF_RANGE, "OutOfRange" },
        { wc_param_host_error_quark, WC_PARAM_HOST_ERROR_INVALID_VALUE, "InvalidValue" },
        { wc_ui_dev_server_error_quark, WC_UI_DEV_SERVER_ERROR_NPM_MISSING, "NpmMissing" },
        { wc_ui_dev_server_error_quark, WC_UI_DEV_SERVER_ERROR_NOT_INSTALLED, "UiNotInstalled" },
        { wc_ui_dev_server_error_quark, WC_UI_DEV_SERVER_ERROR_INSTALL_FAILED, "UiInstallFailed" },
        { wc_ui_dev_server_error_quark, WC_UI_DEV_SERVER_ERROR_EXITED, "UiDevServerExited" },
      };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autofree char *name = g_strconcat (APP_ID ".Error.", names[i].name, NULL);

          g_dbus_error_register_error (names[i].domain (), names[i].code, name);
        }
      g_once_init_leave (&done, 1);
    }
}

/* ---- entries ----------------------------------------------------------------------------- */

static Entry *
find_by_session (WcDbusService *self,
                 WcSession     *session)
{
  GHashTableIter iter;
  Entry *entry;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (entry->session == session)
      return entry;
  return NULL;
}

static Entry *
find_by_path (WcDbusService *self,
              const char    *path)
{
  GHashTableIter iter;
  Entry *entry;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (g_strcmp0 (entry->path, path) == 0)
      return entry;
  return NULL;
}

static void
entry_export (Entry *entry)
{
  WcDbusService *self = entry->service;
  g_autoptr(GError) error = NULL;

  if (self->connection == NULL)
    return;
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (entry->skeleton),
                                         self->connection, entry->path, &error))
    g_message ("Could not export %s: %s", entry->path, error->message);
  else if (self->manager != NULL)
    wc_dbus_manager_emit_session_added (self->manager, entry->path);
}

static void
entry_unexport (Entry *entry)
{
  GDBusInterfaceSkeleton *skel = G_DBUS_INTERFACE_SKELETON (entry->skeleton);

  if (g_dbus_interface_skeleton_get_connection (skel) == NULL)
    return;
  g_dbus_interface_skeleton_flush (skel);
  g_dbus_interface_skeleton_unexport (skel);
  if (entry->service->manager != NULL)
    wc_dbus_manager_emit_session_removed (entry->service->manager, entry->path);
}

static void
entry_refresh_urls (Entry *entry)
{
  g_autofree char *ws = wc_session_dup_ws_url (entry->session);
  g_autofree char *ui = wc_session_dup_ui_url (entry->session);
  g_autofree char *builtin = wc_session_dup_builtin_ui_url (entry->session);

  wc_dbus_session_set_ws_url (entry->skeleton, ws);
  wc_dbus_session_set_ui_url (entry->skeleton, ui);
  wc_dbus_session_set_builtin_ui_url (entry->skeleton, builtin);
}

static void
complete_tasks (GList  **tasks,
                GError  *error)
{
  GList *list = g_steal_pointer (tasks);

  for (GList *l = list; l != NULL; l = l->next)
    {
      g_autoptr(GTask) task = l->data;

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else if (g_task_get_source_tag (task) == wc_dbus_service_start_session_async)
        g_task_return_pointer (task, g_object_ref (g_task_get_task_data (task)),
                               g_object_unref);
      else
        g_task_return_boolean (task, TRUE);
    }
  g_list_free (list);
}

/* Removes the entry: unexports it, releases the application for an owned one and answers
 * everybody waiting for its start (with @error, or STOPPED) or for its stop. */
static void
entry_remove (Entry  *entry,
              GError *error)
{
  WcDbusService *self = entry->service;
  g_autoptr(WcSession) session = g_object_ref (entry->session);
  g_autoptr(GError) stopped = NULL;
  gboolean owned = entry->owned;

  g_signal_handlers_disconnect_by_data (entry->session, entry);
  g_signal_handlers_disconnect_by_data (wc_session_get_host (entry->session), entry);
  g_signal_handlers_disconnect_by_data (entry->skeleton, entry);
  entry_unexport (entry);

  if (error == NULL)
    stopped = g_error_new (WC_SESSION_ERROR, WC_SESSION_ERROR_STOPPED,
                           _("The session for %s was stopped before it was ready"), entry->root);
  complete_tasks (&entry->start_tasks, error != NULL ? error : stopped);
  complete_tasks (&entry->stop_tasks, NULL);

  /* Frees the entry. */
  g_hash_table_remove (self->entries, entry->root);
  g_signal_emit (self, signals[SESSION_REMOVED], 0, session);

  if (owned && self->app != NULL)
    g_application_release (self->app);
}

static void
entry_free (Entry *entry)
{
  g_assert (entry->start_tasks == NULL && entry->stop_tasks == NULL);
  g_clear_object (&entry->skeleton);
  g_clear_object (&entry->session);
  g_free (entry->path);
  g_free (entry->root);
  g_free (entry->last_output);
  g_free (entry);
}

/* ---- session → D-Bus --------------------------------------------------------------------- */

static void
on_state_changed (WcSession  *session,
                  GParamSpec *pspec,
                  Entry      *entry)
{
  wc_dbus_session_set_state (entry->skeleton,
                             wc_session_state_to_string (wc_session_get_state (session)));
}

static void
on_build_started (WcSession  *session,
                  guint64     generation,
                  char      **files,
                  Entry      *entry)
{
  static const char * const none[] = { NULL };

  wc_dbus_session_set_generation (entry->skeleton, generation);
  wc_dbus_session_emit_build_started (entry->skeleton, generation,
                                      files != NULL ? (const char * const *) files : none);
}

static void
on_build_output (WcSession  *session,
                 const char *line,
                 Entry      *entry)
{
  if (g_utf8_validate (line, -1, NULL))
    wc_dbus_session_emit_build_output (entry->skeleton, line);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (line, -1);

      wc_dbus_session_emit_build_output (entry->skeleton, valid);
    }
}

static void
on_build_finished (WcSession  *session,
                   guint64     generation,
                   gboolean    ok,
                   double      duration_ms,
                   const char *diagnostics_json,
                   const char *output,
                   Entry      *entry)
{
  g_autofree char *last = wc_session_dup_last_build_json (session);

  g_free (entry->last_output);
  entry->last_output = g_strdup (output);
  wc_dbus_session_set_last_build (entry->skeleton, last != NULL ? last : "null");
  wc_dbus_session_emit_build_finished (entry->skeleton, ok, duration_ms,
                                       diagnostics_json != NULL ? diagnostics_json : "[]");
}

static void
on_parameter_changed (WcParamHost *host,
                      const char  *id,
                      double       value,
                      Entry       *entry)
{
  wc_dbus_session_emit_parameter_changed (entry->skeleton, id, value);
}

static void
on_parameters_replaced (WcParamHost  *host,
                        char        **added,
                        char        **removed,
                        char        **changed,
                        Entry        *entry)
{
  wc_dbus_session_emit_parameters_changed (entry->skeleton);
}

static void
stop_entry (Entry *entry);

static void
on_fatal (WcSession *session,
          GError    *error,
          Entry     *entry)
{
  g_message ("Session for %s failed: %s", entry->root, error->message);
  if (entry->owned)
    stop_entry (entry);
}

/* ---- D-Bus → session --------------------------------------------------------------------- */

static gboolean
handle_rebuild (WcDbusSession         *skeleton,
                GDBusMethodInvocation *invocation,
                Entry                 *entry)
{
  if (entry->stopping)
    {
      g_dbus_method_invocation_return_error (invocation, WC_DBUS_ERROR, WC_DBUS_ERROR_STOPPING,
                                             _("The session for %s is stopping"), entry->root);
      return TRUE;
    }
  wc_session_rebuild (entry->session, NULL);
  wc_dbus_session_complete_rebuild (skeleton, invocation);
  return TRUE;
}

static gboolean
handle_get_parameters (WcDbusSession         *skeleton,
                       GDBusMethodInvocation *invocation,
                       Entry                 *entry)
{
  GPtrArray *params = wc_param_host_get_params (wc_session_get_host (entry->session));
  g_autoptr(GPtrArray) empty = NULL;
  g_autofree char *json = NULL;

  if (params == NULL)
    params = empty = g_ptr_array_new ();
  json = wc_param_info_list_serialize (params);
  wc_dbus_session_complete_get_parameters (skeleton, invocation, json);
  return TRUE;
}

static gboolean
handle_set_parameter (WcDbusSession         *skeleton,
                      GDBusMethodInvocation *invocation,
                      const char            *id,
                      double                 value,
                      Entry                 *entry)
{
  g_autoptr(GError) error = NULL;

  if (!wc_param_host_set_value (wc_session_get_host (entry->session), id, value, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return TRUE;
    }
  wc_dbus_session_complete_set_parameter (skeleton, invocation);
  return TRUE;
}

static Entry *
entry_new (WcDbusService *self,
           WcSession     *session,
           gboolean       owned)
{
  WcProject *project = wc_session_get_project (session);
  Entry *entry = g_new0 (Entry, 1);

  entry->service = self;
  entry->session = g_object_ref (session);
  entry->owned = owned;
  entry->root = g_strdup (wc_project_get_root (project));
  entry->path = g_strdup_printf ("%s/Session/%u",
                                 self->object_path != NULL ? self->object_path : APP_PATH,
                                 ++self->next_id);
  entry->skeleton = wc_dbus_session_skeleton_new ();
  wc_dbus_session_set_project_dir (entry->skeleton, entry->root);
  wc_dbus_session_set_name (entry->skeleton, wc_project_get_name (project));
  wc_dbus_session_set_state (entry->skeleton,
                             wc_session_state_to_string (wc_session_get_state (session)));
  wc_dbus_session_set_generation (entry->skeleton, wc_session_get_generation (session));
  wc_dbus_session_set_last_build (entry->skeleton, "null");
  entry_refresh_urls (entry);

  g_signal_connect (entry->skeleton, "handle-rebuild", G_CALLBACK (handle_rebuild), entry);
  g_signal_connect (entry->skeleton, "handle-get-parameters",
                    G_CALLBACK (handle_get_parameters), entry);
  g_signal_connect (entry->skeleton, "handle-set-parameter",
                    G_CALLBACK (handle_set_parameter), entry);

  g_signal_connect (session, "notify::state", G_CALLBACK (on_state_changed), entry);
  g_signal_connect (session, "build-started", G_CALLBACK (on_build_started), entry);
  g_signal_connect (session, "build-output", G_CALLBACK (on_build_output), entry);
  g_signal_connect (session, "build-finished", G_CALLBACK (on_build_finished), entry);
  g_signal_connect (session, "fatal", G_CALLBACK (on_fatal), entry);
  g_signal_connect (wc_session_get_host (session), "parameter-changed",
                    G_CALLBACK (on_parameter_changed), entry);
  g_signal_connect (wc_session_get_host (session), "parameters-replaced",
                    G_CALLBACK (on_parameters_replaced), entry);

  g_hash_table_insert (self->entries, entry->root, entry);
  if (owned && self->app != NULL)
    g_application_hold (self->app);
  entry_export (entry);
  g_signal_emit (self, signals[SESSION_ADDED], 0, session);
  return entry;
}

/* ---- start ------------------------------------------------------------------------------- */

static char *
tail_lines (const char *text,
            guint       max_lines)
{
  const char *end;
  const char *p;
  guint n = 0;

  if (text == NULL)
    return g_strdup ("");
  end = text + strlen (text);
  while (end > text && end[-1] == '\n')
    end--;
  for (p = end; p > text; p--)
    if (p[-1] == '\n' && ++n == max_lines)
      break;
  return g_strndup (p, end - p);
}

static void
on_session_started (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(WcDbusService) self = user_data;
  WcSession *session = WC_SESSION (source);
  g_autoptr(GError) error = NULL;
  Entry *entry;

  if (wc_session_start_finish (session, result, &error))
    {
      entry = find_by_session (self, session);
      if (entry == NULL || entry->stopping)
        return;
      entry->ready = TRUE;
      entry_refresh_urls (entry);
      if (!wc_recent_projects_add (entry->root,
                                   wc_project_get_name (wc_session_get_project (session)),
                                   &error))
        g_debug ("Could not update the recent projects: %s", error->message);
      complete_tasks (&entry->start_tasks, NULL);
      return;
    }

  entry = find_by_session (self, session);
  if (entry == NULL || entry->stopping)
    return;

  /* The default port is taken (another session, another tool): any free one will do. */
  if (g_error_matches (error, WC_DEV_SERVER_ERROR, WC_DEV_SERVER_ERROR_PORT_BUSY) &&
      !entry->explicit_port && !entry->retried_port)
    {
      g_debug ("%s; using a free port for %s", error->message, entry->root);
      entry->retried_port = TRUE;
      wc_session_set_port (session, 0);
      wc_session_start_async (session, NULL, on_session_started, g_object_ref (self));
      entry_refresh_urls (entry);
      return;
    }

  if (g_error_matches (error, WC_SESSION_ERROR, WC_SESSION_ERROR_BUILD_FAILED) &&
      entry->last_output != NULL && entry->last_output[0] != '\0')
    {
      g_autofree char *tail = tail_lines (entry->last_output, FAILED_OUTPUT_MAX_LINES);
      g_autoptr(GError) detailed = g_error_new (WC_SESSION_ERROR, WC_SESSION_ERROR_BUILD_FAILED,
                                                "%s\n%s", error->message, tail);

      g_clear_error (&error);
      error = g_steal_pointer (&detailed);
    }

  /* Answer the callers now; the entry goes once its children are reaped. */
  complete_tasks (&entry->start_tasks, error);
  stop_entry (entry);
}

static gboolean
parse_options (GVariant  *options,
               guint     *port,
               gboolean  *explicit_port,
               guint     *ui_port,
               gboolean  *install,
               gboolean  *watch,
               gboolean  *use_cache,
               GError   **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (options == NULL)
    return TRUE;
  g_variant_iter_init (&iter, options);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      const char *type = NULL;

      if (g_str_equal (key, "port") || g_str_equal (key, "ui-port"))
        {
          guint32 v;

          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
            type = "u";
          else if ((v = g_variant_get_uint32 (value)) > 65535)
            {
              g_set_error (error, WC_DBUS_ERROR, WC_DBUS_ERROR_INVALID_ARGUMENT,
                           _("Option “%s” must be a port from 0 to 65535, not %u"), key, v);
              g_variant_unref (value);
              return FALSE;
            }
          else if (g_str_equal (key, "port"))
            {
              *port = v;
              *explicit_port = TRUE;
            }
          else
            *ui_port = v;
        }
      else if (g_str_equal (key, "install") || g_str_equal (key, "watch") ||
               g_str_equal (key, "use-cache"))
        {
          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
            type = "b";
          else if (g_str_equal (key, "install"))
            *install = g_variant_get_boolean (value);
          else if (g_str_equal (key, "watch"))
            *watch = g_variant_get_boolean (value);
          else
            *use_cache = g_variant_get_boolean (value);
        }
      else
        {
          g_set_error (error, WC_DBUS_ERROR, WC_DBUS_ERROR_INVALID_ARGUMENT,
                       _("Unknown option “%s”"), key);
          g_variant_unref (value);
          return FALSE;
        }

      if (type != NULL)
        {
          g_set_error (error, WC_DBUS_ERROR, WC_DBUS_ERROR_INVALID_ARGUMENT,
                       _("Option “%s” must have type “%s”, not “%s”"), key, type,
                       g_variant_get_type_string (value));
          g_variant_unref (value);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * wc_dbus_service_start_session_async:
 * @self: a #WcDbusService
 * @project_dir: absolute path of a project directory
 * @options: (nullable): an `a{sv}` of StartSessionFull() options: `port` (u), `ui-port` (u),
 *   `install` (b), `watch` (b), `use-cache` (b)
 * @callback: called once the session serves parameters, or failed to start
 * @user_data: data for @callback
 *
 * Starts a session for the project (issue 5's Manager.StartSession), or joins the one that
 * already runs or starts for the same project root. The session holds the application
 * until it is stopped. Without a `port` option the WebSocket server takes port 9000, or a
 * free one when 9000 is busy.
 */
void
wc_dbus_service_start_session_async (WcDbusService       *self,
                                     const char          *project_dir,
                                     GVariant            *options,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcProject) project = NULL;
  g_autoptr(WcSession) session = NULL;
  guint port = WC_DEFAULT_PORT, ui_port = WC_DEFAULT_UI_PORT;
  gboolean explicit_port = FALSE, install = FALSE, watch = TRUE, use_cache = TRUE;
  Entry *entry;

  g_return_if_fail (WC_IS_DBUS_SERVICE (self));
  g_return_if_fail (project_dir != NULL);

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, wc_dbus_service_start_session_async);

  if (!g_path_is_absolute (project_dir))
    {
      g_task_return_new_error (task, WC_DBUS_ERROR, WC_DBUS_ERROR_INVALID_ARGUMENT,
                               _("The project directory must be an absolute path, not “%s”"),
                               project_dir);
      return;
    }
  if (!parse_options (options, &port, &explicit_port, &ui_port, &install, &watch, &use_cache,
                      &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  project = wc_project_open (project_dir, &error);
  if (project == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  entry = g_hash_table_lookup (self->entries, wc_project_get_root (project));
  if (entry != NULL)
    {
      if (entry->stopping)
        g_task_return_new_error (task, WC_DBUS_ERROR, WC_DBUS_ERROR_STOPPING,
                                 _("The session for %s is stopping; try again once it is gone"),
                                 entry->root);
      else if (entry->ready || !entry->owned)
        g_task_return_pointer (task, g_object_ref (entry->session), g_object_unref);
      else
        {
          g_task_set_task_data (task, g_object_ref (entry->session), g_object_unref);
          entry->start_tasks = g_list_append (entry->start_tasks, g_steal_pointer (&task));
        }
      return;
    }

  session = wc_session_new (project, self->wavecraft_bin);
  wc_session_set_port (session, port);
  wc_session_set_ui_port (session, ui_port);
  wc_session_set_install_mode (session, install ? WC_INSTALL_YES : WC_INSTALL_NO);
  wc_session_set_watch (session, watch);
  wc_session_set_use_cache (session, use_cache);

  entry = entry_new (self, session, TRUE);
  entry->explicit_port = explicit_port;
  g_task_set_task_data (task, g_object_ref (session), g_object_unref);
  entry->start_tasks = g_list_append (entry->start_tasks, g_steal_pointer (&task));

  wc_session_start_async (session, NULL, on_session_started, g_object_ref (self));
  /* The server is bound by now: publish the real port. */
  entry_refresh_urls (entry);
}

/**
 * wc_dbus_service_start_session_finish:
 * @self: a #WcDbusService
 * @result: the result given to the callback
 * @error: set to %WC_DBUS_ERROR_INVALID_ARGUMENT, %WC_DBUS_ERROR_STOPPING,
 *   %WC_PROJECT_ERROR_NOT_A_PROJECT, %WC_DEV_SERVER_ERROR_PORT_BUSY (an explicit port),
 *   %WC_SESSION_ERROR_BUILD_FAILED (the message ends with the tail of the compiler output)
 *   or %WC_SESSION_ERROR_STOPPED
 *
 * Returns: (transfer full): the running session
 */
WcSession *
wc_dbus_service_start_session_finish (WcDbusService  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- stop -------------------------------------------------------------------------------- */

static void
on_session_stopped (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(WcDbusService) self = user_data;
  Entry *entry;

  wc_session_stop_finish (WC_SESSION (source), result, NULL);
  entry = find_by_session (self, WC_SESSION (source));
  if (entry != NULL)
    entry_remove (entry, NULL);
}

static void
stop_entry (Entry *entry)
{
  if (entry->stopping)
    return;
  entry->stopping = TRUE;
  if (entry->owned)
    wc_session_stop_async (entry->session, on_session_stopped, g_object_ref (entry->service));
  else if (entry->stop_func != NULL)
    entry->stop_func (entry->stop_data);
}

/**
 * wc_dbus_service_stop_session_async:
 * @self: a #WcDbusService
 * @session: a session of @self
 * @callback: called once the session is gone
 * @user_data: data for @callback
 *
 * Stops @session: an owned one through wc_session_stop_async() (children killed and reaped,
 * clients closed with 1001), a published terminal session through its #WcDbusStopFunc.
 * Completes when the session was removed.
 */
void
wc_dbus_service_stop_session_async (WcDbusService       *self,
                                    WcSession           *session,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Entry *entry;

  g_return_if_fail (WC_IS_DBUS_SERVICE (self));
  g_return_if_fail (WC_IS_SESSION (session));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, wc_dbus_service_stop_session_async);
  entry = find_by_session (self, session);
  if (entry == NULL)
    {
      g_task_return_new_error (task, WC_DBUS_ERROR, WC_DBUS_ERROR_NO_SUCH_SESSION,
                               _("The session is not running"));
      return;
    }
  entry->stop_tasks = g_list_append (entry->stop_tasks, g_steal_pointer (&task));
  stop_entry (entry);
}

/**
 * wc_dbus_service_stop_session_finish:
 * @self: a #WcDbusService
 * @result: the result given to the callback
 * @error: set to %WC_DBUS_ERROR_NO_SUCH_SESSION
 *
 * Returns: %TRUE once the session is gone
 */
gboolean
wc_dbus_service_stop_session_finish (WcDbusService  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_one_stopped (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  guint *pending = g_task_get_task_data (task);

  wc_dbus_service_stop_session_finish (WC_DBUS_SERVICE (source), result, NULL);
  if (--(*pending) == 0)
    g_task_return_boolean (task, TRUE);
}

/**
 * wc_dbus_service_stop_all_async:
 * @self: a #WcDbusService
 * @callback: called once every owned session is gone
 * @user_data: data for @callback
 *
 * Stops every session this process owns (used on SIGTERM and when a terminal session that
 * also served D-Bus sessions ends). Published terminal sessions are left alone.
 */
void
wc_dbus_service_stop_all_async (WcDbusService       *self,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  Entry *entry;
  guint *pending;

  g_return_if_fail (WC_IS_DBUS_SERVICE (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, wc_dbus_service_stop_all_async);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (entry->owned)
      g_ptr_array_add (owned, g_object_ref (entry->session));
  if (owned->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  pending = g_new (guint, 1);
  *pending = owned->len;
  g_task_set_task_data (task, pending, g_free);
  for (guint i = 0; i < owned->len; i++)
    wc_dbus_service_stop_session_async (self, g_ptr_array_index (owned, i), on_one_stopped,
                                        g_object_ref (task));
}

/**
 * wc_dbus_service_stop_all_finish:
 * @self: a #WcDbusService
 * @result: the result given to the callback
 * @error: never set
 *
 * Returns: %TRUE
 */
gboolean
wc_dbus_service_stop_all_finish (WcDbusService  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- published (terminal) sessions ------------------------------------------------------- */

/**
 * wc_dbus_service_add_session:
 * @self: a #WcDbusService
 * @session: a session this process runs outside the service (a terminal `wavecraft start`);
 *   already started with wc_session_start_async(), so its port is bound
 * @stop_func: (nullable): asks the owner to stop @session (StopSession, `wavecraft stop`)
 * @user_data: data for @stop_func
 *
 * Publishes @session on the bus and in the registry, so that editors and `wavecraft status`
 * see it and a second `wavecraft start` for its project reports it. Does not hold the
 * application. Remove it with wc_dbus_service_remove_session() before it is disposed.
 */
void
wc_dbus_service_add_session (WcDbusService  *self,
                             WcSession      *session,
                             WcDbusStopFunc  stop_func,
                             gpointer        user_data)
{
  Entry *entry;

  g_return_if_fail (WC_IS_DBUS_SERVICE (self));
  g_return_if_fail (WC_IS_SESSION (session));

  if (find_by_session (self, session) != NULL)
    return;
  if (g_hash_table_contains (self->entries, wc_project_get_root (wc_session_get_project (session))))
    {
      g_message ("%s already has a session; not publishing another",
                 wc_project_get_root (wc_session_get_project (session)));
      return;
    }
  entry = entry_new (self, session, FALSE);
  entry->ready = TRUE;
  entry->stop_func = stop_func;
  entry->stop_data = user_data;
}

/**
 * wc_dbus_service_remove_session:
 * @self: a #WcDbusService
 * @session: a session given to wc_dbus_service_add_session()
 *
 * Unpublishes @session and answers pending StopSession calls for it. Unknown sessions are
 * ignored.
 */
void
wc_dbus_service_remove_session (WcDbusService *self,
                                WcSession     *session)
{
  Entry *entry;

  g_return_if_fail (WC_IS_DBUS_SERVICE (self));

  entry = find_by_session (self, session);
  if (entry != NULL && !entry->owned)
    entry_remove (entry, NULL);
}

/* ---- queries ----------------------------------------------------------------------------- */

/**
 * wc_dbus_service_lookup:
 * @self: a #WcDbusService
 * @project_root: a project root as wc_project_get_root() gives it
 *
 * Returns: (transfer none) (nullable): the session serving @project_root, ready or not
 */
WcSession *
wc_dbus_service_lookup (WcDbusService *self,
                        const char    *project_root)
{
  Entry *entry;

  g_return_val_if_fail (WC_IS_DBUS_SERVICE (self), NULL);
  entry = g_hash_table_lookup (self->entries, project_root);
  return entry != NULL ? entry->session : NULL;
}

/**
 * wc_dbus_service_is_ready:
 * @self: a #WcDbusService
 * @session: a session of @self
 *
 * Returns: %TRUE when @session serves parameters and is not stopping
 */
gboolean
wc_dbus_service_is_ready (WcDbusService *self,
                          WcSession     *session)
{
  Entry *entry;

  g_return_val_if_fail (WC_IS_DBUS_SERVICE (self), FALSE);
  entry = find_by_session (self, session);
  return entry != NULL && entry->ready && !entry->stopping;
}

/**
 * wc_dbus_service_get_object_path:
 * @self: a #WcDbusService
 * @session: a session of @self
 *
 * Returns: (nullable): the session's D-Bus object path, `APP_PATH/Session/<n>`
 */
const char *
wc_dbus_service_get_object_path (WcDbusService *self,
                                 WcSession     *session)
{
  Entry *entry;

  g_return_val_if_fail (WC_IS_DBUS_SERVICE (self), NULL);
  entry = find_by_session (self, session);
  return entry != NULL ? entry->path : NULL;
}

/**
 * wc_dbus_service_get_n_sessions:
 * @self: a #WcDbusService
 *
 * Returns: how many sessions are registered, owned or published
 */
guint
wc_dbus_service_get_n_sessions (WcDbusService *self)
{
  g_return_val_if_fail (WC_IS_DBUS_SERVICE (self), 0);
  return g_hash_table_size (self->entries);
}

/**
 * wc_dbus_service_get_n_owned:
 * @self: a #WcDbusService
 *
 * Returns: how many sessions this service started (and holds the application for)
 */
guint
wc_dbus_service_get_n_owned (WcDbusService *self)
{
  GHashTableIter iter;
  Entry *entry;
  guint n = 0;

  g_return_val_if_fail (WC_IS_DBUS_SERVICE (self), 0);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (entry->owned)
      n++;
  return n;
}

/**
 * wc_dbus_service_set_launcher_url:
 * @self: a #WcDbusService
 * @url: (nullable): the launcher page's URL, or %NULL once it stopped
 *
 * Sets the Manager's `LauncherUrl` property.
 */
void
wc_dbus_service_set_launcher_url (WcDbusService *self,
                                  const char    *url)
{
  g_return_if_fail (WC_IS_DBUS_SERVICE (self));
  g_free (self->launcher_url);
  self->launcher_url = g_strdup (url);
  if (self->manager != NULL)
    wc_dbus_manager_set_launcher_url (self->manager, url != NULL ? url : "");
}

/* ---- Manager ----------------------------------------------------------------------------- */

typedef struct
{
  GDBusMethodInvocation *invocation;
  gboolean               full;
} StartCall;

static void
on_start_for_call (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  StartCall *call = user_data;
  WcDbusService *self = WC_DBUS_SERVICE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSession) session = NULL;
  g_autofree char *ws = NULL;
  g_autofree char *ui = NULL;
  const char *path;

  session = wc_dbus_service_start_session_finish (self, result, &error);
  if (session == NULL)
    {
      g_dbus_method_invocation_return_gerror (call->invocation, error);
      g_free (call);
      return;
    }
  path = wc_dbus_service_get_object_path (self, session);
  ws = wc_session_dup_ws_url (session);
  ui = wc_session_dup_ui_url (session);
  if (call->full)
    wc_dbus_manager_complete_start_session_full (self->manager, call->invocation, path, ws, ui);
  else
    wc_dbus_manager_complete_start_session (self->manager, call->invocation, path, ws, ui);
  g_free (call);
}

static void
start_for_call (WcDbusService         *self,
                GDBusMethodInvocation *invocation,
                const char            *project_dir,
                GVariant              *options,
                gboolean               full)
{
  StartCall *call = g_new0 (StartCall, 1);

  /* The invocation's reference passes to the completion. */
  call->invocation = invocation;
  call->full = full;
  wc_dbus_service_start_session_async (self, project_dir, options, on_start_for_call, call);
}

static gboolean
handle_start_session (WcDbusManager         *manager,
                      GDBusMethodInvocation *invocation,
                      const char            *project_dir,
                      WcDbusService         *self)
{
  start_for_call (self, invocation, project_dir, NULL, FALSE);
  return TRUE;
}

static gboolean
handle_start_session_full (WcDbusManager         *manager,
                           GDBusMethodInvocation *invocation,
                           const char            *project_dir,
                           GVariant              *options,
                           WcDbusService         *self)
{
  start_for_call (self, invocation, project_dir, options, TRUE);
  return TRUE;
}

static void
on_stop_for_call (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GDBusMethodInvocation *invocation = user_data;
  WcDbusService *self = WC_DBUS_SERVICE (source);
  g_autoptr(GError) error = NULL;

  if (!wc_dbus_service_stop_session_finish (self, result, &error))
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    wc_dbus_manager_complete_stop_session (self->manager, invocation);
}

static gboolean
handle_stop_session (WcDbusManager         *manager,
                     GDBusMethodInvocation *invocation,
                     const char            *path,
                     WcDbusService         *self)
{
  Entry *entry = find_by_path (self, path);

  if (entry == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, WC_DBUS_ERROR,
                                             WC_DBUS_ERROR_NO_SUCH_SESSION,
                                             _("No session at %s"), path);
      return TRUE;
    }
  wc_dbus_service_stop_session_async (self, entry->session, on_stop_for_call, invocation);
  return TRUE;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *ea = *(Entry * const *) a;
  const Entry *eb = *(Entry * const *) b;

  return g_strcmp0 (ea->root, eb->root);
}

static gboolean
handle_list_sessions (WcDbusManager         *manager,
                      GDBusMethodInvocation *invocation,
                      WcDbusService         *self)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  GVariantBuilder builder;
  GHashTableIter iter;
  Entry *entry;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    g_ptr_array_add (list, entry);
  g_ptr_array_sort (list, compare_entries);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(osss)"));
  for (guint i = 0; i < list->len; i++)
    {
      Entry *e = g_ptr_array_index (list, i);
      g_autofree char *ws = wc_session_dup_ws_url (e->session);
      g_autofree char *ui = wc_session_dup_ui_url (e->session);

      g_variant_builder_add (&builder, "(osss)", e->path, e->root, ws, ui);
    }
  wc_dbus_manager_complete_list_sessions (manager, invocation, g_variant_builder_end (&builder));
  return TRUE;
}

/**
 * wc_dbus_service_export:
 * @self: a #WcDbusService
 * @connection: the application's bus connection
 * @object_path: the application's object path (`APP_PATH`)
 * @error: set to a #GIOError or #GDBusError when exporting fails
 *
 * Exports the Manager on @object_path and every registered session below it. Call from
 * #GApplicationClass.dbus_register(): it runs in every instance, so this only exports.
 *
 * Returns: %TRUE when exported
 */
gboolean
wc_dbus_service_export (WcDbusService    *self,
                        GDBusConnection  *connection,
                        const char       *object_path,
                        GError          **error)
{
  GHashTableIter iter;
  Entry *entry;

  g_return_val_if_fail (WC_IS_DBUS_SERVICE (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);

  wc_dbus_register_errors ();
  if (self->manager != NULL)
    return TRUE;

  self->manager = wc_dbus_manager_skeleton_new ();
  wc_dbus_manager_set_launcher_url (self->manager,
                                    self->launcher_url != NULL ? self->launcher_url : "");
  g_signal_connect (self->manager, "handle-start-session", G_CALLBACK (handle_start_session), self);
  g_signal_connect (self->manager, "handle-start-session-full",
                    G_CALLBACK (handle_start_session_full), self);
  g_signal_connect (self->manager, "handle-stop-session", G_CALLBACK (handle_stop_session), self);
  g_signal_connect (self->manager, "handle-list-sessions", G_CALLBACK (handle_list_sessions), self);
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->manager), connection,
                                         object_path, error))
    {
      g_clear_object (&self->manager);
      return FALSE;
    }
  self->connection = g_object_ref (connection);
  g_free (self->object_path);
  self->object_path = g_strdup (object_path);

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    entry_export (entry);
  return TRUE;
}

/**
 * wc_dbus_service_unexport:
 * @self: a #WcDbusService
 *
 * Removes the Manager and every session object from the bus (from
 * #GApplicationClass.dbus_unregister()). The sessions keep running.
 */
void
wc_dbus_service_unexport (WcDbusService *self)
{
  GHashTableIter iter;
  Entry *entry;

  g_return_if_fail (WC_IS_DBUS_SERVICE (self));

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    entry_unexport (entry);
  if (self->manager != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->manager, self);
      g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->manager));
      g_clear_object (&self->manager);
    }
  g_clear_object (&self->connection);
}

/* ---- GObject ----------------------------------------------------------------------------- */

static void
wc_dbus_service_dispose (GObject *object)
{
  WcDbusService *self = WC_DBUS_SERVICE (object);
  GHashTableIter iter;
  Entry *entry;

  /* Whatever still runs goes with the process: no more D-Bus, no more holds. */
  if (self->manager != NULL || self->connection != NULL)
    wc_dbus_service_unexport (self);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    {
      g_autoptr(GError) error = g_error_new (WC_SESSION_ERROR, WC_SESSION_ERROR_STOPPED,
                                             _("Wavecraft is shutting down"));

      g_signal_handlers_disconnect_by_data (entry->session, entry);
      g_signal_handlers_disconnect_by_data (wc_session_get_host (entry->session), entry);
      g_signal_handlers_disconnect_by_data (entry->skeleton, entry);
      complete_tasks (&entry->start_tasks, error);
      complete_tasks (&entry->stop_tasks, NULL);
      g_hash_table_iter_remove (&iter);
    }
  g_clear_weak_pointer (&self->app);
  G_OBJECT_CLASS (wc_dbus_service_parent_class)->dispose (object);
}

static void
wc_dbus_service_finalize (GObject *object)
{
  WcDbusService *self = WC_DBUS_SERVICE (object);

  g_hash_table_unref (self->entries);
  g_free (self->wavecraft_bin);
  g_free (self->object_path);
  g_free (self->launcher_url);
  G_OBJECT_CLASS (wc_dbus_service_parent_class)->finalize (object);
}

static void
wc_dbus_service_class_init (WcDbusServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wc_dbus_service_dispose;
  object_class->finalize = wc_dbus_service_finalize;

  signals[SESSION_ADDED] = g_signal_new ("session-added", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, WC_TYPE_SESSION);
  signals[SESSION_REMOVED] = g_signal_new ("session-removed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, WC_TYPE_SESSION);
}

static void
wc_dbus_service_init (WcDbusService *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) entry_free);
}

/**
 * wc_dbus_service_new:
 * @app: (nullable): the application to hold once per owned session
 * @wavecraft_bin: absolute path of the `wavecraft` binary, for `extract-params`
 *
 * Returns: (transfer full): a new, unexported #WcDbusService
 */
WcDbusService *
wc_dbus_service_new (GApplication *app,
                     const char   *wavecraft_bin)
{
  WcDbusService *self;

  g_return_val_if_fail (app == NULL || G_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (wavecraft_bin != NULL, NULL);

  self = g_object_new (WC_TYPE_DBUS_SERVICE, NULL);
  g_set_weak_pointer (&self->app, app);
  self->wavecraft_bin = g_strdup (wavecraft_bin);
  return self;
}
