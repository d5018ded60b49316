/* test-dbus.c: the editor D-Bus API on a private bus.
 *
 * Every test gets its own bus (GTestDBus) whose service directory is the build tree's
 * tests/data/services: the first call to dev.wavecraft.Wavecraft makes the bus start the
 * built `wavecraft --gapplication-service`. Sessions run on temporary copies of
 * examples/tremolo; WebSocket clients are real libsoup clients.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <gio/gio.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wc-dbus-service.h"
#include "wc-param-host.h"
#include "wc-project.h"
#include "wc-recent-projects.h"
#include "wc-session.h"
#include "wc-test-util.h"

#define MANAGER_IFACE APP_ID ".Manager"
#define SESSION_IFACE APP_ID ".Session"

#define BUILD_MS       180000   /* a cold meson setup + build of the example */
#define CALL_MS        10000
#define EVENT_MS       20000
#define EXIT_MS        20000

/* One temporary copy of examples/tremolo for the whole program, made on demand: its first
 * session builds it from scratch, later ones rebuild incrementally. Tests that break the
 * engine restore it. */
static char *shared_project;

typedef struct
{
  GTestDBus       *bus;
  GDBusConnection *conn;
  const char      *project;       /* shared_project, once a test used it */
  GPtrArray       *signals;       /* Recorded */
  guint            subscription;
  GPid             service_pid;
} Fixture;

typedef struct
{
  char     *path;
  char     *name;
  GVariant *params;
} Recorded;

static void
recorded_free (Recorded *r)
{
  g_free (r->path);
  g_free (r->name);
  g_variant_unref (r->params);
  g_free (r);
}

static void
on_signal (GDBusConnection *connection,
           const char      *sender,
           const char      *path,
           const char      *interface,
           const char      *name,
           GVariant        *params,
           gpointer         user_data)
{
  Fixture *f = user_data;
  Recorded *r = g_new0 (Recorded, 1);

  r->path = g_strdup (path);
  r->name = g_strdup (name);
  r->params = g_variant_ref (params);
  g_ptr_array_add (f->signals, r);
}

/* A call to the bus itself (org.freedesktop.DBus); asserts success. */
static GVariant *
bus_call (Fixture            *f,
          const char         *method,
          GVariant           *params,
          const GVariantType *reply_type)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_sync (f->conn, "org.freedesktop.DBus",
                                                 "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                                 method, params, reply_type,
                                                 G_DBUS_CALL_FLAGS_NONE, CALL_MS, NULL, &error);

  g_assert_no_error (error);
  return reply;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *timeout_ms = data != NULL ? data : "60000";
  const char *builddir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *services = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (builddir);
  services = g_build_filename (builddir, "data", "services", NULL);

  /* The bus, and so the service it starts, inherits this environment. */
  g_setenv ("WAVECRAFT_INACTIVITY_TIMEOUT_MS", timeout_ms, TRUE);
  g_setenv ("WAVECRAFT_NO_BROWSER", "1", TRUE);

  f->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_add_service_dir (f->bus, services);
  g_test_dbus_up (f->bus);

  /* A private connection: nothing holds on to the g_bus_get() singleton at teardown. */
  f->conn = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (f->bus),
                                                    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                    G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                    NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_set_exit_on_close (f->conn, FALSE);

  /* GTestDBus points the bus's HOME and XDG dirs at /dev/null; activated services get this
   * test's isolated ones instead, as a desktop session would set them. */
  {
    g_autoptr(GVariant) reply = NULL;
    GVariantBuilder env;

    g_variant_builder_init (&env, G_VARIANT_TYPE ("a{ss}"));
    g_variant_builder_add (&env, "{ss}", "HOME", g_get_home_dir ());
    g_variant_builder_add (&env, "{ss}", "XDG_DATA_HOME", g_get_user_data_dir ());
    g_variant_builder_add (&env, "{ss}", "XDG_CONFIG_HOME", g_get_user_config_dir ());
    g_variant_builder_add (&env, "{ss}", "XDG_CACHE_HOME", g_get_user_cache_dir ());
    g_variant_builder_add (&env, "{ss}", "XDG_RUNTIME_DIR", g_get_user_runtime_dir ());
    reply = bus_call (f, "UpdateActivationEnvironment", g_variant_new ("(a{ss})", &env), NULL);
  }

  f->signals = g_ptr_array_new_with_free_func ((GDestroyNotify) recorded_free);
  f->subscription = g_dbus_connection_signal_subscribe (f->conn, APP_ID, NULL, NULL, NULL, NULL,
                                                        G_DBUS_SIGNAL_FLAGS_NONE, on_signal, f,
                                                        NULL);
}

static gboolean
process_running (GPid pid)
{
  g_autofree char *name = g_strdup_printf ("%d", pid);
  char state;

  /* A zombie (Z) has exited; reaping it is the bus's business. */
  return wc_test_read_proc_stat (name, &state, NULL, NULL, NULL) && state != 'Z';
}

