/* SPDX-License-Identifier: 0BSD */
/* Tests of common/cp_options: shared options and input validation.
 * Failures exit with status 2; Criterion checks that with .exit_code, and
 * the example tests check the message each failure prints. */
#include <config.h>

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_options.h"
#include "cp_time.h"

static void
parse(int argc, const char **args, int *workers, const GOptionEntry *entries, int *argc_out,
      char ***argv_out)
{
    /* GOption may write into the arguments (as into a real argv). */
    static char storage[16][64];
    char **argv = g_new0(char *, argc + 1);

    cr_assert_leq(argc, 16);
    for (int i = 0; i < argc; i++)
        argv[i] = g_strlcpy(storage[i], args[i], sizeof storage[i]) < sizeof storage[i]
                  ? storage[i] : NULL;
    char **given = argv;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "[N...]", .inputs_default = "none", .summary = "test program",
        .entries = entries, .workers = workers, .workers_are = "tests", .waits = TRUE,
    });
    g_free(given);      /* cp_options_parse() works on, and keeps, a copy */
    *argc_out = argc;
    *argv_out = argv;
}

Test(options, workers_and_time_scale, .timeout = 10)
{
    const char *args[] = { "prog", "-w", "4", "--time-scale=0.5", "7", "8" };
    int workers = 3, argc;
    char **argv;

    parse(6, args, &workers, NULL, &argc, &argv);
    cr_assert_eq(workers, 4);
    cr_assert_float_eq(cp_time_scale(), 0.5, 1e-12);
    cr_assert_eq(argc, 3);
    cr_assert_str_eq(argv[1], "7");
    cr_assert_str_eq(argv[2], "8");
    cr_assert_str_eq(g_get_prgname(), "prog");
}

/* "-w3" is "-w 3", as getopt() reads it; "-q3" stays the flag and an input. */
Test(options, short_option_with_its_value_attached, .timeout = 10)
{
    gboolean quiet = FALSE;
    char *name = NULL;
    GOptionEntry entries[] = {
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Say less", NULL },
        { "name", 'n', 0, G_OPTION_ARG_STRING, &name, "A name", "S" },
        G_OPTION_ENTRY_NULL
    };
    const char *args[] = { "prog", "-w3", "-nx-1", "7", "--", "-w5" };
    int workers = 1, argc;
    char **argv;

    parse(6, args, &workers, entries, &argc, &argv);
    cr_assert_eq(workers, 3);
    cr_assert_str_eq(name, "x-1");
    cr_assert_eq(argc, 3);
    cr_assert_str_eq(argv[1], "7");
    cr_assert_str_eq(argv[2], "-w5");
    g_free(name);
}

Test(options, defaults_stay, .timeout = 10)
{
    const char *args[] = { "/some/dir/prog" };
    int workers = 3, argc;
    char **argv;

    cr_assert_eq(setenv("CONPAR_TIME_SCALE", "0.125", 1), 0);
    parse(1, args, &workers, NULL, &argc, &argv);
    cr_assert_eq(workers, 3);
    cr_assert_eq(argc, 1);
    cr_assert_float_eq(cp_time_scale(), 0.125, 1e-12);
    cr_assert_str_eq(g_get_prgname(), "prog");
}

Test(options, double_dash_allows_negative_inputs, .timeout = 10)
{
    const char *args[] = { "prog", "--", "-1", "2" };
    int argc;
    char **argv;

    parse(4, args, NULL, NULL, &argc, &argv);
    cr_assert_eq(argc, 3);
    cr_assert_str_eq(argv[1], "-1");
    cr_assert_float_eq(cp_options_parse_double(argv[1], -10, 10, "x"), -1.0, 1e-12);
}

/* GOption keeps a "--" where it stood when a later argument starts with
 * '-': it is dropped there too, and a second one is an input. */
Test(options, double_dash_after_an_input, .timeout = 10)
{
    const char *args[] = { "prog", "2", "--", "-1", "--" };
    int argc;
    char **argv;

    parse(5, args, NULL, NULL, &argc, &argv);
    cr_assert_eq(argc, 4);
    cr_assert_str_eq(argv[1], "2");
    cr_assert_str_eq(argv[2], "-1");
    cr_assert_str_eq(argv[3], "--");
}

