/* SPDX-License-Identifier: 0BSD */
/* Tests of common/cp_loop: sleeps, groups, gather, wait, deadlines,
 * as-completed order, a main context left empty, and the lessons'
 * simulated fetch. */
#include <config.h>

#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "cp_loop.h"
#include "cp_time.h"

/* A test operation: sleep `seconds`, then return a copy of `value`, or fail
 * with `value` as the message. */
typedef struct {
    double seconds;
    const char *value;
    gboolean fail;
} Job;

static void
job_slept(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    const Job *job = g_task_get_task_data(task);
    GError *error = NULL;

    (void) source;
    if (!cp_loop_sleep_finish(result, &error))
        g_task_return_error(task, error);
    else if (job->fail)
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", job->value);
    else
        g_task_return_pointer(task, g_strdup(job->value), g_free);
    g_object_unref(task);
}

static void
job_async(gpointer arg, GCancellable *cancellable, GAsyncReadyCallback callback,
          gpointer user_data)
{
    const Job *job = arg;
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);

    g_task_set_task_data(task, (gpointer) job, NULL);
    cp_loop_sleep_async(job->seconds, cancellable, job_slept, task);
}

static CpLoopGroup *
start_jobs(const Job *jobs, guint n)
{
    CpLoopGroup *group = cp_loop_group_new(g_free);

    for (guint i = 0; i < n; i++)
        cr_assert_eq(cp_loop_group_start(group, job_async, (gpointer) &jobs[i]), i);
    return group;
}

/* Nothing left on the main context: no source ready, no timer armed. */
static void
assert_loop_empty(void)
{
    GMainContext *context = g_main_context_default();
    GPollFD fds[16];
    gint priority, timeout = 0, n;
    gboolean ready;

    cr_assert(!g_main_context_pending(context), "a source is ready on the loop");
    cr_assert(g_main_context_acquire(context));
    ready = g_main_context_prepare(context, &priority);
    n = g_main_context_query(context, priority, &timeout, fds, G_N_ELEMENTS(fds));
    g_main_context_check(context, priority, fds, MIN(n, (gint) G_N_ELEMENTS(fds)));
    g_main_context_dispatch(context);
    g_main_context_release(context);
    cr_assert(!ready, "a source is ready on the loop");
    cr_assert_eq(timeout, -1, "a timer is still armed on the loop (%d ms)", timeout);
    cr_assert(!g_main_context_iteration(context, FALSE), "an iteration found work");
}

static gboolean
gather(CpLoopGroup *group, gboolean return_exceptions, GError **error)
{
    GAsyncResult *result = NULL;
    gboolean ok;

    cp_loop_gather_async(group, return_exceptions, NULL, cp_loop_store_result, &result);
    cp_loop_run_until(&result);
    ok = cp_loop_gather_finish(result, error);
    g_object_unref(result);
    return ok;
}

static gboolean
wait_for(CpLoopGroup *group, CpLoopWhen when, double timeout, GError **error)
{
    GAsyncResult *result = NULL;
    gboolean ok;

    cp_loop_wait_async(group, when, timeout, NULL, cp_loop_store_result, &result);
    cp_loop_run_until(&result);
    ok = cp_loop_wait_finish(result, error);
    g_object_unref(result);
    return ok;
}

static gint
next(CpLoopGroup *group, GError **error)
{
    GAsyncResult *result = NULL;
    gint index;

    cp_loop_next_async(group, NULL, cp_loop_store_result, &result);
    cp_loop_run_until(&result);
    index = cp_loop_next_finish(result, error);
    g_object_unref(result);
    return index;
}

Test(loop, scaled_ms_rounds_up, .timeout = 20)
{
    cp_time_set_scale(0.01);
    cr_assert_eq(cp_loop_scaled_ms(1.0), 10);
    cr_assert_eq(cp_loop_scaled_ms(0.1), 1);
    cr_assert_eq(cp_loop_scaled_ms(0.05), 1, "0.5 ms must not become 0");
    cr_assert_eq(cp_loop_scaled_ms(0), 0);
    cr_assert_eq(cp_loop_scaled_ms(-1), 0);
    cp_time_set_scale(1.0);
    cr_assert_eq(cp_loop_scaled_ms(1.5), 1500);
    cr_assert_eq(cp_loop_scaled_ms(1e12), G_MAXUINT);
    cp_time_set_scale(0.1);
    cr_assert_eq(cp_loop_scaled_ms(1.0), 100);
}

