/* SPDX-License-Identifier: 0BSD */
/* perf_compare.c: sequential, threads, processes and an event loop, side by
 * side, for CPU-bound and for I/O-bound work, with the memory each costs.
 *
 * Ports lesson 002 §5 "Performance Comparison" and prints its 50 lines:
 * the CPU-bound and I/O-bound tables `Workers | Sequential | Threading |
 * Multiprocessing | Asyncio` for 1, 2, 4 and 8 workers, the memory usage
 * comparison, the scalability analysis and the best practices.  The
 * Asyncio column is GLib's main loop here: one thread, the waits as
 * timers.  As in the lesson, W workers share a constant total of CPU-bound
 * work (W chunks of n/W; Sequential does the W chunks in a row), while
 * each I/O-bound worker waits one unit of time (Sequential waits W units).
 * The lesson times fresh executors; here each run starts W threads or
 * forks W processes and joins or reaps them, so starting the workers is
 * part of the cost, as it is there.  Each figure is the median of
 * --repeat runs after a warm-up run; the I/O-bound times are in lesson
 * seconds (divided by the time scale), so a run at --time-scale=0.01 still
 * prints about 1.00s for one wait.  The runners live in
 * lib/cp_bench_runners.c, so every benchmark measures the same thing.
 *
 * Usage:   perf_compare [-v] [--io-tasks=N] [--max-workers=N] [--repeat=N]
 *                       [--size=N] [--time-scale=F]
 *          perf_compare --csv [--sections=LIST] [the same options]
 *
 * -v adds what C measures beyond the lesson's lines: the cores, how each
 * figure is taken, n, the time scale, a "±" half spread and a speedup in
 * every cell, "*" on CPU-bound rows with more workers than cores and a
 * footnote, the threads against the cores delivered (the probe, W <= cores)
 * and OpenMP (when compiled with it) under the CPU-bound table (see
 * bench/thread_vs_process.c), the event loop at scale (below), the memory
 * in KiB with what it is made of, and after each scalability line what
 * this run measured.  --csv prints every figure, the CPU-bound "probe"
 * and "openmp" rows included, in the shared CSV format (real seconds,
 * bytes) that `make bench` reads, instead of the lesson's lines;
 * --sections=LIST (of cpu,io,memory,io_scale; default all) then runs only
 * those, as python/workloads.py's --sections does: `make bench-peers`
 * runs io_scale alone (with --size given, nothing is calibrated).
 *
 * Look for:
 *  - CPU-bound: Threading and Multiprocessing go about as many times
 *    faster as there are cores, then stay flat.  In the lesson's Python,
 *    Threading stays at 1x: the GIL runs one thread at a time, as its
 *    "limited by GIL" line says.  C threads have no such lock.  The event
 *    loop is one thread: 1x, as asyncio is.
 *  - I/O-bound: with threads, processes and the loop, W waits take one
 *    unit whatever W is: waiting needs no core.
 *  - With -v, "Event loop at scale": --io-tasks=N (default 100000) waits
 *    of 1 s started at once through cp_loop, as the async examples start
 *    them (a group of cp_loop_sleep_async() and a gather), timed until the
 *    gather completes, in real seconds.  Python's asyncio takes about
 *    2.3 s for 100000; the loop here pays the 1 s wait plus arming and
 *    ending each task.  It also says how much this process's peak
 *    resident set (getrusage's ru_maxrss, which the peers' programs read
 *    too) grew over those runs: what the waiting tasks took at most.
 *  - Memory: what each approach adds while its 4 workers exist, counted
 *    as private pages (pages no other process maps, from Linux's
 *    /proc/PID/smaps_rollup; n/a elsewhere), in MB as the lesson prints
 *    it, in KiB with -v.  A thread adds a few KiB (its stack reserves
 *    8 MiB of address space, but only the pages it touches take memory);
 *    a process adds the pages it has copied from its parent by writing to
 *    them (the rest stay shared, copy-on-write); a waiting task on the
 *    loop (a cp_loop sleep in a group) adds about 200 bytes, which is
 *    why the loop scales to a million of them.  The lesson reads only
 *    its own process's size, which misses its child processes.  Threads and loop tasks are measured in a
 *    freshly forked child, which has no cached thread stacks to reuse.
 *    The kernel's own memory per thread or process (kernel stack, page
 *    tables) is not visible here.
 *  - The scalability analysis and best practices are the lesson's own
 *    words; -v says after each line what this run measured.
 *
 * A default run takes a few minutes, mostly the sequential waits
 * (1 + 2 + 4 + 8 s per run); --repeat=1 or --time-scale=0.1 shortens it.
 *
 * See also: bench/thread_vs_process.c, bench/concurrency_vs_parallelism.c,
 * bench/spawn_cost.c (what one thread or process costs), async/gather.c.
 *
 * Build alone: cc -std=c11 perf_compare.c $(pkg-config --cflags --libs conpar-bench)
 * (add -fopenmp for the OpenMP row).
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cp_bench.h"
#include "cp_bench_openmp.h"
#include "cp_loop.h"
#include "cp_options.h"
#include "cp_time.h"

#define APPROACHES 4
#define MEMORY_WORKERS 4     /* the lesson's memory test: 4 workers ... */
#define MEMORY_WORK 100000   /* ... each summing i*i for i < 100000 */

