/* wc-diagnostics.c: compiler diagnostics parsed from gcc/clang output and cargo's JSON
 * messages, for the `buildFinished` notification.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-diagnostics"

#include <stdlib.h>
#include <string.h>

#include "wc-diagnostics.h"

/**
 * wc_diagnostic_new:
 * @file: (nullable): the file, already made relative as wanted
 * @line: 1-based line, 0 when unknown
 * @column: 1-based column, 0 when unknown
 * @severity: "error", "warning" or "note"
 * @message: the message text
 *
 * Returns: (transfer full): a new diagnostic; free with wc_diagnostic_free()
 */
WcDiagnostic *
wc_diagnostic_new (const char *file,
                   guint       line,
                   guint       column,
                   const char *severity,
                   const char *message)
{
  WcDiagnostic *d = g_new0 (WcDiagnostic, 1);

  g_return_val_if_fail (severity != NULL, NULL);

  d->file = g_strdup (file);
  d->line = line;
  d->column = column;
  d->severity = g_strdup (severity);
  d->message = g_strdup (message != NULL ? message : "");
  return d;
}

/**
 * wc_diagnostic_copy:
 * @diagnostic: a #WcDiagnostic
 *
 * Returns: (transfer full): a deep copy
 */
WcDiagnostic *
wc_diagnostic_copy (const WcDiagnostic *diagnostic)
{
  g_return_val_if_fail (diagnostic != NULL, NULL);

  return wc_diagnostic_new (diagnostic->file, diagnostic->line, diagnostic->column,
                            diagnostic->severity, diagnostic->message);
}

/**
 * wc_diagnostic_free:
 * @diagnostic: (nullable): a #WcDiagnostic
 *
 * Frees @diagnostic and its strings.
 */
void
wc_diagnostic_free (WcDiagnostic *diagnostic)
{
  if (diagnostic == NULL)
    return;
  g_free (diagnostic->file);
  g_free (diagnostic->severity);
  g_free (diagnostic->message);
  g_free (diagnostic);
}

/**
 * wc_diagnostics_strip_ansi:
 * @text: text that may hold ANSI escape sequences (compilers colour their output)
 *
 * Returns: (transfer full): @text without CSI (`ESC [ … letter`) and OSC (`ESC ] … BEL/ST`)
 *   sequences
 */
char *
wc_diagnostics_strip_ansi (const char *text)
{
  GString *out;
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);

  if (strchr (text, '\033') == NULL)
    return g_strdup (text);

  out = g_string_sized_new (strlen (text));
  for (p = text; *p != '\0'; p++)
    {
      if (*p != '\033')
        {
          g_string_append_c (out, *p);
          continue;
        }
      if (p[1] == '[')
        {
          p += 2;
          while (*p != '\0' && !(*p >= 0x40 && *p <= 0x7e))
            p++;
          if (*p == '\0')
            break;
        }
      else if (p[1] == ']')
        {
          p += 2;
          while (*p != '\0' && *p != '\a' && !(p[0] == '\033' && p[1] == '\\'))
            p++;
          if (*p == '\0')
            break;
          if (*p == '\033')
            p++;
        }
      else if (p[1] != '\0')
        p++;
    }
  return g_string_free (out, FALSE);
}

/* @file as printed by a tool running in @work_dir, made relative to @project_root when it
 * is inside it. */
static char *
resolve_path (const char *file,
              const char *work_dir,
              const char *project_root)
{
  g_autofree char *absolute = NULL;
  gsize root_len;

  if (work_dir == NULL && !g_path_is_absolute (file))
    return g_strdup (file);

  absolute = g_canonicalize_filename (file, work_dir);
  if (project_root == NULL)
    return g_steal_pointer (&absolute);

  root_len = strlen (project_root);
  while (root_len > 1 && project_root[root_len - 1] == G_DIR_SEPARATOR)
    root_len--;

  if (strncmp (absolute, project_root, root_len) == 0 && absolute[root_len] == G_DIR_SEPARATOR)
    return g_strdup (absolute + root_len + 1);

  /* A symlink on either side: compare real paths. */
  {
    char *real_file = realpath (absolute, NULL);
    char *real_root = realpath (project_root, NULL);
    char *ret = NULL;

    if (real_file != NULL && real_root != NULL)
      {
        gsize len = strlen (real_root);

        if (strncmp (real_file, real_root, len) == 0 && real_file[len] == G_DIR_SEPARATOR)
          ret = g_strdup (real_file + len + 1);
      }
    free (real_file);
    free (real_root);
    if (ret != NULL)
      return ret;
  }

  return g_steal_pointer (&absolute);
}

