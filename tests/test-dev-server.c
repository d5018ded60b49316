/* test-dev-server.c: WcDevServer over real sockets: libsoup WebSocket clients, raw TCP
 * clients for what libsoup will not send, and HTTP requests for the built-in UI.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "wc-dev-server.h"
#include "wc-dev-server-private.h"
#include "wc-jsonrpc.h"
#include "wc-meter-source.h"
#include "wc-param-host.h"
#include "wc-param-info.h"
#include "wc-test-util.h"

#define DEADLINE_MS 20000

static const char params_json[] =
  "[{\"id\":\"gain\",\"name\":\"Gain\",\"type\":\"float\",\"min\":-60,\"max\":12,\"default\":0,"
  "\"unit\":\"dB\",\"group\":\"Main\"},"
  "{\"id\":\"bypass\",\"name\":\"Bypass\",\"type\":\"bool\",\"min\":0,\"max\":1,\"default\":0},"
  "{\"id\":\"mode\",\"name\":\"Mode\",\"type\":\"enum\",\"min\":0,\"max\":2,\"default\":0,"
  "\"variants\":[\"A\",\"B\",\"C\"]}]";

typedef struct
{
  WcParamHost   *host;
  WcMeterSource *meters;
  WcDevServer   *server;
  SoupSession   *session;
  guint          port;
  guint          n_connected;
  guint          n_disconnected;
} Fixture;

static void
on_client_connected (WcDevServer *server,
                     gpointer     client,
                     Fixture     *f)
{
  g_assert_nonnull (client);
  f->n_connected++;
}

static void
on_client_disconnected (WcDevServer *server,
                        gpointer     client,
                        Fixture     *f)
{
  g_assert_nonnull (client);
  f->n_disconnected++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GError) error = NULL;

  params = wc_param_info_list_parse (params_json, -1, &error);
  g_assert_no_error (error);

  f->host = wc_param_host_new ();
  wc_param_host_replace (f->host, params);
  f->meters = wc_meter_source_new ();
  f->server = wc_dev_server_new (f->host, f->meters);
  g_signal_connect (f->server, "client-connected", G_CALLBACK (on_client_connected), f);
  g_signal_connect (f->server, "client-disconnected", G_CALLBACK (on_client_disconnected), f);

  g_assert_true (wc_dev_server_start (f->server, &error));
  g_assert_no_error (error);
  f->port = wc_dev_server_get_port (f->server);
  g_assert_cmpuint (f->port, >, 0);
  g_assert_true (wc_dev_server_is_running (f->server));

  f->session = soup_session_new ();
}

static gboolean
no_sockets (gpointer data)
{
  return wc_dev_server_get_n_sockets (data) == 0;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);
  wc_dev_server_stop (f->server);
  wc_test_wait_until (no_sockets, f->server, 3000);
  g_clear_object (&f->server);
  g_clear_object (&f->meters);
  g_clear_object (&f->host);
  /* let idle callbacks and closing streams finish before the next test */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* ---- libsoup WebSocket client ------------------------------------------------------------- */

typedef struct
{
  SoupWebsocketConnection *conn;
  GPtrArray               *log;            /* every text message, in order */
  GPtrArray               *replies;        /* messages with an "id", and batches */
  GPtrArray               *changes;        /* parameterChanged texts */
  GPtrArray               *meters;         /* meterUpdate params (JsonNode) */
  guint                    n_other;        /* other notifications */
  guint                    n_binary;
  gboolean                 closed;
} Client;

static void
on_message (SoupWebsocketConnection *conn,
            int                      type,
            GBytes                  *message,
            Client                  *c)
{
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      c->n_binary++;
      return;
    }

  g_ptr_array_add (c->log, g_strndup (data, len));
  node = json_from_string (g_ptr_array_index (c->log, c->log->len - 1), &error);
  g_assert_no_error (error);

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      g_ptr_array_add (c->replies, g_strndup (data, len));
      return;
    }
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);
  if (json_object_has_member (object, "id"))
    g_ptr_array_add (c->replies, g_strndup (data, len));
  else if (g_strcmp0 (json_object_get_string_member (object, "method"), "meterUpdate") == 0)
    g_ptr_array_add (c->meters, json_node_copy (json_object_get_member (object, "params")));
  else if (g_strcmp0 (json_object_get_string_member (object, "method"), "parameterChanged") == 0)
    g_ptr_array_add (c->changes, g_strndup (data, len));
  else
    c->n_other++;
}

static void
on_closed (SoupWebsocketConnection *conn,
           Client                  *c)
{
  c->closed = TRUE;
}

static Client *
client_connect_full (Fixture     *f,
                     const char  *path,
                     const char  *origin,
                     GError     **error)
{
  g_autofree char *uri = g_strdup_printf ("ws://127.0.0.1:%u%s", f->port, path);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GAsyncResult) result = NULL;
  SoupWebsocketConnection *conn;
  Client *c;

  soup_session_websocket_connect_async (f->session, msg, origin, NULL, G_PRIORITY_DEFAULT,
                                        NULL, wc_test_store_result, &result);
  g_assert_nonnull (wc_test_wait_result (&result, DEADLINE_MS));
  conn = soup_session_websocket_connect_finish (f->session, result, error);
  if (conn == NULL)
    return NULL;

  c = g_new0 (Client, 1);
  c->conn = conn;
  c->log = g_ptr_array_new_with_free_func (g_free);
  c->replies = g_ptr_array_new_with_free_func (g_free);
  c->changes = g_ptr_array_new_with_free_func (g_free);
  c->meters = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  soup_websocket_connection_set_max_incoming_payload_size (conn, 0);
  g_signal_connect (conn, "message", G_CALLBACK (on_message), c);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), c);
  return c;
}

static gboolean
client_is_closed (gpointer data)
{
  return ((Client *) data)->closed;
}

static Client *
client_connect (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  Client *c = client_connect_full (f, "/", NULL, &error);

  g_assert_no_error (error);
  return c;
}

