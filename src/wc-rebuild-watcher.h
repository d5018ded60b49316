/* wc-rebuild-watcher.h: recursive, debounced watch of a project's engine sources.
 *
 * The GFileMonitors live on the watcher's own thread and GMainContext, so the server's main
 * context stays lean; the debounced change is delivered on the context that created the
 * watcher.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "wc-types.h"

G_BEGIN_DECLS

#define WC_TYPE_REBUILD_WATCHER (wc_rebuild_watcher_get_type ())
G_DECLARE_FINAL_TYPE (WcRebuildWatcher, wc_rebuild_watcher, WC, REBUILD_WATCHER, GObject)

#define WC_REBUILD_WATCHER_DEFAULT_DEBOUNCE_MS 50

WcRebuildWatcher *wc_rebuild_watcher_new          (const char        *root,
                                                   guint              debounce_ms);
const char       *wc_rebuild_watcher_get_root     (WcRebuildWatcher  *self);
guint             wc_rebuild_watcher_get_debounce (WcRebuildWatcher  *self);
gboolean          wc_rebuild_watcher_is_running   (WcRebuildWatcher  *self);
gboolean          wc_rebuild_watcher_start        (WcRebuildWatcher  *self,
                                                   GError           **error);
void              wc_rebuild_watcher_stop         (WcRebuildWatcher  *self);
guint             wc_rebuild_watcher_get_n_watched (WcRebuildWatcher *self);
/* directory names pruned in addition to .git, target, node_modules, build-wavecraft, hidden
 * directories and meson build dirs; takes effect at the next start */
void              wc_rebuild_watcher_add_prune    (WcRebuildWatcher  *self,
                                                   const char        *dirname);

G_END_DECLS

/*
 * Signals (emitted on the thread-default main context of the thread that called
 * wc_rebuild_watcher_new()):
 * "changed" (GStrv files): one debounced burst of changes to watched files
 *   (wc_project_is_watched_file()); paths relative to root, sorted, unique. A burst ends
 *   after debounce_ms without events and with no watched file still open for writing, or
 *   at the latest max(1 s, 20 × debounce_ms) after it began.
 * "ready": the initial scan finished and every directory is watched.
 * Nothing is emitted after wc_rebuild_watcher_stop() returns.
 */
