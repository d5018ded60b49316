/* test-meter-source.c: WcMeterSource synthetic levels, the 60 Hz schedule, audio sources and
 * the wire forms.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "wc-jsonrpc.h"
#include "wc-meter-source.h"
#include "wc-test-util.h"

#define PERIOD_US (G_USEC_PER_SEC / WC_METER_SOURCE_RATE_HZ)

typedef struct
{
  WcMeterSource *meters;
  GArray        *frames;    /* WcMeterFrame */
  GPtrArray     *clients;   /* the client of each frame */
  guint          phase_notifies;
  guint          stop_after;   /* set_active (FALSE) from the handler at this count; 0 = never */
} Fixture;

static void
on_frame (WcMeterSource *meters,
          gpointer       client,
          gconstpointer  frame,
          gpointer       user_data)
{
  Fixture *f = user_data;

  g_array_append_vals (f->frames, frame, 1);
  g_ptr_array_add (f->clients, client);
  if (f->stop_after != 0 && f->frames->len == f->stop_after)
    wc_meter_source_set_active (meters, FALSE);
}

static void
on_phase (GObject    *object,
          GParamSpec *pspec,
          gpointer    user_data)
{
  Fixture *f = user_data;

  f->phase_notifies++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->meters = wc_meter_source_new ();
  f->frames = g_array_new (FALSE, FALSE, sizeof (WcMeterFrame));
  f->clients = g_ptr_array_new ();
  g_signal_connect (f->meters, "frame", G_CALLBACK (on_frame), f);
  g_signal_connect (f->meters, "notify::phase", G_CALLBACK (on_phase), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->meters);
  g_array_unref (f->frames);
  g_ptr_array_unref (f->clients);
}

typedef struct
{
  Fixture *f;
  guint    n;
} WaitFrames;

static gboolean
has_frames (gpointer data)
{
  WaitFrames *w = data;

  return w->f->frames->len >= w->n;
}

static gboolean
wait_frames (Fixture *f,
             guint    n)
{
  WaitFrames w = { f, n };

  return wc_test_wait_until (has_frames, &w, 10000);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms (an event to wait for, not a timing assertion). */
static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag, &done);
  g_assert_true (wc_test_wait_flag (&done, ms + 10000));
}

static double
to_db (double linear)
{
  return 20 * log10 (linear);
}

static void
test_synthesize (void)
{
  double sum_l = 0, sum_r = 0, sum_diff = 0;
  double max_peak = 0, max_crest = 0;
  guint n = 0;

  for (gint64 t = 1000; t < 60 * G_USEC_PER_SEC; t += 10007)
    {
      WcMeterFrame a, b;

      wc_meter_synthesize (t, &a);
      wc_meter_synthesize (t, &b);
      g_assert_cmpmem (&a, sizeof a, &b, sizeof b);   /* a pure function of time */
      g_assert_cmpint (a.timestamp_us, ==, t);

      g_assert_cmpfloat (a.rms_l, >, 0);
      g_assert_cmpfloat (a.rms_r, >, 0);
      g_assert_cmpfloat (a.peak_l, >=, a.rms_l);
      g_assert_cmpfloat (a.peak_r, >=, a.rms_r);
      g_assert_cmpfloat (a.peak_l, <=, 1.0);
      g_assert_cmpfloat (a.peak_r, <=, 1.0);
      g_assert_cmpfloat (to_db (a.rms_l), >, -30);
      g_assert_cmpfloat (to_db (a.rms_l), <, -8);
      g_assert_cmpfloat (to_db (a.rms_r), >, -30);
      g_assert_cmpfloat (to_db (a.rms_r), <, -8);
      /* Rounded to 1e-6. */
      g_assert_cmpfloat (fabs (a.rms_l * 1e6 - round (a.rms_l * 1e6)), <, 1e-6);

      sum_l += to_db (a.rms_l);
      sum_r += to_db (a.rms_r);
      sum_diff += fabs (to_db (a.rms_l) - to_db (a.rms_r));
      max_peak = MAX (max_peak, MAX (a.peak_l, a.peak_r));
      max_crest = MAX (max_crest, to_db (a.peak_l) - to_db (a.rms_l));
      n++;
    }

  /* Around -18 dBFS, left and right differ, peaks well above RMS at times. */
  g_assert_cmpfloat (fabs (sum_l / n + 18), <, 2);
  g_assert_cmpfloat (fabs (sum_r / n + 19.5), <, 2);
  g_assert_cmpfloat (sum_diff / n, >, 1);
  g_assert_cmpfloat (max_crest, >, 9);
  g_assert_cmpfloat (to_db (max_peak), >, -12);
}

