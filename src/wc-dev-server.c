/* wc-dev-server.c: JSON-RPC 2.0 over WebSocket and the built-in UI on one loopback port.
 *
 * SoupServer parses HTTP, applies our Host/Origin checks, serves the UI and answers the
 * WebSocket handshake (soup_websocket_server_process_handshake). Once the 101 is written we
 * take the connection over (soup_server_message_steal_connection) and speak RFC 6455 framing
 * ourselves instead of using SoupWebsocketConnection, because libsoup 3.2 cannot give us what
 * PROTOCOL.md §4 and the issue require:
 *
 *  - a 1 MiB limit on a whole message, summed over fragments, answered with a 1009 close
 *    frame (libsoup 3.2 has no total limit, and its per-frame limit drops TCP without one);
 *  - a bounded send queue per client with exact byte accounting, where only the newest meter
 *    frame is kept (libsoup queues without bound and reports no progress);
 *  - a pong timeout (3.2 has none);
 *  - a broadcast that frames its text once and writes the same bytes to every socket.
 *
 * Everything runs on the thread-default main context of the thread that created the object.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-dev-server"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "wc-dev-server.h"
#include "wc-dev-server-private.h"
#include "wc-jsonrpc.h"
#include "wc-meter-source.h"
#include "wc-param-host.h"
#include "wc-rpc-methods.h"

#define READ_BUFFER_SIZE        (64 * 1024)
#define SOCKET_SEND_BUFFER      (256 * 1024)
#define DEFAULT_KEEPALIVE_MS    15000
#define DEFAULT_PONG_TIMEOUT_MS 10000
#define CLOSE_TIMEOUT_MS        2000
#define MAX_IOV                 32
#define MAX_CONTROL_PAYLOAD     125

/* RFC 6455 opcodes */
#define OP_CONTINUATION 0x0
#define OP_TEXT         0x1
#define OP_BINARY       0x2
#define OP_CLOSE        0x8
#define OP_PING         0x9
#define OP_PONG         0xA

typedef enum {
  CLIENT_OPEN,
  CLIENT_CLOSING,   /* our close frame is queued or sent; waiting for the peer's or the timeout */
  CLIENT_DEAD,      /* socket closed; waiting to be reaped */
} ClientState;

typedef enum {
  SEND_DATA,
  SEND_METER,       /* replaceable: only the newest unsent meter frame is kept */
  SEND_CONTROL,     /* ping/pong: jumps ahead of queued data frames */
  SEND_CLOSE,       /* last frame: nothing is queued after it */
} SendKind;

typedef struct
{
  GBytes *bytes;    /* a whole frame, header included */
  gsize   offset;   /* bytes of it already written */
  gsize   charge;   /* what it counts against the queue limit */
  guint   is_meter : 1;
} OutItem;

typedef struct _WcDevServerClient WcDevServerClient;

struct _WcDevServerClient
{
  guint                 ref_count;
  WcDevServer          *server;          /* unowned; cleared when reaped */
  guint64               id;
  ClientState           state;

  GIOStream             *stream;         /* stolen from libsoup */
  GPollableInputStream  *input;
  GPollableOutputStream *output;
  GSocket               *socket;         /* (nullable) the same connection's socket */
  gboolean               direct_read;    /* libsoup's read buffer is drained: use @socket */
  gboolean               draining;
  gboolean               reading;        /* in on_client_readable () */
  gboolean               flushing;       /* in client_flush () */
  GSource              *in_source;
  GSource              *out_source;

  /* input: bytes of an incomplete frame */
  guint8               *ibuf;
  gsize                 ilen;
  gsize                 icap;
  guint64               discard;         /* bytes of a refused frame still to skip */
  /* a fragmented message being assembled */
  GByteArray           *frag;
  guint8                frag_opcode;

  /* output */
  GQueue                outq;            /* of OutItem */
  gsize                 out_bytes;
  OutItem              *pending_meter;   /* an unsent meter frame in outq, or NULL */
  gboolean              close_queued;
  gboolean              close_received;
  gboolean              read_paused;

  gint64                last_rx_us;
  gint64                ping_sent_us;    /* 0: no ping outstanding */
  gint64                close_deadline_us;
  gushort               close_code;      /* what we sent, for debugging */
};

struct _WcDevServer
{
  GObject        parent_instance;

  WcParamHost   *host;
  WcMeterSource *meters;
  WcJsonRpc     *rpc;
  SoupServer    *soup;
  GPtrArray     *listeners;             /* of GSocket *, listening; connections go to soup */
  GPtrArray     *listen_sources;        /* of GSource * */

  guint          requested_port;
  guint          port;
  guint          ui_port;
  GPtrArray     *allowed_origins;       /* of lower-case char *, no trailing slash */
  char          *ui_prefix;

  guint          keepalive_ms;
  guint          pong_timeout_ms;
  gsize          send_queue_limit;

  gboolean       running;
  GPtrArray     *clients;               /* of WcDevServerClient *; NULL slots while iterating */
  guint          iterating;
  gboolean       need_compact;
  guint          n_open;
  guint64        next_client_id;
  GSource       *tick_source;
  guint          tick_ms;
  GQueue         disconnected;          /* of WcDevServerClient * (ref), signals to emit */
  guint          reap_idle_id;

  /* one read buffer shared by every client (single-threaded) */
  guint8        *rbuf;
  gboolean       rbuf_busy;

  /* broadcasts raised while a client's request is dispatched go out after its reply */
  WcDevServerClient *dispatching;
  GPtrArray     *deferred;              /* of GBytes * frames, meter frames tagged below */
  GArray        *deferred_meta;         /* of (source client, is_meter) */

  gsize          queued_bytes;
  gsize          queued_bytes_peak;
};

typedef struct
{
  gpointer exclude;
  gboolean is_meter;
} DeferredMeta;

enum {
  PROP_0,
  PROP_HOST,
  PROP_METERS,
  PROP_PORT,
  PROP_UI_PORT,
  PROP_N_CLIENTS,
  N_PROPS
};

enum {
  CLIENT_CONNECTED,
  CLIENT_DISCONNECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WcDevServer, wc_dev_server, G_TYPE_OBJECT)

G_DEFINE_QUARK (wc-dev-server-error-quark, wc_dev_server_error)

/* qdata key on a connection's remote GSocketAddress: its GSocket (see on_listener_ready()) */
static GQuark
socket_quark (void)
{
  return g_quark_from_static_string ("wc-dev-server-socket");
}

static void client_flush          (WcDevServerClient *client);
static void client_close          (WcDevServerClient *client,
                                   gushort            code,
                                   const char        *reason);
static void client_die            (WcDevServerClient *client,
                                   const char        *why);
static void client_start_reading  (WcDevServerClient *client);
static void server_update_tick    (WcDevServer       *self);
static void server_close_listeners (WcDevServer      *self);

/* ---------------------------------------------------------------------------------------- */
/* Small helpers                                                                            */

static GBytes *
frame_new (guint8      opcode,
           const void *payload,
           gsize       length)
{
  guint8 *buf;
  gsize hlen;

  if (length < 126)
    hlen = 2;
  else if (length <= G_MAXUINT16)
    hlen = 4;
  else
    hlen = 10;

  buf = g_malloc (hlen + length);
  buf[0] = 0x80 | opcode;
  if (hlen == 2)
    {
      buf[1] = (guint8) length;
    }
  else if (hlen == 4)
    {
      buf[1] = 126;
      buf[2] = (guint8) (length >> 8);
      buf[3] = (guint8) length;
    }
  else
    {
      buf[1] = 127;
      for (int i = 0; i < 8; i++)
        buf[2 + i] = (guint8) ((guint64) length >> (56 - 8 * i));
    }
  if (length > 0)
    memcpy (buf + hlen, payload, length);

  return g_bytes_new_take (buf, hlen + length);
}

static GBytes *
close_frame_new (gushort     code,
                 const char *reason)
{
  guint8 payload[MAX_CONTROL_PAYLOAD];
  gsize len = 0;

  if (code != 0)
    {
      gsize rlen = reason ? strlen (reason) : 0;

      payload[0] = (guint8) (code >> 8);
      payload[1] = (guint8) code;
      rlen = MIN (rlen, sizeof payload - 2);
      if (rlen > 0)
        memcpy (payload + 2, reason, rlen);
      len = 2 + rlen;
    }

  return frame_new (OP_CLOSE, payload, len);
}

static void
json_append_string (GString    *out,
                    const char *s)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) s; *p; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

/* UTF-8 check of a text message; U+0000 is valid in WebSocket text, so NULs split it. */
static gboolean
text_is_valid_utf8 (const char *text,
                    gsize       length)
{
  const char *end = text + length;

  while (text < end)
    {
      const char *nul = memchr (text, 0, end - text);
      const char *seg_end = nul ? nul : end;

      if (!g_utf8_validate_len (text, seg_end - text, NULL))
        return FALSE;
      text = nul ? nul + 1 : end;
    }

  return TRUE;
}

static gboolean
close_code_is_valid (guint code)
{
  return (code >= 1000 && code <= 1003) ||
         (code >= 1007 && code <= 1011) ||
         (code >= 3000 && code <= 4999);
}

