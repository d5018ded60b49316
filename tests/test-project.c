/* test-project.c: project detection, names, build dirs, source listing and pruning.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "wc-project.h"
#include "wc-test-util.h"

/* wc_test_mkdtemp() resolved: the project reports symlink-free paths. */
static char *
make_root (void)
{
  g_autofree char *tmp = wc_test_mkdtemp ();
  char *real = realpath (tmp, NULL);
  char *ret = g_strdup (real);

  free (real);
  return ret;
}

static WcProject *
open_ok (const char *dir)
{
  g_autoptr(GError) error = NULL;
  WcProject *project = wc_project_open (dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (project);
  return project;
}

static void
test_c (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *engine = g_build_filename (root, "engine", NULL);
  g_autofree char *build = g_build_filename (root, "engine", "build-wavecraft", NULL);
  g_autoptr(WcProject) project = NULL;

  wc_test_write_file (root, "engine/meson.build",
                      "# comment\nproject('my-plugin', 'c',\n  version: '1.0')\nshared_library('x', 'x.c')\n");
  project = open_ok (root);

  g_assert_cmpint (wc_project_get_engine_kind (project), ==, WC_ENGINE_KIND_C);
  g_assert_cmpstr (wc_project_get_root (project), ==, root);
  g_assert_cmpstr (wc_project_get_engine_dir (project), ==, engine);
  g_assert_cmpstr (wc_project_get_build_dir (project), ==, build);
  g_assert_cmpstr (wc_project_get_name (project), ==, "my-plugin");
  g_assert_cmpstr (wc_project_get_library_name (project), ==, "my-plugin");
  g_assert_null (wc_project_get_ui_dir (project));
  g_assert_false (wc_project_has_param_discovery (project));
  g_assert_false (wc_project_is_workspace (project));

  wc_test_rm_rf (root);
}

static void
test_c_with_ui (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *ui = g_build_filename (root, "ui", NULL);
  g_autoptr(WcProject) project = NULL;

  wc_test_write_file (root, "engine/meson.build", "project('with-ui', 'c')\n");
  wc_test_write_file (root, "ui/package.json", "{}\n");
  project = open_ok (root);
  g_assert_cmpstr (wc_project_get_ui_dir (project), ==, ui);

  wc_test_rm_rf (root);
}

static void
test_ui_without_package_json (void)
{
  g_autofree char *root = make_root ();
  g_autoptr(WcProject) project = NULL;

  wc_test_write_file (root, "engine/meson.build", "project('x', 'c')\n");
  wc_test_write_file (root, "ui/index.html", "<p>\n");
  project = open_ok (root);
  g_assert_null (wc_project_get_ui_dir (project));

  wc_test_rm_rf (root);
}

static void
test_meson_name_fallback (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *basename = g_path_get_basename (root);
  g_autoptr(WcProject) project = NULL;

  wc_test_write_file (root, "engine/meson.build", "# no project() call here\n");
  project = open_ok (root);
  g_assert_cmpstr (wc_project_get_name (project), ==, basename);

  wc_test_rm_rf (root);
}

static void
test_rust (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *target = g_build_filename (root, "engine", "target", NULL);
  g_autoptr(WcProject) project = NULL;

  wc_test_write_file (root, "engine/Cargo.toml",
                      "[package]\n"
                      "name = \"my-synth\" # the crate\n"
                      "version = \"0.1.0\"\n"
                      "\n"
                      "[lib]\n"
                      "crate-type = [\"cdylib\"]\n"
                      "\n"
                      "[dependencies]\n"
                      "name = \"not-this\"\n"
                      "\n"
                      "[features]\n"
                      "default = []\n"
                      "\"_param-discovery\" = []\n");
  project = open_ok (root);

  g_assert_cmpint (wc_project_get_engine_kind (project), ==, WC_ENGINE_KIND_RUST);
  g_assert_cmpstr (wc_project_get_name (project), ==, "my-synth");
  g_assert_cmpstr (wc_project_get_library_name (project), ==, "my_synth");
  g_assert_cmpstr (wc_project_get_build_dir (project), ==, target);
  g_assert_true (wc_project_has_param_discovery (project));
  g_assert_false (wc_project_is_workspace (project));

  wc_test_rm_rf (root);
}

static void
test_rust_lib_name (void)
{
  g_autofree char *root = make_root ();
  g_autoptr(WcProject) project = NULL;

  wc_test_write_file (root, "engine/Cargo.toml",
                      "[lib]\nname = 'synth_core'\ncrate-type = ['cdylib']\n\n"
                      "[package]\nname = 'my-synth'\n\n[features]\nother = []\n");
  project = open_ok (root);

  g_assert_cmpstr (wc_project_get_name (project), ==, "my-synth");
  g_assert_cmpstr (wc_project_get_library_name (project), ==, "synth_core");
  g_assert_false (wc_project_has_param_discovery (project));

  wc_test_rm_rf (root);
}

static void
test_rust_workspace (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *basename = g_path_get_basename (root);
  g_autoptr(WcProject) project = NULL;

  wc_test_write_file (root, "engine/Cargo.toml",
                      "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n");
  project = open_ok (root);

  g_assert_true (wc_project_is_workspace (project));
  g_assert_cmpstr (wc_project_get_name (project), ==, basename);

  wc_test_rm_rf (root);
}

static void
test_rust_parent_workspace (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *target = g_build_filename (root, "target", NULL);
  g_autofree char *env_target = g_build_filename (root, "elsewhere", NULL);
  g_autoptr(WcProject) project = NULL;
  g_autoptr(WcProject) with_env = NULL;

  wc_test_write_file (root, "Cargo.toml", "[workspace]\nmembers = [\"engine\"]\n");
  wc_test_write_file (root, "engine/Cargo.toml", "[package]\nname = \"member\"\n");
  project = open_ok (root);
  g_assert_cmpstr (wc_project_get_build_dir (project), ==, target);

  g_setenv ("CARGO_TARGET_DIR", env_target, TRUE);
  with_env = open_ok (root);
  g_unsetenv ("CARGO_TARGET_DIR");
  g_assert_cmpstr (wc_project_get_build_dir (with_env), ==, env_target);

  wc_test_rm_rf (root);
}

static void
test_cargo_wins (void)
{
  g_autofree char *root = make_root ();
  g_autoptr(WcProject) project = NULL;

  wc_test_write_file (root, "engine/Cargo.toml", "[package]\nname = \"both\"\n");
  wc_test_write_file (root, "engine/meson.build", "project('both-c', 'c')\n");
  project = open_ok (root);
  g_assert_cmpint (wc_project_get_engine_kind (project), ==, WC_ENGINE_KIND_RUST);

  wc_test_rm_rf (root);
}

static void
test_fixtures (void)
{
  g_autofree char *c_dir = wc_test_source_path ("tests/fixtures/projects/c-minimal");
  g_autofree char *rust_dir = wc_test_source_path ("tests/fixtures/projects/rust-minimal");
  g_autoptr(WcProject) c = open_ok (c_dir);
  g_autoptr(WcProject) rust = open_ok (rust_dir);

  g_assert_cmpint (wc_project_get_engine_kind (c), ==, WC_ENGINE_KIND_C);
  g_assert_cmpstr (wc_project_get_name (c), ==, "c-minimal");
  g_assert_cmpint (wc_project_get_engine_kind (rust), ==, WC_ENGINE_KIND_RUST);
  g_assert_cmpstr (wc_project_get_name (rust), ==, "rust-minimal");
  g_assert_cmpstr (wc_project_get_library_name (rust), ==, "rust_minimal");
  g_assert_true (wc_project_has_param_discovery (rust));
}

static void
assert_not_a_project (const char *dir,
                      const char *shown)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcProject) project = wc_project_open (dir, &error);
  g_autofree char *expected =
    g_strdup_printf ("Not a Wavecraft project: %s has no engine/Cargo.toml or engine/meson.build", shown);

  g_assert_null (project);
  g_assert_error (error, WC_PROJECT_ERROR, WC_PROJECT_ERROR_NOT_A_PROJECT);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_not_a_project (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *missing = g_build_filename (root, "missing", NULL);
  g_autofree char *engine_only = g_build_filename (root, "engine-only", NULL);
  g_autofree char *cwd = g_get_current_dir ();

  /* empty directory */
  assert_not_a_project (root, root);
  /* a directory that does not exist */
  assert_not_a_project (missing, missing);
  /* engine/ without a manifest; a ui/package.json alone is not enough */
  wc_test_write_file (engine_only, "engine/src/x.c", "int x;\n");
  wc_test_write_file (engine_only, "ui/package.json", "{}\n");
  assert_not_a_project (engine_only, engine_only);
  /* a relative path is shown absolute */
  g_assert_cmpint (g_chdir (root), ==, 0);
  assert_not_a_project ("engine-only", engine_only);
  g_assert_cmpint (g_chdir (cwd), ==, 0);

  wc_test_rm_rf (root);
}

