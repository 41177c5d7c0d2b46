/* Black-box tests of examples/pools/. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>

#include "cp_test.h"

static void
assert_single_line(const char *line, const char *example, const char *const *args)
{
    CpRun *run = cp_test_runv(example, args);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 1, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], line);
    cp_run_free(run);
}

Test(fib_pool, lesson_output, .timeout = 20)
{
    const char *const args[] = { NULL };

    assert_single_line("Fibonacci sequence: [9227465, 14930352, 24157817]", "pools/fib_pool", args);
}

Test(fib_pool, inputs_keep_their_order, .timeout = 20)
{
    const char *const args[] = { "92", "0", "1", "50", "2", "10", NULL };

    assert_single_line("Fibonacci sequence: [7540113804746346429, 0, 1, 12586269025, 1, 55]",
                       "pools/fib_pool", args);
}

Test(fib_pool, any_number_of_workers, .timeout = 20)
{
    const char *const one[] = { "-w", "1", "35", "36", "37", NULL };
    const char *const many[] = { "--workers=8", "35", "36", "37", NULL };

    assert_single_line("Fibonacci sequence: [9227465, 14930352, 24157817]", "pools/fib_pool", one);
    assert_single_line("Fibonacci sequence: [9227465, 14930352, 24157817]", "pools/fib_pool", many);
}

Test(fib_pool, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("pools/fib_pool", "35", "93", NULL);
    cp_test_assert_usage_error(run, "'93'");
    cp_run_free(run);

    run = cp_test_run("pools/fib_pool", "3.5", NULL);
    cp_test_assert_usage_error(run, "'3.5'");
    cp_run_free(run);

    run = cp_test_run("pools/fib_pool", "-w", "0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);
}

Test(fib_pool, help, .timeout = 20)
{
    cp_test_assert_help("pools/fib_pool");
}

Test(exp_pool, lesson_output, .timeout = 20)
{
    const char *const args[] = { NULL };

    assert_single_line("Exponential values: [7.38905609893065, 20.085536923187668, "
                       "54.598150033144236, 148.4131591025766]", "pools/exp_pool", args);
}

/* Expected text is what Python prints for [math.exp(x) for x in inputs]. */
Test(exp_pool, prints_like_python, .timeout = 20)
{
    const char *const args[] = { "--", "0", "1", "-1", "0.5", "1e-10", "700", "-745", NULL };

    assert_single_line("Exponential values: [1.0, 2.718281828459045, 0.36787944117144233, "
                       "1.6487212707001282, 1.0000000001, 1.0142320547350045e+304, 5e-324]",
                       "pools/exp_pool", args);
}

Test(exp_pool, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("pools/exp_pool", "2", "710", NULL);
    cp_test_assert_usage_error(run, "'710'");
    cp_run_free(run);

    run = cp_test_run("pools/exp_pool", "two", NULL);
    cp_test_assert_usage_error(run, "'two'");
    cp_run_free(run);

    run = cp_test_run("pools/exp_pool", "nan", NULL);
    cp_test_assert_usage_error(run, "'nan'");
    cp_run_free(run);
}

Test(exp_pool, help, .timeout = 20)
{
    cp_test_assert_help("pools/exp_pool");
}
