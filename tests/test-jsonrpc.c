/* test-jsonrpc.c: WcJsonRpc dispatch, JSON-RPC 2.0 rules, the strict parser and a fuzz loop.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "wc-jsonrpc.h"
#include "wc-param-info.h"
#include "wc-test-util.h"

typedef struct
{
  WcJsonRpc *rpc;
  guint      count;
  gpointer   last_client;
} Fixture;

/* Writes a node back as JSON (json-glib's generator writes infinity as "inf.0"). */
static void
append_node (GString  *out,
             JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (a); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_node (out, json_array_get_element (a, i));
          }
        g_string_append_c (out, ']');
      }
      break;
    case JSON_NODE_OBJECT:
      {
        JsonObject *o = json_node_get_object (node);
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, o);
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            wc_json_append_string (out, name);
            g_string_append_c (out, ':');
            append_node (out, member);
          }
        g_string_append_c (out, '}');
      }
      break;
    case JSON_NODE_VALUE:
    default:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          wc_json_append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        default:
          g_assert_true (g_utf8_validate (json_node_get_string (node), -1, NULL));
          wc_json_append_string (out, json_node_get_string (node));
          break;
        }
      break;
    }
}

static gboolean
echo_handler (WcJsonRpc  *rpc,
              gpointer    client,
              JsonNode   *params,
              GString    *result,
              int        *error_code,
              char      **error_message,
              gpointer    user_data)
{
  if (params == NULL)
    g_string_append (result, "\"no params\"");
  else
    append_node (result, params);
  return TRUE;
}

static gboolean
count_handler (WcJsonRpc  *rpc,
               gpointer    client,
               JsonNode   *params,
               GString    *result,
               int        *error_code,
               char      **error_message,
               gpointer    user_data)
{
  Fixture *f = user_data;

  f->count++;
  f->last_client = client;
  g_string_append_printf (result, "{\"count\":%u}", f->count);
  return TRUE;
}

static gboolean
fail_handler (WcJsonRpc  *rpc,
              gpointer    client,
              JsonNode   *params,
              GString    *result,
              int        *error_code,
              char      **error_message,
              gpointer    user_data)
{
  Fixture *f = user_data;

  f->count++;
  g_string_append (result, "{\"partial\":");   /* discarded */
  *error_code = WC_JSONRPC_OUT_OF_RANGE;
  *error_message = g_strdup ("Parameter 'x' value 2 out of range [0, 1]");
  return FALSE;
}

static gboolean
bug_handler (WcJsonRpc  *rpc,
             gpointer    client,
             JsonNode   *params,
             GString    *result,
             int        *error_code,
             char      **error_message,
             gpointer    user_data)
{
  g_string_append (result, "[[[");   /* discarded */
  *error_message = g_strdup ("leaked detail that must not be sent");
  return FALSE;
}

static gboolean
empty_handler (WcJsonRpc  *rpc,
               gpointer    client,
               JsonNode   *params,
               GString    *result,
               int        *error_code,
               char      **error_message,
               gpointer    user_data)
{
  return TRUE;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->rpc = wc_jsonrpc_new ();
  wc_jsonrpc_add_method (f->rpc, "echo", echo_handler, f);
  wc_jsonrpc_add_method (f->rpc, "count", count_handler, f);
  wc_jsonrpc_add_method (f->rpc, "fail", fail_handler, f);
  wc_jsonrpc_add_method (f->rpc, "bug", bug_handler, f);
  wc_jsonrpc_add_method (f->rpc, "empty", empty_handler, f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->rpc);
}

static char *
handle (Fixture    *f,
        const char *text)
{
  return wc_jsonrpc_handle (f->rpc, NULL, text, strlen (text));
}

static void
assert_reply (Fixture    *f,
              const char *request,
              const char *expected)
{
  g_autofree char *reply = handle (f, request);
  g_autofree char *escaped = g_strescape (request, NULL);

  g_test_message ("request: %s", escaped);
  g_assert_cmpstr (reply, ==, expected);
}

#define PARSE_ERROR "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}"
#define INVALID_NULL \
  "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid request\"}}"

