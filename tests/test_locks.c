/* SPDX-License-Identifier: 0BSD */
/* Black-box tests of the lessons' objectives on locks: sync/deadlock,
 * sync/once, sync/rwlock. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>
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
