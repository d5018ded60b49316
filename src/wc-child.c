/* wc-child.c: one child process in its own process group, output drained, group killed on
 * cancel or timeout.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-child"

#include <errno.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wc-child.h"

/* Default capture cap per stream. */
#define WC_CHILD_DEFAULT_MAX_OUTPUT (16 * 1024 * 1024)
/* Between SIGTERM and SIGKILL. */
#define WC_CHILD_KILL_GRACE_MS 200
/* After the direct child is reaped, how long the pipes may stay open (a grandchild in another
 * session could hold them) before we stop reading and finish with what we have. */
#define WC_CHILD_DRAIN_MS 1000

/* After the leader was reaped: how often, and how long, to reap what is left of its group. */
#define WC_CHILD_SETTLE_POLL_MS 5
#define WC_CHILD_SETTLE_MS      1000
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

  gboolean      spawned;
  GPid          pid;        /* saved right after spawn; also the process group id */
  int           pidfd;      /* signals the child without any pid-reuse race; -1 if none */
  GSource      *child_watch;
  int           wait_status;
  gint64        spawn_time;
  gint64        reap_time;
  gboolean      reaped;
  GInputStream *stdout_stream;
  GInputStream *stderr_stream;
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
  GSource      *settle_source;
  gint64        settle_deadline;
  gboolean      settled;
};

G_DEFINE_FINAL_TYPE (WcChild, wc_child, G_TYPE_OBJECT)

