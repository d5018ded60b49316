/* wc-cli-start.c: `wavecraft start [PROJECT_DIR]`.
 *
 * Thin: parses options, runs one WcSession and reports what it does on the terminal.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-cli-start"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wc-application.h"
#include "wc-cli.h"
#include "wc-console.h"
#include "wc-dev-server.h"
#include "wc-engine-builder.h"
#include "wc-param-host.h"
#include "wc-project.h"
#include "wc-session.h"

typedef struct
{
  GMainLoop  *loop;
  WcSession  *session;
  WcProject  *project;
  int         exit_status;
  gboolean    ready;
  gboolean    stopping;
  gboolean    open_browser;
  gboolean    progress_tty;    /* a one-line progress display is active */
  gboolean    progress_shown;
  GString    *build_log;
  gint64      build_started_us;
} StartState;

static void
progress_clear (StartState *st)
{
  if (st->progress_tty && st->progress_shown)
    {
      fputs ("\r\033[K", stdout);
      fflush (stdout);
      st->progress_shown = FALSE;
    }
}

static void
progress_show (StartState *st,
               const char *line)
{
  int columns = 80;
  const char *cols = g_getenv ("COLUMNS");
  g_autofree char *label = NULL;
  g_autofree char *clean = g_strstrip (g_strdup (line));

  if (!st->progress_tty)
    return;
  if (cols != NULL && atoi (cols) > 20)
    columns = atoi (cols);
  label = g_strdup_printf ("%s %s", _("Building engine…"), clean);
  if (g_utf8_strlen (label, -1) > columns - 1)
    {
      char *end = g_utf8_offset_to_pointer (label, columns - 2);
      *end = '\0';
    }
  printf ("\r\033[K%s", label);
  fflush (stdout);
  st->progress_shown = TRUE;
}

static void
stop_and_quit (StartState *st,
               int         exit_status);

static void
on_files_changed (WcSession  *session,
                  char      **files,
                  StartState *st)
{
  guint n = g_strv_length (files);

  if (n == 1)
    wc_console_event (_("File changed: %s"), files[0]);
  else
    wc_console_event (g_dngettext (GETTEXT_PACKAGE, "%u file changed", "%u files changed", n), n);
}

static void
on_build_started (WcSession  *session,
                  guint64     generation,
                  char      **files,
                  StartState *st)
{
  g_string_truncate (st->build_log, 0);
  st->build_started_us = g_get_monotonic_time ();
  if (st->ready)
    wc_console_status (_("Rebuilding…"));
  else
    wc_console_status (_("Building engine…"));
}

static void
on_build_output (WcSession  *session,
                 const char *line,
                 StartState *st)
{
  g_string_append (st->build_log, line);
  g_string_append_c (st->build_log, '\n');
  if (st->progress_tty)
    progress_show (st, line);
  else
    g_debug ("%s", line);
}

static void
on_build_finished (WcSession  *session,
                   guint64     generation,
                   gboolean    ok,
                   double      duration_ms,
                   const char *diagnostics_json,
                   const char *output,
                   StartState *st)
{
  progress_clear (st);
  if (ok)
    {
      wc_console_success (_("Build succeeded in %.*f s"), duration_ms < 1000 ? 2 : 1,
                          duration_ms / 1000.0);
      return;
    }
  /* The compiler's messages, as it printed them. */
  if (output != NULL && output[0] != '\0')
    wc_console_raw (TRUE, output);
  else if (st->build_log->len > 0)
    wc_console_raw (TRUE, st->build_log->str);
  if (st->ready)
    {
      wc_console_error (_("Build failed — still serving the last good parameters"));
      wc_console_hint (_("Fix the error and save: the engine is rebuilt automatically."));
    }
}

static void
on_reloaded (WcSession  *session,
             guint64     generation,
             guint       n_params,
             char      **added,
             char      **removed,
             char      **changed,
             StartState *st)
{
  if (!st->ready)
    return;
  /* TRANSLATORS: "Hot-reload complete — 7 parameters (+1 new, −0 removed)" */
  wc_console_success (_("Hot-reload complete — %u parameters (+%u new, −%u removed)"),
                      n_params, g_strv_length (added), g_strv_length (removed));
}

static void
on_fatal (WcSession  *session,
          GError     *error,
          StartState *st)
{
  progress_clear (st);
  wc_console_error ("%s", error->message);
  stop_and_quit (st, 1);
}

