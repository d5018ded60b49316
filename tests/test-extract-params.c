/* test-extract-params.c: `wavecraft extract-params` on every fixture (PROTOCOL.md §2).
 *
 * Runs the real binary ($WAVECRAFT_BIN) as a child and checks its exit status, its stdout
 * byte for byte and the `error:`/`hint:` lines on stderr.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wc-test-util.h"

#define DEADLINE_MS 30000

#define HINT_USAGE "hint: Usage: wavecraft extract-params LIBRARY"
#define HINT_LOAD \
  "hint: Check that the engine built successfully and that the file is a shared library " \
  "for this machine"
#define HINT_SYMBOL \
  "hint: Rebuild the plugin with a current Wavecraft SDK; a Rust plugin must be built with " \
  "“cargo build --lib --features _param-discovery”"
#define HINT_SCHEMA \
  "hint: Each parameter needs a unique non-empty id, a name, min < max and a default within " \
  "range (PROTOCOL.md §3)"
#define HINT_PARSE \
  "hint: wavecraft_get_params_json() must return a JSON array of ParameterInfo objects " \
  "(PROTOCOL.md §3)"

/* What libfixture-good.so prints, normalised. */
#define GOOD_JSON \
  "[{\"id\":\"gain\",\"name\":\"Gain\",\"type\":\"float\",\"value\":0,\"default\":0," \
  "\"min\":-60,\"max\":6,\"unit\":\"dB\",\"group\":\"Output\"}," \
  "{\"id\":\"freq\",\"name\":\"Fréquence\",\"type\":\"float\",\"value\":440,\"default\":440," \
  "\"min\":20,\"max\":20000,\"unit\":\"Hz\",\"group\":\"Oscillator\"}," \
  "{\"id\":\"drive\",\"name\":\"Drive \\\"hot\\\" \\\\ cold\",\"type\":\"float\"," \
  "\"value\":0.7,\"default\":0.7,\"min\":0,\"max\":1,\"group\":\"Output\"}," \
  "{\"id\":\"bypass\",\"name\":\"Bypass\",\"type\":\"bool\",\"value\":0,\"default\":0," \
  "\"min\":0,\"max\":1}," \
  "{\"id\":\"wave\",\"name\":\"波形 🎛\",\"type\":\"enum\",\"value\":2,\"default\":2," \
  "\"min\":0,\"max\":3,\"group\":\"Oscillator\"," \
  "\"variants\":[\"Sine\",\"Triangle\",\"Square\",\"Sägezahn ↗\"]}," \
  "{\"id\":\"fine\",\"name\":\"Tab\\tNew\\nline\\u0001\",\"type\":\"float\"," \
  "\"value\":-0.25,\"default\":-0.25,\"min\":-1,\"max\":1,\"unit\":\"µs\"," \
  "\"group\":\"Ünïcødé/Grüppe\"}]\n"

/* What the print and fork fixtures return. */
#define SMALL_JSON \
  "[{\"id\":\"level\",\"name\":\"Level\",\"type\":\"float\",\"value\":0.5,\"default\":0.5," \
  "\"min\":-24,\"max\":24,\"unit\":\"dB\"}," \
  "{\"id\":\"on\",\"name\":\"On\",\"type\":\"bool\",\"value\":1,\"default\":1,\"min\":0," \
  "\"max\":1}]\n"

typedef struct
{
  int    exit_status;   /* -1 when killed by a signal */
  int    term_sig;
  char  *out;
  gsize  out_len;
  char  *err;
} RunResult;

static void
run_result_free (RunResult *r)
{
  g_free (r->out);
  g_free (r->err);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RunResult, run_result_free)

/* NUL-terminated copy; "" for empty output (whose data pointer may be NULL). */
static char *
bytes_to_string (GBytes *bytes,
                 gsize  *length)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);
  char *str = g_malloc (size + 1);

  if (size > 0)
    memcpy (str, data, size);
  str[size] = '\0';
  if (length != NULL)
    *length = size;
  return str;
}

