/* test-sdk.c: the C plugin SDK (subprojects/wavecraft-plugin): its JSON survives json-glib
 * and WcParamInfo byte for byte, whatever the names hold, and its macros export the ABI.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <gmodule.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include <wavecraft/plugin.h>

#include "wc-param-info.h"
#include "wc-test-util.h"

/* ---- a plugin defined in this test, through the SDK macro -------------------------------- */

static const char *const test_modes[] = { "Clean", "Dirty \"x\"", "Ünïcode ✓", NULL };

static const wavecraft_param test_params[] = {
  WAVECRAFT_FLOAT ("gain", "Gain", -60.0, 6.0, -6.0, "dB", "Output"),
  WAVECRAFT_FLOAT ("mix", "Mix", 0.0, 1.0, 0.7, NULL, ""),
  WAVECRAFT_BOOL ("bypass", "Bypass", 1, "Output"),
  WAVECRAFT_ENUM ("mode", NULL, 2, "Character", test_modes),
};

struct wavecraft_processor
{
  double gain;
  double sample_rate;
  uint32_t max_block;
  int resets;
};

static wavecraft_processor *
t_create (double   sample_rate,
          uint32_t max_block)
{
  wavecraft_processor *p = g_new0 (wavecraft_processor, 1);

  p->gain = 1.0;
  p->sample_rate = sample_rate;
  p->max_block = max_block;
  return p;
}

static void
t_set_parameter (wavecraft_processor *p,
                 uint32_t             index,
                 double               value)
{
  if (index == 0)
    p->gain = pow (10.0, wavecraft_param_clamp (&test_params[0], value) / 20.0);
}

static void
t_process (wavecraft_processor *p,
           const float *const  *in,
           float *const        *out,
           uint32_t             channels,
           uint32_t             frames)
{
  for (uint32_t c = 0; c < channels; c++)
    for (uint32_t i = 0; i < frames; i++)
      out[c][i] = (float) (in[c][i] * p->gain);
}

static void
t_reset (wavecraft_processor *p)
{
  p->resets++;
}

static void
t_destroy (wavecraft_processor *p)
{
  g_free (p);
}

WAVECRAFT_PLUGIN (test_params, t_create, t_set_parameter, t_process, t_reset, t_destroy);

/* ---- helpers ------------------------------------------------------------------------------ */

static JsonArray *
parse_array (JsonParser *parser,
             const char *json)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (json);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_node_get_array (json_parser_get_root (parser));
}

/* One float row named @name, with @unit and @group, through the SDK and back. */
static void
assert_strings_round_trip (const char *name,
                           const char *unit,
                           const char *group)
{
  const wavecraft_param row[] = {
    WAVECRAFT_FLOAT (name, name, 0.0, 1.0, 0.5, unit, group),
  };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  char *json = wavecraft_params_to_json (row, 1);
  JsonObject *object;
  WcParamInfo *info;

  g_assert_true (g_utf8_validate (json, -1, NULL));
  g_assert_null (strchr (json, '\n'));
  object = json_array_get_object_element (parse_array (parser, json), 0);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, name);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, name);
  g_assert_cmpstr (json_object_get_string_member (object, "unit"), ==, unit);
  g_assert_cmpstr (json_object_get_string_member (object, "group"), ==, group);

  list = wc_param_info_list_parse (json, -1, &error);
  g_assert_no_error (error);
  info = g_ptr_array_index (list, 0);
  g_assert_cmpstr (info->name, ==, name);
  g_assert_cmpstr (info->unit, ==, unit);
  g_assert_cmpstr (info->group, ==, group);
  wavecraft_json_free (json);
}

/* ---- tests -------------------------------------------------------------------------------- */

static void
test_exact_output (void)
{
  char *json = wavecraft_get_params_json ();

  g_assert_cmpstr (json, ==,
                   "[{\"id\":\"gain\",\"name\":\"Gain\",\"type\":\"float\",\"default\":-6,"
                   "\"min\":-60,\"max\":6,\"unit\":\"dB\",\"group\":\"Output\"},"
                   "{\"id\":\"mix\",\"name\":\"Mix\",\"type\":\"float\",\"default\":0.7,"
                   "\"min\":0,\"max\":1},"
                   "{\"id\":\"bypass\",\"name\":\"Bypass\",\"type\":\"bool\",\"default\":1,"
                   "\"min\":0,\"max\":1,\"group\":\"Output\"},"
                   "{\"id\":\"mode\",\"name\":\"mode\",\"type\":\"enum\",\"default\":2,"
                   "\"min\":0,\"max\":2,\"group\":\"Character\","
                   "\"variants\":[\"Clean\",\"Dirty \\\"x\\\"\",\"Ünïcode ✓\"]}]");
  wavecraft_free_string (json);
  wavecraft_free_string (NULL);
}

