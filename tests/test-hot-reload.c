/* test-hot-reload.c: issue 4 end to end. `wavecraft start` runs as a real child process on a
 * temporary copy of the example plugin; the test edits real sources, the real compiler runs,
 * and a real WebSocket client watches the notifications.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc-test-util.h"

#define READY_MS  180000
#define BUILD_MS  120000
#define STOP_MS   10000

typedef struct
{
  char         *project;
  char         *source;     /* engine/src/tremolo.c */
  WcTestProc   *proc;
  WcTestClient *client;
} Fixture;

static void
write_plain (const char *path,
             const char *text)
{
  FILE *f = fopen (path, "w");   /* truncate + write in place, like most editors' default */

  g_assert_nonnull (f);
  g_assert_cmpint (fputs (text, f), >=, 0);
  g_assert_cmpint (fclose (f), ==, 0);
}

static char *
read_source (Fixture *f)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (f->source, &text, NULL, NULL));
  return text;
}

static char *
replace (const char *text,
         const char *from,
         const char *to)
{
  const char *at = strstr (text, from);
  GString *out;

  g_assert_nonnull (at);
  out = g_string_new_len (text, at - text);
  g_string_append (out, to);
  g_string_append (out, at + strlen (from));
  return g_string_free (out, FALSE);
}

static void
edit_source (Fixture    *f,
             const char *from,
             const char *to)
{
  g_autofree char *text = read_source (f);
  g_autofree char *edited = replace (text, from, to);

  write_plain (f->source, edited);
}

/* `wavecraft start` watching project (short debounce, no cache), once it is ready, and a
 * client connected to it in *client. */
static WcTestProc *
start_watching (const char    *project,
                WcTestClient **client)
{
  const char *args[] = { "start", project, "--no-browser", "--port", "0", "--debounce", "20",
                         "--no-cache", NULL };
  WcTestProc *proc = wc_test_proc_spawn_ready (args, NULL, READY_MS);
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u", wc_test_proc_get_port (proc));

  *client = wc_test_client_connect (url, NULL);
  return proc;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *extra_meson = data;
  g_autofree char *text = NULL;
  g_autofree char *unsized = NULL;

  f->project = wc_test_copy_example ();
  f->source = g_build_filename (f->project, "engine", "src", "tremolo.c", NULL);

  /* Let the table grow and shrink by one line, as a plugin developer would write it. */
  text = read_source (f);
  if (strstr (text, "params[TREMOLO_N_PARAMS]") != NULL)
    {
      unsized = replace (text, "params[TREMOLO_N_PARAMS]", "params[]");
      write_plain (f->source, unsized);
    }

  if (extra_meson != NULL)
    {
      g_autofree char *meson_path = g_build_filename (f->project, "engine", "meson.build", NULL);
      g_autofree char *meson = NULL;
      g_autofree char *more = NULL;

      g_assert_true (g_file_get_contents (meson_path, &meson, NULL, NULL));
      more = g_strconcat (meson, "\n", extra_meson, "\n", NULL);
      write_plain (meson_path, more);
    }

  f->proc = start_watching (f->project, &f->client);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *parent = g_path_get_dirname (f->project);
  int status = -100;

  wc_test_client_free (f->client);
  wc_test_proc_signal (f->proc, SIGINT);
  g_assert_true (wc_test_proc_wait_exit (f->proc, STOP_MS, &status));
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (wc_test_count_processes_in (f->project), ==, 0);
  wc_test_proc_free (f->proc);
  wc_test_rm_rf (parent);
  g_free (f->project);
  g_free (f->source);
}

static JsonObject *
result_of (JsonNode *reply)
{
  JsonObject *o = json_node_get_object (reply);

  if (!json_object_has_member (o, "result"))
    g_error ("expected a result: %s", json_to_string (reply, FALSE));
  return json_object_get_object_member (o, "result");
}

/* The current parameter list as id → value. */
static GHashTable *
get_values (Fixture *f)
{
  g_autoptr(JsonNode) reply = wc_test_client_call (f->client, "getAllParameters", NULL);
  JsonArray *params = json_object_get_array_member (result_of (reply), "parameters");
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < json_array_get_length (params); i++)
    {
      JsonObject *p = json_array_get_object_element (params, i);
      double *v = g_new (double, 1);

      *v = json_object_get_double_member (p, "value");
      g_hash_table_insert (values, g_strdup (json_object_get_string_member (p, "id")), v);
    }
  return values;
}

