/* SPDX-License-Identifier: 0BSD */
/* square_pool.c: a thread pool with futures, ThreadPoolExecutor in C.
 *
 * Ports lesson 000 "Using ThreadPoolExecutor" (submit square(5), (7), (9)
 * to max_workers=3, then print each future.result()) and lesson 002 §2
 * "ThreadPoolExecutor" (squares of range(10) on max_workers=4); 004 §5's
 * executor.map(square, ...) is the same map.  The helper library's executor
 * is the pool: cp_executor_submit() queues a task and returns a future,
 * cp_future_result() waits for it, cp_executor_map() submits every input
 * and collects the results in input order, and cp_executor_free() is the
 * end of Python's "with" block (run what was submitted, join the threads).
 *
 * Usage:   square_pool [-w WORKERS] [N...]
 *          (default: -w 3 for 5 7 9, then -w 4 for 0 1 ... 9)
 *          square_pool -w 2 -- -3 12 100
 *
 * Look for: "25", "49", "81" in the order the futures were submitted, then
 * "Results: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]": whichever thread
 * finishes first, each result sits at its input's place.  Numbers given on
 * the command line replace the inputs of both parts, and -w sets both pool
 * sizes.  A task returns a void *, so each one gets a pointer to its own
 * job and returns it, filled in.  |n| stops at 3037000499, the largest
 * whose square fits in 64 bits.  Put "--" before negative numbers.
 *
 * See also: pools/fetch_pool.c (waits on a pool), pools/square_process_pool.c
 * (the same squares in processes).
 *
 * Build alone: cc -std=c11 square_pool.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cp_executor.h"
#include "cp_format.h"
#include "cp_options.h"

#define MAX_N INT64_C(3037000499)   /* 3037000499^2 < 2^63 - 1 < 3037000500^2 */

typedef struct {
    int64_t n;        /* set before the task is submitted, then only read */
    int64_t square;   /* written by its task; read only after result()
                         or map() returns, which orders the two */
} SquareJob;

/* Runs on a pool thread. */
static void *
square(void *arg)
{
    SquareJob *job = arg;

    job->square = job->n * job->n;
    return job;
}

int
main(int argc, char *argv[])
{
    const int64_t lesson_futures[] = { 5, 7, 9 };
    int workers = 0, count, n_futures;   /* workers 0: -w not given */
    gboolean ok = TRUE;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "[N...]",
        .inputs_default = "5 7 9 for the futures, then range(10): 0 1 2 ... 9 for map "
                          "(the lesson's)",
        .summary = "Square numbers on a pool of threads, with futures and with map.",
        .workers = &workers, .workers_are = "worker threads in both pools",
        .workers_default = "the lesson's 3 for the futures, 4 for map",
    });
    /* Inputs feed both parts; the lesson's are 5 7 9, then range(10). */
    count = argc > 1 ? argc - 1 : 10;
    n_futures = argc > 1 ? count : (int) G_N_ELEMENTS(lesson_futures);
    SquareJob *jobs = g_new0(SquareJob, count);
    SquareJob *future_jobs = g_new0(SquareJob, n_futures);
    for (int i = 0; i < count; i++)
        jobs[i].n = argc > 1 ? cp_options_parse_int_full(argv[i + 1], -MAX_N, MAX_N, "n",
                                                     "a larger square does not fit in 64 bits") : i;
    for (int i = 0; i < n_futures; i++)
        future_jobs[i].n = argc > 1 ? jobs[i].n : lesson_futures[i];

    /* Part 1: submit() returns at once; result() waits for that one task. */
    CpExecutor *executor = cp_executor_new(workers ? (guint) workers : 3);
    CpFuture **futures = g_new(CpFuture *, n_futures);
    for (int i = 0; i < n_futures; i++)
        futures[i] = cp_executor_submit(executor, square, &future_jobs[i]);
    for (int i = 0; i < n_futures; i++) {
        const SquareJob *done = cp_future_result(futures[i]);
        ok = ok && done == &future_jobs[i] && done->square == done->n * done->n;
        printf("%" PRId64 "\n", done->square);
        cp_future_free(futures[i]);
    }
    cp_executor_free(executor);   /* the end of the lesson's "with" block */

    /* Part 2: map() submits every input, then waits for each in turn. */
    void **args = g_new(void *, count), **results = g_new(void *, count);
    gint64 *squares = g_new(gint64, count);
    for (int i = 0; i < count; i++)
        args[i] = &jobs[i];
    executor = cp_executor_new(workers ? (guint) workers : 4);
    cp_executor_map(executor, square, args, results, (gsize) count);
    cp_executor_free(executor);
    for (int i = 0; i < count; i++) {
        const SquareJob *done = results[i];
        ok = ok && done == &jobs[i] && done->square == jobs[i].n * jobs[i].n;
        squares[i] = done->square;
    }
    cp_print_int_list("Results: ", squares, (gsize) count);

    if (!ok)
        fprintf(stderr, "square_pool: a result is wrong or out of order\n");
    g_free(squares);
    g_free(results);
    g_free(args);
    g_free(futures);
    g_free(future_jobs);
    g_free(jobs);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
