/* test-rpc-methods.c: every method of PROTOCOL.md §4 through wc_jsonrpc_handle().
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "wc-rpc-methods.h"
#include "wc-test-util.h"

typedef struct
{
  WcJsonRpc     *rpc;
  WcParamHost   *host;
  WcMeterSource *meters;
  GPtrArray     *changes;    /* "id=value" of parameter-changed */
  GPtrArray     *frames;     /* "client:json" of meter frames */
  int            client_a;   /* addresses used as connections */
  int            client_b;
} Fixture;

static const char * const waves[] = { "Sine", "Square", "Saw \"x\"", NULL };

static GPtrArray *
standard_list (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_param_info_unref);
  WcParamInfo *info;

  info = wc_param_info_new ("gain", "Gain", WC_PARAM_TYPE_FLOAT, -60, 12, 0);
  info->unit = g_strdup ("dB");
  info->group = g_strdup ("Output");
  g_ptr_array_add (list, info);
  g_ptr_array_add (list, wc_param_info_new ("bypass", "Bypass", WC_PARAM_TYPE_BOOL, 0, 1, 0));
  info = wc_param_info_new ("wave", "Wave", WC_PARAM_TYPE_ENUM, 0, 2, 1);
  info->variants = g_strdupv ((char **) waves);
  g_ptr_array_add (list, info);
  g_ptr_array_add (list, wc_param_info_new ("mix", "Mix", WC_PARAM_TYPE_FLOAT, 0, 1, 0.7));
  return list;
}

static void
on_changed (WcParamHost *host,
            const char  *id,
            double       value,
            gpointer     user_data)
{
  Fixture *f = user_data;
  g_autoptr(GString) s = g_string_new (id);

  g_string_append_c (s, '=');
  wc_json_append_double (s, value);
  g_ptr_array_add (f->changes, g_string_free (g_steal_pointer (&s), FALSE));
}

static void
on_frame (WcMeterSource *meters,
          gpointer       client,
          gconstpointer  frame,
          gpointer       user_data)
{
  Fixture *f = user_data;
  g_autoptr(GString) s = g_string_new (client == NULL ? "synthetic:"
                                       : client == &f->client_a ? "a:" : "other:");

  wc_meter_frame_append_json (frame, s);
  g_ptr_array_add (f->frames, g_string_free (g_steal_pointer (&s), FALSE));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) list = standard_list ();

  f->rpc = wc_jsonrpc_new ();
  f->host = wc_param_host_new ();
  f->meters = wc_meter_source_new ();
  f->changes = g_ptr_array_new_with_free_func (g_free);
  f->frames = g_ptr_array_new_with_free_func (g_free);
  wc_param_host_replace (f->host, list);
  wc_rpc_methods_install (f->rpc, f->host, f->meters);
  g_signal_connect (f->host, "parameter-changed", G_CALLBACK (on_changed), f);
  g_signal_connect (f->meters, "frame", G_CALLBACK (on_frame), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* The dispatcher holds the host and the meters. */
  g_object_unref (f->host);
  g_object_unref (f->meters);
  g_assert_finalize_object (f->rpc);
  g_ptr_array_unref (f->changes);
  g_ptr_array_unref (f->frames);
}

static char *
call_from (Fixture    *f,
           gpointer    client,
           const char *method,
           const char *params)
{
  g_autofree char *req = wc_test_jsonrpc_request (1, method, params);

  return wc_jsonrpc_handle (f->rpc, client, req, strlen (req));
}

/* @client: the connection the request comes from (NULL: none). */
static void
assert_result_from (Fixture    *f,
                    gpointer    client,
                    const char *method,
                    const char *params,
                    const char *result)
{
  g_autofree char *reply = call_from (f, client, method, params);
  g_autofree char *want = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":%s}", result);

  g_test_message ("%s %s", method, params != NULL ? params : "");
  g_assert_cmpstr (reply, ==, want);
}

static void
assert_error_from (Fixture    *f,
                   gpointer    client,
                   const char *method,
                   const char *params,
                   int         code,
                   const char *message)
{
  g_autofree char *reply = call_from (f, client, method, params);
  g_autoptr(GString) want = g_string_new (NULL);

  g_string_append_printf (want, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":%d,\"message\":",
                          code);
  wc_json_append_string (want, message);
  g_string_append (want, "}}");
  g_test_message ("%s %s", method, params != NULL ? params : "");
  g_assert_cmpstr (reply, ==, want->str);
}

/* From client_b, a connection that never registers audio. */
static void
assert_result (Fixture    *f,
               const char *method,
               const char *params,
               const char *result)
{
  assert_result_from (f, &f->client_b, method, params, result);
}

