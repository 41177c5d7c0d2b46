/* SPDX-License-Identifier: 0BSD */
/* spawn_cost.c: what it costs to start a thread, a process, a task on a
 * thread pool and a task on a process pool, and the memory each thread and
 * each process adds.
 *
 * The price list behind lesson 002's advice (threads are cheap, processes
 * dear; pools pay the start-up once).  Each run times --ops operations
 * one by one and keeps their median, so a stray delay (another program
 * taking the core) does not count; each figure is the median of --repeat
 * runs after a warm-up run, the five kinds taking turns:
 *  - thread: pthread_create() of a thread that returns at once, then
 *    pthread_join();
 *  - process: fork() of a child that _exit()s at once, then waitpid();
 *    as every conpar child, it first asks to die with its parent, and the
 *    parent remembers it until it is reaped (common/cp_children.h: one
 *    prctl() in the child on Linux, lost in the noise of the fork);
 *  - executor: one task submitted to an idle cp_executor (common/, a
 *    pthread pool) and its result waited for: the round trip through the
 *    pool's queue, no thread started;
 *  - process pool: cp_procpool_map() of one task, which forks its worker
 *    and talks to it over pipes; and the cost per task inside one map of
 *    --ops tasks on one worker (the fork paid once, then a pipe round trip
 *    per task: total / tasks).
 * Memory: 8 threads, or 8 child processes, are kept alive while the
 * pages only they use are counted (private pages, from Linux's
 * /proc/PID/smaps_rollup; n/a elsewhere), then divided by 8.  Threads
 * are measured in a freshly forked child, which has no cached thread
 * stacks to reuse.  A thread's stack reserves 8 MiB of address space,
 * but only the pages it touches take memory; a child shares its parent's
 * pages until one of them writes to a page (copy-on-write).  The
 * kernel's own memory per thread or process (kernel stack, page tables)
 * is not visible here.
 *
 * Usage:   spawn_cost [--ops=N] [--repeat=N] [--csv]
 *
 * Look for: a process costs several times a thread, in time and in
 * memory; a pool turns tens of microseconds of start-up per task into a
 * few microseconds of hand-over.  fork() copies the parent's page tables,
 * so a bigger parent forks more slowly than this small program does.
 *
 * See also: bench/perf_compare.c (memory per approach),
 * bench/queue_throughput.c, pools/square_pool.c, pools/square_process_pool.c.
 *
 * Build alone: cc -std=c11 spawn_cost.c $(pkg-config --cflags --libs conpar-bench)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp_bench.h"
#include "cp_children.h"
#include "cp_die.h"
#include "cp_executor.h"
#include "cp_options.h"
#include "cp_procpool.h"
#include "cp_time.h"

#define MEMORY_COUNT 8   /* threads or processes alive while memory is read */

typedef enum { THREAD, PROCESS, EXECUTOR, PROCPOOL_ONE, PROCPOOL_MANY, OPERATIONS } Operation;

static const char *const names[OPERATIONS][3] = {   /* CSV approach, param; table label */
    { "thread", "create_join", "Thread: pthread_create + pthread_join" },
    { "process", "fork_wait", "Process: fork + _exit + waitpid" },
    { "executor", "submit_result", "Executor: submit -> result (idle worker)" },
    { "procpool", "map_1", "Process pool: map of 1 task (forks a worker)" },
    { "procpool", "map_n_per_task", "Process pool: per task, in a map of --ops" },
};

static int ops = 1000;   /* set once by main() */

static void *
return_at_once(void *arg)
{
    return arg;
}

static void
double_it(const void *in, void *out, void *user_data)
{
    (void) user_data;
    *(int *) out = 2 * *(const int *) in;
}

/* A check failed: a bug, not a slow machine. */
static G_NORETURN void
failed(const char *what)
{
    fprintf(stderr, "%s: %s\n", g_get_prgname(), what);
    exit(EXIT_FAILURE);
}

