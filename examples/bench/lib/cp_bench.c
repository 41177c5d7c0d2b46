/* SPDX-License-Identifier: 0BSD */
#define _POSIX_C_SOURCE 200809L

#include "cp_bench.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp_children.h"
#include "cp_die.h"
#include "cp_io.h"
#include "cp_loop.h"
#include "cp_options.h"
#include "cp_time.h"

/* ---- Options ----------------------------------------------------------- */

void
cp_bench_parse(int *argc, char ***argv, const CpOptions *program, guint flags,
               CpBenchOptions *options)
{
    const GOptionEntry *entries = program->entries;
    CpOptions all_options = *program;
    char *repeat_text = NULL, *size_text = NULL, *max_workers_text = NULL;
    gboolean csv = FALSE;
    GOptionEntry common[] = {
        { "repeat", 0, 0, G_OPTION_ARG_STRING, &repeat_text,
          "Measured runs per figure, after one warm-up run (1..1000; default: 5)", "N" },
        { "csv", 0, 0, G_OPTION_ARG_NONE, &csv,
          "Print the results as CSV instead of the table", NULL },
        { "size", 0, 0, G_OPTION_ARG_STRING, &size_text,
          "CPU-bound work: the sum of i*i for i < N (1..10^12; default: calibrated "
          "so that one sequential run takes about 0.5 s)", "N" },
        { "max-workers", 0, 0, G_OPTION_ARG_STRING, &max_workers_text,
          "Table rows for 1, 2, 4, ... up to N workers (1..1024; default: 8)", "N" },
    };
    GArray *all = g_array_new(TRUE, TRUE, sizeof(GOptionEntry));

    g_array_append_vals(all, common, 2);
    if (flags & CP_BENCH_WITH_SIZE)
        g_array_append_val(all, common[2]);
    if (flags & CP_BENCH_WITH_MAX_WORKERS)
        g_array_append_val(all, common[3]);
    for (; entries && entries->long_name; entries++)
        g_array_append_vals(all, entries, 1);

    all_options.entries = (GOptionEntry *) (void *) all->data;
    all_options.waits = (flags & CP_BENCH_WITH_WAITS) != 0;
    cp_options_parse(argc, argv, &all_options);
    g_array_free(all, TRUE);

    memset(options, 0, sizeof *options);
    options->repeat = CP_BENCH_REPEAT_DEFAULT;
    options->max_workers = CP_BENCH_MAX_WORKERS_DEFAULT;
    options->csv = csv;
    options->cores = cp_bench_cores();
    if (repeat_text)
        options->repeat = (int) cp_options_parse_int(repeat_text, 1, CP_BENCH_REPEAT_MAX,
                                                     "--repeat");
    if (max_workers_text)
        options->max_workers = (int) cp_options_parse_int(max_workers_text, 1, CP_WORKERS_MAX,
                                                          "--max-workers");
    if (size_text) {
        options->size = (guint64) cp_options_parse_int(size_text, 1, CP_BENCH_SIZE_MAX, "--size");
        options->size_given = TRUE;
    }
    g_free(repeat_text);
    g_free(max_workers_text);
    g_free(size_text);

    if ((flags & CP_BENCH_WITH_SIZE) && !options->size_given)
        options->size = cp_bench_calibrate(CP_BENCH_TARGET_SECONDS);
}

guint64
cp_bench_calibrate(double seconds)
{
    guint64 n = 1000000;   /* the lessons' n */
    double start, elapsed, scaled;

    /* Too short a run measures the clock, not the loop: grow it first. */
    for (;;) {
        start = cp_time_now();
        (void) cp_bench_cpu_work(0, n);
        elapsed = cp_time_since(start);
        if (elapsed >= 0.05 || n >= (guint64) CP_BENCH_SIZE_MAX / 2)
            break;
        n *= 2;
    }
    /* Another program may have had the core for part of that run: the
     * fastest of three is the closest to what the loop itself costs. */
    for (int i = 0; i < 2; i++) {
        start = cp_time_now();
        (void) cp_bench_cpu_work(0, n);
        elapsed = MIN(elapsed, cp_time_since(start));
    }
    scaled = (double) n * seconds / MAX(elapsed, 1e-9);
    if (scaled < 1)
        return 1;
    if (scaled > (double) CP_BENCH_SIZE_MAX)
        return (guint64) CP_BENCH_SIZE_MAX;
    return (guint64) scaled;
}

