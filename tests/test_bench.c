/* SPDX-License-Identifier: 0BSD */
/* Tests of examples/bench/lib/cp_bench: options, figures, the workloads
 * and runners, memory and child processes (a run that fails halfway leaves
 * none behind), and the CSV format every benchmark shares.  No speed is
 * asserted, only coarse facts (waits in parallel take well under the
 * waits in sequence).
 */
#include <config.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "cp_bench.h"
#include "cp_bench_openmp.h"
#include "cp_children.h"
#include "cp_io.h"
#include "cp_test.h"
#include "cp_time.h"

/* ---------------------------------------------------------------- figures */

Test(bench, median_odd_and_even_counts, .timeout = 30)
{
    const double odd[] = { 3, 1, 2 };
    const double even[] = { 4, 1, 3, 2 };
    const double one[] = { 7 };
    const double many[] = { 0.5, 0.9, 0.1, 0.7, 0.3 };

    cr_assert_float_eq(cp_bench_median(odd, 3), 2, 1e-12);
    cr_assert_float_eq(cp_bench_median(even, 4), 2.5, 1e-12);
    cr_assert_float_eq(cp_bench_median(one, 1), 7, 1e-12);
    cr_assert_float_eq(cp_bench_median(many, 5), 0.5, 1e-12);
    cr_assert_float_eq(cp_bench_median(many, 4), 0.6, 1e-12);   /* 0.1 0.5 0.7 0.9 */
    /* The values are left as they were. */
    cr_assert(odd[0] == 3 && odd[1] == 1 && odd[2] == 2);
    cr_assert(even[0] == 4 && even[3] == 2);
}

Test(bench, figure_has_median_min_max, .timeout = 30)
{
    const double values[] = { 0.52, 0.50, 0.61, 0.49 };
    CpBenchFigure f = cp_bench_figure(values, 4);

    cr_assert_float_eq(f.median, 0.51, 1e-12);
    cr_assert_float_eq(f.min, 0.49, 1e-12);
    cr_assert_float_eq(f.max, 0.61, 1e-12);
}

static double
count_calls(void *data)
{
    int *calls = data;

    return (double) (*calls)++;   /* 0 for the warm-up, then 1, 2, ... */
}

Test(bench, measure_drops_the_warm_up, .timeout = 30)
{
    int calls = 0;
    CpBenchFigure f = cp_bench_measure(5, count_calls, &calls);

    cr_assert_eq(calls, 6, "one warm-up and 5 measured runs, got %d calls", calls);
    cr_assert_float_eq(f.median, 3, 1e-12);
    cr_assert_float_eq(f.min, 1, 1e-12);
    cr_assert_float_eq(f.max, 5, 1e-12);

    calls = 0;
    f = cp_bench_measure(2, count_calls, &calls);
    cr_assert_eq(calls, 3);
    cr_assert_float_eq(f.median, 1.5, 1e-12);
}

/* Each sample appends its letter: the order of the calls shows the turns. */
static GString *calls_order;

static double
call_a(void *data)
{
    g_string_append_c(calls_order, 'a');
    return *(double *) data;
}

static double
call_b(void *data)
{
    g_string_append_c(calls_order, 'b');
    return *(double *) data;
}

Test(bench, measure_interleaved_takes_turns, .timeout = 30)
{
    double a = 1.5, b = 2.5;
    CpBenchSampleFunc samples[] = { call_a, call_b };
    void *data[] = { &a, &b };
    CpBenchFigure figures[2];

    calls_order = g_string_new("");
    cp_bench_measure_interleaved(3, 2, samples, data, figures);
    cr_assert_str_eq(calls_order->str, "ab" "ab" "ab" "ab", "one warm-up each, then 3 rounds");
    cr_assert_float_eq(figures[0].median, 1.5, 1e-12);
    cr_assert_float_eq(figures[1].median, 2.5, 1e-12);
    cr_assert_float_eq(figures[1].min, 2.5, 1e-12);
    g_string_free(calls_order, TRUE);
}

/* -------------------------------------------------------------- workloads */