static const char *
normalize_severity (const char *severity)
{
  if (g_ascii_strcasecmp (severity, "warning") == 0)
    return "warning";
  if (g_ascii_strcasecmp (severity, "note") == 0 || g_ascii_strcasecmp (severity, "help") == 0
      || g_ascii_strcasecmp (severity, "failure-note") == 0)
    return "note";
  /* error, fatal error, ERROR (meson), error: internal compiler error */
  return "error";
}

static guint
parse_uint (const char *text)
{
  guint64 value = 0;

  if (text == NULL || text[0] == '\0' || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT,
                                                                       &value, NULL))
    return 0;
  return (guint) value;
}

typedef struct
{
  GRegex *located;      /* file:line[:col]: severity: message */
  GRegex *linker_line;  /* [ld: ]file:line: undefined reference to … */
  GRegex *linker_sect;  /* [ld: ]file:(.text+0x5): undefined reference to … */
  GRegex *tool;         /* collect2: error: …, cc1: fatal error: … */
} GccRegexes;

static GccRegexes *
gcc_regexes (void)
{
  static GccRegexes regexes;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      regexes.located =
        g_regex_new ("^(.+?):(\\d+):(?:(\\d+):)? (fatal error|error|warning|note|ERROR|WARNING): "
                     "(.*)$", G_REGEX_OPTIMIZE, 0, NULL);
      regexes.linker_line =
        g_regex_new ("^(?:\\S*\\bld(?:\\.\\w+)?: )?(.+?):(\\d+): "
                     "((?:undefined reference to|multiple definition of) .*)$",
                     G_REGEX_OPTIMIZE, 0, NULL);
      regexes.linker_sect =
        g_regex_new ("^(?:\\S*\\bld(?:\\.\\w+)?: )?(.+?):\\([^)]*\\): "
                     "((?:undefined reference to|multiple definition of) .*)$",
                     G_REGEX_OPTIMIZE, 0, NULL);
      regexes.tool =
        g_regex_new ("^([A-Za-z0-9_.+-]+): (fatal error|error): (.*)$", G_REGEX_OPTIMIZE, 0, NULL);
      g_assert (regexes.located && regexes.linker_line && regexes.linker_sect && regexes.tool);
      g_once_init_leave (&initialized, 1);
    }
  return &regexes;
}

/**
 * wc_diagnostics_parse_gcc:
 * @output: what the build printed (gcc/clang through ninja or meson, ANSI colours allowed)
 * @work_dir: (nullable): the directory the compiler ran in (the meson build dir, where paths
 *   look like `../src/x.c`); relative paths are resolved against it
 * @project_root: (nullable): paths inside it are made relative to it (`engine/src/x.c`)
 *
 * Parses `file:line:col: error|warning|note|fatal error: message` and the form without a
 * column (issue 4, "Notifications"), meson's `file:line:col: ERROR: message`, and the
 * linker's `file:line: undefined reference to …`. `fatal error` becomes "error". Ninja's
 * `FAILED:` lines, command lines, source excerpts and `In function` context lines are
 * skipped. Tool-level errors without a file (`collect2: error: ld returned 1 exit status`)
 * are kept only when nothing else explains the failure.
 *
 * Returns: (transfer full) (element-type WcDiagnostic): the diagnostics in output order
 */
