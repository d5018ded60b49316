/* wc-ui-dev-server.c
 *
 * Runs `npm install` when asked and `npm run dev -- --port=<ui-port> --strictPort` in ui/,
 * each in its own process group through WcChild, with VITE_WS_URL pointing at our server.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-ui-dev-server"

#include <glib/gi18n.h>

#include "wc-child.h"
#include "wc-ui-dev-server.h"

struct _WcUiDevServer
{
  GObject   parent_instance;
  char     *ui_dir;
  guint     ui_port;
  char     *ws_url;
  gboolean  install;
  WcChild  *child;        /* npm install, then npm run dev */
  gboolean  stopping;
};

G_DEFINE_FINAL_TYPE (WcUiDevServer, wc_ui_dev_server, G_TYPE_OBJECT)
G_DEFINE_QUARK (wc-ui-dev-server-error-quark, wc_ui_dev_server_error)

enum { OUTPUT_LINE, EXITED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
wc_ui_dev_server_dispose (GObject *object)
{
  WcUiDevServer *self = WC_UI_DEV_SERVER (object);

  wc_ui_dev_server_stop (self);
  g_clear_object (&self->child);
  G_OBJECT_CLASS (wc_ui_dev_server_parent_class)->dispose (object);
}

static void
wc_ui_dev_server_finalize (GObject *object)
{
  WcUiDevServer *self = WC_UI_DEV_SERVER (object);

  g_free (self->ui_dir);
  g_free (self->ws_url);
  G_OBJECT_CLASS (wc_ui_dev_server_parent_class)->finalize (object);
}

static void
wc_ui_dev_server_class_init (WcUiDevServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wc_ui_dev_server_dispose;
  object_class->finalize = wc_ui_dev_server_finalize;

  signals[OUTPUT_LINE] = g_signal_new ("output-line", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[EXITED] = g_signal_new ("exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
wc_ui_dev_server_init (WcUiDevServer *self)
{
}

/**
 * wc_ui_dev_server_new:
 * @ui_dir: the project's `ui/` directory (holds package.json)
 * @ui_port: TCP port the dev server must use (`--port=<ui_port> --strictPort`)
 * @ws_url: our JSON-RPC WebSocket URL, passed as `VITE_WS_URL`
 *
 * Returns: (transfer full): a new #WcUiDevServer, not started
 */
WcUiDevServer *
wc_ui_dev_server_new (const char *ui_dir,
                      guint       ui_port,
                      const char *ws_url)
{
  WcUiDevServer *self;

  g_return_val_if_fail (ui_dir != NULL, NULL);
  g_return_val_if_fail (ws_url != NULL, NULL);

  self = g_object_new (WC_TYPE_UI_DEV_SERVER, NULL);
  self->ui_dir = g_strdup (ui_dir);
  self->ui_port = ui_port;
  self->ws_url = g_strdup (ws_url);
  return self;
}

/**
 * wc_ui_dev_server_needs_install:
 * @self: a #WcUiDevServer
 *
 * Returns: %TRUE when `ui/node_modules` is missing
 */
gboolean
wc_ui_dev_server_needs_install (WcUiDevServer *self)
{
  g_autofree char *modules = NULL;

  g_return_val_if_fail (WC_IS_UI_DEV_SERVER (self), FALSE);
  modules = g_build_filename (self->ui_dir, "node_modules", NULL);
  return !g_file_test (modules, G_FILE_TEST_IS_DIR);
}

/**
 * wc_ui_dev_server_set_install:
 * @self: a #WcUiDevServer
 * @install: whether to run `npm install` when `node_modules` is missing
 */
void
wc_ui_dev_server_set_install (WcUiDevServer *self,
                              gboolean       install)
{
  g_return_if_fail (WC_IS_UI_DEV_SERVER (self));
  self->install = install;
}

static void
on_child_line (WcChild    *child,
               int         stream,
               const char *line,
               gpointer    user_data)
{
  g_signal_emit (user_data, signals[OUTPUT_LINE], 0, line);
}

static WcChild *
make_child (WcUiDevServer      *self,
            const char * const *argv)
{
  g_autofree char *port = g_strdup_printf ("%u", self->ui_port);
  WcChild *child = wc_child_new (argv, WC_CHILD_FLAGS_LINES);

  wc_child_set_cwd (child, self->ui_dir);
  wc_child_setenv (child, "VITE_WS_URL", self->ws_url);
  wc_child_setenv (child, "WAVECRAFT_WS_URL", self->ws_url);
  wc_child_setenv (child, "WAVECRAFT_UI_PORT", port);
  wc_child_setenv (child, "BROWSER", "none");
  wc_child_set_timeout (child, 0);
  g_signal_connect_object (child, "line", G_CALLBACK (on_child_line), self, 0);
  return child;
}

static void
on_dev_exited (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(WcUiDevServer) self = user_data;
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) exited = NULL;

  res = wc_child_wait_finish (WC_CHILD (source), result, &error);
  if (self->stopping || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Reaped after wc_ui_dev_server_stop(): the group is gone. */
      g_signal_emit (self, signals[EXITED], 0, NULL);
      return;
    }

  if (res == NULL)
    exited = g_error_new (WC_UI_DEV_SERVER_ERROR, WC_UI_DEV_SERVER_ERROR_EXITED,
                          _("The UI dev server stopped: %s"), error->message);
  else if (res->exited)
    exited = g_error_new (WC_UI_DEV_SERVER_ERROR, WC_UI_DEV_SERVER_ERROR_EXITED,
                          _("The UI dev server (npm run dev) exited with status %d"),
                          res->exit_status);
  else
    {
      g_autofree char *name = wc_signal_name (res->term_signal);
      exited = g_error_new (WC_UI_DEV_SERVER_ERROR, WC_UI_DEV_SERVER_ERROR_EXITED,
                            _("The UI dev server (npm run dev) was killed by %s"), name);
    }
  g_signal_emit (self, signals[EXITED], 0, exited);
}

static gboolean
spawn_dev (WcUiDevServer  *self,
           GError        **error)
{
  g_autofree char *port_arg = g_strdup_printf ("--port=%u", self->ui_port);
  const char *argv[] = { "npm", "run", "dev", "--", port_arg, "--strictPort", NULL };

  g_clear_object (&self->child);
  self->child = make_child (self, argv);
  if (!wc_child_spawn (self->child, error))
    return FALSE;
  g_debug ("npm run dev started, pid %d", (int) wc_child_get_pid (self->child));
  wc_child_wait_async (self->child, NULL, on_dev_exited, g_object_ref (self));
  return TRUE;
}

static void
on_install_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WcUiDevServer *self = g_task_get_source_object (task);
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;

  res = wc_child_wait_finish (WC_CHILD (source), result, &error);
  if (res == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!res->exited || res->exit_status != 0)
    {
      g_task_return_new_error (task, WC_UI_DEV_SERVER_ERROR,
                               WC_UI_DEV_SERVER_ERROR_INSTALL_FAILED,
                               _("“npm install” failed in %s"), self->ui_dir);
      return;
    }
  if (self->stopping)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Stopped"));
      return;
    }
  if (!spawn_dev (self, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * wc_ui_dev_server_start_async:
 * @self: a #WcUiDevServer
 * @cancellable: (nullable): cancels `npm install`
 * @callback: called once the dev server process runs
 * @user_data: data for @callback
 *
 * Installs dependencies first when `node_modules` is missing and installing was allowed
 * with wc_ui_dev_server_set_install(), then starts `npm run dev -- --port=<ui_port>
 * --strictPort` in its own process group with `VITE_WS_URL` set. When the dev server later
 * exits on its own, #WcUiDevServer::exited is emitted.
 */
void
wc_ui_dev_server_start_async (WcUiDevServer       *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *npm = NULL;

  g_return_if_fail (WC_IS_UI_DEV_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_ui_dev_server_start_async);

  npm = g_find_program_in_path ("npm");
  if (npm == NULL)
    {
      g_task_return_new_error (task, WC_UI_DEV_SERVER_ERROR, WC_UI_DEV_SERVER_ERROR_NPM_MISSING,
                               _("npm is not installed, so the UI in %s cannot run"),
                               self->ui_dir);
      return;
    }

  if (wc_ui_dev_server_needs_install (self))
    {
      const char *argv[] = { "npm", "install", "--no-audit", "--no-fund", NULL };

      if (!self->install)
        {
          g_task_return_new_error (task, WC_UI_DEV_SERVER_ERROR,
                                   WC_UI_DEV_SERVER_ERROR_NOT_INSTALLED,
                                   _("UI dependencies are not installed (%s/node_modules is missing)"),
                                   self->ui_dir);
          return;
        }
      g_clear_object (&self->child);
      self->child = make_child (self, argv);
      if (!wc_child_spawn (self->child, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      wc_child_wait_async (self->child, cancellable, on_install_done, g_steal_pointer (&task));
      return;
    }

  if (!spawn_dev (self, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * wc_ui_dev_server_start_finish:
 * @self: a #WcUiDevServer
 * @result: the result given to the callback
 * @error: set to a #WcUiDevServerError, a #WcChildError or %G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE when the dev server process is running
 */
gboolean
wc_ui_dev_server_start_finish (WcUiDevServer  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * wc_ui_dev_server_get_pid:
 * @self: a #WcUiDevServer
 *
 * Returns: the pid (and process group id) of the running npm child, or 0
 */
GPid
wc_ui_dev_server_get_pid (WcUiDevServer *self)
{
  g_return_val_if_fail (WC_IS_UI_DEV_SERVER (self), 0);
  return self->child != NULL ? wc_child_get_pid (self->child) : 0;
}

/**
 * wc_ui_dev_server_stop:
 * @self: a #WcUiDevServer
 *
 * Kills the whole process group of npm and its children (Vite, esbuild): SIGTERM, then
 * SIGKILL after a grace period. #WcUiDevServer::exited is not emitted for this.
 */
void
wc_ui_dev_server_stop (WcUiDevServer *self)
{
  g_return_if_fail (WC_IS_UI_DEV_SERVER (self));
  self->stopping = TRUE;
  if (self->child != NULL)
    wc_child_kill_group (self->child);
}

/**
 * wc_ui_dev_server_dup_url:
 * @self: a #WcUiDevServer
 *
 * Returns: (transfer full): `http://localhost:<ui_port>/`
 */
char *
wc_ui_dev_server_dup_url (WcUiDevServer *self)
{
  g_return_val_if_fail (WC_IS_UI_DEV_SERVER (self), NULL);
  return g_strdup_printf ("http://localhost:%u/", self->ui_port);
}
