/* wc-application.h: the wavecraft GApplication.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "wc-types.h"

G_BEGIN_DECLS

#define WC_TYPE_APPLICATION (wc_application_get_type ())
G_DECLARE_FINAL_TYPE (WcApplication, wc_application, WC, APPLICATION, GApplication)

/**
 * WC_DEFAULT_INACTIVITY_TIMEOUT_MS:
 *
 * How long the D-Bus activated service stays up with no session and no launcher page, ms.
 * `WAVECRAFT_INACTIVITY_TIMEOUT_MS` overrides it.
 */
#define WC_DEFAULT_INACTIVITY_TIMEOUT_MS 30000

/**
 * WcApplicationStopFunc:
 * @user_data: the data given to wc_application_publish_session()
 *
 * Asks a terminal `wavecraft start` to stop its session as if Ctrl+C had been pressed
 * (`wavecraft stop`, Manager.StopSession). It later calls wc_application_unpublish_session().
 */
typedef void (*WcApplicationStopFunc) (gpointer user_data);

WcApplication *wc_application_new             (void);
void           wc_application_set_exit_status (WcApplication         *self,
                                               int                    exit_status);
int            wc_application_get_exit_status (WcApplication         *self);

/* Hooks for `wavecraft start` (wc-cli-start.c). */
gboolean       wc_application_report_running  (WcApplication         *self,
                                               WcProject             *project);
void           wc_application_publish_session (WcApplication        *self,
                                               WcSession             *session,
                                               WcApplicationStopFunc  stop_func,
                                               gpointer               user_data);
void           wc_application_unpublish_session (WcApplication      *self,
                                                 WcSession          *session);

G_END_DECLS
