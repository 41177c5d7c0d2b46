/* SPDX-License-Identifier: 0BSD */
/* thread_vs_process.c: CPU-bound work in threads and in processes, for
 * 1, 2, 4 and 8 workers.
 *
 * Ports two cells that time the same question:
 *  - lesson 002 §3 "Process vs Thread performance comparison" (the
 *    default): the table `Workers | Threading | Multiprocessing`.  The sum
 *    of i*i for i < n is split into W equal chunks, computed by W threads
 *    or by W forked processes (lib/cp_bench_runners.c has these
 *    runners, shared by every benchmark); each figure times the whole
 *    run, starting the workers included, as the lesson's timed blocks
 *    do.  The lesson's cell prints the sub-title "Process vs Thread
 *    performance comparison:" before the table; this program ports only
 *    the table, and prints the sub-title with -v.
 *  - lesson 004 §4 "Performance Benchmarking" (--lesson=004):
 *    `Threading time: 0.5123...` and `Multiprocessing time: ...`, the
 *    float printed whole as Python's print() does.  Four threads, then four
 *    processes, each run the lesson's cpu_task(k), the sum of i*k for
 *    i < n with k = 0..3: every worker does all n steps.  This file starts
 *    and joins them itself (pthread_create/join, fork/waitpid), as the
 *    lesson's code does; each child is remembered until it is reaped
 *    (common/cp_children.h), so neither a fork that fails halfway nor a
 *    kill of the parent alone leaves a child running.
 * Each figure is the median of --repeat runs after one warm-up run,
 * measured in turns, so that a busy spell of the machine hits them alike.
 *
 * Usage:   thread_vs_process [-v] [--max-workers=N] [--repeat=N] [--size=N]
 *          thread_vs_process --lesson=004 [-v] [--repeat=N] [--size=N]
 *          thread_vs_process --csv [--max-workers=N] [--repeat=N] [--size=N]
 *
 * -v adds what C measures beyond the lesson's lines: the cores, how each
 * figure is taken, n, the sequential time the speedups are against, a "±"
 * half spread and a speedup in every cell, "*" on rows with more workers
 * than cores and a footnote; and, under the 002 table, the threads against
 * two more rows measured in the same turns: the cores the machine
 * delivered (the probe: W whole copies of the sum at once in W processes,
 * for W <= cores) and, when compiled with OpenMP, the same sum under one
 * `#pragma omp parallel for reduction` (lib/cp_bench_openmp.c).
 * --csv prints the 002 table's figures, those two rows ("probe",
 * "openmp") included, in the shared CSV format that `make bench` reads,
 * instead of the lesson's lines.  --max-workers applies to the 002 table
 * (004 has four workers).
 *
 * Look for: both columns go about as many times faster as there are
 * cores, then stay flat: the extra workers only take turns.  With -v,
 * threads ÷ probe and threads ÷ OpenMP near 1: the threads got all the
 * cores the machine gave, and the pragma does no better.  In the
 * lesson's Python the Threading column stays near the sequential time,
 * and "Threading time" near four times one task, because the GIL lets
 * one thread at a time run Python code; C threads have no such lock (see
 * bench/gil_demo.c for what one would do), so they scale like processes,
 * and cost less to start.  The lesson's n = 10^6 would take a millisecond
 * here, less than starting the workers, so n is calibrated to about 0.5 s
 * of sequential work (--size sets it).
 *
 * See also: bench/concurrency_vs_parallelism.c, bench/perf_compare.c,
 * bench/gil_demo.c, bench/spawn_cost.c (what a thread and a process cost).
 *
 * Build alone: cc -std=c11 thread_vs_process.c $(pkg-config --cflags --libs conpar-bench)
 * (add -fopenmp for the OpenMP row).
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "cp_bench.h"
#include "cp_bench_openmp.h"
#include "cp_children.h"
#include "cp_die.h"
#include "cp_format.h"
#include "cp_options.h"
#include "cp_time.h"

#define WORKERS_004 4   /* lesson 004: range(4) threads, then processes */