static void
test_sources (void)
{
  g_autofree char *root = make_root ();
  g_autoptr(WcProject) project = NULL;
  g_auto(GStrv) sources = NULL;
  const char *expected[] = {
    "engine/Cargo.toml",
    "engine/build.rs",
    "engine/include/b.h",
    "engine/meson.build",
    "engine/meson_options.txt",
    "engine/src/a.c",
    "engine/src/c.rs",
    "engine/src/sub/deep/d.cpp",
    "engine/src/sub/e.hpp",
    NULL
  };
  const char *ignored[] = {
    "engine/README.md", "engine/Cargo.lock", "engine/src/.a.c.swp", "engine/src/a.c~",
    "engine/src/4913", "engine/src/.#a.c", "engine/src/#a.c#", "engine/src/a.c.swx",
    "engine/src/a.c.orig", "engine/target/debug/build/t.rs", "engine/build-wavecraft/b.c",
    "engine/node_modules/n/n.c", "engine/.git/g.c", "engine/.hidden/h.c",
    "engine/mybuild/meson-private/p.c", "engine/mybuild/gen.c", "ui/src/app.c", NULL
  };
  guint n = 0;

  for (guint i = 0; expected[i] != NULL; i++)
    wc_test_write_file (root, expected[i], "x\n");
  for (guint i = 0; ignored[i] != NULL; i++)
    wc_test_write_file (root, ignored[i], "x\n");

  project = open_ok (root);
  sources = wc_project_list_sources (project);
  for (n = 0; sources[n] != NULL; n++)
    {
      g_autofree char *want = g_build_filename (root, expected[n], NULL);

      g_assert_nonnull (expected[n]);
      g_assert_cmpstr (sources[n], ==, want);
    }
  g_assert_cmpuint (n, ==, g_strv_length ((char **) expected));

  wc_test_rm_rf (root);
}

