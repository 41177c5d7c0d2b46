/* SPDX-License-Identifier: 0BSD */
/* cp_bench.h: what every benchmark in examples/bench/ shares, so that they
 * all measure the same thing the same way.  It is the header of
 * libconparbench.a, which only the benchmarks link (the lessons' library,
 * libconpar.a, knows nothing of it):
 *     cc -std=c11 copy.c $(pkg-config --cflags --libs conpar-bench)
 *
 *     CpBenchOptions opt;
 *     cp_bench_parse(&argc, &argv, &(CpOptions) { .summary = "Threads against processes." },
 *                    CP_BENCH_WITH_SIZE | CP_BENCH_WITH_MAX_WORKERS, &opt);
 *     CpBenchFigure seq = cp_bench_measure_cpu(&opt, CP_BENCH_SEQUENTIAL, 1);
 *     CpBenchFigure thr = cp_bench_measure_cpu(&opt, CP_BENCH_THREADS, 4);
 *     double speedup = seq.median / thr.median;
 *
 * One header, one source per section below, so that each part reads on
 * its own: cp_bench_options.c, cp_bench_figures.c, cp_bench_workloads.c,
 * cp_bench_runners.c, cp_bench_memory.c and cp_bench_output.c; the OpenMP
 * row is apart, in cp_bench_openmp.h and .c.
 *
 * Options.  cp_bench_parse() adds to cp_options_parse() (--version, and
 * --time-scale with CP_BENCH_WITH_WAITS):
 *   --repeat=N       measured runs per figure, after one warm-up run (5)
 *   --csv            print CSV rows (cp_bench_csv_*) instead of the table
 *   --size=N         with CP_BENCH_WITH_SIZE: the CPU-bound n; without it,
 *                    n is calibrated at start-up: doubled from the lessons'
 *                    10^6 until one sequential run takes 50 ms, then scaled
 *                    by the fastest of three such runs so that one run
 *                    takes about 0.5 s on this machine
 *   --max-workers=N  with CP_BENCH_WITH_MAX_WORKERS: the table's worker
 *                    counts are 1, 2, 4, 8 ... up to N, and N (default 8)
 * A bad value exits 2 with a message naming it (cp_options_fail()).
 *
 * Figures.  A figure is the median of --repeat runs after one warm-up run
 * that is not counted, with the spread (min, max) of the measured runs.
 * Tables show it as "0.50s ±0.01": the median ± half the spread
 * ((max - min) / 2).  A speedup is the sequential median divided by the
 * other median, both measured in the same run of the program, best in
 * turns (cp_bench_measure_interleaved()).
 *
 * Workloads.  CPU-bound: the lessons' sum of i*i for i < n, in 64-bit
 * unsigned arithmetic (it wraps past 2^64; the check uses the same
 * arithmetic), split over W workers in W equal chunks, so the total work
 * does not depend on W.  I/O-bound: each of W workers does one simulated
 * wait of one unit, cp_sleep(1).
 *
 * Runners.  CP_BENCH_SEQUENTIAL does the W chunks (or waits) one after the
 * other; CP_BENCH_THREADS starts W pthreads and joins them;
 * CP_BENCH_PROCESSES forks W children (each sends its partial sum back
 * through a pipe and _exit()s) and reaps every one with waitpid();
 * CP_BENCH_EVENT_LOOP runs them on a GMainLoop on the calling thread: the
 * waits as W cp_loop sleeps at once and a gather (cp_bench_loop_waits()),
 * the CPU-bound chunks one after the other (one thread computes one thing
 * at a time).  A run is timed from before
 * the first worker is created until after the last one is joined or
 * reaped: starting workers is part of the cost, as in the lessons' timed
 * `with ThreadPoolExecutor(...)` blocks.
 *
 * Two more CPU-bound rows, for -v and --csv, measure the threads against
 * the machine and against what a C programmer would write instead:
 *  - CP_BENCH_PROBE, "cores delivered": W independent copies of the whole
 *    sum (not W chunks of it), one per forked child, which share nothing
 *    and say nothing until each sends its sum at the end.  W copies on W
 *    free cores take as long as one copy alone, so
 *        cores delivered = W x sequential time / probe time
 *    (cp_bench_probe_cores()) is how many cores the machine gave the run:
 *    W, or less on a busy machine.  *sum is the copies' total, W times the
 *    sum.  Measure it in turns with the other rows of the same W, and only
 *    for W <= cores: beyond, it can only say "cores" again, slowly.
 *  - CP_BENCH_OPENMP: the sequential loop under one OpenMP pragma.  Its
 *    runner is cp_bench_openmp_run() (cp_bench_openmp.h), which only a
 *    program compiled with OpenMP calls; cp_bench_cpu_run() has none.
 * The ratios that matter are within one run: threads / probe (did the
 * threads get what the machine gave?) and threads / OpenMP (do the hand-
 * made threads lose anything to the pragma?), both near 1.
 *
 * cp_bench_measure_cpu/io() and cp_bench_cpu/io_sample() check every run:
 * a wrong sum, a wait that did not complete or a child that failed is
 * reported on stderr (every child reaped first) and the program exits 1.
 *
 * Children.  Every child forked here is remembered (cp_children_add()),
 * forgotten once reaped (cp_children_reaped()), and calls
 * cp_children_in_child() first, so it dies with its parent.  A run that
 * fails halfway (a fork or a pipe that fails, a read error) says so in one
 * line on stderr and exits 1; exit() then stops and reaps the children it
 * had started (common/cp_children.h).  Nothing is left running.
 *
 * Memory.  cp_bench_private_bytes() counts the pages only one process maps
 * (what it adds to the machine), cp_bench_virtual_bytes() this process's
 * address space; both read Linux's /proc and return -1 elsewhere (print
 * "n/a").  cp_bench_in_fresh_child() takes a sample in a child forked for
 * it, which has no thread stacks that glibc keeps for reuse.
 *
 * CSV.  One long format for every benchmark, header CP_BENCH_CSV_HEADER:
 * benchmark,section,approach,workers,param,value,unit,min,max,speedup,cores
 * with numbers as plain decimals of 6 significant digits (never 1e+06),
 * and an empty speedup where it means nothing.  CPU-bound rows put n in
 * param; I/O rows leave it empty.  A probe row's speedup is the cores
 * delivered (it did W times the work); approach "probe", "openmp".
 */
