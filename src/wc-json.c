/* wc-json.c: JSON text helpers around json-glib.
 *
 * Parsing is json-glib's; wc_json_parse() puts a guard pass in front of it for hostile
 * input. Writing numbers needs our own code: PROTOCOL.md §3 wants shortest round-trip form
 * (`0.7`), and JsonGenerator writes 17 significant digits (`0.69999999999999996`). The hot
 * paths (JSON-RPC replies, notifications) write text straight into a GString.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-json"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "wc-json.h"

/* Shortest round-trip text of a finite double, C locale. */
static void
format_double (char   buf[G_ASCII_DTOSTR_BUF_SIZE],
               double value)
{
  static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };

  if (value == 0)
    {
      strcpy (buf, "0");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        return;
    }
}

/**
 * wc_json_append_double:
 * @out: the string to append to
 * @value: a finite number
 *
 * Appends @value as a JSON number in shortest round-trip form (PROTOCOL.md §3): the
 * shortest of `%.15g`, `%.16g` and `%.17g` that reads back as the same double, in the C
 * locale. `0.7` stays `0.7`, `1.0` is written `1`, `-0.0` is written `0`. A non-finite
 * @value has no JSON form: `null` is written instead (validated parameters never hold one).
 */
void
wc_json_append_double (GString *out,
                       double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_if_fail (out != NULL);

  if (!isfinite (value))
    {
      g_string_append_len (out, "null", 4);
      return;
    }
  format_double (buf, value);
  g_string_append (out, buf);
}

/**
 * wc_json_append_string:
 * @out: the string to append to
 * @str: valid UTF-8, NUL-terminated
 *
 * Appends @str as a quoted JSON string. Escapes `"` and `\`, writes control characters as
 * `\b \f \n \r \t` or `\u00XX`, and U+2028/U+2029 as `\u2028`/`\u2029` so the text is also
 * safe inside JavaScript. Every other byte is copied as is.
 */
void
wc_json_append_string (GString    *out,
                       const char *str)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *) str;
  const unsigned char *run = p;

  g_return_if_fail (out != NULL);
  g_return_if_fail (str != NULL);

  g_string_append_c (out, '"');
  for (; *p != '\0'; p++)
    {
      const char *esc = NULL;
      char ubuf[7];

      if (*p >= 0x20 && *p != '"' && *p != '\\' && *p != 0xE2)
        continue;

      if (*p == 0xE2)
        {
          /* U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR: E2 80 A8/A9 */
          if (p[1] != 0x80 || (p[2] != 0xA8 && p[2] != 0xA9))
            continue;
          g_string_append_len (out, (const char *) run, p - run);
          g_string_append (out, p[2] == 0xA8 ? "\\u2028" : "\\u2029");
          p += 2;
          run = p + 1;
          continue;
        }

      switch (*p)
        {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
          ubuf[0] = '\\';
          ubuf[1] = 'u';
          ubuf[2] = '0';
          ubuf[3] = '0';
          ubuf[4] = hex[*p >> 4];
          ubuf[5] = hex[*p & 0xF];
          ubuf[6] = '\0';
          esc = ubuf;
          break;
        }
      g_string_append_len (out, (const char *) run, p - run);
      g_string_append (out, esc);
      run = p + 1;
    }
  g_string_append_len (out, (const char *) run, p - run);
  g_string_append_c (out, '"');
}

/* The UTF-16 unit of a `\uXXXX` escape at text[i], or G_MAXUINT when there is none there. */
static guint
escape_unit (const char *text,
             gsize       length,
             gsize       i)
{
  guint unit = 0;

  if (i + 6 > length || text[i] != '\\' || text[i + 1] != 'u')
    return G_MAXUINT;
  for (gsize k = i + 2; k < i + 6; k++)
    {
      int digit = g_ascii_xdigit_value (text[k]);

      if (digit < 0)
        return G_MAXUINT;
      unit = unit * 16 + digit;
    }
  return unit;
}

/* Whether a value may end before text[i]: a delimiter or the end of the text. */
static gboolean
ends_value (const char *text,
            gsize       length,
            gsize       i)
{
  return i >= length || strchr (" \t\n\r,]}", text[i]) != NULL;
}

/* The end of the RFC 8259 number at text[i], or 0 when there is none (json-glib takes `01`,
 * `1.`, `.5`, `0x10`). *integer tells whether it has neither fraction nor exponent. */
