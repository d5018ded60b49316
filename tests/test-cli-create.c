/* test-cli-create.c: `wavecraft create` and the project templates behind it (wc-scaffold).
 *
 * In-process: name rules and every WcScaffoldError path. As child processes: the real
 * binary creates a project that `wavecraft start` then builds and serves, and the command's
 * error output, to the byte.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gmodule.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "wc-scaffold.h"
#include "wc-test-util.h"

#define READY_MS 180000   /* a cold meson setup + build of the new project */
#define STOP_MS  10000

/* What every new project holds, sorted as wc_scaffold_create() returns it. */
static const char * const project_files[] = {
  ".gitignore",
  "README.md",
  "engine/meson.build",
  "engine/src/plugin.c",
  "engine/subprojects/wavecraft-plugin/include/wavecraft/plugin.h",
  "engine/subprojects/wavecraft-plugin/meson.build",
  "engine/subprojects/wavecraft-plugin/meson_options.txt",
  "engine/subprojects/wavecraft-plugin/src/wavecraft-plugin.c",
  NULL
};

#define SDK_DEST "engine/subprojects/wavecraft-plugin/"

/* ---- helpers ---------------------------------------------------------------------------- */

/* Regular files below @dir, relative, sorted; asserts that nothing is a symbolic link. */
static void
list_tree (const char *root,
           const char *relative,
           const char *skip_dir,
           GPtrArray  *out)
{
  g_autofree char *dir_path = relative[0] != '\0' ? g_build_filename (root, relative, NULL)
                                                  : g_strdup (root);
  g_autoptr(GError) error = NULL;
  GDir *dir = g_dir_open (dir_path, 0, &error);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *rel = relative[0] != '\0' ? g_strconcat (relative, "/", name, NULL)
                                                 : g_strdup (name);
      g_autofree char *path = g_build_filename (root, rel, NULL);
      GStatBuf st;

      if (skip_dir != NULL && g_str_equal (rel, skip_dir))
        continue;
      g_assert_cmpint (g_lstat (path, &st), ==, 0);
      if (S_ISLNK (st.st_mode))
        g_error ("%s is a symbolic link", path);
      if (S_ISDIR (st.st_mode))
        list_tree (root, rel, skip_dir, out);
      else
        {
          g_assert_true (S_ISREG (st.st_mode));
          g_ptr_array_add (out, g_steal_pointer (&rel));
        }
    }
  g_dir_close (dir);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char **
tree_files (const char *root,
            const char *skip_dir)
{
  GPtrArray *files = g_ptr_array_new ();

  list_tree (root, "", skip_dir, files);
  g_ptr_array_sort (files, compare_strings);
  g_ptr_array_add (files, NULL);
  return (char **) g_ptr_array_free (files, FALSE);
}

static char *
read_file (const char *root,
           const char *relative)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* Checks a freshly created project @project named @name: its files, no symbolic links, no
 * placeholders left, and an SDK identical to the one in the source tree. */
static void
check_project (const char *project,
               const char *name)
{
  g_auto(GStrv) files = tree_files (project, NULL);
  g_autofree char *sdk_root = wc_test_source_path ("subprojects/wavecraft-plugin");
  g_auto(GStrv) sdk_files = tree_files (sdk_root, "tests");
  g_autofree char *gitignore = read_file (project, ".gitignore");
  g_autofree char *meson_build = read_file (project, "engine/meson.build");
  g_autofree char *readme = read_file (project, "README.md");
  g_autofree char *plugin_c = read_file (project, "engine/src/plugin.c");
  g_autofree char *library = g_strdelimit (g_strdup (name), "-", '_');
  g_autofree char *project_call = g_strdup_printf ("project('%s', 'c',", name);
  g_autofree char *library_call = g_strdup_printf ("shared_library('%s', 'src/plugin.c',",
                                                   library);
  g_autofree char *start_line = g_strdup_printf ("wavecraft start %s ", name);

  g_assert_cmpstrv (files, project_files);

  /* The SDK copy: every file of subprojects/wavecraft-plugin but its tests, byte for byte. */
  g_assert_cmpuint (g_strv_length (sdk_files), ==, 4);
  for (guint i = 0; sdk_files[i] != NULL; i++)
    {
      g_autofree char *copied = g_strconcat (SDK_DEST, sdk_files[i], NULL);
      g_autofree char *original_text = read_file (sdk_root, sdk_files[i]);
      g_autofree char *copied_text = NULL;

      g_assert_true (g_strv_contains ((const char * const *) files, copied));
      copied_text = read_file (project, copied);
      g_assert_cmpstr (copied_text, ==, original_text);
    }

  g_assert_cmpstr (gitignore, ==,
                   "# Build output of `wavecraft start` (meson build directory, plugin library, "
                   "parameter cache).\nengine/build-wavecraft/\n");
  g_assert_nonnull (strstr (meson_build, project_call));
  g_assert_nonnull (strstr (meson_build, library_call));
  g_assert_nonnull (strstr (meson_build,
                            "dependency('wavecraft-plugin', fallback: ['wavecraft-plugin', "
                            "'wavecraft_plugin_dep'])"));
  g_assert_nonnull (strstr (readme, start_line));
  g_assert_nonnull (strstr (plugin_c, "static const wavecraft_param params[] = {"));
  for (guint i = 0; project_files[i] != NULL; i++)
    {
      g_autofree char *text = read_file (project, project_files[i]);

      g_assert_null (strstr (text, "@NAME@"));
      g_assert_null (strstr (text, "@LIBNAME@"));
      g_assert_null (strstr (text, "@TITLE@"));
    }
}