Test(options, program_entries, .timeout = 10)
{
    gboolean quiet = FALSE;
    GOptionEntry entries[] = {
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Say less", NULL },
        G_OPTION_ENTRY_NULL
    };
    const char *args[] = { "prog", "-q" };
    int argc;
    char **argv;

    parse(2, args, NULL, entries, &argc, &argv);
    cr_assert(quiet);
}

Test(options, int_in_range, .timeout = 10)
{
    cr_assert_eq(cp_options_parse_int("20", 0, 20, "n"), 20);
    cr_assert_eq(cp_options_parse_int("0", 0, 20, "n"), 0);
    cr_assert_eq(cp_options_parse_int("-5", -10, 0, "n"), -5);
    cr_assert_eq(cp_options_parse_int("9223372036854775807", 0, G_MAXINT64, "n"), G_MAXINT64);
}

Test(options, double_in_range, .timeout = 10)
{
    cr_assert_float_eq(cp_options_parse_double("2.5", 0, 10, "x"), 2.5, 1e-12);
    cr_assert_float_eq(cp_options_parse_double("1e-3", 0, 10, "x"), 1e-3, 1e-15);
}

Test(options, int_too_big, .exit_code = 2, .timeout = 10)
{
    cp_options_parse_int("21", 0, 20, "n");
}

Test(options, int_overflow, .exit_code = 2, .timeout = 10)
{
    cp_options_parse_int("99999999999999999999", 0, G_MAXINT64, "n");
}

Test(options, int_not_a_number, .exit_code = 2, .timeout = 10)
{
    cp_options_parse_int("12abc", 0, 100, "n");
}

Test(options, int_empty, .exit_code = 2, .timeout = 10)
{
    cp_options_parse_int("", 0, 100, "n");
}

Test(options, double_not_finite, .exit_code = 2, .timeout = 10)
{
    cp_options_parse_double("inf", -1e300, 1e300, "x");
}

Test(options, double_nan, .exit_code = 2, .timeout = 10)
{
    cp_options_parse_double("nan", -1, 1, "x");
}

Test(options, unknown_option, .exit_code = 2, .timeout = 10)
{
    const char *args[] = { "prog", "--no-such-option" };
    int argc;
    char **argv;

    parse(2, args, NULL, NULL, &argc, &argv);
}

Test(options, workers_out_of_range, .exit_code = 2, .timeout = 10)
{
    const char *args[] = { "prog", "--workers=0" };
    int workers = 3, argc;
    char **argv;

    parse(2, args, &workers, NULL, &argc, &argv);
}

Test(options, workers_only_where_offered, .exit_code = 2, .timeout = 10)
{
    const char *args[] = { "prog", "-w", "2" };
    int argc;
    char **argv;

    parse(3, args, NULL, NULL, &argc, &argv);
}

Test(options, negative_time_scale, .exit_code = 2, .timeout = 10)
{
    const char *args[] = { "prog", "--time-scale=-0.5" };
    int argc;
    char **argv;

    parse(2, args, NULL, NULL, &argc, &argv);
}

Test(options, bad_environment_time_scale, .exit_code = 2, .timeout = 10)
{
    const char *args[] = { "prog" };
    int argc;
    char **argv;

    cr_assert_eq(setenv("CONPAR_TIME_SCALE", "soon", 1), 0);
    parse(1, args, NULL, NULL, &argc, &argv);
}

Test(options, rand_same_seed_same_sequence, .timeout = 10)
{
    GRand *a = cp_options_rand_new("42"), *b = cp_options_rand_new("42");
    GRand *top = cp_options_rand_new("4294967295"), *fresh = cp_options_rand_new(NULL);
    GRand *want = g_rand_new_with_seed(4294967295u);

    for (int i = 0; i < 100; i++) {
        cr_assert_eq(g_rand_int(a), g_rand_int(b));
        cr_assert_eq(g_rand_int(top), g_rand_int(want));
    }
    cr_assert_not_null(fresh);   /* no --seed: a new seed, nothing to compare */
    g_rand_free(a);
    g_rand_free(b);
    g_rand_free(top);
    g_rand_free(fresh);
    g_rand_free(want);
}

