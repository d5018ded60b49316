/* wc-scaffold.h: new plugin projects from the templates compiled into the binary.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WC_SCAFFOLD_ERROR (wc_scaffold_error_quark ())

/**
 * WC_SCAFFOLD_NAME_MAX:
 *
 * The longest plugin name wc_scaffold_validate_name() accepts, in bytes.
 */
#define WC_SCAFFOLD_NAME_MAX 64

/**
 * WcScaffoldError:
 * @WC_SCAFFOLD_ERROR_INVALID_NAME: the plugin name is not `[a-z][a-z0-9_-]*` of at most
 *   %WC_SCAFFOLD_NAME_MAX bytes
 * @WC_SCAFFOLD_ERROR_EXISTS: the project directory exists and is not empty, or is not a
 *   directory
 * @WC_SCAFFOLD_ERROR_FAILED: a directory or file could not be created; the message names the
 *   path and the system's reason
 */
typedef enum {
  WC_SCAFFOLD_ERROR_INVALID_NAME,
  WC_SCAFFOLD_ERROR_EXISTS,
  WC_SCAFFOLD_ERROR_FAILED,
} WcScaffoldError;

GQuark     wc_scaffold_error_quark     (void);
gboolean   wc_scaffold_validate_name   (const char  *name,
                                        GError     **error);
char      *wc_scaffold_library_name    (const char  *name);
char      *wc_scaffold_title           (const char  *name);
char     **wc_scaffold_create          (const char  *name,
                                        const char  *parent,
                                        GError     **error);

G_END_DECLS
