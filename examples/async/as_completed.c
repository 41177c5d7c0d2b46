/* SPDX-License-Identifier: 0BSD */
/* as_completed.c: asyncio.as_completed() on GLib's main loop: take each
 * result as soon as its task ends, fastest first.
 *
 * Ports lesson 002 §4 "Async with asyncio.as_completed".  Three simulated
 * fetches (cp_loop_fetch_async()), each an asyncio.sleep of a random
 * 0.5..2 s, start at once in a cp_loop group.  cp_loop_next_async() is one step of the lesson's
 * `for coro in asyncio.as_completed(tasks)`: it completes when a task has
 * ended that no earlier step returned, and gives that task's index.  The
 * loop below awaits one step at a time and prints the result it gets.
 * The demo's title, "Async with asyncio.as_completed:", comes with -v.
 *
 * Usage:   as_completed [--seed=N] [-v] [--time-scale=F]
 *
 * Look for: the "Completed:" lines come in the order the fetches end,
 * not in the order they were started (api1, api2, api3); -v prints the
 * random "Fetch times" first (in lesson seconds), and the shortest comes
 * first.  Each line is printed when its fetch ends, and the whole run
 * takes the longest fetch's time.  "As completed results: [...]" lists
 * them in that same order.  The times are random; --seed=N repeats a run.
 *
 * See also: async/gather.c (results in submission order instead),
 * async/wait_tasks.c, async/timeout.c.
 *
 * Build alone: cc -std=c11 as_completed.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>

#include "cp_format.h"
#include "cp_loop.h"
#include "cp_options.h"
#include "cp_time.h"

#define N_TASKS 3

int
main(int argc, char *argv[])
{
    CpLoopFetch fetches[N_TASKS] = { { "http://api1.com", 0 }, { "http://api2.com", 0 },
                                     { "http://api3.com", 0 } };
    char *seed_text = NULL, *results[N_TASKS], *list;
    guint n_results = 0;
    gboolean verbose = FALSE;
    GOptionEntry entries[] = {
        { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
          "Seed of the random fetch times (0..4294967295; default: a new seed each run)", "N" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Print each task's result as soon as it ends, in the order they end.",
        .entries = entries,
        .waits = TRUE,
        .verbose = &verbose,
    });
    GRand *rng = cp_options_rand_new(seed_text);
    g_free(seed_text);
    cp_loop_fetch_draw(fetches, N_TASKS, rng);
    g_rand_free(rng);

    if (verbose) {
        cp_time_print_scale_note();   /* the fetch times are in lesson seconds */
        printf("Async with asyncio.as_completed:\n");
        cp_loop_fetch_print_times(fetches, N_TASKS, "");
    }
    CpLoopGroup *tasks = cp_loop_group_new(g_free);
    for (int i = 0; i < N_TASKS; i++)
        cp_loop_group_start(tasks, cp_loop_fetch_async, &fetches[i]);   /* asyncio.create_task() */

    for (;;) {   /* for coro in asyncio.as_completed(tasks): */
        GAsyncResult *result = NULL;
        GError *error = NULL;

        cp_loop_next_async(tasks, NULL, cp_loop_store_result, &result);
        cp_loop_run_until(&result);   /* result = await coro */
        gint index = cp_loop_next_finish(result, &error);
        g_object_unref(result);
        if (index < 0 && error == NULL)
            break;   /* every task has been returned */
        if (index < 0 || cp_loop_group_state(tasks, (guint) index) != CP_LOOP_DONE) {
            fprintf(stderr, "as_completed: %s\n",
                    error ? error->message : cp_loop_group_error(tasks, (guint) index)->message);
            return EXIT_FAILURE;
        }
        results[n_results++] = cp_loop_group_value(tasks, (guint) index);
        printf("Completed: %s\n", results[n_results - 1]);
        fflush(stdout);   /* now, as it completes, even into a pipe */
    }

    list = cp_format_str_list((const char *const *) results, n_results);
    printf("As completed results: %s\n", list);
    g_free(list);
    cp_loop_group_unref(tasks);
    if (n_results != N_TASKS) {
        fprintf(stderr, "as_completed: %u of %d tasks completed\n", n_results, N_TASKS);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
