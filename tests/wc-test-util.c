/* wc-test-util.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc-test-util.h"

gboolean
wc_test_wait_until (gboolean (*func) (gpointer data),
                    gpointer   data,
                    guint      deadline_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) deadline_ms * 1000;
  GMainContext *context = g_main_context_get_thread_default ();

  while (!func (data))
    {
      gint64 left = deadline - g_get_monotonic_time ();
      GSource *timer;

      if (left <= 0)
        return func (data);
      timer = g_timeout_source_new (MAX (1, left / 1000));
      g_source_set_dummy_callback (timer);
      g_source_attach (timer, context);
      g_main_context_iteration (context, TRUE);
      g_source_destroy (timer);
      g_source_unref (timer);
    }
  return TRUE;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

gboolean
wc_test_wait_flag (gboolean *flag,
                   guint     deadline_ms)
{
  return wc_test_wait_until (flag_is_set, flag, deadline_ms);
}

static gboolean
result_is_set (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

GAsyncResult *
wc_test_wait_result (GAsyncResult **result,
                     guint          deadline_ms)
{
  wc_test_wait_until (result_is_set, result, deadline_ms);
  return *result;
}

void
wc_test_store_result (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

const char *
wc_test_wavecraft_bin (void)
{
  const char *bin = g_getenv ("WAVECRAFT_BIN");

  g_assert_nonnull (bin);
  return bin;
}

char *
wc_test_fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_BUILT, "fixtures", name, NULL);
}

char *
wc_test_source_path (const char *relative)
{
  const char *root = g_getenv ("WAVECRAFT_SOURCE_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, relative, NULL);
}

char *
wc_test_mkdtemp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("wavecraft-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
wc_test_rm_rf (const char *path)
{
  GDir *dir;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          wc_test_rm_rf (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

void
wc_test_copy_tree (const char         *from,
                   const char         *to,
                   const char * const *skip)
{
  g_autoptr(GError) error = NULL;
  GDir *dir;
  const char *name;

  g_mkdir_with_parents (to, 0755);
  dir = g_dir_open (from, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *src = g_build_filename (from, name, NULL);
      g_autofree char *dst = g_build_filename (to, name, NULL);

      if (skip != NULL && g_strv_contains ((const char * const *) skip, name))
        continue;
      if (g_file_test (src, G_FILE_TEST_IS_DIR))
        wc_test_copy_tree (src, dst, NULL);
      else
        {
          g_autoptr(GFile) s = g_file_new_for_path (src);
          g_autoptr(GFile) d = g_file_new_for_path (dst);

          g_file_copy (s, d, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
        }
    }
  g_dir_close (dir);
}

void
wc_test_write_file (const char *dir,
                    const char *relative,
                    const char *contents)
{
  g_autofree char *path = g_build_filename (dir, relative, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static gboolean
keep_ticking (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
wc_test_wait_polling (gboolean (*func) (gpointer data),
                      gpointer   data,
                      guint      deadline_ms)
{
  guint id = g_timeout_add (5, keep_ticking, NULL);
  gboolean ret = wc_test_wait_until (func, data, deadline_ms);

  g_source_remove (id);
  return ret;
}

gboolean
wc_test_pid_alive (GPid pid)
{
  /* A zombie still counts: it means nobody reaped the child. */
  return !(kill (pid, 0) != 0 && errno == ESRCH);
}

gboolean
wc_test_pgid_alive (GPid pgid)
{
  return !(kill (-pgid, 0) != 0 && errno == ESRCH);
}

gboolean
wc_test_self_maps_contain (const char *needle)
{
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  return strstr (maps, needle) != NULL;
}

