/* wc-rebuild-watcher.c: recursive, debounced watch of a project's engine sources.
 *
 * The watch runs on a thread of its own with its own GMainContext: every GFileMonitor is a
 * GSource in the context that created it, and 2,000 of them in the server's context would
 * make each of its iterations far more expensive. The worker keeps one monitor per
 * directory (rate limit 0), debounces with its own quiet window, and hands each burst to
 * the creating thread's context with an idle source.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-rebuild-watcher"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "wc-project.h"
#include "wc-project-private.h"
#include "wc-rebuild-watcher.h"

/* A burst that never goes quiet is still delivered after this long (ms), at least. */
#define WC_REBUILD_WATCHER_MIN_MAX_WAIT_MS 1000

/* Shared between the watcher (on the creating thread) and its worker thread; refcounted
 * (g_atomic_rc_box) because deliveries pending on the creating context outlive a stop. */
typedef struct
{
  GMainContext     *owner_context;
  WcRebuildWatcher *owner;      /* cleared by stop; only read on owner_context */
  gint              n_watched;  /* atomic */
} Shared;

/* Lives on the worker thread. */
typedef struct
{
  Shared       *shared;
  char         *root;
  gsize         root_len;
  char        **prune;
  guint         debounce_ms;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  GHashTable   *monitors;     /* absolute dir path → GFileMonitor */
  GHashTable   *files;        /* relative paths of the watched files known to exist */
  GHashTable   *pending;      /* relative file paths of this burst */
  GHashTable   *writing;      /* relative paths changed and not closed yet (no CHANGES_DONE) */
  GSource      *timer;
  gint64        first_event;  /* µs, monotonic; 0 when nothing pending */
  gint64        last_event;
  gboolean      reporting;    /* files found by a scan are reported as changed */
} Worker;

struct _WcRebuildWatcher
{
  GObject       parent_instance;

  char         *root;
  guint         debounce_ms;
  GPtrArray    *prune;
  GMainContext *owner_context;
  Shared       *shared;
  Worker       *worker;
};

G_DEFINE_FINAL_TYPE (WcRebuildWatcher, wc_rebuild_watcher, G_TYPE_OBJECT)