Test(loop, sleep_waits_its_scaled_time, .timeout = 20)
{
    GAsyncResult *result = NULL;
    GError *error = NULL;
    double start;

    cp_time_set_scale(0.01);
    start = cp_time_now();
    cp_loop_sleep_async(5.0, NULL, cp_loop_store_result, &result);   /* 50 ms */
    cp_loop_run_until(&result);
    cr_assert(cp_loop_sleep_finish(result, &error));
    cr_assert_null(error);
    cr_assert_geq(cp_time_since(start), 0.05);
    g_object_unref(result);
    assert_loop_empty();
}

Test(loop, cancelled_sleep_ends_and_removes_its_timer, .timeout = 20)
{
    GCancellable *cancellable = g_cancellable_new();
    GAsyncResult *result = NULL;
    GError *error = NULL;
    double start;

    cp_time_set_scale(1.0);
    start = cp_time_now();
    cr_assert_eq(cp_loop_timers_armed(), 0);
    cp_loop_sleep_async(1000.0, cancellable, cp_loop_store_result, &result);
    cp_loop_sleep_async(0.0, NULL, NULL, NULL);   /* due at once */
    cr_assert_eq(cp_loop_timers_armed(), 2);
    for (int i = 0; i < 3; i++)
        g_main_context_iteration(NULL, FALSE);
    cr_assert_null(result, "a 1000 s sleep ended at once");
    cr_assert_eq(cp_loop_timers_armed(), 1, "the due sleep's timer is still armed");
    g_cancellable_cancel(cancellable);
    cr_assert_eq(cp_loop_timers_armed(), 0, "cancelling left the timer armed");
    cp_loop_run_until(&result);
    cr_assert(!cp_loop_sleep_finish(result, &error));
    cr_assert(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "error: %s",
              error ? error->message : "none");
    cr_assert_lt(cp_time_since(start), 10.0);
    g_error_free(error);
    g_object_unref(result);
    g_object_unref(cancellable);
    assert_loop_empty();   /* the 1000 s timer is gone */
}

Test(loop, sleep_cancelled_before_it_starts, .timeout = 20)
{
    GCancellable *cancellable = g_cancellable_new();
    GAsyncResult *result = NULL;
    GError *error = NULL;

    g_cancellable_cancel(cancellable);
    cp_loop_sleep_async(1000.0, cancellable, cp_loop_store_result, &result);
    cp_loop_run_until(&result);
    cr_assert(!cp_loop_sleep_finish(result, &error));
    cr_assert(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
    g_error_free(error);
    g_object_unref(result);
    g_object_unref(cancellable);
    assert_loop_empty();
}

Test(loop, gather_keeps_submission_order, .timeout = 20)
{
    /* They end in the order b, c, a. */
    const Job jobs[] = { { 3.0, "a", FALSE }, { 1.0, "b", FALSE }, { 2.0, "c", FALSE } };
    CpLoopGroup *group;
    GError *error = NULL;

    cp_time_set_scale(0.01);
    group = start_jobs(jobs, 3);
    cr_assert_eq(cp_loop_group_size(group), 3);
    cr_assert_eq(cp_loop_group_count(group, CP_LOOP_PENDING), 3);
    cr_assert(gather(group, FALSE, &error));
    cr_assert_null(error);
    for (guint i = 0; i < 3; i++) {
        cr_assert_eq(cp_loop_group_state(group, i), CP_LOOP_DONE);
        cr_assert_str_eq(cp_loop_group_value(group, i), jobs[i].value);
        cr_assert_null(cp_loop_group_error(group, i));
    }
    cr_assert_eq(cp_loop_group_count(group, CP_LOOP_DONE), 3);
    cr_assert(!cp_loop_group_cancel(group, 0), "cancel of an ended task reported pending");
    cp_loop_group_unref(group);
    assert_loop_empty();
}

Test(loop, gather_return_exceptions_keeps_errors_as_values, .timeout = 20)
{
    const Job jobs[] = { { 0.5, "Task failed!", TRUE }, { 1.0, "Normal task completed", FALSE } };
    CpLoopGroup *group;
    GError *error = NULL;

    cp_time_set_scale(0.01);
    group = start_jobs(jobs, 2);
    cr_assert(gather(group, TRUE, &error));
    cr_assert_null(error);
    cr_assert_eq(cp_loop_group_state(group, 0), CP_LOOP_FAILED);
    cr_assert_null(cp_loop_group_value(group, 0));
    cr_assert(g_error_matches(cp_loop_group_error(group, 0), G_IO_ERROR, G_IO_ERROR_FAILED));
    cr_assert_str_eq(cp_loop_group_error(group, 0)->message, "Task failed!");
    cr_assert_eq(cp_loop_group_state(group, 1), CP_LOOP_DONE);
    cr_assert_str_eq(cp_loop_group_value(group, 1), "Normal task completed");
    cp_loop_group_unref(group);
    assert_loop_empty();
}

Test(loop, gather_without_return_exceptions_fails_and_cancels_the_rest, .timeout = 20)
{
    const Job jobs[] = { { 0.5, "boom", TRUE }, { 1000.0, "slow", FALSE }, { 0.1, "quick", FALSE } };
    CpLoopGroup *group;
    GError *error = NULL;
    double start;

    cp_time_set_scale(0.01);
    start = cp_time_now();
    group = start_jobs(jobs, 3);
    cr_assert(!gather(group, FALSE, &error));
    cr_assert(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_FAILED));
    cr_assert_str_eq(error->message, "boom");
    cr_assert_lt(cp_time_since(start), 5.0, "the gather waited for the slow task");
    cr_assert_eq(cp_loop_group_state(group, 0), CP_LOOP_FAILED);
    cr_assert_eq(cp_loop_group_state(group, 1), CP_LOOP_CANCELLED);
    cr_assert(g_error_matches(cp_loop_group_error(group, 1), G_IO_ERROR, G_IO_ERROR_CANCELLED));
    cr_assert_eq(cp_loop_group_state(group, 2), CP_LOOP_DONE);
    cr_assert_str_eq(cp_loop_group_value(group, 2), "quick");
    g_error_free(error);
    cp_loop_group_unref(group);
    assert_loop_empty();
}