static void
client_free (Client *c)
{
  if (soup_websocket_connection_get_state (c->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (c->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_assert_true (wc_test_wait_until (client_is_closed, c, DEADLINE_MS));
  g_signal_handlers_disconnect_by_data (c->conn, c);
  g_object_unref (c->conn);
  g_ptr_array_unref (c->log);
  g_ptr_array_unref (c->replies);
  g_ptr_array_unref (c->changes);
  g_ptr_array_unref (c->meters);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

typedef struct
{
  GPtrArray *array;
  guint      count;
} WaitCount;

static gboolean
array_has (gpointer data)
{
  WaitCount *w = data;
  return w->array->len >= w->count;
}

static void
wait_count (GPtrArray *array,
            guint      count)
{
  WaitCount w = { array, count };

  g_assert_true (wc_test_wait_until (array_has, &w, DEADLINE_MS));
}

typedef struct
{
  GPtrArray  *array;
  const char *text;
} WaitText;

static gboolean
array_has_text (gpointer data)
{
  WaitText *w = data;

  for (guint i = 0; i < w->array->len; i++)
    if (g_str_equal (g_ptr_array_index (w->array, i), w->text))
      return TRUE;
  return FALSE;
}

static void
wait_text (GPtrArray  *array,
           const char *text)
{
  WaitText w = { array, text };

  g_assert_true (wc_test_wait_until (array_has_text, &w, DEADLINE_MS));
}

/* Sends @text and returns the next reply (a response or a batch), as text. */
static const char *
client_request (Client     *c,
                const char *text)
{
  guint n = c->replies->len;

  soup_websocket_connection_send_text (c->conn, text);
  wait_count (c->replies, n + 1);
  return g_ptr_array_index (c->replies, n);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* The `result` of a response to id @id, checked for the JSON-RPC envelope. */
static JsonNode *
expect_result (const char *reply,
               gint64      id)
{
  g_autoptr(JsonNode) node = parse (reply);
  JsonObject *o = json_node_get_object (node);

  g_assert_cmpstr (json_object_get_string_member (o, "jsonrpc"), ==, "2.0");
  g_assert_cmpint (json_object_get_int_member (o, "id"), ==, id);
  g_assert_false (json_object_has_member (o, "error"));
  g_assert_true (json_object_has_member (o, "result"));
  return json_node_copy (json_object_get_member (o, "result"));
}

static void
expect_error (const char *reply,
              const char *id_json,
              int         code,
              const char *message)
{
  g_autoptr(JsonNode) node = parse (reply);
  JsonObject *o = json_node_get_object (node);
  JsonObject *e;
  g_autofree char *id = NULL;

  g_assert_cmpstr (json_object_get_string_member (o, "jsonrpc"), ==, "2.0");
  g_assert_true (json_object_has_member (o, "id"));
  id = json_to_string (json_object_get_member (o, "id"), FALSE);
  g_assert_cmpstr (id, ==, id_json);
  g_assert_false (json_object_has_member (o, "result"));
  e = json_object_get_object_member (o, "error");
  g_assert_nonnull (e);
  g_assert_cmpint (json_object_get_int_member (e, "code"), ==, code);
  g_assert_cmpstr (json_object_get_string_member (e, "message"), ==, message);
}

/* ---- raw TCP client ------------------------------------------------------------------------ */

typedef struct
{
  GSocket    *socket;
  GByteArray *in;
  char       *response_head;   /* the HTTP status line and headers */
  guint       status;
  gboolean    eof;
} Raw;

static Raw *
raw_connect (Fixture *f,
             int      rcvbuf)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", f->port);
  Raw *raw = g_new0 (Raw, 1);

  raw->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                              G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  if (rcvbuf > 0)
    g_assert_true (g_socket_set_option (raw->socket, SOL_SOCKET, SO_RCVBUF, rcvbuf, NULL));
  /* a loopback connect completes in the kernel's backlog, no server iteration needed */
  g_assert_true (g_socket_connect (raw->socket, address, NULL, &error));
  g_assert_no_error (error);
  g_socket_set_blocking (raw->socket, FALSE);
  raw->in = g_byte_array_new ();
  return raw;
}

static void
raw_free (Raw *raw)
{
  g_socket_close (raw->socket, NULL);
  g_object_unref (raw->socket);
  g_byte_array_unref (raw->in);
  g_free (raw->response_head);
  g_free (raw);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Raw, raw_free)

static gboolean
set_flag (GSocket      *socket,
          GIOCondition  condition,
          gpointer      data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_CONTINUE;
}

static void
raw_wait (Raw          *raw,
          GIOCondition  condition)
{
  gboolean ready = FALSE;
  GSource *source = g_socket_create_source (raw->socket, condition | G_IO_HUP | G_IO_ERR, NULL);

  g_source_set_callback (source, (GSourceFunc) (void (*) (void)) set_flag, &ready, NULL);
  g_source_attach (source, NULL);
  g_assert_true (wc_test_wait_flag (&ready, DEADLINE_MS));
  g_source_destroy (source);
  g_source_unref (source);
}

static void
raw_send (Raw          *raw,
          const void   *data,
          gsize         length)
{
  const guint8 *p = data;

  while (length > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (raw->socket, (const char *) p, length, NULL, &error);

      if (n < 0)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
          raw_wait (raw, G_IO_OUT);
          continue;
        }
      p += n;
      length -= n;
    }
}

/* Reads what is there (waiting for something); FALSE at end of stream. */
static gboolean
raw_read_some (Raw *raw)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      guint8 buf[16384];
      gssize n = g_socket_receive (raw->socket, (char *) buf, sizeof buf, NULL, &error);

      if (n > 0)
        {
          g_byte_array_append (raw->in, buf, n);
          return TRUE;
        }
      if (n == 0 || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          if (n < 0)
            g_test_message ("raw client: %s", error->message);
          raw->eof = TRUE;
          return FALSE;
        }
      raw_wait (raw, G_IO_IN);
    }
}

/* Sends an HTTP request and reads the response head; returns the status code. */
static guint
raw_request (Raw        *raw,
             const char *request)
{
  const char *end;

  raw_send (raw, request, strlen (request));
  for (;;)
    {
      g_byte_array_append (raw->in, (const guint8 *) "", 1);
      end = strstr ((const char *) raw->in->data, "\r\n\r\n");
      g_byte_array_set_size (raw->in, raw->in->len - 1);
      if (end != NULL)
        break;
      if (!raw_read_some (raw))
        g_error ("connection closed before the response head");
    }

  raw->response_head = g_strndup ((const char *) raw->in->data,
                                  end - (const char *) raw->in->data);
  g_byte_array_remove_range (raw->in, 0, end + 4 - (const char *) raw->in->data);
  g_assert_true (g_str_has_prefix (raw->response_head, "HTTP/1.1 "));
  raw->status = atoi (raw->response_head + 9);
  return raw->status;
}

static guint
raw_upgrade (Raw        *raw,
             const char *host,
             const char *origin_header)
{
  g_autofree char *request =
    g_strdup_printf ("GET / HTTP/1.1\r\n"
                     "Host: %s\r\n"
                     "Upgrade: websocket\r\n"
                     "Connection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n"
                     "%s"
                     "\r\n",
                     host, origin_header ? origin_header : "");

  return raw_request (raw, request);
}

static void
raw_upgrade_ok (Fixture *f,
                Raw     *raw)
{
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", f->port);

  g_assert_cmpuint (raw_upgrade (raw, host, NULL), ==, 101);
  g_assert_nonnull (strstr (raw->response_head, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

static void
raw_send_frame (Raw          *raw,
                gboolean      fin,
                guint8        opcode,
                const void   *payload,
                gsize         length,
                gboolean      masked)
{
  static const guint8 mask[4] = { 0x12, 0x34, 0x56, 0x78 };
  guint8 header[14];
  gsize hlen = 2;
  g_autofree guint8 *body = g_memdup2 (payload, length);

  header[0] = (fin ? 0x80 : 0) | opcode;
  if (length < 126)
    {
      header[1] = length;
    }
  else if (length <= 0xFFFF)
    {
      header[1] = 126;
      header[2] = length >> 8;
      header[3] = length & 0xFF;
      hlen = 4;
    }
  else
    {
      header[1] = 127;
      for (int i = 0; i < 8; i++)
        header[2 + i] = ((guint64) length >> (56 - 8 * i)) & 0xFF;
      hlen = 10;
    }
  if (masked)
    {
      header[1] |= 0x80;
      memcpy (header + hlen, mask, 4);
      hlen += 4;
      for (gsize i = 0; i < length; i++)
        body[i] ^= mask[i & 3];
    }
  raw_send (raw, header, hlen);
  if (length > 0)
    raw_send (raw, body, length);
}

/* Reads the next whole server frame; FALSE at end of stream. */
static gboolean
raw_read_frame (Raw     *raw,
                guint8  *opcode,
                GBytes **payload)
{
  for (;;)
    {
      const guint8 *p = raw->in->data;
      gsize avail = raw->in->len;

      if (avail >= 2)
        {
          guint64 len = p[1] & 0x7F;
          gsize hlen = 2;

          g_assert_cmpuint (p[1] & 0x80, ==, 0);  /* server frames are never masked */
          if (len == 126 && avail >= 4)
            {
              len = (p[2] << 8) | p[3];
              hlen = 4;
            }
          else if (len == 127 && avail >= 10)
            {
              len = 0;
              for (int i = 0; i < 8; i++)
                len = (len << 8) | p[2 + i];
              hlen = 10;
            }
          if (len < 126 || hlen > 2)
            {
              if (avail >= hlen + len)
                {
                  *opcode = p[0] & 0x0F;
                  g_assert_cmpuint (p[0] & 0x80, !=, 0);  /* the server never fragments */
                  *payload = g_bytes_new (p + hlen, len);
                  g_byte_array_remove_range (raw->in, 0, hlen + len);
                  return TRUE;
                }
            }
        }
      if (!raw_read_some (raw))
        return FALSE;
    }
}

/* Skips data frames until the close frame; returns its code (0 when it has none). */
static guint
raw_expect_close (Raw *raw)
{
  guint8 opcode;

  for (;;)
    {
      g_autoptr(GBytes) payload = NULL;
      const guint8 *p;
      gsize len;

      g_assert_true (raw_read_frame (raw, &opcode, &payload));
      if (opcode != 0x8)
        continue;
      p = g_bytes_get_data (payload, &len);
      if (len < 2)
        return 0;
      return (p[0] << 8) | p[1];
    }
}

static gboolean
raw_eof (Raw *raw)
{
  while (raw_read_some (raw))
    g_byte_array_set_size (raw->in, 0);
  return raw->eof;
}

/* ---- methods, errors, batches, notifications ------------------------------------------- */

static void
test_methods (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(Client) c = client_connect (f);
  g_autoptr(JsonNode) result = NULL;
  JsonObject *o;
  JsonArray *a;

  g_assert_cmpuint (wc_dev_server_get_n_clients (f->server), ==, 1);
  g_assert_cmpuint (f->n_connected, ==, 1);
  /* permessage-deflate (offered by libsoup's client) is never negotiated */
  g_assert_null (soup_websocket_connection_get_extensions (c->conn));

  result = expect_result (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"getAllParameters\"}"), 1);
  a = json_object_get_array_member (json_node_get_object (result), "parameters");
  g_assert_cmpuint (json_array_get_length (a), ==, 3);
  o = json_array_get_object_element (a, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, "gain");
  g_assert_cmpstr (json_object_get_string_member (o, "unit"), ==, "dB");
  o = json_array_get_object_element (a, 2);
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "enum");
  g_clear_pointer (&result, json_node_unref);

  result = expect_result (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"getParameter\",\"params\":{\"id\":\"gain\"}}"), 2);
  o = json_node_get_object (result);
  g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, "gain");
  g_assert_cmpfloat (json_object_get_double_member (o, "value"), ==, 0.0);
  g_clear_pointer (&result, json_node_unref);

  result = expect_result (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"setParameter\",\"params\":{\"id\":\"gain\",\"value\":-6.5}}"), 3);
  g_assert_cmpuint (json_object_get_size (json_node_get_object (result)), ==, 0);
  g_clear_pointer (&result, json_node_unref);
  result = expect_result (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"getParameter\",\"params\":{\"id\":\"gain\"}}"), 4);
  g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (result), "value"), ==, -6.5);
  g_clear_pointer (&result, json_node_unref);

  /* bool values travel as 0/1; true is accepted on input */
  result = expect_result (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"setParameter\",\"params\":{\"id\":\"bypass\",\"value\":true}}"), 5);
  g_clear_pointer (&result, json_node_unref);
  result = expect_result (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"getParameter\",\"params\":{\"id\":\"bypass\"}}"), 6);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (result), "value"), ==, 1);
  g_clear_pointer (&result, json_node_unref);

  result = expect_result (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"getMeterFrame\"}"), 7);
  o = json_node_get_object (result);
  g_assert_true (json_object_has_member (o, "frame"));
  if (!json_object_get_null_member (o, "frame"))
    {
      JsonObject *frame = json_object_get_object_member (o, "frame");

      g_assert_true (json_object_has_member (frame, "peak_l"));
      g_assert_true (json_object_has_member (frame, "peak_r"));
      g_assert_true (json_object_has_member (frame, "rms_l"));
      g_assert_true (json_object_has_member (frame, "rms_r"));
      g_assert_true (json_object_has_member (frame, "timestamp"));
    }
  g_clear_pointer (&result, json_node_unref);

  result = expect_result (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"getOscilloscopeFrame\"}"), 8);
  g_assert_true (json_object_has_member (json_node_get_object (result), "frame"));
  g_clear_pointer (&result, json_node_unref);

  result = expect_result (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"getAudioStatus\"}"), 9);
  o = json_object_get_object_member (json_node_get_object (result), "status");
  g_assert_cmpstr (json_object_get_string_member (o, "phase"), ==, "disabled");
  g_assert_true (json_object_has_member (o, "updated_at_ms"));
  g_clear_pointer (&result, json_node_unref);

  result = expect_result (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"requestResize\",\"params\":{\"width\":800,\"height\":600}}"), 10);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (result), "accepted"));
  g_clear_pointer (&result, json_node_unref);

  result = expect_result (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"ping\"}"), 11);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (result), "pong"));
  g_clear_pointer (&result, json_node_unref);

  result = expect_result (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"registerAudio\",\"params\":{\"client_id\":\"tab-1\",\"sample_rate\":48000,\"buffer_size\":512}}"), 12);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (result), "status"), ==, "registered");
  g_clear_pointer (&result, json_node_unref);
  result = expect_result (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"getAudioStatus\"}"), 13);
  o = json_object_get_object_member (json_node_get_object (result), "status");
  g_assert_cmpstr (json_object_get_string_member (o, "phase"), ==, "runningFullDuplex");

  /* ids come back with their JSON type */
  g_assert_cmpstr (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"ping\"}"), ==,
                   "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"result\":{\"pong\":true}}");
}