static void
assert_error (Fixture    *f,
              const char *method,
              const char *params,
              int         code,
              const char *message)
{
  assert_error_from (f, &f->client_b, method, params, code, message);
}

static void
assert_changes (Fixture    *f,
                const char *expected)
{
  g_autofree char *got = NULL;

  g_ptr_array_add (f->changes, NULL);
  got = g_strjoinv (" ", (char **) f->changes->pdata);
  g_assert_cmpstr (got, ==, expected);
  g_ptr_array_set_size (f->changes, 0);
}

#define ALL_PARAMS(gain, bypass, wave, mix) \
  "{\"parameters\":[" \
  "{\"id\":\"gain\",\"name\":\"Gain\",\"type\":\"float\",\"value\":" gain ",\"default\":0," \
  "\"min\":-60,\"max\":12,\"unit\":\"dB\",\"group\":\"Output\"}," \
  "{\"id\":\"bypass\",\"name\":\"Bypass\",\"type\":\"bool\",\"value\":" bypass ",\"default\":0," \
  "\"min\":0,\"max\":1}," \
  "{\"id\":\"wave\",\"name\":\"Wave\",\"type\":\"enum\",\"value\":" wave ",\"default\":1," \
  "\"min\":0,\"max\":2,\"variants\":[\"Sine\",\"Square\",\"Saw \\\"x\\\"\"]}," \
  "{\"id\":\"mix\",\"name\":\"Mix\",\"type\":\"float\",\"value\":" mix ",\"default\":0.7," \
  "\"min\":0,\"max\":1}]}"

static void
test_get_all_parameters (Fixture       *f,
                         gconstpointer  data)
{
  assert_result (f, "getAllParameters", NULL, ALL_PARAMS ("0", "0", "1", "0.7"));
  /* Params are ignored. */
  assert_result (f, "getAllParameters", "{}", ALL_PARAMS ("0", "0", "1", "0.7"));

  /* The cached text follows every change. */
  g_assert_true (wc_param_host_set_value (f->host, "gain", -6.5, NULL));
  assert_result (f, "getAllParameters", NULL, ALL_PARAMS ("-6.5", "0", "1", "0.7"));
  assert_result (f, "setParameter", "{\"id\":\"mix\",\"value\":0.1}", "{}");
  assert_result (f, "getAllParameters", NULL, ALL_PARAMS ("-6.5", "0", "1", "0.1"));

  /* And a replaced list. */
  {
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_param_info_unref);

    g_ptr_array_add (list, wc_param_info_new ("q", NULL, WC_PARAM_TYPE_FLOAT, 0.1, 10, 0.707));
    wc_param_host_replace (f->host, list);
    assert_result (f, "getAllParameters", NULL,
                   "{\"parameters\":[{\"id\":\"q\",\"name\":\"q\",\"type\":\"float\",\"value\":0.707,"
                   "\"default\":0.707,\"min\":0.1,\"max\":10}]}");
    g_ptr_array_set_size (list, 0);
    wc_param_host_replace (f->host, list);
    assert_result (f, "getAllParameters", NULL, "{\"parameters\":[]}");
  }
}

static void
test_get_parameter (Fixture       *f,
                    gconstpointer  data)
{
  assert_result (f, "getParameter", "{\"id\":\"gain\"}", "{\"id\":\"gain\",\"value\":0}");
  assert_result (f, "getParameter", "{\"id\":\"mix\"}", "{\"id\":\"mix\",\"value\":0.7}");
  assert_result (f, "getParameter", "{\"id\":\"wave\",\"extra\":true}",
                 "{\"id\":\"wave\",\"value\":1}");

  assert_error (f, "getParameter", NULL, -32602, "Invalid params: missing params");
  assert_error (f, "getParameter", "[\"gain\"]", -32602, "Invalid params: expected an object");
  assert_error (f, "getParameter", "{}", -32602, "Invalid params: missing id");
  assert_error (f, "getParameter", "{\"id\":5}", -32602, "Invalid params: id must be a string");
  assert_error (f, "getParameter", "{\"id\":null}", -32602, "Invalid params: id must be a string");
  assert_error (f, "getParameter", "{\"id\":\"nope\"}", -32000, "Parameter not found: nope");
  assert_error (f, "getParameter", "{\"id\":\"a\\\"b\"}", -32000, "Parameter not found: a\"b");
}

