/* wc-cli-start.c: `wavecraft start` (stub until its issue lands).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-cli-start"

#include <glib/gi18n.h>

#include "wc-cli.h"
#include "wc-console.h"

int
wc_cli_start (WcApplication *app, int argc, char **argv)
{
  wc_console_error (_("“wavecraft start” is not available yet"));
  return 1;
}