static void
test_result (Fixture       *f,
             gconstpointer  data)
{
  int marker;

  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"count\":1}}");
  /* Member order and whitespace in the request do not matter. */
  assert_reply (f, " \r\n\t{ \"method\" : \"count\" , \"id\" : 2 , \"jsonrpc\" : \"2.0\" } \n",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"count\":2}}");
  /* params reach the handler; null params count as absent. */
  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"echo\",\"params\":{\"a\":[1,2.5,true,null,\"x\"]}}",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"a\":[1,2.5,true,null,\"x\"]}}");
  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"echo\",\"params\":[]}",
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":[]}");
  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"echo\",\"params\":null}",
                "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":\"no params\"}");
  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"echo\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":6,\"result\":\"no params\"}");
  /* A handler that appends nothing answers null. */
  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"empty\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":null}");

  /* The client pointer reaches the handler. */
  {
    const char *req = "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"count\"}";
    g_autofree char *reply = wc_jsonrpc_handle (f->rpc, &marker, req, strlen (req));

    g_assert_true (f->last_client == &marker);
  }

  /* The text need not be NUL-terminated: only length bytes are read. */
  {
    const char *req = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"count\"}GARBAGE";
    g_autofree char *reply = wc_jsonrpc_handle (f->rpc, NULL, req, strlen (req) - 7);

    g_assert_cmpstr (reply, ==, "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"count\":4}}");
  }

  /* handle_into appends to what is there. */
  {
    const char *req = "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"empty\"}";
    g_autoptr(GString) out = g_string_new ("prefix:");

    g_assert_true (wc_jsonrpc_handle_into (f->rpc, NULL, req, strlen (req), out));
    g_assert_cmpstr (out->str, ==, "prefix:{\"jsonrpc\":\"2.0\",\"id\":10,\"result\":null}");
    req = "{\"jsonrpc\":\"2.0\",\"method\":\"empty\"}";
    g_assert_false (wc_jsonrpc_handle_into (f->rpc, NULL, req, strlen (req), out));
    g_assert_cmpstr (out->str, ==, "prefix:{\"jsonrpc\":\"2.0\",\"id\":10,\"result\":null}");
  }
}

static void
test_id_echo (Fixture       *f,
              gconstpointer  data)
{
  static const struct { const char *id; const char *echoed; } cases[] = {
    { "0", "0" },
    { "1", "1" },
    { "-5", "-5" },
    { "123456789012", "123456789012" },
    { "9223372036854775807", "9223372036854775807" },
    { "-9223372036854775808", "-9223372036854775808" },
    { "-0", "0" },
    { "\"1\"", "\"1\"" },
    { "\"\"", "\"\"" },
    { "\"abc\"", "\"abc\"" },
    { "\"caf\\u00e9 \\\"q\\\" \\\\ \\n\"", "\"café \\\"q\\\" \\\\ \\n\"" },
    { "\"\xf0\x9f\x8e\x9b\"", "\"\xf0\x9f\x8e\x9b\"" },
    { "null", "null" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *req = g_strdup_printf (
          "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"empty\"}", cases[i].id);
      g_autofree char *want = g_strdup_printf (
          "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":null}", cases[i].echoed);

      assert_reply (f, req, want);
    }
}

static void
test_bad_ids (Fixture       *f,
              gconstpointer  data)
{
  /* Ids that cannot be echoed with their type: answered as invalid with a null id, and the
   * method does not run. */
  static const char *const ids[] = {
    "{}", "{\"a\":1}", "[]", "[1]", "true", "false", "1.5", "1.0", "1e2", "-0.0",
    "99999999999999999999", "-9223372036854775809", "1e999",
  };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *req = g_strdup_printf (
          "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"count\"}", ids[i]);

      assert_reply (f, req, INVALID_NULL);
    }
  g_assert_cmpuint (f->count, ==, 0);
}

