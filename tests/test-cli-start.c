/* test-cli-start.c: `wavecraft start` as a real child process on a copy of the example.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wc-test-util.h"

#define READY_MS   180000   /* a cold meson setup + build of the example */
#define STOP_MS    10000

typedef struct
{
  char *project;   /* temp copy of examples/tremolo */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->project = wc_test_copy_example ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *parent = g_path_get_dirname (f->project);

  wc_test_rm_rf (parent);
  g_free (f->project);
}

static WcTestProc *
start_ready (const char *project,
             const char *extra)
{
  const char *args[] = { "start", project, "--no-browser", "--port", "0", extra, NULL };

  return wc_test_proc_spawn_ready (args, NULL, READY_MS);
}

static void
on_close_code (SoupWebsocketConnection *conn,
               gpointer                 data)
{
  *(int *) data = soup_websocket_connection_get_close_code (conn);
}

static gboolean
int_is_set (gpointer data)
{
  return *(int *) data != -1;
}

static void
check_stop (Fixture *f,
            int      signum)
{
  WcTestProc *proc = start_ready (f->project, NULL);
  guint port = wc_test_proc_get_port (proc);
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u", port);
  WcTestClient *client;
  g_autoptr(JsonNode) reply = NULL;
  JsonArray *params;
  int close_code = -1;
  int status = -100;

  g_assert_cmpuint (port, >, 0);
  client = wc_test_client_connect (url, NULL);
  reply = wc_test_client_call (client, "getAllParameters", NULL);
  params = json_object_get_array_member (
    json_object_get_object_member (json_node_get_object (reply), "result"), "parameters");
  g_assert_cmpuint (json_array_get_length (params), >=, 6);

  g_signal_connect (wc_test_client_get_connection (client), "closed",
                    G_CALLBACK (on_close_code), &close_code);
  wc_test_proc_signal (proc, signum);
  g_assert_true (wc_test_proc_wait_exit (proc, STOP_MS, &status));
  g_assert_cmpint (status, ==, 0);
  g_assert_true (wc_test_wait_until (int_is_set, &close_code, STOP_MS));
  g_assert_cmpint (close_code, ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  g_assert_true (wc_test_port_is_free (port));
  g_assert_cmpuint (wc_test_count_processes_in (f->project), ==, 0);
  g_assert_false (wc_test_pid_alive (wc_test_proc_get_pid (proc)));

  wc_test_client_free (client);
  wc_test_proc_free (proc);
}

static void
test_sigint (Fixture       *f,
             gconstpointer  data)
{
  check_stop (f, SIGINT);
}

static void
test_sigterm_and_cache (Fixture       *f,
                        gconstpointer  data)
{
  WcTestProc *proc;
  int status = -100;

  /* First run builds and writes the sidecar; the second must load it. */
  proc = start_ready (f->project, NULL);
  g_assert_null (strstr (wc_test_proc_get_stdout (proc), "(cached)"));
  wc_test_proc_signal (proc, SIGTERM);
  g_assert_true (wc_test_proc_wait_exit (proc, STOP_MS, &status));
  g_assert_cmpint (status, ==, 0);
  wc_test_proc_free (proc);

  proc = start_ready (f->project, NULL);
  g_assert_nonnull (strstr (wc_test_proc_get_stdout (proc), "parameters (cached)"));
  g_assert_null (strstr (wc_test_proc_get_stdout (proc), "Building engine"));
  wc_test_proc_signal (proc, SIGHUP);
  g_assert_true (wc_test_proc_wait_exit (proc, STOP_MS, &status));
  g_assert_cmpint (status, ==, 0);
  wc_test_proc_free (proc);
}

static void
test_busy_port (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *expected = NULL;
  const char *args[] = { "start", f->project, "--no-browser", "--port", NULL, NULL };
  WcTestProc *proc;
  guint16 port;
  int status = -100;

  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  port_text = g_strdup_printf ("%u", port);
  args[4] = port_text;

  proc = wc_test_proc_spawn (args, NULL);
  g_assert_true (wc_test_proc_wait_exit (proc, STOP_MS, &status));
  g_assert_cmpint (status, ==, 1);
  expected = g_strdup_printf ("error: Port %u is already in use\n"
                              "hint: Stop the other server, or pick another port with --port.\n",
                              port);
  g_assert_cmpstr (wc_test_proc_get_stderr (proc), ==, expected);
  wc_test_proc_free (proc);
}

static void
test_not_a_project (void)
{
  g_autofree char *dir = wc_test_mkdtemp ();
  g_autofree char *expected = NULL;
  const char *args[] = { "start", dir, "--no-browser", NULL };
  WcTestProc *proc = wc_test_proc_spawn (args, NULL);
  int status = -100;

  g_assert_true (wc_test_proc_wait_exit (proc, STOP_MS, &status));
  g_assert_cmpint (status, ==, 1);
  expected = g_strdup_printf ("error: Not a Wavecraft project: %s has no engine/Cargo.toml or "
                              "engine/meson.build\n"
                              "hint: Create one with “wavecraft create my-plugin”, or pass the "
                              "project directory: “wavecraft start path/to/project”.\n", dir);
  g_assert_cmpstr (wc_test_proc_get_stderr (proc), ==, expected);
  wc_test_proc_free (proc);
  wc_test_rm_rf (dir);
}

static void
test_bad_port (void)
{
  const char *args[] = { "start", ".", "--port", "99999", NULL };
  WcTestProc *proc = wc_test_proc_spawn (args, NULL);
  int status = -100;

  g_assert_true (wc_test_proc_wait_exit (proc, STOP_MS, &status));
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (wc_test_proc_get_stderr (proc), ==,
                   "error: --port needs a port number from 0 to 65535, not “99999”\n");
  wc_test_proc_free (proc);
}

static void
test_build_failure (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *src = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *broken = NULL;
  const char *args[] = { "start", f->project, "--no-browser", "--port", "0", NULL };
  WcTestProc *proc;
  int status = -100;
  g_autofree char *dir = g_build_filename (f->project, "engine", "src", NULL);
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  /* Break the first .c file of the engine. */
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL && src == NULL)
    if (g_str_has_suffix (name, ".c"))
      src = g_build_filename (dir, name, NULL);
  g_dir_close (d);
  g_assert_nonnull (src);
  g_assert_true (g_file_get_contents (src, &contents, NULL, NULL));
  broken = g_strconcat (contents, "\nthis is not C;\n", NULL);
  g_assert_true (g_file_set_contents (src, broken, -1, NULL));

  proc = wc_test_proc_spawn (args, NULL);
  g_assert_true (wc_test_proc_wait_exit (proc, READY_MS, &status));
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (wc_test_proc_get_stderr (proc), "error: "));
  g_assert_nonnull (strstr (wc_test_proc_get_stderr (proc), "this is not C"));
  g_assert_nonnull (strstr (wc_test_proc_get_stderr (proc),
                            "error: The engine build failed\n"
                            "hint: Fix the engine so it builds, then run “wavecraft start” "
                            "again.\n"));
  g_assert_cmpuint (wc_test_count_processes_in (f->project), ==, 0);
  wc_test_proc_free (proc);
}

