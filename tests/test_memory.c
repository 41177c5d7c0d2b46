/* SPDX-License-Identifier: 0BSD */
/* Black-box tests of examples/sync/memory_order (the store-buffering
 * litmus test).  How often relaxed and acq_rel show r1 == r2 == 0 depends
 * on the machine: it is read, never asserted. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_test.h"

static const char *const order_names[] = { "relaxed", "acq_rel", "seq_cst" };

/* The count on the line "<order>: r1 == r2 == 0 in N trials", or -1. */
static long
both_zero_count(const CpRun *run, guint line, const char *order)
{
    char *prefix = g_strdup_printf("%s: r1 == r2 == 0 in ", order);
    long count = -1;

    if (line < run->n_lines && g_str_has_prefix(run->lines[line], prefix)
        && g_str_has_suffix(run->lines[line], " trials"))
        count = strtol(run->lines[line] + strlen(prefix), NULL, 10);
    g_free(prefix);
    return count;
}

Test(memory_order, three_orders_and_seq_cst_never_reorders, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/memory_order", "--trials=20000", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 3, "%s", run->out);
    for (guint i = 0; i < 3; i++) {
        long count = both_zero_count(run, i, order_names[i]);

        cr_assert(count >= 0 && count <= 20000, "line %u: %s", i, run->lines[i]);
    }
    cr_assert_str_eq(run->lines[2], "seq_cst: r1 == r2 == 0 in 0 trials");
    cp_run_free(run);
}

/* -v: the four outcomes of each order add up to the trials. */
Test(memory_order, verbose_outcomes_add_up_to_the_trials, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/memory_order", "-v", "-n", "5000", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 6, "%s", run->out);
    for (guint i = 0; i < 3; i++) {
        long n00, n01, n10, n11;
        char *prefix = g_strdup_printf("  %s outcomes: ", order_names[i]);
        const char *line = run->lines[2 * i + 1];

        cr_assert(g_str_has_prefix(line, prefix), "%s", line);
        cr_assert_eq(sscanf(line + strlen(prefix), "0,0: %ld  0,1: %ld  1,0: %ld  1,1: %ld",
                            &n00, &n01, &n10, &n11), 4, "%s", line);
        cr_assert_eq(n00 + n01 + n10 + n11, 5000, "%s", run->lines[2 * i + 1]);
        cr_assert_eq(n00, both_zero_count(run, 2 * i, order_names[i]));
        g_free(prefix);
    }
    cp_run_free(run);
}

Test(memory_order, one_trial, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/memory_order", "--trials=1", NULL);

    cp_test_assert_ok(run);
    cr_assert_str_eq(run->lines[2], "seq_cst: r1 == r2 == 0 in 0 trials");
    cp_run_free(run);
}

Test(memory_order, bad_trials_exit_2, .timeout = 30)
{
    const char *const bad[] = { "0", "-5", "100000001", "many", NULL };

    for (const char *const *b = bad; *b; b++) {
        char *arg = g_strdup_printf("--trials=%s", *b);
        CpRun *run = cp_test_run("sync/memory_order", arg, NULL);

        cp_test_assert_usage_error(run, *b);
        cp_run_free(run);
        g_free(arg);
    }
}

Test(memory_order, help, .timeout = 30)
{
    cp_test_assert_help("sync/memory_order");
}

#ifdef CP_SANITIZE_THREAD
/* Every variable is atomic, relaxed ones included: no data race, so
 * ThreadSanitizer must stay quiet in all three orders. */
Test(memory_order, tsan_clean_in_every_order, .timeout = 60)
{
    const char *const env[] = { "TSAN_OPTIONS=halt_on_error=1 exitcode=66", NULL };
    const char *const args[] = { "--trials=500", NULL };
    CpRun *run = cp_test_run_env(env, "sync/memory_order", args);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 3, "%s", run->out);
    cp_run_free(run);
}
#endif
