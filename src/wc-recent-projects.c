/* wc-recent-projects.c
 *
 * The file holds one group per project, newest first:
 *
 *   [project-0]
 *   root=/home/me/plugins/tremolo
 *   name=tremolo
 *   last-used=1732270000
 *
 * Group names are positional so that a root with any character in it is stored as a value.
 * Saving is atomic (g_key_file_save_to_file() writes a temporary file and renames it).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-recent-projects"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "wc-recent-projects.h"

/**
 * wc_recent_project_free:
 * @project: (nullable): a #WcRecentProject
 *
 * Frees @project and its strings.
 */
void
wc_recent_project_free (WcRecentProject *project)
{
  if (project == NULL)
    return;
  g_free (project->root);
  g_free (project->name);
  g_free (project);
}

/**
 * wc_recent_projects_dup_path:
 *
 * Returns: (transfer full): the keyfile's path,
 *   `g_get_user_data_dir()/wavecraft/recent-projects.ini`
 */
char *
wc_recent_projects_dup_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "wavecraft", "recent-projects.ini", NULL);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const WcRecentProject *pa = *(WcRecentProject * const *) a;
  const WcRecentProject *pb = *(WcRecentProject * const *) b;

  return pa->last_used < pb->last_used ? 1 : pa->last_used > pb->last_used ? -1 : 0;
}

/**
 * wc_recent_projects_load:
 *
 * Reads the list. A missing or unreadable file is an empty list; entries without a root
 * are skipped, and a root listed twice keeps its newest entry.
 *
 * Returns: (transfer full) (element-type WcRecentProject): the projects, newest first
 */
GPtrArray *
wc_recent_projects_load (void)
{
  g_autofree char *path = wc_recent_projects_dup_path ();
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_recent_project_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) groups = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_debug ("Ignoring %s: %s", path, error->message);
      return g_steal_pointer (&list);
    }

  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *root = g_key_file_get_string (keyfile, groups[i], "root", NULL);
      WcRecentProject *p;

      if (root == NULL || !g_path_is_absolute (root))
        continue;
      p = g_new0 (WcRecentProject, 1);
      p->root = g_steal_pointer (&root);
      p->name = g_key_file_get_string (keyfile, groups[i], "name", NULL);
      if (p->name == NULL)
        p->name = g_path_get_basename (p->root);
      p->last_used = g_key_file_get_int64 (keyfile, groups[i], "last-used", NULL);
      g_ptr_array_add (list, p);
    }

  g_ptr_array_sort (list, compare_newest_first);
  for (guint i = 0; i < list->len;)
    {
      WcRecentProject *p = g_ptr_array_index (list, i);

      if (!g_hash_table_add (seen, p->root))
        g_ptr_array_remove_index (list, i);
      else
        i++;
    }
  return g_steal_pointer (&list);
}

static gboolean
save (GPtrArray  *list,
      GError    **error)
{
  g_autofree char *path = wc_recent_projects_dup_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();

  for (guint i = 0; i < list->len && i < WC_RECENT_PROJECTS_MAX; i++)
    {
      WcRecentProject *p = g_ptr_array_index (list, i);
      g_autofree char *group = g_strdup_printf ("project-%u", i);

      g_key_file_set_string (keyfile, group, "root", p->root);
      g_key_file_set_string (keyfile, group, "name", p->name);
      g_key_file_set_int64 (keyfile, group, "last-used", p->last_used);
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not create %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }
  return g_key_file_save_to_file (keyfile, path, error);
}

/**
 * wc_recent_projects_add:
 * @root: the project's root directory (absolute)
 * @name: its display name
 * @error: set to a #GFileError when the file cannot be written
 *
 * Moves @root to the top of the list with the current time, dropping the oldest entry
 * beyond %WC_RECENT_PROJECTS_MAX.
 *
 * Returns: %TRUE when saved
 */
gboolean
wc_recent_projects_add (const char  *root,
                        const char  *name,
                        GError     **error)
{
  g_autoptr(GPtrArray) list = NULL;
  WcRecentProject *p;

  g_return_val_if_fail (root != NULL && g_path_is_absolute (root), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  list = wc_recent_projects_load ();
  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (((WcRecentProject *) g_ptr_array_index (list, i))->root, root) == 0)
      {
        g_ptr_array_remove_index (list, i);
        break;
      }

  p = g_new0 (WcRecentProject, 1);
  p->root = g_strdup (root);
  p->name = g_strdup (name);
  p->last_used = g_get_real_time () / G_USEC_PER_SEC;
  g_ptr_array_insert (list, 0, p);
  return save (list, error);
}

/**
 * wc_recent_projects_remove:
 * @root: a project root
 * @error: set to a #GFileError when the file cannot be written
 *
 * Forgets @root. Removing a root that is not listed succeeds.
 *
 * Returns: %TRUE when saved (or nothing to do)
 */
gboolean
wc_recent_projects_remove (const char  *root,
                           GError     **error)
{
  g_autoptr(GPtrArray) list = NULL;

  g_return_val_if_fail (root != NULL, FALSE);

  list = wc_recent_projects_load ();
  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (((WcRecentProject *) g_ptr_array_index (list, i))->root, root) == 0)
      {
        g_ptr_array_remove_index (list, i);
        return save (list, error);
      }
  return TRUE;
}