static void
test_schedule (Fixture       *f,
               gconstpointer  data)
{
  const guint n = 40;
  gint64 first;
  gint64 last_k = 0;
  guint skipped = 0;

  g_assert_false (wc_meter_source_get_active (f->meters));
  wc_meter_source_set_active (f->meters, TRUE);
  g_assert_true (wc_meter_source_get_active (f->meters));
  g_assert_true (wait_frames (f, n));

  /* Frames carry the time they were scheduled for, computed from one start time: every
   * timestamp is the first one plus a whole number of 1/60 s periods (16666 or 16667 µs
   * apart), so the rate is exactly 60 Hz on average and does not drift. */
  first = g_array_index (f->frames, WcMeterFrame, 0).timestamp_us;
  for (guint i = 0; i < f->frames->len; i++)
    {
      const WcMeterFrame *frame = &g_array_index (f->frames, WcMeterFrame, i);
      WcMeterFrame expected;
      gint64 offset = frame->timestamp_us - first;
      gint64 k = (offset * WC_METER_SOURCE_RATE_HZ + G_USEC_PER_SEC / 2) / G_USEC_PER_SEC;
      gint64 diff_us;

      g_assert_null (g_ptr_array_index (f->clients, i));
      wc_meter_synthesize (frame->timestamp_us, &expected);
      g_assert_cmpmem (frame, sizeof *frame, &expected, sizeof expected);

      if (i == 0)
        continue;
      g_assert_cmpint (k, >, last_k);
      /* first = start + P(1), this one = start + P(j): their difference is within 1 µs of
       * k periods. */
      g_assert_cmpint (llabs (offset - k * G_USEC_PER_SEC / WC_METER_SOURCE_RATE_HZ), <=, 1);
      diff_us = frame->timestamp_us - g_array_index (f->frames, WcMeterFrame, i - 1).timestamp_us;
      if (k == last_k + 1)
        g_assert_true (diff_us == PERIOD_US || diff_us == PERIOD_US + 1);
      else
        skipped++;   /* only after a main-loop stall of more than 250 ms */
      last_k = k;
    }
  g_test_message ("%u frames, %u skips after stalls", f->frames->len, skipped);
  g_assert_cmpuint (skipped, <, f->frames->len / 4);
}

static void
test_stop (Fixture       *f,
           gconstpointer  data)
{
  guint n;

  wc_meter_source_set_active (f->meters, TRUE);
  g_assert_true (wait_frames (f, 2));
  wc_meter_source_set_active (f->meters, FALSE);
  n = f->frames->len;
  run_for (4 * PERIOD_US / 1000);
  g_assert_cmpuint (f->frames->len, ==, n);

  /* Stopping from within the frame handler. */
  f->stop_after = n + 3;
  wc_meter_source_set_active (f->meters, TRUE);
  g_assert_true (wait_frames (f, n + 3));
  g_assert_false (wc_meter_source_get_active (f->meters));
  run_for (4 * PERIOD_US / 1000);
  g_assert_cmpuint (f->frames->len, ==, n + 3);

  /* Inactive, getMeterFrame still gets a synthetic reading. */
  {
    WcMeterFrame frame;
    gint64 before = g_get_monotonic_time ();

    g_assert_true (wc_meter_source_get_frame (f->meters, &frame));
    g_assert_cmpint (frame.timestamp_us, >=, before);
    g_assert_cmpint (frame.timestamp_us, <=, g_get_monotonic_time ());
    g_assert_cmpfloat (frame.peak_l, >, 0);
  }
}

