/* wc-extractor.c: parameter discovery through a short-lived `wavecraft extract-params` child
 * (PROTOCOL.md §2). The parent never maps a user library.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-extractor"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "wc-child.h"
#include "wc-extractor.h"
#include "wc-param-info.h"

/* What we keep of each of the child's streams (bytes). */
#define WC_EXTRACTOR_MAX_OUTPUT (16 * 1024 * 1024)
#define COPY_CHUNK (1024 * 1024)

struct _WcExtractor
{
  GObject  parent_instance;

  char    *wavecraft_bin;
  char    *tmp_dir;       /* NULL: g_get_tmp_dir () */
  guint    timeout_ms;
};

G_DEFINE_FINAL_TYPE (WcExtractor, wc_extractor, G_TYPE_OBJECT)

G_DEFINE_QUARK (wc-extractor-error-quark, wc_extractor_error)

typedef struct
{
  char    *library;   /* as the caller named it; used in every message */
  char    *tmp_dir;
  char    *copy_path; /* the private copy the child loads; always removed */
  guint    timeout_ms;
  gint64   start_time;
  WcChild *child;
} ExtractData;

static void
extract_data_free (ExtractData *data)
{
  if (data->copy_path != NULL)
    g_unlink (data->copy_path);
  g_free (data->copy_path);
  g_free (data->library);
  g_free (data->tmp_dir);
  g_clear_object (&data->child);
  g_free (data);
}

static void
wc_extractor_finalize (GObject *object)
{
  WcExtractor *self = WC_EXTRACTOR (object);

  g_free (self->wavecraft_bin);
  g_free (self->tmp_dir);

  G_OBJECT_CLASS (wc_extractor_parent_class)->finalize (object);
}

static void
wc_extractor_class_init (WcExtractorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wc_extractor_finalize;
}

static void
wc_extractor_init (WcExtractor *self)
{
  self->timeout_ms = WC_EXTRACTOR_DEFAULT_TIMEOUT_MS;
}

/**
 * wc_extractor_new:
 * @wavecraft_bin: absolute path of the `wavecraft` binary to run as `extract-params`
 *   (normally the running one, `/proc/self/exe` resolved)
 *
 * Returns: (transfer full): a new #WcExtractor with the default timeout of 30 s
 */
WcExtractor *
wc_extractor_new (const char *wavecraft_bin)
{
  WcExtractor *self;

  g_return_val_if_fail (wavecraft_bin != NULL, NULL);

  self = g_object_new (WC_TYPE_EXTRACTOR, NULL);
  self->wavecraft_bin = g_strdup (wavecraft_bin);
  return self;
}

/**
 * wc_extractor_set_timeout:
 * @self: a #WcExtractor
 * @timeout_ms: milliseconds one extraction may take before its process group is killed
 *   (%WC_EXTRACTOR_ERROR_TIMEOUT); 0 for none. Default %WC_EXTRACTOR_DEFAULT_TIMEOUT_MS.
 */
void
wc_extractor_set_timeout (WcExtractor *self,
                          guint        timeout_ms)
{
  g_return_if_fail (WC_IS_EXTRACTOR (self));

  self->timeout_ms = timeout_ms;
}

/**
 * wc_extractor_get_timeout:
 * @self: a #WcExtractor
 *
 * Returns: the timeout of one extraction, milliseconds; 0 for none
 */
guint
wc_extractor_get_timeout (WcExtractor *self)
{
  g_return_val_if_fail (WC_IS_EXTRACTOR (self), 0);

  return self->timeout_ms;
}

/**
 * wc_extractor_set_tmp_dir:
 * @self: a #WcExtractor
 * @tmp_dir: (nullable): directory for the private copies of libraries; %NULL (the default)
 *   for g_get_tmp_dir()
 *
 * Each extraction loads a private copy of the library (`wavecraft-extract-XXXXXX.so`),
 * made in this directory and removed afterwards, so a rebuild can replace the library
 * while it is being read. The directory must allow mapping files executable.
 */
void
wc_extractor_set_tmp_dir (WcExtractor *self,
                          const char  *tmp_dir)
{
  g_return_if_fail (WC_IS_EXTRACTOR (self));

  g_free (self->tmp_dir);
  self->tmp_dir = g_strdup (tmp_dir);
}