/* ---- the project's own UI dev server (a real Vite from npm) ------------------------------ */

static char *
make_ui (Fixture    *f,
         const char *dev_script)
{
  g_autofree char *ui = g_build_filename (f->project, "ui", NULL);
  g_autofree char *package = g_strdup_printf ("{\n  \"name\": \"tremolo-ui\",\n  \"private\": true,\n"
                                              "  \"type\": \"module\",\n"
                                              "  \"scripts\": { \"dev\": \"%s\" }\n}\n", dev_script);
  g_autofree char *modules = wc_test_source_path ("tests/e2e/node_modules");
  g_autofree char *link = g_build_filename (ui, "node_modules", NULL);

  g_assert_cmpint (g_mkdir (ui, 0755), ==, 0);
  wc_test_write_file (ui, "package.json", package);
  wc_test_write_file (ui, "index.html",
                      "<!doctype html><meta name=\"wavecraft-ws\" content=\"%VITE_WS_URL%\">"
                      "<title>tremolo</title>\n");
  g_assert_cmpint (symlink (modules, link), ==, 0);
  return g_steal_pointer (&ui);
}

static guint
free_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);

  g_socket_listener_close (listener);
  return port;
}

typedef struct
{
  SoupSession *session;
  char        *url;
  char        *body;
  gboolean     pending;
} HttpPoll;

