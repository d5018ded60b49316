/* wc-recent-projects.h: the projects the user started recently, for the desktop launcher.
 *
 * Kept in a keyfile, `$XDG_DATA_HOME/wavecraft/recent-projects.ini`, newest first, at most
 * %WC_RECENT_PROJECTS_MAX entries.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * WC_RECENT_PROJECTS_MAX:
 *
 * How many projects the list keeps; the oldest fall off.
 */
#define WC_RECENT_PROJECTS_MAX 20

/**
 * WcRecentProject:
 * @root: the project's root directory (absolute)
 * @name: its display name
 * @last_used: when it was last started, seconds since the Unix epoch (UTC)
 */
typedef struct
{
  char   *root;
  char   *name;
  gint64  last_used;
} WcRecentProject;

void        wc_recent_project_free        (WcRecentProject *project);
char       *wc_recent_projects_dup_path   (void);
GPtrArray  *wc_recent_projects_load       (void);
gboolean    wc_recent_projects_add        (const char      *root,
                                           const char      *name,
                                           GError         **error);
gboolean    wc_recent_projects_remove     (const char      *root,
                                           GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcRecentProject, wc_recent_project_free)

G_END_DECLS
