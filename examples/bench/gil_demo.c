/* SPDX-License-Identifier: 0BSD */
/* gil_demo.c: what Python's Global Interpreter Lock does to CPU-bound
 * threads, shown in C.
 *
 * Ports lessons 001 §2 "Python's GIL" and 002 "GIL: Global Interpreter
 * Lock that prevents true parallelism in Python threads".  The same
 * threads compute the same sum of i*i, split in W chunks, twice: once
 * taking one global pthread mutex around every step of work (a step is
 * --step iterations, 1000 by default, so the lock changes hands often,
 * as the GIL does), and once without it.  The speedups are against the
 * sum computed in sequence, with the same steps, in this run; all the
 * figures are measured in turns.
 *
 * Usage:   gil_demo [--step=N] [--max-workers=N] [--repeat=N] [--size=N] [--csv]
 *
 * Look for: with the global lock, every row stays near 1.00x (or below:
 * handing the lock over costs time too) however many threads and cores:
 * only the thread that holds the lock computes, which is what CPython's
 * threads do.  Without it, the threads go as many times faster as there are
 * cores (rows marked * have more workers than cores).  The GIL is not a
 * property of threads: C threads run in parallel unless something makes
 * them take turns.  CPython's GIL is handed over after a switch interval
 * (5 ms) rather than after every step, and fairly; a pthread mutex is not
 * fair, so one thread may do most of its work before the others start:
 * the total time is the same, since the work is serialized either way.
 * --trace=FILE (with --repeat=1 and a small --size) shows it: each thread's
 * waits for global_lock and its holds, one thread at a time.
 *
 * See also: bench/thread_vs_process.c, bench/concurrency_vs_parallelism.c,
 * sync/shared_counter.c (a lock that protects data, not turns).
 *
 * Build alone: cc -std=c11 gil_demo.c $(pkg-config --cflags --libs conpar-bench)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "cp_bench.h"
#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"
#include "cp_trace.h"

/* The "GIL": it protects no data here, it only makes the threads take
 * turns, as CPython's does for its interpreter's state. */
static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;

static guint64 step = 1000;   /* set before any thread starts */

typedef struct {
    guint64 first, last;     /* this thread's chunk */
    gboolean take_lock;
    int number;              /* its --trace row, Thread-<number>; 0: main runs it */
    CpBenchSlot *result;     /* written by this thread only, read after join */
} Work;

static void *
worker(void *arg)
{
    Work *work = arg;
    guint64 sum = 0;
    int s;

    if (work->number > 0)   /* not main's row: the sequential run is main's */
        cp_trace_thread("Thread-%d", work->number);   /* --trace: this thread's row */
    for (guint64 i = work->first; i < work->last; i += step) {
        if (work->take_lock) {
            cp_trace_locking("global_lock");   /* --trace: the wait for the lock, then the hold */
            s = pthread_mutex_lock(&global_lock);
            if (s != 0)
                cp_die_en(s, "pthread_mutex_lock");
            cp_trace_locked("global_lock");
        }
        sum += cp_bench_cpu_work(i, MIN(i + step, work->last));
        if (work->take_lock) {
            cp_trace_unlocking("global_lock");
            s = pthread_mutex_unlock(&global_lock);
            if (s != 0)
                cp_die_en(s, "pthread_mutex_unlock");
        }
    }
    work->result->value = sum;
    return NULL;
}

typedef struct {
    guint64 size;
    int threads;          /* 0: no thread, the whole sum in sequence */
    gboolean take_lock;
} Run;

