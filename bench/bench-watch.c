/* bench-watch.c: the cost of watching a 2,000-directory engine tree.
 *
 * (a) Watch setup: WcRebuildWatcher (start → "ready", one GFileMonitor per directory on its
 *     own thread) against a raw inotify walk (the same pruned walk, inotify_add_watch() on
 *     every directory).
 * (b) What the watch costs the server's main context: CPU per main-loop iteration (an idle
 *     dispatch) and per request (a pipe ping-pong answered by a unix-fd source, like a
 *     socket read/reply), with no watch, with the 2,000 monitors on the main context, and
 *     with WcRebuildWatcher keeping them on its own thread.
 *
 * Usage: bench-watch [--dirs N] [--iterations N] [--requests N] [--rounds N] [--setup-rounds N]
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <locale.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <unistd.h>

#include "wc-project-private.h"
#include "wc-rebuild-watcher.h"

static int opt_dirs = 2000;
static int opt_iterations = 100000;
static int opt_requests = 20000;
static int opt_rounds = 5;
static int opt_setup_rounds = 15;
static gboolean opt_setup_only = FALSE;

static const GOptionEntry entries[] = {
  { "dirs", 0, 0, G_OPTION_ARG_INT, &opt_dirs, "Directories in the tree (default 2000)", "N" },
  { "iterations", 0, 0, G_OPTION_ARG_INT, &opt_iterations, "Idle iterations per run (default 100000)", "N" },
  { "requests", 0, 0, G_OPTION_ARG_INT, &opt_requests, "Ping-pong requests per run (default 20000)", "N" },
  { "rounds", 0, 0, G_OPTION_ARG_INT, &opt_rounds, "Repetitions of (b); medians are printed (default 5)", "N" },
  { "setup-rounds", 0, 0, G_OPTION_ARG_INT, &opt_setup_rounds, "Repetitions of (a); medians are printed (default 15)", "N" },
  { "setup-only", 0, 0, G_OPTION_ARG_NONE, &opt_setup_only, "Only measure (a)", NULL },
  { NULL }
};

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* CPU time (user + system) of the calling thread, in µs. */
static double
thread_cpu_us (void)
{
  struct rusage ru;

  getrusage (RUSAGE_THREAD, &ru);
  return ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
}

/* CPU time (user + system) of the whole process, in ms. */
static double
process_cpu_ms (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec) / 1000.0;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        int     n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* engine/ holding a 3-level tree: engine/ itself, 20 mNN/, 10 sN/ in each, and uN/ leaves
 * with one .c file each until there are opt_dirs directories in all; plus 100 directories
 * under a pruned target/ that a walk must skip. */
static char *
make_tree (void)
{
  g_autoptr(GError) error = NULL;
  char *root = g_dir_make_tmp ("bench-watch-XXXXXX", &error);
  int made = 1 + 20 + 200;
  int leaves = MAX (0, opt_dirs - made);

  g_assert_no_error (error);
  for (int a = 0; a < 20; a++)
    for (int b = 0; b < 10; b++)
      {
        g_autofree char *dir = g_strdup_printf ("%s/engine/m%02d/s%d", root, a, b);
        int per = leaves / 200 + ((a * 10 + b) < leaves % 200 ? 1 : 0);

        g_mkdir_with_parents (dir, 0755);
        for (int c = 0; c < per; c++)
          {
            g_autofree char *leaf = g_strdup_printf ("%s/u%d", dir, c);
            g_autofree char *file = g_build_filename (leaf, "x.c", NULL);

            g_mkdir (leaf, 0755);
            g_file_set_contents (file, "int x;\n", -1, NULL);
          }
      }
  for (int i = 0; i < 100; i++)
    {
      g_autofree char *pruned = g_strdup_printf ("%s/engine/target/debug/deps/d%d", root, i);
      g_mkdir_with_parents (pruned, 0755);
    }
  return root;
}