Test(bench, cpu_work_equals_the_formula, .timeout = 30)
{
    guint64 sum = 0;

    for (guint64 n = 0; n <= 2000; n++) {
        cr_assert_eq(cp_bench_cpu_expected(n), sum, "n = %" G_GUINT64_FORMAT, n);
        cr_assert_eq(cp_bench_cpu_work(0, n), sum, "n = %" G_GUINT64_FORMAT, n);
        sum += n * n;
    }
    cr_assert_eq(cp_bench_cpu_expected(1000000), G_GUINT64_CONSTANT(333332833333500000),
                 "the lessons' n = 10^6");
    /* Past 2^64 the sum wraps; the formula must wrap the same way. */
    cr_assert_eq(cp_bench_cpu_work(0, 5000000), cp_bench_cpu_expected(5000000));
    cr_assert_eq(cp_bench_cpu_work(123, 4567), cp_bench_cpu_expected(4567) - cp_bench_cpu_expected(123));
}

Test(bench, chunks_cover_the_range_evenly, .timeout = 30)
{
    const guint64 sizes[] = { 0, 1, 7, 1000, 1001, 999999937 };
    const int workers[] = { 1, 2, 3, 8, 1024 };

    for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++)
        for (gsize j = 0; j < G_N_ELEMENTS(workers); j++) {
            guint64 n = sizes[i], next = 0, shortest = G_MAXUINT64, longest = 0;
            int w = workers[j];

            for (int k = 0; k < w; k++) {
                guint64 first, last;

                cp_bench_chunk(n, w, k, &first, &last);
                cr_assert_eq(first, next, "n=%" G_GUINT64_FORMAT " w=%d k=%d", n, w, k);
                cr_assert_geq(last, first);
                shortest = MIN(shortest, last - first);
                longest = MAX(longest, last - first);
                next = last;
            }
            cr_assert_eq(next, n, "chunks of %" G_GUINT64_FORMAT " over %d end at %" G_GUINT64_FORMAT,
                         n, w, next);
            cr_assert_leq(longest - shortest, 1);
        }
}

/* The same total whatever the approach and the number of workers. */
Test(bench, cpu_runners_agree_with_the_formula, .timeout = 30)
{
    const CpBenchApproach approaches[] = {
        CP_BENCH_SEQUENTIAL, CP_BENCH_THREADS, CP_BENCH_PROCESSES, CP_BENCH_EVENT_LOOP
    };
    const int workers[] = { 1, 2, 3, 8 };
    const guint64 sizes[] = { 7, 1000, 1001, 100003 };

    for (gsize a = 0; a < G_N_ELEMENTS(approaches); a++)
        for (gsize w = 0; w < G_N_ELEMENTS(workers); w++)
            for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
                guint64 sum = 1;
                double seconds = cp_bench_cpu_run(approaches[a], sizes[i], workers[w], &sum);

                cr_assert_eq(sum, cp_bench_cpu_expected(sizes[i]), "%s, %d workers, n = %" G_GUINT64_FORMAT,
                             cp_bench_approach_name(approaches[a]), workers[w], sizes[i]);
                cr_assert_geq(seconds, 0);
            }
    cp_test_assert_no_children();
}

/* The probe: W whole copies of the sum, so W times the sum, mod 2^64. */
Test(bench, probe_copies_the_whole_sum, .timeout = 30)
{
    const int workers[] = { 1, 2, 3, 8 };
    const guint64 sizes[] = { 7, 1001, 5000000 };   /* the last one wraps */

    for (gsize w = 0; w < G_N_ELEMENTS(workers); w++)
        for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
            guint64 sum = 1;
            double seconds = cp_bench_cpu_run(CP_BENCH_PROBE, sizes[i], workers[w], &sum);

            cr_assert_eq(sum, (guint64) workers[w] * cp_bench_cpu_expected(sizes[i]),
                         "%d copies, n = %" G_GUINT64_FORMAT, workers[w], sizes[i]);
            cr_assert_geq(seconds, 0);
        }
    cp_test_assert_no_children();
}

/* Cores delivered: W x one alone / W at once.  Positive, and no more than
 * W, with slack for a noisy machine: the fastest of 5 runs of each (about
 * 20 ms a copy), which a busy spell slows the least. */
Test(bench, probe_delivers_at_most_w_cores, .timeout = 30)
{
    CpBenchOptions opt = { .repeat = 5, .size = 20000000, .cores = cp_bench_cores() };
    int w = MIN(2, opt.cores);
    CpBenchJob alone = { &opt, CP_BENCH_PROBE, 1 }, together = { &opt, CP_BENCH_PROBE, w };
    CpBenchSampleFunc samples[] = { cp_bench_cpu_sample, cp_bench_cpu_sample };
    void *data[] = { &alone, &together };
    CpBenchFigure f[2];

    cp_bench_measure_interleaved(opt.repeat, 2, samples, data, f);
    CpBenchFigure one = { f[0].min, f[0].min, f[0].min }, all = { f[1].min, f[1].min, f[1].min };
    double cores = cp_bench_probe_cores(w, &one, &all);

    cr_assert(cores > 0 && cores <= w + 0.5, "%.2f of %d cores delivered", cores, w);
    cp_test_assert_no_children();
}