static void
set_value (Fixture    *f,
           const char *id,
           double      value)
{
  g_autofree char *params = g_strdup_printf ("{\"id\":\"%s\",\"value\":%g}", id, value);
  g_autoptr(JsonNode) reply = wc_test_client_call (f->client, "setParameter", params);

  g_autoptr(JsonNode) echo = NULL;

  result_of (reply);
  /* The broadcast follows the reply; consume it so later waits see only new ones. */
  echo = wc_test_client_wait_notification (f->client, "parameterChanged", BUILD_MS);
  g_assert_nonnull (echo);
}

static gboolean
strv_node_contains (JsonObject *o,
                    const char *member,
                    const char *id)
{
  JsonArray *a = json_object_get_array_member (o, member);

  for (guint i = 0; a != NULL && i < json_array_get_length (a); i++)
    if (g_strcmp0 (json_array_get_string_element (a, i), id) == 0)
      return TRUE;
  return FALSE;
}

static JsonNode *
wait_reload (Fixture *f)
{
  JsonNode *params = wc_test_client_wait_notification (f->client, "parametersChanged", BUILD_MS);

  if (params == NULL)
    g_error ("no parametersChanged:\n%s\n%s", wc_test_proc_get_stdout (f->proc),
             wc_test_proc_get_stderr (f->proc));
  return params;
}

#define NEW_PARAM_LINE \
  "  WAVECRAFT_BOOL (\"bypass\", \"Bypass\", 0, \"Output\"),\n" \
  "  WAVECRAFT_FLOAT (\"width\", \"Width\", 0.0, 200.0, 100.0, \"%\", \"Stereo\"),\n"
#define BYPASS_LINE "  WAVECRAFT_BOOL (\"bypass\", \"Bypass\", 0, \"Output\"),\n"

static void
test_add_parameter (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GHashTable) values = NULL;
  g_autoptr(JsonNode) started = NULL;
  g_autoptr(JsonNode) finished = NULL;
  g_autoptr(JsonNode) changed = NULL;
  JsonObject *o;

  set_value (f, "depth", 73);
  set_value (f, "shape", 2);
  wc_test_client_drain (f->client, NULL);

  edit_source (f, BYPASS_LINE, NEW_PARAM_LINE);

  started = wc_test_client_wait_notification (f->client, "buildStarted", BUILD_MS);
  g_assert_nonnull (started);
  g_assert_true (strv_node_contains (json_node_get_object (started), "files",
                                     "engine/src/tremolo.c"));
  finished = wc_test_client_wait_notification (f->client, "buildFinished", BUILD_MS);
  g_assert_nonnull (finished);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (finished), "ok"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (finished), "generation"),
                   ==,
                   json_object_get_int_member (json_node_get_object (started), "generation"));

  changed = wait_reload (f);
  o = json_node_get_object (changed);
  g_assert_true (strv_node_contains (o, "added", "width"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "removed")), ==, 0);

  values = get_values (f);
  g_assert_cmpuint (g_hash_table_size (values), ==, 9);
  g_assert_cmpfloat (*(double *) g_hash_table_lookup (values, "width"), ==, 100.0);
  g_assert_cmpfloat (*(double *) g_hash_table_lookup (values, "depth"), ==, 73.0);
  g_assert_cmpfloat (*(double *) g_hash_table_lookup (values, "shape"), ==, 2.0);

  g_assert_true (wc_test_proc_wait_stdout (f->proc, "Hot-reload complete — 9 parameters (+1 new, −0 removed)", BUILD_MS));
  g_assert_true (wc_test_proc_wait_stdout (f->proc, "File changed: engine/src/tremolo.c", 1000));
  g_assert_true (wc_test_proc_wait_stdout (f->proc, "Rebuilding…", 1000));
}