static const CpBenchApproach approaches[APPROACHES] = {
    CP_BENCH_SEQUENTIAL, CP_BENCH_THREADS, CP_BENCH_PROCESSES, CP_BENCH_EVENT_LOOP
};
static const char *const titles[APPROACHES] = {
    "Sequential", "Threading", "Multiprocessing", "Asyncio"   /* the lesson's words */
};
static gboolean verbose;   /* -v: also what C adds to the lesson's lines */

/* Which sections --sections asked for (all of them by default). */
enum { SECTION_CPU = 1, SECTION_IO = 2, SECTION_MEMORY = 4, SECTION_IO_SCALE = 8 };
static const char *const section_names[] = { "cpu", "io", "memory", "io_scale" };

/* "io_scale" or "cpu,io" -> the SECTION_ bits; a bad name exits 2. */
static unsigned
parse_sections(const char *text)
{
    char **names = g_strsplit(text, ",", -1);
    unsigned sections = 0;

    for (char **name = names; *name; name++) {
        unsigned bit = 0;

        for (unsigned s = 0; s < G_N_ELEMENTS(section_names); s++)
            if (strcmp(*name, section_names[s]) == 0)
                bit = 1u << s;
        if (bit == 0)
            cp_options_fail("--sections: '%s' is not one of cpu,io,memory,io_scale",
                            *name);
        sections |= bit;
    }
    g_strfreev(names);
    if (sections == 0)
        cp_options_fail("--sections: name at least one of cpu,io,memory,io_scale");
    return sections;
}

/* ---- Memory (Linux: /proc, read by cp_bench) ----------------------------- */

/* This process's peak resident set so far, in bytes (ru_maxrss is in KiB
 * on Linux and the BSDs, in bytes on macOS); -1 if getrusage() fails. */
static double
peak_rss_bytes(void)
{
    struct rusage usage;

    if (getrusage(RUSAGE_SELF, &usage) != 0)
        return -1;
#ifdef __APPLE__
    return (double) usage.ru_maxrss;
#else
    return (double) usage.ru_maxrss * 1024;
#endif
}

/* A fetch that waits "forever" (an hour) until it is cancelled. */
static void
sleep_forever(gpointer arg, GCancellable *cancellable, GAsyncReadyCallback callback,
              gpointer user_data)
{
    (void) arg;
    cp_loop_sleep_async(3600 / (cp_time_scale() > 0 ? cp_time_scale() : 1), cancellable,
                        callback, user_data);
}

typedef struct {
    CpBenchApproach approach;
    int workers;
    gboolean virtual_size;   /* threads: the address space, not the pages */
} MemoryJob;

/* How much this process grows while job->workers workers of the approach
 * exist, each having done the lesson's task.  Run by
 * cp_bench_in_fresh_child(): a fresh process has no thread stacks that
 * glibc keeps for reuse, so each thread pays for its own. */