/* ---------------------------------------------------------------------------------------- */
/* Clients: lifetime                                                                        */

static WcDevServerClient *
client_ref (WcDevServerClient *client)
{
  client->ref_count++;
  return client;
}

static void
client_unref (WcDevServerClient *client)
{
  OutItem *item;

  g_assert (client->ref_count > 0);
  if (--client->ref_count > 0)
    return;

  g_assert (client->state == CLIENT_DEAD);
  g_assert (client->in_source == NULL && client->out_source == NULL);

  while ((item = g_queue_pop_head (&client->outq)))
    {
      g_bytes_unref (item->bytes);
      g_free (item);
    }
  g_clear_pointer (&client->frag, g_byte_array_unref);
  g_free (client->ibuf);
  g_clear_object (&client->input);
  g_clear_object (&client->output);
  g_clear_object (&client->socket);
  g_clear_object (&client->stream);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcDevServerClient, client_unref)

static void
server_account (WcDevServer *self,
                gssize       delta)
{
  self->queued_bytes += delta;
  if (self->queued_bytes > self->queued_bytes_peak)
    self->queued_bytes_peak = self->queued_bytes;
}

static void
out_item_free (WcDevServerClient *client,
               OutItem           *item)
{
  if (client->pending_meter == item)
    client->pending_meter = NULL;
  client->out_bytes -= item->charge;
  if (client->server)
    server_account (client->server, -(gssize) item->charge);
  g_bytes_unref (item->bytes);
  g_free (item);
}

static gboolean
reap_idle_cb (gpointer user_data)
{
  WcDevServer *self = user_data;
  WcDevServerClient *client;

  self->reap_idle_id = 0;

  g_object_ref (self);
  while ((client = g_queue_pop_head (&self->disconnected)))
    {
      g_signal_emit (self, signals[CLIENT_DISCONNECTED], 0, client);
      client_unref (client);
    }
  g_object_unref (self);

  return G_SOURCE_REMOVE;
}

/* The client leaves the OPEN state: it no longer counts, gets no broadcast, and its meter
 * registration is dropped. "client-disconnected" is emitted from an idle callback so that
 * handlers never run inside a broadcast or a read loop. */
static void
client_leave_open (WcDevServerClient *client)
{
  WcDevServer *self = client->server;

  if (self == NULL)
    return;

  g_assert (self->n_open > 0);
  self->n_open--;

  if (self->dispatching == client)
    self->dispatching = NULL;

  wc_meter_source_unregister_client (self->meters, client);
  if (self->n_open == 0)
    wc_meter_source_set_active (self->meters, FALSE);

  g_queue_push_tail (&self->disconnected, client_ref (client));
  if (self->reap_idle_id == 0)
    self->reap_idle_id = g_idle_add (reap_idle_cb, self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CLIENTS]);
}

static void
server_remove_client (WcDevServer       *self,
                      WcDevServerClient *client)
{
  for (guint i = 0; i < self->clients->len; i++)
    {
      if (g_ptr_array_index (self->clients, i) != client)
        continue;

      if (self->iterating > 0)
        {
          g_ptr_array_index (self->clients, i) = NULL;
          self->need_compact = TRUE;
        }
      else
        {
          g_ptr_array_remove_index_fast (self->clients, i);
        }
      client_unref (client);
      break;
    }
}

static void
server_iterate_end (WcDevServer *self)
{
  g_assert (self->iterating > 0);
  if (--self->iterating == 0 && self->need_compact)
    {
      self->need_compact = FALSE;
      while (g_ptr_array_remove_fast (self->clients, NULL))
        ;
      server_update_tick (self);
    }
}

