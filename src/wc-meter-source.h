/* wc-meter-source.h: meter frames for the dev server (PROTOCOL.md §4): synthetic levels at
 * 60 Hz while no audio source is connected, else the frames an audio source pushes.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "wc-types.h"

G_BEGIN_DECLS

/**
 * WC_METER_SOURCE_RATE_HZ:
 *
 * Synthetic frames per second.
 */
#define WC_METER_SOURCE_RATE_HZ 60

/**
 * WcMeterFrame:
 * @peak_l: left peak, linear (1.0 is 0 dBFS)
 * @peak_r: right peak, linear
 * @rms_l: left RMS, linear
 * @rms_r: right RMS, linear
 * @timestamp_us: when the frame was measured, µs; for synthetic frames the monotonic time
 *   (g_get_monotonic_time()) the frame was scheduled for, for pushed frames what the audio
 *   source sent
 *
 * One stereo meter reading.
 */
typedef struct
{
  double peak_l;
  double peak_r;
  double rms_l;
  double rms_r;
  gint64 timestamp_us;
} WcMeterFrame;

#define WC_TYPE_METER_SOURCE (wc_meter_source_get_type ())
G_DECLARE_FINAL_TYPE (WcMeterSource, wc_meter_source, WC, METER_SOURCE, GObject)

WcMeterSource *wc_meter_source_new                 (void);
void           wc_meter_source_set_active          (WcMeterSource      *self,
                                                    gboolean            active);
gboolean       wc_meter_source_get_active          (WcMeterSource      *self);
gboolean       wc_meter_source_get_frame           (WcMeterSource      *self,
                                                    WcMeterFrame       *out);

gboolean       wc_meter_source_register_audio      (WcMeterSource      *self,
                                                    gpointer            client,
                                                    const char         *client_id,
                                                    double              sample_rate,
                                                    guint               buffer_size);
void           wc_meter_source_unregister_client   (WcMeterSource      *self,
                                                    gpointer            client);
gboolean       wc_meter_source_is_audio_client     (WcMeterSource      *self,
                                                    gpointer            client);
gboolean       wc_meter_source_has_audio_source    (WcMeterSource      *self);
gboolean       wc_meter_source_push                (WcMeterSource      *self,
                                                    gpointer            client,
                                                    const WcMeterFrame *frame);

const char    *wc_meter_source_get_phase           (WcMeterSource      *self);
void           wc_meter_source_append_audio_status (WcMeterSource      *self,
                                                    GString            *out);

void           wc_meter_synthesize                 (gint64              time_us,
                                                    WcMeterFrame       *out);
void           wc_meter_frame_append_json          (const WcMeterFrame *frame,
                                                    GString            *out);
void           wc_meter_frame_append_update_params (const WcMeterFrame *frame,
                                                    GString            *out);
char          *wc_meter_frame_to_notification      (const WcMeterFrame *frame);
gboolean       wc_meter_frame_from_update_params   (JsonNode           *params,
                                                    WcMeterFrame       *out,
                                                    char              **error_message);

G_END_DECLS

/*
 * Signals:
 *
 * "frame" (gpointer client, gconstpointer frame): a new frame (a const WcMeterFrame *, valid
 *   during the emission only). @client is NULL for a synthetic frame (send it to every
 *   client) or the audio-source connection that pushed it (send it to every other client).
 *   Synthetic frames come at exactly WC_METER_SOURCE_RATE_HZ on average while the source is
 *   active and no audio source is registered.
 *
 * Properties:
 *
 * "active" (gboolean, read/write): whether synthetic frames are emitted (the server sets it
 *   while it has clients).
 * "phase" (string, read-only): the audio phase of getAudioStatus, "disabled" or
 *   "runningFullDuplex"; notified when it changes.
 */
