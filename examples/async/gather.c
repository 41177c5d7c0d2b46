/* SPDX-License-Identifier: 0BSD */
/* gather.c: simulated fetches of random length, run at the same time on one
 * event loop; the results come back in the order the fetches were started.
 *
 * Ports lesson 002 §4 "Async with asyncio.gather" and "Async with
 * asyncio.create_task": fetch_data(url) waits random.uniform(0.5, 2.0)
 * seconds and returns "Data from <url>"; three fetches are gathered.  It
 * prints the two demos' result lines; their titles come with -v.  Each
 * fetch here is cp_loop_fetch_async(), an operation in GIO's async shape,
 * started in a cp_loop group that keeps one result slot per fetch, in
 * submission order; the gather completes when every slot is filled.
 *
 * The lesson's two sections differ only in Python: a coroutine object does
 * nothing until awaited, so the second one wraps each fetch in
 * asyncio.create_task() to start it at once.  A GIO _async() call always
 * starts its work at once, so in C both sections are the same code.
 *
 * Usage:   gather [--seed=N] [-v] [--time-scale=F]
 *
 * Look for: results in the order of the URLs whatever order the fetches
 * end in, and, with -v, the "Took" line (in lesson seconds): each gather
 * lasts about as long as its longest fetch, not the sum of the three.  The
 * durations are random; --seed=N makes them the same on every run.
 *
 * See also: async/async_tasks.c, async/as_completed.c (results in the order
 * they end), async/timeout.c.
 *
 * Build alone: cc -std=c11 gather.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>

#include "cp_format.h"
#include "cp_loop.h"
#include "cp_options.h"
#include "cp_time.h"

#define N_FETCHES 3

static gboolean verbose;   /* -v: the demos' titles and the "Took" lines */

/* One section of the lesson: gather three fetches, print their results. */
static gboolean
gather_fetches(const char *title, const char *label, const char *const urls[N_FETCHES],
               GRand *rng)
{
    CpLoopFetch fetches[N_FETCHES];
    const char *values[N_FETCHES];
    CpLoopGroup *group = cp_loop_group_new(g_free);
    GAsyncResult *result = NULL;
    GError *error = NULL;
    double start, took, longest = 0, sum = 0;
    gboolean in_order = TRUE;
    char *list;

    if (verbose)
        printf("%s\n", title);
    start = cp_time_now();
    for (int i = 0; i < N_FETCHES; i++)
        fetches[i].url = urls[i];
    cp_loop_fetch_draw(fetches, N_FETCHES, rng);   /* random.uniform(0.5, 2.0) */
    for (int i = 0; i < N_FETCHES; i++)
        cp_loop_group_start(group, cp_loop_fetch_async, &fetches[i]);
    cp_loop_gather_async(group, FALSE, NULL, cp_loop_store_result, &result);
    cp_loop_run_until(&result);   /* the loop serves all three timers */
    if (!cp_loop_gather_finish(result, &error)) {
        fprintf(stderr, "gather: %s\n", error->message);
        exit(EXIT_FAILURE);
    }
    /* Real seconds back to the lesson's seconds. */
    took = cp_time_since_unscaled(start);

    for (int i = 0; i < N_FETCHES; i++) {
        char *want = g_strdup_printf("Data from %s", urls[i]);

        values[i] = cp_loop_group_value(group, (guint) i);   /* slot i: fetch i */
        in_order = in_order && g_strcmp0(values[i], want) == 0;
        g_free(want);
        longest = MAX(longest, fetches[i].seconds);
        sum += fetches[i].seconds;
    }
    list = cp_format_str_list(values, N_FETCHES);
    printf("%s%s\n", label, list);
    if (verbose)
        printf("Took %.2f s, about the longest fetch (%.2f s), not the sum of all three (%.2f s)\n",
               took, longest, sum);

    g_free(list);
    g_object_unref(result);
    cp_loop_group_unref(group);
    return in_order;
}

int
main(int argc, char *argv[])
{
    const char *const gather_urls[] = { "http://example.com", "http://test.com", "http://demo.com" };
    const char *const task_urls[] = { "http://api1.com", "http://api2.com", "http://api3.com" };
    char *seed_text = NULL;
    GRand *rng;
    gboolean ok;
    GOptionEntry entries[] = {
        { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
          "Seed of the random fetch times (0..4294967295; default: a new seed each run)", "N" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Gather simulated fetches of random length on one event loop.",
        .entries = entries,
        .waits = TRUE,
        .verbose = &verbose,
    });
    rng = cp_options_rand_new(seed_text);
    g_free(seed_text);

    if (verbose)
        cp_time_print_scale_note();   /* the "Took" lines are in lesson seconds */
    ok = gather_fetches("Async with asyncio.gather:", "Gathered results: ", gather_urls, rng);
    if (verbose)
        printf("\n");
    ok = gather_fetches("Async with asyncio.create_task:", "Task results: ", task_urls, rng) && ok;

    g_rand_free(rng);
    if (!ok) {
        fprintf(stderr, "gather: results are not in submission order\n");
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
