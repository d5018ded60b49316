/* wc-jsonrpc.h: JSON-RPC 2.0 dispatch (PROTOCOL.md §4), independent of any socket.
 *
 * WcDevServer moves frames; WcJsonRpc turns one incoming text frame into the reply text (or
 * none) by a table of method name -> handler.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "wc-json.h"
#include "wc-types.h"

G_BEGIN_DECLS

#define WC_TYPE_JSONRPC (wc_jsonrpc_get_type ())
G_DECLARE_FINAL_TYPE (WcJsonRpc, wc_jsonrpc, WC, JSONRPC, GObject)

/**
 * WcJsonRpcCode:
 *
 * Error codes of PROTOCOL.md §4.
 */
typedef enum {
  WC_JSONRPC_PARSE_ERROR = -32700,
  WC_JSONRPC_INVALID_REQUEST = -32600,
  WC_JSONRPC_METHOD_NOT_FOUND = -32601,
  WC_JSONRPC_INVALID_PARAMS = -32602,
  WC_JSONRPC_INTERNAL_ERROR = -32603,
  WC_JSONRPC_PARAM_NOT_FOUND = -32000,
  WC_JSONRPC_OUT_OF_RANGE = -32001,
} WcJsonRpcCode;

/**
 * WcJsonRpcHandler:
 * @rpc: the dispatcher
 * @client: (nullable): opaque per-connection pointer given to wc_jsonrpc_handle()
 * @params: (nullable): the request's `params` member (an object or an array), or %NULL when
 *   absent or `null`
 * @result: a #GString to append the JSON text of `result` to (append only: it already
 *   holds the reply's envelope, so never truncate, reset or printf into it)
 * @error_code: (out): set with @error_message to answer with an error instead
 * @error_message: (out) (transfer full): the error's message
 * @user_data: data given to wc_jsonrpc_add_method()
 *
 * Called for requests and notifications alike (the reply to a notification is dropped).
 * On failure the handler sets @error_code (a #WcJsonRpcCode or another server code) and
 * @error_message (the whole message, such as `Invalid params: missing id`); whatever it
 * appended to @result is discarded. Failing without a code answers -32603 `Internal error`.
 *
 * Returns: %TRUE when @result holds the result, %FALSE when @error_code is set
 */
typedef gboolean (*WcJsonRpcHandler) (WcJsonRpc  *rpc,
                                      gpointer    client,
                                      JsonNode   *params,
                                      GString    *result,
                                      int        *error_code,
                                      char      **error_message,
                                      gpointer    user_data);

/**
 * WC_JSONRPC_MAX_DEPTH:
 *
 * How deeply arrays and objects may nest in an incoming message; deeper text is answered
 * with -32700 `Parse error`.
 */
#define WC_JSONRPC_MAX_DEPTH WC_JSON_MAX_DEPTH

WcJsonRpc  *wc_jsonrpc_new          (void);
void        wc_jsonrpc_add_method   (WcJsonRpc         *self,
                                     const char        *method,
                                     WcJsonRpcHandler   handler,
                                     gpointer           user_data);
char       *wc_jsonrpc_handle       (WcJsonRpc         *self,
                                     gpointer           client,
                                     const char        *text,
                                     gsize              length);
gboolean    wc_jsonrpc_handle_into  (WcJsonRpc         *self,
                                     gpointer           client,
                                     const char        *text,
                                     gsize              length,
                                     GString           *out);
char       *wc_jsonrpc_notification (const char        *method,
                                     const char        *params_json);
void        wc_jsonrpc_append_notification (GString    *out,
                                            const char *method,
                                            const char *params_json);
JsonNode   *wc_jsonrpc_parse        (const char        *text,
                                     gsize              length);

G_END_DECLS
