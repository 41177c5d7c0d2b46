/* SPDX-License-Identifier: 0BSD */
/* concurrency_vs_parallelism.c: waits overlap in threads and in processes;
 * computing goes faster only with more cores.
 *
 * Ports lesson 002 §1 "Concurrency vs Parallelism" and prints its 23 lines.
 * Three simulated I/O waits of one second each run in sequence, in three
 * threads and in three processes.  Then the CPU-bound sum of i*i for i < n
 * runs in sequence and split in four chunks over four threads and over
 * four processes, and the speedups are printed.  Each figure times the
 * whole run, starting and joining the workers included, as the lesson's
 * timed blocks do, and is the median of --repeat runs after a warm-up run;
 * the three CPU-bound figures are measured in turns, so that a busy spell
 * of the machine hits them alike.  The waits' times are in lesson seconds
 * (divided by the time scale), so a run at --time-scale=0.01 still prints
 * about "Sequential time: 3.00 seconds".  lib/cp_bench_runners.c has
 * the runners (pthread_create/join, fork/waitpid), shared by every
 * benchmark.
 *
 * Usage:   concurrency_vs_parallelism [-v] [--repeat=N] [--size=N] [--time-scale=F]
 *          concurrency_vs_parallelism --csv [--repeat=N] [--size=N] [--time-scale=F]
 *
 * -v adds what C measures beyond the lesson's lines: the cores, how each
 * figure is taken, n, the time scale, a "±" half spread after each time,
 * "*" on the CPU-bound lines with more workers than cores and a footnote;
 * and two more CPU-bound figures, measured in the same turns: the cores
 * the machine delivered (the probe: as many whole copies of the sum at
 * once, in processes, as there are cores, up to 4) and, when compiled
 * with OpenMP, the sum under one `#pragma omp parallel for reduction`
 * (lib/cp_bench_openmp.c), with the threads' speedup against each.
 * --csv prints every figure, those two ("probe", "openmp") included, in
 * the shared CSV format (real seconds) that `make bench` reads, instead
 * of the lesson's lines.
 *
 * Look for: the three waits take 3 seconds in sequence and 1 second in
 * threads or in processes: a waiting task needs no core, so taking turns
 * (concurrency) is enough.  The CPU-bound work goes as many times faster
 * as there are cores (with -v, lines marked * have more workers than
 * cores), with threads as with processes.  In the lesson's Python, the
 * threading line stays near 1.00x: the GIL lets one thread at a time run
 * Python code, and only processes compute in parallel.  C threads have no
 * such lock (see bench/gil_demo.c for what one would do).  The lesson's
 * n = 10^6 takes a millisecond in C, so n is calibrated to about 0.5 s of
 * sequential work (--size sets it).
 *
 * See also: bench/thread_vs_process.c, bench/perf_compare.c,
 * bench/gil_demo.c; pools/fetch_pool.c for waits on a thread pool.
 *
 * Build alone: cc -std=c11 concurrency_vs_parallelism.c $(pkg-config --cflags --libs conpar-bench)
 * (add -fopenmp for the OpenMP figure).
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cp_bench.h"
#include "cp_bench_openmp.h"
#include "cp_format.h"
#include "cp_time.h"

#define IO_WORKERS 3    /* the lesson's three waits */
#define CPU_WORKERS 4   /* the lesson's max_workers=4 */

static CpBenchOptions opt;
static gboolean verbose;   /* -v: also what C adds to the lesson's lines */
static char *size;         /* n as text, for the CSV */

/* The lesson's line for a figure, "Parallel time: 1.00 seconds"; with -v
 * the half spread and the mark follow: "... 1.00 seconds ±0.00 *". */
static void
print_figure(const char *label, const CpBenchFigure *figure, const char *mark)
{
    if (verbose) {
        char *cell = cp_bench_format_figure(figure, 2, " seconds");

        printf("%s: %s%s\n", label, cell, mark);
        g_free(cell);
    } else {
        printf("%s: %.2f seconds\n", label, figure->median);
    }
    fflush(stdout);
}

