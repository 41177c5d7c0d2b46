/* SPDX-License-Identifier: 0BSD */
/* queue_throughput.c: how many items per second pass through a queue
 * between threads: the helper library's cp_queue, GLib's GAsyncQueue and
 * a plain pipe, side by side in the same run.
 *
 * Measures the queues that lessons 002 §2 "Thread-safe data structures"
 * and queues/producer_consumer.c use.  P producers put the numbers 1..N
 * (as pointers), C consumers get them; each run is timed from starting
 * the threads until the last consumer has finished.  Producers → consumers
 * 1→1 and 4→4, capacities 5, 64 and 1024 and unbounded:
 *  - cp_queue: a pthread mutex and condition variables around a list
 *    (common/cp_queue.c); cp_queue_close() ends the consumers.
 *  - GAsyncQueue: GLib's own, built on GLib's futex-based mutex and
 *    condition; the consumers end on a sentinel item.  It has no capacity:
 *    it is measured as it is (unbounded), and at 5, 64 and 1024 bounded
 *    the way one would bound it, by a second GAsyncQueue holding that many
 *    tokens: a producer takes a token before each push, a consumer gives
 *    one back after each pop (two queue operations per item, not one).
 *    This program is the only place where conpar uses a GLib
 *    synchronization primitive, because it is what cp_queue is compared
 *    with.  ThreadSanitizer does not understand GLib's futexes and may
 *    report races through them that are not there: --no-gasyncqueue
 *    leaves it out (make check does so in the ThreadSanitizer build).
 *  - pipe (1→1 only): one write() and one read() of 8 bytes per item,
 *    through the kernel; its capacity is the pipe buffer (64 KiB on Linux,
 *    8192 items).
 * Every consumer counts its items and adds up them and their squares; the
 * totals must come out exactly (each item once, none lost, none twice),
 * or the program exits 1, so no figure can be fast by being wrong.
 *
 * Usage:   queue_throughput [--items=N] [--no-gasyncqueue] [--repeat=N] [--csv]
 *
 * Look for: capacity 5 is slow: producers and consumers keep waking each
 * other, a context switch every few items; at 64 and above they run in
 * batches.  cp_queue at capacity 1024, 1→1, against GAsyncQueue: the last
 * line says which was faster in this run.  The pipe pays two system calls
 * per item.  4→4 (marked *) has more threads than a small machine has
 * cores, and they all fight over one lock.
 *
 * See also: queues/producer_consumer.c, queues/multi_producer_consumer.c,
 * bench/spawn_cost.c.
 *
 * _GNU_SOURCE: fcntl(F_GETPIPE_SZ), which asks the kernel for the pipe's
 * capacity, is Linux-only and glibc declares it only with _GNU_SOURCE; on
 * other systems the pipe row assumes 64 KiB.
 *
 * Build alone: cc -std=c11 queue_throughput.c $(pkg-config --cflags --libs conpar-bench)
 */
#define _GNU_SOURCE

#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cp_bench.h"
#include "cp_die.h"
#include "cp_io.h"
#include "cp_options.h"
#include "cp_queue.h"
#include "cp_time.h"

typedef enum { CP_QUEUE, ASYNC_QUEUE, PIPE } Kind;

static const char *const kind_names[] = { "cp_queue", "gasyncqueue", "pipe" };

/* One measured run: set up before the threads start, read-only after. */
typedef struct {
    Kind kind;
    int producers, consumers;
    gsize capacity;              /* 0: unbounded */
    guint64 items;
    CpQueue *queue;              /* CP_QUEUE */
    GAsyncQueue *async_queue;    /* ASYNC_QUEUE */
    GAsyncQueue *tokens;         /* ASYNC_QUEUE with a capacity, else NULL */
    int fds[2];                  /* PIPE */
} Run;

/* A producer's range, or what a consumer got (written by its thread
 * only, read after pthread_join). */
typedef struct {
    const Run *run;
    guint64 first, last;         /* producer: puts first..last-1 */
    guint64 count, sum, squares; /* consumer: mod 2^64 */
} Worker;