static void
rm_tree (const char *path)
{
  const char *argv[] = { "rm", "-rf", path, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* --- (a) setup --- */

typedef struct
{
  int   fd;
  guint n;
} InotifyWalk;

static gboolean
add_inotify_watch (const char *path,
                   gpointer    user_data)
{
  InotifyWalk *walk = user_data;
  int wd = inotify_add_watch (walk->fd, path,
                              IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO
                              | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);

  if (wd >= 0)
    walk->n++;
  return TRUE;
}

static double
raw_inotify_walk (const char *engine,
                  guint      *n_out,
                  double     *cpu_ms)
{
  InotifyWalk walk = { inotify_init1 (IN_CLOEXEC | IN_NONBLOCK), 0 };
  double start = now_ms ();
  double cpu = process_cpu_ms ();
  double elapsed;

  g_assert (walk.fd >= 0);
  wc_project_walk (engine, NULL, add_inotify_watch, NULL, &walk);
  elapsed = now_ms () - start;
  *cpu_ms = process_cpu_ms () - cpu;
  close (walk.fd);
  *n_out = walk.n;
  return elapsed;
}

static void
on_ready (WcRebuildWatcher *watcher,
          gboolean         *ready)
{
  *ready = TRUE;
}

static void
iterate_until (gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
}

static double
watcher_setup (const char *engine,
               guint      *n_out,
               double     *stop_ms,
               double     *cpu_ms)
{
  g_autoptr(WcRebuildWatcher) watcher = wc_rebuild_watcher_new (engine, 50);
  gboolean ready = FALSE;
  double start, elapsed, stop_start, cpu;

  g_signal_connect (watcher, "ready", G_CALLBACK (on_ready), &ready);
  start = now_ms ();
  cpu = process_cpu_ms ();
  if (!wc_rebuild_watcher_start (watcher, NULL))
    g_error ("cannot start the watcher");
  iterate_until (&ready);
  elapsed = now_ms () - start;
  *cpu_ms = process_cpu_ms () - cpu;
  *n_out = wc_rebuild_watcher_get_n_watched (watcher);
  stop_start = now_ms ();
  wc_rebuild_watcher_stop (watcher);
  *stop_ms = now_ms () - stop_start;
  return elapsed;
}

/* GFileMonitors created right here, on the main context: what the watcher avoids. */
typedef struct
{
  GPtrArray *monitors;
} MainMonitors;

static gboolean
add_main_monitor (const char *path,
                  gpointer    user_data)
{
  MainMonitors *mm = user_data;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GFileMonitor *monitor = g_file_monitor_directory (file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);

  if (monitor != NULL)
    {
      g_file_monitor_set_rate_limit (monitor, 0);
      g_ptr_array_add (mm->monitors, monitor);
    }
  return TRUE;
}

static void
destroy_monitor (gpointer data)
{
  g_file_monitor_cancel (data);
  g_object_unref (data);
}

static double
main_context_monitors_setup (const char *engine,
                             GPtrArray **out,
                             double     *cpu_ms)
{
  MainMonitors mm = { g_ptr_array_new_with_free_func (destroy_monitor) };
  double start = now_ms ();
  double cpu = process_cpu_ms ();
  double elapsed;

  wc_project_walk (engine, NULL, add_main_monitor, NULL, &mm);
  elapsed = now_ms () - start;
  if (cpu_ms != NULL)
    *cpu_ms = process_cpu_ms () - cpu;
  *out = mm.monitors;
  return elapsed;
}

/* --- (b) main-context cost --- */

static gboolean
count_down (gpointer user_data)
{
  int *left = user_data;

  return --(*left) > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* µs of main-thread CPU per g_main_context_iteration() dispatching one idle. */
static double
idle_iteration_cost (void)
{
  int left = opt_iterations;
  double cpu;

  g_idle_add (count_down, &left);
  cpu = thread_cpu_us ();
  while (left > 0)
    g_main_context_iteration (NULL, TRUE);
  return (thread_cpu_us () - cpu) / opt_iterations;
}

typedef struct
{
  int       request_fd[2];  /* client → server */
  int       reply_fd[2];    /* server → client */
  int       n;
} PingPong;

static gpointer
client_thread (gpointer user_data)
{
  PingPong *pp = user_data;
  char byte = 'r';

  for (int i = 0; i < pp->n; i++)
    {
      if (write (pp->request_fd[1], &byte, 1) != 1 || read (pp->reply_fd[0], &byte, 1) != 1)
        break;
    }
  return NULL;
}

typedef struct
{
  PingPong *pp;
  int       answered;
} Server;

static gboolean
on_request (int          fd,
            GIOCondition condition,
            gpointer     user_data)
{
  Server *server = user_data;
  char buf[64];
  gssize n = read (fd, buf, sizeof buf);

  for (gssize i = 0; i < n; i++)
    {
      if (write (server->pp->reply_fd[1], "a", 1) == 1)
        server->answered++;
    }
  return G_SOURCE_CONTINUE;
}

/* µs of main-thread CPU per request: a unix-fd source wakes up, reads, replies. */
static double
request_cost (void)
{
  PingPong pp = { .n = opt_requests };
  Server server = { &pp, 0 };
  GThread *client;
  guint source;
  double cpu;

  if (!g_unix_open_pipe (pp.request_fd, FD_CLOEXEC, NULL) || !g_unix_open_pipe (pp.reply_fd, FD_CLOEXEC, NULL))
    g_error ("pipe: %s", g_strerror (errno));
  source = g_unix_fd_add (pp.request_fd[0], G_IO_IN, on_request, &server);
  cpu = thread_cpu_us ();
  client = g_thread_new ("bench-client", client_thread, &pp);
  while (server.answered < pp.n)
    g_main_context_iteration (NULL, TRUE);
  cpu = thread_cpu_us () - cpu;
  g_thread_join (client);
  g_source_remove (source);
  close (pp.request_fd[0]);
  close (pp.request_fd[1]);
  close (pp.reply_fd[0]);
  close (pp.reply_fd[1]);
  return cpu / pp.n;
}

typedef enum {
  MODE_NONE,
  MODE_MAIN_CONTEXT,
  MODE_OWN_THREAD,
} Mode;

static const char *mode_names[] = {
  "no watch",
  "monitors on main context",
  "WcRebuildWatcher (own thread)",
};

static void
measure_mode (const char *engine,
              Mode        mode,
              double     *idle_us,
              double     *request_us)
{
  g_autoptr(GPtrArray) monitors = NULL;
  g_autoptr(WcRebuildWatcher) watcher = NULL;
  gboolean ready = FALSE;

  if (mode == MODE_MAIN_CONTEXT)
    main_context_monitors_setup (engine, &monitors, NULL);
  else if (mode == MODE_OWN_THREAD)
    {
      watcher = wc_rebuild_watcher_new (engine, 50);
      g_signal_connect (watcher, "ready", G_CALLBACK (on_ready), &ready);
      wc_rebuild_watcher_start (watcher, NULL);
      iterate_until (&ready);
    }

  *idle_us = idle_iteration_cost ();
  *request_us = request_cost ();

  if (watcher != NULL)
    wc_rebuild_watcher_stop (watcher);
  if (monitors != NULL)
    {
      g_ptr_array_set_size (monitors, 0);
      /* let the cancelled monitors' sources go */
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— cost of watching a large engine tree");
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *engine = NULL;
  double *raw, *watch, *stop, *main_setup, *raw_cpu, *watch_cpu, *main_cpu;
  double idle[3][64], request[3][64];
  guint n_raw = 0, n_watch = 0;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  opt_rounds = CLAMP (opt_rounds, 1, 64);
  opt_setup_rounds = CLAMP (opt_setup_rounds, 1, 64);

  root = make_tree ();
  engine = g_build_filename (root, "engine", NULL);
  raw = g_new0 (double, opt_setup_rounds);
  watch = g_new0 (double, opt_setup_rounds);
  stop = g_new0 (double, opt_setup_rounds);
  main_setup = g_new0 (double, opt_setup_rounds);
  raw_cpu = g_new0 (double, opt_setup_rounds);
  watch_cpu = g_new0 (double, opt_setup_rounds);
  main_cpu = g_new0 (double, opt_setup_rounds);

  g_print ("Tree: %d directories (+100 pruned under target/)\n\n", opt_dirs);

  /* warm the dentry cache */
  raw_inotify_walk (engine, &n_raw, &raw_cpu[0]);

  /* The kernel frees a closed inotify instance's marks from a workqueue after an RCU grace
   * period, on the same two cores: let that settle before each measurement, and rotate the
   * order so no variant always pays for the previous one's teardown. */
  for (int r = 0; r < opt_setup_rounds; r++)
    {
      for (int k = 0; k < 3; k++)
        {
          g_autoptr(GPtrArray) monitors = NULL;

          g_usleep (200 * G_TIME_SPAN_MILLISECOND);
          switch ((r + k) % 3)
            {
            case 0:
              raw[r] = raw_inotify_walk (engine, &n_raw, &raw_cpu[r]);
              break;
            case 1:
              watch[r] = watcher_setup (engine, &n_watch, &stop[r], &watch_cpu[r]);
              break;
            default:
              main_setup[r] = main_context_monitors_setup (engine, &monitors, &main_cpu[r]);
              g_ptr_array_set_size (monitors, 0);
              while (g_main_context_iteration (NULL, FALSE))
                ;
              break;
            }
        }
    }

  {
    double m_raw = median (raw, opt_setup_rounds);
    double m_watch = median (watch, opt_setup_rounds);
    double m_stop = median (stop, opt_setup_rounds);
    double m_main = median (main_setup, opt_setup_rounds);

    double c_raw = median (raw_cpu, opt_setup_rounds);
    double c_watch = median (watch_cpu, opt_setup_rounds);
    double c_main = median (main_cpu, opt_setup_rounds);

    g_print ("(a) Watch setup, median of %d: wall time, and process CPU time\n", opt_setup_rounds);
    g_print ("  raw inotify walk (%u dirs):                    %8.2f ms          %8.2f ms CPU\n",
             n_raw, m_raw, c_raw);
    g_print ("  GFileMonitor per dir, main thread:             %8.2f ms  %5.2f×  %8.2f ms CPU  %5.2f×\n",
             m_main, m_main / m_raw, c_main, c_main / c_raw);
    g_print ("  WcRebuildWatcher start → ready (%u dirs):      %8.2f ms  %5.2f×  %8.2f ms CPU  %5.2f×\n",
             n_watch, m_watch, m_watch / m_raw, c_watch, c_watch / c_raw);
    g_print ("  WcRebuildWatcher stop (join, monitors freed):  %8.2f ms\n\n", m_stop);
  }

  if (opt_setup_only)
    goto out;

  for (int r = 0; r < opt_rounds; r++)
    for (int mode = 0; mode < 3; mode++)
      measure_mode (engine, mode, &idle[mode][r], &request[mode][r]);

  g_print ("(b) Main-context CPU (main thread, getrusage), median of %d\n", opt_rounds);
  g_print ("  %-32s %18s %18s\n", "", "per iteration", "per request");
  {
    double base_idle = median (idle[0], opt_rounds);
    double base_req = median (request[0], opt_rounds);

    for (int mode = 0; mode < 3; mode++)
      {
        double mi = median (idle[mode], opt_rounds);
        double mr = median (request[mode], opt_rounds);

        g_print ("  %-32s %8.2f µs %6.2f× %8.2f µs %6.2f×\n", mode_names[mode],
                 mi, mi / base_idle, mr, mr / base_req);
      }
  }

out:
  rm_tree (root);
  g_free (raw);
  g_free (watch);
  g_free (stop);
  g_free (main_setup);
  g_free (raw_cpu);
  g_free (watch_cpu);
  g_free (main_cpu);
  return 0;
}