static void
test_dispose_active (void)
{
  WcMeterSource *meters = wc_meter_source_new ();

  wc_meter_source_set_active (meters, TRUE);
  g_object_set (meters, "active", TRUE, NULL);
  g_assert_finalize_object (meters);
  /* No timer is left behind. */
  run_for (3 * PERIOD_US / 1000);
}

static void
assert_status (WcMeterSource *meters,
               const char    *expected_prefix,
               gint64         not_before_ms)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(JsonNode) node = NULL;
  gint64 ms;

  wc_meter_source_append_audio_status (meters, out);
  g_test_message ("status: %s", out->str);
  g_assert_true (g_str_has_prefix (out->str, expected_prefix));
  node = wc_jsonrpc_parse (out->str, out->len);
  g_assert_nonnull (node);
  ms = json_object_get_int_member (json_node_get_object (node), "updated_at_ms");
  g_assert_cmpint (ms, >=, not_before_ms);
  g_assert_cmpint (ms, <=, g_get_real_time () / 1000);
  g_assert_true (g_str_has_suffix (out->str, "}"));
}

static void
test_audio_source (Fixture       *f,
                   gconstpointer  data)
{
  int a, b;
  WcMeterFrame frame = { 0.5, 0.25, 0.125, 0.0625, 42 };
  WcMeterFrame got;
  gint64 t0 = g_get_real_time () / 1000;
  guint n;

  g_assert_cmpstr (wc_meter_source_get_phase (f->meters), ==, "disabled");
  g_assert_false (wc_meter_source_has_audio_source (f->meters));
  assert_status (f->meters, "{\"phase\":\"disabled\",\"updated_at_ms\":", 0);

  wc_meter_source_set_active (f->meters, TRUE);
  g_assert_true (wait_frames (f, 1));

  /* Registering stops the synthetic frames; no frame until the source pushes one. */
  g_assert_true (wc_meter_source_register_audio (f->meters, &a, "dev-audio", 48000, 512));
  g_assert_cmpuint (f->phase_notifies, ==, 1);
  g_assert_cmpstr (wc_meter_source_get_phase (f->meters), ==, "runningFullDuplex");
  g_assert_true (wc_meter_source_has_audio_source (f->meters));
  g_assert_true (wc_meter_source_is_audio_client (f->meters, &a));
  g_assert_false (wc_meter_source_is_audio_client (f->meters, &b));
  g_assert_false (wc_meter_source_is_audio_client (f->meters, NULL));
  assert_status (f->meters,
                 "{\"phase\":\"runningFullDuplex\",\"sample_rate\":48000,\"buffer_size\":512,"
                 "\"updated_at_ms\":", t0);
  g_assert_false (wc_meter_source_get_frame (f->meters, &got));
  n = f->frames->len;
  run_for (4 * PERIOD_US / 1000);
  g_assert_cmpuint (f->frames->len, ==, n);

  /* A connection that did not register is ignored. */
  g_assert_false (wc_meter_source_push (f->meters, &b, &frame));
  g_assert_false (wc_meter_source_push (f->meters, NULL, &frame));
  g_assert_cmpuint (f->frames->len, ==, n);
  g_assert_false (wc_meter_source_get_frame (f->meters, &got));

  /* The source's frame is re-emitted with it as the sender and served. */
  g_assert_true (wc_meter_source_push (f->meters, &a, &frame));
  g_assert_cmpuint (f->frames->len, ==, n + 1);
  g_assert_true (g_ptr_array_index (f->clients, n) == &a);
  g_assert_cmpmem (&g_array_index (f->frames, WcMeterFrame, n), sizeof frame, &frame, sizeof frame);
  g_assert_true (wc_meter_source_get_frame (f->meters, &got));
  g_assert_cmpmem (&got, sizeof got, &frame, sizeof frame);

  /* A second source; the status shows the latest. Re-registering updates. */
  g_assert_true (wc_meter_source_register_audio (f->meters, &b, "second", 44100, 256));
  assert_status (f->meters,
                 "{\"phase\":\"runningFullDuplex\",\"sample_rate\":44100,\"buffer_size\":256,", t0);
  g_assert_true (wc_meter_source_register_audio (f->meters, &b, "second", 96000, 128));
  assert_status (f->meters,
                 "{\"phase\":\"runningFullDuplex\",\"sample_rate\":96000,\"buffer_size\":128,", t0);
  g_assert_cmpuint (f->phase_notifies, ==, 1);

  /* Unregistering a plain connection does nothing; one source leaving keeps the other. */
  wc_meter_source_unregister_client (f->meters, &n);
  wc_meter_source_unregister_client (f->meters, NULL);
  wc_meter_source_unregister_client (f->meters, &b);
  g_assert_cmpstr (wc_meter_source_get_phase (f->meters), ==, "runningFullDuplex");
  assert_status (f->meters,
                 "{\"phase\":\"runningFullDuplex\",\"sample_rate\":48000,\"buffer_size\":512,", t0);
  g_assert_true (wc_meter_source_get_frame (f->meters, &got));
  g_assert_cmpuint (f->phase_notifies, ==, 1);

  /* The last one leaving brings the synthetic meters back. */
  wc_meter_source_unregister_client (f->meters, &a);
  g_assert_cmpuint (f->phase_notifies, ==, 2);
  g_assert_cmpstr (wc_meter_source_get_phase (f->meters), ==, "disabled");
  g_assert_false (wc_meter_source_has_audio_source (f->meters));
  assert_status (f->meters, "{\"phase\":\"disabled\",\"updated_at_ms\":", t0);
  g_assert_true (wc_meter_source_get_frame (f->meters, &got));
  g_assert_cmpint (got.timestamp_us, !=, 42);
  g_assert_true (wait_frames (f, n + 2));
  g_assert_null (g_ptr_array_index (f->clients, n + 1));
  g_assert_false (wc_meter_source_push (f->meters, &a, &frame));
}

