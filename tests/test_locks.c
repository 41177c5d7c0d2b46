/* SPDX-License-Identifier: 0BSD */
/* Black-box tests of the lessons' objectives on locks: sync/deadlock. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cp_test.h"

#define DEADLOCK_LINE "Deadlock: thread 1 holds A and waits for B; thread 2 holds B and waits for A"
#define FINISHED_LINE "Both threads finished: 2000 transfers, total unchanged"

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
    for (int i = 0; i < 5; i++) {
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