static void
open_browser (const char *url)
{
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri (url, NULL, &error))
    {
      wc_console_warning (_("Could not open a browser: %s"), error->message);
      wc_console_hint (_("Open %s yourself."), url);
    }
}

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  StartState *st = user_data;
  WcSession *session = WC_SESSION (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *ws_url = NULL;
  g_autofree char *builtin = NULL;
  g_autofree char *ui_url = NULL;
  guint n;

  progress_clear (st);
  if (!wc_session_start_finish (session, result, &error))
    {
      if (g_error_matches (error, WC_SESSION_ERROR, WC_SESSION_ERROR_STOPPED))
        return;
      wc_console_error ("%s", error->message);
      if (g_error_matches (error, WC_DEV_SERVER_ERROR, WC_DEV_SERVER_ERROR_PORT_BUSY))
        wc_console_hint (_("Stop the other server, or pick another port with --port."));
      else if (g_error_matches (error, WC_SESSION_ERROR, WC_SESSION_ERROR_BUILD_FAILED))
        wc_console_hint (_("Fix the engine so it builds, then run “wavecraft start” again."));
      stop_and_quit (st, 1);
      return;
    }

  st->ready = TRUE;
  n = wc_param_host_get_n_params (wc_session_get_host (session));
  if (wc_session_get_params_cached (session))
    wc_console_status (g_dngettext (GETTEXT_PACKAGE, "Loaded %u parameter (cached)",
                                    "Loaded %u parameters (cached)", n), n);
  else
    wc_console_status (g_dngettext (GETTEXT_PACKAGE, "Loaded %u parameter",
                                    "Loaded %u parameters", n), n);

  ws_url = wc_session_dup_ws_url (session);
  builtin = wc_session_dup_builtin_ui_url (session);
  ui_url = wc_session_dup_ui_url (session);
  if (g_strcmp0 (ui_url, builtin) != 0)
    wc_console_status ("  %-12s %s", _("UI:"), ui_url);
  wc_console_status ("  %-12s %s", _("Built-in UI:"), builtin);
  wc_console_status ("  %-12s %s", _("WebSocket:"), ws_url);
  wc_console_status (_("Press Ctrl+C to stop"));

  if (st->open_browser)
    open_browser (ui_url);
}

static void
on_stopped (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  StartState *st = user_data;

  wc_session_stop_finish (WC_SESSION (source), result, NULL);
  g_main_loop_quit (st->loop);
}

static void
stop_and_quit (StartState *st,
               int         exit_status)
{
  if (exit_status != 0 && st->exit_status == 0)
    st->exit_status = exit_status;
  if (st->stopping)
    return;
  st->stopping = TRUE;
  wc_session_stop_async (st->session, on_stopped, st);
}

/* >>> issue 5 (helper dbus): `wavecraft stop` / Manager.StopSession asks this terminal to stop. */
static void
on_stop_requested (gpointer user_data)
{
  StartState *st = user_data;

  progress_clear (st);
  wc_console_status (_("Stopping (asked over D-Bus)…"));
  stop_and_quit (st, 0);
}
/* <<< issue 5 */

static gboolean
on_unix_signal (gpointer user_data)
{
  StartState *st = user_data;

  progress_clear (st);
  if (st->stopping)
    {
      /* A second Ctrl+C while children are being reaped: leave at once. */
      g_main_loop_quit (st->loop);
      return G_SOURCE_CONTINUE;
    }
  wc_console_status (_("Stopping…"));
  stop_and_quit (st, 0);
  return G_SOURCE_CONTINUE;
}

static gboolean
ask_yes_no (const char *question)
{
  char answer[32] = { 0 };

  printf ("%s [Y/n] ", question);
  fflush (stdout);
  if (fgets (answer, sizeof answer, stdin) == NULL)
    return FALSE;
  g_strstrip (answer);
  return answer[0] == '\0' || answer[0] == 'y' || answer[0] == 'Y';
}

static char *
find_self (void)
{
  char *self = g_file_read_link ("/proc/self/exe", NULL);

  return self != NULL ? self : g_strdup (BINDIR "/wavecraft");
}