/* Close the socket now. Safe to call from anywhere, any number of times. */
static void
client_die (WcDevServerClient *client,
            const char        *why)
{
  WcDevServer *self = client->server;
  g_autoptr(WcDevServerClient) hold = NULL;
  OutItem *item;

  if (client->state == CLIENT_DEAD)
    return;

  hold = client_ref (client);
  g_debug ("client %" G_GUINT64_FORMAT ": closing socket (%s)", client->id, why);

  if (client->state == CLIENT_OPEN)
    client_leave_open (client);
  client->state = CLIENT_DEAD;

  if (client->in_source)
    {
      g_source_destroy (client->in_source);
      g_clear_pointer (&client->in_source, g_source_unref);
    }
  if (client->out_source)
    {
      g_source_destroy (client->out_source);
      g_clear_pointer (&client->out_source, g_source_unref);
    }

  while ((item = g_queue_pop_head (&client->outq)))
    out_item_free (client, item);
  g_clear_pointer (&client->frag, g_byte_array_unref);
  g_clear_pointer (&client->ibuf, g_free);
  client->ilen = client->icap = 0;

  g_io_stream_close (client->stream, NULL, NULL);

  if (self != NULL)
    {
      server_remove_client (self, client);
      client->server = NULL;
      server_update_tick (self);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Clients: output                                                                          */

static gboolean
on_client_writable (gpointer user_data)
{
  client_flush (user_data);   /* holds the client itself */

  return G_SOURCE_CONTINUE;
}

static gboolean
on_client_socket_writable (GSocket      *socket,
                           GIOCondition  condition,
                           gpointer      user_data)
{
  return on_client_writable (user_data);
}

static gboolean
on_client_stream_writable (GObject  *stream,
                           gpointer  user_data)
{
  return on_client_writable (user_data);
}

static void
client_update_out_source (WcDevServerClient *client)
{
  if (!g_queue_is_empty (&client->outq) && client->out_source == NULL &&
      client->state != CLIENT_DEAD)
    {
      /* a plain socket source when we can: the pollable stream sources are nested GSources
       * whose ready-time juggling wakes the main context up several times per event */
      if (client->socket != NULL)
        {
          client->out_source = g_socket_create_source (client->socket, G_IO_OUT, NULL);
          g_source_set_callback (client->out_source,
                                 (GSourceFunc) (void (*) (void)) on_client_socket_writable,
                                 client, NULL);
        }
      else
        {
          client->out_source = g_pollable_output_stream_create_source (client->output, NULL);
          g_source_set_callback (client->out_source,
                                 (GSourceFunc) (void (*) (void)) on_client_stream_writable,
                                 client, NULL);
        }
      g_source_set_static_name (client->out_source, "WcDevServer client output");
      g_source_set_can_recurse (client->out_source, TRUE);
      g_source_attach (client->out_source, g_main_context_get_thread_default ());
    }
  else if (g_queue_is_empty (&client->outq) && client->out_source != NULL)
    {
      g_source_destroy (client->out_source);
      g_clear_pointer (&client->out_source, g_source_unref);
    }
}

/* Queue empty after a flush: finish a close, or resume reading. */
static void
client_after_drain (WcDevServerClient *client)
{
  if (client->close_queued && client->close_received)
    {
      /* both close frames went through: the server closes TCP first (RFC 6455 §7.1.1) */
      client_die (client, "close handshake complete");
      return;
    }

  if (client->read_paused && client->server &&
      client->out_bytes <= client->server->send_queue_limit / 4)
    {
      client->read_paused = FALSE;
      client_start_reading (client);
    }
}

/* Write as much of the queue as the socket takes, without blocking. */
static void client_flush_queue (WcDevServerClient *client);

static void
client_flush (WcDevServerClient *client)
{
  g_autoptr(WcDevServerClient) hold = NULL;

  if (client->flushing)
    return;
  hold = client_ref (client);
  client->flushing = TRUE;
  client_flush_queue (client);
  client->flushing = FALSE;
}

static void
client_flush_queue (WcDevServerClient *client)
{
  while (client->state != CLIENT_DEAD && !g_queue_is_empty (&client->outq))
    {
      GOutputVector vectors[MAX_IOV];
      g_autoptr(GError) error = NULL;
      GPollableReturn ret;
      gsize total = 0;
      gsize written = 0;
      int n = 0;

      for (GList *l = client->outq.head; l != NULL && n < MAX_IOV; l = l->next)
        {
          OutItem *item = l->data;
          gsize size;
          const guint8 *data = g_bytes_get_data (item->bytes, &size);

          vectors[n].buffer = data + item->offset;
          vectors[n].size = size - item->offset;
          total += vectors[n].size;
          n++;
        }

      ret = g_pollable_output_stream_writev_nonblocking (client->output, vectors, n, &written,
                                                         NULL, &error);
      if (ret == G_POLLABLE_RETURN_FAILED)
        {
          client_die (client, error->message);
          return;
        }
      if (ret == G_POLLABLE_RETURN_WOULD_BLOCK)
        written = 0;

      /* consume what went out */
      for (gsize left = written; left > 0;)
        {
          OutItem *item = g_queue_peek_head (&client->outq);
          gsize size = g_bytes_get_size (item->bytes) - item->offset;

          if (left >= size)
            {
              left -= size;
              g_queue_pop_head (&client->outq);
              out_item_free (client, item);
            }
          else
            {
              item->offset += left;
              if (client->pending_meter == item)
                client->pending_meter = NULL;
              left = 0;
            }
        }

      if (written < total)
        break;
    }

  if (client->state == CLIENT_DEAD)
    return;

  client_update_out_source (client);
  if (g_queue_is_empty (&client->outq))
    client_after_drain (client);
}

static void
client_overflow (WcDevServerClient *client)
{
  GList *l = client->outq.head;

  g_debug ("client %" G_GUINT64_FORMAT ": send queue over %" G_GSIZE_FORMAT " bytes, dropping it",
           client->id, client->out_bytes);

  /* keep a partly written frame so the close frame lands on a frame boundary */
  while (l != NULL)
    {
      GList *next = l->next;
      OutItem *item = l->data;

      if (item->offset == 0)
        {
          g_queue_delete_link (&client->outq, l);
          out_item_free (client, item);
        }
      l = next;
    }

  client_close (client, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "Send queue full");
}

/*
 * Send one whole frame. @bytes, when given, holds exactly @data/@length and is shared (a
 * broadcast); otherwise the unsent rest is copied if it has to wait.
 */
static void
client_send (WcDevServerClient *client,
             const guint8      *data,
             gsize              length,
             GBytes            *bytes,
             SendKind           kind)
{
  WcDevServer *self = client->server;
  OutItem *item;
  gsize offset = 0;

  if (client->state == CLIENT_DEAD || client->close_queued)
    return;
  if (client->state != CLIENT_OPEN && kind != SEND_CLOSE)
    return;

  if (g_queue_is_empty (&client->outq))
    {
      GOutputVector vector = { data, length };
      g_autoptr(GError) error = NULL;
      GPollableReturn ret;
      gsize written = 0;

      ret = g_pollable_output_stream_writev_nonblocking (client->output, &vector, 1, &written,
                                                         NULL, &error);
      if (ret == G_POLLABLE_RETURN_FAILED)
        {
          client_die (client, error->message);
          return;
        }
      if (ret == G_POLLABLE_RETURN_OK && written == length)
        {
          if (kind == SEND_CLOSE)
            {
              client->close_queued = TRUE;
              client_after_drain (client);
            }
          return;
        }
      if (ret == G_POLLABLE_RETURN_OK)
        offset = written;
    }
  else if (kind == SEND_METER && client->pending_meter != NULL)
    {
      /* a newer meter frame replaces the one still waiting */
      item = client->pending_meter;
      client->out_bytes -= item->charge;
      server_account (self, -(gssize) item->charge);
      g_bytes_unref (item->bytes);
      item->bytes = bytes ? g_bytes_ref (bytes) : g_bytes_new (data, length);
      item->charge = length + sizeof *item;
      client->out_bytes += item->charge;
      server_account (self, item->charge);
      return;
    }

  item = g_new0 (OutItem, 1);
  if (bytes != NULL)
    {
      item->bytes = g_bytes_ref (bytes);
      item->offset = offset;
    }
  else
    {
      item->bytes = g_bytes_new (data + offset, length - offset);
    }
  item->charge = length - offset + sizeof *item;
  item->is_meter = kind == SEND_METER && offset == 0;

  if (kind == SEND_CONTROL && !g_queue_is_empty (&client->outq))
    {
      /* control frames may go between data frames, never inside one */
      OutItem *head = g_queue_peek_head (&client->outq);

      if (head->offset > 0)
        g_queue_insert_after (&client->outq, client->outq.head, item);
      else
        g_queue_push_head (&client->outq, item);
    }
  else
    {
      g_queue_push_tail (&client->outq, item);
    }
  if (item->is_meter)
    client->pending_meter = item;
  if (kind == SEND_CLOSE)
    client->close_queued = TRUE;

  client->out_bytes += item->charge;
  server_account (self, item->charge);
  client_update_out_source (client);

  if (kind != SEND_CLOSE && client->out_bytes > self->send_queue_limit)
    {
      client_overflow (client);
      return;
    }

  /* a client that sends requests faster than it reads replies: stop reading from it */
  if (!client->read_paused && client->out_bytes > self->send_queue_limit / 2 &&
      client->in_source != NULL)
    {
      client->read_paused = TRUE;
      g_source_destroy (client->in_source);
      g_clear_pointer (&client->in_source, g_source_unref);
    }
}

static void
client_send_text (WcDevServerClient *client,
                  const char        *text,
                  gsize              length)
{
  g_autoptr(GBytes) frame = NULL;
  guint8 stack[512];
  gsize hlen = length < 126 ? 2 : length <= G_MAXUINT16 ? 4 : 10;

  if (hlen + length <= sizeof stack && hlen < 10)
    {
      /* small replies: frame on the stack, copied only if they have to wait */
      stack[0] = 0x80 | OP_TEXT;
      if (hlen == 2)
        {
          stack[1] = (guint8) length;
        }
      else
        {
          stack[1] = 126;
          stack[2] = (guint8) (length >> 8);
          stack[3] = (guint8) length;
        }
      memcpy (stack + hlen, text, length);
      client_send (client, stack, hlen + length, NULL, SEND_DATA);
      return;
    }

  frame = frame_new (OP_TEXT, text, length);
  client_send (client,
               g_bytes_get_data (frame, NULL), g_bytes_get_size (frame),
               frame, SEND_DATA);
}

static void
client_send_bytes (WcDevServerClient *client,
                   GBytes            *frame,
                   SendKind           kind)
{
  client_send (client,
               g_bytes_get_data (frame, NULL), g_bytes_get_size (frame),
               frame, kind);
}

/* Start the closing handshake: queue a close frame, stop taking requests, and give the peer
 * CLOSE_TIMEOUT_MS to answer before the socket is closed anyway. */
static void
client_close (WcDevServerClient *client,
              gushort            code,
              const char        *reason)
{
  g_autoptr(GBytes) frame = NULL;
  g_autoptr(WcDevServerClient) hold = NULL;

  if (client->state != CLIENT_OPEN)
    return;

  hold = client_ref (client);
  g_debug ("client %" G_GUINT64_FORMAT ": closing with %u (%s)", client->id, code,
           reason ? reason : "");

  client_leave_open (client);
  client->state = CLIENT_CLOSING;
  client->close_code = code;
  client->close_deadline_us = g_get_monotonic_time () + CLOSE_TIMEOUT_MS * 1000;

  frame = close_frame_new (code, reason);
  client_send_bytes (client, frame, SEND_CLOSE);

  if (client->state != CLIENT_DEAD && client->server)
    server_update_tick (client->server);
}

/* ---------------------------------------------------------------------------------------- */
/* Clients: input                                                                           */

static void
server_flush_deferred (WcDevServer *self);

static void
client_dispatch (WcDevServerClient *client,
                 char              *text,
                 gsize              length)
{
  WcDevServer *self = client->server;
  g_autofree char *reply = NULL;
  gboolean outer;
  char saved;

  if (!text_is_valid_utf8 (text, length))
    {
      client_close (client, SOUP_WEBSOCKET_CLOSE_BAD_DATA, "Invalid UTF-8 in text message");
      return;
    }

  /* NUL-terminate in place for the dispatcher; the buffer always has a spare byte */
  saved = text[length];
  text[length] = '\0';

  outer = self->dispatching == NULL;
  if (outer)
    self->dispatching = client;
  reply = wc_jsonrpc_handle (self->rpc, client, text, length);
  if (outer)
    self->dispatching = NULL;

  text[length] = saved;

  if (reply != NULL && client->state == CLIENT_OPEN)
    client_send_text (client, reply, strlen (reply));

  if (outer)
    server_flush_deferred (self);
}

static void
client_handle_close (WcDevServerClient *client,
                     const guint8      *payload,
                     gsize              length)
{
  guint code = 0;

  client->close_received = TRUE;

  if (length >= 2)
    code = (payload[0] << 8) | payload[1];

  if (client->state == CLIENT_OPEN)
    {
      if (length == 1 || (length >= 2 && !close_code_is_valid (code)) ||
          (length > 2 && !text_is_valid_utf8 ((const char *) payload + 2, length - 2)))
        client_close (client, SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR, "Invalid close frame");
      else
        client_close (client, length >= 2 ? code : 0, NULL);
    }
  else if (g_queue_is_empty (&client->outq))
    {
      client_after_drain (client);
    }
}

/* Handle one complete, unmasked frame. */
static void
client_handle_frame (WcDevServerClient *client,
                     gboolean           fin,
                     guint8             opcode,
                     guint8            *payload,
                     gsize              length)
{
  switch (opcode)
    {
    case OP_PING:
      if (client->state == CLIENT_OPEN)
        {
          g_autoptr(GBytes) pong = frame_new (OP_PONG, payload, length);
          client_send_bytes (client, pong, SEND_CONTROL);
        }
      return;

    case OP_PONG:
      client->ping_sent_us = 0;
      return;

    case OP_CLOSE:
      client_handle_close (client, payload, length);
      return;

    default:
      break;
    }

  if (client->state != CLIENT_OPEN)
    return;  /* data after our close frame is ignored */

  if (fin && client->frag == NULL)
    {
      client_dispatch (client, (char *) payload, length);
      return;
    }

  if (client->frag == NULL)
    {
      client->frag = g_byte_array_sized_new (MAX (length * 2, 4096) + 1);
      client->frag_opcode = opcode;
    }
  g_byte_array_append (client->frag, payload, length);

  if (fin)
    {
      g_autoptr(GByteArray) message = g_steal_pointer (&client->frag);

      client->frag_opcode = 0;
      g_byte_array_append (message, (const guint8 *) "", 1);  /* the spare byte */
      client_dispatch (client, (char *) message->data, message->len - 1);
    }
}

/* Checks a frame header against RFC 6455 and our limits. Returns 0 when the frame is
 * acceptable, else the close code to answer with (and its reason). */
static gushort
frame_check (WcDevServerClient  *client,
             const guint8       *p,
             guint64             plen,
             const char        **reason)
{
  gboolean fin = (p[0] & 0x80) != 0;
  guint8 opcode = p[0] & 0x0F;
  guint8 message_opcode = opcode;
  gsize so_far = client->frag ? client->frag->len : 0;

  if ((p[0] & 0x70) != 0)
    return *reason = "Reserved bits set", SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR;
  if ((p[1] & 0x80) == 0)
    return *reason = "Unmasked frame", SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR;

  if (opcode & 0x8)
    {
      if ((opcode != OP_CLOSE && opcode != OP_PING && opcode != OP_PONG) ||
          !fin || plen > MAX_CONTROL_PAYLOAD)
        return *reason = "Invalid control frame", SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR;
      return 0;
    }

  if (opcode == OP_CONTINUATION && client->frag == NULL)
    return *reason = "Unexpected continuation frame", SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR;
  if (opcode != OP_CONTINUATION && client->frag != NULL)
    return *reason = "Expected a continuation frame", SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR;
  if (opcode == OP_CONTINUATION)
    message_opcode = client->frag_opcode;
  if (message_opcode == OP_BINARY)
    return *reason = "Binary messages are not supported", SOUP_WEBSOCKET_CLOSE_UNSUPPORTED_DATA;
  if (message_opcode != OP_TEXT)
    return *reason = "Unknown opcode", SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR;
  if (plen > WC_DEV_SERVER_MAX_MESSAGE_SIZE - so_far)
    return *reason = "Message larger than 1 MiB", SOUP_WEBSOCKET_CLOSE_TOO_BIG;

  return 0;
}

/*
 * Parse as many whole frames as @buf holds. Returns how many bytes were consumed; sets
 * *need to the size of the incomplete frame at the end (0 if unknown yet).
 */
static gsize
client_parse (WcDevServerClient *client,
              guint8            *buf,
              gsize              len,
              gsize             *need)
{
  gsize pos = 0;

  *need = 0;

  while (client->state != CLIENT_DEAD)
    {
      guint8 *p = buf + pos;
      gsize avail = len - pos;
      guint64 plen;
      gsize hlen = 2;
      gboolean fin;
      guint8 opcode;
      guint8 *mask;

      if (avail < 2)
        break;

      fin = (p[0] & 0x80) != 0;
      opcode = p[0] & 0x0F;
      plen = p[1] & 0x7F;

      if (plen == 126)
        {
          if (avail < 4)
            break;
          plen = ((guint64) p[2] << 8) | p[3];
          hlen = 4;
        }
      else if (plen == 127)
        {
          if (avail < 10)
            break;
          plen = 0;
          for (int i = 0; i < 8; i++)
            plen = (plen << 8) | p[2 + i];
          hlen = 10;
        }

      if (client->state == CLIENT_OPEN)
        {
          const char *reason = NULL;
          gushort code = frame_check (client, p, plen, &reason);

          if (code != 0)
            {
              /* the peer gets a close frame right away; the refused frame's payload is
               * skipped, not buffered, so that its close frame behind it is understood */
              guint64 masked_len = ((p[1] & 0x80) ? 4 : 0) + hlen + plen;

              client_close (client, code, reason);
              if (masked_len <= avail)
                {
                  pos += masked_len;
                  continue;
                }
              client->discard = masked_len - avail;
              return len;
            }
        }
      else if (plen > WC_DEV_SERVER_MAX_MESSAGE_SIZE || (p[1] & 0x80) == 0)
        {
          /* closing: only a close frame matters; don't buffer anything big or bogus */
          client_die (client, "invalid frame while closing");
          return len;
        }

      hlen += 4;
      if (avail < hlen + plen)
        {
          *need = hlen + plen;
          break;
        }

      mask = p + hlen - 4;
      for (gsize i = 0; i < plen; i++)
        p[hlen + i] ^= mask[i & 3];

      pos += hlen + plen;
      client_handle_frame (client, fin, opcode, p + hlen, plen);
    }

  return MIN (pos, len);
}

static void
client_buffer_reserve (WcDevServerClient *client,
                       gsize              size)
{
  if (client->icap < size)
    {
      client->icap = MAX (size, MIN (client->icap * 2, (gsize) WC_DEV_SERVER_MAX_MESSAGE_SIZE + 16));
      client->icap = MAX (client->icap, size);
      client->ibuf = g_realloc (client->ibuf, client->icap);
    }
}

static void client_switch_to_socket (WcDevServerClient *client);

static gssize
client_recv (WcDevServerClient  *client,
             guint8             *buf,
             gsize               len,
             GError            **error)
{
  if (client->direct_read)
    return g_socket_receive_with_blocking (client->socket, (char *) buf, len, FALSE, NULL, error);
  return g_pollable_input_stream_read_nonblocking (client->input, buf, len, NULL, error);
}

static gboolean
on_client_readable (gpointer user_data)
{
  WcDevServerClient *client = user_data;
  g_autoptr(WcDevServerClient) hold = NULL;
  WcDevServer *self = client->server;

  if (client->reading)
    return G_SOURCE_CONTINUE;  /* a nested main loop: the outer call reads on */
  hold = client_ref (client);
  client->reading = TRUE;

  for (guint round = 0;
       (round < 4 || client->draining) && client->state != CLIENT_DEAD && client->in_source;
       round++)
    {
      g_autoptr(GError) error = NULL;
      gboolean shared = client->ilen == 0 && !self->rbuf_busy;
      guint8 *buf;
      gsize avail;
      gssize n;
      gsize used, need = 0;

      if (shared)
        {
          buf = self->rbuf;
          avail = READ_BUFFER_SIZE - 1;
        }
      else
        {
          client_buffer_reserve (client, client->ilen + 4096 + 1);
          buf = client->ibuf + client->ilen;
          avail = client->icap - client->ilen - 1;
        }

      n = client_recv (client, buf, avail, &error);
      if (n < 0)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            client_die (client, error->message);
          else if (!client->direct_read && client->socket != NULL)
            client_switch_to_socket (client);
          break;
        }
      if (n == 0)
        {
          client_die (client, "peer closed the connection");
          break;
        }

      client->last_rx_us = g_get_monotonic_time ();
      client->ping_sent_us = 0;

      if (client->discard > 0)
        {
          gsize skip = MIN (client->discard, (guint64) n);

          client->discard -= skip;
          if (skip == (gsize) n)
            continue;
          if (shared)
            buf += skip;
          else
            memmove (buf, buf + skip, n - skip);
          n -= skip;
        }

      if (shared)
        {
          self->rbuf_busy = TRUE;
          used = client_parse (client, buf, n, &need);
          self->rbuf_busy = FALSE;
          if (client->state != CLIENT_DEAD && used < (gsize) n)
            {
              client_buffer_reserve (client, MAX (need, (gsize) n - used) + 1);
              memcpy (client->ibuf, buf + used, n - used);
              client->ilen = n - used;
            }
        }
      else
        {
          client->ilen += n;
          used = client_parse (client, client->ibuf, client->ilen, &need);
          if (client->state != CLIENT_DEAD)
            {
              memmove (client->ibuf, client->ibuf + used, client->ilen - used);
              client->ilen -= used;
              if (need > 0)
                client_buffer_reserve (client, need + 1);
              if (client->ilen == 0 && client->icap > READ_BUFFER_SIZE)
                {
                  /* a big message went through: give the memory back */
                  g_clear_pointer (&client->ibuf, g_free);
                  client->icap = 0;
                }
            }
        }

      /* a short read means the socket is drained; poll() will tell us when more comes */
      if ((gsize) n < avail && !client->draining)
        break;
    }

  client->reading = FALSE;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_client_socket_readable (GSocket      *socket,
                           GIOCondition  condition,
                           gpointer      user_data)
{
  return on_client_readable (user_data);
}

static gboolean
on_client_stream_readable (GObject  *stream,
                           gpointer  user_data)
{
  return on_client_readable (user_data);
}

static void
client_start_reading (WcDevServerClient *client)
{
  if (client->in_source != NULL || client->state == CLIENT_DEAD)
    return;

  if (client->direct_read)
    {
      client->in_source = g_socket_create_source (client->socket, G_IO_IN, NULL);
      g_source_set_callback (client->in_source,
                             (GSourceFunc) (void (*) (void)) on_client_socket_readable,
                             client, NULL);
    }
  else
    {
      client->in_source = g_pollable_input_stream_create_source (client->input, NULL);
      g_source_set_callback (client->in_source,
                             (GSourceFunc) (void (*) (void)) on_client_stream_readable,
                             client, NULL);
    }
  g_source_set_static_name (client->in_source, "WcDevServer client input");
  /* GLib "blocks" a non-recursive source while dispatching it by removing its fds from the
   * context and adding them back, each time waking the context up through its eventfd: two
   * extra writes and one extra poll() round per message. Our callbacks run no nested main
   * loop and guard against re-entry themselves, so let the source recurse. */
  g_source_set_can_recurse (client->in_source, TRUE);
  g_source_attach (client->in_source, g_main_context_get_thread_default ());
}

/* Everything libsoup had buffered has been read: from now on read the socket directly,
 * watched by a plain socket source. */
static void
client_switch_to_socket (WcDevServerClient *client)
{
  client->direct_read = TRUE;
  if (client->in_source != NULL)
    {
      g_source_destroy (client->in_source);
      g_clear_pointer (&client->in_source, g_source_unref);
      client_start_reading (client);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Broadcasts                                                                               */

static void
server_send_to_all (WcDevServer *self,
                    GBytes      *frame,
                    gpointer     exclude,
                    gboolean     is_meter)
{
  self->iterating++;
  for (guint i = 0; i < self->clients->len; i++)
    {
      WcDevServerClient *client = g_ptr_array_index (self->clients, i);

      if (client == NULL || client == exclude || client->state != CLIENT_OPEN)
        continue;
      client_send_bytes (client, frame, is_meter ? SEND_METER : SEND_DATA);
    }
  server_iterate_end (self);
}

static void
server_broadcast_frame (WcDevServer *self,
                        GBytes      *frame,
                        gpointer     exclude,
                        gboolean     is_meter)
{
  if (self->dispatching != NULL)
    {
      DeferredMeta meta = { exclude, is_meter };

      g_ptr_array_add (self->deferred, g_bytes_ref (frame));
      g_array_append_val (self->deferred_meta, meta);
      return;
    }

  server_send_to_all (self, frame, exclude, is_meter);
}

static void
server_flush_deferred (WcDevServer *self)
{
  /* entries may be added while sending (never while not dispatching, but be safe) */
  for (guint i = 0; i < self->deferred->len; i++)
    {
      GBytes *frame = g_ptr_array_index (self->deferred, i);
      DeferredMeta *meta = &g_array_index (self->deferred_meta, DeferredMeta, i);

      server_send_to_all (self, frame, meta->exclude, meta->is_meter);
    }
  g_ptr_array_set_size (self->deferred, 0);
  g_array_set_size (self->deferred_meta, 0);
}

static void
server_broadcast_text (WcDevServer *self,
                       const char  *text,
                       gpointer     exclude,
                       gboolean     is_meter)
{
  g_autoptr(GBytes) frame = NULL;

  if (self->n_open == 0)
    return;

  frame = frame_new (OP_TEXT, text, strlen (text));
  server_broadcast_frame (self, frame, exclude, is_meter);
}

static void
on_parameter_changed (WcParamHost *host,
                      const char  *id,
                      double       value,
                      WcDevServer *self)
{
  g_autoptr(GString) params = NULL;
  g_autofree char *text = NULL;

  if (self->n_open == 0)
    return;

  params = g_string_sized_new (64);
  g_string_append (params, "{\"id\":");
  json_append_string (params, id);
  g_string_append (params, ",\"value\":");
  wc_json_append_double (params, value);
  g_string_append_c (params, '}');

  text = wc_jsonrpc_notification ("parameterChanged", params->str);
  server_broadcast_text (self, text, NULL, FALSE);
}

static void
on_meter_frame (WcMeterSource *meters,
                gpointer       source_client,
                gconstpointer  frame,
                WcDevServer   *self)
{
  g_autofree char *text = NULL;

  if (self->n_open == 0)
    return;

  text = wc_meter_frame_to_notification (frame);
  server_broadcast_text (self, text, source_client, TRUE);
}

/* ---------------------------------------------------------------------------------------- */
/* Housekeeping: keepalive pings, pong timeouts, close timeouts                             */

static gboolean
on_tick (gpointer user_data)
{
  WcDevServer *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 keepalive_us = (gint64) self->keepalive_ms * 1000;
  gint64 pong_us = (gint64) self->pong_timeout_ms * 1000;

  g_object_ref (self);
  self->iterating++;
  for (guint i = 0; i < self->clients->len; i++)
    {
      WcDevServerClient *client = g_ptr_array_index (self->clients, i);

      if (client == NULL)
        continue;

      if (client->state == CLIENT_CLOSING)
        {
          if (now >= client->close_deadline_us)
            client_die (client, "close handshake timed out");
          continue;
        }

      if (client->state != CLIENT_OPEN || keepalive_us == 0)
        continue;

      if (client->ping_sent_us != 0)
        {
          if (now - client->ping_sent_us >= pong_us)
            client_die (client, "no pong within the keepalive timeout");
        }
      else if (now - client->last_rx_us >= keepalive_us)
        {
          static const guint8 ping[] = { 0x80 | OP_PING, 2, 'w', 'c' };

          client->ping_sent_us = now;
          client_send (client, ping, sizeof ping, NULL, SEND_CONTROL);
        }
    }
  server_iterate_end (self);
  g_object_unref (self);

  return G_SOURCE_CONTINUE;
}

static void
server_update_tick (WcDevServer *self)
{
  guint tick_ms = CLOSE_TIMEOUT_MS;

  if (self->keepalive_ms > 0)
    tick_ms = MIN (tick_ms, MIN (self->keepalive_ms, self->pong_timeout_ms));
  tick_ms = MAX (tick_ms / 4, 5);

  if (self->clients->len == 0 || tick_ms != self->tick_ms)
    {
      if (self->tick_source)
        {
          g_source_destroy (self->tick_source);
          g_clear_pointer (&self->tick_source, g_source_unref);
        }
    }

  if (self->clients->len > 0 && self->tick_source == NULL)
    {
      self->tick_ms = tick_ms;
      self->tick_source = g_timeout_source_new (tick_ms);
      g_source_set_static_name (self->tick_source, "WcDevServer keepalive");
      g_source_set_callback (self->tick_source, on_tick, self, NULL);
      g_source_attach (self->tick_source, g_main_context_get_thread_default ());
    }
}

/* ---------------------------------------------------------------------------------------- */
/* HTTP: Host/Origin checks, the handshake, the built-in UI                                 */

static gboolean
host_is_allowed (WcDevServer *self,
                 const char  *host)
{
  static const char * const names[] = { "localhost", "127.0.0.1", "[::1]" };
  const char *colon;
  guint64 port;
  char *end = NULL;

  if (host == NULL || self->port == 0)
    return FALSE;

  colon = strrchr (host, ':');
  if (colon == NULL || colon[1] == '\0' || colon == host || colon[-1] == ':')
    return FALSE;

  port = g_ascii_strtoull (colon + 1, &end, 10);
  if (end == NULL || *end != '\0' || port != self->port)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gsize len = strlen (names[i]);

      if ((gsize) (colon - host) == len && g_ascii_strncasecmp (host, names[i], len) == 0)
        return TRUE;
    }

  return FALSE;
}

static char *
origin_normalize (const char *origin)
{
  char *norm = g_ascii_strdown (origin, -1);
  gsize len = strlen (norm);

  while (len > 0 && norm[len - 1] == '/')
    norm[--len] = '\0';

  return norm;
}

static gboolean
origin_is_allowed (WcDevServer *self,
                   const char  *origin)
{
  static const char * const names[] = { "localhost", "127.0.0.1", "[::1]" };
  g_autofree char *norm = origin_normalize (origin);
  const guint ports[] = { self->port, self->ui_port };

  for (guint i = 0; i < self->allowed_origins->len; i++)
    if (g_str_equal (norm, g_ptr_array_index (self->allowed_origins, i)))
      return TRUE;

  if (!g_str_has_prefix (norm, "http://"))
    return FALSE;

  for (guint p = 0; p < G_N_ELEMENTS (ports); p++)
    {
      if (ports[p] == 0)
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          char candidate[64];

          g_snprintf (candidate, sizeof candidate, "http://%s:%u", names[i], ports[p]);
          if (g_str_equal (norm, candidate))
            return TRUE;
        }
    }

  return FALSE;
}

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *text)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY,
                                    text, strlen (text));
}

