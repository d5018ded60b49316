/* wc-application.c: command-line dispatch for `wavecraft`, the D-Bus service and the launcher.
 *
 * One-shot verbs (help, --version, create, extract-params, status, rebuild, stop) run
 * locally from local_command_line; status/rebuild/stop are D-Bus clients of the running
 * instance and never start it. `start` runs here too, so that the terminal owns its session
 * and Ctrl+C stops it; it registers the application to publish its session (see the hooks at
 * the end). `--gapplication-service` is GApplication's own D-Bus activated mode: the Manager
 * object starts sessions on request, the application is held once per session and exits
 * after an inactivity timeout. `activate` (a launcher click) serves the launcher page.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-application"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>

#include "wc-application.h"
#include "wc-cli.h"
#include "wc-console.h"
#include "wc-dbus-client.h"
#include "wc-dbus-service.h"
#include "wc-launcher.h"
#include "wc-project.h"
#include "wc-recent-projects.h"
#include "wc-session.h"

/* How long a terminal `start` that also served D-Bus sessions waits for them to stop. */
#define STOP_ALL_DEADLINE_MS 5000

struct _WcApplication
{
  GApplication   parent_instance;
  int            exit_status;

  WcDbusService *service;
  WcLauncher    *launcher;      /* held while it serves */
  guint          signal_ids[2];
  gboolean       stopping;
};

G_DEFINE_FINAL_TYPE (WcApplication, wc_application, G_TYPE_APPLICATION)

typedef struct
{
  const char     *name;
  const char     *summary;   /* N_() marked, translated when printed */
  WcCliLocalFunc  local;     /* NULL for verbs handled below */
  gboolean        hidden;
} WcVerb;

static const WcVerb verbs[] = {
  { "start",          N_("Build the engine, discover its parameters and serve them to the browser UI"), NULL, FALSE },
  { "create",         N_("Create a new plugin project from a template"), wc_cli_create, FALSE },
  { "status",         N_("Show the running sessions"), wc_cli_status, FALSE },
  { "rebuild",        N_("Rebuild and reload the engine of a running session"), wc_cli_rebuild, FALSE },
  { "stop",           N_("Stop a running session"), wc_cli_stop, FALSE },
  { "launcher",       N_("Open the launcher page with the recent projects in a browser"), NULL, FALSE },
  { "extract-params", N_("Print a plugin library's parameters as JSON (internal)"), wc_cli_extract_params, TRUE },
};

static const WcVerb *
find_verb (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (strcmp (verbs[i].name, name) == 0)
      return &verbs[i];
  return NULL;
}

