/* wc-param-info.c: ParameterInfo parse, validation and serialisation (PROTOCOL.md §3).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-param-info"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "wc-param-info.h"

G_DEFINE_QUARK (wc-param-info-error-quark, wc_param_info_error)

G_DEFINE_BOXED_TYPE (WcParamInfo, wc_param_info, wc_param_info_ref, wc_param_info_unref)

/**
 * wc_param_type_to_string:
 * @type: a #WcParamType
 *
 * Returns: (transfer none): the wire name of @type: `"float"`, `"bool"` or `"enum"`
 *   (PROTOCOL.md §3)
 */
const char *
wc_param_type_to_string (WcParamType type)
{
  switch (type)
    {
    case WC_PARAM_TYPE_FLOAT:
      return "float";
    case WC_PARAM_TYPE_BOOL:
      return "bool";
    case WC_PARAM_TYPE_ENUM:
      return "enum";
    default:
      g_return_val_if_reached ("float");
    }
}

static gboolean
param_type_from_string (const char  *str,
                        WcParamType *type)
{
  if (g_strcmp0 (str, "float") == 0)
    *type = WC_PARAM_TYPE_FLOAT;
  else if (g_strcmp0 (str, "bool") == 0)
    *type = WC_PARAM_TYPE_BOOL;
  else if (g_strcmp0 (str, "enum") == 0)
    *type = WC_PARAM_TYPE_ENUM;
  else
    return FALSE;
  return TRUE;
}

/**
 * wc_param_info_new:
 * @id: stable, unique, non-empty identifier
 * @name: display name
 * @type: float, bool or enum
 * @min: lower bound, plain units (0 for bool and enum)
 * @max: upper bound, plain units (1 for bool, number of variants - 1 for enum)
 * @default_value: default, plain units
 *
 * Creates a parameter whose current value is @default_value, with no unit, group or
 * variants. Nothing is validated here: call wc_param_info_validate() once the optional
 * fields are filled in.
 *
 * Returns: (transfer full): a new #WcParamInfo
 */
WcParamInfo *
wc_param_info_new (const char  *id,
                   const char  *name,
                   WcParamType  type,
                   double       min,
                   double       max,
                   double       default_value)
{
  WcParamInfo *info;

  g_return_val_if_fail (id != NULL, NULL);

  info = g_new0 (WcParamInfo, 1);
  g_atomic_ref_count_init (&info->ref_count);
  info->id = g_strdup (id);
  info->name = g_strdup (name != NULL ? name : id);
  info->type = type;
  info->min = min;
  info->max = max;
  info->default_value = default_value;
  info->value = default_value;
  return info;
}

/**
 * wc_param_info_copy:
 * @info: a #WcParamInfo
 *
 * Deep copy, with its own reference count (so its @value may be written).
 *
 * Returns: (transfer full): a new #WcParamInfo equal to @info
 */
WcParamInfo *
wc_param_info_copy (const WcParamInfo *info)
{
  WcParamInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = wc_param_info_new (info->id, info->name, info->type,
                            info->min, info->max, info->default_value);
  copy->value = info->value;
  copy->unit = g_strdup (info->unit);
  copy->group = g_strdup (info->group);
  copy->variants = g_strdupv (info->variants);
  return copy;
}

/**
 * wc_param_info_ref:
 * @info: a #WcParamInfo
 *
 * Returns: (transfer full): @info with one more reference
 */
WcParamInfo *
wc_param_info_ref (WcParamInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);

  g_atomic_ref_count_inc (&info->ref_count);
  return info;
}

/**
 * wc_param_info_unref:
 * @info: (transfer full): a #WcParamInfo
 *
 * Drops one reference; frees @info when it was the last.
 */
void
wc_param_info_unref (WcParamInfo *info)
{
  g_return_if_fail (info != NULL);

  if (!g_atomic_ref_count_dec (&info->ref_count))
    return;

  g_free (info->id);
  g_free (info->name);
  g_free (info->unit);
  g_free (info->group);
  g_strfreev (info->variants);
  g_free (info);
}

static guint
n_variants (const WcParamInfo *info)
{
  return info->variants != NULL ? g_strv_length (info->variants) : 0;
}

/* What a parameter is called in messages: its id once known, else its array position. */
static char *
describe (const char *id,
          int         index)
{
  if (id != NULL && id[0] != '\0')
    return g_strdup_printf (_("Parameter '%s'"), id);
  if (index >= 0)
    return g_strdup_printf (_("Parameter %d"), index);
  return g_strdup (_("Parameter"));
}