static void
test_remove_parameter (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GHashTable) values = NULL;
  g_autoptr(JsonNode) changed = NULL;
  JsonObject *o;

  set_value (f, "mix", 40);
  wc_test_client_drain (f->client, NULL);
  edit_source (f, BYPASS_LINE, "");

  changed = wait_reload (f);
  o = json_node_get_object (changed);
  g_assert_true (strv_node_contains (o, "removed", "bypass"));
  values = get_values (f);
  g_assert_cmpuint (g_hash_table_size (values), ==, 7);
  g_assert_false (g_hash_table_contains (values, "bypass"));
  g_assert_cmpfloat (*(double *) g_hash_table_lookup (values, "mix"), ==, 40.0);
  g_assert_true (wc_test_proc_wait_stdout (f->proc, "(+0 new, −1 removed)", BUILD_MS));
}

static void
test_narrow_range (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GHashTable) values = NULL;
  g_autoptr(JsonNode) changed = NULL;
  g_autoptr(JsonNode) clamped = NULL;
  JsonObject *o;

  set_value (f, "rate", 15);
  wc_test_client_drain (f->client, NULL);
  edit_source (f, "\"rate\", \"Rate\", 0.1, 20.0, 4.0", "\"rate\", \"Rate\", 0.1, 5.0, 4.0");

  changed = wait_reload (f);
  g_assert_true (strv_node_contains (json_node_get_object (changed), "changed", "rate"));
  /* The clamp is announced after the new list is live. */
  clamped = wc_test_client_wait_notification (f->client, "parameterChanged", BUILD_MS);
  g_assert_nonnull (clamped);
  o = json_node_get_object (clamped);
  g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, "rate");
  g_assert_cmpfloat (json_object_get_double_member (o, "value"), ==, 5.0);
  values = get_values (f);
  g_assert_cmpfloat (*(double *) g_hash_table_lookup (values, "rate"), ==, 5.0);
}

static void
test_build_failure (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *text = read_source (f);
  g_autofree char *broken = NULL;
  g_autoptr(JsonNode) finished = NULL;
  g_autoptr(JsonNode) status = NULL;
  g_autoptr(JsonNode) changed = NULL;
  g_autoptr(GHashTable) values = NULL;
  JsonObject *o, *d;
  JsonArray *diags;
  guint line = 1;
  const char *marker = "static const wavecraft_param params";

  set_value (f, "depth", 12);
  wc_test_client_drain (f->client, NULL);

  /* A syntax error on a known line: just before the parameter table. */
  for (const char *p = text; p < strstr (text, marker); p++)
    if (*p == '\n')
      line++;
  broken = replace (text, marker, "int oops = ;\nstatic const wavecraft_param params");
  write_plain (f->source, broken);

  finished = wc_test_client_wait_notification (f->client, "buildFinished", BUILD_MS);
  g_assert_nonnull (finished);
  o = json_node_get_object (finished);
  g_assert_false (json_object_get_boolean_member (o, "ok"));
  diags = json_object_get_array_member (o, "diagnostics");
  g_assert_cmpuint (json_array_get_length (diags), >=, 1);
  d = json_array_get_object_element (diags, 0);
  g_assert_cmpstr (json_object_get_string_member (d, "file"), ==, "engine/src/tremolo.c");
  g_assert_cmpint (json_object_get_int_member (d, "line"), ==, line);
  g_assert_cmpstr (json_object_get_string_member (d, "severity"), ==, "error");

  /* Late joiners see the same state. */
  status = wc_test_client_call (f->client, "getBuildStatus", NULL);
  g_assert_cmpstr (json_object_get_string_member (result_of (status), "state"), ==, "failed");

  /* The last good parameters and values are still served. */
  values = get_values (f);
  g_assert_cmpuint (g_hash_table_size (values), ==, 8);
  g_assert_cmpfloat (*(double *) g_hash_table_lookup (values, "depth"), ==, 12.0);
  g_assert_true (wc_test_proc_wait_stderr (f->proc, "Build failed — still serving the last good "
                                           "parameters", 1000));

  /* Fixing it recovers, with the watcher still armed. */
  {
    g_autofree char *fixed = replace (text, BYPASS_LINE, NEW_PARAM_LINE);
    write_plain (f->source, fixed);
  }
  changed = wait_reload (f);
  g_assert_true (strv_node_contains (json_node_get_object (changed), "added", "width"));
  g_clear_pointer (&status, json_node_unref);
  status = wc_test_client_call (f->client, "getBuildStatus", NULL);
  g_assert_cmpstr (json_object_get_string_member (result_of (status), "state"), ==, "idle");
}

