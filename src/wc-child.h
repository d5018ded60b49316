/* wc-child.h: one child process in its own process group, output drained, group killed on
 * cancel or timeout. Every child Wavecraft starts (extract-params, meson, cargo, npm/vite)
 * goes through this class.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "wc-types.h"

G_BEGIN_DECLS

#define WC_TYPE_CHILD (wc_child_get_type ())
G_DECLARE_FINAL_TYPE (WcChild, wc_child, WC, CHILD, GObject)

#define WC_CHILD_ERROR (wc_child_error_quark ())

/**
 * WcChildError:
 * @WC_CHILD_ERROR_SPAWN: the program could not be started
 * @WC_CHILD_ERROR_TIMEOUT: the timeout expired; the process group was killed and reaped
 * @WC_CHILD_ERROR_OUTPUT_TOO_LARGE: stdout or stderr exceeded the capture cap; group killed
 */
typedef enum {
  WC_CHILD_ERROR_SPAWN,
  WC_CHILD_ERROR_TIMEOUT,
  WC_CHILD_ERROR_OUTPUT_TOO_LARGE,
} WcChildError;

/**
 * WcChildFlags:
 * @WC_CHILD_FLAGS_NONE: no flags
 * @WC_CHILD_FLAGS_CAPTURE_STDOUT: collect stdout into a #GBytes (capped)
 * @WC_CHILD_FLAGS_CAPTURE_STDERR: collect stderr into a #GBytes (capped)
 * @WC_CHILD_FLAGS_LINES: emit #WcChild::line for each line of stdout/stderr as it arrives
 * @WC_CHILD_FLAGS_SELF_GROUP: the child calls setsid() itself (as `extract-params` does), so
 *   the fast posix_spawn path can be used; otherwise the launcher calls setsid() in the
 *   child after fork
 * @WC_CHILD_FLAGS_INHERIT_STDIO: stdout and stderr go to ours (not captured)
 */
typedef enum {
  WC_CHILD_FLAGS_NONE           = 0,
  WC_CHILD_FLAGS_CAPTURE_STDOUT = 1 << 0,
  WC_CHILD_FLAGS_CAPTURE_STDERR = 1 << 1,
  WC_CHILD_FLAGS_LINES          = 1 << 2,
  WC_CHILD_FLAGS_SELF_GROUP     = 1 << 3,
  WC_CHILD_FLAGS_INHERIT_STDIO  = 1 << 4,
} WcChildFlags;

/**
 * WcChildResult:
 * @exited: %TRUE when the child exited normally, %FALSE when a signal killed it
 * @exit_status: exit code when @exited
 * @term_signal: signal number when not @exited
 * @stdout_bytes: (nullable): captured stdout when requested
 * @stderr_bytes: (nullable): captured stderr when requested
 * @duration_us: wall time from spawn to reap, microseconds
 */
typedef struct
{
  gboolean  exited;
  int       exit_status;
  int       term_signal;
  GBytes   *stdout_bytes;
  GBytes   *stderr_bytes;
  gint64    duration_us;
} WcChildResult;

GQuark          wc_child_error_quark    (void);
void            wc_child_result_free    (WcChildResult        *result);
WcChild        *wc_child_new            (const char * const   *argv,
                                         WcChildFlags          flags);
void            wc_child_set_cwd        (WcChild              *self,
                                         const char           *cwd);
void            wc_child_setenv         (WcChild              *self,
                                         const char           *variable,
                                         const char           *value);
void            wc_child_set_timeout    (WcChild              *self,
                                         guint                 timeout_ms);
void            wc_child_set_max_output (WcChild              *self,
                                         gsize                 max_bytes);
gboolean        wc_child_spawn          (WcChild              *self,
                                         GError              **error);
GPid            wc_child_get_pid        (WcChild              *self);
void            wc_child_wait_async     (WcChild              *self,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
WcChildResult  *wc_child_wait_finish    (WcChild              *self,
                                         GAsyncResult         *result,
                                         GError              **error);
void            wc_child_kill_group     (WcChild              *self);
char           *wc_signal_name          (int                   signum);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcChildResult, wc_child_result_free)

G_END_DECLS
