/* SPDX-License-Identifier: 0BSD */
/* thread_vs_process.c: CPU-bound work in threads and in processes, for
 * 1, 2, 4 and 8 workers.
 *
 * Ports the table of lesson 002 §3 "Process vs Thread performance
 * comparison" (and 004 §4 "Performance Benchmarking").  The sum of i*i for
 * i < n is split into W equal chunks, computed by W threads or by W forked
 * processes; each figure times the whole run, starting the workers
 * included, as the lesson's timed blocks do.  The speedups are against
 * the same sum computed in sequence in this run; the figures are measured
 * in turns, so that a busy spell of the machine hits them all alike.
 * common/cp_bench.c has the runners (pthread_create/join, fork/waitpid
 * with a pipe for the results), shared by every benchmark.
 *
 * Usage:   thread_vs_process [--max-workers=N] [--repeat=N] [--size=N] [--csv]
 *
 * Look for: both columns go about as many times faster as there are
 * cores, then stay flat: rows marked * have more workers than cores, and
 * the extra workers only take turns.  In the lesson's Python the
 * Threading column stays near the sequential time, because the GIL lets
 * one thread at a time run Python code; C threads have no such lock (see
 * bench/gil_demo.c for what one would do), so they scale like processes,
 * and cost less to start.  The lesson's n = 10^6 would take a millisecond
 * here, less than starting the workers, so n is calibrated to about 0.5 s
 * of sequential work (--size sets it).
 *
 * See also: bench/concurrency_vs_parallelism.c, bench/perf_compare.c,
 * bench/gil_demo.c, bench/spawn_cost.c (what a thread and a process cost).
 *
 * Build alone: cc -std=c11 thread_vs_process.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>

#include "cp_bench.h"

/* "    0.25s ±0.00 1.99x": a figure and its speedup, median right-aligned. */
static void
print_cell(const CpBenchFigure *figure, int width, double speedup)
{
    printf("%*.2fs ±%.2f %.2fx", width, figure->median,
           (figure->max - figure->min) / 2, speedup);
}

static void
print_csv(const char *approach, int workers, const char *size,
          const CpBenchFigure *figure, double speedup)
{
    CpBenchRow row = { "thread_vs_process", "cpu", approach, workers, size,
                       *figure, "s", speedup };

    cp_bench_csv_print_row(&row);
}

int
main(int argc, char *argv[])
{
    CpBenchOptions opt;
    int counts[CP_BENCH_MAX_ROWS], rows;
    /* Figure 0 is the sequential run; 1 + 2r and 2 + 2r are the threads
     * and the processes of row r. */
    CpBenchJob jobs[1 + 2 * CP_BENCH_MAX_ROWS];
    CpBenchSampleFunc samples[1 + 2 * CP_BENCH_MAX_ROWS];
    void *data[1 + 2 * CP_BENCH_MAX_ROWS];
    CpBenchFigure figures[1 + 2 * CP_BENCH_MAX_ROWS];

    cp_bench_parse(&argc, &argv, "Time CPU-bound work in threads and in processes.",
                   NULL, CP_BENCH_WITH_SIZE | CP_BENCH_WITH_MAX_WORKERS, &opt);
    rows = cp_bench_worker_counts(opt.max_workers, counts);
    char *size = g_strdup_printf("%" G_GUINT64_FORMAT, opt.size);

    jobs[0] = (CpBenchJob) { &opt, CP_BENCH_SEQUENTIAL, 1 };
    for (int r = 0; r < rows; r++) {
        jobs[1 + 2 * r] = (CpBenchJob) { &opt, CP_BENCH_THREADS, counts[r] };
        jobs[2 + 2 * r] = (CpBenchJob) { &opt, CP_BENCH_PROCESSES, counts[r] };
    }
    for (int j = 0; j < 1 + 2 * rows; j++) {
        samples[j] = cp_bench_cpu_sample;
        data[j] = &jobs[j];
    }
    if (!opt.csv) {
        cp_bench_print_header(&opt);
        printf("\nProcess vs Thread performance comparison:\n");
        fflush(stdout);   /* the measuring takes a while */
    }
    /* In turns, so that a busy spell of the machine hits every figure. */
    cp_bench_measure_interleaved(opt.repeat, 1 + 2 * rows, samples, data, figures);

    const CpBenchFigure *sequential = &figures[0];
    if (opt.csv) {
        cp_bench_csv_print_header();
        print_csv("sequential", 1, size, sequential, 1.0);
    } else {
        printf("Sequential: %.2fs ±%.2f (the speedups are against it)\n",
               sequential->median, (sequential->max - sequential->min) / 2);
        printf("Workers | Threading | Multiprocessing\n");
        printf("----------------------------------------\n");
    }
    for (int r = 0; r < rows; r++) {
        const CpBenchFigure *threads = &figures[1 + 2 * r], *processes = &figures[2 + 2 * r];
        double threads_speedup = sequential->median / threads->median;
        double processes_speedup = sequential->median / processes->median;

        if (opt.csv) {
            print_csv("threads", counts[r], size, threads, threads_speedup);
            print_csv("processes", counts[r], size, processes, processes_speedup);
            continue;
        }
        printf("%7d | ", counts[r]);
        print_cell(threads, 8, threads_speedup);
        printf(" | ");
        print_cell(processes, 13, processes_speedup);
        printf("%s\n", cp_bench_mark(&opt, counts[r]));
    }
    if (!opt.csv)
        cp_bench_print_footnote(&opt, counts[rows - 1]);
    g_free(size);
    return EXIT_SUCCESS;
}