static gboolean
parse_port (const char *text,
            guint      *port,
            const char *option)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, 0, 65535, &v, NULL))
    {
      wc_console_error (_("%s needs a port number from 0 to 65535, not “%s”"), option, text);
      return FALSE;
    }
  *port = (guint) v;
  return TRUE;
}

/**
 * wc_cli_start:
 * @app: the application
 * @argc: number of arguments
 * @argv: (array length=argc): `start [OPTION…] [PROJECT_DIR]`
 *
 * Implements `wavecraft start` (issue 3): builds the engine (or uses a valid sidecar),
 * discovers its parameters through `extract-params`, serves them on the WebSocket JSON-RPC
 * server of PROTOCOL.md §4 with the built-in UI, hot-reloads on engine changes, and on
 * Ctrl+C, SIGTERM or SIGHUP closes clients with 1001, kills every child process group and
 * exits 0.
 *
 * Returns: the exit status: 0, or 1 on a usage error, a project that is not a Wavecraft
 *   project, a busy port, a failed initial build or a UI dev server that died
 */
int
wc_cli_start (WcApplication  *app,
              int             argc,
              char          **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *ui_port_text = NULL;
  g_auto(GStrv) origins = NULL;
  g_auto(GStrv) rest = NULL;
  g_auto(GStrv) args = NULL;
  g_autoptr(WcProject) project = NULL;
  g_autoptr(WcSession) session = NULL;
  g_autofree char *bin = NULL;
  gboolean opt_open = FALSE, opt_no_browser = FALSE, opt_install = FALSE, opt_no_install = FALSE;
  gboolean opt_verbose = FALSE, opt_no_watch = FALSE, opt_no_cache = FALSE;
  int debounce_ms = -1;
  guint port = WC_DEFAULT_PORT, ui_port = WC_DEFAULT_UI_PORT;
  const char *dir;
  StartState st = { 0 };
  guint sig_ids[3];
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_STRING, &port_text,
      N_("WebSocket and built-in UI port (default 9000; 0 picks a free one)"), N_("PORT") },
    { "ui-port", 0, 0, G_OPTION_ARG_STRING, &ui_port_text,
      N_("Port of the project’s own UI dev server (default 5173)"), N_("PORT") },
    { "open", 0, 0, G_OPTION_ARG_NONE, &opt_open, N_("Open the UI in a browser"), NULL },
    { "no-browser", 0, 0, G_OPTION_ARG_NONE, &opt_no_browser, N_("Never open a browser"), NULL },
    { "install", 0, 0, G_OPTION_ARG_NONE, &opt_install,
      N_("Install UI dependencies without asking when node_modules is missing"), NULL },
    { "no-install", 0, 0, G_OPTION_ARG_NONE, &opt_no_install,
      N_("Never install UI dependencies"), NULL },
    { "allow-origin", 0, 0, G_OPTION_ARG_STRING_ARRAY, &origins,
      N_("Also accept WebSocket connections from this origin"), N_("ORIGIN") },
    { "no-watch", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &opt_no_watch, NULL, NULL },
    { "no-cache", 0, 0, G_OPTION_ARG_NONE, &opt_no_cache,
      N_("Always build and extract, ignoring the sidecar cache"), NULL },
    { "debounce", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &debounce_ms, NULL, NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, N_("Show debug output"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL }
  };

  g_set_prgname ("wavecraft start");
  context = g_option_context_new (_("[PROJECT_DIR] — serve a plugin’s parameters to the browser"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Builds the engine, discovers its parameters in a child process "
                                  "and serves them over WebSocket JSON-RPC with a browser UI.\n"
                                  "Saving an engine source rebuilds and reloads it live."));
  /* Parse a copy: argv belongs to GApplication, and parsing removes entries from it. */
  args = g_strdupv (argv);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      wc_console_error ("%s", error->message);
      wc_console_hint (_("Run “wavecraft start --help” for the options."));
      return 1;
    }
  wc_console_set_verbose (opt_verbose);
  if ((port_text != NULL && !parse_port (port_text, &port, "--port")) ||
      (ui_port_text != NULL && !parse_port (ui_port_text, &ui_port, "--ui-port")))
    return 1;
  if (rest != NULL && g_strv_length (rest) > 1)
    {
      wc_console_error (_("Expected one project directory, got %u"), g_strv_length (rest));
      return 1;
    }
  if (opt_install && opt_no_install)
    {
      wc_console_error (_("--install and --no-install cannot be used together"));
      return 1;
    }
  dir = rest != NULL && rest[0] != NULL ? rest[0] : ".";

  project = wc_project_open (dir, &error);
  if (project == NULL)
    {
      wc_console_error ("%s", error->message);
      wc_console_hint (_("Create one with “wavecraft create my-plugin”, or pass the project "
                         "directory: “wavecraft start path/to/project”."));
      return 1;
    }
  /* >>> issue 5 (helper dbus): one session per project; a second start reports the first. */
  if (wc_application_report_running (app, project))
    return 0;
  /* <<< issue 5 */

  bin = find_self ();
  session = wc_session_new (project, bin);
  wc_session_set_port (session, port);
  wc_session_set_ui_port (session, ui_port);
  for (guint i = 0; origins != NULL && origins[i] != NULL; i++)
    wc_session_add_allowed_origin (session, origins[i]);
  wc_session_set_watch (session, !opt_no_watch);
  wc_session_set_use_cache (session, !opt_no_cache);
  if (debounce_ms >= 0)
    wc_session_set_debounce (session, debounce_ms);

  if (wc_project_get_ui_dir (project) != NULL)
    {
      g_autofree char *modules = g_build_filename (wc_project_get_ui_dir (project),
                                                   "node_modules", NULL);
      WcInstallMode mode = opt_install ? WC_INSTALL_YES : WC_INSTALL_NO;

      if (!opt_install && !opt_no_install && !g_file_test (modules, G_FILE_TEST_IS_DIR))
        {
          if (isatty (STDIN_FILENO) && isatty (STDOUT_FILENO))
            mode = ask_yes_no (_("The UI’s dependencies are not installed. Run “npm install” in ui/ now?"))
                   ? WC_INSTALL_YES : WC_INSTALL_NO;
          else
            {
              wc_console_error (_("The UI’s dependencies are not installed (%s is missing)"),
                                modules);
              wc_console_hint (_("Run “npm install” in ui/, or pass --install."));
              return 1;
            }
        }
      wc_session_set_install_mode (session, mode);
    }

  st.loop = g_main_loop_new (NULL, FALSE);
  st.session = session;
  st.project = project;
  st.build_log = g_string_new (NULL);
  st.progress_tty = !opt_verbose && wc_console_use_color (STDOUT_FILENO);
  st.open_browser = opt_open ||
                    (!opt_no_browser && isatty (STDOUT_FILENO) &&
                     (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL));

  g_signal_connect (session, "files-changed", G_CALLBACK (on_files_changed), &st);
  g_signal_connect (session, "build-started", G_CALLBACK (on_build_started), &st);
  g_signal_connect (session, "build-output", G_CALLBACK (on_build_output), &st);
  g_signal_connect (session, "build-finished", G_CALLBACK (on_build_finished), &st);
  g_signal_connect (session, "reloaded", G_CALLBACK (on_reloaded), &st);
  g_signal_connect (session, "fatal", G_CALLBACK (on_fatal), &st);

  sig_ids[0] = g_unix_signal_add (SIGINT, on_unix_signal, &st);
  sig_ids[1] = g_unix_signal_add (SIGTERM, on_unix_signal, &st);
  sig_ids[2] = g_unix_signal_add (SIGHUP, on_unix_signal, &st);
  signal (SIGPIPE, SIG_IGN);

  wc_console_status (_("Starting %s (%s engine) in %s"), wc_project_get_name (project),
                     wc_project_get_engine_kind (project) == WC_ENGINE_KIND_RUST ? "Rust" : "C",
                     wc_project_get_root (project));
  wc_session_start_async (session, NULL, on_started, &st);
  /* >>> issue 5 (helper dbus): publish on the bus for editors and `wavecraft status|stop`. */
  wc_application_publish_session (app, session, on_stop_requested, &st);
  /* <<< issue 5 */
  g_main_loop_run (st.loop);
  /* >>> issue 5 */
  wc_application_unpublish_session (app, session);
  /* <<< issue 5 */

  for (guint i = 0; i < G_N_ELEMENTS (sig_ids); i++)
    g_source_remove (sig_ids[i]);
  g_signal_handlers_disconnect_by_data (session, &st);
  g_string_free (st.build_log, TRUE);
  g_main_loop_unref (st.loop);
  return st.exit_status;
}
