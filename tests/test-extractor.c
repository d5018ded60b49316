/* test-extractor.c: WcExtractor against the fixture plugins (real shared libraries) and the
 * real `wavecraft extract-params` child.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wc-extractor.h"
#include "wc-param-info.h"
#include "wc-test-util.h"

#define DEADLINE_MS 60000

typedef struct
{
  char        *tmp_dir;   /* where the extractor puts its private copies */
  WcExtractor *extractor;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->tmp_dir = wc_test_mkdtemp ();
  f->extractor = wc_extractor_new (wc_test_wavecraft_bin ());
  wc_extractor_set_tmp_dir (f->extractor, f->tmp_dir);
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* Whether a process whose parent is this one exists (zombies included). */
static gboolean
has_children (gpointer user_data)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      int ppid;

      if (wc_test_read_proc_stat (name, NULL, &ppid, NULL, NULL) && ppid == (int) getpid ())
        return TRUE;
    }
  return FALSE;
}

/* This process is a child subreaper (see main), so every process the extraction left
 * behind, in its group or escaped from it, would be a descendant of ours: there must be
 * none. Exited ones are reaped here, which is safe only while no extraction runs. */
static gboolean
no_descendants (gpointer user_data)
{
  for (;;)
    {
      siginfo_t info = { 0 };

      if (waitid (P_ALL, 0, &info, WEXITED | WNOHANG) != 0 || info.si_pid == 0)
        break;
    }
  return !has_children (NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  /* After every extraction: nothing left running, the private copy is gone, and no plugin
   * was ever mapped here. */
  /* Polls: process exit is no main-context event. */
  g_assert_true (wc_test_wait_polling (no_descendants, NULL, DEADLINE_MS));
  g_assert_cmpuint (count_entries (f->tmp_dir), ==, 0);
  g_assert_false (wc_test_self_maps_contain ("libfixture"));
  g_assert_false (wc_test_self_maps_contain ("wavecraft-extract-"));
  g_assert_false (wc_test_self_maps_contain ("not-a-library"));

  g_clear_object (&f->extractor);
  wc_test_rm_rf (f->tmp_dir);
  g_free (f->tmp_dir);
}

static GPtrArray *
extract (WcExtractor   *extractor,
         const char    *library,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  wc_extractor_extract_async (extractor, library, cancellable, wc_test_store_result, &result);
  g_assert_nonnull (wc_test_wait_result (&result, DEADLINE_MS));
  return wc_extractor_extract_finish (extractor, result, error);
}

/* Extracts from the fixture library @name, asserting success. */
static GPtrArray *
extract_ok (Fixture    *f,
            const char *name)
{
  g_autofree char *lib = wc_test_fixture_path (name);
  g_autoptr(GError) error = NULL;
  GPtrArray *list = extract (f->extractor, lib, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}

static WcParamInfo *
param (GPtrArray *list,
       guint      i)
{
  g_assert_cmpuint (i, <, list->len);
  return g_ptr_array_index (list, i);
}

static void
test_defaults (void)
{
  g_autoptr(WcExtractor) extractor = wc_extractor_new ("/usr/bin/wavecraft");

  g_assert_cmpuint (wc_extractor_get_timeout (extractor), ==, 30000);
  wc_extractor_set_timeout (extractor, 1234);
  g_assert_cmpuint (wc_extractor_get_timeout (extractor), ==, 1234);
}

static void
test_good (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GPtrArray) list = extract_ok (f, "libfixture-good.so");
  const char *variants[] = { "Sine", "Triangle", "Square", "Sägezahn ↗", NULL };
  const char *ids[] = { "gain", "freq", "drive", "bypass", "wave", "fine" };
  WcParamInfo *p;

  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (ids));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_assert_cmpstr (param (list, i)->id, ==, ids[i]);

  p = param (list, 0);
  g_assert_cmpstr (p->name, ==, "Gain");
  g_assert_cmpint (p->type, ==, WC_PARAM_TYPE_FLOAT);
  g_assert_cmpfloat (p->min, ==, -60);
  g_assert_cmpfloat (p->max, ==, 6);
  g_assert_cmpfloat (p->default_value, ==, 0);
  g_assert_cmpstr (p->unit, ==, "dB");
  g_assert_cmpstr (p->group, ==, "Output");

  p = param (list, 1);
  g_assert_cmpstr (p->name, ==, "Fréquence");
  g_assert_cmpstr (p->unit, ==, "Hz");

  p = param (list, 2);
  g_assert_cmpstr (p->name, ==, "Drive \"hot\" \\ cold");
  g_assert_cmpfloat (p->value, ==, 0.7);
  g_assert_null (p->unit);

  p = param (list, 3);
  g_assert_cmpint (p->type, ==, WC_PARAM_TYPE_BOOL);
  g_assert_null (p->group);

  p = param (list, 4);
  g_assert_cmpint (p->type, ==, WC_PARAM_TYPE_ENUM);
  g_assert_cmpstr (p->name, ==, "波形 🎛");
  g_assert_cmpfloat (p->max, ==, 3);
  g_assert_cmpstrv (p->variants, variants);

  p = param (list, 5);
  g_assert_cmpstr (p->name, ==, "Tab\tNew\nline\001");
  g_assert_cmpstr (p->unit, ==, "µs");
  g_assert_cmpstr (p->group, ==, "Ünïcødé/Grüppe");
  g_assert_cmpfloat (p->default_value, ==, -0.25);
}

