/* SPDX-License-Identifier: 0BSD */
/* Black-box tests of examples/pools/. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cp_test.h"

static void
assert_single_line(const char *line, const char *example, const char *const *args)
{
    CpRun *run = cp_test_runv(example, args);
    const char *const want[] = { line, NULL };

    cp_test_assert_lines(run, want);
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

    run = cp_test_run("pools/fib_pool", "--lesson=002", NULL);   /* one lesson only */
    cp_test_assert_usage_error(run, "--lesson");
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
    cp_test_assert_usage_error(run, "exp(710) overflows a double");
    cp_run_free(run);

    run = cp_test_run("pools/exp_pool", "two", NULL);
    cp_test_assert_usage_error(run, "'two'");
    cp_run_free(run);

    run = cp_test_run("pools/exp_pool", "0x10", NULL);   /* C reads hex, Python does not */
    cp_test_assert_usage_error(run, "'0x10'");
    cp_run_free(run);

    run = cp_test_run("pools/exp_pool", "-e", NULL);
    cp_test_assert_usage_error(run, "-e");
    cp_run_free(run);

    run = cp_test_run("pools/exp_pool", "--lesson=002", NULL);   /* one lesson only */
    cp_test_assert_usage_error(run, "--lesson");
    cp_run_free(run);
}

/* Inputs read as Python's float() reads them, without "--" before a
 * negative one: math.exp gives these for -1, a subnormal, nan, inf, -inf
 * and 1_000e-3 (an underscore between digits). */
Test(exp_pool, reads_floats_as_python_does, .timeout = 20)
{
    const char *const args[] = { "-1", "2.5e-310", "nan", "inf", "-inf", "1_000e-3", NULL };

    assert_single_line("Exponential values: [0.36787944117144233, 1.0, nan, inf, 0.0, "
                       "2.718281828459045]", "pools/exp_pool", args);
}

Test(exp_pool, help, .timeout = 20)
{
    cp_test_assert_help("pools/exp_pool");
}

/* ---- square_pool: futures, then map, on a thread pool ---- */

/* "[0, 1, 4, ...]" for the squares of first..last (step 1 or -1). */
static char *
squares_list(int first, int last)
{
    GString *list = g_string_new("[");
    int step = first <= last ? 1 : -1;

    for (int n = first; ; n += step) {
        g_string_append_printf(list, "%s%d", n == first ? "" : ", ", n * n);
        if (n == last)
            break;
    }
    g_string_append(list, "]");
    return g_string_free(list, FALSE);
}

/* Lesson 000 "Using ThreadPoolExecutor" prints the three results and
 * nothing else. */
Test(square_pool, lesson_output, .timeout = 20)
{
    const char *const lines[] = { "25", "49", "81", NULL };
    CpRun *run = cp_test_run("pools/square_pool", NULL);

    cp_test_assert_lines(run, lines);
    cp_run_free(run);

    run = cp_test_run("pools/square_pool", "--lesson=000", NULL);
    cp_test_assert_lines(run, lines);
    cp_run_free(run);
}

/* Lesson 002 §2 (c): print(f"Results: {results}") for range(10). */
Test(square_pool, lesson_002_output, .timeout = 20)
{
    const char *const lines[] = { "Results: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]", NULL };
    CpRun *run = cp_test_run("pools/square_pool", "--lesson=002", NULL);

    cp_test_assert_lines(run, lines);
    cp_run_free(run);
}

/* Lesson 004 §5, first line: print("ThreadPool results:", list(...)). */
Test(square_pool, lesson_004_output, .timeout = 20)
{
    const char *const lines[] = { "ThreadPool results: [1, 4, 9, 16, 25]", NULL };
    CpRun *run = cp_test_run("pools/square_pool", "--lesson=004", NULL);

    cp_test_assert_lines(run, lines);
    cp_run_free(run);
}

