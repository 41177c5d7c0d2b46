/* SPDX-License-Identifier: 0BSD */
/* wait_tasks.c: asyncio.wait() on GLib's main loop: wait for every task,
 * or for the first one only, and cancel the rest.
 *
 * Ports two demos of lesson 002 §4: "Async with asyncio.wait"
 * (ALL_COMPLETED, the default) and "Async with asyncio.gather and
 * return_when" (FIRST_COMPLETED, --first).  Each task is a simulated fetch,
 * an asyncio.sleep of a random 0.5..2 s, started in a cp_loop group on the
 * one loop.  The first wait completes when all three have ended.  The
 * second completes as soon as one has: its callback counts the done and
 * pending tasks and cancels the pending ones right there; their timers
 * leave the loop at once, and a gather then collects their CancelledError
 * (G_IO_ERROR_CANCELLED).  The demos' titles come with -v.
 *
 * Usage:   wait_tasks [--first] [--seed=N] [-v] [--time-scale=F]
 *
 * Look for: "Wait results: [...]" with all three results (in submission
 * order; the lesson's `done` is a set, with no order, so Python may print
 * them in any order).  With --first: "Completed tasks: 1", "Pending
 * tasks: 2"; -v adds one "Cancelled:" line for each pending task (all but
 * the shortest of the "Fetch times"), "Timers left on the loop: 0", and a
 * "Took" line (in lesson seconds) showing that the wait lasted as long as
 * its fastest fetch, not its slowest.  The times are random; --seed=N
 * repeats a run.
 *
 * See also: async/gather.c, async/as_completed.c, async/timeout.c.
 *
 * Build alone: cc -std=c11 wait_tasks.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>

#include "cp_format.h"
#include "cp_loop.h"
#include "cp_options.h"
#include "cp_time.h"

#define N_TASKS 3

/* What main() and first_completed() share. */
typedef struct {
    CpLoopGroup *tasks;
    GAsyncResult *result;   /* the wait's, once it has completed */
} FirstWait;

/* After `done, pending = await asyncio.wait(..., FIRST_COMPLETED)`.  GTask
 * calls this straight from the first task's end, so the count is taken and
 * the rest are cancelled before another timer can fire. */
static void
first_completed(GObject *source, GAsyncResult *result, gpointer user_data)
{
    FirstWait *wait = user_data;
    guint pending = cp_loop_group_count(wait->tasks, CP_LOOP_PENDING);

    (void) source;
    printf("Completed tasks: %u\n", cp_loop_group_size(wait->tasks) - pending);
    printf("Pending tasks: %u\n", pending);
    cp_loop_group_cancel_pending(wait->tasks);   /* for task in pending: task.cancel() */
    wait->result = g_object_ref(result);
}

/* `await`: run the loop until the result is in.  Nothing here cancels a
 * wait or gives it a deadline, so none of them can fail. */
static void
await_result(GAsyncResult **result, gboolean (*finish)(GAsyncResult *, GError **))
{
    GError *error = NULL;

    cp_loop_run_until(result);
    if (!finish(*result, &error)) {
        fprintf(stderr, "wait_tasks: %s\n", error->message);
        exit(EXIT_FAILURE);
    }
    g_clear_object(result);
}

/* asyncio.create_task() for each fetch. */
static CpLoopGroup *
create_tasks(CpLoopFetch *fetches)
{
    CpLoopGroup *tasks = cp_loop_group_new(g_free);

    for (int i = 0; i < N_TASKS; i++)
        cp_loop_group_start(tasks, cp_loop_fetch_async, &fetches[i]);
    return tasks;
}

/* The lesson's wait_example(): wait for all three, then list the results. */
static void
wait_all(CpLoopFetch *fetches)
{
    char *results[N_TASKS], *list;
    GAsyncResult *result = NULL;
    CpLoopGroup *tasks = create_tasks(fetches);

    cp_loop_wait_async(tasks, CP_LOOP_ALL_COMPLETED, CP_LOOP_NO_TIMEOUT, NULL,
                       cp_loop_store_result, &result);
    await_result(&result, cp_loop_wait_finish);
    for (guint i = 0; i < N_TASKS; i++)
        results[i] = cp_loop_group_value(tasks, i);   /* task.result() */
    list = cp_format_str_list((const char *const *) results, N_TASKS);
    printf("Wait results: %s\n", list);
    g_free(list);
    cp_loop_group_unref(tasks);
}

