/* test-param-info.c: WcParamInfo parse, validation and serialisation (PROTOCOL.md §3).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "wc-param-info.h"
#include "wc-test-util.h"

static GPtrArray *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = wc_param_info_list_parse (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}

static void
test_defaults (void)
{
  g_autoptr(GPtrArray) list =
    parse_ok ("[{\"id\":\"gain\",\"name\":\"Gain\",\"min\":-60,\"max\":6,\"default\":-6}]");
  WcParamInfo *info;

  g_assert_cmpuint (list->len, ==, 1);
  info = g_ptr_array_index (list, 0);
  g_assert_cmpstr (info->id, ==, "gain");
  g_assert_cmpstr (info->name, ==, "Gain");
  g_assert_cmpint (info->type, ==, WC_PARAM_TYPE_FLOAT);  /* absent type means float */
  g_assert_cmpfloat (info->min, ==, -60);
  g_assert_cmpfloat (info->max, ==, 6);
  g_assert_cmpfloat (info->default_value, ==, -6);
  g_assert_cmpfloat (info->value, ==, -6);                /* absent value means default */
  g_assert_null (info->unit);
  g_assert_null (info->group);
  g_assert_null (info->variants);
}

static void
test_round_trip (void)
{
  const char *normalised =
    "[{\"id\":\"gain\",\"name\":\"Gain\",\"type\":\"float\",\"value\":-3.5,\"default\":0,"
    "\"min\":-60,\"max\":6,\"unit\":\"dB\",\"group\":\"Output\"},"
    "{\"id\":\"bypass\",\"name\":\"Bypass\",\"type\":\"bool\",\"value\":1,\"default\":0,"
    "\"min\":0,\"max\":1},"
    "{\"id\":\"wave\",\"name\":\"Wave\",\"type\":\"enum\",\"value\":2,\"default\":0,"
    "\"min\":0,\"max\":2,\"group\":\"Osc\",\"variants\":[\"Sine\",\"Saw\",\"Square\"]},"
    "{\"id\":\"mix\",\"name\":\"Mix\",\"type\":\"float\",\"value\":0.7,\"default\":0.7,"
    "\"min\":0,\"max\":1}]";
  g_autoptr(GPtrArray) list = parse_ok (normalised);
  g_autoptr(GPtrArray) again = NULL;
  g_autofree char *text = wc_param_info_list_serialize (list);
  g_autofree char *text2 = NULL;
  WcParamInfo *wave = g_ptr_array_index (list, 2);

  g_assert_cmpstr (text, ==, normalised);
  g_assert_cmpint (wave->type, ==, WC_PARAM_TYPE_ENUM);
  g_assert_cmpuint (g_strv_length (wave->variants), ==, 3);
  g_assert_cmpstr (wave->variants[2], ==, "Square");

  again = parse_ok (text);
  text2 = wc_param_info_list_serialize (again);
  g_assert_cmpstr (text2, ==, normalised);
}

static void
test_normalise (void)
{
  /* Absent type/value filled in, empty unit/group and null members dropped, implied bool
   * and enum ranges, unknown members ignored, member order fixed. */
  g_autoptr(GPtrArray) list =
    parse_ok ("[{\"max\":1.0,\"min\":0.0,\"default\":0.25,\"name\":\"Mix\",\"id\":\"mix\","
              "\"unit\":\"\",\"group\":null,\"variants\":[],\"extra\":{\"x\":[1]}},"
              "{\"id\":\"on\",\"name\":\"On\",\"type\":\"bool\",\"default\":1},"
              "{\"id\":\"m\",\"name\":\"M\",\"type\":\"enum\",\"default\":1,"
              "\"variants\":[\"a\",\"b\"]}]");
  g_autofree char *text = wc_param_info_list_serialize (list);

  g_assert_cmpstr (text, ==,
                   "[{\"id\":\"mix\",\"name\":\"Mix\",\"type\":\"float\",\"value\":0.25,"
                   "\"default\":0.25,\"min\":0,\"max\":1},"
                   "{\"id\":\"on\",\"name\":\"On\",\"type\":\"bool\",\"value\":1,\"default\":1,"
                   "\"min\":0,\"max\":1},"
                   "{\"id\":\"m\",\"name\":\"M\",\"type\":\"enum\",\"value\":1,\"default\":1,"
                   "\"min\":0,\"max\":1,\"variants\":[\"a\",\"b\"]}]");
}