static GSubprocessLauncher *
new_launcher (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);
  g_autofree char *asan = wc_test_fast_unwind_asan_options ();

  /* untranslated messages, whatever the developer's locale */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");

  /* Sanitizer builds: the child exits with _exit() once a plugin is loaded, so its leak
   * check never needs the slow unwinder, which makes parsing 10 MB ten times slower. */
  if (asan != NULL)
    g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", asan, TRUE);
  return launcher;
}

/* Runs `wavecraft ARGV…` to completion (deadline 30 s) in @cwd (NULL: inherit). */
static RunResult *
run_in (const char         *cwd,
        const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    new_launcher (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  RunResult *r = g_new0 (RunResult, 1);

  g_ptr_array_add (argv, (char *) wc_test_wavecraft_bin ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  if (cwd != NULL)
    g_subprocess_launcher_set_cwd (launcher, cwd);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_async (proc, NULL, NULL, wc_test_store_result, &result);
  g_assert_nonnull (wc_test_wait_result (&result, DEADLINE_MS));
  g_subprocess_communicate_finish (proc, result, &out, &err, &error);
  g_assert_no_error (error);

  if (g_subprocess_get_if_exited (proc))
    r->exit_status = g_subprocess_get_exit_status (proc);
  else
    {
      g_assert_true (g_subprocess_get_if_signaled (proc));
      r->exit_status = -1;
      r->term_sig = g_subprocess_get_term_sig (proc);
    }
  r->out = bytes_to_string (out, &r->out_len);
  r->err = bytes_to_string (err, NULL);
  return r;
}

static RunResult *
run_extract (const char *library)
{
  const char *args[] = { "extract-params", library, NULL };

  return run_in (NULL, args);
}

/* stderr is exactly `error: …\nhint: …\n` (none of these plugins prints anything). */
static void
assert_diagnostics (const RunResult *r,
                    const char      *error_line,
                    const char      *hint_line)
{
  g_autofree char *expected = g_strdup_printf ("%s\n%s\n", error_line, hint_line);

  g_assert_cmpstr (r->err, ==, expected);
}

typedef struct
{
  const char *fixture;
  int         exit_status;
  const char *error_line;
  const char *hint_line;
} FailCase;

static const FailCase fail_cases[] = {
  { "not-a-library.so", 2, "error: Could not load the library: invalid ELF header", HINT_LOAD },
  { "empty.so", 2, "error: Could not load the library: file too short", HINT_LOAD },
  { "libfixture-nosym.so", 3,
    "error: The library does not export wavecraft_get_params_json()", HINT_SYMBOL },
  { "libfixture-nofree.so", 3,
    "error: The library does not export wavecraft_free_string()", HINT_SYMBOL },
  { "libfixture-null.so", 4, "error: wavecraft_get_params_json() returned NULL",
    "hint: The plugin could not describe its parameters; look for its own messages above" },
  { "libfixture-badjson.so", 4,
    "error: wavecraft_get_params_json() returned an invalid parameter list: Invalid JSON: "
    "<data>:1:38: Parse error: unexpected character `,', expected string constant", HINT_PARSE },
  { "libfixture-dup.so", 4,
    "error: wavecraft_get_params_json() returned an invalid parameter list: "
    "Duplicate parameter id 'gain'", HINT_SCHEMA },
  { "libfixture-minmax.so", 4,
    "error: wavecraft_get_params_json() returned an invalid parameter list: "
    "Parameter 'freq': min 20000 is not less than max 20", HINT_SCHEMA },
  { "libfixture-default.so", 4,
    "error: wavecraft_get_params_json() returned an invalid parameter list: "
    "Parameter 'gain': default 12 is out of range [-60, 6]", HINT_SCHEMA },
  { "libfixture-badutf8.so", 5,
    "error: wavecraft_get_params_json() returned text that is not valid UTF-8 "
    "(invalid byte at offset 20)",
    "hint: Parameter ids, names, units, groups and variants must be UTF-8 text" },
};

static void
test_fail (gconstpointer data)
{
  const FailCase *c = data;
  g_autofree char *path = wc_test_fixture_path (c->fixture);
  g_autoptr(RunResult) r = run_extract (path);

  g_assert_cmpint (r->exit_status, ==, c->exit_status);
  g_assert_cmpstr (r->out, ==, "");
  assert_diagnostics (r, c->error_line, c->hint_line);
}

static void
test_good (void)
{
  g_autofree char *path = wc_test_fixture_path ("libfixture-good.so");
  g_autoptr(RunResult) r = run_extract (path);

  g_assert_cmpint (r->exit_status, ==, 0);
  g_assert_cmpstr (r->out, ==, GOOD_JSON);
  g_assert_cmpstr (r->err, ==, "");
}

static void
test_relative_path (void)
{
  /* A bare file name is the file in the working directory, never a library-path search. */
  g_autofree char *dir = wc_test_fixture_path (".");
  const char *args[] = { "extract-params", "libfixture-good.so", NULL };
  g_autoptr(RunResult) r = run_in (dir, args);

  g_assert_cmpint (r->exit_status, ==, 0);
  g_assert_cmpstr (r->out, ==, GOOD_JSON);
}

static void
test_generated (gconstpointer data)
{
  guint n = GPOINTER_TO_UINT (data);
  g_autofree char *name = g_strdup_printf ("libfixture-%u.so", n);
  g_autofree char *path = wc_test_fixture_path (name);
  g_autoptr(RunResult) r = run_extract (path);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;
  JsonObject *last;
  g_autofree char *last_id = g_strdup_printf ("p%04u", n - 1);

  g_assert_cmpint (r->exit_status, ==, 0);
  g_assert_cmpstr (r->err, ==, "");
  g_assert_true (g_str_has_suffix (r->out, "}]\n"));
  g_assert_true (memchr (r->out, '\n', r->out_len - 1) == NULL);

  json_parser_load_from_data (parser, r->out, -1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, n);
  g_assert_true (g_str_has_prefix (r->out,
                                   "[{\"id\":\"p0000\",\"name\":\"Parameter 0\",\"type\":\"float\","
                                   "\"value\":0,\"default\":0,\"min\":0,\"max\":1,"
                                   "\"group\":\"Group 0\"},"
                                   "{\"id\":\"p0001\",\"name\":\"Parameter 1\",\"type\":\"bool\","
                                   "\"value\":1,\"default\":1,\"min\":0,\"max\":1,"
                                   "\"group\":\"Group 0\"},"
                                   "{\"id\":\"p0002\",\"name\":\"Parameter 2\",\"type\":\"enum\","
                                   "\"value\":2,\"default\":2,\"min\":0,\"max\":2,"
                                   "\"group\":\"Group 0\",\"variants\":[\"Off\",\"Low\",\"High\"]}"));
  last = json_array_get_object_element (array, n - 1);
  g_assert_cmpstr (json_object_get_string_member (last, "id"), ==, last_id);
}

static void
test_huge (void)
{
  g_autofree char *path = wc_test_fixture_path ("libfixture-huge.so");
  g_autoptr(RunResult) r = run_extract (path);
  guint n_objects = 0;

  g_assert_cmpint (r->exit_status, ==, 0);
  g_assert_cmpstr (r->err, ==, "");
  g_assert_cmpuint (r->out_len, >, 10 * 1000 * 1000);
  g_assert_cmpuint (strlen (r->out), ==, r->out_len);
  g_assert_true (g_str_has_prefix (r->out, "[{\"id\":\"p0000\",\"name\":\"Parameter 0 ää"));
  g_assert_true (g_str_has_suffix (r->out, "\"group\":\"Group 399\"}]\n"));
  g_assert_true (memchr (r->out, '\n', r->out_len - 1) == NULL);
  g_assert_true (g_utf8_validate (r->out, r->out_len, NULL));

  /* 20000 objects, in order. A plain byte scan: a full JSON parse of 11 MB, or strstr()
   * (which sanitizers check over the whole remaining text on every call), is very slow under
   * -Db_sanitize; the child already validated the text with json-glib before printing it. */
  for (gsize i = 0; i + 16 < r->out_len; i++)
    if (r->out[i] == '{' && memcmp (r->out + i, "{\"id\":\"p", 8) == 0)
      {
        char id[16];

        g_snprintf (id, sizeof id, "p%04u\"", n_objects);
        g_assert_true (memcmp (r->out + i + 7, id, 6) == 0);
        n_objects++;
      }
  g_assert_cmpuint (n_objects, ==, 20000);
}

static void
test_print (void)
{
  /* The constructor and the call both write to stdout (stdio and raw fd 1): all of it lands
   * on stderr, and stdout carries only the JSON line. */
  g_autofree char *path = wc_test_fixture_path ("libfixture-print.so");
  g_autoptr(RunResult) r = run_extract (path);

  g_assert_cmpint (r->exit_status, ==, 0);
  g_assert_cmpstr (r->out, ==, SMALL_JSON);
  g_assert_nonnull (strstr (r->err, "fixture-print: printf from the constructor\n"));
  g_assert_nonnull (strstr (r->err, "fixture-print: raw write to fd 1 from the constructor\n"));
  g_assert_nonnull (strstr (r->err, "fixture-print: to stderr\n"));
  g_assert_nonnull (strstr (r->err, "fixture-print: printf from wavecraft_get_params_json, "
                                    "not flushed[\"not the parameters\"]\n"));
}

static void
test_noisy_failure (void)
{
  /* What the plugin printed (even an unterminated line left in stdio's buffer) comes first:
   * our two lines are the last ones, each at the start of a line. */
  g_autofree char *path = wc_test_fixture_path ("libfixture-noisy-null.so");
  g_autoptr(RunResult) r = run_extract (path);

  g_assert_cmpint (r->exit_status, ==, 4);
  g_assert_cmpstr (r->out, ==, "");
  g_assert_cmpstr (r->err, ==,
                   "error: the plugin's own complaint\n"
                   "error: buffered in stdio\n"
                   "hint: not ours\n"
                   "error: wavecraft_get_params_json() returned NULL\n"
                   "hint: The plugin could not describe its parameters; look for its own "
                   "messages above\n");
}

static void
test_crash (gconstpointer data)
{
  int sig = GPOINTER_TO_INT (data);
  g_autofree char *path = wc_test_fixture_path (sig == SIGSEGV ? "libfixture-segv.so"
                                                               : "libfixture-abort.so");
  g_autoptr(RunResult) r = run_extract (path);

  g_assert_cmpint (r->exit_status, ==, -1);
  g_assert_cmpint (r->term_sig, ==, sig);
  g_assert_cmpstr (r->out, ==, "");
}

static void
test_usage_no_argument (void)
{
  const char *args[] = { "extract-params", NULL };
  g_autoptr(RunResult) r = run_in (NULL, args);

  g_assert_cmpint (r->exit_status, ==, 1);
  g_assert_cmpstr (r->out, ==, "");
  assert_diagnostics (r, "error: No plugin library given", HINT_USAGE);
}

static void
test_usage_two_arguments (void)
{
  const char *args[] = { "extract-params", "a.so", "b.so", NULL };
  g_autoptr(RunResult) r = run_in (NULL, args);

  g_assert_cmpint (r->exit_status, ==, 1);
  g_assert_cmpstr (r->out, ==, "");
  assert_diagnostics (r, "error: Expected one plugin library, got 2 arguments", HINT_USAGE);
}

static void
test_usage_unknown_option (void)
{
  const char *args[] = { "extract-params", "--bogus", "a.so", NULL };
  g_autoptr(RunResult) r = run_in (NULL, args);

  g_assert_cmpint (r->exit_status, ==, 1);
  g_assert_cmpstr (r->out, ==, "");
  assert_diagnostics (r, "error: Unknown option --bogus", HINT_USAGE);
}

static void
test_usage_extension (void)
{
  g_autofree char *path = wc_test_fixture_path ("libfixture-good.txt");
  g_autoptr(RunResult) r = run_extract (path);
  g_autofree char *line =
    g_strdup_printf ("error: '%s' is not a plugin library: the name must end in .so", path);

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (r->exit_status, ==, 1);
  g_assert_cmpstr (r->out, ==, "");
  assert_diagnostics (r, line,
                      "hint: Pass the shared library the engine build produced, e.g. "
                      "target/debug/libmy_plugin.so");
}

static void
test_missing_file (void)
{
  g_autofree char *dir = wc_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "libmissing.so", NULL);
  g_autoptr(RunResult) r = run_extract (path);
  g_autofree char *line = g_strdup_printf ("error: Library '%s' does not exist", path);

  g_assert_cmpint (r->exit_status, ==, 2);
  g_assert_cmpstr (r->out, ==, "");
  assert_diagnostics (r, line, "hint: Build the engine first, or check the path");
  wc_test_rm_rf (dir);
}

/* ---- children that never finish on their own ------------------------------------------ */

typedef struct
{
  GDataInputStream *stream;
  char             *line;
  gboolean          done;
} LineRead;

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  LineRead *lr = user_data;
  g_autoptr(GError) error = NULL;

  lr->line = g_data_input_stream_read_line_finish_utf8 (lr->stream, result, NULL, &error);
  g_assert_no_error (error);
  lr->done = TRUE;
}

