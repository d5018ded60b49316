/* wc-jsonrpc.c: JSON-RPC 2.0 dispatch (PROTOCOL.md §4), independent of any socket.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-jsonrpc"

#include <string.h>

#include "wc-json.h"
#include "wc-jsonrpc.h"

/*
 * Requests are parsed by json-glib's JsonParser (one per dispatcher, reused). A single
 * guard pass in front of it (wc_json_parse()) covers what json-glib 1.6 gets wrong with
 * hostile input: unbounded recursion on deep nesting, integers beyond 64 bits read as -1,
 * `\u0000`, lone surrogates and octal escapes that yield truncated or invalid UTF-8, and the
 * non-JSON forms it takes (comments, single quotes, `01`, a BOM, text after the value): all
 * of these are a Parse error (-32700).
 *
 * Replies are written as text into one GString: the envelope, then the handler appends its
 * `result` text in place. The wire strings below are a contract read by programs
 * (PROTOCOL.md §4), so they are not translated.
 */

typedef struct
{
  WcJsonRpcHandler handler;
  gpointer         user_data;
} Method;

struct _WcJsonRpc
{
  GObject     parent_instance;

  GHashTable *methods;   /* (owned) char * -> (owned) Method * */
  JsonParser *parser;    /* reused for every frame */
};

G_DEFINE_FINAL_TYPE (WcJsonRpc, wc_jsonrpc, G_TYPE_OBJECT)

static void
wc_jsonrpc_finalize (GObject *object)
{
  WcJsonRpc *self = WC_JSONRPC (object);

  g_clear_pointer (&self->methods, g_hash_table_unref);
  g_clear_object (&self->parser);

  G_OBJECT_CLASS (wc_jsonrpc_parent_class)->finalize (object);
}

static void
wc_jsonrpc_class_init (WcJsonRpcClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wc_jsonrpc_finalize;
}

static void
wc_jsonrpc_init (WcJsonRpc *self)
{
  self->methods = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->parser = json_parser_new_immutable ();
}

/**
 * wc_jsonrpc_new:
 *
 * Creates a dispatcher with no methods.
 *
 * Returns: (transfer full): a new #WcJsonRpc
 */
WcJsonRpc *
wc_jsonrpc_new (void)
{
  return g_object_new (WC_TYPE_JSONRPC, NULL);
}

/**
 * wc_jsonrpc_add_method:
 * @self: a #WcJsonRpc
 * @method: the method name, matched exactly (case-sensitive)
 * @handler: the handler
 * @user_data: data passed to @handler; it must outlive @self (attach it to @self with
 *   g_object_set_data_full() when needed)
 *
 * Registers @handler for @method, replacing an earlier handler of the same name.
 */
void
wc_jsonrpc_add_method (WcJsonRpc        *self,
                       const char       *method,
                       WcJsonRpcHandler  handler,
                       gpointer          user_data)
{
  Method *m;

  g_return_if_fail (WC_IS_JSONRPC (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (handler != NULL);

  m = g_new0 (Method, 1);
  m->handler = handler;
  m->user_data = user_data;
  g_hash_table_replace (self->methods, g_strdup (method), m);
}

/* ---------------------------------------------------------------------------------------- */
/* Parsing: json-glib, behind two guards                                                    */

/**
 * wc_jsonrpc_parse:
 * @text: the text; need not be NUL-terminated
 * @length: length of @text in bytes
 *
 * Parses one JSON value with json-glib, as wc_jsonrpc_handle() does, after checking that
 * @text is valid UTF-8 and nests at most %WC_JSONRPC_MAX_DEPTH arrays/objects deep (deeper
 * text would exhaust json-glib's recursion).
 *
 * Returns: (transfer full) (nullable): the tree, or %NULL when @text is not such JSON
 */
JsonNode *
wc_jsonrpc_parse (const char *text,
                  gsize       length)
{
  g_return_val_if_fail (text != NULL || length == 0, NULL);

  return wc_json_parse (NULL, text, length, NULL);
}

/* ---------------------------------------------------------------------------------------- */
/* Replies                                                                                  */

static const char *
default_message (int code)
{
  switch (code)
    {
    case WC_JSONRPC_PARSE_ERROR: return "Parse error";
    case WC_JSONRPC_INVALID_REQUEST: return "Invalid request";
    case WC_JSONRPC_METHOD_NOT_FOUND: return "Method not found";
    case WC_JSONRPC_INVALID_PARAMS: return "Invalid params";
    case WC_JSONRPC_INTERNAL_ERROR: return "Internal error";
    default: return "Server error";
    }
}

static void
append_id (GString  *out,
           JsonNode *id)
{
  if (id == NULL || JSON_NODE_HOLDS_NULL (id))
    g_string_append_len (out, "null", 4);
  else if (json_node_get_value_type (id) == G_TYPE_INT64)
    {
      char buf[24];
      int n = g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, json_node_get_int (id));

      g_string_append_len (out, buf, n);
    }
  else
    wc_json_append_string (out, json_node_get_string (id));
}

static void
append_error (GString    *out,
              JsonNode   *id,
              int         code,
              const char *message)
{
  char buf[16];
  int n;

  g_string_append_len (out, "{\"jsonrpc\":\"2.0\",\"id\":", 22);
  append_id (out, id);
  g_string_append_len (out, ",\"error\":{\"code\":", 17);
  n = g_snprintf (buf, sizeof buf, "%d", code);
  g_string_append_len (out, buf, n);
  g_string_append_len (out, ",\"message\":", 11);
  wc_json_append_string (out, message != NULL ? message : default_message (code));
  g_string_append_len (out, "}}", 2);
}

static gboolean
id_is_valid (JsonNode *id)
{
  GType type;

  if (JSON_NODE_HOLDS_NULL (id))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (id))
    return FALSE;
  type = json_node_get_value_type (id);
  return type == G_TYPE_INT64 || type == G_TYPE_STRING;
}

