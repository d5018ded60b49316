/* wc-json.h: JSON text helpers around json-glib (parse guard, shortest numbers, strings).
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * WC_JSON_MAX_DEPTH:
 *
 * How deeply arrays and objects may nest in text given to wc_json_parse().
 */
#define WC_JSON_MAX_DEPTH 128

JsonNode *wc_json_parse         (JsonParser  *parser,
                                 const char  *text,
                                 gsize        length,
                                 GError     **error);
void      wc_json_append_double (GString     *out,
                                 double       value);
void      wc_json_append_string (GString     *out,
                                 const char  *str);
gboolean  wc_json_node_get_number (JsonNode  *node,
                                   double    *value);
gboolean  wc_json_node_is_string  (JsonNode  *node);

G_END_DECLS