static gboolean
failing_method (WcJsonRpc  *rpc,
                gpointer    client,
                JsonNode   *params,
                GString    *result,
                int        *error_code,
                char      **error_message,
                gpointer    user_data)
{
  g_assert_nonnull (client);
  *error_code = WC_JSONRPC_INTERNAL_ERROR;
  *error_message = g_strdup ("Internal error");
  return FALSE;
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(Client) c = NULL;

  /* the session adds methods through the server's dispatcher */
  wc_jsonrpc_add_method (wc_dev_server_get_jsonrpc (f->server), "failing", failing_method, NULL);
  c = client_connect (f);

  expect_error (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":1,"), "null", -32700, "Parse error");
  expect_error (client_request (c, "not json"), "null", -32700, "Parse error");
  expect_error (client_request (c, "{\"jsonrpc\":\"1.0\",\"id\":2,\"method\":\"ping\"}"), "2",
                -32600, "Invalid request");
  expect_error (client_request (c, "[]"), "null", -32600, "Invalid request");
  expect_error (client_request (c, "42"), "null", -32600, "Invalid request");
  expect_error (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"nope\"}"), "3",
                -32601, "Method not found: nope");
  expect_error (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"getParameter\"}"), "4",
                -32602, "Invalid params: missing params");
  expect_error (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"setParameter\",\"params\":{\"id\":\"gain\"}}"),
                "5", -32602, "Invalid params: missing value");
  expect_error (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"getParameter\",\"params\":{\"id\":\"nope\"}}"),
                "6", -32000, "Parameter not found: nope");
  expect_error (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"setParameter\",\"params\":{\"id\":\"gain\",\"value\":100}}"),
                "7", -32001, "Parameter 'gain' value 100 out of range [-60, 12]");
  expect_error (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"failing\"}"), "8",
                -32603, "Internal error");

  /* errors leave the connection usable */
  g_assert_cmpstr (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}"), ==,
                   "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"pong\":true}}");
  g_assert_false (c->closed);
}