static void
test_burst (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GHashTable) values = NULL;
  g_autofree char *text = read_source (f);
  g_autoptr(JsonNode) changed = NULL;
  g_autoptr(JsonNode) status = NULL;
  guint builds;

  wc_test_client_drain (f->client, NULL);
  /* 20 saves as fast as possible; the last one sets the default depth to 20. */
  for (int i = 1; i <= 20; i++)
    {
      g_autofree char *to = g_strdup_printf ("\"depth\", \"Depth\", 0.0, 100.0, %d.0", i);
      g_autofree char *edited = replace (text, "\"depth\", \"Depth\", 0.0, 100.0, 50.0", to);
      write_plain (f->source, edited);
    }

  /* Wait until the state is idle and the served default is the final one. */
  for (;;)
    {
      g_autoptr(JsonNode) reply = NULL;
      JsonArray *params;
      gboolean done = FALSE;

      g_clear_pointer (&changed, json_node_unref);
      changed = wait_reload (f);
      reply = wc_test_client_call (f->client, "getAllParameters", NULL);
      params = json_object_get_array_member (result_of (reply), "parameters");
      for (guint i = 0; i < json_array_get_length (params); i++)
        {
          JsonObject *p = json_array_get_object_element (params, i);
          if (g_strcmp0 (json_object_get_string_member (p, "id"), "depth") == 0)
            done = json_object_get_double_member (p, "default") == 20.0;
        }
      if (done)
        break;
    }
  builds = wc_test_client_count (f->client, "buildStarted");
  g_assert_cmpuint (builds, >=, 1);
  g_assert_cmpuint (builds, <=, 2);
  status = wc_test_client_call (f->client, "getBuildStatus", NULL);
  g_assert_cmpstr (json_object_get_string_member (result_of (status), "state"), ==, "idle");
}

static void
test_atomic_save (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *text = read_source (f);
  g_autofree char *edited = replace (text, BYPASS_LINE, NEW_PARAM_LINE);
  g_autoptr(JsonNode) changed = NULL;
  g_autoptr(JsonNode) extra = NULL;
  g_autoptr(JsonNode) ping = NULL;

  wc_test_client_drain (f->client, NULL);
  /* g_file_set_contents writes a temporary file and renames it over the target. */
  g_assert_true (g_file_set_contents (f->source, edited, -1, NULL));
  changed = wait_reload (f);
  g_assert_true (strv_node_contains (json_node_get_object (changed), "added", "width"));
  g_assert_cmpuint (wc_test_client_count (f->client, "buildStarted"), ==, 1);
  wc_test_client_drain (f->client, "buildStarted");

  /* A swap file and a backup trigger nothing: a second build would have started by the time
   * a further full pipeline (the touch below) finishes. */
  {
    g_autofree char *swap = g_build_filename (f->project, "engine", "src", ".tremolo.c.swp", NULL);
    g_autofree char *backup = g_build_filename (f->project, "engine", "src", "tremolo.c~", NULL);
    write_plain (swap, "swap");
    write_plain (backup, "backup");
  }
  /* A file in a new subdirectory is picked up (one more build). */
  {
    g_autofree char *dir = g_build_filename (f->project, "engine", "src", "dsp", NULL);
    g_autofree char *file = g_build_filename (dir, "extra.h", NULL);
    g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
    write_plain (file, "/* new header */\n");
  }
  extra = wc_test_client_wait_notification (f->client, "buildStarted", BUILD_MS);
  g_assert_nonnull (extra);
  g_assert_true (strv_node_contains (json_node_get_object (extra), "files",
                                     "engine/src/dsp/extra.h"));
  g_assert_false (strv_node_contains (json_node_get_object (extra), "files",
                                      "engine/src/.tremolo.c.swp"));
  g_assert_cmpuint (wc_test_client_count (f->client, "buildStarted"), ==, 2);
  ping = wc_test_client_call (f->client, "ping", NULL);
}

