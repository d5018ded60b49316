/* wc-application.c: command-line dispatch for `wavecraft`.
 *
 * One-shot verbs (help, --version, create, extract-params) run locally from
 * local_command_line and never touch D-Bus. `start` runs in the primary instance.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-application"

#include <glib/gi18n.h>
#include <string.h>

#include "wc-application.h"
#include "wc-cli.h"
#include "wc-console.h"

struct _WcApplication
{
  GApplication parent_instance;
  int          exit_status;
};

G_DEFINE_FINAL_TYPE (WcApplication, wc_application, G_TYPE_APPLICATION)

typedef struct
{
  const char     *name;
  const char     *summary;   /* N_() marked, translated when printed */
  WcCliLocalFunc  local;     /* NULL for verbs that run in the primary instance */
  gboolean        hidden;
} WcVerb;

static const WcVerb verbs[] = {
  { "start",          N_("Build the engine, discover its parameters and serve them to the browser UI"), NULL, FALSE },
  { "create",         N_("Create a new plugin project from a template"), wc_cli_create, FALSE },
  { "extract-params", N_("Print a plugin library's parameters as JSON (internal)"), wc_cli_extract_params, TRUE },
};

static const WcVerb *
find_verb (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (strcmp (verbs[i].name, name) == 0)
      return &verbs[i];
  return NULL;
}

static void
print_help (void)
{
  g_print ("%s\n  wavecraft %s\n\n%s\n", _("Usage:"), _("COMMAND [OPTION…]"), _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (!verbs[i].hidden)
      g_print ("  %-16s %s\n", verbs[i].name, _(verbs[i].summary));
  g_print ("  %-16s %s\n", "help", _("Show this help"));
  g_print ("\n%s\n  -h, --help       %s\n  --version        %s\n\n%s\n",
           _("Options:"), _("Show this help"), _("Print the version and exit"),
           _("Run “wavecraft COMMAND --help” for a command’s options."));
}

static gboolean
wc_application_local_command_line (GApplication   *app,
                                   char         ***arguments,
                                   int            *exit_status)
{
  char **argv = *arguments;
  int argc = g_strv_length (argv);
  const char *verb = argc > 1 ? argv[1] : NULL;
  const WcVerb *v;

  if (verb == NULL || strcmp (verb, "help") == 0 || strcmp (verb, "--help") == 0 ||
      strcmp (verb, "-h") == 0)
    {
      if (verb == NULL)
        {
          print_help ();
          *exit_status = 1;
          return TRUE;
        }
      if (argc > 2 && find_verb (argv[2]) != NULL)
        {
          /* `wavecraft help start` is `wavecraft start --help`. */
          g_free (argv[1]);
          argv[1] = g_strdup (argv[2]);
          g_free (argv[2]);
          argv[2] = g_strdup ("--help");
          return wc_application_local_command_line (app, arguments, exit_status);
        }
      print_help ();
      *exit_status = 0;
      return TRUE;
    }

  if (strcmp (verb, "--version") == 0 || strcmp (verb, "-V") == 0)
    {
      g_print ("wavecraft %s\n", PACKAGE_VERSION);
      *exit_status = 0;
      return TRUE;
    }

  v = find_verb (verb);
  if (v == NULL)
    {
      wc_console_error (_("Unknown command “%s”"), verb);
      wc_console_hint (_("Run “wavecraft --help” to list the commands."));
      *exit_status = 1;
      return TRUE;
    }

  if (v->local != NULL)
    {
      *exit_status = v->local (argc - 1, argv + 1);
      return TRUE;
    }

  if (strcmp (verb, "start") == 0)
    {
      /* The terminal owns this session: it runs here, so Ctrl+C stops it. */
      *exit_status = wc_cli_start (WC_APPLICATION (app), argc - 1, argv + 1);
      return TRUE;
    }

  return G_APPLICATION_CLASS (wc_application_parent_class)->local_command_line (app, arguments,
                                                                              exit_status);
}

static void
wc_application_class_init (WcApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->local_command_line = wc_application_local_command_line;
}

static void
wc_application_init (WcApplication *self)
{
}

/**
 * wc_application_new:
 *
 * Creates the `wavecraft` application with id `APP_ID`. Sets up gettext and logging so
 * that stdout carries only data.
 *
 * Returns: (transfer full): a new #WcApplication
 */
WcApplication *
wc_application_new (void)
{
  wc_console_init ();
  return g_object_new (WC_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       NULL);
}

/**
 * wc_application_set_exit_status:
 * @self: a #WcApplication
 * @exit_status: the status `main ()` returns once the main loop ends
 *
 * Records a non-zero exit status decided after the command handler returned, e.g. when
 * the UI dev server dies while `start` is serving.
 */
void
wc_application_set_exit_status (WcApplication *self,
                                int            exit_status)
{
  g_return_if_fail (WC_IS_APPLICATION (self));
  self->exit_status = exit_status;
}

/**
 * wc_application_get_exit_status:
 * @self: a #WcApplication
 *
 * Returns: the status set with wc_application_set_exit_status(), or 0
 */
int
wc_application_get_exit_status (WcApplication *self)
{
  g_return_val_if_fail (WC_IS_APPLICATION (self), 1);
  return self->exit_status;
}
