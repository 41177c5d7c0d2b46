/* SPDX-License-Identifier: 0BSD */
/* test_executor.c: cp_executor's promises (right results, input order for
 * map, each task run once, at most N at a time, free waits for all). */
#include <config.h>

#include <criterion/criterion.h>
#include <stdatomic.h>

#include "cp_executor.h"
#include "cp_queue.h"
#include "cp_time.h"

static void *
square(void *arg)
{
    gsize n = GPOINTER_TO_SIZE(arg);

    return GSIZE_TO_POINTER(n * n);
}

Test(executor, submit_returns_results, .timeout = 10)
{
    CpExecutor *ex = cp_executor_new(3);
    CpFuture *futures[20];

    for (gsize i = 0; i < 20; i++)
        futures[i] = cp_executor_submit(ex, square, GSIZE_TO_POINTER(i));
    for (gsize i = 0; i < 20; i++) {
        cr_assert_eq(GPOINTER_TO_SIZE(cp_future_result(futures[i])), i * i);
        cr_assert(cp_future_done(futures[i]));
        cp_future_free(futures[i]);
    }
    cp_executor_free(ex);
}

/* Earlier inputs sleep longer, so the tasks tend to finish in reverse. */
static void *
slow_for_small(void *arg)
{
    gsize i = GPOINTER_TO_SIZE(arg);

    cp_sleep_real(0.01 * (double) (8 - i));
    return GSIZE_TO_POINTER(i * 10);
}

Test(executor, map_keeps_input_order, .timeout = 10)
{
    CpExecutor *ex = cp_executor_new(4);
    void *args[8], *results[8];

    for (gsize i = 0; i < 8; i++) {
        args[i] = GSIZE_TO_POINTER(i);
        results[i] = NULL;
    }
    cp_executor_map(ex, slow_for_small, args, results, 8);
    for (gsize i = 0; i < 8; i++)
        cr_assert_eq(GPOINTER_TO_SIZE(results[i]), i * 10, "results[%zu]", i);
    cp_executor_map(ex, square, args, results, 0);   /* nothing to do */
    cp_executor_free(ex);
}

/* ------------------------------------------------- each task runs once */

#define MANY 10000

static atomic_int runs[MANY];   /* (atomic) runs[i]: times task i ran */

static void *
count_run(void *arg)
{
    atomic_fetch_add(&runs[GPOINTER_TO_SIZE(arg)], 1);
    return arg;
}

Test(executor, many_tasks_each_run_once, .timeout = 10)
{
    CpExecutor *ex = cp_executor_new(4);
    CpFuture **kept = g_new(CpFuture *, MANY);

    /* Keep half the futures and drop the others at once, so the worker is
     * sometimes the last to let go of a future and sometimes the caller. */
    for (gsize i = 0; i < MANY; i++) {
        kept[i] = cp_executor_submit(ex, count_run, GSIZE_TO_POINTER(i));
        if (i % 2 == 1) {
            cp_future_free(kept[i]);
            kept[i] = NULL;
        }
    }
    for (gsize i = 0; i < MANY; i += 2) {
        cr_assert_eq(GPOINTER_TO_SIZE(cp_future_result(kept[i])), i);
        cp_future_free(kept[i]);
    }
    cp_executor_free(ex);
    for (gsize i = 0; i < MANY; i++)
        cr_assert_eq(atomic_load(&runs[i]), 1, "task %zu ran %d times", i,
                     atomic_load(&runs[i]));
    g_free(kept);
}

/* ----------------------------------------------------- how many at once */

static atomic_int running;       /* (atomic) tasks running now */
static atomic_int max_running;   /* (atomic) the most seen at once */

static void *
track_and_sleep(void *arg)
{
    int now = atomic_fetch_add(&running, 1) + 1;
    int max = atomic_load(&max_running);

    /* Raise max_running to now unless another task raised it further. */
    while (now > max && !atomic_compare_exchange_weak(&max_running, &max, now))
        ;
    cp_sleep_real(*(double *) arg);
    atomic_fetch_sub(&running, 1);
    return NULL;
}

