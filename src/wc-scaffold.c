/* wc-scaffold.c: new plugin projects from the templates compiled into the binary.
 *
 * The templates live in src/templates/ and are compiled into a GResource
 * (src/templates/wavecraft-templates.gresource.xml) together with a copy of the C plugin SDK,
 * so `wavecraft create` works from an installed binary with no source tree around:
 *
 *   /dev/wavecraft/Wavecraft/templates/c-plugin/…          the skeleton; every file is a
 *                                                          template (@NAME@, @LIBNAME@, @TITLE@)
 *   /dev/wavecraft/Wavecraft/templates/wavecraft-plugin/…  the SDK, copied verbatim to
 *                                                          engine/subprojects/wavecraft-plugin/
 *
 * A project is written into a hidden temporary directory beside its final place and renamed
 * into place once complete, so a failure never leaves half a project behind.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-scaffold"

#include <dirent.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "wc-scaffold.h"
#include "wc-templates.h"

#define TEMPLATES_PATH APP_PATH "/templates/"
#define SKELETON_PATH  TEMPLATES_PATH "c-plugin/"
#define SDK_PATH       TEMPLATES_PATH "wavecraft-plugin/"
#define SDK_DEST       "engine/subprojects/wavecraft-plugin/"

G_DEFINE_QUARK (wc-scaffold-error-quark, wc_scaffold_error)

typedef struct
{
  char     *relative;     /* path inside the new project, '/'-separated */
  char     *resource;     /* resource path */
  gboolean  substitute;   /* a template: replace the @KEY@ placeholders */
} Entry;

static void
entry_free (gpointer data)
{
  Entry *e = data;

  g_free (e->relative);
  g_free (e->resource);
  g_free (e);
}

static int
entry_compare (gconstpointer a,
               gconstpointer b)
{
  const Entry *ea = *(const Entry * const *) a;
  const Entry *eb = *(const Entry * const *) b;

  return strcmp (ea->relative, eb->relative);
}

/* The name as it may appear in a one-line message: valid UTF-8, no control characters. */
static char *
printable (const char *text)
{
  char *copy = g_utf8_make_valid (text, -1);

  for (char *p = copy; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = '?';
  return copy;
}

/**
 * wc_scaffold_validate_name:
 * @name: a plugin name as typed by the user
 * @error: return location for a #WC_SCAFFOLD_ERROR_INVALID_NAME error
 *
 * Checks that @name can name a project directory, a meson project and (with `-` turned into
 * `_`, see wc_scaffold_library_name()) a shared library: a lowercase ASCII letter followed by
 * lowercase letters, digits, `-` and `_`, at most %WC_SCAFFOLD_NAME_MAX bytes.
 *
 * Returns: %TRUE when @name is valid
 */
gboolean
wc_scaffold_validate_name (const char  *name,
                           GError     **error)
{
  gboolean ok;
  gsize length;

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  length = strlen (name);
  ok = length > 0 && g_ascii_islower (name[0]);
  for (gsize i = 1; ok && i < length; i++)
    ok = g_ascii_islower (name[i]) || g_ascii_isdigit (name[i]) || name[i] == '-' ||
         name[i] == '_';

  if (!ok)
    {
      g_autofree char *shown = printable (name);

      g_set_error (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_INVALID_NAME,
                   _("Invalid plugin name “%s”: use lowercase letters, digits, “-” and “_”, "
                     "starting with a letter"), shown);
      return FALSE;
    }
  if (length > WC_SCAFFOLD_NAME_MAX)
    {
      g_set_error (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_INVALID_NAME,
                   _("Invalid plugin name “%s”: use at most %d characters"),
                   name, WC_SCAFFOLD_NAME_MAX);
      return FALSE;
    }
  return TRUE;
}

/**
 * wc_scaffold_library_name:
 * @name: a valid plugin name (wc_scaffold_validate_name())
 *
 * The stem of the plugin's shared library, `lib<stem>.so`: @name with `-` turned into `_`
 * ("my-gain" → "my_gain").
 *
 * Returns: (transfer full): the library stem
 */
char *
wc_scaffold_library_name (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_strdelimit (g_strdup (name), "-", '_');
}

/**
 * wc_scaffold_title:
 * @name: a valid plugin name (wc_scaffold_validate_name())
 *
 * A display title for the README and comments: the words of @name between `-` and `_`,
 * each capitalised, joined by spaces ("my-gain" → "My Gain").
 *
 * Returns: (transfer full): the title
 */
char *
wc_scaffold_title (const char *name)
{
  g_auto(GStrv) words = NULL;
  GString *title;

  g_return_val_if_fail (name != NULL, NULL);

  words = g_strsplit_set (name, "-_", -1);
  title = g_string_new (NULL);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (title->len > 0)
        g_string_append_c (title, ' ');
      g_string_append_c (title, g_ascii_toupper (words[i][0]));
      g_string_append (title, words[i] + 1);
    }
  return g_string_free (title, FALSE);
}

