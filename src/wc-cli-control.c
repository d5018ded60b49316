/* wc-cli-control.c: `wavecraft status`, `wavecraft rebuild` and `wavecraft stop`.
 *
 * For editors' task runners: each talks to the running instance (the D-Bus service, or a
 * terminal `wavecraft start`) through the editor API and never starts anything itself.
 *
 * Which session: the one for PROJECT_DIR when given; else the one whose project contains the
 * current directory; else the only one running.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-cli-control"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "wc-cli.h"
#include "wc-console.h"
#include "wc-dbus-client.h"
#include "wc-dbus-service.h"
#include "wc-project.h"

/* StopSession waits for the children to be reaped. */
#define STOP_TIMEOUT_MS 60000

static void
hint_start (void)
{
  wc_console_hint (_("Start one with “wavecraft start” in a project directory."));
}

/* The usage line reads "wavecraft <verb> [OPTION…] [PROJECT_DIR] — <parameter>": GOption
 * puts the program name first and the G_OPTION_REMAINING placeholder before @parameter. */
static GOptionContext *
make_context (const char         *verb,
              const char         *parameter,
              const char         *summary,
              const GOptionEntry *entries)
{
  g_autofree char *prgname = g_strconcat ("wavecraft ", verb, NULL);
  GOptionContext *context;

  g_set_prgname (prgname);
  context = g_option_context_new (parameter);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

static gboolean
parse (GOptionContext  *context,
       const char      *verb,
       char          ***argv,
       char          ***rest,
       const char     **dir)
{
  g_autoptr(GError) error = NULL;

  /* The strv variant frees the options it removes (argv is the application's copy). */
  if (!g_option_context_parse_strv (context, argv, &error))
    {
      wc_console_error ("%s", error->message);
      wc_console_hint (_("Run “wavecraft %s --help” for the options."), verb);
      return FALSE;
    }
  if (*rest != NULL && g_strv_length (*rest) > 1)
    {
      wc_console_error (_("Expected one project directory, got %u"), g_strv_length (*rest));
      return FALSE;
    }
  *dir = *rest != NULL ? (*rest)[0] : NULL;
  return TRUE;
}

static gboolean
is_inside (const char *dir,
           const char *root)
{
  gsize len = strlen (root);

  return g_str_has_prefix (dir, root) && (dir[len] == '\0' || dir[len] == G_DIR_SEPARATOR);
}

/* Picks the session to act on, or prints why there is none. */
static WcDbusSessionInfo *
select_session (GPtrArray  *sessions,
                const char *dir)
{
  g_autofree char *cwd = NULL;
  WcDbusSessionInfo *found = NULL;

  if (dir != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(WcProject) project = wc_project_open (dir, &error);

      if (project == NULL)
        {
          wc_console_error ("%s", error->message);
          return NULL;
        }
      found = wc_dbus_client_find (sessions, wc_project_get_root (project));
      if (found == NULL)
        {
          wc_console_error (_("No session is running for %s"), wc_project_get_root (project));
          hint_start ();
        }
      return found;
    }

  if (sessions->len == 0)
    {
      wc_console_error (_("No Wavecraft session is running"));
      hint_start ();
      return NULL;
    }

  cwd = g_get_current_dir ();
  for (guint i = 0; i < sessions->len; i++)
    {
      WcDbusSessionInfo *info = g_ptr_array_index (sessions, i);

      /* The innermost project wins when projects nest. */
      if (is_inside (cwd, info->root) &&
          (found == NULL || strlen (info->root) > strlen (found->root)))
        found = info;
    }
  if (found != NULL)
    return found;
  if (sessions->len == 1)
    return g_ptr_array_index (sessions, 0);

  wc_console_error (g_dngettext (GETTEXT_PACKAGE, "%u session is running; which one?",
                                 "%u sessions are running; which one?", sessions->len),
                    sessions->len);
  for (guint i = 0; i < sessions->len; i++)
    {
      wc_console_raw (TRUE, "  ");
      wc_console_raw (TRUE, ((WcDbusSessionInfo *) g_ptr_array_index (sessions, i))->root);
      wc_console_raw (TRUE, "\n");
    }
  wc_console_hint (_("Pass the project directory, or run the command inside it."));
  return NULL;
}

/* Lists the sessions, printing the reason when that fails; with quiet_when_none, "nothing
 * runs" is an empty list instead. */
static GPtrArray *
list_sessions (GDBusConnection **connection_out,
               gboolean          quiet_when_none)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection = wc_dbus_client_connect (&error);
  GPtrArray *sessions = NULL;

  if (connection != NULL)
    sessions = wc_dbus_client_list (connection, &error);
  if (sessions == NULL)
    {
      if (g_error_matches (error, WC_DBUS_ERROR, WC_DBUS_ERROR_NOT_RUNNING))
        {
          if (quiet_when_none)
            sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_dbus_session_info_free);
          else
            {
              wc_console_error ("%s", error->message);
              hint_start ();
            }
        }
      else
        wc_console_error (_("Could not ask the running Wavecraft: %s"), error->message);
    }
  if (connection_out != NULL)
    *connection_out = g_steal_pointer (&connection);
  return sessions;
}