static double
growth(void *data)
{
    const MemoryJob *job = data;
    CpBenchSlot *slots;
    CpLoopGroup *group = NULL;
    double before, after;

    if (job->approach == CP_BENCH_THREADS)
        return cp_bench_threads_growth(job->workers, MEMORY_WORK, job->virtual_size);

    slots = cp_bench_slots_new(job->workers);
    (void) cp_bench_private_bytes(0);   /* the first read allocates stdio's buffer */
    before = job->virtual_size ? cp_bench_virtual_bytes() : cp_bench_private_bytes(0);
    if (job->approach == CP_BENCH_SEQUENTIAL) {
        for (int k = 0; k < job->workers; k++)
            slots[k].value = cp_bench_cpu_work(0, MEMORY_WORK);
    } else {   /* the event loop: tasks in a group, waiting on their timers */
        group = cp_loop_group_new(NULL);
        for (int k = 0; k < job->workers; k++)
            cp_loop_group_start(group, sleep_forever, NULL);
    }
    after = job->virtual_size ? cp_bench_virtual_bytes() : cp_bench_private_bytes(0);
    if (group != NULL) {    /* end them: cancel, and let the loop finish each */
        GAsyncResult *result = NULL;

        cp_loop_group_cancel_pending(group);
        cp_loop_gather_async(group, TRUE, NULL, cp_loop_store_result, &result);
        cp_loop_run_until(&result);
        g_object_unref(result);
        cp_loop_group_unref(group);
    }
    cp_bench_slots_free(slots);
    return after - before;
}

/* One memory sample: threads, loop tasks or plain work, in a fresh child. */
static double
growth_sample(void *job)
{
    return cp_bench_in_fresh_child(growth, job);
}

/* Processes: MEMORY_WORKERS children that do the work and wait; their
 * private pages added up while they all exist. */
static double
children_sample(void *data)
{
    (void) data;
    return cp_bench_children_private_bytes(MEMORY_WORKERS, MEMORY_WORK);
}

/* ---- Output -------------------------------------------------------------- */

/* Real seconds to lesson seconds: a wait of one lesson second lasts the
 * time scale (at scale 0 there is no wait to undo: left as measured). */
static CpBenchFigure
lesson_seconds(const CpBenchFigure *figure)
{
    double unit = cp_time_scale() > 0 ? cp_time_scale() : 1.0;

    return (CpBenchFigure) { figure->median / unit, figure->min / unit, figure->max / unit };
}

/* The lesson's cell "     0.50s"; with -v, "     0.50s ±0.01", then the
 * speedup unless NAN: "     0.50s ±0.01 1.98x". */
static void
print_cell(const CpBenchFigure *figure, int width, double speedup)
{
    printf("%*.2fs", width, figure->median);
    if (!verbose)
        return;
    printf(" ±%.2f", (figure->max - figure->min) / 2);
    if (!isnan(speedup))
        printf(" %.2fx", speedup);
}

static void
print_csv(const char *section, const char *approach, int workers, const char *param,
          const CpBenchFigure *figure, const char *unit, double speedup)
{
    CpBenchRow row = { "perf_compare", section, approach, workers, param,
                       *figure, unit, speedup };

    cp_bench_csv_print_row(&row);
}

/* One table: every approach for every worker count; fills figures (in
 * real seconds).  The approaches of a row are measured in turns, so that a
 * burst of load from elsewhere hits them alike and the speedups stay
 * meaningful. */