/* A meson step that blocks while engine/slow-gate exists, so a build can be caught running. */
#define GATE_MESON \
  "custom_target('wc-test-gate', output: 'gate.stamp', build_always_stale: true,\n" \
  "  build_by_default: true,\n" \
  "  command: ['sh', '-c', 'while [ -f \"$0\" ]; do sleep 0.02; done; touch \"$1\"',\n" \
  "            meson.current_source_dir() / 'slow-gate', '@OUTPUT@'])\n"

static GArray *
build_pgids (Fixture *f)
{
  g_autofree char *build_dir = g_build_filename (f->project, "engine", "build-wavecraft", NULL);
  g_autoptr(GArray) pids = wc_test_pids_in (build_dir);
  GArray *pgids = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint i = 0; i < pids->len; i++)
    {
      int pgid = getpgid (g_array_index (pids, int, i));

      if (pgid > 0)
        g_array_append_val (pgids, pgid);
    }
  return pgids;
}

static gboolean
build_running (gpointer data)
{
  g_autoptr(GArray) pgids = build_pgids (data);
  return pgids->len > 0;
}

static void
test_supersede (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *gate = g_build_filename (f->project, "engine", "slow-gate", NULL);
  g_autofree char *text = read_source (f);
  g_autoptr(GArray) first = NULL;
  g_autoptr(JsonNode) s1 = NULL;
  g_autoptr(JsonNode) s2 = NULL;
  g_autoptr(JsonNode) changed = NULL;
  g_autoptr(JsonNode) more = NULL;
  g_autoptr(GHashTable) values = NULL;
  gint64 gen2;

  wc_test_client_drain (f->client, NULL);
  write_plain (gate, "");

  /* Build 1 adds "width" and blocks at the gate. */
  {
    g_autofree char *one = replace (text, BYPASS_LINE, NEW_PARAM_LINE);
    write_plain (f->source, one);
  }
  s1 = wc_test_client_wait_notification (f->client, "buildStarted", BUILD_MS);
  g_assert_nonnull (s1);
  g_assert_true (wc_test_wait_until (build_running, f, BUILD_MS));
  first = build_pgids (f);

  /* Build 2 removes "bypass" instead; it supersedes build 1. */
  {
    g_autofree char *two = replace (text, BYPASS_LINE, "");
    write_plain (f->source, two);
  }
  s2 = wc_test_client_wait_notification (f->client, "buildStarted", BUILD_MS);
  g_assert_nonnull (s2);
  gen2 = json_object_get_int_member (json_node_get_object (s2), "generation");
  g_assert_cmpint (gen2, >, json_object_get_int_member (json_node_get_object (s1), "generation"));

  g_assert_cmpint (g_unlink (gate), ==, 0);
  changed = wait_reload (f);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (changed), "generation"),
                   ==, gen2);
  g_assert_true (strv_node_contains (json_node_get_object (changed), "removed", "bypass"));
  g_assert_false (strv_node_contains (json_node_get_object (changed), "added", "width"));
  /* Every process of the superseded build's group is gone (killed when build 2 started). */
  g_assert_cmpuint (first->len, >, 0);
  for (guint i = 0; i < first->len; i++)
    {
      int pgid = g_array_index (first, int, i);
      if (wc_test_pgid_alive (pgid))
        {
          g_autofree char *out = NULL;
          g_spawn_command_line_sync ("ps -eo pid,ppid,pgid,stat,cmd", &out, NULL, NULL, NULL);
          g_printerr ("group %d still has:\n%s\n%s\n", pgid, out,
                      wc_test_proc_get_stderr (f->proc));
        }
      g_assert_false (wc_test_pgid_alive (pgid));
    }

  values = get_values (f);
  g_assert_false (g_hash_table_contains (values, "width"));
  g_assert_false (g_hash_table_contains (values, "bypass"));
  /* Only the newest result was applied: no other parametersChanged is queued. */
  more = wc_test_client_wait_notification (f->client, "parametersChanged", 0);
  g_assert_null (more);
  g_assert_cmpuint (wc_test_client_count (f->client, "parametersChanged"), ==, 1);
}

/* ---- Rust: the cargo path, on a zero-dependency cdylib ----------------------------------- */

