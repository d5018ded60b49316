/* wc-project.c: a Wavecraft plugin project on disk: detection, engine kind and paths.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-project"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wc-project.h"
#include "wc-project-private.h"

struct _WcProject
{
  GObject       parent_instance;

  char         *root;
  char         *engine_dir;
  char         *ui_dir;
  char         *name;
  char         *library_name;
  char         *build_dir;
  WcEngineKind  kind;
  gboolean      has_param_discovery;
  gboolean      is_workspace;
};

G_DEFINE_FINAL_TYPE (WcProject, wc_project, G_TYPE_OBJECT)

G_DEFINE_QUARK (wc-project-error-quark, wc_project_error)

/* Directory names never descended into, wherever they are in the engine tree. */
static const char * const pruned_names[] = {
  "target",
  "node_modules",
  "build-wavecraft",
  NULL
};

static const char * const watched_extensions[] = {
  ".c", ".h", ".cc", ".cpp", ".cxx", ".hh", ".hpp", ".hxx", ".rs", NULL
};

static const char * const watched_names[] = {
  "Cargo.toml", "meson.build", "meson_options.txt", "meson.options", "build.rs", NULL
};

static void
wc_project_finalize (GObject *object)
{
  WcProject *self = WC_PROJECT (object);

  g_free (self->root);
  g_free (self->engine_dir);
  g_free (self->ui_dir);
  g_free (self->name);
  g_free (self->library_name);
  g_free (self->build_dir);

  G_OBJECT_CLASS (wc_project_parent_class)->finalize (object);
}

static void
wc_project_class_init (WcProjectClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wc_project_finalize;
}

static void
wc_project_init (WcProject *self)
{
}

/* --- a deliberately small TOML reader: [table] headers and `key = "string"` lines --- */

typedef struct
{
  char     *package_name;
  char     *lib_name;
  gboolean  has_package;
  gboolean  has_workspace;
  gboolean  has_param_discovery;
} CargoManifest;

static void
cargo_manifest_clear (CargoManifest *m)
{
  g_clear_pointer (&m->package_name, g_free);
  g_clear_pointer (&m->lib_name, g_free);
}

/* Cuts a `#` comment that is not inside a string. */
static void
strip_toml_comment (char *line)
{
  char quote = 0;

  for (char *p = line; *p != '\0'; p++)
    {
      if (quote != 0)
        {
          if (*p == '\\' && quote == '"' && p[1] != '\0')
            p++;
          else if (*p == quote)
            quote = 0;
        }
      else if (*p == '"' || *p == '\'')
        quote = *p;
      else if (*p == '#')
        {
          *p = '\0';
          return;
        }
    }
}

/* Unquotes "x" or 'x' (no escapes beyond \" and \\), or returns a copy of a bare word. */
static char *
toml_unquote (const char *text)
{
  gsize len = strlen (text);

  if (len >= 2 && (text[0] == '"' || text[0] == '\'') && text[len - 1] == text[0])
    {
      GString *out = g_string_sized_new (len);

      for (gsize i = 1; i + 1 < len; i++)
        {
          if (text[0] == '"' && text[i] == '\\' && i + 2 < len)
            i++;
          g_string_append_c (out, text[i]);
        }
      return g_string_free (out, FALSE);
    }
  return g_strdup (text);
}

