/* wc-project.h: a Wavecraft plugin project on disk: detection, engine kind and paths.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "wc-types.h"

G_BEGIN_DECLS

#define WC_TYPE_PROJECT (wc_project_get_type ())
G_DECLARE_FINAL_TYPE (WcProject, wc_project, WC, PROJECT, GObject)

#define WC_PROJECT_ERROR (wc_project_error_quark ())

/**
 * WcProjectError:
 * @WC_PROJECT_ERROR_NOT_A_PROJECT: no `engine/Cargo.toml` or `engine/meson.build`; the message
 *   starts with "Not a Wavecraft project: " and names the directory
 */
typedef enum {
  WC_PROJECT_ERROR_NOT_A_PROJECT,
} WcProjectError;

/**
 * WcEngineKind:
 * @WC_ENGINE_KIND_C: `engine/meson.build`
 * @WC_ENGINE_KIND_RUST: `engine/Cargo.toml`
 */
typedef enum {
  WC_ENGINE_KIND_C,
  WC_ENGINE_KIND_RUST,
} WcEngineKind;

GQuark        wc_project_error_quark       (void);
WcProject    *wc_project_open              (const char  *directory,
                                            GError     **error);
const char   *wc_project_get_root          (WcProject   *self);
const char   *wc_project_get_engine_dir    (WcProject   *self);
/* nullable: `ui/` when it has a package.json */
const char   *wc_project_get_ui_dir        (WcProject   *self);
WcEngineKind  wc_project_get_engine_kind   (WcProject   *self);
const char   *wc_project_get_name          (WcProject   *self);
/* where the engine is built: engine/build-wavecraft (C) or engine/target (Rust) */
const char   *wc_project_get_build_dir     (WcProject   *self);
/* stem of the plugin library: lib<stem>.so (Rust: [lib] name or package name with '-' → '_';
 * C: the meson project name, a guess the builder confirms from meson's introspection) */
const char   *wc_project_get_library_name  (WcProject   *self);
/* Rust: engine/Cargo.toml declares the `_param-discovery` feature */
gboolean      wc_project_has_param_discovery (WcProject *self);
/* Rust: engine/Cargo.toml has a [workspace] table */
gboolean      wc_project_is_workspace      (WcProject   *self);
/* watched engine sources (.c .h .rs Cargo.toml meson.build meson_options.txt ...), pruned;
 * absolute paths, sorted */
char        **wc_project_list_sources      (WcProject   *self);
/* @path relative to the project root when inside it ("engine/src/x.c"), else a copy */
char         *wc_project_relativize        (WcProject   *self,
                                            const char  *path);
gboolean      wc_project_is_ignored_name   (const char  *basename);
gboolean      wc_project_is_watched_file   (const char  *basename);
/* a directory inside the watched tree that is never descended into: hidden, .git, target,
 * node_modules, build-wavecraft, or a meson build dir (has meson-private/) */
gboolean      wc_project_is_pruned_dir     (const char  *path);

G_END_DECLS
