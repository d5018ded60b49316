/* wc-rpc-methods.c: the JSON-RPC methods of the dev server (PROTOCOL.md §4).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-rpc-methods"

#include <math.h>
#include <string.h>

#include "wc-rpc-methods.h"

/*
 * Results are written as text straight into the reply (see WcJsonRpcHandler). The messages
 * are the wire contract of PROTOCOL.md §4, read by programs, so they are not translated.
 */

typedef struct
{
  WcParamHost   *host;
  WcMeterSource *meters;
  GString       *all_params;        /* cached getAllParameters result */
  guint64        all_params_serial; /* host serial it was built at; 0 = none */
} Methods;

static void
methods_free (gpointer data)
{
  Methods *m = data;

  g_clear_object (&m->host);
  g_clear_object (&m->meters);
  if (m->all_params != NULL)
    g_string_free (m->all_params, TRUE);
  g_free (m);
}

static gboolean
fail (int         code,
      char       *message,   /* (transfer full) */
      int        *error_code,
      char      **error_message)
{
  *error_code = code;
  *error_message = message;
  return FALSE;
}

static gboolean
invalid_params (const char  *what,
                int         *error_code,
                char       **error_message)
{
  return fail (WC_JSONRPC_INVALID_PARAMS, g_strconcat ("Invalid params: ", what, NULL),
               error_code, error_message);
}

/* params must be an object: `Invalid params: missing params` when absent,
 * `Invalid params: expected an object` for an array. */
static JsonObject *
params_object (JsonNode  *params,
               int       *error_code,
               char     **error_message)
{
  if (params == NULL)
    {
      invalid_params ("missing params", error_code, error_message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (params))
    {
      invalid_params ("expected an object", error_code, error_message);
      return NULL;
    }
  return json_node_get_object (params);
}

/* A required string member: `Invalid params: missing <name>`,
 * `Invalid params: <name> must be a string`. */
static const char *
member_string (JsonObject  *object,
               const char  *name,
               int         *error_code,
               char       **error_message)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    {
      fail (WC_JSONRPC_INVALID_PARAMS, g_strdup_printf ("Invalid params: missing %s", name),
            error_code, error_message);
      return NULL;
    }
  if (!wc_json_node_is_string (node))
    {
      fail (WC_JSONRPC_INVALID_PARAMS,
            g_strdup_printf ("Invalid params: %s must be a string", name),
            error_code, error_message);
      return NULL;
    }
  return json_node_get_string (node);
}

/* A required number member: `Invalid params: missing <name>`,
 * `Invalid params: <name> must be <rule>` when not a number or @ok_func refuses it. */
static gboolean
member_number (JsonObject  *object,
               const char  *name,
               gboolean   (*ok_func) (double),
               const char  *rule,
               double      *value,
               int         *error_code,
               char       **error_message)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    return fail (WC_JSONRPC_INVALID_PARAMS, g_strdup_printf ("Invalid params: missing %s", name),
                 error_code, error_message);
  if (!wc_json_node_get_number (node, value) || !ok_func (*value))
    return fail (WC_JSONRPC_INVALID_PARAMS,
                 g_strdup_printf ("Invalid params: %s must be %s", name, rule),
                 error_code, error_message);
  return TRUE;
}

static gboolean
is_size (double v)
{
  return isfinite (v) && v >= 0;
}

static gboolean
is_positive (double v)
{
  return isfinite (v) && v > 0;
}

static gboolean
is_buffer_size (double v)
{
  return isfinite (v) && v >= 1 && v <= G_MAXUINT && v == floor (v);
}

