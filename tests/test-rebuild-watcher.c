/* test-rebuild-watcher.c: every save style gives exactly one "changed"; pruning, new and
 * deleted directories, hidden parents, stop semantics.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "wc-rebuild-watcher.h"
#include "wc-test-util.h"

#define DEBOUNCE_MS 50
/* After a "changed", this long without another one (a timeout source, not a sleep). */
#define QUIET_MS (DEBOUNCE_MS * 6)
#define DEADLINE_MS 5000

typedef struct
{
  char             *tmp;
  char             *root;
  WcRebuildWatcher *watcher;
  GPtrArray        *events; /* GStrv per "changed" */
  gboolean          ready;
} Fixture;

/* open(O_TRUNC) + write + close: an editor that writes in place. */
static void
write_in_place (const char *path,
                const char *contents)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  gssize len = strlen (contents);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, contents, len), ==, len);
  g_assert_cmpint (close (fd), ==, 0);
}

static void
on_changed (WcRebuildWatcher *watcher,
            char            **files,
            Fixture          *f)
{
  g_ptr_array_add (f->events, g_strdupv (files));
}

static void
on_ready (WcRebuildWatcher *watcher,
          Fixture          *f)
{
  f->ready = TRUE;
}

static void
fixture_start (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->watcher = wc_rebuild_watcher_new (f->root, DEBOUNCE_MS);
  g_signal_connect (f->watcher, "changed", G_CALLBACK (on_changed), f);
  g_signal_connect (f->watcher, "ready", G_CALLBACK (on_ready), f);
  wc_rebuild_watcher_add_prune (f->watcher, "generated");
  g_assert_true (wc_rebuild_watcher_start (f->watcher, &error));
  g_assert_no_error (error);
  g_assert_true (wc_test_wait_flag (&f->ready, DEADLINE_MS));
}

static void
fixture_setup_at (Fixture    *f,
                  const char *subdir)
{
  f->tmp = wc_test_mkdtemp ();
  f->root = g_build_filename (f->tmp, subdir, NULL);
  f->events = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  wc_test_write_file (f->root, "meson.build", "project('w', 'c')\n");
  wc_test_write_file (f->root, "src/x.c", "int a;\n");
  wc_test_write_file (f->root, "README.md", "readme\n");
  wc_test_write_file (f->root, "target/debug/t.rs", "x\n");
  wc_test_write_file (f->root, "build-wavecraft/b.c", "x\n");
  wc_test_write_file (f->root, "node_modules/n/n.c", "x\n");
  wc_test_write_file (f->root, ".git/objects/g.c", "x\n");
  wc_test_write_file (f->root, "generated/gen.c", "x\n");
  wc_test_write_file (f->root, "mybuild/meson-private/coredata.dat", "x\n");
  wc_test_write_file (f->root, "mybuild/gen.c", "x\n");

  fixture_start (f);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  fixture_setup_at (f, "engine");
}

static void
fixture_setup_hidden (Fixture       *f,
                      gconstpointer  data)
{
  fixture_setup_at (f, ".cache/x/engine");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->watcher);
  g_clear_pointer (&f->events, g_ptr_array_unref);
  wc_test_rm_rf (f->tmp);
  g_free (f->tmp);
  g_free (f->root);
}

static gboolean
has_n_events (gpointer data)
{
  Fixture *f = ((gpointer *) data)[0];
  guint n = GPOINTER_TO_UINT (((gpointer *) data)[1]);

  return f->events->len >= n;
}

static void
wait_events (Fixture *f,
             guint    n)
{
  gpointer data[2] = { f, GUINT_TO_POINTER (n) };

  g_assert_true (wc_test_wait_until (has_n_events, data, DEADLINE_MS));
}

/* Iterates the main context for QUIET_MS (a timeout source, no sleep) and asserts that no
 * further "changed" came. */
static void
assert_quiet (Fixture *f,
              guint    expected)
{
  gboolean never = FALSE;

  wc_test_wait_flag (&never, QUIET_MS);
  g_assert_cmpuint (f->events->len, ==, expected);
}