static const char *
lookup_string (GVariant   *props,
               const char *key)
{
  const char *value = NULL;

  if (props == NULL || !g_variant_lookup (props, key, "&s", &value))
    return "";
  return value;
}

/* "ok in 1.2 s" / "failed: 2 errors, 1 warning" from the LastBuild JSON. */
static char *
describe_last_build (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;
  JsonArray *diagnostics;
  guint errors = 0, warnings = 0;
  double ms;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_strdup (_("none yet"));
  obj = json_node_get_object (json_parser_get_root (parser));
  ms = json_object_get_double_member_with_default (obj, "duration_ms", 0);
  if (json_object_get_boolean_member_with_default (obj, "ok", FALSE))
    return g_strdup_printf (_("succeeded in %.1f s"), ms / 1000.0);

  diagnostics = json_object_get_array_member (obj, "diagnostics");
  for (guint i = 0; diagnostics != NULL && i < json_array_get_length (diagnostics); i++)
    {
      JsonNode *node = json_array_get_element (diagnostics, i);
      const char *severity = JSON_NODE_HOLDS_OBJECT (node)
        ? json_object_get_string_member_with_default (json_node_get_object (node), "severity", "")
        : "";

      if (g_str_equal (severity, "error"))
        errors++;
      else if (g_str_equal (severity, "warning"))
        warnings++;
    }
  return g_strdup_printf (_("failed (%u errors, %u warnings)"), errors, warnings);
}

/* ---- status ------------------------------------------------------------------------------ */

static void
add_json_session (JsonBuilder       *b,
                  WcDbusSessionInfo *info,
                  GVariant          *props)
{
  const char *last = lookup_string (props, "LastBuild");
  guint64 generation = 0;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (props != NULL)
    g_variant_lookup (props, "Generation", "t", &generation);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, info->path);
  json_builder_set_member_name (b, "root");
  json_builder_add_string_value (b, info->root);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, lookup_string (props, "Name"));
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, lookup_string (props, "State"));
  json_builder_set_member_name (b, "generation");
  json_builder_add_int_value (b, (gint64) generation);
  json_builder_set_member_name (b, "ws_url");
  json_builder_add_string_value (b, info->ws_url);
  json_builder_set_member_name (b, "ui_url");
  json_builder_add_string_value (b, info->ui_url);
  json_builder_set_member_name (b, "builtin_ui_url");
  json_builder_add_string_value (b, lookup_string (props, "BuiltinUiUrl"));
  json_builder_set_member_name (b, "last_build");
  if (last[0] != '\0' && json_parser_load_from_data (parser, last, -1, NULL))
    json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

/**
 * wc_cli_status:
 * @argc: number of arguments
 * @argv: (array length=argc): `status [--json] [PROJECT_DIR]`
 *
 * Implements `wavecraft status` (issue 5): prints every running session (project, state,
 * URLs, last build), or the one for PROJECT_DIR. `--json` prints a JSON array instead.
 *
 * Returns: 0, or 1 when no session runs (an empty array with `--json` is still 0), on a usage
 *   error or when the running instance cannot be asked
 */