static int
host_error_to_code (const GError *error)
{
  if (error->domain == WC_PARAM_HOST_ERROR)
    switch (error->code)
      {
      case WC_PARAM_HOST_ERROR_NOT_FOUND:
        return WC_JSONRPC_PARAM_NOT_FOUND;
      case WC_PARAM_HOST_ERROR_OUT_OF_RANGE:
        return WC_JSONRPC_OUT_OF_RANGE;
      case WC_PARAM_HOST_ERROR_INVALID_VALUE:
        return WC_JSONRPC_INVALID_PARAMS;
      default:
        break;
      }
  return WC_JSONRPC_INTERNAL_ERROR;
}

static gboolean
fail_host (GError  *error,   /* (transfer full) */
           int     *error_code,
           char   **error_message)
{
  int code = host_error_to_code (error);

  *error_code = code;
  *error_message = code == WC_JSONRPC_INTERNAL_ERROR ? NULL : g_strdup (error->message);
  g_error_free (error);
  return FALSE;
}

/* getAllParameters -> {"parameters":[ParameterInfo...]}, each with its current value.
 * The text is rebuilt only when the host's serial moved. */
static gboolean
get_all_parameters (WcJsonRpc  *rpc,
                    gpointer    client,
                    JsonNode   *params,
                    GString    *result,
                    int        *error_code,
                    char      **error_message,
                    gpointer    user_data)
{
  Methods *m = user_data;
  guint64 serial = wc_param_host_get_serial (m->host);

  if (m->all_params_serial != serial)
    {
      GPtrArray *list = wc_param_host_get_params (m->host);
      GString *out = m->all_params;

      g_string_truncate (out, 0);
      g_string_append (out, "{\"parameters\":[");
      for (guint i = 0; i < list->len; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          wc_param_info_append_json (g_ptr_array_index (list, i), out);
        }
      g_string_append (out, "]}");
      m->all_params_serial = serial;
    }
  g_string_append_len (result, m->all_params->str, m->all_params->len);
  return TRUE;
}

/* getParameter {"id"} -> {"id","value"} */
static gboolean
get_parameter (WcJsonRpc  *rpc,
               gpointer    client,
               JsonNode   *params,
               GString    *result,
               int        *error_code,
               char      **error_message,
               gpointer    user_data)
{
  Methods *m = user_data;
  JsonObject *object;
  const char *id;
  double value;
  GError *error = NULL;

  if ((object = params_object (params, error_code, error_message)) == NULL
      || (id = member_string (object, "id", error_code, error_message)) == NULL)
    return FALSE;

  if (!wc_param_host_get_value (m->host, id, &value, &error))
    return fail_host (error, error_code, error_message);

  g_string_append (result, "{\"id\":");
  wc_json_append_string (result, id);
  g_string_append (result, ",\"value\":");
  wc_json_append_double (result, value);
  g_string_append_c (result, '}');
  return TRUE;
}

/* setParameter {"id","value"} -> {}; a bool also takes JSON true/false. The host emits
 * parameter-changed, which the server turns into the parameterChanged broadcast. */
static gboolean
set_parameter (WcJsonRpc  *rpc,
               gpointer    client,
               JsonNode   *params,
               GString    *result,
               int        *error_code,
               char      **error_message,
               gpointer    user_data)
{
  Methods *m = user_data;
  JsonObject *object;
  JsonNode *value_node;
  const char *id;
  double value;
  GError *error = NULL;

  if ((object = params_object (params, error_code, error_message)) == NULL
      || (id = member_string (object, "id", error_code, error_message)) == NULL)
    return FALSE;

  value_node = json_object_get_member (object, "value");
  if (value_node == NULL)
    return invalid_params ("missing value", error_code, error_message);

  if (JSON_NODE_HOLDS_VALUE (value_node)
      && json_node_get_value_type (value_node) == G_TYPE_BOOLEAN)
    {
      const WcParamInfo *info = wc_param_host_lookup (m->host, id);

      /* An unknown id gets the host's not-found error below. */
      if (info != NULL && info->type != WC_PARAM_TYPE_BOOL)
        return invalid_params ("value must be a number", error_code, error_message);
      value = json_node_get_boolean (value_node) ? 1.0 : 0.0;
    }
  else if (!wc_json_node_get_number (value_node, &value))
    return invalid_params ("value must be a number", error_code, error_message);

  if (!wc_param_host_set_value (m->host, id, value, &error))
    return fail_host (error, error_code, error_message);

  g_string_append_len (result, "{}", 2);
  return TRUE;
}

