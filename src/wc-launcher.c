/* wc-launcher.c
 *
 * A WcDevServer with an empty parameter host, serving the launcher page from its own
 * GResource prefix, plus JSON-RPC methods for the page:
 *
 *   getStrings          → {"strings":{key: translated text}}  (the page is translated via po/)
 *   listRecentProjects  → {"projects":[{root,name,last_used,exists,running,ready,state,
 *                                        ws_url,ui_url,error}]}
 *   openProject {root}  → {"state":"starting"|"running"}   starts a session (as StartSession)
 *   stopProject {root}  → {}
 *   forgetProject {root}→ {}                               removes it from the recent list
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-launcher"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "wc-dev-server.h"
#include "wc-jsonrpc.h"
#include "wc-launcher.h"
#include "wc-meter-source.h"
#include "wc-param-host.h"
#include "wc-project.h"
#include "wc-recent-projects.h"
#include "wc-session.h"

/* JSON-RPC server error (PROTOCOL.md reserves -32000/-32001): the project cannot be used. */
#define LAUNCHER_PROJECT_ERROR (-32010)

struct _WcLauncher
{
  GObject        parent_instance;

  WcDbusService *service;
  WcParamHost   *host;
  WcMeterSource *meters;
  WcDevServer   *server;
  GHashTable    *errors;      /* root → message of its last failed start */
  guint          idle_ms;
  guint          idle_id;
};

G_DEFINE_FINAL_TYPE (WcLauncher, wc_launcher, G_TYPE_OBJECT)

enum { IDLE, N_SIGNALS };
static guint signals[N_SIGNALS];

static char *
node_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

static void
append_builder (GString     *result,
                JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = node_to_string (root);

  g_string_append (result, text);
}

static gboolean
get_root_param (JsonNode    *params,
                const char **root,
                int         *error_code,
                char       **error_message)
{
  JsonObject *obj;
  JsonNode *member;

  if (params == NULL || !JSON_NODE_HOLDS_OBJECT (params) ||
      (obj = json_node_get_object (params)) == NULL ||
      (member = json_object_get_member (obj, "root")) == NULL ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    {
      *error_code = WC_JSONRPC_INVALID_PARAMS;
      *error_message = g_strdup ("Invalid params: root must be a string");
      return FALSE;
    }
  *root = json_node_get_string (member);
  return TRUE;
}

/* ---- getStrings -------------------------------------------------------------------------- */

static gboolean
handle_get_strings (WcJsonRpc  *rpc,
                    gpointer    client,
                    JsonNode   *params,
                    GString    *result,
                    int        *error_code,
                    char      **error_message,
                    gpointer    user_data)
{
  const struct { const char *key; const char *text; } strings[] = {
    { "title", _("Wavecraft") },
    { "subtitle", _("Develop audio plugins with a live browser UI") },
    { "recent", _("Recent projects") },
    { "none", _("No recent projects yet.") },
    { "open", _("Open") },
    { "start", _("Start") },
    { "stop", _("Stop") },
    { "forget", _("Forget") },
    { "starting", _("Building…") },
    { "running", _("Running") },
    { "failed", _("Build failed") },
    { "missing", _("Folder not found") },
    { "open-folder", _("Open a project folder") },
    { "path-placeholder", _("/path/to/my-plugin") },
    { "create", _("Create a project") },
    { "create-text", _("Create a new plugin project from a template in a terminal, then start it:") },
    { "create-hint", _("It appears here once it has been started. A project is a folder with "
                       "engine/meson.build (C) or engine/Cargo.toml (Rust), and optionally a ui/ "
                       "folder with its own browser UI.") },
    { "disconnected", _("Wavecraft stopped. Click the launcher icon to open this page again.") },
  };
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "strings");
  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      json_builder_set_member_name (b, strings[i].key);
      json_builder_add_string_value (b, strings[i].text);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  append_builder (result, b);
  return TRUE;
}

/* ---- listRecentProjects ------------------------------------------------------------------ */