static void
test_set_parameter (Fixture       *f,
                    gconstpointer  data)
{
  assert_result (f, "setParameter", "{\"id\":\"gain\",\"value\":-6}", "{}");
  assert_changes (f, "gain=-6");
  assert_result (f, "getParameter", "{\"id\":\"gain\"}", "{\"id\":\"gain\",\"value\":-6}");

  /* The same value again: accepted, nothing changes. */
  assert_result (f, "setParameter", "{\"id\":\"gain\",\"value\":-6.0}", "{}");
  assert_changes (f, "");

  /* Bools take 0/1 and true/false; enums an index. */
  assert_result (f, "setParameter", "{\"id\":\"bypass\",\"value\":true}", "{}");
  assert_result (f, "setParameter", "{\"id\":\"bypass\",\"value\":false}", "{}");
  assert_result (f, "setParameter", "{\"id\":\"bypass\",\"value\":1}", "{}");
  assert_result (f, "setParameter", "{\"id\":\"wave\",\"value\":2}", "{}");
  assert_result (f, "setParameter", "{\"id\":\"mix\",\"value\":0.25}", "{}");
  assert_changes (f, "bypass=1 bypass=0 bypass=1 wave=2 mix=0.25");
  assert_result (f, "getParameter", "{\"id\":\"bypass\"}", "{\"id\":\"bypass\",\"value\":1}");

  /* Params errors. */
  assert_error (f, "setParameter", NULL, -32602, "Invalid params: missing params");
  assert_error (f, "setParameter", "[\"gain\",1]", -32602, "Invalid params: expected an object");
  assert_error (f, "setParameter", "{\"value\":1}", -32602, "Invalid params: missing id");
  assert_error (f, "setParameter", "{\"id\":1,\"value\":1}", -32602,
                "Invalid params: id must be a string");
  assert_error (f, "setParameter", "{\"id\":\"gain\"}", -32602, "Invalid params: missing value");
  assert_error (f, "setParameter", "{\"id\":\"gain\",\"value\":\"1\"}", -32602,
                "Invalid params: value must be a number");
  assert_error (f, "setParameter", "{\"id\":\"gain\",\"value\":null}", -32602,
                "Invalid params: value must be a number");
  assert_error (f, "setParameter", "{\"id\":\"gain\",\"value\":[1]}", -32602,
                "Invalid params: value must be a number");
  assert_error (f, "setParameter", "{\"id\":\"gain\",\"value\":true}", -32602,
                "Invalid params: value must be a number");
  assert_error (f, "setParameter", "{\"id\":\"gain\",\"value\":1e999}", -32602,
                "Invalid params: value must be a finite number");
  assert_error (f, "setParameter", "{\"id\":\"gain\",\"value\":-1e999}", -32602,
                "Invalid params: value must be a finite number");

  /* Host errors. */
  assert_error (f, "setParameter", "{\"id\":\"nope\",\"value\":1}", -32000,
                "Parameter not found: nope");
  assert_error (f, "setParameter", "{\"id\":\"nope\",\"value\":true}", -32000,
                "Parameter not found: nope");
  assert_error (f, "setParameter", "{\"id\":\"gain\",\"value\":12.5}", -32001,
                "Parameter 'gain' value 12.5 out of range [-60, 12]");
  assert_error (f, "setParameter", "{\"id\":\"gain\",\"value\":99999999999999999999}", -32001,
                "Parameter 'gain' value 1e+20 out of range [-60, 12]");
  assert_error (f, "setParameter", "{\"id\":\"mix\",\"value\":1.0000000000000002}", -32001,
                "Parameter 'mix' value 1.0000000000000002 out of range [0, 1]");
  assert_error (f, "setParameter", "{\"id\":\"wave\",\"value\":3}", -32001,
                "Parameter 'wave' value 3 out of range [0, 2]");
  assert_error (f, "setParameter", "{\"id\":\"wave\",\"value\":0.5}", -32602,
                "Invalid params: value of enum parameter 'wave' must be an integer variant index");
  assert_error (f, "setParameter", "{\"id\":\"bypass\",\"value\":0.5}", -32602,
                "Invalid params: value of bool parameter 'bypass' must be 0 or 1");
  assert_changes (f, "");

  /* As a notification it still sets, silently. */
  {
    const char *req = "{\"jsonrpc\":\"2.0\",\"method\":\"setParameter\","
                      "\"params\":{\"id\":\"gain\",\"value\":3}}";

    g_assert_null (wc_jsonrpc_handle (f->rpc, NULL, req, strlen (req)));
    assert_changes (f, "gain=3");
  }
}