/* getMeterFrame -> {"frame":{...}} or {"frame":null} */
static gboolean
get_meter_frame (WcJsonRpc  *rpc,
                 gpointer    client,
                 JsonNode   *params,
                 GString    *result,
                 int        *error_code,
                 char      **error_message,
                 gpointer    user_data)
{
  Methods *m = user_data;
  WcMeterFrame frame;

  g_string_append (result, "{\"frame\":");
  if (wc_meter_source_get_frame (m->meters, &frame))
    wc_meter_frame_append_json (&frame, result);
  else
    g_string_append (result, "null");
  g_string_append_c (result, '}');
  return TRUE;
}

/* getOscilloscopeFrame -> {"frame":null}: there is no waveform in dev mode. */
static gboolean
get_oscilloscope_frame (WcJsonRpc  *rpc,
                        gpointer    client,
                        JsonNode   *params,
                        GString    *result,
                        int        *error_code,
                        char      **error_message,
                        gpointer    user_data)
{
  g_string_append (result, "{\"frame\":null}");
  return TRUE;
}

/* getAudioStatus -> {"status":{"phase",...,"updated_at_ms"}} */
static gboolean
get_audio_status (WcJsonRpc  *rpc,
                  gpointer    client,
                  JsonNode   *params,
                  GString    *result,
                  int        *error_code,
                  char      **error_message,
                  gpointer    user_data)
{
  Methods *m = user_data;

  g_string_append (result, "{\"status\":");
  wc_meter_source_append_audio_status (m->meters, result);
  g_string_append_c (result, '}');
  return TRUE;
}

/* requestResize {"width","height"} -> {"accepted":false}: no window in dev mode. */
static gboolean
request_resize (WcJsonRpc  *rpc,
                gpointer    client,
                JsonNode   *params,
                GString    *result,
                int        *error_code,
                char      **error_message,
                gpointer    user_data)
{
  JsonObject *object;
  double width, height;

  if ((object = params_object (params, error_code, error_message)) == NULL
      || !member_number (object, "width", is_size, "a non-negative number", &width,
                         error_code, error_message)
      || !member_number (object, "height", is_size, "a non-negative number", &height,
                         error_code, error_message))
    return FALSE;

  g_string_append (result, "{\"accepted\":false}");
  return TRUE;
}

/* ping -> {"pong":true} */
static gboolean
ping (WcJsonRpc  *rpc,
      gpointer    client,
      JsonNode   *params,
      GString    *result,
      int        *error_code,
      char      **error_message,
      gpointer    user_data)
{
  g_string_append (result, "{\"pong\":true}");
  return TRUE;
}

/* registerAudio {"client_id","sample_rate","buffer_size"} -> {"status":"registered"} */
static gboolean
register_audio (WcJsonRpc  *rpc,
                gpointer    client,
                JsonNode   *params,
                GString    *result,
                int        *error_code,
                char      **error_message,
                gpointer    user_data)
{
  Methods *m = user_data;
  JsonObject *object;
  const char *client_id;
  double sample_rate, buffer_size;

  if ((object = params_object (params, error_code, error_message)) == NULL
      || (client_id = member_string (object, "client_id", error_code, error_message)) == NULL
      || !member_number (object, "sample_rate", is_positive, "a positive number", &sample_rate,
                         error_code, error_message)
      || !member_number (object, "buffer_size", is_buffer_size, "a positive integer",
                         &buffer_size, error_code, error_message))
    return FALSE;

  /* A connection is needed to tell the source's frames apart from the others'. */
  if (client == NULL)
    return fail (WC_JSONRPC_INTERNAL_ERROR, NULL, error_code, error_message);

  wc_meter_source_register_audio (m->meters, client, client_id, sample_rate,
                                  (guint) buffer_size);
  g_string_append (result, "{\"status\":\"registered\"}");
  return TRUE;
}

