/* test-example-dsp.c: the tremolo example's DSP (examples/tremolo/engine/src), driven through
 * the SDK's processing vtable, does what its parameters say.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tremolo.h"
#include "wc-param-info.h"
#include "wc-test-util.h"

/* 1024 Hz and an 8 Hz LFO: one cycle is exactly 128 frames, with no rounding in the phase. */
#define SR 1024.0
#define BLOCK 4096

typedef struct
{
  const wavecraft_processor_vtable *vt;
  wavecraft_processor              *proc;
  float                             in[2][BLOCK];
  float                             out[2][BLOCK];
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->vt = wavecraft_dev_create_processor ();
  g_assert_nonnull (f->vt);
  f->proc = f->vt->create (SR, BLOCK);
  g_assert_nonnull (f->proc);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  f->vt->destroy (f->proc);
}

static void
set (Fixture       *f,
     tremolo_param  index,
     double         value)
{
  f->vt->set_parameter (f->proc, index, value);
}

static void
process (Fixture *f,
         guint    frames)
{
  const float *const in[] = { f->in[0], f->in[1] };
  float *const out[] = { f->out[0], f->out[1] };

  f->vt->process (f->proc, in, out, 2, frames);
}

/* Constant input @left / @right, @frames frames, after reset (smoothers settled, LFO at 0). */
static void
run_dc (Fixture *f,
        float    left,
        float    right,
        guint    frames)
{
  for (guint i = 0; i < frames; i++)
    {
      f->in[0][i] = left;
      f->in[1][i] = right;
    }
  f->vt->reset (f->proc);
  process (f, frames);
}

/* A 440 Hz-ish test signal (not periodic with the LFO). */
static void
fill_signal (Fixture *f,
             guint    frames)
{
  for (guint i = 0; i < frames; i++)
    {
      f->in[0][i] = (float) (0.8 * sin (i * 0.3));
      f->in[1][i] = (float) (0.5 * cos (i * 0.17));
    }
}

/* fill_signal(), then @frames frames after reset. */
static void
run_signal (Fixture *f,
            guint    frames)
{
  fill_signal (f, frames);
  f->vt->reset (f->proc);
  process (f, frames);
}

static void
test_abi (Fixture       *f,
          gconstpointer  data)
{
  g_assert_cmpuint (f->vt->abi_version, ==, WAVECRAFT_PROCESSOR_ABI_VERSION);
  g_assert_cmpuint (f->vt->struct_size, ==, sizeof (wavecraft_processor_vtable));
  g_assert_cmpuint (f->vt->n_params, ==, TREMOLO_N_PARAMS);
  g_assert_cmpstr (f->vt->params[TREMOLO_PARAM_RATE].id, ==, "rate");
  g_assert_cmpstr (f->vt->params[TREMOLO_PARAM_BYPASS].id, ==, "bypass");
  g_assert_null (f->vt->create (0.0, 64));
}

static void
test_params_json (void)
{
  /* The example declares >= 6 parameters covering every type, with units and groups, and
   * Wavecraft accepts them. */
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  char *json = wavecraft_get_params_json ();
  gboolean seen[3] = { FALSE, FALSE, FALSE };
  guint with_unit = 0, with_group = 0;

  list = wc_param_info_list_parse (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, TREMOLO_N_PARAMS);
  g_assert_cmpuint (list->len, >=, 6);
  for (guint i = 0; i < list->len; i++)
    {
      WcParamInfo *info = g_ptr_array_index (list, i);

      seen[info->type] = TRUE;
      with_unit += info->unit != NULL;
      with_group += info->group != NULL;
    }
  g_assert_true (seen[WC_PARAM_TYPE_FLOAT] && seen[WC_PARAM_TYPE_BOOL] && seen[WC_PARAM_TYPE_ENUM]);
  g_assert_cmpuint (with_unit, >=, 4);
  g_assert_cmpuint (with_group, ==, list->len);
  g_assert_nonnull (strstr (json, "{\"id\":\"rate\",\"name\":\"Rate\",\"type\":\"float\","
                                  "\"default\":4,\"min\":0.1,\"max\":20,\"unit\":\"Hz\","
                                  "\"group\":\"Modulation\"}"));
  g_assert_nonnull (strstr (json, "\"variants\":[\"Sine\",\"Triangle\",\"Square\",\"Saw Up\","
                                  "\"Saw Down\"]"));
  wavecraft_free_string (json);
}