/* One run of `ops` operations: the median of their times, in µs. */
static double
sample(void *data)
{
    Operation op = *(const Operation *) data;
    double *times, start, median;
    CpExecutor *executor = op == EXECUTOR ? cp_executor_new(1) : NULL;
    CpProcPool *pool = op >= PROCPOOL_ONE ? cp_procpool_new(1) : NULL;
    GError *error = NULL;
    int s;

    fflush(stdout);   /* or each child would inherit, and print, our buffer */

    if (op == PROCPOOL_MANY) {   /* one map: the time per task */
        int *in = g_new(int, ops), *out = g_new(int, ops);

        for (int k = 0; k < ops; k++)
            in[k] = k;
        start = cp_time_now();
        if (!cp_procpool_map(pool, double_it, in, sizeof in[0], (gsize) ops, out, sizeof out[0],
                             NULL, &error))
            failed(error->message);
        median = cp_time_since(start) / ops * 1e6;
        for (int k = 0; k < ops; k++)
            if (out[k] != 2 * k)
                failed("a process pool task returned a wrong result");
        g_free(in);
        g_free(out);
        cp_procpool_free(pool);
        return median;
    }
    times = g_new(double, ops);
    for (int k = 0; k < ops; k++) {
        pthread_t thread;
        CpFuture *future;
        pid_t child;
        int status, in = k, out = -1;
        void *result = NULL;

        start = cp_time_now();
        switch (op) {
        case THREAD:
            s = pthread_create(&thread, NULL, return_at_once, GINT_TO_POINTER(k));
            if (s != 0)
                cp_die_en(s, "pthread_create");
            s = pthread_join(thread, &result);
            if (s != 0)
                cp_die_en(s, "pthread_join");
            break;
        case PROCESS:
            child = fork();
            if (child == -1)
                cp_die_errno("fork");
            if (child == 0) {
                cp_children_in_child();   /* dies with its parent */
                _exit(EXIT_SUCCESS);
            }
            cp_children_add(child);   /* until reaped: exit() would stop it */
            while (waitpid(child, &status, 0) == -1)
                if (errno != EINTR)
                    cp_die_errno("waitpid");
            cp_children_reaped(child);
            if (!cp_child_status_ok(status, "child"))
                exit(EXIT_FAILURE);
            result = GINT_TO_POINTER(k);
            break;
        case EXECUTOR:
            future = cp_executor_submit(executor, return_at_once, GINT_TO_POINTER(k));
            result = cp_future_result(future);
            cp_future_free(future);
            break;
        default:   /* PROCPOOL_ONE */
            if (!cp_procpool_map(pool, double_it, &in, sizeof in, 1, &out, sizeof out, NULL, &error))
                failed(error->message);
            result = GINT_TO_POINTER(out / 2);
            break;
        }
        times[k] = cp_time_since(start) * 1e6;
        if (GPOINTER_TO_INT(result) != k)
            failed("an operation returned a wrong result");
    }
    median = cp_bench_median(times, ops);
    if (executor != NULL)
        cp_executor_free(executor);
    if (pool != NULL)
        cp_procpool_free(pool);
    g_free(times);
    return median;
}

/* ---- Memory (Linux: /proc, read by cp_bench) ----------------------------- */

/* What each of MEMORY_COUNT waiting threads adds, in the address space if
 * *data, else in private pages.  Run by cp_bench_in_fresh_child(): a fresh
 * process has no cached thread stacks to reuse. */
static double
thread_memory(void *address_space)
{
    return cp_bench_threads_growth(MEMORY_COUNT, 0, *(const gboolean *) address_space)
           / MEMORY_COUNT;
}

/* One sample of thread memory, measured in a child forked for it. */
static double
thread_memory_sample(void *address_space)
{
    return cp_bench_in_fresh_child(thread_memory, address_space);
}

/* One sample of process memory: what each of MEMORY_COUNT waiting
 * children adds. */
static double
process_memory_sample(void *data)
{
    (void) data;
    return cp_bench_children_private_bytes(MEMORY_COUNT, 0) / MEMORY_COUNT;
}

static void
print_memory_csv(const char *approach, const char *param, const CpBenchFigure *figure)
{
    CpBenchRow row = { "spawn_cost", "memory", approach, 1, param, *figure, "bytes", NAN };

    cp_bench_csv_print_row(&row);
}

