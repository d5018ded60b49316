/* test-sidecar-cache.c: `wavecraft-params.json` validity and atomic replacement
 * (PROTOCOL.md §5).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wc-param-info.h"
#include "wc-sidecar-cache.h"
#include "wc-test-util.h"

typedef struct
{
  char      *dir;
  char      *library;
  char      *sidecar;
  char      *sources[3];
  char      *bin;
  GPtrArray *params;
} Fixture;

static void
set_mtime (const char *path,
           time_t      sec,
           long        nsec)
{
  struct timespec times[2] = { { 0, UTIME_OMIT }, { sec, nsec } };

  g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
}

static struct timespec
get_mtime (const char *path)
{
  struct stat st;

  g_assert_cmpint (stat (path, &st), ==, 0);
  return st.st_mtim;
}

static GPtrArray *
make_params (void)
{
  GPtrArray *params = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_param_info_unref);
  WcParamInfo *gain = wc_param_info_new ("gain", "Gain", WC_PARAM_TYPE_FLOAT, -60, 6, 0.7);
  WcParamInfo *bypass = wc_param_info_new ("bypass", "Bypass", WC_PARAM_TYPE_BOOL, 0, 1, 0);

  gain->unit = g_strdup ("dB");
  gain->group = g_strdup ("Output");
  g_ptr_array_add (params, gain);
  g_ptr_array_add (params, bypass);
  return params;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  time_t past = time (NULL) - 100;

  f->dir = wc_test_mkdtemp ();
  f->library = g_build_filename (f->dir, "libplugin.so", NULL);
  f->sidecar = g_build_filename (f->dir, "wavecraft-params.json", NULL);
  f->sources[0] = g_build_filename (f->dir, "a.c", NULL);
  f->sources[1] = g_build_filename (f->dir, "b.c", NULL);
  f->sources[2] = NULL;
  f->bin = g_build_filename (f->dir, "wavecraft", NULL);
  f->params = make_params ();

  wc_test_write_file (f->library, NULL, "\177ELF not really");
  wc_test_write_file (f->sources[0], NULL, "int a;\n");
  wc_test_write_file (f->sources[1], NULL, "int b;\n");
  wc_test_write_file (f->bin, NULL, "#!/bin/true\n");
  /* Inputs well in the past, so the sidecar written now is newer whatever the
   * timestamp granularity. */
  set_mtime (f->library, past, 0);
  set_mtime (f->sources[0], past, 0);
  set_mtime (f->sources[1], past, 0);
  set_mtime (f->bin, past, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  wc_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->library);
  g_free (f->sidecar);
  g_free (f->sources[0]);
  g_free (f->sources[1]);
  g_free (f->bin);
  g_ptr_array_unref (f->params);
}

static void
save (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (wc_sidecar_save (f->library, f->params, &error));
  g_assert_no_error (error);
}

static void
assert_same_params (GPtrArray *a,
                    GPtrArray *b)
{
  g_autofree char *ja = wc_param_info_list_serialize (a);
  g_autofree char *jb = wc_param_info_list_serialize (b);

  g_assert_cmpstr (ja, ==, jb);
}

