/* test-engine-builder.c: real meson/ninja and cargo builds of tiny fixture engines: success,
 * compiler errors with diagnostics, cancellation killing the process group, missing tools.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc-engine-builder.h"
#include "wc-project.h"
#include "wc-test-util.h"

#define BUILD_DEADLINE_MS 120000

typedef struct
{
  char            *tmp;     /* realpath'd temp dir */
  char            *root;    /* tmp/<fixture> */
  WcProject       *project;
  WcEngineBuilder *builder;
  GPtrArray       *lines;   /* output-line, in order */
} Fixture;

static void
on_output_line (WcEngineBuilder *builder,
                const char      *line,
                Fixture         *f)
{
  g_ptr_array_add (f->lines, g_strdup (line));
}

static void
fixture_open (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->builder);
  g_clear_object (&f->project);
  f->project = wc_project_open (f->root, &error);
  g_assert_no_error (error);
  f->builder = wc_engine_builder_new (f->project);
  g_signal_connect (f->builder, "output-line", G_CALLBACK (on_output_line), f);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *name = data;
  g_autofree char *from = g_strconcat ("tests/fixtures/projects/", name, NULL);
  g_autofree char *src = wc_test_source_path (from);
  g_autofree char *tmp = wc_test_mkdtemp ();
  char *real = realpath (tmp, NULL);

  f->tmp = g_strdup (real);
  free (real);
  f->root = g_build_filename (f->tmp, name, NULL);
  wc_test_copy_tree (src, f->root, NULL);
  f->lines = g_ptr_array_new_with_free_func (g_free);
  fixture_open (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->builder);
  g_clear_object (&f->project);
  g_clear_pointer (&f->lines, g_ptr_array_unref);
  wc_test_rm_rf (f->tmp);
  g_free (f->tmp);
  g_free (f->root);
}

static WcBuildResult *
build (Fixture       *f,
       GCancellable  *cancellable,
       GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  wc_engine_builder_build_async (f->builder, cancellable, wc_test_store_result, &result);
  g_assert_nonnull (wc_test_wait_result (&result, BUILD_DEADLINE_MS));
  return wc_engine_builder_build_finish (f->builder, result, error);
}