/* Names in @dir (sorted), to see that no temporary directory was left behind. */
static char *
dir_listing (const char *dir)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (d);
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static WcTestProc *
run_to_exit (const char * const *args,
             int                *status)
{
  WcTestProc *proc = wc_test_proc_spawn (args, NULL);

  *status = -100;
  g_assert_true (wc_test_proc_wait_exit (proc, STOP_MS, status));
  return proc;
}

/* ---- names ------------------------------------------------------------------------------ */

typedef struct
{
  const char *name;
  gboolean    valid;
} NameCase;

static const NameCase name_cases[] = {
  { "a", TRUE },
  { "my-gain", TRUE },
  { "x_1-2", TRUE },
  { "gain2", TRUE },
  { "", FALSE },
  { "My-gain", FALSE },
  { "1gain", FALSE },
  { "-gain", FALSE },
  { "_gain", FALSE },
  { "my gain", FALSE },
  { "my/gain", FALSE },
  { "..", FALSE },
  { "gain.so", FALSE },
  { "g\xc3\xa4in", FALSE },
};

static void
test_name (gconstpointer data)
{
  const NameCase *c = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = wc_scaffold_validate_name (c->name, &error);

  g_assert_cmpint (ok, ==, c->valid);
  if (c->valid)
    g_assert_no_error (error);
  else
    {
      g_autofree char *expected =
        g_strdup_printf ("Invalid plugin name “%s”: use lowercase letters, digits, “-” and “_”, "
                         "starting with a letter", c->name);

      g_assert_error (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_INVALID_NAME);
      g_assert_cmpstr (error->message, ==, expected);
    }
}

static void
test_name_printable (void)
{
  g_autoptr(GError) error = NULL;

  /* Control characters and invalid UTF-8 never reach the terminal as they are. */
  g_assert_false (wc_scaffold_validate_name ("a\nb\xff", &error));
  g_assert_error (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_INVALID_NAME);
  g_assert_cmpstr (error->message, ==,
                   "Invalid plugin name “a?b\xef\xbf\xbd”: use lowercase letters, digits, “-” "
                   "and “_”, starting with a letter");
}

