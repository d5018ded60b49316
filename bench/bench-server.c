/* bench-server.c: WcDevServer against a Node peer (the `ws` package, what Vite's HMR server
 * uses) serving the same JSON-RPC subset, driven by the same client in the same run.
 *
 *   bench-server [--duration S] [--no-node] [--node-dir DIR]   run the comparison
 *   bench-server serve [--port N]                              the WcDevServer under test
 *
 * The client is a small epoll loop over raw sockets (RFC 6455 framing by hand), so that the
 * client costs as little as possible and both servers see identical traffic. Server CPU is
 * read from /proc/<pid>/stat over each measuring window, RSS from /proc/<pid>/status.
 *
 * Scenarios:
 *  - JSON-RPC round trip (getParameter), closed loop, 1 and 50 clients: p50/p99 latency, req/s;
 *  - 60 Hz meterUpdate to 1, 50 and 200 idle clients: server CPU %, RSS, messages/s per client;
 *  - time from spawn to listening.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-server"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "wc-dev-server.h"
#include "wc-meter-source.h"
#include "wc-param-host.h"
#include "wc-param-info.h"

#ifndef BENCH_NODE_PEER_DIR
#define BENCH_NODE_PEER_DIR "bench/node-peer"
#endif

static const char bench_params[] =
  "[{\"id\":\"gain\",\"name\":\"Gain\",\"type\":\"float\",\"min\":-60,\"max\":12,\"default\":0,\"unit\":\"dB\",\"group\":\"Main\"},"
  "{\"id\":\"freq\",\"name\":\"Frequency\",\"type\":\"float\",\"min\":20,\"max\":20000,\"default\":440,\"unit\":\"Hz\",\"group\":\"Main\"},"
  "{\"id\":\"mix\",\"name\":\"Mix\",\"type\":\"float\",\"min\":0,\"max\":1,\"default\":0.5,\"group\":\"Main\"},"
  "{\"id\":\"bypass\",\"name\":\"Bypass\",\"type\":\"bool\",\"min\":0,\"max\":1,\"default\":0},"
  "{\"id\":\"mode\",\"name\":\"Mode\",\"type\":\"enum\",\"min\":0,\"max\":2,\"default\":0,\"variants\":[\"A\",\"B\",\"C\"]}]";

/* ---- serve: the server under test ----------------------------------------------------- */

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gboolean
stdin_cb (int fd, GIOCondition condition, gpointer data)
{
  char buf[64];

  if (read (fd, buf, sizeof buf) <= 0)
    {
      g_main_loop_quit (data);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static guint64 n_frames;

static void
on_frame (WcMeterSource *meters, gpointer client, gconstpointer frame, gpointer data)
{
  n_frames++;
}

static int
run_serve (guint port)
{
  gint64 t0;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(WcParamHost) host = wc_param_host_new ();
  g_autoptr(WcMeterSource) meters = wc_meter_source_new ();
  g_autoptr(WcDevServer) server = NULL;
  g_autoptr(GError) error = NULL;

  params = wc_param_info_list_parse (bench_params, -1, &error);
  g_assert_no_error (error);
  wc_param_host_replace (host, params);

  server = wc_dev_server_new (host, meters);
  g_signal_connect (meters, "frame", G_CALLBACK (on_frame), NULL);
  wc_dev_server_set_port (server, port);
  if (!wc_dev_server_start (server, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf ("READY %u\n", wc_dev_server_get_port (server));
  fflush (stdout);

  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_fd_add (0, G_IO_IN | G_IO_HUP, stdin_cb, loop);
  t0 = g_get_monotonic_time ();
  g_main_loop_run (loop);
  if (g_getenv ("BENCH_VERBOSE"))
    g_printerr ("serve: %" G_GUINT64_FORMAT " meter frames in %.1f s\n", n_frames,
                (g_get_monotonic_time () - t0) / 1e6);

  wc_dev_server_stop (server);
  return 0;
}

/* ---- the client ---------------------------------------------------------------------- */

typedef struct
{
  int      fd;
  guint8  *in;
  gsize    in_len;
  gsize    in_cap;
  guint64  meters;
  gint64   sent_ns;        /* outstanding request, 0 if none */
  guint64  next_id;
  gboolean closed;
} BClient;

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static void
send_all (int fd, const void *data, gsize len)
{
  const char *p = data;

  while (len > 0)
    {
      ssize_t n = send (fd, p, len, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        {
          fd_set w;
          FD_ZERO (&w);
          FD_SET (fd, &w);
          select (fd + 1, NULL, &w, NULL, NULL);
          continue;
        }
      if (n < 0)
        return;
      p += n;
      len -= n;
    }
}

/* a masked text frame with an all-zero mask (legal, and free to apply) */
static void
send_text (BClient *c, const char *text, gsize len)
{
  guint8 frame[256];
  gsize hlen;

  g_assert (len < 126 && len + 6 <= sizeof frame);
  frame[0] = 0x81;
  frame[1] = 0x80 | (guint8) len;
  memset (frame + 2, 0, 4);
  hlen = 6;
  memcpy (frame + hlen, text, len);
  send_all (c->fd, frame, hlen + len);
}

static BClient *
client_connect (guint port)
{
  struct sockaddr_in addr = { 0 };
  char request[512];
  char response[2048];
  gsize got = 0;
  BClient *c = g_new0 (BClient, 1);
  int one = 1;

  c->fd = socket (AF_INET, SOCK_STREAM, 0);
  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (c->fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    g_error ("connect: %s", g_strerror (errno));
  setsockopt (c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  g_snprintf (request, sizeof request,
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nUpgrade: websocket\r\n"
              "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              "Sec-WebSocket-Version: 13\r\nOrigin: http://localhost:5173\r\n\r\n", port);
  send_all (c->fd, request, strlen (request));

  for (;;)
    {
      ssize_t n = recv (c->fd, response + got, sizeof response - 1 - got, 0);
      char *end;

      if (n <= 0)
        g_error ("handshake: connection closed");
      got += n;
      response[got] = '\0';
      end = strstr (response, "\r\n\r\n");
      if (end == NULL)
        continue;
      if (!g_str_has_prefix (response, "HTTP/1.1 101"))
        g_error ("handshake refused: %.40s", response);
      end += 4;
      c->in_cap = 65536;
      c->in = g_malloc (c->in_cap);
      c->in_len = got - (end - response);
      memcpy (c->in, end, c->in_len);
      break;
    }

  g_unix_set_fd_nonblocking (c->fd, TRUE, NULL);
  return c;
}

static void
client_free (BClient *c)
{
  close (c->fd);
  g_free (c->in);
  g_free (c);
}

typedef struct
{
  GArray   *latencies_ns;    /* gint64; NULL in meter-only scenarios */
  gint64    measure_from;
} Run;

static void
client_send_request (BClient *c)
{
  char text[128];
  int len = g_snprintf (text, sizeof text,
                        "{\"jsonrpc\":\"2.0\",\"id\":%" G_GUINT64_FORMAT ",\"method\":\"getParameter\","
                        "\"params\":{\"id\":\"gain\"}}", ++c->next_id);

  c->sent_ns = now_ns ();
  send_text (c, text, len);
}

static const char meter_prefix[] = "{\"jsonrpc\":\"2.0\",\"method\":\"meterUpdate\"";
static const char reply_prefix[] = "{\"jsonrpc\":\"2.0\",\"id\":";

static void
client_on_message (BClient *c, const guint8 *payload, gsize len, Run *run)
{
  if (len >= sizeof meter_prefix - 1 && memcmp (payload, meter_prefix, sizeof meter_prefix - 1) == 0)
    {
      c->meters++;
      return;
    }
  if (len >= sizeof reply_prefix - 1 && memcmp (payload, reply_prefix, sizeof reply_prefix - 1) == 0)
    {
      gint64 t = now_ns ();

      if (c->sent_ns != 0 && run->latencies_ns && t >= run->measure_from)
        {
          gint64 lat = t - c->sent_ns;
          g_array_append_val (run->latencies_ns, lat);
        }
      c->sent_ns = 0;
      if (run->latencies_ns != NULL)
        client_send_request (c);
    }
}

static void
client_parse (BClient *c, Run *run)
{
  gsize pos = 0;

  while (c->in_len - pos >= 2)
    {
      const guint8 *p = c->in + pos;
      gsize avail = c->in_len - pos;
      guint64 plen = p[1] & 0x7F;
      gsize hlen = 2;
      guint8 opcode = p[0] & 0x0F;

      if (plen == 126)
        {
          if (avail < 4)
            break;
          plen = (p[2] << 8) | p[3];
          hlen = 4;
        }
      else if (plen == 127)
        {
          if (avail < 10)
            break;
          plen = 0;
          for (int i = 0; i < 8; i++)
            plen = (plen << 8) | p[2 + i];
          hlen = 10;
        }
      if (avail < hlen + plen)
        {
          if (hlen + plen > c->in_cap)
            {
              c->in_cap = hlen + plen;
              /* keep the frame start at 0 */
              memmove (c->in, c->in + pos, avail);
              c->in_len = avail;
              c->in = g_realloc (c->in, c->in_cap);
              return;
            }
          break;
        }

      if (opcode == 0x1)
        client_on_message (c, p + hlen, plen, run);
      else if (opcode == 0x9)
        {
          guint8 pong[2 + 4 + 125];

          pong[0] = 0x8A;
          pong[1] = 0x80 | (guint8) plen;
          memset (pong + 2, 0, 4);
          memcpy (pong + 6, p + hlen, plen);
          send_all (c->fd, pong, 6 + plen);
        }
      else if (opcode == 0x8)
        c->closed = TRUE;
      pos += hlen + plen;
    }

  memmove (c->in, c->in + pos, c->in_len - pos);
  c->in_len -= pos;
}

/* Drive every client until @until_ns. */
static void
pump (int epfd, Run *run, gint64 until_ns)
{
  struct epoll_event events[256];

  for (;;)
    {
      gint64 left = until_ns - now_ns ();
      int n;

      if (left <= 0)
        break;
      n = epoll_wait (epfd, events, G_N_ELEMENTS (events), MAX (1, (int) (left / 1000000)));
      for (int i = 0; i < n; i++)
        {
          BClient *c = events[i].data.ptr;

          for (;;)
            {
              ssize_t r;

              if (c->in_cap - c->in_len < 16384)
                {
                  c->in_cap *= 2;
                  c->in = g_realloc (c->in, c->in_cap);
                }
              r = recv (c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
              if (r > 0)
                {
                  c->in_len += r;
                  client_parse (c, run);
                  if ((gsize) r < 16384)
                    break;
                  continue;
                }
              if (r == 0)
                {
                  c->closed = TRUE;
                  epoll_ctl (epfd, EPOLL_CTL_DEL, c->fd, NULL);
                }
              break;
            }
        }
    }
}

/* ---- the server process ----------------------------------------------------------- */

typedef struct
{
  const char  *name;
  GSubprocess *proc;
  GPid         pid;
  guint        port;
  double       ready_ms;
} Target;

static gboolean
target_spawn (Target *t, const char * const *argv, const char *cwd, GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  gint64 start = now_ns ();

  if (cwd)
    g_subprocess_launcher_set_cwd (launcher, cwd);
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  t->proc = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (t->proc == NULL)
    return FALSE;
  t->pid = atoi (g_subprocess_get_identifier (t->proc));

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (t->proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, error);
  if (line == NULL || !g_str_has_prefix (line, "READY "))
    {
      if (error && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s did not start", t->name);
      g_subprocess_force_exit (t->proc);
      g_clear_object (&t->proc);
      return FALSE;
    }
  t->ready_ms = (now_ns () - start) / 1e6;
  t->port = atoi (line + 6);
  return TRUE;
}

static void
target_stop (Target *t)
{
  if (t->proc == NULL)
    return;
  g_subprocess_send_signal (t->proc, SIGTERM);
  g_subprocess_wait (t->proc, NULL, NULL);
  g_clear_object (&t->proc);
}

static double
proc_cpu_seconds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  unsigned long utime = 0, stime = 0;
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  p = strrchr (text, ')');
  if (p == NULL ||
      sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
    return 0;
  return (double) (utime + stime) / sysconf (_SC_CLK_TCK);
}

static double
proc_status_mib (GPid pid, const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *text = NULL;
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  p = strstr (text, field);
  if (p == NULL)
    return 0;
  return g_ascii_strtod (p + strlen (field) + 1, NULL) / 1024.0;
}

/* ---- scenarios ---------------------------------------------------------------------- */

typedef struct
{
  double cpu_pct;
  double rss_mib;
  double hwm_mib;
  double rate_min;
  double rate_avg;
  double rate_max;
  double req_per_s;
  double p50_us;
  double p99_us;
  guint  dropped;
} Result;

static int
cmp_i64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static Result
run_scenario (Target *t, guint n_clients, gboolean rpc, double seconds)
{
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  Run run = { rpc ? latencies : NULL, 0 };
  int epfd = epoll_create1 (0);
  Result r = { 0 };
  double cpu0, cpu1;
  gint64 t0, t1;

  for (guint i = 0; i < n_clients; i++)
    {
      BClient *c = client_connect (t->port);
      struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

      epoll_ctl (epfd, EPOLL_CTL_ADD, c->fd, &ev);
      g_ptr_array_add (clients, c);
    }

  if (rpc)
    for (guint i = 0; i < n_clients; i++)
      client_send_request (g_ptr_array_index (clients, i));

  /* warm up */
  pump (epfd, &run, now_ns () + 1000000000);

  for (guint i = 0; i < n_clients; i++)
    {
      BClient *c = g_ptr_array_index (clients, i);
      c->meters = 0;
    }
  g_array_set_size (latencies, 0);

  cpu0 = proc_cpu_seconds (t->pid);
  t0 = now_ns ();
  run.measure_from = t0;
  pump (epfd, &run, t0 + (gint64) (seconds * 1e9));
  t1 = now_ns ();
  cpu1 = proc_cpu_seconds (t->pid);

  r.cpu_pct = 100.0 * (cpu1 - cpu0) / ((t1 - t0) / 1e9);
  r.rss_mib = proc_status_mib (t->pid, "VmRSS:");
  r.hwm_mib = proc_status_mib (t->pid, "VmHWM:");
  r.rate_min = G_MAXDOUBLE;
  for (guint i = 0; i < n_clients; i++)
    {
      BClient *c = g_ptr_array_index (clients, i);
      double rate = c->meters / ((t1 - t0) / 1e9);

      r.rate_min = MIN (r.rate_min, rate);
      r.rate_max = MAX (r.rate_max, rate);
      r.rate_avg += rate / n_clients;
      if (c->closed)
        r.dropped++;
    }
  if (rpc && latencies->len > 0)
    {
      g_array_sort (latencies, cmp_i64);
      r.p50_us = g_array_index (latencies, gint64, latencies->len / 2) / 1e3;
      r.p99_us = g_array_index (latencies, gint64, (latencies->len * 99) / 100) / 1e3;
      r.req_per_s = latencies->len / ((t1 - t0) / 1e9);
    }

  close (epfd);
  return r;
}

typedef struct
{
  const char *label;
  guint       n;
  gboolean    rpc;
} Scenario;

static const Scenario scenarios[] = {
  { "rpc x1", 1, TRUE },
  { "rpc x50", 50, TRUE },
  { "meters x1", 1, FALSE },
  { "meters x50", 50, FALSE },
  { "meters x200", 200, FALSE },
};

static const char *only_filter;

static gboolean
scenario_selected (guint s)
{
  return only_filter == NULL || strstr (scenarios[s].label, only_filter) != NULL;
}

static double
ratio (double a, double b)
{
  return b > 0 ? a / b : 0;
}

static int
run_compare (double seconds, gboolean with_node, const char *node_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  const char *ours_argv[] = { self, "serve", "--port", "0", NULL };
  const char *node_argv[] = { "node", "server.mjs", "--port", "0", NULL };
  Target ours = { "wavecraft" }, node = { "node-ws" };
  Result res[2][G_N_ELEMENTS (scenarios)] = { { { 0 } } };
  double idle_rss[2] = { 0 };
  gboolean have_node = FALSE;

  if (with_node)
    {
      g_autofree char *ws = g_build_filename (node_dir, "node_modules", "ws", "package.json", NULL);

      if (!g_file_test (ws, G_FILE_TEST_EXISTS))
        {
          const char *npm_argv[] = { "npm", "install", "--no-audit", "--no-fund", "--silent", NULL };
          g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
          g_autoptr(GSubprocess) p = NULL;

          g_printerr ("installing the Node peer's dependencies (npm install in %s)\n", node_dir);
          g_subprocess_launcher_set_cwd (l, node_dir);
          p = g_subprocess_launcher_spawnv (l, npm_argv, NULL);
          if (p)
            g_subprocess_wait_check (p, NULL, NULL);
        }
      have_node = g_file_test (ws, G_FILE_TEST_EXISTS);
      if (!have_node)
        g_printerr ("Node peer unavailable (ws not installed): measuring wavecraft alone\n");
    }

  printf ("bench-server: %g s per scenario, %ld CPUs, load ", seconds, sysconf (_SC_NPROCESSORS_ONLN));
  {
    g_autofree char *load = NULL;
    if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
      printf ("%s", load);
    else
      printf ("\n");
  }

  for (int which = 0; which < (have_node ? 2 : 1); which++)
    {
      Target *t = which == 0 ? &ours : &node;

      if (!target_spawn (t, which == 0 ? ours_argv : node_argv, which == 0 ? NULL : node_dir, &error))
        {
          if (which == 0)
            g_error ("%s: %s", t->name, error->message);
          g_printerr ("Node peer unavailable (%s): measuring wavecraft alone\n", error->message);
          g_clear_error (&error);
          have_node = FALSE;
          break;
        }
      /* idle, no client */
      g_usleep (500 * G_TIME_SPAN_MILLISECOND);
      idle_rss[which] = proc_status_mib (t->pid, "VmRSS:");
      for (guint s = 0; s < G_N_ELEMENTS (scenarios); s++)
        if (scenario_selected (s))
          res[which][s] = run_scenario (t, scenarios[s].n, scenarios[s].rpc, seconds);
      target_stop (t);
    }

  printf ("\n%-12s %-10s %10s %10s %10s %9s %10s %9s %9s %14s\n", "scenario", "server", "req/s",
          "p50 us", "p99 us", "CPU %", "CPU us/req", "RSS MiB", "HWM MiB", "meters/s/cl");
  for (guint s = 0; s < G_N_ELEMENTS (scenarios); s++)
    for (int which = 0; which < (have_node ? 2 : 1); which++)
      if (scenario_selected (s))
      {
        Result *r = &res[which][s];
        char rates[64];

        g_snprintf (rates, sizeof rates, "%.1f/%.1f/%.1f", r->rate_min, r->rate_avg, r->rate_max);
        printf ("%-12s %-10s %10.0f %10.1f %10.1f %9.2f %10.2f %9.1f %9.1f %14s%s\n",
                scenarios[s].label, which == 0 ? ours.name : node.name,
                r->req_per_s, r->p50_us, r->p99_us, r->cpu_pct,
                r->req_per_s > 0 ? r->cpu_pct * 1e4 / r->req_per_s : 0.0,
                r->rss_mib, r->hwm_mib, rates,
                r->dropped ? " (clients dropped!)" : "");
      }

  printf ("\nidle RSS (no client): wavecraft %.1f MiB", idle_rss[0]);
  if (have_node)
    printf (", node-ws %.1f MiB", idle_rss[1]);
  printf ("\ntime to listening: wavecraft %.1f ms", ours.ready_ms);
  if (have_node)
    printf (", node-ws %.1f ms", node.ready_ms);
  printf ("\n");

  if (have_node)
    {
      printf ("\nratios wavecraft / node-ws:\n");
      for (guint s = 0; s < G_N_ELEMENTS (scenarios); s++)
        if (scenario_selected (s))
        {
          Result *a = &res[0][s], *b = &res[1][s];

          if (scenarios[s].rpc)
            printf ("  %-12s req/s x%.2f   p50 x%.2f   p99 x%.2f   CPU x%.2f   CPU/req x%.2f   RSS x%.2f\n",
                    scenarios[s].label, ratio (a->req_per_s, b->req_per_s),
                    ratio (a->p50_us, b->p50_us), ratio (a->p99_us, b->p99_us),
                    ratio (a->cpu_pct, b->cpu_pct),
                    ratio (a->cpu_pct / MAX (a->req_per_s, 1), b->cpu_pct / MAX (b->req_per_s, 1)),
                    ratio (a->rss_mib, b->rss_mib));
          else
            printf ("  %-12s CPU x%.2f   RSS x%.2f   meters/s x%.3f\n",
                    scenarios[s].label, ratio (a->cpu_pct, b->cpu_pct),
                    ratio (a->rss_mib, b->rss_mib), ratio (a->rate_avg, b->rate_avg));
        }
    }

  return 0;
}

int
main (int argc, char *argv[])
{
  double seconds = 5;
  gboolean no_node = FALSE;
  g_autofree char *only = NULL;
  g_autofree char *node_dir = NULL;
  int port = 0;
  GOptionEntry entries[] = {
    { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &seconds, "Seconds measured per scenario (default 5)", "S" },
    { "no-node", 0, 0, G_OPTION_ARG_NONE, &no_node, "Measure wavecraft only", NULL },
    { "node-dir", 0, 0, G_OPTION_ARG_FILENAME, &node_dir, "Directory of the Node peer", "DIR" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "serve: port (default 0)", "N" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only, "Run only the scenarios whose name contains TEXT", "TEXT" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[serve]");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  signal (SIGPIPE, SIG_IGN);

  if (argc > 1 && g_str_equal (argv[1], "serve"))
    return run_serve (port);

  only_filter = only;
  return run_compare (seconds, !no_node, node_dir ? node_dir : BENCH_NODE_PEER_DIR);
}