static void
refuse (SoupServerMessage *msg,
        const char        *why)
{
  g_debug ("refused %s %s: %s", soup_server_message_get_method (msg),
           g_uri_get_path (soup_server_message_get_uri (msg)), why);
  respond_text (msg, SOUP_STATUS_FORBIDDEN, why);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
}

static void
on_upgrade_written (SoupServerMessage *msg,
                    WcDevServer       *self)
{
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GSocket) socket = NULL;
  WcDevServerClient *client;
  GInputStream *input;
  GOutputStream *output;
  GSocketAddress *remote;

  if (soup_server_message_get_status (msg) != SOUP_STATUS_SWITCHING_PROTOCOLS)
    return;
  g_signal_handlers_disconnect_by_func (msg, on_upgrade_written, self);

  /* the address object is the one given to soup_server_accept_iostream(): it carries the
   * socket (see on_listener_ready()) */
  remote = soup_server_message_get_remote_address (msg);
  if (remote != NULL)
    socket = g_object_get_qdata (G_OBJECT (remote), socket_quark ());
  if (socket != NULL)
    g_object_ref (socket);

  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    return;

  input = g_io_stream_get_input_stream (stream);
  output = g_io_stream_get_output_stream (stream);
  if (!self->running ||
      !G_IS_POLLABLE_INPUT_STREAM (input) ||
      !g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (input)) ||
      !G_IS_POLLABLE_OUTPUT_STREAM (output) ||
      !g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (output)))
    {
      g_io_stream_close (stream, NULL, NULL);
      return;
    }

  client = g_new0 (WcDevServerClient, 1);
  client->ref_count = 1;
  client->server = self;
  client->id = ++self->next_client_id;
  client->state = CLIENT_OPEN;
  client->stream = g_steal_pointer (&stream);
  client->input = G_POLLABLE_INPUT_STREAM (g_object_ref (input));
  client->output = G_POLLABLE_OUTPUT_STREAM (g_object_ref (output));
  client->socket = g_steal_pointer (&socket);
  client->last_rx_us = g_get_monotonic_time ();
  g_queue_init (&client->outq);

  g_ptr_array_add (self->clients, client);
  self->n_open++;
  g_debug ("client %" G_GUINT64_FORMAT ": connected (%u open)", client->id, self->n_open);

  client_start_reading (client);
  /* read what arrived with the handshake (libsoup may hold some of it), until the socket
   * would block; that switches to reading the socket directly */
  if (client->socket != NULL)
    {
      g_autoptr(WcDevServerClient) hold = client_ref (client);

      client->draining = TRUE;
      on_client_readable (client);
      client->draining = FALSE;
      if (client->state != CLIENT_OPEN)
        return;
    }
  server_update_tick (self);

  if (self->n_open == 1)
    wc_meter_source_set_active (self->meters, TRUE);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CLIENTS]);
  g_signal_emit (self, signals[CLIENT_CONNECTED], 0, client);
}

