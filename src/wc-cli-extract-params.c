/* wc-cli-extract-params.c: `wavecraft extract-params <library>` (PROTOCOL.md §2).
 *
 * The only process that ever maps a user library. It runs before any GApplication exists
 * (see main.c) and touches as little as it can: GModule, json-glib, stdio.
 *
 * Output contract (read by WcExtractor):
 * - stdout: exactly one line, the normalised compact ParameterInfo array, then "\n";
 * - on failure, stderr's last two lines are `error: <message>` and `hint: <hint>`; anything
 *   the plugin printed comes before them (for usage errors they are the only lines). The
 *   `error: `/`hint: ` prefixes are never translated; the texts are;
 * - exit codes: 0 success, 1 usage, 2 load, 3 missing symbol, 4 NULL or invalid
 *   ParameterInfo array, 5 invalid UTF-8.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-cli-extract-params"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <gmodule.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <string.h>
#include <unistd.h>

#include "wc-cli.h"
#include "wc-console.h"
#include "wc-param-info.h"

enum {
  EXIT_OK = 0,
  EXIT_USAGE = 1,
  EXIT_LOAD = 2,
  EXIT_SYMBOL = 3,
  EXIT_INVALID = 4,
  EXIT_UTF8 = 5,
};

#define GET_PARAMS_SYMBOL  "wavecraft_get_params_json"
#define FREE_STRING_SYMBOL "wavecraft_free_string"

typedef char *(*GetParamsJsonFunc) (void);
typedef void  (*FreeStringFunc)    (char *json);

/* stdio's buffer for stdout while it points at stderr: ours, so that report() can see
 * whether a plugin left an unterminated line in it. */
static char plugin_stdout_buffer[64 * 1024];
static gboolean stdout_redirected;

/* One diagnostic line: control characters (a parameter id may hold a newline) become
 * spaces, so `error:` and `hint:` stay one line each. */
static void
put_line (const char *prefix,
          const char *text)
{
  g_autofree char *line = g_strdup (text);

  for (char *p = line; *p != '\0'; p++)
    if ((unsigned char) *p < 0x20)
      *p = ' ';
  fprintf (stderr, "%s %s\n", prefix, line);
}

static int report (int         code,
                   const char *hint,
                   const char *format,
                   ...) G_GNUC_PRINTF (3, 4);

/* Prints `error: <message>` and `hint: <hint>` to stderr, as its last lines, and returns
 * @code. */
static int
report (int         code,
        const char *hint,
        const char *format,
        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* Whatever a plugin left in stdio's buffer goes first (fd 1 is stderr by now), ended by a
   * newline if it lacks one, so that these are the last two lines, each at a line start. */
  if (stdout_redirected)
    {
      gsize pending = __fpending (stdout);
      gboolean partial = pending > 0 && pending <= sizeof plugin_stdout_buffer &&
                         plugin_stdout_buffer[pending - 1] != '\n';

      fflush (stdout);
      if (partial)
        fputc ('\n', stderr);
    }
  put_line ("error:", message);
  if (hint != NULL)
    put_line ("hint:", hint);
  fflush (stderr);
  return code;
}

/* Once user code is mapped, leave without running its destructors or atexit handlers: they
 * may hang or crash, and the answer is already written. */
G_GNUC_NORETURN static void
leave (int code)
{
  fflush (stdout);
  fflush (stderr);
  _exit (code);
}

static gboolean
write_all (int         fd,
           const char *data,
           gsize       length,
           int        *saved_errno)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          *saved_errno = errno;
          return FALSE;
        }
      data += n;
      length -= n;
    }
  return TRUE;
}

/* dlerror() text starts with the path given to dlopen(); the caller already knows it. */
static const char *
strip_path (const char *message,
            const char *path)
{
  gsize len = strlen (path);

  if (strncmp (message, path, len) == 0 && message[len] == ':' && message[len + 1] == ' ')
    return message + len + 2;
  return message;
}

/**
 * wc_cli_extract_params:
 * @argc: number of arguments in @argv
 * @argv: (array length=argc): `extract-params` followed by its arguments
 *
 * Implements the hidden `wavecraft extract-params <library>` subcommand (PROTOCOL.md §2):
 * loads @library with GModule, calls its `wavecraft_get_params_json()`, validates the result
 * (wc_param_info_list_parse()) and prints the normalised array (wc_param_info_append_json()
 * per element, as wc_param_info_list_serialize() would) as the only line on stdout.
 *
 * It first calls setsid() so that it leads its own process group (the parent kills the whole
 * group on timeout), unless stdin is a terminal (run by hand: Ctrl-C must reach it). While the library is loaded and called, fd 1 points at stderr and the
 * JSON goes to a private close-on-exec duplicate of the real stdout, so a plugin printing
 * from a constructor cannot corrupt the data channel. After loading it exits with _exit().
 *
 * Returns: the exit status for usage errors (1); later outcomes exit directly with 0 (success),
 *   2 (not loadable), 3 (symbol missing), 4 (NULL, invalid JSON or schema) or 5 (not UTF-8)
 */