/* The value of a "Took X seconds: ..." line, after the scale note. */
static double
took_after_scale_note(const CpRun *run, const char *note, const char *tail)
{
    double took;
    char *rest;

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 3, "%s", run->out);
    cr_assert_str_eq(run->lines[1], note);
    cr_assert(g_str_has_prefix(run->lines[2], "Took "), "%s", run->lines[2]);
    took = g_ascii_strtod(run->lines[2] + strlen("Took "), &rest);
    cr_assert(g_regex_match_simple("^Took [0-9]+\\.[0-9]{2} seconds: ", run->lines[2], 0, 0),
              "%s", run->lines[2]);
    cr_assert_str_eq(strchr(rest, ':') + 2, tail);
    return took;
}

/* -v adds the time the map took, in lesson seconds: five 1 s waits on
 * three threads take two rounds, not five (coarse bounds: the machine may
 * be busy). */
Test(square_pool, lesson_004_verbose_times_the_overlap, .timeout = 20)
{
    CpRun *run = cp_test_run("pools/square_pool", "--lesson=004", "-v", "--time-scale=0.05", NULL);
    double took;

    took = took_after_scale_note(run, "(lesson seconds; ran at time scale 0.05)",
                                 "5 waits of 1 s on 3 threads");
    cr_assert_str_eq(run->lines[0], "ThreadPool results: [1, 4, 9, 16, 25]");
    cr_assert_geq(took, 2.0, "%s", run->out);
    cr_assert_lt(took, 4.5, "%s", run->out);
    cp_run_free(run);
}

/* Inputs replace the chosen lesson's: one future per number (000), the
 * Results list (002), the ThreadPool list (004). */
Test(square_pool, inputs_replace_the_lessons, .timeout = 20)
{
    const char *const lines[] = {
        "9", "144", "9223372030926249001", "0", "9223372030926249001", NULL
    };
    const char *const lines_002[] = {
        "Results: [9, 144, 9223372030926249001, 0, 9223372030926249001]", NULL
    };
    const char *const lines_004[] = {
        "ThreadPool results: [9, 144, 9223372030926249001, 0, 9223372030926249001]", NULL
    };
    CpRun *run = cp_test_run("pools/square_pool", "-w", "2", "--",
                             "-3", "12", "3037000499", "0", "-3037000499", NULL);

    cp_test_assert_lines(run, lines);
    cp_run_free(run);

    run = cp_test_run("pools/square_pool", "--lesson=002", "-w", "2", "--",
                      "-3", "12", "3037000499", "0", "-3037000499", NULL);
    cp_test_assert_lines(run, lines_002);
    cp_run_free(run);

    run = cp_test_run("pools/square_pool", "--lesson=004", "-3", "12", "3037000499", "0",
                      "-3037000499", NULL);
    cp_test_assert_lines(run, lines_004);
    cp_run_free(run);
}

/* Many more inputs than threads: every result still at its input's place,
 * with futures (000, 002) and with map (004). */
Test(square_pool, results_keep_input_order, .timeout = 20)
{
    const char *workers[] = { "1", "3", "16" };
    char *want = squares_list(60, 1);
    char *results = g_strconcat("Results: ", want, NULL);
    char *thread_pool = g_strconcat("ThreadPool results: ", want, NULL);

    for (gsize w = 0; w < G_N_ELEMENTS(workers); w++) {
        GPtrArray *args = g_ptr_array_new_with_free_func(g_free);
        CpRun *run;

        g_ptr_array_add(args, g_strdup("-w"));
        g_ptr_array_add(args, g_strdup(workers[w]));
        for (int n = 60; n >= 1; n--)
            g_ptr_array_add(args, g_strdup_printf("%d", n));
        g_ptr_array_add(args, NULL);
        run = cp_test_runv("pools/square_pool", (const char *const *) args->pdata);
        cp_test_assert_ok(run);
        cr_assert_eq(run->n_lines, 60);
        for (int i = 0; i < 60; i++) {
            char *line = g_strdup_printf("%d", (60 - i) * (60 - i));
            cr_assert_str_eq(run->lines[i], line, "-w %s, future %d", workers[w], i);
            g_free(line);
        }
        cp_run_free(run);

        /* The same inputs after --lesson: prepend it (args[0] is "-w"). */
        g_ptr_array_insert(args, 0, g_strdup("--lesson=002"));
        run = cp_test_runv("pools/square_pool", (const char *const *) args->pdata);
        cp_test_assert_ok(run);
        cr_assert_eq(run->n_lines, 1, "%s", run->out);
        cr_assert_str_eq(run->lines[0], results, "-w %s", workers[w]);
        cp_run_free(run);

        g_free(args->pdata[0]);
        args->pdata[0] = g_strdup("--lesson=004");
        g_ptr_array_insert(args, 1, g_strdup("--time-scale=0"));
        run = cp_test_runv("pools/square_pool", (const char *const *) args->pdata);
        cp_test_assert_ok(run);
        cr_assert_eq(run->n_lines, 1, "%s", run->out);
        cr_assert_str_eq(run->lines[0], thread_pool, "-w %s", workers[w]);
        cp_run_free(run);
        g_ptr_array_free(args, TRUE);
    }
    g_free(thread_pool);
    g_free(results);
    g_free(want);
}