enum {
  CHANGED,
  READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
shared_clear (Shared *shared)
{
  g_main_context_unref (shared->owner_context);
}

static void
shared_unref (Shared *shared)
{
  g_atomic_rc_box_release_full (shared, (GDestroyNotify) shared_clear);
}

/* --- delivery to the creating thread --- */

typedef struct
{
  Shared  *shared;
  char   **files; /* NULL for "ready" */
} Delivery;

static void
delivery_free (Delivery *delivery)
{
  shared_unref (delivery->shared);
  g_strfreev (delivery->files);
  g_free (delivery);
}

static gboolean
deliver (gpointer user_data)
{
  Delivery *delivery = user_data;
  WcRebuildWatcher *self = delivery->shared->owner;

  if (self == NULL)
    return G_SOURCE_REMOVE;

  g_object_ref (self);
  if (delivery->files != NULL)
    g_signal_emit (self, signals[CHANGED], 0, delivery->files);
  else
    g_signal_emit (self, signals[READY], 0);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
post_to_owner (Worker  *w,
               char   **files)
{
  Delivery *delivery = g_new0 (Delivery, 1);
  GSource *source;

  delivery->shared = g_atomic_rc_box_acquire (w->shared);
  delivery->files = files;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver, delivery, (GDestroyNotify) delivery_free);
  g_source_set_static_name (source, "[wc-rebuild-watcher] deliver");
  g_source_attach (source, w->shared->owner_context);
  g_source_unref (source);
}

/* --- the worker --- */

static void
worker_free (Worker *w)
{
  g_clear_pointer (&w->shared, shared_unref);
  g_free (w->root);
  g_strfreev (w->prune);
  g_clear_pointer (&w->loop, g_main_loop_unref);
  g_clear_pointer (&w->context, g_main_context_unref);
  g_free (w);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
flush (Worker *w)
{
  GHashTableIter iter;
  gpointer key;
  GPtrArray *files;

  if (g_hash_table_size (w->pending) == 0)
    return;

  files = g_ptr_array_sized_new (g_hash_table_size (w->pending) + 1);
  g_hash_table_iter_init (&iter, w->pending);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_ptr_array_add (files, key);
      g_hash_table_iter_steal (&iter);
    }
  g_ptr_array_sort (files, compare_strings);
  g_ptr_array_add (files, NULL);
  w->first_event = 0;

  g_debug ("%u file(s) changed, first %s", files->len - 1, (char *) files->pdata[0]);
  post_to_owner (w, (char **) g_ptr_array_free (files, FALSE));
}

static gboolean on_timer (gpointer user_data);

static void
schedule_timer (Worker *w,
                guint   delay_ms)
{
  if (w->timer != NULL)
    {
      g_source_destroy (w->timer);
      g_source_unref (w->timer);
    }
  w->timer = g_timeout_source_new (delay_ms);
  g_source_set_callback (w->timer, on_timer, w, NULL);
  g_source_set_static_name (w->timer, "[wc-rebuild-watcher] debounce");
  g_source_attach (w->timer, w->context);
}

static gboolean
on_timer (gpointer user_data)
{
  Worker *w = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 quiet_until = w->last_event + (gint64) w->debounce_ms * 1000;
  gint64 max_wait = MAX ((gint64) WC_REBUILD_WATCHER_MIN_MAX_WAIT_MS, 20 * (gint64) w->debounce_ms);

  if (now - w->first_event < max_wait * 1000)
    {
      if (now < quiet_until)
        {
          /* Not quiet yet: wait for the rest of the window. This is a new source, so this
           * one goes away. */
          schedule_timer (w, (guint) MAX (1, (quiet_until - now + 999) / 1000));
          return G_SOURCE_REMOVE;
        }
      if (g_hash_table_size (w->writing) > 0)
        {
          /* Quiet, but a file is still open for writing: building it now would compile
           * half a file. Its close (CHANGES_DONE_HINT) ends the burst. */
          schedule_timer (w, w->debounce_ms);
          return G_SOURCE_REMOVE;
        }
    }

  g_clear_pointer (&w->timer, g_source_unref);
  flush (w);
  return G_SOURCE_REMOVE;
}

static const char *relative_path (Worker *w, const char *path);

/* Adds @path to the burst if it is a watched file under the root. */
static void
note_change (Worker     *w,
             const char *path)
{
  g_autofree char *basename = NULL;
  const char *relative = relative_path (w, path);

  if (relative == NULL)
    return;
  basename = g_path_get_basename (path);
  if (!wc_project_is_watched_file (basename))
    return;
  if (g_hash_table_contains (w->pending, relative))
    {
      w->last_event = g_get_monotonic_time ();
      return;
    }

  g_hash_table_add (w->pending, g_strdup (relative));
  w->last_event = g_get_monotonic_time ();
  if (w->first_event == 0)
    w->first_event = w->last_event;
  if (w->timer == NULL)
    schedule_timer (w, w->debounce_ms);
}

static void on_monitor_changed (GFileMonitor      *monitor,
                                GFile             *file,
                                GFile             *other_file,
                                GFileMonitorEvent  event,
                                gpointer           user_data);

static gboolean
watch_dir (const char *path,
           gpointer    user_data)
{
  Worker *w = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  GFileMonitor *monitor;

  if (g_hash_table_contains (w->monitors, path))
    return TRUE;

  file = g_file_new_for_path (path);
  monitor = g_file_monitor_directory (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (monitor == NULL)
    {
      g_warning ("Cannot watch %s: %s", path, error->message);
      return FALSE;
    }
  /* Our own debounce: the default 800 ms would hold back a second write. */
  g_file_monitor_set_rate_limit (monitor, 0);
  g_signal_connect (monitor, "changed", G_CALLBACK (on_monitor_changed), w);
  g_hash_table_insert (w->monitors, g_strdup (path), monitor);
  g_atomic_int_set (&w->shared->n_watched, (gint) g_hash_table_size (w->monitors));
  return TRUE;
}

static const char *
relative_path (Worker     *w,
               const char *path)
{
  if (strncmp (path, w->root, w->root_len) != 0 || path[w->root_len] != G_DIR_SEPARATOR)
    return NULL;
  return path + w->root_len + 1;
}

/* Keeps the set of known watched files up to date for @path. */
static void
track_file (Worker     *w,
            const char *path,
            gboolean    exists)
{
  const char *relative = relative_path (w, path);
  g_autofree char *basename = NULL;

  if (relative == NULL)
    return;
  if (!exists)
    {
      g_hash_table_remove (w->files, relative);
      return;
    }
  basename = g_path_get_basename (path);
  if (wc_project_is_watched_file (basename) && !g_hash_table_contains (w->files, relative))
    g_hash_table_add (w->files, g_strdup (relative));
}

static void
scanned_file (const char *path,
              gpointer    user_data)
{
  Worker *w = user_data;
  const char *relative = relative_path (w, path);

  /* the walk only gives watched files */
  if (relative != NULL)
    g_hash_table_add (w->files, g_strdup (relative));
  if (w->reporting)
    note_change (w, path);
}

/* Watches @path and everything below it. With @report, files found are reported as
 * changed: they may have been written before the watch existed. */
static void
scan_tree (Worker     *w,
           const char *path,
           gboolean    report)
{
  w->reporting = report;
  wc_project_walk (path, (const char * const *) w->prune, watch_dir, scanned_file, w);
  w->reporting = FALSE;
}

static void
destroy_monitor (GFileMonitor *monitor)
{
  g_signal_handlers_disconnect_matched (monitor, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        on_monitor_changed, NULL);
  g_file_monitor_cancel (monitor);
  g_object_unref (monitor);
}

/* Drops the watches of @path and of every directory below it, and reports the watched files
 * known in them as changed (gone): their own DELETED events may never come, since the
 * monitors that would report them are cancelled here. Returns whether there were watches. */
static gboolean
unwatch_tree (Worker     *w,
              const char *path)
{
  GHashTableIter iter;
  gpointer key;
  gsize len = strlen (path);
  gboolean removed = FALSE;
  const char *relative = relative_path (w, path);

  g_hash_table_iter_init (&iter, w->monitors);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const char *dir = key;

      if (strncmp (dir, path, len) == 0 && (dir[len] == '\0' || dir[len] == G_DIR_SEPARATOR))
        {
          g_hash_table_iter_remove (&iter);
          removed = TRUE;
        }
    }
  /* Files are known only below watched directories: none to drop when no watch went. */
  if (removed && relative != NULL)
    {
      gsize rlen = strlen (relative);
      g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);

      g_hash_table_iter_init (&iter, w->files);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          const char *file = key;

          if (strncmp (file, relative, rlen) == 0 && file[rlen] == G_DIR_SEPARATOR)
            {
              g_ptr_array_add (gone, g_build_filename (w->root, file, NULL));
              g_hash_table_iter_remove (&iter);
            }
        }
      for (guint i = 0; i < gone->len; i++)
        note_change (w, g_ptr_array_index (gone, i));