static void
test_hidden_parent (void)
{
  g_autofree char *tmp = make_root ();
  g_autofree char *root = g_build_filename (tmp, ".cache", "x", NULL);
  g_autofree char *want = g_build_filename (root, "engine", "plugin.c", NULL);
  g_autoptr(WcProject) project = NULL;
  g_auto(GStrv) sources = NULL;

  wc_test_write_file (root, "engine/meson.build", "project('hidden', 'c')\n");
  wc_test_write_file (root, "engine/plugin.c", "int x;\n");
  project = open_ok (root);
  sources = wc_project_list_sources (project);
  g_assert_cmpuint (g_strv_length (sources), ==, 2);
  g_assert_cmpstr (sources[1], ==, want);

  wc_test_rm_rf (tmp);
}

static void
test_relativize (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *inside = g_build_filename (root, "engine", "build-wavecraft", "..", "x.c", NULL);
  g_autoptr(WcProject) project = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;

  wc_test_write_file (root, "engine/meson.build", "project('r', 'c')\n");
  project = open_ok (root);
  a = wc_project_relativize (project, inside);
  b = wc_project_relativize (project, "/usr/include/stdio.h");
  c = wc_project_relativize (project, "engine/y.c");
  g_assert_cmpstr (a, ==, "engine/x.c");
  g_assert_cmpstr (b, ==, "/usr/include/stdio.h");
  g_assert_cmpstr (c, ==, "engine/y.c");

  wc_test_rm_rf (root);
}

