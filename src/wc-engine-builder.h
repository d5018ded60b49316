/* wc-engine-builder.h: builds a project's engine (meson or cargo) in its own process group
 * and finds the built library.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "wc-diagnostics.h"
#include "wc-types.h"

G_BEGIN_DECLS

#define WC_TYPE_ENGINE_BUILDER (wc_engine_builder_get_type ())
G_DECLARE_FINAL_TYPE (WcEngineBuilder, wc_engine_builder, WC, ENGINE_BUILDER, GObject)

#define WC_ENGINE_BUILDER_ERROR (wc_engine_builder_error_quark ())

/**
 * WcEngineBuilderError:
 * @WC_ENGINE_BUILDER_ERROR_TOOL_MISSING: meson/ninja or cargo is not installed
 * @WC_ENGINE_BUILDER_ERROR_FAILED: the build failed (compiler messages in the result)
 * @WC_ENGINE_BUILDER_ERROR_NO_LIBRARY: the build succeeded but no plugin library was found
 * @WC_ENGINE_BUILDER_ERROR_CANCELLED: superseded or cancelled; the process group was killed
 */
typedef enum {
  WC_ENGINE_BUILDER_ERROR_TOOL_MISSING,
  WC_ENGINE_BUILDER_ERROR_FAILED,
  WC_ENGINE_BUILDER_ERROR_NO_LIBRARY,
  WC_ENGINE_BUILDER_ERROR_CANCELLED,
} WcEngineBuilderError;

/**
 * WcBuildResult:
 * @ok: whether the build succeeded and a library was found
 * @library: (nullable): absolute path of the built library when @ok
 * @duration_ms: wall time of the build (meson setup included when it ran), milliseconds
 * @output: everything the build printed (stdout and stderr interleaved; for cargo the
 *   rendered compiler messages instead of the JSON), one line per `\n`
 * @diagnostics: (element-type WcDiagnostic): parsed compiler diagnostics (see
 *   wc-diagnostics.h); never %NULL
 */
typedef struct
{
  gboolean   ok;
  char      *library;
  double     duration_ms;
  char      *output;
  GPtrArray *diagnostics;
} WcBuildResult;

GQuark           wc_engine_builder_error_quark (void);
void             wc_build_result_free          (WcBuildResult    *result);
WcEngineBuilder *wc_engine_builder_new         (WcProject        *project);
/* Library from the last successful build if it exists on disk, without building. */
char            *wc_engine_builder_find_library (WcEngineBuilder *self);
/* pid (= process group) of the build step running now, or 0 */
GPid             wc_engine_builder_get_running_pid (WcEngineBuilder *self);
void             wc_engine_builder_build_async (WcEngineBuilder  *self,
                                                GCancellable     *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer          user_data);
/* Returns the result even when the build failed (ok == FALSE); NULL + error only for
 * TOOL_MISSING and CANCELLED. */
WcBuildResult   *wc_engine_builder_build_finish (WcEngineBuilder *self,
                                                GAsyncResult     *result,
                                                GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcBuildResult, wc_build_result_free)

G_END_DECLS

/*
 * Signals (on the main context that started the build):
 * "output-line" (const char *line): one line of build output as it arrives, without colour
 *   codes (meson is set up with -Db_colorout=never; cargo gets CARGO_TERM_COLOR=never).
 *
 * Builds on one builder run one at a time: a build started while another runs is queued
 * behind it. A session supersedes a build by cancelling its GCancellable: the group is
 * killed (SIGTERM, SIGKILL 200 ms later) and the superseded build finishes with CANCELLED
 * before the queued one starts.
 */