/* Real seconds to lesson seconds: a wait of one lesson second lasts the
 * time scale (at scale 0 there is no wait to undo: left as measured). */
static CpBenchFigure
lesson_seconds(const CpBenchFigure *figure)
{
    double unit = cp_time_scale() > 0 ? cp_time_scale() : 1.0;

    return (CpBenchFigure) { figure->median / unit, figure->min / unit, figure->max / unit };
}

/* Measure the waits; for the lesson's lines, print the time they took. */
static CpBenchFigure
measure_waits(CpBenchApproach approach, const char *label)
{
    CpBenchFigure figure = cp_bench_measure_io(&opt, approach, IO_WORKERS);

    if (!opt.csv) {
        CpBenchFigure lesson = lesson_seconds(&figure);

        print_figure(label, &lesson, "");
    }
    return figure;
}

static void
print_csv(const char *section, const char *approach, int workers,
          const CpBenchFigure *figure, double speedup)
{
    CpBenchRow row = { "concurrency_vs_parallelism", section, approach, workers,
                       g_str_equal(section, "cpu") ? size : "", *figure, "s", speedup };

    cp_bench_csv_print_row(&row);
}

/* -v: the threads against what the machine delivered and against OpenMP,
 * from the same runs. */
static void
print_delivered(double threads_speedup, int probe_workers, double delivered,
                const CpBenchFigure *sequential, const CpBenchFigure *openmp)
{
    if (openmp != NULL)
        printf("OpenMP: %.2fx\n", sequential->median / openmp->median);
    printf("Cores delivered: %.2f of %d (the probe: %d whole copies of the sum at once)\n",
           delivered, probe_workers, probe_workers);
    if (probe_workers == CPU_WORKERS)
        printf("Threading ÷ cores delivered: %.2f\n", threads_speedup / delivered);
    if (openmp != NULL)
        printf("Threading ÷ OpenMP: %.2f\n", threads_speedup / (sequential->median / openmp->median));
}

/* The lesson prints what each wait returned. */
static void
print_wait_results(void)
{
    const char *results[IO_WORKERS];

    for (int i = 0; i < IO_WORKERS; i++)
        results[i] = "Completed after 1 seconds";
    char *list = cp_format_str_list(results, IO_WORKERS);
    printf("Results: %s\n", list);
    g_free(list);
}