static void
test_empty_list (void)
{
  g_autoptr(GPtrArray) list = parse_ok (" [ ] ");
  g_autofree char *text = wc_param_info_list_serialize (list);

  g_assert_cmpuint (list->len, ==, 0);
  g_assert_cmpstr (text, ==, "[]");
}

static void
test_numbers (void)
{
  static const struct { double value; const char *text; } cases[] = {
    { 0.7, "0.7" },
    { 1.0, "1" },
    { -6.0, "-6" },
    { 440.0, "440" },
    { 0.1 + 0.2, "0.30000000000000004" },
    { 1.0 / 3.0, "0.3333333333333333" },
    { 0.699999988079071, "0.699999988079071" },
    { (double) 0.7f, "0.699999988079071" },
    { 1e21, "1e+21" },
    { 1.5e-7, "1.5e-07" },
    { -0.0, "0" },
    { 123456789012345678.0, "1.2345678901234568e+17" },
    { 5e-324, "4.94065645841247e-324" },
    { 1.7976931348623157e308, "1.7976931348623157e+308" },
    { NAN, "null" },
    { INFINITY, "null" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);

      wc_json_append_double (out, cases[i].value);
      g_assert_cmpstr (out->str, ==, cases[i].text);
      if (isfinite (cases[i].value))
        g_assert_cmpfloat (g_ascii_strtod (out->str, NULL), ==, cases[i].value);
    }
}

static void
test_number_round_trip_text (void)
{
  /* What the plugin wrote is what comes out: 0.7 stays 0.7, and a float's widened value
   * stays as given. */
  g_autoptr(GPtrArray) list =
    parse_ok ("[{\"id\":\"a\",\"name\":\"A\",\"min\":0,\"max\":1,\"default\":0.7},"
              "{\"id\":\"b\",\"name\":\"B\",\"min\":0,\"max\":1,"
              "\"default\":0.699999988079071},"
              "{\"id\":\"c\",\"name\":\"C\",\"min\":-1e-3,\"max\":2.5e3,\"default\":1E2}]");
  g_autofree char *text = wc_param_info_list_serialize (list);

  g_assert_cmpstr (text, ==,
                   "[{\"id\":\"a\",\"name\":\"A\",\"type\":\"float\",\"value\":0.7,"
                   "\"default\":0.7,\"min\":0,\"max\":1},"
                   "{\"id\":\"b\",\"name\":\"B\",\"type\":\"float\",\"value\":0.699999988079071,"
                   "\"default\":0.699999988079071,\"min\":0,\"max\":1},"
                   "{\"id\":\"c\",\"name\":\"C\",\"type\":\"float\",\"value\":100,"
                   "\"default\":100,\"min\":-0.001,\"max\":2500}]");
}