/* Every file below @resource_dir (ending in '/'), as entries relative to @relative_dir
 * ("" or ending in '/'). */
static gboolean
collect (GResource   *resource,
         const char  *resource_dir,
         const char  *relative_dir,
         gboolean     substitute,
         GPtrArray   *entries,
         GError     **error)
{
  g_auto(GStrv) children = NULL;

  children = g_resource_enumerate_children (resource, resource_dir,
                                            G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (children == NULL)
    return FALSE;

  for (guint i = 0; children[i] != NULL; i++)
    {
      g_autofree char *child_resource = g_strconcat (resource_dir, children[i], NULL);
      g_autofree char *child_relative = g_strconcat (relative_dir, children[i], NULL);

      if (g_str_has_suffix (children[i], "/"))
        {
          if (!collect (resource, child_resource, child_relative, substitute, entries, error))
            return FALSE;
        }
      else
        {
          Entry *e = g_new0 (Entry, 1);

          e->relative = g_steal_pointer (&child_relative);
          e->resource = g_steal_pointer (&child_resource);
          e->substitute = substitute;
          g_ptr_array_add (entries, e);
        }
    }
  return TRUE;
}

/* Removes @path and everything below it, never following symbolic links. Best effort: used
 * to clean up a temporary tree after a failure. */
static void
remove_tree (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      GDir *dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_clear_pointer (&dir, g_dir_close);
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static gboolean
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *format,
                 const char  *path)
{
  g_set_error (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_FAILED, format, path,
               g_strerror (saved_errno));
  return FALSE;
}

/* Writes every entry below @root; @target is the final project directory, for messages. */
static gboolean
write_entries (GPtrArray   *entries,
               const char  *root,
               const char  *target,
               const char  *name,
               GError     **error)
{
  GResource *resource = wc_templates_get_resource ();
  g_autofree char *library = wc_scaffold_library_name (name);
  g_autofree char *title = wc_scaffold_title (name);

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = g_ptr_array_index (entries, i);
      g_autofree char *path = g_build_filename (root, e->relative, NULL);
      g_autofree char *final_path = g_build_filename (target, e->relative, NULL);
      g_autofree char *dir = g_path_get_dirname (path);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) local_error = NULL;
      gsize size = 0;
      const char *data;
      g_autoptr(GString) text = NULL;

      bytes = g_resource_lookup_data (resource, e->resource, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                      &local_error);
      if (bytes == NULL)
        {
          g_set_error (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_FAILED,
                       _("Could not read the template %s: %s"), e->resource,
                       local_error->message);
          return FALSE;
        }
      data = g_bytes_get_data (bytes, &size);
      if (e->substitute)
        {
          text = g_string_new_len (data, size);
          g_string_replace (text, "@NAME@", name, 0);
          g_string_replace (text, "@LIBNAME@", library, 0);
          g_string_replace (text, "@TITLE@", title, 0);
          data = text->str;
          size = text->len;
        }

      if (g_mkdir_with_parents (dir, 0777) != 0)
        {
          g_autofree char *final_dir = g_path_get_dirname (final_path);

          return set_errno_error (error, errno, _("Could not create the directory %s: %s"),
                                  final_dir);
        }
      if (!g_file_set_contents (path, data, size, &local_error))
        {
          g_set_error (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_FAILED,
                       _("Could not write %s: %s"), final_path, local_error->message);
          return FALSE;
        }
    }
  return TRUE;
}

/* 1: empty directory, 0: not empty, -1: could not be read (errno set). */
static int
dir_is_empty (const char *path)
{
  DIR *dir = opendir (path);
  struct dirent *entry;
  int empty = 1;

  if (dir == NULL)
    return -1;
  while (empty && (entry = readdir (dir)) != NULL)
    if (strcmp (entry->d_name, ".") != 0 && strcmp (entry->d_name, "..") != 0)
      empty = 0;
  closedir (dir);
  return empty;
}

static gboolean
set_exists_error (GError     **error,
                  const char  *target,
                  gboolean     is_dir)
{
  if (is_dir)
    g_set_error (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_EXISTS,
                 _("%s already exists and is not empty"), target);
  else
    g_set_error (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_EXISTS,
                 _("%s already exists and is not a directory"), target);
  return FALSE;
}

/* Moves the finished tree @tmp to @target: a rename of the whole directory, or, when @target
 * is an existing empty directory, of each top-level entry. */