static CpBenchOptions opt;
static gboolean verbose;   /* -v: also what C adds to the lesson's lines */

/* ---- Lesson 002 §3: the table ------------------------------------------ */

/* The lesson's cell "    0.25s"; with -v, "    0.25s ±0.00 1.99x". */
static void
print_cell(const CpBenchFigure *figure, int width, double speedup)
{
    printf("%*.2fs", width, figure->median);
    if (verbose)
        printf(" ±%.2f %.2fx", (figure->max - figure->min) / 2, speedup);
}

static void
print_csv(const char *approach, int workers, const char *size,
          const CpBenchFigure *figure, double speedup)
{
    CpBenchRow row = { "thread_vs_process", "cpu", approach, workers, size,
                       *figure, "s", speedup };

    cp_bench_csv_print_row(&row);
}

/* The figures' places in the run: -1 where a row has none. */
typedef struct {
    int threads, processes;
    int probe;    /* with -v or --csv, for W <= cores */
    int openmp;   /* with -v or --csv, when compiled with OpenMP */
} RowJobs;

static int
add_job(CpBenchJob *jobs, CpBenchSampleFunc *samples, int *n, CpBenchApproach approach,
        int workers, CpBenchSampleFunc sample)
{
    jobs[*n] = (CpBenchJob) { &opt, approach, workers };
    samples[*n] = sample;
    return (*n)++;
}

static void
run_table(void)
{
    int counts[CP_BENCH_MAX_ROWS], rows, n = 0;
    RowJobs at[CP_BENCH_MAX_ROWS];
    CpBenchJob jobs[1 + 4 * CP_BENCH_MAX_ROWS];
    CpBenchSampleFunc samples[1 + 4 * CP_BENCH_MAX_ROWS];
    void *data[1 + 4 * CP_BENCH_MAX_ROWS];
    CpBenchFigure figures[1 + 4 * CP_BENCH_MAX_ROWS];
    CpBenchDelivered delivered[CP_BENCH_MAX_ROWS];
    gboolean extra = verbose || opt.csv;   /* the rows beyond the lesson's */

    rows = cp_bench_worker_counts(opt.max_workers, counts);
    char *size = g_strdup_printf("%" G_GUINT64_FORMAT, opt.size);

    /* Figure 0 is the sequential run; then each W in turn: the probe, the
     * threads, the processes, OpenMP. */
    add_job(jobs, samples, &n, CP_BENCH_SEQUENTIAL, 1, cp_bench_cpu_sample);
    for (int r = 0; r < rows; r++) {
        at[r].probe = at[r].openmp = -1;
        if (extra && counts[r] <= opt.cores)
            at[r].probe = add_job(jobs, samples, &n, CP_BENCH_PROBE, counts[r], cp_bench_cpu_sample);
        at[r].threads = add_job(jobs, samples, &n, CP_BENCH_THREADS, counts[r], cp_bench_cpu_sample);
        at[r].processes = add_job(jobs, samples, &n, CP_BENCH_PROCESSES, counts[r],
                                  cp_bench_cpu_sample);
#ifdef _OPENMP   /* compiled with OpenMP: its row too */
        if (extra)
            at[r].openmp = add_job(jobs, samples, &n, CP_BENCH_OPENMP, counts[r],
                                   cp_bench_openmp_sample);
#endif
    }
    for (int j = 0; j < n; j++)
        data[j] = &jobs[j];
    if (!opt.csv && verbose) {
        cp_bench_print_header(&opt);
        printf("\nProcess vs Thread performance comparison:\n");
        fflush(stdout);   /* the measuring takes a while */
    }
    /* In turns, so that a busy spell of the machine hits every figure. */
    cp_bench_measure_interleaved(opt.repeat, n, samples, data, figures);

    const CpBenchFigure *sequential = &figures[0];
    if (opt.csv) {
        cp_bench_csv_print_header();
        print_csv("sequential", 1, size, sequential, 1.0);
    } else {
        if (verbose)
            printf("Sequential: %.2fs ±%.2f (the speedups are against it)\n",
                   sequential->median, (sequential->max - sequential->min) / 2);
        printf("Workers | Threading | Multiprocessing\n");
        printf("----------------------------------------\n");
    }
    for (int r = 0; r < rows; r++) {
        const CpBenchFigure *threads = &figures[at[r].threads];
        const CpBenchFigure *processes = &figures[at[r].processes];
        const CpBenchFigure *probe = at[r].probe >= 0 ? &figures[at[r].probe] : NULL;
        const CpBenchFigure *openmp = at[r].openmp >= 0 ? &figures[at[r].openmp] : NULL;
        double threads_speedup = sequential->median / threads->median;
        double processes_speedup = sequential->median / processes->median;

        delivered[r] = (CpBenchDelivered) { counts[r], sequential, threads, probe, openmp };
        if (opt.csv) {
            print_csv("threads", counts[r], size, threads, threads_speedup);
            print_csv("processes", counts[r], size, processes, processes_speedup);
            if (probe != NULL)   /* its speedup: the cores delivered */
                print_csv("probe", counts[r], size, probe,
                          cp_bench_probe_cores(counts[r], sequential, probe));
            if (openmp != NULL)
                print_csv("openmp", counts[r], size, openmp, sequential->median / openmp->median);
            continue;
        }
        /* f"{num_workers:7} | {threading_time:8.2f}s | {multiprocessing_time:13.2f}s" */
        printf("%7d | ", counts[r]);
        print_cell(threads, 8, threads_speedup);
        printf(" | ");
        print_cell(processes, 13, processes_speedup);
        printf("%s\n", verbose ? cp_bench_mark(&opt, counts[r]) : "");
    }
    if (!opt.csv && verbose) {
        cp_bench_print_delivered(&opt, delivered, rows);
        cp_bench_print_footnote(&opt, counts[rows - 1]);
    }
    g_free(size);
}