static WcBuildResult *
build_ok (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  WcBuildResult *result = build (f, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  if (!result->ok)
    g_error ("build failed:\n%s", result->output);
  return result;
}

/* A build that completes (no GError) but fails. */
static WcBuildResult *
build_failed (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  WcBuildResult *result = build (f, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_false (result->ok);
  return result;
}

/* Replaces @needle in a file and returns the 1-based line it was on. */
static guint
replace_in_file (Fixture    *f,
                 const char *relative,
                 const char *needle,
                 const char *replacement)
{
  g_autofree char *path = g_build_filename (f->root, relative, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GString) text = NULL;
  const char *at;
  guint line = 1;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  at = strstr (contents, needle);
  g_assert_nonnull (at);
  for (const char *p = contents; p < at; p++)
    line += *p == '\n';
  text = g_string_new (contents);
  g_string_replace (text, needle, replacement, 1);
  wc_test_write_file (f->root, relative, text->str);
  return line;
}

static gboolean
lines_contain (Fixture    *f,
               const char *needle)
{
  for (guint i = 0; i < f->lines->len; i++)
    if (strstr (g_ptr_array_index (f->lines, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

static const WcDiagnostic *
find_error (WcBuildResult *result)
{
  for (guint i = 0; i < result->diagnostics->len; i++)
    {
      const WcDiagnostic *d = g_ptr_array_index (result->diagnostics, i);

      if (g_str_equal (d->severity, "error"))
        return d;
    }
  return NULL;
}

/* --- C --- */

static void
test_c_success (Fixture *f, gconstpointer data)
{
  g_autofree char *expected = g_build_filename (f->root, "engine", "build-wavecraft",
                                                "libc-minimal.so", NULL);
  g_autoptr(WcBuildResult) first = NULL;
  g_autoptr(WcBuildResult) again = NULL;
  g_autoptr(WcBuildResult) touched = NULL;
  g_autofree char *found = NULL;
  g_autofree char *fresh_found = NULL;
  g_autofree char *joined = NULL;
  g_autoptr(WcEngineBuilder) fresh = NULL;

  g_assert_null (wc_engine_builder_find_library (f->builder));

  first = build_ok (f);
  g_assert_cmpstr (first->library, ==, expected);
  g_assert_true (g_file_test (first->library, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpfloat (first->duration_ms, >, 0);
  g_assert_cmpuint (first->diagnostics->len, ==, 0);
  g_assert_nonnull (strstr (first->output, "Linking target libc-minimal.so"));
  g_test_message ("first build (setup + compile): %.0f ms", first->duration_ms);

  /* every line of the output was streamed, in order */
  g_ptr_array_add (f->lines, NULL);
  joined = g_strjoinv ("\n", (char **) f->lines->pdata);
  g_ptr_array_remove_index (f->lines, f->lines->len - 1);
  g_assert_true (g_str_has_prefix (first->output, joined));

  again = build_ok (f);
  g_assert_cmpstr (again->library, ==, expected);
  g_assert_nonnull (strstr (again->output, "no work to do"));
  g_test_message ("no-op build: %.0f ms", again->duration_ms);

  replace_in_file (f, "engine/plugin.c", "Gain", "Volume");
  touched = build_ok (f);
  g_assert_nonnull (strstr (touched->output, "Compiling C object"));
  g_test_message ("incremental build: %.0f ms", touched->duration_ms);

  found = wc_engine_builder_find_library (f->builder);
  g_assert_cmpstr (found, ==, expected);

  /* a new builder finds it from meson's introspection data, without building */
  fresh = wc_engine_builder_new (f->project);
  fresh_found = wc_engine_builder_find_library (fresh);
  g_assert_cmpstr (fresh_found, ==, expected);
  g_assert_cmpint (wc_engine_builder_get_running_pid (fresh), ==, 0);
}

static void
test_c_syntax_error (Fixture *f, gconstpointer data)
{
  g_autoptr(WcBuildResult) failed = NULL;
  g_autoptr(WcBuildResult) fixed = NULL;
  g_autofree char *json = NULL;
  const WcDiagnostic *d;
  guint line;

  line = replace_in_file (f, "engine/plugin.c", "return strdup (params);", "return strdup (params)");
  failed = build_failed (f);
  g_assert_null (failed->library);
  g_assert_nonnull (strstr (failed->output, "FAILED:"));
  d = find_error (failed);
  g_assert_nonnull (d);
  g_assert_cmpstr (d->file, ==, "engine/plugin.c");
  g_assert_cmpuint (d->line, ==, line);
  g_assert_cmpuint (d->column, >, 0);
  g_assert_nonnull (strstr (d->message, "expected"));
  g_assert_true (lines_contain (f, "error: expected"));
  /* no colour codes reach the output (b_colorout=never) */
  g_assert_null (strchr (failed->output, '\033'));

  json = wc_diagnostics_to_json (failed->diagnostics);
  g_assert_nonnull (strstr (json, "\"file\":\"engine/plugin.c\""));

  replace_in_file (f, "engine/plugin.c", "return strdup (params)", "return strdup (params);");
  fixed = build_ok (f);
  g_assert_nonnull (fixed->library);
}

static void
test_c_setup_error (Fixture *f, gconstpointer data)
{
  g_autoptr(WcBuildResult) failed = NULL;
  g_autoptr(WcBuildResult) fixed = NULL;
  g_autofree char *good = NULL;
  g_autofree char *path = g_build_filename (f->root, "engine", "meson.build", NULL);
  g_autofree char *broken = NULL;
  const WcDiagnostic *d;
  guint line;

  g_assert_true (g_file_get_contents (path, &good, NULL, NULL));
  line = 1;
  for (const char *p = good; *p != '\0'; p++)
    line += *p == '\n';
  broken = g_strconcat (good, "no_such_function()\n", NULL);
  wc_test_write_file (f->root, "engine/meson.build", broken);

  failed = build_failed (f);
  d = find_error (failed);
  g_assert_nonnull (d);
  g_assert_cmpstr (d->file, ==, "engine/meson.build");
  g_assert_cmpuint (d->line, ==, line);
  g_assert_nonnull (strstr (d->message, "no_such_function"));

  /* a failed setup is set up again on the next build */
  wc_test_write_file (f->root, "engine/meson.build", good);
  fixed = build_ok (f);
  g_assert_nonnull (fixed->library);
}

static void
test_c_no_library (Fixture *f, gconstpointer data)
{
  g_autoptr(WcBuildResult) result = NULL;
  g_autofree char *build_dir = g_build_filename (f->root, "engine", "build-wavecraft", NULL);
  g_autofree char *message =
    g_strdup_printf ("The build succeeded but produced no shared library in %s; the engine's "
                     "meson.build must build one with shared_library()", build_dir);
  const WcDiagnostic *d;

  wc_test_write_file (f->root, "engine/meson.build",
                      "project('c-minimal', 'c')\nexecutable('not-a-plugin', 'main.c')\n");
  wc_test_write_file (f->root, "engine/main.c", "int main (void) { return 0; }\n");
  result = build_failed (f);
  g_assert_null (result->library);
  g_assert_nonnull (strstr (result->output, message));
  g_assert_cmpuint (result->diagnostics->len, ==, 1);
  d = g_ptr_array_index (result->diagnostics, 0);
  g_assert_null (d->file);
  g_assert_cmpstr (d->severity, ==, "error");
  g_assert_cmpstr (d->message, ==, message);
}

/* Whether a process of group @pgid is still running. Zombies waiting for init to reap them,
 * and processes already inside exit() (PF_EXITING: killed, files closed, not yet a zombie)
 * count as gone. */
static gboolean
group_has_live_process (GPid pgid)
{
  GDir *proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  gboolean found = FALSE;

  g_assert_nonnull (proc);
  while (!found && (name = g_dir_read_name (proc)) != NULL)
    {
      char state;
      int group;
      guint flags;

      if (!wc_test_read_proc_stat (name, &state, NULL, &group, &flags))
        continue;
      if (group == pgid && state != 'Z' && state != 'X' && !(flags & 0x4 /* PF_EXITING */))
        found = TRUE;
    }
  g_dir_close (proc);
  return found;
}

typedef struct
{
  Fixture      *f;
  GCancellable *cancellable;
  GPid          pgid;
  gboolean      started;
  gint64        cancel_time;
} CancelData;

static void
cancel_when_started (WcEngineBuilder *builder,
                     const char      *line,
                     CancelData      *cd)
{
  if (cd->started || strstr (line, "slow step started") == NULL)
    return;
  cd->started = TRUE;
  cd->pgid = wc_engine_builder_get_running_pid (builder);
  g_assert_cmpint (cd->pgid, >, 0);
  g_assert_true (group_has_live_process (cd->pgid));
  cd->cancel_time = g_get_monotonic_time ();
  g_cancellable_cancel (cd->cancellable);
}

static void
test_c_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcBuildResult) build_result = NULL;
  CancelData cd = { f, cancellable, 0, FALSE, 0 };
  gint64 done;

  /* a build step that never ends on its own, in ninja's console pool so its output streams */
  wc_test_write_file (f->root, "engine/meson.build",
                      "project('c-minimal', 'c')\n"
                      "shared_library('c-minimal', 'plugin.c', gnu_symbol_visibility: 'hidden')\n"
                      "custom_target('slow', output: 'slow.txt', console: true, build_by_default: true,\n"
                      "  command: ['sh', '-c', 'echo slow step started; sleep 1000; touch \"$1\"', 'sh', '@OUTPUT@'])\n");
  g_signal_connect (f->builder, "output-line", G_CALLBACK (cancel_when_started), &cd);

  wc_engine_builder_build_async (f->builder, cancellable, wc_test_store_result, &result);
  g_assert_nonnull (wc_test_wait_result (&result, BUILD_DEADLINE_MS));
  done = g_get_monotonic_time ();
  build_result = wc_engine_builder_build_finish (f->builder, result, &error);
  g_assert_true (cd.started);
  g_assert_null (build_result);
  g_assert_error (error, WC_ENGINE_BUILDER_ERROR, WC_ENGINE_BUILDER_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "The build was cancelled");
  /* ninja and the sleep in its console pool: the whole group is gone */
  g_assert_false (group_has_live_process (cd.pgid));
  g_assert_cmpint (wc_engine_builder_get_running_pid (f->builder), ==, 0);
  g_test_message ("cancel to result: %.1f ms", (done - cd.cancel_time) / 1000.0);
  g_signal_handlers_disconnect_by_func (f->builder, cancel_when_started, &cd);
}

typedef struct
{
  GAsyncResult *result;
  guint         order;
  guint        *counter;
} Ordered;

static void
store_ordered (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Ordered *o = user_data;

  o->result = g_object_ref (result);
  o->order = ++(*o->counter);
}

/* A session supersedes a build: cancel it and start the next one at once. The next build
 * waits until the old process group is gone, then runs; the old one reports CANCELLED. */
static void
test_supersede (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WcBuildResult) old_result = NULL;
  g_autoptr(WcBuildResult) new_result = NULL;
  g_autofree char *flag = g_build_filename (f->root, "engine", "slow", NULL);
  CancelData cd = { f, cancellable, 0, FALSE, 0 };
  guint counter = 0;
  Ordered old_build = { NULL, 0, &counter };
  Ordered new_build = { NULL, 0, &counter };

  wc_test_write_file (f->root, "engine/slow", "");
  wc_test_write_file (f->root, "engine/meson.build",
                      "project('c-minimal', 'c')\n"
                      "shared_library('c-minimal', 'plugin.c', gnu_symbol_visibility: 'hidden')\n"
                      "custom_target('slow', output: 'slow.txt', console: true, build_by_default: true,\n"
                      "  command: ['sh', '-c', 'if [ -e \"$2\" ]; then echo slow step started; sleep 1000; fi; touch \"$1\"',\n"
                      "            'sh', '@OUTPUT@', meson.current_source_dir() / 'slow'])\n");
  g_signal_connect (f->builder, "output-line", G_CALLBACK (cancel_when_started), &cd);

  wc_engine_builder_build_async (f->builder, cancellable, store_ordered, &old_build);
  g_assert_true (wc_test_wait_flag (&cd.started, BUILD_DEADLINE_MS));
  g_signal_handlers_disconnect_by_func (f->builder, cancel_when_started, &cd);
  /* cancel_when_started cancelled it; supersede right away */
  g_assert_cmpint (g_unlink (flag), ==, 0);
  wc_engine_builder_build_async (f->builder, NULL, store_ordered, &new_build);

  g_assert_nonnull (wc_test_wait_result (&new_build.result, BUILD_DEADLINE_MS));
  g_assert_nonnull (old_build.result);
  g_assert_cmpuint (old_build.order, ==, 1);
  g_assert_cmpuint (new_build.order, ==, 2);

  old_result = wc_engine_builder_build_finish (f->builder, old_build.result, &error);
  g_assert_null (old_result);
  g_assert_error (error, WC_ENGINE_BUILDER_ERROR, WC_ENGINE_BUILDER_ERROR_CANCELLED);
  g_assert_false (group_has_live_process (cd.pgid));

  new_result = wc_engine_builder_build_finish (f->builder, new_build.result, NULL);
  g_assert_nonnull (new_result);
  g_assert_true (new_result->ok);
  g_clear_object (&old_build.result);
  g_clear_object (&new_build.result);
}

static void
test_cancel_before_start (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WcBuildResult) result = NULL;

  g_cancellable_cancel (cancellable);
  result = build (f, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, WC_ENGINE_BUILDER_ERROR, WC_ENGINE_BUILDER_ERROR_CANCELLED);
  g_assert_cmpuint (f->lines->len, ==, 0);
}

static void
test_queued (Fixture *f, gconstpointer data)
{
  g_autoptr(GAsyncResult) a = NULL;
  g_autoptr(GAsyncResult) b = NULL;
  g_autoptr(WcBuildResult) ra = NULL;
  g_autoptr(WcBuildResult) rb = NULL;

  /* two builds at once run one after the other, both succeed */
  wc_engine_builder_build_async (f->builder, NULL, wc_test_store_result, &a);
  wc_engine_builder_build_async (f->builder, NULL, wc_test_store_result, &b);
  g_assert_nonnull (wc_test_wait_result (&a, BUILD_DEADLINE_MS));
  g_assert_null (b);
  g_assert_nonnull (wc_test_wait_result (&b, BUILD_DEADLINE_MS));
  ra = wc_engine_builder_build_finish (f->builder, a, NULL);
  rb = wc_engine_builder_build_finish (f->builder, b, NULL);
  g_assert_true (ra->ok);
  g_assert_true (rb->ok);
  g_assert_nonnull (strstr (rb->output, "no work to do"));
}

static void
test_stale_build_dir (Fixture *f, gconstpointer data)
{
  g_autoptr(WcBuildResult) first = NULL;
  g_autoptr(WcBuildResult) copied = NULL;
  g_autofree char *copy = g_build_filename (f->tmp, "copy", NULL);
  g_autofree char *expected = g_build_filename (copy, "engine", "build-wavecraft",
                                                "libc-minimal.so", NULL);
  const WcDiagnostic *d;

  first = build_ok (f);

  /* a copied project still carries a build dir configured for the original */
  wc_test_copy_tree (f->root, copy, NULL);
  g_free (f->root);
  f->root = g_strdup (copy);
  fixture_open (f);
  replace_in_file (f, "engine/plugin.c", "return strdup (params);", "return strdup (params)");
  copied = build_failed (f);
  d = find_error (copied);
  g_assert_nonnull (d);
  g_assert_cmpstr (d->file, ==, "engine/plugin.c");

  replace_in_file (f, "engine/plugin.c", "return strdup (params)", "return strdup (params);");
  g_clear_pointer (&copied, wc_build_result_free);
  copied = build_ok (f);
  g_assert_cmpstr (copied->library, ==, expected);
}

static void
assert_tool_missing (Fixture    *f,
                     const char *message)
{
  g_autofree char *empty = g_build_filename (f->tmp, "empty-path", NULL);
  g_autofree char *old_path = g_strdup (g_getenv ("PATH"));
  g_autoptr(GError) error = NULL;
  g_autoptr(WcBuildResult) result = NULL;

  g_assert_cmpint (g_mkdir_with_parents (empty, 0755), ==, 0);
  g_setenv ("PATH", empty, TRUE);
  result = build (f, NULL, &error);
  g_setenv ("PATH", old_path, TRUE);

  g_assert_null (result);
  g_assert_error (error, WC_ENGINE_BUILDER_ERROR, WC_ENGINE_BUILDER_ERROR_TOOL_MISSING);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_c_tool_missing (Fixture *f, gconstpointer data)
{
  assert_tool_missing (f, "meson is not installed or not on PATH; install meson and ninja (for "
                          "example `sudo apt install meson ninja-build`) to build a C engine");
}

/* --- Rust --- */

static gboolean
have_cargo (void)
{
  g_autofree char *cargo = wc_test_find_cargo ();

  if (cargo == NULL)
    {
      g_test_skip ("cargo not installed");
      return FALSE;
    }
  return TRUE;
}

static void
test_rust_success (Fixture *f, gconstpointer data)
{
  g_autofree char *expected = g_build_filename (f->root, "engine", "target", "debug",
                                                "librust_minimal.so", NULL);
  g_autoptr(WcBuildResult) result = NULL;
  g_autoptr(WcBuildResult) failed = NULL;
  g_autofree char *found = NULL;
  const WcDiagnostic *d;
  guint line;

  if (!have_cargo ())
    return;

  result = build_ok (f);
  g_assert_cmpstr (result->library, ==, expected);
  g_assert_cmpuint (result->diagnostics->len, ==, 0);
  g_assert_true (lines_contain (f, "Compiling rust-minimal"));
  g_test_message ("cargo build: %.0f ms", result->duration_ms);
  found = wc_engine_builder_find_library (f->builder);
  g_assert_cmpstr (found, ==, expected);

  line = replace_in_file (f, "engine/src/lib.rs", "Ok(s) => s.into_raw(),", "Ok(s) => s.into_raw()");
  failed = build_failed (f);
  d = find_error (failed);
  g_assert_nonnull (d);
  g_assert_cmpstr (d->file, ==, "engine/src/lib.rs");
  g_assert_cmpuint (d->line, ==, line);
  g_assert_cmpuint (d->column, >, 0);
  /* the rendered message is what the user sees, not JSON */
  g_assert_true (lines_contain (f, "--> src/lib.rs:"));
  g_assert_false (lines_contain (f, "\"reason\""));
}

static void
test_rust_workspace (Fixture *f, gconstpointer data)
{
  g_autofree char *engine = g_build_filename (f->root, "engine", NULL);
  g_autofree char *member = g_build_filename (f->tmp, "member", NULL);
  g_autofree char *dest = g_build_filename (engine, "plugin", NULL);
  g_autofree char *expected = g_build_filename (engine, "target", "debug", "librust_minimal.so", NULL);
  g_autoptr(WcBuildResult) result = NULL;

  if (!have_cargo ())
    return;

  /* engine/ becomes a virtual workspace with the crate in engine/plugin/ */
  g_assert_cmpint (g_rename (engine, member), ==, 0);
  wc_test_copy_tree (member, dest, NULL);
  wc_test_write_file (f->root, "engine/Cargo.toml",
                      "[workspace]\nmembers = [\"plugin\"]\nresolver = \"2\"\n");
  fixture_open (f);
  g_assert_true (wc_project_is_workspace (f->project));

  result = build_ok (f);
  g_assert_cmpstr (result->library, ==, expected);
}

static void
test_rust_tool_missing (Fixture *f, gconstpointer data)
{
  assert_tool_missing (f, "cargo is not installed or not on PATH; install Rust from "
                          "https://rustup.rs to build a Rust engine");
}

#define ADD(name, fixture, func) \
  g_test_add ("/wavecraft/engine-builder/" name, Fixture, fixture, fixture_setup, func, fixture_teardown)

int
main (int argc, char **argv)
{
  wc_test_setup_cargo_env ();

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  ADD ("c-success", "c-minimal", test_c_success);
  ADD ("c-syntax-error", "c-minimal", test_c_syntax_error);
  ADD ("c-setup-error", "c-minimal", test_c_setup_error);
  ADD ("c-no-library", "c-minimal", test_c_no_library);
  ADD ("c-cancel", "c-minimal", test_c_cancel);
  ADD ("supersede", "c-minimal", test_supersede);
  ADD ("cancel-before-start", "c-minimal", test_cancel_before_start);
  ADD ("queued", "c-minimal", test_queued);
  ADD ("stale-build-dir", "c-minimal", test_stale_build_dir);
  ADD ("c-tool-missing", "c-minimal", test_c_tool_missing);
  ADD ("rust-success", "rust-minimal", test_rust_success);
  ADD ("rust-workspace", "rust-minimal", test_rust_workspace);
  ADD ("rust-tool-missing", "rust-minimal", test_rust_tool_missing);

  return g_test_run ();
}
