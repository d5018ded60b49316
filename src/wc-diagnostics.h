/* wc-diagnostics.h: compiler diagnostics parsed from gcc/clang output and cargo's JSON
 * messages, for the `buildFinished` notification.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * WcDiagnostic:
 * @file: (nullable): path as the compiler printed it, relative to the project root when
 *   inside it; %NULL when the message names no file (a linker or tool error)
 * @line: 1-based line, 0 when unknown
 * @column: 1-based column, 0 when unknown
 * @severity: "error", "warning" or "note"
 * @message: the message text
 */
typedef struct
{
  char *file;
  guint line;
  guint column;
  char *severity;
  char *message;
} WcDiagnostic;

WcDiagnostic *wc_diagnostic_new              (const char   *file,
                                              guint         line,
                                              guint         column,
                                              const char   *severity,
                                              const char   *message);
WcDiagnostic *wc_diagnostic_copy             (const WcDiagnostic *diagnostic);
void          wc_diagnostic_free             (WcDiagnostic *diagnostic);

GPtrArray    *wc_diagnostics_parse_gcc       (const char   *output,
                                              const char   *work_dir,
                                              const char   *project_root);
WcDiagnostic *wc_diagnostics_parse_cargo_line (const char  *line,
                                              const char   *work_dir,
                                              const char   *project_root);
GPtrArray    *wc_diagnostics_parse_cargo     (const char   *output,
                                              const char   *work_dir,
                                              const char   *project_root);
char         *wc_diagnostics_cargo_rendered  (const char   *line);
JsonNode     *wc_diagnostics_to_json_node    (GPtrArray    *diagnostics);
char         *wc_diagnostics_to_json         (GPtrArray    *diagnostics);
char         *wc_diagnostics_strip_ansi      (const char   *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcDiagnostic, wc_diagnostic_free)

G_END_DECLS