static void
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static gboolean
on_pidfd (int          fd,
          GIOCondition condition,
          gpointer     data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
process_gone (gpointer data)
{
  return !process_running (GPOINTER_TO_INT (data));
}

/* Waits for @pid, which the bus started (not our child), to exit: a pidfd becomes readable
 * when it does. */
static gboolean
wait_process_exit (GPid  pid,
                   guint deadline_ms)
{
  int fd = (int) syscall (SYS_pidfd_open, pid, 0);
  gboolean exited = FALSE;
  guint id;

  if (fd < 0 && errno == ESRCH)
    return TRUE;
  if (fd < 0)
    return wc_test_wait_polling (process_gone, GINT_TO_POINTER (pid), deadline_ms);
  id = g_unix_fd_add (fd, G_IO_IN, on_pidfd, &exited);
  if (!wc_test_wait_flag (&exited, deadline_ms))
    g_source_remove (id);
  close (fd);
  return exited;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_dbus_connection_signal_unsubscribe (f->conn, f->subscription);
  g_dbus_connection_close_sync (f->conn, NULL, NULL);
  g_clear_object (&f->conn);
  g_test_dbus_down (f->bus);
  g_clear_object (&f->bus);

  /* Losing its bus, the service stops its sessions and exits. */
  if (f->service_pid > 0)
    g_assert_true (wait_process_exit (f->service_pid, EXIT_MS));

  /* Nothing the sessions started (builds, extractors) outlives them. */
  if (f->project != NULL)
    g_assert_cmpuint (wc_test_count_processes_in (f->project), ==, 0);
  g_ptr_array_unref (f->signals);
  g_unsetenv ("WAVECRAFT_INACTIVITY_TIMEOUT_MS");
  g_unsetenv ("WAVECRAFT_NO_BROWSER");
}

/* ---- helpers ----------------------------------------------------------------------------- */

static const char *
project (Fixture *f)
{
  if (shared_project == NULL)
    shared_project = wc_test_copy_example ();
  f->project = shared_project;
  return f->project;
}

static GVariant *
call (Fixture            *f,
      const char         *path,
      const char         *iface,
      const char         *method,
      GVariant           *params,
      const GVariantType *reply_type,
      int                 timeout_ms,
      GError            **error)
{
  return g_dbus_connection_call_sync (f->conn, APP_ID, path, iface, method, params, reply_type,
                                      G_DBUS_CALL_FLAGS_NONE, timeout_ms, NULL, error);
}

static gboolean
name_has_owner (Fixture *f)
{
  g_autoptr(GVariant) reply = bus_call (f, "NameHasOwner", g_variant_new ("(s)", APP_ID),
                                        G_VARIANT_TYPE ("(b)"));
  gboolean owned;

  g_variant_get (reply, "(b)", &owned);
  return owned;
}

static gboolean
name_lost (gpointer data)
{
  return !name_has_owner (data);
}

static GPid
service_pid (Fixture *f)
{
  g_autoptr(GVariant) reply = bus_call (f, "GetConnectionUnixProcessID",
                                        g_variant_new ("(s)", APP_ID), G_VARIANT_TYPE ("(u)"));
  guint32 pid;

  g_variant_get (reply, "(u)", &pid);
  f->service_pid = (GPid) pid;
  return f->service_pid;
}

/* StartSessionFull on a free port; returns the session path and URLs. */
static char *
start_session (Fixture     *f,
               const char  *dir,
               char       **ws_url,
               char       **ui_url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  GVariantBuilder options;
  char *path = NULL;

  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&options, "{sv}", "port", g_variant_new_uint32 (0));
  g_variant_builder_add (&options, "{sv}", "use-cache", g_variant_new_boolean (FALSE));
  /* Builds only when a test asks: the engine edits below must not race a hot reload. */
  g_variant_builder_add (&options, "{sv}", "watch", g_variant_new_boolean (FALSE));
  reply = call (f, APP_PATH, MANAGER_IFACE, "StartSessionFull",
                g_variant_new ("(sa{sv})", dir, &options), G_VARIANT_TYPE ("(oss)"), BUILD_MS,
                &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(oss)", &path, ws_url, ui_url);
  service_pid (f);
  return path;
}

static void
stop_session (Fixture    *f,
              const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = call (f, APP_PATH, MANAGER_IFACE, "StopSession",
                                    g_variant_new ("(o)", path), NULL, EXIT_MS, &error);

  g_assert_no_error (error);
}

static char *
get_string_property (Fixture    *f,
                     const char *path,
                     const char *iface,
                     const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = call (f, path, "org.freedesktop.DBus.Properties", "Get",
                                    g_variant_new ("(ss)", iface, name),
                                    G_VARIANT_TYPE ("(v)"), CALL_MS, &error);
  g_autoptr(GVariant) value = NULL;

  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  g_assert_true (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING));
  return g_variant_dup_string (value, NULL);
}

typedef struct
{
  Fixture    *f;
  const char *path;
  const char *name;
  guint       from;
  guint       found;
} SignalWait;