static void
test_meter_frame (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *reply = call_from (f, NULL, "getMeterFrame", NULL);
  g_autoptr(JsonNode) node = wc_jsonrpc_parse (reply, strlen (reply));
  JsonObject *frame;
  const char *keys[] = { "peak_l", "peak_r", "rms_l", "rms_r" };
  GList *members;

  /* Synthetic while no audio source is registered. */
  g_assert_nonnull (node);
  frame = json_object_get_object_member (json_object_get_object_member (
      json_node_get_object (node), "result"), "frame");
  g_assert_nonnull (frame);
  members = json_object_get_members (frame);
  g_assert_cmpuint (g_list_length (members), ==, 5);
  g_list_free (members);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      double v = json_object_get_double_member (frame, keys[i]);

      g_assert_cmpfloat (v, >, 0);
      g_assert_cmpfloat (v, <=, 1);
    }
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (frame, "timestamp")), ==,
                   G_TYPE_INT64);

  assert_result (f, "getOscilloscopeFrame", NULL, "{\"frame\":null}");
}

static void
test_audio (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *reply = NULL;
  const char *update = "{\"jsonrpc\":\"2.0\",\"method\":\"meterUpdate\",\"params\":"
                       "{\"timestamp_us\":1000,\"left_peak\":0.5,\"left_rms\":0.25,"
                       "\"right_peak\":0.4,\"right_rms\":0.2}}";
  const char *frame_json = "{\"peak_l\":0.5,\"peak_r\":0.4,\"rms_l\":0.25,\"rms_r\":0.2,"
                           "\"timestamp\":1000}";

  reply = call_from (f, NULL, "getAudioStatus", NULL);
  g_assert_true (g_str_has_prefix (reply, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
                                   "{\"status\":{\"phase\":\"disabled\",\"updated_at_ms\":"));
  g_assert_true (g_str_has_suffix (reply, "}}}"));
  g_clear_pointer (&reply, g_free);

  /* meterUpdate from a connection that did not register: ignored. */
  g_assert_null (wc_jsonrpc_handle (f->rpc, &f->client_a, update, strlen (update)));
  g_assert_cmpuint (f->frames->len, ==, 0);

  /* registerAudio errors. */
  assert_error (f, "registerAudio", NULL, -32602, "Invalid params: missing params");
  assert_error (f, "registerAudio", "{\"sample_rate\":48000,\"buffer_size\":512}", -32602,
                "Invalid params: missing client_id");
  assert_error (f, "registerAudio", "{\"client_id\":7,\"sample_rate\":48000,\"buffer_size\":512}",
                -32602, "Invalid params: client_id must be a string");
  assert_error (f, "registerAudio", "{\"client_id\":\"x\",\"buffer_size\":512}", -32602,
                "Invalid params: missing sample_rate");
  assert_error (f, "registerAudio", "{\"client_id\":\"x\",\"sample_rate\":0,\"buffer_size\":512}",
                -32602, "Invalid params: sample_rate must be a positive number");
  assert_error (f, "registerAudio", "{\"client_id\":\"x\",\"sample_rate\":\"48k\",\"buffer_size\":512}",
                -32602, "Invalid params: sample_rate must be a positive number");
  assert_error (f, "registerAudio", "{\"client_id\":\"x\",\"sample_rate\":48000}", -32602,
                "Invalid params: missing buffer_size");
  assert_error (f, "registerAudio", "{\"client_id\":\"x\",\"sample_rate\":48000,\"buffer_size\":0}",
                -32602, "Invalid params: buffer_size must be a positive integer");
  assert_error (f, "registerAudio", "{\"client_id\":\"x\",\"sample_rate\":48000,\"buffer_size\":1.5}",
                -32602, "Invalid params: buffer_size must be a positive integer");
  g_assert_false (wc_meter_source_has_audio_source (f->meters));

  /* Without a connection there is nothing to register. */
  assert_error_from (f, NULL, "registerAudio",
                     "{\"client_id\":\"x\",\"sample_rate\":48000,\"buffer_size\":512}",
                     -32603, "Internal error");

  /* Register connection a. */
  assert_result_from (f, &f->client_a, "registerAudio",
                      "{\"client_id\":\"dev-audio\",\"sample_rate\":44100.0,\"buffer_size\":256}",
                      "{\"status\":\"registered\"}");
  g_assert_true (wc_meter_source_is_audio_client (f->meters, &f->client_a));

  reply = call_from (f, NULL, "getAudioStatus", NULL);
  g_assert_true (g_str_has_prefix (reply, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
                                   "{\"status\":{\"phase\":\"runningFullDuplex\","
                                   "\"sample_rate\":44100,\"buffer_size\":256,\"updated_at_ms\":"));
  g_clear_pointer (&reply, g_free);

  /* No frame yet. */
  assert_result (f, "getMeterFrame", NULL, "{\"frame\":null}");

  /* Its meterUpdate notifications are re-emitted with it as the sender and served. */
  g_assert_null (wc_jsonrpc_handle (f->rpc, &f->client_a, update, strlen (update)));
  g_assert_cmpuint (f->frames->len, ==, 1);
  {
    g_autofree char *want = g_strconcat ("a:", frame_json, NULL);

    g_assert_cmpstr (g_ptr_array_index (f->frames, 0), ==, want);
  }
  {
    g_autofree char *want = g_strdup_printf ("{\"frame\":%s}", frame_json);

    assert_result (f, "getMeterFrame", NULL, want);
  }

  /* Another connection's meterUpdate is still ignored. */
  g_assert_null (wc_jsonrpc_handle (f->rpc, &f->client_b, update, strlen (update)));
  g_assert_cmpuint (f->frames->len, ==, 1);

  /* As a request: {} on success, -32602 for bad params. */
  assert_result_from (f, &f->client_a, "meterUpdate",
                      "{\"timestamp_us\":2000,\"left_peak\":0.5,\"left_rms\":0.25,"
                      "\"right_peak\":0.4,\"right_rms\":0.2}", "{}");
  g_assert_cmpuint (f->frames->len, ==, 2);
  assert_error_from (f, &f->client_a, "meterUpdate", "{\"timestamp_us\":2000}", -32602,
                     "Invalid params: missing left_peak");
  g_assert_cmpuint (f->frames->len, ==, 2);

  /* The connection closes: back to synthetic meters. */
  wc_meter_source_unregister_client (f->meters, &f->client_a);
  reply = call_from (f, NULL, "getAudioStatus", NULL);
  g_assert_true (g_str_has_prefix (reply, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
                                   "{\"status\":{\"phase\":\"disabled\","));
  g_clear_pointer (&reply, g_free);
  reply = call_from (f, NULL, "getMeterFrame", NULL);
  g_assert_null (strstr (reply, "null"));
}