gboolean
wc_test_read_proc_stat (const char *pid,
                        char       *state,
                        int        *ppid,
                        int        *pgrp,
                        guint      *flags)
{
  g_autofree char *path = NULL;
  g_autofree char *stat = NULL;
  const char *paren;
  char s;
  int pp, group;
  unsigned int f;

  if (!g_ascii_isdigit (pid[0]))
    return FALSE;
  path = g_build_filename ("/proc", pid, "stat", NULL);
  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  /* pid (comm) state ppid pgrp session tty_nr tpgid flags ...; comm may hold spaces and
   * parentheses */
  paren = strrchr (stat, ')');
  if (paren == NULL
      || sscanf (paren + 1, " %c %d %d %*d %*d %*d %u", &s, &pp, &group, &f) != 4)
    return FALSE;
  if (state != NULL)
    *state = s;
  if (ppid != NULL)
    *ppid = pp;
  if (pgrp != NULL)
    *pgrp = group;
  if (flags != NULL)
    *flags = f;
  return TRUE;
}

char *
wc_test_fast_unwind_asan_options (void)
{
  const char *asan = g_getenv ("ASAN_OPTIONS");
  GString *options;

  if (asan == NULL || strstr (asan, "fast_unwind_on_malloc=0") == NULL)
    return NULL;
  options = g_string_new (asan);
  g_string_replace (options, "fast_unwind_on_malloc=0", "fast_unwind_on_malloc=1", 0);
  return g_string_free (options, FALSE);
}

/* ---- WebSocket JSON-RPC client ---------------------------------------------------------- */

struct _WcTestClient
{
  SoupSession             *session;
  SoupWebsocketConnection *conn;
  GQueue                   notifications;  /* JsonNode* whole messages */
  GHashTable              *responses;      /* id → JsonNode* */
  GHashTable              *counts;         /* method → count */
  gint64                   next_id;
  gboolean                 closed;
};

static void
on_client_message (SoupWebsocketConnection *conn,
                   int                      type,
                   GBytes                  *message,
                   WcTestClient            *client)
{
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, data, len, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_ARRAY (root))
    return;
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  if (json_object_has_member (json_node_get_object (root), "id"))
    {
      JsonNode *id = json_object_get_member (json_node_get_object (root), "id");
      if (JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_INT64)
        g_hash_table_insert (client->responses, GINT_TO_POINTER ((int) json_node_get_int (id)),
                             json_node_copy (root));
    }
  else
    {
      const char *method = json_object_get_string_member (json_node_get_object (root), "method");
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (client->counts, method));

      g_hash_table_insert (client->counts, g_strdup (method), GUINT_TO_POINTER (n + 1));
      g_queue_push_tail (&client->notifications, json_node_copy (root));
    }
}

static void
on_client_closed (SoupWebsocketConnection *conn,
                  WcTestClient            *client)
{
  client->closed = TRUE;
}

WcTestClient *
wc_test_client_connect (const char *url,
                        const char *origin)
{
  WcTestClient *client = g_new0 (WcTestClient, 1);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (msg);
  if (origin != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Origin", origin);
  client->session = soup_session_new ();
  client->responses = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) json_node_unref);
  client->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  client->next_id = 1;
  soup_session_websocket_connect_async (client->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, wc_test_store_result, &result);
  g_assert_nonnull (wc_test_wait_result (&result, 10000));
  client->conn = soup_session_websocket_connect_finish (client->session, result, &error);
  g_assert_no_error (error);
  soup_websocket_connection_set_max_incoming_payload_size (client->conn, 64 * 1024 * 1024);
  g_signal_connect (client->conn, "message", G_CALLBACK (on_client_message), client);
  g_signal_connect (client->conn, "closed", G_CALLBACK (on_client_closed), client);
  return client;
}

SoupWebsocketConnection *
wc_test_client_get_connection (WcTestClient *client)
{
  return client->conn;
}

static gboolean
client_closed (gpointer data)
{
  return ((WcTestClient *) data)->closed;
}

