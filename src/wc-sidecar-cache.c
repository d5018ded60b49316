/* wc-sidecar-cache.c: `wavecraft-params.json` beside the built library (PROTOCOL.md §5).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-sidecar-cache"

#include <glib/gi18n.h>

#include "wc-param-info.h"
#include "wc-sidecar-cache.h"

G_DEFINE_QUARK (wc-sidecar-error-quark, wc_sidecar_error)

/**
 * wc_sidecar_path_for:
 * @library: path of a plugin's shared library
 *
 * Returns: (transfer full): the sidecar path, `wavecraft-params.json` in the directory of
 *   @library
 */
char *
wc_sidecar_path_for (const char *library)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (library != NULL, NULL);

  dir = g_path_get_dirname (library);
  return g_build_filename (dir, WC_SIDECAR_FILENAME, NULL);
}

/* Modification time in nanoseconds since the epoch (good until 2262). */
static gboolean
query_mtime_ns (const char  *path,
                gint64      *mtime_ns,
                GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                            G_FILE_ATTRIBUTE_TIME_MODIFIED_NSEC,
                            G_FILE_QUERY_INFO_NONE, NULL, error);
  if (info == NULL)
    return FALSE;

  *mtime_ns = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED)
              * G_GINT64_CONSTANT (1000000000)
              + g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_NSEC);
  return TRUE;
}

/* The sidecar must be strictly newer than @input: with timestamps as coarse as a kernel
 * tick, an input written in the same tick as the sidecar might have changed after it. */
static gboolean
check_input (const char  *sidecar,
             gint64       sidecar_mtime,
             const char  *input,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 mtime;

  if (!query_mtime_ns (input, &mtime, &local_error))
    {
      g_set_error (error, WC_SIDECAR_ERROR, WC_SIDECAR_ERROR_STALE,
                   _("Parameter cache ‘%s’ is stale: ‘%s’ cannot be read (%s)"),
                   sidecar, input, local_error->message);
      return FALSE;
    }
  if (mtime >= sidecar_mtime)
    {
      g_set_error (error, WC_SIDECAR_ERROR, WC_SIDECAR_ERROR_STALE,
                   _("Parameter cache ‘%s’ is stale: ‘%s’ is newer"), sidecar, input);
      return FALSE;
    }
  return TRUE;
}

/**
 * wc_sidecar_load:
 * @library: path of the plugin's shared library
 * @sources: (nullable) (array zero-terminated=1): the engine source files the library was
 *   built from
 * @wavecraft_bin: (nullable): path of the `wavecraft` binary that would extract
 * @error: return location for a #GError
 *
 * Reads the sidecar of @library (PROTOCOL.md §5). It is used only while its modification
 * time (nanoseconds) is strictly later than that of @library, of every file in @sources
 * and of @wavecraft_bin. A missing input counts as changed. Blocking file I/O: a few
 * `stat` calls and one small read.
 *
 * Returns: (transfer full) (element-type WcParamInfo): the cached parameters, or %NULL
 *   with %WC_SIDECAR_ERROR_MISSING (no sidecar), %WC_SIDECAR_ERROR_STALE (an input is not
 *   older) or %WC_SIDECAR_ERROR_CORRUPT (unreadable or not a valid ParameterInfo array;
 *   the caller extracts again and overwrites it with wc_sidecar_save())
 */
GPtrArray *
wc_sidecar_load (const char          *library,
                 const char * const  *sources,
                 const char          *wavecraft_bin,
                 GError             **error)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) params = NULL;
  gint64 sidecar_mtime;
  gsize length = 0;

  g_return_val_if_fail (library != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = wc_sidecar_path_for (library);

  if (!query_mtime_ns (path, &sidecar_mtime, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, WC_SIDECAR_ERROR, WC_SIDECAR_ERROR_MISSING,
                     _("No parameter cache at ‘%s’"), path);
      else
        g_set_error (error, WC_SIDECAR_ERROR, WC_SIDECAR_ERROR_CORRUPT,
                     _("Parameter cache ‘%s’ cannot be read: %s"), path, local_error->message);
      return NULL;
    }

  if (!check_input (path, sidecar_mtime, library, error))
    return NULL;
  for (guint i = 0; sources != NULL && sources[i] != NULL; i++)
    if (!check_input (path, sidecar_mtime, sources[i], error))
      return NULL;
  if (wavecraft_bin != NULL && !check_input (path, sidecar_mtime, wavecraft_bin, error))
    return NULL;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, WC_SIDECAR_ERROR, WC_SIDECAR_ERROR_CORRUPT,
                   _("Parameter cache ‘%s’ cannot be read: %s"), path, local_error->message);
      return NULL;
    }

  params = wc_param_info_list_parse (contents, length, &local_error);
  if (params == NULL)
    {
      g_set_error (error, WC_SIDECAR_ERROR, WC_SIDECAR_ERROR_CORRUPT,
                   _("Parameter cache ‘%s’ is corrupt: %s"), path, local_error->message);
      return NULL;
    }

  g_debug ("Loaded %u parameters from %s", params->len, path);
  return g_steal_pointer (&params);
}

/**
 * wc_sidecar_save:
 * @library: path of the plugin's shared library
 * @params: (element-type WcParamInfo): the parameters extracted from it
 * @error: return location for a #GError
 *
 * Writes @params as one compact JSON line to the sidecar of @library, atomically: a
 * temporary file in the same directory, flushed, then renamed over the old sidecar, so a
 * reader sees the old file or the new one, never a part (PROTOCOL.md §5).
 *
 * Returns: %TRUE on success; %FALSE with a #GFileError when the directory is not writable
 */
gboolean
wc_sidecar_save (const char  *library,
                 GPtrArray   *params,
                 GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *json = NULL;
  g_autofree char *contents = NULL;

  g_return_val_if_fail (library != NULL, FALSE);
  g_return_val_if_fail (params != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  path = wc_sidecar_path_for (library);
  json = wc_param_info_list_serialize (params);
  contents = g_strconcat (json, "\n", NULL);

  if (!g_file_set_contents_full (path, contents, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT,
                                 0644, error))
    return FALSE;

  g_debug ("Saved %u parameters to %s", params->len, path);
  return TRUE;
}
