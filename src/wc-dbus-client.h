/* wc-dbus-client.h: talking to a running Wavecraft instance over the session bus.
 *
 * Used by `wavecraft status|rebuild|stop` and by a second `wavecraft start` for a project
 * that is already served. Never starts the service: a call only reaches an instance that
 * already runs.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * WcDbusSessionInfo:
 * @path: the session's object path
 * @root: the project root
 * @ws_url: the WebSocket JSON-RPC URL
 * @ui_url: the browser UI's URL
 *
 * One row of Manager.ListSessions().
 */
typedef struct
{
  char *path;
  char *root;
  char *ws_url;
  char *ui_url;
} WcDbusSessionInfo;

/**
 * WC_DBUS_CLIENT_TIMEOUT_MS:
 *
 * Timeout of the quick calls (ListSessions, Rebuild, property reads), ms.
 */
#define WC_DBUS_CLIENT_TIMEOUT_MS 10000

void               wc_dbus_session_info_free  (WcDbusSessionInfo *info);
GDBusConnection   *wc_dbus_client_connect     (GError           **error);
GPtrArray         *wc_dbus_client_list        (GDBusConnection   *connection,
                                               GError           **error);
WcDbusSessionInfo *wc_dbus_client_find        (GPtrArray         *sessions,
                                               const char        *root);
GVariant          *wc_dbus_client_get_all     (GDBusConnection   *connection,
                                               const char        *path,
                                               GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcDbusSessionInfo, wc_dbus_session_info_free)

G_END_DECLS
