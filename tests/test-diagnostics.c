/* test-diagnostics.c: gcc/clang and cargo diagnostics parsing, JSON serialisation.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gstdio.h>

#include "wc-diagnostics.h"
#include "wc-test-util.h"

static void
assert_diagnostic (GPtrArray  *diagnostics,
                   guint       index,
                   const char *file,
                   guint       line,
                   guint       column,
                   const char *severity,
                   const char *message)
{
  const WcDiagnostic *d;

  g_assert_cmpuint (index, <, diagnostics->len);
  d = g_ptr_array_index (diagnostics, index);
  g_assert_cmpstr (d->file, ==, file);
  g_assert_cmpuint (d->line, ==, line);
  g_assert_cmpuint (d->column, ==, column);
  g_assert_cmpstr (d->severity, ==, severity);
  g_assert_cmpstr (d->message, ==, message);
}

/* Compiles a broken file with the real gcc the way meson's ninja does (from the build dir,
 * `../src/x.c`, colours forced on) and parses what it printed. */
static void
test_gcc_real (void)
{
  g_autofree char *root = wc_test_mkdtemp ();
  g_autofree char *src = g_build_filename (root, "engine", "src", NULL);
  g_autofree char *build = g_build_filename (root, "engine", "build-wavecraft", NULL);
  g_autofree char *file = g_build_filename (src, "x.c", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GPtrArray) diagnostics = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "gcc", "-Wall", "-fdiagnostics-color=always", "-c", "../src/x.c",
                         "-o", "x.o", NULL };
  g_autofree char *gcc = g_find_program_in_path ("gcc");
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "LC_ALL", "C", TRUE);
  int status = 0;

  if (gcc == NULL)
    {
      g_test_skip ("gcc not installed");
      return;
    }

  g_assert_cmpint (g_mkdir_with_parents (src, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (build, 0755), ==, 0);
  g_file_set_contents (file,
                       "int f (void);\n"                 /* 1 */
                       "int\n"                           /* 2 */
                       "f (void)\n"                      /* 3 */
                       "{\n"                             /* 4 */
                       "  int unused;\n"                 /* 5 */
                       "  return 1\n"                    /* 6 */
                       "}\n", -1, &error);
  g_assert_no_error (error);

  g_spawn_sync (build, (char **) argv, envp, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, "\033["));

  diagnostics = wc_diagnostics_parse_gcc (err, build, root);
  g_assert_cmpuint (diagnostics->len, ==, 2);
  assert_diagnostic (diagnostics, 0, "engine/src/x.c", 6, 11, "error",
                     "expected ';' before '}' token");
  assert_diagnostic (diagnostics, 1, "engine/src/x.c", 5, 7, "warning",
                     "unused variable 'unused' [-Wunused-variable]");

  wc_test_rm_rf (root);
}

static const char ninja_output[] =
  "ninja: Entering directory `/p/engine/build-wavecraft'\n"
  "[1/2] Compiling C object libx.so.p/plugin.c.o\n"
  "FAILED: libx.so.p/plugin.c.o \n"
  "cc -Ilibx.so.p -I. -I.. -Wall -std=gnu11 -O0 -g -fPIC -MD -MQ libx.so.p/plugin.c.o -MF "
  "libx.so.p/plugin.c.o.d -o libx.so.p/plugin.c.o -c ../plugin.c\n"
  "In file included from ../plugin.c:2:\n"
  "../include/x.h:3:1: warning: data definition has no type or storage class\n"
  "    3 | foo;\n"
  "      | ^~~\n"
  "../plugin.c: In function ‘wavecraft_get_params_json’:\n"
  "../plugin.c:16:25: error: expected ‘;’ before ‘}’ token\n"
  "   16 |   return strdup (params)\n"
  "      |                         ^\n"
  "      |                         ;\n"
  "   17 | }\n"
  "      | ~                        \n"
  "../plugin.c:9: warning: ignoring ‘#pragma foo’ [-Wunknown-pragmas]\n"
  "../plugin.c:1:10: fatal error: nope.h: No such file or directory\n"
  "/usr/include/stdio.h:42:3: note: declared here\n"
  "compilation terminated.\n"
  "ninja: build stopped: subcommand failed.\n";

static void
test_gcc_strings (void)
{
  g_autoptr(GPtrArray) d = wc_diagnostics_parse_gcc (ninja_output, "/p/engine/build-wavecraft", "/p");

  g_assert_cmpuint (d->len, ==, 5);
  assert_diagnostic (d, 0, "engine/include/x.h", 3, 1, "warning",
                     "data definition has no type or storage class");
  assert_diagnostic (d, 1, "engine/plugin.c", 16, 25, "error", "expected ‘;’ before ‘}’ token");
  assert_diagnostic (d, 2, "engine/plugin.c", 9, 0, "warning",
                     "ignoring ‘#pragma foo’ [-Wunknown-pragmas]");
  assert_diagnostic (d, 3, "engine/plugin.c", 1, 10, "error", "nope.h: No such file or directory");
  /* outside the project: absolute, as printed */
  assert_diagnostic (d, 4, "/usr/include/stdio.h", 42, 3, "note", "declared here");
}

