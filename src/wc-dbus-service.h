/* wc-dbus-service.h: the running sessions of this process and their D-Bus objects.
 *
 * The registry behind the editor API (data/dev.wavecraft.Wavecraft.xml): one #WcSession per
 * project root. Sessions started over D-Bus (or from the launcher page) are owned here and
 * hold the application; a terminal `wavecraft start` session is only published here, and a
 * stop request for it is handed back to the terminal.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "wc-types.h"

G_BEGIN_DECLS

#define WC_TYPE_DBUS_SERVICE (wc_dbus_service_get_type ())
G_DECLARE_FINAL_TYPE (WcDbusService, wc_dbus_service, WC, DBUS_SERVICE, GObject)

#define WC_DBUS_ERROR (wc_dbus_error_quark ())

/**
 * WcDbusError:
 * @WC_DBUS_ERROR_NO_SUCH_SESSION: no session has that object path or project
 *   (`dev.wavecraft.Wavecraft.Error.NoSuchSession`)
 * @WC_DBUS_ERROR_INVALID_ARGUMENT: a relative project path or a mistyped option
 *   (`dev.wavecraft.Wavecraft.Error.InvalidArgument`)
 * @WC_DBUS_ERROR_NOT_RUNNING: no Wavecraft service runs on the session bus, or there is no
 *   session bus (`dev.wavecraft.Wavecraft.Error.NotRunning`; client side only)
 * @WC_DBUS_ERROR_STOPPING: the project's session is being stopped; try again once it is gone
 *   (`dev.wavecraft.Wavecraft.Error.Stopping`)
 */
typedef enum {
  WC_DBUS_ERROR_NO_SUCH_SESSION,
  WC_DBUS_ERROR_INVALID_ARGUMENT,
  WC_DBUS_ERROR_NOT_RUNNING,
  WC_DBUS_ERROR_STOPPING,
} WcDbusError;

/**
 * WC_DBUS_MANAGER_INTERFACE:
 *
 * The Manager interface, exported on the application's object path (`APP_PATH`).
 */
#define WC_DBUS_MANAGER_INTERFACE "dev.wavecraft.Wavecraft.Manager"

/**
 * WC_DBUS_SESSION_INTERFACE:
 *
 * The Session interface, exported on `APP_PATH/Session/<n>`.
 */
#define WC_DBUS_SESSION_INTERFACE "dev.wavecraft.Wavecraft.Session"

/**
 * WcDbusStopFunc:
 * @user_data: the data given to wc_dbus_service_add_session()
 *
 * Asks the owner of a published session (a terminal `wavecraft start`) to stop it, as if
 * Ctrl+C had been pressed; the owner calls wc_dbus_service_remove_session() once it did.
 */
typedef void (*WcDbusStopFunc) (gpointer user_data);

GQuark         wc_dbus_error_quark                 (void);
void           wc_dbus_register_errors             (void);

WcDbusService *wc_dbus_service_new                 (GApplication        *app,
                                                    const char          *wavecraft_bin);
gboolean       wc_dbus_service_export              (WcDbusService       *self,
                                                    GDBusConnection     *connection,
                                                    const char          *object_path,
                                                    GError             **error);
void           wc_dbus_service_unexport            (WcDbusService       *self);
void           wc_dbus_service_start_session_async (WcDbusService       *self,
                                                    const char          *project_dir,
                                                    GVariant            *options,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
WcSession     *wc_dbus_service_start_session_finish (WcDbusService      *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void           wc_dbus_service_stop_session_async  (WcDbusService       *self,
                                                    WcSession           *session,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean       wc_dbus_service_stop_session_finish (WcDbusService       *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void           wc_dbus_service_stop_all_async      (WcDbusService       *self,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean       wc_dbus_service_stop_all_finish     (WcDbusService       *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void           wc_dbus_service_add_session         (WcDbusService       *self,
                                                    WcSession           *session,
                                                    WcDbusStopFunc       stop_func,
                                                    gpointer             user_data);
void           wc_dbus_service_remove_session      (WcDbusService       *self,
                                                    WcSession           *session);
WcSession     *wc_dbus_service_lookup              (WcDbusService       *self,
                                                    const char          *project_root);
gboolean       wc_dbus_service_is_ready            (WcDbusService       *self,
                                                    WcSession           *session);
const char    *wc_dbus_service_get_object_path     (WcDbusService       *self,
                                                    WcSession           *session);
guint          wc_dbus_service_get_n_sessions      (WcDbusService       *self);
guint          wc_dbus_service_get_n_owned         (WcDbusService       *self);
void           wc_dbus_service_set_launcher_url    (WcDbusService       *self,
                                                    const char          *url);

G_END_DECLS

/*
 * Signals:
 * "session-added" (WcSession *session)
 * "session-removed" (WcSession *session)
 */