/* Reads one line from @stream with a deadline; returns it (or NULL at EOF). */
static char *
read_line (GInputStream *stream)
{
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (stream);
  LineRead lr = { data, NULL, FALSE };

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (data), FALSE);
  g_data_input_stream_read_line_async (data, G_PRIORITY_DEFAULT, NULL, on_line, &lr);
  g_assert_true (wc_test_wait_flag (&lr.done, DEADLINE_MS));
  return lr.line;
}

static GPid
subprocess_pid (GSubprocess *proc)
{
  const char *id = g_subprocess_get_identifier (proc);

  g_assert_nonnull (id);
  return (GPid) g_ascii_strtoll (id, NULL, 10);
}

static void
wait_exit (GSubprocess *proc)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_async (proc, NULL, wc_test_store_result, &result);
  g_assert_nonnull (wc_test_wait_result (&result, DEADLINE_MS));
  g_subprocess_wait_finish (proc, result, &error);
  g_assert_no_error (error);
}

static void
test_hang (void)
{
  /* The constructor never returns: the child sits in dlopen() until someone kills its
   * group (WcExtractor does that on timeout; here the test does). */
  g_autofree char *path = wc_test_fixture_path ("libfixture-hang.so");
  g_autoptr(GSubprocessLauncher) launcher =
    new_launcher (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *out_line = NULL;
  GPid pid;

  proc = g_subprocess_launcher_spawn (launcher, &error, wc_test_wavecraft_bin (),
                                      "extract-params", path, NULL);
  g_assert_no_error (error);
  pid = subprocess_pid (proc);

  line = read_line (g_subprocess_get_stderr_pipe (proc));
  g_assert_cmpstr (line, ==, "fixture-hang: constructor entered");

  /* it called setsid(): it leads its own process group */
  g_assert_cmpint (getpgid (pid), ==, pid);
  g_assert_true (wc_test_pid_alive (pid));

  g_assert_cmpint (kill (-pid, SIGKILL), ==, 0);
  wait_exit (proc);
  g_assert_true (g_subprocess_get_if_signaled (proc));
  g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGKILL);

  out_line = read_line (g_subprocess_get_stdout_pipe (proc));
  g_assert_null (out_line);   /* EOF, nothing written */
  g_assert_false (wc_test_pgid_alive (pid));
}