/* The copy keeps the library's extension: extract-params checks it (exit code 1). */
static char *
copy_template (const char *library)
{
  g_autofree char *base = g_path_get_basename (library);
  const char *dot = strrchr (base, '.');

  if (dot == NULL || dot == base || dot[1] == '\0')
    return g_strdup ("wavecraft-extract-XXXXXX");
  for (const char *p = dot + 1; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return g_strdup ("wavecraft-extract-XXXXXX");
  return g_strconcat ("wavecraft-extract-XXXXXX", dot, NULL);
}

static gboolean
copy_fd (int            in_fd,
         int            out_fd,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autofree char *buffer = NULL;
  gboolean use_copy_range = TRUE;

  for (;;)
    {
      ssize_t n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (use_copy_range)
        {
          n = copy_file_range (in_fd, NULL, out_fd, NULL, COPY_CHUNK, 0);
          if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
                        errno == EOPNOTSUPP || errno == EPERM))
            {
              use_copy_range = FALSE;
              continue;
            }
        }
      else
        {
          if (buffer == NULL)
            buffer = g_malloc (COPY_CHUNK);
          n = read (in_fd, buffer, COPY_CHUNK);
          for (ssize_t done = 0; n > 0 && done < n;)
            {
              ssize_t w = write (out_fd, buffer + done, n - done);

              if (w < 0 && errno == EINTR)
                continue;
              if (w < 0)
                {
                  n = -1;
                  break;
                }
              done += w;
            }
        }

      if (n == 0)
        return TRUE;
      if (n < 0 && errno != EINTR)
        {
          int saved = errno;

          g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved),
                               g_strerror (saved));
          return FALSE;
        }
    }
}

/* Worker thread: copy the library to a unique file of its own. Every descriptor is
 * close-on-exec (children inherit descriptors on the posix_spawn path). */
static void
copy_library_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  ExtractData *data = task_data;
  g_autofree char *template = copy_template (data->library);
  g_autofree char *path = g_build_filename (data->tmp_dir, template, NULL);
  g_autoptr(GError) error = NULL;
  int in_fd;
  int out_fd;

  in_fd = g_open (data->library, O_RDONLY | O_CLOEXEC, 0);
  if (in_fd < 0)
    {
      int saved = errno;

      g_task_return_new_error (task, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_LOAD,
                               _("Could not read plugin library ‘%s’: %s"),
                               data->library, g_strerror (saved));
      return;
    }

  out_fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);
  if (out_fd < 0)
    {
      int saved = errno;

      close (in_fd);
      g_task_return_new_error (task, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_FAILED,
                               _("Could not copy plugin library ‘%s’ to ‘%s’: %s"),
                               data->library, data->tmp_dir, g_strerror (saved));
      return;
    }

  if (!copy_fd (in_fd, out_fd, cancellable, &error))
    close (out_fd);
  else if (close (out_fd) != 0)
    {
      int saved = errno;

      error = g_error_new_literal (G_IO_ERROR, g_io_error_from_errno (saved),
                                   g_strerror (saved));
    }
  close (in_fd);

  if (error != NULL)
    {
      g_unlink (path);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_new_error (task, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_CANCELLED,
                                 _("Parameter extraction from ‘%s’ was cancelled"),
                                 data->library);
      else
        g_task_return_new_error (task, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_FAILED,
                                 _("Could not copy plugin library ‘%s’ to ‘%s’: %s"),
                                 data->library, data->tmp_dir, error->message);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&path), g_free);
}

/* The message of the child's `error: ` line, with the private copy's name replaced by the
 * library's. The plugin's own output (stdout is redirected to stderr while it is loaded)
 * comes first, so the last such line is the child's. */