int
wc_cli_status (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean opt_json = FALSE;
  const char *dir = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print the sessions as a JSON array"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, N_("[PROJECT_DIR]") },
    { NULL }
  };

  context = make_context ("status", _("— show the running sessions"),
                          _("Shows the Wavecraft sessions running on this desktop: the project, "
                            "its state (idle, building, failed), its URLs and its last build."),
                          entries);
  if (!parse (context, "status", &argv, &rest, &dir))
    return 1;

  sessions = list_sessions (&connection, TRUE);
  if (sessions == NULL)
    return 1;

  if (dir != NULL)
    {
      WcDbusSessionInfo *info = select_session (sessions, dir);
      WcDbusSessionInfo *copy;

      if (info == NULL)
        return 1;
      copy = g_new0 (WcDbusSessionInfo, 1);
      copy->path = g_strdup (info->path);
      copy->root = g_strdup (info->root);
      copy->ws_url = g_strdup (info->ws_url);
      copy->ui_url = g_strdup (info->ui_url);
      g_ptr_array_set_size (sessions, 0);
      g_ptr_array_add (sessions, copy);
    }

  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < sessions->len; i++)
        {
          WcDbusSessionInfo *info = g_ptr_array_index (sessions, i);
          g_autoptr(GVariant) props = wc_dbus_client_get_all (connection, info->path, NULL);

          add_json_session (b, info, props);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      text = json_generator_to_data (gen, NULL);
      g_print ("%s\n", text);
      return 0;
    }

  if (sessions->len == 0)
    {
      wc_console_status (_("No Wavecraft session is running."));
      hint_start ();
      return 1;
    }

  for (guint i = 0; i < sessions->len; i++)
    {
      WcDbusSessionInfo *info = g_ptr_array_index (sessions, i);
      g_autoptr(GVariant) props = wc_dbus_client_get_all (connection, info->path, NULL);
      g_autofree char *last = describe_last_build (lookup_string (props, "LastBuild"));
      const char *name = lookup_string (props, "Name");

      if (i > 0)
        wc_console_status ("%s", "");
      /* TRANSLATORS: "tremolo: idle" — a project name and its state */
      wc_console_status (_("%s: %s"), name[0] != '\0' ? name : info->root,
                         lookup_string (props, "State"));
      wc_console_status ("  %-12s %s", _("Project:"), info->root);
      wc_console_status ("  %-12s %s", _("UI:"), info->ui_url);
      wc_console_status ("  %-12s %s", _("WebSocket:"), info->ws_url);
      wc_console_status ("  %-12s %s", _("Last build:"), last);
    }
  return 0;
}

/* ---- rebuild ----------------------------------------------------------------------------- */

typedef struct
{
  GMainLoop  *loop;
  const char *path;
  const char *root;
  gboolean    verbose;
  gboolean    finished;
  gboolean    ok;
  gboolean    vanished;
} RebuildState;

static void
print_diagnostics (const char *root,
                   const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *array;

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    return;
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *d;
      const char *file;
      g_autofree char *abs = NULL;
      g_autoptr(GString) line = g_string_new (NULL);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      d = json_node_get_object (node);
      file = json_object_get_string_member_with_default (d, "file", NULL);
      /* gcc's format with absolute paths, for editors' problem matchers. */
      if (file != NULL && file[0] != '\0')
        {
          abs = g_path_is_absolute (file) ? g_strdup (file) : g_build_filename (root, file, NULL);
          g_string_append (line, abs);
          if (json_object_get_int_member_with_default (d, "line", 0) > 0)
            g_string_append_printf (line, ":%" G_GINT64_FORMAT,
                                    json_object_get_int_member_with_default (d, "line", 0));
          if (json_object_get_int_member_with_default (d, "column", 0) > 0)
            g_string_append_printf (line, ":%" G_GINT64_FORMAT,
                                    json_object_get_int_member_with_default (d, "column", 0));
          g_string_append (line, ": ");
        }
      g_string_append_printf (line, "%s: %s\n",
                              json_object_get_string_member_with_default (d, "severity", "error"),
                              json_object_get_string_member_with_default (d, "message", ""));
      wc_console_raw (TRUE, line->str);
    }
}