static gsize
scan_number (const char *text,
             gsize       length,
             gsize       i,
             gboolean   *integer)
{
  gsize j = i;

  *integer = TRUE;
  if (text[j] == '-')
    j++;
  if (j >= length || !g_ascii_isdigit (text[j]))
    return 0;
  if (text[j] == '0')
    j++;
  else
    while (j < length && g_ascii_isdigit (text[j]))
      j++;
  if (j < length && text[j] == '.')
    {
      *integer = FALSE;
      if (++j >= length || !g_ascii_isdigit (text[j]))
        return 0;
      while (j < length && g_ascii_isdigit (text[j]))
        j++;
    }
  if (j < length && (text[j] == 'e' || text[j] == 'E'))
    {
      *integer = FALSE;
      if (++j < length && (text[j] == '+' || text[j] == '-'))
        j++;
      if (j >= length || !g_ascii_isdigit (text[j]))
        return 0;
      while (j < length && g_ascii_isdigit (text[j]))
        j++;
    }
  return ends_value (text, length, j) ? j : 0;
}

/* The end of `true`, `false` or `null` at text[i], or 0. */
static gsize
scan_literal (const char *text,
              gsize       length,
              gsize       i)
{
  static const char *const literals[] = { "true", "false", "null" };

  for (guint k = 0; k < G_N_ELEMENTS (literals); k++)
    {
      gsize n = strlen (literals[k]);

      if (length - i >= n && memcmp (text + i, literals[k], n) == 0 &&
          ends_value (text, length, i + n))
        return i + n;
    }
  return 0;
}

/* A guard in front of json-glib 1.6, whose GScanner-based parser is lenient and, found by
 * fuzzing, unsafe on hostile text:
 * - it takes what RFC 8259 does not: comments, single quotes, `var a =`, a BOM, `01`, `1.`,
 *   `0x10`, raw control characters in strings, and text after the value (`{} {}`);
 * - it recurses once per nesting level, so a frame of 1 MiB of '[' overflows the stack;
 * - an integer literal beyond 64 bits silently reads as -1 (a value that was never sent);
 * - `\u0000` truncates the string, and a lone surrogate or an octal escape (`\700`) yields
 *   invalid UTF-8.
 * This scan checks every token's spelling (numbers, literals, strings and their escapes),
 * the nesting depth, and that one value fills the text; the grammar between tokens (commas,
 * colons, which token may follow which) stays json-glib's. Integer literals that overflow
 * gint64 get ".0" appended in a copy so that json-glib reads them as the double they are
 * (1e20 stays 1e20 and then fails range checks honestly). Sets JSON_PARSER_ERROR_INVALID_DATA
 * and returns FALSE on the first fault. */
static gboolean
guard_text (const char  *text,
            gsize        length,
            guint        max_depth,
            GString    **rewritten,
            GError     **error)
{
  guint depth = 0;
  gboolean in_string = FALSE;
  gboolean done = FALSE;   /* a whole top-level value has been read */
  gsize copied = 0;
  gsize i;

  *rewritten = NULL;
  for (i = 0; i < length; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if ((guchar) c < 0x20)
            goto not_json;
          if (c == '\\' && i + 1 < length && text[i + 1] == 'u')
            {
              guint unit = escape_unit (text, length, i);

              if (unit == G_MAXUINT || unit == 0 || (unit >= 0xDC00 && unit <= 0xDFFF))
                goto bad_escape;
              if (unit >= 0xD800 && unit <= 0xDBFF)
                {
                  guint low = escape_unit (text, length, i + 6);

                  if (low < 0xDC00 || low > 0xDFFF)
                    goto bad_escape;
                  i += 6;
                }
              i += 5;
            }
          else if (c == '\\')
            {
              /* json-glib also takes GScanner's octal and other escapes; JSON has these. */
              if (i + 1 >= length || text[i + 1] == '\0' || strchr ("\"\\/bfnrt", text[i + 1]) == NULL)
                goto bad_escape;
              i++;
            }
          else if (c == '"')
            {
              in_string = FALSE;
              done = depth == 0;
            }
          continue;
        }

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        continue;
      if (done)
        goto not_json;
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            {
              g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           _("The text nests deeper than %u levels"), max_depth);
              return FALSE;
            }
        }
      else if (c == ']' || c == '}')
        {
          if (depth == 0)
            goto not_json;
          done = --depth == 0;
        }
      else if (c == ':' || c == ',')
        ;
      else if (c == '-' || g_ascii_isdigit (c))
        {
          gboolean integer;
          gsize end = scan_number (text, length, i, &integer);

          if (end == 0)
            goto not_json;
          if (integer && end - i >= 19)
            {
              g_autofree char *literal = g_strndup (text + i, end - i);

              if (!g_ascii_string_to_signed (literal, 10, G_MININT64, G_MAXINT64, NULL, NULL))
                {
                  if (*rewritten == NULL)
                    *rewritten = g_string_sized_new (length + 8);
                  g_string_append_len (*rewritten, text + copied, end - copied);
                  g_string_append (*rewritten, ".0");
                  copied = end;
                }
            }
          i = end - 1;
          done = depth == 0;
        }
      else
        {
          gsize end = scan_literal (text, length, i);

          if (end == 0)
            goto not_json;
          i = end - 1;
          done = depth == 0;
        }
    }
  if (*rewritten != NULL)
    g_string_append_len (*rewritten, text + copied, length - copied);
  return TRUE;

