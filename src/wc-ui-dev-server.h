/* wc-ui-dev-server.h: the project's own UI dev server (`npm run dev` in ui/, usually Vite).
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "wc-types.h"

G_BEGIN_DECLS

#define WC_TYPE_UI_DEV_SERVER (wc_ui_dev_server_get_type ())
G_DECLARE_FINAL_TYPE (WcUiDevServer, wc_ui_dev_server, WC, UI_DEV_SERVER, GObject)

#define WC_UI_DEV_SERVER_ERROR (wc_ui_dev_server_error_quark ())

/**
 * WcUiDevServerError:
 * @WC_UI_DEV_SERVER_ERROR_NPM_MISSING: `npm` is not on PATH
 * @WC_UI_DEV_SERVER_ERROR_NOT_INSTALLED: `ui/node_modules` is missing and installing was refused
 * @WC_UI_DEV_SERVER_ERROR_INSTALL_FAILED: `npm install` failed
 * @WC_UI_DEV_SERVER_ERROR_EXITED: the dev server exited (the message gives the status)
 */
typedef enum {
  WC_UI_DEV_SERVER_ERROR_NPM_MISSING,
  WC_UI_DEV_SERVER_ERROR_NOT_INSTALLED,
  WC_UI_DEV_SERVER_ERROR_INSTALL_FAILED,
  WC_UI_DEV_SERVER_ERROR_EXITED,
} WcUiDevServerError;

GQuark          wc_ui_dev_server_error_quark  (void);
WcUiDevServer  *wc_ui_dev_server_new          (const char           *ui_dir,
                                               guint                 ui_port,
                                               const char           *ws_url);
gboolean        wc_ui_dev_server_needs_install (WcUiDevServer       *self);
void            wc_ui_dev_server_set_install  (WcUiDevServer        *self,
                                               gboolean              install);
void            wc_ui_dev_server_start_async  (WcUiDevServer        *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean        wc_ui_dev_server_start_finish (WcUiDevServer        *self,
                                               GAsyncResult         *result,
                                               GError              **error);
GPid            wc_ui_dev_server_get_pid      (WcUiDevServer        *self);
void            wc_ui_dev_server_stop         (WcUiDevServer        *self);
char           *wc_ui_dev_server_dup_url      (WcUiDevServer        *self);

G_END_DECLS

/*
 * Signals:
 * "output-line" (const char *line): a line the dev server printed
 * "exited" (GError *error): the dev server exited on its own (error set), or its process group
 *   was killed and reaped after wc_ui_dev_server_stop() (error %NULL)
 */