static gboolean
signal_arrived (gpointer data)
{
  SignalWait *w = data;

  for (guint i = w->from; i < w->f->signals->len; i++)
    {
      Recorded *r = g_ptr_array_index (w->f->signals, i);

      if (g_str_equal (r->name, w->name) && (w->path == NULL || g_str_equal (r->path, w->path)))
        {
          w->found = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* Waits for signal @name on @path recorded at index >= *from; returns its parameters and
 * moves *from past it. */
static GVariant *
wait_signal (Fixture    *f,
             const char *path,
             const char *name,
             guint      *from)
{
  SignalWait w = { f, path, name, from != NULL ? *from : 0, 0 };
  Recorded *r;

  if (!wc_test_wait_until (signal_arrived, &w, BUILD_MS))
    g_error ("No %s signal on %s", name, path);
  r = g_ptr_array_index (f->signals, w.found);
  if (from != NULL)
    *from = w.found + 1;
  return g_variant_ref (r->params);
}

static void
assert_dbus_error (GError     *error,
                   const char *name,
                   const char *message)
{
  g_autofree char *remote = NULL;

  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, name);
  g_dbus_error_strip_remote_error (error);
  g_assert_cmpstr (error->message, ==, message);
}

static char *
http_get (const char *url,
          guint      *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static void
break_engine (const char *dir,
              gboolean    broken)
{
  g_autofree char *path = g_build_filename (dir, "engine", "src", "tremolo.c", NULL);
  g_autofree char *text = NULL;
  g_autofree char *fixed = NULL;
  g_autoptr(GError) error = NULL;
  const char *marker = "\nint wc_test_broken = ;\n";

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  if (broken)
    fixed = g_strconcat (text, marker, NULL);
  else
    {
      char *at = strstr (text, marker);

      g_assert_nonnull (at);
      *at = '\0';
      fixed = g_strdup (text);
    }
  g_file_set_contents (path, fixed, -1, &error);
  g_assert_no_error (error);
}

/* Waits for @proc to exit with @expected; shows its output when it does not. */
static void
assert_exit (WcTestProc *proc,
             guint       deadline_ms,
             int         expected)
{
  int status = -1000;

  if (!wc_test_proc_wait_exit (proc, deadline_ms, &status) || status != expected)
    g_error ("wavecraft exited with %d, expected %d.\nstdout:\n%s\nstderr:\n%s", status,
             expected, wc_test_proc_get_stdout (proc), wc_test_proc_get_stderr (proc));
}

/* ---- tests ------------------------------------------------------------------------------- */

static void
test_activation (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) sessions = NULL;
  g_autofree char *exe_link = NULL;
  g_autofree char *exe = NULL;
  g_autofree char *real_bin = NULL;

  g_assert_false (name_has_owner (f));

  /* The call itself makes the bus start the service. */
  reply = call (f, APP_PATH, MANAGER_IFACE, "ListSessions", NULL, G_VARIANT_TYPE ("(a(osss))"),
                CALL_MS, &error);
  g_assert_no_error (error);
  sessions = g_variant_get_child_value (reply, 0);
  g_assert_cmpuint (g_variant_n_children (sessions), ==, 0);

  g_assert_true (name_has_owner (f));
  exe_link = g_strdup_printf ("/proc/%d/exe", service_pid (f));
  exe = g_file_read_link (exe_link, NULL);
  real_bin = realpath (wc_test_wavecraft_bin (), NULL);
  g_assert_cmpstr (exe, ==, real_bin);

  /* GApplication's own interfaces are there too. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (f, APP_PATH, "org.freedesktop.DBus.Introspectable", "Introspect", NULL,
                G_VARIANT_TYPE ("(s)"), CALL_MS, &error);
  g_assert_no_error (error);
  {
    const char *xml;

    g_variant_get (reply, "(&s)", &xml);
    g_assert_nonnull (strstr (xml, MANAGER_IFACE));
    g_assert_nonnull (strstr (xml, "org.freedesktop.Application"));
  }
}

static void
test_start_session (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *ws_url = NULL, *ui_url = NULL;
  g_autofree char *ws_url2 = NULL, *ui_url2 = NULL;
  g_autofree char *path = start_session (f, project (f), &ws_url, &ui_url);
  g_autofree char *path2 = NULL;
  g_autofree char *state = NULL, *prop_ws = NULL, *last = NULL, *dir = NULL, *body = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) params = NULL;
  g_autoptr(WcProject) p = wc_project_open (project (f), NULL);
  WcTestClient *client;
  guint status = 0;
  guint port = 0;

  g_assert_true (g_str_has_prefix (path, APP_PATH "/Session/"));
  g_assert_true (g_str_has_prefix (ws_url, "ws://127.0.0.1:"));
  port = (guint) g_ascii_strtoull (ws_url + strlen ("ws://127.0.0.1:"), NULL, 10);
  g_assert_cmpuint (port, >, 0);
  {
    g_autofree char *expected_ui = g_strdup_printf ("http://127.0.0.1:%u/", port);

    g_assert_cmpstr (ui_url, ==, expected_ui);
  }

  /* The URLs work: the built-in UI is served, and a WebSocket client gets the parameters. */
  body = http_get (ui_url, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (body, "<html"));
  client = wc_test_client_connect (ws_url, NULL);
  params = wc_test_client_call (client, "getAllParameters", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_object_get_object_member (json_node_get_object (params), "result"),
                      "parameters")), ==, 8);
  wc_test_client_free (client);

  state = get_string_property (f, path, SESSION_IFACE, "State");
  g_assert_cmpstr (state, ==, "idle");
  prop_ws = get_string_property (f, path, SESSION_IFACE, "WsUrl");
  g_assert_cmpstr (prop_ws, ==, ws_url);
  dir = get_string_property (f, path, SESSION_IFACE, "ProjectDir");
  g_assert_cmpstr (dir, ==, wc_project_get_root (p));
  last = get_string_property (f, path, SESSION_IFACE, "LastBuild");
  g_assert_true (g_str_has_prefix (last, "{\"ok\":true,"));

  /* The launcher will list it. */
  {
    g_autoptr(GPtrArray) recent = wc_recent_projects_load ();

    g_assert_cmpuint (recent->len, ==, 1);
    g_assert_cmpstr (((WcRecentProject *) g_ptr_array_index (recent, 0))->root, ==,
                     wc_project_get_root (p));
    g_assert_cmpstr (((WcRecentProject *) g_ptr_array_index (recent, 0))->name, ==, "tremolo");
  }

  /* One session per project: starting it again returns the same one. */
  path2 = start_session (f, project (f), &ws_url2, &ui_url2);
  g_assert_cmpstr (path2, ==, path);
  g_assert_cmpstr (ws_url2, ==, ws_url);

  reply = call (f, APP_PATH, MANAGER_IFACE, "ListSessions", NULL, G_VARIANT_TYPE ("(a(osss))"),
                CALL_MS, &error);
  g_assert_no_error (error);
  {
    g_autofree char *text = g_variant_print (reply, FALSE);
    g_autofree char *expected = g_strdup_printf ("([('%s', '%s', '%s', '%s')],)",
                                                 path, wc_project_get_root (p), ws_url, ui_url);

    g_assert_cmpstr (text, ==, expected);
  }

  stop_session (f, path);
  {
    g_autoptr(GVariant) removed = wait_signal (f, APP_PATH, "SessionRemoved", NULL);
    const char *gone;

    g_variant_get (removed, "(&o)", &gone);
    g_assert_cmpstr (gone, ==, path);
  }
}