static char *
fmt_num (double value)
{
  GString *out;

  if (isnan (value))
    return g_strdup ("NaN");
  if (isinf (value))
    return g_strdup (value > 0 ? "Infinity" : "-Infinity");
  out = g_string_new (NULL);
  wc_json_append_double (out, value);
  return g_string_free (out, FALSE);
}

static gboolean
is_integer (double value)
{
  return floor (value) == value;
}

static gboolean
validate (const WcParamInfo  *info,
          int                 index,
          GError            **error)
{
  g_autofree char *who = describe (info->id, index);
  g_autofree char *smin = fmt_num (info->min);
  g_autofree char *smax = fmt_num (info->max);
  struct { const char *field; double value; } numbers[] = {
    { "min", info->min },
    { "max", info->max },
    { "default", info->default_value },
    { "value", info->value },
  };
  guint n;

  if (info->id == NULL || info->id[0] == '\0')
    {
      g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                   _("%s: \"id\" is empty"), who);
      return FALSE;
    }
  if (info->name == NULL)
    {
      g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                   _("%s: missing \"name\""), who);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    if (!isfinite (numbers[i].value))
      {
        g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                     _("%s: \"%s\" is not a finite number"), who, numbers[i].field);
        return FALSE;
      }

  switch (info->type)
    {
    case WC_PARAM_TYPE_FLOAT:
      if (info->variants != NULL)
        {
          g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                       _("%s: \"variants\" is only allowed for type \"enum\""), who);
          return FALSE;
        }
      if (!(info->min < info->max))
        {
          g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                       _("%s: min %s is not less than max %s"), who, smin, smax);
          return FALSE;
        }
      break;

    case WC_PARAM_TYPE_BOOL:
      if (info->variants != NULL)
        {
          g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                       _("%s: \"variants\" is only allowed for type \"enum\""), who);
          return FALSE;
        }
      if (info->min != 0 || info->max != 1)
        {
          g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                       _("%s: a bool must have range [0, 1], not [%s, %s]"), who, smin, smax);
          return FALSE;
        }
      break;

    case WC_PARAM_TYPE_ENUM:
      n = n_variants (info);
      if (n == 0)
        {
          g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                       _("%s: an enum needs a non-empty \"variants\" array"), who);
          return FALSE;
        }
      if (n < 2)
        {
          g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                       _("%s: an enum needs at least 2 variants, got 1"), who);
          return FALSE;
        }
      if (info->min != 0 || info->max != n - 1)
        {
          g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                       _("%s: an enum with %u variants must have range [0, %u], not [%s, %s]"),
                       who, n, n - 1, smin, smax);
          return FALSE;
        }
      break;

    default:
      g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                   _("%s: unknown type %d"), who, (int) info->type);
      return FALSE;
    }

  for (guint i = 2; i < G_N_ELEMENTS (numbers); i++)
    {
      double v = numbers[i].value;

      if (v < info->min || v > info->max)
        {
          g_autofree char *sv = fmt_num (v);

          g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                       _("%s: %s %s is out of range [%s, %s]"),
                       who, numbers[i].field, sv, smin, smax);
          return FALSE;
        }
      if (info->type != WC_PARAM_TYPE_FLOAT && !is_integer (v))
        {
          g_autofree char *sv = fmt_num (v);

          if (info->type == WC_PARAM_TYPE_BOOL)
            g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                         _("%s: %s %s of a bool is not 0 or 1"), who, numbers[i].field, sv);
          else
            g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                         _("%s: %s %s of an enum is not a variant index"),
                         who, numbers[i].field, sv);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * wc_param_info_validate:
 * @info: a #WcParamInfo
 * @error: return location for a #GError
 *
 * Checks one parameter against PROTOCOL.md §3: non-empty id, finite numbers, `min < max`
 * for float, range `[0, 1]` for bool, `[0, n-1]` with at least 2 variants for enum, no
 * variants unless enum, `default` and `value` within `[min, max]` (and integers for bool
 * and enum). Uniqueness of ids is checked by wc_param_info_list_parse().
 *
 * Returns: %TRUE when valid; otherwise %FALSE with @error set to
 *   %WC_PARAM_INFO_ERROR_SCHEMA and a message naming the parameter, e.g.
 *   `Parameter 'gain': default 12 is out of range [-60, 6]`
 */
