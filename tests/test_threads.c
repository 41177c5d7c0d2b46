/* Black-box tests of examples/threads/. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>

#include "cp_test.h"

static const char *const factorials[] = {
    "1", "1", "2", "6", "24", "120", "720", "5040", "40320", "362880",
};

Test(factorial_threads, lesson_output, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/factorial_threads", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 10);
    for (int n = 1; n <= 9; n++) {
        char *line = g_strdup_printf("Factorial of %d is %s", n, factorials[n]);
        cr_assert(cp_test_has_line(run, line), "missing: %s", line);
        g_free(line);
    }
    cr_assert_str_eq(run->lines[9], "All factorials have been calculated.");
    cp_run_free(run);
}

Test(factorial_threads, inputs_up_to_20, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/factorial_threads", "20", "0", "13", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 4);
    cr_assert(cp_test_has_line(run, "Factorial of 20 is 2432902008176640000"));
    cr_assert(cp_test_has_line(run, "Factorial of 0 is 1"));
    cr_assert(cp_test_has_line(run, "Factorial of 13 is 6227020800"));
    cr_assert_str_eq(run->lines[3], "All factorials have been calculated.");
    cp_run_free(run);
}

Test(factorial_threads, rejects_21, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/factorial_threads", "5", "21", NULL);

    cp_test_assert_usage_error(run, "'21'");
    cp_run_free(run);
}

Test(factorial_threads, rejects_non_number, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/factorial_threads", "five", NULL);

    cp_test_assert_usage_error(run, "'five'");
    cp_run_free(run);
}

Test(factorial_threads, rejects_unknown_option, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/factorial_threads", "--frobnicate", NULL);

    cp_test_assert_usage_error(run, "--frobnicate");
    cp_run_free(run);
}

Test(factorial_threads, help, .timeout = 20)
{
    cp_test_assert_help("threads/factorial_threads");
}