Test(options, rand_seed_not_a_number, .exit_code = 2, .timeout = 10)
{
    cp_options_rand_new("soon");
}

Test(options, rand_seed_negative, .exit_code = 2, .timeout = 10)
{
    cp_options_rand_new("-1");
}

Test(options, rand_seed_too_big, .exit_code = 2, .timeout = 10)
{
    cp_options_rand_new("4294967296");
}

/* A program that takes no inputs passes "": an argument left over fails. */
Test(options, no_inputs_rejects_an_argument, .exit_code = 2, .timeout = 10)
{
    const char *args[] = { "prog", "--time-scale=0.5", "extra" };
    char **argv = g_new0(char *, 4);
    int argc = 3;

    for (int i = 0; i < 3; i++)
        argv[i] = (char *) args[i];
    cp_options_parse(&argc, &argv, &(CpOptions) { .summary = "test program", .waits = TRUE });
    cr_assert_fail("'extra' was accepted");
}

Test(options, no_inputs_accepts_options_only, .timeout = 10)
{
    const char *args[] = { "prog", "--time-scale=0.5" };
    char **argv = g_new0(char *, 3);
    int argc = 2;

    for (int i = 0; i < 2; i++)
        argv[i] = (char *) args[i];
    cp_options_parse(&argc, &argv, &(CpOptions) { .summary = "test program", .waits = TRUE });
    cr_assert_eq(argc, 1);
    cr_assert_float_eq(cp_time_scale(), 0.5, 1e-12);
}

/* A program with no simulated waits has no --time-scale, and does not
 * read (so cannot fail on) CONPAR_TIME_SCALE. */
Test(options, no_waits_no_time_scale, .exit_code = 2, .timeout = 10)
{
    const char *args[] = { "prog", "--time-scale=0.5" };
    char **argv = g_new0(char *, 3);
    int argc = 2;

    for (int i = 0; i < 2; i++)
        argv[i] = (char *) args[i];
    cp_options_parse(&argc, &argv, &(CpOptions) { .summary = "test program" });
    cr_assert_fail("--time-scale was accepted by a program that never waits");
}

Test(options, no_waits_ignores_the_environment, .timeout = 10)
{
    const char *args[] = { "prog" };
    char **argv = g_new0(char *, 2);
    int argc = 1;

    argv[0] = (char *) args[0];
    cr_assert_eq(setenv("CONPAR_TIME_SCALE", "soon", 1), 0);
    cp_options_parse(&argc, &argv, &(CpOptions) { .summary = "test program" });
    cr_assert_eq(argc, 1);
    cr_assert_float_eq(cp_time_scale(), 1.0, 1e-12);
}

/* The locale comes from the environment, but numbers print as in "C". */
Test(options, numbers_stay_in_the_c_locale, .timeout = 10)
{
    const char *args[] = { "prog" };
    char **argv = g_new0(char *, 2);
    int argc = 1;
    char text[32];

    argv[0] = (char *) args[0];
    cr_assert_eq(setenv("LC_ALL", "C.UTF-8", 1), 0);
    cp_options_parse(&argc, &argv, &(CpOptions) { .summary = "test program" });
    snprintf(text, sizeof text, "%.2f", 2.5);
    cr_assert_str_eq(text, "2.50");
}

/* A number is an input, as argparse reads it; other '-' words are options. */
Test(options, negative_numbers_are_inputs, .timeout = 10)
{
    const char *args[] = { "prog", "-1", "-w", "2", "-2.5e-3", "-inf", "7" };
    int workers = 3, argc;
    char **argv;

    parse(7, args, &workers, NULL, &argc, &argv);
    cr_assert_eq(workers, 2);
    cr_assert_eq(argc, 5);
    cr_assert_str_eq(argv[1], "-1");
    cr_assert_str_eq(argv[2], "-2.5e-3");
    cr_assert_str_eq(argv[3], "-inf");
    cr_assert_str_eq(argv[4], "7");
}

Test(options, unknown_option_among_inputs, .exit_code = 2, .timeout = 10)
{
    const char *args[] = { "prog", "-1", "--fast" };
    int argc;
    char **argv;

    parse(3, args, NULL, NULL, &argc, &argv);
}

