/* test-child.c: WcChild with real /bin/sh children.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wc-child.h"
#include "wc-test-util.h"

#define DEADLINE_MS 30000

static WcChildResult *
run_child (WcChild       *child,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  wc_child_wait_async (child, cancellable, wc_test_store_result, &result);
  g_assert_nonnull (wc_test_wait_result (&result, DEADLINE_MS));
  return wc_child_wait_finish (child, result, error);
}

/* This test process is a child subreaper (see main): members of a killed group whose parent
 * died with them are re-parented to us rather than to init, and reaped here. Only exited
 * processes are reaped, so a live member keeps the group alive. */
static gboolean
group_gone (gpointer data)
{
  GPid pgid = GPOINTER_TO_INT (data);

  /* Let GSubprocess reap the leader itself first. */
  if (wc_test_pid_alive (pgid))
    return FALSE;

  for (;;)
    {
      siginfo_t info = { 0 };

      if (waitid (P_PGID, pgid, &info, WEXITED | WNOHANG) != 0 || info.si_pid == 0)
        break;
    }
  return !wc_test_pgid_alive (pgid);
}

static void
assert_group_gone (GPid pgid)
{
  g_assert_cmpint (pgid, >, 0);
  /* Process exit is no main-context event. */
  g_assert_true (wc_test_wait_polling (group_gone, GINT_TO_POINTER (pgid), DEADLINE_MS));
}

static void
test_exit_status (void)
{
  const char *argv[] = { "/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_CAPTURE_STDOUT |
                                                  WC_CHILD_FLAGS_CAPTURE_STDERR);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_assert_cmpint (wc_child_get_pid (child), ==, 0);
  g_assert_true (wc_child_spawn (child, &error));
  g_assert_no_error (error);
  pid = wc_child_get_pid (child);
  g_assert_cmpint (pid, >, 0);

  res = run_child (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (res->exited);
  g_assert_cmpint (res->exit_status, ==, 3);
  g_assert_cmpint (res->term_signal, ==, 0);
  g_assert_cmpmem (g_bytes_get_data (res->stdout_bytes, NULL),
                   g_bytes_get_size (res->stdout_bytes), "out\n", 4);
  g_assert_cmpmem (g_bytes_get_data (res->stderr_bytes, NULL),
                   g_bytes_get_size (res->stderr_bytes), "err\n", 4);
  g_assert_cmpint (res->duration_us, >, 0);
  /* Reaped: no zombie. */
  g_assert_false (wc_test_pid_alive (pid));
  g_assert_cmpint (wc_child_get_pid (child), ==, pid);
}

static void
test_not_captured (void)
{
  const char *argv[] = { "/bin/sh", "-c", "echo out; echo err >&2", NULL };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_NONE);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;

  /* wait_async spawns when spawn() was not called. */
  res = run_child (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (res->exited);
  g_assert_cmpint (res->exit_status, ==, 0);
  g_assert_null (res->stdout_bytes);
  g_assert_null (res->stderr_bytes);
}

static void
test_signal (void)
{
  const char *argv[] = { "/bin/sh", "-c", "kill -SEGV $$", NULL };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_CAPTURE_STDOUT);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  res = run_child (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (res->exited);
  g_assert_cmpint (res->term_signal, ==, SIGSEGV);
  name = wc_signal_name (res->term_signal);
  g_assert_cmpstr (name, ==, "SIGSEGV");
  g_assert_cmpuint (g_bytes_get_size (res->stdout_bytes), ==, 0);
}

static void
test_signal_name (void)
{
  struct
  {
    int         signum;
    const char *name;
  } table[] = {
    { SIGSEGV, "SIGSEGV" },
    { SIGABRT, "SIGABRT" },
    { SIGKILL, "SIGKILL" },
    { SIGTERM, "SIGTERM" },
    { SIGBUS, "SIGBUS" },
    { SIGFPE, "SIGFPE" },
    { SIGILL, "SIGILL" },
    { 999, "signal 999" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autofree char *name = wc_signal_name (table[i].signum);
      g_assert_cmpstr (name, ==, table[i].name);
    }
}

static gboolean
all_zero (GBytes *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  for (gsize i = 0; i < size; i++)
    if (data[i] != 0)
      return FALSE;
  return TRUE;
}

static void
test_large_output (void)
{
  /* 8 MiB on each stream at the same time: a reader that drained one pipe after the other
   * would deadlock. */
  const char *argv[] = {
    "/bin/sh", "-c",
    "head -c 8388608 /dev/zero >&2 & head -c 8388608 /dev/zero; wait",
    NULL
  };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_CAPTURE_STDOUT |
                                                  WC_CHILD_FLAGS_CAPTURE_STDERR);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;

  res = run_child (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (res->exited);
  g_assert_cmpint (res->exit_status, ==, 0);
  g_assert_cmpuint (g_bytes_get_size (res->stdout_bytes), ==, 8 * 1024 * 1024);
  g_assert_cmpuint (g_bytes_get_size (res->stderr_bytes), ==, 8 * 1024 * 1024);
  g_assert_true (all_zero (res->stdout_bytes));
  g_assert_true (all_zero (res->stderr_bytes));
}

static void
test_output_cap (void)
{
  /* Endless output from a grandchild: the cap kills the whole group. */
  const char *argv[] = { "/bin/sh", "-c", "cat /dev/zero & wait", NULL };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_CAPTURE_STDOUT);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;

  wc_child_set_max_output (child, 1024 * 1024);
  res = run_child (child, NULL, &error);
  g_assert_null (res);
  g_assert_error (error, WC_CHILD_ERROR, WC_CHILD_ERROR_OUTPUT_TOO_LARGE);
  g_assert_cmpstr (error->message, ==,
                   "‘/bin/sh’ wrote more than 1048576 bytes of output; "
                   "its process group was killed");
  assert_group_gone (wc_child_get_pid (child));
}

static void
test_line_cap (void)
{
  /* Without capture the cap applies to one line. */
  const char *argv[] = { "/bin/sh", "-c", "head -c 100000 /dev/zero; echo", NULL };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_LINES);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;

  wc_child_set_max_output (child, 1000);
  res = run_child (child, NULL, &error);
  g_assert_null (res);
  g_assert_error (error, WC_CHILD_ERROR, WC_CHILD_ERROR_OUTPUT_TOO_LARGE);
  g_assert_cmpstr (error->message, ==,
                   "‘/bin/sh’ wrote more than 1000 bytes of output; "
                   "its process group was killed");
  assert_group_gone (wc_child_get_pid (child));
}