static gboolean
move_into_place (const char  *tmp,
                 const char  *target,
                 gboolean     target_exists,
                 GError     **error)
{
  GDir *dir;
  const char *name;

  if (!target_exists)
    {
      if (g_rename (tmp, target) == 0)
        return TRUE;
      if (errno == EEXIST || errno == ENOTEMPTY)
        return set_exists_error (error, target, TRUE);
      return set_errno_error (error, errno, _("Could not create %s: %s"), target);
    }

  dir = g_dir_open (tmp, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *from = g_build_filename (tmp, name, NULL);
      g_autofree char *to = g_build_filename (target, name, NULL);

      if (g_file_test (to, G_FILE_TEST_EXISTS))
        {
          g_dir_close (dir);
          return set_exists_error (error, target, TRUE);
        }
      if (g_rename (from, to) != 0)
        {
          int saved_errno = errno;

          g_dir_close (dir);
          return set_errno_error (error, saved_errno, _("Could not create %s: %s"), to);
        }
    }
  g_clear_pointer (&dir, g_dir_close);
  g_rmdir (tmp);
  return TRUE;
}

/**
 * wc_scaffold_create:
 * @name: the plugin name (checked with wc_scaffold_validate_name())
 * @parent: (nullable): the directory to create the project in; %NULL for the current
 *   directory. Created, with its parents, when missing.
 * @error: return location for a #WC_SCAFFOLD_ERROR
 *
 * Creates the C plugin project `@parent/@name` from the built-in templates: `README.md`,
 * `.gitignore` (`engine/build-wavecraft/`), `engine/meson.build` (meson project @name
 * building `lib<library name>.so`), `engine/src/plugin.c` (a gain / clip / bypass plugin with
 * a `params[]` table) and a real copy of the C plugin SDK in
 * `engine/subprojects/wavecraft-plugin/` (without its tests), so that `wavecraft start`
 * builds and serves it offline at once. Nothing is a symbolic link.
 *
 * `@parent/@name` may be missing or an empty directory; anything else is refused. The
 * files are written to a hidden temporary directory in @parent (`.@name-XXXXXX`) that is
 * renamed into place when complete, and removed on failure.
 *
 * Errors: %WC_SCAFFOLD_ERROR_INVALID_NAME for a bad @name; %WC_SCAFFOLD_ERROR_EXISTS
 * ("<path> already exists and is not empty" or "… is not a directory");
 * %WC_SCAFFOLD_ERROR_FAILED when a directory or file cannot be created (the message names the
 * path and the system's reason).
 *
 * Returns: (transfer full) (array zero-terminated=1): the created files, relative to the
 *   project directory with `/` separators, sorted; %NULL on error
 */
char **
wc_scaffold_create (const char  *name,
                    const char  *parent,
                    GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (entry_free);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *target = NULL;
  g_autofree char *tmp = NULL;
  gboolean target_exists = FALSE;
  GResource *resource;
  GStatBuf st;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!wc_scaffold_validate_name (name, error))
    return NULL;
  if (parent == NULL || parent[0] == '\0')
    parent = ".";
  target = g_build_filename (parent, name, NULL);

  if (g_stat (target, &st) == 0)
    {
      int empty;

      if (!S_ISDIR (st.st_mode))
        {
          set_exists_error (error, target, FALSE);
          return NULL;
        }
      empty = dir_is_empty (target);
      if (empty < 0)
        {
          set_errno_error (error, errno, _("Could not read the directory %s: %s"), target);
          return NULL;
        }
      if (empty == 0)
        {
          set_exists_error (error, target, TRUE);
          return NULL;
        }
      target_exists = TRUE;
    }
  else if (errno != ENOENT && errno != ENOTDIR)
    {
      /* (ENOTDIR: @parent is a file; creating it below says so.) */
      set_errno_error (error, errno, _("Could not read %s: %s"), target);
      return NULL;
    }

  resource = wc_templates_get_resource ();
  if (!collect (resource, SKELETON_PATH, "", TRUE, entries, &local_error) ||
      !collect (resource, SDK_PATH, SDK_DEST, FALSE, entries, &local_error))
    {
      /* Only a broken build gets here: the resource is compiled in. */
      g_set_error (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_FAILED,
                   _("The project templates are missing from this build: %s"),
                   local_error->message);
      return NULL;
    }
  g_ptr_array_sort (entries, entry_compare);

  if (g_mkdir_with_parents (parent, 0777) != 0)
    {
      set_errno_error (error, errno, _("Could not create the directory %s: %s"), parent);
      return NULL;
    }
  tmp = g_strdup_printf ("%s" G_DIR_SEPARATOR_S ".%s-XXXXXX", parent, name);
  if (g_mkdtemp_full (tmp, 0777) == NULL)
    {
      set_errno_error (error, errno, _("Could not create a directory in %s: %s"), parent);
      return NULL;
    }

  if (!write_entries (entries, tmp, target, name, error) ||
      !move_into_place (tmp, target, target_exists, error))
    {
      remove_tree (tmp);
      return NULL;
    }

  files = g_ptr_array_new_full (entries->len + 1, g_free);
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (files, g_strdup (((Entry *) g_ptr_array_index (entries, i))->relative));
  g_ptr_array_add (files, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&files), FALSE);
}
