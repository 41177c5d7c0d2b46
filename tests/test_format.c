/* SPDX-License-Identifier: 0BSD */
/* Tests of common/cp_format: values printed as the Python lessons print them. */
#include <config.h>

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <math.h>
#include <stdio.h>

#include "cp_format.h"

static void
assert_repr(double x, const char *want)
{
    char *text = cp_format_double(x);

    cr_assert_str_eq(text, want, "repr(%.17g)", x);
    g_free(text);
}

/* Every expected string is what Python 3's repr() prints. */
Test(format, double_like_python_repr, .timeout = 10)
{
    assert_repr(7.38905609893065, "7.38905609893065");
    assert_repr(exp(3), "20.085536923187668");
    assert_repr(exp(4), "54.598150033144236");
    assert_repr(exp(5), "148.4131591025766");
    assert_repr(0.1, "0.1");
    assert_repr(0.1 + 0.2, "0.30000000000000004");
    assert_repr(5.0, "5.0");
    assert_repr(0.0, "0.0");
    assert_repr(-0.0, "-0.0");
    assert_repr(-2.5, "-2.5");
    assert_repr(100.0, "100.0");
    assert_repr(12345.678, "12345.678");
    assert_repr(1234567890123456.7, "1234567890123456.8");
    assert_repr(1e16, "1e+16");
    assert_repr(1.5e16, "1.5e+16");
    assert_repr(123456789012345678.0, "1.2345678901234568e+17");
    assert_repr(1e22, "1e+22");
    assert_repr(0.0001, "0.0001");
    assert_repr(0.00012, "0.00012");
    assert_repr(1e-5, "1e-05");
    assert_repr(1.5e-7, "1.5e-07");
    assert_repr(5e-324, "5e-324");
    assert_repr(1.7976931348623157e308, "1.7976931348623157e+308");
    assert_repr(INFINITY, "inf");
    assert_repr(-INFINITY, "-inf");
    assert_repr(NAN, "nan");
}

Test(format, repr_round_trips, .timeout = 10)
{
    /* Shortest text, and it reads back to the same double. */
    for (int i = 1; i < 2000; i++) {
        double x = 1.0 / i * pow(10, i % 40 - 20);
        char *text = cp_format_double(x);

        cr_assert_eq(strtod(text, NULL), x, "%s does not read back to %.17g", text, x);
        g_free(text);
    }
}

Test(format, int_lists, .timeout = 10)
{
    const gint64 values[] = { 1, 4, 9, G_MAXINT64, -3 };
    char *text;

    text = cp_format_int_list(values, 3);
    cr_assert_str_eq(text, "[1, 4, 9]");
    g_free(text);
    text = cp_format_int_list(values, 5);
    cr_assert_str_eq(text, "[1, 4, 9, 9223372036854775807, -3]");
    g_free(text);
    text = cp_format_int_list(values, 0);
    cr_assert_str_eq(text, "[]");
    g_free(text);
}

Test(format, double_and_str_lists, .timeout = 10)
{
    const double values[] = { 2.0, 0.5, 1e-7 };
    const char *const words[] = { "Item-0", "Item-1" };
    char *text;

    text = cp_format_double_list(values, 3);
    cr_assert_str_eq(text, "[2.0, 0.5, 1e-07]");
    g_free(text);
    text = cp_format_str_list(words, 2);
    cr_assert_str_eq(text, "['Item-0', 'Item-1']");
    g_free(text);
}

Test(format, print_with_label, .init = cr_redirect_stdout, .timeout = 10)
{
    const gint64 sums[] = { 5050, 15050 };
    const double values[] = { 1.0 };

    cp_print_int_list("Results: ", sums, 2);
    cp_print_double_list("Values: ", values, 1);
    fflush(stdout);
    cr_assert_stdout_eq_str("Results: [5050, 15050]\nValues: [1.0]\n");
}
