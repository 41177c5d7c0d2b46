/* SPDX-License-Identifier: 0BSD */
/* async_tasks.c: three tasks of different lengths on one event loop, their
 * results gathered in the order they were started.
 *
 * Ports lesson 002 §4 "Basic asyncio", the cell's first demo:
 * async_task(name, duration) prints "starting", awaits
 * asyncio.sleep(duration), prints "finished" and returns "Result from
 * <name>"; main() gathers Task-1 (1 s), Task-2 (2 s) and Task-3 (1.5 s).
 * Here each task is an operation in GIO's async shape started in a
 * cp_loop group (asyncio.create_task), which keeps a result slot per task;
 * cp_loop_gather_async() completes when every slot is filled, and
 * cp_loop_run_until() runs the GMainLoop until then.  The demo's title,
 * "Basic asyncio:", comes with -v.
 *
 * Usage:   async_tasks [-v] [--time-scale=F] [SECONDS...]   (default: 1 2 1.5)
 *
 * Look for: the tasks finish in the order of their durations (Task-1,
 * Task-3, Task-2), yet "Results:" lists them in the order they were
 * started.  The run takes about 2 s, the longest task, not 4.5 s: the
 * three sleeps overlap on one thread (-v prints how long it took, in
 * lesson seconds).
 *
 * See also: async/gather.c (random durations), async/greet.c (the loop
 * without cp_loop's groups), async/return_exceptions.c.
 *
 * Build alone: cc -std=c11 async_tasks.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>

#include "cp_format.h"
#include "cp_loop.h"
#include "cp_options.h"
#include "cp_time.h"

typedef struct {
    char *name;
    double duration;
} Job;

static void async_task_slept(GObject *source, GAsyncResult *result, gpointer user_data);

/* async def async_task(name, duration), in GIO's async shape. */
static void
async_task(gpointer arg, GCancellable *cancellable, GAsyncReadyCallback callback,
           gpointer user_data)
{
    const Job *job = arg;
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);

    g_task_set_task_data(task, arg, NULL);
    printf("Task %s starting\n", job->name);
    cp_loop_sleep_async(job->duration, cancellable, async_task_slept, task);
}

/* After the await: finish, and return the result through the task. */
static void
async_task_slept(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    const Job *job = g_task_get_task_data(task);
    GError *error = NULL;

    (void) source;
    if (cp_loop_sleep_finish(result, &error)) {
        printf("Task %s finished\n", job->name);
        g_task_return_pointer(task, g_strdup_printf("Result from %s", job->name), g_free);
    } else {
        g_task_return_error(task, error);
    }
    g_object_unref(task);
}

int
main(int argc, char *argv[])
{
    const double lesson_durations[] = { 1, 2, 1.5 };
    int n;
    Job *jobs;
    CpLoopGroup *group;
    GAsyncResult *result = NULL;
    GError *error = NULL;
    const char **values;
    char *list;
    int status = EXIT_SUCCESS;
    gboolean verbose = FALSE;
    double start, longest = 0, sum = 0;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "[SECONDS...]",
        .inputs_default = "1 2 1.5 (the lesson's)",
        .summary = "Run tasks of the given durations on one event loop; gather their results.",
        .waits = TRUE,
        .verbose = &verbose,
    });
    n = argc > 1 ? argc - 1 : (int) G_N_ELEMENTS(lesson_durations);
    jobs = g_new(Job, n);
    for (int i = 0; i < n; i++) {
        jobs[i].name = g_strdup_printf("Task-%d", i + 1);
        jobs[i].duration = argc > 1 ? cp_options_parse_double(argv[i + 1], 0, 3600, "duration")
                                    : lesson_durations[i];
        longest = MAX(longest, jobs[i].duration);
        sum += jobs[i].duration;
    }
    if (verbose) {
        cp_time_print_scale_note();   /* the "Took" line is in lesson seconds */
        printf("Basic asyncio:\n");
    }
    start = cp_time_now();

    /* Start every task now (asyncio.create_task); each gets a result slot. */
    group = cp_loop_group_new(g_free);
    for (int i = 0; i < n; i++)
        cp_loop_group_start(group, async_task, &jobs[i]);
    /* results = await asyncio.gather(*tasks) */
    cp_loop_gather_async(group, FALSE, NULL, cp_loop_store_result, &result);
    cp_loop_run_until(&result);
    if (!cp_loop_gather_finish(result, &error)) {
        fprintf(stderr, "async_tasks: %s\n", error->message);
        return EXIT_FAILURE;
    }

    values = g_new(const char *, n);
    for (int i = 0; i < n; i++) {
        char *want = g_strdup_printf("Result from %s", jobs[i].name);

        values[i] = cp_loop_group_value(group, (guint) i);   /* slot i: task i */
        if (g_strcmp0(values[i], want) != 0)
            status = EXIT_FAILURE;
        g_free(want);
    }
    list = cp_format_str_list(values, (gsize) n);
    printf("Results: %s\n", list);
    if (verbose)
        printf("Took %.2f s, about the longest task (%.2f s), not the sum of them all (%.2f s)\n",
               cp_time_since_unscaled(start), longest, sum);
    if (status != EXIT_SUCCESS)
        fprintf(stderr, "async_tasks: results are not in submission order\n");

    g_free(list);
    g_free(values);
    g_object_unref(result);
    cp_loop_group_unref(group);
    for (int i = 0; i < n; i++)
        g_free(jobs[i].name);
    g_free(jobs);
    return status;
}