gboolean
wc_param_info_validate (const WcParamInfo  *info,
                        GError            **error)
{
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return validate (info, -1, error);
}

static const char *
node_kind (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("an array");
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          return _("a string");
        case G_TYPE_BOOLEAN:
          return _("a boolean");
        default:
          return _("a number");
        }
    }
}

/* Reads an optional string member; null and absent both mean NULL, "" means NULL too. */
static gboolean
get_opt_string (JsonObject  *object,
                const char  *member,
                const char  *who,
                char       **out,
                GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *str;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!wc_json_node_is_string (node))
    {
      g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                   _("%s: \"%s\" must be a string, not %s"), who, member, node_kind (node));
      return FALSE;
    }
  str = json_node_get_string (node);
  if (str[0] != '\0')
    *out = g_strdup (str);
  return TRUE;
}

/* Reads a number member; returns FALSE with error when present but not a number.
 * *present says whether it was there (null counts as absent). */
static gboolean
get_number (JsonObject  *object,
            const char  *member,
            const char  *who,
            double      *out,
            gboolean    *present,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *present = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!wc_json_node_get_number (node, out))
    {
      g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                   _("%s: \"%s\" must be a number, not %s"), who, member, node_kind (node));
      return FALSE;
    }
  *present = TRUE;
  return TRUE;
}

static WcParamInfo *
from_json (JsonNode  *node,
           int        index,
           GError   **error)
{
  g_autoptr(WcParamInfo) info = NULL;
  g_autofree char *who = describe (NULL, index);
  JsonObject *object;
  JsonNode *member;
  gboolean has_min, has_max, has_default, has_value;
  double min = 0, max = 0, def = 0, value = 0;
  WcParamType type = WC_PARAM_TYPE_FLOAT;
  const char *id;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_PARSE,
                   _("%s: expected an object, got %s"), who, node_kind (node));
      return NULL;
    }
  object = json_node_get_object (node);

  member = json_object_get_member (object, "id");
  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    {
      g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                   _("%s: missing \"id\""), who);
      return NULL;
    }
  if (!wc_json_node_is_string (member))
    {
      g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                   _("%s: \"id\" must be a string, not %s"), who, node_kind (member));
      return NULL;
    }
  id = json_node_get_string (member);
  if (id[0] == '\0')
    {
      g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                   _("%s: \"id\" is empty"), who);
      return NULL;
    }
  g_free (who);
  who = describe (id, index);

  member = json_object_get_member (object, "name");
  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    {
      g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                   _("%s: missing \"name\""), who);
      return NULL;
    }
  if (!wc_json_node_is_string (member))
    {
      g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                   _("%s: \"name\" must be a string, not %s"), who, node_kind (member));
      return NULL;
    }

  member = json_object_get_member (object, "type");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!wc_json_node_is_string (member))
        {
          g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                       _("%s: \"type\" must be a string, not %s"), who, node_kind (member));
          return NULL;
        }
      if (!param_type_from_string (json_node_get_string (member), &type))
        {
          g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                       _("%s: unknown type \"%s\" (expected \"float\", \"bool\" or \"enum\")"),
                       who, json_node_get_string (member));
          return NULL;
        }
    }

  info = wc_param_info_new (id, json_node_get_string (json_object_get_member (object, "name")),
                            type, 0, 0, 0);

  if (!get_opt_string (object, "unit", who, &info->unit, error) ||
      !get_opt_string (object, "group", who, &info->group, error))
    return NULL;

  member = json_object_get_member (object, "variants");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      JsonArray *array;
      guint n;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        {
          g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                       _("%s: \"variants\" must be an array of strings, not %s"),
                       who, node_kind (member));
          return NULL;
        }
      array = json_node_get_array (member);
      n = json_array_get_length (array);
      info->variants = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!wc_json_node_is_string (element))
            {
              g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                           _("%s: variant %u must be a string, not %s"),
                           who, i, node_kind (element));
              return NULL;
            }
          info->variants[i] = g_strdup (json_node_get_string (element));
        }
      /* `"variants": []` on a float or bool says nothing: treat it as absent. */
      if (n == 0 && type != WC_PARAM_TYPE_ENUM)
        g_clear_pointer (&info->variants, g_strfreev);
    }

  if (!get_number (object, "min", who, &min, &has_min, error) ||
      !get_number (object, "max", who, &max, &has_max, error) ||
      !get_number (object, "default", who, &def, &has_default, error) ||
      !get_number (object, "value", who, &value, &has_value, error))
    return NULL;

  /* bool and enum imply their range; float must state it. */
  if (!has_min || !has_max)
    {
      if (type == WC_PARAM_TYPE_FLOAT)
        {
          g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                       _("%s: missing \"%s\""), who, !has_min ? "min" : "max");
          return NULL;
        }
      if (!has_min)
        min = 0;
      if (!has_max)
        max = type == WC_PARAM_TYPE_BOOL ? 1 : MAX (1, (int) n_variants (info)) - 1;
    }
  if (!has_default)
    {
      g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                   _("%s: missing \"default\""), who);
      return NULL;
    }

  info->min = min;
  info->max = max;
  info->default_value = def;
  info->value = has_value ? value : def;

  if (!validate (info, index, error))
    return NULL;

  return g_steal_pointer (&info);
}

