/* wc-dbus-client.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-dbus-client"

#include <glib/gi18n.h>

#include "wc-dbus-client.h"
#include "wc-dbus-service.h"

/**
 * wc_dbus_session_info_free:
 * @info: (nullable): a #WcDbusSessionInfo
 */
void
wc_dbus_session_info_free (WcDbusSessionInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->path);
  g_free (info->root);
  g_free (info->ws_url);
  g_free (info->ui_url);
  g_free (info);
}

/**
 * wc_dbus_client_connect:
 * @error: set to %WC_DBUS_ERROR_NOT_RUNNING when there is no session bus
 *
 * Connects to the session bus (the shared singleton) and registers Wavecraft's D-Bus error
 * names, so that errors from the service come back with their original domain and code.
 *
 * Returns: (transfer full): the connection
 */
GDBusConnection *
wc_dbus_client_connect (GError **error)
{
  g_autoptr(GError) local_error = NULL;
  GDBusConnection *connection;

  wc_dbus_register_errors ();
  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &local_error);
  if (connection == NULL)
    {
      g_set_error (error, WC_DBUS_ERROR, WC_DBUS_ERROR_NOT_RUNNING,
                   _("No Wavecraft session is running (there is no D-Bus session bus: %s)"),
                   local_error->message);
      return NULL;
    }
  return connection;
}

static gboolean
is_not_running (const GError *error)
{
  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE);
}

/**
 * wc_dbus_client_list:
 * @connection: a session bus connection
 * @error: set to %WC_DBUS_ERROR_NOT_RUNNING when no Wavecraft instance owns the bus name, or
 *   to the D-Bus error of the call
 *
 * Calls Manager.ListSessions() on the running instance without starting the service.
 *
 * Returns: (transfer full) (element-type WcDbusSessionInfo): the sessions, by project root
 */
GPtrArray *
wc_dbus_client_list (GDBusConnection  *connection,
                     GError          **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariantIter) iter = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  const char *path, *root, *ws, *ui;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);

  reply = g_dbus_connection_call_sync (connection, APP_ID, APP_PATH, WC_DBUS_MANAGER_INTERFACE,
                                       "ListSessions", NULL, G_VARIANT_TYPE ("(a(osss))"),
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                       WC_DBUS_CLIENT_TIMEOUT_MS, NULL, &local_error);
  if (reply == NULL)
    {
      if (is_not_running (local_error))
        g_set_error_literal (error, WC_DBUS_ERROR, WC_DBUS_ERROR_NOT_RUNNING,
                             _("No Wavecraft session is running"));
      else
        {
          g_dbus_error_strip_remote_error (local_error);
          g_propagate_error (error, g_steal_pointer (&local_error));
        }
      return NULL;
    }

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_dbus_session_info_free);
  g_variant_get (reply, "(a(osss))", &iter);
  while (g_variant_iter_next (iter, "(&o&s&s&s)", &path, &root, &ws, &ui))
    {
      WcDbusSessionInfo *info = g_new0 (WcDbusSessionInfo, 1);

      info->path = g_strdup (path);
      info->root = g_strdup (root);
      info->ws_url = g_strdup (ws);
      info->ui_url = g_strdup (ui);
      g_ptr_array_add (list, info);
    }
  return g_steal_pointer (&list);
}

/**
 * wc_dbus_client_find:
 * @sessions: (element-type WcDbusSessionInfo): from wc_dbus_client_list()
 * @root: a project root
 *
 * Returns: (transfer none) (nullable): the session for @root
 */
WcDbusSessionInfo *
wc_dbus_client_find (GPtrArray  *sessions,
                     const char *root)
{
  g_return_val_if_fail (sessions != NULL, NULL);
  g_return_val_if_fail (root != NULL, NULL);

  for (guint i = 0; i < sessions->len; i++)
    {
      WcDbusSessionInfo *info = g_ptr_array_index (sessions, i);

      if (g_strcmp0 (info->root, root) == 0)
        return info;
    }
  return NULL;
}

/**
 * wc_dbus_client_get_all:
 * @connection: a session bus connection
 * @path: a session's object path
 * @error: set to the D-Bus error of the call
 *
 * Returns: (transfer full): the Session interface's properties as an `a{sv}`
 */
GVariant *
wc_dbus_client_get_all (GDBusConnection  *connection,
                        const char       *path,
                        GError          **error)
{
  g_autoptr(GVariant) reply = NULL;
  GVariant *props = NULL;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);

  reply = g_dbus_connection_call_sync (connection, APP_ID, path,
                                       "org.freedesktop.DBus.Properties", "GetAll",
                                       g_variant_new ("(s)", WC_DBUS_SESSION_INTERFACE),
                                       G_VARIANT_TYPE ("(a{sv})"),
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                       WC_DBUS_CLIENT_TIMEOUT_MS, NULL, error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(@a{sv})", &props);
  return props;
}