static void
assert_generated (GPtrArray *list,
                  guint      n)
{
  g_assert_cmpuint (list->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%04u", i);

      g_assert_cmpstr (param (list, i)->id, ==, id);
    }
}

/* data: the count n, as GUINT_TO_POINTER; the fixture is libfixture-<n>.so. */
static void
test_generated (Fixture       *f,
                gconstpointer  data)
{
  guint n = GPOINTER_TO_UINT (data);
  g_autofree char *name = g_strdup_printf ("libfixture-%u.so", n);
  g_autoptr(GPtrArray) list = extract_ok (f, name);

  assert_generated (list, n);
}

static void
test_huge (Fixture       *f,
           gconstpointer  data)
{
  /* About 10 MB of JSON on one line: more than any pipe buffer, under the 16 MiB cap. */
  g_autoptr(GPtrArray) list = extract_ok (f, "libfixture-huge.so");

  g_assert_cmpuint (list->len, ==, 20000);
  g_assert_cmpstr (param (list, 19999)->id, ==, "p19999");
  g_assert_cmpuint (strlen (param (list, 0)->name), >=, 440);
}

static void
test_print (Fixture       *f,
            gconstpointer  data)
{
  /* The plugin prints to stdout from its constructor and from the call: the data channel
   * still carries only the parameters. */
  g_autoptr(GPtrArray) list = extract_ok (f, "libfixture-print.so");

  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (param (list, 0)->id, ==, "level");
  g_assert_cmpstr (param (list, 0)->unit, ==, "dB");
  g_assert_cmpfloat (param (list, 0)->default_value, ==, 0.5);
  g_assert_cmpstr (param (list, 1)->id, ==, "on");
  g_assert_cmpint (param (list, 1)->type, ==, WC_PARAM_TYPE_BOOL);
}

static void
test_fork (Fixture       *f,
           gconstpointer  data)
{
  /* The plugin leaves a grandchild holding the pipes open: the extraction still completes
   * with the list, and the grandchild dies with the group (checked in tear-down). */
  g_autoptr(GPtrArray) list = extract_ok (f, "libfixture-fork.so");

  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (param (list, 0)->id, ==, "level");
  g_assert_cmpstr (param (list, 1)->id, ==, "on");
}

typedef struct
{
  const char       *fixture;
  WcExtractorError  code;
  const char       *message;   /* %s: the library path, where it appears; no other % */
} ErrorCase;

