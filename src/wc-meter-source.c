/* wc-meter-source.c: synthetic and pushed meter frames (PROTOCOL.md §4).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-meter-source"

#include <math.h>
#include <string.h>

#include "wc-meter-source.h"
#include "wc-json.h"

/* When the main loop was stalled for longer than this, missed synthetic frames are skipped
 * instead of being sent in a burst. */
#define MAX_LAG_US (G_USEC_PER_SEC / 4)

#define PHASE_DISABLED "disabled"
#define PHASE_RUNNING "runningFullDuplex"

typedef struct
{
  gpointer  client;
  char     *client_id;
  double    sample_rate;
  guint     buffer_size;
} AudioClient;

struct _WcMeterSource
{
  GObject       parent_instance;

  GMainContext *context;         /* where the timer runs: thread default at construction */
  GSource      *timer;           /* (nullable) (owned) */
  gint64        start_us;        /* monotonic time of frame 0 */
  gint64        frame_index;     /* next frame to emit */
  gboolean      active;

  GPtrArray    *audio_clients;   /* (element-type AudioClient) (owned), registration order */
  WcMeterFrame  audio_frame;     /* last pushed frame */
  gboolean      has_audio_frame;
  gint64        phase_updated_ms;
};

G_DEFINE_FINAL_TYPE (WcMeterSource, wc_meter_source, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACTIVE,
  PROP_PHASE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  FRAME,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
audio_client_free (gpointer data)
{
  AudioClient *ac = data;

  g_free (ac->client_id);
  g_free (ac);
}

/* ---------------------------------------------------------------------------------------- */
/* Synthetic levels                                                                         */

static double
db_to_linear (double db)
{
  /* Rounded to 1e-6 (-120 dBFS): plenty for a meter, and short on the wire. */
  return round (pow (10.0, db / 20.0) * 1e6) / 1e6;
}

/**
 * wc_meter_synthesize:
 * @time_us: a monotonic time, µs
 * @out: (out caller-allocates): the frame
 *
 * Computes the synthetic meter reading at @time_us, a pure function of time: RMS wanders
 * slowly around -18 dBFS (left) and -19.5 dBFS (right) with different rates, a 120 BPM
 * "beat" raises peaks 10-13 dB above RMS on every beat and decays within about 0.1 s,
 * and peaks never exceed -0.1 dBFS. Levels are linear, rounded to 1e-6; @out's
 * `timestamp_us` is @time_us.
 */
void
wc_meter_synthesize (gint64        time_us,
                     WcMeterFrame *out)
{
  double t = (double) time_us / G_USEC_PER_SEC;
  double beat = fmod (t, 0.5);
  double env_l, env_r;
  double rms_l, rms_r, peak_l, peak_r;

  g_return_if_fail (out != NULL);

  if (beat < 0)
    beat += 0.5;
  env_l = exp (-beat / 0.09);
  env_r = exp (-beat / 0.07);

  rms_l = -18.0 + 3.0 * sin (2 * G_PI * 0.13 * t) + 1.5 * sin (2 * G_PI * 0.71 * t + 1.0)
          + 2.0 * env_l;
  rms_r = -19.5 + 3.0 * sin (2 * G_PI * 0.11 * t + 0.8) + 1.5 * sin (2 * G_PI * 0.53 * t + 2.0)
          + 1.5 * env_r;
  peak_l = MIN (rms_l + 5.0 + 8.0 * env_l, -0.1);
  peak_r = MIN (rms_r + 4.5 + 7.0 * env_r, -0.1);

  out->rms_l = db_to_linear (rms_l);
  out->rms_r = db_to_linear (rms_r);
  out->peak_l = db_to_linear (peak_l);
  out->peak_r = db_to_linear (peak_r);
  out->timestamp_us = time_us;
}

/* ---------------------------------------------------------------------------------------- */
/* The 60 Hz timer                                                                          */

static gint64
frame_deadline (WcMeterSource *self,
                gint64         index)
{
  return self->start_us + index * G_USEC_PER_SEC / WC_METER_SOURCE_RATE_HZ;
}

static gboolean
timer_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs timer_funcs = {
  NULL, NULL, timer_dispatch, NULL, NULL, NULL,
};

/* Deadlines are computed from a fixed start time, never from "now", so the rate is exactly
 * WC_METER_SOURCE_RATE_HZ on average however late each wake-up is (a 16 ms timeout would
 * give 62.5 Hz, a relative 16.667 ms one drifts below 60). */
static gboolean
timer_tick (gpointer data)
{
  WcMeterSource *self = data;
  GSource *source = self->timer;
  gint64 now = g_source_get_time (source);
  gint64 deadline = frame_deadline (self, self->frame_index);
  WcMeterFrame frame;
  gboolean keep;

  if (now - deadline > MAX_LAG_US)
    {
      /* Stalled (suspend, a blocked loop): skip to the latest due frame. */
      self->frame_index = (now - self->start_us) * WC_METER_SOURCE_RATE_HZ / G_USEC_PER_SEC;
      deadline = frame_deadline (self, self->frame_index);
    }

  wc_meter_synthesize (deadline, &frame);
  self->frame_index++;

  g_object_ref (self);
  g_signal_emit (self, signals[FRAME], 0, NULL, &frame);
  keep = self->timer == source;   /* a handler may have stopped or restarted the timer */
  if (keep)
    g_source_set_ready_time (source, frame_deadline (self, self->frame_index));
  g_object_unref (self);

  return keep ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
update_timer (WcMeterSource *self)
{
  gboolean want = self->active && self->audio_clients->len == 0;

  if (want && self->timer == NULL)
    {
      self->start_us = g_get_monotonic_time ();
      self->frame_index = 1;
      self->timer = g_source_new (&timer_funcs, sizeof (GSource));
      g_source_set_name (self->timer, "[wavecraft] synthetic meters");
      g_source_set_priority (self->timer, G_PRIORITY_DEFAULT);
      g_source_set_callback (self->timer, timer_tick, self, NULL);
      g_source_set_ready_time (self->timer, frame_deadline (self, self->frame_index));
      g_source_attach (self->timer, self->context);
    }
  else if (!want && self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* GObject                                                                                  */

static void
wc_meter_source_dispose (GObject *object)
{
  WcMeterSource *self = WC_METER_SOURCE (object);

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }

  G_OBJECT_CLASS (wc_meter_source_parent_class)->dispose (object);
}

static void
wc_meter_source_finalize (GObject *object)
{
  WcMeterSource *self = WC_METER_SOURCE (object);

  g_clear_pointer (&self->audio_clients, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (wc_meter_source_parent_class)->finalize (object);
}

static void
wc_meter_source_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  WcMeterSource *self = WC_METER_SOURCE (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;
    case PROP_PHASE:
      g_value_set_string (value, wc_meter_source_get_phase (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wc_meter_source_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  WcMeterSource *self = WC_METER_SOURCE (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      wc_meter_source_set_active (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wc_meter_source_class_init (WcMeterSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wc_meter_source_dispose;
  object_class->finalize = wc_meter_source_finalize;
  object_class->get_property = wc_meter_source_get_property;
  object_class->set_property = wc_meter_source_set_property;

  /**
   * WcMeterSource:active:
   *
   * Whether synthetic frames are emitted (while no audio source is registered). The dev
   * server turns it on while it has clients.
   */
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WcMeterSource:phase:
   *
   * The audio runtime phase reported by getAudioStatus: `disabled` while no audio source is
   * registered (meters are synthetic), `runningFullDuplex` while one is.
   */
  properties[PROP_PHASE] =
    g_param_spec_string ("phase", NULL, NULL, PHASE_DISABLED,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * WcMeterSource::frame:
   * @self: the source
   * @client: (nullable): %NULL for a synthetic frame, else the audio-source connection
   *   that pushed it (forward it to every other connection)
   * @frame: (type gpointer): the const #WcMeterFrame, valid during the emission only
   *
   * A new meter frame to push as `meterUpdate`.
   */
  signals[FRAME] =
    g_signal_new ("frame",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_POINTER,
                  G_TYPE_POINTER);
}

static void
wc_meter_source_init (WcMeterSource *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->audio_clients = g_ptr_array_new_with_free_func (audio_client_free);
  self->phase_updated_ms = g_get_real_time () / 1000;
}

/**
 * wc_meter_source_new:
 *
 * Creates an inactive meter source. Its timer runs on the thread-default main context of
 * the caller.
 *
 * Returns: (transfer full): a new #WcMeterSource
 */
WcMeterSource *
wc_meter_source_new (void)
{
  return g_object_new (WC_TYPE_METER_SOURCE, NULL);
}

/**
 * wc_meter_source_set_active:
 * @self: a #WcMeterSource
 * @active: whether to emit synthetic frames
 *
 * Starts or stops the synthetic 60 Hz #WcMeterSource::frame emission. The server calls it
 * with %TRUE when its first client connects and %FALSE when the last one leaves, so an idle
 * server does not wake up. While an audio source is registered no synthetic frames are
 * emitted either way. Restarting begins a fresh schedule one frame period later.
 */
void
wc_meter_source_set_active (WcMeterSource *self,
                            gboolean       active)
{
  g_return_if_fail (WC_IS_METER_SOURCE (self));

  active = !!active;
  if (self->active == active)
    return;
  self->active = active;
  update_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

/**
 * wc_meter_source_get_active:
 * @self: a #WcMeterSource
 *
 * Returns: the value set with wc_meter_source_set_active()
 */
gboolean
wc_meter_source_get_active (WcMeterSource *self)
{
  g_return_val_if_fail (WC_IS_METER_SOURCE (self), FALSE);

  return self->active;
}

/**
 * wc_meter_source_get_frame:
 * @self: a #WcMeterSource
 * @out: (out caller-allocates): the frame
 *
 * The frame getMeterFrame answers with. With no audio source registered it is the synthetic
 * reading for now (whether or not the source is active); with one registered it is the last
 * frame an audio source pushed.
 *
 * Returns: %FALSE when an audio source is registered but has not pushed a frame yet
 *   (getMeterFrame then answers `{"frame":null}`)
 */
gboolean
wc_meter_source_get_frame (WcMeterSource *self,
                           WcMeterFrame  *out)
{
  g_return_val_if_fail (WC_IS_METER_SOURCE (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (self->audio_clients->len == 0)
    {
      wc_meter_synthesize (g_get_monotonic_time (), out);
      return TRUE;
    }
  if (!self->has_audio_frame)
    return FALSE;
  *out = self->audio_frame;
  return TRUE;
}

static AudioClient *
find_audio_client (WcMeterSource *self,
                   gpointer       client,
                   guint         *index)
{
  for (guint i = 0; i < self->audio_clients->len; i++)
    {
      AudioClient *ac = g_ptr_array_index (self->audio_clients, i);

      if (ac->client == client)
        {
          if (index != NULL)
            *index = i;
          return ac;
        }
    }
  return NULL;
}

static void
phase_touched (WcMeterSource *self,
               gboolean       notify)
{
  self->phase_updated_ms = g_get_real_time () / 1000;
  if (notify)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
}

/**
 * wc_meter_source_register_audio:
 * @self: a #WcMeterSource
 * @client: the connection (non-%NULL opaque pointer, the one given to wc_jsonrpc_handle())
 * @client_id: the `client_id` the audio source sent
 * @sample_rate: its sample rate, Hz
 * @buffer_size: its buffer size, samples
 *
 * Marks @client as an audio source (`registerAudio`, PROTOCOL.md §4). From now on its
 * pushed frames replace the synthetic meters, which stop until the last audio source is
 * unregistered; the phase becomes `runningFullDuplex`. Registering again updates the
 * details.
 *
 * Returns: %TRUE (the registration cannot fail for a non-%NULL @client)
 */
gboolean
wc_meter_source_register_audio (WcMeterSource *self,
                                gpointer       client,
                                const char    *client_id,
                                double         sample_rate,
                                guint          buffer_size)
{
  AudioClient *ac;
  gboolean first;

  g_return_val_if_fail (WC_IS_METER_SOURCE (self), FALSE);
  g_return_val_if_fail (client != NULL, FALSE);
  g_return_val_if_fail (client_id != NULL, FALSE);

  first = self->audio_clients->len == 0;
  ac = find_audio_client (self, client, NULL);
  if (ac == NULL)
    {
      ac = g_new0 (AudioClient, 1);
      ac->client = client;
      g_ptr_array_add (self->audio_clients, ac);
    }
  g_free (ac->client_id);
  ac->client_id = g_strdup (client_id);
  ac->sample_rate = sample_rate;
  ac->buffer_size = buffer_size;

  g_debug ("Audio source '%s' registered (%g Hz, %u samples)", client_id, sample_rate,
           buffer_size);

  if (first)
    {
      self->has_audio_frame = FALSE;
      update_timer (self);
    }
  phase_touched (self, first);
  return TRUE;
}

/**
 * wc_meter_source_unregister_client:
 * @self: a #WcMeterSource
 * @client: a connection that closed
 *
 * Forgets @client if it was an audio source; a no-op otherwise, so the server may call it
 * for every closed connection. When the last audio source leaves, synthetic meters resume
 * (if active) and the phase returns to `disabled`.
 */
void
wc_meter_source_unregister_client (WcMeterSource *self,
                                   gpointer       client)
{
  guint index;

  g_return_if_fail (WC_IS_METER_SOURCE (self));

  if (find_audio_client (self, client, &index) == NULL)
    return;
  g_ptr_array_remove_index (self->audio_clients, index);
  if (self->audio_clients->len == 0)
    {
      self->has_audio_frame = FALSE;
      update_timer (self);
      phase_touched (self, TRUE);
    }
  else
    phase_touched (self, FALSE);
}

/**
 * wc_meter_source_is_audio_client:
 * @self: a #WcMeterSource
 * @client: a connection
 *
 * Returns: whether @client registered as an audio source
 */
gboolean
wc_meter_source_is_audio_client (WcMeterSource *self,
                                 gpointer       client)
{
  g_return_val_if_fail (WC_IS_METER_SOURCE (self), FALSE);

  return client != NULL && find_audio_client (self, client, NULL) != NULL;
}

/**
 * wc_meter_source_has_audio_source:
 * @self: a #WcMeterSource
 *
 * Returns: whether any audio source is registered
 */
gboolean
wc_meter_source_has_audio_source (WcMeterSource *self)
{
  g_return_val_if_fail (WC_IS_METER_SOURCE (self), FALSE);

  return self->audio_clients->len > 0;
}

/**
 * wc_meter_source_push:
 * @self: a #WcMeterSource
 * @client: the connection that sent a `meterUpdate` notification
 * @frame: the frame it carried
 *
 * Stores @frame as the current frame (served by getMeterFrame) and emits
 * #WcMeterSource::frame with @client as the source, so the server forwards it to the other
 * connections. Ignored when @client did not register as an audio source.
 *
 * Returns: %TRUE when the frame was taken
 */
gboolean
wc_meter_source_push (WcMeterSource      *self,
                      gpointer            client,
                      const WcMeterFrame *frame)
{
  WcMeterFrame copy;

  g_return_val_if_fail (WC_IS_METER_SOURCE (self), FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);

  if (!wc_meter_source_is_audio_client (self, client))
    return FALSE;

  copy = *frame;
  self->audio_frame = copy;
  self->has_audio_frame = TRUE;
  g_signal_emit (self, signals[FRAME], 0, client, &copy);
  return TRUE;
}

/**
 * wc_meter_source_get_phase:
 * @self: a #WcMeterSource
 *
 * Returns: `disabled` while no audio source is registered, else `runningFullDuplex`
 */
const char *
wc_meter_source_get_phase (WcMeterSource *self)
{
  g_return_val_if_fail (WC_IS_METER_SOURCE (self), NULL);

  return self->audio_clients->len > 0 ? PHASE_RUNNING : PHASE_DISABLED;
}

/**
 * wc_meter_source_append_audio_status:
 * @self: a #WcMeterSource
 * @out: a #GString to append to
 *
 * Appends the `status` object of getAudioStatus (PROTOCOL.md §4):
 * `{"phase":"disabled","updated_at_ms":T}` while no audio source is registered, else
 * `{"phase":"runningFullDuplex","sample_rate":SR,"buffer_size":N,"updated_at_ms":T}` with
 * the most recently registered source's details. `updated_at_ms` is the wall-clock time
 * (ms since the Unix epoch) of the last registration change.
 */
void
wc_meter_source_append_audio_status (WcMeterSource *self,
                                     GString       *out)
{
  g_return_if_fail (WC_IS_METER_SOURCE (self));
  g_return_if_fail (out != NULL);

  g_string_append (out, "{\"phase\":\"");
  g_string_append (out, wc_meter_source_get_phase (self));
  g_string_append_c (out, '"');
  if (self->audio_clients->len > 0)
    {
      AudioClient *ac = g_ptr_array_index (self->audio_clients, self->audio_clients->len - 1);

      g_string_append (out, ",\"sample_rate\":");
      wc_json_append_double (out, ac->sample_rate);
      g_string_append_printf (out, ",\"buffer_size\":%u", ac->buffer_size);
    }
  g_string_append_printf (out, ",\"updated_at_ms\":%" G_GINT64_FORMAT "}", self->phase_updated_ms);
}

/* ---------------------------------------------------------------------------------------- */
/* Wire forms                                                                               */

static void
append_int64 (GString *out,
              gint64   value)
{
  char buf[24];
  int n = g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);

  g_string_append_len (out, buf, n);
}

/**
 * wc_meter_frame_append_json:
 * @frame: a frame
 * @out: a #GString to append to
 *
 * Appends the `frame` object of getMeterFrame (PROTOCOL.md §4):
 * `{"peak_l":..,"peak_r":..,"rms_l":..,"rms_r":..,"timestamp":..}`, levels linear in
 * shortest round-trip form, `timestamp` the frame's `timestamp_us` (µs, an integer).
 */
void
wc_meter_frame_append_json (const WcMeterFrame *frame,
                            GString            *out)
{
  g_return_if_fail (frame != NULL);
  g_return_if_fail (out != NULL);

  g_string_append (out, "{\"peak_l\":");
  wc_json_append_double (out, frame->peak_l);
  g_string_append (out, ",\"peak_r\":");
  wc_json_append_double (out, frame->peak_r);
  g_string_append (out, ",\"rms_l\":");
  wc_json_append_double (out, frame->rms_l);
  g_string_append (out, ",\"rms_r\":");
  wc_json_append_double (out, frame->rms_r);
  g_string_append (out, ",\"timestamp\":");
  append_int64 (out, frame->timestamp_us);
  g_string_append_c (out, '}');
}

/**
 * wc_meter_frame_append_update_params:
 * @frame: a frame
 * @out: a #GString to append to
 *
 * Appends the `params` of a `meterUpdate` notification (PROTOCOL.md §4):
 * `{"timestamp_us":..,"left_peak":..,"left_rms":..,"right_peak":..,"right_rms":..}`.
 */
void
wc_meter_frame_append_update_params (const WcMeterFrame *frame,
                                     GString            *out)
{
  g_return_if_fail (frame != NULL);
  g_return_if_fail (out != NULL);

  g_string_append (out, "{\"timestamp_us\":");
  append_int64 (out, frame->timestamp_us);
  g_string_append (out, ",\"left_peak\":");
  wc_json_append_double (out, frame->peak_l);
  g_string_append (out, ",\"left_rms\":");
  wc_json_append_double (out, frame->rms_l);
  g_string_append (out, ",\"right_peak\":");
  wc_json_append_double (out, frame->peak_r);
  g_string_append (out, ",\"right_rms\":");
  wc_json_append_double (out, frame->rms_r);
  g_string_append_c (out, '}');
}

/**
 * wc_meter_frame_to_notification:
 * @frame: a frame
 *
 * Builds the whole `meterUpdate` notification,
 * `{"jsonrpc":"2.0","method":"meterUpdate","params":{...}}`, once per frame for all clients.
 *
 * Returns: (transfer full): the text
 */
char *
wc_meter_frame_to_notification (const WcMeterFrame *frame)
{
  GString *out;

  g_return_val_if_fail (frame != NULL, NULL);

  out = g_string_sized_new (192);
  g_string_append (out, "{\"jsonrpc\":\"2.0\",\"method\":\"meterUpdate\",\"params\":");
  wc_meter_frame_append_update_params (frame, out);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static gboolean
get_member_number (JsonObject  *object,
                   const char  *name,
                   double      *value,
                   char       **error_message)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    {
      *error_message = g_strdup_printf ("Invalid params: missing %s", name);
      return FALSE;
    }
  if (!wc_json_node_get_number (node, value))
    *value = NAN;
  if (!isfinite (*value) || *value < 0)
    {
      *error_message = g_strdup_printf ("Invalid params: %s must be a finite non-negative number",
                                        name);
      return FALSE;
    }
  return TRUE;
}

/**
 * wc_meter_frame_from_update_params:
 * @params: (nullable): the `params` of an incoming `meterUpdate` notification
 * @out: (out caller-allocates): the frame
 * @error_message: (out) (transfer full): on failure, the JSON-RPC -32602 message
 *
 * Reads `{"timestamp_us","left_peak","left_rms","right_peak","right_rms"}` (PROTOCOL.md §4).
 * Every field is required and must be a finite non-negative number (a fractional
 * `timestamp_us` is truncated). Messages: `Invalid params: expected an object`,
 * `Invalid params: missing <field>`,
 * `Invalid params: <field> must be a finite non-negative number`.
 *
 * Returns: %TRUE when @out was filled
 */
gboolean
wc_meter_frame_from_update_params (JsonNode      *params,
                                   WcMeterFrame  *out,
                                   char         **error_message)
{
  JsonObject *object;
  double ts;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error_message != NULL && *error_message == NULL, FALSE);

  if (params == NULL || !JSON_NODE_HOLDS_OBJECT (params))
    {
      *error_message = g_strdup ("Invalid params: expected an object");
      return FALSE;
    }
  object = json_node_get_object (params);
  if (!get_member_number (object, "timestamp_us", &ts, error_message)
      || !get_member_number (object, "left_peak", &out->peak_l, error_message)
      || !get_member_number (object, "left_rms", &out->rms_l, error_message)
      || !get_member_number (object, "right_peak", &out->peak_r, error_message)
      || !get_member_number (object, "right_rms", &out->rms_r, error_message))
    return FALSE;
  if (ts >= 9.2e18)
    {
      *error_message = g_strdup ("Invalid params: timestamp_us must be a finite non-negative "
                                 "number");
      return FALSE;
    }
  out->timestamp_us = (gint64) ts;
  return TRUE;
}