static void
test_predicates (void)
{
  const char *ignored[] = { ".git", ".x.c.swp", ".x.c.swo", "x.c.swx", "x.c~", "4913", ".#x.c",
                            "#x.c#", "x.c.bak", "x.c.orig", "x.c.tmp", "target", "node_modules",
                            "build-wavecraft", ".goutputstream-ABC", "", NULL };
  const char *watched[] = { "x.c", "x.h", "x.cc", "x.cpp", "x.cxx", "x.hpp", "x.hh", "x.rs",
                            "Cargo.toml", "meson.build", "meson_options.txt", "build.rs", NULL };
  const char *unwatched[] = { "Cargo.lock", "README.md", "x.o", "x.so", "x", "c", ".c", "x.c.swp",
                              "x.c~", "sedAbC123", "x.c.XY12Z3", "package.json", NULL };

  for (guint i = 0; ignored[i] != NULL; i++)
    g_assert_true (wc_project_is_ignored_name (ignored[i]));
  g_assert_true (wc_project_is_ignored_name (NULL));
  g_assert_false (wc_project_is_ignored_name ("src"));
  g_assert_false (wc_project_is_ignored_name ("x.c"));
  g_assert_false (wc_project_is_ignored_name ("build"));
  for (guint i = 0; watched[i] != NULL; i++)
    g_assert_true (wc_project_is_watched_file (watched[i]));
  for (guint i = 0; unwatched[i] != NULL; i++)
    g_assert_false (wc_project_is_watched_file (unwatched[i]));
}

static void
test_pruned_dir (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *mesonbuild = g_build_filename (root, "b", NULL);
  g_autofree char *plain = g_build_filename (root, "src", NULL);
  g_autofree char *git = g_build_filename (root, ".git", NULL);

  wc_test_write_file (root, "b/meson-private/coredata.dat", "x");
  wc_test_write_file (root, "src/x.c", "x");
  g_assert_true (wc_project_is_pruned_dir (mesonbuild));
  g_assert_false (wc_project_is_pruned_dir (plain));
  g_assert_true (wc_project_is_pruned_dir (git));

  wc_test_rm_rf (root);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/wavecraft/project/c", test_c);
  g_test_add_func ("/wavecraft/project/c-with-ui", test_c_with_ui);
  g_test_add_func ("/wavecraft/project/ui-without-package-json", test_ui_without_package_json);
  g_test_add_func ("/wavecraft/project/meson-name-fallback", test_meson_name_fallback);
  g_test_add_func ("/wavecraft/project/rust", test_rust);
  g_test_add_func ("/wavecraft/project/rust-lib-name", test_rust_lib_name);
  g_test_add_func ("/wavecraft/project/rust-workspace", test_rust_workspace);
  g_test_add_func ("/wavecraft/project/rust-parent-workspace", test_rust_parent_workspace);
  g_test_add_func ("/wavecraft/project/cargo-wins", test_cargo_wins);
  g_test_add_func ("/wavecraft/project/fixtures", test_fixtures);
  g_test_add_func ("/wavecraft/project/not-a-project", test_not_a_project);
  g_test_add_func ("/wavecraft/project/sources", test_sources);
  g_test_add_func ("/wavecraft/project/hidden-parent", test_hidden_parent);
  g_test_add_func ("/wavecraft/project/relativize", test_relativize);
  g_test_add_func ("/wavecraft/project/predicates", test_predicates);
  g_test_add_func ("/wavecraft/project/pruned-dir", test_pruned_dir);

  return g_test_run ();
}