/* ---- Lesson 004 §4: four threads, then four processes ------------------ */

/* The lesson's cpu_task(n): total += i * n for i in range(10**6), with
 * --size steps instead of 10^6. */
static guint64
cpu_task(guint64 n)
{
    guint64 total = 0;

    for (guint64 i = 0; i < opt.size; i++) {
        total += i * n;
#if defined(__GNUC__) || defined(__clang__)
        /* "total may have changed": the compiler must run every step, not
         * the closed formula n * size * (size - 1) / 2. */
        __asm__ volatile ("" : "+r" (total));
#endif
    }
    return total;
}

/* What cpu_task(n) must return: n * (size * (size - 1) / 2), mod 2^64. */
static guint64
cpu_task_expected(guint64 n)
{
    guint64 a = opt.size, b = opt.size - 1;

    if (a % 2 == 0)
        a /= 2;
    else
        b /= 2;
    return n * (a * b);
}

/* Each thread's total, written by that thread only, read after join. */
static guint64 thread_totals[WORKERS_004];

static void *
thread_main(void *arg)
{
    int k = *(const int *) arg;

    thread_totals[k] = cpu_task((guint64) k);
    return NULL;
}

/* benchmark_threads(): start 4 threads, join them; the seconds between. */
static double
benchmark_threads(void *data)
{
    static const int args[WORKERS_004] = { 0, 1, 2, 3 };
    pthread_t threads[WORKERS_004];
    double start;
    int s;

    (void) data;
    start = cp_time_now();
    for (int k = 0; k < WORKERS_004; k++) {
        s = pthread_create(&threads[k], NULL, thread_main, (void *) &args[k]);
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    for (int k = 0; k < WORKERS_004; k++) {
        s = pthread_join(threads[k], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    double seconds = cp_time_since(start);

    for (int k = 0; k < WORKERS_004; k++)
        if (thread_totals[k] != cpu_task_expected((guint64) k)) {
            fprintf(stderr, "%s: thread %d computed %" G_GUINT64_FORMAT ", not %" G_GUINT64_FORMAT "\n",
                    g_get_prgname(), k, thread_totals[k], cpu_task_expected((guint64) k));
            exit(EXIT_FAILURE);
        }
    return seconds;
}

/* benchmark_processes(): fork 4 children, reap them; the seconds between.
 * A child checks its own total and exits 1 if it is wrong.  Each child is
 * remembered until reaped (cp_children_add/reaped): if a fork fails
 * halfway, cp_die_errno()'s exit() stops and reaps those already started. */
static double
benchmark_processes(void *data)
{
    pid_t children[WORKERS_004];
    gboolean ok = TRUE;
    double start;
    int status;

    (void) data;
    fflush(stdout);   /* or each child would inherit, and print, our buffer */
    start = cp_time_now();
    for (int k = 0; k < WORKERS_004; k++) {
        children[k] = fork();
        if (children[k] == -1)
            cp_die_errno("fork");
        if (children[k] == 0) {
            cp_children_in_child();   /* dies with its parent */
            _exit(cpu_task((guint64) k) == cpu_task_expected((guint64) k)
                  ? EXIT_SUCCESS : EXIT_FAILURE);
        }
        cp_children_add(children[k]);
    }
    for (int k = 0; k < WORKERS_004; k++) {   /* every child is reaped */
        if (cp_waitpid(children[k], &status) == -1)
            cp_die_errno("waitpid");
        cp_children_reaped(children[k]);
        if (!cp_child_status_ok(status, "process %d", k))
            ok = FALSE;
    }
    double seconds = cp_time_since(start);

    if (!ok)
        exit(EXIT_FAILURE);
    return seconds;
}

/* print("Threading time:", seconds): the float whole, as repr() prints it;
 * with -v, the half spread and the mark follow. */
static void
print_time(const char *label, const CpBenchFigure *figure)
{
    char *seconds = cp_format_double(figure->median);

    printf("%s %s", label, seconds);
    if (verbose)
        printf(" ±%.2f%s", (figure->max - figure->min) / 2, cp_bench_mark(&opt, WORKERS_004));
    printf("\n");
    g_free(seconds);
}

static void
run_lesson_004(void)
{
    CpBenchSampleFunc samples[2] = { benchmark_threads, benchmark_processes };
    void *data[2] = { NULL, NULL };
    CpBenchFigure figures[2];

    if (verbose) {
        CpBenchOptions no_size = opt;

        no_size.size = 0;   /* the header's n line is about i*i: said below */
        cp_bench_print_header(&no_size);
        printf("CPU-bound work: each of the %d workers sums i*k for i < %" G_GUINT64_FORMAT
               ", k its number 0..%d (%s).\n\n", WORKERS_004, opt.size, WORKERS_004 - 1,
               opt.size_given ? "--size" : "calibrated: about 0.5 s a worker here");
        fflush(stdout);
    }
    cp_bench_measure_interleaved(opt.repeat, 2, samples, data, figures);
    print_time("Threading time:", &figures[0]);
    print_time("Multiprocessing time:", &figures[1]);
    if (verbose)
        cp_bench_print_footnote(&opt, WORKERS_004);
}

int
main(int argc, char *argv[])
{
    const char *lesson;

    cp_bench_parse(&argc, &argv, &(CpOptions) {
        .summary = "Time CPU-bound work in threads and in processes.",
        .verbose = &verbose, .lessons = "002 004", .lesson = &lesson,
    }, CP_BENCH_WITH_SIZE | CP_BENCH_WITH_MAX_WORKERS, &opt);
    if (strcmp(lesson, "002") == 0) {
        run_table();
    } else {
        if (opt.csv)
            cp_options_fail("--csv prints the 002 table's figures: not with --lesson=004");
        run_lesson_004();
    }
    return EXIT_SUCCESS;
}
