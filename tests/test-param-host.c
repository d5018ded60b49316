/* test-param-host.c: WcParamHost values, validation, replace() and signals.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>

#include "wc-param-host.h"
#include "wc-test-util.h"

static WcParamInfo *
make_float (const char *id,
            double      min,
            double      max,
            double      def,
            const char *unit)
{
  WcParamInfo *info = wc_param_info_new (id, id, WC_PARAM_TYPE_FLOAT, min, max, def);

  info->unit = g_strdup (unit);
  return info;
}

static WcParamInfo *
make_bool (const char *id,
           double      def)
{
  return wc_param_info_new (id, id, WC_PARAM_TYPE_BOOL, 0, 1, def);
}

static WcParamInfo *
make_enum (const char         *id,
           const char * const *variants,
           double              def)
{
  guint n = g_strv_length ((char **) variants);
  WcParamInfo *info = wc_param_info_new (id, id, WC_PARAM_TYPE_ENUM, 0, n - 1, def);

  info->variants = g_strdupv ((char **) variants);
  return info;
}

static const char * const three_modes[] = { "Sine", "Square", "Saw", NULL };
static const char * const two_modes[] = { "Sine", "Square", NULL };

/* The standard list: gain (float -60..12 dB, default 0), bypass (bool), mode (enum of 3),
 * mix (float 0..0.7). */
static GPtrArray *
standard_list (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_param_info_unref);

  g_ptr_array_add (list, make_float ("gain", -60, 12, 0, "dB"));
  g_ptr_array_add (list, make_bool ("bypass", 0));
  g_ptr_array_add (list, make_enum ("mode", three_modes, 1));
  g_ptr_array_add (list, make_float ("mix", 0, 0.7, 0.5, NULL));
  return list;
}

/* Every signal as one line, in order. */
typedef struct
{
  WcParamHost *host;
  GPtrArray   *log;
} Fixture;

static char *
join_strv (char **v)
{
  return g_strjoinv (",", v);
}

static void
on_changed (WcParamHost *host,
            const char  *id,
            double       value,
            gpointer     user_data)
{
  Fixture *f = user_data;
  double live = NAN;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* The value is live when the signal runs. */
  g_assert_true (wc_param_host_get_value (host, id, &live, NULL));
  g_assert_cmpfloat (live, ==, value);
  g_ptr_array_add (f->log, g_strdup_printf ("changed %s=%s", id,
                                            g_ascii_dtostr (buf, sizeof buf, value)));
}

static void
on_replaced (WcParamHost  *host,
             char        **added,
             char        **removed,
             char        **changed,
             gpointer      user_data)
{
  Fixture *f = user_data;
  g_autofree char *a = join_strv (added);
  g_autofree char *r = join_strv (removed);
  g_autofree char *c = join_strv (changed);

  g_assert_nonnull (added);
  g_assert_nonnull (removed);
  g_assert_nonnull (changed);
  /* The new list is live. */
  for (guint i = 0; added[i] != NULL; i++)
    g_assert_nonnull (wc_param_host_lookup (host, added[i]));
  for (guint i = 0; removed[i] != NULL; i++)
    g_assert_null (wc_param_host_lookup (host, removed[i]));
  g_ptr_array_add (f->log, g_strdup_printf ("replaced +[%s] -[%s] ~[%s]", a, r, c));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) list = standard_list ();

  f->host = wc_param_host_new ();
  f->log = g_ptr_array_new_with_free_func (g_free);
  wc_param_host_replace (f->host, list);
  g_signal_connect (f->host, "parameter-changed", G_CALLBACK (on_changed), f);
  g_signal_connect (f->host, "parameters-replaced", G_CALLBACK (on_replaced), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->host);
  g_ptr_array_unref (f->log);
}

static void
assert_log (Fixture            *f,
            const char * const *expected)
{
  g_autofree char *got = NULL;
  g_autofree char *want = NULL;

  g_ptr_array_add (f->log, NULL);
  got = g_strjoinv ("\n", (char **) f->log->pdata);
  want = g_strjoinv ("\n", (char **) expected);
  g_assert_cmpstr (got, ==, want);
  g_ptr_array_set_size (f->log, 0);
}

static const char * const no_signals[] = { NULL };

static double
value_of (Fixture    *f,
          const char *id)
{
  double v = NAN;
  g_autoptr(GError) error = NULL;

  g_assert_true (wc_param_host_get_value (f->host, id, &v, &error));
  g_assert_no_error (error);
  return v;
}

