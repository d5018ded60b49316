/* wc-test-util.h: helpers shared by the GTest programs.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Iterate the thread-default main context until *flag is TRUE or deadline_ms passes.
 * Returns TRUE when the flag was set. Never sleeps. */
gboolean     wc_test_wait_flag        (gboolean     *flag,
                                       guint         deadline_ms);
/* Iterate until func(data) returns TRUE or the deadline passes. */
gboolean     wc_test_wait_until       (gboolean    (*func) (gpointer data),
                                       gpointer      data,
                                       guint         deadline_ms);
/* Run an async op to completion: iterate until *result is non-NULL. */
GAsyncResult *wc_test_wait_result     (GAsyncResult **result,
                                       guint          deadline_ms);
/* GAsyncReadyCallback storing a ref of the result in *(GAsyncResult **)user_data. */
void         wc_test_store_result     (GObject       *source,
                                       GAsyncResult  *result,
                                       gpointer       user_data);

/* Path of the wavecraft binary under test ($WAVECRAFT_BIN). */
const char  *wc_test_wavecraft_bin    (void);
/* A file built from tests/fixtures: $G_TEST_BUILDDIR/fixtures/<name>. */
char        *wc_test_fixture_path     (const char   *name);
/* The source root ($WAVECRAFT_SOURCE_ROOT) joined with a relative path. */
char        *wc_test_source_path      (const char   *relative);

/* A fresh temporary directory, removed recursively with wc_test_rm_rf(). */
char        *wc_test_mkdtemp          (void);
void         wc_test_rm_rf            (const char   *path);
/* Recursively copy a directory tree, following symlinks (copied as real files and trees),
 * skipping the named top-level entries in skip (NULL-terminated, may be NULL). Modification
 * times are not preserved: copies are newer than their sources. */
void         wc_test_copy_tree        (const char   *from,
                                       const char   *to,
                                       const char * const *skip);

/* Write contents to dir/relative (relative may be NULL: dir is then the file's path),
 * creating missing parent directories; asserts success. */
void         wc_test_write_file       (const char   *dir,
                                       const char   *relative,
                                       const char   *contents);

/* wc_test_wait_until() for a condition no main-context event announces (a process exit,
 * a file appearing): func is checked again every 5 ms until the deadline. */
gboolean     wc_test_wait_polling     (gboolean    (*func) (gpointer data),
                                       gpointer      data,
                                       guint         deadline_ms);

/* Whether the process pid or any process of group pgid exists. */
gboolean     wc_test_pid_alive        (GPid          pid);
gboolean     wc_test_pgid_alive       (GPid          pgid);
/* Whether /proc/self/maps mentions needle. */
gboolean     wc_test_self_maps_contain (const char  *needle);
/* Reads /proc/<pid>/stat, pid as named in /proc (decimal text): state (a char such as 'R'
 * or 'Z'), ppid, pgrp and the kernel's per-process flags, each out argument nullable.
 * FALSE when there is no such process or the entry is not a process. */
gboolean     wc_test_read_proc_stat   (const char   *pid,
                                       char         *state,
                                       int          *ppid,
                                       int          *pgrp,
                                       guint        *flags);

/* The ASAN_OPTIONS value for children that never run a leak check but would pay for the
 * suite's exact malloc stacks (fast_unwind_on_malloc=0 turned to 1); NULL when ASAN_OPTIONS
 * asks for no such thing (transfer full). */
char        *wc_test_fast_unwind_asan_options (void);



/* ---- WebSocket JSON-RPC client (libsoup) ---- */
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

typedef struct _WcTestClient WcTestClient;

/* Connect to url (ws://...), optional Origin; asserts success within the deadline. */
WcTestClient *wc_test_client_connect      (const char   *url,
                                           const char   *origin);