Test(loop, wait_all_completed, .timeout = 20)
{
    const Job jobs[] = { { 2.0, "slow", FALSE }, { 0.5, "fast", FALSE }, { 1.0, "medium", FALSE } };
    CpLoopGroup *group;
    GError *error = NULL;

    cp_time_set_scale(0.01);
    group = start_jobs(jobs, 3);
    cr_assert(wait_for(group, CP_LOOP_ALL_COMPLETED, CP_LOOP_NO_TIMEOUT, &error));
    cr_assert_eq(cp_loop_group_count(group, CP_LOOP_DONE), 3);
    cp_loop_group_unref(group);
    assert_loop_empty();
}

Test(loop, first_completed_then_cancel_the_rest, .timeout = 20)
{
    const Job jobs[] = { { 1000.0, "slow", FALSE }, { 0.5, "fast", FALSE }, { 1000.0, "medium", FALSE } };
    CpLoopGroup *group;
    GError *error = NULL;

    cp_time_set_scale(0.01);
    group = start_jobs(jobs, 3);
    cr_assert(wait_for(group, CP_LOOP_FIRST_COMPLETED, CP_LOOP_NO_TIMEOUT, &error));
    cr_assert_eq(cp_loop_group_count(group, CP_LOOP_DONE), 1);
    cr_assert_eq(cp_loop_group_count(group, CP_LOOP_PENDING), 2);
    cr_assert_str_eq(cp_loop_group_value(group, 1), "fast");

    cr_assert_eq(cp_loop_group_cancel_pending(group), 2);
    cr_assert(gather(group, TRUE, &error));   /* gather(*pending, return_exceptions=True) */
    cr_assert_eq(cp_loop_group_state(group, 0), CP_LOOP_CANCELLED);
    cr_assert_eq(cp_loop_group_state(group, 1), CP_LOOP_DONE);
    cr_assert_eq(cp_loop_group_state(group, 2), CP_LOOP_CANCELLED);
    cp_loop_group_unref(group);
    assert_loop_empty();
}