static void
add_project (WcLauncher  *self,
             JsonBuilder *b,
             const char  *root,
             const char  *name,
             gint64       last_used)
{
  WcSession *session = wc_dbus_service_lookup (self->service, root);
  g_autofree char *engine = g_build_filename (root, "engine", NULL);
  const char *error = g_hash_table_lookup (self->errors, root);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "root");
  json_builder_add_string_value (b, root);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "last_used");
  json_builder_add_int_value (b, last_used);
  json_builder_set_member_name (b, "exists");
  json_builder_add_boolean_value (b, g_file_test (engine, G_FILE_TEST_IS_DIR));
  json_builder_set_member_name (b, "running");
  json_builder_add_boolean_value (b, session != NULL);
  if (session != NULL)
    {
      g_autofree char *ws = wc_session_dup_ws_url (session);
      g_autofree char *ui = wc_session_dup_ui_url (session);

      json_builder_set_member_name (b, "ready");
      json_builder_add_boolean_value (b, wc_dbus_service_is_ready (self->service, session));
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, wc_session_state_to_string (wc_session_get_state (session)));
      json_builder_set_member_name (b, "ws_url");
      json_builder_add_string_value (b, ws);
      json_builder_set_member_name (b, "ui_url");
      json_builder_add_string_value (b, ui);
    }
  if (error != NULL)
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, error);
    }
  json_builder_end_object (b);
}

static gboolean
handle_list_recent (WcJsonRpc  *rpc,
                    gpointer    client,
                    JsonNode   *params,
                    GString    *result,
                    int        *error_code,
                    char      **error_message,
                    gpointer    user_data)
{
  WcLauncher *self = user_data;
  g_autoptr(GPtrArray) recent = wc_recent_projects_load ();
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GHashTableIter iter;
  const char *root;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "projects");
  json_builder_begin_array (b);
  for (guint i = 0; i < recent->len; i++)
    {
      WcRecentProject *p = g_ptr_array_index (recent, i);

      g_hash_table_add (listed, p->root);
      add_project (self, b, p->root, p->name, p->last_used);
    }
  /* Projects being started for the first time are not in the list yet. */
  g_hash_table_iter_init (&iter, self->errors);
  while (g_hash_table_iter_next (&iter, (gpointer *) &root, NULL))
    if (!g_hash_table_contains (listed, root))
      {
        g_autofree char *name = g_path_get_basename (root);

        g_hash_table_add (listed, (gpointer) root);
        add_project (self, b, root, name, 0);
      }
  json_builder_end_array (b);
  json_builder_end_object (b);
  append_builder (result, b);
  return TRUE;
}

/* ---- openProject / stopProject / forgetProject ------------------------------------------- */

typedef struct
{
  GWeakRef  launcher;
  char     *root;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_weak_ref_clear (&data->launcher);
  g_free (data->root);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpenData, open_data_free)

static void
on_project_started (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(OpenData) data = user_data;
  g_autoptr(WcLauncher) self = g_weak_ref_get (&data->launcher);
  g_autoptr(WcSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = wc_dbus_service_start_session_finish (WC_DBUS_SERVICE (source), result, &error);
  if (session == NULL && self != NULL)
    g_hash_table_insert (self->errors, g_strdup (data->root), g_strdup (error->message));
}

static gboolean
handle_open_project (WcJsonRpc  *rpc,
                     gpointer    client,
                     JsonNode   *params,
                     GString    *result,
                     int        *error_code,
                     char      **error_message,
                     gpointer    user_data)
{
  WcLauncher *self = user_data;
  g_autoptr(WcProject) project = NULL;
  g_autoptr(GError) error = NULL;
  const char *dir;
  const char *root;
  WcSession *session;

  if (!get_root_param (params, &dir, error_code, error_message))
    return FALSE;
  if (!g_path_is_absolute (dir))
    {
      *error_code = LAUNCHER_PROJECT_ERROR;
      *error_message = g_strdup_printf (_("The project directory must be an absolute path, not “%s”"),
                                        dir);
      return FALSE;
    }
  project = wc_project_open (dir, &error);
  if (project == NULL)
    {
      *error_code = LAUNCHER_PROJECT_ERROR;
      *error_message = g_strdup (error->message);
      return FALSE;
    }
  root = wc_project_get_root (project);
  g_hash_table_remove (self->errors, root);
  session = wc_dbus_service_lookup (self->service, root);
  if (session == NULL)
    {
      /* Listed at once, as "starting", until it is in the recent list. */
      OpenData *data = g_new0 (OpenData, 1);

      g_weak_ref_init (&data->launcher, self);
      data->root = g_strdup (root);
      g_hash_table_insert (self->errors, g_strdup (root), NULL);
      wc_dbus_service_start_session_async (self->service, root, NULL, on_project_started, data);
    }
  g_string_append_printf (result, "{\"root\":");
  {
    g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), root);
    g_autofree char *text = node_to_string (node);

    g_string_append (result, text);
  }
  g_string_append_printf (result, ",\"state\":\"%s\"}",
                          session != NULL && wc_dbus_service_is_ready (self->service, session)
                          ? "running" : "starting");
  return TRUE;
}