Test(square_pool, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("pools/square_pool", "5", "3037000500", NULL);
    cp_test_assert_usage_error(run, "'3037000500'");
    cp_run_free(run);

    run = cp_test_run("pools/square_pool", "--", "-3037000500", NULL);
    cp_test_assert_usage_error(run, "'-3037000500'");
    cp_run_free(run);

    run = cp_test_run("pools/square_pool", "five", NULL);
    cp_test_assert_usage_error(run, "'five'");
    cp_run_free(run);

    run = cp_test_run("pools/square_pool", "--workers=0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);

    run = cp_test_run("pools/square_pool", "--lesson=001", NULL);
    cp_test_assert_usage_error(run, "'001'");
    cp_run_free(run);

    run = cp_test_run("pools/square_pool", "--lesson", "4", NULL);
    cp_test_assert_usage_error(run, "'4'");
    cp_run_free(run);
}

Test(square_pool, help, .timeout = 20)
{
    cp_test_assert_help("pools/square_pool");
}

/* ---- fetch_pool: simulated fetches in sequence, then on a pool ---- */

/* The number after `label` on the line that starts with it. */
static double
value_after(const CpRun *run, const char *label)
{
    for (guint i = 0; i < run->n_lines; i++) {
        if (g_str_has_prefix(run->lines[i], label))
            return g_ascii_strtod(run->lines[i] + strlen(label), NULL);
    }
    cr_assert_fail("no line starting with '%s' in: %s", label, run->out);
    return 0;
}

static const char *const lesson_results =
    "Results: ['Data from https://example.com', 'Data from https://python.org', "
    "'Data from https://github.com', 'Data from https://stackoverflow.com']";

Test(fetch_pool, lesson_output, .timeout = 20)
{
    CpRun *run = cp_test_run("pools/fetch_pool", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 3, "output: %s", run->out);
    cr_assert(g_regex_match_simple("^Sequential time: [0-9]+\\.[0-9]{2} seconds$",
                                   run->lines[0], 0, 0), "%s", run->lines[0]);
    cr_assert(g_regex_match_simple("^Concurrent time: [0-9]+\\.[0-9]{2} seconds$",
                                   run->lines[1], 0, 0), "%s", run->lines[1]);
    cr_assert(g_regex_match_simple("^Speedup: [0-9]+\\.[0-9]{2}x$",
                                   run->lines[2], 0, 0), "%s", run->lines[2]);
    cp_run_free(run);
}

/* map returns the results in URL order, whatever order the fetches end. */
Test(fetch_pool, results_in_url_order, .timeout = 20)
{
    CpRun *run = cp_test_run("pools/fetch_pool", "--show-results", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 4, "output: %s", run->out);
    cr_assert_str_eq(run->lines[3], lesson_results);
    cp_run_free(run);

    run = cp_test_run("pools/fetch_pool", "--show-results", "-w", "2",
                      "https://a.example", "ftp://b.example", "http://c.example",
                      "https://d.example", "https://e.example", NULL);
    cp_test_assert_ok(run);
    cr_assert_str_eq(run->lines[3], "Results: ['Data from https://a.example', "
                     "'Data from ftp://b.example', 'Data from http://c.example', "
                     "'Data from https://d.example', 'Data from https://e.example']");
    cp_run_free(run);
}

/* -v: the scale note before the lesson's three lines, the results after. */
Test(fetch_pool, verbose_adds_scale_note_and_results, .timeout = 20)
{
    CpRun *run = cp_test_run("pools/fetch_pool", "-v", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 5, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], "(lesson seconds; ran at time scale 0.01)");
    cr_assert(g_str_has_prefix(run->lines[1], "Sequential time: "), "%s", run->lines[1]);
    cr_assert(g_str_has_prefix(run->lines[2], "Concurrent time: "), "%s", run->lines[2]);
    cr_assert(g_str_has_prefix(run->lines[3], "Speedup: "), "%s", run->lines[3]);
    cr_assert_str_eq(run->lines[4], lesson_results);
    cp_run_free(run);
}