static void
test_depth_zero_is_unity (Fixture       *f,
                          gconstpointer  data)
{
  set (f, TREMOLO_PARAM_DEPTH, 0.0);
  set (f, TREMOLO_PARAM_SHAPE, TREMOLO_SHAPE_SQUARE);
  run_signal (f, 1000);
  for (guint i = 0; i < 1000; i++)
    {
      g_assert_cmpfloat (f->out[0][i], ==, f->in[0][i]);
      g_assert_cmpfloat (f->out[1][i], ==, f->in[1][i]);
    }
}

static void
test_bypass_is_identity (Fixture       *f,
                         gconstpointer  data)
{
  set (f, TREMOLO_PARAM_DEPTH, 100.0);
  set (f, TREMOLO_PARAM_OUTPUT, -12.0);
  set (f, TREMOLO_PARAM_MODE, TREMOLO_MODE_AUTOPAN);
  set (f, TREMOLO_PARAM_BYPASS, 1.0);
  run_signal (f, 1000);
  g_assert_cmpmem (f->out[0], 1000 * sizeof (float), f->in[0], 1000 * sizeof (float));
  g_assert_cmpmem (f->out[1], 1000 * sizeof (float), f->in[1], 1000 * sizeof (float));

  /* in place too */
  {
    float *const io[] = { f->in[0], f->in[1] };
    float copy[1000];

    memcpy (copy, f->in[0], sizeof copy);
    f->vt->process (f->proc, (const float *const *) io, io, 2, 1000);
    g_assert_cmpmem (f->in[0], sizeof copy, copy, sizeof copy);
  }
}

static void
test_output_gain (Fixture       *f,
                  gconstpointer  data)
{
  /* -6 dB halves the amplitude (10^(-6/20) = 0.501), +6 dB doubles it */
  set (f, TREMOLO_PARAM_DEPTH, 0.0);
  set (f, TREMOLO_PARAM_OUTPUT, -6.0);
  run_signal (f, 512);
  for (guint i = 0; i < 512; i++)
    g_assert_cmpfloat_with_epsilon (f->out[0][i], f->in[0][i] * 0.5011872336272722, 1e-6);

  set (f, TREMOLO_PARAM_OUTPUT, 6.0);
  f->vt->reset (f->proc);
  process (f, 512);
  for (guint i = 0; i < 512; i++)
    g_assert_cmpfloat_with_epsilon (f->out[1][i], f->in[1][i] * 1.9952623149688795, 1e-6);
}

