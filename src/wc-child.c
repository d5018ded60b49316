/* wc-child.c: one child process in its own process group, output drained, group killed on
 * cancel or timeout.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-child"

#include <errno.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "wc-child.h"

/* Default capture cap per stream. */
#define WC_CHILD_DEFAULT_MAX_OUTPUT (16 * 1024 * 1024)
/* Between SIGTERM and SIGKILL. */
#define WC_CHILD_KILL_GRACE_MS 200
/* After the direct child is reaped, how long the pipes may stay open (a grandchild in another
 * session could hold them) before we stop reading and finish with what we have. */
#define WC_CHILD_DRAIN_MS 1000
#define WC_CHILD_READ_SIZE (64 * 1024)

typedef enum {
  STOP_NONE,
  STOP_CANCELLED,
  STOP_TIMEOUT,
  STOP_TOO_LARGE,
} StopReason;

typedef struct
{
  WcChild      *self;      /* unowned: the pending wait task keeps it alive */
  int           stream_id; /* 1 = stdout, 2 = stderr */
  GInputStream *stream;    /* NULL when this stream is not read */
  guint8       *buffer;
  GByteArray   *capture;   /* NULL unless captured */
  GString      *partial;   /* NULL unless WC_CHILD_FLAGS_LINES */
  gboolean      overflow;
  gboolean      done;
} Pipe;

struct _WcChild
{
  GObject       parent_instance;

  char        **argv;
  WcChildFlags  flags;
  char         *cwd;
  char        **envp;       /* NULL: inherit ours */
  guint         timeout_ms; /* 0: none */
  gsize         max_output;

  GSubprocess  *subprocess;
  GPid          pid;        /* saved right after spawn; also the process group id */
  gint64        spawn_time;
  gint64        reap_time;
  gboolean      reaped;
  gboolean      killing;
  gboolean      waited;

  GTask        *task;       /* the pending wait; holds a reference on us */
  GMainContext *context;
  GCancellable *io_cancellable;
  Pipe          pipes[2];
  StopReason    stop_reason;
  GSource      *timeout_source;
  GSource      *cancel_source;
  GSource      *grace_source;
  GSource      *drain_source;
};

G_DEFINE_FINAL_TYPE (WcChild, wc_child, G_TYPE_OBJECT)

