/* wc-project-private.h: the pruned source-tree walk shared by WcProject and WcRebuildWatcher.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Called for every directory that is descended into (the root first), before its entries
 * are read. Return FALSE to skip the directory's entries. */
typedef gboolean (*WcWalkDirFunc)  (const char *path,
                                    gpointer    user_data);
/* Called for every watched file (wc_project_is_watched_file()) in a visited directory. */
typedef void     (*WcWalkFileFunc) (const char *path,
                                    gpointer    user_data);

void wc_project_walk (const char         *root,
                      const char * const *extra_prune,
                      WcWalkDirFunc       dir_func,
                      WcWalkFileFunc      file_func,
                      gpointer            user_data);

G_END_DECLS