static void
test_valid_for_wavecraft (void)
{
  g_autoptr(GError) error = NULL;
  char *json = wavecraft_get_params_json ();
  g_autoptr(GPtrArray) list = wc_param_info_list_parse (json, -1, &error);
  WcParamInfo *mode;

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (test_params));
  mode = g_ptr_array_index (list, 3);
  g_assert_cmpint (mode->type, ==, WC_PARAM_TYPE_ENUM);
  g_assert_cmpfloat (mode->max, ==, 2);
  g_assert_cmpstr (mode->variants[2], ==, "Ünïcode ✓");
  g_assert_null (((WcParamInfo *) g_ptr_array_index (list, 1))->group);   /* "" is absent */
  wavecraft_free_string (json);
}

static void
test_escaping_nasty (void)
{
  static const char *const nasty[] = {
    "\"", "\\", "\\\"", "\"\\\"\\", "a\"b\\c", "/", "</script>", "\\u0041", "\\n",
    "\b\f\n\r\t", "\x01\x02\x03\x1e\x1f", "\x7f", "tab\tin\tname",
    "é", "波形", "🎛🎚", "\xe2\x80\xa8\xe2\x80\xa9", "\xef\xbb\xbf" "BOM",
    "\xf4\x8f\xbf\xbf", "µs", "°", "dB\"", "{\"id\":\"x\"}", "]", "',",
  };

  for (guint i = 0; i < G_N_ELEMENTS (nasty); i++)
    assert_strings_round_trip (nasty[i], nasty[i], nasty[(i + 1) % G_N_ELEMENTS (nasty)]);
}

static void
test_escaping_every_ascii (void)
{
  char all[128];

  for (int c = 1; c < 128; c++)
    all[c - 1] = (char) c;
  all[127] = '\0';
  assert_strings_round_trip (all, all + 64, all + 1);
}

static void
test_escaping_random_unicode (void)
{
  for (int round = 0; round < 200; round++)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      int len = g_test_rand_int_range (1, 40);

      for (int k = 0; k < len; k++)
        {
          gunichar c;
          char buf[6];

          /* any scalar value but NUL and the surrogates */
          do
            c = (gunichar) g_test_rand_int_range (1, 0x110000);
          while (c >= 0xD800 && c <= 0xDFFF);
          if (g_test_rand_bit ())
            c = (gunichar) g_test_rand_int_range (1, 0x80);
          g_string_append_len (s, buf, g_unichar_to_utf8 (c, buf));
        }
      assert_strings_round_trip (s->str, s->str, s->str);
    }
}

static void
test_numbers (void)
{
  static const struct { double value; const char *text; } cases[] = {
    { 0.7, "0.7" }, { -6.0, "-6" }, { 440.0, "440" }, { 0.1 + 0.2, "0.30000000000000004" },
    { 1.0 / 3.0, "0.3333333333333333" }, { (double) 0.7f, "0.699999988079071" },
    { 1e21, "1e+21" }, { -1.5e-7, "-1.5e-07" }, { -0.0, "0" }, { 20000.0, "20000" },
  };
  g_autoptr(GString) expected = g_string_new ("[");
  wavecraft_param rows[G_N_ELEMENTS (cases)];
  char *json;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      wavecraft_param row = WAVECRAFT_FLOAT ("x", "X", -1e300, 1e300, cases[i].value, NULL, NULL);

      rows[i] = row;
      g_string_append_printf (expected, "%s{\"id\":\"x\",\"name\":\"X\",\"type\":\"float\","
                              "\"default\":%s,\"min\":-1e+300,\"max\":1e+300}",
                              i > 0 ? "," : "", cases[i].text);
    }
  g_string_append_c (expected, ']');

  json = wavecraft_params_to_json (rows, G_N_ELEMENTS (rows));
  g_assert_cmpstr (json, ==, expected->str);
  wavecraft_json_free (json);
}