int
cp_bench_worker_counts(int max_workers, int counts[CP_BENCH_MAX_ROWS])
{
    int rows = 0;

    for (int w = 1; w < max_workers && rows < CP_BENCH_MAX_ROWS - 1; w *= 2)
        counts[rows++] = w;
    counts[rows++] = MAX(max_workers, 1);
    return rows;
}

int
cp_bench_cores(void)
{
    return (int) g_get_num_processors();
}

/* ---- Figures ----------------------------------------------------------- */

static int
compare_doubles(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;

    return (x > y) - (x < y);
}

double
cp_bench_median(const double *values, int n)
{
    double *sorted, median;

    g_return_val_if_fail(n > 0, NAN);
    sorted = g_new(double, n);
    memcpy(sorted, values, (size_t) n * sizeof *values);
    qsort(sorted, (size_t) n, sizeof *sorted, compare_doubles);
    median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    g_free(sorted);
    return median;
}

CpBenchFigure
cp_bench_figure(const double *values, int n)
{
    CpBenchFigure figure = { NAN, NAN, NAN };

    g_return_val_if_fail(n > 0, figure);
    figure.median = cp_bench_median(values, n);
    figure.min = figure.max = values[0];
    for (int i = 1; i < n; i++) {
        figure.min = MIN(figure.min, values[i]);
        figure.max = MAX(figure.max, values[i]);
    }
    return figure;
}

CpBenchFigure
cp_bench_measure(int repeat, CpBenchSampleFunc sample, void *data)
{
    double *values = g_new(double, repeat);
    CpBenchFigure figure;

    /* The warm-up pays for first touches (pages, caches, the dynamic
     * linker's lazy binding) that every later run would not pay. */
    (void) sample(data);
    for (int i = 0; i < repeat; i++)
        values[i] = sample(data);
    figure = cp_bench_figure(values, repeat);
    g_free(values);
    return figure;
}

void
cp_bench_measure_interleaved(int repeat, int n, const CpBenchSampleFunc *samples,
                             void *const *data, CpBenchFigure *figures)
{
    double *values = g_new(double, (gsize) repeat * (gsize) n);   /* [j * repeat + round] */

    for (int j = 0; j < n; j++)
        (void) samples[j](data[j]);
    for (int round = 0; round < repeat; round++)
        for (int j = 0; j < n; j++)
            values[j * repeat + round] = samples[j](data[j]);
    for (int j = 0; j < n; j++)
        figures[j] = cp_bench_figure(values + j * repeat, repeat);
    g_free(values);
}

/* ---- Workloads --------------------------------------------------------- */

const char *
cp_bench_approach_name(CpBenchApproach approach)
{
    switch (approach) {
    case CP_BENCH_SEQUENTIAL: return "sequential";
    case CP_BENCH_THREADS: return "threads";
    case CP_BENCH_PROCESSES: return "processes";
    case CP_BENCH_EVENT_LOOP: return "event_loop";
    case CP_BENCH_PROBE: return "probe";
    case CP_BENCH_OPENMP: return "openmp";
    }
    return "unknown";
}

/* Never inlined, and aligned: one copy of the loop at one address for every
 * approach.  Inlined into each runner, the loop had a copy per approach,
 * and one that happened to straddle a 64-byte boundary ran at half speed
 * on some CPUs, which read as threads (or processes) being 2x slow. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((aligned(64)))
#endif
G_GNUC_NO_INLINE guint64
cp_bench_cpu_work(guint64 first, guint64 last)
{
#if defined(__GNUC__) || defined(__clang__)
    guint64 sum = 0;

    for (guint64 i = first; i < last; i++) {
        sum += i * i;
        /* An empty asm that "may change" sum: the compiler must keep every
         * step, so it can neither use the closed formula (clang would) nor
         * vectorize the loop.  It costs no instruction. */
        __asm__ volatile ("" : "+r" (sum));
    }
    return sum;
#else
    volatile guint64 sum = 0;   /* the same effect, with a store per step */

    for (guint64 i = first; i < last; i++)
        sum += i * i;
    return sum;
#endif
}

guint64
cp_bench_cpu_expected(guint64 n)
{
    /* (n-1) n (2n-1) / 6 mod 2^64: divide the factors exactly first (one
     * of n-1, n is even; one of the three is a multiple of 3), then let the
     * products wrap as the sum does. */
    guint64 a = n - 1, b = n, c = 2 * n - 1;

    if (n == 0)
        return 0;
    if (a % 2 == 0)
        a /= 2;
    else
        b /= 2;
    if (a % 3 == 0)
        a /= 3;
    else if (b % 3 == 0)
        b /= 3;
    else
        c /= 3;
    return a * b * c;
}

