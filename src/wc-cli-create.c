/* wc-cli-create.c: `wavecraft create NAME [--dir PARENT]`.
 *
 * Thin: parses options, asks wc-scaffold for the project and says what it made and what to
 * do next.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-cli-create"

#include <glib/gi18n.h>
#include <string.h>

#include "wc-cli.h"
#include "wc-console.h"
#include "wc-scaffold.h"

/* @path for a shell command line: as is when it only holds harmless characters. */
static char *
shell_path (const char *path)
{
  for (const char *p = path; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("_-./+,:@%", *p) == NULL)
      return g_shell_quote (path);
  return g_strdup (path);
}

/**
 * wc_cli_create:
 * @argc: number of arguments in @argv
 * @argv: (array length=argc): `create`, then the command's arguments; not modified
 *
 * `wavecraft create NAME [--dir PARENT]`: creates the C plugin project PARENT/NAME (default:
 * ./NAME) with wc_scaffold_create(), lists its files on stdout and prints the next steps
 * (`cd NAME && wavecraft start`).
 *
 * Errors go to stderr as `error:` and `hint:` lines: a missing or extra NAME, an unknown
 * option, an invalid name (%WC_SCAFFOLD_ERROR_INVALID_NAME), an existing non-empty directory
 * (%WC_SCAFFOLD_ERROR_EXISTS) or a file that cannot be written
 * (%WC_SCAFFOLD_ERROR_FAILED).
 *
 * Returns: the exit status: 0 when the project was created, 1 otherwise
 */
int
wc_cli_create (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  g_auto(GStrv) rest = NULL;
  g_auto(GStrv) files = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *project = NULL;
  g_autofree char *cd_path = NULL;
  const char *name;
  const GOptionEntry entries[] = {
    { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &parent,
      N_("Create the project in this directory (default: the current one)"), N_("PARENT") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, N_("NAME") },
    { NULL }
  };

  /* The usage line reads "wavecraft create [OPTION…] NAME — …": GOption puts the
   * G_OPTION_REMAINING placeholder before this text. */
  g_set_prgname ("wavecraft create");
  context = g_option_context_new (_("— create a new C plugin project"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Creates the directory NAME with a small C plugin (a gain "
                                  "stage with a clipper), its meson build and a copy of the "
                                  "Wavecraft C plugin SDK, ready for “wavecraft start”.\n"
                                  "NAME uses lowercase letters, digits, “-” and “_”, starting "
                                  "with a letter."));
  /* Parse a copy: argv belongs to GApplication, and parsing removes entries from it. */
  args = g_strdupv (argv);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      wc_console_error ("%s", error->message);
      wc_console_hint (_("Run “wavecraft create --help” for the options."));
      return 1;
    }
  if (rest == NULL || rest[0] == NULL)
    {
      wc_console_error (_("Missing the plugin name"));
      wc_console_hint (_("Run “wavecraft create my-plugin”, or “wavecraft create --help” for "
                         "the options."));
      return 1;
    }
  if (rest[1] != NULL)
    {
      wc_console_error (_("Expected one plugin name, got %u"), g_strv_length (rest));
      wc_console_hint (_("Run “wavecraft create --help” for the options."));
      return 1;
    }
  name = rest[0];

  files = wc_scaffold_create (name, parent, &error);
  if (files == NULL)
    {
      wc_console_error ("%s", error->message);
      if (g_error_matches (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_INVALID_NAME))
        wc_console_hint (_("For example: “wavecraft create my-gain”."));
      else if (g_error_matches (error, WC_SCAFFOLD_ERROR, WC_SCAFFOLD_ERROR_EXISTS))
        wc_console_hint (_("Pick another name, create it elsewhere with --dir PARENT, or "
                           "remove the directory first."));
      return 1;
    }

  project = parent != NULL && parent[0] != '\0' ? g_build_filename (parent, name, NULL)
                                                : g_strdup (name);
  cd_path = shell_path (project);
  wc_console_success (_("Created the plugin project %s:"), project);
  for (guint i = 0; files[i] != NULL; i++)
    wc_console_status ("  %s", files[i]);
  wc_console_status ("%s", "");
  wc_console_status (_("Next steps:"));
  wc_console_status ("  cd %s && wavecraft start", cd_path);
  wc_console_status (_("Then edit engine/src/plugin.c: every save rebuilds the plugin and "
                       "reloads it in the browser."));
  return 0;
}
