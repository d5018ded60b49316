/* bench-reload.c: save-to-UI latency of a hot reload, and time to ready with a warm sidecar.
 *
 * Runs a WcSession in process on a temporary copy of examples/tremolo, with a real libsoup
 * WebSocket client. For each of N edits it measures, from the write of the source file:
 *   detect + debounce   write → the watcher's debounced change
 *   build               the compiler (ninja) wall time
 *   extract             build end → extraction done (the extract-params child)
 *   swap + broadcast    extraction done → `parametersChanged` received by the client
 * Then it times `wavecraft start --port 0` until "Press Ctrl+C to stop" with a warm sidecar.
 *
 *   bench-reload [--runs N] [--debounce MS]
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>

#include "wc-param-host.h"
#include "wc-project.h"
#include "wc-session.h"

typedef struct
{
  gint64  t_write, t_changed, t_build_end, t_reloaded, t_notified;
  double  build_ms;
  gboolean notified;
  gboolean ready;
  gboolean failed;
} Run;

static Run run;

static void
copy_tree (const char *from,
           const char *to)
{
  g_autofree char *cmd = g_strdup_printf ("cp -rL '%s' '%s'", from, to);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
}

static void
on_changed (WcSession *s, char **files, gpointer data)
{
  run.t_changed = g_get_monotonic_time ();
}

static void
on_finished (WcSession *s, guint64 gen, gboolean ok, double ms, const char *d, const char *o,
             gpointer data)
{
  run.t_build_end = g_get_monotonic_time ();
  run.build_ms = ms;
  run.failed = !ok;
}

static void
on_message (SoupWebsocketConnection *c, int type, GBytes *msg, gpointer data)
{
  if (strstr (g_bytes_get_data (msg, NULL), "\"parametersChanged\"") != NULL)
    {
      run.t_notified = g_get_monotonic_time ();
      run.notified = TRUE;
    }
}

static void
on_started (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!wc_session_start_finish (WC_SESSION (source), result, &error))
    g_error ("start: %s", error->message);
  run.ready = TRUE;
}

static void
on_ws (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  *(SoupWebsocketConnection **) data =
    soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
report (const char *label, GArray *values)
{
  double *v = (double *) values->data;

  qsort (v, values->len, sizeof (double), cmp_double);
  printf ("  %-20s median %7.1f ms   p90 %7.1f ms\n", label, v[values->len / 2],
          v[MIN (values->len - 1, values->len * 9 / 10)]);
}

int
main (int argc, char *argv[])
{
  int runs = 20, debounce = 50;
  g_autofree char *tmp = g_dir_make_tmp ("wavecraft-bench-XXXXXX", NULL);
  g_autofree char *project = g_build_filename (tmp, "tremolo", NULL);
  g_autofree char *source = g_build_filename (project, "engine", "src", "tremolo.c", NULL);
  g_autofree char *bin = g_build_filename (WAVECRAFT_BUILD_ROOT, "src", "wavecraft", NULL);
  g_autoptr(WcProject) proj = NULL;
  g_autoptr(WcSession) session = NULL;
  g_autoptr(SoupSession) soup = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  SoupWebsocketConnection *ws = NULL;
  g_autofree char *text = NULL;
  g_autofree char *url = NULL;
  GArray *detect = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *build = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *extract = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *swap = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *total = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *non_compiler = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *ready = g_array_new (FALSE, FALSE, sizeof (double));

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--runs") == 0 && i + 1 < argc)
        runs = atoi (argv[++i]);
      else if (strcmp (argv[i], "--debounce") == 0 && i + 1 < argc)
        debounce = atoi (argv[++i]);
    }

  copy_tree (WAVECRAFT_SOURCE_ROOT "/examples/tremolo", project);
  {
    g_autofree char *stale = g_build_filename (project, "engine", "build-wavecraft", NULL);
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", stale);
    g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  }
  proj = wc_project_open (project, NULL);
  session = wc_session_new (proj, bin);
  wc_session_set_port (session, 0);
  wc_session_set_debounce (session, debounce);
  g_signal_connect (session, "files-changed", G_CALLBACK (on_changed), NULL);
  g_signal_connect (session, "build-finished", G_CALLBACK (on_finished), NULL);
  wc_session_start_async (session, NULL, on_started, NULL);
  while (!run.ready)
    g_main_context_iteration (NULL, TRUE);

  url = wc_session_dup_ws_url (session);
  msg = soup_message_new ("GET", url);
  soup_session_websocket_connect_async (soup, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, on_ws, &ws);
  while (ws == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (ws, "message", G_CALLBACK (on_message), NULL);
  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));

  printf ("Hot reload of examples/tremolo (C, incremental build), debounce %d ms, %d runs\n",
          debounce, runs);
  for (int i = 0; i < runs; i++)
    {
      g_autofree char *edited = NULL;
      char *at;
      double d;

      /* Change the default of "depth" so each build produces a different list. */
      edited = g_strdup (text);
      at = strstr (edited, "\"depth\", \"Depth\", 0.0, 100.0, ");
      g_assert_nonnull (at);
      at += strlen ("\"depth\", \"Depth\", 0.0, 100.0, ");
      at[0] = '0' + (i % 10);
      memset (&run, 0, sizeof run);
      run.ready = TRUE;
      run.t_write = g_get_monotonic_time ();
      g_assert_true (g_file_set_contents (source, edited, -1, NULL));
      while (!run.notified)
        g_main_context_iteration (NULL, TRUE);
      if (run.failed)
        g_error ("build failed");

      d = (run.t_changed - run.t_write) / 1000.0; g_array_append_val (detect, d);
      d = run.build_ms; g_array_append_val (build, d);
      d = (run.t_build_end - run.t_changed) / 1000.0 - run.build_ms; g_array_append_val (extract, d);
      d = (run.t_notified - run.t_build_end) / 1000.0; g_array_append_val (swap, d);
      d = (run.t_notified - run.t_write) / 1000.0; g_array_append_val (total, d);
      d = (run.t_notified - run.t_write) / 1000.0 - run.build_ms; g_array_append_val (non_compiler, d);
    }
  report ("detect + debounce", detect);
  report ("build (compiler)", build);
  report ("extract", extract);
  report ("swap + broadcast", swap);
  report ("save → UI total", total);
  report ("all but compiler", non_compiler);

  soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  wc_session_stop_async (session, NULL, NULL);

  /* Time to ready with a warm sidecar: a real `wavecraft start` process. */
  for (int i = 0; i < MAX (5, runs / 2); i++)
    {
      const char *args[] = { bin, "start", project, "--no-browser", "--port", "0", "--no-watch", NULL };
      g_autoptr(GSubprocess) p = g_subprocess_newv (args, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                    G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL);
      g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p));
      gint64 t0 = g_get_monotonic_time ();
      double d;

      for (;;)
        {
          g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
          if (line == NULL)
            g_error ("wavecraft start exited");
          if (strstr (line, "Press Ctrl+C") != NULL)
            break;
        }
      d = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (ready, d);
      g_subprocess_send_signal (p, SIGTERM);
      g_subprocess_wait (p, NULL, NULL);
    }
  printf ("wavecraft start with a warm sidecar\n");
  report ("spawn → ready", ready);

  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
    g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  }
  return 0;
}
