/* Black-box tests of examples/sync/. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>

#include "cp_test.h"

/* Each of n threads prints its own "Thread-k: counter = 1, 2, 3", in order. */
static void
assert_thread_local_lines(const CpRun *run, int n)
{
    for (int k = 1; k <= n; k++) {
        int at = -1;

        for (int c = 1; c <= 3; c++) {
            char *line = g_strdup_printf("Thread-%d: counter = %d", k, c);
            int found = cp_test_find_line(run, line, at + 1);

            cr_assert(found > at, "missing or out of order: %s", line);
            cr_assert_eq(cp_test_find_line(run, line, found + 1), -1, "twice: %s", line);
            at = found;
            g_free(line);
        }
    }
    cr_assert_eq(cp_test_count_prefix(run, "Thread-"), (guint) (3 * n));
}

Test(thread_local_counters, lesson_output, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/thread_local_counters", "--increments=20000", NULL);

    cp_test_assert_ok(run);
    assert_thread_local_lines(run, 3);
    cr_assert_eq(run->n_lines, 12);
    cr_assert(g_str_has_prefix(run->lines[9], "Per-thread counters summed: 60000 in "), "%s", run->lines[9]);
    cr_assert(g_str_has_prefix(run->lines[10], "One shared atomic counter: 60000 in "), "%s", run->lines[10]);
    cr_assert_str_eq(run->lines[11], "Expected: 60000");
    cp_run_free(run);
}

Test(thread_local_counters, more_workers, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/thread_local_counters", "-w", "5", "--increments=1000", NULL);

    cp_test_assert_ok(run);
    assert_thread_local_lines(run, 5);
    cr_assert(cp_test_has_line(run, "Expected: 5000"));
    cr_assert_eq(cp_test_count_prefix(run, "Per-thread counters summed: 5000 in "), 1);
    cr_assert_eq(cp_test_count_prefix(run, "One shared atomic counter: 5000 in "), 1);
    cp_run_free(run);
}

Test(thread_local_counters, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("sync/thread_local_counters", "--increments=0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);

    run = cp_test_run("sync/thread_local_counters", "--workers=0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);

    run = cp_test_run("sync/thread_local_counters", "--workers=many", NULL);
    cp_test_assert_usage_error(run, "many");
    cp_run_free(run);
}

Test(thread_local_counters, help, .timeout = 20)
{
    cp_test_assert_help("sync/thread_local_counters");
}