void
wc_test_client_free (WcTestClient *client)
{
  if (client == NULL)
    return;
  g_signal_handlers_disconnect_by_data (client->conn, client);
  if (soup_websocket_connection_get_state (client->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      g_signal_connect (client->conn, "closed", G_CALLBACK (on_client_closed), client);
      soup_websocket_connection_close (client->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      wc_test_wait_until (client_closed, client, 5000);
      g_signal_handlers_disconnect_by_data (client->conn, client);
    }
  g_clear_object (&client->conn);
  g_clear_object (&client->session);
  g_queue_clear_full (&client->notifications, (GDestroyNotify) json_node_unref);
  g_hash_table_unref (client->responses);
  g_hash_table_unref (client->counts);
  g_free (client);
}

typedef struct
{
  WcTestClient *client;
  int           id;
} WaitResponse;

static gboolean
response_arrived (gpointer data)
{
  WaitResponse *w = data;
  return w->client->closed ||
         g_hash_table_contains (w->client->responses, GINT_TO_POINTER (w->id));
}

char *
wc_test_jsonrpc_request (int         id,
                         const char *method,
                         const char *params_json)
{
  if (params_json != NULL)
    return g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":%s}",
                            id, method, params_json);
  return g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\"}", id, method);
}

JsonNode *
wc_test_client_call (WcTestClient *client,
                     const char   *method,
                     const char   *params_json)
{
  WaitResponse w = { client, (int) client->next_id++ };
  g_autofree char *text = wc_test_jsonrpc_request (w.id, method, params_json);
  JsonNode *reply = NULL;

  g_assert_cmpint (soup_websocket_connection_get_state (client->conn), ==,
                   SOUP_WEBSOCKET_STATE_OPEN);
  soup_websocket_connection_send_text (client->conn, text);
  g_assert_true (wc_test_wait_until (response_arrived, &w, 30000));
  g_hash_table_steal_extended (client->responses, GINT_TO_POINTER (w.id), NULL,
                               (gpointer *) &reply);
  g_assert_nonnull (reply);
  return reply;
}

typedef struct
{
  WcTestClient *client;
  const char   *method;
  JsonNode     *found;
} WaitNotification;

static gboolean
notification_arrived (gpointer data)
{
  WaitNotification *w = data;

  for (GList *l = w->client->notifications.head; l != NULL; l = l->next)
    {
      JsonObject *o = json_node_get_object (l->data);

      if (g_strcmp0 (json_object_get_string_member (o, "method"), w->method) == 0)
        {
          JsonNode *params = json_object_get_member (o, "params");

          w->found = params != NULL ? json_node_copy (params) : json_node_new (JSON_NODE_NULL);
          json_node_unref (l->data);
          g_queue_delete_link (&w->client->notifications, l);
          return TRUE;
        }
    }
  return w->client->closed;
}

JsonNode *
wc_test_client_wait_notification (WcTestClient *client,
                                  const char   *method,
                                  guint         deadline_ms)
{
  WaitNotification w = { client, method, NULL };

  wc_test_wait_until (notification_arrived, &w, deadline_ms);
  return w.found;
}

void
wc_test_client_drain (WcTestClient *client,
                      const char   *method)
{
  GList *l = client->notifications.head;

  while (l != NULL)
    {
      GList *next = l->next;
      JsonObject *o = json_node_get_object (l->data);

      if (method == NULL || g_strcmp0 (json_object_get_string_member (o, "method"), method) == 0)
        {
          json_node_unref (l->data);
          g_queue_delete_link (&client->notifications, l);
        }
      l = next;
    }
}

guint
wc_test_client_count (WcTestClient *client,
                      const char   *method)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (client->counts, method));
}

/* ---- wavecraft as a child process -------------------------------------------------------- */

struct _WcTestProc
{
  GSubprocess *proc;
  GPid         pid;
  GString     *out;
  GString     *err;
  gboolean     out_eof;
  gboolean     err_eof;
  gboolean     exited;
  int          status;
  char         buf_out[4096];
  char         buf_err[4096];
};

