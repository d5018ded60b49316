/* tremolo.c: a stereo tremolo / auto-pan.
 *
 * Signal flow per frame:
 *
 *   lfo    = shape (phase)                          bipolar, -1..1
 *   tremolo:  g[c] = 1 - depth * (1 - (shape (phase + offset[c]) + 1) / 2)
 *             offset = 0 for left (even) channels, stereo_phase / 360 for right (odd)
 *   autopan:  pan  = depth * lfo                    -1 (left) .. 1 (right)
 *             g[L] = √2 cos ((pan + 1) π / 4), g[R] = √2 sin ((pan + 1) π / 4)
 *             (constant power, unity in the centre; a mono signal gets the tremolo gain)
 *   wet    = in * g
 *   out    = output_gain * (in * (1 - mix) + wet * mix)
 *   bypass cross-fades between that and the untouched input
 *
 * Depth, mix, output gain and bypass are smoothed with a 5 ms one-pole filter, so changes
 * never click; reset() snaps them to their targets and restarts the LFO at phase 0.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tremolo.h"

#define TWO_PI 6.283185307179586
#define QUARTER_PI 0.7853981633974483
#define SQRT2 1.4142135623730951

static const char *const shapes[] = {
  "Sine", "Triangle", "Square", "Saw Up", "Saw Down", NULL
};

static const char *const modes[] = {
  "Tremolo", "Auto-Pan", NULL
};

static const wavecraft_param params[TREMOLO_N_PARAMS] = {
  WAVECRAFT_FLOAT ("rate", "Rate", 0.1, 20.0, 4.0, "Hz", "Modulation"),
  WAVECRAFT_FLOAT ("depth", "Depth", 0.0, 100.0, 50.0, "%", "Modulation"),
  WAVECRAFT_ENUM ("shape", "Shape", TREMOLO_SHAPE_SINE, "Modulation", shapes),
  WAVECRAFT_ENUM ("mode", "Mode", TREMOLO_MODE_TREMOLO, "Stereo", modes),
  WAVECRAFT_FLOAT ("stereo_phase", "Stereo Phase", 0.0, 180.0, 90.0, "°", "Stereo"),
  WAVECRAFT_FLOAT ("mix", "Mix", 0.0, 100.0, 100.0, "%", "Output"),
  WAVECRAFT_FLOAT ("output", "Output", -24.0, 12.0, 0.0, "dB", "Output"),
  WAVECRAFT_BOOL ("bypass", "Bypass", 0, "Output"),
};

typedef struct {
  double value;
  double target;
} smoother;

struct wavecraft_processor
{
  double   sample_rate;
  uint32_t max_block;
  double   coeff;        /* one-pole smoothing coefficient per sample */

  /* plain parameter values, clamped */
  double   values[TREMOLO_N_PARAMS];

  double   phase;        /* LFO phase in cycles, 0..1 */
  smoother depth;        /* 0..1 */
  smoother mix;          /* 0..1 */
  smoother gain;         /* linear */
  smoother active;       /* 1 = processing, 0 = bypassed */
};

double
tremolo_lfo (tremolo_shape shape,
             double        phase)
{
  phase -= floor (phase);
  switch (shape)
    {
    case TREMOLO_SHAPE_TRIANGLE:
      if (phase < 0.25)
        return 4.0 * phase;
      if (phase < 0.75)
        return 2.0 - 4.0 * phase;
      return 4.0 * phase - 4.0;
    case TREMOLO_SHAPE_SQUARE:
      return phase < 0.5 ? 1.0 : -1.0;
    case TREMOLO_SHAPE_SAW_UP:
      return phase < 0.5 ? 2.0 * phase : 2.0 * phase - 2.0;
    case TREMOLO_SHAPE_SAW_DOWN:
      return phase < 0.5 ? -2.0 * phase : 2.0 - 2.0 * phase;
    case TREMOLO_SHAPE_SINE:
    default:
      return sin (TWO_PI * phase);
    }
}

static void
update_targets (wavecraft_processor *p)
{
  p->depth.target = p->values[TREMOLO_PARAM_DEPTH] / 100.0;
  p->mix.target = p->values[TREMOLO_PARAM_MIX] / 100.0;
  p->gain.target = pow (10.0, p->values[TREMOLO_PARAM_OUTPUT] / 20.0);
  p->active.target = p->values[TREMOLO_PARAM_BYPASS] >= 0.5 ? 0.0 : 1.0;
}