static void
parse_cargo_manifest (const char    *contents,
                      CargoManifest *m)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  g_autofree char *table = g_strdup ("");

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      char *eq;
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      strip_toml_comment (line);
      g_strstrip (line);
      if (line[0] == '\0')
        continue;

      if (line[0] == '[')
        {
          gsize len = strlen (line);
          gboolean array = line[1] == '[';

          g_free (table);
          if (line[len - 1] == ']')
            line[len - 1] = '\0';
          if (array && line[len - 2] == ']')
            line[len - 2] = '\0';
          table = g_strstrip (g_strdup (line + (array ? 2 : 1)));
          if (array)
            {
              /* [[bin]] and friends: arrays of tables, never ones we read */
              char *tmp = g_strconcat ("[]", table, NULL);
              g_free (table);
              table = tmp;
            }
          if (g_str_equal (table, "package"))
            m->has_package = TRUE;
          else if (g_str_equal (table, "workspace"))
            m->has_workspace = TRUE;
          continue;
        }

      eq = strchr (line, '=');
      if (eq == NULL)
        continue;
      *eq = '\0';
      key = toml_unquote (g_strstrip (line));
      value = toml_unquote (g_strstrip (eq + 1));

      if (g_str_equal (table, "package") && g_str_equal (key, "name"))
        {
          g_free (m->package_name);
          m->package_name = g_steal_pointer (&value);
        }
      else if (g_str_equal (table, "lib") && g_str_equal (key, "name"))
        {
          g_free (m->lib_name);
          m->lib_name = g_steal_pointer (&value);
        }
      else if (g_str_equal (table, "features") && g_str_equal (key, "_param-discovery"))
        m->has_param_discovery = TRUE;
      else if (table[0] == '\0' && g_str_equal (key, "features._param-discovery"))
        m->has_param_discovery = TRUE;
    }
}

/* The name in `project('name', ...)`, or NULL. */
static char *
parse_meson_project_name (const char *contents)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;

  regex = g_regex_new ("(?:^|\\n)\\s*project\\s*\\(\\s*'((?:[^'\\\\]|\\\\.)*)'",
                       G_REGEX_OPTIMIZE, 0, NULL);
  g_assert (regex != NULL);
  if (g_regex_match (regex, contents, 0, &match))
    {
      g_autofree char *name = g_match_info_fetch (match, 1);

      if (name != NULL && name[0] != '\0')
        return g_steal_pointer (&name);
    }
  return NULL;
}

static char *
dup_realpath (const char *path)
{
  char *resolved = realpath (path, NULL);
  char *ret;

  if (resolved == NULL)
    return g_canonicalize_filename (path, NULL);
  ret = g_strdup (resolved);
  free (resolved);
  return ret;
}

/* Where cargo puts its output for a crate in @engine_dir: $CARGO_TARGET_DIR, or target/ next
 * to the nearest Cargo.toml with a [workspace] table between @engine_dir and @root, or
 * engine/target. The builder refines this with `cargo metadata`. */
static char *
guess_cargo_target_dir (const char *root,
                        const char *engine_dir,
                        gboolean    engine_is_workspace)
{
  const char *env = g_getenv ("CARGO_TARGET_DIR");
  g_autofree char *dir = NULL;

  if (env != NULL && env[0] != '\0')
    return g_canonicalize_filename (env, NULL);

  if (!engine_is_workspace)
    {
      dir = g_path_get_dirname (engine_dir);
      while (g_str_has_prefix (dir, root))
        {
          g_autofree char *manifest = g_build_filename (dir, "Cargo.toml", NULL);
          g_autofree char *contents = NULL;
          char *parent;

          if (g_file_get_contents (manifest, &contents, NULL, NULL))
            {
              CargoManifest m = { 0 };

              parse_cargo_manifest (contents, &m);
              cargo_manifest_clear (&m);
              if (m.has_workspace)
                return g_build_filename (dir, "target", NULL);
            }
          if (g_str_equal (dir, root))
            break;
          parent = g_path_get_dirname (dir);
          g_free (dir);
          dir = parent;
        }
    }
  return g_build_filename (engine_dir, "target", NULL);
}