Test(loop, deadline_cancels_only_the_pending, .timeout = 20)
{
    const Job jobs[] = { { 0.5, "slow", FALSE }, { 1000.0, "very slow", FALSE }, { 1.0, "fast", FALSE } };
    CpLoopGroup *group;
    GError *error = NULL;
    double start;

    cp_time_set_scale(0.01);
    start = cp_time_now();
    group = start_jobs(jobs, 3);
    cr_assert(!wait_for(group, CP_LOOP_ALL_COMPLETED, 2.0, &error));
    cr_assert(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT), "error: %s",
              error ? error->message : "none");
    cr_assert_lt(cp_time_since(start), 5.0);
    cr_assert_eq(cp_loop_group_state(group, 0), CP_LOOP_DONE);
    cr_assert_str_eq(cp_loop_group_value(group, 0), "slow");
    cr_assert_eq(cp_loop_group_state(group, 1), CP_LOOP_CANCELLED);
    cr_assert_null(cp_loop_group_value(group, 1));
    cr_assert_eq(cp_loop_group_state(group, 2), CP_LOOP_DONE);
    cr_assert_str_eq(cp_loop_group_value(group, 2), "fast");
    g_error_free(error);
    cp_loop_group_unref(group);
    assert_loop_empty();   /* the deadline timer and the 1000 s sleep are gone */
}

Test(loop, deadline_not_reached_leaves_all_done, .timeout = 20)
{
    const Job jobs[] = { { 0.5, "a", FALSE }, { 1.0, "b", FALSE } };
    CpLoopGroup *group;
    GError *error = NULL;

    cp_time_set_scale(0.01);
    group = start_jobs(jobs, 2);
    cr_assert(wait_for(group, CP_LOOP_ALL_COMPLETED, 1000.0, &error));
    cr_assert_null(error);
    cr_assert_eq(cp_loop_group_count(group, CP_LOOP_DONE), 2);
    cp_loop_group_unref(group);
    assert_loop_empty();   /* the unused deadline timer is gone too */
}

Test(loop, next_gives_completion_order, .timeout = 20)
{
    /* 50 ms apart, so that a busy machine does not see two at once. */
    const Job jobs[] = { { 3.0, "api1", FALSE }, { 1.0, "api2", FALSE }, { 2.0, "api3", FALSE } };
    const gint order[] = { 1, 2, 0 };
    CpLoopGroup *group;
    GError *error = NULL;

    cp_time_set_scale(0.05);
    group = start_jobs(jobs, 3);
    for (guint k = 0; k < 3; k++) {
        gint index = next(group, &error);

        cr_assert_null(error);
        cr_assert_eq(index, order[k], "result %u: task %d, expected %d", k, index, order[k]);
        cr_assert_eq(cp_loop_group_state(group, (guint) index), CP_LOOP_DONE);
    }
    cr_assert_eq(next(group, &error), -1, "a fourth result from three tasks");
    cr_assert_null(error);
    cp_loop_group_unref(group);
    assert_loop_empty();
}

Test(loop, next_returns_each_ended_task_once, .timeout = 20)
{
    const Job jobs[] = { { 0.5, "a", FALSE }, { 0.5, "b", TRUE } };
    CpLoopGroup *group;
    GError *error = NULL;
    gboolean seen[2] = { FALSE, FALSE };

    cp_time_set_scale(0.01);
    group = start_jobs(jobs, 2);
    cr_assert(gather(group, TRUE, &error));   /* both ended before the first next */
    for (int k = 0; k < 2; k++) {
        gint index = next(group, &error);

        cr_assert(index == 0 || index == 1);
        cr_assert(!seen[index], "task %d returned twice", index);
        seen[index] = TRUE;
    }
    cr_assert_eq(next(group, &error), -1);
    cp_loop_group_unref(group);
    assert_loop_empty();
}

Test(loop, a_late_loop_still_ends_sleeps_in_deadline_order, .timeout = 20)
{
    /* Armed longest first; the loop then comes late to all three. */
    const Job jobs[] = { { 3.0, "c", FALSE }, { 2.0, "b", FALSE }, { 1.0, "a", FALSE } };
    const gint order[] = { 2, 1, 0 };
    CpLoopGroup *group;

    cp_time_set_scale(0.01);
    group = start_jobs(jobs, 3);
    cp_sleep_real(0.1);   /* all three are overdue now */
    for (guint k = 0; k < 3; k++)
        cr_assert_eq(next(group, NULL), order[k], "result %u", k);
    cp_loop_group_unref(group);
    assert_loop_empty();
}