static const char *
content_type_for (const char *path)
{
  static const struct { const char *suffix; const char *type; } types[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".js", "text/javascript; charset=utf-8" },
    { ".mjs", "text/javascript; charset=utf-8" },
    { ".css", "text/css; charset=utf-8" },
    { ".json", "application/json" },
    { ".svg", "image/svg+xml" },
    { ".png", "image/png" },
    { ".ico", "image/x-icon" },
    { ".woff2", "font/woff2" },
    { ".txt", "text/plain; charset=utf-8" },
    { ".map", "application/json" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_has_suffix (path, types[i].suffix))
      return types[i].type;

  return "application/octet-stream";
}

static const char fallback_index[] =
  "<!DOCTYPE html>\n"
  "<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Wavecraft</title></head>\n"
  "<body><h1>Wavecraft dev server</h1>\n"
  "<p>The built-in UI is not part of this build. WebSocket clients can connect to this\n"
  "address.</p></body></html>\n";

static void
serve_ui (WcDevServer       *self,
          SoupServerMessage *msg,
          const char        *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *resource = NULL;
  const char *relative;
  gboolean index;

  relative = path;
  while (*relative == '/')
    relative++;
  index = *relative == '\0' || g_str_equal (relative, "index.html");
  if (*relative == '\0')
    relative = "index.html";

  if (strstr (relative, "..") != NULL || strstr (relative, "//") != NULL ||
      g_str_has_suffix (relative, "/"))
    {
      respond_text (msg, SOUP_STATUS_NOT_FOUND, "Not found");
      return;
    }

  resource = g_strconcat (self->ui_prefix, relative, NULL);
  bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL && index)
    bytes = g_bytes_new_static (fallback_index, sizeof fallback_index - 1);
  if (bytes == NULL)
    {
      respond_text (msg, SOUP_STATUS_NOT_FOUND, "Not found");
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (headers, "Content-Type", content_type_for (relative));
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

static void
on_http_request (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  WcDevServer *self = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *origin;

  if (!host_is_allowed (self, soup_message_headers_get_one (request, "Host")))
    {
      refuse (msg, "Forbidden: Host must be localhost, 127.0.0.1 or [::1] with this server's port");
      return;
    }

  origin = soup_message_headers_get_one (request, "Origin");
  if (origin != NULL && !origin_is_allowed (self, origin))
    {
      refuse (msg, "Forbidden: Origin not allowed");
      return;
    }

  if (soup_message_headers_header_contains (request, "Upgrade", "websocket"))
    {
      /* PROTOCOL.md §4: an upgrade on any path reaches the JSON-RPC endpoint. No extension
       * is offered (supported_extensions NULL), so permessage-deflate is never negotiated. */
      if (soup_websocket_server_process_handshake (msg, NULL, NULL, NULL, NULL))
        g_signal_connect_object (msg, "wrote-informational",
                                 G_CALLBACK (on_upgrade_written), self, 0);
      return;
    }

  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method not allowed");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "GET, HEAD");
      return;
    }

  serve_ui (self, msg, path);
}