static void
test_parse_error (Fixture       *f,
                  gconstpointer  data)
{
  static const char *const texts[] = {
    "",
    " ",
    "{",
    "}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\"",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\"}}",
    "{} {}",
    "{}x",
    "[1,]",
    "{\"a\":1,}",
    "{\"a\" 1}",
    "{a:1}",
    "{'a':1}",
    "'abc'",
    "/* c */ {}",
    "// c\n{}",
    "var a = {}",
    "0x10",
    "01",
    "1.",
    ".5",
    "-",
    "+1",
    "1e",
    "1e+",
    "NaN",
    "Infinity",
    "-Infinity",
    "tru",
    "nul",
    "True",
    "\"unterminated",
    "\"bad escape \\x\"",
    "\"bad unicode \\u12G4\"",
    "\"short unicode \\u12\"",
    "\"raw\ttab\"",
    "\"raw\nnewline\"",
    "\xef\xbb\xbf{}",            /* a BOM */
    "\"\xff\"",                  /* invalid UTF-8 */
    "\"\xc3\"",                  /* truncated UTF-8 */
    "\"\xed\xa0\x80\"",          /* an encoded surrogate */
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\"}\xff",
    /* Requests json-glib alone would take, and run: not JSON (RFC 8259). */
    "/* c */ {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\"}",
    "{'jsonrpc':'2.0','id':1,'method':'count'}",
    "var a = {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\"}",
    "\xef\xbb\xbf{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\"}",
    "{\"jsonrpc\":\"2.0\",\"id\":01,\"method\":\"count\"}",
    "{\"jsonrpc\":\"2.0\",\"id\":0x10,\"method\":\"count\"}",
    "{\"jsonrpc\":\"2.0\",\"id\":1.,\"method\":\"count\"}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\"} {}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\"}]",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\",\"params\":[\"a\tb\"]}",
    "{\"jsonrpc\":\"2.0\",\"id\":truex,\"method\":\"count\"}",
    "[1 2]",
    "[1,,2]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    assert_reply (f, texts[i], PARSE_ERROR);
  g_assert_cmpuint (f->count, ==, 0);

  /* An embedded NUL. */
  {
    const char req[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\"}\0";
    g_autofree char *reply = wc_jsonrpc_handle (f->rpc, NULL, req, sizeof req - 1);

    g_assert_cmpstr (reply, ==, PARSE_ERROR);
  }
  {
    const char req[] = "{\"jsonrpc\":\"2.0\",\"id\":\"a\0b\",\"method\":\"count\"}";
    g_autofree char *reply = wc_jsonrpc_handle (f->rpc, NULL, req, sizeof req - 1);

    g_assert_cmpstr (reply, ==, PARSE_ERROR);
  }
}

static void
test_deep_nesting (Fixture       *f,
                   gconstpointer  data)
{
  gsize n = 1 << 20;   /* 1 MiB of '[' : json-glib 1.6 overflows its stack on this */
  g_autofree char *deep = g_malloc (n * 2);
  g_autofree char *reply = NULL;

  memset (deep, '[', n);
  memset (deep + n, ']', n);
  reply = wc_jsonrpc_handle (f->rpc, NULL, deep, n * 2);
  g_assert_cmpstr (reply, ==, PARSE_ERROR);
  g_clear_pointer (&reply, g_free);

  memset (deep, '{', n);
  reply = wc_jsonrpc_handle (f->rpc, NULL, deep, n);
  g_assert_cmpstr (reply, ==, PARSE_ERROR);
  g_clear_pointer (&reply, g_free);

  /* Exactly WC_JSONRPC_MAX_DEPTH levels parse: a batch whose one entry is an array. */
  memset (deep, '[', WC_JSONRPC_MAX_DEPTH);
  memset (deep + WC_JSONRPC_MAX_DEPTH, ']', WC_JSONRPC_MAX_DEPTH);
  reply = wc_jsonrpc_handle (f->rpc, NULL, deep, WC_JSONRPC_MAX_DEPTH * 2);
  g_assert_cmpstr (reply, ==, "[" INVALID_NULL "]");
  g_clear_pointer (&reply, g_free);

  /* One more does not. */
  memset (deep, '[', WC_JSONRPC_MAX_DEPTH + 1);
  memset (deep + WC_JSONRPC_MAX_DEPTH + 1, ']', WC_JSONRPC_MAX_DEPTH + 1);
  reply = wc_jsonrpc_handle (f->rpc, NULL, deep, (WC_JSONRPC_MAX_DEPTH + 1) * 2);
  g_assert_cmpstr (reply, ==, PARSE_ERROR);
  g_clear_pointer (&reply, g_free);

  /* Deep params inside a request: parse error too. */
  {
    GString *req = g_string_new ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":");

    for (guint i = 0; i < 1000; i++)
      g_string_append (req, "{\"a\":");
    g_string_append (req, "1");
    for (guint i = 0; i < 1000; i++)
      g_string_append_c (req, '}');
    g_string_append_c (req, '}');
    reply = wc_jsonrpc_handle (f->rpc, NULL, req->str, req->len);
    g_assert_cmpstr (reply, ==, PARSE_ERROR);
    g_string_free (req, TRUE);
  }
}

static void
test_huge_numbers (Fixture       *f,
                   gconstpointer  data)
{
  gsize n = 200000;
  GString *req = g_string_new ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[");
  g_autofree char *reply = NULL;

  for (gsize i = 0; i < n; i++)
    g_string_append_c (req, '9');
  g_string_append (req, ",1e999,-1e999,1e-999,99999999999999999999]}");
  reply = wc_jsonrpc_handle (f->rpc, NULL, req->str, req->len);
  g_string_free (req, TRUE);
  /* json-glib writes infinity as "inf.0", which is not JSON; what matters is that the
   * numbers arrived as doubles, not as wrapped integers. */
  g_assert_nonnull (reply);
  g_assert_true (g_str_has_prefix (reply, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":["));
  g_assert_null (strstr (reply, "-1,"));

  {
    const char *text = "[99999999999999999999,-99999999999999999999,1e999,9223372036854775807]";
    g_autoptr(JsonNode) node = wc_jsonrpc_parse (text, strlen (text));
    JsonArray *array;

    g_assert_nonnull (node);
    array = json_node_get_array (node);
    g_assert_cmpint (json_node_get_value_type (json_array_get_element (array, 0)), ==,
                     G_TYPE_DOUBLE);
    g_assert_cmpfloat (json_array_get_double_element (array, 0), ==, 1e20);
    g_assert_cmpfloat (json_array_get_double_element (array, 1), ==, -1e20);
    g_assert_true (isinf (json_array_get_double_element (array, 2)));
    g_assert_cmpint (json_node_get_value_type (json_array_get_element (array, 3)), ==,
                     G_TYPE_INT64);
    g_assert_cmpint (json_array_get_int_element (array, 3), ==, G_MAXINT64);
  }
}

static void
test_parse_strings (void)
{
  static const struct { const char *json; const char *utf8; } cases[] = {
    { "\"plain\"", "plain" },
    { "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t" },
    { "\"\\u00e9\\u20AC\"", "é€" },
    { "\"\\ud83c\\udf9b\"", "\xf0\x9f\x8e\x9b" },     /* a surrogate pair */
    { "\"\xe2\x80\xa8\"", "\xe2\x80\xa8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = wc_jsonrpc_parse (cases[i].json, strlen (cases[i].json));

      g_test_message ("case %u: %s", i, cases[i].json);
      g_assert_nonnull (node);
      g_assert_cmpstr (json_node_get_string (node), ==, cases[i].utf8);
    }

  /* json-glib would turn these into invalid UTF-8 or a truncated string: refused. */
  {
    static const char *const refused[] = {
      "\"a\\ud800b\"",            /* lone high surrogate */
      "\"a\\udc00b\"",            /* lone low surrogate */
      "\"\\ud800\\u0041\"",       /* high then a non-surrogate */
      "\"\\ud800\\ud800\\udc00\"",
      "\"a\\u0000b\"",            /* NUL cannot live in a C string */
    };

    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
      g_assert_null (wc_jsonrpc_parse (refused[i], strlen (refused[i])));
  }

  /* Numbers. */
  {
    const char *text = "[0,-0,1.5,-2.5e3,1E-2,0.0,-0.0]";
    g_autoptr(JsonNode) node = wc_jsonrpc_parse (text, strlen (text));
    JsonArray *a = json_node_get_array (node);

    g_assert_cmpint (json_array_get_int_element (a, 0), ==, 0);
    g_assert_cmpint (json_array_get_int_element (a, 1), ==, 0);
    g_assert_cmpfloat (json_array_get_double_element (a, 2), ==, 1.5);
    g_assert_cmpfloat (json_array_get_double_element (a, 3), ==, -2500);
    g_assert_cmpfloat (json_array_get_double_element (a, 4), ==, 0.01);
    g_assert_cmpfloat (json_array_get_double_element (a, 5), ==, 0);
    g_assert_true (signbit (json_array_get_double_element (a, 6)));
  }

  /* Duplicate members: the last wins, like JavaScript. */
  {
    g_autoptr(JsonNode) node = wc_jsonrpc_parse ("{\"a\":1,\"a\":2}", 13);

    g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "a"), ==, 2);
    g_assert_cmpuint (json_object_get_size (json_node_get_object (node)), ==, 1);
  }

  g_assert_null (wc_jsonrpc_parse ("", 0));
  g_assert_null (wc_jsonrpc_parse (NULL, 0));
}

static void
test_invalid_request (Fixture       *f,
                      gconstpointer  data)
{
  /* Not an object. */
  assert_reply (f, "5", INVALID_NULL);
  assert_reply (f, "\"count\"", INVALID_NULL);
  assert_reply (f, "null", INVALID_NULL);
  assert_reply (f, "true", INVALID_NULL);
  /* Empty batch: one error, not an array. */
  assert_reply (f, "[]", INVALID_NULL);
  assert_reply (f, " [ ] ", INVALID_NULL);
  /* Missing or wrong jsonrpc / method; a valid id is echoed. */
  assert_reply (f, "{}", INVALID_NULL);
  assert_reply (f, "{\"id\":1,\"method\":\"count\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"Invalid request\"}}");
  assert_reply (f, "{\"jsonrpc\":\"1.0\",\"id\":\"x\",\"method\":\"count\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"error\":{\"code\":-32600,\"message\":\"Invalid request\"}}");
  assert_reply (f, "{\"jsonrpc\":2.0,\"id\":2,\"method\":\"count\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32600,\"message\":\"Invalid request\"}}");
  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"id\":3}",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32600,\"message\":\"Invalid request\"}}");
  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":4}",
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":-32600,\"message\":\"Invalid request\"}}");
  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":null}", INVALID_NULL);
  /* Invalid even without an id (JSON-RPC 2.0 §5: "method": 1 gets an answer). */
  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"method\":1,\"params\":\"bar\"}", INVALID_NULL);
  assert_reply (f, "{\"jsonrpc\":\"1.0\",\"method\":\"count\"}", INVALID_NULL);
  g_assert_cmpuint (f->count, ==, 0);
}