static void
test_set_parameter (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *ws_url = NULL, *ui_url = NULL;
  g_autofree char *path = start_session (f, project (f), &ws_url, &ui_url);
  WcTestClient *client = wc_test_client_connect (ws_url, NULL);
  g_autoptr(JsonNode) changed = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) sig = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *obj;
  const char *json;
  const char *id;
  double value;

  reply = call (f, path, SESSION_IFACE, "SetParameter", g_variant_new ("(sd)", "rate", 7.5), NULL,
                CALL_MS, &error);
  g_assert_no_error (error);

  /* The WebSocket client hears it as parameterChanged. */
  changed = wc_test_client_wait_notification (client, "parameterChanged", EVENT_MS);
  g_assert_nonnull (changed);
  obj = json_node_get_object (changed);
  g_assert_cmpstr (json_object_get_string_member (obj, "id"), ==, "rate");
  g_assert_cmpfloat (json_object_get_double_member (obj, "value"), ==, 7.5);

  /* D-Bus listeners too. */
  sig = wait_signal (f, path, "ParameterChanged", NULL);
  g_variant_get (sig, "(&sd)", &id, &value);
  g_assert_cmpstr (id, ==, "rate");
  g_assert_cmpfloat (value, ==, 7.5);

  /* And the value is what everybody reads now. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (f, path, SESSION_IFACE, "GetParameters", NULL, G_VARIANT_TYPE ("(s)"), CALL_MS,
                &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s)", &json);
  g_assert_nonnull (strstr (json, "{\"id\":\"rate\",\"name\":\"Rate\",\"type\":\"float\",\"value\":7.5,"));
  {
    g_autoptr(JsonNode) got = wc_test_client_call (client, "getParameter", "{\"id\":\"rate\"}");
    JsonObject *result = json_object_get_object_member (json_node_get_object (got), "result");

    g_assert_cmpfloat (json_object_get_double_member (result, "value"), ==, 7.5);
  }

  /* A WebSocket client's change reaches D-Bus. */
  {
    g_autoptr(JsonNode) set = wc_test_client_call (client, "setParameter",
                                                   "{\"id\":\"depth\",\"value\":25}");
    guint from = 0;

    g_assert_true (json_object_has_member (json_node_get_object (set), "result"));
    for (;;)
      {
        g_autoptr(GVariant) s = wait_signal (f, path, "ParameterChanged", &from);

        g_variant_get (s, "(&sd)", &id, &value);
        if (g_str_equal (id, "depth"))
          break;
      }
    g_assert_cmpfloat (value, ==, 25.0);
  }

  wc_test_client_free (client);
  stop_session (f, path);
}