static void
test_tremolo_follows_lfo (Fixture       *f,
                          gconstpointer  data)
{
  /* depth 60 %, sine, stereo phase 0: both channels get 1 - 0.6 (1 - (sin + 1) / 2) */
  set (f, TREMOLO_PARAM_RATE, 8.0);
  set (f, TREMOLO_PARAM_DEPTH, 60.0);
  set (f, TREMOLO_PARAM_STEREO_PHASE, 0.0);
  run_dc (f, 1.0f, 0.5f, 256);
  for (guint i = 0; i < 256; i++)
    {
      double lfo = sin (2 * G_PI * 8.0 * i / SR);
      double gain = 1.0 - 0.6 * (1.0 - (lfo + 1.0) / 2.0);

      g_assert_cmpfloat_with_epsilon (f->out[0][i], gain, 1e-6);
      g_assert_cmpfloat_with_epsilon (f->out[1][i], 0.5 * gain, 1e-6);
    }
  /* peaks and troughs: full level at phase 1/4, 1 - depth at 3/4 */
  g_assert_cmpfloat_with_epsilon (f->out[0][32], 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (f->out[0][96], 0.4, 1e-6);
}

static void
test_rate_sets_period (Fixture       *f,
                       gconstpointer  data)
{
  /* square LFO at 8 Hz, depth 100 %: on for 64 frames, off for 64, period 128 = SR / 8 */
  set (f, TREMOLO_PARAM_RATE, 8.0);
  set (f, TREMOLO_PARAM_DEPTH, 100.0);
  set (f, TREMOLO_PARAM_SHAPE, TREMOLO_SHAPE_SQUARE);
  set (f, TREMOLO_PARAM_STEREO_PHASE, 0.0);
  run_dc (f, 1.0f, 1.0f, 1024);
  for (guint i = 0; i < 1024; i++)
    g_assert_cmpfloat (f->out[0][i], ==, (i % 128) < 64 ? 1.0f : 0.0f);

  /* 2 Hz: period 512 */
  set (f, TREMOLO_PARAM_RATE, 2.0);
  run_dc (f, 1.0f, 1.0f, 1024);
  for (guint i = 0; i < 1024; i++)
    g_assert_cmpfloat (f->out[1][i], ==, (i % 512) < 256 ? 1.0f : 0.0f);
}

static void
test_stereo_phase (Fixture       *f,
                   gconstpointer  data)
{
  /* 180°: the right channel is the left one half a cycle later, and for a sine the two
   * gains always add up to 2 - depth */
  set (f, TREMOLO_PARAM_RATE, 8.0);
  set (f, TREMOLO_PARAM_DEPTH, 80.0);
  set (f, TREMOLO_PARAM_STEREO_PHASE, 180.0);
  run_dc (f, 1.0f, 1.0f, 512);
  for (guint i = 0; i < 512 - 64; i++)
    {
      g_assert_cmpfloat_with_epsilon (f->out[1][i], f->out[0][i + 64], 1e-6);
      g_assert_cmpfloat_with_epsilon (f->out[0][i] + f->out[1][i], 2.0 - 0.8, 1e-6);
    }

  /* 90°: a quarter cycle */
  set (f, TREMOLO_PARAM_STEREO_PHASE, 90.0);
  run_dc (f, 1.0f, 1.0f, 512);
  for (guint i = 0; i < 512 - 32; i++)
    g_assert_cmpfloat_with_epsilon (f->out[1][i], f->out[0][i + 32], 1e-6);
}

static void
test_autopan (Fixture       *f,
              gconstpointer  data)
{
  /* Auto-pan at full depth: centre at phase 0, hard right at 1/4, hard left at 3/4, constant
   * power throughout (L² + R² = 2 for a unit input, unity in the centre). */
  set (f, TREMOLO_PARAM_MODE, TREMOLO_MODE_AUTOPAN);
  set (f, TREMOLO_PARAM_RATE, 8.0);
  set (f, TREMOLO_PARAM_DEPTH, 100.0);
  run_dc (f, 1.0f, 1.0f, 128);

  g_assert_cmpfloat_with_epsilon (f->out[0][0], 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (f->out[1][0], 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (f->out[0][32], 0.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (f->out[1][32], G_SQRT2, 1e-6);
  g_assert_cmpfloat_with_epsilon (f->out[0][96], G_SQRT2, 1e-6);
  g_assert_cmpfloat_with_epsilon (f->out[1][96], 0.0, 1e-6);
  for (guint i = 0; i < 128; i++)
    {
      double pan = sin (2 * G_PI * i / 128.0);
      double angle = (pan + 1.0) * G_PI / 4.0;

      g_assert_cmpfloat_with_epsilon (f->out[0][i], G_SQRT2 * cos (angle), 1e-6);
      g_assert_cmpfloat_with_epsilon (f->out[1][i], G_SQRT2 * sin (angle), 1e-6);
      g_assert_cmpfloat_with_epsilon (f->out[0][i] * f->out[0][i] + f->out[1][i] * f->out[1][i],
                                      2.0, 1e-5);
    }

  /* half depth pans half way: at the peak, pan = 0.5 */
  set (f, TREMOLO_PARAM_DEPTH, 50.0);
  run_dc (f, 1.0f, 1.0f, 64);
  g_assert_cmpfloat_with_epsilon (f->out[0][32], G_SQRT2 * cos (1.5 * G_PI / 4.0), 1e-6);
  g_assert_cmpfloat_with_epsilon (f->out[1][32], G_SQRT2 * sin (1.5 * G_PI / 4.0), 1e-6);
}

static void
test_mix (Fixture       *f,
          gconstpointer  data)
{
  /* mix 0: dry; mix 50 %: halfway between dry and the full-depth wet signal */
  set (f, TREMOLO_PARAM_RATE, 8.0);
  set (f, TREMOLO_PARAM_DEPTH, 100.0);
  set (f, TREMOLO_PARAM_SHAPE, TREMOLO_SHAPE_SQUARE);
  set (f, TREMOLO_PARAM_MIX, 0.0);
  run_dc (f, 1.0f, 1.0f, 128);
  for (guint i = 0; i < 128; i++)
    g_assert_cmpfloat (f->out[0][i], ==, 1.0f);

  set (f, TREMOLO_PARAM_MIX, 50.0);
  run_dc (f, 1.0f, 1.0f, 128);
  for (guint i = 0; i < 128; i++)
    g_assert_cmpfloat_with_epsilon (f->out[0][i], i < 64 ? 1.0 : 0.5, 1e-6);
}

static void
test_shapes (Fixture       *f,
             gconstpointer  data)
{
  static const struct { tremolo_shape shape; double at[4]; } cases[] = {
    /* LFO value at phase 0, 1/8, 3/8, 5/8 */
    { TREMOLO_SHAPE_SINE, { 0.0, 0.7071067811865476, 0.7071067811865476, -0.7071067811865476 } },
    { TREMOLO_SHAPE_TRIANGLE, { 0.0, 0.5, 0.5, -0.5 } },
    { TREMOLO_SHAPE_SQUARE, { 1.0, 1.0, 1.0, -1.0 } },
    { TREMOLO_SHAPE_SAW_UP, { 0.0, 0.25, 0.75, -0.75 } },
    { TREMOLO_SHAPE_SAW_DOWN, { 0.0, -0.25, -0.75, 0.75 } },
  };
  static const guint frames[4] = { 0, 16, 48, 80 };

  set (f, TREMOLO_PARAM_RATE, 8.0);
  set (f, TREMOLO_PARAM_DEPTH, 100.0);
  for (guint s = 0; s < G_N_ELEMENTS (cases); s++)
    {
      set (f, TREMOLO_PARAM_SHAPE, cases[s].shape);
      run_dc (f, 1.0f, 1.0f, 128);
      for (guint k = 0; k < 4; k++)
        {
          g_assert_cmpfloat_with_epsilon (tremolo_lfo (cases[s].shape, frames[k] / 128.0),
                                          cases[s].at[k], 1e-12);
          g_assert_cmpfloat_with_epsilon (f->out[0][frames[k]], (cases[s].at[k] + 1.0) / 2.0,
                                          1e-6);
        }
    }
}

static void
test_reset_restarts (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree float *first = g_new (float, 300);

  set (f, TREMOLO_PARAM_RATE, 5.5);
  set (f, TREMOLO_PARAM_DEPTH, 70.0);
  run_signal (f, 300);
  memcpy (first, f->out[0], 300 * sizeof (float));
  process (f, 300);   /* the LFO moved on: different */
  g_assert_true (memcmp (first, f->out[0], 300 * sizeof (float)) != 0);
  f->vt->reset (f->proc);
  process (f, 300);   /* back at phase 0: same again */
  g_assert_cmpmem (first, 300 * sizeof (float), f->out[0], 300 * sizeof (float));
}

static void
test_block_size_independent (Fixture       *f,
                             gconstpointer  data)
{
  /* 1000 frames in one block or in odd-sized blocks (and empty ones) give the same output */
  g_autofree float *whole = g_new (float, 1000);
  guint done = 0;
  guint sizes[] = { 1, 0, 7, 64, 128, 3, 500 };

  set (f, TREMOLO_PARAM_RATE, 3.3);
  set (f, TREMOLO_PARAM_SHAPE, TREMOLO_SHAPE_TRIANGLE);
  run_signal (f, 1000);
  memcpy (whole, f->out[0], 1000 * sizeof (float));

  f->vt->reset (f->proc);
  for (guint k = 0; done < 1000; k++)
    {
      guint n = MIN (sizes[k % G_N_ELEMENTS (sizes)], 1000 - done);
      const float *const in[] = { f->in[0] + done, f->in[1] + done };
      float *const out[] = { f->out[0] + done, f->out[1] + done };

      f->vt->process (f->proc, in, out, 2, n);
      done += n;
    }
  g_assert_cmpmem (whole, 1000 * sizeof (float), f->out[0], 1000 * sizeof (float));
}

static void
test_smoothing (Fixture       *f,
                gconstpointer  data)
{
  /* An output-gain jump ramps (no click) and settles within 50 ms (5 ms time constant). */
  guint settle = (guint) (SR * 0.05);

  set (f, TREMOLO_PARAM_DEPTH, 0.0);
  run_dc (f, 1.0f, 1.0f, settle);
  g_assert_cmpfloat (f->out[0][settle - 1], ==, 1.0f);

  set (f, TREMOLO_PARAM_OUTPUT, -24.0);   /* no reset: the smoother moves */
  process (f, settle);
  g_assert_cmpfloat (f->out[0][0], >, 0.8);
  for (guint i = 1; i < settle; i++)
    g_assert_cmpfloat (f->out[0][i], <=, f->out[0][i - 1]);
  g_assert_cmpfloat_with_epsilon (f->out[0][settle - 1], pow (10.0, -24.0 / 20.0), 1e-4);
}

static void
test_mono_and_clamp (Fixture       *f,
                     gconstpointer  data)
{
  /* One channel in auto-pan mode gets the tremolo gain; out-of-range values are clamped. */
  const float *const in[] = { f->in[0] };
  float *const out[] = { f->out[0] };

  set (f, TREMOLO_PARAM_MODE, TREMOLO_MODE_AUTOPAN);
  set (f, TREMOLO_PARAM_RATE, 8.0);
  set (f, TREMOLO_PARAM_DEPTH, 250.0);             /* -> 100 % */
  set (f, TREMOLO_PARAM_SHAPE, 42.0);              /* -> last shape, saw down */
  set (f, TREMOLO_N_PARAMS + 3, 1.0);              /* ignored */
  for (guint i = 0; i < 128; i++)
    f->in[0][i] = 1.0f;
  f->vt->reset (f->proc);
  f->vt->process (f->proc, in, out, 1, 128);
  for (guint i = 0; i < 128; i++)
    g_assert_cmpfloat_with_epsilon (f->out[0][i],
                                    (tremolo_lfo (TREMOLO_SHAPE_SAW_DOWN, i / 128.0) + 1.0) / 2.0,
                                    1e-6);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/wavecraft/example-dsp/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("abi", test_abi);
  g_test_add_func ("/wavecraft/example-dsp/params-json", test_params_json);
  ADD ("depth-zero-is-unity", test_depth_zero_is_unity);
  ADD ("bypass-is-identity", test_bypass_is_identity);
  ADD ("output-gain", test_output_gain);
  ADD ("tremolo-follows-lfo", test_tremolo_follows_lfo);
  ADD ("rate-sets-period", test_rate_sets_period);
  ADD ("stereo-phase", test_stereo_phase);
  ADD ("autopan", test_autopan);
  ADD ("mix", test_mix);
  ADD ("shapes", test_shapes);
  ADD ("reset-restarts", test_reset_restarts);
  ADD ("block-size-independent", test_block_size_independent);
  ADD ("smoothing", test_smoothing);
  ADD ("mono-and-clamp", test_mono_and_clamp);

  return g_test_run ();
}