void
cp_bench_chunk(guint64 n, int workers, int k, guint64 *first, guint64 *last)
{
    *first = n * (guint64) k / (guint64) workers;
    *last = n * (guint64) (k + 1) / (guint64) workers;
}

CpBenchSlot *
cp_bench_slots_new(int n)
{
    void *slots;
    int s = posix_memalign(&slots, CP_BENCH_CACHE_LINE, (size_t) MAX(n, 1) * sizeof(CpBenchSlot));

    if (s != 0)
        cp_die_en(s, "posix_memalign");
    memset(slots, 0, (size_t) MAX(n, 1) * sizeof(CpBenchSlot));
    return slots;
}

void
cp_bench_slots_free(CpBenchSlot *slots)
{
    free(slots);
}

/* ---- Runners ----------------------------------------------------------- */

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

/* ---- Memory and child processes --------------------------------------- */

double
cp_bench_private_bytes(pid_t pid)
{
#ifdef __linux__
    char path[64], line[256];
    double kib = 0;
    long v;
    FILE *f;

    if (pid == 0)
        snprintf(path, sizeof path, "/proc/self/smaps_rollup");
    else
        snprintf(path, sizeof path, "/proc/%ld/smaps_rollup", (long) pid);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Private_Clean: %ld", &v) == 1
            || sscanf(line, "Private_Dirty: %ld", &v) == 1)
            kib += (double) v;
    fclose(f);
    return kib * 1024;
#else
    (void) pid;
    return -1;
#endif
}

double
cp_bench_virtual_bytes(void)
{
#ifdef __linux__
    long pages;
    int found;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f == NULL)
        return -1;
    found = fscanf(f, "%ld", &pages);
    fclose(f);
    return found == 1 ? (double) pages * (double) sysconf(_SC_PAGESIZE) : -1;
#else
    return -1;
#endif
}

gboolean
cp_bench_reap(pid_t child, const char *who)
{
    int status;

    if (cp_waitpid(child, &status) == -1)
        cp_die_errno("waitpid");
    cp_children_reaped(child);
    return cp_child_status_ok(status, "%s", who);
}

double
cp_bench_in_fresh_child(CpBenchSampleFunc sample, void *data)
{
    int results[2];
    double value;
    gboolean received;
    pid_t child;

    if (cp_io_pipe(results) == -1)
        cp_die_errno("pipe");
    fflush(stdout);   /* or the child would inherit, and print, our buffer */
    child = fork();
    if (child == -1)
        cp_die_errno("fork");
    if (child == 0) {
        cp_children_in_child();
        cp_io_close(&results[0]);
        value = sample(data);
        /* _exit() flushes nothing: what sample() printed goes out now. */
        if (fflush(stdout) == EOF)
            cp_die_errno_child("write to stdout");
        if (cp_io_write_all(results[1], &value, sizeof value) == -1)
            cp_die_errno_child("write");
        _exit(EXIT_SUCCESS);
    }
    cp_children_add(child);
    cp_io_close(&results[1]);
    /* Short only if the child died first: then waitpid says how. */
    received = cp_io_read_full(results[0], &value, sizeof value) == (ssize_t) sizeof value;
    cp_io_close(&results[0]);
    if (!cp_bench_reap(child, "fresh child"))
        exit(EXIT_FAILURE);
    if (!received) {   /* the sample ended the child with status 0 */
        fprintf(stderr, "%s: fresh child sent no result\n",
                g_get_prgname() ? g_get_prgname() : "conpar");
        exit(EXIT_FAILURE);
    }
    return value;
}

/* Workers held alive while their memory is read.  Each worker, a thread
 * or a child, writes a byte to `ready`, then reads `go` until end of file;
 * the holder reads a byte per worker, takes its sample, and closes go's
 * write end to let every worker go at once. */
typedef struct {
    int ready[2];
    int go[2];
    guint64 work;   /* each worker first sums i*i for i < work */
} Gate;

static void
gate_open(Gate *gate, guint64 work)
{
    if (cp_io_pipe(gate->ready) == -1 || cp_io_pipe(gate->go) == -1)
        cp_die_errno("pipe");
    gate->work = work;
}

/* The worker's side, in two steps: do the work and say so, then wait for
 * "go".  Each returns FALSE, with errno set, if its write or read failed. */