static void
test_numbers_random_round_trip (void)
{
  for (int round = 0; round < 500; round++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      union { guint64 bits; double d; } u;
      wavecraft_param row[] = { WAVECRAFT_FLOAT ("x", "X", 0.0, 0.0, 0.0, NULL, NULL) };
      JsonObject *object;
      char *json;

      do
        {
          u.bits = ((guint64) g_test_rand_int () << 32) | (guint32) g_test_rand_int ();
        }
      while (!isfinite (u.d));
      row[0].default_value = u.d;
      json = wavecraft_params_to_json (row, 1);
      object = json_array_get_object_element (parse_array (parser, json), 0);
      g_assert_cmpfloat (json_object_get_double_member (object, "default"), ==, u.d);
      wavecraft_json_free (json);
    }
}

static void
test_non_finite (void)
{
  const wavecraft_param rows[] = {
    WAVECRAFT_FLOAT ("x", "X", 0.0, INFINITY, NAN, NULL, NULL),
  };
  char *json = wavecraft_params_to_json (rows, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_assert_cmpstr (json, ==, "[{\"id\":\"x\",\"name\":\"X\",\"type\":\"float\",\"default\":null,"
                             "\"min\":0,\"max\":null}]");
  list = wc_param_info_list_parse (json, -1, &error);
  g_assert_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA);
  g_assert_cmpstr (error->message, ==, "Parameter 'x': missing \"max\"");
  wavecraft_json_free (json);
}

static void
test_locale (void)
{
  /* Hosts may run with a locale whose decimal point is a comma. */
  static const char *const locales[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", NULL };
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));
  const char *found = NULL;
  char *json;

  g_autofree char *dir = NULL;

  for (guint i = 0; locales[i] != NULL && found == NULL; i++)
    found = setlocale (LC_NUMERIC, locales[i]);
  if (found == NULL)
    {
      /* Not installed: compile de_DE from the glibc sources into a private LOCPATH. */
      g_autofree char *out = NULL;
      const char *argv[] = { "localedef", "-i", "de_DE", "-f", "UTF-8", NULL, NULL };
      int status = -1;

      dir = wc_test_mkdtemp ();
      out = g_build_filename (dir, "de_DE.UTF-8", NULL);
      argv[5] = out;
      if (g_spawn_sync (NULL, (char **) argv, NULL,
                        G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                        G_SPAWN_STDERR_TO_DEV_NULL,
                        NULL, NULL, NULL, NULL, &status, NULL) && status == 0)
        {
          g_setenv ("LOCPATH", dir, TRUE);
          found = setlocale (LC_NUMERIC, "de_DE.UTF-8");
        }
    }
  if (found == NULL)
    {
      g_test_skip ("no locale with a decimal comma is available");
      if (dir != NULL)
        wc_test_rm_rf (dir);
      return;
    }
  g_assert_cmpstr (localeconv ()->decimal_point, ==, ",");
  json = wavecraft_get_params_json ();
  setlocale (LC_NUMERIC, saved);
  g_unsetenv ("LOCPATH");
  if (dir != NULL)
    wc_test_rm_rf (dir);
  g_assert_nonnull (strstr (json, "\"default\":0.7,"));
  g_assert_nonnull (strstr (json, "\"default\":-6,"));
  wavecraft_free_string (json);
}

static void
test_empty_and_null (void)
{
  char *json = wavecraft_params_to_json (NULL, 0);

  g_assert_cmpstr (json, ==, "[]");
  wavecraft_json_free (json);
  g_assert_null (wavecraft_params_to_json (NULL, 3));
}

static void
test_clamp (void)
{
  g_assert_cmpfloat (wavecraft_param_clamp (&test_params[0], 100.0), ==, 6.0);
  g_assert_cmpfloat (wavecraft_param_clamp (&test_params[0], -100.0), ==, -60.0);
  g_assert_cmpfloat (wavecraft_param_clamp (&test_params[0], -3.25), ==, -3.25);
  g_assert_cmpfloat (wavecraft_param_clamp (&test_params[0], NAN), ==, -6.0);
  g_assert_cmpfloat (wavecraft_param_clamp (&test_params[2], 0.4), ==, 0.0);
  g_assert_cmpfloat (wavecraft_param_clamp (&test_params[2], 0.5), ==, 1.0);
  g_assert_cmpfloat (wavecraft_param_clamp (&test_params[2], 7.0), ==, 1.0);
  g_assert_cmpfloat (wavecraft_param_clamp (&test_params[3], 1.6), ==, 2.0);
  g_assert_cmpfloat (wavecraft_param_clamp (&test_params[3], 9.0), ==, 2.0);
  g_assert_cmpfloat (wavecraft_param_clamp (&test_params[3], -1.0), ==, 0.0);
  g_assert_cmpuint (wavecraft_param_variant_count (&test_params[3]), ==, 3);
  g_assert_cmpuint (wavecraft_param_variant_count (&test_params[0]), ==, 0);
}