static void
run_table(const CpBenchOptions *opt, gboolean cpu, const int *counts, int rows,
          CpBenchFigure figures[APPROACHES][CP_BENCH_MAX_ROWS])
{
    char *size = g_strdup_printf("%" G_GUINT64_FORMAT, opt->size);
    static const int widths[APPROACHES] = { 9, 8, 13, 6 };   /* the lesson's */
    gboolean extra = opt->csv || verbose;   /* the rows beyond the lesson's */
    CpBenchFigure probes[CP_BENCH_MAX_ROWS], openmps[CP_BENCH_MAX_ROWS];
    CpBenchDelivered delivered[CP_BENCH_MAX_ROWS] = { { 0 } };

    if (!opt->csv) {
        /* The lesson: "CPU-bound ..." right under the title's dashes,
         * "\nI/O-bound ..." after the first table. */
        printf("%s performance comparison:\n", cpu ? "CPU-bound" : "\nI/O-bound");
        printf("Workers | Sequential | Threading | Multiprocessing | Asyncio\n");
        printf("------------------------------------------------------------\n");
        fflush(stdout);
    }
    for (int r = 0; r < rows; r++) {
        /* The lesson's four, then with -v or --csv on CPU-bound work the
         * probe (W <= cores) and OpenMP (when compiled with it). */
        CpBenchJob jobs[APPROACHES + 2];
        CpBenchSampleFunc samples[APPROACHES + 2];
        void *data[APPROACHES + 2];
        CpBenchFigure row[APPROACHES + 2];
        int n = APPROACHES, probe = -1, openmp = -1;

        for (int a = 0; a < APPROACHES; a++) {
            jobs[a] = (CpBenchJob) { opt, approaches[a], counts[r] };
            samples[a] = cpu ? cp_bench_cpu_sample : cp_bench_io_sample;
        }
        if (cpu && extra && counts[r] <= opt->cores) {
            jobs[probe = n++] = (CpBenchJob) { opt, CP_BENCH_PROBE, counts[r] };
            samples[probe] = cp_bench_cpu_sample;
        }
#ifdef _OPENMP   /* compiled with OpenMP: its row too */
        if (cpu && extra) {
            jobs[openmp = n++] = (CpBenchJob) { opt, CP_BENCH_OPENMP, counts[r] };
            samples[openmp] = cp_bench_openmp_sample;
        }
#endif
        for (int j = 0; j < n; j++)
            data[j] = &jobs[j];
        cp_bench_measure_interleaved(opt->repeat, n, samples, data, row);
        /* f"{num_workers:7} | {sequential_time:9.2f}s | {threading_time:8.2f}s | "
         * f"{multiprocessing_time:13.2f}s | {asyncio_time:6.2f}s" */
        if (!opt->csv)
            printf("%7d", counts[r]);
        for (int a = 0; a < APPROACHES; a++) {
            double speedup = row[0].median / row[a].median;
            CpBenchFigure shown = cpu ? row[a] : lesson_seconds(&row[a]);

            figures[a][r] = row[a];
            if (opt->csv) {
                print_csv(cpu ? "cpu" : "io", cp_bench_approach_name(approaches[a]), counts[r],
                          cpu ? size : NULL, &row[a], "s", speedup);
            } else {
                printf(" | ");
                print_cell(&shown, widths[a], a == 0 ? NAN : speedup);
            }
        }
        if (probe >= 0) {
            probes[r] = row[probe];
            delivered[r].probe = &probes[r];
        }
        if (openmp >= 0) {
            openmps[r] = row[openmp];
            delivered[r].openmp = &openmps[r];
        }
        if (opt->csv && probe >= 0)   /* its speedup: the cores delivered */
            print_csv("cpu", "probe", counts[r], size, &row[probe], "s",
                      cp_bench_probe_cores(counts[r], &row[0], &row[probe]));
        if (opt->csv && openmp >= 0)
            print_csv("cpu", "openmp", counts[r], size, &row[openmp], "s",
                      row[0].median / row[openmp].median);
        if (!opt->csv)   /* I/O waits need no core: only CPU rows are limited */
            printf("%s\n", cpu && verbose ? cp_bench_mark(opt, counts[r]) : "");
        fflush(stdout);   /* a row at a time: the table takes a while */
    }
    if (!opt->csv && cpu && verbose) {
        for (int r = 0; r < rows; r++) {
            delivered[r].workers = counts[r];
            delivered[r].sequential = &figures[0][r];
            delivered[r].threads = &figures[1][r];
        }
        cp_bench_print_delivered(opt, delivered, rows);
        cp_bench_print_footnote(opt, counts[rows - 1]);
    }
    g_free(size);
}

/* "best 1.97x (2 workers), 1.95x with 8": approach a against Sequential. */
static void
print_scaling(const CpBenchFigure figures[APPROACHES][CP_BENCH_MAX_ROWS], int a,
              const int *counts, int rows)
{
    double speedup[CP_BENCH_MAX_ROWS];
    int best = 0;

    for (int r = 0; r < rows; r++) {
        speedup[r] = figures[0][r].median / figures[a][r].median;
        if (speedup[r] > speedup[best])
            best = r;
    }
    printf("best %.2fx (%d worker%s), %.2fx with %d", speedup[best], counts[best],
           counts[best] == 1 ? "" : "s", speedup[rows - 1], counts[rows - 1]);
}