#ifndef CP_BENCH_H
#define CP_BENCH_H

#include <glib.h>
#include <stdint.h>

#include "cp_options.h"
#include <sys/types.h>

/* ---- Options ----------------------------------------------------------- */

#define CP_BENCH_REPEAT_DEFAULT 5
#define CP_BENCH_REPEAT_MAX 1000
#define CP_BENCH_MAX_WORKERS_DEFAULT 8
#define CP_BENCH_SIZE_MAX G_GINT64_CONSTANT(1000000000000)   /* 10^12 */
/* The calibrated sequential CPU-bound run takes about this long. */
#define CP_BENCH_TARGET_SECONDS 0.5

/* Which of the optional common options a benchmark takes. */
enum {
    CP_BENCH_WITH_SIZE = 1 << 0,
    CP_BENCH_WITH_MAX_WORKERS = 1 << 1,
    CP_BENCH_WITH_WAITS = 1 << 2    /* simulated waits: --time-scale */
};

typedef struct {
    int repeat;         /* --repeat: measured runs per figure */
    gboolean csv;       /* --csv: CSV instead of the table */
    guint64 size;       /* --size, or calibrated (CP_BENCH_WITH_SIZE only) */
    gboolean size_given;
    int max_workers;    /* --max-workers (CP_BENCH_WITH_MAX_WORKERS only) */
    int cores;          /* cp_bench_cores() */
} CpBenchOptions;

/* Parse the common options, and the program's own as cp_options_parse()
 * does from `program` (its summary, entries, -v, --lesson; not inputs,
 * -w or .waits) and, with CP_BENCH_WITH_WAITS, --time-scale; reject
 * positional arguments.  With CP_BENCH_WITH_SIZE and no
 * --size, calibrate the size (CP_BENCH_TARGET_SECONDS of work, once the
 * common options are known good; a program checks its own entries after
 * this call). */
void cp_bench_parse(int *argc, char ***argv, const CpOptions *program, guint flags,
                    CpBenchOptions *options);

/* The n for which one sequential CPU-bound run takes about `seconds`. */
guint64 cp_bench_calibrate(double seconds);

/* The table's worker counts: 1, 2, 4, ... below max_workers, then
 * max_workers.  Fills counts (room for CP_BENCH_MAX_ROWS) and returns how
 * many. */
#define CP_BENCH_MAX_ROWS 16
int cp_bench_worker_counts(int max_workers, int counts[CP_BENCH_MAX_ROWS]);

/* Cores this process may run on (its CPU affinity, on Linux). */
int cp_bench_cores(void);

/* ---- Figures ----------------------------------------------------------- */

typedef struct {
    double median;
    double min;
    double max;
} CpBenchFigure;

/* The median of n > 0 values (the mean of the middle two when n is even);
 * values are not changed. */
double cp_bench_median(const double *values, int n);

/* Median, min and max of n > 0 values. */
CpBenchFigure cp_bench_figure(const double *values, int n);