static void
assert_event (Fixture           *f,
              guint              index,
              const char * const *files)
{
  char **got;

  g_assert_cmpuint (index, <, f->events->len);
  got = g_ptr_array_index (f->events, index);
  if (!g_strv_equal ((const char * const *) got, files))
    {
      g_autofree char *a = g_strjoinv (", ", got);
      g_autofree char *b = g_strjoinv (", ", (char **) files);
      g_error ("changed [%s], expected [%s]", a, b);
    }
}

/* One save, then exactly one "changed" naming src/x.c. */
static void
assert_one_x_c (Fixture *f)
{
  const char *expected[] = { "src/x.c", NULL };

  wait_events (f, 1);
  assert_quiet (f, 1);
  assert_event (f, 0, expected);
}

static void
test_initial (Fixture *f, gconstpointer data)
{
  /* root, src, mybuild's siblings only: target, build-wavecraft, node_modules, .git,
   * generated (add_prune) and the meson build dir mybuild are pruned */
  g_assert_cmpuint (wc_rebuild_watcher_get_n_watched (f->watcher), ==, 2);
  g_assert_true (wc_rebuild_watcher_is_running (f->watcher));
  g_assert_cmpuint (wc_rebuild_watcher_get_debounce (f->watcher), ==, DEBOUNCE_MS);
  assert_quiet (f, 0);
}

static void
test_plain_write (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->root, "src", "x.c", NULL);

  write_in_place (path, "int b;\n");
  assert_one_x_c (f);
}

/* A writer that pauses for QUIET_MS, far longer than the debounce, before closing the file:
 * still one "changed", after the close, never a build of half a file. */
static void
test_slow_writer (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->root, "src", "x.c", NULL);
  int fd = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "int ", 4), ==, 4);
  assert_quiet (f, 0);
  g_assert_cmpint (write (fd, "w;\n", 3), ==, 3);
  g_assert_cmpint (close (fd), ==, 0);
  assert_one_x_c (f);
}

static void
test_atomic_rename (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->root, "src", "x.c", NULL);
  g_autofree char *tmp = g_build_filename (f->root, "src", "x.c.tmp123", NULL);

  write_in_place (tmp, "int c;\n");
  g_assert_cmpint (g_rename (tmp, path), ==, 0);
  assert_one_x_c (f);
}

static void
test_set_contents (Fixture *f, gconstpointer data)
{
  /* GLib's own atomic save: x.c.XXXXXX, fsync, rename */
  g_autofree char *path = g_build_filename (f->root, "src", "x.c", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents_full (path, "int d;\n", -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error);
  g_assert_no_error (error);
  assert_one_x_c (f);
}

static void
run_tool (const char * const *argv,
          const char         *cwd)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (cwd, (char **) argv, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
test_sed_i (Fixture *f, gconstpointer data)
{
  const char *argv[] = { "sed", "-i", "s/a/e/", "src/x.c", NULL };
  g_autofree char *sed = g_find_program_in_path ("sed");

  if (sed == NULL)
    {
      g_test_skip ("sed not installed");
      return;
    }
  run_tool (argv, f->root);
  assert_one_x_c (f);
}

static void
test_touch (Fixture *f, gconstpointer data)
{
  const char *argv[] = { "touch", "src/x.c", NULL };

  run_tool (argv, f->root);
  assert_one_x_c (f);
}

/* vim with backupcopy=no, step by step: write probe 4913, rename the original to x.c~, write
 * a new x.c, delete x.c~. */
static void
test_vim_sequence (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->root, "src", "x.c", NULL);
  g_autofree char *backup = g_build_filename (f->root, "src", "x.c~", NULL);
  g_autofree char *probe = g_build_filename (f->root, "src", "4913", NULL);
  g_autofree char *swap = g_build_filename (f->root, "src", ".x.c.swp", NULL);

  write_in_place (swap, "swap");
  write_in_place (probe, "");
  g_assert_cmpint (g_unlink (probe), ==, 0);
  g_assert_cmpint (g_rename (path, backup), ==, 0);
  write_in_place (path, "int f;\n");
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_cmpint (g_unlink (backup), ==, 0);
  g_assert_cmpint (g_unlink (swap), ==, 0);
  assert_one_x_c (f);
}

/* The real vim, when installed: swap file, write backup, rename-style write. */
static void
test_vim_real (Fixture *f, gconstpointer data)
{
  const char *argv[] = { "vim", "-u", "NONE", "-i", "NONE", "-N", "-es",
                         "-c", "set writebackup nobackup backupcopy=no",
                         "-c", "s/a/g/", "-c", "wq", "src/x.c", NULL };
  g_autofree char *vim = g_find_program_in_path ("vim");
  g_autofree char *contents = NULL;
  g_autofree char *path = g_build_filename (f->root, "src", "x.c", NULL);

  if (vim == NULL)
    {
      g_test_skip ("vim not installed");
      return;
    }
  run_tool (argv, f->root);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "int g;\n");
  assert_one_x_c (f);
}