static void
test_timeout (void)
{
  const char *argv[] = { "/bin/sh", "-c", "sleep 1000 & sleep 1000 & wait", NULL };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_CAPTURE_STDOUT |
                                                  WC_CHILD_FLAGS_CAPTURE_STDERR);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;
  GPid pid;

  wc_child_set_timeout (child, 100);
  res = run_child (child, NULL, &error);
  pid = wc_child_get_pid (child);
  g_assert_null (res);
  g_assert_error (error, WC_CHILD_ERROR, WC_CHILD_ERROR_TIMEOUT);
  g_assert_cmpstr (error->message, ==,
                   "‘/bin/sh’ timed out after 100 ms; its process group was killed");
  g_assert_false (wc_test_pid_alive (pid));
  assert_group_gone (pid);
}

static void
test_timeout_sigterm_ignored (void)
{
  /* Ignored signals are inherited: every member ignores SIGTERM, so only SIGKILL after the
   * grace period ends them. */
  const char *argv[] = {
    "/bin/sh", "-c", "trap '' TERM; sleep 1000 & sleep 1000 & wait; wait", NULL
  };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_NONE);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;

  wc_child_set_timeout (child, 50);
  res = run_child (child, NULL, &error);
  g_assert_null (res);
  g_assert_error (error, WC_CHILD_ERROR, WC_CHILD_ERROR_TIMEOUT);
  g_assert_cmpstr (error->message, ==,
                   "‘/bin/sh’ timed out after 50 ms; its process group was killed");
  assert_group_gone (wc_child_get_pid (child));
}

static void
test_self_group_timeout (void)
{
  /* SELF_GROUP: the program makes its own session (here the setsid utility, which execs
   * without forking because it is not a group leader). */
  const char *argv[] = {
    "setsid", "/bin/sh", "-c", "sleep 1000 & sleep 1000 & wait", NULL
  };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_SELF_GROUP |
                                                  WC_CHILD_FLAGS_CAPTURE_STDOUT);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;

  wc_child_set_timeout (child, 100);
  res = run_child (child, NULL, &error);
  g_assert_null (res);
  g_assert_error (error, WC_CHILD_ERROR, WC_CHILD_ERROR_TIMEOUT);
  g_assert_cmpstr (error->message, ==,
                   "‘setsid’ timed out after 100 ms; its process group was killed");
  assert_group_gone (wc_child_get_pid (child));
}

