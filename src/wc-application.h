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

WcApplication *wc_application_new             (void);
void           wc_application_set_exit_status (WcApplication *self,
                                               int            exit_status);
int            wc_application_get_exit_status (WcApplication *self);

G_END_DECLS