bad_escape:
  g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
               _("The text holds an escape JSON does not allow at byte %lu"), (gulong) i);
  goto fail;
not_json:
  g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
               _("The text is not JSON (RFC 8259) at byte %lu"), (gulong) i);
fail:
  if (*rewritten != NULL)
    {
      g_string_free (*rewritten, TRUE);
      *rewritten = NULL;
    }
  return FALSE;
}

/**
 * wc_json_parse:
 * @parser: (nullable): a #JsonParser to reuse, or %NULL for a fresh one
 * @text: the text; need not be NUL-terminated
 * @length: length of @text in bytes
 * @error: set in %JSON_PARSER_ERROR: %JSON_PARSER_ERROR_INVALID_DATA when @text is not
 *   valid UTF-8, nests deeper than %WC_JSON_MAX_DEPTH, holds `\u0000`, a lone surrogate or
 *   an escape JSON does not define, or anything else RFC 8259 does not allow that json-glib
 *   would take (comments, single quotes, `01`, a BOM, text after the value…); otherwise
 *   json-glib's own error
 *
 * Parses one JSON value (RFC 8259, strictly) with json-glib after a guard pass (see
 * guard_text()).
 * Integer literals beyond 64 bits read as doubles.
 *
 * Returns: (transfer full) (nullable): the tree; %NULL with @error set, or %NULL without an
 *   error for text that holds only whitespace
 */
JsonNode *
wc_json_parse (JsonParser  *parser,
               const char  *text,
               gsize        length,
               GError     **error)
{
  g_autoptr(JsonParser) own = NULL;
  g_autoptr(GString) rewritten = NULL;

  g_return_val_if_fail (parser == NULL || JSON_IS_PARSER (parser), NULL);
  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (text == NULL)
    text = "";
  if (!g_utf8_validate_len (text, length, NULL))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           _("The text is not valid UTF-8"));
      return NULL;
    }
  if (!guard_text (text, length, WC_JSON_MAX_DEPTH, &rewritten, error))
    return NULL;
  if (rewritten != NULL)
    {
      text = rewritten->str;
      length = rewritten->len;
    }
  if (parser == NULL)
    parser = own = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, length, error))
    return NULL;
  return json_parser_steal_root (parser);
}

/**
 * wc_json_node_get_number:
 * @node: (nullable): a node, or %NULL for an absent member
 * @value: (out): where to store the number
 *
 * Reads a JSON number, integer or not, as a double. Anything else (%NULL, null, a string,
 * a boolean, an object or an array) is not a number: @value is then left untouched.
 *
 * Returns: %TRUE when @node holds a number
 */
gboolean
wc_json_node_get_number (JsonNode *node,
                         double   *value)
{
  GType type;

  g_return_val_if_fail (value != NULL, FALSE);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

/**
 * wc_json_node_is_string:
 * @node: (nullable): a node, or %NULL for an absent member
 *
 * Returns: %TRUE when @node holds a JSON string
 */
gboolean
wc_json_node_is_string (JsonNode *node)
{
  return node != NULL
         && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING;
}