static const ErrorCase error_cases[] = {
  { "libfixture-good.txt", WC_EXTRACTOR_ERROR_USAGE,
    "'%s' is not a plugin library: the name must end in .so" },
  { "not-a-library.so", WC_EXTRACTOR_ERROR_LOAD,
    "Could not load the library: invalid ELF header" },
  { "empty.so", WC_EXTRACTOR_ERROR_LOAD,
    "Could not load the library: file too short" },
  { "libfixture-nosym.so", WC_EXTRACTOR_ERROR_SYMBOL,
    "The library does not export wavecraft_get_params_json()" },
  { "libfixture-nofree.so", WC_EXTRACTOR_ERROR_SYMBOL,
    "The library does not export wavecraft_free_string()" },
  { "libfixture-null.so", WC_EXTRACTOR_ERROR_INVALID,
    "wavecraft_get_params_json() returned NULL" },
  { "libfixture-badjson.so", WC_EXTRACTOR_ERROR_INVALID,
    "wavecraft_get_params_json() returned an invalid parameter list: Invalid JSON: "
    "<data>:1:38: Parse error: unexpected character `,', expected string constant" },
  { "libfixture-dup.so", WC_EXTRACTOR_ERROR_INVALID,
    "wavecraft_get_params_json() returned an invalid parameter list: "
    "Duplicate parameter id 'gain'" },
  { "libfixture-minmax.so", WC_EXTRACTOR_ERROR_INVALID,
    "wavecraft_get_params_json() returned an invalid parameter list: "
    "Parameter 'freq': min 20000 is not less than max 20" },
  { "libfixture-default.so", WC_EXTRACTOR_ERROR_INVALID,
    "wavecraft_get_params_json() returned an invalid parameter list: "
    "Parameter 'gain': default 12 is out of range [-60, 6]" },
  { "libfixture-badutf8.so", WC_EXTRACTOR_ERROR_UTF8,
    "wavecraft_get_params_json() returned text that is not valid UTF-8 "
    "(invalid byte at offset 20)" },
  { "libfixture-segv.so", WC_EXTRACTOR_ERROR_CRASHED,
    "Plugin ‘%s’ crashed while extracting parameters (SIGSEGV)" },
  { "libfixture-abort.so", WC_EXTRACTOR_ERROR_CRASHED,
    "Plugin ‘%s’ crashed while extracting parameters (SIGABRT)" },
};

