/* SPDX-License-Identifier: 0BSD */
/* thread_pool.c: a thread pool with futures built on the page: a work
 * queue, N worker threads, a future per task, shutdown.
 *
 * Ports the cells that pools/square_pool.c runs on the helper library's
 * executor, with the pool written out here instead:
 *
 *  --lesson=000  (the default) lesson 000 "Using ThreadPoolExecutor":
 *                submit square(5), square(7) and square(9) to a pool of 3
 *                threads, then print each future's result on its own line.
 *  --lesson=002  lesson 002 §2 "ThreadPoolExecutor": submit
 *                square_number(i) for i in range(10) to a pool of 4, take
 *                each future's result in submission order, print the list.
 *
 * The pool:
 *
 *   pool_submit()     puts a task (function, argument, future) at the tail
 *                     of a linked list under the pool's mutex and signals
 *                     work_ready; it returns the future at once.
 *   worker()          each thread waits on work_ready in a while loop,
 *                     takes the head task, runs it without the lock held,
 *                     then stores the result in the task's future.
 *   future_result()   waits on the future's own condition variable until
 *                     the worker has marked it done.
 *   pool_shutdown()   Python's shutdown(wait=True), the end of a "with"
 *                     block: no more submits; workers run what is queued,
 *                     see the queue empty and closed, and return; then it
 *                     joins each of them.
 *
 * common/cp_executor.c is this pool (plus map(), cancellation and
 * exceptions carried in the future); pools/square_pool.c runs the same
 * cells on it and prints the same lines.  --trace=FILE shows each task on
 * the worker that ran it, and idle workers waiting on work_ready.
 *
 * Usage:   thread_pool [--lesson=000|002] [-w WORKERS] [-v] [N...]
 *          thread_pool --lesson=002 -w 2 -- -3 12 100
 *
 * Look for: "25", "49", "81" (000) and "Results: [0, 1, 4, 9, 16, 25, 36,
 * 49, 64, 81]" (002), in the order of the inputs whichever thread finishes
 * first: each future belongs to its input.  -v adds how many tasks ran and
 * how many workers shutdown joined.  The program checks that every task
 * ran exactly once and every value is right; if not, it says so on stderr
 * and exits 1.  |n| stops at 3037000499, the largest whose square fits in
 * 64 bits.  Put "--" before negative numbers.
 *
 * See also: pools/square_pool.c (the same on cp_executor),
 * queues/bounded_buffer.c (a queue built the same way).
 *
 * Build alone: cc -std=c11 thread_pool.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_die.h"
#include "cp_format.h"
#include "cp_options.h"
#include "cp_trace.h"

#define MAX_N INT64_C(3037000499)   /* 3037000499^2 < 2^63 - 1 < 3037000500^2 */

static void
check(int s, const char *what)   /* pthread calls return their error */
{
    if (s != 0)
        cp_die_en(s, what);
}

/* ---- the pool ---- */

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t finished;   /* broadcast when done turns true */
    bool done;                 /* protected by lock */
    void *result;              /* protected by lock; written once, before done */
} Future;

typedef struct Task {
    void *(*fn)(void *);
    void *arg;
    Future *future;
    struct Task *next;         /* protected by the pool's lock */
} Task;

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t work_ready;  /* signalled on submit, broadcast on shutdown */
    Task *head, *tail;          /* the work queue; protected by lock */
    bool shutting_down;         /* protected by lock */
    int tasks_run;              /* protected by lock */
    int n_workers;              /* set before the workers start */
    pthread_t *workers;         /* used by the creating thread only */
    atomic_int named;           /* (atomic) workers that named their --trace row */
} Pool;