static void
test_misc (Fixture       *f,
           gconstpointer  data)
{
  assert_result (f, "ping", NULL, "{\"pong\":true}");
  assert_result (f, "ping", "{}", "{\"pong\":true}");

  assert_result (f, "requestResize", "{\"width\":800,\"height\":600}", "{\"accepted\":false}");
  assert_result (f, "requestResize", "{\"width\":800.5,\"height\":0}", "{\"accepted\":false}");
  assert_error (f, "requestResize", NULL, -32602, "Invalid params: missing params");
  assert_error (f, "requestResize", "{\"height\":600}", -32602, "Invalid params: missing width");
  assert_error (f, "requestResize", "{\"width\":800}", -32602, "Invalid params: missing height");
  assert_error (f, "requestResize", "{\"width\":-1,\"height\":600}", -32602,
                "Invalid params: width must be a non-negative number");
  assert_error (f, "requestResize", "{\"width\":800,\"height\":\"600\"}", -32602,
                "Invalid params: height must be a non-negative number");

  assert_error (f, "getParameters", NULL, -32601, "Method not found: getParameters");
  assert_error (f, "parameterChanged", NULL, -32601, "Method not found: parameterChanged");
}

static void
test_batch (Fixture       *f,
            gconstpointer  data)
{
  const char *req =
    "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"setParameter\",\"params\":{\"id\":\"gain\",\"value\":-3}},"
    "{\"jsonrpc\":\"2.0\",\"method\":\"setParameter\",\"params\":{\"id\":\"mix\",\"value\":0.5}},"
    "{\"jsonrpc\":\"2.0\",\"id\":\"g\",\"method\":\"getParameter\",\"params\":{\"id\":\"gain\"}},"
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"getParameter\",\"params\":{\"id\":\"mix\"}},"
    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}]";
  g_autofree char *reply = wc_jsonrpc_handle (f->rpc, NULL, req, strlen (req));

  g_assert_cmpstr (reply, ==,
                   "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}},"
                   "{\"jsonrpc\":\"2.0\",\"id\":\"g\",\"result\":{\"id\":\"gain\",\"value\":-3}},"
                   "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"id\":\"mix\",\"value\":0.5}},"
                   "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"pong\":true}}]");
  assert_changes (f, "gain=-3 mix=0.5");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add ("/wavecraft/rpc-methods/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("get-all-parameters", test_get_all_parameters);
  ADD ("get-parameter", test_get_parameter);
  ADD ("set-parameter", test_set_parameter);
  ADD ("meter-frame", test_meter_frame);
  ADD ("audio", test_audio);
  ADD ("misc", test_misc);
  ADD ("batch", test_batch);

#undef ADD

  return g_test_run ();
}
