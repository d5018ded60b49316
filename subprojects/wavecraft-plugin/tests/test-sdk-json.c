/* test-sdk-json.c: byte-exact checks of the SDK's JSON writer, without any dependency.
 * The main project's tests/test-sdk.c round-trips the output through json-glib.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "wavecraft/plugin.h"

static int failures;

static void
expect (const char *what,
        const char *got,
        const char *want)
{
  if (got == NULL || strcmp (got, want) != 0)
    {
      fprintf (stderr, "FAIL %s\n  got:  %s\n  want: %s\n", what, got ? got : "(null)", want);
      failures++;
    }
}

static const char *const modes[] = { "A", "B\"", NULL };

static const wavecraft_param params[] = {
  WAVECRAFT_FLOAT ("gain", "Gain", -60.0, 6.0, 0.7, "dB", "Out"),
  WAVECRAFT_BOOL ("on", "On\n\t\\", 1, ""),
  WAVECRAFT_ENUM ("mode", NULL, 1, NULL, modes),
};

int
main (void)
{
  char *json = wavecraft_params_to_json (params, WAVECRAFT_N_PARAMS (params));
  static const wavecraft_param odd[] = {
    WAVECRAFT_FLOAT ("x", "\x01\x1f\xe2\x80\xa8", 0.1, 1e21, 1.0 / 3.0, NULL, NULL),
  };

  expect ("table", json,
          "[{\"id\":\"gain\",\"name\":\"Gain\",\"type\":\"float\",\"default\":0.7,\"min\":-60,"
          "\"max\":6,\"unit\":\"dB\",\"group\":\"Out\"},"
          "{\"id\":\"on\",\"name\":\"On\\n\\t\\\\\",\"type\":\"bool\",\"default\":1,\"min\":0,"
          "\"max\":1},"
          "{\"id\":\"mode\",\"name\":\"mode\",\"type\":\"enum\",\"default\":1,\"min\":0,"
          "\"max\":1,\"variants\":[\"A\",\"B\\\"\"]}]");
  wavecraft_json_free (json);

  json = wavecraft_params_to_json (odd, 1);
  expect ("odd", json,
          "[{\"id\":\"x\",\"name\":\"\\u0001\\u001f\\u2028\",\"type\":\"float\","
          "\"default\":0.3333333333333333,\"min\":0.1,\"max\":1e+21}]");
  wavecraft_json_free (json);

  json = wavecraft_params_to_json (NULL, 0);
  expect ("empty", json, "[]");
  wavecraft_json_free (json);
  wavecraft_json_free (NULL);

  if (wavecraft_param_clamp (&params[2], 7.0) != 1.0 || wavecraft_param_clamp (&params[1], 0.4) != 0.0
      || wavecraft_param_clamp (&params[0], 100.0) != 6.0)
    {
      fprintf (stderr, "FAIL clamp\n");
      failures++;
    }

  return failures == 0 ? 0 : 1;
}