static void
test_initial (void)
{
  g_autoptr(WcParamHost) host = wc_param_host_new ();
  g_autoptr(GPtrArray) list = standard_list ();
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  Fixture f = { host, log };
  guint64 serial0;
  GPtrArray *params;
  const WcParamInfo *gain;

  g_assert_cmpuint (wc_param_host_get_n_params (host), ==, 0);
  g_assert_cmpuint (wc_param_host_get_params (host)->len, ==, 0);
  serial0 = wc_param_host_get_serial (host);
  g_assert_cmpuint (serial0, >, 0);

  /* A value given in the list is ignored for a new id: it gets its default. */
  ((WcParamInfo *) g_ptr_array_index (list, 0))->value = -12;

  g_signal_connect (host, "parameter-changed", G_CALLBACK (on_changed), &f);
  g_signal_connect (host, "parameters-replaced", G_CALLBACK (on_replaced), &f);
  wc_param_host_replace (host, list);
  {
    const char * const expected[] = { "replaced +[gain,bypass,mode,mix] -[] ~[]", NULL };
    assert_log (&f, expected);
  }
  g_assert_cmpuint (wc_param_host_get_serial (host), >, serial0);

  g_assert_cmpuint (wc_param_host_get_n_params (host), ==, 4);
  params = wc_param_host_get_params (host);
  g_assert_cmpuint (params->len, ==, 4);
  g_assert_cmpstr (((WcParamInfo *) g_ptr_array_index (params, 0))->id, ==, "gain");
  g_assert_cmpstr (((WcParamInfo *) g_ptr_array_index (params, 3))->id, ==, "mix");

  /* Own copies. */
  gain = wc_param_host_lookup (host, "gain");
  g_assert_nonnull (gain);
  g_assert_true (gain != g_ptr_array_index (list, 0));
  g_assert_true (gain == g_ptr_array_index (params, 0));
  g_assert_cmpstr (gain->unit, ==, "dB");
  g_assert_cmpfloat (gain->value, ==, 0);
  g_assert_cmpfloat (value_of (&f, "mode"), ==, 1);
  g_assert_cmpfloat (value_of (&f, "mix"), ==, 0.5);
  g_assert_null (wc_param_host_lookup (host, "nope"));

  /* Changing the caller's list afterwards does not reach the host. */
  ((WcParamInfo *) g_ptr_array_index (list, 3))->value = 0.1;
  g_ptr_array_set_size (list, 0);
  g_assert_cmpfloat (value_of (&f, "mix"), ==, 0.5);
}

static void
test_set_value (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint64 serial = wc_param_host_get_serial (f->host);

  g_assert_true (wc_param_host_set_value (f->host, "gain", -6.5, &error));
  g_assert_no_error (error);
  {
    const char * const expected[] = { "changed gain=-6.5", NULL };
    assert_log (f, expected);
  }
  g_assert_cmpfloat (value_of (f, "gain"), ==, -6.5);
  g_assert_cmpfloat (wc_param_host_lookup (f->host, "gain")->value, ==, -6.5);
  g_assert_cmpuint (wc_param_host_get_serial (f->host), >, serial);

  /* The same value again: accepted, no signal, no new serial. */
  serial = wc_param_host_get_serial (f->host);
  g_assert_true (wc_param_host_set_value (f->host, "gain", -6.5, &error));
  g_assert_no_error (error);
  assert_log (f, no_signals);
  g_assert_cmpuint (wc_param_host_get_serial (f->host), ==, serial);

  /* The range ends are inclusive. */
  g_assert_true (wc_param_host_set_value (f->host, "gain", -60, NULL));
  g_assert_true (wc_param_host_set_value (f->host, "gain", 12, NULL));
  g_assert_true (wc_param_host_set_value (f->host, "mix", 0.7, NULL));

  /* bool takes 0 and 1, enum an index. */
  g_assert_true (wc_param_host_set_value (f->host, "bypass", 1, NULL));
  g_assert_true (wc_param_host_set_value (f->host, "mode", 2, NULL));
  g_assert_true (wc_param_host_set_value (f->host, "mode", 0, NULL));
  {
    const char * const expected[] = {
      "changed gain=-60", "changed gain=12", "changed mix=0.69999999999999996",
      "changed bypass=1", "changed mode=2", "changed mode=0", NULL
    };
    assert_log (f, expected);
  }
  g_assert_cmpuint (wc_param_host_get_serial (f->host), ==, serial + 6);
}

