/* test-i18n.c: the top-level command line (`--version`, `--help`), and that it speaks German
 * under a German locale.
 *
 * Runs the built binary with LANGUAGE=de and LC_ALL=C.UTF-8 (always installed, unlike
 * de_DE.UTF-8; GNU gettext honours LANGUAGE for any locale but plain "C") and points it at the
 * build tree's compiled catalogues with WAVECRAFT_LOCALEDIR (<build>/po/de/LC_MESSAGES).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "wc-test-util.h"

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_wavecraft (const char * const *args,
               const char         *language,
               Run                *run)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *localedir = g_build_filename (g_getenv ("WAVECRAFT_BUILD_ROOT"), "po", NULL);

  g_ptr_array_add (argv, (gpointer) wc_test_wavecraft_bin ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANG");
  g_subprocess_launcher_unsetenv (launcher, "LC_MESSAGES");
  if (language != NULL)
    g_subprocess_launcher_setenv (launcher, "LANGUAGE", language, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_subprocess_launcher_setenv (launcher, "WAVECRAFT_LOCALEDIR", localedir, TRUE);
  g_subprocess_launcher_setenv (launcher, "NO_COLOR", "1", TRUE);
  /* No session bus: the D-Bus verbs must explain that, in German too. */
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS",
                                "unix:path=/nonexistent/wavecraft-test-bus", TRUE);

  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (proc);
}

static void
test_version (void)
{
  const char *args[] = { "--version", NULL };
  g_auto(Run) en = { 0 };

  run_wavecraft (args, NULL, &en);
  g_assert_cmpint (en.status, ==, 0);
  g_assert_cmpstr (en.out, ==, "wavecraft " PACKAGE_VERSION "\n");
  g_assert_cmpstr (en.err, ==, "");
}

/* --help lists every subcommand; `extract-params` is internal and hidden from it. */
static void
test_help_lists_commands (void)
{
  const char *args[] = { "--help", NULL };
  const char *commands[] = { "start", "create", "status", "rebuild", "stop", "launcher", "help" };
  g_auto(Run) en = { 0 };

  run_wavecraft (args, NULL, &en);
  g_assert_cmpint (en.status, ==, 0);
  g_assert_true (g_str_has_prefix (en.out, "Usage:\n  wavecraft COMMAND [OPTION…]\n\nCommands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *line = g_strdup_printf ("\n  %-16s ", commands[i]);

      g_assert_nonnull (strstr (en.out, line));
    }
  g_assert_nonnull (strstr (en.out, "  --version        Print the version and exit\n"));
  g_assert_null (strstr (en.out, "extract-params"));
}

static void
test_unknown_command (void)
{
  const char *args[] = { "frobnicate", NULL };
  g_auto(Run) de = { 0 };
  g_auto(Run) en = { 0 };

  run_wavecraft (args, "de", &de);
  g_assert_cmpint (de.status, ==, 1);
  g_assert_cmpstr (de.out, ==, "");
  g_assert_cmpstr (de.err, ==,
                   "Fehler: Unbekannter Befehl „frobnicate“\n"
                   "Hinweis: Führen Sie „wavecraft --help“ aus, um die Befehle aufzulisten.\n");

  /* The same binary without LANGUAGE: English. */
  run_wavecraft (args, NULL, &en);
  g_assert_cmpint (en.status, ==, 1);
  g_assert_cmpstr (en.err, ==,
                   "error: Unknown command “frobnicate”\n"
                   "hint: Run “wavecraft --help” to list the commands.\n");
}

static void
test_help (void)
{
  const char *args[] = { "--help", NULL };
  g_auto(Run) de = { 0 };

  run_wavecraft (args, "de", &de);
  g_assert_cmpint (de.status, ==, 0);
  g_assert_true (g_str_has_prefix (de.out, "Aufruf:\n  wavecraft BEFEHL [OPTION …]\n\nBefehle:\n"));
  g_assert_nonnull (strstr (de.out, "  status           Die laufenden Sitzungen anzeigen\n"));
  g_assert_nonnull (strstr (de.out, "  help             Diese Hilfe anzeigen\n"));
  g_assert_null (strstr (de.out, "Show this help"));
}

static void
test_subcommand_help (void)
{
  const char *args[] = { "stop", "--help", NULL };
  g_auto(Run) de = { 0 };

  run_wavecraft (args, "de", &de);
  g_assert_cmpint (de.status, ==, 0);
  g_assert_nonnull (strstr (de.out, "Alle laufenden Sitzungen beenden"));
}

static void
test_no_session_bus (void)
{
  const char *args[] = { "stop", NULL };
  g_auto(Run) de = { 0 };

  run_wavecraft (args, "de", &de);
  g_assert_cmpint (de.status, ==, 1);
  g_assert_true (g_str_has_prefix (de.err,
                                   "Fehler: Keine Wavecraft-Sitzung läuft (es gibt keinen "
                                   "D-Bus-Sitzungsbus: "));
  g_assert_nonnull (strstr (de.err,
                            "\nHinweis: Starten Sie eine mit „wavecraft start“ in einem "
                            "Projektordner.\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/wavecraft/cli/version", test_version);
  g_test_add_func ("/wavecraft/cli/help-lists-commands", test_help_lists_commands);
  g_test_add_func ("/wavecraft/i18n/unknown-command", test_unknown_command);
  g_test_add_func ("/wavecraft/i18n/help", test_help);
  g_test_add_func ("/wavecraft/i18n/subcommand-help", test_subcommand_help);
  g_test_add_func ("/wavecraft/i18n/no-session-bus", test_no_session_bus);

  return g_test_run ();
}