static void
sleep_op(gpointer arg, GCancellable *cancellable, GAsyncReadyCallback callback,
         gpointer user_data)
{
    cp_loop_sleep_async(*(const double *) arg, cancellable, callback, user_data);
}

Test(loop, many_sleeps_end_in_deadline_order_and_cancelled_ones_disarm_at_once, .timeout = 20)
{
    /* Half armed out of deadline order, half in order; every seventh is
     * cancelled before the loop runs, and the loop comes late to the rest.
     * A sleep's deadline is when it was armed plus its time, so of two
     * sleeps the one that ends later has a time no shorter than the other's
     * less the time it took to arm them all. */
    enum { N = 2000 };
    static double seconds[N];
    CpLoopGroup *group = cp_loop_group_new(NULL);
    guint cancelled = 0;
    double start, arming, last = -1.0;

    cp_time_set_scale(0.01);
    start = cp_time_now();
    for (guint i = 0; i < N; i++) {
        seconds[i] = i < N / 2 ? (i * 7919 % 1000) / 100.0 : 10.0 + i / 1000.0;
        cp_loop_group_start(group, sleep_op, &seconds[i]);
    }
    arming = cp_time_since(start);
    cr_assert_eq(cp_loop_timers_armed(), N);
    for (guint i = 0; i < N; i += 7)
        cancelled += cp_loop_group_cancel(group, i);
    cr_assert_eq(cp_loop_timers_armed(), N - cancelled, "a cancelled sleep left its timer");
    cp_sleep_real(0.15 + arming);   /* every sleep is overdue now */
    for (guint k = 0; k < N; k++) {
        gint i = next(group, NULL);

        cr_assert_geq(i, 0);
        if (i % 7 == 0) {
            cr_assert_eq(cp_loop_group_state(group, (guint) i), CP_LOOP_CANCELLED);
            continue;
        }
        cr_assert_eq(cp_loop_group_state(group, (guint) i), CP_LOOP_DONE);
        cr_assert_null(cp_loop_group_value(group, (guint) i), "a sleep returns nothing");
        cr_assert_geq(cp_time_scaled(seconds[i]), last - arming,
                      "a %.3f s sleep ended after a %.3f s one (arming took %.3f s)",
                      cp_time_scaled(seconds[i]), last, arming);
        last = cp_time_scaled(seconds[i]);
    }
    cr_assert_eq(next(group, NULL), -1);
    cr_assert_eq(cp_loop_group_count(group, CP_LOOP_CANCELLED), cancelled);
    cp_loop_group_unref(group);
    assert_loop_empty();
}