static void
test_negative_zero (Fixture       *f,
                    gconstpointer  data)
{
  g_assert_true (wc_param_host_set_value (f->host, "gain", -1, NULL));
  g_assert_true (wc_param_host_set_value (f->host, "gain", -0.0, NULL));
  g_assert_false (signbit (value_of (f, "gain")));
  g_assert_true (wc_param_host_set_value (f->host, "bypass", -0.0, NULL));
  g_assert_false (signbit (value_of (f, "bypass")));
  {
    const char * const expected[] = { "changed gain=-1", "changed gain=0", NULL };
    assert_log (f, expected);
  }
}

typedef struct
{
  const char *id;
  double      value;
  int         code;
  const char *message;
} SetCase;

static const SetCase set_errors[] = {
  { "nope", 1, WC_PARAM_HOST_ERROR_NOT_FOUND, "Parameter not found: nope" },
  { "", 1, WC_PARAM_HOST_ERROR_NOT_FOUND, "Parameter not found: " },
  { "gain", NAN, WC_PARAM_HOST_ERROR_INVALID_VALUE,
    "Invalid params: value must be a finite number" },
  { "gain", INFINITY, WC_PARAM_HOST_ERROR_INVALID_VALUE,
    "Invalid params: value must be a finite number" },
  { "gain", -INFINITY, WC_PARAM_HOST_ERROR_INVALID_VALUE,
    "Invalid params: value must be a finite number" },
  { "bypass", NAN, WC_PARAM_HOST_ERROR_INVALID_VALUE,
    "Invalid params: value must be a finite number" },
  { "gain", 12.5, WC_PARAM_HOST_ERROR_OUT_OF_RANGE,
    "Parameter 'gain' value 12.5 out of range [-60, 12]" },
  { "gain", -61, WC_PARAM_HOST_ERROR_OUT_OF_RANGE,
    "Parameter 'gain' value -61 out of range [-60, 12]" },
  { "gain", 1e300, WC_PARAM_HOST_ERROR_OUT_OF_RANGE,
    "Parameter 'gain' value 1e+300 out of range [-60, 12]" },
  /* Shortest round-trip numbers: the double after 0.7 needs 16 digits. */
  { "mix", 0.7000000000000001, WC_PARAM_HOST_ERROR_OUT_OF_RANGE,
    "Parameter 'mix' value 0.7000000000000001 out of range [0, 0.7]" },
  { "mix", -0.1, WC_PARAM_HOST_ERROR_OUT_OF_RANGE,
    "Parameter 'mix' value -0.1 out of range [0, 0.7]" },
  { "bypass", 0.5, WC_PARAM_HOST_ERROR_INVALID_VALUE,
    "Invalid params: value of bool parameter 'bypass' must be 0 or 1" },
  { "bypass", 2, WC_PARAM_HOST_ERROR_INVALID_VALUE,
    "Invalid params: value of bool parameter 'bypass' must be 0 or 1" },
  { "bypass", -1, WC_PARAM_HOST_ERROR_INVALID_VALUE,
    "Invalid params: value of bool parameter 'bypass' must be 0 or 1" },
  { "mode", 1.5, WC_PARAM_HOST_ERROR_INVALID_VALUE,
    "Invalid params: value of enum parameter 'mode' must be an integer variant index" },
  { "mode", 3, WC_PARAM_HOST_ERROR_OUT_OF_RANGE,
    "Parameter 'mode' value 3 out of range [0, 2]" },
  { "mode", -1, WC_PARAM_HOST_ERROR_OUT_OF_RANGE,
    "Parameter 'mode' value -1 out of range [0, 2]" },
};

static void
test_set_errors (Fixture       *f,
                 gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (set_errors); i++)
    {
      const SetCase *c = &set_errors[i];
      g_autoptr(GError) error = NULL;
      guint64 serial = wc_param_host_get_serial (f->host);
      double before = NAN;

      wc_param_host_get_value (f->host, c->id, &before, NULL);
      g_test_message ("case %u: %s = %g", i, c->id, c->value);
      g_assert_false (wc_param_host_set_value (f->host, c->id, c->value, &error));
      g_assert_error (error, WC_PARAM_HOST_ERROR, c->code);
      g_assert_cmpstr (error->message, ==, c->message);
      g_assert_cmpuint (wc_param_host_get_serial (f->host), ==, serial);
      if (c->code != WC_PARAM_HOST_ERROR_NOT_FOUND)
        g_assert_cmpfloat (value_of (f, c->id), ==, before);
    }
  assert_log (f, no_signals);
}

