/* wavecraft-plugin.c: the C plugin SDK's JSON writer and helpers.
 *
 * Dependency-free C99. Linked statically into every plugin; only the symbols the
 * WAVECRAFT_PLUGIN macros define are exported from the plugin.
 *
 * SPDX-License-Identifier: MIT
 */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wavecraft/plugin.h"

typedef struct {
  char   *data;
  size_t  len;
  size_t  cap;
  int     failed;
} buf_t;

static void
buf_reserve (buf_t  *b,
             size_t  extra)
{
  size_t need;
  char *data;

  if (b->failed)
    return;
  need = b->len + extra + 1;
  if (need <= b->cap)
    return;
  if (need < b->cap * 2)
    need = b->cap * 2;
  data = (char *) realloc (b->data, need);
  if (data == NULL)
    {
      b->failed = 1;
      return;
    }
  b->data = data;
  b->cap = need;
}

static void
buf_append_len (buf_t      *b,
                const char *s,
                size_t      n)
{
  buf_reserve (b, n);
  if (b->failed)
    return;
  memcpy (b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

static void
buf_append (buf_t      *b,
            const char *s)
{
  buf_append_len (b, s, strlen (s));
}

/* A JSON string. Bytes >= 0x80 are copied as they are: valid UTF-8 stays valid, and the
 * host reports invalid UTF-8 rather than having it silently repaired here. */
static void
buf_append_string (buf_t      *b,
                   const char *str)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *) (str != NULL ? str : "");
  const unsigned char *run = p;

  buf_append_len (b, "\"", 1);
  for (; *p != '\0'; p++)
    {
      char esc[7];
      size_t esc_len = 2;

      if (*p == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
        {
          /* U+2028 / U+2029: legal in JSON, not in older JavaScript string literals. */
          buf_append_len (b, (const char *) run, (size_t) (p - run));
          buf_append (b, p[2] == 0xA8 ? "\\u2028" : "\\u2029");
          p += 2;
          run = p + 1;
          continue;
        }
      if (*p >= 0x20 && *p != '"' && *p != '\\')
        continue;

      esc[0] = '\\';
      switch (*p)
        {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
          esc[1] = 'u';
          esc[2] = '0';
          esc[3] = '0';
          esc[4] = hex[*p >> 4];
          esc[5] = hex[*p & 0xF];
          esc_len = 6;
          break;
        }
      buf_append_len (b, (const char *) run, (size_t) (p - run));
      buf_append_len (b, esc, esc_len);
      run = p + 1;
    }
  buf_append_len (b, (const char *) run, (size_t) (p - run));
  buf_append_len (b, "\"", 1);
}

/* Replaces the C library's locale decimal point (a host may run with LC_NUMERIC=de_DE, which
 * writes "0,7") by '.'. */
static void
fix_decimal_point (char *text)
{
  const struct lconv *lc = localeconv ();
  const char *dp = lc != NULL ? lc->decimal_point : NULL;
  size_t dp_len;
  char *at;

  if (dp == NULL || dp[0] == '\0' || strcmp (dp, ".") == 0)
    return;
  at = strstr (text, dp);
  if (at == NULL)
    return;
  dp_len = strlen (dp);
  *at = '.';
  if (dp_len > 1)
    memmove (at + 1, at + dp_len, strlen (at + dp_len) + 1);
}

/* Shortest of %.15g, %.16g and %.17g that reads back as the same double. */
static void
buf_append_number (buf_t  *b,
                   double  value)
{
  static const int precisions[] = { 15, 16, 17 };
  char text[64];
  size_t i;

  if (!isfinite (value))
    {
      buf_append (b, "null");
      return;
    }
  if (value == 0)
    {
      buf_append (b, "0");
      return;
    }
  for (i = 0; i < sizeof (precisions) / sizeof (precisions[0]); i++)
    {
      snprintf (text, sizeof text, "%.*g", precisions[i], value);
      if (strtod (text, NULL) == value)
        break;
    }
  fix_decimal_point (text);
  buf_append (b, text);
}

size_t
wavecraft_param_variant_count (const wavecraft_param *param)
{
  size_t n = 0;

  if (param == NULL || param->type != WAVECRAFT_PARAM_ENUM || param->variants == NULL)
    return 0;
  while (param->variants[n] != NULL)
    n++;
  return n;
}

static void
param_range (const wavecraft_param *param,
             double                *min,
             double                *max)
{
  size_t n;

  switch (param->type)
    {
    case WAVECRAFT_PARAM_BOOL:
      *min = 0.0;
      *max = 1.0;
      break;
    case WAVECRAFT_PARAM_ENUM:
      n = wavecraft_param_variant_count (param);
      *min = 0.0;
      *max = n > 0 ? (double) (n - 1) : 0.0;
      break;
    case WAVECRAFT_PARAM_FLOAT:
    default:
      *min = param->min;
      *max = param->max;
      break;
    }
}

double
wavecraft_param_clamp (const wavecraft_param *param,
                       double                 value)
{
  double min, max;

  if (param == NULL)
    return value;
  if (value != value)
    return param->default_value;
  param_range (param, &min, &max);
  if (value < min)
    value = min;
  if (value > max)
    value = max;
  /* bool and enum ranges start at 0: round half up without libm */
  if (param->type != WAVECRAFT_PARAM_FLOAT)
    value = (double) (long) (value + 0.5);
  return value;
}

static const char *
type_name (wavecraft_param_type type)
{
  switch (type)
    {
    case WAVECRAFT_PARAM_BOOL:
      return "bool";
    case WAVECRAFT_PARAM_ENUM:
      return "enum";
    case WAVECRAFT_PARAM_FLOAT:
    default:
      return "float";
    }
}

char *
wavecraft_params_to_json (const wavecraft_param *params,
                          size_t                 n_params)
{
  buf_t b = { NULL, 0, 0, 0 };
  size_t i, v;

  if (params == NULL && n_params > 0)
    return NULL;

  buf_reserve (&b, 64 + n_params * 160);
  buf_append (&b, "[");
  for (i = 0; i < n_params; i++)
    {
      const wavecraft_param *p = &params[i];
      double min, max;

      param_range (p, &min, &max);
      if (i > 0)
        buf_append (&b, ",");
      buf_append (&b, "{\"id\":");
      buf_append_string (&b, p->id);
      buf_append (&b, ",\"name\":");
      buf_append_string (&b, p->name != NULL ? p->name : p->id);
      buf_append (&b, ",\"type\":\"");
      buf_append (&b, type_name (p->type));
      buf_append (&b, "\",\"default\":");
      buf_append_number (&b, p->default_value);
      buf_append (&b, ",\"min\":");
      buf_append_number (&b, min);
      buf_append (&b, ",\"max\":");
      buf_append_number (&b, max);
      if (p->unit != NULL && p->unit[0] != '\0')
        {
          buf_append (&b, ",\"unit\":");
          buf_append_string (&b, p->unit);
        }
      if (p->group != NULL && p->group[0] != '\0')
        {
          buf_append (&b, ",\"group\":");
          buf_append_string (&b, p->group);
        }
      if (p->type == WAVECRAFT_PARAM_ENUM)
        {
          buf_append (&b, ",\"variants\":[");
          for (v = 0; p->variants != NULL && p->variants[v] != NULL; v++)
            {
              if (v > 0)
                buf_append (&b, ",");
              buf_append_string (&b, p->variants[v]);
            }
          buf_append (&b, "]");
        }
      buf_append (&b, "}");
    }
  buf_append (&b, "]");

  if (b.failed)
    {
      free (b.data);
      return NULL;
    }
  return b.data;
}

void
wavecraft_json_free (char *json)
{
  free (json);
}
