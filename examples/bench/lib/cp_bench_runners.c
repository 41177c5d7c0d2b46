/* SPDX-License-Identifier: 0BSD */
/* cp_bench_runners.c: one run of the workload by each approach (in
 * sequence, threads, forked processes, the event loop, and the probe's
 * whole copies), the checked samples and the measured figures built on
 * them.  Each run is timed from before its first worker starts until its
 * last is joined or reaped: starting workers is part of what a lesson's
 * `with ThreadPoolExecutor(...)` block costs. */
#define _POSIX_C_SOURCE 200809L

#include "cp_bench.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cp_children.h"
#include "cp_die.h"
#include "cp_io.h"
#include "cp_loop.h"
#include "cp_time.h"

typedef struct {
    guint64 first, last;   /* the chunk; set before the thread starts */
    CpBenchSlot *result;   /* written by this worker only, read after join */
} Chunk;

static void *
cpu_thread(void *arg)
{
    Chunk *chunk = arg;

    chunk->result->value = cp_bench_cpu_work(chunk->first, chunk->last);
    return NULL;
}

static void *
io_thread(void *arg)
{
    CpBenchSlot *done = arg;   /* this worker's own slot */

    cp_sleep(1);
    done->value = 1;
    return NULL;
}

/* Start `workers` threads on fn(args[k]) and join them all. */
static void
run_threads(int workers, void *(*fn)(void *), void **args)
{
    pthread_t *threads = g_new(pthread_t, workers);
    int s;

    for (int k = 0; k < workers; k++) {
        s = pthread_create(&threads[k], NULL, fn, args[k]);
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    for (int k = 0; k < workers; k++) {
        s = pthread_join(threads[k], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    g_free(threads);
}

/* Reap every child; report each that failed; exit 1 if one did.  Each is
 * forgotten once reaped (cp_bench_reap()), so the exit() that follows
 * stops none twice. */
static void
reap_children(const pid_t *children, int workers)
{
    gboolean failed = FALSE;

    for (int k = 0; k < workers; k++) {
        char who[32];

        snprintf(who, sizeof who, "worker process %d", k);
        if (!cp_bench_reap(children[k], who))
            failed = TRUE;
    }
    if (failed)
        exit(EXIT_FAILURE);
}

/* What a CPU-bound child sends back: 16 bytes, under PIPE_BUF, so the
 * children's writes to the one pipe never interleave. */
typedef struct {
    guint64 worker;
    guint64 sum;
} ChunkResult;

/* W children, each computing its chunk of 0..n-1, or with `copies` the
 * whole sum (the probe); the total of what they send back. */
static guint64
cpu_processes(guint64 n, int workers, gboolean copies)
{
    pid_t *children = g_new(pid_t, workers);
    ChunkResult result;
    guint64 sum = 0;
    ssize_t got;
    int fds[2];

    if (cp_io_pipe(fds) == -1)
        cp_die_errno("pipe");
    fflush(stdout);   /* or each child would inherit, and print, our buffer */
    for (int k = 0; k < workers; k++) {
        children[k] = fork();
        if (children[k] == -1)
            cp_die_errno("fork");   /* exit() stops the children started */
        if (children[k] == 0) {
            guint64 first, last;

            cp_children_in_child();   /* dies with its parent */
            if (close(fds[0]) == -1)
                cp_die_errno_child("close");
            if (copies) {
                first = 0;
                last = n;
            } else {
                cp_bench_chunk(n, workers, k, &first, &last);
            }
            result.worker = (guint64) k;
            result.sum = cp_bench_cpu_work(first, last);
            if (cp_io_write_all(fds[1], &result, sizeof result) == -1)
                cp_die_errno_child("write");
            _exit(EXIT_SUCCESS);
        }
        cp_children_add(children[k]);
    }
    /* Every child runs now.  Closing our write end makes read() see end
     * of file once the last child has written (or died). */
    if (close(fds[1]) == -1)
        cp_die_errno("close");
    while ((got = cp_io_read_full(fds[0], &result, sizeof result)) == (ssize_t) sizeof result)
        sum += result.sum;
    if (got == -1)
        cp_die_errno("read");
    if (close(fds[0]) == -1)
        cp_die_errno("close");
    reap_children(children, workers);
    g_free(children);
    return sum;
}

static int
io_processes(int workers)
{
    pid_t *children = g_new(pid_t, workers);

    fflush(stdout);
    for (int k = 0; k < workers; k++) {
        children[k] = fork();
        if (children[k] == -1)
            cp_die_errno("fork");   /* exit() stops the children started */
        if (children[k] == 0) {
            cp_children_in_child();
            cp_sleep(1);
            _exit(EXIT_SUCCESS);
        }
        cp_children_add(children[k]);
    }
    reap_children(children, workers);   /* exits unless every one succeeded */
    g_free(children);
    return workers;
}

/* The event loop: one thread, one GMainLoop, on a context of its own. */
typedef struct {
    GMainLoop *loop;
    guint64 n;
    int workers;
    int next_chunk;   /* CPU: the chunk the next callback computes */
    int remaining;    /* callbacks still to run */
    guint64 sum;      /* the chunks' sums so far */
} LoopRun;

static gboolean
cpu_chunk_callback(gpointer data)
{
    LoopRun *run = data;
    guint64 first, last;

    cp_bench_chunk(run->n, run->workers, run->next_chunk++, &first, &last);
    run->sum += cp_bench_cpu_work(first, last);
    if (--run->remaining == 0)
        g_main_loop_quit(run->loop);
    return G_SOURCE_REMOVE;
}

/* The CPU-bound chunks on a loop: an idle callback each, one after the
 * other, as one thread can only compute one thing at a time. */
static void
run_loop(LoopRun *run)
{
    GMainContext *context = g_main_context_new();

    run->loop = g_main_loop_new(context, FALSE);
    run->remaining = run->workers;
    for (int k = 0; k < run->workers; k++) {
        GSource *source = g_idle_source_new();

        g_source_set_callback(source, cpu_chunk_callback, run, NULL);
        g_source_attach(source, context);
        g_source_unref(source);
    }
    g_main_loop_run(run->loop);
    g_main_loop_unref(run->loop);
    g_main_context_unref(context);
}

double
cp_bench_cpu_run(CpBenchApproach approach, guint64 n, int workers, guint64 *sum)
{
    double start = cp_time_now();
    guint64 first, last;

    g_return_val_if_fail(workers > 0, NAN);
    *sum = 0;
    switch (approach) {
    case CP_BENCH_SEQUENTIAL:
        for (int k = 0; k < workers; k++) {
            cp_bench_chunk(n, workers, k, &first, &last);
            *sum += cp_bench_cpu_work(first, last);
        }
        break;
    case CP_BENCH_THREADS: {
        Chunk *chunks = g_new(Chunk, workers);
        void **args = g_new(void *, workers);
        CpBenchSlot *results = cp_bench_slots_new(workers);

        for (int k = 0; k < workers; k++) {
            cp_bench_chunk(n, workers, k, &chunks[k].first, &chunks[k].last);
            chunks[k].result = &results[k];
            args[k] = &chunks[k];
        }
        run_threads(workers, cpu_thread, args);
        for (int k = 0; k < workers; k++)
            *sum += results[k].value;
        cp_bench_slots_free(results);
        g_free(args);
        g_free(chunks);
        break;
    }
    case CP_BENCH_PROCESSES:
        *sum = cpu_processes(n, workers, FALSE);
        break;
    case CP_BENCH_PROBE:   /* W whole copies at once, sharing nothing */
        *sum = cpu_processes(n, workers, TRUE);
        break;
    case CP_BENCH_OPENMP:   /* cp_bench_openmp_run(): a program built with OpenMP calls it */
        g_return_val_if_reached(NAN);
    case CP_BENCH_EVENT_LOOP: {
        LoopRun run = { .n = n, .workers = workers };

        run_loop(&run);
        *sum = run.sum;
        break;
    }
    }
    return cp_time_since(start);
}

/* asyncio.sleep(1) as a group operation. */
static void
sleep_one_unit(gpointer arg, GCancellable *cancellable, GAsyncReadyCallback callback,
               gpointer user_data)
{
    (void) arg;
    cp_loop_sleep_async(1, cancellable, callback, user_data);
}

int
cp_bench_loop_waits(int waits)
{
    CpLoopGroup *group = cp_loop_group_new(NULL);
    GAsyncResult *result = NULL;
    int completed = 0;

    for (int k = 0; k < waits; k++)
        cp_loop_group_start(group, sleep_one_unit, NULL);
    cp_loop_gather_async(group, FALSE, NULL, cp_loop_store_result, &result);
    cp_loop_run_until(&result);
    if (cp_loop_gather_finish(result, NULL))
        completed = (int) cp_loop_group_count(group, CP_LOOP_DONE);
    g_object_unref(result);
    cp_loop_group_unref(group);
    return completed;
}

double
cp_bench_io_run(CpBenchApproach approach, int workers, int *completed)
{
    double start = cp_time_now();

    g_return_val_if_fail(workers > 0, NAN);
    *completed = 0;
    switch (approach) {
    case CP_BENCH_SEQUENTIAL:
        for (int k = 0; k < workers; k++) {
            cp_sleep(1);
            (*completed)++;
        }
        break;
    case CP_BENCH_THREADS: {
        CpBenchSlot *done = cp_bench_slots_new(workers);
        void **args = g_new(void *, workers);

        for (int k = 0; k < workers; k++)
            args[k] = &done[k];
        run_threads(workers, io_thread, args);
        for (int k = 0; k < workers; k++)
            *completed += (int) done[k].value;
        g_free(args);
        cp_bench_slots_free(done);
        break;
    }
    case CP_BENCH_PROCESSES:
        *completed = io_processes(workers);
        break;
    case CP_BENCH_EVENT_LOOP:
        *completed = cp_bench_loop_waits(workers);
        break;
    case CP_BENCH_PROBE:
    case CP_BENCH_OPENMP:   /* CPU-bound rows only */
        g_return_val_if_reached(NAN);
    }
    return cp_time_since(start);
}

void
cp_bench_cpu_check(const CpBenchJob *job, guint64 sum)
{
    guint64 want = cp_bench_cpu_expected(job->options->size);

    if (job->approach == CP_BENCH_PROBE)   /* W copies of the sum, mod 2^64 */
        want *= (guint64) job->workers;
    if (sum != want) {
        fprintf(stderr, "%s: %s with %d workers: the sum is %" PRIu64 ", not %" PRIu64 "\n",
                g_get_prgname(), cp_bench_approach_name(job->approach), job->workers,
                (uint64_t) sum, (uint64_t) want);
        exit(EXIT_FAILURE);
    }
}

double
cp_bench_cpu_sample(void *data)
{
    const CpBenchJob *job = data;
    guint64 sum;
    double seconds = cp_bench_cpu_run(job->approach, job->options->size, job->workers, &sum);

    cp_bench_cpu_check(job, sum);
    return seconds;
}

double
cp_bench_probe_cores(int workers, const CpBenchFigure *sequential, const CpBenchFigure *probe)
{
    return workers * sequential->median / probe->median;
}

double
cp_bench_io_sample(void *data)
{
    const CpBenchJob *job = data;
    int completed;
    double seconds = cp_bench_io_run(job->approach, job->workers, &completed);

    if (completed != job->workers) {
        fprintf(stderr, "%s: %s: %d of %d waits completed\n", g_get_prgname(),
                cp_bench_approach_name(job->approach), completed, job->workers);
        exit(EXIT_FAILURE);
    }
    return seconds;
}

CpBenchFigure
cp_bench_measure_cpu(const CpBenchOptions *options, CpBenchApproach approach, int workers)
{
    CpBenchJob job = { options, approach, workers };

    return cp_bench_measure(options->repeat, cp_bench_cpu_sample, &job);
}

CpBenchFigure
cp_bench_measure_io(const CpBenchOptions *options, CpBenchApproach approach, int workers)
{
    CpBenchJob job = { options, approach, workers };

    return cp_bench_measure(options->repeat, cp_bench_io_sample, &job);
}