static void
test_gcc_no_dirs (void)
{
  g_autoptr(GPtrArray) d = wc_diagnostics_parse_gcc ("src/x.c:3:5: error: oops\r\n", NULL, NULL);

  g_assert_cmpuint (d->len, ==, 1);
  assert_diagnostic (d, 0, "src/x.c", 3, 5, "error", "oops");
}

static void
test_clang_strings (void)
{
  static const char output[] =
    "z.c:1:21: error: non-void function 'f' should return a value [-Wreturn-type]\n"
    "int f(void){ int u; return; }\n"
    "                    ^\n"
    "z.c:1:18: warning: unused variable 'u' [-Wunused-variable]\n"
    "1 warning and 1 error generated.\n";
  g_autoptr(GPtrArray) d = wc_diagnostics_parse_gcc (output, "/p/engine", "/p");

  g_assert_cmpuint (d->len, ==, 2);
  assert_diagnostic (d, 0, "engine/z.c", 1, 21, "error",
                     "non-void function 'f' should return a value [-Wreturn-type]");
  assert_diagnostic (d, 1, "engine/z.c", 1, 18, "warning", "unused variable 'u' [-Wunused-variable]");
}

static void
test_linker (void)
{
  static const char output[] =
    "[2/2] Linking target libx.so\n"
    "FAILED: libx.so\n"
    "/usr/bin/ld: libx.so.p/x.c.o: in function `foo':\n"
    "/p/engine/x.c:2: undefined reference to `bar'\n"
    "/usr/bin/ld: x.c:(.text+0x5): undefined reference to `baz'\n"
    "collect2: error: ld returned 1 exit status\n";
  static const char tool_only[] =
    "cc1: error: unrecognized command-line option ‘-Wfoo’\n"
    "collect2: error: ld returned 1 exit status\n";
  g_autoptr(GPtrArray) d = wc_diagnostics_parse_gcc (output, "/p/engine/build-wavecraft", "/p");
  g_autoptr(GPtrArray) t = wc_diagnostics_parse_gcc (tool_only, "/p/engine/build-wavecraft", "/p");

  /* collect2's summary adds nothing when the real error is known */
  g_assert_cmpuint (d->len, ==, 2);
  assert_diagnostic (d, 0, "engine/x.c", 2, 0, "error", "undefined reference to `bar'");
  assert_diagnostic (d, 1, "engine/build-wavecraft/x.c", 0, 0, "error",
                     "undefined reference to `baz'");

  /* ... but is kept when it is all there is */
  g_assert_cmpuint (t->len, ==, 2);
  assert_diagnostic (t, 0, NULL, 0, 0, "error", "cc1: unrecognized command-line option ‘-Wfoo’");
  assert_diagnostic (t, 1, NULL, 0, 0, "error", "collect2: ld returned 1 exit status");
}

static void
test_meson_error (void)
{
  g_autoptr(GPtrArray) d =
    wc_diagnostics_parse_gcc ("\n../meson.build:7:0: ERROR: Unknown function \"foo\".\n\n"
                              "A full log can be found at /p/engine/build-wavecraft/meson-logs/meson-log.txt\n",
                              "/p/engine/build-wavecraft", "/p");

  g_assert_cmpuint (d->len, ==, 1);
  assert_diagnostic (d, 0, "engine/meson.build", 7, 0, "error", "Unknown function \"foo\".");
}