/* At scale 0.05 each wait is 50 ms, long next to starting a thread.  Times
 * are printed in the lesson's seconds: n waits in sequence take at least
 * n seconds.  Only coarse bounds: the machine may be busy. */
/* A wait of 0.05 s, or of 0.2 s under ThreadSanitizer, whose slow thread
 * starts would otherwise weigh as much as the waits. */
#ifdef CP_SANITIZE_THREAD
#define FETCH_SCALE "--time-scale=0.2"
#else
#define FETCH_SCALE "--time-scale=0.05"
#endif

Test(fetch_pool, waits_overlap_on_the_pool, .timeout = 30)
{
    CpRun *run = cp_test_run("pools/fetch_pool", FETCH_SCALE, NULL);
    double sequential, concurrent, speedup;

    cp_test_assert_ok(run);
    sequential = value_after(run, "Sequential time: ");
    concurrent = value_after(run, "Concurrent time: ");
    speedup = value_after(run, "Speedup: ");
    cr_assert_geq(sequential, 4.0, "%s", run->out);
    cr_assert_geq(concurrent, 1.0, "%s", run->out);
    cr_assert_lt(concurrent, sequential, "%s", run->out);
    cr_assert_gt(speedup, 2.0, "4 waits on 4 threads: %s", run->out);
    cp_run_free(run);

    /* Six URLs on three threads: two rounds of waits, not six. */
    run = cp_test_run("pools/fetch_pool", FETCH_SCALE, "-w", "3",
                      "https://a.example", "https://b.example", "https://c.example",
                      "https://d.example", "https://e.example", "https://f.example", NULL);
    cp_test_assert_ok(run);
    cr_assert_geq(value_after(run, "Sequential time: "), 6.0, "%s", run->out);
    cr_assert_geq(value_after(run, "Concurrent time: "), 2.0, "%s", run->out);
    cr_assert_gt(value_after(run, "Speedup: "), 1.5, "%s", run->out);
    cp_run_free(run);
}

Test(fetch_pool, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("pools/fetch_pool", "https://python.org", "example.com", NULL);
    cp_test_assert_usage_error(run, "'example.com'");
    cp_run_free(run);

    run = cp_test_run("pools/fetch_pool", "-w", "many", NULL);
    cp_test_assert_usage_error(run, "many");
    cp_run_free(run);

    run = cp_test_run("pools/fetch_pool", "--time-scale=fast", NULL);
    cp_test_assert_usage_error(run, "'fast'");
    cp_run_free(run);

    run = cp_test_run("pools/fetch_pool", "--lesson=002", NULL);   /* one lesson only */
    cp_test_assert_usage_error(run, "--lesson");
    cp_run_free(run);
}

Test(fetch_pool, help, .timeout = 20)
{
    cp_test_assert_help("pools/fetch_pool");
}

/* ---- square_process_pool: map on a pool of processes ---- */

/* Lesson 000: print("Squared numbers:", results), and nothing else. */
Test(square_process_pool, lesson_output, .timeout = 20)
{
    const char *const lines[] = { "Squared numbers: [1, 4, 9, 16, 25]", NULL };
    CpRun *run = cp_test_run("pools/square_process_pool", NULL);

    cp_test_assert_lines(run, lines);
    cp_run_free(run);

    run = cp_test_run("pools/square_process_pool", "--lesson=000", NULL);
    cp_test_assert_lines(run, lines);
    cp_run_free(run);
}