static void
test_delete (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->root, "src", "x.c", NULL);

  g_assert_cmpint (g_unlink (path), ==, 0);
  assert_one_x_c (f);
}

static void
test_burst (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->root, "src", "x.c", NULL);
  g_autofree char *header = g_build_filename (f->root, "src", "x.h", NULL);
  const char *expected[] = { "src/x.c", "src/x.h", NULL };
  guint n;

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *text = g_strdup_printf ("int v%u;\n", i);

      write_in_place (path, text);
      if (i == 10)
        write_in_place (header, text);
    }
  wait_events (f, 1);
  assert_quiet (f, f->events->len);
  n = f->events->len;
  g_test_message ("20 writes gave %u emission(s)", n);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <=, 2);
  if (n == 1)
    assert_event (f, 0, expected);
}

static void
test_swap_files (Fixture *f, gconstpointer data)
{
  const char *names[] = { ".x.c.swp", ".x.c.swx", "x.c~", "4913", "x.c.orig", "#x.c#",
                          "README.txt", "x.o", NULL };
  g_autofree char *lock = g_build_filename (f->root, "src", ".#x.c", NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (f->root, "src", names[i], NULL);

      write_in_place (path, "junk");
      write_in_place (path, "more junk");
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  /* emacs' lock file is a dangling symlink */
  g_assert_cmpint (symlink ("user@host.1234:1", lock), ==, 0);
  g_assert_cmpint (g_unlink (lock), ==, 0);
  {
    g_autofree char *readme = g_build_filename (f->root, "README.md", NULL);
    write_in_place (readme, "changed");
  }
  assert_quiet (f, 0);
}

static void
test_pruned_dirs (Fixture *f, gconstpointer data)
{
  const char *paths[] = { "target/debug/t.rs", "build-wavecraft/b.c", "node_modules/n/n.c",
                          ".git/objects/g.c", "generated/gen.c", "mybuild/gen.c", NULL };

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (f->root, paths[i], NULL);
      write_in_place (path, "changed");
    }
  /* pruned names created after the start are pruned too */
  wc_test_write_file (f->root, "src/target/new.c", "x");
  wc_test_write_file (f->root, "src/.hidden/new.c", "x");
  assert_quiet (f, 0);
  g_assert_cmpuint (wc_rebuild_watcher_get_n_watched (f->watcher), ==, 2);
}

static gboolean
n_watched_is (gpointer data)
{
  Fixture *f = ((gpointer *) data)[0];

  return wc_rebuild_watcher_get_n_watched (f->watcher) == GPOINTER_TO_UINT (((gpointer *) data)[1]);
}

static void
wait_n_watched (Fixture *f,
                guint    n)
{
  gpointer data[2] = { f, GUINT_TO_POINTER (n) };

  if (!wc_test_wait_until (n_watched_is, data, DEADLINE_MS))
    g_error ("watching %u directories, expected %u", wc_rebuild_watcher_get_n_watched (f->watcher), n);
}