static void
test_method_not_found (Fixture       *f,
                       gconstpointer  data)
{
  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"nope\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"Method not found: nope\"}}");
  /* Case-sensitive, and the name is escaped in the message. */
  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"Count\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"error\":{\"code\":-32601,\"message\":\"Method not found: Count\"}}");
  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"a\\\"b\\\\c\\n\\u0001\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32601,\"message\":\"Method not found: a\\\"b\\\\c\\n\\u0001\"}}");
  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32601,\"message\":\"Method not found: \"}}");
}

static void
test_invalid_params (Fixture       *f,
                     gconstpointer  data)
{
  static const char *const params[] = { "5", "\"x\"", "true", "1.5" };

  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    {
      g_autofree char *req = g_strdup_printf (
          "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"count\",\"params\":%s}", params[i]);

      assert_reply (f, req, "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32602,"
                    "\"message\":\"Invalid params: params must be an object or an array\"}}");
    }
  g_assert_cmpuint (f->count, ==, 0);
}

static void
test_handler_errors (Fixture       *f,
                     gconstpointer  data)
{
  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"fail\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32001,"
                "\"message\":\"Parameter 'x' value 2 out of range [0, 1]\"}}");
  /* A handler failing without a code is an internal error; its message is not sent. */
  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"bug\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"error\":{\"code\":-32603,\"message\":\"Internal error\"}}");
}