static void
assert_stale (Fixture    *f,
              const char *newer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autofree char *expected = NULL;

  loaded = wc_sidecar_load (f->library, (const char * const *) f->sources, f->bin, &error);
  g_assert_null (loaded);
  g_assert_error (error, WC_SIDECAR_ERROR, WC_SIDECAR_ERROR_STALE);
  expected = g_strdup_printf ("Parameter cache ‘%s’ is stale: ‘%s’ is newer",
                              f->sidecar, newer);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_path (void)
{
  g_autofree char *path = wc_sidecar_path_for ("/a/b/target/debug/libplug.so");

  g_assert_cmpstr (path, ==, "/a/b/target/debug/wavecraft-params.json");
}

static void
test_missing (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autofree char *expected = g_strdup_printf ("No parameter cache at ‘%s’", f->sidecar);

  loaded = wc_sidecar_load (f->library, (const char * const *) f->sources, f->bin, &error);
  g_assert_null (loaded);
  g_assert_error (error, WC_SIDECAR_ERROR, WC_SIDECAR_ERROR_MISSING);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_hit (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *json = NULL;

  save (f);

  /* One compact JSON line, as extracted. */
  g_assert_true (g_file_get_contents (f->sidecar, &contents, NULL, NULL));
  json = wc_param_info_list_serialize (f->params);
  g_assert_true (g_str_has_suffix (contents, "\n"));
  contents[strlen (contents) - 1] = '\0';
  g_assert_cmpstr (contents, ==, json);

  loaded = wc_sidecar_load (f->library, (const char * const *) f->sources, f->bin, &error);
  g_assert_no_error (error);
  assert_same_params (loaded, f->params);
  g_clear_pointer (&loaded, g_ptr_array_unref);

  /* Sources and binary are optional. */
  loaded = wc_sidecar_load (f->library, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_same_params (loaded, f->params);
}

static void
test_stale_source (Fixture       *f,
                   gconstpointer  data)
{
  struct timespec sidecar_mtime;

  save (f);
  /* "touch" a source after the sidecar was written... */
  sidecar_mtime = get_mtime (f->sidecar);
  set_mtime (f->sources[1], sidecar_mtime.tv_sec + 1, sidecar_mtime.tv_nsec);
  assert_stale (f, f->sources[1]);

  /* ...and in the same timestamp tick: equal is not newer enough. */
  set_mtime (f->sources[1], sidecar_mtime.tv_sec, sidecar_mtime.tv_nsec);
  assert_stale (f, f->sources[1]);

  /* One nanosecond before: valid again. */
  if (sidecar_mtime.tv_nsec > 0)
    set_mtime (f->sources[1], sidecar_mtime.tv_sec, sidecar_mtime.tv_nsec - 1);
  else
    set_mtime (f->sources[1], sidecar_mtime.tv_sec - 1, 999999999);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) loaded = NULL;

    loaded = wc_sidecar_load (f->library, (const char * const *) f->sources, f->bin, &error);
    g_assert_no_error (error);
    g_assert_nonnull (loaded);
  }
}

static void
test_stale_library (Fixture       *f,
                    gconstpointer  data)
{
  struct timespec sidecar_mtime;

  save (f);
  sidecar_mtime = get_mtime (f->sidecar);
  set_mtime (f->library, sidecar_mtime.tv_sec + 5, 0);
  assert_stale (f, f->library);
}

static void
test_stale_binary (Fixture       *f,
                   gconstpointer  data)
{
  struct timespec sidecar_mtime;

  save (f);
  sidecar_mtime = get_mtime (f->sidecar);
  set_mtime (f->bin, sidecar_mtime.tv_sec + 5, 0);
  assert_stale (f, f->bin);
}

static void
test_stale_deleted_source (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autofree char *expected = NULL;

  save (f);
  g_assert_cmpint (g_unlink (f->sources[0]), ==, 0);
  loaded = wc_sidecar_load (f->library, (const char * const *) f->sources, f->bin, &error);
  g_assert_null (loaded);
  g_assert_error (error, WC_SIDECAR_ERROR, WC_SIDECAR_ERROR_STALE);
  expected = g_strdup_printf ("Parameter cache ‘%s’ is stale: ‘%s’ cannot be read "
                              "(Error when getting information for file “%s”: "
                              "No such file or directory)",
                              f->sidecar, f->sources[0], f->sources[0]);
  g_assert_cmpstr (error->message, ==, expected);
}

/* A hostile or damaged cache must not crash the parent: json-glib alone would recurse once
 * per '[' and overflow the stack. */
static void
test_corrupt_deep (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autofree char *deep = g_strnfill (1024 * 1024, '[');
  g_autofree char *expected = NULL;

  save (f);
  wc_test_write_file (f->sidecar, NULL, deep);
  loaded = wc_sidecar_load (f->library, (const char * const *) f->sources, f->bin, &error);
  g_assert_null (loaded);
  g_assert_error (error, WC_SIDECAR_ERROR, WC_SIDECAR_ERROR_CORRUPT);
  expected = g_strdup_printf ("Parameter cache ‘%s’ is corrupt: Invalid JSON: The text nests "
                              "deeper than 128 levels", f->sidecar);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_corrupt (Fixture       *f,
              gconstpointer  data)
{
  const char *bad[] = {
    "[{\"id\":\"gain\",\"name\":\"Gain\",\"min\":-60,",   /* truncated */
    "{\"not\":\"an array\"}",
    "[{\"id\":\"gain\",\"name\":\"Gain\",\"min\":6,\"max\":-60,\"default\":0}]",
    "",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) parse_error = NULL;
      g_autoptr(GPtrArray) loaded = NULL;
      g_autoptr(GPtrArray) parsed = NULL;
      g_autofree char *expected = NULL;

      wc_test_write_file (f->sidecar, NULL, bad[i]);
      loaded = wc_sidecar_load (f->library, (const char * const *) f->sources, f->bin,
                                &error);
      g_assert_null (loaded);
      g_assert_error (error, WC_SIDECAR_ERROR, WC_SIDECAR_ERROR_CORRUPT);

      parsed = wc_param_info_list_parse (bad[i], -1, &parse_error);
      g_assert_null (parsed);
      g_assert_nonnull (parse_error);
      expected = g_strdup_printf ("Parameter cache ‘%s’ is corrupt: %s", f->sidecar,
                                  parse_error->message);
      g_assert_cmpstr (error->message, ==, expected);

      /* The caller extracts again and replaces it. */
      g_clear_error (&error);
      g_clear_pointer (&loaded, g_ptr_array_unref);
      save (f);
      loaded = wc_sidecar_load (f->library, (const char * const *) f->sources, f->bin,
                                &error);
      g_assert_no_error (error);
      assert_same_params (loaded, f->params);
    }
}

static void
assert_dir_entries (const char         *dir,
                    const char * const *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_assert_cmpuint (names->len, ==, g_strv_length ((char **) expected));
  for (guint i = 0; i < names->len; i++)
    g_assert_true (g_strv_contains (expected, g_ptr_array_index (names, i)));
}

static void
test_atomic_replace (Fixture       *f,
                     gconstpointer  data)
{
  const char *entries[] = { "libplugin.so", "a.c", "b.c", "wavecraft",
                            "wavecraft-params.json", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  struct stat before, after;
  int fd;

  save (f);
  assert_dir_entries (f->dir, entries);
  g_assert_cmpint (stat (f->sidecar, &before), ==, 0);
  g_assert_cmpint (before.st_mode & 0777, ==, 0644);

  /* A reader holding the old file open still sees the old contents: the new one is a
   * different file renamed over it, never the old one rewritten in place. */
  fd = g_open (f->sidecar, O_RDONLY, 0);
  g_assert_cmpint (fd, >=, 0);

  g_ptr_array_remove_index (f->params, 1);
  save (f);
  g_assert_cmpint (stat (f->sidecar, &after), ==, 0);
  g_assert_cmpuint (before.st_ino, !=, after.st_ino);
  {
    struct stat open_st;

    g_assert_cmpint (fstat (fd, &open_st), ==, 0);
    g_assert_cmpuint (open_st.st_ino, ==, before.st_ino);
    g_assert_cmpint (open_st.st_nlink, ==, 0);
    g_assert_cmpint (open_st.st_size, ==, before.st_size);
  }
  close (fd);

  /* No temporary file left behind. */
  assert_dir_entries (f->dir, entries);

  loaded = wc_sidecar_load (f->library, (const char * const *) f->sources, f->bin, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 1);
  assert_same_params (loaded, f->params);
}

static void
test_save_error (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *library = g_build_filename (f->dir, "no-such-dir", "libplugin.so", NULL);
  g_autofree char *prefix = g_build_filename (f->dir, "no-such-dir",
                                              "wavecraft-params.json", NULL);

  g_assert_false (wc_sidecar_save (library, f->params, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  /* GLib's own message names the temporary file it could not create. */
  g_assert_true (strstr (error->message, prefix) != NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/wavecraft/sidecar-cache/path", test_path);
#define ADD(name, func) \
  g_test_add ("/wavecraft/sidecar-cache/" name, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("missing", test_missing);
  ADD ("hit", test_hit);
  ADD ("stale-source", test_stale_source);
  ADD ("stale-library", test_stale_library);
  ADD ("stale-binary", test_stale_binary);
  ADD ("stale-deleted-source", test_stale_deleted_source);
  ADD ("corrupt", test_corrupt);
  ADD ("corrupt-deep", test_corrupt_deep);
  ADD ("atomic-replace", test_atomic_replace);
  ADD ("save-error", test_save_error);
#undef ADD

  return g_test_run ();
}