static void
test_get_value_errors (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  double v = 42;

  g_assert_false (wc_param_host_get_value (f->host, "nope", &v, &error));
  g_assert_error (error, WC_PARAM_HOST_ERROR, WC_PARAM_HOST_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Parameter not found: nope");
  g_assert_cmpfloat (v, ==, 42);

  /* The value is optional. */
  g_assert_true (wc_param_host_get_value (f->host, "gain", NULL, NULL));
}

static void
test_replace_keep_and_clamp (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_param_info_unref);
  WcParamInfo *newp;
  guint64 serial;

  g_assert_true (wc_param_host_set_value (f->host, "gain", -30, NULL));
  g_assert_true (wc_param_host_set_value (f->host, "bypass", 1, NULL));
  g_assert_true (wc_param_host_set_value (f->host, "mode", 2, NULL));
  g_assert_true (wc_param_host_set_value (f->host, "mix", 0.25, NULL));
  g_ptr_array_set_size (f->log, 0);
  serial = wc_param_host_get_serial (f->host);

  /* New order: mode first. mode loses a variant (2 -> clamped to 1), gain's range shrinks
   * (-30 -> -20), bypass and mix are unchanged, "old" is gone, "fresh" is new. */
  g_ptr_array_add (list, make_enum ("mode", two_modes, 0));
  g_ptr_array_add (list, make_float ("gain", -20, 12, 0, "dB"));
  g_ptr_array_add (list, make_bool ("bypass", 0));
  newp = make_float ("fresh", 0, 1, 0.25, NULL);
  newp->value = 0.9;   /* ignored: a new id gets its default */
  g_ptr_array_add (list, newp);
  g_ptr_array_add (list, make_float ("mix", 0, 0.7, 0.5, NULL));

  wc_param_host_replace (f->host, list);
  {
    const char * const expected[] = {
      "replaced +[fresh] -[] ~[mode,gain]",
      "changed mode=1",
      "changed gain=-20",
      NULL
    };
    assert_log (f, expected);
  }
  g_assert_cmpuint (wc_param_host_get_serial (f->host), >, serial);
  g_assert_cmpfloat (value_of (f, "mode"), ==, 1);
  g_assert_cmpfloat (value_of (f, "gain"), ==, -20);
  g_assert_cmpfloat (value_of (f, "bypass"), ==, 1);
  g_assert_cmpfloat (value_of (f, "mix"), ==, 0.25);
  g_assert_cmpfloat (value_of (f, "fresh"), ==, 0.25);
  g_assert_cmpstr (((WcParamInfo *) g_ptr_array_index (wc_param_host_get_params (f->host), 0))->id,
                   ==, "mode");
  g_assert_cmpint (g_strv_length (wc_param_host_lookup (f->host, "mode")->variants), ==, 2);

  /* Removing ids. */
  g_ptr_array_remove_range (list, 1, 3);
  wc_param_host_replace (f->host, list);
  {
    const char * const expected[] = { "replaced +[] -[gain,bypass,fresh] ~[]", NULL };
    assert_log (f, expected);
  }
  g_assert_cmpuint (wc_param_host_get_n_params (f->host), ==, 2);
  g_assert_null (wc_param_host_lookup (f->host, "gain"));

  /* Replacing by an empty list removes everything. */
  g_ptr_array_set_size (list, 0);
  wc_param_host_replace (f->host, list);
  {
    const char * const expected[] = { "replaced +[] -[mode,mix] ~[]", NULL };
    assert_log (f, expected);
  }
  g_assert_cmpuint (wc_param_host_get_n_params (f->host), ==, 0);
}

static void
test_replace_metadata (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) list = standard_list ();
  const char * const variants2[] = { "Sine", "Square", "Tri", NULL };
  WcParamInfo *info;

  /* Same list: nothing added, removed or changed, no value signal. */
  wc_param_host_replace (f->host, list);
  {
    const char * const expected[] = { "replaced +[] -[] ~[]", NULL };
    assert_log (f, expected);
  }

  /* Each metadata field counts, values stay. */
  info = g_ptr_array_index (list, 0);
  g_free (info->name);
  info->name = g_strdup ("Gain");
  info = g_ptr_array_index (list, 3);
  g_free (info->group);
  info->group = g_strdup ("Output");
  info = g_ptr_array_index (list, 2);
  g_strfreev (info->variants);
  info->variants = g_strdupv ((char **) variants2);
  wc_param_host_replace (f->host, list);
  {
    const char * const expected[] = { "replaced +[] -[] ~[gain,mode,mix]", NULL };
    assert_log (f, expected);
  }
  g_assert_cmpstr (wc_param_host_lookup (f->host, "gain")->name, ==, "Gain");
  g_assert_cmpstr (wc_param_host_lookup (f->host, "mix")->group, ==, "Output");

  /* Unit dropped, default moved. */
  info = g_ptr_array_index (list, 0);
  g_clear_pointer (&info->unit, g_free);
  info = g_ptr_array_index (list, 3);
  info->default_value = 0.6;
  wc_param_host_replace (f->host, list);
  {
    const char * const expected[] = { "replaced +[] -[] ~[gain,mix]", NULL };
    assert_log (f, expected);
  }
  g_assert_cmpfloat (value_of (f, "mix"), ==, 0.5);
}