static void read_more (WcTestProc *p, gboolean is_err);

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  WcTestProc *p = user_data;
  gboolean is_err = G_INPUT_STREAM (source) == g_subprocess_get_stderr_pipe (p->proc);
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      if (is_err)
        p->err_eof = TRUE;
      else
        p->out_eof = TRUE;
      return;
    }
  if (g_test_verbose ())
    g_printerr ("%s", is_err ? "[wavecraft stderr] " : "");
  g_string_append_len (is_err ? p->err : p->out, is_err ? p->buf_err : p->buf_out, n);
  read_more (p, is_err);
}

static void
read_more (WcTestProc *p,
           gboolean    is_err)
{
  GInputStream *in = is_err ? g_subprocess_get_stderr_pipe (p->proc)
                            : g_subprocess_get_stdout_pipe (p->proc);

  g_input_stream_read_async (in, is_err ? p->buf_err : p->buf_out, 4095, G_PRIORITY_DEFAULT,
                             NULL, on_read, p);
}

static void
on_proc_exit (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  WcTestProc *p = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  p->exited = TRUE;
  if (g_subprocess_get_if_exited (p->proc))
    p->status = g_subprocess_get_exit_status (p->proc);
  else
    p->status = -g_subprocess_get_term_sig (p->proc);
}

WcTestProc *
wc_test_proc_spawn (const char * const *args,
                    const char         *cwd)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  WcTestProc *p = g_new0 (WcTestProc, 1);

  g_ptr_array_add (argv, (gpointer) wc_test_wavecraft_bin ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  if (cwd != NULL)
    g_subprocess_launcher_set_cwd (launcher, cwd);
  g_subprocess_launcher_setenv (launcher, "NO_COLOR", "1", TRUE);
  p->proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  p->pid = atoi (g_subprocess_get_identifier (p->proc));
  p->out = g_string_new (NULL);
  p->err = g_string_new (NULL);
  read_more (p, FALSE);
  read_more (p, TRUE);
  g_subprocess_wait_async (p->proc, NULL, on_proc_exit, p);
  return p;
}

GPid
wc_test_proc_get_pid (WcTestProc *proc)
{
  return proc->pid;
}

typedef struct
{
  WcTestProc *p;
  GString    *stream;
  const char *needle;
} WaitText;

static gboolean
text_arrived (gpointer data)
{
  WaitText *w = data;
  return strstr (w->stream->str, w->needle) != NULL || (w->p->exited && w->p->out_eof &&
                                                        w->p->err_eof);
}

gboolean
wc_test_proc_wait_stdout (WcTestProc *proc,
                          const char *needle,
                          guint       deadline_ms)
{
  WaitText w = { proc, proc->out, needle };

  wc_test_wait_until (text_arrived, &w, deadline_ms);
  return strstr (proc->out->str, needle) != NULL;
}

gboolean
wc_test_proc_wait_stderr (WcTestProc *proc,
                          const char *needle,
                          guint       deadline_ms)
{
  WaitText w = { proc, proc->err, needle };

  wc_test_wait_until (text_arrived, &w, deadline_ms);
  return strstr (proc->err->str, needle) != NULL;
}

WcTestProc *
wc_test_proc_spawn_ready (const char * const *args,
                          const char         *cwd,
                          guint               deadline_ms)
{
  WcTestProc *proc = wc_test_proc_spawn (args, cwd);

  if (!wc_test_proc_wait_stdout (proc, "Press Ctrl+C to stop", deadline_ms))
    g_error ("wavecraft start did not become ready.\nstdout:\n%s\nstderr:\n%s",
             wc_test_proc_get_stdout (proc), wc_test_proc_get_stderr (proc));
  return proc;
}

const char *
wc_test_proc_get_stdout (WcTestProc *proc)
{
  return proc->out->str;
}

const char *
wc_test_proc_get_stderr (WcTestProc *proc)
{
  return proc->err->str;
}

static gboolean
proc_done (gpointer data)
{
  WcTestProc *p = data;
  return p->exited && p->out_eof && p->err_eof;
}