static char *
child_error_message (ExtractData *data,
                     const char  *copy_path,
                     GBytes      *stderr_bytes)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize size = 0;
  const char *bytes;
  GString *message = NULL;

  if (stderr_bytes == NULL)
    return NULL;
  bytes = g_bytes_get_data (stderr_bytes, &size);
  if (size == 0)
    return NULL;
  text = g_strndup (bytes, size);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "error: ") && lines[i][7] != '\0')
        {
          if (message != NULL)
            g_string_free (message, TRUE);
          message = g_string_new (lines[i] + 7);
        }
    }
  if (message == NULL)
    return NULL;

  g_strchomp (message->str);
  message->len = strlen (message->str);
  g_string_replace (message, copy_path, data->library, 0);
  if (!g_utf8_validate (message->str, message->len, NULL))
    {
      char *valid = g_utf8_make_valid (message->str, message->len);

      g_string_free (message, TRUE);
      return valid;
    }
  return g_string_free (message, FALSE);
}

static void
return_from_result (GTask         *task,
                    ExtractData   *data,
                    const char    *copy_path,
                    WcChildResult *res)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) params = NULL;

  if (!res->exited)
    {
      g_autofree char *name = wc_signal_name (res->term_signal);

      g_task_return_new_error (task, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_CRASHED,
                               _("Plugin ‘%s’ crashed while extracting parameters (%s)"),
                               data->library, name);
      return;
    }

  if (res->exit_status != 0)
    {
      g_autofree char *message = child_error_message (data, copy_path, res->stderr_bytes);
      int code = res->exit_status;

      if (code < WC_EXTRACTOR_ERROR_USAGE || code > WC_EXTRACTOR_ERROR_UTF8)
        code = WC_EXTRACTOR_ERROR_FAILED;
      if (message == NULL || code == WC_EXTRACTOR_ERROR_FAILED)
        g_task_return_new_error (task, WC_EXTRACTOR_ERROR, code,
                                 _("Parameter extraction from ‘%s’ failed with exit code %d"),
                                 data->library, res->exit_status);
      else
        g_task_return_error (task, g_error_new_literal (WC_EXTRACTOR_ERROR, code, message));
      return;
    }

  params = wc_param_info_list_parse (g_bytes_get_data (res->stdout_bytes, NULL),
                                     g_bytes_get_size (res->stdout_bytes), &error);
  if (params == NULL)
    {
      g_task_return_new_error (task, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_INVALID,
                               _("Parameter extraction from ‘%s’ returned an invalid "
                                 "parameter list: %s"),
                               data->library, error->message);
      return;
    }

  g_debug ("Extracted %u parameters from %s in %.1f ms (child %.1f ms)",
           params->len, data->library,
           (g_get_monotonic_time () - data->start_time) / 1000.0,
           res->duration_us / 1000.0);
  g_task_return_pointer (task, g_steal_pointer (&params), (GDestroyNotify) g_ptr_array_unref);
}

static void
on_child_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExtractData *data = g_task_get_task_data (task);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *copy_path = NULL;

  res = wc_child_wait_finish (WC_CHILD (object), result, &error);

  /* The copy goes at once, whatever happened. */
  copy_path = g_steal_pointer (&data->copy_path);
  g_unlink (copy_path);

  if (res != NULL && res->stderr_bytes != NULL && g_bytes_get_size (res->stderr_bytes) > 0)
    g_debug ("extract-params %s: stderr: %.*s", data->library,
             (int) MIN (g_bytes_get_size (res->stderr_bytes), 4096),
             (const char *) g_bytes_get_data (res->stderr_bytes, NULL));

  if (res != NULL)
    return_from_result (task, data, copy_path, res);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_new_error (task, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_CANCELLED,
                             _("Parameter extraction from ‘%s’ was cancelled"),
                             data->library);
  else if (g_error_matches (error, WC_CHILD_ERROR, WC_CHILD_ERROR_TIMEOUT))
    g_task_return_new_error (task, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_TIMEOUT,
                             _("Timed out after %u ms extracting parameters from ‘%s’; "
                               "the plugin may hang in a static initialiser"),
                             data->timeout_ms, data->library);
  else if (g_error_matches (error, WC_CHILD_ERROR, WC_CHILD_ERROR_OUTPUT_TOO_LARGE))
    g_task_return_new_error (task, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_FAILED,
                             _("Parameter extraction from ‘%s’ wrote more than %d bytes "
                               "of output"),
                             data->library, WC_EXTRACTOR_MAX_OUTPUT);
  else
    g_task_return_new_error (task, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_FAILED,
                             _("Could not extract parameters from ‘%s’: %s"),
                             data->library, error->message);
}