static void
test_replace_type_change (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_param_info_unref);
  const char * const many[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", NULL };

  g_assert_true (wc_param_host_set_value (f->host, "mix", 0.3, NULL));
  g_assert_true (wc_param_host_set_value (f->host, "gain", 6.6, NULL));
  g_assert_true (wc_param_host_set_value (f->host, "bypass", 1, NULL));
  g_ptr_array_set_size (f->log, 0);

  /* float 0.3 -> bool: 0; float 6.6 -> enum of 10: index 7; bool 1 -> float 0..10: 1. */
  g_ptr_array_add (list, make_bool ("mix", 1));
  g_ptr_array_add (list, make_enum ("gain", many, 0));
  g_ptr_array_add (list, make_float ("bypass", 0, 10, 5, NULL));
  g_ptr_array_add (list, make_enum ("mode", three_modes, 1));
  wc_param_host_replace (f->host, list);
  {
    const char * const expected[] = {
      "replaced +[] -[] ~[mix,gain,bypass]",
      "changed mix=0",
      "changed gain=7",
      NULL
    };
    assert_log (f, expected);
  }
  g_assert_cmpfloat (value_of (f, "mix"), ==, 0);
  g_assert_cmpfloat (value_of (f, "gain"), ==, 7);
  g_assert_cmpfloat (value_of (f, "bypass"), ==, 1);
}

static void
on_changed_set_again (WcParamHost *host,
                      const char  *id,
                      double       value,
                      gpointer     user_data)
{
  guint *count = user_data;

  /* A handler may set values re-entrantly. */
  if ((*count)++ == 0)
    g_assert_true (wc_param_host_set_value (host, "mix", 0.1, NULL));
}

static void
test_reentrant (void)
{
  g_autoptr(WcParamHost) host = wc_param_host_new ();
  g_autoptr(GPtrArray) list = standard_list ();
  guint count = 0;
  double v = 0;

  wc_param_host_replace (host, list);
  g_signal_connect (host, "parameter-changed", G_CALLBACK (on_changed_set_again), &count);
  g_assert_true (wc_param_host_set_value (host, "gain", 3, NULL));
  g_assert_cmpuint (count, ==, 2);
  g_assert_true (wc_param_host_get_value (host, "mix", &v, NULL));
  g_assert_cmpfloat (v, ==, 0.1);
}

static void
test_duplicate_ids (void)
{
  g_autoptr(WcParamHost) host = wc_param_host_new ();
  g_autoptr(GPtrArray) list = standard_list ();

  if (g_test_subprocess ())
    {
      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      g_ptr_array_add (list, make_float ("gain", 0, 1, 0, NULL));
      wc_param_host_replace (host, list);
      g_assert_cmpuint (wc_param_host_get_n_params (host), ==, 4);
      g_assert_cmpfloat (wc_param_host_lookup (host, "gain")->min, ==, -60);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*Duplicate parameter id 'gain' in the new list; keeping the first*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/wavecraft/param-host/initial", test_initial);
  g_test_add ("/wavecraft/param-host/set-value", Fixture, NULL,
              fixture_setup, test_set_value, fixture_teardown);
  g_test_add ("/wavecraft/param-host/negative-zero", Fixture, NULL,
              fixture_setup, test_negative_zero, fixture_teardown);
  g_test_add ("/wavecraft/param-host/set-errors", Fixture, NULL,
              fixture_setup, test_set_errors, fixture_teardown);
  g_test_add ("/wavecraft/param-host/get-value-errors", Fixture, NULL,
              fixture_setup, test_get_value_errors, fixture_teardown);
  g_test_add ("/wavecraft/param-host/replace-keep-and-clamp", Fixture, NULL,
              fixture_setup, test_replace_keep_and_clamp, fixture_teardown);
  g_test_add ("/wavecraft/param-host/replace-metadata", Fixture, NULL,
              fixture_setup, test_replace_metadata, fixture_teardown);
  g_test_add ("/wavecraft/param-host/replace-type-change", Fixture, NULL,
              fixture_setup, test_replace_type_change, fixture_teardown);
  g_test_add_func ("/wavecraft/param-host/reentrant", test_reentrant);
  g_test_add_func ("/wavecraft/param-host/duplicate-ids", test_duplicate_ids);

  return g_test_run ();
}