static void
test_batch (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(Client) c = client_connect (f);
  g_autoptr(JsonNode) node = NULL;
  JsonArray *a;

  node = parse (client_request (c,
    "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
    "{\"jsonrpc\":\"2.0\",\"method\":\"ping\"},"
    "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"nope\"},"
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"getParameter\",\"params\":{\"id\":\"mode\"}}]"));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  a = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (a), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (a, 0), "id"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (a, 1), "id"), ==, "b");
  g_assert_cmpint (json_object_get_int_member (
                     json_object_get_object_member (json_array_get_object_element (a, 1), "error"),
                     "code"), ==, -32601);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (a, 2), "id"), ==, 3);
}

static void
test_notifications (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Client) c = client_connect (f);
  guint n;

  /* notifications (no id) get no response; a batch of notifications gets none either */
  soup_websocket_connection_send_text (c->conn, "{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}");
  soup_websocket_connection_send_text (c->conn, "{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}");
  soup_websocket_connection_send_text (c->conn, "[{\"jsonrpc\":\"2.0\",\"method\":\"ping\"},"
                                                 "{\"jsonrpc\":\"2.0\",\"method\":\"getAllParameters\"}]");
  /* a notification still acts: the value changes and everybody hears of it */
  soup_websocket_connection_send_text (c->conn, "{\"jsonrpc\":\"2.0\",\"method\":\"setParameter\","
                                                 "\"params\":{\"id\":\"mode\",\"value\":2}}");
  n = c->replies->len;
  g_assert_cmpstr (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"), ==,
                   "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"pong\":true}}");
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpuint (c->replies->len, ==, 1);
  g_assert_cmpuint (c->changes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (c->changes, 0), ==,
                   "{\"jsonrpc\":\"2.0\",\"method\":\"parameterChanged\",\"params\":{\"id\":\"mode\",\"value\":2}}");
}

/* ---- broadcasts ----------------------------------------------------------------------- */