static void
test_audio_inactive (Fixture       *f,
                     gconstpointer  data)
{
  int a;
  WcMeterFrame frame = { 0.5, 0.25, 0.125, 0.0625, 42 };

  /* Pushed frames are forwarded whether or not synthetic meters are active. */
  wc_meter_source_register_audio (f->meters, &a, "x", 48000, 64);
  g_assert_true (wc_meter_source_push (f->meters, &a, &frame));
  g_assert_cmpuint (f->frames->len, ==, 1);
  /* Activating while a source is registered starts no timer. */
  wc_meter_source_set_active (f->meters, TRUE);
  run_for (4 * PERIOD_US / 1000);
  g_assert_cmpuint (f->frames->len, ==, 1);
}

static void
test_wire (void)
{
  WcMeterFrame frame = { 0.5, 0.25, 0.125, 0.0625, 123456789 };
  WcMeterFrame back = { 0 };
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(GString) params = g_string_new (NULL);
  g_autofree char *notification = wc_meter_frame_to_notification (&frame);
  g_autofree char *error = NULL;
  g_autoptr(JsonNode) node = NULL;

  wc_meter_frame_append_json (&frame, json);
  g_assert_cmpstr (json->str, ==,
                   "{\"peak_l\":0.5,\"peak_r\":0.25,\"rms_l\":0.125,\"rms_r\":0.0625,"
                   "\"timestamp\":123456789}");
  wc_meter_frame_append_update_params (&frame, params);
  g_assert_cmpstr (params->str, ==,
                   "{\"timestamp_us\":123456789,\"left_peak\":0.5,\"left_rms\":0.125,"
                   "\"right_peak\":0.25,\"right_rms\":0.0625}");
  g_assert_cmpstr (notification, ==,
                   "{\"jsonrpc\":\"2.0\",\"method\":\"meterUpdate\",\"params\":"
                   "{\"timestamp_us\":123456789,\"left_peak\":0.5,\"left_rms\":0.125,"
                   "\"right_peak\":0.25,\"right_rms\":0.0625}}");

  node = wc_jsonrpc_parse (params->str, params->len);
  g_assert_true (wc_meter_frame_from_update_params (node, &back, &error));
  g_assert_null (error);
  g_assert_cmpmem (&back, sizeof back, &frame, sizeof frame);

  /* Synthetic numbers are short on the wire. */
  {
    WcMeterFrame s;
    g_autofree char *text = NULL;

    wc_meter_synthesize (1234567890, &s);
    text = wc_meter_frame_to_notification (&s);
    g_test_message ("%s", text);
    g_assert_cmpuint (strlen (text), <, 170);
  }
}