static gboolean
handle_stop_project (WcJsonRpc  *rpc,
                     gpointer    client,
                     JsonNode   *params,
                     GString    *result,
                     int        *error_code,
                     char      **error_message,
                     gpointer    user_data)
{
  WcLauncher *self = user_data;
  const char *root;
  WcSession *session;

  if (!get_root_param (params, &root, error_code, error_message))
    return FALSE;
  session = wc_dbus_service_lookup (self->service, root);
  if (session == NULL)
    {
      *error_code = LAUNCHER_PROJECT_ERROR;
      *error_message = g_strdup_printf (_("No session is running for %s"), root);
      return FALSE;
    }
  wc_dbus_service_stop_session_async (self->service, session, NULL, NULL);
  g_string_append (result, "{}");
  return TRUE;
}

static gboolean
handle_forget_project (WcJsonRpc  *rpc,
                       gpointer    client,
                       JsonNode   *params,
                       GString    *result,
                       int        *error_code,
                       char      **error_message,
                       gpointer    user_data)
{
  WcLauncher *self = user_data;
  g_autoptr(GError) error = NULL;
  const char *root;

  if (!get_root_param (params, &root, error_code, error_message))
    return FALSE;
  g_hash_table_remove (self->errors, root);
  if (!wc_recent_projects_remove (root, &error))
    {
      *error_code = WC_JSONRPC_INTERNAL_ERROR;
      *error_message = g_strdup (error->message);
      return FALSE;
    }
  g_string_append (result, "{}");
  return TRUE;
}

/* ---- idle -------------------------------------------------------------------------------- */

static void
on_idle_timeout (gpointer data)
{
  WcLauncher *self = data;

  self->idle_id = 0;
  g_debug ("No launcher page connected for %u ms", self->idle_ms);
  g_signal_emit (self, signals[IDLE], 0);
}

static void
update_idle (WcLauncher *self)
{
  gboolean connected = self->server != NULL && wc_dev_server_get_n_clients (self->server) > 0;

  if (connected || self->server == NULL)
    g_clear_handle_id (&self->idle_id, g_source_remove);
  else if (self->idle_id == 0)
    self->idle_id = g_timeout_add_once (self->idle_ms, on_idle_timeout, self);
}

static void
on_n_clients (GObject    *server,
              GParamSpec *pspec,
              WcLauncher *self)
{
  update_idle (self);
}

/* ---- API --------------------------------------------------------------------------------- */

/**
 * wc_launcher_start:
 * @self: a #WcLauncher
 * @error: set to a #WcDevServerError when no loopback port can be bound
 *
 * Serves the launcher page on a free loopback port. Emits #WcLauncher::idle once no page
 * was connected for %WC_LAUNCHER_DEFAULT_IDLE_MS (or `WAVECRAFT_LAUNCHER_IDLE_MS`).
 *
 * Returns: %TRUE when serving
 */
