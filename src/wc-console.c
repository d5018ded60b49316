/* wc-console.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-console"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include "wc-console.h"

#define ANSI_RESET  "\033[0m"
#define ANSI_BOLD   "\033[1m"
#define ANSI_DIM    "\033[2m"
#define ANSI_RED    "\033[31m"
#define ANSI_GREEN  "\033[32m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_CYAN   "\033[36m"

/**
 * wc_console_init:
 *
 * Sets the locale, binds the gettext domain (to `$WAVECRAFT_LOCALEDIR` when set, else the
 * installed LOCALEDIR) and sends every GLib log message to stderr so that stdout carries only
 * data. Safe to call more than once.
 */
void
wc_console_init (void)
{
  /* WAVECRAFT_LOCALEDIR: translations from a build tree (tests/test-i18n.c). */
  const char *localedir = g_getenv ("WAVECRAFT_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE,
                  localedir != NULL && localedir[0] != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_log_writer_default_set_use_stderr (TRUE);
}

/**
 * wc_console_set_verbose:
 * @verbose: %TRUE to show `g_debug()` output of every `wc-*` log domain
 *
 * Implements `-v`.
 */
void
wc_console_set_verbose (gboolean verbose)
{
  g_log_set_debug_enabled (verbose);
  if (verbose && g_getenv ("G_MESSAGES_DEBUG") == NULL)
    g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
}

/**
 * wc_console_use_color:
 * @fd: 1 for stdout, 2 for stderr
 *
 * Returns: %TRUE when @fd is a terminal and `NO_COLOR` is not set
 */
gboolean
wc_console_use_color (int fd)
{
  const char *no_color = g_getenv ("NO_COLOR");

  if (no_color != NULL && no_color[0] != '\0')
    return FALSE;
  return isatty (fd);
}

static void
emit (FILE       *stream,
      const char *color,
      const char *prefix,
      const char *format,
      va_list     args)
{
  g_autofree char *text = g_strdup_vprintf (format, args);
  gboolean color_on = color != NULL && wc_console_use_color (fileno (stream));

  if (prefix != NULL)
    fprintf (stream, "%s%s%s ", color_on ? color : "", prefix, color_on ? ANSI_RESET : "");
  else if (color_on)
    {
      fprintf (stream, "%s%s%s\n", color, text, ANSI_RESET);
      fflush (stream);
      return;
    }
  fprintf (stream, "%s\n", text);
  fflush (stream);
}

/**
 * wc_console_status:
 * @format: printf-style format of one line, without the newline
 * @...: arguments
 *
 * Prints a progress line to stdout.
 */
void
wc_console_status (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  emit (stdout, NULL, NULL, format, args);
  va_end (args);
}

/**
 * wc_console_event:
 * @format: printf-style format of one line, without the newline
 * @...: arguments
 *
 * Prints a line to stdout prefixed with the local time as `[HH:MM:SS]`.
 */
void
wc_console_event (const char *format, ...)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "[%H:%M:%S]");
  va_list args;

  va_start (args, format);
  emit (stdout, ANSI_DIM, stamp, format, args);
  va_end (args);
}

/**
 * wc_console_success:
 * @format: printf-style format of one line, without the newline
 * @...: arguments
 *
 * Prints a line to stdout, green on a colour terminal.
 */
void
wc_console_success (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  emit (stdout, ANSI_GREEN, NULL, format, args);
  va_end (args);
}

/**
 * wc_console_warning:
 * @format: printf-style format of one line, without the newline
 * @...: arguments
 *
 * Prints `warning: <line>` to stderr.
 */
void
wc_console_warning (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  emit (stderr, ANSI_YELLOW ANSI_BOLD, _("warning:"), format, args);
  va_end (args);
}

/**
 * wc_console_error:
 * @format: printf-style format of one line, without the newline
 * @...: arguments
 *
 * Prints `error: <line>` to stderr.
 */
void
wc_console_error (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  emit (stderr, ANSI_RED ANSI_BOLD, _("error:"), format, args);
  va_end (args);
}

/**
 * wc_console_hint:
 * @format: printf-style format of one line, without the newline
 * @...: arguments
 *
 * Prints `hint: <line>` to stderr: what the user can do about the error before it.
 */
void
wc_console_hint (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  emit (stderr, ANSI_CYAN, _("hint:"), format, args);
  va_end (args);
}

/**
 * wc_console_raw:
 * @to_stderr: %TRUE for stderr, %FALSE for stdout
 * @text: text printed as is (compiler output, child process lines)
 */
void
wc_console_raw (gboolean    to_stderr,
                const char *text)
{
  FILE *stream = to_stderr ? stderr : stdout;

  fputs (text, stream);
  fflush (stream);
}