/* ---------------------------------------------------------------------------------------- */
/* GObject                                                                                  */

static void
wc_dev_server_constructed (GObject *object)
{
  WcDevServer *self = WC_DEV_SERVER (object);

  G_OBJECT_CLASS (wc_dev_server_parent_class)->constructed (object);

  g_assert (self->host != NULL);

  if (self->meters == NULL)
    self->meters = wc_meter_source_new ();

  self->rpc = wc_jsonrpc_new ();
  wc_rpc_methods_install (self->rpc, self->host, self->meters);

  g_signal_connect_object (self->host, "parameter-changed",
                           G_CALLBACK (on_parameter_changed), self, 0);
  g_signal_connect_object (self->meters, "frame", G_CALLBACK (on_meter_frame), self, 0);
}

static void
server_destroy_clients (WcDevServer *self)
{
  while (self->clients->len > 0)
    {
      WcDevServerClient *client = g_ptr_array_index (self->clients, self->clients->len - 1);

      if (client == NULL)
        {
          g_ptr_array_remove_index (self->clients, self->clients->len - 1);
          continue;
        }
      client_die (client, "server disposed");
    }
}

static void
wc_dev_server_dispose (GObject *object)
{
  WcDevServer *self = WC_DEV_SERVER (object);
  WcDevServerClient *client;

  server_close_listeners (self);
  if (self->soup != NULL)
    {
      soup_server_disconnect (self->soup);
      g_clear_object (&self->soup);
    }
  self->running = FALSE;

  server_destroy_clients (self);
  if (self->tick_source)
    {
      g_source_destroy (self->tick_source);
      g_clear_pointer (&self->tick_source, g_source_unref);
    }
  g_clear_handle_id (&self->reap_idle_id, g_source_remove);
  while ((client = g_queue_pop_head (&self->disconnected)))
    client_unref (client);

  if (self->meters != NULL)
    wc_meter_source_set_active (self->meters, FALSE);

  g_clear_object (&self->rpc);
  g_clear_object (&self->meters);
  g_clear_object (&self->host);

  G_OBJECT_CLASS (wc_dev_server_parent_class)->dispose (object);
}

static void
wc_dev_server_finalize (GObject *object)
{
  WcDevServer *self = WC_DEV_SERVER (object);

  g_ptr_array_unref (self->clients);
  g_ptr_array_unref (self->allowed_origins);
  g_ptr_array_unref (self->deferred);
  g_array_unref (self->deferred_meta);
  g_ptr_array_unref (self->listeners);
  g_ptr_array_unref (self->listen_sources);
  g_free (self->ui_prefix);
  g_free (self->rbuf);

  G_OBJECT_CLASS (wc_dev_server_parent_class)->finalize (object);
}