static void *
worker(void *arg)
{
    Pool *pool = arg;

    /* --trace: this thread's row, numbered as cp_executor numbers its own */
    cp_trace_thread("Worker-%d", atomic_fetch_add(&pool->named, 1) + 1);
    for (;;) {
        cp_trace_locking("pool->lock");   /* --trace: the wait for the lock, then the hold */
        check(pthread_mutex_lock(&pool->lock), "pthread_mutex_lock");
        cp_trace_locked("pool->lock");
        while (pool->head == NULL && !pool->shutting_down) {
            cp_trace_waiting("pool->lock");
            check(pthread_cond_wait(&pool->work_ready, &pool->lock), "pthread_cond_wait");
            cp_trace_woken("pool->lock", "work_ready");
        }
        Task *task = pool->head;
        if (task == NULL) {   /* shutting down, and nothing left to run */
            cp_trace_unlocking("pool->lock");
            check(pthread_mutex_unlock(&pool->lock), "pthread_mutex_unlock");
            return NULL;
        }
        pool->head = task->next;
        if (pool->head == NULL)
            pool->tail = NULL;
        pool->tasks_run++;
        cp_trace_unlocking("pool->lock");
        check(pthread_mutex_unlock(&pool->lock), "pthread_mutex_unlock");

        double start = cp_trace_now();
        void *result = task->fn(task->arg);   /* outside the lock: tasks run in parallel */
        cp_trace_span("task", "task", start);

        /* --trace leaves the futures' locks out: under one name, two
         * workers finishing two futures at once would look like one lock
         * held twice. */
        Future *future = task->future;
        check(pthread_mutex_lock(&future->lock), "pthread_mutex_lock");
        future->result = result;
        future->done = true;
        check(pthread_cond_broadcast(&future->finished), "pthread_cond_broadcast");
        check(pthread_mutex_unlock(&future->lock), "pthread_mutex_unlock");
        g_free(task);
    }
}

static Pool *
pool_new(int n_workers)
{
    Pool *pool = g_new0(Pool, 1);

    check(pthread_mutex_init(&pool->lock, NULL), "pthread_mutex_init");
    check(pthread_cond_init(&pool->work_ready, NULL), "pthread_cond_init");
    pool->n_workers = n_workers;
    pool->workers = g_new(pthread_t, n_workers);
    for (int i = 0; i < n_workers; i++)
        check(pthread_create(&pool->workers[i], NULL, worker, pool), "pthread_create");
    return pool;
}

static Future *
pool_submit(Pool *pool, void *(*fn)(void *), void *arg)
{
    Future *future = g_new0(Future, 1);
    Task *task = g_new0(Task, 1);

    check(pthread_mutex_init(&future->lock, NULL), "pthread_mutex_init");
    check(pthread_cond_init(&future->finished, NULL), "pthread_cond_init");
    *task = (Task) { fn, arg, future, NULL };
    cp_trace_locking("pool->lock");
    check(pthread_mutex_lock(&pool->lock), "pthread_mutex_lock");
    cp_trace_locked("pool->lock");
    if (pool->shutting_down) {
        fprintf(stderr, "thread_pool: submit after shutdown\n");
        exit(EXIT_FAILURE);
    }
    if (pool->tail)
        pool->tail->next = task;
    else
        pool->head = task;
    pool->tail = task;
    check(pthread_cond_signal(&pool->work_ready), "pthread_cond_signal");
    cp_trace_unlocking("pool->lock");
    check(pthread_mutex_unlock(&pool->lock), "pthread_mutex_unlock");
    return future;
}

/* Wait for the task to finish, return its result, free the future. */
static void *
future_result(Future *future)
{
    check(pthread_mutex_lock(&future->lock), "pthread_mutex_lock");
    while (!future->done)
        check(pthread_cond_wait(&future->finished, &future->lock), "pthread_cond_wait");
    void *result = future->result;
    check(pthread_mutex_unlock(&future->lock), "pthread_mutex_unlock");
    check(pthread_cond_destroy(&future->finished), "pthread_cond_destroy");
    check(pthread_mutex_destroy(&future->lock), "pthread_mutex_destroy");
    g_free(future);
    return result;
}

/* shutdown(wait=True): run what is queued, join every worker, free the
 * pool.  Returns how many tasks ran, and sets *joined. */