/* Lesson 002 §3 (f) "Process pool with map". */
Test(square_process_pool, lesson_002_output, .timeout = 20)
{
    const char *const lines[] = {
        "Numbers: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]",
        "Squared: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]",
        NULL
    };
    CpRun *run = cp_test_run("pools/square_process_pool", "--lesson=002", NULL);

    cp_test_assert_lines(run, lines);
    cp_run_free(run);
}

/* Lesson 004 §5, second line: print("ProcessPool results:", list(...)). */
Test(square_process_pool, lesson_004_output, .timeout = 20)
{
    const char *const lines[] = { "ProcessPool results: [1, 4, 9, 16, 25]", NULL };
    CpRun *run = cp_test_run("pools/square_process_pool", "--lesson=004", NULL);

    cp_test_assert_lines(run, lines);
    cp_run_free(run);
}

/* Five 1 s waits in three processes: two rounds, not five. */
Test(square_process_pool, lesson_004_verbose_times_the_overlap, .timeout = 20)
{
    CpRun *run = cp_test_run("pools/square_process_pool", "--lesson=004", "-v",
                             "--time-scale=0.05", NULL);
    double took;

    took = took_after_scale_note(run, "(lesson seconds; ran at time scale 0.05)",
                                 "5 waits of 1 s in 3 processes");
    cr_assert_str_eq(run->lines[0], "ProcessPool results: [1, 4, 9, 16, 25]");
    cr_assert_geq(took, 2.0, "%s", run->out);
    cr_assert_lt(took, 4.5, "%s", run->out);
    cp_run_free(run);
}

/* 000 and 002 with -v: the lesson's lines, then how long the pool took in
 * real seconds (no waits to scale), what `make bench-peers` reads. */
Test(square_process_pool, verbose_times_the_map, .timeout = 20)
{
    CpRun *run = cp_test_run("pools/square_process_pool", "-v", "-w", "2", "3", "4", NULL);
    double took = -1;
    int count = 0, workers = 0;

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 2, "%s", run->out);
    cr_assert_str_eq(run->lines[0], "Squared numbers: [9, 16]");
    cr_assert_eq(sscanf(run->lines[1], "Map took %lf seconds: %d squares in %d processes", &took,
                        &count, &workers), 3, "%s", run->lines[1]);
    cr_assert(took > 0 && took < 10, "%s", run->lines[1]);
    cr_assert(count == 2 && workers == 2, "%s", run->lines[1]);
    cp_run_free(run);

    run = cp_test_run("pools/square_process_pool", "--lesson=002", "-v", NULL);
    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 3, "%s", run->out);
    cr_assert(g_str_has_prefix(run->lines[2], "Map took "), "%s", run->out);
    cr_assert_not_null(strstr(run->lines[2], " seconds: 10 squares in 4 processes"), "%s", run->out);
    cp_run_free(run);
}

Test(square_process_pool, inputs_replace_the_lessons, .timeout = 20)
{
    const char *const lines[] = {
        "Squared numbers: [9, 144, 9223372030926249001, 0, 9223372030926249001]", NULL
    };
    const char *const lines_002[] = {
        "Numbers: [-3, 12, 3037000499, 0, -3037000499]",
        "Squared: [9, 144, 9223372030926249001, 0, 9223372030926249001]",
        NULL
    };
    const char *const lines_004[] = {
        "ProcessPool results: [9, 144, 9223372030926249001, 0, 9223372030926249001]", NULL
    };
    CpRun *run = cp_test_run("pools/square_process_pool", "-w", "2", "--",
                             "-3", "12", "3037000499", "0", "-3037000499", NULL);

    cp_test_assert_lines(run, lines);
    cp_run_free(run);

    run = cp_test_run("pools/square_process_pool", "--lesson=002", "-w", "2", "--",
                      "-3", "12", "3037000499", "0", "-3037000499", NULL);
    cp_test_assert_lines(run, lines_002);
    cp_run_free(run);

    run = cp_test_run("pools/square_process_pool", "--lesson=004", "-3", "12", "3037000499",
                      "0", "-3037000499", NULL);
    cp_test_assert_lines(run, lines_004);
    cp_run_free(run);
}

