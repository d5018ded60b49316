/* wc-param-host.h: the parameter list and current values of one session.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib-object.h>

#include "wc-types.h"
#include "wc-param-info.h"

G_BEGIN_DECLS

#define WC_TYPE_PARAM_HOST (wc_param_host_get_type ())
G_DECLARE_FINAL_TYPE (WcParamHost, wc_param_host, WC, PARAM_HOST, GObject)

#define WC_PARAM_HOST_ERROR (wc_param_host_error_quark ())

/**
 * WcParamHostError:
 * @WC_PARAM_HOST_ERROR_NOT_FOUND: unknown id (JSON-RPC -32000 `Parameter not found: <id>`)
 * @WC_PARAM_HOST_ERROR_OUT_OF_RANGE: value outside `[min, max]`
 *   (JSON-RPC -32001 `Parameter '<id>' value <v> out of range [<min>, <max>]`)
 * @WC_PARAM_HOST_ERROR_INVALID_VALUE: non-finite, or not an integer for bool/enum
 *   (JSON-RPC -32602 `Invalid params: <what>`)
 *
 * The messages are exactly the JSON-RPC error messages of PROTOCOL.md §4.
 */
typedef enum {
  WC_PARAM_HOST_ERROR_NOT_FOUND,
  WC_PARAM_HOST_ERROR_OUT_OF_RANGE,
  WC_PARAM_HOST_ERROR_INVALID_VALUE,
} WcParamHostError;

GQuark             wc_param_host_error_quark (void);
WcParamHost       *wc_param_host_new         (void);
GPtrArray         *wc_param_host_get_params  (WcParamHost  *self);
const WcParamInfo *wc_param_host_lookup      (WcParamHost  *self,
                                              const char   *id);
guint              wc_param_host_get_n_params (WcParamHost *self);
gboolean           wc_param_host_get_value   (WcParamHost  *self,
                                              const char   *id,
                                              double       *value,
                                              GError      **error);
gboolean           wc_param_host_set_value   (WcParamHost  *self,
                                              const char   *id,
                                              double        value,
                                              GError      **error);
void               wc_param_host_replace     (WcParamHost  *self,
                                              GPtrArray    *params);
guint64            wc_param_host_get_serial  (WcParamHost  *self);

G_END_DECLS

/*
 * Signals:
 *
 * "parameter-changed" (const char *id, double value): a value changed through
 *   wc_param_host_set_value() or was clamped by wc_param_host_replace() (emitted after
 *   "parameters-replaced" for each clamped id). Not emitted when the value is unchanged.
 * "parameters-replaced" (GStrv added, GStrv removed, GStrv changed): the list was swapped by
 *   wc_param_host_replace(); "changed" lists ids whose metadata (name, range, type, unit,
 *   group, variants, default) differ. Emitted after the new list is live.
 */