static void
test_wire_errors (void)
{
  static const struct { const char *params; const char *message; } cases[] = {
    { NULL, "Invalid params: expected an object" },
    { "[1,2]", "Invalid params: expected an object" },
    { "{}", "Invalid params: missing timestamp_us" },
    { "{\"timestamp_us\":1,\"left_peak\":1,\"left_rms\":1,\"right_peak\":1}",
      "Invalid params: missing right_rms" },
    { "{\"timestamp_us\":\"1\",\"left_peak\":1,\"left_rms\":1,\"right_peak\":1,\"right_rms\":1}",
      "Invalid params: timestamp_us must be a finite non-negative number" },
    { "{\"timestamp_us\":-1,\"left_peak\":1,\"left_rms\":1,\"right_peak\":1,\"right_rms\":1}",
      "Invalid params: timestamp_us must be a finite non-negative number" },
    { "{\"timestamp_us\":1e300,\"left_peak\":1,\"left_rms\":1,\"right_peak\":1,\"right_rms\":1}",
      "Invalid params: timestamp_us must be a finite non-negative number" },
    { "{\"timestamp_us\":1,\"left_peak\":-0.5,\"left_rms\":1,\"right_peak\":1,\"right_rms\":1}",
      "Invalid params: left_peak must be a finite non-negative number" },
    { "{\"timestamp_us\":1,\"left_peak\":1,\"left_rms\":1e999,\"right_peak\":1,\"right_rms\":1}",
      "Invalid params: left_rms must be a finite non-negative number" },
    { "{\"timestamp_us\":1,\"left_peak\":1,\"left_rms\":1,\"right_peak\":null,\"right_rms\":1}",
      "Invalid params: right_peak must be a finite non-negative number" },
    { "{\"timestamp_us\":1,\"left_peak\":1,\"left_rms\":1,\"right_peak\":1,\"right_rms\":true}",
      "Invalid params: right_rms must be a finite non-negative number" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *error = NULL;
      WcMeterFrame frame;

      if (cases[i].params != NULL)
        node = wc_jsonrpc_parse (cases[i].params, strlen (cases[i].params));
      g_assert_false (wc_meter_frame_from_update_params (node, &frame, &error));
      g_assert_cmpstr (error, ==, cases[i].message);
    }

  /* Integers and fractions are both numbers; a fractional timestamp is truncated. */
  {
    const char *text = "{\"timestamp_us\":1.9,\"left_peak\":1,\"left_rms\":0,"
                       "\"right_peak\":2.5,\"right_rms\":0.1}";
    g_autoptr(JsonNode) node = wc_jsonrpc_parse (text, strlen (text));
    g_autofree char *error = NULL;
    WcMeterFrame frame;

    g_assert_true (wc_meter_frame_from_update_params (node, &frame, &error));
    g_assert_cmpint (frame.timestamp_us, ==, 1);
    g_assert_cmpfloat (frame.peak_l, ==, 1);
    g_assert_cmpfloat (frame.peak_r, ==, 2.5);
    g_assert_cmpfloat (frame.rms_r, ==, 0.1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/wavecraft/meter-source/synthesize", test_synthesize);
  g_test_add ("/wavecraft/meter-source/schedule", Fixture, NULL,
              fixture_setup, test_schedule, fixture_teardown);
  g_test_add ("/wavecraft/meter-source/stop", Fixture, NULL,
              fixture_setup, test_stop, fixture_teardown);
  g_test_add_func ("/wavecraft/meter-source/dispose-active", test_dispose_active);
  g_test_add ("/wavecraft/meter-source/audio-source", Fixture, NULL,
              fixture_setup, test_audio_source, fixture_teardown);
  g_test_add ("/wavecraft/meter-source/audio-inactive", Fixture, NULL,
              fixture_setup, test_audio_inactive, fixture_teardown);
  g_test_add_func ("/wavecraft/meter-source/wire", test_wire);
  g_test_add_func ("/wavecraft/meter-source/wire-errors", test_wire_errors);

  return g_test_run ();
}