/* Real `cargo build --message-format=json` lines (rust 1.95). */
static const char cargo_error_line[] =
  "{\"reason\":\"compiler-message\",\"package_id\":\"path+file:///p/engine#rust-minimal@0.1.0\","
  "\"manifest_path\":\"/p/engine/Cargo.toml\",\"target\":{\"kind\":[\"cdylib\"],\"crate_types\":[\"cdylib\"],"
  "\"name\":\"rust_minimal\",\"src_path\":\"/p/engine/src/lib.rs\",\"edition\":\"2021\",\"doc\":true,"
  "\"doctest\":false,\"test\":true},\"message\":{\"rendered\":\"error: expected `,` following `match` arm\\n"
  "  --> src/lib.rs:11:30\\n   |\\n11 |         Ok(s) => s.into_raw()\\n   |                              ^\\n"
  "   |\\nhelp: missing a comma here to end this `match` arm\\n   |\\n11 |         Ok(s) => s.into_raw(),\\n"
  "   |                              +\\n\\n\",\"$message_type\":\"diagnostic\",\"children\":[{\"children\":[],"
  "\"code\":null,\"level\":\"help\",\"message\":\"missing a comma here to end this `match` arm\",\"rendered\":null,"
  "\"spans\":[{\"byte_end\":478,\"byte_start\":478,\"column_end\":30,\"column_start\":30,\"expansion\":null,"
  "\"file_name\":\"src/lib.rs\",\"is_primary\":true,\"label\":null,\"line_end\":11,\"line_start\":11,"
  "\"suggested_replacement\":\",\",\"suggestion_applicability\":\"MachineApplicable\",\"text\":[]}]}],"
  "\"level\":\"error\",\"message\":\"expected `,` following `match` arm\",\"spans\":[{\"byte_end\":478,"
  "\"byte_start\":478,\"column_end\":30,\"column_start\":30,\"expansion\":null,\"file_name\":\"src/lib.rs\","
  "\"is_primary\":true,\"label\":null,\"line_end\":11,\"line_start\":11,\"suggested_replacement\":null,"
  "\"suggestion_applicability\":null,\"text\":[]}],\"code\":null}}";

static const char cargo_warning_line[] =
  "{\"reason\":\"compiler-message\",\"package_id\":\"x\",\"message\":{\"rendered\":\"warning: unused variable: `x`\\n\","
  "\"children\":[],\"code\":{\"code\":\"unused_variables\",\"explanation\":null},\"level\":\"warning\","
  "\"message\":\"unused variable: `x`\",\"spans\":["
  "{\"file_name\":\"src/other.rs\",\"is_primary\":false,\"line_start\":2,\"column_start\":1},"
  "{\"file_name\":\"src/lib.rs\",\"is_primary\":true,\"line_start\":20,\"column_start\":9}]}}";

static const char cargo_summary_line[] =
  "{\"reason\":\"compiler-message\",\"package_id\":\"x\",\"message\":{\"rendered\":\"error: aborting due to 1 previous error\\n\\n\","
  "\"children\":[],\"code\":null,\"level\":\"error\",\"message\":\"aborting due to 1 previous error\",\"spans\":[]}}";

static const char cargo_artifact_line[] =
  "{\"reason\":\"compiler-artifact\",\"package_id\":\"x\",\"filenames\":[\"/p/engine/target/debug/librust_minimal.so\"],"
  "\"executable\":null,\"fresh\":false}";

static void
test_cargo_lines (void)
{
  g_autoptr(WcDiagnostic) e = wc_diagnostics_parse_cargo_line (cargo_error_line, "/p/engine", "/p");
  g_autoptr(WcDiagnostic) w = wc_diagnostics_parse_cargo_line (cargo_warning_line, "/p/engine", "/p");
  g_autoptr(WcDiagnostic) manifest =
    wc_diagnostics_parse_cargo_line ("error: failed to parse manifest at `/p/engine/Cargo.toml`",
                                     "/p/engine", "/p");
  g_autofree char *rendered = wc_diagnostics_cargo_rendered (cargo_error_line);

  g_assert_nonnull (e);
  g_assert_cmpstr (e->file, ==, "engine/src/lib.rs");
  g_assert_cmpuint (e->line, ==, 11);
  g_assert_cmpuint (e->column, ==, 30);
  g_assert_cmpstr (e->severity, ==, "error");
  g_assert_cmpstr (e->message, ==, "expected `,` following `match` arm");

  g_assert_nonnull (w);
  g_assert_cmpstr (w->file, ==, "engine/src/lib.rs");
  g_assert_cmpuint (w->line, ==, 20);
  g_assert_cmpuint (w->column, ==, 9);
  g_assert_cmpstr (w->severity, ==, "warning");
  g_assert_cmpstr (w->message, ==, "unused variable: `x`");

  g_assert_nonnull (manifest);
  g_assert_null (manifest->file);
  g_assert_cmpstr (manifest->message, ==, "failed to parse manifest at `/p/engine/Cargo.toml`");

  g_assert_null (wc_diagnostics_parse_cargo_line (cargo_summary_line, "/p/engine", "/p"));
  g_assert_null (wc_diagnostics_parse_cargo_line (cargo_artifact_line, "/p/engine", "/p"));
  g_assert_null (wc_diagnostics_parse_cargo_line ("{\"reason\":\"build-finished\",\"success\":false}", NULL, NULL));
  g_assert_null (wc_diagnostics_parse_cargo_line ("error: could not compile `rust-minimal` (lib) due to 1 previous error",
                                                  NULL, NULL));
  g_assert_null (wc_diagnostics_parse_cargo_line ("   Compiling rust-minimal v0.1.0 (/p/engine)", NULL, NULL));
  g_assert_null (wc_diagnostics_parse_cargo_line ("{not json", NULL, NULL));

  g_assert_nonnull (rendered);
  g_assert_true (g_str_has_prefix (rendered, "error: expected `,` following `match` arm\n  --> src/lib.rs:11:30\n"));
  g_assert_false (g_str_has_suffix (rendered, "\n"));
  g_assert_null (wc_diagnostics_cargo_rendered (cargo_artifact_line));
}