gboolean
wc_test_proc_wait_exit (WcTestProc *proc,
                        guint       deadline_ms,
                        int        *exit_status)
{
  gboolean ok = wc_test_wait_until (proc_done, proc, deadline_ms);

  if (exit_status != NULL)
    *exit_status = proc->status;
  return ok;
}

void
wc_test_proc_signal (WcTestProc *proc,
                     int         signum)
{
  if (!proc->exited)
    kill (proc->pid, signum);
}

void
wc_test_proc_free (WcTestProc *proc)
{
  if (proc == NULL)
    return;
  if (!proc->exited)
    {
      kill (proc->pid, SIGKILL);
      wc_test_proc_wait_exit (proc, 10000, NULL);
    }
  if (!proc->out_eof || !proc->err_eof)
    wc_test_wait_until (proc_done, proc, 5000);
  if (g_test_verbose ())
    g_printerr ("--- wavecraft stdout ---\n%s--- stderr ---\n%s", proc->out->str, proc->err->str);
  g_string_free (proc->out, TRUE);
  g_string_free (proc->err, TRUE);
  g_object_unref (proc->proc);
  g_free (proc);
}

guint
wc_test_proc_get_port (WcTestProc *proc)
{
  const char *p = strstr (proc->out->str, "http://127.0.0.1:");

  return p != NULL ? (guint) atoi (p + strlen ("http://127.0.0.1:")) : 0;
}

gboolean
wc_test_port_is_free (guint port)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, port);

  return g_socket_bind (sock, addr, TRUE, NULL);
}

char *
wc_test_copy_example (void)
{
  g_autofree char *tmp = wc_test_mkdtemp ();
  g_autofree char *src = wc_test_source_path ("examples/tremolo");
  char *dst = g_build_filename (tmp, "tremolo", NULL);

  g_autofree char *stale = g_build_filename (dst, "engine", "build-wavecraft", NULL);

  /* Symlinks (the SDK subproject) are copied as real trees, so the copy stands alone. */
  wc_test_copy_tree (src, dst, NULL);
  wc_test_rm_rf (stale);
  return dst;
}

GArray *
wc_test_pids_in (const char *dir)
{
  g_autofree char *real = realpath (dir, NULL);
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (int));
  GDir *proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *cwd_link = NULL;
      g_autofree char *cwd = NULL;
      char state;
      int pid;

      if (!g_ascii_isdigit (name[0]))
        continue;
      cwd_link = g_build_filename ("/proc", name, "cwd", NULL);
      cwd = g_file_read_link (cwd_link, NULL);
      if (cwd == NULL || real == NULL || !g_str_has_prefix (cwd, real))
        continue;
      if (!wc_test_read_proc_stat (name, &state, NULL, NULL, NULL) || state == 'Z')
        continue;
      pid = atoi (name);
      g_array_append_val (pids, pid);
    }
  g_dir_close (proc);
  return pids;
}

guint
wc_test_count_processes_in (const char *dir)
{
  g_autoptr(GArray) pids = wc_test_pids_in (dir);

  return pids->len;
}

void
wc_test_setup_cargo_env (void)
{
  const char *home = g_getenv ("HOME");

  if (home != NULL)
    {
      g_autofree char *rustup = g_build_filename (home, ".rustup", NULL);
      g_autofree char *cargo = g_build_filename (home, ".cargo", NULL);

      if (g_getenv ("RUSTUP_HOME") == NULL && g_file_test (rustup, G_FILE_TEST_IS_DIR))
        g_setenv ("RUSTUP_HOME", rustup, TRUE);
      if (g_getenv ("CARGO_HOME") == NULL && g_file_test (cargo, G_FILE_TEST_IS_DIR))
        g_setenv ("CARGO_HOME", cargo, TRUE);
    }
  g_setenv ("CARGO_NET_OFFLINE", "true", TRUE);
  g_unsetenv ("CARGO_TARGET_DIR");
  g_unsetenv ("CARGO_BUILD_TARGET_DIR");
}

char *
wc_test_find_cargo (void)
{
  return g_find_program_in_path ("cargo");
}