/* Appends the reply to one request object to @out. Returns FALSE when there is none. */
static gboolean
handle_one (WcJsonRpc *self,
            gpointer   client,
            JsonNode  *node,
            GString   *out)
{
  JsonObject *object;
  JsonNode *id;
  JsonNode *version;
  JsonNode *method_node;
  JsonNode *params;
  const char *method;
  Method *m;
  gsize mark;
  gsize result_mark;
  int error_code = 0;
  char *error_message = NULL;
  gboolean ok;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      append_error (out, NULL, WC_JSONRPC_INVALID_REQUEST, "Invalid request");
      return TRUE;
    }
  object = json_node_get_object (node);

  /* An absent id makes a notification; an id of a type we cannot echo (object, array,
   * boolean, fractional or out-of-range number) makes an invalid request, answered with a
   * null id. An invalid request is answered even without an id (JSON-RPC 2.0 §5). */
  id = json_object_get_member (object, "id");
  if (id != NULL && !id_is_valid (id))
    {
      append_error (out, NULL, WC_JSONRPC_INVALID_REQUEST, "Invalid request");
      return TRUE;
    }

  version = json_object_get_member (object, "jsonrpc");
  method_node = json_object_get_member (object, "method");
  if (!wc_json_node_is_string (version)
      || strcmp (json_node_get_string (version), "2.0") != 0
      || !wc_json_node_is_string (method_node))
    {
      append_error (out, id, WC_JSONRPC_INVALID_REQUEST, "Invalid request");
      return TRUE;
    }
  method = json_node_get_string (method_node);

  params = json_object_get_member (object, "params");
  if (params != NULL && JSON_NODE_HOLDS_NULL (params))
    params = NULL;
  if (params != NULL && !JSON_NODE_HOLDS_OBJECT (params) && !JSON_NODE_HOLDS_ARRAY (params))
    {
      if (id == NULL)
        return FALSE;
      append_error (out, id, WC_JSONRPC_INVALID_PARAMS,
                    "Invalid params: params must be an object or an array");
      return TRUE;
    }

  m = g_hash_table_lookup (self->methods, method);
  if (m == NULL)
    {
      g_autofree char *message = NULL;

      if (id == NULL)
        return FALSE;
      message = g_strconcat ("Method not found: ", method, NULL);
      append_error (out, id, WC_JSONRPC_METHOD_NOT_FOUND, message);
      return TRUE;
    }

  mark = out->len;
  if (id != NULL)
    {
      g_string_append_len (out, "{\"jsonrpc\":\"2.0\",\"id\":", 22);
      append_id (out, id);
      g_string_append_len (out, ",\"result\":", 10);
    }
  result_mark = out->len;

  ok = m->handler (self, client, params, out, &error_code, &error_message, m->user_data);

  if (id == NULL)
    {
      /* A notification: the method ran, nothing is sent. */
      g_string_truncate (out, mark);
      g_free (error_message);
      return FALSE;
    }

  if (ok)
    {
      if (out->len == result_mark)
        g_string_append_len (out, "null", 4);
      g_string_append_c (out, '}');
      return TRUE;
    }

  g_string_truncate (out, mark);
  if (error_code == 0)
    {
      error_code = WC_JSONRPC_INTERNAL_ERROR;
      g_clear_pointer (&error_message, g_free);
    }
  append_error (out, id, error_code, error_message);
  g_free (error_message);
  return TRUE;
}

/**
 * wc_jsonrpc_handle_into:
 * @self: a #WcJsonRpc
 * @client: (nullable): opaque per-connection pointer passed to the handlers
 * @text: one incoming text frame; need not be NUL-terminated
 * @length: length of @text in bytes
 * @out: a #GString the reply text is appended to
 *
 * Like wc_jsonrpc_handle(), but appends the reply to @out, so a caller can reuse one buffer.
 *
 * Returns: %TRUE when a reply was appended, %FALSE when there is nothing to send (@out is
 *   then unchanged)
 */