Test(loop, a_late_loop_still_times_out_before_a_later_task, .timeout = 20)
{
    const Job jobs[] = { { 3.0, "too late", FALSE }, { 1.0, "in time", FALSE } };
    GAsyncResult *result = NULL;
    CpLoopGroup *group;
    GError *error = NULL;

    cp_time_set_scale(0.01);
    group = start_jobs(jobs, 2);
    cp_loop_wait_async(group, CP_LOOP_ALL_COMPLETED, 2.0, NULL, cp_loop_store_result, &result);
    cp_sleep_real(0.1);   /* the task at 3 and the deadline at 2 are both overdue */
    cp_loop_run_until(&result);
    cr_assert(!cp_loop_wait_finish(result, &error));
    cr_assert(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
    cr_assert_eq(cp_loop_group_state(group, 0), CP_LOOP_CANCELLED);
    cr_assert_eq(cp_loop_group_state(group, 1), CP_LOOP_DONE);
    g_error_free(error);
    g_object_unref(result);
    cp_loop_group_unref(group);
    assert_loop_empty();
}

Test(loop, three_sleeps_gathered_take_one_not_three, .timeout = 20)
{
    const Job jobs[] = { { 1.0, "a", FALSE }, { 1.0, "b", FALSE }, { 1.0, "c", FALSE } };
    const double unit = 0.2;   /* real seconds per simulated second */
    CpLoopGroup *group;
    GError *error = NULL;
    double start, took;

    cp_time_set_scale(unit);
    start = cp_time_now();
    group = start_jobs(jobs, 3);
    cr_assert(gather(group, FALSE, &error));
    took = cp_time_since(start);
    cr_assert_geq(took, 1.0 * unit);
    cr_assert_lt(took, 2.0 * unit, "three 1-unit waits took %.3f s (unit %.1f s)", took, unit);
    cp_loop_group_unref(group);
    assert_loop_empty();
}

static void
cancel_later(GObject *source, GAsyncResult *result, gpointer user_data)
{
    (void) source;
    cr_assert(cp_loop_sleep_finish(result, NULL));
    g_cancellable_cancel(user_data);
}

Test(loop, cancelled_wait_leaves_the_tasks_running, .timeout = 20)
{
    const Job jobs[] = { { 2.0, "Long task completed", FALSE } };
    GCancellable *cancellable = g_cancellable_new();
    GAsyncResult *result = NULL;
    CpLoopGroup *group;
    GError *error = NULL;

    cp_time_set_scale(0.01);
    group = start_jobs(jobs, 1);
    cp_loop_wait_async(group, CP_LOOP_ALL_COMPLETED, CP_LOOP_NO_TIMEOUT, cancellable,
                       cp_loop_store_result, &result);
    cp_loop_sleep_async(0.5, NULL, cancel_later, cancellable);
    cp_loop_run_until(&result);
    cr_assert(!cp_loop_wait_finish(result, &error));
    cr_assert(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
    cr_assert_eq(cp_loop_group_state(group, 0), CP_LOOP_PENDING, "cancelling the wait stopped the task");
    g_clear_error(&error);
    g_object_unref(result);

    cr_assert(wait_for(group, CP_LOOP_ALL_COMPLETED, CP_LOOP_NO_TIMEOUT, &error));
    cr_assert_str_eq(cp_loop_group_value(group, 0), "Long task completed");
    g_object_unref(cancellable);
    cp_loop_group_unref(group);
    assert_loop_empty();
}

Test(loop, empty_group_completes_at_once, .timeout = 20)
{
    CpLoopGroup *group = cp_loop_group_new(NULL);
    GError *error = NULL;

    cr_assert(gather(group, FALSE, &error));
    cr_assert(wait_for(group, CP_LOOP_ALL_COMPLETED, 1.0, &error));
    cr_assert_eq(next(group, &error), -1);
    cr_assert_null(error);
    cp_loop_group_unref(group);
    assert_loop_empty();
}

Test(loop, group_outlives_its_owner_until_tasks_end, .timeout = 20)
{
    const Job jobs[] = { { 0.5, "a", FALSE } };
    CpLoopGroup *group;
    GAsyncResult *result = NULL;

    cp_time_set_scale(0.01);
    group = start_jobs(jobs, 1);
    cp_loop_sleep_async(1.0, NULL, cp_loop_store_result, &result);
    cp_loop_group_unref(group);   /* the running task still holds it */
    cp_loop_run_until(&result);
    g_object_unref(result);
    assert_loop_empty();          /* and ASan finds no leak */
}

Test(loop, run_returns_the_operations_result, .timeout = 20)
{
    const Job ok = { 0.5, "done", FALSE }, bad = { 0.5, "broken", TRUE };
    GAsyncResult *result;
    GError *error = NULL;
    char *value;

    cp_time_set_scale(0.01);
    result = cp_loop_run(job_async, (gpointer) &ok);
    value = g_task_propagate_pointer(G_TASK(result), &error);
    cr_assert_str_eq(value, "done");
    g_free(value);
    g_object_unref(result);

    result = cp_loop_run(job_async, (gpointer) &bad);
    cr_assert_null(g_task_propagate_pointer(G_TASK(result), &error));
    cr_assert_str_eq(error->message, "broken");
    g_error_free(error);
    g_object_unref(result);
    assert_loop_empty();
}

Test(loop, fetch_returns_data_from_its_url, .timeout = 20)
{
    CpLoopFetch fetch = { "http://example.com", 0.5 };
    GAsyncResult *result;
    GError *error = NULL;
    char *value;

    cp_time_set_scale(0.01);
    result = cp_loop_run(cp_loop_fetch_async, &fetch);
    value = cp_loop_fetch_finish(result, &error);
    cr_assert_null(error);
    cr_assert_str_eq(value, "Data from http://example.com");
    g_free(value);
    g_object_unref(result);
    assert_loop_empty();
}

Test(loop, fetch_is_cancellable, .timeout = 20)
{
    CpLoopFetch fetch = { "http://slow.com", 1000.0 };
    GCancellable *cancellable = g_cancellable_new();
    GAsyncResult *result = NULL;
    GError *error = NULL;

    cp_time_set_scale(1.0);
    cp_loop_fetch_async(&fetch, cancellable, cp_loop_store_result, &result);
    for (int i = 0; i < 3; i++)
        g_main_context_iteration(NULL, FALSE);
    cr_assert_null(result, "a 1000 s fetch ended at once");
    g_cancellable_cancel(cancellable);
    cp_loop_run_until(&result);
    cr_assert_null(cp_loop_fetch_finish(result, &error));
    cr_assert(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "error: %s",
              error ? error->message : "none");
    g_error_free(error);
    g_object_unref(result);
    g_object_unref(cancellable);
    assert_loop_empty();   /* the 1000 s timer is gone */
}

Test(loop, fetches_in_a_group_cancel_like_tasks, .timeout = 20)
{
    CpLoopFetch fetches[] = { { "http://fast.com", 0.5 }, { "http://slow.com", 1000.0 } };
    CpLoopGroup *group = cp_loop_group_new(g_free);
    GError *error = NULL;

    cp_time_set_scale(0.01);
    for (guint i = 0; i < G_N_ELEMENTS(fetches); i++)
        cp_loop_group_start(group, cp_loop_fetch_async, &fetches[i]);
    cr_assert(wait_for(group, CP_LOOP_FIRST_COMPLETED, CP_LOOP_NO_TIMEOUT, &error));
    cr_assert_str_eq(cp_loop_group_value(group, 0), "Data from http://fast.com");
    cr_assert(cp_loop_group_cancel(group, 1));
    cr_assert(gather(group, TRUE, &error));
    cr_assert_eq(cp_loop_group_state(group, 1), CP_LOOP_CANCELLED);
    cr_assert(g_error_matches(cp_loop_group_error(group, 1), G_IO_ERROR, G_IO_ERROR_CANCELLED));
    cp_loop_group_unref(group);
    assert_loop_empty();
}

Test(loop, fetch_draw_gives_hundredths_from_half_to_two_seconds, .timeout = 20)
{
    enum { N = 300 };
    CpLoopFetch a[N], b[N];
    GRand *rng_a = g_rand_new_with_seed(42), *rng_b = g_rand_new_with_seed(42);
    double lowest = 3, highest = 0;

    cp_loop_fetch_draw(a, N, rng_a);
    cp_loop_fetch_draw(b, N / 2, rng_b);   /* two draws in a row, one sequence */
    cp_loop_fetch_draw(b + N / 2, N - N / 2, rng_b);
    for (int i = 0; i < N; i++) {
        int hundredths = (int) (a[i].seconds * 100 + 0.5);

        cr_assert_geq(a[i].seconds, 0.5);
        cr_assert_leq(a[i].seconds, 2.0);
        cr_assert_float_eq(a[i].seconds, hundredths / 100.0, 1e-12, "%.17g is not in hundredths",
                           a[i].seconds);
        cr_assert_eq(a[i].seconds, b[i].seconds, "the same seed drew %g and %g", a[i].seconds,
                     b[i].seconds);
        lowest = MIN(lowest, a[i].seconds);
        highest = MAX(highest, a[i].seconds);
    }
    cr_assert_lt(lowest, 0.6, "%d draws all at %.2f s or more", N, lowest);
    cr_assert_gt(highest, 1.9, "%d draws all at %.2f s or less", N, highest);
    g_rand_free(rng_a);
    g_rand_free(rng_b);
}

Test(loop, fetch_print_times_line, .init = cr_redirect_stdout, .timeout = 20)
{
    const CpLoopFetch fetches[] = { { "http://slow.com", 2.0 }, { "http://fast.com", 0.5 } };

    cp_loop_fetch_print_times(fetches, 2, " (deadline 1.5 s)");
    cp_loop_fetch_print_times(fetches + 1, 1, "");
    fflush(stdout);
    cr_assert_stdout_eq_str("Fetch times: http://slow.com 2.00 s, http://fast.com 0.50 s"
                            " (deadline 1.5 s)\n"
                            "Fetch times: http://fast.com 0.50 s\n");
}