static void
test_notifications (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *reply = NULL;

  /* No id: the method runs and nothing is sent, success or error. */
  g_assert_null ((reply = handle (f, "{\"jsonrpc\":\"2.0\",\"method\":\"count\"}")));
  g_assert_cmpuint (f->count, ==, 1);
  g_assert_null ((reply = handle (f, "{\"jsonrpc\":\"2.0\",\"method\":\"fail\",\"params\":{}}")));
  g_assert_cmpuint (f->count, ==, 2);
  g_assert_null ((reply = handle (f, "{\"jsonrpc\":\"2.0\",\"method\":\"bug\"}")));
  g_assert_null ((reply = handle (f, "{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}")));
  g_assert_null ((reply = handle (f, "{\"jsonrpc\":\"2.0\",\"method\":\"count\",\"params\":5}")));
  g_assert_cmpuint (f->count, ==, 2);

  /* id: null is a request, not a notification. */
  assert_reply (f, "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"count\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":{\"count\":3}}");
}

static void
test_batch (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *reply = NULL;

  /* Requests, a notification, invalid entries, an unknown method and a failing one: the
   * replies come in request order, the notification has none. */
  assert_reply (f,
                "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\"},"
                "{\"jsonrpc\":\"2.0\",\"method\":\"count\"},"
                "{\"foo\":\"boo\"},"
                "5,"
                "{\"jsonrpc\":\"2.0\",\"id\":\"u\",\"method\":\"nope\"},"
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"fail\"},"
                "[],"
                "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"count\"},"
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"count\"}]",
                "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"count\":1}},"
                INVALID_NULL ","
                INVALID_NULL ","
                "{\"jsonrpc\":\"2.0\",\"id\":\"u\",\"error\":{\"code\":-32601,\"message\":\"Method not found: nope\"}},"
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32001,\"message\":\"Parameter 'x' value 2 out of range [0, 1]\"}},"
                INVALID_NULL ","
                INVALID_NULL ","
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"count\":4}}]");
  g_assert_cmpuint (f->count, ==, 4);

  /* Only notifications: nothing to send, but they all ran. */
  reply = handle (f, "[{\"jsonrpc\":\"2.0\",\"method\":\"count\"},"
                  "{\"jsonrpc\":\"2.0\",\"method\":\"nope\"},"
                  "{\"jsonrpc\":\"2.0\",\"method\":\"count\"}]");
  g_assert_null (reply);
  g_assert_cmpuint (f->count, ==, 6);

  /* A notification first: no leading comma. */
  assert_reply (f, "[{\"jsonrpc\":\"2.0\",\"method\":\"count\"},"
                "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"empty\"}]",
                "[{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":null}]");

  /* Invalid entries only. */
  assert_reply (f, "[1,2,3]", "[" INVALID_NULL "," INVALID_NULL "," INVALID_NULL "]");

  /* A batch that is not JSON is one parse error. */
  assert_reply (f, "[{\"jsonrpc\":\"2.0\",\"method\":\"count\"},{\"jsonrpc\":\"2.0\",\"method\"]",
                PARSE_ERROR);
}