static void
test_multi_client_sync (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(Client) a = client_connect (f);
  g_autoptr(Client) b = client_connect (f);
  const char *expected =
    "{\"jsonrpc\":\"2.0\",\"method\":\"parameterChanged\",\"params\":{\"id\":\"gain\",\"value\":-6}}";
  guint reply_at = G_MAXUINT, change_at = G_MAXUINT;
  double value;

  g_assert_cmpuint (wc_dev_server_get_n_clients (f->server), ==, 2);

  client_request (a, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"setParameter\",\"params\":{\"id\":\"gain\",\"value\":-6}}");
  wait_count (a->changes, 1);
  wait_count (b->changes, 1);
  g_assert_cmpstr (g_ptr_array_index (a->changes, 0), ==, expected);
  g_assert_cmpstr (g_ptr_array_index (b->changes, 0), ==, expected);

  /* the sender gets its response first, then the notification */
  for (guint i = 0; i < a->log->len; i++)
    {
      const char *text = g_ptr_array_index (a->log, i);

      if (g_str_has_prefix (text, "{\"jsonrpc\":\"2.0\",\"id\":1,"))
        reply_at = i;
      else if (g_str_equal (text, expected))
        change_at = i;
    }
  g_assert_cmpuint (reply_at, <, change_at);

  /* the host itself changing a value (D-Bus, reload clamping) reaches everybody too */
  g_assert_true (wc_param_host_set_value (f->host, "gain", 3.25, NULL));
  wait_count (a->changes, 2);
  wait_count (b->changes, 2);
  g_assert_cmpstr (g_ptr_array_index (b->changes, 1), ==,
                   "{\"jsonrpc\":\"2.0\",\"method\":\"parameterChanged\",\"params\":{\"id\":\"gain\",\"value\":3.25}}");

  /* an unchanged value is not announced */
  client_request (b, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"setParameter\",\"params\":{\"id\":\"gain\",\"value\":3.25}}");
  client_request (a, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
  g_assert_cmpuint (a->changes->len, ==, 2);

  /* wc_dev_server_broadcast () */
  wc_dev_server_broadcast (f->server, "parametersChanged", "{\"generation\":2}");
  wc_dev_server_broadcast (f->server, "custom", NULL);
  client_request (a, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");
  client_request (b, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
  g_assert_cmpuint (a->n_other, ==, 2);
  g_assert_cmpuint (b->n_other, ==, 2);

  g_assert_true (wc_param_host_get_value (f->host, "gain", &value, NULL));
  g_assert_cmpfloat (value, ==, 3.25);
}

static gboolean
meters_increase (GPtrArray *meters)
{
  gint64 last = G_MININT64;

  for (guint i = 0; i < meters->len; i++)
    {
      JsonObject *o = json_node_get_object (g_ptr_array_index (meters, i));
      gint64 t = json_object_get_int_member (o, "timestamp_us");

      g_assert_true (json_object_has_member (o, "left_peak"));
      g_assert_true (json_object_has_member (o, "left_rms"));
      g_assert_true (json_object_has_member (o, "right_peak"));
      g_assert_true (json_object_has_member (o, "right_rms"));
      if (t <= last)
        return FALSE;
      last = t;
    }
  return TRUE;
}

static void
test_meter_push (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(Client) a = NULL;
  g_autoptr(Client) b = NULL;

  /* no client, no synthetic meters */
  g_assert_false (wc_meter_source_get_active (f->meters));
  a = client_connect (f);
  g_assert_true (wc_meter_source_get_active (f->meters));
  b = client_connect (f);

  wait_count (a->meters, 10);
  wait_count (b->meters, 10);
  g_assert_true (meters_increase (a->meters));
  g_assert_true (meters_increase (b->meters));

  g_clear_pointer (&a, client_free);
  g_clear_pointer (&b, client_free);
  g_assert_cmpuint (wc_dev_server_get_n_clients (f->server), ==, 0);
  g_assert_false (wc_meter_source_get_active (f->meters));
}

static gboolean
has_meter_with_timestamp (GPtrArray *meters,
                          gint64     timestamp)
{
  for (guint i = 0; i < meters->len; i++)
    if (json_object_get_int_member (json_node_get_object (g_ptr_array_index (meters, i)),
                                    "timestamp_us") == timestamp)
      return TRUE;
  return FALSE;
}

typedef struct
{
  Client *client;
  gint64  timestamp;
} WaitMeter;

static gboolean
meter_arrived (gpointer data)
{
  WaitMeter *w = data;
  return has_meter_with_timestamp (w->client->meters, w->timestamp);
}

static gboolean
synthetic_meter_arrived (gpointer data)
{
  Client *c = data;

  for (guint i = 0; i < c->meters->len; i++)
    {
      gint64 t = json_object_get_int_member (json_node_get_object (g_ptr_array_index (c->meters, i)),
                                             "timestamp_us");
      if (t != 123456 && t != 123457)
        return TRUE;
    }
  return FALSE;
}

static void
test_audio_source (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Client) audio = client_connect (f);
  g_autoptr(Client) ui = client_connect (f);
  g_autoptr(JsonNode) result = NULL;
  WaitMeter w = { ui, 123457 };
  JsonObject *frame;

  client_request (audio, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"registerAudio\",\"params\":{\"client_id\":\"tab\",\"sample_rate\":48000,\"buffer_size\":128}}");

  soup_websocket_connection_send_text (audio->conn,
    "{\"jsonrpc\":\"2.0\",\"method\":\"meterUpdate\",\"params\":{\"timestamp_us\":123456,"
    "\"left_peak\":0.5,\"left_rms\":0.25,\"right_peak\":0.75,\"right_rms\":0.125}}");
  soup_websocket_connection_send_text (audio->conn,
    "{\"jsonrpc\":\"2.0\",\"method\":\"meterUpdate\",\"params\":{\"timestamp_us\":123457,"
    "\"left_peak\":0.5,\"left_rms\":0.25,\"right_peak\":0.75,\"right_rms\":0.125}}");
  g_assert_true (wc_test_wait_until (meter_arrived, &w, DEADLINE_MS));

  /* getMeterFrame serves the pushed frame */
  result = expect_result (client_request (ui, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"getMeterFrame\"}"), 1);
  frame = json_object_get_object_member (json_node_get_object (result), "frame");
  g_assert_cmpfloat (json_object_get_double_member (frame, "peak_l"), ==, 0.5);
  g_assert_cmpfloat (json_object_get_double_member (frame, "peak_r"), ==, 0.75);
  g_assert_cmpfloat (json_object_get_double_member (frame, "rms_l"), ==, 0.25);
  g_assert_cmpfloat (json_object_get_double_member (frame, "rms_r"), ==, 0.125);

  /* the source never gets its own frames back */
  client_request (audio, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
  g_assert_false (has_meter_with_timestamp (audio->meters, 123456));
  g_assert_false (has_meter_with_timestamp (audio->meters, 123457));

  /* the source leaves: synthetic meters resume */
  g_clear_pointer (&audio, client_free);
  g_ptr_array_set_size (ui->meters, 0);
  g_assert_true (wc_test_wait_until (synthetic_meter_arrived, ui, DEADLINE_MS));
  g_clear_pointer (&result, json_node_unref);
  result = expect_result (client_request (ui, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"getAudioStatus\"}"), 2);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (json_node_get_object (result), "status"),
                     "phase"), ==, "disabled");
}

/* ---- back-pressure, keepalive ---------------------------------------------------------- */

typedef struct
{
  WcDevServer *server;
  guint        n;
} WaitClients;

static gboolean
n_clients_is (gpointer data)
{
  WaitClients *w = data;
  return wc_dev_server_get_n_clients (w->server) == w->n;
}

static gboolean
n_sockets_is (gpointer data)
{
  WaitClients *w = data;
  return wc_dev_server_get_n_sockets (w->server) == w->n;
}

static void
test_slow_client (Fixture       *f,
                  gconstpointer  data)
{
  const gsize limit = 16 * 1024;
  g_autoptr(Client) a = NULL;
  g_autoptr(Raw) slow = NULL;
  WaitClients one = { f->server, 1 };
  guint sent = 0;
  g_autofree char *last = NULL;

  wc_dev_server_set_send_queue_limit (f->server, limit);
  a = client_connect (f);
  slow = raw_connect (f, 4096);
  raw_upgrade_ok (f, slow);
  g_assert_true (wc_test_wait_until (n_clients_is, &(WaitClients) { f->server, 2 }, DEADLINE_MS));

  /* A keeps changing a value; every change is broadcast; the raw client reads nothing */
  while (wc_dev_server_get_n_clients (f->server) == 2)
    {
      g_assert_cmpuint (sent, <, 400000);
      for (guint i = 0; i < 64; i++, sent++)
        {
          g_autofree char *text =
            g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"method\":\"setParameter\",\"params\":"
                             "{\"id\":\"gain\",\"value\":%d}}", -(int) (sent % 50) - 1);
          soup_websocket_connection_send_text (a->conn, text);
        }
      for (guint i = 0; i < 8 && g_main_context_iteration (NULL, FALSE); i++)
        ;
    }

  /* the slow one was dropped, A is still served and sees every change */
  g_assert_cmpuint (f->n_connected, ==, 2);
  g_assert_false (a->closed);
  client_request (a, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"setParameter\",\"params\":{\"id\":\"gain\",\"value\":7}}");
  last = g_strdup ("{\"jsonrpc\":\"2.0\",\"method\":\"parameterChanged\",\"params\":{\"id\":\"gain\",\"value\":7}}");
  wait_text (a->changes, last);
  g_assert_cmpuint (wc_dev_server_get_n_clients (f->server), ==, 1);

  /* memory stayed bounded: the slow queue never went past its cap plus one frame */
  g_assert_cmpuint (wc_dev_server_get_queued_bytes_peak (f->server), <=, 2 * limit + 4096);

  /* its socket is closed after the close timeout; it sees the 1008 close then EOF */
  g_assert_true (wc_test_wait_until (n_sockets_is, &one, DEADLINE_MS));
  g_assert_true (raw_eof (slow));
}