static void
test_fork (void)
{
  /* The plugin leaves a grandchild holding the pipes open: the JSON still arrives, the child
   * exits 0, and the grandchild stays in the child's process group until it is killed. */
  g_autofree char *path = wc_test_fixture_path ("libfixture-fork.so");
  g_autoptr(GSubprocessLauncher) launcher =
    new_launcher (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *expected = g_strndup (SMALL_JSON, strlen (SMALL_JSON) - 1);
  GPid pid;
  int status;

  /* Orphans of this test are re-parented to it, so it can reap them itself. */
  g_assert_cmpint (prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), ==, 0);

  proc = g_subprocess_launcher_spawn (launcher, &error, wc_test_wavecraft_bin (),
                                      "extract-params", path, NULL);
  g_assert_no_error (error);
  pid = subprocess_pid (proc);

  line = read_line (g_subprocess_get_stdout_pipe (proc));
  g_assert_cmpstr (line, ==, expected);

  wait_exit (proc);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);

  /* the child is gone, its group is not */
  g_assert_true (wc_test_pgid_alive (pid));
  g_assert_cmpint (kill (-pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (-pid, &status, 0), >, 0);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
  g_assert_false (wc_test_pgid_alive (pid));

  g_assert_cmpint (prctl (PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  struct rlimit no_core = { 0, 0 };

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* the crash fixtures must not leave core files behind */
  setrlimit (RLIMIT_CORE, &no_core);

  g_test_add_func ("/wavecraft/extract-params/good", test_good);
  g_test_add_func ("/wavecraft/extract-params/relative-path", test_relative_path);
  g_test_add_data_func ("/wavecraft/extract-params/5-params", GUINT_TO_POINTER (5),
                        test_generated);
  g_test_add_data_func ("/wavecraft/extract-params/500-params", GUINT_TO_POINTER (500),
                        test_generated);
  g_test_add_func ("/wavecraft/extract-params/huge", test_huge);
  g_test_add_func ("/wavecraft/extract-params/print", test_print);
  g_test_add_func ("/wavecraft/extract-params/noisy-failure", test_noisy_failure);
  for (guint i = 0; i < G_N_ELEMENTS (fail_cases); i++)
    {
      g_autofree char *name = g_strdup (fail_cases[i].fixture);
      g_autofree char *test_path = NULL;

      *strrchr (name, '.') = '\0';
      test_path = g_strdup_printf ("/wavecraft/extract-params/fail/%s", name);
      g_test_add_data_func (test_path, &fail_cases[i], test_fail);
    }
  g_test_add_data_func ("/wavecraft/extract-params/segv", GINT_TO_POINTER (SIGSEGV), test_crash);
  g_test_add_data_func ("/wavecraft/extract-params/abort", GINT_TO_POINTER (SIGABRT), test_crash);
  g_test_add_func ("/wavecraft/extract-params/usage/no-argument", test_usage_no_argument);
  g_test_add_func ("/wavecraft/extract-params/usage/two-arguments", test_usage_two_arguments);
  g_test_add_func ("/wavecraft/extract-params/usage/unknown-option", test_usage_unknown_option);
  g_test_add_func ("/wavecraft/extract-params/usage/extension", test_usage_extension);
  g_test_add_func ("/wavecraft/extract-params/missing-file", test_missing_file);
  g_test_add_func ("/wavecraft/extract-params/hang", test_hang);
  g_test_add_func ("/wavecraft/extract-params/fork", test_fork);

  return g_test_run ();
}