Test(bench, probe_cores_is_w_times_the_ratio, .timeout = 30)
{
    CpBenchFigure sequential = { 0.5, 0.49, 0.51 }, probe = { 0.6, 0.55, 0.7 };

    cr_assert_float_eq(cp_bench_probe_cores(4, &sequential, &probe), 4 * 0.5 / 0.6, 1e-12);
    cr_assert_float_eq(cp_bench_probe_cores(1, &sequential, &sequential), 1, 1e-12);
}

/* A wrong sum is reported and exits 1; for the probe, the sum is W times. */
Test(bench, cpu_check_exits_on_a_wrong_sum, .exit_code = 1, .timeout = 30)
{
    CpBenchOptions opt = { .repeat = 1, .size = 1000, .cores = 2 };
    CpBenchJob probe = { &opt, CP_BENCH_PROBE, 3 };

    cp_bench_cpu_check(&probe, 3 * cp_bench_cpu_expected(1000));   /* right: returns */
    cp_bench_cpu_check(&probe, cp_bench_cpu_expected(1000));       /* one copy's: exits */
}

/* OpenMP's pragma on the same sum: the same total for every W (a team of
 * W threads, W > cores included), through the checked sample too. */
Test(bench, openmp_agrees_with_the_formula, .timeout = 30)
{
#ifdef _OPENMP
    const int workers[] = { 1, 2, 3, 8 };
    const guint64 sizes[] = { 0, 7, 1001, 5000000 };
    CpBenchOptions opt = { .repeat = 2, .size = 100003, .cores = 2 };
    CpBenchJob job = { &opt, CP_BENCH_OPENMP, 3 };

    for (gsize w = 0; w < G_N_ELEMENTS(workers); w++)
        for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
            guint64 sum = 1;
            double seconds = cp_bench_openmp_run(sizes[i], workers[w], &sum);

            cr_assert_eq(sum, cp_bench_cpu_expected(sizes[i]), "%d threads, n = %" G_GUINT64_FORMAT,
                         workers[w], sizes[i]);
            cr_assert_geq(seconds, 0);
        }
    cr_assert_geq(cp_bench_openmp_sample(&job), 0);
    cr_assert_str_eq(cp_bench_approach_name(CP_BENCH_OPENMP), "openmp");
#else
    cr_skip_test("built without OpenMP: no openmp row");
#endif
}

Test(bench, io_runners_complete_every_wait, .timeout = 30)
{
    const CpBenchApproach approaches[] = {
        CP_BENCH_SEQUENTIAL, CP_BENCH_THREADS, CP_BENCH_PROCESSES, CP_BENCH_EVENT_LOOP
    };
    const int workers[] = { 1, 3, 8 };

    cp_time_set_scale(0.001);
    for (gsize a = 0; a < G_N_ELEMENTS(approaches); a++)
        for (gsize w = 0; w < G_N_ELEMENTS(workers); w++) {
            int completed = -1;
            double seconds = cp_bench_io_run(approaches[a], workers[w], &completed);

            cr_assert_eq(completed, workers[w], "%s: %d of %d waits",
                         cp_bench_approach_name(approaches[a]), completed, workers[w]);
            cr_assert_geq(seconds, 0.001 * 0.99, "%s: a wait of 1 ms took %g s",
                          cp_bench_approach_name(approaches[a]), seconds);
        }
    cp_test_assert_no_children();
}

/* A coarse fact with a wide margin: 8 waits of 50 ms at once take well
 * under the 400 ms they take in sequence. */
Test(bench, io_waits_overlap, .timeout = 30)
{
    const CpBenchApproach approaches[] = { CP_BENCH_THREADS, CP_BENCH_PROCESSES, CP_BENCH_EVENT_LOOP };

    cp_time_set_scale(0.05);
    for (gsize a = 0; a < G_N_ELEMENTS(approaches); a++) {
        int completed;
        double seconds = cp_bench_io_run(approaches[a], 8, &completed);

        cr_assert_eq(completed, 8);
        cr_assert_lt(seconds, 0.3, "%s: 8 overlapping waits of 50 ms took %g s",
                     cp_bench_approach_name(approaches[a]), seconds);
    }
    cp_test_assert_no_children();
}