Test(square_process_pool, map_keeps_input_order, .timeout = 20)
{
    const char *workers[] = { "1", "3", "16" };
    const char *const lessons[] = { "--lesson=000", "--lesson=002", "--lesson=004" };
    const char *const labels[] = { "Squared numbers: ", "Squared: ", "ProcessPool results: " };
    char *squares = squares_list(40, 1);

    for (gsize w = 0; w < G_N_ELEMENTS(workers); w++) {
        for (gsize l = 0; l < G_N_ELEMENTS(lessons); l++) {
            GPtrArray *args = g_ptr_array_new_with_free_func(g_free);
            CpRun *run;

            g_ptr_array_add(args, g_strdup(lessons[l]));
            g_ptr_array_add(args, g_strdup("--time-scale=0"));
            g_ptr_array_add(args, g_strdup("-w"));
            g_ptr_array_add(args, g_strdup(workers[w]));
            for (int n = 40; n >= 1; n--)
                g_ptr_array_add(args, g_strdup_printf("%d", n));
            g_ptr_array_add(args, NULL);
            run = cp_test_runv("pools/square_process_pool", (const char *const *) args->pdata);
            cp_test_assert_ok(run);
            cr_assert_eq(run->n_lines, l == 1 ? 2 : 1, "%s", run->out);
            const char *line = run->lines[run->n_lines - 1];
            cr_assert(g_str_has_prefix(line, labels[l]), "%s", line);
            cr_assert_str_eq(line + strlen(labels[l]), squares, "%s -w %s", lessons[l],
                             workers[w]);
            cp_run_free(run);
            g_ptr_array_free(args, TRUE);
        }
    }
    g_free(squares);
}

Test(square_process_pool, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("pools/square_process_pool", "3037000500", NULL);
    cp_test_assert_usage_error(run, "'3037000500'");
    cp_run_free(run);

    run = cp_test_run("pools/square_process_pool", "2", "x", NULL);
    cp_test_assert_usage_error(run, "'x'");
    cp_run_free(run);

    run = cp_test_run("pools/square_process_pool", "-w", "1025", NULL);
    cp_test_assert_usage_error(run, "'1025'");
    cp_run_free(run);

    run = cp_test_run("pools/square_process_pool", "--lesson=001", NULL);
    cp_test_assert_usage_error(run, "'001'");
    cp_run_free(run);
}

Test(square_process_pool, help, .timeout = 20)
{
    cp_test_assert_help("pools/square_process_pool");
}

/* ---- cpu_process_pool: a CPU-bound loop on a pool of processes ---- */

Test(cpu_process_pool, lesson_output, .timeout = 20)
{
    const char *const args[] = { NULL };

    assert_single_line("Results: [333332833333500000, 333332833333500000, "
                       "333332833333500000, 333332833333500000]", "pools/cpu_process_pool", args);
}

/* Expected values are Python's sum(i ** 2 for i in range(n)). */
Test(cpu_process_pool, exact_sums_in_input_order, .timeout = 20)
{
    const char *const line = "Results: [9223371388520336796, 0, 0, 1, 285, 328350, "
                             "332833500, 333332833333500000]";
    const char *const one[] = { "-w", "1", "3024617", "0", "1", "2", "10", "100", "1000",
                                "1000000", NULL };
    const char *const many[] = { "--workers=8", "3024617", "0", "1", "2", "10", "100",
                                 "1000", "1000000", NULL };

    assert_single_line(line, "pools/cpu_process_pool", one);
    assert_single_line(line, "pools/cpu_process_pool", many);
}

Test(cpu_process_pool, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("pools/cpu_process_pool", "1000000", "3024618", NULL);
    cp_test_assert_usage_error(run, "'3024618'");
    cp_run_free(run);

    run = cp_test_run("pools/cpu_process_pool", "--", "-1", NULL);
    cp_test_assert_usage_error(run, "'-1'");
    cp_run_free(run);

    run = cp_test_run("pools/cpu_process_pool", "1e6", NULL);
    cp_test_assert_usage_error(run, "'1e6'");
    cp_run_free(run);

    run = cp_test_run("pools/cpu_process_pool", "--lesson=002", NULL);   /* one lesson only */
    cp_test_assert_usage_error(run, "--lesson");
    cp_run_free(run);
}

Test(cpu_process_pool, help, .timeout = 20)
{
    cp_test_assert_help("pools/cpu_process_pool");
}