static void
test_strings (void)
{
  /* Every control character, quotes, backslashes, non-ASCII and U+2028 survive the trip. */
  g_autoptr(GString) name = g_string_new ("\"q\" \\b\\ / é 波 🎛 \xe2\x80\xa8 \xe2\x80\xa9 ");
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_param_info_unref);
  g_autoptr(GPtrArray) parsed = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  WcParamInfo *info;
  WcParamInfo *back;
  JsonObject *object;

  for (int c = 1; c < 0x20; c++)
    g_string_append_c (name, (char) c);
  g_string_append_c (name, 0x7f);

  info = wc_param_info_new ("id \"x\"\n", name->str, WC_PARAM_TYPE_ENUM, 0, 1, 1);
  info->unit = g_strdup ("\\u00e9");
  info->group = g_strdup ("Gr\tüppe");
  info->variants = g_new0 (char *, 3);
  info->variants[0] = g_strdup ("\"");
  info->variants[1] = g_strdup ("\x1f");
  g_ptr_array_add (list, info);

  text = wc_param_info_list_serialize (list);
  g_assert_nonnull (strstr (text, "\\u0001\\u0002"));
  g_assert_nonnull (strstr (text, "\\b\\t\\n\\u000b\\f\\r"));
  g_assert_nonnull (strstr (text, "\\u2028 \\u2029"));
  g_assert_nonnull (strstr (text, "\"unit\":\"\\\\u00e9\""));
  g_assert_null (strchr (text, '\n'));

  /* json-glib reads it back to the same strings */
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  object = json_array_get_object_element (json_node_get_array (json_parser_get_root (parser)), 0);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "id \"x\"\n");
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, name->str);
  g_assert_cmpstr (json_object_get_string_member (object, "unit"), ==, "\\u00e9");
  g_assert_cmpstr (json_object_get_string_member (object, "group"), ==, "Gr\tüppe");

  /* and so does our own parser */
  parsed = parse_ok (text);
  back = g_ptr_array_index (parsed, 0);
  g_assert_cmpstr (back->name, ==, name->str);
  g_assert_cmpstr (back->variants[0], ==, "\"");
  g_assert_cmpstr (back->variants[1], ==, "\x1f");
}

static void
test_to_json_builder (void)
{
  g_autoptr(GPtrArray) list =
    parse_ok ("[{\"id\":\"w\",\"name\":\"W\",\"type\":\"enum\",\"default\":1,\"group\":\"G\","
              "\"variants\":[\"a\",\"b\",\"c\"]},"
              "{\"id\":\"f\",\"name\":\"F\",\"min\":0,\"max\":1,\"default\":0.5,\"unit\":\"%\"}]");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = wc_param_info_list_serialize (list);
  g_autofree char *again = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    wc_param_info_to_json (g_ptr_array_index (list, i), builder);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

  back = parse_ok (text);
  again = wc_param_info_list_serialize (back);
  g_assert_cmpstr (again, ==, expected);
}

static void
test_boxed_copy (void)
{
  g_autoptr(GPtrArray) list =
    parse_ok ("[{\"id\":\"w\",\"name\":\"W\",\"type\":\"enum\",\"default\":1,\"unit\":\"u\","
              "\"group\":\"G\",\"variants\":[\"a\",\"b\"]}]");
  WcParamInfo *info = g_ptr_array_index (list, 0);
  g_autoptr(WcParamInfo) copy = g_boxed_copy (WC_TYPE_PARAM_INFO, info);
  g_autoptr(WcParamInfo) deep = wc_param_info_copy (info);
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  g_assert_true (copy == info);   /* boxed copy is a reference */
  g_assert_true (deep != info);
  g_assert_true (deep->variants != info->variants);
  g_ptr_array_add (one, info);
  a = wc_param_info_list_serialize (one);
  g_ptr_array_index (one, 0) = deep;
  b = wc_param_info_list_serialize (one);
  g_assert_cmpstr (a, ==, b);
  g_assert_true (G_TYPE_IS_BOXED (WC_TYPE_PARAM_INFO));
}

static void
test_validate_api (void)
{
  g_autoptr(WcParamInfo) info = wc_param_info_new ("gain", "Gain", WC_PARAM_TYPE_FLOAT,
                                                   -60, 6, 0);
  g_autoptr(GError) error = NULL;

  g_assert_true (wc_param_info_validate (info, &error));
  g_assert_no_error (error);

  info->value = 7;
  g_assert_false (wc_param_info_validate (info, &error));
  g_assert_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA);
  g_assert_cmpstr (error->message, ==, "Parameter 'gain': value 7 is out of range [-60, 6]");
  g_clear_error (&error);

  info->value = 0;
  info->max = NAN;
  g_assert_false (wc_param_info_validate (info, &error));
  g_assert_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA);
  g_assert_cmpstr (error->message, ==, "Parameter 'gain': \"max\" is not a finite number");
}