/* What the lesson's memory test shows, measured (see the top of the file). */
typedef struct {
    gboolean measured;             /* FALSE where there is no /proc */
    CpBenchFigure approach[APPROACHES];   /* MEMORY_WORKERS workers */
    CpBenchFigure thread_virtual;  /* MEMORY_WORKERS threads' address space */
    CpBenchFigure loop_tasks;      /* io_tasks waiting tasks */
} Memory;

/* Measured first, while this process has never started a thread.  The
 * address space and the io_tasks loop tasks only with `detail` (-v, CSV). */
static void
measure_memory(const CpBenchOptions *opt, int io_tasks, gboolean detail, Memory *m)
{
    MemoryJob virtual_job = { CP_BENCH_THREADS, MEMORY_WORKERS, TRUE };
    MemoryJob loop_job = { CP_BENCH_EVENT_LOOP, io_tasks, FALSE };

    m->measured = cp_bench_private_bytes(0) >= 0 && cp_bench_virtual_bytes() >= 0;
    if (!m->measured)
        return;
    for (int a = 0; a < APPROACHES; a++) {
        MemoryJob job = { approaches[a], MEMORY_WORKERS, FALSE };

        m->approach[a] = approaches[a] == CP_BENCH_PROCESSES
            ? cp_bench_measure(opt->repeat, children_sample, NULL)
            : cp_bench_measure(opt->repeat, growth_sample, &job);
    }
    if (!detail)
        return;
    m->thread_virtual = cp_bench_measure(opt->repeat, growth_sample, &virtual_job);
    if (io_tasks > 0)
        m->loop_tasks = cp_bench_measure(opt->repeat, growth_sample, &loop_job);
}

/* -v: the memory in KiB, per worker, and what it is made of. */
static void
print_memory_detail(int io_tasks, const Memory *m)
{
    printf("\nMemory usage comparison (%d workers at once; private KiB added):\n", MEMORY_WORKERS);
    printf("Approach | Memory Usage (KiB) | Per worker (KiB)\n");
    printf("----------------------------------------------\n");
    for (int a = 0; a < APPROACHES; a++) {
        const CpBenchFigure *f = &m->approach[a];
        double each = f->median / MEMORY_WORKERS;
        gboolean many = approaches[a] == CP_BENCH_EVENT_LOOP && io_tasks > 0;

        if (many)   /* 4 tasks are far below a page: count many */
            each = m->loop_tasks.median / io_tasks;
        if (m->measured)
            printf("%s | %.1f ±%.1f | %.1f%s\n", titles[a], f->median / 1024,
                   (f->max - f->min) / 2048, each / 1024, many ? " (with the tasks below)" : "");
        else
            printf("%s | n/a | n/a\n", titles[a]);
    }
    if (!m->measured) {
        printf("(measured from /proc on Linux only)\n");
        return;
    }
    printf("Threading: each thread also reserves %.0f KiB of address space, mostly its stack; "
           "only the pages it touches take memory.\n", m->thread_virtual.median / 1024 / MEMORY_WORKERS);
    printf("Multiprocessing: the private pages of each child; it shares the rest with its "
           "parent until one of them writes.\n");
    if (io_tasks > 0)
        printf("Event loop: %d waiting tasks take %.0f KiB, %.0f bytes each; most of the "
               "4 tasks' figure is the loop itself.\n", io_tasks, m->loop_tasks.median / 1024,
               m->loop_tasks.median / io_tasks);
}

static void
print_memory(const CpBenchOptions *opt, int io_tasks, const Memory *m)
{
    if (opt->csv) {
        for (int a = 0; a < APPROACHES && m->measured; a++)
            print_csv("memory", cp_bench_approach_name(approaches[a]), MEMORY_WORKERS, "private",
                      &m->approach[a], "bytes", NAN);
        if (m->measured)
            print_csv("memory", "threads", MEMORY_WORKERS, "virtual", &m->thread_virtual, "bytes", NAN);
        if (m->measured && io_tasks > 0)
            print_csv("memory", "event_loop", io_tasks, "private", &m->loop_tasks, "bytes", NAN);
        return;
    }
    /* The lesson: f"{name} | {memory_after - memory_before:.2f}" in MB. */
    printf("\nMemory usage comparison:\n");
    printf("Approach | Memory Usage (MB)\n");
    printf("------------------------------\n");
    for (int a = 0; a < APPROACHES; a++)
        if (m->measured)
            printf("%s | %.2f\n", titles[a], m->approach[a].median / 1024 / 1024);
        else
            printf("%s | n/a\n", titles[a]);
    if (verbose)
        print_memory_detail(io_tasks, m);
}