      /* their CHANGES_DONE_HINT will never come */
      g_hash_table_iter_init (&iter, w->writing);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          const char *file = key;

          if (strncmp (file, relative, rlen) == 0 && file[rlen] == G_DIR_SEPARATOR)
            g_hash_table_iter_remove (&iter);
        }
    }

  if (removed)
    {
      g_debug ("Stopped watching %s", path);
      g_atomic_int_set (&w->shared->n_watched, (gint) g_hash_table_size (w->monitors));
    }
  return removed;
}

static gboolean
is_pruned_name (Worker     *w,
                const char *basename)
{
  return wc_project_is_ignored_name (basename)
         || (w->prune != NULL && g_strv_contains ((const char * const *) w->prune, basename));
}

/* Something appeared at @path (created, moved in, renamed to). */
static void
handle_appeared (Worker     *w,
                 const char *path)
{
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *parent = NULL;
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    {
      /* Already gone again (a short-lived temp file); a watched name still counts. */
      track_file (w, path, FALSE);
      note_change (w, path);
      return;
    }

  if (!S_ISDIR (st.st_mode))
    {
      track_file (w, path, TRUE);
      note_change (w, path);
      return;
    }

  if (g_str_equal (basename, "meson-private"))
    {
      /* Its parent just became a meson build dir: prune it. */
      parent = g_path_get_dirname (path);
      if (!g_str_equal (parent, w->root))
        unwatch_tree (w, parent);
      return;
    }

  if (is_pruned_name (w, basename) || wc_project_is_pruned_dir (path))
    return;

  g_debug ("Watching new directory %s", path);
  scan_tree (w, path, TRUE);
}