static void
test_new_subdir (Fixture *f, gconstpointer data)
{
  const char *first[] = { "src/sub/deep/er/y.c", NULL };
  const char *second[] = { "src/sub/deep/er/y.c", NULL };
  g_autofree char *deep = g_build_filename (f->root, "src", "sub", "deep", "er", NULL);
  g_autofree char *file = g_build_filename (deep, "y.c", NULL);

  /* three levels at once, the file written before any watch can exist */
  g_assert_cmpint (g_mkdir_with_parents (deep, 0755), ==, 0);
  write_in_place (file, "int y;\n");
  wait_events (f, 1);
  assert_quiet (f, 1);
  assert_event (f, 0, first);
  wait_n_watched (f, 5);

  /* the new directory is watched now */
  write_in_place (file, "int z;\n");
  wait_events (f, 2);
  assert_quiet (f, 2);
  assert_event (f, 1, second);
}

static void
test_deleted_dir (Fixture *f, gconstpointer data)
{
  const char *created[] = { "src/gone/z.c", NULL };
  const char *deleted[] = { "src/gone/z.c", NULL };
  g_autofree char *dir = g_build_filename (f->root, "src", "gone", NULL);

  wc_test_write_file (f->root, "src/gone/z.c", "int z;\n");
  wait_events (f, 1);
  assert_quiet (f, 1);
  assert_event (f, 0, created);
  wait_n_watched (f, 3);

  wc_test_rm_rf (dir);
  wait_events (f, 2);
  assert_quiet (f, 2);
  assert_event (f, 1, deleted);
  wait_n_watched (f, 2);
}

static void
test_moved_dir (Fixture *f, gconstpointer data)
{
  const char *moved[] = { "src/x.c", "srcnew/x.c", NULL };
  const char *edited[] = { "srcnew/x.c", NULL };
  g_autofree char *from = g_build_filename (f->root, "src", NULL);
  g_autofree char *to = g_build_filename (f->root, "srcnew", NULL);
  g_autofree char *file = g_build_filename (to, "x.c", NULL);

  g_assert_cmpint (g_rename (from, to), ==, 0);
  wait_events (f, 1);
  assert_quiet (f, 1);
  assert_event (f, 0, moved);
  g_assert_cmpuint (wc_rebuild_watcher_get_n_watched (f->watcher), ==, 2);

  write_in_place (file, "int m;\n");
  wait_events (f, 2);
  assert_quiet (f, 2);
  assert_event (f, 1, edited);
}

static void
test_becomes_meson_build_dir (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (f->root, "bld", NULL);
  g_autofree char *private = g_build_filename (dir, "meson-private", NULL);
  g_autofree char *generated = g_build_filename (dir, "config.h", NULL);

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  wait_n_watched (f, 3);
  g_assert_cmpint (g_mkdir (private, 0755), ==, 0);
  wait_n_watched (f, 2);
  write_in_place (generated, "#define X 1\n");
  assert_quiet (f, 0);
}

static void
test_hidden_parent (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->root, "src", "x.c", NULL);

  g_assert_nonnull (strstr (f->root, "/.cache/"));
  g_assert_cmpuint (wc_rebuild_watcher_get_n_watched (f->watcher), ==, 2);
  write_in_place (path, "int h;\n");
  assert_one_x_c (f);
}

static void
test_stop_restart (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->root, "src", "x.c", NULL);
  const char *expected[] = { "src/x.c", NULL };

  /* a change on its way when stop is called is never emitted */
  write_in_place (path, "int s;\n");
  wc_rebuild_watcher_stop (f->watcher);
  g_assert_false (wc_rebuild_watcher_is_running (f->watcher));
  g_assert_cmpuint (wc_rebuild_watcher_get_n_watched (f->watcher), ==, 0);
  assert_quiet (f, 0);
  wc_rebuild_watcher_stop (f->watcher);

  f->ready = FALSE;
  g_assert_true (wc_rebuild_watcher_start (f->watcher, NULL));
  g_assert_true (wc_test_wait_flag (&f->ready, DEADLINE_MS));
  write_in_place (path, "int t;\n");
  wait_events (f, 1);
  assert_quiet (f, 1);
  assert_event (f, 0, expected);
}