enum {
  LINE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (wc-child-error-quark, wc_child_error)

static void begin_kill   (WcChild *self);
static void try_complete (WcChild *self);

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
pipe_clear (Pipe *pipe)
{
  g_clear_object (&pipe->stream);
  g_clear_pointer (&pipe->buffer, g_free);
  g_clear_pointer (&pipe->capture, g_byte_array_unref);
  if (pipe->partial != NULL)
    g_string_free (g_steal_pointer (&pipe->partial), TRUE);
}

static void
wc_child_dispose (GObject *object)
{
  WcChild *self = WC_CHILD (object);

  /* Nobody waits for it any more: no orphan. GSubprocess reaps it in its worker thread. */
  if (self->subprocess != NULL && !self->reaped && self->pid > 0
      && g_subprocess_get_identifier (self->subprocess) != NULL)
    {
      kill (-self->pid, SIGKILL);
      g_subprocess_force_exit (self->subprocess);
    }

  clear_source (&self->timeout_source);
  clear_source (&self->cancel_source);
  clear_source (&self->grace_source);
  clear_source (&self->drain_source);
  g_clear_object (&self->subprocess);
  g_clear_object (&self->io_cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (wc_child_parent_class)->dispose (object);
}

static void
wc_child_finalize (GObject *object)
{
  WcChild *self = WC_CHILD (object);

  pipe_clear (&self->pipes[0]);
  pipe_clear (&self->pipes[1]);
  g_strfreev (self->argv);
  g_strfreev (self->envp);
  g_free (self->cwd);

  G_OBJECT_CLASS (wc_child_parent_class)->finalize (object);
}

static void
wc_child_class_init (WcChildClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wc_child_dispose;
  object_class->finalize = wc_child_finalize;

  /**
   * WcChild::line:
   * @self: the child
   * @stream: 1 for stdout, 2 for stderr
   * @line: one line of output without its trailing `\n` (and `\r`); not necessarily UTF-8
   *
   * Emitted with %WC_CHILD_FLAGS_LINES for every complete line as it arrives, in the main
   * context that called wc_child_wait_async(), and once more for a last line without a
   * newline at end of stream. Handlers may call wc_child_kill_group().
   */
  signals[LINE] =
    g_signal_new ("line",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_INT,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
wc_child_init (WcChild *self)
{
  self->max_output = WC_CHILD_DEFAULT_MAX_OUTPUT;
  self->pipes[0].self = self;
  self->pipes[0].stream_id = 1;
  self->pipes[1].self = self;
  self->pipes[1].stream_id = 2;
}

/**
 * wc_child_result_free:
 * @result: (nullable) (transfer full): a result from wc_child_wait_finish()
 *
 * Frees @result and the captured output it holds.
 */
void
wc_child_result_free (WcChildResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->stdout_bytes, g_bytes_unref);
  g_clear_pointer (&result->stderr_bytes, g_bytes_unref);
  g_free (result);
}

/**
 * wc_child_new:
 * @argv: (array zero-terminated=1): the program and its arguments; a program name without a
 *   `/` is looked up in `PATH`
 * @flags: what to do with the child's output and how its process group is made
 *
 * Creates a launcher for one child process; nothing runs until wc_child_spawn() or
 * wc_child_wait_async(). The child always runs in its own process group (session):
 * either the launcher calls `setsid()` in the child after fork, or with
 * %WC_CHILD_FLAGS_SELF_GROUP the program does it itself first thing, which lets GLib use
 * `posix_spawn()` (no fork of our address space; every descriptor we open is
 * close-on-exec, so the child inherits nothing else).
 *
 * Streams neither captured, read as lines nor inherited go to `/dev/null`. stdin is always
 * `/dev/null`.
 *
 * Returns: (transfer full): a new #WcChild
 */
WcChild *
wc_child_new (const char * const *argv,
              WcChildFlags        flags)
{
  WcChild *self;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  self = g_object_new (WC_TYPE_CHILD, NULL);
  self->argv = g_strdupv ((char **) argv);
  self->flags = flags;
  return self;
}

/**
 * wc_child_set_cwd:
 * @self: a #WcChild not spawned yet
 * @cwd: (nullable): working directory of the child; %NULL for ours
 *
 * Sets the child's working directory. A working directory rules out the posix_spawn path
 * (GLib then forks), so leave it %NULL for hot paths.
 */
void
wc_child_set_cwd (WcChild    *self,
                  const char *cwd)
{
  g_return_if_fail (WC_IS_CHILD (self));
  g_return_if_fail (self->subprocess == NULL);

  g_free (self->cwd);
  self->cwd = g_strdup (cwd);
}

/**
 * wc_child_setenv:
 * @self: a #WcChild not spawned yet
 * @variable: name of an environment variable
 * @value: (nullable): its value in the child; %NULL removes it
 *
 * Changes one variable of the child's environment, which otherwise is ours.
 */
void
wc_child_setenv (WcChild    *self,
                 const char *variable,
                 const char *value)
{
  g_return_if_fail (WC_IS_CHILD (self));
  g_return_if_fail (variable != NULL);
  g_return_if_fail (self->subprocess == NULL);

  if (self->envp == NULL)
    self->envp = g_get_environ ();
  if (value != NULL)
    self->envp = g_environ_setenv (self->envp, variable, value, TRUE);
  else
    self->envp = g_environ_unsetenv (self->envp, variable);
}

/**
 * wc_child_set_timeout:
 * @self: a #WcChild
 * @timeout_ms: milliseconds from wc_child_wait_async() until the process group is killed
 *   and the wait fails with %WC_CHILD_ERROR_TIMEOUT; 0 (the default) for none
 *
 * Sets the timeout. Takes effect at the next wc_child_wait_async().
 */
void
wc_child_set_timeout (WcChild *self,
                      guint    timeout_ms)
{
  g_return_if_fail (WC_IS_CHILD (self));

  self->timeout_ms = timeout_ms;
}

/**
 * wc_child_set_max_output:
 * @self: a #WcChild
 * @max_bytes: most bytes kept per captured stream (and longest line with
 *   %WC_CHILD_FLAGS_LINES); default 16 MiB
 *
 * When a stream exceeds @max_bytes the process group is killed and the wait fails with
 * %WC_CHILD_ERROR_OUTPUT_TOO_LARGE.
 */
void
wc_child_set_max_output (WcChild *self,
                         gsize    max_bytes)
{
  g_return_if_fail (WC_IS_CHILD (self));
  g_return_if_fail (max_bytes > 0);

  self->max_output = max_bytes;
}

static void
child_setup_new_session (gpointer user_data)
{
  /* async-signal-safe: runs between fork and exec */
  setsid ();
}

/**
 * wc_child_spawn:
 * @self: a #WcChild
 * @error: return location for a #GError
 *
 * Starts the child and saves its pid (which is also its process group id). Output is not
 * read until wc_child_wait_async(); a child writing more than a pipe buffer blocks until
 * then. Once spawned, the child is always killed (group included) when @self is disposed
 * before it was reaped.
 *
 * Returns: %TRUE on success; %FALSE with %WC_CHILD_ERROR_SPAWN when the program cannot be
 *   started
 */
gboolean
wc_child_spawn (WcChild  *self,
                GError  **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) local_error = NULL;
  GSubprocessFlags sflags = G_SUBPROCESS_FLAGS_NONE;
  const char *identifier;

  g_return_val_if_fail (WC_IS_CHILD (self), FALSE);
  g_return_val_if_fail (self->subprocess == NULL, FALSE);

  if (self->flags & (WC_CHILD_FLAGS_CAPTURE_STDOUT | WC_CHILD_FLAGS_LINES))
    sflags |= G_SUBPROCESS_FLAGS_STDOUT_PIPE;
  else if (!(self->flags & WC_CHILD_FLAGS_INHERIT_STDIO))
    sflags |= G_SUBPROCESS_FLAGS_STDOUT_SILENCE;

  if (self->flags & (WC_CHILD_FLAGS_CAPTURE_STDERR | WC_CHILD_FLAGS_LINES))
    sflags |= G_SUBPROCESS_FLAGS_STDERR_PIPE;
  else if (!(self->flags & WC_CHILD_FLAGS_INHERIT_STDIO))
    sflags |= G_SUBPROCESS_FLAGS_STDERR_SILENCE;

  /* GLib 2.74 takes the posix_spawn path only without child setup, without a working
   * directory and with "leave descriptors open". Ours are all close-on-exec. */
  if (self->flags & WC_CHILD_FLAGS_SELF_GROUP)
    sflags |= G_SUBPROCESS_FLAGS_INHERIT_FDS;

  launcher = g_subprocess_launcher_new (sflags);
  if (self->envp != NULL)
    g_subprocess_launcher_set_environ (launcher, self->envp);
  if (self->cwd != NULL)
    g_subprocess_launcher_set_cwd (launcher, self->cwd);
  if (!(self->flags & WC_CHILD_FLAGS_SELF_GROUP))
    g_subprocess_launcher_set_child_setup (launcher, child_setup_new_session, NULL, NULL);

  self->subprocess = g_subprocess_launcher_spawnv (launcher,
                                                   (const char * const *) self->argv,
                                                   &local_error);
  if (self->subprocess == NULL)
    {
      g_set_error (error, WC_CHILD_ERROR, WC_CHILD_ERROR_SPAWN,
                   _("Could not start ‘%s’: %s"), self->argv[0], local_error->message);
      return FALSE;
    }

  self->spawn_time = g_get_monotonic_time ();
  /* Saved now: the identifier is gone once the child is reaped. */
  identifier = g_subprocess_get_identifier (self->subprocess);
  self->pid = identifier != NULL ? (GPid) g_ascii_strtoll (identifier, NULL, 10) : 0;

  g_debug ("Spawned %s (pid %d%s)", self->argv[0], (int) self->pid,
           (self->flags & WC_CHILD_FLAGS_SELF_GROUP) ? ", own group" : "");
  return TRUE;
}

/**
 * wc_child_get_pid:
 * @self: a #WcChild
 *
 * Returns: the child's pid, which is also its process group id; 0 before wc_child_spawn().
 *   It stays set after the child was reaped (the number may then be reused).
 */
GPid
wc_child_get_pid (WcChild *self)
{
  g_return_val_if_fail (WC_IS_CHILD (self), 0);

  return self->pid;
}

static void
signal_group (WcChild *self,
              int      signum)
{
  if (self->pid <= 0)
    return;

  if (kill (-self->pid, signum) != 0 && errno != ESRCH)
    g_debug ("kill (-%d, %d): %s", (int) self->pid, signum, g_strerror (errno));

  /* A SELF_GROUP child may not have called setsid() yet. GSubprocess sends this from the
   * thread that reaps, so it never reaches a recycled pid. */
  if (!self->reaped && self->subprocess != NULL)
    g_subprocess_send_signal (self->subprocess, signum);
}

static gboolean
on_grace_expired (gpointer user_data)
{
  WcChild *self = user_data;

  g_debug ("Process group %d outlived the grace period, sending SIGKILL", (int) self->pid);
  signal_group (self, SIGKILL);
  g_clear_pointer (&self->grace_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
begin_kill (WcChild *self)
{
  if (self->subprocess == NULL)
    return;

  if (self->reaped)
    {
      /* The leader is gone; whatever is left of its group dies now. */
      signal_group (self, SIGKILL);
      return;
    }

  if (self->killing)
    return;
  self->killing = TRUE;

  g_debug ("Stopping process group %d", (int) self->pid);
  signal_group (self, SIGTERM);

  self->grace_source = g_timeout_source_new (WC_CHILD_KILL_GRACE_MS);
  g_source_set_callback (self->grace_source, on_grace_expired, g_object_ref (self),
                         g_object_unref);
  g_source_set_static_name (self->grace_source, "[wc-child] kill grace");
  g_source_attach (self->grace_source,
                   self->context != NULL ? self->context : g_main_context_get_thread_default ());
}

static void
stop (WcChild    *self,
      StopReason  reason)
{
  if (self->stop_reason == STOP_NONE)
    self->stop_reason = reason;
  begin_kill (self);
}

static void
pipe_emit_lines (Pipe *pipe)
{
  WcChild *self = pipe->self;
  gsize start = 0;

  for (gsize i = 0; i < pipe->partial->len; i++)
    {
      if (pipe->partial->str[i] == '\n')
        {
          gsize end = i;

          if (end > start && pipe->partial->str[end - 1] == '\r')
            end--;
          pipe->partial->str[end] = '\0';
          g_signal_emit (self, signals[LINE], 0, pipe->stream_id, pipe->partial->str + start);
          start = i + 1;
          /* A handler may have finished the wait (it cannot: we hold the pipe open). */
        }
    }
  g_string_erase (pipe->partial, 0, start);

  if (pipe->partial->len > self->max_output)
    {
      g_string_truncate (pipe->partial, 0);
      pipe->overflow = TRUE;
      stop (self, STOP_TOO_LARGE);
    }
}

static void
pipe_finish (Pipe *pipe)
{
  WcChild *self = pipe->self;

  if (pipe->done)
    return;
  pipe->done = TRUE;

  if (pipe->partial != NULL && pipe->partial->len > 0)
    {
      if (pipe->partial->str[pipe->partial->len - 1] == '\r')
        g_string_truncate (pipe->partial, pipe->partial->len - 1);
      g_signal_emit (self, signals[LINE], 0, pipe->stream_id, pipe->partial->str);
      g_string_truncate (pipe->partial, 0);
    }

  /* Closing our end makes a straggler that still writes get SIGPIPE. */
  if (pipe->stream != NULL)
    g_input_stream_close (pipe->stream, NULL, NULL);
}

static void on_read (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data);

static void
pipe_read (Pipe *pipe)
{
  g_input_stream_read_async (pipe->stream, pipe->buffer, WC_CHILD_READ_SIZE,
                             G_PRIORITY_DEFAULT, pipe->self->io_cancellable,
                             on_read, pipe);
}

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pipe *pipe = user_data;
  g_autoptr(WcChild) self = g_object_ref (pipe->self);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n <= 0)
    {
      if (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Reading stream %d of %s: %s", pipe->stream_id, self->argv[0],
                 error->message);
      pipe_finish (pipe);
      try_complete (self);
      return;
    }

  if (pipe->capture != NULL && !pipe->overflow)
    {
      if (pipe->capture->len + (gsize) n > self->max_output)
        {
          pipe->overflow = TRUE;
          stop (self, STOP_TOO_LARGE);
        }
      else
        g_byte_array_append (pipe->capture, pipe->buffer, n);
    }

  if (pipe->partial != NULL && !pipe->overflow)
    {
      g_string_append_len (pipe->partial, (const char *) pipe->buffer, n);
      pipe_emit_lines (pipe);
    }

  /* Keep draining (and discarding after an overflow) until end of stream. */
  pipe_read (pipe);
}

static gboolean
on_drain_expired (gpointer user_data)
{
  WcChild *self = user_data;

  g_debug ("Pipes of %s still open after it exited; finishing with what was read",
           self->argv[0]);
  g_clear_pointer (&self->drain_source, g_source_unref);
  g_cancellable_cancel (self->io_cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_wait (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(WcChild) self = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  self->reaped = TRUE;
  self->reap_time = g_get_monotonic_time ();
  clear_source (&self->grace_source);

  /* Whatever the leader left behind in its group (a grandchild holding our pipes, say)
   * dies with it: no orphan. */
  signal_group (self, SIGKILL);

  if (!(self->pipes[0].done && self->pipes[1].done))
    {
      self->drain_source = g_timeout_source_new (WC_CHILD_DRAIN_MS);
      g_source_set_callback (self->drain_source, on_drain_expired, self, NULL);
      g_source_set_static_name (self->drain_source, "[wc-child] drain");
      g_source_attach (self->drain_source, self->context);
    }

  try_complete (self);
}

static gboolean
on_timeout (gpointer user_data)
{
  WcChild *self = user_data;

  g_debug ("%s timed out after %u ms", self->argv[0], self->timeout_ms);
  g_clear_pointer (&self->timeout_source, g_source_unref);
  stop (self, STOP_TIMEOUT);
  return G_SOURCE_REMOVE;
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  WcChild *self = user_data;

  clear_source (&self->cancel_source);
  stop (self, STOP_CANCELLED);
  return G_SOURCE_REMOVE;
}

static void
try_complete (WcChild *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(WcChildResult) res = NULL;
  StopReason reason;

  if (self->task == NULL || !self->reaped || !self->pipes[0].done || !self->pipes[1].done)
    return;

  task = g_steal_pointer (&self->task);
  clear_source (&self->timeout_source);
  clear_source (&self->cancel_source);
  clear_source (&self->grace_source);
  clear_source (&self->drain_source);

  reason = self->stop_reason;
  switch (reason)
    {
    case STOP_CANCELLED:
      {
        GError *error = NULL;

        if (!g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
          g_assert_not_reached ();
        g_task_return_error (task, error);
        return;
      }

    case STOP_TIMEOUT:
      g_task_return_new_error (task, WC_CHILD_ERROR, WC_CHILD_ERROR_TIMEOUT,
                               _("‘%s’ timed out after %u ms; its process group was killed"),
                               self->argv[0], self->timeout_ms);
      return;

    case STOP_TOO_LARGE:
      g_task_return_new_error (task, WC_CHILD_ERROR, WC_CHILD_ERROR_OUTPUT_TOO_LARGE,
                               _("‘%s’ wrote more than %" G_GSIZE_FORMAT " bytes of output; "
                                 "its process group was killed"),
                               self->argv[0], self->max_output);
      return;

    case STOP_NONE:
    default:
      break;
    }

  res = g_new0 (WcChildResult, 1);
  if (g_subprocess_get_if_exited (self->subprocess))
    {
      res->exited = TRUE;
      res->exit_status = g_subprocess_get_exit_status (self->subprocess);
    }
  else if (g_subprocess_get_if_signaled (self->subprocess))
    res->term_signal = g_subprocess_get_term_sig (self->subprocess);

  if (self->pipes[0].capture != NULL)
    res->stdout_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&self->pipes[0].capture));
  if (self->pipes[1].capture != NULL)
    res->stderr_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&self->pipes[1].capture));
  res->duration_us = self->reap_time - self->spawn_time;

  g_task_return_pointer (task, g_steal_pointer (&res), (GDestroyNotify) wc_child_result_free);
}

static void
pipe_start (WcChild      *self,
            Pipe         *pipe,
            GInputStream *stream,
            gboolean      capture)
{
  if (stream == NULL)
    {
      pipe->done = TRUE;
      return;
    }

  pipe->stream = g_object_ref (stream);
  pipe->buffer = g_malloc (WC_CHILD_READ_SIZE);
  if (capture)
    pipe->capture = g_byte_array_new ();
  if (self->flags & WC_CHILD_FLAGS_LINES)
    pipe->partial = g_string_new (NULL);
  pipe_read (pipe);
}

/**
 * wc_child_wait_async:
 * @self: a #WcChild
 * @cancellable: (nullable): cancelling kills the process group, reaps the child and fails
 *   with %G_IO_ERROR_CANCELLED
 * @callback: called once the child was reaped and its output drained
 * @user_data: data for @callback
 *
 * Spawns the child if wc_child_spawn() was not called, then drains stdout and stderr
 * concurrently (no pipe deadlock at any size), emits #WcChild::line with
 * %WC_CHILD_FLAGS_LINES, and waits for the child to exit. Only one wait per child.
 *
 * The timeout (wc_child_set_timeout()), @cancellable and the output cap all stop the child
 * the same way: `SIGTERM` to its process group, `SIGKILL` 200 ms later, then reap. When
 * the child exits by itself, whatever is left of its process group is killed with
 * `SIGKILL` and the pipes are drained until end of stream, or for at most one second
 * when something outside the group still holds them open.
 */
void
wc_child_wait_async (WcChild             *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (WC_IS_CHILD (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_child_wait_async);
  /* We report cancellation ourselves, after the group was killed and reaped. */
  g_task_set_check_cancellable (task, FALSE);

  if (self->waited)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "wc_child_wait_async() may be called once per child");
      return;
    }
  self->waited = TRUE;