#define RUST_PARAMS_OLD "\"unit\":\"dB\"}]"
#define RUST_PARAMS_NEW "\"unit\":\"dB\"},{\"id\":\"drive\",\"name\":\"Drive\",\"min\":0,\"max\":10,\"default\":1}]"

static void
test_rust (void)
{
  g_autofree char *cargo = wc_test_find_cargo ();
  g_autofree char *tmp = NULL;
  g_autofree char *project = NULL;
  g_autofree char *fixture = NULL;
  g_autofree char *lib_rs = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) changed = NULL;
  g_autoptr(JsonNode) finished = NULL;
  WcTestProc *proc;
  WcTestClient *client;
  JsonObject *d;
  int status = -100;

  if (cargo == NULL)
    {
      g_test_skip ("cargo is not installed: the Rust engine path is not tested");
      return;
    }

  tmp = wc_test_mkdtemp ();
  project = g_build_filename (tmp, "rust-minimal", NULL);
  fixture = wc_test_source_path ("tests/fixtures/projects/rust-minimal");
  wc_test_copy_tree (fixture, project, NULL);
  lib_rs = g_build_filename (project, "engine", "src", "lib.rs", NULL);
  g_assert_true (g_file_get_contents (lib_rs, &text, NULL, NULL));

  proc = start_watching (project, &client);
  g_assert_nonnull (strstr (wc_test_proc_get_stdout (proc), "(Rust engine)"));

  /* Add a parameter in the Rust source. */
  {
    g_autofree char *edited = replace (text, RUST_PARAMS_OLD, RUST_PARAMS_NEW);
    write_plain (lib_rs, edited);
  }
  changed = wc_test_client_wait_notification (client, "parametersChanged", BUILD_MS);
  g_assert_nonnull (changed);
  g_assert_true (strv_node_contains (json_node_get_object (changed), "added", "drive"));

  /* A compile error is reported from cargo's JSON messages with file and line. */
  wc_test_client_drain (client, NULL);
  {
    g_autofree char *broken = replace (text, "use std::ffi::CString;",
                                       "use std::ffi::CString;\nfn broken() -> u32 { \"x\" }");
    write_plain (lib_rs, broken);
  }
  finished = wc_test_client_wait_notification (client, "buildFinished", BUILD_MS);
  g_assert_nonnull (finished);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (finished), "ok"));
  d = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (finished), "diagnostics"), 0);
  g_assert_cmpstr (json_object_get_string_member (d, "file"), ==, "engine/src/lib.rs");
  g_assert_cmpint (json_object_get_int_member (d, "line"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (d, "severity"), ==, "error");

  wc_test_client_free (client);
  wc_test_proc_signal (proc, SIGINT);
  g_assert_true (wc_test_proc_wait_exit (proc, STOP_MS, &status));
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (wc_test_count_processes_in (project), ==, 0);
  wc_test_proc_free (proc);
  wc_test_rm_rf (tmp);
}

int
main (int   argc,
      char *argv[])
{
  wc_test_setup_cargo_env ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/wavecraft/hot-reload/add-parameter", Fixture, NULL, fixture_setup,
              test_add_parameter, fixture_teardown);
  g_test_add ("/wavecraft/hot-reload/remove-parameter", Fixture, NULL, fixture_setup,
              test_remove_parameter, fixture_teardown);
  g_test_add ("/wavecraft/hot-reload/narrow-range", Fixture, NULL, fixture_setup,
              test_narrow_range, fixture_teardown);
  g_test_add ("/wavecraft/hot-reload/build-failure", Fixture, NULL, fixture_setup,
              test_build_failure, fixture_teardown);
  g_test_add ("/wavecraft/hot-reload/burst", Fixture, NULL, fixture_setup, test_burst,
              fixture_teardown);
  g_test_add ("/wavecraft/hot-reload/atomic-save-swap-subdir", Fixture, NULL, fixture_setup,
              test_atomic_save, fixture_teardown);
  g_test_add ("/wavecraft/hot-reload/supersede", Fixture, GATE_MESON, fixture_setup,
              test_supersede, fixture_teardown);
  g_test_add_func ("/wavecraft/hot-reload/rust", test_rust);
  return g_test_run ();
}