/* One run: returns what it measured (seconds, or any other unit). */
typedef double (*CpBenchSampleFunc)(void *data);

/* Call sample() once as a warm-up, then `repeat` times; the figure of the
 * measured values. */
CpBenchFigure cp_bench_measure(int repeat, CpBenchSampleFunc sample, void *data);

/* The same for n things measured in turns: one warm-up of each, then
 * `repeat` rounds that run each once; figures[j] is the figure of
 * samples[j](data[j]).  A burst of load from another program then slows
 * every one of them alike, rather than all the runs of one figure, so the
 * ratios between them (the speedups) hold better on a busy machine. */
void cp_bench_measure_interleaved(int repeat, int n, const CpBenchSampleFunc *samples,
                                  void *const *data, CpBenchFigure *figures);

/* ---- Workloads and runners --------------------------------------------- */

typedef enum {
    CP_BENCH_SEQUENTIAL,
    CP_BENCH_THREADS,
    CP_BENCH_PROCESSES,
    CP_BENCH_EVENT_LOOP,
    CP_BENCH_PROBE,     /* CPU-bound only: W whole copies, W processes */
    CP_BENCH_OPENMP     /* CPU-bound only, by cp_bench_openmp_run() */
} CpBenchApproach;

/* "sequential", "threads", "processes", "event_loop", "probe", "openmp":
 * the CSV names. */
const char *cp_bench_approach_name(CpBenchApproach approach);

/* The CPU-bound work: the sum of i*i for first <= i < last, mod 2^64.  The
 * compiler can neither replace the loop by a formula nor vectorize it away:
 * every step really runs. */
guint64 cp_bench_cpu_work(guint64 first, guint64 last);

/* The same sum by the formula (n-1)n(2n-1)/6, mod 2^64: the check. */
guint64 cp_bench_cpu_expected(guint64 n);

/* Chunk k (0 <= k < workers) of 0..n-1: [*first, *last).  The chunks are in
 * order, cover 0..n-1 exactly and differ in length by at most one. */
void cp_bench_chunk(guint64 n, int workers, int k, guint64 *first, guint64 *last);

/* One CPU-bound run of n split over `workers`: returns the seconds and
 * stores the total of the chunks' sums in *sum (CP_BENCH_PROBE: of the
 * `workers` whole copies).  Not CP_BENCH_OPENMP (cp_bench_openmp_run()). */
double cp_bench_cpu_run(CpBenchApproach approach, guint64 n, int workers, guint64 *sum);

/* One I/O-bound run: `workers` simulated waits of one unit.  Returns the
 * seconds and stores in *completed how many waits completed.  Sequential,
 * threads, processes and the event loop only. */
double cp_bench_io_run(CpBenchApproach approach, int workers, int *completed);

/* `waits` simulated waits of one unit at once through cp_loop's public API,
 * as the async examples make them: a group of cp_loop_sleep_async()
 * operations and a gather, on the calling thread's loop.  Returns how many
 * completed.  The event loop's I/O runner. */
int cp_bench_loop_waits(int waits);

/* Warm-up plus --repeat checked runs of each (see the top of this file). */
CpBenchFigure cp_bench_measure_cpu(const CpBenchOptions *options,
                                   CpBenchApproach approach, int workers);
CpBenchFigure cp_bench_measure_io(const CpBenchOptions *options,
                                  CpBenchApproach approach, int workers);

/* One checked run, in the CpBenchSampleFunc shape, for
 * cp_bench_measure_interleaved(): data is a CpBenchJob; the CPU-bound run
 * sums options->size. */
typedef struct {
    const CpBenchOptions *options;
    CpBenchApproach approach;
    int workers;
} CpBenchJob;
double cp_bench_cpu_sample(void *job);
double cp_bench_io_sample(void *job);

/* The check of a CPU-bound run of job: if sum is not what it must be
 * (cp_bench_cpu_expected(), times W for the probe), say so on stderr and
 * exit 1. */
void cp_bench_cpu_check(const CpBenchJob *job, guint64 sum);

/* Cores delivered: W x sequential / probe, the medians of one run. */
double cp_bench_probe_cores(int workers, const CpBenchFigure *sequential,
                            const CpBenchFigure *probe);

/* Per-worker results padded to a cache line of their own: workers that
 * write neighbouring slots do not slow each other down (false sharing).
 * Allocate with cp_bench_slots_new() (zeroed, aligned), free with
 * cp_bench_slots_free(). */
#define CP_BENCH_CACHE_LINE 64
typedef struct {
    _Alignas(CP_BENCH_CACHE_LINE) guint64 value;
} CpBenchSlot;
CpBenchSlot *cp_bench_slots_new(int n);
void cp_bench_slots_free(CpBenchSlot *slots);