typedef struct
{
  const char *json;
  int         code;
  const char *message;
} ErrorCase;

static const ErrorCase error_cases[] = {
  /* UTF-8 */
  { "[{\"id\":\"g\",\"name\":\"G\xff\",\"min\":0,\"max\":1,\"default\":0}]",
    WC_PARAM_INFO_ERROR_UTF8, "Text is not valid UTF-8 (invalid byte at offset 20)" },
  { "[\"\xc3\"]", WC_PARAM_INFO_ERROR_UTF8,
    "Text is not valid UTF-8 (invalid byte at offset 2)" },
  /* parse */
  { "[{\"id\":\"gain\",\"name\":\"Gain\",\"min\":-60,", WC_PARAM_INFO_ERROR_PARSE,
    "Invalid JSON: <data>:1:38: Parse error: unexpected character `,', expected string constant" },
  { "", WC_PARAM_INFO_ERROR_PARSE, "Expected a JSON array of parameters, got nothing" },
  { "{\"id\":\"x\"}", WC_PARAM_INFO_ERROR_PARSE,
    "Expected a JSON array of parameters, got an object" },
  { "\"x\"", WC_PARAM_INFO_ERROR_PARSE, "Expected a JSON array of parameters, got a string" },
  { "[{\"id\":\"a\",\"name\":\"A\",\"min\":0,\"max\":1,\"default\":0}, 3]",
    WC_PARAM_INFO_ERROR_PARSE, "Parameter 1: expected an object, got a number" },
  { "[[]]", WC_PARAM_INFO_ERROR_PARSE, "Parameter 0: expected an object, got an array" },
  { "[null]", WC_PARAM_INFO_ERROR_PARSE, "Parameter 0: expected an object, got null" },
  /* id */
  { "[{\"id\":\"a\",\"name\":\"A\",\"min\":0,\"max\":1,\"default\":0},{},{},"
    "{\"name\":\"x\"}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 1: missing \"id\"" },
  { "[{\"id\":\"\",\"name\":\"A\",\"min\":0,\"max\":1,\"default\":0}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 0: \"id\" is empty" },
  { "[{\"id\":7,\"name\":\"A\",\"min\":0,\"max\":1,\"default\":0}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 0: \"id\" must be a string, not a number" },
  { "[{\"id\":\"gain\",\"name\":\"Gain\",\"min\":-60,\"max\":6,\"default\":0},"
    "{\"id\":\"mix\",\"name\":\"Mix\",\"min\":0,\"max\":1,\"default\":1},"
    "{\"id\":\"gain\",\"name\":\"Gain 2\",\"min\":-60,\"max\":6,\"default\":0}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Duplicate parameter id 'gain'" },
  /* name */
  { "[{\"id\":\"a\",\"min\":0,\"max\":1,\"default\":0}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'a': missing \"name\"" },
  { "[{\"id\":\"a\",\"name\":true,\"min\":0,\"max\":1,\"default\":0}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'a': \"name\" must be a string, not a boolean" },
  /* type */
  { "[{\"id\":\"a\",\"name\":\"A\",\"type\":\"int\",\"min\":0,\"max\":1,\"default\":0}]",
    WC_PARAM_INFO_ERROR_SCHEMA,
    "Parameter 'a': unknown type \"int\" (expected \"float\", \"bool\" or \"enum\")" },
  { "[{\"id\":\"a\",\"name\":\"A\",\"type\":1,\"min\":0,\"max\":1,\"default\":0}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'a': \"type\" must be a string, not a number" },
  /* numbers */
  { "[{\"id\":\"a\",\"name\":\"A\",\"max\":1,\"default\":0}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'a': missing \"min\"" },
  { "[{\"id\":\"a\",\"name\":\"A\",\"min\":0,\"default\":0}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'a': missing \"max\"" },
  { "[{\"id\":\"a\",\"name\":\"A\",\"min\":0,\"max\":1}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'a': missing \"default\"" },
  { "[{\"id\":\"a\",\"name\":\"A\",\"min\":\"0\",\"max\":1,\"default\":0}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'a': \"min\" must be a number, not a string" },
  { "[{\"id\":\"a\",\"name\":\"A\",\"min\":0,\"max\":1,\"default\":0,\"value\":true}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'a': \"value\" must be a number, not a boolean" },
  { "[{\"id\":\"a\",\"name\":\"A\",\"min\":0,\"max\":1e999,\"default\":0}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'a': \"max\" is not a finite number" },
  { "[{\"id\":\"a\",\"name\":\"A\",\"min\":-1e400,\"max\":1,\"default\":0}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'a': \"min\" is not a finite number" },
  /* ranges */
  { "[{\"id\":\"freq\",\"name\":\"Frequency\",\"min\":20000,\"max\":20,\"default\":440,"
    "\"unit\":\"Hz\"}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'freq': min 20000 is not less than max 20" },
  { "[{\"id\":\"x\",\"name\":\"X\",\"min\":1,\"max\":1,\"default\":1}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'x': min 1 is not less than max 1" },
  { "[{\"id\":\"gain\",\"name\":\"Gain\",\"type\":\"float\",\"min\":-60,\"max\":6,"
    "\"default\":12,\"unit\":\"dB\"}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'gain': default 12 is out of range [-60, 6]" },
  { "[{\"id\":\"gain\",\"name\":\"Gain\",\"min\":-60,\"max\":6,\"default\":0,"
    "\"value\":-60.5}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'gain': value -60.5 is out of range [-60, 6]" },
  { "[{\"id\":\"mix\",\"name\":\"Mix\",\"min\":0,\"max\":0.7,\"default\":0.7000000000000001}]",
    WC_PARAM_INFO_ERROR_SCHEMA,
    "Parameter 'mix': default 0.7000000000000001 is out of range [0, 0.7]" },
  /* bool */
  { "[{\"id\":\"on\",\"name\":\"On\",\"type\":\"bool\",\"min\":0,\"max\":2,\"default\":0}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'on': a bool must have range [0, 1], not [0, 2]" },
  { "[{\"id\":\"on\",\"name\":\"On\",\"type\":\"bool\",\"default\":0.5}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'on': default 0.5 of a bool is not 0 or 1" },
  { "[{\"id\":\"on\",\"name\":\"On\",\"type\":\"bool\",\"default\":2}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'on': default 2 is out of range [0, 1]" },
  { "[{\"id\":\"on\",\"name\":\"On\",\"type\":\"bool\",\"default\":0,\"variants\":[\"a\"]}]",
    WC_PARAM_INFO_ERROR_SCHEMA,
    "Parameter 'on': \"variants\" is only allowed for type \"enum\"" },
  /* enum */
  { "[{\"id\":\"mode\",\"name\":\"Mode\",\"type\":\"enum\",\"min\":0,\"max\":2,\"default\":0}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'mode': an enum needs a non-empty \"variants\" array" },
  { "[{\"id\":\"mode\",\"name\":\"Mode\",\"type\":\"enum\",\"default\":0,\"variants\":[]}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'mode': an enum needs a non-empty \"variants\" array" },
  { "[{\"id\":\"mode\",\"name\":\"Mode\",\"type\":\"enum\",\"default\":0,\"variants\":[\"a\"]}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'mode': an enum needs at least 2 variants, got 1" },
  { "[{\"id\":\"mode\",\"name\":\"Mode\",\"type\":\"enum\",\"min\":0,\"max\":5,\"default\":0,"
    "\"variants\":[\"a\",\"b\",\"c\"]}]",
    WC_PARAM_INFO_ERROR_SCHEMA,
    "Parameter 'mode': an enum with 3 variants must have range [0, 2], not [0, 5]" },
  { "[{\"id\":\"mode\",\"name\":\"Mode\",\"type\":\"enum\",\"default\":1.5,"
    "\"variants\":[\"a\",\"b\",\"c\"]}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'mode': default 1.5 of an enum is not a variant index" },
  { "[{\"id\":\"mode\",\"name\":\"Mode\",\"type\":\"enum\",\"default\":0,\"variants\":\"a,b\"}]",
    WC_PARAM_INFO_ERROR_SCHEMA,
    "Parameter 'mode': \"variants\" must be an array of strings, not a string" },
  { "[{\"id\":\"mode\",\"name\":\"Mode\",\"type\":\"enum\",\"default\":0,\"variants\":[\"a\",2]}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'mode': variant 1 must be a string, not a number" },
  { "[{\"id\":\"f\",\"name\":\"F\",\"min\":0,\"max\":1,\"default\":0,\"variants\":[\"a\"]}]",
    WC_PARAM_INFO_ERROR_SCHEMA,
    "Parameter 'f': \"variants\" is only allowed for type \"enum\"" },
  /* unit, group */
  { "[{\"id\":\"f\",\"name\":\"F\",\"min\":0,\"max\":1,\"default\":0,\"unit\":5}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'f': \"unit\" must be a string, not a number" },
  { "[{\"id\":\"f\",\"name\":\"F\",\"min\":0,\"max\":1,\"default\":0,\"group\":{}}]",
    WC_PARAM_INFO_ERROR_SCHEMA, "Parameter 'f': \"group\" must be a string, not an object" },
};

