/* wc-dev-server.h: the dev server: JSON-RPC 2.0 over WebSocket plus the built-in UI
 * (PROTOCOL.md §4), on one loopback port.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "wc-types.h"

G_BEGIN_DECLS

#define WC_TYPE_DEV_SERVER (wc_dev_server_get_type ())
G_DECLARE_FINAL_TYPE (WcDevServer, wc_dev_server, WC, DEV_SERVER, GObject)

#define WC_DEV_SERVER_ERROR (wc_dev_server_error_quark ())

/**
 * WcDevServerError:
 * @WC_DEV_SERVER_ERROR_PORT_BUSY: the port is taken on 127.0.0.1 or ::1; the message is
 *   exactly `Port <N> is already in use`
 * @WC_DEV_SERVER_ERROR_LISTEN: any other failure to listen (the message names the port and
 *   the system's reason)
 *
 * Errors of wc_dev_server_start().
 */
typedef enum {
  WC_DEV_SERVER_ERROR_PORT_BUSY,
  WC_DEV_SERVER_ERROR_LISTEN,
} WcDevServerError;

/**
 * WC_DEV_SERVER_MAX_MESSAGE_SIZE:
 *
 * Largest incoming WebSocket message, in bytes, summed over its fragments (1 MiB). A larger
 * message closes the connection with code 1009.
 */
#define WC_DEV_SERVER_MAX_MESSAGE_SIZE (1024 * 1024)

/**
 * WC_DEV_SERVER_DEFAULT_SEND_QUEUE_LIMIT:
 *
 * Default cap, in bytes, on what one client may have waiting in its send queue (1 MiB) before
 * it is disconnected with code 1008.
 */
#define WC_DEV_SERVER_DEFAULT_SEND_QUEUE_LIMIT (1024 * 1024)

/**
 * WC_DEV_SERVER_DEFAULT_UI_PREFIX:
 *
 * GResource path prefix of the built-in UI (`index.html` lives right under it).
 */
#define WC_DEV_SERVER_DEFAULT_UI_PREFIX "/dev/wavecraft/Wavecraft/ui/"

GQuark         wc_dev_server_error_quark          (void);
WcDevServer   *wc_dev_server_new                  (WcParamHost   *host,
                                                   WcMeterSource *meters);
WcJsonRpc     *wc_dev_server_get_jsonrpc          (WcDevServer   *self);
WcParamHost   *wc_dev_server_get_host             (WcDevServer   *self);
void           wc_dev_server_set_port             (WcDevServer   *self,
                                                   guint          port);
guint          wc_dev_server_get_port             (WcDevServer   *self);
void           wc_dev_server_set_ui_port          (WcDevServer   *self,
                                                   guint          ui_port);
guint          wc_dev_server_get_ui_port          (WcDevServer   *self);
void           wc_dev_server_add_allowed_origin   (WcDevServer   *self,
                                                   const char    *origin);
void           wc_dev_server_set_ui_prefix        (WcDevServer   *self,
                                                   const char    *resource_prefix);
void           wc_dev_server_set_keepalive        (WcDevServer   *self,
                                                   guint          interval_ms,
                                                   guint          timeout_ms);
void           wc_dev_server_set_send_queue_limit (WcDevServer   *self,
                                                   gsize          max_bytes);
gboolean       wc_dev_server_start                (WcDevServer   *self,
                                                   GError       **error);
gboolean       wc_dev_server_is_running           (WcDevServer   *self);
guint          wc_dev_server_get_n_clients        (WcDevServer   *self);
void           wc_dev_server_broadcast            (WcDevServer   *self,
                                                   const char    *method,
                                                   const char    *params_json);
void           wc_dev_server_stop                 (WcDevServer   *self);

G_END_DECLS

/*
 * Signals:
 *
 * "client-connected" (gpointer client): a WebSocket session was accepted; @client is the
 *   opaque per-connection pointer that JSON-RPC handlers receive.
 * "client-disconnected" (gpointer client): that session is gone (closed by either side,
 *   dropped for silence, a full send queue or a protocol error, or wc_dev_server_stop()).
 *   Emitted after the meter source forgot the client.
 *
 * Properties: "host", "meters" (construct-only), "port", "ui-port", "n-clients" (read-only,
 * notified).
 */