typedef struct
{
  GCancellable *cancellable;
  GPtrArray    *lines[3];
} LineData;

static void
on_line_cancel (WcChild    *child,
                int         stream,
                const char *line,
                gpointer    user_data)
{
  LineData *data = user_data;

  g_ptr_array_add (data->lines[stream], g_strdup (line));
  if (g_str_equal (line, "started"))
    g_cancellable_cancel (data->cancellable);
}

static void
test_cancel (void)
{
  const char *argv[] = {
    "/bin/sh", "-c", "sleep 1000 & sleep 1000 & echo started; wait", NULL
  };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_LINES);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;
  LineData data = { cancellable, { NULL, g_ptr_array_new_with_free_func (g_free),
                                   g_ptr_array_new_with_free_func (g_free) } };

  g_signal_connect (child, "line", G_CALLBACK (on_line_cancel), &data);
  res = run_child (child, cancellable, &error);
  g_assert_null (res);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (data.lines[1]->len, ==, 1);
  g_assert_false (wc_test_pid_alive (wc_child_get_pid (child)));
  assert_group_gone (wc_child_get_pid (child));

  g_ptr_array_unref (data.lines[1]);
  g_ptr_array_unref (data.lines[2]);
}

static void
test_cancel_before (void)
{
  const char *argv[] = { "/bin/sh", "-c", "sleep 1000 & wait", NULL };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_NONE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  res = run_child (child, cancellable, &error);
  g_assert_null (res);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_group_gone (wc_child_get_pid (child));
}

static void
on_line_collect (WcChild    *child,
                 int         stream,
                 const char *line,
                 gpointer    user_data)
{
  LineData *data = user_data;

  g_assert_true (stream == 1 || stream == 2);
  g_ptr_array_add (data->lines[stream], g_strdup (line));
}

static void
test_lines (void)
{
  const char *argv[] = {
    "/bin/sh", "-c", "printf 'a\\nb\\r\\n\\nc'; printf 'x\\ny\\n' >&2", NULL
  };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_LINES |
                                                  WC_CHILD_FLAGS_CAPTURE_STDOUT);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;
  LineData data = { NULL, { NULL, g_ptr_array_new_with_free_func (g_free),
                            g_ptr_array_new_with_free_func (g_free) } };
  const char *out[] = { "a", "b", "", "c", NULL };
  const char *err[] = { "x", "y", NULL };

  g_signal_connect (child, "line", G_CALLBACK (on_line_collect), &data);
  res = run_child (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (res->exit_status, ==, 0);

  g_ptr_array_add (data.lines[1], NULL);
  g_ptr_array_add (data.lines[2], NULL);
  g_assert_cmpstrv ((char **) data.lines[1]->pdata, out);
  g_assert_cmpstrv ((char **) data.lines[2]->pdata, err);
  /* Lines and capture together; stderr is read (for lines) but not kept. */
  g_assert_cmpmem (g_bytes_get_data (res->stdout_bytes, NULL),
                   g_bytes_get_size (res->stdout_bytes), "a\nb\r\n\nc", 7);
  g_assert_null (res->stderr_bytes);

  g_ptr_array_unref (data.lines[1]);
  g_ptr_array_unref (data.lines[2]);
}

static void
test_cwd_env (void)
{
  const char *argv[] = {
    "/bin/sh", "-c", "pwd -P; echo \"$WC_TEST_FOO\"; echo \"${WC_TEST_GONE-unset}\"", NULL
  };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_CAPTURE_STDOUT);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = wc_test_mkdtemp ();
  g_autofree char *real = realpath (dir, NULL);
  g_autofree char *expected = g_strdup_printf ("%s\nbar baz\nunset\n", real);

  g_setenv ("WC_TEST_GONE", "present", TRUE);
  wc_child_set_cwd (child, dir);
  wc_child_setenv (child, "WC_TEST_FOO", "bar baz");
  wc_child_setenv (child, "WC_TEST_GONE", NULL);
  res = run_child (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (res->exit_status, ==, 0);
  g_assert_cmpmem (g_bytes_get_data (res->stdout_bytes, NULL),
                   g_bytes_get_size (res->stdout_bytes), expected, strlen (expected));
  g_unsetenv ("WC_TEST_GONE");
  wc_test_rm_rf (dir);
}