Test(bench, measure_cpu_and_io, .timeout = 30)
{
    CpBenchOptions opt = { .repeat = 2, .size = 10000, .cores = 2 };
    CpBenchJob threads = { &opt, CP_BENCH_THREADS, 3 }, loop = { &opt, CP_BENCH_EVENT_LOOP, 5 };
    CpBenchFigure f;

    cp_time_set_scale(0.001);
    cr_assert_geq(cp_bench_cpu_sample(&threads), 0);
    cr_assert_geq(cp_bench_io_sample(&loop), 0.001 * 0.99);
    f = cp_bench_measure_cpu(&opt, CP_BENCH_PROCESSES, 3);
    cr_assert(f.min > 0 && f.min <= f.median && f.median <= f.max);
    f = cp_bench_measure_io(&opt, CP_BENCH_EVENT_LOOP, 4);
    cr_assert(f.min > 0 && f.min <= f.median && f.median <= f.max);
    cp_test_assert_no_children();
}

Test(bench, slots_are_padded_and_zeroed, .timeout = 30)
{
    CpBenchSlot *slots = cp_bench_slots_new(5);

    cr_assert_eq(sizeof(CpBenchSlot), CP_BENCH_CACHE_LINE);
    cr_assert_eq((uintptr_t) slots % CP_BENCH_CACHE_LINE, 0);
    for (int i = 0; i < 5; i++)
        cr_assert_eq(slots[i].value, 0);
    cp_bench_slots_free(slots);
}

Test(bench, calibrate_gives_a_usable_size, .timeout = 30)
{
    guint64 n = cp_bench_calibrate(0.01);

    cr_assert(n >= 1 && n <= (guint64) CP_BENCH_SIZE_MAX, "n = %" G_GUINT64_FORMAT, n);
}

Test(bench, worker_counts, .timeout = 30)
{
    int counts[CP_BENCH_MAX_ROWS];
    const int want8[] = { 1, 2, 4, 8 }, want5[] = { 1, 2, 4, 5 }, want3[] = { 1, 2, 3 };

    cr_assert_eq(cp_bench_worker_counts(8, counts), 4);
    cr_assert_arr_eq(counts, want8, sizeof want8);
    cr_assert_eq(cp_bench_worker_counts(5, counts), 4);
    cr_assert_arr_eq(counts, want5, sizeof want5);
    cr_assert_eq(cp_bench_worker_counts(3, counts), 3);
    cr_assert_arr_eq(counts, want3, sizeof want3);
    cr_assert_eq(cp_bench_worker_counts(1, counts), 1);
    cr_assert_eq(counts[0], 1);
    cr_assert_eq(cp_bench_worker_counts(1024, counts), 11);
    cr_assert_eq(counts[10], 1024);
}

/* ------------------------------------------------ memory, child processes */

Test(bench, private_bytes_of_this_process, .timeout = 30)
{
#ifdef __linux__
    double before = cp_bench_private_bytes(0);
    size_t size = 8 << 20;
    volatile char *block = malloc(size);   /* volatile: the writes stay */
    double after;

    cr_assert_gt(before, 0);
    cr_assert_gt(cp_bench_private_bytes(getpid()), 0);
    cr_assert_geq(cp_bench_virtual_bytes(), before);
    /* 8 MiB written: pages of our own, counted (most of them at least). */
    cr_assert_not_null(block);
    for (size_t k = 0; k < size; k += 512)
        block[k] = 1;
    after = cp_bench_private_bytes(0);
    cr_assert_geq(after - before, 6 << 20, "grew by %.0f bytes", after - before);
    free((char *) block);
#else
    cr_assert_eq(cp_bench_private_bytes(0), -1);
    cr_assert_eq(cp_bench_virtual_bytes(), -1);
#endif
}

Test(bench, private_bytes_of_no_process, .timeout = 30)
{
    pid_t child;

    fflush(NULL);
    child = fork();
    cr_assert_neq(child, -1);
    if (child == 0)
        _exit(EXIT_SUCCESS);
    cr_assert(cp_bench_reap(child, "child"));
    cr_assert_eq(cp_bench_private_bytes(child), -1);   /* gone */
    cp_test_assert_no_children();
}

static double
own_pid(void *data)
{
    return (double) getpid() + *(const double *) data;
}