GPtrArray *
wc_diagnostics_parse_gcc (const char *output,
                          const char *work_dir,
                          const char *project_root)
{
  GccRegexes *re = gcc_regexes ();
  g_autoptr(GPtrArray) located = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_diagnostic_free);
  g_autoptr(GPtrArray) tools = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_diagnostic_free);
  g_autofree char *plain = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean have_error = FALSE;

  g_return_val_if_fail (output != NULL, NULL);

  plain = wc_diagnostics_strip_ansi (output);
  lines = g_strsplit (plain, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GMatchInfo) match = NULL;
      char *line = lines[i];
      gsize len = strlen (line);

      if (len > 0 && line[len - 1] == '\r')
        line[len - 1] = '\0';
      if (line[0] == '\0' || line[0] == ' ' || line[0] == '\t' || g_str_has_prefix (line, "FAILED: ")
          || g_str_has_prefix (line, "ninja: ") || g_str_has_prefix (line, "In file included from "))
        continue;

      if (g_regex_match (re->located, line, 0, &match))
        {
          g_autofree char *file = g_match_info_fetch (match, 1);
          g_autofree char *lineno = g_match_info_fetch (match, 2);
          g_autofree char *col = g_match_info_fetch (match, 3);
          g_autofree char *severity = g_match_info_fetch (match, 4);
          g_autofree char *message = g_match_info_fetch (match, 5);
          g_autofree char *path = resolve_path (file, work_dir, project_root);
          const char *sev = normalize_severity (severity);

          g_ptr_array_add (located, wc_diagnostic_new (path, parse_uint (lineno), parse_uint (col),
                                                       sev, message));
          have_error |= g_str_equal (sev, "error");
          continue;
        }
      g_clear_pointer (&match, g_match_info_free);

      if (g_regex_match (re->linker_line, line, 0, &match))
        {
          g_autofree char *file = g_match_info_fetch (match, 1);
          g_autofree char *lineno = g_match_info_fetch (match, 2);
          g_autofree char *message = g_match_info_fetch (match, 3);
          g_autofree char *path = resolve_path (file, work_dir, project_root);

          g_ptr_array_add (located, wc_diagnostic_new (path, parse_uint (lineno), 0, "error",
                                                       message));
          have_error = TRUE;
          continue;
        }
      g_clear_pointer (&match, g_match_info_free);

      if (g_regex_match (re->linker_sect, line, 0, &match))
        {
          g_autofree char *file = g_match_info_fetch (match, 1);
          g_autofree char *message = g_match_info_fetch (match, 2);
          g_autofree char *path = resolve_path (file, work_dir, project_root);

          g_ptr_array_add (located, wc_diagnostic_new (path, 0, 0, "error", message));
          have_error = TRUE;
          continue;
        }
      g_clear_pointer (&match, g_match_info_free);

      if (g_regex_match (re->tool, line, 0, &match))
        {
          g_autofree char *tool = g_match_info_fetch (match, 1);
          g_autofree char *message = g_match_info_fetch (match, 3);
          g_autofree char *text = g_strdup_printf ("%s: %s", tool, message);

          g_ptr_array_add (tools, wc_diagnostic_new (NULL, 0, 0, "error", text));
        }
    }

  if (!have_error)
    {
      for (guint i = 0; i < tools->len; i++)
        g_ptr_array_add (located, wc_diagnostic_copy (g_ptr_array_index (tools, i)));
    }

  return g_steal_pointer (&located);
}

static JsonObject *
parse_cargo_compiler_message (const char *line)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *reason;

  if (line[0] != '{')
    return NULL;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, line, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  reason = json_object_get_string_member_with_default (object, "reason", "");
  if (!g_str_equal (reason, "compiler-message")
      || !json_object_has_member (object, "message")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "message")))
    return NULL;
  return json_object_ref (json_object_get_object_member (object, "message"));
}

/**
 * wc_diagnostics_cargo_rendered:
 * @line: one line of `cargo build --message-format=json` stdout
 *
 * Returns: (transfer full) (nullable): the human-readable text rustc rendered for a
 *   `compiler-message` (without its trailing newline), or %NULL for any other line
 */
char *
wc_diagnostics_cargo_rendered (const char *line)
{
  g_autoptr(JsonObject) message = NULL;
  const char *rendered;
  gsize len;

  g_return_val_if_fail (line != NULL, NULL);

  message = parse_cargo_compiler_message (line);
  if (message == NULL)
    return NULL;
  rendered = json_object_get_string_member_with_default (message, "rendered", NULL);
  if (rendered == NULL)
    rendered = json_object_get_string_member_with_default (message, "message", "");
  len = strlen (rendered);
  while (len > 0 && rendered[len - 1] == '\n')
    len--;
  return g_strndup (rendered, len);
}

static gboolean
is_summary_message (const char *text)
{
  static GRegex *regex;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      regex = g_regex_new ("^(aborting due to|\\d+ warnings? emitted|"
                           "\\d+ warnings? and \\d+ errors? emitted|"
                           "Some errors have detailed explanations|"
                           "For more information about)", G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&initialized, 1);
    }
  return g_regex_match (regex, text, 0, NULL);
}

/**
 * wc_diagnostics_parse_cargo_line:
 * @line: one line of cargo output: a `--message-format=json` object on stdout, or a plain
 *   line from stderr
 * @work_dir: (nullable): the cargo workspace root (rustc's span paths are relative to it)
 * @project_root: (nullable): paths inside it are made relative to it
 *
 * A `compiler-message` gives one diagnostic from `message.level`, `message.message` and the
 * primary span (`spans[is_primary]`: `file_name`, `line_start`, `column_start`). Summary
 * messages ("aborting due to …", "N warnings emitted") give none. A plain stderr line
 * `error: …` from cargo itself (a broken manifest, a failed build script) gives a diagnostic
 * without a file, except cargo's closing "error: could not compile …".
 *
 * Returns: (transfer full) (nullable): the diagnostic, or %NULL when @line holds none
 */