gboolean
wc_launcher_start (WcLauncher  *self,
                   GError     **error)
{
  WcJsonRpc *rpc;

  g_return_val_if_fail (WC_IS_LAUNCHER (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  self->server = wc_dev_server_new (self->host, self->meters);
  wc_dev_server_set_port (self->server, 0);
  wc_dev_server_set_ui_prefix (self->server, WC_LAUNCHER_UI_PREFIX);
  rpc = wc_dev_server_get_jsonrpc (self->server);
  wc_jsonrpc_add_method (rpc, "getStrings", handle_get_strings, self);
  wc_jsonrpc_add_method (rpc, "listRecentProjects", handle_list_recent, self);
  wc_jsonrpc_add_method (rpc, "openProject", handle_open_project, self);
  wc_jsonrpc_add_method (rpc, "stopProject", handle_stop_project, self);
  wc_jsonrpc_add_method (rpc, "forgetProject", handle_forget_project, self);
  if (!wc_dev_server_start (self->server, error))
    {
      g_clear_object (&self->server);
      return FALSE;
    }
  g_signal_connect_object (self->server, "notify::n-clients", G_CALLBACK (on_n_clients), self, 0);
  update_idle (self);
  return TRUE;
}

/**
 * wc_launcher_get_port:
 * @self: a #WcLauncher
 *
 * Returns: the bound port, or 0 when not serving
 */
guint
wc_launcher_get_port (WcLauncher *self)
{
  g_return_val_if_fail (WC_IS_LAUNCHER (self), 0);
  return self->server != NULL ? wc_dev_server_get_port (self->server) : 0;
}

/**
 * wc_launcher_dup_url:
 * @self: a #WcLauncher
 *
 * Returns: (transfer full) (nullable): `http://127.0.0.1:<port>/`, or %NULL when not serving
 */
char *
wc_launcher_dup_url (WcLauncher *self)
{
  g_return_val_if_fail (WC_IS_LAUNCHER (self), NULL);
  if (self->server == NULL)
    return NULL;
  return g_strdup_printf ("http://127.0.0.1:%u/", wc_dev_server_get_port (self->server));
}

/**
 * wc_launcher_stop:
 * @self: a #WcLauncher
 *
 * Closes the page's connections and frees the port. Sessions started from the page keep
 * running.
 */
void
wc_launcher_stop (WcLauncher *self)
{
  g_return_if_fail (WC_IS_LAUNCHER (self));
  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->server, self);
      wc_dev_server_stop (self->server);
      g_clear_object (&self->server);
    }
}

static void
wc_launcher_dispose (GObject *object)
{
  WcLauncher *self = WC_LAUNCHER (object);

  wc_launcher_stop (self);
  g_clear_object (&self->service);
  g_clear_object (&self->meters);
  g_clear_object (&self->host);
  G_OBJECT_CLASS (wc_launcher_parent_class)->dispose (object);
}

static void
wc_launcher_finalize (GObject *object)
{
  WcLauncher *self = WC_LAUNCHER (object);

  g_hash_table_unref (self->errors);
  G_OBJECT_CLASS (wc_launcher_parent_class)->finalize (object);
}

static void
wc_launcher_class_init (WcLauncherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wc_launcher_dispose;
  object_class->finalize = wc_launcher_finalize;

  signals[IDLE] = g_signal_new ("idle", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
wc_launcher_init (WcLauncher *self)
{
  const char *idle = g_getenv ("WAVECRAFT_LAUNCHER_IDLE_MS");
  guint64 v;

  self->errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->idle_ms = WC_LAUNCHER_DEFAULT_IDLE_MS;
  if (idle != NULL && g_ascii_string_to_unsigned (idle, 10, 1, G_MAXUINT, &v, NULL))
    self->idle_ms = (guint) v;
}

/**
 * wc_launcher_new:
 * @service: the registry that starts and lists sessions
 *
 * Returns: (transfer full): a new, stopped #WcLauncher
 */
WcLauncher *
wc_launcher_new (WcDbusService *service)
{
  WcLauncher *self;

  g_return_val_if_fail (WC_IS_DBUS_SERVICE (service), NULL);

  self = g_object_new (WC_TYPE_LAUNCHER, NULL);
  self->service = g_object_ref (service);
  self->host = wc_param_host_new ();
  self->meters = wc_meter_source_new ();
  return self;
}