static void
wc_dev_server_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  WcDevServer *self = WC_DEV_SERVER (object);

  switch (prop_id)
    {
    case PROP_HOST:
      g_value_set_object (value, self->host);
      break;
    case PROP_METERS:
      g_value_set_object (value, self->meters);
      break;
    case PROP_PORT:
      g_value_set_uint (value, wc_dev_server_get_port (self));
      break;
    case PROP_UI_PORT:
      g_value_set_uint (value, self->ui_port);
      break;
    case PROP_N_CLIENTS:
      g_value_set_uint (value, self->n_open);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wc_dev_server_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  WcDevServer *self = WC_DEV_SERVER (object);

  switch (prop_id)
    {
    case PROP_HOST:
      self->host = g_value_dup_object (value);
      break;
    case PROP_METERS:
      self->meters = g_value_dup_object (value);
      break;
    case PROP_PORT:
      wc_dev_server_set_port (self, g_value_get_uint (value));
      break;
    case PROP_UI_PORT:
      wc_dev_server_set_ui_port (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wc_dev_server_class_init (WcDevServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = wc_dev_server_constructed;
  object_class->dispose = wc_dev_server_dispose;
  object_class->finalize = wc_dev_server_finalize;
  object_class->get_property = wc_dev_server_get_property;
  object_class->set_property = wc_dev_server_set_property;

  properties[PROP_HOST] =
    g_param_spec_object ("host", NULL, NULL, WC_TYPE_PARAM_HOST,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_METERS] =
    g_param_spec_object ("meters", NULL, NULL, WC_TYPE_METER_SOURCE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UI_PORT] =
    g_param_spec_uint ("ui-port", NULL, NULL, 0, G_MAXUINT16, 5173,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_CLIENTS] =
    g_param_spec_uint ("n-clients", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CLIENT_CONNECTED] =
    g_signal_new ("client-connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[CLIENT_DISCONNECTED] =
    g_signal_new ("client-disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
wc_dev_server_init (WcDevServer *self)
{
  self->ui_port = 5173;
  self->ui_prefix = g_strdup (WC_DEV_SERVER_DEFAULT_UI_PREFIX);
  self->keepalive_ms = DEFAULT_KEEPALIVE_MS;
  self->pong_timeout_ms = DEFAULT_PONG_TIMEOUT_MS;
  self->send_queue_limit = WC_DEV_SERVER_DEFAULT_SEND_QUEUE_LIMIT;
  self->clients = g_ptr_array_new ();
  self->allowed_origins = g_ptr_array_new_with_free_func (g_free);
  self->deferred = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->deferred_meta = g_array_new (FALSE, FALSE, sizeof (DeferredMeta));
  self->listeners = g_ptr_array_new_with_free_func (g_object_unref);
  self->listen_sources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
  g_queue_init (&self->disconnected);
}

/* ---------------------------------------------------------------------------------------- */
/* Public API                                                                               */

/**
 * wc_dev_server_new:
 * @host: the parameters to serve
 * @meters: (nullable): the meter source (synthetic meters and audio-source frames), or %NULL
 *   for a private one
 *
 * Creates a dev server. It creates its #WcJsonRpc and installs every PROTOCOL.md §4 method
 * with wc_rpc_methods_install(); nothing listens until wc_dev_server_start().
 *
 * Returns: (transfer full): a new #WcDevServer
 */
WcDevServer *
wc_dev_server_new (WcParamHost   *host,
                   WcMeterSource *meters)
{
  g_return_val_if_fail (WC_IS_PARAM_HOST (host), NULL);
  g_return_val_if_fail (meters == NULL || WC_IS_METER_SOURCE (meters), NULL);

  return g_object_new (WC_TYPE_DEV_SERVER, "host", host, "meters", meters, NULL);
}

/**
 * wc_dev_server_get_jsonrpc:
 * @self: a #WcDevServer
 *
 * The dispatcher every WebSocket text frame goes through, so that the session can add
 * methods of its own (for example `getBuildStatus`) with wc_jsonrpc_add_method().
 *
 * Returns: (transfer none): the dispatcher
 */
WcJsonRpc *
wc_dev_server_get_jsonrpc (WcDevServer *self)
{
  g_return_val_if_fail (WC_IS_DEV_SERVER (self), NULL);

  return self->rpc;
}

/**
 * wc_dev_server_get_host:
 * @self: a #WcDevServer
 *
 * Returns: (transfer none): the parameter host given to wc_dev_server_new()
 */
WcParamHost *
wc_dev_server_get_host (WcDevServer *self)
{
  g_return_val_if_fail (WC_IS_DEV_SERVER (self), NULL);

  return self->host;
}

/**
 * wc_dev_server_set_port:
 * @self: a #WcDevServer
 * @port: TCP port to listen on, 0 for an ephemeral one (default 0; the CLI passes 9000)
 *
 * Sets the port used by the next wc_dev_server_start().
 */
void
wc_dev_server_set_port (WcDevServer *self,
                        guint        port)
{
  g_return_if_fail (WC_IS_DEV_SERVER (self));
  g_return_if_fail (port <= G_MAXUINT16);

  if (self->requested_port == port)
    return;
  self->requested_port = port;
  if (!self->running)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

/**
 * wc_dev_server_get_port:
 * @self: a #WcDevServer
 *
 * Returns: the port actually bound while running (the ephemeral one when 0 was asked for),
 *   otherwise the port set with wc_dev_server_set_port()
 */
guint
wc_dev_server_get_port (WcDevServer *self)
{
  g_return_val_if_fail (WC_IS_DEV_SERVER (self), 0);

  return self->running ? self->port : self->requested_port;
}

/**
 * wc_dev_server_set_ui_port:
 * @self: a #WcDevServer
 * @ui_port: the port of the project's own UI dev server (default 5173), or 0 for none
 *
 * Origins `http://localhost:<ui_port>`, `http://127.0.0.1:<ui_port>` and
 * `http://[::1]:<ui_port>` are allowed, besides the same names on the server's own port.
 */
void
wc_dev_server_set_ui_port (WcDevServer *self,
                           guint        ui_port)
{
  g_return_if_fail (WC_IS_DEV_SERVER (self));
  g_return_if_fail (ui_port <= G_MAXUINT16);

  if (self->ui_port == ui_port)
    return;
  self->ui_port = ui_port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UI_PORT]);
}

/**
 * wc_dev_server_get_ui_port:
 * @self: a #WcDevServer
 *
 * Returns: the UI dev server port used for the Origin allow-list
 */
guint
wc_dev_server_get_ui_port (WcDevServer *self)
{
  g_return_val_if_fail (WC_IS_DEV_SERVER (self), 0);

  return self->ui_port;
}

/**
 * wc_dev_server_add_allowed_origin:
 * @self: a #WcDevServer
 * @origin: an exact origin such as `http://192.168.1.5:5173` (`--allow-origin`)
 *
 * Allows one more `Origin` on HTTP and WebSocket requests. Compared case-insensitively,
 * ignoring a trailing `/`. `null` can't be allowed.
 */
void
wc_dev_server_add_allowed_origin (WcDevServer *self,
                                  const char  *origin)
{
  g_autofree char *norm = NULL;

  g_return_if_fail (WC_IS_DEV_SERVER (self));
  g_return_if_fail (origin != NULL);

  norm = origin_normalize (origin);
  if (*norm == '\0' || g_str_equal (norm, "null"))
    return;
  g_ptr_array_add (self->allowed_origins, g_steal_pointer (&norm));
}

/**
 * wc_dev_server_set_ui_prefix:
 * @self: a #WcDevServer
 * @resource_prefix: GResource path ending in `/` (default %WC_DEV_SERVER_DEFAULT_UI_PREFIX)
 *
 * Where the built-in UI is looked up: `GET /` serves `<prefix>index.html`, `GET /a/b.js`
 * serves `<prefix>a/b.js`, anything missing is 404. Without `index.html` a small fallback page
 * is served at `/`.
 */
void
wc_dev_server_set_ui_prefix (WcDevServer *self,
                             const char  *resource_prefix)
{
  g_return_if_fail (WC_IS_DEV_SERVER (self));
  g_return_if_fail (resource_prefix != NULL);

  g_free (self->ui_prefix);
  if (g_str_has_suffix (resource_prefix, "/"))
    self->ui_prefix = g_strdup (resource_prefix);
  else
    self->ui_prefix = g_strconcat (resource_prefix, "/", NULL);
}

/**
 * wc_dev_server_set_keepalive:
 * @self: a #WcDevServer
 * @interval_ms: ping a client after this many ms without traffic from it (default 15000);
 *   0 disables pings and pong timeouts
 * @timeout_ms: drop the client when nothing arrives this many ms after a ping (default 10000)
 *
 * Idle peers are pinged and dropped (their socket is closed) when they stay silent.
 */
void
wc_dev_server_set_keepalive (WcDevServer *self,
                             guint        interval_ms,
                             guint        timeout_ms)
{
  g_return_if_fail (WC_IS_DEV_SERVER (self));
  g_return_if_fail (interval_ms == 0 || timeout_ms > 0);

  self->keepalive_ms = interval_ms;
  self->pong_timeout_ms = timeout_ms;
  server_update_tick (self);
}

/**
 * wc_dev_server_set_send_queue_limit:
 * @self: a #WcDevServer
 * @max_bytes: cap in bytes on one client's unsent frames (default
 *   %WC_DEV_SERVER_DEFAULT_SEND_QUEUE_LIMIT, at least 4096)
 *
 * A client whose queue grows past @max_bytes (its socket buffer is full and it is not
 * reading) is disconnected with close code 1008. Meter frames never pile up: only the newest
 * unsent one is kept. Reading from a client pauses while its queue is over half the limit.
 */
void
wc_dev_server_set_send_queue_limit (WcDevServer *self,
                                    gsize        max_bytes)
{
  g_return_if_fail (WC_IS_DEV_SERVER (self));
  g_return_if_fail (max_bytes >= 4096);

  self->send_queue_limit = max_bytes;
}

static gboolean
on_listener_ready (GSocket      *listener,
                   GIOCondition  condition,
                   gpointer      user_data)
{
  WcDevServer *self = user_data;

  for (guint i = 0; i < 16; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) socket = g_socket_accept (listener, NULL, &error);
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GSocketAddress) local = NULL;
      g_autoptr(GSocketAddress) remote = NULL;

      if (socket == NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            g_debug ("accept: %s", error->message);
          break;
        }

      /* small frames go out at once; a bounded kernel buffer per client (no autotuning up
       * to several MiB) keeps a stalled reader from pinning much memory */
      g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
      g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, SOCKET_SEND_BUFFER, NULL);

      connection = g_socket_connection_factory_create_connection (socket);
      local = g_socket_get_local_address (socket, NULL);
      remote = g_socket_get_remote_address (socket, NULL);
      /* libsoup hands this very address back with each request: it leads the WebSocket
       * upgrade to the socket */
      if (remote != NULL)
        g_object_set_qdata_full (G_OBJECT (remote), socket_quark (), g_object_ref (socket),
                                 g_object_unref);

      /* Accepting here and handing the stream to libsoup, rather than letting
       * soup_server_listen() accept, avoids a GSocket that libsoup 3.2's own listener leaks
       * per connection, and gives us exact control over the bound addresses. */
      if (!soup_server_accept_iostream (self->soup, G_IO_STREAM (connection), local, remote,
                                        &error))
        g_debug ("could not take a connection: %s", error->message);
    }

  return G_SOURCE_CONTINUE;
}

static void
server_close_listeners (WcDevServer *self)
{
  for (guint i = 0; i < self->listen_sources->len; i++)
    g_source_destroy (g_ptr_array_index (self->listen_sources, i));
  g_ptr_array_set_size (self->listen_sources, 0);

  for (guint i = 0; i < self->listeners->len; i++)
    g_socket_close (g_ptr_array_index (self->listeners, i), NULL);
  g_ptr_array_set_size (self->listeners, 0);
}

static gboolean
listen_on (WcDevServer  *self,
           const char   *address,
           guint         port,
           guint        *bound_port,
           GError      **error)
{
  g_autoptr(GSocketAddress) sockaddr = g_inet_socket_address_new_from_string (address, port);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GSocket) socket = NULL;

  socket = g_socket_new (g_socket_address_get_family (sockaddr), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_blocking (socket, FALSE);
  /* allow_reuse: SO_REUSEADDR, so that a restart doesn't wait out TIME_WAIT; Linux still
   * refuses a port another socket listens on */
  if (!g_socket_bind (socket, sockaddr, TRUE, error))
    return FALSE;
  g_socket_set_listen_backlog (socket, 128);
  if (!g_socket_listen (socket, error))
    return FALSE;

  effective = g_socket_get_local_address (socket, error);
  if (effective == NULL)
    return FALSE;
  if (bound_port != NULL)
    *bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));

  g_ptr_array_add (self->listeners, g_steal_pointer (&socket));
  return TRUE;
}