  if (self->subprocess == NULL && !wc_child_spawn (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  self->task = g_steal_pointer (&task);
  self->context = g_main_context_ref_thread_default ();
  self->io_cancellable = g_cancellable_new ();

  pipe_start (self, &self->pipes[0], g_subprocess_get_stdout_pipe (self->subprocess),
              (self->flags & WC_CHILD_FLAGS_CAPTURE_STDOUT) != 0);
  pipe_start (self, &self->pipes[1], g_subprocess_get_stderr_pipe (self->subprocess),
              (self->flags & WC_CHILD_FLAGS_CAPTURE_STDERR) != 0);

  g_subprocess_wait_async (self->subprocess, NULL, on_wait, g_object_ref (self));

  if (self->timeout_ms > 0)
    {
      self->timeout_source = g_timeout_source_new (self->timeout_ms);
      g_source_set_callback (self->timeout_source, on_timeout, self, NULL);
      g_source_set_static_name (self->timeout_source, "[wc-child] timeout");
      g_source_attach (self->timeout_source, self->context);
    }

  if (cancellable != NULL)
    {
      if (g_cancellable_is_cancelled (cancellable))
        stop (self, STOP_CANCELLED);
      else
        {
          self->cancel_source = g_cancellable_source_new (cancellable);
          g_source_set_callback (self->cancel_source, G_SOURCE_FUNC (on_cancelled), self, NULL);
          g_source_set_static_name (self->cancel_source, "[wc-child] cancelled");
          g_source_attach (self->cancel_source, self->context);
        }
    }
}

/**
 * wc_child_wait_finish:
 * @self: a #WcChild
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): how the child ended and its captured output, or %NULL with
 *   %WC_CHILD_ERROR_SPAWN, %WC_CHILD_ERROR_TIMEOUT, %WC_CHILD_ERROR_OUTPUT_TOO_LARGE or
 *   %G_IO_ERROR_CANCELLED. In every error case but a spawn failure the process group was
 *   killed and the child reaped before the callback ran. A non-zero exit status or a
 *   death by signal is a result, not an error.
 */
WcChildResult *
wc_child_wait_finish (WcChild       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (WC_IS_CHILD (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == wc_child_wait_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * wc_child_kill_group:
 * @self: a #WcChild
 *
 * Stops the child's whole process group: `SIGTERM`, then `SIGKILL` after 200 ms unless the
 * child was reaped by then. A pending wait completes normally and reports the signal.
 * Does nothing before spawn or once the child was reaped.
 */
void
wc_child_kill_group (WcChild *self)
{
  g_return_if_fail (WC_IS_CHILD (self));

  if (self->subprocess == NULL || self->reaped)
    return;
  begin_kill (self);
}

#if !defined(__GLIBC__) || !__GLIBC_PREREQ (2, 32)
static const struct
{
  int         signum;
  const char *name;
} signal_names[] = {
  { SIGHUP, "HUP" }, { SIGINT, "INT" }, { SIGQUIT, "QUIT" }, { SIGILL, "ILL" },
  { SIGTRAP, "TRAP" }, { SIGABRT, "ABRT" }, { SIGBUS, "BUS" }, { SIGFPE, "FPE" },
  { SIGKILL, "KILL" }, { SIGUSR1, "USR1" }, { SIGSEGV, "SEGV" }, { SIGUSR2, "USR2" },
  { SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" }, { SIGTERM, "TERM" }, { SIGCHLD, "CHLD" },
  { SIGCONT, "CONT" }, { SIGSTOP, "STOP" }, { SIGTSTP, "TSTP" }, { SIGTTIN, "TTIN" },
  { SIGTTOU, "TTOU" }, { SIGURG, "URG" }, { SIGXCPU, "XCPU" }, { SIGXFSZ, "XFSZ" },
  { SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" }, { SIGWINCH, "WINCH" }, { SIGIO, "IO" },
  { SIGSYS, "SYS" },
};
#endif

/**
 * wc_signal_name:
 * @signum: a signal number
 *
 * Returns: (transfer full): the signal's name such as `"SIGSEGV"`, or `"signal N"` for a
 *   number without one
 */
char *
wc_signal_name (int signum)
{
  const char *abbrev = NULL;

#if defined(__GLIBC__) && __GLIBC_PREREQ (2, 32)
  abbrev = sigabbrev_np (signum);
#else
  for (gsize i = 0; i < G_N_ELEMENTS (signal_names); i++)
    if (signal_names[i].signum == signum)
      abbrev = signal_names[i].name;
#endif

  if (abbrev != NULL)
    return g_strconcat ("SIG", abbrev, NULL);
  return g_strdup_printf ("signal %d", signum);
}