static void
on_session_signal (GDBusConnection *connection,
                   const char      *sender,
                   const char      *path,
                   const char      *interface,
                   const char      *signal,
                   GVariant        *parameters,
                   gpointer         user_data)
{
  RebuildState *st = user_data;

  if (g_str_equal (signal, "BuildOutput") && st->verbose &&
      g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(s)")))
    {
      const char *line;

      g_variant_get (parameters, "(&s)", &line);
      wc_console_raw (TRUE, line);
      wc_console_raw (TRUE, "\n");
    }
  else if (g_str_equal (signal, "BuildFinished") &&
           g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(bds)")))
    {
      const char *diagnostics;
      double ms;

      g_variant_get (parameters, "(bd&s)", &st->ok, &ms, &diagnostics);
      print_diagnostics (st->root, diagnostics);
      if (st->ok)
        wc_console_success (_("Build succeeded in %.1f s"), ms / 1000.0);
      else
        wc_console_error (_("Build failed — still serving the last good parameters"));
      st->finished = TRUE;
      g_main_loop_quit (st->loop);
    }
}

static void
on_manager_signal (GDBusConnection *connection,
                   const char      *sender,
                   const char      *path,
                   const char      *interface,
                   const char      *signal,
                   GVariant        *parameters,
                   gpointer         user_data)
{
  RebuildState *st = user_data;
  const char *gone = NULL;

  if (g_str_equal (signal, "SessionRemoved") &&
      g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(o)")))
    g_variant_get (parameters, "(&o)", &gone);
  else if (g_str_equal (signal, "NameOwnerChanged") &&
           g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sss)")))
    {
      const char *name, *old_owner, *new_owner;

      g_variant_get (parameters, "(&s&s&s)", &name, &old_owner, &new_owner);
      if (new_owner[0] == '\0')
        gone = st->path;
    }
  if (gone != NULL && g_str_equal (gone, st->path))
    {
      st->vanished = TRUE;
      g_main_loop_quit (st->loop);
    }
}

/**
 * wc_cli_rebuild:
 * @argc: number of arguments
 * @argv: (array length=argc): `rebuild [--no-wait] [-v] [PROJECT_DIR]`
 *
 * Implements `wavecraft rebuild` (issue 5): asks the running session to rebuild and reload
 * the engine, waits for the build and prints its diagnostics as
 * `/abs/file:line:column: severity: message` lines on stderr (gcc's format, which editors'
 * problem matchers read), then the result.
 *
 * Returns: 0 when the build succeeded (or was started, with `--no-wait`), 1 when it failed,
 *   no session runs, or the session went away during the build
 */
int
wc_cli_rebuild (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean opt_no_wait = FALSE, opt_verbose = FALSE;
  const char *dir = NULL;
  WcDbusSessionInfo *info;
  RebuildState st = { 0 };
  guint sub_session = 0, sub_manager = 0, sub_owner = 0;
  const GOptionEntry entries[] = {
    { "no-wait", 0, 0, G_OPTION_ARG_NONE, &opt_no_wait,
      N_("Return once the build started, without waiting for it"), NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose,
      N_("Print the compiler output as it arrives"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, N_("[PROJECT_DIR]") },
    { NULL }
  };

  context = make_context ("rebuild", _("— rebuild and reload the running engine"),
                          _("Asks the running session to rebuild the engine and reload its "
                            "parameters, waits for the build and prints its diagnostics in "
                            "gcc’s format with absolute paths."),
                          entries);
  if (!parse (context, "rebuild", &argv, &rest, &dir))
    return 1;

  sessions = list_sessions (&connection, FALSE);
  if (sessions == NULL)
    return 1;
  info = select_session (sessions, dir);
  if (info == NULL)
    return 1;

  st.loop = g_main_loop_new (NULL, FALSE);
  st.path = info->path;
  st.root = info->root;
  st.verbose = opt_verbose;
  if (!opt_no_wait)
    {
      sub_session = g_dbus_connection_signal_subscribe (connection, APP_ID,
                                                        WC_DBUS_SESSION_INTERFACE, NULL,
                                                        info->path, NULL,
                                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                                        on_session_signal, &st, NULL);
      sub_manager = g_dbus_connection_signal_subscribe (connection, APP_ID,
                                                        WC_DBUS_MANAGER_INTERFACE,
                                                        "SessionRemoved", APP_PATH, NULL,
                                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                                        on_manager_signal, &st, NULL);
      sub_owner = g_dbus_connection_signal_subscribe (connection, "org.freedesktop.DBus",
                                                      "org.freedesktop.DBus",
                                                      "NameOwnerChanged",
                                                      "/org/freedesktop/DBus", APP_ID,
                                                      G_DBUS_SIGNAL_FLAGS_NONE,
                                                      on_manager_signal, &st, NULL);
    }

  reply = g_dbus_connection_call_sync (connection, APP_ID, info->path, WC_DBUS_SESSION_INTERFACE,
                                       "Rebuild", NULL, NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                       WC_DBUS_CLIENT_TIMEOUT_MS, NULL, &error);
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      wc_console_error (_("Could not rebuild %s: %s"), info->root, error->message);
    }
  else
    {
      wc_console_status (_("Rebuilding %s…"), info->root);
      if (!opt_no_wait)
        g_main_loop_run (st.loop);
    }

  if (sub_session != 0)
    g_dbus_connection_signal_unsubscribe (connection, sub_session);
  if (sub_manager != 0)
    g_dbus_connection_signal_unsubscribe (connection, sub_manager);
  if (sub_owner != 0)
    g_dbus_connection_signal_unsubscribe (connection, sub_owner);
  g_main_loop_unref (st.loop);

  if (reply == NULL)
    return 1;
  if (opt_no_wait)
    return 0;
  if (st.vanished)
    {
      wc_console_error (_("The session for %s stopped during the build"), info->root);
      return 1;
    }
  return st.ok ? 0 : 1;
}

/* ---- stop -------------------------------------------------------------------------------- */

static gboolean
stop_one (GDBusConnection   *connection,
          WcDbusSessionInfo *info)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (connection, APP_ID, APP_PATH, WC_DBUS_MANAGER_INTERFACE,
                                       "StopSession", g_variant_new ("(o)", info->path), NULL,
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, STOP_TIMEOUT_MS, NULL,
                                       &error);
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      wc_console_error (_("Could not stop %s: %s"), info->root, error->message);
      return FALSE;
    }
  wc_console_status (_("Stopped %s"), info->root);
  return TRUE;
}

/**
 * wc_cli_stop:
 * @argc: number of arguments
 * @argv: (array length=argc): `stop [--all] [PROJECT_DIR]`
 *
 * Implements `wavecraft stop` (issue 5): stops the session (its children are killed and
 * reaped, browser clients closed with 1001). A terminal `wavecraft start` stops as if Ctrl+C
 * had been pressed there.
 *
 * Returns: 0 when stopped, 1 when no session runs, on a usage error or a failed call
 */
int
wc_cli_stop (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean opt_all = FALSE;
  gboolean ok = TRUE;
  const char *dir = NULL;
  WcDbusSessionInfo *info;
  const GOptionEntry entries[] = {
    { "all", 'a', 0, G_OPTION_ARG_NONE, &opt_all, N_("Stop every running session"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, N_("[PROJECT_DIR]") },
    { NULL }
  };

  context = make_context ("stop", _("— stop a running session"),
                          _("Stops the session: its build, its UI dev server and its browser "
                            "connections. A session running in a terminal stops as if Ctrl+C "
                            "had been pressed there."),
                          entries);
  if (!parse (context, "stop", &argv, &rest, &dir))
    return 1;
  if (opt_all && dir != NULL)
    {
      wc_console_error (_("--all and a project directory cannot be used together"));
      return 1;
    }

  sessions = list_sessions (&connection, FALSE);
  if (sessions == NULL)
    return 1;

  if (opt_all)
    {
      if (sessions->len == 0)
        {
          wc_console_error (_("No Wavecraft session is running"));
          return 1;
        }
      for (guint i = 0; i < sessions->len; i++)
        ok &= stop_one (connection, g_ptr_array_index (sessions, i));
      return ok ? 0 : 1;
    }

  info = select_session (sessions, dir);
  if (info == NULL)
    return 1;
  return stop_one (connection, info) ? 0 : 1;
}