int
main(int argc, char *argv[])
{
    static const gboolean pages = FALSE, address_space = TRUE;
    CpBenchFigure times[OPERATIONS], thread_private, thread_virtual, process_private;
    Operation operations[OPERATIONS];
    CpBenchSampleFunc samples[OPERATIONS];
    void *data[OPERATIONS];
    char *ops_text = NULL;
    gboolean have_memory;
    GOptionEntry entries[] = {
        { "ops", 0, 0, G_OPTION_ARG_STRING, &ops_text,
          "Operations timed per run (1..1000000; default: 1000)", "N" },
        G_OPTION_ENTRY_NULL
    };
    CpBenchOptions opt;

    cp_bench_parse(&argc, &argv, &(CpOptions) {
        .summary = "What starting a thread, a process and a pool task costs.",
        .entries = entries,
    }, 0, &opt);
    if (ops_text != NULL)
        ops = (int) cp_options_parse_int(ops_text, 1, 1000000, "--ops");
    g_free(ops_text);

    /* Memory first, while this process has never started a thread. */
    have_memory = cp_bench_private_bytes(0) >= 0 && cp_bench_virtual_bytes() >= 0;
    if (have_memory) {
        thread_private = cp_bench_measure(opt.repeat, thread_memory_sample, (void *) &pages);
        thread_virtual = cp_bench_measure(opt.repeat, thread_memory_sample, (void *) &address_space);
        process_private = cp_bench_measure(opt.repeat, process_memory_sample, NULL);
    }

    if (opt.csv) {
        cp_bench_csv_print_header();
    } else {
        cp_bench_print_header(&opt);
        printf("Each run times %d operations one by one and keeps their median.\n\n", ops);
        printf("Cost of one operation:\nOperation                                     | Time (µs)\n");
        printf("-------------------------------------------------------------------\n");
        fflush(stdout);
    }
    /* In turns, so that a burst of load from elsewhere hits them alike. */
    for (Operation op = 0; op < OPERATIONS; op++) {
        operations[op] = op;
        samples[op] = sample;
        data[op] = &operations[op];
    }
    cp_bench_measure_interleaved(opt.repeat, OPERATIONS, samples, data, times);
    for (Operation op = 0; op < OPERATIONS; op++) {
        if (opt.csv) {
            CpBenchRow row = { "spawn_cost", "spawn", names[op][0], 1, names[op][1],
                               times[op], "us", NAN };
            cp_bench_csv_print_row(&row);
        } else {
            char *label = op == PROCPOOL_MANY
                ? g_strdup_printf("Process pool: per task, in a map of %d", ops)
                : g_strdup(names[op][2]);

            printf("%-45s | %8.1f ±%.1f\n", label, times[op].median,
                   (times[op].max - times[op].min) / 2);
            g_free(label);
            fflush(stdout);
        }
    }

    if (opt.csv) {
        if (have_memory) {
            print_memory_csv("thread", "private", &thread_private);
            print_memory_csv("thread", "virtual", &thread_virtual);
            print_memory_csv("process", "private", &process_private);
        }
        return EXIT_SUCCESS;
    }
    printf("\nMemory each one adds (private pages, the average of %d alive at once):\n",
           MEMORY_COUNT);
    printf("What    | Memory (KiB)\n-------------------------\n");
    if (!have_memory) {
        printf("Thread  | n/a\nProcess | n/a\n(measured from /proc on Linux only)\n");
        printf("\nA process costs %.1fx a thread to start.\n",
               times[PROCESS].median / times[THREAD].median);
        return EXIT_SUCCESS;
    }
    printf("Thread  | %8.1f ±%.1f, and %.0f KiB of address space, mostly its stack\n",
           thread_private.median / 1024, (thread_private.max - thread_private.min) / 2048,
           thread_virtual.median / 1024);
    printf("Process | %8.1f ±%.1f\n", process_private.median / 1024,
           (process_private.max - process_private.min) / 2048);
    printf("\nA process costs %.1fx a thread to start and %.1fx its memory.\n",
           times[PROCESS].median / times[THREAD].median,
           process_private.median / MAX(thread_private.median, 1));
    return EXIT_SUCCESS;
}