static void
test_idle_peer_dropped (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(Client) alive = NULL;
  g_autoptr(Raw) silent = NULL;
  WaitClients one = { f->server, 1 };

  wc_dev_server_set_keepalive (f->server, 100, 1000);
  alive = client_connect (f);
  silent = raw_connect (f, 0);
  raw_upgrade_ok (f, silent);
  g_assert_cmpuint (wc_dev_server_get_n_clients (f->server), ==, 2);

  /* the raw peer never answers pings: dropped; libsoup answers them: kept */
  g_assert_true (wc_test_wait_until (n_clients_is, &one, DEADLINE_MS));
  g_assert_true (wc_test_wait_until (n_sockets_is, &one, DEADLINE_MS));
  g_assert_false (alive->closed);
  g_assert_cmpstr (client_request (alive, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"), ==,
                   "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"pong\":true}}");
  g_assert_true (raw_eof (silent));
}

/* ---- limits and framing ---------------------------------------------------------------- */

static void
test_oversize (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(Client) c = client_connect (f);
  gsize size = WC_DEV_SERVER_MAX_MESSAGE_SIZE + 1;
  g_autofree char *big = g_malloc (size + 1);

  memset (big, ' ', size);
  big[size] = '\0';
  soup_websocket_connection_send_text (c->conn, big);
  g_assert_true (wc_test_wait_until (client_is_closed, c, DEADLINE_MS));
  g_assert_cmpuint (soup_websocket_connection_get_close_code (c->conn), ==, 1009);
  g_assert_cmpuint (wc_dev_server_get_n_clients (f->server), ==, 0);
}

static void
test_max_size_accepted (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(Client) c = client_connect (f);
  const char *ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
  gsize size = WC_DEV_SERVER_MAX_MESSAGE_SIZE;
  g_autofree char *text = g_malloc (size + 1);

  /* exactly 1 MiB of valid JSON: the request, then whitespace */
  memset (text, ' ', size);
  memcpy (text, ping, strlen (ping));
  text[size] = '\0';
  g_assert_cmpstr (client_request (c, text), ==,
                   "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"pong\":true}}");
  g_assert_false (c->closed);
}

static void
test_fragments (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Raw) raw = raw_connect (f, 0);
  const char *req = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
  g_autoptr(GBytes) payload = NULL;
  guint8 opcode;
  gsize len = strlen (req);

  raw_upgrade_ok (f, raw);

  /* a request in three fragments, with a ping in between */
  raw_send_frame (raw, FALSE, 0x1, req, 10, TRUE);
  raw_send_frame (raw, TRUE, 0x9, "hi", 2, TRUE);
  raw_send_frame (raw, FALSE, 0x0, req + 10, 10, TRUE);
  raw_send_frame (raw, TRUE, 0x0, req + 20, len - 20, TRUE);

  for (gboolean got_pong = FALSE, got_reply = FALSE; !(got_pong && got_reply);)
    {
      g_clear_pointer (&payload, g_bytes_unref);
      g_assert_true (raw_read_frame (raw, &opcode, &payload));
      if (opcode == 0xA)
        {
          g_assert_cmpmem (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), "hi", 2);
          got_pong = TRUE;
        }
      else if (opcode == 0x1 &&
               g_bytes_get_size (payload) == strlen ("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"pong\":true}}"))
        {
          g_assert_cmpmem (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload),
                           "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"pong\":true}}",
                           g_bytes_get_size (payload));
          got_reply = TRUE;
        }
    }
}

static void
test_fragmented_oversize (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(Raw) raw = raw_connect (f, 0);
  gsize half = WC_DEV_SERVER_MAX_MESSAGE_SIZE / 2;
  g_autofree char *chunk = g_malloc (half);
  WaitClients none = { f->server, 0 };

  memset (chunk, ' ', half);
  raw_upgrade_ok (f, raw);
  g_assert_cmpuint (wc_dev_server_get_n_clients (f->server), ==, 1);

  /* 512 KiB + 512 KiB + 1 byte: each frame is small, the message is not */
  raw_send_frame (raw, FALSE, 0x1, chunk, half, TRUE);
  raw_send_frame (raw, FALSE, 0x0, chunk, half, TRUE);
  raw_send_frame (raw, TRUE, 0x0, chunk, 1, TRUE);
  g_assert_cmpuint (raw_expect_close (raw), ==, 1009);
  g_assert_true (wc_test_wait_until (n_clients_is, &none, DEADLINE_MS));

  /* the peer answers the close: the server closes TCP */
  raw_send_frame (raw, TRUE, 0x8, "\x03\xf1", 2, TRUE);
  g_assert_true (raw_eof (raw));
  g_assert_true (wc_test_wait_until (n_sockets_is, &none, DEADLINE_MS));
}

static void
test_binary_refused (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Client) c = client_connect (f);

  soup_websocket_connection_send_binary (c->conn, "\x01\x02\x03", 3);
  g_assert_true (wc_test_wait_until (client_is_closed, c, DEADLINE_MS));
  g_assert_cmpuint (soup_websocket_connection_get_close_code (c->conn), ==, 1003);
  g_assert_cmpuint (wc_dev_server_get_n_clients (f->server), ==, 0);
}

typedef struct
{
  const char *name;
  gboolean    fin;
  guint8      opcode;
  const char *payload;
  gsize       length;
  gboolean    masked;
  guint       close_code;
} BadFrame;