static void
test_error (gconstpointer data)
{
  const ErrorCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = wc_param_info_list_parse (c->json, -1, &error);

  g_assert_null (list);
  g_assert_error (error, WC_PARAM_INFO_ERROR, c->code);
  g_assert_cmpstr (error->message, ==, c->message);
}

static void
test_length (void)
{
  const char text[] = "[{\"id\":\"a\",\"name\":\"A\",\"min\":0,\"max\":1,\"default\":0}]garbage";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = wc_param_info_list_parse (text, strlen (text) - 7, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);

  /* an embedded NUL within the given length is not UTF-8 text */
  g_assert_null (wc_param_info_list_parse ("[]\0[]", 5, &error));
  g_assert_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_UTF8);
  g_assert_cmpstr (error->message, ==, "Text is not valid UTF-8 (invalid byte at offset 2)");
}

static void
test_large (void)
{
  g_autoptr(GString) text = g_string_new ("[");
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *out = NULL;

  for (int i = 0; i < 2000; i++)
    g_string_append_printf (text, "%s{\"id\":\"p%d\",\"name\":\"P %d\",\"min\":-%d,\"max\":1,"
                            "\"default\":0.%d}", i ? "," : "", i, i, i, i % 10);
  g_string_append_c (text, ']');
  list = parse_ok (text->str);
  g_assert_cmpuint (list->len, ==, 2000);
  out = wc_param_info_list_serialize (list);
  g_assert_nonnull (strstr (out, "{\"id\":\"p1999\",\"name\":\"P 1999\",\"type\":\"float\","
                            "\"value\":0.9,\"default\":0.9,\"min\":-1999,\"max\":1}]"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/wavecraft/param-info/defaults", test_defaults);
  g_test_add_func ("/wavecraft/param-info/round-trip", test_round_trip);
  g_test_add_func ("/wavecraft/param-info/normalise", test_normalise);
  g_test_add_func ("/wavecraft/param-info/empty-list", test_empty_list);
  g_test_add_func ("/wavecraft/param-info/numbers", test_numbers);
  g_test_add_func ("/wavecraft/param-info/number-text", test_number_round_trip_text);
  g_test_add_func ("/wavecraft/param-info/strings", test_strings);
  g_test_add_func ("/wavecraft/param-info/to-json-builder", test_to_json_builder);
  g_test_add_func ("/wavecraft/param-info/boxed-copy", test_boxed_copy);
  g_test_add_func ("/wavecraft/param-info/validate", test_validate_api);
  g_test_add_func ("/wavecraft/param-info/length", test_length);
  g_test_add_func ("/wavecraft/param-info/large", test_large);
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/wavecraft/param-info/error/%02u", i);

      g_test_add_data_func (path, &error_cases[i], test_error);
    }

  return g_test_run ();
}