/* The lesson's scalability analysis and best practices; with -v, what
 * this run measured after each scalability line. */
static void
print_summary(const CpBenchOptions *opt, const CpBenchFigure cpu[APPROACHES][CP_BENCH_MAX_ROWS],
              const CpBenchFigure io[APPROACHES][CP_BENCH_MAX_ROWS], const int *counts, int rows,
              int io_tasks, const CpBenchFigure *scale)
{
    int last = counts[rows - 1];
    CpBenchFigure io_first = lesson_seconds(&io[0][0]), io_last = lesson_seconds(&io[0][rows - 1]);

    printf("\nScalability analysis:\n");
    if (verbose)
        printf("(after each line, this run: speedups against Sequential, from the tables above)\n");
    printf("CPU-bound tasks:\n");
    printf("- Sequential: O(n) - linear scaling");
    if (verbose)
        printf("; here: %.2fs with 1 worker, %.2fs with %d - one core, whatever the workers",
               cpu[0][0].median, cpu[0][rows - 1].median, last);
    printf("\n- Threading: O(n) - limited by GIL");
    if (verbose) {
        printf("; here: ");
        print_scaling(cpu, 1, counts, rows);
        printf(" - scales with CPU cores (%d here): C threads have no GIL", opt->cores);
    }
    printf("\n- Multiprocessing: O(n/k) - scales with CPU cores");
    if (verbose) {
        printf("; here: ");
        print_scaling(cpu, 2, counts, rows);
    }
    printf("\n- Asyncio: O(n) - single-threaded");
    if (verbose) {
        printf("; here: ");
        print_scaling(cpu, 3, counts, rows);
    }
    printf("\n");

    printf("\nI/O-bound tasks:\n");
    printf("- Sequential: O(n) - linear scaling");
    if (verbose)
        printf("; here: %.2fs with 1 worker, %.2fs with %d", io_first.median, io_last.median, last);
    printf("\n- Threading: O(n/k) - good for I/O");
    if (verbose)
        printf("; here: %.2fx with %d workers", io[0][rows - 1].median / io[1][rows - 1].median, last);
    printf("\n- Multiprocessing: O(n/k) - good for I/O");
    if (verbose)
        printf("; here: %.2fx with %d workers", io[0][rows - 1].median / io[2][rows - 1].median, last);
    printf("\n- Asyncio: O(n/k) - excellent for I/O");
    if (verbose) {
        printf("; here: %.2fx with %d workers", io[0][rows - 1].median / io[3][rows - 1].median, last);
        if (io_tasks > 0)
            printf(", %d waits of %g s at once in %.2fs", io_tasks, cp_time_scaled(1), scale->median);
    }
    printf("\n");

    printf("\nBest practices summary:\n");
    printf("1. Use sequential execution for simple, small tasks\n");
    printf("2. Use threading for I/O-bound tasks\n");
    printf("3. Use multiprocessing for CPU-bound tasks\n");
    printf("4. Use asyncio for I/O-bound tasks with many concurrent operations\n");
    printf("5. Consider memory usage and overhead\n");
    printf("6. Profile your code to identify bottlenecks\n");
    printf("7. Use appropriate synchronization primitives\n");
    printf("8. Handle exceptions properly in concurrent code\n");
    printf("9. Consider the Global Interpreter Lock (GIL) limitations\n");
    printf("10. Use context managers for resource management\n");
}