void          wc_test_client_free         (WcTestClient *client);
SoupWebsocketConnection *wc_test_client_get_connection (WcTestClient *client);
/* The text of a request {"jsonrpc":"2.0","id":N,"method":M,"params":P}; params_json may be
 * NULL (no "params" member). */
char         *wc_test_jsonrpc_request     (int           id,
                                           const char   *method,
                                           const char   *params_json);
/* Send a request (wc_test_jsonrpc_request()) and wait for the response with that id.
 * params_json may be NULL. Returns the whole response object. */
JsonNode     *wc_test_client_call         (WcTestClient *client,
                                           const char   *method,
                                           const char   *params_json);
/* Wait until a notification with this method arrives (or one already queued); returns its
 * params (transfer full), or NULL on deadline. Earlier notifications of other methods stay
 * queued. */
JsonNode     *wc_test_client_wait_notification (WcTestClient *client,
                                                const char   *method,
                                                guint         deadline_ms);
/* Drop queued notifications of this method (NULL: all). */
void          wc_test_client_drain        (WcTestClient *client,
                                           const char   *method);
/* Number of notifications of this method received so far (never drained count). */
guint         wc_test_client_count        (WcTestClient *client,
                                           const char   *method);

/* ---- wavecraft start as a child process ---- */
typedef struct _WcTestProc WcTestProc;

/* Spawn WAVECRAFT_BIN with args; stdout and stderr are collected. */
WcTestProc   *wc_test_proc_spawn          (const char * const *args,
                                           const char         *cwd);
/* wc_test_proc_spawn(), then wait until stdout says "Press Ctrl+C to stop"; on deadline or
 * exit first, fails the test (g_error) showing its stdout and stderr. */
WcTestProc   *wc_test_proc_spawn_ready    (const char * const *args,
                                           const char         *cwd,
                                           guint               deadline_ms);
GPid          wc_test_proc_get_pid        (WcTestProc   *proc);
/* Wait until stdout contains needle; returns FALSE on deadline or exit. */
gboolean      wc_test_proc_wait_stdout    (WcTestProc   *proc,
                                           const char   *needle,
                                           guint         deadline_ms);
gboolean      wc_test_proc_wait_stderr    (WcTestProc   *proc,
                                           const char   *needle,
                                           guint         deadline_ms);
const char   *wc_test_proc_get_stdout     (WcTestProc   *proc);
const char   *wc_test_proc_get_stderr     (WcTestProc   *proc);
/* Wait for exit; returns TRUE when it exited within the deadline; status in *exit_status
 * (-signal when killed). */
gboolean      wc_test_proc_wait_exit      (WcTestProc   *proc,
                                           guint         deadline_ms,
                                           int          *exit_status);
void          wc_test_proc_signal         (WcTestProc   *proc,
                                           int           signum);
/* Kills it if still running and frees. */
void          wc_test_proc_free           (WcTestProc   *proc);
/* The first "http://127.0.0.1:N/" port printed on stdout, 0 if none. */
guint         wc_test_proc_get_port       (WcTestProc   *proc);

/* Whether a TCP port on 127.0.0.1 can be bound (is free). */
gboolean      wc_test_port_is_free        (guint         port);
/* Copy examples/tremolo to a fresh temp dir (without build dirs); returns the project dir. */
char         *wc_test_copy_example        (void);

/* The live processes (not zombies) whose working directory is dir or below it: their pids
 * as an array of int (transfer full). */
GArray       *wc_test_pids_in             (const char   *dir);
/* The number of those processes. */
guint         wc_test_count_processes_in  (const char   *dir);

/* Before g_test_init(): G_TEST_OPTION_ISOLATE_DIRS moves HOME, so point RUSTUP_HOME and
 * CARGO_HOME at the real toolchain, and make cargo work offline with its default target
 * dir. */
void          wc_test_setup_cargo_env     (void);
/* The cargo binary on PATH, or NULL (transfer full). */
char         *wc_test_find_cargo          (void);

G_END_DECLS
