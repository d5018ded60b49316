/* wc-cli-create.c: `wavecraft create` (stub until its issue lands).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-cli-create"

#include <glib/gi18n.h>

#include "wc-cli.h"
#include "wc-console.h"

int
wc_cli_create (int argc, char **argv)
{
  wc_console_error (_("“wavecraft create” is not available yet"));
  return 1;
}