static void
test_rebuild (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *ws_url = NULL, *ui_url = NULL;
  g_autofree char *path = start_session (f, project (f), &ws_url, &ui_url);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) started = NULL;
  g_autoptr(GVariant) finished = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *last = NULL;
  g_auto(GStrv) files = NULL;
  guint from = f->signals->len;
  guint64 generation;
  gboolean ok;
  double ms;
  const char *diagnostics;

  reply = call (f, path, SESSION_IFACE, "Rebuild", NULL, NULL, CALL_MS, &error);
  g_assert_no_error (error);
  started = wait_signal (f, path, "BuildStarted", &from);
  g_variant_get (started, "(t^as)", &generation, &files);
  g_assert_cmpuint (generation, >=, 1);
  g_assert_cmpuint (g_strv_length (files), ==, 0);
  finished = wait_signal (f, path, "BuildFinished", &from);
  g_variant_get (finished, "(bd&s)", &ok, &ms, &diagnostics);
  g_assert_true (ok);
  g_assert_cmpfloat (ms, >=, 0);
  g_assert_cmpstr (diagnostics, ==, "[]");

  /* A broken engine: BuildFinished says so, with the diagnostics; State is "failed". */
  break_engine (project (f), TRUE);
  g_clear_pointer (&reply, g_variant_unref);
  g_clear_pointer (&finished, g_variant_unref);
  reply = call (f, path, SESSION_IFACE, "Rebuild", NULL, NULL, CALL_MS, &error);
  g_assert_no_error (error);
  finished = wait_signal (f, path, "BuildFinished", &from);
  g_variant_get (finished, "(bd&s)", &ok, &ms, &diagnostics);
  g_assert_false (ok);
  g_assert_nonnull (strstr (diagnostics, "\"file\":\"engine/src/tremolo.c\""));
  g_assert_nonnull (strstr (diagnostics, "\"severity\":\"error\""));
  state = get_string_property (f, path, SESSION_IFACE, "State");
  g_assert_cmpstr (state, ==, "failed");
  last = get_string_property (f, path, SESSION_IFACE, "LastBuild");
  g_assert_true (g_str_has_prefix (last, "{\"ok\":false,"));

  /* `wavecraft rebuild` reports the errors in gcc's format with absolute paths, exits 1. */
  {
    const char *args[] = { "rebuild", project (f), NULL };
    WcTestProc *proc = wc_test_proc_spawn (args, NULL);
    g_autoptr(WcProject) p = wc_project_open (project (f), NULL);
    g_autofree char *needle = g_strdup_printf ("%s/engine/src/tremolo.c:",
                                               wc_project_get_root (p));

    assert_exit (proc, BUILD_MS, 1);
    g_assert_nonnull (strstr (wc_test_proc_get_stderr (proc), needle));
    g_assert_nonnull (strstr (wc_test_proc_get_stderr (proc),
                              "error: Build failed — still serving the last good parameters"));
    wc_test_proc_free (proc);
  }

  /* Fixed again: `wavecraft rebuild` (the only session, found without a path) exits 0. */
  break_engine (project (f), FALSE);
  {
    const char *args[] = { "rebuild", NULL };
    WcTestProc *proc = wc_test_proc_spawn (args, NULL);

    assert_exit (proc, BUILD_MS, 0);
    g_assert_nonnull (strstr (wc_test_proc_get_stdout (proc), "Build succeeded in "));
    wc_test_proc_free (proc);
  }
  g_clear_pointer (&state, g_free);
  state = get_string_property (f, path, SESSION_IFACE, "State");
  g_assert_cmpstr (state, ==, "idle");

  stop_session (f, path);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "wc-no-such-project", NULL);
  g_autofree char *message = NULL;
  g_autofree char *ws_url = NULL, *ui_url = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  /* Not a project. */
  reply = call (f, APP_PATH, MANAGER_IFACE, "StartSession", g_variant_new ("(s)", missing),
                G_VARIANT_TYPE ("(oss)"), CALL_MS, &error);
  g_assert_null (reply);
  /* The client side maps the name back to the GError domain too (see main ()). */
  g_assert_true (g_error_matches (error, WC_PROJECT_ERROR, WC_PROJECT_ERROR_NOT_A_PROJECT));
  message = g_strdup_printf ("Not a Wavecraft project: %s has no engine/Cargo.toml or "
                             "engine/meson.build", missing);
  assert_dbus_error (error, APP_ID ".Error.NotAProject", message);
  g_clear_error (&error);

  /* A relative path. */
  reply = call (f, APP_PATH, MANAGER_IFACE, "StartSession", g_variant_new ("(s)", "tremolo"),
                G_VARIANT_TYPE ("(oss)"), CALL_MS, &error);
  assert_dbus_error (error, APP_ID ".Error.InvalidArgument",
                     "The project directory must be an absolute path, not “tremolo”");
  g_clear_error (&error);

  /* Bad options. */
  reply = call (f, APP_PATH, MANAGER_IFACE, "StartSessionFull",
                g_variant_new_parsed ("(%s, {'bogus': <true>})", project (f)),
                G_VARIANT_TYPE ("(oss)"), CALL_MS, &error);
  assert_dbus_error (error, APP_ID ".Error.InvalidArgument", "Unknown option “bogus”");
  g_clear_error (&error);
  reply = call (f, APP_PATH, MANAGER_IFACE, "StartSessionFull",
                g_variant_new_parsed ("(%s, {'port': <'9000'>})", project (f)),
                G_VARIANT_TYPE ("(oss)"), CALL_MS, &error);
  assert_dbus_error (error, APP_ID ".Error.InvalidArgument",
                     "Option “port” must have type “u”, not “s”");
  g_clear_error (&error);

  /* No such session. */
  reply = call (f, APP_PATH, MANAGER_IFACE, "StopSession",
                g_variant_new ("(o)", APP_PATH "/Session/999"), NULL, CALL_MS, &error);
  assert_dbus_error (error, APP_ID ".Error.NoSuchSession",
                     "No session at " APP_PATH "/Session/999");
  g_clear_error (&error);

  /* Parameter errors carry the JSON-RPC messages. */
  path = start_session (f, project (f), &ws_url, &ui_url);
  reply = call (f, path, SESSION_IFACE, "SetParameter", g_variant_new ("(sd)", "nope", 1.0), NULL,
                CALL_MS, &error);
  assert_dbus_error (error, APP_ID ".Error.ParameterNotFound", "Parameter not found: nope");
  g_clear_error (&error);
  reply = call (f, path, SESSION_IFACE, "SetParameter", g_variant_new ("(sd)", "rate", 99.0), NULL,
                CALL_MS, &error);
  g_assert_true (g_error_matches (error, WC_PARAM_HOST_ERROR, WC_PARAM_HOST_ERROR_OUT_OF_RANGE));
  assert_dbus_error (error, APP_ID ".Error.OutOfRange",
                     "Parameter 'rate' value 99 out of range [0.1, 20]");
  g_clear_error (&error);
  reply = call (f, path, SESSION_IFACE, "SetParameter", g_variant_new ("(sd)", "shape", 1.5), NULL,
                CALL_MS, &error);
  g_assert_nonnull (error);
  {
    g_autofree char *name = g_dbus_error_get_remote_error (error);

    g_assert_cmpstr (name, ==, APP_ID ".Error.InvalidValue");
  }
  g_clear_error (&error);
  stop_session (f, path);
  g_clear_pointer (&path, g_free);

  /* A session whose first build fails: BuildFailed, with the compiler's words. */
  break_engine (project (f), TRUE);
  reply = call (f, APP_PATH, MANAGER_IFACE, "StartSessionFull",
                g_variant_new_parsed ("(%s, {'port': <uint32 0>, 'use-cache': <false>, "
                                      "'watch': <false>})",
                                      project (f)),
                G_VARIANT_TYPE ("(oss)"), BUILD_MS, &error);
  break_engine (project (f), FALSE);
  g_assert_true (g_error_matches (error, WC_SESSION_ERROR, WC_SESSION_ERROR_BUILD_FAILED));
  {
    g_autofree char *name = g_dbus_error_get_remote_error (error);

    g_assert_cmpstr (name, ==, APP_ID ".Error.BuildFailed");
    g_dbus_error_strip_remote_error (error);
    g_assert_true (g_str_has_prefix (error->message, "The engine build failed\n"));
    g_assert_nonnull (strstr (error->message, "tremolo.c"));
  }
  g_clear_error (&error);
  /* It is gone, not half-alive. */
  reply = call (f, APP_PATH, MANAGER_IFACE, "ListSessions", NULL, G_VARIANT_TYPE ("(a(osss))"),
                CALL_MS, &error);
  g_assert_no_error (error);
  {
    g_autofree char *text = g_variant_print (reply, FALSE);

    g_assert_cmpstr (text, ==, "([],)");
  }
}