gboolean
wc_jsonrpc_handle_into (WcJsonRpc  *self,
                        gpointer    client,
                        const char *text,
                        gsize       length,
                        GString    *out)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (WC_IS_JSONRPC (self), FALSE);
  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  root = wc_json_parse (self->parser, text, length, NULL);
  if (root == NULL)
    {
      append_error (out, NULL, WC_JSONRPC_PARSE_ERROR, "Parse error");
      return TRUE;
    }

  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *batch = json_node_get_array (root);
      guint n = json_array_get_length (batch);
      gsize start = out->len;
      gboolean any = FALSE;

      if (n == 0)
        {
          append_error (out, NULL, WC_JSONRPC_INVALID_REQUEST, "Invalid request");
          return TRUE;
        }

      g_string_append_c (out, '[');
      for (guint i = 0; i < n; i++)
        {
          gsize mark = out->len;

          if (any)
            g_string_append_c (out, ',');
          if (handle_one (self, client, json_array_get_element (batch, i), out))
            any = TRUE;
          else
            g_string_truncate (out, mark);
        }
      if (!any)
        {
          g_string_truncate (out, start);
          return FALSE;
        }
      g_string_append_c (out, ']');
      return TRUE;
    }

  return handle_one (self, client, root, out);
}

/**
 * wc_jsonrpc_handle:
 * @self: a #WcJsonRpc
 * @client: (nullable): opaque per-connection pointer passed to the handlers
 * @text: one incoming text frame; need not be NUL-terminated
 * @length: length of @text in bytes
 *
 * Turns one JSON-RPC 2.0 message (a request, a notification or a batch) into the reply text
 * (PROTOCOL.md §4):
 * - replies are `{"jsonrpc":"2.0","id":ID,"result":R}` or
 *   `{"jsonrpc":"2.0","id":ID,"error":{"code":C,"message":M}}`, keys in that order; `id`
 *   is echoed with its JSON type (integer, string or null);
 * - a request without `id` is a notification: its method runs, no reply;
 * - text that is not JSON (see wc_jsonrpc_parse()): -32700 `Parse error`, id null;
 * - not an object, `jsonrpc` not `"2.0"`, `method` not a string, an empty batch, or an `id`
 *   that is not an integer, a string or null: -32600 `Invalid request` (answered even
 *   without an id; the id is echoed when it is valid, else null);
 * - `params` not an object, an array or null: -32602
 *   `Invalid params: params must be an object or an array`;
 * - an unknown method: -32601 `Method not found: <method>`;
 * - a handler failing without a code: -32603 `Internal error`;
 * - a batch answers with an array of the replies in request order, or nothing when all its
 *   entries were notifications.
 *
 * Returns: (transfer full) (nullable): the reply text, or %NULL when there is nothing to send
 */
char *
wc_jsonrpc_handle (WcJsonRpc  *self,
                   gpointer    client,
                   const char *text,
                   gsize       length)
{
  GString *out;

  g_return_val_if_fail (WC_IS_JSONRPC (self), NULL);
  g_return_val_if_fail (text != NULL || length == 0, NULL);

  out = g_string_sized_new (256);
  if (!wc_jsonrpc_handle_into (self, client, text, length, out))
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/**
 * wc_jsonrpc_append_notification:
 * @out: a #GString to append to
 * @method: the method name
 * @params_json: (nullable): the JSON text of `params` (an object), or %NULL to leave
 *   `params` out
 *
 * Appends `{"jsonrpc":"2.0","method":M,"params":P}` (no `id` key, PROTOCOL.md §4).
 */
void
wc_jsonrpc_append_notification (GString    *out,
                                const char *method,
                                const char *params_json)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (method != NULL);

  g_string_append_len (out, "{\"jsonrpc\":\"2.0\",\"method\":", 26);
  wc_json_append_string (out, method);
  if (params_json != NULL)
    {
      g_string_append_len (out, ",\"params\":", 10);
      g_string_append (out, params_json);
    }
  g_string_append_c (out, '}');
}

/**
 * wc_jsonrpc_notification:
 * @method: the method name, such as `parameterChanged`
 * @params_json: (nullable): the JSON text of `params` (an object), or %NULL to leave
 *   `params` out
 *
 * Builds a server notification `{"jsonrpc":"2.0","method":M,"params":P}` (no `id` key,
 * PROTOCOL.md §4).
 *
 * Returns: (transfer full): the text
 */
char *
wc_jsonrpc_notification (const char *method,
                         const char *params_json)
{
  GString *out;

  g_return_val_if_fail (method != NULL, NULL);

  out = g_string_sized_new (64 + (params_json != NULL ? strlen (params_json) : 0));
  wc_jsonrpc_append_notification (out, method, params_json);
  return g_string_free (out, FALSE);
}
