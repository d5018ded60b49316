/* wc-cli.h: subcommand entry points, one per wc-cli-<verb>.c file.
 *
 * Each takes the subcommand's own argv (argv[0] is "wavecraft <verb>"), parses it with its own
 * GOptionContext and returns the process exit status.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "wc-types.h"

G_BEGIN_DECLS

/**
 * WcCliLocalFunc:
 * @argc: number of arguments in @argv
 * @argv: (array length=argc): the subcommand's arguments; may be modified by option parsing
 *
 * A one-shot subcommand that runs in the calling process and never touches D-Bus.
 *
 * Returns: the exit status
 */
typedef int (*WcCliLocalFunc) (int argc, char **argv);

int wc_cli_extract_params (int argc, char **argv);
int wc_cli_create         (int argc, char **argv);
/* Editor task-runner verbs talking to the running instance over D-Bus (wc-cli-control.c). */
int wc_cli_status         (int argc, char **argv);
int wc_cli_rebuild        (int argc, char **argv);
int wc_cli_stop           (int argc, char **argv);

/* `start` runs in the primary instance and keeps the application held while it serves. */
int wc_cli_start          (WcApplication *app, int argc, char **argv);

G_END_DECLS