static void
test_inactivity_exit (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *ws_url = NULL, *ui_url = NULL;
  g_autofree char *path = start_session (f, project (f), &ws_url, &ui_url);
  GPid pid = f->service_pid;

  g_assert_cmpint (pid, >, 0);

  /* A running session holds the service well past its 500 ms inactivity timeout ... */
  {
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GError) error = NULL;
    gboolean waited = FALSE;

    g_timeout_add_once (1500, set_flag, &waited);
    g_assert_true (wc_test_wait_flag (&waited, EVENT_MS));
    reply = call (f, path, SESSION_IFACE, "GetParameters", NULL, G_VARIANT_TYPE ("(s)"), CALL_MS,
                  &error);
    g_assert_no_error (error);
  }
  g_assert_true (name_has_owner (f));

  /* ... and once it stopped, the service exits after the timeout. */
  stop_session (f, path);
  g_assert_true (wc_test_wait_polling (name_lost, f, EXIT_MS));
  g_assert_true (wait_process_exit (pid, EXIT_MS));
}

static void
test_second_start (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *ws_url = NULL, *ui_url = NULL;
  g_autofree char *path = start_session (f, project (f), &ws_url, &ui_url);
  g_autoptr(WcProject) p = wc_project_open (project (f), NULL);
  const char *args[] = { "start", project (f), "--no-browser", NULL };
  WcTestProc *proc = wc_test_proc_spawn (args, NULL);
  g_autofree char *stop_hint = NULL;

  assert_exit (proc, EVENT_MS, 0);
  g_assert_nonnull (strstr (wc_test_proc_get_stdout (proc),
                            "tremolo is already being served by another Wavecraft process\n"));
  g_assert_nonnull (strstr (wc_test_proc_get_stdout (proc), ws_url));
  g_assert_nonnull (strstr (wc_test_proc_get_stdout (proc), ui_url));
  stop_hint = g_strdup_printf ("Stop it with “wavecraft stop %s”.", wc_project_get_root (p));
  g_assert_nonnull (strstr (wc_test_proc_get_stdout (proc), stop_hint));
  wc_test_proc_free (proc);

  /* The first one is untouched. */
  {
    g_autofree char *state = get_string_property (f, path, SESSION_IFACE, "State");

    g_assert_cmpstr (state, ==, "idle");
  }
  stop_session (f, path);
}