int
main(int argc, char *argv[])
{
    cp_bench_parse(&argc, &argv, &(CpOptions) {
        .summary = "Waits overlap in threads and processes; computing needs cores.",
        .verbose = &verbose,
    }, CP_BENCH_WITH_SIZE | CP_BENCH_WITH_WAITS, &opt);
    size = g_strdup_printf("%" G_GUINT64_FORMAT, opt.size);
    if (!opt.csv) {
        if (verbose) {
            cp_bench_print_header(&opt);
            cp_time_print_scale_note();   /* the waits are in lesson seconds */
            printf("\n");
        }
        printf("1. Concurrency vs Parallelism\n");
        printf("------------------------------\n");
        printf("Sequential execution:\n");
    }
    /* Every figure below has been checked: all waits completed, every sum
     * right; cp_bench exits 1 otherwise, so the Results lines are true. */
    CpBenchFigure io_seq = measure_waits(CP_BENCH_SEQUENTIAL, "Sequential time");
    if (!opt.csv) {
        print_wait_results();
        printf("\nConcurrent execution with threading:\n");
    }
    CpBenchFigure io_threads = measure_waits(CP_BENCH_THREADS, "Concurrent time");
    if (!opt.csv) {
        print_wait_results();
        printf("\nParallel execution with multiprocessing:\n");
    }
    CpBenchFigure io_processes = measure_waits(CP_BENCH_PROCESSES, "Parallel time");
    if (!opt.csv) {
        print_wait_results();
        printf("\nCPU-bound task comparison:\n");
        fflush(stdout);
    }

    /* The CPU-bound figures are measured in turns, so that a busy spell
     * of the machine hits them all alike.  With -v or --csv, two more: the
     * cores delivered (the probe, at as many of the 4 workers as there are
     * cores) and, when compiled with OpenMP, its pragma on the same sum. */
    gboolean extra = verbose || opt.csv;
    int probe_workers = MIN(CPU_WORKERS, opt.cores);
    CpBenchJob jobs[5] = {
        { &opt, CP_BENCH_SEQUENTIAL, 1 },
        { &opt, CP_BENCH_THREADS, CPU_WORKERS },
        { &opt, CP_BENCH_PROCESSES, CPU_WORKERS },
        { &opt, CP_BENCH_PROBE, probe_workers },
        { &opt, CP_BENCH_OPENMP, CPU_WORKERS },
    };
    CpBenchSampleFunc samples[5] = { cp_bench_cpu_sample, cp_bench_cpu_sample, cp_bench_cpu_sample,
                                     cp_bench_cpu_sample, NULL };
    void *data[5] = { &jobs[0], &jobs[1], &jobs[2], &jobs[3], &jobs[4] };
    CpBenchFigure cpu[5];
    int measured = extra ? 4 : 3;
#ifdef _OPENMP   /* compiled with OpenMP: its figure too */
    samples[4] = cp_bench_openmp_sample;
    measured = extra ? 5 : 3;
#endif

    cp_bench_measure_interleaved(opt.repeat, measured, samples, data, cpu);
    CpBenchFigure cpu_seq = cpu[0], cpu_threads = cpu[1], cpu_processes = cpu[2];
    const CpBenchFigure *probe = measured > 3 ? &cpu[3] : NULL;
    const CpBenchFigure *openmp = measured > 4 ? &cpu[4] : NULL;
    if (!opt.csv) {
        const char *mark = cp_bench_mark(&opt, CPU_WORKERS);

        print_figure("Sequential CPU task", &cpu_seq, "");
        print_figure("Threading CPU task", &cpu_threads, mark);
        print_figure("Multiprocessing CPU task", &cpu_processes, mark);
        if (verbose && openmp != NULL)
            print_figure("OpenMP CPU task", openmp, mark);
    }
    double threads_speedup = cpu_seq.median / cpu_threads.median;
    double processes_speedup = cpu_seq.median / cpu_processes.median;
    double delivered = probe != NULL ? cp_bench_probe_cores(probe_workers, &cpu_seq, probe) : NAN;

    if (opt.csv) {
        cp_bench_csv_print_header();
        print_csv("io", "sequential", IO_WORKERS, &io_seq, 1.0);
        print_csv("io", "threads", IO_WORKERS, &io_threads, io_seq.median / io_threads.median);
        print_csv("io", "processes", IO_WORKERS, &io_processes, io_seq.median / io_processes.median);
        print_csv("cpu", "sequential", 1, &cpu_seq, 1.0);
        print_csv("cpu", "threads", CPU_WORKERS, &cpu_threads, threads_speedup);
        print_csv("cpu", "processes", CPU_WORKERS, &cpu_processes, processes_speedup);
        if (probe != NULL)   /* its speedup: the cores delivered */
            print_csv("cpu", "probe", probe_workers, probe, delivered);
        if (openmp != NULL)
            print_csv("cpu", "openmp", CPU_WORKERS, openmp, cpu_seq.median / openmp->median);
    } else {
        if (verbose)
            cp_bench_print_footnote(&opt, CPU_WORKERS);
        /* The lesson's speedups: its CPU-bound times, sequential over each. */
        printf("\nPerformance comparison:\n");
        printf("Sequential: 1.00x\n");
        printf("Threading: %.2fx\n", threads_speedup);
        printf("Multiprocessing: %.2fx\n", processes_speedup);
        if (verbose)
            print_delivered(threads_speedup, probe_workers, delivered, &cpu_seq, openmp);
    }
    g_free(size);
    return EXIT_SUCCESS;
}