/* Something went away from @path (deleted, moved out, renamed from). */
static void
handle_disappeared (Worker     *w,
                    const char *path)
{
  if (unwatch_tree (w, path))
    return;
  track_file (w, path, FALSE);
  note_change (w, path);
}

/* GLib follows every CREATED or CHANGED of a file with CHANGES_DONE_HINT when the writer
 * closes it (or 2 s later if it never does); until then the file is being written. */
static void
set_writing (Worker     *w,
             const char *path,
             gboolean    writing)
{
  const char *relative = relative_path (w, path);
  g_autofree char *basename = NULL;

  if (relative == NULL)
    return;
  if (!writing)
    {
      g_hash_table_remove (w->writing, relative);
      return;
    }
  basename = g_path_get_basename (path);
  if (wc_project_is_watched_file (basename) && !g_hash_table_contains (w->writing, relative))
    g_hash_table_add (w->writing, g_strdup (relative));
}

static void
on_monitor_changed (GFileMonitor      *monitor,
                    GFile             *file,
                    GFile             *other_file,
                    GFileMonitorEvent  event,
                    gpointer           user_data)
{
  Worker *w = user_data;
  const char *path = g_file_peek_path (file);
  const char *other = other_file != NULL ? g_file_peek_path (other_file) : NULL;

  if (path == NULL)
    return;

  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CREATED:
      set_writing (w, path, TRUE);
      handle_appeared (w, path);
      break;

    case G_FILE_MONITOR_EVENT_MOVED_IN:
      handle_appeared (w, path);
      break;

    case G_FILE_MONITOR_EVENT_RENAMED:
      set_writing (w, path, FALSE);
      handle_disappeared (w, path);
      if (other != NULL)
        handle_appeared (w, other);
      break;

    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
      set_writing (w, path, FALSE);
      handle_disappeared (w, path);
      break;

    case G_FILE_MONITOR_EVENT_CHANGED:
      set_writing (w, path, TRUE);
      track_file (w, path, TRUE);
      note_change (w, path);
      break;

    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
      set_writing (w, path, FALSE);
      track_file (w, path, TRUE);
      note_change (w, path);
      break;

    case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
      track_file (w, path, TRUE);
      note_change (w, path);
      break;

    case G_FILE_MONITOR_EVENT_PRE_UNMOUNT:
    case G_FILE_MONITOR_EVENT_UNMOUNTED:
    case G_FILE_MONITOR_EVENT_MOVED:
    default:
      break;
    }
}

static gpointer
worker_main (gpointer user_data)
{
  Worker *w = user_data;
  gint64 start = g_get_monotonic_time ();

  g_main_context_push_thread_default (w->context);

  w->monitors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) destroy_monitor);
  w->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  w->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  w->writing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  scan_tree (w, w->root, FALSE);
  g_debug ("Watching %u directories under %s (%.1f ms)", g_hash_table_size (w->monitors),
           w->root, (g_get_monotonic_time () - start) / 1000.0);
  post_to_owner (w, NULL);

  g_main_loop_run (w->loop);

  if (w->timer != NULL)
    {
      g_source_destroy (w->timer);
      g_clear_pointer (&w->timer, g_source_unref);
    }
  g_clear_pointer (&w->monitors, g_hash_table_unref);
  g_clear_pointer (&w->pending, g_hash_table_unref);
  g_clear_pointer (&w->files, g_hash_table_unref);
  g_clear_pointer (&w->writing, g_hash_table_unref);
  g_atomic_int_set (&w->shared->n_watched, 0);

  /* Let cancelled monitors' sources go before the context does. */
  while (g_main_context_iteration (w->context, FALSE))
    ;
  g_main_context_pop_thread_default (w->context);
  return NULL;
}

static gboolean
quit_worker (gpointer user_data)
{
  Worker *w = user_data;

  g_main_loop_quit (w->loop);
  return G_SOURCE_REMOVE;
}

/* --- the object --- */

static void
wc_rebuild_watcher_dispose (GObject *object)
{
  WcRebuildWatcher *self = WC_REBUILD_WATCHER (object);

  wc_rebuild_watcher_stop (self);

  G_OBJECT_CLASS (wc_rebuild_watcher_parent_class)->dispose (object);
}

