/* wc-types.h: forward declarations and enums shared across Wavecraft.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * WcParamType:
 * @WC_PARAM_TYPE_FLOAT: continuous value in `[min, max]`, plain units
 * @WC_PARAM_TYPE_BOOL: `0` or `1`
 * @WC_PARAM_TYPE_ENUM: integer index into the variants, `0..n-1`
 *
 * The `type` field of a ParameterInfo (PROTOCOL.md §3).
 */
typedef enum {
  WC_PARAM_TYPE_FLOAT,
  WC_PARAM_TYPE_BOOL,
  WC_PARAM_TYPE_ENUM,
} WcParamType;

typedef struct _WcParamInfo       WcParamInfo;
typedef struct _WcChild           WcChild;
typedef struct _WcExtractor       WcExtractor;
typedef struct _WcParamHost       WcParamHost;
typedef struct _WcDevServer       WcDevServer;
typedef struct _WcJsonRpc         WcJsonRpc;
typedef struct _WcMeterSource     WcMeterSource;
typedef struct _WcProject         WcProject;
typedef struct _WcEngineBuilder   WcEngineBuilder;
typedef struct _WcRebuildWatcher  WcRebuildWatcher;
typedef struct _WcSession         WcSession;
typedef struct _WcApplication     WcApplication;

G_END_DECLS
