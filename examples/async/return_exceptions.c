/* SPDX-License-Identifier: 0BSD */
/* return_exceptions.c: asyncio.gather(..., return_exceptions=True) on
 * GLib's main loop: a task's error comes back as its result, and the
 * other tasks are not disturbed by it.
 *
 * Ports lesson 002 §4 "Async with asyncio.gather and return_exceptions".
 * Two tasks start together in a cp_loop group: one fails after 0.5 s with
 * a GError (the lesson's ValueError("Task failed!")), the other returns
 * "Normal task completed" after 1 s.  The gather keeps every task's
 * outcome, value or error, in its slot, in submission order; the loop over
 * the slots is the lesson's `isinstance(result, Exception)` test.  The
 * demo's title, "Async with asyncio.gather and return_exceptions:", comes
 * with -v.
 *
 * Usage:   return_exceptions [-v] [--time-scale=F]
 *
 * Look for: "Task 0 failed: Task failed!" and "Task 1 succeeded: Normal
 * task completed", in that order, after one second: the failure at 0.5 s
 * did not cut the gather short (-v prints how long it took, in lesson
 * seconds).  (Without return_exceptions the gather
 * itself fails with the first error; cp_loop's then cancels the other
 * tasks, as asyncio.TaskGroup does.)
 *
 * See also: async/gather.c, async/async_tasks.c.
 *
 * Build alone: cc -std=c11 return_exceptions.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>

#include "cp_loop.h"
#include "cp_options.h"
#include "cp_time.h"

/* The error domain of this program's errors; ValueError is its one code. */
#define VALUE_ERROR value_error_quark()

static GQuark
value_error_quark(void)
{
    return g_quark_from_static_string("return-exceptions-value-error");
}

/* The rest of task_with_exception(), after its await: raise. */
static void
failing_task_slept(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    GError *error = NULL;

    (void) source;
    if (cp_loop_sleep_finish(result, &error))
        g_task_return_new_error(task, VALUE_ERROR, 0, "Task failed!");
    else
        g_task_return_error(task, error);
    g_object_unref(task);
}

/* async def task_with_exception(): await asyncio.sleep(0.5); raise ... */
static void
task_with_exception_async(gpointer arg, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);

    (void) arg;
    cp_loop_sleep_async(0.5, cancellable, failing_task_slept, task);
}

/* The rest of normal_task(), after its await. */
static void
normal_task_slept(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    GError *error = NULL;

    (void) source;
    if (cp_loop_sleep_finish(result, &error))
        g_task_return_pointer(task, g_strdup("Normal task completed"), g_free);
    else
        g_task_return_error(task, error);
    g_object_unref(task);
}

/* async def normal_task(): await asyncio.sleep(1); return "..." */
static void
normal_task_async(gpointer arg, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);

    (void) arg;
    cp_loop_sleep_async(1.0, cancellable, normal_task_slept, task);
}

int
main(int argc, char *argv[])
{
    GAsyncResult *result = NULL;
    GError *error = NULL;
    gboolean verbose = FALSE;
    double start;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Gather two tasks, one of which fails: the error comes back as a value.",
        .waits = TRUE,
        .verbose = &verbose,
    });

    if (verbose) {
        cp_time_print_scale_note();   /* the "Took" line is in lesson seconds */
        printf("Async with asyncio.gather and return_exceptions:\n");
    }
    start = cp_time_now();
    CpLoopGroup *tasks = cp_loop_group_new(g_free);
    cp_loop_group_start(tasks, task_with_exception_async, NULL);
    cp_loop_group_start(tasks, normal_task_async, NULL);

    /* results = await asyncio.gather(*tasks, return_exceptions=True) */
    cp_loop_gather_async(tasks, TRUE, NULL, cp_loop_store_result, &result);
    cp_loop_run_until(&result);
    if (!cp_loop_gather_finish(result, &error)) {   /* only an error of its own */
        fprintf(stderr, "return_exceptions: %s\n", error->message);
        return EXIT_FAILURE;
    }
    g_object_unref(result);

    for (guint i = 0; i < cp_loop_group_size(tasks); i++) {
        if (cp_loop_group_state(tasks, i) == CP_LOOP_DONE)
            printf("Task %u succeeded: %s\n", i, (char *) cp_loop_group_value(tasks, i));
        else
            printf("Task %u failed: %s\n", i, cp_loop_group_error(tasks, i)->message);
    }
    if (verbose)
        printf("Took %.2f s, as long as the normal task (1 s): the failure at 0.5 s "
               "did not end the gather\n", cp_time_since_unscaled(start));

    /* The lesson's outcome: the first failed, the second was not disturbed. */
    gboolean as_expected = cp_loop_group_state(tasks, 0) == CP_LOOP_FAILED
                           && g_error_matches(cp_loop_group_error(tasks, 0), VALUE_ERROR, 0)
                           && cp_loop_group_state(tasks, 1) == CP_LOOP_DONE;
    cp_loop_group_unref(tasks);
    if (!as_expected) {
        fprintf(stderr, "return_exceptions: expected task 0 to fail and task 1 to succeed\n");
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