static void
wc_rebuild_watcher_finalize (GObject *object)
{
  WcRebuildWatcher *self = WC_REBUILD_WATCHER (object);

  g_free (self->root);
  g_ptr_array_unref (self->prune);
  g_main_context_unref (self->owner_context);

  G_OBJECT_CLASS (wc_rebuild_watcher_parent_class)->finalize (object);
}

static void
wc_rebuild_watcher_class_init (WcRebuildWatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wc_rebuild_watcher_dispose;
  object_class->finalize = wc_rebuild_watcher_finalize;

  /**
   * WcRebuildWatcher::changed:
   * @self: the watcher
   * @files: (array zero-terminated=1): the files of one debounced burst, relative to the
   *   root, sorted and unique (written, created, deleted, or moved in or out, also as
   *   part of a directory)
   *
   * Emitted on the creating thread's main context once the tree was quiet for the debounce
   * window after a change to a watched file (issue 4, "Watching").
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_STRV);

  /**
   * WcRebuildWatcher::ready:
   * @self: the watcher
   *
   * Emitted on the creating thread's main context after the initial scan: every directory
   * is watched from now on.
   */
  signals[READY] =
    g_signal_new ("ready",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
wc_rebuild_watcher_init (WcRebuildWatcher *self)
{
  self->prune = g_ptr_array_new_with_free_func (g_free);
}

/**
 * wc_rebuild_watcher_new:
 * @root: the directory to watch recursively (the engine dir); it may lie under hidden
 *   directories: only names below @root are pruned
 * @debounce_ms: quiet window in milliseconds that ends a burst of changes; 0 for
 *   %WC_REBUILD_WATCHER_DEFAULT_DEBOUNCE_MS
 *
 * Creates a watcher whose signals are emitted on the calling thread's thread-default main
 * context. Nothing is watched until wc_rebuild_watcher_start().
 *
 * Returns: (transfer full): a new #WcRebuildWatcher
 */
WcRebuildWatcher *
wc_rebuild_watcher_new (const char *root,
                        guint       debounce_ms)
{
  WcRebuildWatcher *self;

  g_return_val_if_fail (root != NULL, NULL);

  self = g_object_new (WC_TYPE_REBUILD_WATCHER, NULL);
  self->root = g_canonicalize_filename (root, NULL);
  self->debounce_ms = debounce_ms > 0 ? debounce_ms : WC_REBUILD_WATCHER_DEFAULT_DEBOUNCE_MS;
  self->owner_context = g_main_context_ref_thread_default ();
  return self;
}

/**
 * wc_rebuild_watcher_get_root:
 * @self: a #WcRebuildWatcher
 *
 * Returns: (transfer none): the absolute watched directory; "changed" paths are relative to it
 */
const char *
wc_rebuild_watcher_get_root (WcRebuildWatcher *self)
{
  g_return_val_if_fail (WC_IS_REBUILD_WATCHER (self), NULL);
  return self->root;
}

/**
 * wc_rebuild_watcher_get_debounce:
 * @self: a #WcRebuildWatcher
 *
 * Returns: the quiet window in milliseconds
 */
guint
wc_rebuild_watcher_get_debounce (WcRebuildWatcher *self)
{
  g_return_val_if_fail (WC_IS_REBUILD_WATCHER (self), 0);
  return self->debounce_ms;
}

/**
 * wc_rebuild_watcher_is_running:
 * @self: a #WcRebuildWatcher
 *
 * Returns: %TRUE between wc_rebuild_watcher_start() and wc_rebuild_watcher_stop()
 */
gboolean
wc_rebuild_watcher_is_running (WcRebuildWatcher *self)
{
  g_return_val_if_fail (WC_IS_REBUILD_WATCHER (self), FALSE);
  return self->worker != NULL;
}

/**
 * wc_rebuild_watcher_add_prune:
 * @self: a #WcRebuildWatcher
 * @dirname: a directory name (no path) never to descend into
 *
 * Adds to the pruned names (`.git` and every hidden name, `target`, `node_modules`,
 * `build-wavecraft`, meson build dirs). Takes effect at the next wc_rebuild_watcher_start().
 */
void
wc_rebuild_watcher_add_prune (WcRebuildWatcher *self,
                              const char       *dirname)
{
  g_return_if_fail (WC_IS_REBUILD_WATCHER (self));
  g_return_if_fail (dirname != NULL && strchr (dirname, G_DIR_SEPARATOR) == NULL);

  g_ptr_array_add (self->prune, g_strdup (dirname));
}

/**
 * wc_rebuild_watcher_start:
 * @self: a #WcRebuildWatcher
 * @error: return location for a #GError
 *
 * Starts the worker thread, which walks the tree, puts one #GFileMonitor (rate limit 0,
 * %G_FILE_MONITOR_WATCH_MOVES) on every directory that is not pruned, and emits
 * #WcRebuildWatcher::ready when done. From then on, every save style (plain write, atomic
 * temp file + rename, `sed -i`, vim's rename-and-write, `touch`, delete) of a watched file
 * (wc_project_is_watched_file()) gives one #WcRebuildWatcher::changed per burst. New
 * directories are scanned and watched, and the files already in them reported; deleted
 * directories are dropped. Starting a running watcher does nothing.
 *
 * Returns: %TRUE on success; %FALSE with %G_IO_ERROR_NOT_DIRECTORY ("Cannot watch <root>:
 *   not a directory") or the #GThread error
 */
gboolean
wc_rebuild_watcher_start (WcRebuildWatcher  *self,
                          GError           **error)
{
  Worker *w;

  g_return_val_if_fail (WC_IS_REBUILD_WATCHER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->worker != NULL)
    return TRUE;

  if (!g_file_test (self->root, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   _("Cannot watch %s: not a directory"), self->root);
      return FALSE;
    }

  self->shared = g_atomic_rc_box_new0 (Shared);
  self->shared->owner_context = g_main_context_ref (self->owner_context);
  self->shared->owner = self;

  w = g_new0 (Worker, 1);
  w->shared = g_atomic_rc_box_acquire (self->shared);
  w->root = g_strdup (self->root);
  w->root_len = strlen (w->root);
  while (w->root_len > 1 && w->root[w->root_len - 1] == G_DIR_SEPARATOR)
    w->root[--w->root_len] = '\0';
  w->prune = g_new0 (char *, self->prune->len + 1);
  for (guint i = 0; i < self->prune->len; i++)
    w->prune[i] = g_strdup (g_ptr_array_index (self->prune, i));
  w->debounce_ms = self->debounce_ms;
  w->context = g_main_context_new ();
  w->loop = g_main_loop_new (w->context, FALSE);

  w->thread = g_thread_try_new ("wc-rebuild-watcher", worker_main, w, error);
  if (w->thread == NULL)
    {
      self->shared->owner = NULL;
      g_clear_pointer (&self->shared, shared_unref);
      worker_free (w);
      return FALSE;
    }
  self->worker = w;
  return TRUE;
}

/**
 * wc_rebuild_watcher_stop:
 * @self: a #WcRebuildWatcher
 *
 * Stops watching: quits the worker's loop, which drops its monitors in its own thread, and
 * joins the thread. No signal is emitted after this returns, even for a burst already on
 * its way. Stopping a stopped watcher does nothing.
 */
void
wc_rebuild_watcher_stop (WcRebuildWatcher *self)
{
  Worker *w;
  GSource *source;

  g_return_if_fail (WC_IS_REBUILD_WATCHER (self));

  w = g_steal_pointer (&self->worker);
  if (w == NULL)
    return;

  /* An idle in the worker's context: it runs once the loop runs, so a stop during the
   * initial scan is not lost. */
  source = g_idle_source_new ();
  g_source_set_callback (source, quit_worker, w, NULL);
  g_source_attach (source, w->context);
  g_source_unref (source);

  g_thread_join (w->thread);
  worker_free (w);

  self->shared->owner = NULL;
  g_clear_pointer (&self->shared, shared_unref);
}

/**
 * wc_rebuild_watcher_get_n_watched:
 * @self: a #WcRebuildWatcher
 *
 * Returns: how many directories are watched now (one #GFileMonitor each); 0 when stopped.
 *   Updated by the worker thread; exact once #WcRebuildWatcher::ready was emitted and the
 *   tree is quiet.
 */
guint
wc_rebuild_watcher_get_n_watched (WcRebuildWatcher *self)
{
  g_return_val_if_fail (WC_IS_REBUILD_WATCHER (self), 0);

  if (self->shared == NULL)
    return 0;
  return (guint) g_atomic_int_get (&self->shared->n_watched);
}
