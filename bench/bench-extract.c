/* bench-extract.c: parameter extraction round trip (spawn → parsed list) through WcExtractor,
 * plus reference round trips through WcChild. Prints median and p90; asserts nothing.
 *
 *   <build>/bench/bench-extract [--runs N]      or      ninja -C <build> bench-extract
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>

#include "wc-child.h"
#include "wc-extractor.h"

static int n_runs = 50;

static GOptionEntry entries[] = {
  { "runs", 'n', 0, G_OPTION_ARG_INT, &n_runs, "Runs per case (default 50)", "N" },
  { NULL }
};

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
report (const char *label,
        GArray     *ms)
{
  double *v = (double *) ms->data;
  double sum = 0;
  guint n = ms->len;

  g_array_sort (ms, compare_double);
  for (guint i = 0; i < n; i++)
    sum += v[i];
  printf ("%-44s n=%-3u median %7.2f ms   p90 %7.2f ms   min %7.2f ms   mean %7.2f ms\n",
          label, n, v[n / 2], v[MIN (n - 1, (guint) (n * 0.9))], v[0], sum / n);
  fflush (stdout);
}

static gboolean
result_set (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
iterate_until_result (GAsyncResult **result)
{
  while (!result_set (result))
    g_main_context_iteration (NULL, TRUE);
}

static double
one_extraction (WcExtractor *extractor,
                const char  *library,
                guint        expected)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 end;

  wc_extractor_extract_async (extractor, library, NULL, store_result, &result);
  iterate_until_result (&result);
  params = wc_extractor_extract_finish (extractor, result, &error);
  end = g_get_monotonic_time ();
  if (params == NULL)
    g_error ("Extraction from %s failed: %s", library, error->message);
  if (params->len != expected)
    g_error ("Expected %u parameters from %s, got %u", expected, library, params->len);
  return (end - start) / 1000.0;
}

static void
bench_extraction (WcExtractor *extractor,
                  const char  *fixture_dir,
                  const char  *name,
                  guint        expected)
{
  g_autofree char *library = g_build_filename (fixture_dir, name, NULL);
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *label = g_strdup_printf ("WcExtractor %s (%u params)", name, expected);

  for (int i = 0; i < 3; i++)
    one_extraction (extractor, library, expected);
  for (int i = 0; i < n_runs; i++)
    {
      double t = one_extraction (extractor, library, expected);
      g_array_append_val (ms, t);
    }
  report (label, ms);
}

static double
one_child (const char * const *argv,
           WcChildFlags        flags)
{
  g_autoptr(WcChild) child = wc_child_new (argv, flags);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(WcChildResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 end;

  wc_child_wait_async (child, NULL, store_result, &result);
  iterate_until_result (&result);
  res = wc_child_wait_finish (child, result, &error);
  end = g_get_monotonic_time ();
  if (res == NULL)
    g_error ("%s failed: %s", argv[0], error->message);
  if (!res->exited)
    g_error ("%s was killed by signal %d", argv[0], res->term_signal);
  return (end - start) / 1000.0;
}

static void
bench_child (const char         *label,
             const char * const *argv,
             WcChildFlags        flags)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));

  for (int i = 0; i < 3; i++)
    one_child (argv, flags);
  for (int i = 0; i < n_runs; i++)
    {
      double t = one_child (argv, flags);
      g_array_append_val (ms, t);
    }
  report (label, ms);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WcExtractor) extractor = NULL;
  const char *bin = g_getenv ("WAVECRAFT_BIN");
  const char *fixture_dir = g_getenv ("WAVECRAFT_FIXTURE_DIR");
  const WcChildFlags capture = WC_CHILD_FLAGS_CAPTURE_STDOUT | WC_CHILD_FLAGS_CAPTURE_STDERR;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  if (bin == NULL)
    bin = BENCH_WAVECRAFT_BIN;
  if (fixture_dir == NULL)
    fixture_dir = BENCH_FIXTURE_DIR;
  if (n_runs < 1)
    n_runs = 1;

  printf ("wavecraft binary: %s\nfixtures: %s\n%d runs per case after 3 warm-up runs\n\n",
          bin, fixture_dir, n_runs);

  extractor = wc_extractor_new (bin);
  bench_extraction (extractor, fixture_dir, "libfixture-5.so", 5);
  bench_extraction (extractor, fixture_dir, "libfixture-500.so", 500);

  {
    g_autofree char *lib5 = g_build_filename (fixture_dir, "libfixture-5.so", NULL);
    g_autofree char *lib500 = g_build_filename (fixture_dir, "libfixture-500.so", NULL);
    const char *extract_argv[] = { bin, "extract-params", lib5, NULL };
    const char *extract500_argv[] = { bin, "extract-params", lib500, NULL };
    const char *version_argv[] = { bin, "--version", NULL };
    const char *true_argv[] = { "/bin/true", NULL };

    printf ("\nreference round trips through WcChild (spawn → reaped, output drained):\n");
    bench_child ("wavecraft extract-params (5), no copy/parse", extract_argv,
                 capture | WC_CHILD_FLAGS_SELF_GROUP);
    bench_child ("wavecraft extract-params (500), no copy/parse", extract500_argv,
                 capture | WC_CHILD_FLAGS_SELF_GROUP);
    bench_child ("wavecraft --version", version_argv, capture | WC_CHILD_FLAGS_SELF_GROUP);
    bench_child ("/bin/true, posix_spawn path (SELF_GROUP)", true_argv,
                 capture | WC_CHILD_FLAGS_SELF_GROUP);
    bench_child ("/bin/true, fork path (setsid in child)", true_argv, capture);
  }

  return 0;
}
