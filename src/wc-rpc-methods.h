/* wc-rpc-methods.h: the JSON-RPC methods of the dev server (PROTOCOL.md §4).
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "wc-jsonrpc.h"
#include "wc-meter-source.h"
#include "wc-param-host.h"

G_BEGIN_DECLS

void wc_rpc_methods_install (WcJsonRpc     *rpc,
                             WcParamHost   *host,
                             WcMeterSource *meters);

G_END_DECLS
