/* wc-session.h: one project's dev session: build → extract → host → server, hot reload.
 *
 * `wavecraft start` in a terminal runs one session; the D-Bus service runs one per project.
 * Both drive this object, so the two paths never diverge.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "wc-types.h"

G_BEGIN_DECLS

#define WC_TYPE_SESSION (wc_session_get_type ())
G_DECLARE_FINAL_TYPE (WcSession, wc_session, WC, SESSION, GObject)

/**
 * WcSessionState:
 * @WC_SESSION_STATE_IDLE: serving the last good parameters, nothing running
 * @WC_SESSION_STATE_BUILDING: a build or extraction is running
 * @WC_SESSION_STATE_FAILED: the last build or extraction failed; the last good parameters are
 *   still served
 */
typedef enum {
  WC_SESSION_STATE_IDLE,
  WC_SESSION_STATE_BUILDING,
  WC_SESSION_STATE_FAILED,
} WcSessionState;

/**
 * WcInstallMode:
 * @WC_INSTALL_ASK: ask on a TTY whether to run `npm install`, refuse otherwise
 * @WC_INSTALL_YES: install UI dependencies when `node_modules` is missing
 * @WC_INSTALL_NO: never install
 */
typedef enum {
  WC_INSTALL_ASK,
  WC_INSTALL_YES,
  WC_INSTALL_NO,
} WcInstallMode;

#define WC_SESSION_ERROR (wc_session_error_quark ())

/**
 * WcSessionError:
 * @WC_SESSION_ERROR_BUILD_FAILED: the initial build failed (compiler output was emitted)
 * @WC_SESSION_ERROR_UI_DEV_SERVER: the project's UI dev server could not start or died
 * @WC_SESSION_ERROR_STOPPED: the session was stopped before it became ready
 */
typedef enum {
  WC_SESSION_ERROR_BUILD_FAILED,
  WC_SESSION_ERROR_UI_DEV_SERVER,
  WC_SESSION_ERROR_STOPPED,
} WcSessionError;

#define WC_DEFAULT_PORT    9000
#define WC_DEFAULT_UI_PORT 5173

GQuark          wc_session_error_quark        (void);
const char     *wc_session_state_to_string    (WcSessionState      state);
WcSession      *wc_session_new                (WcProject          *project,
                                               const char         *wavecraft_bin);
void            wc_session_set_port           (WcSession          *self,
                                               guint               port);
void            wc_session_set_ui_port        (WcSession          *self,
                                               guint               ui_port);
void            wc_session_add_allowed_origin (WcSession          *self,
                                               const char         *origin);
void            wc_session_set_install_mode   (WcSession          *self,
                                               WcInstallMode       mode);
void            wc_session_set_debounce       (WcSession          *self,
                                               guint               debounce_ms);
void            wc_session_set_watch          (WcSession          *self,
                                               gboolean            watch);
void            wc_session_set_use_cache      (WcSession          *self,
                                               gboolean            use_cache);
void            wc_session_start_async        (WcSession          *self,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
gboolean        wc_session_start_finish       (WcSession          *self,
                                               GAsyncResult       *result,
                                               GError            **error);
void            wc_session_stop_async         (WcSession          *self,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
gboolean        wc_session_stop_finish        (WcSession          *self,
                                               GAsyncResult       *result,
                                               GError            **error);
void            wc_session_rebuild            (WcSession          *self,
                                               const char * const *files);
WcProject      *wc_session_get_project        (WcSession          *self);
WcParamHost    *wc_session_get_host           (WcSession          *self);
WcSessionState  wc_session_get_state          (WcSession          *self);
guint64         wc_session_get_generation     (WcSession          *self);
guint           wc_session_get_port           (WcSession          *self);
char           *wc_session_dup_ws_url         (WcSession          *self);
char           *wc_session_dup_ui_url         (WcSession          *self);
char           *wc_session_dup_builtin_ui_url (WcSession          *self);
char           *wc_session_dup_last_build_json (WcSession         *self);
gboolean        wc_session_get_params_cached  (WcSession          *self);

G_END_DECLS

/*
 * Signals:
 * "build-started" (guint64 generation, GStrv files)
 * "build-output" (const char *line): one line of compiler output as it arrives
 * "build-finished" (guint64 generation, gboolean ok, double duration_ms,
 *                   const char *diagnostics_json, const char *output)
 * "reloaded" (guint64 generation, guint n_params, GStrv added, GStrv removed, GStrv changed):
 *   a rebuilt parameter list is live (after the host swapped it and clients were notified)
 * "files-changed" (GStrv files): the watcher saw a debounced change
 * "fatal" (GError *error): the session cannot continue (the UI dev server died)
 * "notify::state"
 */
