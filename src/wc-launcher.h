/* wc-launcher.h: the desktop launcher page: recent projects, start or open one.
 *
 * A launcher click lands in GApplication::activate with no terminal; the application serves
 * this small page from the built-in UI's GResource on a free loopback port and opens the
 * default browser on it.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "wc-dbus-service.h"

G_BEGIN_DECLS

#define WC_TYPE_LAUNCHER (wc_launcher_get_type ())
G_DECLARE_FINAL_TYPE (WcLauncher, wc_launcher, WC, LAUNCHER, GObject)

/**
 * WC_LAUNCHER_UI_PREFIX:
 *
 * GResource prefix of the launcher page (`index.html`, `launcher.js`, `launcher.css`).
 */
#define WC_LAUNCHER_UI_PREFIX "/dev/wavecraft/Wavecraft/launcher/"

/**
 * WC_LAUNCHER_DEFAULT_IDLE_MS:
 *
 * How long the launcher keeps serving with no browser tab connected, ms (the page keeps a
 * WebSocket open). `WAVECRAFT_LAUNCHER_IDLE_MS` overrides it.
 */
#define WC_LAUNCHER_DEFAULT_IDLE_MS (2 * 60 * 1000)

WcLauncher *wc_launcher_new     (WcDbusService  *service);
gboolean    wc_launcher_start   (WcLauncher     *self,
                                 GError        **error);
char       *wc_launcher_dup_url (WcLauncher     *self);
guint       wc_launcher_get_port (WcLauncher    *self);
void        wc_launcher_stop    (WcLauncher     *self);

G_END_DECLS

/*
 * Signals:
 * "idle": no browser tab was connected for the idle time; the owner stops the launcher.
 */