/**
 * wc_param_info_from_json:
 * @node: a JSON object node
 * @error: return location for a #GError
 *
 * Reads one ParameterInfo (PROTOCOL.md §3) and validates it with wc_param_info_validate().
 * An absent `type` means float, an absent `value` means `default`; for bool and enum an
 * absent `min`/`max` means their implied range. `unit`, `group` and `variants` may be
 * absent or `null`; an empty `unit` or `group` counts as absent. Unknown members are
 * ignored.
 *
 * Returns: (transfer full): the parameter, or %NULL with @error set to
 *   %WC_PARAM_INFO_ERROR_PARSE (not an object) or %WC_PARAM_INFO_ERROR_SCHEMA
 */
WcParamInfo *
wc_param_info_from_json (JsonNode  *node,
                         GError   **error)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return from_json (node, -1, error);
}

/**
 * wc_param_info_to_json:
 * @info: a #WcParamInfo
 * @builder: a #JsonBuilder where an object value may be added
 *
 * Adds @info as one normalised ParameterInfo object (all of `id`, `name`, `type`, `value`,
 * `default`, `min`, `max`; `unit`/`group` only when set; `variants` only for enum).
 * Integral numbers are added as integers, others as doubles. Note that #JsonGenerator writes
 * doubles with 17 digits; for wire output in shortest form use wc_param_info_append_json()
 * or wc_param_info_list_serialize().
 */
