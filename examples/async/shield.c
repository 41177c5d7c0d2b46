/* SPDX-License-Identifier: 0BSD */
/* shield.c: asyncio.shield() on GLib's main loop: cancelling the waiter
 * does not cancel the work it waits for.
 *
 * Ports lesson 002 §4 "Async with asyncio.shield".  The long-running task
 * (asyncio.sleep(2), then "Long task completed") runs in a cp_loop group
 * with a GCancellable of its own.  The shield is a wait on that task with
 * a second, separate GCancellable: cancelling it (the lesson's
 * shielded_task.cancel()) completes the wait at once with
 * G_IO_ERROR_CANCELLED, the C CancelledError, while the task's own
 * cancellable is never touched, so its timer stays on the loop.  The
 * demo's title, "Async with asyncio.shield:", comes with -v.
 *
 * Usage:   shield [-v] [--time-scale=F]
 *
 * Look for: "Shielded task was cancelled" at once.  Then, as in the
 * lesson, asyncio.run() ends: it cancels the task left behind, and nothing
 * more is printed.  With -v the program waits for that task instead, to
 * show that the cancel did not reach it: "The long-running task is still
 * running", then, two seconds later, "It ran to its end anyway: Long task
 * completed".
 *
 * See also: async/timeout.c and async/wait_tasks.c, where cancelling does
 * reach the tasks.
 *
 * Build alone: cc -std=c11 shield.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>

#include "cp_loop.h"
#include "cp_options.h"

/* The rest of long_running_task(), after its await. */
static void
long_task_slept(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    GError *error = NULL;

    (void) source;
    if (cp_loop_sleep_finish(result, &error))
        g_task_return_pointer(task, g_strdup("Long task completed"), g_free);
    else
        g_task_return_error(task, error);
    g_object_unref(task);
}

/* async def long_running_task(): await asyncio.sleep(2); return "..." */
static void
long_running_task_async(gpointer arg, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);

    (void) arg;
    cp_loop_sleep_async(2.0, cancellable, long_task_slept, task);
}

/* `await`: run the loop until the wait completes; FALSE with its error. */
static gboolean
await_wait(GAsyncResult **result, GError **error)
{
    cp_loop_run_until(result);
    gboolean ok = cp_loop_wait_finish(*result, error);
    g_clear_object(result);
    return ok;
}

int
main(int argc, char *argv[])
{
    GAsyncResult *result = NULL;
    GError *error = NULL;
    gboolean verbose = FALSE, untouched, ran_to_end;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Cancel the waiter of a shielded task: the task itself is not cancelled.",
        .waits = TRUE,
        .verbose = &verbose,
    });

    if (verbose)
        printf("Async with asyncio.shield:\n");
    CpLoopGroup *work = cp_loop_group_new(g_free);
    cp_loop_group_start(work, long_running_task_async, NULL);

    /* shielded_task = asyncio.shield(long_running_task()): waiting on the
     * task through a cancellable that belongs to the waiter alone. */
    GCancellable *shielded_task = g_cancellable_new();
    cp_loop_wait_async(work, CP_LOOP_ALL_COMPLETED, CP_LOOP_NO_TIMEOUT, shielded_task,
                       cp_loop_store_result, &result);
    g_cancellable_cancel(shielded_task);   /* shielded_task.cancel() */

    if (await_wait(&result, &error)) {   /* result = await shielded_task */
        printf("Shielded result: %s\n", (char *) cp_loop_group_value(work, 0));
    } else if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        printf("Shielded task was cancelled\n");
    } else {
        fprintf(stderr, "shield: %s\n", error->message);
        return EXIT_FAILURE;
    }
    g_clear_error(&error);
    g_object_unref(shielded_task);

    /* The cancel stopped the waiting only: the task is still on the loop
     * (or, if --time-scale=0 made its wait end at once, done). */
    untouched = cp_loop_group_state(work, 0) == CP_LOOP_PENDING
                || cp_loop_group_state(work, 0) == CP_LOOP_DONE;
    if (verbose && cp_loop_group_state(work, 0) == CP_LOOP_PENDING)
        printf("The long-running task is still running\n");

    /* -v: wait for it again, this time with nothing to cancel the wait.
     * Otherwise end as asyncio.run() does: cancel the task left behind,
     * and let it end. */
    if (!verbose)
        cp_loop_group_cancel(work, 0);
    cp_loop_wait_async(work, CP_LOOP_ALL_COMPLETED, CP_LOOP_NO_TIMEOUT, NULL,
                       cp_loop_store_result, &result);
    await_wait(&result, NULL);   /* cannot fail: no cancellable, no deadline */
    ran_to_end = cp_loop_group_state(work, 0) == CP_LOOP_DONE;
    if (verbose && ran_to_end)
        printf("It ran to its end anyway: %s\n", (char *) cp_loop_group_value(work, 0));
    cp_loop_group_unref(work);

    if (!untouched || (verbose && !ran_to_end)) {
        fprintf(stderr, "shield: the cancel reached the shielded task\n");
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