static void
test_stop_during_scan (void)
{
  g_autofree char *tmp = wc_test_mkdtemp ();
  g_autoptr(WcRebuildWatcher) watcher = NULL;

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *rel = g_strdup_printf ("d%u/e/f.c", i);
      wc_test_write_file (tmp, rel, "x");
    }
  watcher = wc_rebuild_watcher_new (tmp, 0);
  g_assert_cmpuint (wc_rebuild_watcher_get_debounce (watcher), ==, WC_REBUILD_WATCHER_DEFAULT_DEBOUNCE_MS);
  g_assert_true (wc_rebuild_watcher_start (watcher, NULL));
  /* at once, while the worker may still be scanning: must not hang */
  wc_rebuild_watcher_stop (watcher);
  g_clear_object (&watcher);
  wc_test_rm_rf (tmp);
}

static void
test_not_a_directory (void)
{
  g_autofree char *tmp = wc_test_mkdtemp ();
  g_autofree char *missing = g_build_filename (tmp, "missing", NULL);
  g_autofree char *expected = g_strdup_printf ("Cannot watch %s: not a directory", missing);
  g_autoptr(WcRebuildWatcher) watcher = wc_rebuild_watcher_new (missing, DEBOUNCE_MS);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (wc_rebuild_watcher_get_root (watcher), ==, missing);
  g_assert_false (wc_rebuild_watcher_start (watcher, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_false (wc_rebuild_watcher_is_running (watcher));
  wc_test_rm_rf (tmp);
}

static void
record_thread (WcRebuildWatcher  *watcher,
               char             **files,
               GThread          **seen)
{
  *seen = g_thread_self ();
}

/* The signal arrives on the creating thread's context, never the worker's. */
static void
test_delivery_thread (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->root, "src", "x.c", NULL);
  GThread *seen = NULL;

  g_signal_connect (f->watcher, "changed", G_CALLBACK (record_thread), &seen);
  write_in_place (path, "int q;\n");
  wait_events (f, 1);
  g_assert_true (seen == g_thread_self ());
  g_signal_handlers_disconnect_by_func (f->watcher, record_thread, &seen);
}

#define ADD(name, func) \
  g_test_add ("/wavecraft/rebuild-watcher/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  ADD ("initial", test_initial);
  ADD ("plain-write", test_plain_write);
  ADD ("slow-writer", test_slow_writer);
  ADD ("atomic-rename", test_atomic_rename);
  ADD ("set-contents", test_set_contents);
  ADD ("sed-i", test_sed_i);
  ADD ("touch", test_touch);
  ADD ("vim-sequence", test_vim_sequence);
  ADD ("vim-real", test_vim_real);
  ADD ("delete", test_delete);
  ADD ("burst", test_burst);
  ADD ("swap-files", test_swap_files);
  ADD ("pruned-dirs", test_pruned_dirs);
  ADD ("new-subdir", test_new_subdir);
  ADD ("deleted-dir", test_deleted_dir);
  ADD ("moved-dir", test_moved_dir);
  ADD ("becomes-meson-build-dir", test_becomes_meson_build_dir);
  ADD ("stop-restart", test_stop_restart);
  ADD ("delivery-thread", test_delivery_thread);
  g_test_add ("/wavecraft/rebuild-watcher/hidden-parent", Fixture, NULL, fixture_setup_hidden,
              test_hidden_parent, fixture_teardown);
  g_test_add_func ("/wavecraft/rebuild-watcher/stop-during-scan", test_stop_during_scan);
  g_test_add_func ("/wavecraft/rebuild-watcher/not-a-directory", test_not_a_directory);

  return g_test_run ();
}