static void
server_watch_listeners (WcDevServer *self)
{
  for (guint i = 0; i < self->listeners->len; i++)
    {
      GSource *source = g_socket_create_source (g_ptr_array_index (self->listeners, i),
                                                G_IO_IN, NULL);

      g_source_set_static_name (source, "WcDevServer listener");
      g_source_set_callback (source, (GSourceFunc) (void (*) (void)) on_listener_ready, self,
                             NULL);
      g_source_attach (source, g_main_context_get_thread_default ());
      g_ptr_array_add (self->listen_sources, source);
    }
}

/**
 * wc_dev_server_start:
 * @self: a #WcDevServer
 * @error: return location for a #GError
 *
 * Listens on 127.0.0.1 and ::1 (only loopback, never other interfaces) on the port set with
 * wc_dev_server_set_port(); with port 0 the same ephemeral port is used on both. A host
 * without IPv6 loopback listens on 127.0.0.1 alone.
 *
 * Returns: %TRUE on success; %FALSE with %WC_DEV_SERVER_ERROR_PORT_BUSY (message exactly
 *   `Port <N> is already in use`) or %WC_DEV_SERVER_ERROR_LISTEN
 */
gboolean
wc_dev_server_start (WcDevServer  *self,
                     GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  guint port = 0;

  g_return_val_if_fail (WC_IS_DEV_SERVER (self), FALSE);
  g_return_val_if_fail (!self->running, FALSE);

  if (self->soup == NULL)
    {
      self->soup = soup_server_new ("server-header", NULL, NULL);
      /* only soup_server_add_websocket_handler() would use it; removed all the same */
      soup_server_remove_websocket_extension (self->soup, SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE);
      soup_server_add_handler (self->soup, NULL, on_http_request, self, NULL);
    }
  if (self->rbuf == NULL)
    self->rbuf = g_malloc (READ_BUFFER_SIZE);

  for (guint attempt = 0; attempt < 16; attempt++)
    {
      g_clear_error (&local_error);
      server_close_listeners (self);

      if (!listen_on (self, "127.0.0.1", self->requested_port, &port, &local_error))
        break;

      if (listen_on (self, "::1", port, NULL, &local_error))
        break;

      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        {
          /* no IPv6 loopback here: 127.0.0.1 alone will do */
          g_debug ("not listening on [::1]:%u: %s", port, local_error->message);
          g_clear_error (&local_error);
          break;
        }

      if (self->requested_port != 0)
        break;
      /* the ephemeral port picked on 127.0.0.1 is taken on ::1: pick another */
    }

  if (local_error != NULL)
    {
      guint shown = self->requested_port ? self->requested_port : port;

      server_close_listeners (self);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_set_error (error, WC_DEV_SERVER_ERROR, WC_DEV_SERVER_ERROR_PORT_BUSY,
                     _("Port %u is already in use"), shown);
      else
        g_set_error (error, WC_DEV_SERVER_ERROR, WC_DEV_SERVER_ERROR_LISTEN,
                     _("Could not listen on port %u: %s"), shown, local_error->message);
      return FALSE;
    }

  self->port = port;
  self->running = TRUE;
  self->queued_bytes_peak = self->queued_bytes;
  server_watch_listeners (self);
  g_debug ("listening on 127.0.0.1:%u", port);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);

  return TRUE;
}

/**
 * wc_dev_server_is_running:
 * @self: a #WcDevServer
 *
 * Returns: whether the server is listening (between a successful wc_dev_server_start() and
 *   wc_dev_server_stop())
 */
gboolean
wc_dev_server_is_running (WcDevServer *self)
{
  g_return_val_if_fail (WC_IS_DEV_SERVER (self), FALSE);

  return self->running;
}

/**
 * wc_dev_server_get_n_clients:
 * @self: a #WcDevServer
 *
 * Returns: the number of open WebSocket sessions (closing ones are not counted)
 */
guint
wc_dev_server_get_n_clients (WcDevServer *self)
{
  g_return_val_if_fail (WC_IS_DEV_SERVER (self), 0);

  return self->n_open;
}

/**
 * wc_dev_server_broadcast:
 * @self: a #WcDevServer
 * @method: notification method, e.g. `parametersChanged`
 * @params_json: (nullable): the compact JSON text of `params`, or %NULL for none
 *
 * Sends the JSON-RPC notification `{"jsonrpc":"2.0","method":M,"params":P}` to every open
 * client. The text is serialised and framed once. Sent from within a request handler, it
 * goes out after that request's response.
 */
void
wc_dev_server_broadcast (WcDevServer *self,
                         const char  *method,
                         const char  *params_json)
{
  g_autofree char *text = NULL;

  g_return_if_fail (WC_IS_DEV_SERVER (self));
  g_return_if_fail (method != NULL);

  if (self->n_open == 0)
    return;

  text = wc_jsonrpc_notification (method, params_json);
  server_broadcast_text (self, text, NULL, FALSE);
}

/**
 * wc_dev_server_stop:
 * @self: a #WcDevServer
 *
 * Stops listening (the port is free when this returns) and closes every WebSocket session
 * with code 1001 (going away). Close frames are written right away when the sockets take
 * them; sockets still waiting for the peer's close are closed after at most 2 s of main loop,
 * or when @self is disposed. Idempotent. wc_dev_server_start() may be called again.
 */
void
wc_dev_server_stop (WcDevServer *self)
{
  g_return_if_fail (WC_IS_DEV_SERVER (self));

  if (!self->running)
    return;

  g_object_ref (self);
  self->running = FALSE;
  server_close_listeners (self);
  soup_server_disconnect (self->soup);

  self->iterating++;
  for (guint i = 0; i < self->clients->len; i++)
    {
      WcDevServerClient *client = g_ptr_array_index (self->clients, i);

      if (client != NULL)
        client_close (client, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "Server shutting down");
    }
  server_iterate_end (self);

  g_debug ("stopped listening on port %u", self->port);
  g_object_unref (self);
}

/* private */

gsize
wc_dev_server_get_queued_bytes (WcDevServer *self)
{
  g_return_val_if_fail (WC_IS_DEV_SERVER (self), 0);

  return self->queued_bytes;
}

gsize
wc_dev_server_get_queued_bytes_peak (WcDevServer *self)
{
  g_return_val_if_fail (WC_IS_DEV_SERVER (self), 0);

  return self->queued_bytes_peak;
}

guint
wc_dev_server_get_n_sockets (WcDevServer *self)
{
  guint n = 0;

  g_return_val_if_fail (WC_IS_DEV_SERVER (self), 0);

  for (guint i = 0; i < self->clients->len; i++)
    if (g_ptr_array_index (self->clients, i) != NULL)
      n++;

  return n;
}