static const BadFrame bad_frames[] = {
  { "invalid-utf8", TRUE, 0x1, "\"\xff\xfe\"", 4, TRUE, 1007 },
  { "unmasked", TRUE, 0x1, "{}", 2, FALSE, 1002 },
  { "reserved-opcode", TRUE, 0x3, "{}", 2, TRUE, 1002 },
  { "fragmented-ping", FALSE, 0x9, "x", 1, TRUE, 1002 },
  { "stray-continuation", TRUE, 0x0, "{}", 2, TRUE, 1002 },
  { "binary", TRUE, 0x2, "\x00\x01", 2, TRUE, 1003 },
};

static void
test_bad_frame (Fixture       *f,
                gconstpointer  data)
{
  const BadFrame *bad = data;
  g_autoptr(Raw) raw = raw_connect (f, 0);
  WaitClients none = { f->server, 0 };

  raw_upgrade_ok (f, raw);
  raw_send_frame (raw, bad->fin, bad->opcode, bad->payload, bad->length, bad->masked);
  g_assert_cmpuint (raw_expect_close (raw), ==, bad->close_code);
  g_assert_true (wc_test_wait_until (n_clients_is, &none, DEADLINE_MS));
}

static void
test_client_close (Fixture       *f,
                   gconstpointer  data)
{
  Client *c = client_connect (f);
  WaitClients none = { f->server, 0 };

  soup_websocket_connection_close (c->conn, 4000, "bye");
  g_assert_true (wc_test_wait_until (client_is_closed, c, DEADLINE_MS));
  /* the server echoes the code */
  g_assert_cmpuint (soup_websocket_connection_get_close_code (c->conn), ==, 4000);
  g_assert_true (wc_test_wait_until (n_sockets_is, &none, DEADLINE_MS));
  g_assert_cmpuint (wc_dev_server_get_n_clients (f->server), ==, 0);
  client_free (c);

  /* "client-disconnected" comes from an idle callback */
  while (f->n_disconnected == 0 && g_main_context_iteration (NULL, TRUE))
    ;
  g_assert_cmpuint (f->n_disconnected, ==, 1);
}

static void
test_any_path (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Client) c = client_connect_full (f, "/some/path?x=1", NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"), ==,
                   "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"pong\":true}}");
}

/* ---- security --------------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *host;      /* %u is the server's port */
  const char *origin;    /* %u is the server's port; NULL: no Origin header */
  gboolean    upgrade;
} Refusal;

static const Refusal refusals[] = {
  { "origin-evil", "127.0.0.1:%u", "https://evil.example", TRUE },
  { "origin-null", "127.0.0.1:%u", "null", TRUE },
  { "origin-ip", "127.0.0.1:%u", "http://192.168.1.5:%u", TRUE },
  { "origin-https-localhost", "127.0.0.1:%u", "https://localhost:%u", TRUE },
  { "origin-other-port", "127.0.0.1:%u", "http://localhost:1", TRUE },
  { "origin-suffix", "127.0.0.1:%u", "http://localhost:%u.evil.example", TRUE },
  { "host-evil", "evil.example:%u", NULL, TRUE },
  { "host-no-port", "localhost", NULL, TRUE },
  { "host-other-port", "127.0.0.1:1", NULL, TRUE },
  { "host-rebinding", "localhost.evil.example:%u", NULL, TRUE },
  { "http-host-evil", "evil.example:%u", NULL, FALSE },
  { "http-origin-evil", "127.0.0.1:%u", "https://evil.example", FALSE },
};

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  const Refusal *r = data;
  g_autoptr(Raw) raw = raw_connect (f, 0);
  g_autofree char *host = g_strdup_printf (r->host, f->port);
  g_autofree char *origin = r->origin ? g_strdup_printf (r->origin, f->port) : NULL;
  g_autofree char *origin_header = origin ? g_strdup_printf ("Origin: %s\r\n", origin) : NULL;
  g_autofree char *lower = NULL;

  if (r->upgrade)
    {
      g_assert_cmpuint (raw_upgrade (raw, host, origin_header), ==, 403);
    }
  else
    {
      g_autofree char *request = g_strdup_printf ("GET / HTTP/1.1\r\nHost: %s\r\n%s\r\n", host,
                                                  origin_header ? origin_header : "");
      g_assert_cmpuint (raw_request (raw, request), ==, 403);
    }

  lower = g_ascii_strdown (raw->response_head, -1);
  g_assert_null (strstr (lower, "access-control-allow-origin"));
  g_assert_null (strstr (lower, "upgrade: websocket"));
  g_assert_cmpuint (wc_dev_server_get_n_clients (f->server), ==, 0);
  g_assert_cmpuint (wc_dev_server_get_n_sockets (f->server), ==, 0);
  g_assert_cmpuint (f->n_connected, ==, 0);
}

static void
test_allowed_origins (Fixture       *f,
                      gconstpointer  data)
{
  const char *origins[] = {
    "http://localhost:5173", "http://127.0.0.1:5173", "http://[::1]:5173",
    "http://localhost:%u", "http://127.0.0.1:%u", "HTTP://LOCALHOST:%u",
    "http://192.168.1.5:9000", "https://example.test", NULL,
  };
  const char *hosts[] = { "127.0.0.1:%u", "localhost:%u", "[::1]:%u", "LocalHost:%u" };

  wc_dev_server_add_allowed_origin (f->server, "http://192.168.1.5:9000/");
  wc_dev_server_add_allowed_origin (f->server, "https://example.test");
  wc_dev_server_add_allowed_origin (f->server, "null");  /* ignored */

  for (guint i = 0; i < G_N_ELEMENTS (origins); i++)
    {
      g_autofree char *origin = origins[i] ? g_strdup_printf (origins[i], f->port) : NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(Client) c = client_connect_full (f, "/", origin, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (wc_dev_server_get_n_clients (f->server), ==, 1);
    }

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autoptr(Raw) raw = raw_connect (f, 0);
      g_autofree char *host = g_strdup_printf (hosts[i], f->port);

      g_assert_cmpuint (raw_upgrade (raw, host, NULL), ==, 101);
    }

  {
    g_autoptr(Raw) raw = raw_connect (f, 0);
    g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", f->port);

    g_assert_cmpuint (raw_upgrade (raw, host, "Origin: null\r\n"), ==, 403);
  }
}

