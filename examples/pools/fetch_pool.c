/* SPDX-License-Identifier: 0BSD */
/* fetch_pool.c: I/O-bound waits in sequence, then on a pool of threads.
 *
 * Ports lesson 002b (the second lesson in file 002) "ThreadPoolExecutor
 * Example", its three lines (not its title lines): fetch_url() stands
 * for a download (a one-second wait, then "Data from <url>").  The four
 * URLs are fetched one after another, then with
 * list(ThreadPoolExecutor(max_workers=4).map(fetch_url, urls)), which here
 * is cp_executor_map() on the helper library's thread pool: it submits
 * every URL, then collects the results in URL order, whichever thread
 * finishes first.  Creating and freeing the pool is inside the timing, as
 * the lesson's "with" block is.
 *
 * Usage:   fetch_pool [-w WORKERS] [-v] [--show-results] [URL...]
 *          (default: -w 4 and the lesson's four URLs)
 *          fetch_pool --time-scale=0.1 -w 2 https://a.org https://b.org https://c.org
 *
 * Look for: "Sequential time: 4.00 seconds", "Concurrent time: 1.00
 * seconds", "Speedup: 4.00x": the waits overlap, so n URLs on n threads
 * take one wait, not n.  Times are measured, then shown in the lesson's
 * seconds (divided by the time scale), so a run with --time-scale=0.01
 * reads like the lesson while taking 50 ms; the speedup, a ratio, is the
 * same either way.  -v says so first, when the scale is not 1, and adds
 * the list that map returned, in URL order (--show-results adds just that
 * list).  The program checks that both ways return the right data.
 *
 * See also: pools/square_pool.c (futures), bench/concurrency_vs_parallelism.c.
 *
 * Build alone: cc -std=c11 fetch_pool.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>

#include "cp_executor.h"
#include "cp_format.h"
#include "cp_options.h"
#include "cp_time.h"

/* Simulate fetching a URL; runs on the main thread or on a pool thread. */
static void *
fetch_url(void *arg)
{
    const char *url = arg;

    cp_sleep(1);   /* simulate network delay */
    return g_strdup_printf("Data from %s", url);
}

/* Every result is "Data from <its own url>": nothing lost or reordered. */
static gboolean
results_match(char *const *urls, char **results, int count)
{
    gboolean ok = TRUE;

    for (int i = 0; i < count; i++) {
        char *expected = g_strdup_printf("Data from %s", urls[i]);
        ok = ok && g_strcmp0(results[i], expected) == 0;
        g_free(expected);
    }
    return ok;
}

int
main(int argc, char *argv[])
{
    char *lesson_urls[] = {
        "https://example.com",
        "https://python.org",
        "https://github.com",
        "https://stackoverflow.com",
    };
    gboolean show_results = FALSE, verbose = FALSE;
    GOptionEntry entries[] = {
        { "show-results", 0, 0, G_OPTION_ARG_NONE, &show_results,
          "Also print the results that map returned (as -v does)", NULL },
        G_OPTION_ENTRY_NULL
    };
    int workers = 4, count;
    char **urls;
    double start, sequential_time, concurrent_time;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "[URL...]",
        .inputs_default = "https://example.com https://python.org https://github.com "
                          "https://stackoverflow.com (the lesson's)",
        .summary = "Simulate fetching URLs in sequence, then on a pool of threads.",
        .entries = entries,
        .workers = &workers, .workers_are = "worker threads",
        .waits = TRUE,
        .verbose = &verbose,
    });
    count = argc > 1 ? argc - 1 : (int) G_N_ELEMENTS(lesson_urls);
    urls = argc > 1 ? argv + 1 : lesson_urls;
    for (int i = 0; i < count; i++) {
        char *scheme = g_uri_parse_scheme(urls[i]);
        if (scheme == NULL)
            cp_options_fail("URL '%s' has no scheme (like https://example.com)", urls[i]);
        g_free(scheme);
    }
    char **sequential_results = g_new(char *, count);
    char **concurrent_results = g_new(char *, count);

    start = cp_time_now();
    for (int i = 0; i < count; i++)
        sequential_results[i] = fetch_url(urls[i]);
    sequential_time = cp_time_since(start);

    start = cp_time_now();
    CpExecutor *executor = cp_executor_new((guint) workers);
    cp_executor_map(executor, fetch_url, (void *const *) urls,
                    (void **) concurrent_results, (gsize) count);
    cp_executor_free(executor);
    concurrent_time = cp_time_since(start);

    /* Real seconds to lesson seconds; at scale 0 there are no waits to undo. */
    double unit = cp_time_scale() > 0 ? cp_time_scale() : 1.0;
    if (verbose)
        cp_time_print_scale_note();
    printf("Sequential time: %.2f seconds\n", sequential_time / unit);
    printf("Concurrent time: %.2f seconds\n", concurrent_time / unit);
    printf("Speedup: %.2fx\n", sequential_time / concurrent_time);
    if (show_results || verbose) {
        char *list = cp_format_str_list((const char *const *) concurrent_results, (gsize) count);
        printf("Results: %s\n", list);
        g_free(list);
    }

    gboolean ok = results_match(urls, sequential_results, count)
                  && results_match(urls, concurrent_results, count);
    if (!ok)
        fprintf(stderr, "fetch_pool: a result is wrong or out of order\n");
    for (int i = 0; i < count; i++) {
        g_free(sequential_results[i]);
        g_free(concurrent_results[i]);
    }
    g_free(sequential_results);
    g_free(concurrent_results);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