static void
snap (smoother *s)
{
  s->value = s->target;
}

static double
step (smoother *s,
      double    coeff)
{
  double d = s->target - s->value;

  if (fabs (d) < 1e-9)
    s->value = s->target;
  else
    s->value += d * coeff;
  return s->value;
}

static void
tremolo_reset (wavecraft_processor *p)
{
  p->phase = 0.0;
  snap (&p->depth);
  snap (&p->mix);
  snap (&p->gain);
  snap (&p->active);
}

static wavecraft_processor *
tremolo_create (double   sample_rate,
                uint32_t max_block)
{
  wavecraft_processor *p;

  if (!(sample_rate > 0.0))
    return NULL;
  p = (wavecraft_processor *) calloc (1, sizeof *p);
  if (p == NULL)
    return NULL;

  p->sample_rate = sample_rate;
  p->max_block = max_block;
  p->coeff = 1.0 - exp (-1000.0 / (TREMOLO_SMOOTHING_MS * sample_rate));
  for (uint32_t i = 0; i < TREMOLO_N_PARAMS; i++)
    p->values[i] = params[i].default_value;
  update_targets (p);
  tremolo_reset (p);
  return p;
}

static void
tremolo_set_parameter (wavecraft_processor *p,
                       uint32_t             index,
                       double               value)
{
  if (index >= TREMOLO_N_PARAMS)
    return;
  p->values[index] = wavecraft_param_clamp (&params[index], value);
  update_targets (p);
}

/* Gain of channel c for the current frame. */
static double
channel_gain (const wavecraft_processor *p,
              uint32_t                   c,
              uint32_t                   channels,
              tremolo_shape              shape,
              double                     depth)
{
  int right = (c & 1u) != 0;

  if (p->values[TREMOLO_PARAM_MODE] == TREMOLO_MODE_AUTOPAN && channels > 1)
    {
      double pan = depth * tremolo_lfo (shape, p->phase);
      double angle = (pan + 1.0) * QUARTER_PI;

      return SQRT2 * (right ? sin (angle) : cos (angle));
    }
  else
    {
      double offset = right ? p->values[TREMOLO_PARAM_STEREO_PHASE] / 360.0 : 0.0;
      double unipolar = (tremolo_lfo (shape, p->phase + offset) + 1.0) * 0.5;

      return 1.0 - depth * (1.0 - unipolar);
    }
}

static void
tremolo_process (wavecraft_processor *p,
                 const float *const  *in,
                 float *const        *out,
                 uint32_t             channels,
                 uint32_t             frames)
{
  tremolo_shape shape = (tremolo_shape) (int) p->values[TREMOLO_PARAM_SHAPE];
  double increment = p->values[TREMOLO_PARAM_RATE] / p->sample_rate;

  if (channels == 0 || frames == 0)
    return;

  /* Settled in bypass: an exact copy, and the LFO keeps running so that leaving bypass
   * lands where it would have been. */
  if (p->active.value == 0.0 && p->active.target == 0.0)
    {
      for (uint32_t c = 0; c < channels; c++)
        if (out[c] != in[c])
          memmove (out[c], in[c], frames * sizeof (float));
      p->phase += increment * frames;
      p->phase -= floor (p->phase);
      return;
    }

  for (uint32_t i = 0; i < frames; i++)
    {
      double depth = step (&p->depth, p->coeff);
      double mix = step (&p->mix, p->coeff);
      double gain = step (&p->gain, p->coeff);
      double active = step (&p->active, p->coeff);

      for (uint32_t c = 0; c < channels; c++)
        {
          double dry = in[c][i];
          double wet = dry * channel_gain (p, c, channels, shape, depth);
          double processed = gain * (dry * (1.0 - mix) + wet * mix);

          out[c][i] = (float) (dry + active * (processed - dry));
        }

      p->phase += increment;
      if (p->phase >= 1.0)
        p->phase -= 1.0;
    }
}

static void
tremolo_destroy (wavecraft_processor *p)
{
  free (p);
}

WAVECRAFT_PLUGIN (params, tremolo_create, tremolo_set_parameter, tremolo_process,
                  tremolo_reset, tremolo_destroy);
