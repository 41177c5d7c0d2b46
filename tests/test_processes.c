/* Black-box tests of examples/processes/. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>

#include "cp_test.h"

static void
assert_results(const char *line, const char *const *args)
{
    CpRun *run = cp_test_runv("processes/parallel_sum", args);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 1, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], line);
    cp_run_free(run);
}

Test(parallel_sum, lesson_output, .timeout = 20)
{
    const char *const args[] = { NULL };

    assert_results("Results: [5050, 15050, 25050, 35050]", args);
}

Test(parallel_sum, other_shapes, .timeout = 20)
{
    const char *const three_by_five[] = { "--sublists=3", "--size=5", NULL };
    const char *const one[] = { "-k", "1", "-n", "10", NULL };
    const char *const big[] = { "--sublists=2", "--size=10000000", NULL };

    assert_results("Results: [15, 40, 65]", three_by_five);
    assert_results("Results: [55]", one);
    /* 1+..+10^7 and (10^7+1)+..+2*10^7: sums beyond 32 bits. */
    assert_results("Results: [50000005000000, 150000005000000]", big);
}

Test(parallel_sum, many_children, .timeout = 20)
{
    const char *const args[] = { "--sublists=64", "--size=1", NULL };
    GString *want = g_string_new("Results: [");

    for (int i = 1; i <= 64; i++)
        g_string_append_printf(want, "%s%d", i > 1 ? ", " : "", i);
    g_string_append_c(want, ']');
    assert_results(want->str, args);
    g_string_free(want, TRUE);
}

Test(parallel_sum, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/parallel_sum", "--sublists=65", NULL);
    cp_test_assert_usage_error(run, "'65'");
    cp_run_free(run);

    run = cp_test_run("processes/parallel_sum", "--size=ten", NULL);
    cp_test_assert_usage_error(run, "ten");
    cp_run_free(run);

    run = cp_test_run("processes/parallel_sum", "7", NULL);
    cp_test_assert_usage_error(run, "'7'");
    cp_run_free(run);
}

Test(parallel_sum, help, .timeout = 20)
{
    cp_test_assert_help("processes/parallel_sum");
}