static void
on_copied (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WcExtractor *self = g_task_get_source_object (task);
  ExtractData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  const char *argv[4];

  data->copy_path = g_task_propagate_pointer (G_TASK (result), &error);
  if (data->copy_path == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_unlink (data->copy_path);
      g_clear_pointer (&data->copy_path, g_free);
      g_task_return_new_error (task, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_CANCELLED,
                               _("Parameter extraction from ‘%s’ was cancelled"),
                               data->library);
      return;
    }

  argv[0] = self->wavecraft_bin;
  argv[1] = "extract-params";
  argv[2] = data->copy_path;
  argv[3] = NULL;

  /* extract-params calls setsid() itself, which keeps the posix_spawn path open. */
  data->child = wc_child_new (argv, WC_CHILD_FLAGS_CAPTURE_STDOUT |
                                    WC_CHILD_FLAGS_CAPTURE_STDERR |
                                    WC_CHILD_FLAGS_SELF_GROUP);
  wc_child_set_timeout (data->child, data->timeout_ms);
  wc_child_set_max_output (data->child, WC_EXTRACTOR_MAX_OUTPUT);
  wc_child_wait_async (data->child, cancellable, on_child_done, g_steal_pointer (&task));
}

/**
 * wc_extractor_extract_async:
 * @self: a #WcExtractor
 * @library: path of the plugin's shared library
 * @cancellable: (nullable): cancelling kills the child's process group
 * @callback: called with the parameter list or an error
 * @user_data: data for @callback
 *
 * Discovers the parameters of @library as PROTOCOL.md §2 says: @library is copied to a
 * unique temporary file (always removed afterwards), and `wavecraft extract-params <copy>`
 * runs in a process group of its own with its output drained and capped at 16 MiB per
 * stream. On timeout or cancellation the whole group is killed and reaped. This process
 * never loads @library.
 */
void
wc_extractor_extract_async (WcExtractor         *self,
                            const char          *library,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) copy_task = NULL;
  ExtractData *data;

  g_return_if_fail (WC_IS_EXTRACTOR (self));
  g_return_if_fail (library != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (ExtractData, 1);
  data->library = g_strdup (library);
  data->tmp_dir = g_strdup (self->tmp_dir != NULL ? self->tmp_dir : g_get_tmp_dir ());
  data->timeout_ms = self->timeout_ms;
  data->start_time = g_get_monotonic_time ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_extractor_extract_async);
  /* Errors, cancellation included, are ours (WC_EXTRACTOR_ERROR_CANCELLED). */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, data, (GDestroyNotify) extract_data_free);

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_task_return_new_error (task, WC_EXTRACTOR_ERROR, WC_EXTRACTOR_ERROR_CANCELLED,
                               _("Parameter extraction from ‘%s’ was cancelled"), library);
      return;
    }

  /* The copy is blocking file I/O of possibly large files: a worker thread does it. */
  copy_task = g_task_new (self, cancellable, on_copied, g_steal_pointer (&task));
  g_task_set_source_tag (copy_task, copy_library_thread);
  g_task_set_check_cancellable (copy_task, FALSE);
  g_task_set_task_data (copy_task, data, NULL);
  g_task_run_in_thread (copy_task, copy_library_thread);
}

/**
 * wc_extractor_extract_finish:
 * @self: a #WcExtractor
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type WcParamInfo): the parameters, or %NULL with a
 *   %WC_EXTRACTOR_ERROR: %WC_EXTRACTOR_ERROR_USAGE … %WC_EXTRACTOR_ERROR_UTF8 for exit codes
 *   1–5 (the message is the child's `error:` line), %WC_EXTRACTOR_ERROR_LOAD also when
 *   @library cannot be read, %WC_EXTRACTOR_ERROR_TIMEOUT, %WC_EXTRACTOR_ERROR_CRASHED
 *   (the message names the signal), %WC_EXTRACTOR_ERROR_CANCELLED, or
 *   %WC_EXTRACTOR_ERROR_FAILED (spawn failure, output over 16 MiB, unknown exit code,
 *   copy failure)
 */
GPtrArray *
wc_extractor_extract_finish (WcExtractor   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (WC_IS_EXTRACTOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == wc_extractor_extract_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
