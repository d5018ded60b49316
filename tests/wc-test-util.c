/* wc-test-util.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "wc-test-util.h"

gboolean
wc_test_wait_until (gboolean (*func) (gpointer data),
                    gpointer   data,
                    guint      deadline_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) deadline_ms * 1000;
  GMainContext *context = g_main_context_get_thread_default ();

  while (!func (data))
    {
      gint64 left = deadline - g_get_monotonic_time ();
      GSource *timer;

      if (left <= 0)
        return func (data);
      timer = g_timeout_source_new (MAX (1, left / 1000));
      g_source_set_dummy_callback (timer);
      g_source_attach (timer, context);
      g_main_context_iteration (context, TRUE);
      g_source_destroy (timer);
      g_source_unref (timer);
    }
  return TRUE;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

gboolean
wc_test_wait_flag (gboolean *flag,
                   guint     deadline_ms)
{
  return wc_test_wait_until (flag_is_set, flag, deadline_ms);
}

static gboolean
result_is_set (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

GAsyncResult *
wc_test_wait_result (GAsyncResult **result,
                     guint          deadline_ms)
{
  wc_test_wait_until (result_is_set, result, deadline_ms);
  return *result;
}

void
wc_test_store_result (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

const char *
wc_test_wavecraft_bin (void)
{
  const char *bin = g_getenv ("WAVECRAFT_BIN");

  g_assert_nonnull (bin);
  return bin;
}

char *
wc_test_fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_BUILT, "fixtures", name, NULL);
}

char *
wc_test_source_path (const char *relative)
{
  const char *root = g_getenv ("WAVECRAFT_SOURCE_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, relative, NULL);
}

char *
wc_test_mkdtemp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("wavecraft-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
wc_test_rm_rf (const char *path)
{
  GDir *dir;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          wc_test_rm_rf (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

void
wc_test_copy_tree (const char         *from,
                   const char         *to,
                   const char * const *skip)
{
  g_autoptr(GError) error = NULL;
  GDir *dir;
  const char *name;

  g_mkdir_with_parents (to, 0755);
  dir = g_dir_open (from, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *src = g_build_filename (from, name, NULL);
      g_autofree char *dst = g_build_filename (to, name, NULL);

      if (skip != NULL && g_strv_contains ((const char * const *) skip, name))
        continue;
      if (g_file_test (src, G_FILE_TEST_IS_SYMLINK))
        {
          g_autofree char *target = g_file_read_link (src, NULL);
          if (target != NULL)
            g_assert_cmpint (symlink (target, dst), ==, 0);
        }
      else if (g_file_test (src, G_FILE_TEST_IS_DIR))
        wc_test_copy_tree (src, dst, NULL);
      else
        {
          g_autoptr(GFile) s = g_file_new_for_path (src);
          g_autoptr(GFile) d = g_file_new_for_path (dst);

          g_file_copy (s, d, G_FILE_COPY_OVERWRITE | G_FILE_COPY_ALL_METADATA, NULL, NULL, NULL,
                       &error);
          g_assert_no_error (error);
        }
    }
  g_dir_close (dir);
}

gboolean
wc_test_pid_alive (GPid pid)
{
  /* A zombie still counts: it means nobody reaped the child. */
  return !(kill (pid, 0) != 0 && errno == ESRCH);
}

gboolean
wc_test_pgid_alive (GPid pgid)
{
  return !(kill (-pgid, 0) != 0 && errno == ESRCH);
}

gboolean
wc_test_self_maps_contain (const char *needle)
{
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  return strstr (maps, needle) != NULL;
}