/* meterUpdate (a notification from an audio source) -> {} if sent with an id. Frames from
 * connections that did not register audio are ignored. */
static gboolean
meter_update (WcJsonRpc  *rpc,
              gpointer    client,
              JsonNode   *params,
              GString    *result,
              int        *error_code,
              char      **error_message,
              gpointer    user_data)
{
  Methods *m = user_data;
  WcMeterFrame frame;

  if (!wc_meter_frame_from_update_params (params, &frame, error_message))
    {
      *error_code = WC_JSONRPC_INVALID_PARAMS;
      return FALSE;
    }
  wc_meter_source_push (m->meters, client, &frame);
  g_string_append_len (result, "{}", 2);
  return TRUE;
}

/**
 * wc_rpc_methods_install:
 * @rpc: the dispatcher
 * @host: the session's parameters
 * @meters: the session's meters
 *
 * Registers every method of PROTOCOL.md §4 on @rpc: getAllParameters, getParameter,
 * setParameter, getMeterFrame, getOscilloscopeFrame (always `{"frame":null}`),
 * getAudioStatus, requestResize (always `{"accepted":false}`), ping, registerAudio, and the
 * incoming meterUpdate notification. @rpc keeps references on @host and @meters.
 *
 * Errors: -32602 `Invalid params: missing params` / `expected an object` /
 * `missing <field>` / `<field> must be a string` / `value must be a number` /
 * `<field> must be a non-negative number` / `<field> must be a positive number` /
 * `buffer_size must be a positive integer`; host errors keep the host's message and map
 * NOT_FOUND to -32000, OUT_OF_RANGE to -32001 and INVALID_VALUE to -32602.
 *
 * The `client` given to wc_jsonrpc_handle() must be the connection (non-%NULL) for
 * registerAudio and meterUpdate to work; the caller must call
 * wc_meter_source_unregister_client() when a connection closes. The parameterChanged
 * broadcast is the caller's: connect to #WcParamHost::parameter-changed.
 */
void
wc_rpc_methods_install (WcJsonRpc     *rpc,
                        WcParamHost   *host,
                        WcMeterSource *meters)
{
  Methods *m;

  g_return_if_fail (WC_IS_JSONRPC (rpc));
  g_return_if_fail (WC_IS_PARAM_HOST (host));
  g_return_if_fail (WC_IS_METER_SOURCE (meters));

  m = g_new0 (Methods, 1);
  m->host = g_object_ref (host);
  m->meters = g_object_ref (meters);
  m->all_params = g_string_sized_new (1024);
  m->all_params_serial = 0;
  g_object_set_data_full (G_OBJECT (rpc), "wc-rpc-methods", m, methods_free);

  wc_jsonrpc_add_method (rpc, "getAllParameters", get_all_parameters, m);
  wc_jsonrpc_add_method (rpc, "getParameter", get_parameter, m);
  wc_jsonrpc_add_method (rpc, "setParameter", set_parameter, m);
  wc_jsonrpc_add_method (rpc, "getMeterFrame", get_meter_frame, m);
  wc_jsonrpc_add_method (rpc, "getOscilloscopeFrame", get_oscilloscope_frame, m);
  wc_jsonrpc_add_method (rpc, "getAudioStatus", get_audio_status, m);
  wc_jsonrpc_add_method (rpc, "requestResize", request_resize, m);
  wc_jsonrpc_add_method (rpc, "ping", ping, m);
  wc_jsonrpc_add_method (rpc, "registerAudio", register_audio, m);
  wc_jsonrpc_add_method (rpc, "meterUpdate", meter_update, m);
}