static void
test_ui (Fixture       *f,
         gconstpointer  data)
{
  struct { const char *path; guint status; const char *type; const char *resource; } cases[] = {
    { "/", 200, "text/html; charset=utf-8", "index.html" },
    { "/index.html", 200, "text/html; charset=utf-8", "index.html" },
    { "/wavecraft-client.js", 200, "text/javascript; charset=utf-8", "wavecraft-client.js" },
    { "/style.css", 200, "text/css; charset=utf-8", "style.css" },
    { "/favicon.svg", 200, "image/svg+xml", "favicon.svg" },
    { "/nope.js", 404, NULL, NULL },
    { "/sub/", 404, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", f->port, cases[i].path);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GBytes) expected = NULL;
      g_autoptr(GError) error = NULL;
      SoupMessageHeaders *headers;
      guint status = cases[i].status;

      if (cases[i].resource != NULL)
        {
          g_autofree char *path = g_strconcat (WC_DEV_SERVER_DEFAULT_UI_PREFIX,
                                               cases[i].resource, NULL);
          expected = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
          /* without the resource, / still serves a fallback page; the rest is 404 */
          if (expected == NULL && !g_str_equal (cases[i].resource, "index.html"))
            status = 404;
        }

      soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL,
                                        wc_test_store_result, &result);
      g_assert_nonnull (wc_test_wait_result (&result, DEADLINE_MS));
      body = soup_session_send_and_read_finish (f->session, result, &error);
      g_assert_no_error (error);

      g_test_message ("GET %s", cases[i].path);
      g_assert_cmpuint (soup_message_get_status (msg), ==, status);
      headers = soup_message_get_response_headers (msg);
      g_assert_null (soup_message_headers_get_one (headers, "Access-Control-Allow-Origin"));
      g_assert_cmpstr (soup_message_headers_get_one (headers, "Cache-Control"), ==, "no-cache");
      if (status == 200)
        {
          g_assert_cmpstr (soup_message_headers_get_one (headers, "Content-Type"), ==, cases[i].type);
          if (expected != NULL)
            g_assert_true (g_bytes_equal (body, expected));
          else
            g_assert_nonnull (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                            "Wavecraft"));
        }
    }

  /* other methods */
  {
    g_autoptr(Raw) raw = raw_connect (f, 0);
    g_autofree char *request =
      g_strdup_printf ("POST / HTTP/1.1\r\nHost: localhost:%u\r\nContent-Length: 0\r\n\r\n", f->port);

    g_assert_cmpuint (raw_request (raw, request), ==, 405);
  }

  g_assert_cmpuint (f->n_connected, ==, 0);
}

/* ---- lifecycle --------------------------------------------------------------------------- */

static void
test_stop (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(Client) a = client_connect (f);
  g_autoptr(Client) b = client_connect (f);
  g_autoptr(Raw) raw = raw_connect (f, 0);
  g_autoptr(WcDevServer) other = NULL;
  g_autoptr(GError) error = NULL;
  WaitClients none = { f->server, 0 };
  guint port = f->port;

  raw_upgrade_ok (f, raw);
  g_assert_cmpuint (wc_dev_server_get_n_clients (f->server), ==, 3);

  wc_dev_server_stop (f->server);
  g_assert_false (wc_dev_server_is_running (f->server));
  g_assert_cmpuint (wc_dev_server_get_n_clients (f->server), ==, 0);
  wc_dev_server_stop (f->server);  /* idempotent */

  /* every client hears 1001 going away */
  g_assert_cmpuint (raw_expect_close (raw), ==, 1001);
  g_assert_true (wc_test_wait_until (client_is_closed, a, DEADLINE_MS));
  g_assert_true (wc_test_wait_until (client_is_closed, b, DEADLINE_MS));
  g_assert_cmpuint (soup_websocket_connection_get_close_code (a->conn), ==, 1001);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (b->conn), ==, 1001);
  g_assert_true (wc_test_wait_until (n_sockets_is, &none, DEADLINE_MS));

  /* the port is free at once */
  other = wc_dev_server_new (f->host, NULL);
  wc_dev_server_set_port (other, port);
  g_assert_true (wc_dev_server_start (other, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (wc_dev_server_get_port (other), ==, port);
  wc_dev_server_stop (other);

  /* and the server starts again */
  g_assert_true (wc_dev_server_start (f->server, &error));
  g_assert_no_error (error);
  f->port = wc_dev_server_get_port (f->server);
  {
    g_autoptr(Client) c = client_connect (f);
    g_assert_cmpstr (client_request (c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"), ==,
                     "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"pong\":true}}");
  }
}

static void
test_busy_port (void)
{
  g_autoptr(WcParamHost) host = wc_param_host_new ();
  g_autoptr(WcDevServer) server = wc_dev_server_new (host, NULL);
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint port;

  g_assert_true (g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error));
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));

  wc_dev_server_set_port (server, port);
  g_assert_false (wc_dev_server_start (server, &error));
  message = g_strdup_printf ("Port %u is already in use", port);
  g_assert_error (error, WC_DEV_SERVER_ERROR, WC_DEV_SERVER_ERROR_PORT_BUSY);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_false (wc_dev_server_is_running (server));

  /* once the port is free, the same server starts */
  g_socket_listener_close (listener);
  g_clear_error (&error);
  g_assert_true (wc_dev_server_start (server, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (wc_dev_server_get_port (server), ==, port);
}

int
main (int   argc,
      char *argv[])
{
  /* the isolated XDG dirs hold no GSettings schemas, which GNOME's proxy resolver (loaded by
   * SoupSession) needs; these tests only ever talk to 127.0.0.1 */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/wavecraft/dev-server/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("methods", test_methods);
  ADD ("errors", test_errors);
  ADD ("batch", test_batch);
  ADD ("notifications", test_notifications);
  ADD ("multi-client-sync", test_multi_client_sync);
  ADD ("meter-push", test_meter_push);
  ADD ("audio-source", test_audio_source);
  ADD ("slow-client", test_slow_client);
  ADD ("idle-peer-dropped", test_idle_peer_dropped);
  ADD ("oversize", test_oversize);
  ADD ("max-size-accepted", test_max_size_accepted);
  ADD ("fragments", test_fragments);
  ADD ("fragmented-oversize", test_fragmented_oversize);
  ADD ("binary-refused", test_binary_refused);
  ADD ("client-close", test_client_close);
  ADD ("any-path", test_any_path);
  ADD ("allowed-origins", test_allowed_origins);
  ADD ("ui", test_ui);
  ADD ("stop", test_stop);

  for (guint i = 0; i < G_N_ELEMENTS (bad_frames); i++)
    {
      g_autofree char *path = g_strdup_printf ("/wavecraft/dev-server/bad-frame/%s", bad_frames[i].name);
      g_test_add (path, Fixture, &bad_frames[i], fixture_set_up, test_bad_frame, fixture_tear_down);
    }
  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autofree char *path = g_strdup_printf ("/wavecraft/dev-server/refused/%s", refusals[i].name);
      g_test_add (path, Fixture, &refusals[i], fixture_set_up, test_refused, fixture_tear_down);
    }
  g_test_add_func ("/wavecraft/dev-server/busy-port", test_busy_port);

  return g_test_run ();
}