int
wc_cli_extract_params (int    argc,
                       char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) remaining = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) list = NULL;
  GetParamsJsonFunc get_params_json = NULL;
  FreeStringFunc free_string = NULL;
  const char *library;
  const char *bad_byte = NULL;
  const GOptionEntry entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &remaining, NULL, N_("LIBRARY") },
    { NULL }
  };
  GModule *module;
  GString *out;
  char *json;
  int data_fd;
  int saved_errno = 0;

  /* Lead a process group of our own, so the parent can kill everything a plugin forks.
   * EPERM means we already lead one (the parent's launcher called setsid()): fine. Run by
   * hand from a terminal (stdin is a TTY; WcExtractor gives /dev/null), stay in the
   * terminal's foreground group instead, so that Ctrl-C still stops a hanging plugin. */
  if (!isatty (STDIN_FILENO))
    (void) setsid ();

  wc_console_init ();
  g_set_prgname ("wavecraft extract-params");

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Load a plugin library and print its parameters as one line of "
                                  "JSON (PROTOCOL.md §2). Used internally by “wavecraft start”."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return report (EXIT_USAGE, _("Usage: wavecraft extract-params LIBRARY"), "%s", error->message);

  if (remaining == NULL || remaining[0] == NULL)
    return report (EXIT_USAGE, _("Usage: wavecraft extract-params LIBRARY"),
                   _("No plugin library given"));
  if (remaining[1] != NULL)
    return report (EXIT_USAGE, _("Usage: wavecraft extract-params LIBRARY"),
                   _("Expected one plugin library, got %u arguments"),
                   g_strv_length (remaining));

  library = remaining[0];
  if (!g_str_has_suffix (library, "." G_MODULE_SUFFIX))
    {
      g_autofree char *hint =
        g_strdup_printf (_("Pass the shared library the engine build produced, e.g. %s"),
                         "target/debug/libmy_plugin." G_MODULE_SUFFIX);

      return report (EXIT_USAGE, hint,
                     _("'%s' is not a plugin library: the name must end in .%s"),
                     library, G_MODULE_SUFFIX);
    }

  /* An absolute path, so that dlopen() never searches the library path. */
  path = g_canonicalize_filename (library, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return report (EXIT_LOAD, _("Build the engine first, or check the path"),
                   _("Library '%s' does not exist"), library);

  /* Protect the data channel: the JSON goes to a private copy of stdout, and anything the
   * plugin prints to fd 1 lands on stderr. fd 1 is never restored. Nothing has been written
   * to stdout yet, so its buffer can still be replaced. */
  data_fd = fcntl (STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (data_fd < 0 || dup2 (STDERR_FILENO, STDOUT_FILENO) < 0)
    return report (EXIT_USAGE, _("Run it with standard output and standard error open"),
                   _("Could not set up standard output: %s"), g_strerror (errno));
  setvbuf (stdout, plugin_stdout_buffer, _IOFBF, sizeof plugin_stdout_buffer);
  stdout_redirected = TRUE;

  module = g_module_open_full (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL, &error);
  if (module == NULL)
    leave (report (EXIT_LOAD,
                   _("Check that the engine built successfully and that the file is a shared "
                     "library for this machine"),
                   _("Could not load the library: %s"), strip_path (error->message, path)));

  if (!g_module_symbol (module, GET_PARAMS_SYMBOL, (gpointer *) &get_params_json) ||
      get_params_json == NULL)
    leave (report (EXIT_SYMBOL,
                   _("Rebuild the plugin with a current Wavecraft SDK; a Rust plugin must be built "
                     "with “cargo build --lib --features _param-discovery”"),
                   _("The library does not export %s()"), GET_PARAMS_SYMBOL));
  if (!g_module_symbol (module, FREE_STRING_SYMBOL, (gpointer *) &free_string) ||
      free_string == NULL)
    leave (report (EXIT_SYMBOL,
                   _("Rebuild the plugin with a current Wavecraft SDK; a Rust plugin must be built "
                     "with “cargo build --lib --features _param-discovery”"),
                   _("The library does not export %s()"), FREE_STRING_SYMBOL));

  json = get_params_json ();
  if (json == NULL)
    leave (report (EXIT_INVALID,
                   _("The plugin could not describe its parameters; look for its own messages "
                     "above"),
                   _("%s() returned NULL"), GET_PARAMS_SYMBOL));

  if (!g_utf8_validate (json, -1, &bad_byte))
    leave (report (EXIT_UTF8,
                   _("Parameter ids, names, units, groups and variants must be UTF-8 text"),
                   _("%s() returned text that is not valid UTF-8 (invalid byte at offset %lu)"),
                   GET_PARAMS_SYMBOL, (unsigned long) (bad_byte - json)));

  list = wc_param_info_list_parse (json, -1, &error);
  if (list == NULL)
    leave (report (EXIT_INVALID,
                   g_error_matches (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_PARSE)
                   ? _("wavecraft_get_params_json() must return a JSON array of ParameterInfo "
                       "objects (PROTOCOL.md §3)")
                   : _("Each parameter needs a unique non-empty id, a name, min < max and a "
                       "default within range (PROTOCOL.md §3)"),
                   _("%s() returned an invalid parameter list: %s"),
                   GET_PARAMS_SYMBOL, error->message));

  out = g_string_sized_new (strlen (json) + strlen (json) / 4 + 64);
  free_string (json);

  g_string_append (out, "[");
  for (guint i = 0; i < list->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      wc_param_info_append_json (g_ptr_array_index (list, i), out);
    }
  g_string_append (out, "]\n");

  if (!write_all (data_fd, out->str, out->len, &saved_errno))
    leave (report (EXIT_USAGE, _("The process reading the parameters went away"),
                   _("Could not write the parameters to standard output: %s"),
                   g_strerror (saved_errno)));
  close (data_fd);
  leave (EXIT_OK);
}
