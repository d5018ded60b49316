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
/* Recursively copy a directory tree (regular files, dirs, symlinks), skipping the named
 * top-level entries in skip (NULL-terminated, may be NULL). */
void         wc_test_copy_tree        (const char   *from,
                                       const char   *to,
                                       const char * const *skip);

/* Whether the process pid or any process of group pgid exists. */
gboolean     wc_test_pid_alive        (GPid          pid);
gboolean     wc_test_pgid_alive       (GPid          pgid);
/* Whether /proc/self/maps mentions needle. */
gboolean     wc_test_self_maps_contain (const char  *needle);

G_END_DECLS