WcDiagnostic *
wc_diagnostics_parse_cargo_line (const char *line,
                                 const char *work_dir,
                                 const char *project_root)
{
  g_autoptr(JsonObject) message = NULL;
  g_autofree char *plain = NULL;
  const char *level;
  const char *text;
  JsonArray *spans = NULL;
  JsonObject *primary = NULL;
  g_autofree char *path = NULL;
  guint lineno = 0;
  guint column = 0;

  g_return_val_if_fail (line != NULL, NULL);

  message = parse_cargo_compiler_message (line);
  if (message == NULL)
    {
      plain = wc_diagnostics_strip_ansi (line);
      g_strchomp (plain);
      if (g_str_has_prefix (plain, "error: ") && !g_str_has_prefix (plain, "error: could not compile"))
        return wc_diagnostic_new (NULL, 0, 0, "error", plain + strlen ("error: "));
      return NULL;
    }

  level = json_object_get_string_member_with_default (message, "level", "error");
  text = json_object_get_string_member_with_default (message, "message", "");
  if (is_summary_message (text))
    return NULL;

  if (json_object_has_member (message, "spans")
      && JSON_NODE_HOLDS_ARRAY (json_object_get_member (message, "spans")))
    spans = json_object_get_array_member (message, "spans");
  for (guint i = 0; spans != NULL && i < json_array_get_length (spans); i++)
    {
      JsonNode *node = json_array_get_element (spans, i);
      JsonObject *span;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      span = json_node_get_object (node);
      if (primary == NULL)
        primary = span;
      if (json_object_get_boolean_member_with_default (span, "is_primary", FALSE))
        {
          primary = span;
          break;
        }
    }

  if (primary != NULL)
    {
      const char *file = json_object_get_string_member_with_default (primary, "file_name", NULL);

      if (file != NULL)
        path = resolve_path (file, work_dir, project_root);
      lineno = (guint) CLAMP (json_object_get_int_member_with_default (primary, "line_start", 0),
                              0, G_MAXUINT);
      column = (guint) CLAMP (json_object_get_int_member_with_default (primary, "column_start", 0),
                              0, G_MAXUINT);
    }

  return wc_diagnostic_new (path, lineno, column, normalize_severity (level), text);
}

/**
 * wc_diagnostics_parse_cargo:
 * @output: cargo's output, one message per line (see wc_diagnostics_parse_cargo_line())
 * @work_dir: (nullable): the cargo workspace root
 * @project_root: (nullable): paths inside it are made relative to it
 *
 * Returns: (transfer full) (element-type WcDiagnostic): the diagnostics in output order
 */
GPtrArray *
wc_diagnostics_parse_cargo (const char *output,
                            const char *work_dir,
                            const char *project_root)
{
  GPtrArray *diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_diagnostic_free);
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (output != NULL, diagnostics);

  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      WcDiagnostic *d = wc_diagnostics_parse_cargo_line (lines[i], work_dir, project_root);

      if (d != NULL)
        g_ptr_array_add (diagnostics, d);
    }
  return diagnostics;
}

/**
 * wc_diagnostics_to_json_node:
 * @diagnostics: (element-type WcDiagnostic) (nullable): diagnostics
 *
 * The `diagnostics` member of the `buildFinished` notification (issue 4): an array of
 * `{"file", "line", "column", "severity", "message"}`; `file` is `""` when unknown, `line`
 * and `column` are 0 when unknown.
 *
 * Returns: (transfer full): a JSON array node
 */
JsonNode *
wc_diagnostics_to_json_node (GPtrArray *diagnostics)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    {
      const WcDiagnostic *d = g_ptr_array_index (diagnostics, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "file", d->file != NULL ? d->file : "");
      json_object_set_int_member (object, "line", d->line);
      json_object_set_int_member (object, "column", d->column);
      json_object_set_string_member (object, "severity", d->severity);
      json_object_set_string_member (object, "message", d->message);
      json_array_add_object_element (array, object);
    }
  json_node_take_array (node, array);
  return node;
}

/**
 * wc_diagnostics_to_json:
 * @diagnostics: (element-type WcDiagnostic) (nullable): diagnostics
 *
 * Returns: (transfer full): the compact JSON text of wc_diagnostics_to_json_node()
 */
char *
wc_diagnostics_to_json (GPtrArray *diagnostics)
{
  g_autoptr(JsonNode) node = wc_diagnostics_to_json_node (diagnostics);

  return json_to_string (node, FALSE);
}