static void
test_cargo_output (void)
{
  g_autofree char *output = g_strjoin ("\n", "   Compiling rust-minimal v0.1.0 (/p/engine)",
                                       cargo_warning_line, cargo_error_line, cargo_summary_line,
                                       cargo_artifact_line,
                                       "error: could not compile `rust-minimal` (lib) due to 1 previous error",
                                       NULL);
  g_autoptr(GPtrArray) d = wc_diagnostics_parse_cargo (output, "/p/engine", NULL);

  g_assert_cmpuint (d->len, ==, 2);
  assert_diagnostic (d, 0, "/p/engine/src/lib.rs", 20, 9, "warning", "unused variable: `x`");
  assert_diagnostic (d, 1, "/p/engine/src/lib.rs", 11, 30, "error", "expected `,` following `match` arm");
}

static void
test_json (void)
{
  g_autoptr(GPtrArray) d = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_diagnostic_free);
  g_autofree char *json = NULL;
  g_autofree char *empty = NULL;

  g_ptr_array_add (d, wc_diagnostic_new ("engine/plugin.c", 16, 25, "error", "expected ‘;’ \"x\""));
  g_ptr_array_add (d, wc_diagnostic_new (NULL, 0, 0, "error", "collect2: ld returned 1 exit status"));
  json = wc_diagnostics_to_json (d);
  g_assert_cmpstr (json, ==,
                   "[{\"file\":\"engine/plugin.c\",\"line\":16,\"column\":25,\"severity\":\"error\","
                   "\"message\":\"expected ‘;’ \\\"x\\\"\"},"
                   "{\"file\":\"\",\"line\":0,\"column\":0,\"severity\":\"error\","
                   "\"message\":\"collect2: ld returned 1 exit status\"}]");

  empty = wc_diagnostics_to_json (NULL);
  g_assert_cmpstr (empty, ==, "[]");
}

static void
test_strip_ansi (void)
{
  g_autofree char *a = wc_diagnostics_strip_ansi ("\033[01m\033[K../x.c:1:2:\033[m\033[K \033[01;31m\033[Kerror: \033[m\033[Kbad");
  g_autofree char *b = wc_diagnostics_strip_ansi ("plain");
  g_autofree char *c = wc_diagnostics_strip_ansi ("\033]8;;file:///x\033\\link\033]8;;\a end\033[");

  g_assert_cmpstr (a, ==, "../x.c:1:2: error: bad");
  g_assert_cmpstr (b, ==, "plain");
  g_assert_cmpstr (c, ==, "link end");
}

static void
test_copy (void)
{
  g_autoptr(WcDiagnostic) d = wc_diagnostic_new ("a.c", 1, 2, "note", "m");
  g_autoptr(WcDiagnostic) copy = wc_diagnostic_copy (d);

  g_assert_cmpstr (copy->file, ==, "a.c");
  g_assert_cmpuint (copy->line, ==, 1);
  g_assert_cmpuint (copy->column, ==, 2);
  g_assert_cmpstr (copy->severity, ==, "note");
  g_assert_cmpstr (copy->message, ==, "m");
  wc_diagnostic_free (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/wavecraft/diagnostics/gcc-real", test_gcc_real);
  g_test_add_func ("/wavecraft/diagnostics/gcc-strings", test_gcc_strings);
  g_test_add_func ("/wavecraft/diagnostics/gcc-no-dirs", test_gcc_no_dirs);
  g_test_add_func ("/wavecraft/diagnostics/clang-strings", test_clang_strings);
  g_test_add_func ("/wavecraft/diagnostics/linker", test_linker);
  g_test_add_func ("/wavecraft/diagnostics/meson-error", test_meson_error);
  g_test_add_func ("/wavecraft/diagnostics/cargo-lines", test_cargo_lines);
  g_test_add_func ("/wavecraft/diagnostics/cargo-output", test_cargo_output);
  g_test_add_func ("/wavecraft/diagnostics/json", test_json);
  g_test_add_func ("/wavecraft/diagnostics/strip-ansi", test_strip_ansi);
  g_test_add_func ("/wavecraft/diagnostics/copy", test_copy);

  return g_test_run ();
}