/* One run: start the threads, join them, check the total. */
static double
run_once(void *arg)
{
    const Run *run = arg;
    int n = MAX(run->threads, 1), s;
    pthread_t *threads = g_new(pthread_t, n);
    Work *work = g_new(Work, n);
    CpBenchSlot *results = cp_bench_slots_new(n);
    guint64 total = 0;
    double start = cp_time_now();

    for (int k = 0; k < n; k++) {
        cp_bench_chunk(run->size, n, k, &work[k].first, &work[k].last);
        work[k].take_lock = run->take_lock;
        work[k].number = run->threads == 0 ? 0 : k + 1;
        work[k].result = &results[k];
        if (run->threads == 0) {
            worker(&work[k]);   /* the sequential run: same steps, no thread */
            continue;
        }
        s = pthread_create(&threads[k], NULL, worker, &work[k]);
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    for (int k = 0; k < run->threads; k++) {
        s = pthread_join(threads[k], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    double seconds = cp_time_since(start);

    for (int k = 0; k < n; k++)
        total += results[k].value;
    if (total != cp_bench_cpu_expected(run->size)) {
        fprintf(stderr, "%s: wrong sum %" G_GUINT64_FORMAT "\n", g_get_prgname(), total);
        exit(EXIT_FAILURE);
    }
    cp_bench_slots_free(results);
    g_free(work);
    g_free(threads);
    return seconds;
}

static void
print_csv(const char *approach, int workers, const char *size,
          const CpBenchFigure *figure, double speedup)
{
    CpBenchRow row = { "gil_demo", "gil", approach, workers, size, *figure, "s", speedup };

    cp_bench_csv_print_row(&row);
}

int
main(int argc, char *argv[])
{
    CpBenchOptions opt;
    char *step_text = NULL;
    int counts[CP_BENCH_MAX_ROWS], rows;
    GOptionEntry entries[] = {
        { "step", 0, 0, G_OPTION_ARG_STRING, &step_text,
          "Iterations of work per turn of the global lock (1..10^12; default: 1000)", "N" },
        G_OPTION_ENTRY_NULL
    };

    cp_bench_parse(&argc, &argv, &(CpOptions) {
        .summary = "CPU-bound threads with and without one global lock, like Python's GIL.",
        .entries = entries,
    }, CP_BENCH_WITH_SIZE | CP_BENCH_WITH_MAX_WORKERS, &opt);
    if (step_text)
        step = (guint64) cp_options_parse_int(step_text, 1, CP_BENCH_SIZE_MAX, "--step");
    g_free(step_text);
    rows = cp_bench_worker_counts(opt.max_workers, counts);
    char *size = g_strdup_printf("%" G_GUINT64_FORMAT, opt.size);

    /* Run 0 is the sequential one; 1 + 2r and 2 + 2r are row r's threads
     * with and without the lock.  Measured in turns, so that a busy spell
     * of the machine hits them all alike. */
    Run runs[1 + 2 * CP_BENCH_MAX_ROWS];
    CpBenchSampleFunc samples[1 + 2 * CP_BENCH_MAX_ROWS];
    void *data[1 + 2 * CP_BENCH_MAX_ROWS];
    CpBenchFigure figures[1 + 2 * CP_BENCH_MAX_ROWS];

    runs[0] = (Run) { opt.size, 0, FALSE };
    for (int r = 0; r < rows; r++) {
        runs[1 + 2 * r] = (Run) { opt.size, counts[r], TRUE };
        runs[2 + 2 * r] = (Run) { opt.size, counts[r], FALSE };
    }
    for (int j = 0; j < 1 + 2 * rows; j++) {
        samples[j] = run_once;
        data[j] = &runs[j];
    }
    if (!opt.csv) {
        cp_bench_print_header(&opt);
        printf("The global lock is taken once per %" G_GUINT64_FORMAT " iterations (--step).\n", step);
        printf("\nCPU-bound threads with one global lock (like the GIL) and without:\n");
        fflush(stdout);   /* the measuring takes a while */
    }
    cp_bench_measure_interleaved(opt.repeat, 1 + 2 * rows, samples, data, figures);

    const CpBenchFigure *sequential = &figures[0];
    if (opt.csv) {
        cp_bench_csv_print_header();
        print_csv("sequential", 1, size, sequential, 1.0);
    } else {
        printf("Sequential: %.2fs ±%.2f (the speedups are against it)\n",
               sequential->median, (sequential->max - sequential->min) / 2);
        printf("Workers | Global lock | No lock\n");
        printf("----------------------------------------\n");
    }
    for (int r = 0; r < rows; r++) {
        const CpBenchFigure *with = &figures[1 + 2 * r], *without = &figures[2 + 2 * r];
        double with_speedup = sequential->median / with->median;
        double without_speedup = sequential->median / without->median;

        if (opt.csv) {
            print_csv("global_lock", counts[r], size, with, with_speedup);
            print_csv("no_lock", counts[r], size, without, without_speedup);
            continue;
        }
        printf("%7d | %10.2fs ±%.2f %.2fx | %6.2fs ±%.2f %.2fx%s\n", counts[r],
               with->median, (with->max - with->min) / 2, with_speedup,
               without->median, (without->max - without->min) / 2, without_speedup,
               cp_bench_mark(&opt, counts[r]));
    }
    if (!opt.csv)
        cp_bench_print_footnote(&opt, counts[rows - 1]);
    g_free(size);
    return EXIT_SUCCESS;
}