Test(options, float_as_python_reads_it, .timeout = 10)
{
    cr_assert_float_eq(cp_options_parse_float("2.5", "x"), 2.5, 1e-12);
    cr_assert_float_eq(cp_options_parse_float(" -1e3 ", "x"), -1000.0, 1e-9);
    cr_assert_float_eq(cp_options_parse_float("1_000.5", "x"), 1000.5, 1e-9);
    cr_assert(cp_options_parse_float("2.5e-310", "x") > 0);   /* a subnormal */
    cr_assert(isnan(cp_options_parse_float("nan", "x")));
    cr_assert(isnan(cp_options_parse_float("-NaN", "x")));
    cr_assert(isinf(cp_options_parse_float("inf", "x")));
    cr_assert(isinf(cp_options_parse_float("Infinity", "x")));
    cr_assert(cp_options_parse_float("-inf", "x") < 0);
    cr_assert(isinf(cp_options_parse_float("1e400", "x")));   /* float('1e400') is inf */
    cr_assert(cp_options_is_number("-1"));
    cr_assert_not(cp_options_is_number("0x10"));
    cr_assert_not(cp_options_is_number("1__0"));
    cr_assert_not(cp_options_is_number("_1"));
    cr_assert_not(cp_options_is_number("nan(1)"));
    cr_assert_not(cp_options_is_number("-w"));
    cr_assert_not(cp_options_is_number(""));
}

Test(options, float_hexadecimal_refused, .exit_code = 2, .timeout = 10)
{
    cp_options_parse_float("0x10", "x");
}

Test(options, int_out_of_range_says_why, .timeout = 10)
{
    cr_assert_eq(cp_options_parse_int_full("20", 0, 20, "n", "21! does not fit in 64 bits"), 20);
}

static void
parse_lesson(const char *arg, const char **lesson, gboolean *verbose)
{
    const char *args[] = { "prog", arg };
    char **argv = g_new0(char *, 3);
    int argc = arg ? 2 : 1;

    for (int i = 0; i < argc; i++)
        argv[i] = (char *) args[i];
    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "test program", .lessons = "002 002b", .lesson = lesson, .verbose = verbose,
    });
}

Test(options, lesson_defaults_to_the_first, .timeout = 10)
{
    const char *lesson = NULL;
    gboolean verbose = FALSE;

    parse_lesson(NULL, &lesson, &verbose);
    cr_assert_str_eq(lesson, "002");
    cr_assert_not(verbose);
}

Test(options, lesson_and_verbose_given, .timeout = 10)
{
    const char *lesson = NULL;
    gboolean verbose = FALSE;

    parse_lesson("--lesson=002b", &lesson, &verbose);
    cr_assert_str_eq(lesson, "002b");
    parse_lesson("-v", &lesson, &verbose);
    cr_assert(verbose);
}

Test(options, lesson_unknown, .exit_code = 2, .timeout = 10)
{
    const char *lesson = NULL;

    parse_lesson("--lesson=003", &lesson, NULL);
}

/* A flag takes no value: "--verbose=no" would otherwise turn it on. */
Test(options, flag_with_a_value_refused, .exit_code = 2, .timeout = 10)
{
    gboolean verbose = FALSE;

    parse_lesson("--verbose=no", NULL, &verbose);
    cr_assert_fail("--verbose=no was taken");
}

Test(options, quote_cuts_and_escapes, .timeout = 10)
{
    char long_text[101];

    memset(long_text, 'x', 100);
    long_text[100] = '\0';
    cr_assert_str_eq(cp_options_quote("12abc"), "12abc");
    cr_assert_str_eq(cp_options_quote("caf\xc3\xa9"), "caf\xc3\xa9");   /* UTF-8 stays */
    cr_assert_str_eq(cp_options_quote("a\xff" "b\n"), "a\\xffb\\x0a");
    cr_assert_eq(g_utf8_strlen(cp_options_quote(long_text), -1), CP_OPTIONS_QUOTE_MAX + 1);
    cr_assert(g_str_has_suffix(cp_options_quote(long_text), "x\u2026"));
}