Test(executor, at_most_n_tasks_at_once, .timeout = 10)
{
    CpExecutor *ex = cp_executor_new(2);
    double nap = 0.002;
    CpFuture *futures[20];

    for (int i = 0; i < 20; i++)
        futures[i] = cp_executor_submit(ex, track_and_sleep, &nap);
    for (int i = 0; i < 20; i++) {
        cp_future_result(futures[i]);
        cp_future_free(futures[i]);
    }
    cp_executor_free(ex);
    cr_assert_leq(atomic_load(&max_running), 2);
    cr_assert_geq(atomic_load(&max_running), 1);
}

Test(executor, n_workers_run_n_tasks_in_parallel, .timeout = 10)
{
    CpExecutor *ex = cp_executor_new(4);
    double nap = 0.1, start, elapsed;
    CpFuture *futures[4];

    start = cp_time_now();
    for (int i = 0; i < 4; i++)
        futures[i] = cp_executor_submit(ex, track_and_sleep, &nap);
    for (int i = 0; i < 4; i++) {
        cp_future_result(futures[i]);
        cp_future_free(futures[i]);
    }
    elapsed = cp_time_since(start);
    cp_executor_free(ex);
    /* One after another they would take 0.4 s. */
    cr_assert_geq(elapsed, 0.1);
    cr_assert_lt(elapsed, 0.3, "4 tasks of 0.1 s on 4 workers took %g s", elapsed);
    cr_assert_leq(atomic_load(&max_running), 4);
}

/* ------------------------------------------------------- free, done, order */

static atomic_int finished;   /* (atomic) */

static void *
nap_and_count(void *arg)
{
    cp_sleep_real(0.001);
    atomic_fetch_add(&finished, 1);
    return arg;
}

Test(executor, free_runs_every_submitted_task, .timeout = 10)
{
    CpExecutor *ex = cp_executor_new(2);

    for (int i = 0; i < 40; i++)
        cp_future_free(cp_executor_submit(ex, nap_and_count, NULL));
    cp_executor_free(ex);
    cr_assert_eq(atomic_load(&finished), 40);
}

/* The task waits until the test puts a value in the gate queue. */
static void *
wait_for_gate(void *arg)
{
    CpQueue *gate = arg;
    gpointer value = NULL;

    cp_queue_get(gate, &value);
    return value;
}

Test(executor, future_done, .timeout = 10)
{
    CpExecutor *ex = cp_executor_new(1);
    CpQueue *gate = cp_queue_new(0);
    CpFuture *f = cp_executor_submit(ex, wait_for_gate, gate);

    cp_sleep_real(0.02);
    cr_assert(!cp_future_done(f), "done before its task could finish");
    cr_assert_eq(cp_queue_put(gate, GSIZE_TO_POINTER(7)), CP_QUEUE_OK);
    cr_assert_eq(GPOINTER_TO_SIZE(cp_future_result(f)), 7);
    cr_assert(cp_future_done(f));
    /* The result stays: asking again does not wait. */
    cr_assert_eq(GPOINTER_TO_SIZE(cp_future_result(f)), 7);
    cp_future_free(f);
    cp_executor_free(ex);
    cp_queue_free(gate);
}

static void *
returns_null(void *arg)
{
    (void) arg;
    return NULL;
}

Test(executor, null_result, .timeout = 10)
{
    CpExecutor *ex = cp_executor_new(1);
    CpFuture *f = cp_executor_submit(ex, returns_null, &ex);

    cr_assert_null(cp_future_result(f));
    cr_assert(cp_future_done(f));
    cp_future_free(f);
    cp_executor_free(ex);
}

#define ORDERED 100

static atomic_int ticket;          /* (atomic) */
static gsize order[ORDERED];       /* written by the one worker, read after free */

static void *
take_ticket(void *arg)
{
    order[atomic_fetch_add(&ticket, 1)] = GPOINTER_TO_SIZE(arg);
    return NULL;
}

Test(executor, one_worker_runs_tasks_in_submission_order, .timeout = 10)
{
    CpExecutor *ex = cp_executor_new(1);

    for (gsize i = 0; i < ORDERED; i++)
        cp_future_free(cp_executor_submit(ex, take_ticket, GSIZE_TO_POINTER(i)));
    cp_executor_free(ex);
    cr_assert_eq(atomic_load(&ticket), ORDERED);
    for (gsize i = 0; i < ORDERED; i++)
        cr_assert_eq(order[i], i);
}