/* ---- Memory and child processes --------------------------------------- */

/* Linux only: the bytes of the pages that only process `pid` (0: this one)
 * maps, Private_Clean + Private_Dirty of /proc/PID/smaps_rollup: what it
 * adds to the machine.  The rest it shares: with its parent (copy-on-write
 * after fork) or with every program using the same files.  -1 where that
 * cannot be read: not Linux, no /proc, or no such process. */
double cp_bench_private_bytes(pid_t pid);

/* Linux only: this process's address space in bytes (/proc/self/statm),
 * reserved pages included, used or not; -1 where that cannot be read. */
double cp_bench_virtual_bytes(void);

/* waitpid() for `child` (retrying on EINTR), then cp_children_reaped():
 * TRUE if it exited with status 0, else FALSE after cp_child_status_ok()
 * has said on stderr how it ended, naming it `who`. */
gboolean cp_bench_reap(pid_t child, const char *who);

/* Fork a child that runs sample(data), flushes stdout (and fails if that
 * write fails), sends its value back through a pipe, then _exit()s; reap
 * it and return the value.  If the child failed (or sent nothing), say so
 * on stderr and exit 1. */
double cp_bench_in_fresh_child(CpBenchSampleFunc sample, void *data);

/* How much this process grows while n threads exist that have each
 * summed i*i for i < work and then wait: in the address space if
 * address_space, else in private pages.  Run it in a fresh child
 * (cp_bench_in_fresh_child()): it has no thread stacks kept for reuse. */
double cp_bench_threads_growth(int n, guint64 work, gboolean address_space);

/* The private bytes of n children, added up while they all exist, each
 * forked from here, having summed i*i for i < work, and waiting.  Every
 * child is reaped; if one failed, say how on stderr and exit 1.  -1 where
 * cp_bench_private_bytes() cannot read it. */
double cp_bench_children_private_bytes(int n, guint64 work);

/* ---- Output ------------------------------------------------------------ */

/* "Cores: N", then a line saying how figures are measured. */
void cp_bench_print_header(const CpBenchOptions *options);

/* " *" when the row has more workers than there are cores, else "". */
const char *cp_bench_mark(const CpBenchOptions *options, int workers);

/* The footnote for the marked rows, "* more workers than cores: ...",
 * printed only when the table's largest worker count is above the cores. */
void cp_bench_print_footnote(const CpBenchOptions *options, int largest_workers);

/* With -v: the CPU-bound threads against the cores delivered and against
 * OpenMP, a row per W, all from the same run:
 *     Workers | Cores delivered | Threads ÷ probe | OpenMP            | Threads ÷ OpenMP
 *           2 |       1.98 of 2 |            0.99 | 0.25s ±0.00 1.99x |             1.00
 * "-" where a row has no probe (W > cores); the OpenMP columns only when
 * some row has an OpenMP figure. */
typedef struct {
    int workers;
    const CpBenchFigure *sequential;   /* the speedups are against it */
    const CpBenchFigure *threads;
    const CpBenchFigure *probe;        /* NULL: not measured */
    const CpBenchFigure *openmp;       /* NULL: not built with OpenMP */
} CpBenchDelivered;
void cp_bench_print_delivered(const CpBenchOptions *options, const CpBenchDelivered *rows, int n);

/* A table cell "0.50s ±0.01": median ± half the spread, `decimals` places,
 * unit after the median ("s").  g_free() it. */
char *cp_bench_format_figure(const CpBenchFigure *figure, int decimals, const char *unit);

/* A plain decimal with 6 significant digits and no exponent: 0.500123,
 * 2500000, 1.5e-05 -> 0.000015.  g_free() it. */
char *cp_bench_format_number(double value);

#define CP_BENCH_CSV_HEADER \
    "benchmark,section,approach,workers,param,value,unit,min,max,speedup,cores"

typedef struct {
    const char *benchmark;   /* program name: "thread_vs_process" */
    const char *section;     /* cpu, io, io_scale, memory, gil, queue, spawn */
    const char *approach;    /* sequential, threads, processes, event_loop, ... */
    int workers;             /* 1 where there are none */
    const char *param;       /* NULL or "": empty */
    CpBenchFigure figure;    /* value = median, min, max */
    const char *unit;        /* s, items/s, bytes, us */
    double speedup;          /* NAN: empty */
} CpBenchRow;

/* One CSV line (no newline) for a machine with `cores` cores.  g_free() it. */
char *cp_bench_csv_line(const CpBenchRow *row, int cores);

/* Print CP_BENCH_CSV_HEADER, or one row with cp_bench_cores(), on stdout. */
void cp_bench_csv_print_header(void);
void cp_bench_csv_print_row(const CpBenchRow *row);

#endif