static void
assert_error_message (const GError *error,
                      const char   *format,
                      const char   *library)
{
  /* A format without %s ignores the argument. */
  g_autofree char *expected = g_strdup_printf (format, library);

  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_error_case (Fixture       *f,
                 gconstpointer  data)
{
  const ErrorCase *c = data;
  g_autofree char *lib = wc_test_fixture_path (c->fixture);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  list = extract (f->extractor, lib, NULL, &error);
  g_assert_null (list);
  g_assert_error (error, WC_EXTRACTOR_ERROR, (int) c->code);
  /* The private copy's name never shows: messages name the library. */
  g_assert_null (strstr (error->message, "wavecraft-extract-"));
  assert_error_message (error, c->message, lib);
}

static void
test_missing_library (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *lib = g_build_filename (f->tmp_dir, "no-such-dir", "libnothing.so", NULL);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  list = extract (f->extractor, lib, NULL, &error);
  g_assert_null (list);
  g_assert_error (error, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_LOAD);
  assert_error_message (error, "Could not read plugin library ‘%s’: No such file or directory",
                        lib);
}

typedef struct
{
  const char    *dir;
  char          *copy;
  GAsyncResult **result;  /* stop looking once the extraction finished */
} CopyWatch;

/* The private copy appears in the tmp dir while the child runs. */
static gboolean
copy_exists (gpointer user_data)
{
  CopyWatch *watch = user_data;
  g_autoptr(GDir) d = g_dir_open (watch->dir, 0, NULL);
  const char *name = d != NULL ? g_dir_read_name (d) : NULL;

  if (name == NULL)
    return watch->result != NULL && *watch->result != NULL;
  g_free (watch->copy);
  watch->copy = g_strdup (name);
  return TRUE;
}

static void
test_hang_timeout (Fixture       *f,
                   gconstpointer  data)
{
  /* A constructor that never returns: dlopen() never comes back. Only the outcome is
   * checked, not how long it took. */
  g_autofree char *lib = wc_test_fixture_path ("libfixture-hang.so");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  CopyWatch watch = { f->tmp_dir, NULL, &result };

  wc_extractor_set_timeout (f->extractor, 500);
  wc_extractor_extract_async (f->extractor, lib, NULL, wc_test_store_result, &result);

  /* While it runs: one private copy named like wavecraft-extract-XXXXXX.so, not mapped
   * here. */
  g_assert_true (wc_test_wait_polling (copy_exists, &watch, DEADLINE_MS));
  if (watch.copy != NULL)
    {
      g_assert_true (g_str_has_prefix (watch.copy, "wavecraft-extract-"));
      g_assert_true (g_str_has_suffix (watch.copy, ".so"));
      g_assert_cmpuint (strlen (watch.copy), ==, strlen ("wavecraft-extract-XXXXXX.so"));
      g_assert_false (wc_test_self_maps_contain (watch.copy));
    }

  g_assert_nonnull (wc_test_wait_result (&result, DEADLINE_MS));
  list = wc_extractor_extract_finish (f->extractor, result, &error);
  g_assert_null (list);
  g_assert_error (error, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_TIMEOUT);
  assert_error_message (error,
                        "Timed out after 500 ms extracting parameters from ‘%s’; the plugin "
                        "may hang in a static initialiser", lib);
  g_free (watch.copy);
  /* tear-down: no process of the group alive, copy removed */
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *lib = wc_test_fixture_path ("libfixture-hang.so");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  CopyWatch watch = { f->tmp_dir, NULL, NULL };

  /* The default timeout (30 s) never fires here: cancellation ends it. */
  wc_extractor_extract_async (f->extractor, lib, cancellable, wc_test_store_result, &result);
  g_assert_true (wc_test_wait_polling (copy_exists, &watch, DEADLINE_MS));
  /* ...and the child runs (stuck in the plugin's constructor). */
  g_assert_true (wc_test_wait_polling (has_children, NULL, DEADLINE_MS));
  g_cancellable_cancel (cancellable);

  g_assert_nonnull (wc_test_wait_result (&result, DEADLINE_MS));
  list = wc_extractor_extract_finish (f->extractor, result, &error);
  g_assert_null (list);
  g_assert_error (error, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_CANCELLED);
  assert_error_message (error, "Parameter extraction from ‘%s’ was cancelled", lib);
  g_free (watch.copy);
}

static void
test_cancel_before (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *lib = wc_test_fixture_path ("libfixture-good.so");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  list = extract (f->extractor, lib, cancellable, &error);
  g_assert_null (list);
  g_assert_error (error, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_CANCELLED);
  assert_error_message (error, "Parameter extraction from ‘%s’ was cancelled", lib);
}

static void
test_concurrent (Fixture       *f,
                 gconstpointer  data)
{
  /* Several extractions at once: each has its own copy and child. */
  const char *names[] = { "libfixture-good.so", "libfixture-5.so", "libfixture-500.so",
                          "libfixture-print.so", "libfixture-dup.so" };
  const guint expected[] = { 6, 5, 500, 2, 0 };
  GAsyncResult *results[G_N_ELEMENTS (names)] = { NULL, };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *lib = wc_test_fixture_path (names[i]);

      wc_extractor_extract_async (f->extractor, lib, NULL, wc_test_store_result, &results[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GPtrArray) list = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (wc_test_wait_result (&results[i], DEADLINE_MS));
      list = wc_extractor_extract_finish (f->extractor, results[i], &error);
      if (expected[i] == 0)
        g_assert_error (error, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_INVALID);
      else
        {
          g_assert_no_error (error);
          g_assert_cmpuint (list->len, ==, expected[i]);
        }
      g_clear_object (&results[i]);
    }
}

/* Misbehaving stand-ins for the wavecraft binary, for the paths a correct extract-params
 * never takes. */
static char *
write_fake_bin (const char *dir,
                const char *script)
{
  g_autofree char *contents = g_strconcat ("#!/bin/sh\n", script, "\n", NULL);
  char *path = g_build_filename (dir, "fake-wavecraft", NULL);

  wc_test_write_file (dir, "fake-wavecraft", contents);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
  return path;
}

typedef struct
{
  const char       *script;
  WcExtractorError  code;
  const char       *message;  /* %s: the library, where it appears; no other % */
} FakeCase;

static const FakeCase fake_cases[] = {
  { "exit 7", WC_EXTRACTOR_ERROR_FAILED,
    "Parameter extraction from ‘%s’ failed with exit code 7" },
  { "echo 'no error line' >&2; exit 2", WC_EXTRACTOR_ERROR_LOAD,
    "Parameter extraction from ‘%s’ failed with exit code 2" },
  /* The child's name for the library is its private copy: the message names the library. */
  { "echo \"error: could not open $2\" >&2; echo 'hint: none' >&2; exit 2",
    WC_EXTRACTOR_ERROR_LOAD, "could not open %s" },
  { "echo '[{\"id\":\"a\"'; exit 0", WC_EXTRACTOR_ERROR_INVALID, NULL },
  { "head -c 17000000 /dev/zero", WC_EXTRACTOR_ERROR_FAILED,
    "Parameter extraction from ‘%s’ wrote more than 16777216 bytes of output" },
  { "kill -BUS $$", WC_EXTRACTOR_ERROR_CRASHED,
    "Plugin ‘%s’ crashed while extracting parameters (SIGBUS)" },
};

static void
test_fake_child (Fixture       *f,
                 gconstpointer  data)
{
  const FakeCase *c = data;
  g_autofree char *bin_dir = wc_test_mkdtemp ();
  g_autofree char *bin = write_fake_bin (bin_dir, c->script);
  g_autoptr(WcExtractor) extractor = wc_extractor_new (bin);
  g_autofree char *lib = wc_test_fixture_path ("libfixture-good.so");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  wc_extractor_set_tmp_dir (extractor, f->tmp_dir);
  list = extract (extractor, lib, NULL, &error);
  g_assert_null (list);
  g_assert_error (error, WC_EXTRACTOR_ERROR, (int) c->code);
  if (c->message != NULL)
    assert_error_message (error, c->message, lib);
  else
    {
      g_autoptr(GError) parse_error = NULL;
      g_autoptr(GPtrArray) parsed = wc_param_info_list_parse ("[{\"id\":\"a\"\n", -1,
                                                              &parse_error);
      g_autofree char *expected = NULL;

      g_assert_null (parsed);
      expected = g_strdup_printf ("Parameter extraction from ‘%s’ returned an invalid "
                                  "parameter list: %s", lib, parse_error->message);
      g_assert_cmpstr (error->message, ==, expected);
    }
  wc_test_rm_rf (bin_dir);
}

static void
test_spawn_error (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(WcExtractor) extractor = wc_extractor_new ("/nonexistent/wavecraft");
  g_autofree char *lib = wc_test_fixture_path ("libfixture-good.so");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  wc_extractor_set_tmp_dir (extractor, f->tmp_dir);
  list = extract (extractor, lib, NULL, &error);
  g_assert_null (list);
  g_assert_error (error, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_FAILED);
  assert_error_message (error,
                        "Could not extract parameters from ‘%s’: Could not start "
                        "‘/nonexistent/wavecraft’: Failed to spawn child process "
                        "“/nonexistent/wavecraft” (No such file or directory)", lib);
}

static void
test_tmp_dir_error (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *lib = wc_test_fixture_path ("libfixture-good.so");
  g_autofree char *missing = g_build_filename (f->tmp_dir, "gone", NULL);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  wc_extractor_set_tmp_dir (f->extractor, missing);
  list = extract (f->extractor, lib, NULL, &error);
  g_assert_null (list);
  g_assert_error (error, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_FAILED);
  expected = g_strdup_printf ("Could not copy plugin library ‘%s’ to ‘%s’: "
                              "No such file or directory", lib, missing);
  g_assert_cmpstr (error->message, ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* Under ASan the suite asks for exact malloc stacks (fast_unwind_on_malloc=0), which makes
   * the extract-params children, which never run a leak check (they leave with _exit()),
   * twenty times slower on the 10 MB fixture. Our own options were read at start-up. */
  {
    g_autofree char *asan = wc_test_fast_unwind_asan_options ();

    if (asan != NULL)
      g_setenv ("ASAN_OPTIONS", asan, TRUE);
  }

  /* Orphans of the extraction's process group come back to us: see no_descendants(). */
  g_assert_cmpint (prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), ==, 0);

  g_test_add_func ("/wavecraft/extractor/defaults", test_defaults);
#define ADD(name, func, data) \
  g_test_add ("/wavecraft/extractor/" name, Fixture, data, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("good", test_good, NULL);
  ADD ("5", test_generated, GUINT_TO_POINTER (5));
  ADD ("500", test_generated, GUINT_TO_POINTER (500));
  ADD ("huge", test_huge, NULL);
  ADD ("print", test_print, NULL);
  ADD ("fork", test_fork, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/wavecraft/extractor/error/%s",
                                               error_cases[i].fixture);

      g_test_add (path, Fixture, &error_cases[i], fixture_set_up, test_error_case,
                  fixture_tear_down);
    }
  ADD ("missing-library", test_missing_library, NULL);
  ADD ("hang-timeout", test_hang_timeout, NULL);
  ADD ("cancel", test_cancel, NULL);
  ADD ("cancel-before", test_cancel_before, NULL);
  ADD ("concurrent", test_concurrent, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (fake_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/wavecraft/extractor/misbehaving-child/%zu", i);

      g_test_add (path, Fixture, &fake_cases[i], fixture_set_up, test_fake_child,
                  fixture_tear_down);
    }
  ADD ("spawn-error", test_spawn_error, NULL);
  ADD ("tmp-dir-error", test_tmp_dir_error, NULL);
#undef ADD

  return g_test_run ();
}
