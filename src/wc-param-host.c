/* wc-param-host.c: the parameter list and current values of one session.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_LOG_DOMAIN "wc-param-host"

#include <math.h>
#include <string.h>

#include "wc-param-host.h"

/*
 * The error messages below are the JSON-RPC error messages of PROTOCOL.md §4, byte for byte:
 * they are a wire contract read by programs, so they are not translated.
 */

struct _WcParamHost
{
  GObject     parent_instance;

  GPtrArray  *params;   /* (element-type WcParamInfo) (owned): own copies, in list order */
  GHashTable *by_id;    /* borrowed id -> borrowed WcParamInfo, from params */
  guint64     serial;
};

G_DEFINE_FINAL_TYPE (WcParamHost, wc_param_host, G_TYPE_OBJECT)

G_DEFINE_QUARK (wc-param-host-error-quark, wc_param_host_error)

enum {
  PARAMETER_CHANGED,
  PARAMETERS_REPLACED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
wc_param_host_finalize (GObject *object)
{
  WcParamHost *self = WC_PARAM_HOST (object);

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->params, g_ptr_array_unref);

  G_OBJECT_CLASS (wc_param_host_parent_class)->finalize (object);
}

static void
wc_param_host_class_init (WcParamHostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wc_param_host_finalize;

  /**
   * WcParamHost::parameter-changed:
   * @self: the host
   * @id: the parameter's id
   * @value: the new value, plain units
   *
   * A value changed, through wc_param_host_set_value() or by clamping in
   * wc_param_host_replace(). Never emitted when the value stays the same.
   */
  signals[PARAMETER_CHANGED] =
    g_signal_new ("parameter-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_DOUBLE);

  /**
   * WcParamHost::parameters-replaced:
   * @self: the host
   * @added: (array zero-terminated=1): ids new in the list, in new-list order
   * @removed: (array zero-terminated=1): ids no longer in the list, in old-list order
   * @changed: (array zero-terminated=1): kept ids whose metadata (name, type, range, default,
   *   unit, group, variants) differ, in new-list order
   *
   * The list was swapped by wc_param_host_replace(). Emitted once the new list is live; the
   * arrays are never %NULL (possibly empty).
   */
  signals[PARAMETERS_REPLACED] =
    g_signal_new ("parameters-replaced",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  G_TYPE_STRV | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRV | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRV | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
wc_param_host_init (WcParamHost *self)
{
  self->params = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_param_info_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->serial = 1;
}

/**
 * wc_param_host_new:
 *
 * Creates a host with no parameters. Fill it with wc_param_host_replace().
 *
 * Returns: (transfer full): a new #WcParamHost
 */
WcParamHost *
wc_param_host_new (void)
{
  return g_object_new (WC_TYPE_PARAM_HOST, NULL);
}

/**
 * wc_param_host_get_params:
 * @self: a #WcParamHost
 *
 * The current list, in the order given to wc_param_host_replace(). Each element's `value`
 * is the current value. The array is replaced (not modified) by wc_param_host_replace(), so
 * take a reference with g_ptr_array_ref() to keep it across one. Do not modify it.
 *
 * Returns: (transfer none) (element-type WcParamInfo): the parameters
 */
GPtrArray *
wc_param_host_get_params (WcParamHost *self)
{
  g_return_val_if_fail (WC_IS_PARAM_HOST (self), NULL);

  return self->params;
}

/**
 * wc_param_host_lookup:
 * @self: a #WcParamHost
 * @id: a parameter id
 *
 * Finds a parameter by id in O(1).
 *
 * Returns: (transfer none) (nullable): the parameter (its `value` is current), or %NULL
 */
const WcParamInfo *
wc_param_host_lookup (WcParamHost *self,
                      const char  *id)
{
  g_return_val_if_fail (WC_IS_PARAM_HOST (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->by_id, id);
}

/**
 * wc_param_host_get_n_params:
 * @self: a #WcParamHost
 *
 * Returns: the number of parameters
 */
guint
wc_param_host_get_n_params (WcParamHost *self)
{
  g_return_val_if_fail (WC_IS_PARAM_HOST (self), 0);

  return self->params->len;
}

/**
 * wc_param_host_get_serial:
 * @self: a #WcParamHost
 *
 * A counter that increases on every change of a value or of the list, so callers can cache
 * serialised forms of the list and know when they are stale. Starts at 1.
 *
 * Returns: the serial
 */
guint64
wc_param_host_get_serial (WcParamHost *self)
{
  g_return_val_if_fail (WC_IS_PARAM_HOST (self), 0);

  return self->serial;
}

/* The parameter @id, or %NULL with %WC_PARAM_HOST_ERROR_NOT_FOUND set. */
static WcParamInfo *
lookup_or_fail (WcParamHost  *self,
                const char   *id,
                GError      **error)
{
  WcParamInfo *info = g_hash_table_lookup (self->by_id, id);

  if (info == NULL)
    g_set_error (error, WC_PARAM_HOST_ERROR, WC_PARAM_HOST_ERROR_NOT_FOUND,
                 "Parameter not found: %s", id);
  return info;
}

/**
 * wc_param_host_get_value:
 * @self: a #WcParamHost
 * @id: a parameter id
 * @value: (out) (optional): the current value, plain units
 * @error: return location for a #GError
 *
 * Reads a current value.
 *
 * Returns: %TRUE on success; %FALSE with %WC_PARAM_HOST_ERROR_NOT_FOUND
 *   (`Parameter not found: <id>`) for an unknown id
 */
gboolean
wc_param_host_get_value (WcParamHost  *self,
                         const char   *id,
                         double       *value,
                         GError      **error)
{
  const WcParamInfo *info;

  g_return_val_if_fail (WC_IS_PARAM_HOST (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  info = lookup_or_fail (self, id, error);
  if (info == NULL)
    return FALSE;
  if (value != NULL)
    *value = info->value;
  return TRUE;
}

static void
set_out_of_range (GError            **error,
                  const WcParamInfo  *info,
                  double              value)
{
  g_autoptr(GString) msg = g_string_new (NULL);

  g_string_append_printf (msg, "Parameter '%s' value ", info->id);
  wc_json_append_double (msg, value);
  g_string_append (msg, " out of range [");
  wc_json_append_double (msg, info->min);
  g_string_append (msg, ", ");
  wc_json_append_double (msg, info->max);
  g_string_append_c (msg, ']');
  g_set_error_literal (error, WC_PARAM_HOST_ERROR, WC_PARAM_HOST_ERROR_OUT_OF_RANGE, msg->str);
}

/**
 * wc_param_host_set_value:
 * @self: a #WcParamHost
 * @id: a parameter id
 * @value: the new value, plain units (a bool takes 0 or 1, an enum a variant index)
 * @error: return location for a #GError
 *
 * Validates and stores a value (PROTOCOL.md §3–§4). Checks, in this order:
 * - @id exists, else %WC_PARAM_HOST_ERROR_NOT_FOUND `Parameter not found: <id>`;
 * - @value is finite, else %WC_PARAM_HOST_ERROR_INVALID_VALUE
 *   `Invalid params: value must be a finite number`;
 * - a bool gets exactly 0 or 1, else %WC_PARAM_HOST_ERROR_INVALID_VALUE
 *   `Invalid params: value of bool parameter '<id>' must be 0 or 1`;
 * - an enum gets an integer, else %WC_PARAM_HOST_ERROR_INVALID_VALUE
 *   `Invalid params: value of enum parameter '<id>' must be an integer variant index`;
 * - `min <= value <= max`, else %WC_PARAM_HOST_ERROR_OUT_OF_RANGE
 *   `Parameter '<id>' value <v> out of range [<min>, <max>]` (numbers in shortest
 *   round-trip form, see wc_json_append_double()).
 *
 * A `-0` is stored as `0`. When the stored value changes, the serial increases and
 * #WcParamHost::parameter-changed is emitted (before this returns); setting the current
 * value again succeeds silently.
 *
 * Returns: %TRUE when @value was accepted
 */
gboolean
wc_param_host_set_value (WcParamHost  *self,
                         const char   *id,
                         double        value,
                         GError      **error)
{
  WcParamInfo *info;

  g_return_val_if_fail (WC_IS_PARAM_HOST (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  info = lookup_or_fail (self, id, error);
  if (info == NULL)
    return FALSE;

  if (!isfinite (value))
    {
      g_set_error_literal (error, WC_PARAM_HOST_ERROR, WC_PARAM_HOST_ERROR_INVALID_VALUE,
                           "Invalid params: value must be a finite number");
      return FALSE;
    }

  if (value == 0.0)
    value = 0.0;   /* -0 -> 0 */

  switch (info->type)
    {
    case WC_PARAM_TYPE_BOOL:
      if (value != 0.0 && value != 1.0)
        {
          g_set_error (error, WC_PARAM_HOST_ERROR, WC_PARAM_HOST_ERROR_INVALID_VALUE,
                       "Invalid params: value of bool parameter '%s' must be 0 or 1", info->id);
          return FALSE;
        }
      break;

    case WC_PARAM_TYPE_ENUM:
      if (value != floor (value))
        {
          g_set_error (error, WC_PARAM_HOST_ERROR, WC_PARAM_HOST_ERROR_INVALID_VALUE,
                       "Invalid params: value of enum parameter '%s' must be an integer "
                       "variant index", info->id);
          return FALSE;
        }
      break;

    case WC_PARAM_TYPE_FLOAT:
    default:
      break;
    }

  if (value < info->min || value > info->max)
    {
      set_out_of_range (error, info, value);
      return FALSE;
    }

  if (value == info->value)
    return TRUE;

  info->value = value;
  self->serial++;
  g_signal_emit (self, signals[PARAMETER_CHANGED], 0, info->id, value);
  return TRUE;
}

static gboolean
str_equal0 (const char *a,
            const char *b)
{
  return g_strcmp0 (a, b) == 0;
}

static gboolean
strv_equal0 (char **a,
             char **b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strv_equal ((const char * const *) a, (const char * const *) b);
}

static gboolean
metadata_equal (const WcParamInfo *a,
                const WcParamInfo *b)
{
  return a->type == b->type
         && a->min == b->min
         && a->max == b->max
         && a->default_value == b->default_value
         && str_equal0 (a->name, b->name)
         && str_equal0 (a->unit, b->unit)
         && str_equal0 (a->group, b->group)
         && strv_equal0 (a->variants, b->variants);
}

/* Carries a kept value into the (possibly changed) range and type of @info. */
static double
clamp_into (const WcParamInfo *info,
            double             value)
{
  if (!isfinite (value))
    value = info->default_value;
  if (info->type != WC_PARAM_TYPE_FLOAT)
    value = round (value);
  value = CLAMP (value, info->min, info->max);
  if (value == 0.0)
    value = 0.0;
  return value;
}

/**
 * wc_param_host_replace:
 * @self: a #WcParamHost
 * @params: (element-type WcParamInfo) (transfer none): the new list, validated (unique
 *   ids, see wc_param_info_validate())
 *
 * Swaps in a new list (a hot reload), storing copies of @params:
 * - an id present before keeps its value, clamped into the new `[min, max]` (a bool or an
 *   enum is rounded to an integer first, so a bool stays 0/1 and an enum a valid index);
 * - a new id gets its default (the `value` in @params is ignored);
 * - the serial increases.
 *
 * Then emits #WcParamHost::parameters-replaced (added, removed, changed), then
 * #WcParamHost::parameter-changed for each kept id whose value was changed by clamping, in
 * new-list order. A later duplicate of an id in @params is skipped with a warning.
 */
void
wc_param_host_replace (WcParamHost *self,
                       GPtrArray   *params)
{
  g_autoptr(GPtrArray) old_params = NULL;
  g_autoptr(GHashTable) old_by_id = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GPtrArray) clamped = NULL;
  g_autoptr(GArray) clamped_values = NULL;

  g_return_if_fail (WC_IS_PARAM_HOST (self));
  g_return_if_fail (params != NULL);

  old_params = g_steal_pointer (&self->params);
  old_by_id = g_steal_pointer (&self->by_id);
  self->params = g_ptr_array_new_full (params->len, (GDestroyNotify) wc_param_info_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);

  added = g_ptr_array_new_with_free_func (g_free);
  removed = g_ptr_array_new_with_free_func (g_free);
  changed = g_ptr_array_new_with_free_func (g_free);
  clamped = g_ptr_array_new_with_free_func (g_free);
  clamped_values = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < params->len; i++)
    {
      const WcParamInfo *src = g_ptr_array_index (params, i);
      const WcParamInfo *old;
      WcParamInfo *info;

      if (src == NULL || src->id == NULL)
        {
          g_critical ("wc_param_host_replace: element %u is NULL or has no id", i);
          continue;
        }
      if (g_hash_table_contains (self->by_id, src->id))
        {
          g_warning ("Duplicate parameter id '%s' in the new list; keeping the first", src->id);
          continue;
        }

      info = wc_param_info_copy (src);
      old = g_hash_table_lookup (old_by_id, info->id);
      if (old == NULL)
        {
          info->value = clamp_into (info, info->default_value);
          g_ptr_array_add (added, g_strdup (info->id));
        }
      else
        {
          info->value = clamp_into (info, old->value);
          if (!metadata_equal (old, info))
            g_ptr_array_add (changed, g_strdup (info->id));
          if (info->value != old->value)
            {
              g_ptr_array_add (clamped, g_strdup (info->id));
              g_array_append_val (clamped_values, info->value);
            }
        }
      g_ptr_array_add (self->params, info);
      g_hash_table_insert (self->by_id, info->id, info);
    }

  for (guint i = 0; i < old_params->len; i++)
    {
      const WcParamInfo *old = g_ptr_array_index (old_params, i);

      if (!g_hash_table_contains (self->by_id, old->id))
        g_ptr_array_add (removed, g_strdup (old->id));
    }

  g_ptr_array_add (added, NULL);
  g_ptr_array_add (removed, NULL);
  g_ptr_array_add (changed, NULL);

  self->serial++;

  g_object_ref (self);
  g_signal_emit (self, signals[PARAMETERS_REPLACED], 0,
                 (char **) added->pdata, (char **) removed->pdata, (char **) changed->pdata);
  for (guint i = 0; i < clamped->len; i++)
    g_signal_emit (self, signals[PARAMETER_CHANGED], 0,
                   (const char *) g_ptr_array_index (clamped, i),
                   g_array_index (clamped_values, double, i));
  g_object_unref (self);
}
