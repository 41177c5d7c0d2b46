/* SPDX-License-Identifier: 0BSD */
/* timeout.c: a deadline on GLib's main loop: what has not ended by then is
 * cancelled, and the waiter gets TimeoutError.
 *
 * Ports two demos of lesson 002 §4: "Async with asyncio.timeout" (the
 * default: one fetch, 1 s deadline) and "Async with asyncio.gather and
 * timeout" (--gather: three fetches, 1.5 s).  Each fetch
 * (cp_loop_fetch_async()) is an asyncio.sleep of a random 0.5..2 s.  The
 * deadline is a timer of its own on the loop, given to a wait for all the
 * tasks (cp_loop_wait_async()): if it fires first, it cancels every fetch
 * still pending, lets them end, and completes the wait with
 * G_IO_ERROR_TIMED_OUT, the C TimeoutError.  Fetches that ended in time
 * keep their results.  The demos' titles come with -v.
 *
 * The "gather and timeout" demo crashes in Python 3.11 whenever the
 * deadline fires: the timeout cancels the gather, the gather cancels its
 * unfinished tasks, and by the time the `except TimeoutError` runs they
 * are done (cancelled), so task.result() on the first of them raises
 * CancelledError, and "Task i still running" can never print.  This
 * program prints what the lesson evidently meant: after "Gather timed
 * out!", one line per task, "Task i completed: ..." or "Task i still
 * running" (it was, at the deadline; then it was cancelled).
 *
 * Usage:   timeout [--gather] [--seed=N] [-v] [--time-scale=F]
 *
 * Look for: "Task timed out!" when the fetch takes over its 1 s deadline
 * (two runs in three); when it beats it, nothing, as in the lesson (-v
 * prints "Task completed: ...").  With --gather: "Gather timed out!" and,
 * per task, "Task i completed: ..." for those under 1.5 s, "Task i still
 * running" for the others; or "All tasks completed: [...]" when all beat
 * the deadline.  -v prints the random "Fetch times" first and a "Took"
 * line last (in lesson seconds): each wait lasts no longer than its
 * deadline, whatever its slowest fetch would take.  The times are random;
 * --seed=N repeats a run.
 *
 * See also: async/wait_tasks.c, async/shield.c, async/gather.c.
 *
 * Build alone: cc -std=c11 timeout.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>

#include "cp_format.h"
#include "cp_loop.h"
#include "cp_options.h"
#include "cp_time.h"

#define N_TASKS 3

/* async with asyncio.timeout(seconds): await all of them.  FALSE when the
 * deadline passed first; the tasks that ended in time keep their values.
 * *took: how long the wait lasted, in the lesson's seconds. */
static gboolean
wait_with_timeout(CpLoopGroup *tasks, double seconds, double *took)
{
    GAsyncResult *result = NULL;
    GError *error = NULL;
    double start = cp_time_now();

    cp_loop_wait_async(tasks, CP_LOOP_ALL_COMPLETED, seconds, NULL, cp_loop_store_result, &result);
    cp_loop_run_until(&result);
    *took = cp_time_since_unscaled(start);
    gboolean in_time = cp_loop_wait_finish(result, &error);
    g_object_unref(result);
    if (!in_time && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
        fprintf(stderr, "timeout: %s\n", error->message);
        exit(EXIT_FAILURE);
    }
    g_clear_error(&error);
    return in_time;
}

/* The lesson's timeout_example(): one fetch under a 1 s deadline.  FALSE
 * when something was left pending. */
static gboolean
timeout_one(CpLoopFetch *one, gboolean verbose)
{
    double took;
    CpLoopGroup *tasks = cp_loop_group_new(g_free);

    cp_loop_group_start(tasks, cp_loop_fetch_async, one);
    if (!wait_with_timeout(tasks, 1.0, &took))
        printf("Task timed out!\n");
    else if (verbose)   /* the lesson prints nothing then */
        printf("Task completed: %s\n", (char *) cp_loop_group_value(tasks, 0));
    if (verbose)
        printf("Took %.2f s, no more than the deadline (1.0 s)\n", took);
    gboolean ok = cp_loop_group_count(tasks, CP_LOOP_PENDING) == 0;
    cp_loop_group_unref(tasks);
    return ok;
}