Test(bench, fresh_child_returns_its_value, .timeout = 30)
{
    const double half = 0.5;
    int fds = cp_test_count_open_fds();

    for (int k = 0; k < 3; k++) {
        double value = cp_bench_in_fresh_child(own_pid, (void *) &half);

        /* Measured in another process, every time a new one. */
        cr_assert_eq(value - floor(value), 0.5);
        cr_assert_gt(value, 1);
        cr_assert_neq((pid_t) value, getpid());
    }
    cp_test_assert_no_children();
    cr_assert_eq(cp_test_count_open_fds(), fds);
}

static double
exit_3(void *data)
{
    (void) data;
    _exit(3);
}

static double
killed(void *data)
{
    (void) data;
    raise(SIGKILL);
    return 0;
}

/* cp_bench_in_fresh_child() exits 1 when its child fails: it runs in a
 * child of ours, whose exit() must not run the test runner's handlers. */
static void
exit_at_once(void)
{
    _exit(EXIT_FAILURE);
}

/* Run cp_bench_in_fresh_child(sample) in a child; assert that it exited 1
 * and said `message` on stderr. */
static void
assert_fresh_child_fails(CpBenchSampleFunc sample, const char *message)
{
    int err[2], status;
    char text[512] = "";
    ssize_t n;
    pid_t child;

    cr_assert_eq(pipe(err), 0);
    fflush(NULL);
    child = fork();
    cr_assert_neq(child, -1);
    if (child == 0) {
        if (dup2(err[1], STDERR_FILENO) == -1 || atexit(exit_at_once) != 0)
            _exit(99);
        close(err[0]);
        close(err[1]);
        (void) cp_bench_in_fresh_child(sample, NULL);
        _exit(EXIT_SUCCESS);   /* not reached */
    }
    close(err[1]);
    n = cp_io_read_full(err[0], text, sizeof text - 1);
    close(err[0]);
    cr_assert_geq(n, 0);
    text[n] = '\0';
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %#x", status);
    cr_assert(strstr(text, message) != NULL, "stderr: %s", text);
    cp_test_assert_no_children();
}

/* A sample that prints, to a full disk: without a newline, so that the
 * text waits in stdout's buffer for the fresh child's own flush. */
static double
print_to_a_full_disk(void *data)
{
    int full = open("/dev/full", O_WRONLY);

    (void) data;
    if (full == -1 || dup2(full, STDOUT_FILENO) == -1)
        _exit(98);
    printf("a result that cannot be written");
    return 1;
}

Test(bench, fresh_child_failure_is_reported, .timeout = 30)
{
    assert_fresh_child_fails(exit_3, "fresh child exited with status 3");
    assert_fresh_child_fails(killed, "fresh child was killed by signal 9");
#ifdef __linux__
    /* The fresh child checks its flush before _exit(), which flushes nothing. */
    assert_fresh_child_fails(print_to_a_full_disk, "write to stdout failed in child");
#endif
}

/* In the test's own process: under ThreadSanitizer a child forked from
 * the test runner's threaded process may not start threads of its own. */
Test(bench, threads_growth_counts_their_stacks, .timeout = 30)
{
    int fds = cp_test_count_open_fds();
    double grown = cp_bench_threads_growth(4, 1000, TRUE);

#ifdef __linux__
    /* Each thread has a stack of its own in the address space: at least
     * 64 KiB, whatever the stack size limit. */
    cr_assert_geq(grown, 4 * 65536.0, "4 threads added %.0f bytes", grown);
#else
    cr_assert_eq(grown, 0);   /* -1 - -1 */
#endif
    cr_assert_eq(cp_test_count_open_fds(), fds);
}

Test(bench, children_private_bytes_reaps_them_all, .timeout = 30)
{
    int fds = cp_test_count_open_fds();

    for (int n = 1; n <= 3; n++) {
        double bytes = cp_bench_children_private_bytes(n, 1000);

#ifdef __linux__
        /* Every child writes to some pages of its own (its stack, at least). */
        cr_assert_geq(bytes, n * 4096.0, "%d children: %.0f bytes", n, bytes);
#else
        cr_assert_eq(bytes, -1);
#endif
        cp_test_assert_no_children();
        cr_assert_eq(cp_test_count_open_fds(), fds);
    }
}

/* ------------------------------- a run that fails halfway leaves no child */