/* The lesson's gather_with_return_when(): wait for the first, cancel the
 * rest.  FALSE when the rest were not all cancelled. */
static gboolean
wait_first(CpLoopFetch *fetches, gboolean verbose)
{
    GAsyncResult *result = NULL;
    guint cancelled = 0;
    double start = cp_time_now(), fastest = fetches[0].seconds, slowest = fetches[0].seconds;
    FirstWait wait = { create_tasks(fetches), NULL };

    cp_loop_wait_async(wait.tasks, CP_LOOP_FIRST_COMPLETED, CP_LOOP_NO_TIMEOUT, NULL,
                       first_completed, &wait);
    await_result(&wait.result, cp_loop_wait_finish);
    /* await asyncio.gather(*pending, return_exceptions=True): let the
     * cancelled tasks end, each with its CancelledError as its value. */
    cp_loop_gather_async(wait.tasks, TRUE, NULL, cp_loop_store_result, &result);
    await_result(&result, cp_loop_gather_finish);
    for (guint i = 0; i < N_TASKS; i++) {
        if (cp_loop_group_state(wait.tasks, i) == CP_LOOP_CANCELLED) {
            if (verbose)
                printf("Cancelled: %s\n", fetches[i].url);
            cancelled++;
        }
    }
    guint timers_left = cp_loop_timers_armed();   /* cancelled: none */
    for (int i = 1; i < N_TASKS; i++) {
        fastest = MIN(fastest, fetches[i].seconds);
        slowest = MAX(slowest, fetches[i].seconds);
    }
    if (verbose) {
        printf("Timers left on the loop: %u\n", timers_left);
        printf("Took %.2f s, about the fastest fetch (%.2f s), not the slowest (%.2f s)\n",
               cp_time_since_unscaled(start), fastest, slowest);
    }
    cp_loop_group_unref(wait.tasks);
    return cancelled == N_TASKS - 1 && timers_left == 0;
}

int
main(int argc, char *argv[])
{
    CpLoopFetch all[N_TASKS] = { { "http://slow.com", 0 }, { "http://fast.com", 0 },
                                 { "http://medium.com", 0 } };
    CpLoopFetch first[N_TASKS] = { { "http://fast.com", 0 }, { "http://slow.com", 0 },
                                   { "http://medium.com", 0 } };
    char *seed_text = NULL;
    gboolean first_completed_only = FALSE, verbose = FALSE;
    GOptionEntry entries[] = {
        { "first", 0, 0, G_OPTION_ARG_NONE, &first_completed_only,
          "Run the lesson's FIRST_COMPLETED demo, \"gather and return_when\" "
          "(default: its ALL_COMPLETED demo, \"asyncio.wait\")", NULL },
        { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
          "Seed of the random fetch times (0..4294967295; default: a new seed each run)", "N" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Wait for all tasks (--first: for the first one, cancelling the rest).",
        .entries = entries,
        .waits = TRUE,
        .verbose = &verbose,
    });
    CpLoopFetch *fetches = first_completed_only ? first : all;
    GRand *rng = cp_options_rand_new(seed_text);
    g_free(seed_text);
    cp_loop_fetch_draw(fetches, N_TASKS, rng);
    g_rand_free(rng);

    if (verbose) {
        cp_time_print_scale_note();   /* the times below are in lesson seconds */
        printf("%s\n", first_completed_only ? "Async with asyncio.gather and return_when:"
                                            : "Async with asyncio.wait:");
        cp_loop_fetch_print_times(fetches, N_TASKS, "");
    }
    if (!first_completed_only) {
        wait_all(fetches);
    } else if (!wait_first(fetches, verbose)) {
        fprintf(stderr, "wait_tasks: expected 2 tasks cancelled and no timer left\n");
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
