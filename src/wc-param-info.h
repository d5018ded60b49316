/* wc-param-info.h: ParameterInfo, the unit of parameter discovery (PROTOCOL.md §3).
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "wc-json.h"
#include "wc-types.h"

G_BEGIN_DECLS

#define WC_TYPE_PARAM_INFO (wc_param_info_get_type ())

#define WC_PARAM_INFO_ERROR (wc_param_info_error_quark ())

/**
 * WcParamInfoError:
 * @WC_PARAM_INFO_ERROR_PARSE: the text is not JSON, or not an array of objects
 * @WC_PARAM_INFO_ERROR_SCHEMA: a field is missing, mistyped or breaks a PROTOCOL.md §3 rule
 *   (empty or duplicate id, `min >= max`, default or value out of range, enum without
 *   variants, non-finite number)
 * @WC_PARAM_INFO_ERROR_UTF8: the text is not valid UTF-8
 */
typedef enum {
  WC_PARAM_INFO_ERROR_PARSE,
  WC_PARAM_INFO_ERROR_SCHEMA,
  WC_PARAM_INFO_ERROR_UTF8,
} WcParamInfoError;

/**
 * WcParamInfo:
 * @id: stable, unique, non-empty identifier
 * @name: display name
 * @type: float, bool or enum
 * @min: lower bound, plain units
 * @max: upper bound, plain units (`min < max`)
 * @default_value: default, plain units, in `[min, max]`
 * @value: current value, plain units, in `[min, max]`
 * @unit: (nullable): unit label such as `"dB"` or `"Hz"`; %NULL when absent
 * @group: (nullable): group label; %NULL when absent
 * @variants: (nullable) (array zero-terminated=1): enum variant labels; %NULL unless enum
 *
 * One parameter as described by PROTOCOL.md §3. Reference counted and immutable once
 * shared, except @value, which only #WcParamHost writes.
 */
struct _WcParamInfo
{
  /*< private >*/
  gatomicrefcount ref_count;
  /*< public >*/
  char        *id;
  char        *name;
  WcParamType  type;
  double       min;
  double       max;
  double       default_value;
  double       value;
  char        *unit;
  char        *group;
  char       **variants;
};

GType         wc_param_info_get_type        (void) G_GNUC_CONST;
GQuark        wc_param_info_error_quark     (void);
WcParamInfo  *wc_param_info_new             (const char         *id,
                                             const char         *name,
                                             WcParamType         type,
                                             double              min,
                                             double              max,
                                             double              default_value);
WcParamInfo  *wc_param_info_copy            (const WcParamInfo  *info);
WcParamInfo  *wc_param_info_ref             (WcParamInfo        *info);
void          wc_param_info_unref           (WcParamInfo        *info);
gboolean      wc_param_info_validate        (const WcParamInfo  *info,
                                             GError            **error);
WcParamInfo  *wc_param_info_from_json       (JsonNode           *node,
                                             GError            **error);
void          wc_param_info_to_json         (const WcParamInfo  *info,
                                             JsonBuilder        *builder);
GPtrArray    *wc_param_info_list_parse      (const char         *text,
                                             gssize              length,
                                             GError            **error);
char         *wc_param_info_list_serialize  (GPtrArray          *list);
const char   *wc_param_type_to_string       (WcParamType         type);
void          wc_param_info_append_json     (const WcParamInfo  *info,
                                             GString            *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcParamInfo, wc_param_info_unref)

G_END_DECLS