static void
test_processor_vtable (void)
{
  const wavecraft_processor_vtable *vt = wavecraft_dev_create_processor ();
  float in_l[4] = { 1.0f, -1.0f, 0.5f, 0.0f };
  float in_r[4] = { 0.25f, 0.25f, 0.25f, 0.25f };
  float out_l[4], out_r[4];
  const float *const in[] = { in_l, in_r };
  float *const out[] = { out_l, out_r };
  wavecraft_processor *p;

  g_assert_nonnull (vt);
  g_assert_true (vt == wavecraft_dev_create_processor ());   /* static */
  g_assert_cmpuint (vt->abi_version, ==, WAVECRAFT_PROCESSOR_ABI_VERSION);
  g_assert_cmpuint (vt->struct_size, ==, sizeof (wavecraft_processor_vtable));
  g_assert_true (vt->params == test_params);
  g_assert_cmpuint (vt->n_params, ==, 4);

  p = vt->create (48000.0, 4);
  g_assert_cmpfloat (p->sample_rate, ==, 48000.0);
  g_assert_cmpuint (p->max_block, ==, 4);
  vt->set_parameter (p, 0, -20.0);
  vt->process (p, in, out, 2, 4);
  g_assert_cmpfloat_with_epsilon (out_l[0], 0.1, 1e-6);
  g_assert_cmpfloat_with_epsilon (out_l[1], -0.1, 1e-6);
  g_assert_cmpfloat_with_epsilon (out_r[3], 0.025, 1e-6);
  vt->reset (p);
  g_assert_cmpint (p->resets, ==, 1);
  vt->destroy (p);
}

static void
test_fixture_exports (void)
{
  /* The good fixture (SDK linked statically, hidden visibility) exports exactly the ABI. */
  g_autofree char *path = wc_test_fixture_path ("libfixture-good.so");
  g_autoptr(GError) error = NULL;
  GModule *module = g_module_open_full (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL, &error);
  gpointer sym = NULL;
  wavecraft_dev_create_processor_func create_processor;
  const wavecraft_processor_vtable *vt;

  g_assert_no_error (error);
  g_assert_true (g_module_symbol (module, "wavecraft_get_params_json", &sym));
  g_assert_true (g_module_symbol (module, "wavecraft_free_string", &sym));
  g_assert_true (g_module_symbol (module, "wavecraft_dev_create_processor", &sym));
  create_processor = (wavecraft_dev_create_processor_func) sym;
  vt = create_processor ();
  g_assert_cmpuint (vt->abi_version, ==, WAVECRAFT_PROCESSOR_ABI_VERSION);
  g_assert_cmpuint (vt->n_params, ==, 6);
  g_assert_cmpstr (vt->params[4].name, ==, "波形 🎛");

  /* the SDK's own functions stay private to the plugin */
  g_assert_false (g_module_symbol (module, "wavecraft_params_to_json", &sym));
  g_assert_false (g_module_symbol (module, "wavecraft_param_clamp", &sym));
  g_module_close (module);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/wavecraft/sdk/exact-output", test_exact_output);
  g_test_add_func ("/wavecraft/sdk/valid-for-wavecraft", test_valid_for_wavecraft);
  g_test_add_func ("/wavecraft/sdk/escaping/nasty", test_escaping_nasty);
  g_test_add_func ("/wavecraft/sdk/escaping/every-ascii", test_escaping_every_ascii);
  g_test_add_func ("/wavecraft/sdk/escaping/random-unicode", test_escaping_random_unicode);
  g_test_add_func ("/wavecraft/sdk/numbers/shortest", test_numbers);
  g_test_add_func ("/wavecraft/sdk/numbers/random-round-trip", test_numbers_random_round_trip);
  g_test_add_func ("/wavecraft/sdk/numbers/non-finite", test_non_finite);
  g_test_add_func ("/wavecraft/sdk/numbers/locale", test_locale);
  g_test_add_func ("/wavecraft/sdk/empty-and-null", test_empty_and_null);
  g_test_add_func ("/wavecraft/sdk/clamp", test_clamp);
  g_test_add_func ("/wavecraft/sdk/processor-vtable", test_processor_vtable);
  g_test_add_func ("/wavecraft/sdk/fixture-exports", test_fixture_exports);

  return g_test_run ();
}