static void
test_terminal_session (Fixture       *f,
                       gconstpointer  data)
{
  const char *args[] = { "start", project (f), "--no-browser", "--port", "0", NULL };
  g_autoptr(WcProject) p = wc_project_open (project (f), NULL);
  WcTestProc *term = wc_test_proc_spawn_ready (args, NULL, BUILD_MS);

  /* The terminal's process is the primary instance: it publishes its session. */
  g_assert_true (name_has_owner (f));
  g_assert_cmpint (service_pid (f), ==, wc_test_proc_get_pid (term));
  f->service_pid = 0;
  {
    const char *status_args[] = { "status", "--json", NULL };
    WcTestProc *proc = wc_test_proc_spawn (status_args, NULL);
    g_autofree char *root = g_strdup_printf ("\"root\" : \"%s\"", wc_project_get_root (p));

    assert_exit (proc, EVENT_MS, 0);
    g_assert_nonnull (strstr (wc_test_proc_get_stdout (proc), root));
    g_assert_nonnull (strstr (wc_test_proc_get_stdout (proc), "\"state\" : \"idle\""));
    wc_test_proc_free (proc);
  }

  /* A second terminal start reports the first. */
  {
    const char *again[] = { "start", project (f), "--no-browser", NULL };
    WcTestProc *proc = wc_test_proc_spawn (again, NULL);

    assert_exit (proc, EVENT_MS, 0);
    g_assert_nonnull (strstr (wc_test_proc_get_stdout (proc), "is already being served"));
    wc_test_proc_free (proc);
  }

  /* `wavecraft stop` (run inside the project) stops it as Ctrl+C would: exit 0. */
  {
    const char *stop_args[] = { "stop", NULL };
    g_autofree char *subdir = g_build_filename (project (f), "engine", NULL);
    WcTestProc *proc = wc_test_proc_spawn (stop_args, subdir);
    g_autofree char *stopped = g_strdup_printf ("Stopped %s\n", wc_project_get_root (p));

    assert_exit (proc, EXIT_MS, 0);
    g_assert_cmpstr (wc_test_proc_get_stdout (proc), ==, stopped);
    wc_test_proc_free (proc);
  }
  assert_exit (term, EXIT_MS, 0);
  g_assert_nonnull (strstr (wc_test_proc_get_stdout (term), "Stopping (asked over D-Bus)…"));
  wc_test_proc_free (term);
}