void
wc_param_info_to_json (const WcParamInfo *info,
                       JsonBuilder       *builder)
{
  struct { const char *name; double value; } numbers[] = {
    { "value", info->value },
    { "default", info->default_value },
    { "min", info->min },
    { "max", info->max },
  };

  g_return_if_fail (info != NULL);
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, info->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, info->name);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, wc_param_type_to_string (info->type));
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      double v = numbers[i].value;

      json_builder_set_member_name (builder, numbers[i].name);
      if (isfinite (v) && is_integer (v) && fabs (v) < 9007199254740992.0)
        json_builder_add_int_value (builder, (gint64) v);
      else
        json_builder_add_double_value (builder, v);
    }
  if (info->unit != NULL && info->unit[0] != '\0')
    {
      json_builder_set_member_name (builder, "unit");
      json_builder_add_string_value (builder, info->unit);
    }
  if (info->group != NULL && info->group[0] != '\0')
    {
      json_builder_set_member_name (builder, "group");
      json_builder_add_string_value (builder, info->group);
    }
  if (info->type == WC_PARAM_TYPE_ENUM)
    {
      json_builder_set_member_name (builder, "variants");
      json_builder_begin_array (builder);
      for (guint i = 0; info->variants != NULL && info->variants[i] != NULL; i++)
        json_builder_add_string_value (builder, info->variants[i]);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

/**
 * wc_param_info_append_json:
 * @info: a #WcParamInfo
 * @out: the string to append to
 *
 * Appends @info as one compact, normalised ParameterInfo object (PROTOCOL.md §3), members
 * in the order `id`, `name`, `type`, `value`, `default`, `min`, `max`, `unit`, `group`,
 * `variants`; `unit`/`group` omitted when %NULL or empty, `variants` only for enum; numbers
 * in shortest round-trip form (wc_json_append_double()).
 */
void
wc_param_info_append_json (const WcParamInfo *info,
                           GString           *out)
{
  g_return_if_fail (info != NULL);
  g_return_if_fail (out != NULL);

  g_string_append (out, "{\"id\":");
  wc_json_append_string (out, info->id);
  g_string_append (out, ",\"name\":");
  wc_json_append_string (out, info->name != NULL ? info->name : info->id);
  g_string_append (out, ",\"type\":\"");
  g_string_append (out, wc_param_type_to_string (info->type));
  g_string_append (out, "\",\"value\":");
  wc_json_append_double (out, info->value);
  g_string_append (out, ",\"default\":");
  wc_json_append_double (out, info->default_value);
  g_string_append (out, ",\"min\":");
  wc_json_append_double (out, info->min);
  g_string_append (out, ",\"max\":");
  wc_json_append_double (out, info->max);
  if (info->unit != NULL && info->unit[0] != '\0')
    {
      g_string_append (out, ",\"unit\":");
      wc_json_append_string (out, info->unit);
    }
  if (info->group != NULL && info->group[0] != '\0')
    {
      g_string_append (out, ",\"group\":");
      wc_json_append_string (out, info->group);
    }
  if (info->type == WC_PARAM_TYPE_ENUM)
    {
      g_string_append (out, ",\"variants\":[");
      for (guint i = 0; info->variants != NULL && info->variants[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          wc_json_append_string (out, info->variants[i]);
        }
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, '}');
}

/**
 * wc_param_info_list_parse:
 * @text: the JSON text of a ParameterInfo array
 * @length: length of @text in bytes, or -1 when NUL-terminated
 * @error: return location for a #GError
 *
 * Parses and validates a ParameterInfo array (PROTOCOL.md §3) as a plugin's
 * `wavecraft_get_params_json()` or a sidecar cache returns it. Every element is read with
 * wc_param_info_from_json(); ids must be unique. Messages name the parameter by id, or by
 * its 0-based position while the id is unknown (`Parameter 3: missing "id"`).
 *
 * Returns: (transfer full) (element-type WcParamInfo): the parameters in order, with
 *   wc_param_info_unref() as free function; or %NULL with @error set to
 *   %WC_PARAM_INFO_ERROR_UTF8 (`Text is not valid UTF-8 (invalid byte at offset N)`),
 *   %WC_PARAM_INFO_ERROR_PARSE (`Invalid JSON: …`, `Expected a JSON array of parameters,
 *   got …`, `Parameter N: expected an object, got …`) or %WC_PARAM_INFO_ERROR_SCHEMA
 *   (`Duplicate parameter id 'gain'` and the wc_param_info_validate() messages)
 */
GPtrArray *
wc_param_info_list_parse (const char  *text,
                          gssize       length,
                          GError     **error)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *end = NULL;
  JsonArray *array;
  guint n;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (text);

  if (!g_utf8_validate (text, length, &end))
    {
      g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_UTF8,
                   _("Text is not valid UTF-8 (invalid byte at offset %lu)"),
                   (unsigned long) (end - text));
      return NULL;
    }

  root = wc_json_parse (NULL, text, length, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_PARSE,
                   _("Invalid JSON: %s"), local_error->message);
      return NULL;
    }

  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_PARSE,
                   _("Expected a JSON array of parameters, got %s"),
                   root == NULL ? _("nothing") : node_kind (root));
      return NULL;
    }

  array = json_node_get_array (root);
  n = json_array_get_length (array);
  list = g_ptr_array_new_full (n, (GDestroyNotify) wc_param_info_unref);
  seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      WcParamInfo *info = from_json (json_array_get_element (array, i), (int) i, error);

      if (info == NULL)
        return NULL;
      g_ptr_array_add (list, info);
      if (!g_hash_table_add (seen, info->id))
        {
          g_set_error (error, WC_PARAM_INFO_ERROR, WC_PARAM_INFO_ERROR_SCHEMA,
                       _("Duplicate parameter id '%s'"), info->id);
          return NULL;
        }
    }

  return g_steal_pointer (&list);
}

/**
 * wc_param_info_list_serialize:
 * @list: (element-type WcParamInfo): parameters
 *
 * Writes @list as one compact JSON array of normalised ParameterInfo objects (see
 * wc_param_info_append_json()), without a trailing newline. The result reads back with
 * wc_param_info_list_parse() into equal parameters.
 *
 * Returns: (transfer full): the JSON text
 */
char *
wc_param_info_list_serialize (GPtrArray *list)
{
  GString *out;

  g_return_val_if_fail (list != NULL, NULL);

  out = g_string_sized_new (64 + list->len * 160);
  g_string_append_c (out, '[');
  for (guint i = 0; i < list->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      wc_param_info_append_json (g_ptr_array_index (list, i), out);
    }
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}