/* The tests below run a runner in a child of the test that cannot start
 * more than `forks` processes, so that a later fork() fails (EAGAIN)
 * while the first children still work or wait.  The runner must then say
 * so in one line on stderr, exit 1, and leave no child behind: exit()
 * stops and reaps the children it remembered (cp_children.h).  The test
 * is the subreaper (Linux): a child left behind would become its own.
 *
 * RLIMIT_NPROC binds no root process: as root, the child first becomes a
 * user of its own, uid 1000000 + its pid, that no other process has, so
 * the limit counts only its processes.  Not as root, the limit would
 * count every process of the user running the tests (other tests too):
 * these tests are skipped. */

typedef void (*RunnerBody)(void);

/* The runner calls exit(1) in a child of the test runner: run no handler
 * of Criterion's, only cp_children's (exit() has run it already, unless
 * it was registered before this one; stopping twice does nothing). */
static void
stop_children_and_exit(void)
{
    cp_children_stop();
    _exit(EXIT_FAILURE);
}

#ifdef __linux__
/* In the forked child: at most `forks` more processes from now on. */
static gboolean
limit_forks(int forks)
{
    uid_t uid = (uid_t) (1000000 + getpid());
    struct rlimit limit = { (rlim_t) forks + 1, (rlim_t) forks + 1 };   /* + this one */

    return setrlimit(RLIMIT_NPROC, &limit) == 0 && setuid(uid) == 0
           /* A change of user clears the parent-death signal: set it again. */
           && prctl(PR_SET_PDEATHSIG, SIGKILL) == 0;
}
#endif

/* Run body() in a child that can fork `forks` processes; assert that it
 * exited 1 with one line on stderr that contains `message`, and that no
 * child was left behind. */
static void
assert_fails_halfway(int forks, RunnerBody body, const char *message)
{
#ifdef __linux__
    char text[1024] = "";
    int err[2], status;
    ssize_t n;
    pid_t child;

    if (geteuid() != 0)
        cr_skip_test("RLIMIT_NPROC: run as root to give the runner a user of its own");
    cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    cr_assert_eq(pipe(err), 0);
    child = cp_test_fork();
    if (child == 0) {
        if (dup2(err[1], STDERR_FILENO) == -1 || atexit(stop_children_and_exit) != 0
            || !limit_forks(forks))
            _exit(99);
        close(err[0]);
        close(err[1]);
        body();
        _exit(EXIT_SUCCESS);   /* not reached: a fork failed */
    }
    close(err[1]);
    cr_assert_eq(waitpid(child, &status, 0), child);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 99)
        cr_skip_test("the test's child could not become a user of its own (setuid)");
    /* First: a child left running would keep stderr's pipe open. */
    cp_test_assert_no_children();
    n = cp_io_read_full(err[0], text, sizeof text - 1);
    close(err[0]);
    cr_assert_geq(n, 0);
    text[n] = '\0';
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %#x, stderr: %s",
              (unsigned) status, text);
    cr_assert(n > 0 && strchr(text, '\n') == &text[n - 1], "want one line on stderr: %s", text);
    cr_assert(strstr(text, message) != NULL, "stderr: %s", text);
#else
    (void) forks, (void) body, (void) message;
    cr_skip_test("RLIMIT_NPROC and the subreaper: Linux only");
#endif
}

/* 4 children computing about a second each; the third fork fails. */
static void
cpu_processes_of_4(void)
{
    guint64 sum;

    (void) cp_bench_cpu_run(CP_BENCH_PROCESSES, G_GUINT64_CONSTANT(4000000000), 4, &sum);
}

Test(bench, cpu_processes_fork_failing_halfway_leaves_no_child, .timeout = 30)
{
    assert_fails_halfway(2, cpu_processes_of_4, "fork failed");
}

/* 3 children waiting 10 s each; the second fork fails. */
static void
io_processes_of_3(void)
{
    int completed;

    cp_time_set_scale(10);
    (void) cp_bench_io_run(CP_BENCH_PROCESSES, 3, &completed);
}

Test(bench, io_processes_fork_failing_halfway_leaves_no_child, .timeout = 30)
{
    assert_fails_halfway(1, io_processes_of_3, "fork failed");
}

/* 4 children held at the gate; the third fork fails. */
static void
four_children_at_the_gate(void)
{
    (void) cp_bench_children_private_bytes(4, 0);
}

Test(bench, children_private_bytes_fork_failing_halfway_leaves_no_child, .timeout = 30)
{
    assert_fails_halfway(2, four_children_at_the_gate, "fork failed");
}