static void
test_cli_nothing_running (Fixture       *f,
                          gconstpointer  data)
{
  struct { const char *verb; int status; const char *out; const char *err; } cases[] = {
    { "status", 1, "No Wavecraft session is running.\n",
      "hint: Start one with “wavecraft start” in a project directory.\n" },
    { "rebuild", 1, "", "error: No Wavecraft session is running\n"
      "hint: Start one with “wavecraft start” in a project directory.\n" },
    { "stop", 1, "", "error: No Wavecraft session is running\n"
      "hint: Start one with “wavecraft start” in a project directory.\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *args[] = { cases[i].verb, NULL };
      WcTestProc *proc = wc_test_proc_spawn (args, NULL);

      assert_exit (proc, EVENT_MS, cases[i].status);
      g_assert_cmpstr (wc_test_proc_get_stdout (proc), ==, cases[i].out);
      g_assert_cmpstr (wc_test_proc_get_stderr (proc), ==, cases[i].err);
      wc_test_proc_free (proc);
    }
  /* `status --json` is for programs: an empty list, exit 0. */
  {
    const char *args[] = { "status", "--json", NULL };
    WcTestProc *proc = wc_test_proc_spawn (args, NULL);

    assert_exit (proc, EVENT_MS, 0);
    g_assert_cmpstr (wc_test_proc_get_stdout (proc), ==, "[]\n");
    wc_test_proc_free (proc);
  }
  /* None of them started the service. */
  g_assert_false (name_has_owner (f));
}

typedef struct
{
  Fixture *f;
  char    *url;
} LauncherWait;

static gboolean
launcher_url_set (gpointer data)
{
  LauncherWait *w = data;

  g_free (w->url);
  w->url = get_string_property (w->f, APP_PATH, MANAGER_IFACE, "LauncherUrl");
  return w->url[0] != '\0';
}

typedef struct
{
  WcTestClient *client;
  const char   *root;
  gboolean      want_running;
  JsonObject   *found;
  JsonNode     *reply;
} ProjectWait;

static gboolean
project_in_state (gpointer data)
{
  ProjectWait *w = data;
  JsonArray *projects;

  g_clear_pointer (&w->reply, json_node_unref);
  w->reply = wc_test_client_call (w->client, "listRecentProjects", NULL);
  projects = json_object_get_array_member (
    json_object_get_object_member (json_node_get_object (w->reply), "result"), "projects");
  for (guint i = 0; i < json_array_get_length (projects); i++)
    {
      JsonObject *p = json_array_get_object_element (projects, i);

      if (!g_str_equal (json_object_get_string_member (p, "root"), w->root))
        continue;
      w->found = p;
      if (w->want_running)
        return json_object_get_boolean_member (p, "running") &&
               json_object_get_boolean_member_with_default (p, "ready", FALSE);
      return !json_object_get_boolean_member (p, "running");
    }
  w->found = NULL;
  return FALSE;
}

static void
test_launcher (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(WcProject) p = wc_project_open (project (f), NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *page = NULL;
  g_autofree char *ws_url = NULL;
  g_autofree char *ui_body = NULL;
  LauncherWait lw = { f, NULL };
  ProjectWait pw = { 0 };
  WcTestClient *client;
  guint status = 0;

  /* The launcher lists what was started before (the service shares our XDG dirs). */
  g_assert_true (wc_recent_projects_add (wc_project_get_root (p), "tremolo", &error));
  g_assert_no_error (error);

  /* A launcher click: org.freedesktop.Application.Activate, which also starts the service. */
  reply = call (f, APP_PATH, "org.freedesktop.Application", "Activate",
                g_variant_new_parsed ("(@a{sv} {},)"), NULL, CALL_MS, &error);
  g_assert_no_error (error);
  service_pid (f);
  g_assert_true (wc_test_wait_polling (launcher_url_set, &lw, EVENT_MS));
  g_assert_true (g_str_has_prefix (lw.url, "http://127.0.0.1:"));

  page = http_get (lw.url, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (page, "launcher.js"));
  g_assert_nonnull (strstr (page, "wavecraft create my-plugin"));

  ws_url = g_strdup_printf ("ws://%s", lw.url + strlen ("http://"));
  client = wc_test_client_connect (ws_url, NULL);
  {
    g_autoptr(JsonNode) strings = wc_test_client_call (client, "getStrings", NULL);
    JsonObject *s = json_object_get_object_member (
      json_object_get_object_member (json_node_get_object (strings), "result"), "strings");

    g_assert_cmpstr (json_object_get_string_member (s, "recent"), ==, "Recent projects");
  }

  pw.client = client;
  pw.root = wc_project_get_root (p);
  if (!project_in_state (&pw))
    {
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autofree char *text = NULL;

      json_generator_set_root (gen, pw.reply);
      text = json_generator_to_data (gen, NULL);
      g_error ("%s is not listed as a stopped recent project: %s", pw.root, text);
    }
  g_assert_nonnull (pw.found);
  g_assert_cmpstr (json_object_get_string_member (pw.found, "name"), ==, "tremolo");
  g_assert_true (json_object_get_boolean_member (pw.found, "exists"));

  /* Start it from the page, as a click on "Start" does. */
  {
    g_autofree char *params = g_strdup_printf ("{\"root\":\"%s\"}", wc_project_get_root (p));
    g_autoptr(JsonNode) opened = wc_test_client_call (client, "openProject", params);
    JsonObject *result = json_object_get_object_member (json_node_get_object (opened), "result");

    g_assert_nonnull (result);
    g_assert_cmpstr (json_object_get_string_member (result, "state"), ==, "starting");
  }
  pw.want_running = TRUE;
  g_assert_true (wc_test_wait_polling (project_in_state, &pw, BUILD_MS));
  ui_body = http_get (json_object_get_string_member (pw.found, "ui_url"), &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (ui_body, "<html"));

  /* An editor sees the same session. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (f, APP_PATH, MANAGER_IFACE, "ListSessions", NULL, G_VARIANT_TYPE ("(a(osss))"),
                CALL_MS, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GVariant) list = g_variant_get_child_value (reply, 0);

    g_assert_cmpuint (g_variant_n_children (list), ==, 1);
  }

  /* An error from the page: not a project. */
  {
    g_autoptr(JsonNode) bad = wc_test_client_call (client, "openProject", "{\"root\":\"/nonexistent\"}");
    JsonObject *err = json_object_get_object_member (json_node_get_object (bad), "error");

    g_assert_nonnull (err);
    g_assert_cmpint (json_object_get_int_member (err, "code"), ==, -32010);
    g_assert_cmpstr (json_object_get_string_member (err, "message"), ==,
                     "Not a Wavecraft project: /nonexistent has no engine/Cargo.toml or "
                     "engine/meson.build");
  }

  /* Stop it from the page. */
  {
    g_autofree char *params = g_strdup_printf ("{\"root\":\"%s\"}", wc_project_get_root (p));
    g_autoptr(JsonNode) stopped = wc_test_client_call (client, "stopProject", params);

    g_assert_true (json_object_has_member (json_node_get_object (stopped), "result"));
  }
  pw.want_running = FALSE;
  g_assert_true (wc_test_wait_polling (project_in_state, &pw, EXIT_MS));

  g_clear_pointer (&pw.reply, json_node_unref);
  wc_test_client_free (client);
  g_free (lw.url);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *daemon = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  daemon = g_find_program_in_path ("dbus-daemon");

  if (daemon == NULL)
    {
      g_test_skip ("dbus-daemon is not installed");
      return g_test_run ();
    }

  wc_dbus_register_errors ();

#define ADD(name, fn, data) \
  g_test_add ("/wavecraft/dbus/" name, Fixture, data, fixture_setup, fn, fixture_teardown)
  ADD ("activation", test_activation, NULL);
  ADD ("start-session", test_start_session, NULL);
  ADD ("set-parameter", test_set_parameter, NULL);
  ADD ("rebuild", test_rebuild, NULL);
  ADD ("errors", test_errors, NULL);
  ADD ("inactivity-exit", test_inactivity_exit, "500");
  ADD ("second-start", test_second_start, NULL);
  ADD ("terminal-session", test_terminal_session, NULL);
  ADD ("cli-nothing-running", test_cli_nothing_running, NULL);
  ADD ("launcher", test_launcher, NULL);
#undef ADD

  status = g_test_run ();
  if (shared_project != NULL)
    {
      g_autofree char *parent = g_path_get_dirname (shared_project);

      wc_test_rm_rf (parent);
      g_clear_pointer (&shared_project, g_free);
    }
  return status;
}
