/* SPDX-License-Identifier: 0BSD */
/* square_pool.c: a thread pool with futures and map, ThreadPoolExecutor in C.
 *
 * Ports three lessons' cells, one per run:
 *
 *  --lesson=000  (the default) lesson 000 "Using ThreadPoolExecutor":
 *                submit square(5), square(7) and square(9) to a pool of 3
 *                threads, then print each future's result on its own line.
 *  --lesson=002  lesson 002 §2 "ThreadPoolExecutor": submit
 *                square_number(i) for i in range(10) to a pool of 4, take
 *                each future's result in submission order, print the list.
 *  --lesson=004  lesson 004 §5, its ThreadPoolExecutor half:
 *                list(executor.map(square, [1, 2, 3, 4, 5])) on a pool of
 *                3, where square() first sleeps 1 s.  (The cell's
 *                ProcessPoolExecutor half is pools/square_process_pool
 *                --lesson=004.)
 *
 * The helper library's executor is the pool: cp_executor_submit() queues a
 * task and returns a future, cp_future_result() waits for it,
 * cp_executor_map() submits every input and collects the results in input
 * order, and cp_executor_free() is the end of Python's "with" block (run
 * what was submitted, join the threads).
 *
 * Usage:   square_pool [--lesson=000|002|004] [-w WORKERS] [-v] [N...]
 *          (default: --lesson=000, the lesson's pool size and numbers)
 *          square_pool --lesson=002 -w 2 -- -3 12 100
 *
 * Look for: "25", "49", "81" (000), "Results: [0, 1, 4, 9, 16, 25, 36, 49,
 * 64, 81]" (002), "ThreadPool results: [1, 4, 9, 16, 25]" (004), each in
 * the order of its inputs, whichever thread finishes first.  With 004 the
 * five one-second waits overlap on three threads, so the line comes after
 * about 2 s, not 5; -v then adds how long the map took, in the lesson's
 * seconds (only 004 waits; --time-scale shortens its waits).  Numbers
 * given on the command line replace the lesson's, and -w sets the pool
 * size.  A task returns a void *, so each one gets a pointer to its own
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
#include <string.h>

#include "cp_executor.h"
#include "cp_format.h"
#include "cp_options.h"
#include "cp_time.h"

#define MAX_N INT64_C(3037000499)   /* 3037000499^2 < 2^63 - 1 < 3037000500^2 */

typedef struct {
    int64_t n;        /* set before the task is submitted, then only read */
    int64_t square;   /* written by its task; read only after result()
                         or map() returns, which orders the two */
} SquareJob;

static double task_wait;   /* 004's time.sleep(1); set before the pool starts */

/* Runs on a pool thread. */
static void *
square(void *arg)
{
    SquareJob *job = arg;

    if (task_wait > 0)
        cp_sleep(task_wait);
    job->square = job->n * job->n;
    return job;
}

/* 000 and 002: submit() returns at once; result() waits for that one task. */
static gboolean
square_with_futures(guint workers, SquareJob *jobs, int count)
{
    gboolean ok = TRUE;
    CpExecutor *executor = cp_executor_new(workers);
    CpFuture **futures = g_new(CpFuture *, count);

    for (int i = 0; i < count; i++)
        futures[i] = cp_executor_submit(executor, square, &jobs[i]);
    for (int i = 0; i < count; i++) {
        ok = ok && cp_future_result(futures[i]) == &jobs[i];
        cp_future_free(futures[i]);
    }
    cp_executor_free(executor);   /* the end of the lesson's "with" block */
    g_free(futures);
    return ok;
}

/* 004: map() submits every input, then waits for each in turn. */
static gboolean
square_with_map(guint workers, SquareJob *jobs, int count)
{
    gboolean ok = TRUE;
    void **args = g_new(void *, count), **results = g_new(void *, count);

    for (int i = 0; i < count; i++)
        args[i] = &jobs[i];
    CpExecutor *executor = cp_executor_new(workers);
    cp_executor_map(executor, square, args, results, (gsize) count);
    cp_executor_free(executor);
    for (int i = 0; i < count; i++)
        ok = ok && results[i] == &jobs[i];
    g_free(results);
    g_free(args);
    return ok;
}

int
main(int argc, char *argv[])
{
    static const int64_t lesson_000[] = { 5, 7, 9 }, lesson_004[] = { 1, 2, 3, 4, 5 };
    const char *lesson;
    const int64_t *lesson_inputs = NULL;   /* NULL: range(count) */
    int workers = 0, count;                /* workers 0: -w not given */
    gboolean verbose = FALSE, ok;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "[N...]",
        .inputs_default = "5 7 9 for 000, range(10): 0 1 2 ... 9 for 002, "
                          "1 2 3 4 5 for 004 (the lesson's)",
        .summary = "Square numbers on a pool of threads, with futures (000, 002) or map (004).",
        .workers = &workers, .workers_are = "worker threads",
        .workers_default = "the lesson's, 3 for 000 and 004, 4 for 002",
        .waits = TRUE,
        .verbose = &verbose,
        .lessons = "000 002 004",
        .lesson = &lesson,
    });
    if (strcmp(lesson, "000") == 0) {
        lesson_inputs = lesson_000;
        count = (int) G_N_ELEMENTS(lesson_000);
        workers = workers ? workers : 3;
    } else if (strcmp(lesson, "002") == 0) {
        count = 10;
        workers = workers ? workers : 4;
    } else {
        lesson_inputs = lesson_004;
        count = (int) G_N_ELEMENTS(lesson_004);
        workers = workers ? workers : 3;
        task_wait = 1.0;
    }
    count = argc > 1 ? argc - 1 : count;
    SquareJob *jobs = g_new0(SquareJob, count);
    gint64 *squares = g_new(gint64, count);
    for (int i = 0; i < count; i++)
        jobs[i].n = argc > 1 ? cp_options_parse_int_full(argv[i + 1], -MAX_N, MAX_N, "n",
                                                         "a larger square does not fit in 64 bits")
                  : lesson_inputs ? lesson_inputs[i] : i;

    double start = cp_time_now();
    if (task_wait > 0)
        ok = square_with_map((guint) workers, jobs, count);
    else
        ok = square_with_futures((guint) workers, jobs, count);
    double took = cp_time_since_unscaled(start);
    for (int i = 0; i < count; i++) {
        ok = ok && jobs[i].square == jobs[i].n * jobs[i].n;
        squares[i] = jobs[i].square;
    }

    if (strcmp(lesson, "000") == 0) {
        for (int i = 0; i < count; i++)
            printf("%" PRId64 "\n", squares[i]);
    } else if (strcmp(lesson, "002") == 0) {
        cp_print_int_list("Results: ", squares, (gsize) count);
    } else {
        cp_print_int_list("ThreadPool results: ", squares, (gsize) count);
        if (verbose) {
            cp_time_print_scale_note();
            printf("Took %.2f seconds: %d waits of 1 s on %d threads\n", took, count, workers);
        }
    }

    if (!ok)
        fprintf(stderr, "square_pool: a result is wrong or out of order\n");
    g_free(squares);
    g_free(jobs);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