#ifdef __linux__
/* Killing the parent alone (kill -9, or a SIGINT sent to it only) ends the
 * runner's children too: each asked for SIGTERM when its parent dies
 * (cp_children_in_child()).  They would otherwise wait out their 10 s
 * and exit 0. */
Test(bench, process_runner_children_die_with_their_parent, .timeout = 30)
{
    struct timespec tick = { 0, 10 * 1000 * 1000 };
    double start = cp_time_now();
    int n;
    pid_t parent;

    cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    parent = cp_test_fork();
    if (parent == 0) {
        int completed;

        cp_time_set_scale(10);
        (void) cp_bench_io_run(CP_BENCH_PROCESSES, 3, &completed);
        _exit(EXIT_SUCCESS);
    }
    while ((n = cp_test_count_children_of(parent)) < 3) {
        if (n == -1) {
            kill(parent, SIGKILL);
            waitpid(parent, NULL, 0);
            cr_skip_test("no /proc/PID/task/PID/children here");
        }
        cr_assert_lt(cp_time_since(start), 10, "the runner started %d children", n);
        nanosleep(&tick, NULL);
    }
    cp_test_kill_and_reap_orphans(parent, 3);
}
#endif

/* ----------------------------------------------------------------- output */

static void
assert_number(double value, const char *want)
{
    char *got = cp_bench_format_number(value);

    cr_assert_str_eq(got, want, "%.17g printed as %s, not %s", value, got, want);
    g_free(got);
}

Test(bench, numbers_are_plain_decimals, .timeout = 30)
{
    assert_number(0.5, "0.5");
    assert_number(0.500123456, "0.500123");
    assert_number(2500000, "2500000");
    assert_number(123456789, "123456789");
    assert_number(1.5e-05, "0.000015");
    assert_number(0, "0");
    assert_number(1, "1");
    assert_number(12.0, "12");
    assert_number(1234.5678, "1234.57");
    assert_number(9.9999996, "10");
    assert_number(1.98765432, "1.98765");
    assert_number(-2.5, "-2.5");
}

Test(bench, figure_cell, .timeout = 30)
{
    CpBenchFigure f = { 0.5, 0.49, 0.51 };
    char *cell = cp_bench_format_figure(&f, 2, "s");

    cr_assert_str_eq(cell, "0.50s ±0.01");
    g_free(cell);
    cell = cp_bench_format_figure(&f, 3, " seconds");
    cr_assert_str_eq(cell, "0.500 seconds ±0.010");
    g_free(cell);
}

Test(bench, marks_rows_beyond_the_cores, .timeout = 30)
{
    CpBenchOptions opt = { .cores = 2 };

    cr_assert_str_eq(cp_bench_mark(&opt, 1), "");
    cr_assert_str_eq(cp_bench_mark(&opt, 2), "");
    cr_assert_str_eq(cp_bench_mark(&opt, 4), " *");
    cr_assert_gt(cp_bench_cores(), 0);
}

Test(bench, csv_rows_exact, .timeout = 30)
{
    CpBenchRow row = { "thread_vs_process", "cpu", "threads", 4, "1000",
                       { 0.25, 0.24, 0.3 }, "s", 1.98765432 };
    CpBenchRow queue = { "queue_throughput", "queue", "cp_queue", 1, "1x1@1024",
                         { 2500000, 2400000.5, 2600000 }, "items/s", NAN };
    CpBenchRow empty = { "gil_demo", "gil", "no_lock", 1, NULL, { 1.5e-05, 1e-05, 2e-05 }, "s", 1 };
    char *line;

    cr_assert_str_eq(CP_BENCH_CSV_HEADER,
                     "benchmark,section,approach,workers,param,value,unit,min,max,speedup,cores");
    line = cp_bench_csv_line(&row, 2);
    cr_assert_str_eq(line, "thread_vs_process,cpu,threads,4,1000,0.25,s,0.24,0.3,1.98765,2");
    g_free(line);
    line = cp_bench_csv_line(&queue, 16);
    cr_assert_str_eq(line, "queue_throughput,queue,cp_queue,1,1x1@1024,2500000,items/s,2400000,2600000,,16");
    g_free(line);
    line = cp_bench_csv_line(&empty, 2);
    cr_assert_str_eq(line, "gil_demo,gil,no_lock,1,,0.000015,s,0.00001,0.00002,1,2");
    /* 11 fields, as the header has. */
    char **fields = g_strsplit(line, ",", -1);
    cr_assert_eq(g_strv_length(fields), 11);
    g_strfreev(fields);
    g_free(line);
}