/**
 * wc_project_open:
 * @directory: the project directory (relative paths are taken from the working directory)
 * @error: return location for a #GError
 *
 * Detects a Wavecraft project (issue 3, "Project detection"): `engine/Cargo.toml` makes a
 * Rust engine, `engine/meson.build` a C engine (Cargo.toml wins when both exist);
 * `ui/package.json` is optional. The project name comes from Cargo.toml's `[package]` (or
 * `[lib]`) name, meson's `project('name'`, or else the directory name. Paths are absolute
 * and symlink-free.
 *
 * Returns: (transfer full): the project, or %NULL with %WC_PROJECT_ERROR_NOT_A_PROJECT and the
 *   message "Not a Wavecraft project: <absolute dir> has no engine/Cargo.toml or
 *   engine/meson.build"
 */
WcProject *
wc_project_open (const char  *directory,
                 GError     **error)
{
  g_autoptr(WcProject) self = NULL;
  g_autofree char *root = NULL;
  g_autofree char *engine_dir = NULL;
  g_autofree char *cargo_toml = NULL;
  g_autofree char *meson_build = NULL;
  g_autofree char *package_json = NULL;
  g_autofree char *contents = NULL;

  g_return_val_if_fail (directory != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = dup_realpath (directory);
  engine_dir = g_build_filename (root, "engine", NULL);
  cargo_toml = g_build_filename (engine_dir, "Cargo.toml", NULL);
  meson_build = g_build_filename (engine_dir, "meson.build", NULL);

  self = g_object_new (WC_TYPE_PROJECT, NULL);

  if (g_file_test (cargo_toml, G_FILE_TEST_IS_REGULAR))
    {
      CargoManifest m = { 0 };

      self->kind = WC_ENGINE_KIND_RUST;
      if (g_file_get_contents (cargo_toml, &contents, NULL, NULL))
        parse_cargo_manifest (contents, &m);
      self->has_param_discovery = m.has_param_discovery;
      self->is_workspace = m.has_workspace;
      if (m.package_name != NULL)
        self->name = g_strdup (m.package_name);
      else if (m.lib_name != NULL)
        self->name = g_strdup (m.lib_name);
      if (m.lib_name != NULL)
        self->library_name = g_strdup (m.lib_name);
      else if (m.package_name != NULL)
        self->library_name = g_strdup (m.package_name);
      cargo_manifest_clear (&m);
      self->build_dir = guess_cargo_target_dir (root, engine_dir, self->is_workspace);
    }
  else if (g_file_test (meson_build, G_FILE_TEST_IS_REGULAR))
    {
      self->kind = WC_ENGINE_KIND_C;
      if (g_file_get_contents (meson_build, &contents, NULL, NULL))
        self->name = parse_meson_project_name (contents);
      self->build_dir = g_build_filename (engine_dir, "build-wavecraft", NULL);
    }
  else
    {
      g_set_error (error, WC_PROJECT_ERROR, WC_PROJECT_ERROR_NOT_A_PROJECT,
                   _("Not a Wavecraft project: %s has no engine/Cargo.toml or engine/meson.build"),
                   root);
      return NULL;
    }

  if (self->name == NULL)
    self->name = g_path_get_basename (root);
  if (self->library_name == NULL)
    self->library_name = g_strdup (self->name);
  if (self->kind == WC_ENGINE_KIND_RUST)
    g_strdelimit (self->library_name, "-", '_');

  package_json = g_build_filename (root, "ui", "package.json", NULL);
  if (g_file_test (package_json, G_FILE_TEST_IS_REGULAR))
    self->ui_dir = g_build_filename (root, "ui", NULL);

  self->root = g_steal_pointer (&root);
  self->engine_dir = g_steal_pointer (&engine_dir);

  g_debug ("Project %s: %s engine in %s, build dir %s", self->name,
           self->kind == WC_ENGINE_KIND_RUST ? "Rust" : "C", self->engine_dir, self->build_dir);

  return g_steal_pointer (&self);
}

/**
 * wc_project_get_root:
 * @self: a #WcProject
 *
 * Returns: (transfer none): the absolute, symlink-free project directory
 */
const char *
wc_project_get_root (WcProject *self)
{
  g_return_val_if_fail (WC_IS_PROJECT (self), NULL);
  return self->root;
}

/**
 * wc_project_get_engine_dir:
 * @self: a #WcProject
 *
 * Returns: (transfer none): the absolute `engine/` directory
 */
const char *
wc_project_get_engine_dir (WcProject *self)
{
  g_return_val_if_fail (WC_IS_PROJECT (self), NULL);
  return self->engine_dir;
}

/**
 * wc_project_get_ui_dir:
 * @self: a #WcProject
 *
 * Returns: (transfer none) (nullable): the absolute `ui/` directory when it has a
 *   `package.json`, else %NULL
 */
const char *
wc_project_get_ui_dir (WcProject *self)
{
  g_return_val_if_fail (WC_IS_PROJECT (self), NULL);
  return self->ui_dir;
}

/**
 * wc_project_get_engine_kind:
 * @self: a #WcProject
 *
 * Returns: %WC_ENGINE_KIND_RUST for `engine/Cargo.toml`, %WC_ENGINE_KIND_C for
 *   `engine/meson.build`
 */
WcEngineKind
wc_project_get_engine_kind (WcProject *self)
{
  g_return_val_if_fail (WC_IS_PROJECT (self), WC_ENGINE_KIND_C);
  return self->kind;
}

/**
 * wc_project_get_name:
 * @self: a #WcProject
 *
 * Returns: (transfer none): the Cargo package name, the meson project name, or the
 *   directory's name
 */
const char *
wc_project_get_name (WcProject *self)
{
  g_return_val_if_fail (WC_IS_PROJECT (self), NULL);
  return self->name;
}

/**
 * wc_project_get_build_dir:
 * @self: a #WcProject
 *
 * Returns: (transfer none): `engine/build-wavecraft` for a C engine; for a Rust engine the
 *   cargo target directory (`$CARGO_TARGET_DIR`, the enclosing workspace's `target/`, or
 *   `engine/target`)
 */
const char *
wc_project_get_build_dir (WcProject *self)
{
  g_return_val_if_fail (WC_IS_PROJECT (self), NULL);
  return self->build_dir;
}

/**
 * wc_project_get_library_name:
 * @self: a #WcProject
 *
 * Returns: (transfer none): the stem of the plugin library, `lib<stem>.so`: for Rust the
 *   `[lib]` name, or the package name with `-` turned into `_`; for C the meson project name
 *   (the builder confirms the real file from meson's introspection data)
 */
const char *
wc_project_get_library_name (WcProject *self)
{
  g_return_val_if_fail (WC_IS_PROJECT (self), NULL);
  return self->library_name;
}

/**
 * wc_project_has_param_discovery:
 * @self: a #WcProject
 *
 * Returns: %TRUE when `engine/Cargo.toml` declares the `_param-discovery` feature (PROTOCOL.md
 *   §1), so the build must enable it
 */
gboolean
wc_project_has_param_discovery (WcProject *self)
{
  g_return_val_if_fail (WC_IS_PROJECT (self), FALSE);
  return self->has_param_discovery;
}

/**
 * wc_project_is_workspace:
 * @self: a #WcProject
 *
 * Returns: %TRUE when `engine/Cargo.toml` has a `[workspace]` table (the build then names
 *   the package with `--package`)
 */
gboolean
wc_project_is_workspace (WcProject *self)
{
  g_return_val_if_fail (WC_IS_PROJECT (self), FALSE);
  return self->is_workspace;
}

/**
 * wc_project_relativize:
 * @self: a #WcProject
 * @path: an absolute path, or one relative to the project root
 *
 * Returns: (transfer full): @path relative to the project root when it is inside it (for
 *   example `engine/src/x.c`), else a canonical copy of @path
 */
char *
wc_project_relativize (WcProject  *self,
                       const char *path)
{
  g_autofree char *canonical = NULL;
  gsize len;

  g_return_val_if_fail (WC_IS_PROJECT (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  canonical = g_canonicalize_filename (path, self->root);
  len = strlen (self->root);
  if (g_str_has_prefix (canonical, self->root) && canonical[len] == G_DIR_SEPARATOR)
    return g_strdup (canonical + len + 1);
  return g_steal_pointer (&canonical);
}

/**
 * wc_project_is_ignored_name:
 * @basename: a file or directory name (no directory part)
 *
 * The predicate shared by the source listing and #WcRebuildWatcher (issue 4, "Watching"):
 * hidden names (`.git`, vim's `.x.c.swp`, emacs' `.#x.c`, editors' `.goutputstream-*`),
 * backups (`x.c~`, `*.bak`, `*.orig`), vim swap files (`*.swp`, `*.swo`, …, `*.swx`), vim's
 * write probe `4913`, emacs autosaves (`#x.c#`), temporary files (`*.tmp`), and the pruned
 * directory names `target`, `node_modules` and `build-wavecraft`.
 *
 * Returns: %TRUE when @basename is never watched nor descended into
 */
gboolean
wc_project_is_ignored_name (const char *basename)
{
  gsize len;

  if (basename == NULL || basename[0] == '\0')
    return TRUE;
  if (basename[0] == '.')
    return TRUE;
  len = strlen (basename);
  if (basename[len - 1] == '~')
    return TRUE;
  if (basename[0] == '#' && len > 1 && basename[len - 1] == '#')
    return TRUE;
  if (g_str_equal (basename, "4913"))
    return TRUE;
  if (len > 4 && basename[len - 4] == '.' && basename[len - 3] == 's' && basename[len - 2] == 'w'
      && ((basename[len - 1] >= 'a' && basename[len - 1] <= 'p') || basename[len - 1] == 'x'))
    return TRUE;
  if (g_str_has_suffix (basename, ".bak") || g_str_has_suffix (basename, ".orig")
      || g_str_has_suffix (basename, ".tmp"))
    return TRUE;
  return g_strv_contains (pruned_names, basename);
}

/**
 * wc_project_is_watched_file:
 * @basename: a file name (no directory part)
 *
 * Returns: %TRUE for engine sources whose change needs a rebuild: `*.c *.h *.cc *.cpp *.cxx
 *   *.hh *.hpp *.hxx *.rs`, `Cargo.toml`, `meson.build`, `meson_options.txt`,
 *   `meson.options`, `build.rs`; never for a name wc_project_is_ignored_name() ignores.
 *   `Cargo.lock` is not watched: cargo itself rewrites it during a build.
 */
gboolean
wc_project_is_watched_file (const char *basename)
{
  const char *dot;

  if (wc_project_is_ignored_name (basename))
    return FALSE;
  if (g_strv_contains (watched_names, basename))
    return TRUE;
  dot = strrchr (basename, '.');
  if (dot == NULL || dot == basename)
    return FALSE;
  return g_strv_contains (watched_extensions, dot);
}

/**
 * wc_project_is_pruned_dir:
 * @path: a directory inside the watched tree (not the tree's root)
 *
 * Returns: %TRUE when the directory is never descended into: its name is ignored
 *   (wc_project_is_ignored_name(): hidden, `target`, `node_modules`, `build-wavecraft`), or
 *   it is a meson build directory (it contains `meson-private/`)
 */
gboolean
wc_project_is_pruned_dir (const char *path)
{
  g_autofree char *basename = NULL;
  g_autofree char *meson_private = NULL;

  g_return_val_if_fail (path != NULL, TRUE);

  basename = g_path_get_basename (path);
  if (wc_project_is_ignored_name (basename))
    return TRUE;
  meson_private = g_build_filename (path, "meson-private", NULL);
  return access (meson_private, F_OK) == 0;
}

static gboolean
is_meson_build_dir (int         dir_fd,
                    const char *name)
{
  g_autofree char *child = g_build_filename (name, "meson-private", NULL);

  return faccessat (dir_fd, child, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

static void
walk_dir (const char         *path,
          const char * const *extra_prune,
          WcWalkDirFunc       dir_func,
          WcWalkFileFunc      file_func,
          gpointer            user_data)
{
  DIR *dir;
  struct dirent *entry;
  GPtrArray *subdirs = NULL;

  if (dir_func != NULL && !dir_func (path, user_data))
    return;

  dir = opendir (path);
  if (dir == NULL)
    {
      g_debug ("Cannot read %s: %s", path, g_strerror (errno));
      return;
    }

  while ((entry = readdir (dir)) != NULL)
    {
      const char *name = entry->d_name;
      unsigned char type = entry->d_type;

      if (wc_project_is_ignored_name (name))
        continue;

      if (type == DT_UNKNOWN || type == DT_LNK)
        {
          struct stat st;
          int flags = type == DT_LNK ? 0 : AT_SYMLINK_NOFOLLOW;

          if (fstatat (dirfd (dir), name, &st, flags) != 0)
            continue;
          if (S_ISDIR (st.st_mode))
            type = type == DT_LNK ? DT_UNKNOWN : DT_DIR; /* never follow directory links */
          else if (S_ISREG (st.st_mode))
            type = DT_REG;
          else
            continue;
        }

      if (type == DT_DIR)
        {
          if (extra_prune != NULL && g_strv_contains (extra_prune, name))
            continue;
          if (is_meson_build_dir (dirfd (dir), name))
            continue;
          if (subdirs == NULL)
            subdirs = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (subdirs, g_build_filename (path, name, NULL));
        }
      else if (type == DT_REG && file_func != NULL && wc_project_is_watched_file (name))
        {
          g_autofree char *file = g_build_filename (path, name, NULL);
          file_func (file, user_data);
        }
    }
  closedir (dir);

  if (subdirs != NULL)
    {
      for (guint i = 0; i < subdirs->len; i++)
        walk_dir (g_ptr_array_index (subdirs, i), extra_prune, dir_func, file_func, user_data);
      g_ptr_array_unref (subdirs);
    }
}

/**
 * wc_project_walk: (skip)
 * @root: the directory to walk; its own name and its ancestors are never checked, so a
 *   root under a hidden directory works
 * @extra_prune: (nullable): more directory names to skip
 * @dir_func: (nullable): called for each visited directory, @root first
 * @file_func: (nullable): called for each watched file
 * @user_data: data for the callbacks
 *
 * Walks the source tree depth-first, pruned like wc_project_is_pruned_dir() plus
 * @extra_prune, calling @file_func for each file wc_project_is_watched_file() accepts.
 * Directory symlinks are not followed.
 */
void
wc_project_walk (const char         *root,
                 const char * const *extra_prune,
                 WcWalkDirFunc       dir_func,
                 WcWalkFileFunc      file_func,
                 gpointer            user_data)
{
  g_return_if_fail (root != NULL);

  walk_dir (root, extra_prune, dir_func, file_func, user_data);
}

static void
collect_file (const char *path,
              gpointer    user_data)
{
  g_ptr_array_add (user_data, g_strdup (path));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * wc_project_list_sources:
 * @self: a #WcProject
 *
 * Lists the engine sources a rebuild depends on, pruned of `.git`, `target`,
 * `build-wavecraft`, meson build directories, `node_modules` and hidden directories, without
 * editor swap and backup files (issue 4, "Watching").
 *
 * Returns: (transfer full) (array zero-terminated=1): absolute paths, sorted
 */
char **
wc_project_list_sources (WcProject *self)
{
  GPtrArray *files;

  g_return_val_if_fail (WC_IS_PROJECT (self), NULL);

  files = g_ptr_array_new ();
  wc_project_walk (self->engine_dir, NULL, NULL, collect_file, files);
  g_ptr_array_sort (files, compare_strings);
  g_ptr_array_add (files, NULL);
  return (char **) g_ptr_array_free (files, FALSE);
}
