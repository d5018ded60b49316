/* wc-console.h: what Wavecraft says on the terminal.
 *
 * Status goes to stdout, errors, warnings and hints to stderr. Colour is used only when the
 * stream is a TTY and `NO_COLOR` is unset (https://no-color.org).
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void      wc_console_init        (void);
void      wc_console_set_verbose (gboolean    verbose);
gboolean  wc_console_use_color   (int         fd);
void      wc_console_status      (const char *format, ...) G_GNUC_PRINTF (1, 2);
void      wc_console_event       (const char *format, ...) G_GNUC_PRINTF (1, 2);
void      wc_console_success     (const char *format, ...) G_GNUC_PRINTF (1, 2);
void      wc_console_warning     (const char *format, ...) G_GNUC_PRINTF (1, 2);
void      wc_console_error       (const char *format, ...) G_GNUC_PRINTF (1, 2);
void      wc_console_hint        (const char *format, ...) G_GNUC_PRINTF (1, 2);
void      wc_console_raw         (gboolean    to_stderr,
                                  const char *text);

G_END_DECLS