static int
pool_shutdown(Pool *pool, int *joined)
{
    cp_trace_locking("pool->lock");
    check(pthread_mutex_lock(&pool->lock), "pthread_mutex_lock");
    cp_trace_locked("pool->lock");
    pool->shutting_down = true;
    check(pthread_cond_broadcast(&pool->work_ready), "pthread_cond_broadcast");
    cp_trace_unlocking("pool->lock");
    check(pthread_mutex_unlock(&pool->lock), "pthread_mutex_unlock");
    *joined = 0;
    for (int i = 0; i < pool->n_workers; i++) {
        check(pthread_join(pool->workers[i], NULL), "pthread_join");
        (*joined)++;
    }
    int tasks_run = pool->tasks_run;   /* every worker has returned */
    check(pthread_cond_destroy(&pool->work_ready), "pthread_cond_destroy");
    check(pthread_mutex_destroy(&pool->lock), "pthread_mutex_destroy");
    g_free(pool->workers);
    g_free(pool);
    return tasks_run;
}

/* ---- the lessons' squares ---- */

typedef struct {
    int64_t n;        /* set before the task is submitted, then only read */
    int64_t square;   /* written by its task; read after future_result() */
    int runs;         /* written by its task only; read after shutdown */
} SquareJob;

/* Runs on a pool thread. */
static void *
square(void *arg)
{
    SquareJob *job = arg;

    job->square = job->n * job->n;
    job->runs++;
    return job;
}

int
main(int argc, char *argv[])
{
    static const int64_t lesson_000[] = { 5, 7, 9 };
    const char *lesson;
    int workers = 0, count, joined;   /* workers 0: -w not given */
    gboolean verbose = FALSE, ok = TRUE;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "[N...]",
        .inputs_default = "5 7 9 for 000, range(10): 0 1 2 ... 9 for 002 (the lesson's)",
        .summary = "Square numbers on a thread pool with futures, the pool written out.",
        .workers = &workers, .workers_are = "worker threads",
        .workers_default = "the lesson's, 3 for 000, 4 for 002",
        .verbose = &verbose,
        .lessons = "000 002",
        .lesson = &lesson,
    });
    gboolean lesson_002 = strcmp(lesson, "002") == 0;
    count = argc > 1 ? argc - 1 : lesson_002 ? 10 : (int) G_N_ELEMENTS(lesson_000);
    workers = workers ? workers : lesson_002 ? 4 : 3;
    SquareJob *jobs = g_new0(SquareJob, count);
    gint64 *squares = g_new(gint64, count);
    for (int i = 0; i < count; i++)
        jobs[i].n = argc > 1 ? cp_options_parse_int_full(argv[i + 1], -MAX_N, MAX_N, "n",
                                                         "a larger square does not fit in 64 bits")
                  : lesson_002 ? i : lesson_000[i];

    Pool *pool = pool_new(workers);
    Future **futures = g_new(Future *, count);
    for (int i = 0; i < count; i++)
        futures[i] = pool_submit(pool, square, &jobs[i]);
    for (int i = 0; i < count; i++) {   /* in submission order */
        ok = ok && future_result(futures[i]) == &jobs[i];
        squares[i] = jobs[i].square;
    }
    int tasks_run = pool_shutdown(pool, &joined);   /* the end of the "with" block */

    if (lesson_002) {
        cp_print_int_list("Results: ", squares, (gsize) count);
    } else {
        for (int i = 0; i < count; i++)
            printf("%" PRId64 "\n", squares[i]);
    }
    if (verbose)
        printf("Tasks run: %d of %d submitted; workers joined: %d of %d\n",
               tasks_run, count, joined, workers);

    ok = ok && tasks_run == count && joined == workers;
    for (int i = 0; i < count; i++)
        ok = ok && jobs[i].runs == 1 && jobs[i].square == jobs[i].n * jobs[i].n;
    if (!ok)
        fprintf(stderr, "thread_pool: a task ran more or less than once, or a result is wrong\n");
    g_free(futures);
    g_free(squares);
    g_free(jobs);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