/* ---------------------------------------------------------------- options */

static void
parse(const char **args, int n, guint flags, CpBenchOptions *opt)
{
    char **argv = g_new0(char *, n + 2);
    int argc = n + 1;

    argv[0] = (char *) "bench";
    for (int i = 0; i < n; i++)
        argv[i + 1] = (char *) args[i];
    cp_bench_parse(&argc, &argv, &(CpOptions) { .summary = "test" }, flags, opt);
    g_free(argv);
}

Test(bench, options_defaults, .timeout = 30)
{
    CpBenchOptions opt;

    /* Without CP_BENCH_WITH_SIZE there is no calibration, and no --size. */
    parse(NULL, 0, CP_BENCH_WITH_MAX_WORKERS, &opt);
    cr_assert_eq(opt.repeat, CP_BENCH_REPEAT_DEFAULT);
    cr_assert_eq(opt.repeat, 5);
    cr_assert_eq(opt.max_workers, 8);
    cr_assert_not(opt.csv);
    cr_assert_eq(opt.size, 0);
    cr_assert_not(opt.size_given);
    cr_assert_eq(opt.cores, cp_bench_cores());
}

Test(bench, options_given, .timeout = 30)
{
    const char *args[] = { "--repeat=3", "--csv", "--size=1000", "--max-workers", "3",
                           "--time-scale=0.25" };
    CpBenchOptions opt;

    parse(args, 6, CP_BENCH_WITH_SIZE | CP_BENCH_WITH_MAX_WORKERS | CP_BENCH_WITH_WAITS, &opt);
    cr_assert_eq(opt.repeat, 3);
    cr_assert(opt.csv);
    cr_assert_eq(opt.size, 1000);
    cr_assert(opt.size_given);
    cr_assert_eq(opt.max_workers, 3);
    cr_assert_float_eq(cp_time_scale(), 0.25, 1e-12);
}

Test(bench, options_with_own_entries, .timeout = 30)
{
    char *step = NULL;
    GOptionEntry entries[] = {
        { "step", 0, 0, G_OPTION_ARG_STRING, &step, "step", "N" },
        G_OPTION_ENTRY_NULL
    };
    char *args[] = { (char *) "bench", (char *) "--step=10", (char *) "--repeat=1", NULL };
    char **argv = args;
    int argc = 3;
    CpBenchOptions opt;

    cp_bench_parse(&argc, &argv, &(CpOptions) { .summary = "test", .entries = entries }, 0, &opt);
    cr_assert_str_eq(step, "10");
    cr_assert_eq(opt.repeat, 1);
    g_free(step);
}

/* Bad values exit 2 (the message itself is checked by the programs' tests). */
#define BAD_OPTION(name, flags, ...)                                          \
    Test(bench, name, .timeout = 30, .exit_code = 2)                          \
    {                                                                         \
        const char *args[] = { __VA_ARGS__ };                                 \
        CpBenchOptions opt;                                                   \
                                                                              \
        parse(args, G_N_ELEMENTS(args), flags, &opt);                         \
    }

#define ALL (CP_BENCH_WITH_SIZE | CP_BENCH_WITH_MAX_WORKERS)
BAD_OPTION(rejects_repeat_zero, ALL, "--repeat=0")
BAD_OPTION(rejects_repeat_text, ALL, "--repeat=many")
BAD_OPTION(rejects_size_zero, ALL, "--size=0")
BAD_OPTION(rejects_size_negative, ALL, "--size=-5")
BAD_OPTION(rejects_size_too_big, ALL, "--size=1000000000001")
BAD_OPTION(rejects_max_workers_zero, ALL, "--max-workers=0")
BAD_OPTION(rejects_max_workers_too_many, ALL, "--max-workers=1025")
BAD_OPTION(rejects_positional_argument, ALL, "7")
BAD_OPTION(rejects_unknown_option, ALL, "--fast")
BAD_OPTION(rejects_size_where_not_taken, CP_BENCH_WITH_MAX_WORKERS, "--size=10")
BAD_OPTION(rejects_max_workers_where_not_taken, CP_BENCH_WITH_SIZE, "--max-workers=2")
BAD_OPTION(rejects_time_scale_without_waits, ALL, "--time-scale=0.5")
BAD_OPTION(rejects_workers_option, ALL, "--workers=2")
