/* wc-sidecar-cache.h: `wavecraft-params.json` beside the built library (PROTOCOL.md §5).
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "wc-types.h"

G_BEGIN_DECLS

#define WC_SIDECAR_FILENAME "wavecraft-params.json"

#define WC_SIDECAR_ERROR (wc_sidecar_error_quark ())

/**
 * WcSidecarError:
 * @WC_SIDECAR_ERROR_MISSING: there is no sidecar file
 * @WC_SIDECAR_ERROR_STALE: the library, a source file or the wavecraft binary is newer
 * @WC_SIDECAR_ERROR_CORRUPT: the file is not a valid ParameterInfo array
 */
typedef enum {
  WC_SIDECAR_ERROR_MISSING,
  WC_SIDECAR_ERROR_STALE,
  WC_SIDECAR_ERROR_CORRUPT,
} WcSidecarError;

GQuark      wc_sidecar_error_quark (void);
char       *wc_sidecar_path_for    (const char          *library);
GPtrArray  *wc_sidecar_load        (const char          *library,
                                    const char * const  *sources,
                                    const char          *wavecraft_bin,
                                    GError             **error);
gboolean    wc_sidecar_save        (const char          *library,
                                    GPtrArray           *params,
                                    GError             **error);

G_END_DECLS