enum {
  LINE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (wc-child-error-quark, wc_child_error)

static void begin_kill       (WcChild *self);
static void become_subreaper (void);
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

static void signal_group (WcChild *self,
                          int      signum);

static void
reap_silently (GPid     pid,
               int      wait_status,
               gpointer user_data)
{
}

static void
wc_child_dispose (GObject *object)
{
  WcChild *self = WC_CHILD (object);

  /* Nobody waits for it any more: kill its group, no orphan, and let GLib reap it (its
   * worker thread calls waitpid() for every child watch), no zombie. */
  if (self->spawned && !self->reaped)
    {
      signal_group (self, SIGKILL);
      clear_source (&self->child_watch);
      g_child_watch_add_full (G_PRIORITY_DEFAULT, self->pid, reap_silently, NULL, NULL);
      self->reaped = TRUE;
    }

  clear_source (&self->child_watch);
  clear_source (&self->timeout_source);
  clear_source (&self->cancel_source);
  clear_source (&self->grace_source);
  clear_source (&self->settle_source);
  clear_source (&self->drain_source);
  g_clear_object (&self->stdout_stream);
  g_clear_object (&self->stderr_stream);
  g_clear_object (&self->io_cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  if (self->pidfd >= 0)
    {
      close (self->pidfd);
      self->pidfd = -1;
    }

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
  self->pidfd = -1;
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
  g_return_if_fail (!self->spawned);

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
  g_return_if_fail (!self->spawned);

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

static int
open_pidfd (GPid pid)
{
#ifdef SYS_pidfd_open
  /* Close-on-exec by definition. */
  return (int) syscall (SYS_pidfd_open, pid, 0);
#else
  return -1;
#endif
}

static void
on_child_exited (GPid     pid,
                 int      wait_status,
                 gpointer user_data);

/**
 * wc_child_spawn:
 * @self: a #WcChild
 * @error: return location for a #GError
 *
 * Starts the child and saves its pid (which is also its process group id). Output is not
 * read until wc_child_wait_async(); a child writing more than a pipe buffer blocks until
 * then. Once spawned, the child is always killed (group included) and reaped when @self is
 * disposed before it exited. Its exit is watched from the thread-default main context of
 * the caller: call wc_child_wait_async() from the same thread.
 *
 * Returns: %TRUE on success; %FALSE with %WC_CHILD_ERROR_SPAWN when the program cannot be
 *   started
 */
gboolean
wc_child_spawn (WcChild  *self,
                GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  GSpawnFlags sflags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CLOEXEC_PIPES |
                       G_SPAWN_STDIN_FROM_DEV_NULL;
  GSpawnChildSetupFunc child_setup = NULL;
  int stdout_fd = -1;
  int stderr_fd = -1;
  gboolean pipe_stdout;
  gboolean pipe_stderr;

  g_return_val_if_fail (WC_IS_CHILD (self), FALSE);
  g_return_val_if_fail (!self->spawned, FALSE);

  pipe_stdout = (self->flags & (WC_CHILD_FLAGS_CAPTURE_STDOUT | WC_CHILD_FLAGS_LINES)) != 0;
  pipe_stderr = (self->flags & (WC_CHILD_FLAGS_CAPTURE_STDERR | WC_CHILD_FLAGS_LINES)) != 0;
  if (!pipe_stdout && !(self->flags & WC_CHILD_FLAGS_INHERIT_STDIO))
    sflags |= G_SPAWN_STDOUT_TO_DEV_NULL;
  if (!pipe_stderr && !(self->flags & WC_CHILD_FLAGS_INHERIT_STDIO))
    sflags |= G_SPAWN_STDERR_TO_DEV_NULL;
  if (strchr (self->argv[0], '/') == NULL)
    sflags |= G_SPAWN_SEARCH_PATH;

  /* GLib 2.74 takes the posix_spawn path (no copy of our address space) only without child
   * setup, without a working directory and with "leave descriptors open"; every descriptor
   * we open is close-on-exec, so nothing else leaks into the child. Otherwise it forks and
   * our child setup makes the new session. */
  if (self->flags & WC_CHILD_FLAGS_SELF_GROUP)
    sflags |= G_SPAWN_LEAVE_DESCRIPTORS_OPEN;
  else
    child_setup = child_setup_new_session;

  become_subreaper ();
  if (!g_spawn_async_with_pipes_and_fds (self->cwd,
                                         (const char * const *) self->argv,
                                         (const char * const *) self->envp,
                                         sflags, child_setup, NULL,
                                         -1, -1, -1, NULL, NULL, 0,
                                         &self->pid, NULL,
                                         pipe_stdout ? &stdout_fd : NULL,
                                         pipe_stderr ? &stderr_fd : NULL,
                                         &local_error))
    {
      g_set_error (error, WC_CHILD_ERROR, WC_CHILD_ERROR_SPAWN,
                   _("Could not start ‘%s’: %s"), self->argv[0], local_error->message);
      return FALSE;
    }

  self->spawned = TRUE;
  self->spawn_time = g_get_monotonic_time ();
  /* Nothing reaps the child before the child watch below exists, so this is the child. */
  self->pidfd = open_pidfd (self->pid);

  if (stdout_fd >= 0)
    {
      g_unix_set_fd_nonblocking (stdout_fd, TRUE, NULL);
      self->stdout_stream = g_unix_input_stream_new (stdout_fd, TRUE);
    }
  if (stderr_fd >= 0)
    {
      g_unix_set_fd_nonblocking (stderr_fd, TRUE, NULL);
      self->stderr_stream = g_unix_input_stream_new (stderr_fd, TRUE);
    }

  self->child_watch = g_child_watch_source_new (self->pid);
  g_source_set_callback (self->child_watch, G_SOURCE_FUNC (on_child_exited), self, NULL);
  g_source_set_static_name (self->child_watch, "[wc-child] child watch");
  g_source_attach (self->child_watch, g_main_context_get_thread_default ());

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

/* Descendants of a child whose parent dies are re-parented to the nearest subreaper instead
 * of init, so that group_settled() can reap them. In a container whose init does not reap,
 * they would otherwise stay zombies. A process attribute, set once. */
static void
become_subreaper (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      if (prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        g_debug ("PR_SET_CHILD_SUBREAPER: %s", g_strerror (errno));
      g_once_init_leave (&done, 1);
    }
}

/* Build tools put their jobs in process groups of their own: ninja gives every command one
 * (setpgid), so killing the leader's group misses a running compiler. Its session, made by
 * setsid() at spawn, holds them all; only a daemon that calls setsid() itself leaves it.
 * Calls func for every process of session sid (other than ourselves), reading /proc. Returns
 * how many there were. */
static guint
foreach_session_member (GPid      sid,
                        void    (*func) (GPid pid, GPid ppid, char state, gpointer data),
                        gpointer  data)
{
  GDir *proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint n = 0;

  if (proc == NULL)
    return 0;
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      char path[64];
      g_autofree char *stat = NULL;
      const char *p;
      char state;
      int ppid, pgrp, session;
      GPid pid;

      if (!g_ascii_isdigit (name[0]))
        continue;
      /* getsid() costs a syscall where reading /proc/N/stat costs ten times more: this runs
       * after every child, so only members get their stat read. */
      pid = (GPid) atoi (name);
      if (getsid (pid) != sid)
        continue;
      n++;
      if (func == NULL)
        continue;
      g_snprintf (path, sizeof path, "/proc/%s/stat", name);
      if (!g_file_get_contents (path, &stat, NULL, NULL) || (p = strrchr (stat, ')')) == NULL)
        continue;
      if (sscanf (p + 1, " %c %d %d %d", &state, &ppid, &pgrp, &session) != 4 ||
          session != sid)
        continue;
      func (pid, ppid, state, data);
    }
  g_dir_close (proc);
  return n;
}

static void
kill_member (GPid     pid,
             GPid     ppid,
             char     state,
             gpointer data)
{
  if (state != 'Z')
    kill (pid, GPOINTER_TO_INT (data));
}

static void
reap_member (GPid     pid,
             GPid     ppid,
             char     state,
             gpointer data)
{
  /* Ours because we are a subreaper and its parent died first; never the leader, whom
   * GLib's child watch reaps. */
  if (state == 'Z' && ppid == getpid () && pid != GPOINTER_TO_INT (data))
    waitpid (pid, NULL, WNOHANG);
}

static void
signal_group (WcChild *self,
              int      signum)
{
  if (self->pid <= 0)
    return;

  if (kill (-self->pid, signum) != 0 && errno != ESRCH)
    g_debug ("kill (-%d, %d): %s", (int) self->pid, signum, g_strerror (errno));
  /* Jobs in process groups of their own within the child's session (ninja, make -j). */
  foreach_session_member (self->pid, kill_member, GINT_TO_POINTER (signum));

  /* The child itself, which with SELF_GROUP may not have called setsid() yet. Through its
   * pidfd this never reaches a recycled pid. */
  if (!self->reaped)
    {
      if (self->pidfd >= 0)
        syscall (SYS_pidfd_send_signal, self->pidfd, signum, NULL, 0);
      else
        kill (self->pid, signum);
    }
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
  if (!self->spawned)
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

/* After the leader exited: read what is left, but stop after WC_CHILD_DRAIN_MS if something
 * outside its group still holds the pipes. */
static void
start_drain (WcChild *self)
{
  if (self->pipes[0].done && self->pipes[1].done)
    return;
  self->drain_source = g_timeout_source_new (WC_CHILD_DRAIN_MS);
  g_source_set_callback (self->drain_source, on_drain_expired, self, NULL);
  g_source_set_static_name (self->drain_source, "[wc-child] drain");
  g_source_attach (self->drain_source, self->context);
}

static void
on_child_exited (GPid     pid,
                 int      wait_status,
                 gpointer user_data)
{
  g_autoptr(WcChild) self = g_object_ref (user_data);

  /* Already reaped by GLib, so the pidfd has nothing left to signal. */
  self->reaped = TRUE;
  self->wait_status = wait_status;
  self->reap_time = g_get_monotonic_time ();
  g_clear_pointer (&self->child_watch, g_source_unref);
  clear_source (&self->grace_source);

  g_debug ("%s (pid %d) %s %d", self->argv[0], (int) pid,
           WIFEXITED (wait_status) ? "exited with status" : "killed by signal",
           WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : WTERMSIG (wait_status));

  /* Whatever the leader left behind in its group (a grandchild holding our pipes, say)
   * dies with it: no orphan. */
  signal_group (self, SIGKILL);

  if (self->task == NULL)
    return;

  start_drain (self);
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

/* The leader is reaped and its group (and session) was sent SIGKILL. Its other members die a
 * moment later;
 * those whose parent died first were re-parented to us (we are a child subreaper, see
 * become_subreaper()), so reap them here: no zombie and no orphan outlives the wait. Only
 * members of this group are reaped, never another child GLib watches. */
static gboolean
group_settled (WcChild *self)
{
  if (self->pid <= 0)
    return TRUE;
  while (waitpid (-self->pid, NULL, WNOHANG) > 0)
    ;
  /* Count again only when there was something to reap. */
  if (foreach_session_member (self->pid, reap_member, GINT_TO_POINTER (self->pid)) > 0 &&
      foreach_session_member (self->pid, NULL, NULL) > 0)
    return FALSE;
  return kill (-self->pid, 0) != 0 && errno == ESRCH;
}

static gboolean
on_settle_poll (gpointer user_data)
{
  WcChild *self = user_data;

  gboolean settled = group_settled (self);

  if (settled || g_get_monotonic_time () >= self->settle_deadline)
    {
      if (!settled)
        g_debug ("Process group %d still has members %u ms after its leader exited",
                 (int) self->pid, WC_CHILD_SETTLE_MS);
      self->settled = TRUE;
      g_clear_pointer (&self->settle_source, g_source_unref);
      try_complete (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
try_complete (WcChild *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(WcChildResult) res = NULL;
  StopReason reason;

  if (self->task == NULL || !self->reaped || !self->pipes[0].done || !self->pipes[1].done)
    return;

  if (!self->settled)
    {
      if (group_settled (self))
        self->settled = TRUE;
      else
        {
          if (self->settle_source == NULL)
            {
              self->settle_deadline = g_get_monotonic_time () + WC_CHILD_SETTLE_MS * 1000;
              self->settle_source = g_timeout_source_new (WC_CHILD_SETTLE_POLL_MS);
              g_source_set_callback (self->settle_source, on_settle_poll, self, NULL);
              g_source_set_static_name (self->settle_source, "[wc-child] settle");
              g_source_attach (self->settle_source, self->context);
            }
          return;
        }
    }

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
                               _("‘%s’ wrote more than %lu bytes of output; "
                                 "its process group was killed"),
                               self->argv[0], (gulong) self->max_output);
      return;

    case STOP_NONE:
    default:
      break;
    }

  res = g_new0 (WcChildResult, 1);
  if (WIFEXITED (self->wait_status))
    {
      res->exited = TRUE;
      res->exit_status = WEXITSTATUS (self->wait_status);
    }
  else if (WIFSIGNALED (self->wait_status))
    res->term_signal = WTERMSIG (self->wait_status);

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

  if (!self->spawned && !wc_child_spawn (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  self->task = g_steal_pointer (&task);
  self->context = g_main_context_ref_thread_default ();
  self->io_cancellable = g_cancellable_new ();

  pipe_start (self, &self->pipes[0], self->stdout_stream,
              (self->flags & WC_CHILD_FLAGS_CAPTURE_STDOUT) != 0);
  pipe_start (self, &self->pipes[1], self->stderr_stream,
              (self->flags & WC_CHILD_FLAGS_CAPTURE_STDERR) != 0);

  /* The child may have exited already (spawn() long before): the watch has fired then,
   * and killed what it left in its group. */
  if (self->reaped)
    start_drain (self);

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

  /* Nothing to read and already reaped: completes from an idle. */
  try_complete (self);
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

  if (!self->spawned || self->reaped)
    return;
  begin_kill (self);
}

#if defined(__GLIBC__)
#if __GLIBC_PREREQ (2, 32)
#define HAVE_SIGABBREV_NP 1
#endif
#endif

#ifndef HAVE_SIGABBREV_NP
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

#ifdef HAVE_SIGABBREV_NP
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