/* An item no producer puts (they put 1..N, N <= 10^9): it ends a
 * GAsyncQueue consumer, and serves as the token of the bounded one. */
#define STOP GSIZE_TO_POINTER(G_MAXSIZE)

static void *
producer(void *arg)
{
    Worker *w = arg;
    const Run *run = w->run;

    for (guint64 i = w->first; i < w->last; i++) {
        gpointer item = GSIZE_TO_POINTER((gsize) i);   /* never NULL: i >= 1 */

        switch (run->kind) {
        case CP_QUEUE:
            if (cp_queue_put(run->queue, item) != CP_QUEUE_OK)
                return NULL;   /* closed under us: the check will fail */
            break;
        case ASYNC_QUEUE:
            if (run->tokens != NULL)
                (void) g_async_queue_pop(run->tokens);   /* wait for room */
            g_async_queue_push(run->async_queue, item);
            break;
        case PIPE:
            if (cp_io_write_all(run->fds[1], &item, sizeof item) == -1)
                cp_die_errno("write");
            break;
        }
    }
    return NULL;
}

static void *
consumer(void *arg)
{
    Worker *w = arg;
    const Run *run = w->run;
    guint64 count = 0, sum = 0, squares = 0;
    gpointer item;
    ssize_t n;

    for (;;) {
        if (run->kind == CP_QUEUE) {
            if (cp_queue_get(run->queue, &item) == CP_QUEUE_CLOSED)
                break;   /* closed and empty: every item is out */
        } else if (run->kind == ASYNC_QUEUE) {
            item = g_async_queue_pop(run->async_queue);
            if (item == STOP)
                break;
            if (run->tokens != NULL)
                g_async_queue_push(run->tokens, STOP);   /* the room is free again */
        } else {
            n = cp_io_read_full(run->fds[0], &item, sizeof item);
            if (n == -1)
                cp_die_errno("read");
            if (n == 0)
                break;   /* end of file: the producer closed its end */
        }
        guint64 i = (guint64) GPOINTER_TO_SIZE(item);
        count++;
        sum += i;
        squares += i * i;
    }
    w->count = count;
    w->sum = sum;
    w->squares = squares;
    return NULL;
}

static void
start(pthread_t *thread, void *(*fn)(void *), Worker *w)
{
    int s = pthread_create(thread, NULL, fn, w);
    if (s != 0)
        cp_die_en(s, "pthread_create");
}