int
main(int argc, char *argv[])
{
    static CpBenchFigure cpu[APPROACHES][CP_BENCH_MAX_ROWS], io[APPROACHES][CP_BENCH_MAX_ROWS];
    CpBenchFigure scale = { 0, 0, 0 };
    char *io_tasks_text = NULL, *sections_text = NULL;
    int io_tasks = 100000, counts[CP_BENCH_MAX_ROWS], rows;
    unsigned sections = SECTION_CPU | SECTION_IO | SECTION_MEMORY | SECTION_IO_SCALE;
    GOptionEntry entries[] = {
        { "io-tasks", 0, 0, G_OPTION_ARG_STRING, &io_tasks_text,
          "With -v or --csv, the event loop at scale: N simulated 1 s fetches at once "
          "(0..1000000, 0: skip; default: 100000)", "N" },
        { "sections", 0, 0, G_OPTION_ARG_STRING, &sections_text,
          "With --csv, run only these of cpu,io,memory,io_scale (default: all)", "LIST" },
        G_OPTION_ENTRY_NULL
    };
    CpBenchOptions opt;
    Memory memory;

    cp_bench_parse(&argc, &argv, &(CpOptions) {
        .summary = "Compare sequential, threads, processes and an event loop "
                   "on CPU-bound and I/O-bound work.",
        .entries = entries, .verbose = &verbose,
    }, CP_BENCH_WITH_SIZE | CP_BENCH_WITH_MAX_WORKERS | CP_BENCH_WITH_WAITS, &opt);
    if (io_tasks_text != NULL)
        io_tasks = (int) cp_options_parse_int(io_tasks_text, 0, 1000000, "--io-tasks");
    g_free(io_tasks_text);
    if (sections_text != NULL) {
        if (!opt.csv)   /* the lesson's lines and summary need every section */
            cp_options_fail("--sections goes with --csv");
        sections = parse_sections(sections_text);
        g_free(sections_text);
    }
    rows = cp_bench_worker_counts(opt.max_workers, counts);
    gboolean detail = opt.csv || verbose;   /* what the lesson's lines leave out */
    if (!detail)
        io_tasks = 0;   /* the event loop at scale is printed only with -v */

    if (opt.csv) {
        cp_bench_csv_print_header();
    } else {
        if (verbose) {
            cp_bench_print_header(&opt);
            cp_time_print_scale_note();   /* the waits are in lesson seconds */
            printf("Asyncio: cp_loop on GLib's main loop, one thread; a wait is a "
                   "cp_loop sleep, CPU-bound tasks run one after the other.\n\n");
        }
        printf("5. Performance Comparison\n");
        printf("-------------------------\n");
        fflush(stdout);
    }
    memory.measured = FALSE;
    if (sections & SECTION_MEMORY)
        measure_memory(&opt, io_tasks, detail, &memory);
    if (sections & SECTION_CPU)
        run_table(&opt, TRUE, counts, rows, cpu);
    if (sections & SECTION_IO)
        run_table(&opt, FALSE, counts, rows, io);

    if (io_tasks > 0 && (sections & SECTION_IO_SCALE)) {
        char *param = g_strdup_printf("%d", io_tasks);
        double peak_before = peak_rss_bytes();
        CpBenchFigure grew;

        if (!opt.csv) {
            printf("\nEvent loop at scale: %d simulated %g s fetches at once through cp_loop "
                   "(sleeps and a gather):\n", io_tasks, cp_time_scaled(1));
            fflush(stdout);
        }
        /* cp_bench's event loop runner: the async examples' path, a group
         * of cp_loop sleeps and a gather, timed until the gather is done. */
        scale = cp_bench_measure_io(&opt, CP_BENCH_EVENT_LOOP, io_tasks);
        /* One figure, not a median: the peak over the warm-up and the runs. */
        grew.median = grew.min = grew.max = peak_rss_bytes() - peak_before;
        if (opt.csv) {
            print_csv("io_scale", "event_loop", 1, param, &scale, "s", NAN);
            if (peak_before >= 0)
                print_csv("io_scale_peak", "event_loop", 1, param, &grew, "bytes", NAN);
        } else {
            printf("Tasks | Event loop\n%5d | ", io_tasks);
            print_cell(&scale, 0, NAN);
            printf(" (one wait alone: %.2fs)\n", cp_time_scaled(1));
            if (peak_before >= 0)
                printf("Peak resident set grew by %.0f KiB: %.0f bytes a task\n",
                       grew.median / 1024, grew.median / io_tasks);
        }
        g_free(param);
    }
    if (sections & SECTION_MEMORY)
        print_memory(&opt, io_tasks, &memory);
    if (!opt.csv)
        print_summary(&opt, cpu, io, counts, rows, io_tasks, &scale);
    return EXIT_SUCCESS;
}