static gboolean
gate_work_and_announce(Gate *gate)
{
    char byte = 'r';

    (void) cp_bench_cpu_work(0, gate->work);
    return cp_io_write_all(gate->ready[1], &byte, 1) != -1;
}

static gboolean
gate_wait(Gate *gate)
{
    char byte;

    return cp_io_read_full(gate->go[0], &byte, 1) != -1;
}

/* The holder's side: a byte from each of n workers; FALSE if one died. */
static gboolean
gate_all_ready(Gate *gate, int n)
{
    char byte;

    for (int k = 0; k < n; k++)
        if (cp_io_read_full(gate->ready[0], &byte, 1) != 1)
            return FALSE;
    return TRUE;
}

static void
gate_close(Gate *gate)
{
    cp_io_close(&gate->go[1]);   /* first: it is the "go" */
    cp_io_close(&gate->go[0]);
    cp_io_close(&gate->ready[0]);
    cp_io_close(&gate->ready[1]);
}

static void *
gate_thread(void *gate)
{
    if (!gate_work_and_announce(gate) || !gate_wait(gate))
        cp_die_errno("ready/go pipe");
    return NULL;
}

double
cp_bench_threads_growth(int n, guint64 work, gboolean address_space)
{
    pthread_t *threads = g_new(pthread_t, n);
    double before, after;
    Gate gate;
    int s;

    gate_open(&gate, work);
    (void) cp_bench_private_bytes(0);   /* the first read allocates stdio's buffer */
    before = address_space ? cp_bench_virtual_bytes() : cp_bench_private_bytes(0);
    for (int k = 0; k < n; k++) {
        s = pthread_create(&threads[k], NULL, gate_thread, &gate);
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    if (!gate_all_ready(&gate, n))
        cp_die_errno("read");
    after = address_space ? cp_bench_virtual_bytes() : cp_bench_private_bytes(0);
    cp_io_close(&gate.go[1]);   /* go */
    for (int k = 0; k < n; k++) {
        s = pthread_join(threads[k], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    gate_close(&gate);
    g_free(threads);
    return after - before;
}

double
cp_bench_children_private_bytes(int n, guint64 work)
{
    pid_t *children = g_new(pid_t, n);
    gboolean failed = FALSE;
    double bytes = 0;
    Gate gate;

    gate_open(&gate, work);
    fflush(stdout);   /* or each child would inherit, and print, our buffer */
    for (int k = 0; k < n; k++) {
        children[k] = fork();
        if (children[k] == -1)
            cp_die_errno("fork");   /* exit() stops the children started */
        if (children[k] == 0) {
            cp_children_in_child();
            /* Only the parent may keep go's write end, or no child would
             * see end of file; ready's goes with the child once it has
             * written, so the parent's read cannot wait for ever. */
            cp_io_close(&gate.go[1]);
            cp_io_close(&gate.ready[0]);
            if (!gate_work_and_announce(&gate))
                cp_die_errno_child("write to the ready pipe");
            cp_io_close(&gate.ready[1]);
            if (!gate_wait(&gate))
                cp_die_errno_child("read from the go pipe");
            _exit(EXIT_SUCCESS);
        }
        cp_children_add(children[k]);
    }
    cp_io_close(&gate.ready[1]);
    if (gate_all_ready(&gate, n))
        for (int k = 0; k < n && bytes >= 0; k++) {
            double each = cp_bench_private_bytes(children[k]);

            bytes = each < 0 ? -1 : bytes + each;   /* -1: not measured */
        }
    else
        failed = TRUE;   /* a child died early: waitpid says how */
    gate_close(&gate);
    for (int k = 0; k < n; k++)
        if (!cp_bench_reap(children[k], "waiting child"))
            failed = TRUE;
    g_free(children);
    if (failed)
        exit(EXIT_FAILURE);
    return bytes;
}

/* ---- Output ------------------------------------------------------------ */

void
cp_bench_print_header(const CpBenchOptions *options)
{
    printf("Cores: %d\n", options->cores);
    printf("Each figure is the median of %d run%s after one warm-up run, "
           "± half the spread (max - min).\n",
           options->repeat, options->repeat == 1 ? "" : "s");
    if (options->size > 0)
        printf("CPU-bound work: sum of i*i for i < %" PRIu64 " (%s).\n", (uint64_t) options->size,
               options->size_given ? "--size" : "calibrated: about 0.5 s in sequence here");
    if (cp_time_scale() != 1.0)
        printf("Time scale: %g (one simulated wait of 1 s takes %g s).\n",
               cp_time_scale(), cp_time_scaled(1));
}

const char *
cp_bench_mark(const CpBenchOptions *options, int workers)
{
    return workers > options->cores ? " *" : "";
}

void
cp_bench_print_footnote(const CpBenchOptions *options, int largest_workers)
{
    if (largest_workers > options->cores)
        printf("* more workers than cores: only %d run at once, so CPU-bound work "
               "cannot go more than %dx faster\n", options->cores, options->cores);
}

void
cp_bench_print_delivered(const CpBenchOptions *options, const CpBenchDelivered *rows, int n)
{
    gboolean openmp = FALSE;

    for (int r = 0; r < n; r++)
        openmp = openmp || rows[r].openmp != NULL;
    printf("\nThe threads against the cores delivered%s, from the same runs:\n",
           openmp ? " and against OpenMP" : "");
    printf("Workers | Cores delivered | Threads ÷ probe%s\n",
           openmp ? " | OpenMP            | Threads ÷ OpenMP" : "");
    for (int r = 0; r < n; r++) {
        const CpBenchDelivered *row = &rows[r];
        double threads = row->sequential->median / row->threads->median;

        printf("%7d | ", row->workers);
        if (row->probe != NULL) {
            double cores = cp_bench_probe_cores(row->workers, row->sequential, row->probe);
            char *delivered = g_strdup_printf("%.2f of %d", cores, row->workers);

            printf("%15s | %15.2f", delivered, threads / cores);
            g_free(delivered);
        } else {
            printf("%15s | %15s", "-", "-");
        }
        if (openmp && row->openmp != NULL) {
            char *cell = cp_bench_format_figure(row->openmp, 2, "s");

            printf(" | %s %.2fx | %16.2f", cell,
                   row->sequential->median / row->openmp->median,
                   row->openmp->median / row->threads->median);
            g_free(cell);
        }
        printf("%s\n", cp_bench_mark(options, row->workers));
    }
    printf("Cores delivered (the probe): W copies of the whole sum at once, in W processes\n"
           "that share nothing, against one copy alone; measured only for W <= cores.\n"
           "A ratio near 1: the threads lost nothing.\n");
}

char *
cp_bench_format_figure(const CpBenchFigure *figure, int decimals, const char *unit)
{
    return g_strdup_printf("%.*f%s ±%.*f", decimals, figure->median, unit,
                           decimals, (figure->max - figure->min) / 2);
}

char *
cp_bench_format_number(double value)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE + 64];
    char format[16];
    int magnitude, decimals;
    char *end;

    if (!isfinite(value))
        return g_strdup(isnan(value) ? "nan" : value > 0 ? "inf" : "-inf");
    if (value == 0)
        return g_strdup("0");
    magnitude = (int) floor(log10(fabs(value)));
    decimals = CLAMP(5 - magnitude, 0, 40);
    g_snprintf(format, sizeof format, "%%.%df", decimals);
    g_ascii_formatd(buf, sizeof buf, format, value);
    if (strchr(buf, '.')) {   /* 0.500000 -> 0.5, 12.000 -> 12 */
        end = buf + strlen(buf) - 1;
        while (*end == '0')
            *end-- = '\0';
        if (*end == '.')
            *end = '\0';
    }
    return g_strdup(strcmp(buf, "-0") == 0 ? "0" : buf);
}

char *
cp_bench_csv_line(const CpBenchRow *row, int cores)
{
    char *value = cp_bench_format_number(row->figure.median);
    char *min = cp_bench_format_number(row->figure.min);
    char *max = cp_bench_format_number(row->figure.max);
    char *speedup = isnan(row->speedup) ? g_strdup("") : cp_bench_format_number(row->speedup);
    char *line = g_strdup_printf("%s,%s,%s,%d,%s,%s,%s,%s,%s,%s,%d",
                                 row->benchmark, row->section, row->approach, row->workers,
                                 row->param ? row->param : "", value, row->unit, min, max,
                                 speedup, cores);

    g_free(speedup);
    g_free(max);
    g_free(min);
    g_free(value);
    return line;
}

void
cp_bench_csv_print_header(void)
{
    puts(CP_BENCH_CSV_HEADER);
}

void
cp_bench_csv_print_row(const CpBenchRow *row)
{
    char *line = cp_bench_csv_line(row, cp_bench_cores());

    puts(line);
    g_free(line);
}
