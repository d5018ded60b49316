/* wc-extractor.h: parameter discovery through a short-lived `wavecraft extract-params` child
 * (PROTOCOL.md §2). The parent never maps a user library.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "wc-types.h"

G_BEGIN_DECLS

#define WC_TYPE_EXTRACTOR (wc_extractor_get_type ())
G_DECLARE_FINAL_TYPE (WcExtractor, wc_extractor, WC, EXTRACTOR, GObject)

#define WC_EXTRACTOR_ERROR (wc_extractor_error_quark ())

/**
 * WcExtractorError:
 * @WC_EXTRACTOR_ERROR_USAGE: exit code 1: missing argument or wrong file extension
 * @WC_EXTRACTOR_ERROR_LOAD: exit code 2: the library could not be loaded
 * @WC_EXTRACTOR_ERROR_SYMBOL: exit code 3: a required symbol is missing
 * @WC_EXTRACTOR_ERROR_INVALID: exit code 4: not a valid ParameterInfo array, or NULL
 * @WC_EXTRACTOR_ERROR_UTF8: exit code 5: not valid UTF-8
 * @WC_EXTRACTOR_ERROR_TIMEOUT: the timeout expired; the process group was killed
 * @WC_EXTRACTOR_ERROR_CRASHED: the child was killed by a signal (the message names it)
 * @WC_EXTRACTOR_ERROR_CANCELLED: the cancellable was cancelled; the process group was killed
 * @WC_EXTRACTOR_ERROR_FAILED: anything else (spawn failure, output cap, unknown exit code)
 *
 * The first five codes equal the exit codes of `extract-params` (PROTOCOL.md §2).
 */
typedef enum {
  WC_EXTRACTOR_ERROR_USAGE = 1,
  WC_EXTRACTOR_ERROR_LOAD = 2,
  WC_EXTRACTOR_ERROR_SYMBOL = 3,
  WC_EXTRACTOR_ERROR_INVALID = 4,
  WC_EXTRACTOR_ERROR_UTF8 = 5,
  WC_EXTRACTOR_ERROR_TIMEOUT,
  WC_EXTRACTOR_ERROR_CRASHED,
  WC_EXTRACTOR_ERROR_CANCELLED,
  WC_EXTRACTOR_ERROR_FAILED,
} WcExtractorError;

#define WC_EXTRACTOR_DEFAULT_TIMEOUT_MS 30000

GQuark        wc_extractor_error_quark      (void);
WcExtractor  *wc_extractor_new              (const char           *wavecraft_bin);
void          wc_extractor_set_timeout      (WcExtractor          *self,
                                             guint                 timeout_ms);
guint         wc_extractor_get_timeout      (WcExtractor          *self);
void          wc_extractor_set_tmp_dir      (WcExtractor          *self,
                                             const char           *tmp_dir);
void          wc_extractor_extract_async    (WcExtractor          *self,
                                             const char           *library,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
GPtrArray    *wc_extractor_extract_finish   (WcExtractor          *self,
                                             GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
