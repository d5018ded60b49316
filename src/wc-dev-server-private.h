/* wc-dev-server-private.h: introspection hooks for tests and benchmarks.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "wc-dev-server.h"

G_BEGIN_DECLS

/* Bytes (frames plus bookkeeping) waiting in every client's send queue right now. */
gsize  wc_dev_server_get_queued_bytes      (WcDevServer *self);
/* The largest value wc_dev_server_get_queued_bytes() reached since wc_dev_server_start(). */
gsize  wc_dev_server_get_queued_bytes_peak (WcDevServer *self);
/* Sessions in any state (open, closing), i.e. sockets still held. */
guint  wc_dev_server_get_n_sockets         (WcDevServer *self);

G_END_DECLS