static void
join(pthread_t thread)
{
    int s = pthread_join(thread, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_join");
}

/* One run: returns items per second, after checking that every item
 * arrived exactly once. */
static double
sample(void *data)
{
    Run *run = data;
    int p = run->producers, c = run->consumers;
    pthread_t *threads = g_new(pthread_t, p + c);
    Worker *workers = g_new0(Worker, p + c);
    guint64 n = run->items, count = 0, sum = 0, squares = 0;
    double start_time, seconds;

    if (run->kind == CP_QUEUE) {
        run->queue = cp_queue_new(run->capacity);
    } else if (run->kind == ASYNC_QUEUE) {
        run->async_queue = g_async_queue_new();
        run->tokens = run->capacity > 0 ? g_async_queue_new() : NULL;
        for (gsize k = 0; k < run->capacity; k++)
            g_async_queue_push(run->tokens, STOP);
    } else if (cp_io_pipe(run->fds) == -1) {
        cp_die_errno("pipe");
    }

    start_time = cp_time_now();
    for (int k = 0; k < c; k++) {
        workers[p + k].run = run;
        start(&threads[p + k], consumer, &workers[p + k]);
    }
    for (int k = 0; k < p; k++) {
        workers[k].run = run;
        workers[k].first = 1 + n * (guint64) k / (guint64) p;
        workers[k].last = 1 + n * (guint64) (k + 1) / (guint64) p;
        start(&threads[k], producer, &workers[k]);
    }
    for (int k = 0; k < p; k++)
        join(threads[k]);
    /* Every item is in: tell the consumers there will be no more. */
    if (run->kind == CP_QUEUE)
        cp_queue_close(run->queue);
    else if (run->kind == ASYNC_QUEUE)
        for (int k = 0; k < c; k++)
            g_async_queue_push(run->async_queue, STOP);
    else if (close(run->fds[1]) == -1)
        cp_die_errno("close");
    for (int k = 0; k < c; k++)
        join(threads[p + k]);
    seconds = cp_time_since(start_time);

    for (int k = 0; k < c; k++) {
        count += workers[p + k].count;
        sum += workers[p + k].sum;
        squares += workers[p + k].squares;
    }
    /* 1 + ... + n, and 1^2 + ... + n^2 (the sum of i*i for i < n + 1). */
    guint64 want_sum = n % 2 == 0 ? (n / 2) * (n + 1) : n * ((n + 1) / 2);
    if (count != n || sum != want_sum || squares != cp_bench_cpu_expected(n + 1)) {
        fprintf(stderr, "%s: %s %dx%d@%" G_GSIZE_FORMAT ": %" G_GUINT64_FORMAT " items of %"
                G_GUINT64_FORMAT " arrived, or not each exactly once\n", g_get_prgname(),
                kind_names[run->kind], p, c, run->capacity, count, n);
        exit(EXIT_FAILURE);
    }

    if (run->kind == CP_QUEUE) {
        cp_queue_free(run->queue);
    } else if (run->kind == ASYNC_QUEUE) {
        g_async_queue_unref(run->async_queue);
        if (run->tokens != NULL)
            g_async_queue_unref(run->tokens);
    } else if (close(run->fds[0]) == -1) {
        cp_die_errno("close");
    }
    g_free(workers);
    g_free(threads);
    return (double) n / seconds;
}

/* The pipe's capacity in items, where the system says (Linux). */
static gsize
pipe_capacity(void)
{
    gsize bytes = 65536;
#ifdef F_GETPIPE_SZ
    int fds[2], size;

    if (cp_io_pipe(fds) == -1)
        cp_die_errno("pipe");
    size = fcntl(fds[0], F_GETPIPE_SZ);
    if (size == -1)
        cp_die_errno("fcntl");
    bytes = (gsize) size;
    cp_io_close(&fds[0]);
    cp_io_close(&fds[1]);
#endif
    return bytes / sizeof(gpointer);
}

/* The queues of one row (have[kind]), measured in turns, so that a
 * burst of load from elsewhere hits them alike. */
static void
measure_row(const CpBenchOptions *opt, int w, gsize capacity, guint64 items,
            const gboolean have[3], CpBenchFigure figures[3])
{
    Run runs[3];
    CpBenchSampleFunc samples[3];
    void *data[3];
    CpBenchFigure measured[3];
    int n = 0;

    for (int k = 0; k < 3; k++)
        if (have[k]) {
            runs[n] = (Run) { .kind = (Kind) k, .producers = w, .consumers = w,
                              .capacity = capacity, .items = items };
            samples[n] = sample;
            data[n] = &runs[n];
            n++;
        }
    cp_bench_measure_interleaved(opt->repeat, n, samples, data, measured);
    for (int k = 0, m = 0; k < 3; k++)
        if (have[k])
            figures[k] = measured[m++];
}

static void
print_cell(const CpBenchFigure *f)
{
    if (f == NULL)
        printf(" | %14s", "-");
    else
        printf(" | %6.2fM ±%.2fM", f->median / 1e6, (f->max - f->min) / 2e6);
}

int
main(int argc, char *argv[])
{
    static const gsize capacities[] = { 5, 64, 1024, 0 };
    static const int shapes[] = { 1, 4 };   /* 1→1, 4→4 */
    char *items_text = NULL;
    gboolean no_async = FALSE;
    guint64 items = 100000;
    GOptionEntry entries[] = {
        { "items", 0, 0, G_OPTION_ARG_STRING, &items_text,
          "Items through the queue per run (1..10^9; default: 100000)", "N" },
        { "no-gasyncqueue", 0, 0, G_OPTION_ARG_NONE, &no_async,
          "Leave GLib's GAsyncQueue out (for ThreadSanitizer, which reports false races in it)", NULL },
        G_OPTION_ENTRY_NULL
    };
    CpBenchOptions opt;
    CpBenchFigure target_cp = { 0, 0, 0 }, target_async = { 0, 0, 0 }, target_tokens = { 0, 0, 0 };

    cp_bench_parse(&argc, &argv, &(CpOptions) {
        .summary = "Items per second through cp_queue, GAsyncQueue and a pipe.",
        .entries = entries,
    }, 0, &opt);
    if (items_text != NULL)
        items = (guint64) cp_options_parse_int(items_text, 1, 1000000000, "--items");
    g_free(items_text);

    if (opt.csv) {
        cp_bench_csv_print_header();
    } else {
        cp_bench_print_header(&opt);
        printf("Items per run: %" G_GUINT64_FORMAT "; each run checks that every item arrived "
               "exactly once.\n\nQueue throughput (millions of items per second):\n", items);
        printf("P→C | Capacity  | cp_queue       | GAsyncQueue    | pipe\n");
        printf("------------------------------------------------------------------\n");
        fflush(stdout);
    }
    for (gsize s = 0; s < G_N_ELEMENTS(shapes); s++) {
        int w = shapes[s];
        gsize n_capacities = G_N_ELEMENTS(capacities) + (w == 1);   /* 1→1: the pipe's too */

        for (gsize c = 0; c < n_capacities; c++) {
            gboolean pipe_row = c == G_N_ELEMENTS(capacities);
            gsize capacity = pipe_row ? pipe_capacity() : capacities[c];
            CpBenchFigure figures[3];
            gboolean have[3] = { !pipe_row, !pipe_row && !no_async, pipe_row };
            char *bound = capacity > 0 ? g_strdup_printf("%" G_GSIZE_FORMAT, capacity)
                                       : g_strdup("unbounded");
            char *param = g_strdup_printf("%dx%d@%s", w, w, bound);

            measure_row(&opt, w, capacity, items, have, figures);
            if (!opt.csv)
                printf("%d→%d | %9s", w, w, bound);
            for (int k = 0; k < 3; k++) {
                if (have[k] && opt.csv) {
                    CpBenchRow row = { "queue_throughput", "queue", kind_names[k], w, param,
                                       figures[k], "items/s", NAN };
                    cp_bench_csv_print_row(&row);
                }
                if (!opt.csv)
                    print_cell(have[k] ? &figures[k] : NULL);
            }
            if (!opt.csv)
                printf("%s\n", pipe_row ? " (the pipe's buffer)" : cp_bench_mark(&opt, 2 * w));
            fflush(stdout);   /* a row at a time: the table takes a while */
            if (w == 1 && capacity == 1024) {
                target_cp = figures[CP_QUEUE];
                target_tokens = have[ASYNC_QUEUE] ? figures[ASYNC_QUEUE] : target_tokens;
            }
            if (w == 1 && capacity == 0 && have[ASYNC_QUEUE])
                target_async = figures[ASYNC_QUEUE];
            g_free(param);
            g_free(bound);
        }
    }
    if (opt.csv)
        return EXIT_SUCCESS;
    if (opt.cores < 2 * shapes[1])
        printf("* more threads (producers + consumers) than cores (%d): they take turns\n",
               opt.cores);
    printf("GAsyncQueue has no capacity: at 5, 64 and 1024 a second GAsyncQueue of that many\n"
           "tokens bounds it (a producer takes a token before each push, a consumer gives it back).\n");
    if (no_async)
        printf("GAsyncQueue: left out (--no-gasyncqueue).\n");
    else
        printf("cp_queue, capacity 1024, 1→1: %.2fx GAsyncQueue unbounded, %.2fx GAsyncQueue "
               "with 1024 tokens, in this run.\n", target_cp.median / target_async.median,
               target_cp.median / target_tokens.median);
    return EXIT_SUCCESS;
}
