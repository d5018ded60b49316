/* main.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include "wc-application.h"
#include "wc-cli.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(WcApplication) app = NULL;
  int status;

  /* extract-params is spawned once per discovery: answer before any other set-up. */
  if (argc > 1 && strcmp (argv[1], "extract-params") == 0)
    return wc_cli_extract_params (argc - 1, argv + 1);

  app = wc_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);
  return status != 0 ? status : wc_application_get_exit_status (app);
}