static void
test_name_too_long (void)
{
  g_autofree char *longest = g_strnfill (WC_SCAFFOLD_NAME_MAX, 'a');
  g_autofree char *too_long = g_strnfill (WC_SCAFFOLD_NAME_MAX + 1, 'a');
  g_autofree char *expected =
    g_strdup_printf ("Invalid plugin name “%s”: use at most 64 characters", too_long);
  g_autoptr(GError) error = NULL;

  g_assert_true (wc_scaffold_validate_name (longest, NULL));
  g_assert_false (wc_scaffold_validate_name (too_long, &error));
  g_assert_error (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_INVALID_NAME);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_derived_names (void)
{
  g_autofree char *lib = wc_scaffold_library_name ("my-gain_2");
  g_autofree char *title = wc_scaffold_title ("my-gain_2");
  g_autofree char *title2 = wc_scaffold_title ("a--b");

  g_assert_cmpstr (lib, ==, "my_gain_2");
  g_assert_cmpstr (title, ==, "My Gain 2");
  g_assert_cmpstr (title2, ==, "A B");
}

/* ---- wc_scaffold_create ----------------------------------------------------------------- */

static void
test_create_files (void)
{
  g_autofree char *parent = wc_test_mkdtemp ();
  g_autofree char *project = g_build_filename (parent, "my-gain", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = wc_scaffold_create ("my-gain", parent, &error);
  g_autofree char *listing = NULL;

  g_assert_no_error (error);
  g_assert_cmpstrv (files, project_files);
  check_project (project, "my-gain");
  listing = dir_listing (parent);
  g_assert_cmpstr (listing, ==, "my-gain");
  wc_test_rm_rf (parent);
}

static void
test_create_missing_parents (void)
{
  g_autofree char *tmp = wc_test_mkdtemp ();
  g_autofree char *parent = g_build_filename (tmp, "a", "b", NULL);
  g_autofree char *project = g_build_filename (parent, "x", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = wc_scaffold_create ("x", parent, &error);

  g_assert_no_error (error);
  g_assert_nonnull (files);
  check_project (project, "x");
  wc_test_rm_rf (tmp);
}

static void
test_create_into_empty_dir (void)
{
  g_autofree char *parent = wc_test_mkdtemp ();
  g_autofree char *project = g_build_filename (parent, "my-gain", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = NULL;
  g_autofree char *listing = NULL;

  g_assert_cmpint (g_mkdir (project, 0755), ==, 0);
  files = wc_scaffold_create ("my-gain", parent, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (files, project_files);
  check_project (project, "my-gain");
  listing = dir_listing (parent);
  g_assert_cmpstr (listing, ==, "my-gain");
  wc_test_rm_rf (parent);
}

static void
test_create_not_empty (void)
{
  g_autofree char *parent = wc_test_mkdtemp ();
  g_autofree char *project = g_build_filename (parent, "my-gain", NULL);
  g_autofree char *mine = g_build_filename (project, "notes.txt", NULL);
  g_autofree char *expected = g_strdup_printf ("%s already exists and is not empty", project);
  g_autofree char *contents = NULL;
  g_autofree char *listing = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = NULL;

  g_assert_cmpint (g_mkdir (project, 0755), ==, 0);
  g_assert_true (g_file_set_contents (mine, "keep me", -1, NULL));
  files = wc_scaffold_create ("my-gain", parent, &error);
  g_assert_null (files);
  g_assert_error (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_EXISTS);
  g_assert_cmpstr (error->message, ==, expected);

  /* Untouched, and nothing left beside it. */
  listing = dir_listing (project);
  g_assert_cmpstr (listing, ==, "notes.txt");
  g_assert_true (g_file_get_contents (mine, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep me");
  g_clear_pointer (&listing, g_free);
  listing = dir_listing (parent);
  g_assert_cmpstr (listing, ==, "my-gain");
  wc_test_rm_rf (parent);
}

static void
test_create_not_a_directory (void)
{
  g_autofree char *parent = wc_test_mkdtemp ();
  g_autofree char *project = g_build_filename (parent, "my-gain", NULL);
  g_autofree char *expected = g_strdup_printf ("%s already exists and is not a directory",
                                               project);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = NULL;

  g_assert_true (g_file_set_contents (project, "", 0, NULL));
  files = wc_scaffold_create ("my-gain", parent, &error);
  g_assert_null (files);
  g_assert_error (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_EXISTS);
  g_assert_cmpstr (error->message, ==, expected);
  wc_test_rm_rf (parent);
}

static void
test_create_parent_is_file (void)
{
  g_autofree char *tmp = wc_test_mkdtemp ();
  g_autofree char *parent = g_build_filename (tmp, "file", NULL);
  g_autofree char *expected = g_strdup_printf ("Could not create the directory %s: %s", parent,
                                               g_strerror (ENOTDIR));
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = NULL;
  g_autofree char *listing = NULL;

  g_assert_true (g_file_set_contents (parent, "", 0, NULL));
  files = wc_scaffold_create ("my-gain", parent, &error);
  g_assert_null (files);
  g_assert_error (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, expected);
  listing = dir_listing (tmp);
  g_assert_cmpstr (listing, ==, "file");
  wc_test_rm_rf (tmp);
}

static void
test_create_invalid_name (void)
{
  g_autofree char *parent = wc_test_mkdtemp ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = wc_scaffold_create ("../evil", parent, &error);
  g_autofree char *listing = NULL;

  g_assert_null (files);
  g_assert_error (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_INVALID_NAME);
  listing = dir_listing (parent);
  g_assert_cmpstr (listing, ==, "");
  wc_test_rm_rf (parent);
}

/* ---- the real binary: errors ------------------------------------------------------------ */

static void
test_cli_invalid_name (void)
{
  const char *args[] = { "create", "My Gain", NULL };
  int status;
  WcTestProc *proc = run_to_exit (args, &status);

  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (wc_test_proc_get_stderr (proc), ==,
                   "error: Invalid plugin name “My Gain”: use lowercase letters, digits, “-” and "
                   "“_”, starting with a letter\n"
                   "hint: For example: “wavecraft create my-gain”.\n");
  g_assert_cmpstr (wc_test_proc_get_stdout (proc), ==, "");
  wc_test_proc_free (proc);
}

/* Command lines that fail with exit status 1 and exactly this stderr. */
typedef struct
{
  const char *args[4];
  const char *stderr_text;
} UsageCase;

static const UsageCase usage_missing_name = {
  { "create", NULL },
  "error: Missing the plugin name\n"
  "hint: Run “wavecraft create my-plugin”, or “wavecraft create --help” for the "
  "options.\n"
};

static const UsageCase usage_two_names = {
  { "create", "a", "b", NULL },
  "error: Expected one plugin name, got 2\n"
  "hint: Run “wavecraft create --help” for the options.\n"
};

static const UsageCase usage_unknown_option = {
  { "create", "a", "--frobnicate", NULL },
  "error: Unknown option --frobnicate\n"
  "hint: Run “wavecraft create --help” for the options.\n"
};

static void
test_cli_usage_error (gconstpointer data)
{
  const UsageCase *c = data;
  int status;
  WcTestProc *proc = run_to_exit (c->args, &status);

  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (wc_test_proc_get_stderr (proc), ==, c->stderr_text);
  wc_test_proc_free (proc);
}

static void
test_cli_exists (void)
{
  g_autofree char *parent = wc_test_mkdtemp ();
  g_autofree char *project = g_build_filename (parent, "my-gain", NULL);
  g_autofree char *mine = g_build_filename (project, "README.md", NULL);
  g_autofree char *expected = NULL;
  const char *args[] = { "create", "my-gain", "--dir", parent, NULL };
  int status;
  WcTestProc *proc;

  g_assert_cmpint (g_mkdir (project, 0755), ==, 0);
  g_assert_true (g_file_set_contents (mine, "mine", -1, NULL));
  proc = run_to_exit (args, &status);
  g_assert_cmpint (status, ==, 1);
  expected = g_strdup_printf ("error: %s already exists and is not empty\n"
                              "hint: Pick another name, create it elsewhere with --dir PARENT, "
                              "or remove the directory first.\n", project);
  g_assert_cmpstr (wc_test_proc_get_stderr (proc), ==, expected);
  g_assert_cmpstr (wc_test_proc_get_stdout (proc), ==, "");
  wc_test_proc_free (proc);
  wc_test_rm_rf (parent);
}

static void
test_cli_help (void)
{
  const char *args[] = { "create", "--help", NULL };
  int status;
  WcTestProc *proc = run_to_exit (args, &status);

  g_assert_cmpint (status, ==, 0);
  /* (GLib's own "[OPTION…]" may lose its ellipsis in a C locale.) */
  g_assert_true (g_str_has_prefix (wc_test_proc_get_stdout (proc),
                                   "Usage:\n  wavecraft create [OPTION"));
  g_assert_nonnull (strstr (wc_test_proc_get_stdout (proc),
                            "] NAME — create a new C plugin project\n"));
  g_assert_nonnull (strstr (wc_test_proc_get_stdout (proc), "--dir=PARENT"));
  wc_test_proc_free (proc);
}

static void
test_cli_relative (void)
{
  g_autofree char *cwd = wc_test_mkdtemp ();
  g_autofree char *project = g_build_filename (cwd, "fuzz_box", NULL);
  const char *args[] = { "create", "fuzz_box", NULL };
  WcTestProc *proc = wc_test_proc_spawn (args, cwd);
  int status = -100;

  g_assert_true (wc_test_proc_wait_exit (proc, STOP_MS, &status));
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (wc_test_proc_get_stdout (proc),
                                   "Created the plugin project fuzz_box:\n"));
  g_assert_nonnull (strstr (wc_test_proc_get_stdout (proc),
                            "\n  cd fuzz_box && wavecraft start\n"));
  check_project (project, "fuzz_box");
  wc_test_proc_free (proc);
  wc_test_rm_rf (cwd);
}

/* ---- the real binary: create, then start ------------------------------------------------ */

static JsonObject *
find_param (JsonArray  *params,
            const char *id)
{
  for (guint i = 0; i < json_array_get_length (params); i++)
    {
      JsonObject *p = json_array_get_object_element (params, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (p, "id", NULL), id) == 0)
        return p;
    }
  g_error ("no parameter %s", id);
  return NULL;
}

static void
check_param (JsonArray  *params,
             const char *id,
             const char *name,
             const char *type,
             double      min,
             double      max,
             double      def,
             const char *unit)
{
  JsonObject *p = find_param (params, id);

  g_assert_cmpstr (json_object_get_string_member (p, "name"), ==, name);
  g_assert_cmpstr (json_object_get_string_member (p, "type"), ==, type);
  g_assert_cmpfloat (json_object_get_double_member (p, "min"), ==, min);
  g_assert_cmpfloat (json_object_get_double_member (p, "max"), ==, max);
  g_assert_cmpfloat (json_object_get_double_member (p, "default"), ==, def);
  g_assert_cmpfloat (json_object_get_double_member (p, "value"), ==, def);
  g_assert_cmpstr (json_object_get_string_member_with_default (p, "unit", NULL), ==, unit);
  g_assert_false (json_object_has_member (p, "group"));
}

typedef const void *(*CreateProcessorFunc) (void);

typedef struct
{
  uint32_t     abi_version;
  uint32_t     struct_size;
  const void  *params;
  uint32_t     n_params;
  void      *(*create)        (double, uint32_t);
  void       (*set_parameter) (void *, uint32_t, double);
  void       (*process)       (void *, const float *const *, float *const *, uint32_t, uint32_t);
  void       (*reset)         (void *);
  void       (*destroy)       (void *);
} Vtable;   /* wavecraft_processor_vtable, ABI 1 (subprojects/wavecraft-plugin) */

/* Runs 64 frames of constant @x through @vt in place, stereo; returns the last left sample. */
static float
render (const Vtable *vt,
        void         *proc,
        float         x)
{
  float left[64], right[64];
  float *out[2] = { left, right };

  for (guint i = 0; i < 64; i++)
    left[i] = right[i] = x;
  vt->process (proc, (const float *const *) out, out, 2, 64);
  g_assert_cmpfloat (left[63], ==, right[63]);
  return left[63];
}

/* The template's DSP, through the SDK vtable of the library `wavecraft start` built. */
static void
check_dsp (const char *library)
{
  g_autoptr(GError) error = NULL;
  GModule *module = g_module_open_full (library, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL,
                                        &error);
  gpointer sym = NULL;
  const Vtable *vt;
  void *proc;

  g_assert_no_error (error);
  g_assert_true (g_module_symbol (module, "wavecraft_dev_create_processor", &sym));
  vt = ((CreateProcessorFunc) sym) ();
  g_assert_cmpuint (vt->abi_version, ==, 1);
  g_assert_cmpuint (vt->n_params, ==, 4);   /* with the added "drive" row, unused by the DSP */
  proc = vt->create (48000.0, 64);
  g_assert_nonnull (proc);

  /* Defaults: unity gain, no clipping: an exact copy. */
  g_assert_cmpfloat (render (vt, proc, 0.5f), ==, 0.5f);
  /* gain (index 0) -20 dB, settled with reset(): a tenth. */
  vt->set_parameter (proc, 0, -20.0);
  vt->reset (proc);
  g_assert_cmpfloat_with_epsilon (render (vt, proc, 0.5f), 0.05f, 1e-6);
  /* +12 dB drives 0.5 to ~1.99; clip (index 1) Hard holds it at 1, Soft is tanh. */
  vt->set_parameter (proc, 0, 12.0);
  vt->set_parameter (proc, 1, 2.0);
  vt->reset (proc);
  g_assert_cmpfloat (render (vt, proc, 0.5f), ==, 1.0f);
  vt->set_parameter (proc, 1, 1.0);
  g_assert_cmpfloat_with_epsilon (render (vt, proc, 0.5f), tanh (0.5 * pow (10.0, 0.6)), 1e-6);
  /* bypass (index 2): an exact copy once settled. */
  vt->set_parameter (proc, 2, 1.0);
  vt->reset (proc);
  g_assert_cmpfloat (render (vt, proc, 0.25f), ==, 0.25f);
  /* An out-of-range index is ignored. */
  vt->set_parameter (proc, 4, 1.0);

  vt->destroy (proc);
  g_module_close (module);
}

#define BYPASS_ROW "  [BYPASS] = WAVECRAFT_BOOL (\"bypass\", \"Bypass\", 0, NULL),\n"
#define DRIVE_ROW  "  WAVECRAFT_FLOAT (\"drive\", \"Drive\", 0.0, 24.0, 0.0, \"dB\", NULL),\n"

static void
test_create_and_start (void)
{
  g_autofree char *parent = wc_test_mkdtemp ();
  g_autofree char *project = g_build_filename (parent, "my-gain", NULL);
  g_autofree char *library = g_build_filename (project, "engine", "build-wavecraft",
                                               "libmy_gain.so", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *url = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) set_reply = NULL;
  g_autoptr(JsonNode) changed = NULL;
  g_autofree char *source = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GString) edited = NULL;
  const char *create_args[] = { "create", "my-gain", "--dir", parent, NULL };
  const char *start_args[] = { "start", project, "--no-browser", "--port", "0", NULL };
  WcTestClient *client;
  WcTestProc *proc;
  JsonArray *params;
  JsonObject *clip;
  JsonArray *variants;
  int status;
  guint port;

  proc = run_to_exit (create_args, &status);
  g_assert_cmpstr (wc_test_proc_get_stderr (proc), ==, "");
  g_assert_cmpint (status, ==, 0);
  expected = g_strdup_printf (
    "Created the plugin project %s:\n"
    "  .gitignore\n"
    "  README.md\n"
    "  engine/meson.build\n"
    "  engine/src/plugin.c\n"
    "  engine/subprojects/wavecraft-plugin/include/wavecraft/plugin.h\n"
    "  engine/subprojects/wavecraft-plugin/meson.build\n"
    "  engine/subprojects/wavecraft-plugin/meson_options.txt\n"
    "  engine/subprojects/wavecraft-plugin/src/wavecraft-plugin.c\n"
    "\n"
    "Next steps:\n"
    "  cd %s && wavecraft start\n"
    "Then edit engine/src/plugin.c: every save rebuilds the plugin and reloads it in the "
    "browser.\n", project, project);
  g_assert_cmpstr (wc_test_proc_get_stdout (proc), ==, expected);
  wc_test_proc_free (proc);
  check_project (project, "my-gain");

  /* It runs as it is. */
  proc = wc_test_proc_spawn_ready (start_args, NULL, READY_MS);
  g_assert_nonnull (strstr (wc_test_proc_get_stdout (proc), "Starting my-gain (C engine)"));
  port = wc_test_proc_get_port (proc);
  g_assert_cmpuint (port, >, 0);
  url = g_strdup_printf ("ws://127.0.0.1:%u", port);
  client = wc_test_client_connect (url, NULL);

  reply = wc_test_client_call (client, "getAllParameters", NULL);
  params = json_object_get_array_member (
    json_object_get_object_member (json_node_get_object (reply), "result"), "parameters");
  g_assert_cmpuint (json_array_get_length (params), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (params, 0), "id"),
                   ==, "gain");
  check_param (params, "gain", "Gain", "float", -60, 12, 0, "dB");
  check_param (params, "clip", "Clip", "enum", 0, 2, 0, NULL);
  check_param (params, "bypass", "Bypass", "bool", 0, 1, 0, NULL);
  clip = find_param (params, "clip");
  variants = json_object_get_array_member (clip, "variants");
  g_assert_cmpuint (json_array_get_length (variants), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (variants, 0), ==, "Off");
  g_assert_cmpstr (json_array_get_string_element (variants, 1), ==, "Soft");
  g_assert_cmpstr (json_array_get_string_element (variants, 2), ==, "Hard");

  set_reply = wc_test_client_call (client, "setParameter", "{\"id\":\"gain\",\"value\":-6}");
  g_assert_true (json_object_has_member (json_node_get_object (set_reply), "result"));

  /* Adding a parameter is the one-line edit the README shows; saving reloads it. */
  source = g_build_filename (project, "engine", "src", "plugin.c", NULL);
  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
  edited = g_string_new (text);
  g_assert_cmpuint (g_string_replace (edited, BYPASS_ROW, BYPASS_ROW DRIVE_ROW, 0), ==, 1);
  g_assert_true (g_file_set_contents (source, edited->str, edited->len, NULL));
  changed = wc_test_client_wait_notification (client, "parametersChanged", READY_MS);
  if (changed == NULL)
    g_error ("no parametersChanged after adding a row.\nstdout:\n%s\nstderr:\n%s",
             wc_test_proc_get_stdout (proc), wc_test_proc_get_stderr (proc));
  g_clear_pointer (&reply, json_node_unref);
  reply = wc_test_client_call (client, "getAllParameters", NULL);
  params = json_object_get_array_member (
    json_object_get_object_member (json_node_get_object (reply), "result"), "parameters");
  g_assert_cmpuint (json_array_get_length (params), ==, 4);
  check_param (params, "drive", "Drive", "float", 0, 24, 0, "dB");
  /* The value set before the reload survives it. */
  g_assert_cmpfloat (json_object_get_double_member (find_param (params, "gain"), "value"), ==, -6);

  wc_test_proc_signal (proc, SIGINT);
  status = -100;
  g_assert_true (wc_test_proc_wait_exit (proc, STOP_MS, &status));
  g_assert_cmpint (status, ==, 0);
  wc_test_client_free (client);
  wc_test_proc_free (proc);

  g_assert_true (g_file_test (library, G_FILE_TEST_IS_REGULAR));
  check_dsp (library);
  wc_test_rm_rf (parent);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (name_cases); i++)
    {
      g_autofree char *label = g_strdup (name_cases[i].name);
      g_autofree char *path = NULL;

      g_strcanon (label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", '.');
      path = g_strdup_printf ("/wavecraft/scaffold/name/%u-%s", i, label);
      g_test_add_data_func (path, &name_cases[i], test_name);
    }
  g_test_add_func ("/wavecraft/scaffold/name-printable", test_name_printable);
  g_test_add_func ("/wavecraft/scaffold/name-too-long", test_name_too_long);
  g_test_add_func ("/wavecraft/scaffold/derived-names", test_derived_names);
  g_test_add_func ("/wavecraft/scaffold/files", test_create_files);
  g_test_add_func ("/wavecraft/scaffold/missing-parents", test_create_missing_parents);
  g_test_add_func ("/wavecraft/scaffold/into-empty-dir", test_create_into_empty_dir);
  g_test_add_func ("/wavecraft/scaffold/not-empty", test_create_not_empty);
  g_test_add_func ("/wavecraft/scaffold/not-a-directory", test_create_not_a_directory);
  g_test_add_func ("/wavecraft/scaffold/parent-is-file", test_create_parent_is_file);
  g_test_add_func ("/wavecraft/scaffold/invalid-name", test_create_invalid_name);
  g_test_add_func ("/wavecraft/cli-create/invalid-name", test_cli_invalid_name);
  g_test_add_data_func ("/wavecraft/cli-create/missing-name", &usage_missing_name,
                        test_cli_usage_error);
  g_test_add_data_func ("/wavecraft/cli-create/two-names", &usage_two_names,
                        test_cli_usage_error);
  g_test_add_data_func ("/wavecraft/cli-create/unknown-option", &usage_unknown_option,
                        test_cli_usage_error);
  g_test_add_func ("/wavecraft/cli-create/exists", test_cli_exists);
  g_test_add_func ("/wavecraft/cli-create/help", test_cli_help);
  g_test_add_func ("/wavecraft/cli-create/relative", test_cli_relative);
  g_test_add_func ("/wavecraft/cli-create/create-and-start", test_create_and_start);

  return g_test_run ();
}