static void
test_notification_builder (void)
{
  g_autofree char *a = wc_jsonrpc_notification ("parameterChanged",
                                                "{\"id\":\"gain\",\"value\":0.7}");
  g_autofree char *b = wc_jsonrpc_notification ("parametersChanged", "{}");
  g_autofree char *c = wc_jsonrpc_notification ("x\"y", NULL);
  g_autoptr(GString) out = g_string_new ("[");

  g_assert_cmpstr (a, ==,
                   "{\"jsonrpc\":\"2.0\",\"method\":\"parameterChanged\",\"params\":{\"id\":\"gain\",\"value\":0.7}}");
  g_assert_cmpstr (b, ==, "{\"jsonrpc\":\"2.0\",\"method\":\"parametersChanged\",\"params\":{}}");
  g_assert_cmpstr (c, ==, "{\"jsonrpc\":\"2.0\",\"method\":\"x\\\"y\"}");

  wc_jsonrpc_append_notification (out, "ping", "{}");
  g_assert_cmpstr (out->str, ==, "[{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":{}}");
}

/* Checks that a reply is one valid reply object, or a non-empty array of them. */
static void
assert_valid_reply_object (JsonNode *node)
{
  JsonObject *o;
  JsonNode *id;
  gboolean has_result, has_error;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "jsonrpc"), ==, "2.0");
  id = json_object_get_member (o, "id");
  g_assert_nonnull (id);
  g_assert_true (JSON_NODE_HOLDS_NULL (id)
                 || json_node_get_value_type (id) == G_TYPE_INT64
                 || json_node_get_value_type (id) == G_TYPE_STRING);
  has_result = json_object_has_member (o, "result");
  has_error = json_object_has_member (o, "error");
  g_assert_true (has_result != has_error);
  g_assert_cmpuint (json_object_get_size (o), ==, 3);
  if (has_error)
    {
      JsonObject *e = json_object_get_object_member (o, "error");

      g_assert_nonnull (e);
      g_assert_cmpint (json_node_get_value_type (json_object_get_member (e, "code")), ==,
                       G_TYPE_INT64);
      g_assert_nonnull (json_object_get_string_member (e, "message"));
    }
}

static void
assert_valid_reply (const char *reply)
{
  g_autoptr(JsonNode) node = wc_jsonrpc_parse (reply, strlen (reply));
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_nonnull (node);
  /* Also valid for json-glib (an independent parser). */
  g_assert_true (json_parser_load_from_data (parser, reply, -1, NULL));

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      g_assert_cmpuint (json_array_get_length (a), >, 0);
      for (guint i = 0; i < json_array_get_length (a); i++)
        assert_valid_reply_object (json_array_get_element (a, i));
    }
  else
    assert_valid_reply_object (node);
}