static void
on_http_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  HttpPoll *poll = user_data;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  poll->pending = FALSE;
  if (bytes != NULL && g_bytes_get_size (bytes) > 0)
    poll->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static gboolean
http_answered (gpointer data)
{
  HttpPoll *poll = data;

  if (poll->body == NULL && !poll->pending)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", poll->url);

      poll->pending = TRUE;
      soup_session_send_and_read_async (poll->session, msg, G_PRIORITY_DEFAULT, NULL,
                                        on_http_done, poll);
    }
  return poll->body != NULL;
}

/* Skips the test when npm is not on PATH; returns TRUE when it did. */
static gboolean
skip_without_npm (void)
{
  g_autofree char *npm = g_find_program_in_path ("npm");

  if (npm == NULL)
    g_test_skip ("npm is not installed");
  return npm == NULL;
}

static void
test_vite (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *vite = wc_test_source_path ("tests/e2e/node_modules/vite/package.json");
  g_autofree char *ui = NULL;
  g_autofree char *ui_port_text = NULL;
  g_autofree char *expected_ws = NULL;
  const char *args[] = { "start", f->project, "--no-browser", "--port", "0", "--ui-port", NULL,
                         "--no-install", NULL };
  HttpPoll poll = { 0 };
  WcTestProc *proc;
  guint ui_port;
  int status = -100;

  if (skip_without_npm ())
    return;
  if (!g_file_test (vite, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("vite is not installed in tests/e2e/node_modules (run build-aux/run-tests.sh)");
      return;
    }

  ui = make_ui (f, "vite");
  ui_port = free_port ();
  ui_port_text = g_strdup_printf ("%u", ui_port);
  args[6] = ui_port_text;
  proc = wc_test_proc_spawn_ready (args, NULL, READY_MS);
  g_assert_nonnull (strstr (wc_test_proc_get_stdout (proc), ui_port_text));

  /* Vite serves on --port with --strictPort, and sees VITE_WS_URL. */
  poll.session = soup_session_new ();
  poll.url = g_strdup_printf ("http://localhost:%u/", ui_port);
  g_assert_true (wc_test_wait_until (http_answered, &poll, 60000));
  expected_ws = g_strdup_printf ("content=\"ws://127.0.0.1:%u\"", wc_test_proc_get_port (proc));
  g_assert_nonnull (strstr (poll.body, expected_ws));
  g_assert_cmpuint (wc_test_count_processes_in (ui), >, 0);

  wc_test_proc_signal (proc, SIGINT);
  g_assert_true (wc_test_proc_wait_exit (proc, STOP_MS, &status));
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (wc_test_count_processes_in (f->project), ==, 0);
  g_assert_true (wc_test_port_is_free (ui_port));

  g_free (poll.url);
  g_free (poll.body);
  g_object_unref (poll.session);
  wc_test_proc_free (proc);
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* --install runs `npm install` in ui/ before `npm run dev` (a local file: dependency, so no
 * registry is needed). */
static void
make_ui_to_install (Fixture *f)
{
  g_autofree char *ui = g_build_filename (f->project, "ui", NULL);
  g_autofree char *dep = g_build_filename (ui, "local-dep", NULL);

  wc_test_write_file (dep, "package.json", "{ \"name\": \"local-dep\", \"version\": \"1.0.0\" }\n");
  wc_test_write_file (ui, "package.json",
                      "{\n  \"name\": \"tremolo-ui\",\n  \"private\": true,\n"
                      "  \"dependencies\": { \"local-dep\": \"file:./local-dep\" },\n"
                      "  \"scripts\": { \"dev\": \"node dev.js\" }\n}\n");
  /* The dev server stand-in records that it ran after the install, then stays up. */
  wc_test_write_file (ui, "dev.js",
                      "const fs = require('fs');\n"
                      "fs.writeFileSync('started', String(fs.existsSync('node_modules/local-dep/package.json')));\n"
                      "setInterval(() => {}, 1000);\n");
}

/* The dev server stand-in started, and saw the installed dependency. */
static void
assert_installed_then_started (Fixture *f)
{
  g_autofree char *started = g_build_filename (f->project, "ui", "started", NULL);
  g_autofree char *installed = g_build_filename (f->project, "ui", "node_modules", "local-dep",
                                                 "package.json", NULL);
  g_autofree char *seen = NULL;

  g_assert_true (g_file_test (installed, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (started, &seen, NULL, NULL));
  g_assert_cmpstr (seen, ==, "true");
}

static void
test_ui_install (Fixture       *f,
                 gconstpointer  data)
{
  const char *args[] = { "start", f->project, "--no-browser", "--port", "0", "--install", NULL };
  g_autofree char *started = g_build_filename (f->project, "ui", "started", NULL);
  WcTestProc *proc;
  int status = -100;

  if (skip_without_npm ())
    return;
  make_ui_to_install (f);

  proc = wc_test_proc_spawn_ready (args, NULL, READY_MS);
  g_assert_true (wc_test_wait_polling (file_exists, started, READY_MS));
  assert_installed_then_started (f);

  wc_test_proc_signal (proc, SIGINT);
  g_assert_true (wc_test_proc_wait_exit (proc, STOP_MS, &status));
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (wc_test_count_processes_in (f->project), ==, 0);
  wc_test_proc_free (proc);
}

/* Reads what the child wrote to the terminal into @out until it holds @needle or the
 * deadline passes (poll(), no sleeps). */
static gboolean
read_tty_until (int         master,
                GString    *out,
                const char *needle,
                guint       deadline_ms)
{
  gint64 end = g_get_monotonic_time () + deadline_ms * G_TIME_SPAN_MILLISECOND;

  while (strstr (out->str, needle) == NULL)
    {
      struct pollfd pfd = { master, POLLIN, 0 };
      gint64 left = (end - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND;
      char buf[4096];
      ssize_t n;

      if (left <= 0 || poll (&pfd, 1, (int) left) <= 0)
        return FALSE;
      n = read (master, buf, sizeof buf);
      if (n <= 0)
        return FALSE;
      g_string_append_len (out, buf, n);
    }
  return TRUE;
}

/* On a terminal, a missing node_modules is asked about; "y" installs and starts. */
static void
test_ui_install_asks_on_tty (Fixture       *f,
                             gconstpointer  data)
{
  const char *argv[] = { wc_test_wavecraft_bin (), "start", f->project, "--no-browser",
                         "--port", "0", NULL };
  g_autofree char *started = g_build_filename (f->project, "ui", "started", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) tty = g_string_new (NULL);
  int master, slave;

  if (skip_without_npm ())
    return;
  make_ui_to_install (f);

  master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave = open (ptsname (master), O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (slave, >=, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_take_stdin_fd (launcher, slave);
  g_subprocess_launcher_take_stdout_fd (launcher, dup (slave));
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_clear_object (&launcher);   /* closes our copies of the slave */

  g_assert_true (read_tty_until (master, tty,
                                 "The UI’s dependencies are not installed. Run “npm install” "
                                 "in ui/ now? [Y/n] ", READY_MS));
  g_assert_cmpint (write (master, "y\n", 2), ==, 2);
  if (!read_tty_until (master, tty, "Press Ctrl+C to stop", READY_MS))
    g_error ("wavecraft start did not become ready after the answer:\n%s", tty->str);
  g_assert_true (wc_test_wait_polling (file_exists, started, READY_MS));
  assert_installed_then_started (f);

  g_subprocess_send_signal (proc, SIGINT);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_cmpuint (wc_test_count_processes_in (f->project), ==, 0);
  close (master);
}

static void
test_ui_dev_server_dies (Fixture       *f,
                         gconstpointer  data)
{
  const char *args[] = { "start", f->project, "--no-browser", "--port", "0", "--no-install",
                         NULL };
  g_autofree char *ui = NULL;
  WcTestProc *proc;
  int status = -100;

  if (skip_without_npm ())
    return;
  ui = make_ui (f, "node die.js");
  wc_test_write_file (ui, "die.js", "process.exit(3);\n");
  proc = wc_test_proc_spawn (args, NULL);
  g_assert_true (wc_test_proc_wait_exit (proc, READY_MS, &status));
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (wc_test_proc_get_stderr (proc),
                            "error: The UI dev server (npm run dev) exited with status 3\n"));
  g_assert_cmpuint (wc_test_count_processes_in (f->project), ==, 0);
  wc_test_proc_free (proc);
}

static void
test_ui_not_installed (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *ui = g_build_filename (f->project, "ui", NULL);
  g_autofree char *expected = NULL;
  const char *args[] = { "start", f->project, "--no-browser", "--port", "0", NULL };
  WcTestProc *proc;
  int status = -100;

  g_assert_cmpint (g_mkdir (ui, 0755), ==, 0);
  wc_test_write_file (ui, "package.json", "{ \"scripts\": { \"dev\": \"vite\" } }\n");
  proc = wc_test_proc_spawn (args, NULL);   /* stdin is not a TTY: no question is asked */
  g_assert_true (wc_test_proc_wait_exit (proc, STOP_MS, &status));
  g_assert_cmpint (status, ==, 1);
  expected = g_strdup_printf ("error: The UI’s dependencies are not installed (%s/node_modules "
                              "is missing)\nhint: Run “npm install” in ui/, or pass --install.\n",
                              ui);
  g_assert_cmpstr (wc_test_proc_get_stderr (proc), ==, expected);
  wc_test_proc_free (proc);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/wavecraft/cli-start/not-a-project", test_not_a_project);
  g_test_add_func ("/wavecraft/cli-start/bad-port", test_bad_port);
  g_test_add ("/wavecraft/cli-start/busy-port", Fixture, NULL, fixture_setup, test_busy_port,
              fixture_teardown);
  g_test_add ("/wavecraft/cli-start/sigint", Fixture, NULL, fixture_setup, test_sigint,
              fixture_teardown);
  g_test_add ("/wavecraft/cli-start/sigterm-sighup-cache", Fixture, NULL, fixture_setup,
              test_sigterm_and_cache, fixture_teardown);
  g_test_add ("/wavecraft/cli-start/build-failure", Fixture, NULL, fixture_setup,
              test_build_failure, fixture_teardown);
  g_test_add ("/wavecraft/cli-start/vite", Fixture, NULL, fixture_setup, test_vite,
              fixture_teardown);
  g_test_add ("/wavecraft/cli-start/ui-dev-server-dies", Fixture, NULL, fixture_setup,
              test_ui_dev_server_dies, fixture_teardown);
  g_test_add ("/wavecraft/cli-start/ui-not-installed", Fixture, NULL, fixture_setup,
              test_ui_not_installed, fixture_teardown);
  g_test_add ("/wavecraft/cli-start/ui-install", Fixture, NULL, fixture_setup,
              test_ui_install, fixture_teardown);
  g_test_add ("/wavecraft/cli-start/ui-install-asks-on-tty", Fixture, NULL, fixture_setup,
              test_ui_install_asks_on_tty, fixture_teardown);
  return g_test_run ();
}