/* The lesson's gather_with_timeout(): three fetches under a 1.5 s deadline.
 * FALSE when something was left pending or failed. */
static gboolean
timeout_gather(CpLoopFetch *three, gboolean verbose)
{
    double took;
    gboolean ok = TRUE;
    CpLoopGroup *tasks = cp_loop_group_new(g_free);

    for (int i = 0; i < N_TASKS; i++)
        cp_loop_group_start(tasks, cp_loop_fetch_async, &three[i]);   /* asyncio.create_task() */
    if (wait_with_timeout(tasks, 1.5, &took)) {
        char *results[N_TASKS], *list;

        for (guint i = 0; i < N_TASKS; i++)
            results[i] = cp_loop_group_value(tasks, i);
        list = cp_format_str_list((const char *const *) results, N_TASKS);
        printf("All tasks completed: %s\n", list);
        g_free(list);
    } else {
        printf("Gather timed out!\n");
        /* Check which tasks completed; the others were still running at
         * the deadline, which cancelled them (the lesson asks every task
         * for its result, which for a cancelled one raises; here its state
         * is asked first). */
        for (guint i = 0; i < N_TASKS; i++) {
            if (cp_loop_group_state(tasks, i) == CP_LOOP_DONE)
                printf("Task %u completed: %s\n", i, (char *) cp_loop_group_value(tasks, i));
            else
                printf("Task %u still running\n", i);
        }
        guint cancelled = cp_loop_group_count(tasks, CP_LOOP_CANCELLED);
        if (verbose)
            printf("Cancelled at the deadline: %u of %d tasks\n", cancelled, N_TASKS);
        ok = cancelled > 0;
    }
    if (verbose)
        printf("Took %.2f s, no more than the deadline (1.5 s)\n", took);
    /* Nothing is left running: every task either ended or was cancelled. */
    ok = ok && cp_loop_group_count(tasks, CP_LOOP_PENDING) == 0
            && cp_loop_group_count(tasks, CP_LOOP_FAILED) == 0;
    cp_loop_group_unref(tasks);
    return ok;
}

int
main(int argc, char *argv[])
{
    CpLoopFetch one = { "http://slow.com", 0 };
    CpLoopFetch three[N_TASKS] = { { "http://slow.com", 0 }, { "http://very-slow.com", 0 },
                                   { "http://fast.com", 0 } };
    char *seed_text = NULL;
    gboolean gather = FALSE, verbose = FALSE, ok;
    GOptionEntry entries[] = {
        { "gather", 0, 0, G_OPTION_ARG_NONE, &gather,
          "Run the lesson's \"gather and timeout\" demo, three fetches under 1.5 s "
          "(default: its \"asyncio.timeout\" demo, one fetch under 1 s)", NULL },
        { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
          "Seed of the random fetch times (0..4294967295; default: a new seed each run)", "N" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Fetches under a deadline: what has not ended by then is cancelled.",
        .entries = entries,
        .waits = TRUE,
        .verbose = &verbose,
    });
    GRand *rng = cp_options_rand_new(seed_text);
    g_free(seed_text);
    if (gather)
        cp_loop_fetch_draw(three, N_TASKS, rng);
    else
        cp_loop_fetch_draw(&one, 1, rng);
    g_rand_free(rng);

    if (verbose) {
        cp_time_print_scale_note();   /* the times below are in lesson seconds */
        if (gather) {
            printf("Async with asyncio.gather and timeout:\n");
            cp_loop_fetch_print_times(three, N_TASKS, " (deadline 1.5 s)");
        } else {
            printf("Async with asyncio.timeout:\n");
            cp_loop_fetch_print_times(&one, 1, " (deadline 1.0 s)");
        }
    }
    ok = gather ? timeout_gather(three, verbose) : timeout_one(&one, verbose);
    if (!ok) {
        fprintf(stderr, "timeout: a task was left pending or failed\n");
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