static void
test_own_group (void)
{
  /* The child leads its own process group and session. */
  const char *argv[] = {
    "/bin/sh", "-c", "read -r pid comm state ppid pgrp sid rest < /proc/$$/stat; echo $pgrp $sid",
    NULL
  };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_CAPTURE_STDOUT);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *pid = NULL;
  g_auto(GStrv) fields = NULL;

  res = run_child (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (res->exit_status, ==, 0);
  out = g_strndup (g_bytes_get_data (res->stdout_bytes, NULL),
                   g_bytes_get_size (res->stdout_bytes));
  fields = g_strsplit_set (g_strstrip (out), " ", -1);
  pid = g_strdup_printf ("%d", (int) wc_child_get_pid (child));
  g_assert_cmpuint (g_strv_length (fields), ==, 2);
  g_assert_cmpstr (fields[0], ==, pid);
  g_assert_cmpstr (fields[1], ==, pid);
}

static void
test_spawn_error (void)
{
  const char *argv[] = { "/nonexistent/wavecraft-no-such-program", NULL };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_CAPTURE_STDOUT);
  g_autoptr(WcChild) child2 = wc_child_new (argv, WC_CHILD_FLAGS_CAPTURE_STDOUT |
                                                   WC_CHILD_FLAGS_SELF_GROUP);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (wc_child_spawn (child, &error));
  g_assert_error (error, WC_CHILD_ERROR, WC_CHILD_ERROR_SPAWN);
  g_assert_cmpstr (error->message, ==,
                   "Could not start ‘/nonexistent/wavecraft-no-such-program’: "
                   "Failed to execute child process “/nonexistent/wavecraft-no-such-program” "
                   "(No such file or directory)");
  g_clear_error (&error);
  g_assert_cmpint (wc_child_get_pid (child), ==, 0);

  /* Through wait_async, on the posix_spawn path. */
  res = run_child (child2, NULL, &error);
  g_assert_null (res);
  g_assert_error (error, WC_CHILD_ERROR, WC_CHILD_ERROR_SPAWN);
  g_assert_cmpstr (error->message, ==,
                   "Could not start ‘/nonexistent/wavecraft-no-such-program’: "
                   "Failed to spawn child process “/nonexistent/wavecraft-no-such-program” "
                   "(No such file or directory)");
}

static void
test_grandchild_holds_pipe (void)
{
  /* The direct child exits at once; a grandchild in its group keeps stdout open. The wait
   * completes with what was read and the grandchild is killed. */
  const char *argv[] = { "/bin/sh", "-c", "sleep 1000 & echo done", NULL };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_CAPTURE_STDOUT |
                                                  WC_CHILD_FLAGS_CAPTURE_STDERR);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;

  res = run_child (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (res->exited);
  g_assert_cmpint (res->exit_status, ==, 0);
  g_assert_cmpmem (g_bytes_get_data (res->stdout_bytes, NULL),
                   g_bytes_get_size (res->stdout_bytes), "done\n", 5);
  assert_group_gone (wc_child_get_pid (child));
}

