/* SPDX-License-Identifier: 0BSD */
/* Black-box tests of the lessons' objectives on locks: sync/deadlock,
 * sync/once, sync/rwlock, sync/striped_map. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_test.h"

#define DEADLOCK_LINE "Deadlock: thread 1 holds A and waits for B; thread 2 holds B and waits for A"
#define FINISHED_LINE "Both threads finished: 2000 transfers, total unchanged"

/* Runs of the deadlock: each ends at the watchdog's first look, about a
 * second under ThreadSanitizer (its exit with threads still blocked). */
#ifdef CP_SANITIZE_THREAD
#define DEADLOCK_RUNS 2
#else
#define DEADLOCK_RUNS 5
#endif

#define ARGS(...) ((const char *const[]) { __VA_ARGS__, NULL })

/* ---- sync/deadlock */

Test(deadlock, help_and_bad_input, .timeout = 10)
{
    cp_test_assert_help("sync/deadlock");
    CpRun *run = cp_test_run("sync/deadlock", "--watchdog=0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);
    run = cp_test_run("sync/deadlock", "--watchdog=soon", NULL);
    cp_test_assert_usage_error(run, "soon");
    cp_run_free(run);
    run = cp_test_run("sync/deadlock", "--ordered", "--trylock", NULL);
    cp_test_assert_usage_error(run, "--ordered");
    cp_run_free(run);
}

/* ThreadSanitizer reports a lock-order inversion only once some thread
 * has taken both locks; here the first transfer deadlocks, so its build
 * runs clean and exits 3 as the others do. */
Test(deadlock, the_watchdog_names_the_cycle_and_exits_3, .timeout = 10)
{
    for (int i = 0; i < DEADLOCK_RUNS; i++) {
        CpRun *run = cp_test_run("sync/deadlock", "-v", NULL);

        cr_assert_eq(run->status, 3, "exit status %d, stderr: %s", run->status, run->err);
        cr_assert_eq(run->n_lines, 2, "%s", run->out);
        cr_assert_str_eq(run->lines[0], DEADLOCK_LINE);
        cr_assert(g_str_has_prefix(run->lines[1], "Transfers before it: "), "%s", run->lines[1]);
        cr_assert_str_eq(run->err, "");
        cp_run_free(run);
    }
}

Test(deadlock, the_watchdog_is_bounded, .timeout = 10)
{
    CpRun *run = cp_test_run("sync/deadlock", "--time-scale=1", "--watchdog=0.5", NULL);

    cr_assert_eq(run->status, 3);
    cr_assert_str_eq(run->lines[0], DEADLOCK_LINE);
    cr_assert_geq(run->seconds, 0.4);
    cr_assert_lt(run->seconds, 3.0);
    cp_run_free(run);
}

static void
assert_fix_finishes(const char *fix)
{
    for (int i = 0; i < 5; i++) {
        CpRun *run = cp_test_run("sync/deadlock", fix, "-v", NULL);

        cp_test_assert_ok(run);
        cr_assert_eq(run->n_lines, 2, "%s: %s", fix, run->out);
        cr_assert_str_eq(run->lines[0], FINISHED_LINE);
        /* Each thread moved 1000 one way: both accounts are back at 1000. */
        cr_assert(g_str_has_prefix(run->lines[1], "A: 1000, B: 1000; back-offs: "),
                  "%s: %s", fix, run->lines[1]);
        cp_run_free(run);
    }
}

Test(deadlock, ordered_finishes_with_the_total_unchanged, .timeout = 20)
{
    assert_fix_finishes("--ordered");
}

Test(deadlock, trylock_finishes_with_the_total_unchanged, .timeout = 20)
{
    assert_fix_finishes("--trylock");
}

/* ---- sync/once */

Test(once, help_and_bad_input, .timeout = 10)
{
    cp_test_assert_help("sync/once");
    CpRun *run = cp_test_run("sync/once", "-w", "0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);
    run = cp_test_run("sync/once", "extra", NULL);
    cr_assert_eq(run->status, 2);
    cp_run_free(run);
}

Test(once, pthread_once_initialises_exactly_once, .timeout = 20)
{
    const char *workers[] = { "1", "2", "8", "32" };

    for (guint i = 0; i < G_N_ELEMENTS(workers); i++) {
        CpRun *run = cp_test_run("sync/once", "-v", "-w", workers[i], NULL);
        char *wrong = g_strdup_printf("Threads that saw a wrong sum: 0 of %s", workers[i]);

        cp_test_assert_lines(run, ARGS("Initialised 1 time", wrong));
        g_free(wrong);
        cp_run_free(run);
    }
}

#ifdef CP_SANITIZE_THREAD
Test(once, tsan_reports_the_racy_check, .timeout = 30)
{
    const char *const env[] = { "TSAN_OPTIONS=halt_on_error=1 exitcode=66", NULL };
    CpRun *run = cp_test_run_env(env, "sync/once", ARGS("--racy"));

    cr_assert_eq(run->status, 66, "exit status %d, stderr: %s", run->status, run->err);
    cr_assert(strstr(run->err, "ThreadSanitizer: data race") != NULL, "no report: %s", run->err);
    cp_run_free(run);
}
#else
Test(once, racy_initialises_at_least_once, .timeout = 20)
{
    for (int i = 0; i < 10; i++) {
        CpRun *run = cp_test_run("sync/once", "--racy", NULL);
        int n = 0;

        cp_test_assert_ok(run);
        cr_assert_eq(run->n_lines, 1);
        cr_assert(sscanf(run->lines[0], "Initialised %d time", &n) == 1, "%s", run->lines[0]);
        /* At least once, at most once per thread; never a number the race
         * could not give. */
        cr_assert(n >= 1 && n <= 8, "%s", run->lines[0]);
        char *line = n == 1 ? g_strdup("Initialised 1 time")
                            : g_strdup_printf("Initialised %d times", n);
        cr_assert_str_eq(run->lines[0], line);
        g_free(line);
        cp_run_free(run);
    }
}
#endif

/* ---- sync/rwlock */

Test(rwlock, help_and_bad_input, .timeout = 10)
{
    cp_test_assert_help("sync/rwlock");
    CpRun *run = cp_test_run("sync/rwlock", "--seconds=-1", NULL);
    cp_test_assert_usage_error(run, "'-1'");
    cp_run_free(run);
    run = cp_test_run("sync/rwlock", "-w", "0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);
}

/* "<lock>: R reads/s, W writes/s" with both rates positive. */
static void
assert_rates(const char *line, const char *lock)
{
    char *prefix = g_strdup_printf("%s: ", lock);
    double reads = 0, writes = 0;

    cr_assert(g_str_has_prefix(line, prefix), "'%s' is not %s's", line, lock);
    cr_assert_eq(sscanf(line + strlen(prefix), "%lf reads/s, %lf writes/s", &reads, &writes), 2,
                 "%s", line);
    cr_assert_gt(reads, 0, "%s", line);
    cr_assert_gt(writes, 0, "%s", line);
    g_free(prefix);
}

Test(rwlock, readers_overlap_and_never_see_a_half_written_row, .timeout = 20)
{
    for (int i = 0; i < 3; i++) {
        CpRun *run = cp_test_run("sync/rwlock", "-v", NULL);
        int most = 0, most_mutex = 0;
        long rows = 0;

        cp_test_assert_ok(run);
        cr_assert_eq(run->n_lines, 5, "%s", run->out);
        assert_rates(run->lines[0], "pthread_rwlock_t");
        assert_rates(run->lines[1], "one mutex");
        cr_assert_str_eq(run->lines[2], "Readers overlapped: yes");
        cr_assert_eq(sscanf(run->lines[3], "Most readers inside at once: %d with pthread_rwlock_t, "
                                           "%d with one mutex", &most, &most_mutex), 2,
                     "%s", run->lines[3]);
        cr_assert(most >= 2 && most <= 8, "%s", run->lines[3]);
        cr_assert_eq(most_mutex, 1, "%s", run->lines[3]);
        cr_assert_eq(sscanf(run->lines[4], "Rows checked: %ld, half-written: 0", &rows), 1,
                     "%s", run->lines[4]);
        cr_assert(g_str_has_suffix(run->lines[4], ", half-written: 0"), "%s", run->lines[4]);
        cr_assert_gt(rows, 0);
        cp_run_free(run);
    }
}

Test(rwlock, one_reader_cannot_overlap, .timeout = 10)
{
    CpRun *run = cp_test_run("sync/rwlock", "-w", "1", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 3, "%s", run->out);
    assert_rates(run->lines[0], "pthread_rwlock_t");
    assert_rates(run->lines[1], "one mutex");
    cr_assert_str_eq(run->lines[2], "Readers overlapped: no");
    cp_run_free(run);
}

/* ---- sync/striped_map */

#ifdef CP_SANITIZE_THREAD
#define STRIPED_OPS "2000"
#else
#define STRIPED_OPS "20000"
#endif

Test(striped_map, help_and_bad_input, .timeout = 10)
{
    static const char *const bad[][2] = {
        { "--ops=0", "'0'" }, { "--stripes=1025", "'1025'" }, { "--seed=-1", "'-1'" },
        { "--seed=4294967296", "'4294967296'" }, { "-w0", "'0'" }, { "--ops=many", "many" },
    };

    cp_test_assert_help("sync/striped_map");
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        CpRun *run = cp_test_run("sync/striped_map", bad[i][0], NULL);

        cp_test_assert_usage_error(run, bad[i][1]);
        cp_run_free(run);
    }
}

/* "W=N: one lock R ops/s, S striped locks T ops/s, ratio X": the printed
 * ratio is T / R. */
static void
assert_striped_row(const char *line, int threads, int stripes)
{
    int w = 0, s = 0;
    double one = 0, striped = 0, ratio = 0;

    cr_assert_eq(sscanf(line, "W=%d: one lock %lf ops/s, %d striped locks %lf ops/s, ratio %lf",
                        &w, &one, &s, &striped, &ratio), 5, "%s", line);
    cr_assert_eq(w, threads, "%s", line);
    cr_assert_eq(s, stripes, "%s", line);
    cr_assert(one > 0 && striped > 0, "%s", line);
    cr_assert_float_eq(ratio, striped / one, 0.006, "%s", line);
}

/* "  W=N, S lock(s): R reads (F found), W writes, K keys, counts add up to C" */
typedef struct {
    int threads, stripes;
    long reads, found, writes, keys, sum;
} StripedCounts;

static StripedCounts
striped_counts(const char *line)
{
    StripedCounts c = { 0 };

    const char *counts = strchr(line, ':');

    cr_assert_eq(sscanf(line, "  W=%d, %d lock", &c.threads, &c.stripes), 2, "%s", line);
    cr_assert(g_str_has_prefix(strstr(line, " lock"), c.stripes == 1 ? " lock:" : " locks:"),
              "%s", line);
    cr_assert_eq(sscanf(counts, ": %ld reads (%ld found), %ld writes, %ld keys, "
                                "counts add up to %ld", &c.reads, &c.found, &c.writes, &c.keys,
                        &c.sum), 5, "%s", line);
    return c;
}

Test(striped_map, both_maps_equal_the_replay_and_the_counts_are_exact, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/striped_map", "-v", "--ops=" STRIPED_OPS, NULL);
    const long ops = atol(STRIPED_OPS);
    const int threads[] = { 1, 2, 4, 8 };
    long writes_before = 0;

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 4 * 3 + 1, "%s", run->out);
    for (int t = 0; t < 4; t++) {
        StripedCounts one = striped_counts(run->lines[3 * t]);
        StripedCounts striped = striped_counts(run->lines[3 * t + 1]);

        cr_assert_eq(one.threads, threads[t]);
        cr_assert_eq(striped.threads, threads[t]);
        cr_assert_eq(one.stripes, 1);
        cr_assert_eq(striped.stripes, 64);
        /* Nothing lost, nothing counted twice, the same operations twice. */
        cr_assert_eq(one.reads + one.writes, threads[t] * ops, "%s", run->lines[3 * t]);
        cr_assert_eq(striped.reads, one.reads);
        cr_assert_eq(striped.writes, one.writes);
        cr_assert_eq(one.sum, one.writes, "%s", run->lines[3 * t]);
        cr_assert_eq(striped.sum, striped.writes, "%s", run->lines[3 * t + 1]);
        cr_assert_eq(striped.keys, one.keys);
        cr_assert(one.keys > 0 && one.keys <= 4096 && one.keys <= one.writes);
        /* About 20% writes; more threads add theirs to the first ones'. */
        cr_assert(one.writes > threads[t] * ops / 10 && one.writes < threads[t] * ops * 3 / 10,
                  "%s", run->lines[3 * t]);
        cr_assert_gt(one.writes, writes_before);
        writes_before = one.writes;
        cr_assert(one.found <= one.reads && striped.found <= striped.reads);
        assert_striped_row(run->lines[3 * t + 2], threads[t], 64);
    }
    cr_assert_str_eq(run->lines[12], "Both maps equal a sequential replay");
    cp_run_free(run);
}

/* The same seed, the same operations; another seed, others. */
Test(striped_map, the_seed_picks_the_operations, .timeout = 30)
{
    const char *const seeds[] = { "--seed=7", "--seed=7", "--seed=8" };
    StripedCounts c[3];

    for (int i = 0; i < 3; i++) {
        CpRun *run = cp_test_run("sync/striped_map", "-v", "-w", "2", "--stripes=3",
                                 "--ops=" STRIPED_OPS, seeds[i], NULL);

        cp_test_assert_ok(run);
        cr_assert_eq(run->n_lines, 2 * 3 + 1, "%s", run->out);
        assert_striped_row(run->lines[2], 1, 3);
        assert_striped_row(run->lines[5], 2, 3);
        cr_assert_str_eq(run->lines[6], "Both maps equal a sequential replay");
        c[i] = striped_counts(run->lines[3]);
        cr_assert_eq(c[i].stripes, 1);
        cr_assert_eq(striped_counts(run->lines[4]).stripes, 3);
        cp_run_free(run);
    }
    cr_assert_eq(c[0].writes, c[1].writes);
    cr_assert_eq(c[0].keys, c[1].keys);
    cr_assert_neq(c[0].writes, c[2].writes);
}

/* -w that is not a power of two ends the rows with itself. */
Test(striped_map, rows_double_up_to_w, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/striped_map", "-w", "5", "--ops=" STRIPED_OPS, NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 5, "%s", run->out);
    assert_striped_row(run->lines[0], 1, 64);
    assert_striped_row(run->lines[1], 2, 64);
    assert_striped_row(run->lines[2], 4, 64);
    assert_striped_row(run->lines[3], 5, 64);
    cr_assert_str_eq(run->lines[4], "Both maps equal a sequential replay");
    cp_run_free(run);
}