static const char *const fuzz_corpus[] = {
  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\"}",
  "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"echo\",\"params\":{\"id\":\"gain\",\"value\":-6.5}}",
  "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[1,2,{\"a\":[true,false,null]}]}",
  "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"fail\"},{\"jsonrpc\":\"2.0\",\"method\":\"count\"},"
  "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"echo\",\"params\":[\"\\u00e9\\ud83c\\udf9b\\n\"]}]",
  "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"echo\",\"params\":[1e308,-1.5e-300,0,-0,12345678901234567890]}",
  "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"bug\"}",
  "[[[[[[{\"jsonrpc\":\"2.0\"}]]]]]]",
};

static const char fuzz_alphabet[] = "{}[]\",:\\0123456789.eE+-tfnrule \"\\u";

static void
test_fuzz (Fixture       *f,
           gconstpointer  data)
{
  GString *text = g_string_new (NULL);
  guint iterations = 50000;

#if defined(__SANITIZE_ADDRESS__)
  /* With fast_unwind_on_malloc=0 every allocation costs a full stack walk. */
  iterations = 2000;
#endif
  if (g_test_slow ())
    iterations *= 10;

  for (guint i = 0; i < iterations; i++)
    {
      const char *seed = fuzz_corpus[g_test_rand_int_range (0, G_N_ELEMENTS (fuzz_corpus))];
      g_autofree char *reply = NULL;
      int mode = g_test_rand_int_range (0, 6);

      g_string_assign (text, seed);
      switch (mode)
        {
        case 0:   /* truncate */
          g_string_truncate (text, g_test_rand_int_range (0, text->len + 1));
          break;
        case 1:   /* flip bytes to anything, including invalid UTF-8 and NUL */
          for (int k = g_test_rand_int_range (1, 4); k > 0; k--)
            text->str[g_test_rand_int_range (0, text->len)] = (char) g_test_rand_int_range (0, 256);
          break;
        case 2:   /* replace bytes with JSON punctuation */
          for (int k = g_test_rand_int_range (1, 6); k > 0; k--)
            text->str[g_test_rand_int_range (0, text->len)] =
              fuzz_alphabet[g_test_rand_int_range (0, sizeof fuzz_alphabet - 1)];
          break;
        case 3:   /* insert punctuation */
          for (int k = g_test_rand_int_range (1, 6); k > 0; k--)
            g_string_insert_c (text, g_test_rand_int_range (0, text->len + 1),
                               fuzz_alphabet[g_test_rand_int_range (0, sizeof fuzz_alphabet - 1)]);
          break;
        case 4:   /* delete a span */
          {
            gssize pos = g_test_rand_int_range (0, text->len);
            gssize len = g_test_rand_int_range (1, 8);

            len = MIN (len, (gssize) text->len - pos);
            g_string_erase (text, pos, len);
          }
          break;
        default:  /* random punctuation soup */
          g_string_truncate (text, 0);
          for (int k = g_test_rand_int_range (0, 64); k > 0; k--)
            g_string_append_c (text, fuzz_alphabet[g_test_rand_int_range (0, sizeof fuzz_alphabet - 1)]);
          break;
        }

      reply = wc_jsonrpc_handle (f->rpc, NULL, text->str, text->len);
      if (reply != NULL)
        assert_valid_reply (reply);
    }
  g_string_free (text, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add ("/wavecraft/jsonrpc/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("result", test_result);
  ADD ("id-echo", test_id_echo);
  ADD ("bad-ids", test_bad_ids);
  ADD ("parse-error", test_parse_error);
  ADD ("deep-nesting", test_deep_nesting);
  ADD ("huge-numbers", test_huge_numbers);
  ADD ("invalid-request", test_invalid_request);
  ADD ("method-not-found", test_method_not_found);
  ADD ("invalid-params", test_invalid_params);
  ADD ("handler-errors", test_handler_errors);
  ADD ("notifications", test_notifications);
  ADD ("batch", test_batch);
  ADD ("fuzz", test_fuzz);
  g_test_add_func ("/wavecraft/jsonrpc/parse-strings", test_parse_strings);
  g_test_add_func ("/wavecraft/jsonrpc/notification-builder", test_notification_builder);

#undef ADD

  return g_test_run ();
}