static void
print_help (void)
{
  g_print ("%s\n  wavecraft %s\n\n%s\n", _("Usage:"), _("COMMAND [OPTION…]"), _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (!verbs[i].hidden)
      g_print ("  %-16s %s\n", verbs[i].name, _(verbs[i].summary));
  g_print ("  %-16s %s\n", "help", _("Show this help"));
  g_print ("\n%s\n  -h, --help       %s\n  --version        %s\n\n%s\n",
           _("Options:"), _("Show this help"), _("Print the version and exit"),
           _("Run “wavecraft COMMAND --help” for a command’s options."));
}

static char *
find_self (void)
{
  char *self = g_file_read_link ("/proc/self/exe", NULL);

  return self != NULL ? self : g_strdup (BINDIR "/wavecraft");
}

static gboolean
ensure_registered (WcApplication *self)
{
  g_autoptr(GError) error = NULL;

  if (g_application_get_is_registered (G_APPLICATION (self)))
    return TRUE;
  if (!g_application_register (G_APPLICATION (self), NULL, &error))
    {
      g_debug ("Not registered on the session bus: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- launcher ---------------------------------------------------------------------------- */

static void
launcher_stop (WcApplication *self)
{
  if (self->launcher == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->launcher, self);
  wc_launcher_stop (self->launcher);
  g_clear_object (&self->launcher);
  wc_dbus_service_set_launcher_url (self->service, NULL);
  g_application_release (G_APPLICATION (self));
}

static void
on_launcher_idle (WcLauncher    *launcher,
                  WcApplication *self)
{
  launcher_stop (self);
}

static void
wc_application_activate (GApplication *app)
{
  WcApplication *self = WC_APPLICATION (app);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  if (self->stopping)
    return;
  if (self->launcher == NULL)
    {
      g_autoptr(WcLauncher) launcher = wc_launcher_new (self->service);

      if (!wc_launcher_start (launcher, &error))
        {
          g_message ("Could not serve the launcher page: %s", error->message);
          return;
        }
      self->launcher = g_steal_pointer (&launcher);
      g_signal_connect (self->launcher, "idle", G_CALLBACK (on_launcher_idle), self);
      g_application_hold (app);
    }

  url = wc_launcher_dup_url (self->launcher);
  wc_dbus_service_set_launcher_url (self->service, url);
  g_debug ("Launcher page at %s", url);

  /* Tests and headless sessions set this: the page is served, nothing is opened. */
  if (g_getenv ("WAVECRAFT_NO_BROWSER") != NULL)
    return;
  if (!g_app_info_launch_default_for_uri (url, NULL, &error))
    g_message ("Could not open a browser on %s: %s", url, error->message);
}

/* ---- serving: signals and stop ----------------------------------------------------------- */

static void
on_all_stopped (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(WcApplication) self = user_data;

  wc_dbus_service_stop_all_finish (WC_DBUS_SERVICE (source), result, NULL);
  g_application_quit (G_APPLICATION (self));
}

static gboolean
on_unix_signal (gpointer user_data)
{
  WcApplication *self = user_data;

  if (self->stopping)
    {
      g_application_quit (G_APPLICATION (self));
      return G_SOURCE_CONTINUE;
    }
  self->stopping = TRUE;
  launcher_stop (self);
  wc_dbus_service_stop_all_async (self->service, on_all_stopped, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

static void
watch_signals (WcApplication *self)
{
  if (self->signal_ids[0] != 0)
    return;
  self->signal_ids[0] = g_unix_signal_add (SIGINT, on_unix_signal, self);
  self->signal_ids[1] = g_unix_signal_add (SIGTERM, on_unix_signal, self);
}

static void
on_stop_all_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  gboolean *done = user_data;

  wc_dbus_service_stop_all_finish (WC_DBUS_SERVICE (source), result, NULL);
  *done = TRUE;
}

static void
on_deadline (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
}

/* After a terminal `start` ended: stop whatever this process served for others (D-Bus
 * sessions, the launcher), so that the process exits now, as the user asked. */
static void
stop_serving_now (WcApplication *self)
{
  gboolean done = FALSE, expired = FALSE;
  guint timer;

  self->stopping = TRUE;
  launcher_stop (self);
  if (wc_dbus_service_get_n_owned (self->service) == 0)
    return;
  wc_dbus_service_stop_all_async (self->service, on_stop_all_done, &done);
  timer = g_timeout_add_once (STOP_ALL_DEADLINE_MS, on_deadline, &expired);
  while (!done && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (timer);
}

/* ---- command line ------------------------------------------------------------------------ */

static int
run_launcher (WcApplication  *self,
              int             argc,
              char          **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  const GOptionEntry entries[] = { { NULL } };

  g_set_prgname ("wavecraft launcher");
  context = g_option_context_new (_("— open the launcher page"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Opens a browser page that lists the recent projects and starts "
                                  "or opens one. This is what the desktop launcher does."));
  if (!g_option_context_parse_strv (context, &argv, &error))
    {
      wc_console_error ("%s", error->message);
      wc_console_hint (_("Run “wavecraft launcher --help” for the options."));
      return 1;
    }
  if (g_strv_length (argv) > 1)
    {
      wc_console_error (_("Unexpected argument “%s”"), argv[1]);
      return 1;
    }

  if (!g_application_register (G_APPLICATION (self), NULL, &error))
    {
      wc_console_error ("%s", error->message);
      return 1;
    }
  g_application_activate (G_APPLICATION (self));
  if (g_application_get_is_remote (G_APPLICATION (self)))
    {
      wc_console_status (_("Asked the running Wavecraft to open the launcher page."));
      return 0;
    }
  if (self->launcher == NULL)
    {
      wc_console_error (_("Could not serve the launcher page"));
      return 1;
    }
  url = wc_launcher_dup_url (self->launcher);
  wc_console_status ("  %-12s %s", _("Launcher:"), url);
  wc_console_status (_("Press Ctrl+C to stop"));
  /* g_application_run() iterates while the launcher holds the application. */
  watch_signals (self);
  return 0;
}

static gboolean
wc_application_local_command_line (GApplication   *app,
                                   char         ***arguments,
                                   int            *exit_status)
{
  WcApplication *self = WC_APPLICATION (app);
  char **argv = *arguments;
  int argc = g_strv_length (argv);
  const char *verb = argc > 1 ? argv[1] : NULL;
  const WcVerb *v;

  if (verb == NULL || strcmp (verb, "help") == 0 || strcmp (verb, "--help") == 0 ||
      strcmp (verb, "-h") == 0)
    {
      if (verb == NULL)
        {
          print_help ();
          *exit_status = 1;
          return TRUE;
        }
      if (argc > 2 && find_verb (argv[2]) != NULL)
        {
          /* `wavecraft help start` is `wavecraft start --help`. */
          g_free (argv[1]);
          argv[1] = g_strdup (argv[2]);
          g_free (argv[2]);
          argv[2] = g_strdup ("--help");
          return wc_application_local_command_line (app, arguments, exit_status);
        }
      print_help ();
      *exit_status = 0;
      return TRUE;
    }

  if (strcmp (verb, "--version") == 0 || strcmp (verb, "-V") == 0)
    {
      g_print ("wavecraft %s\n", PACKAGE_VERSION);
      *exit_status = 0;
      return TRUE;
    }

  /* D-Bus activation (data/dev.wavecraft.Wavecraft.service): GApplication's service mode. */
  if (strcmp (verb, "--gapplication-service") == 0)
    return G_APPLICATION_CLASS (wc_application_parent_class)->local_command_line (app, arguments,
                                                                                exit_status);

  v = find_verb (verb);
  if (v == NULL)
    {
      wc_console_error (_("Unknown command “%s”"), verb);
      wc_console_hint (_("Run “wavecraft --help” to list the commands."));
      *exit_status = 1;
      return TRUE;
    }

  if (v->local != NULL)
    {
      *exit_status = v->local (argc - 1, argv + 1);
      return TRUE;
    }

  if (strcmp (verb, "start") == 0)
    {
      /* The terminal owns this session: it runs here, so Ctrl+C stops it. */
      *exit_status = wc_cli_start (self, argc - 1, argv + 1);
      if (g_application_get_is_registered (app) && !g_application_get_is_remote (app))
        stop_serving_now (self);
      return TRUE;
    }

  if (strcmp (verb, "launcher") == 0)
    {
      *exit_status = run_launcher (self, argc - 1, argv + 1);
      return TRUE;
    }

  g_assert_not_reached ();
}

/* ---- GApplication ------------------------------------------------------------------------ */

static void
wc_application_startup (GApplication *app)
{
  WcApplication *self = WC_APPLICATION (app);

  G_APPLICATION_CLASS (wc_application_parent_class)->startup (app);

  if (g_application_get_flags (app) & G_APPLICATION_IS_SERVICE)
    {
      const char *env = g_getenv ("WAVECRAFT_INACTIVITY_TIMEOUT_MS");
      guint timeout = WC_DEFAULT_INACTIVITY_TIMEOUT_MS;
      guint64 v;

      if (env != NULL && g_ascii_string_to_unsigned (env, 10, 0, G_MAXUINT, &v, NULL))
        timeout = (guint) v;
      g_application_set_inactivity_timeout (app, timeout);
      watch_signals (self);
      g_debug ("D-Bus service up, inactivity timeout %u ms", timeout);
    }
}

static void
wc_application_shutdown (GApplication *app)
{
  WcApplication *self = WC_APPLICATION (app);

  self->stopping = TRUE;
  launcher_stop (self);
  G_APPLICATION_CLASS (wc_application_parent_class)->shutdown (app);
}

static gboolean
wc_application_dbus_register (GApplication     *app,
                              GDBusConnection  *connection,
                              const char       *object_path,
                              GError          **error)
{
  WcApplication *self = WC_APPLICATION (app);

  if (!G_APPLICATION_CLASS (wc_application_parent_class)->dbus_register (app, connection,
                                                                        object_path, error))
    return FALSE;
  /* Runs in every instance before the name is owned: only export here. */
  return wc_dbus_service_export (self->service, connection, object_path, error);
}

static void
wc_application_dbus_unregister (GApplication    *app,
                                GDBusConnection *connection,
                                const char      *object_path)
{
  WcApplication *self = WC_APPLICATION (app);

  wc_dbus_service_unexport (self->service);
  G_APPLICATION_CLASS (wc_application_parent_class)->dbus_unregister (app, connection,
                                                                     object_path);
}

static void
wc_application_dispose (GObject *object)
{
  WcApplication *self = WC_APPLICATION (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->signal_ids); i++)
    g_clear_handle_id (&self->signal_ids[i], g_source_remove);
  if (self->launcher != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->launcher, self);
      wc_launcher_stop (self->launcher);
      g_clear_object (&self->launcher);
    }
  g_clear_object (&self->service);
  G_OBJECT_CLASS (wc_application_parent_class)->dispose (object);
}

static void
wc_application_class_init (WcApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = wc_application_dispose;
  app_class->local_command_line = wc_application_local_command_line;
  app_class->startup = wc_application_startup;
  app_class->shutdown = wc_application_shutdown;
  app_class->activate = wc_application_activate;
  app_class->dbus_register = wc_application_dbus_register;
  app_class->dbus_unregister = wc_application_dbus_unregister;
}

static void
wc_application_init (WcApplication *self)
{
  g_autofree char *bin = find_self ();

  self->service = wc_dbus_service_new (G_APPLICATION (self), bin);
}

/**
 * wc_application_new:
 *
 * Creates the `wavecraft` application with id `APP_ID`. Sets up gettext and logging so
 * that stdout carries only data.
 *
 * Returns: (transfer full): a new #WcApplication
 */
WcApplication *
wc_application_new (void)
{
  wc_console_init ();
  return g_object_new (WC_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       NULL);
}

/**
 * wc_application_set_exit_status:
 * @self: a #WcApplication
 * @exit_status: the status `main ()` returns once the main loop ends
 *
 * Records a non-zero exit status decided after the command handler returned, e.g. when
 * the UI dev server dies while `start` is serving.
 */
void
wc_application_set_exit_status (WcApplication *self,
                                int            exit_status)
{
  g_return_if_fail (WC_IS_APPLICATION (self));
  self->exit_status = exit_status;
}

/**
 * wc_application_get_exit_status:
 * @self: a #WcApplication
 *
 * Returns: the status set with wc_application_set_exit_status(), or 0
 */
int
wc_application_get_exit_status (WcApplication *self)
{
  g_return_val_if_fail (WC_IS_APPLICATION (self), 1);
  return self->exit_status;
}

/* ---- hooks for `wavecraft start` --------------------------------------------------------- */

/**
 * wc_application_report_running:
 * @self: a #WcApplication
 * @project: the project `wavecraft start` was asked to serve
 *
 * One session per project (issue 5): registers @self on the session bus (nothing happens
 * without a bus) and asks the running instance, if another process holds the name, whether
 * it already serves @project. If it does, prints its URLs on stdout and returns %TRUE; the
 * caller then exits 0 instead of failing on the port. Call it right after opening the
 * project, before anything is built.
 *
 * Returns: %TRUE when another process serves @project (its URLs were printed)
 */
gboolean
wc_application_report_running (WcApplication *self,
                               WcProject     *project)
{
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection;
  WcDbusSessionInfo *info;

  g_return_val_if_fail (WC_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (WC_IS_PROJECT (project), FALSE);

  if (!ensure_registered (self) || !g_application_get_is_remote (G_APPLICATION (self)))
    return FALSE;
  connection = g_application_get_dbus_connection (G_APPLICATION (self));
  if (connection == NULL)
    return FALSE;

  sessions = wc_dbus_client_list (connection, &error);
  if (sessions == NULL)
    {
      g_debug ("Could not ask the running instance: %s", error->message);
      return FALSE;
    }
  info = wc_dbus_client_find (sessions, wc_project_get_root (project));
  if (info == NULL)
    return FALSE;

  wc_console_status (_("%s is already being served by another Wavecraft process"),
                     wc_project_get_name (project));
  wc_console_status ("  %-12s %s", _("UI:"), info->ui_url);
  wc_console_status ("  %-12s %s", _("WebSocket:"), info->ws_url);
  wc_console_status (_("Stop it with “wavecraft stop %s”."), info->root);
  return TRUE;
}

/**
 * wc_application_publish_session:
 * @self: a #WcApplication
 * @session: the terminal's session, after wc_session_start_async() was called (its port is
 *   bound)
 * @stop_func: (nullable): called when `wavecraft stop` or Manager.StopSession asks the
 *   terminal to stop, as if Ctrl+C had been pressed
 * @user_data: data for @stop_func
 *
 * Adds the project to the recent projects (the launcher lists them) and, when this process
 * is the primary instance on the session bus, publishes @session as a D-Bus Session object,
 * so that editors, `wavecraft status|rebuild|stop` and a second `wavecraft start` see it.
 * Call wc_application_unpublish_session() once the session stopped.
 */
void
wc_application_publish_session (WcApplication         *self,
                                WcSession             *session,
                                WcApplicationStopFunc  stop_func,
                                gpointer               user_data)
{
  WcProject *project;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (WC_IS_APPLICATION (self));
  g_return_if_fail (WC_IS_SESSION (session));

  project = wc_session_get_project (session);
  if (!wc_recent_projects_add (wc_project_get_root (project), wc_project_get_name (project),
                               &error))
    g_debug ("Could not update the recent projects: %s", error->message);

  if (!ensure_registered (self) || g_application_get_is_remote (G_APPLICATION (self)) ||
      g_application_get_dbus_connection (G_APPLICATION (self)) == NULL)
    return;
  wc_dbus_service_add_session (self->service, session, stop_func, user_data);
}

/**
 * wc_application_unpublish_session:
 * @self: a #WcApplication
 * @session: a session given to wc_application_publish_session()
 *
 * Removes @session from the bus and answers pending stop requests. Safe to call when it was
 * never published.
 */
void
wc_application_unpublish_session (WcApplication *self,
                                  WcSession     *session)
{
  GDBusConnection *connection;

  g_return_if_fail (WC_IS_APPLICATION (self));
  g_return_if_fail (WC_IS_SESSION (session));

  wc_dbus_service_remove_session (self->service, session);

  /* The terminal exits right after this: answer a pending StopSession (its completion is
   * dispatched from an idle when no loop runs) and make sure the reply left. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  connection = g_application_get_dbus_connection (G_APPLICATION (self));
  if (connection != NULL && !g_dbus_connection_is_closed (connection))
    g_dbus_connection_flush_sync (connection, NULL, NULL);
}