static void
test_escaped_grandchild (void)
{
  /* A grandchild in a session of its own is out of reach of the group kill: the wait still
   * finishes (drain deadline) with what was read. The grandchild prints its pid once it is
   * in its new session, then tells the direct child through a FIFO that it may exit. */
  const char *argv[] = {
    "/bin/sh", "-c",
    "mkfifo f; setsid sh -c 'echo $$; echo x > f; exec sleep 1000' & read x < f",
    NULL
  };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_CAPTURE_STDOUT);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *dir = wc_test_mkdtemp ();
  GPid escaped;
  int status;

  wc_child_set_cwd (child, dir);
  res = run_child (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (res->exit_status, ==, 0);
  out = g_strndup (g_bytes_get_data (res->stdout_bytes, NULL),
                   g_bytes_get_size (res->stdout_bytes));
  escaped = (GPid) g_ascii_strtoll (out, NULL, 10);
  g_assert_cmpint (escaped, >, 0);
  g_assert_cmpint (escaped, !=, wc_child_get_pid (child));
  assert_group_gone (wc_child_get_pid (child));

  /* Its parent is gone, so it is ours now (subreaper). */
  g_assert_true (wc_test_pid_alive (escaped));
  g_assert_cmpint (kill (escaped, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (escaped, &status, 0), ==, escaped);
  g_assert_true (WIFSIGNALED (status));
  wc_test_rm_rf (dir);
}

static gboolean
has_stdout_line (gpointer user_data)
{
  LineData *data = user_data;

  return data->lines[1]->len > 0;
}

static void
test_kill_group (void)
{
  const char *argv[] = {
    "/bin/sh", "-c", "sleep 1000 & sleep 1000 & echo started; wait", NULL
  };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_LINES);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;
  LineData data = { NULL, { NULL, g_ptr_array_new_with_free_func (g_free),
                            g_ptr_array_new_with_free_func (g_free) } };

  g_signal_connect (child, "line", G_CALLBACK (on_line_collect), &data);
  wc_child_wait_async (child, NULL, wc_test_store_result, &result);
  g_assert_true (wc_test_wait_until (has_stdout_line, &data, DEADLINE_MS));
  wc_child_kill_group (child);
  g_assert_nonnull (wc_test_wait_result (&result, DEADLINE_MS));
  res = wc_child_wait_finish (child, result, &error);
  g_assert_no_error (error);
  g_assert_false (res->exited);
  g_assert_cmpint (res->term_signal, ==, SIGTERM);
  assert_group_gone (wc_child_get_pid (child));

  g_ptr_array_unref (data.lines[1]);
  g_ptr_array_unref (data.lines[2]);
}

static void
test_dispose_kills (void)
{
  const char *argv[] = { "/bin/sh", "-c", "sleep 1000 & sleep 1000 & wait", NULL };
  WcChild *child = wc_child_new (argv, WC_CHILD_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_assert_true (wc_child_spawn (child, &error));
  g_assert_no_error (error);
  pid = wc_child_get_pid (child);
  g_object_unref (child);
  assert_group_gone (pid);
}

static void
test_wait_twice (void)
{
  const char *argv[] = { "/bin/true", NULL };
  g_autoptr(WcChild) child = wc_child_new (argv, WC_CHILD_FLAGS_NONE);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(WcChildResult) res2 = NULL;
  g_autoptr(GError) error = NULL;

  res = run_child (child, NULL, &error);
  g_assert_no_error (error);
  res2 = run_child (child, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_assert_cmpstr (error->message, ==, "wc_child_wait_async() may be called once per child");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* Orphans of killed groups come back to us (see group_gone). */
  g_assert_cmpint (prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), ==, 0);

  g_test_add_func ("/wavecraft/child/exit-status", test_exit_status);
  g_test_add_func ("/wavecraft/child/not-captured", test_not_captured);
  g_test_add_func ("/wavecraft/child/signal", test_signal);
  g_test_add_func ("/wavecraft/child/signal-name", test_signal_name);
  g_test_add_func ("/wavecraft/child/large-output", test_large_output);
  g_test_add_func ("/wavecraft/child/output-cap", test_output_cap);
  g_test_add_func ("/wavecraft/child/line-cap", test_line_cap);
  g_test_add_func ("/wavecraft/child/timeout", test_timeout);
  g_test_add_func ("/wavecraft/child/timeout-sigterm-ignored", test_timeout_sigterm_ignored);
  g_test_add_func ("/wavecraft/child/self-group-timeout", test_self_group_timeout);
  g_test_add_func ("/wavecraft/child/cancel", test_cancel);
  g_test_add_func ("/wavecraft/child/cancel-before", test_cancel_before);
  g_test_add_func ("/wavecraft/child/lines", test_lines);
  g_test_add_func ("/wavecraft/child/cwd-env", test_cwd_env);
  g_test_add_func ("/wavecraft/child/own-group", test_own_group);
  g_test_add_func ("/wavecraft/child/spawn-error", test_spawn_error);
  g_test_add_func ("/wavecraft/child/grandchild-holds-pipe", test_grandchild_holds_pipe);
  g_test_add_func ("/wavecraft/child/escaped-grandchild", test_escaped_grandchild);
  g_test_add_func ("/wavecraft/child/kill-group", test_kill_group);
  g_test_add_func ("/wavecraft/child/dispose-kills", test_dispose_kills);
  g_test_add_func ("/wavecraft/child/wait-twice", test_wait_twice);

  return g_test_run ();
}
