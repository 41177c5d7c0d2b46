/* SPDX-License-Identifier: 0BSD */
/* Black-box tests of examples/async/.
 *
 * With no option each program prints the lines of its lesson cell and
 * nothing else; the expected lines are written from the lesson.  What the
 * C program adds (titles of the cell's demos, fetch times, "Took" lines,
 * ticks, counts) comes with -v, and the tests that time or order things
 * read it from there. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "cp_test.h"

/* A -v run whose output has timing lines in lesson seconds starts with
 * the note that says so (every run here has a time scale other than 1):
 * check it, and drop it, so that the other lines keep their places. */
static void
drop_scale_note(CpRun *run)
{
    cr_assert_geq(run->n_lines, 1, "no output: %s", run->err);
    cr_assert(g_str_has_prefix(run->lines[0], "(lesson seconds; ran at time scale "),
              "no scale note first: %s", run->out);
    g_free(run->lines[0]);
    /* n_lines - 1 lines and the NULL at the end */
    memmove(run->lines, run->lines + 1, run->n_lines * sizeof *run->lines);
    run->n_lines--;
}

/* ---- greet ---- */

Test(greet, lesson_output, .timeout = 20)
{
    const char *const want[] = {
        "Hello, Alice!", "Hello, Bob!", "Hello, Charlie!",
        "Goodbye, Alice!", "Goodbye, Bob!", "Goodbye, Charlie!", NULL
    };
    CpRun *run = cp_test_run("async/greet", NULL);

    cp_test_assert_lines(run, want);
    cp_run_free(run);
}

Test(greet, lesson_003_output, .timeout = 20)
{
    /* Lesson 003 "4. Asynchronous Programming": task1 and task2. */
    const char *const want[] = {
        "Task 1 is running", "Task 2 is running",
        "Task 1 is complete", "Task 2 is complete", NULL
    };
    CpRun *run = cp_test_run("async/greet", "--lesson=003", NULL);

    cp_test_assert_lines(run, want);
    cp_run_free(run);
    run = cp_test_run("async/greet", "--lesson", "001", NULL);
    cr_assert_eq(run->n_lines, 6, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], "Hello, Alice!");
    cp_run_free(run);
}

/* The "Took" line of a -v run of greet, in lesson seconds. */
static double
greet_took(const CpRun *run, gboolean sequential, int n)
{
    double took;
    int n_said;
    char tail[64];
    const char *line = run->lines[run->n_lines - 1];

    cr_assert_eq(sscanf(line, "Took %lf s: the %d one-second waits %63[^\n]", &took, &n_said,
                        tail), 3, "line: %s", line);
    cr_assert_eq(n_said, n, "line: %s", line);
    if (sequential) {
        cr_assert_str_eq(tail, "ran one after another");
    } else {
        char *want = g_strdup_printf("overlapped (one after another: %d s)", n);

        cr_assert_str_eq(tail, want);
        g_free(want);
    }
    return took;
}

Test(greet, verbose_adds_how_long_it_took, .timeout = 20)
{
    CpRun *run = cp_test_run("async/greet", "-v", "--time-scale=0.1", NULL);
    double took;

    cp_test_assert_ok(run);
    drop_scale_note(run);
    cr_assert_eq(run->n_lines, 7, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], "Hello, Alice!");
    cr_assert_str_eq(run->lines[5], "Goodbye, Charlie!");
    took = greet_took(run, FALSE, 3);
    cr_assert(took >= 1.0 - 0.01 && took < 2.0, "three 1 s greetings took %.2f s", took);
    cp_run_free(run);

    run = cp_test_run("async/greet", "-v", "--lesson=003", "--sequential", "--time-scale=0.1", NULL);
    cp_test_assert_ok(run);
    drop_scale_note(run);
    cr_assert_eq(run->n_lines, 5, "output: %s", run->out);
    cr_assert_str_eq(run->lines[1], "Task 1 is complete");
    took = greet_took(run, TRUE, 2);
    cr_assert_geq(took, 2.0 - 0.01, "two 1 s tasks in a row took %.2f s", took);
    cp_run_free(run);
}

/* Seconds that a run's waits added: the run's time less that of the same
 * run with --time-scale=0, which leaves out the start-up (about a second
 * under ThreadSanitizer). */
static double
seconds_waited(const char *example, const char *scale, const char *arg)
{
    char *option = g_strdup_printf("--time-scale=%s", scale);
    CpRun *base = cp_test_run(example, "--time-scale=0", arg, NULL);
    CpRun *run = cp_test_run(example, option, arg, NULL);
    double waited = run->seconds - base->seconds;

    cp_test_assert_ok(base);
    cp_test_assert_ok(run);
    cp_run_free(base);
    cp_run_free(run);
    g_free(option);
    return waited;
}

/* greet -v's own "Took" figure, in lesson seconds: its clock measures the
 * waits, where the wall time of a run also has the start of a process,
 * which a busy machine slows. */
static double
greet_took_at(const char *scale, gboolean sequential)
{
    char *option = g_strdup_printf("--time-scale=%s", scale);
    CpRun *run = cp_test_run("async/greet", "-v", option, sequential ? "--sequential" : NULL,
                             NULL);
    double took;

    cp_test_assert_ok(run);
    took = greet_took(run, sequential, 3);
    cp_run_free(run);
    g_free(option);
    return took;
}

Test(greet, goodbyes_after_one_wait_not_three, .timeout = 20)
{
    /* Three waits of one lesson second at once: one second, not three. */
    double took = greet_took_at("0.2", FALSE);

    cr_assert_geq(took, 1.0 - 0.01, "the waits ended early: %.3f s", took);
    cr_assert_lt(took, 2.0, "three 1-unit greetings took %.3f s", took);
}

Test(greet, sequential_pairs_take_three_waits, .timeout = 20)
{
    const char *const want[] = {
        "Hello, Alice!", "Goodbye, Alice!", "Hello, Bob!", "Goodbye, Bob!",
        "Hello, Charlie!", "Goodbye, Charlie!", NULL
    };
    CpRun *run = cp_test_run("async/greet", "--sequential", NULL);
    double took;

    cp_test_assert_lines(run, want);
    cp_run_free(run);
    took = greet_took_at("0.05", TRUE);
    cr_assert_geq(took, 3.0 - 0.01, "three waits one after another took %.3f s", took);
}

Test(greet, names_from_the_command_line, .timeout = 20)
{
    CpRun *run = cp_test_run("async/greet", "Dana", "Eve", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 4, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], "Hello, Dana!");
    cr_assert_str_eq(run->lines[1], "Hello, Eve!");
    cr_assert_str_eq(run->lines[2], "Goodbye, Dana!");
    cr_assert_str_eq(run->lines[3], "Goodbye, Eve!");
    cp_run_free(run);

    run = cp_test_run("async/greet", "--lesson=003", "A", "B", "C", NULL);
    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 6, "output: %s", run->out);
    cr_assert_str_eq(run->lines[2], "Task C is running");
    cr_assert_str_eq(run->lines[3], "Task A is complete");
    cp_run_free(run);
}

Test(greet, rejects_empty_name, .timeout = 20)
{
    CpRun *run = cp_test_run("async/greet", "Dana", "", NULL);

    cp_test_assert_usage_error(run, "''");
    cp_run_free(run);
}

Test(greet, rejects_bad_options, .timeout = 20)
{
    CpRun *run = cp_test_run("async/greet", "--time-scale=soon", NULL);

    cp_test_assert_usage_error(run, "'soon'");
    cp_run_free(run);
    run = cp_test_run("async/greet", "--frobnicate", NULL);
    cp_test_assert_usage_error(run, "--frobnicate");
    cp_run_free(run);
}

Test(greet, rejects_an_unknown_lesson, .timeout = 20)
{
    CpRun *run = cp_test_run("async/greet", "--lesson=002", NULL);

    cp_test_assert_usage_error(run, "'002'");
    cp_run_free(run);
    run = cp_test_run("async/greet", "--lesson=", NULL);
    cp_test_assert_usage_error(run, "''");
    cp_run_free(run);
}

Test(greet, help, .timeout = 20)
{
    cp_test_assert_help("async/greet");
}

/* ---- factorial_async ---- */

/* Check the -v run of the asynchronous cell, parts 2 and 3, and return the
 * number of ticks in part 2. */
static guint
assert_factorial_run(const CpRun *run, const char *result_line)
{
    int async_at = cp_test_find_line(run, "2. Non-blocking factorial (the loop runs between steps):", 0);
    int blocking_at = cp_test_find_line(run, "3. Blocking factorial (a sleep after each step holds the loop):", 0);
    int async_result_at, ticks_line_at;
    guint ticks = 0, reported = G_MAXUINT;

    cp_test_assert_ok(run);
    cr_assert(async_at == 0 && blocking_at > async_at, "output: %s", run->out);

    /* Part 2: ticks, then the result, then the count of those ticks. */
    async_result_at = cp_test_find_line(run, result_line, async_at);
    cr_assert(async_result_at > async_at && async_result_at < blocking_at);
    for (int i = async_at + 1; i < async_result_at; i++) {
        cr_assert(g_str_has_prefix(run->lines[i], "tick "), "not a tick: %s", run->lines[i]);
        ticks++;
    }
    ticks_line_at = async_result_at + 1;
    cr_assert_eq(sscanf(run->lines[ticks_line_at], "Ticks during the non-blocking factorial: %u",
                        &reported), 1, "line: %s", run->lines[ticks_line_at]);
    cr_assert_eq(reported, ticks);
    cr_assert_eq(ticks_line_at + 1, blocking_at);

    /* Part 3: no tick at all, before or after. */
    cr_assert_eq(run->n_lines, (guint) blocking_at + 3, "output: %s", run->out);
    cr_assert_str_eq(run->lines[blocking_at + 1], result_line);
    cr_assert_str_eq(run->lines[blocking_at + 2], "Ticks during the blocking factorial: 0");
    return ticks;
}

/* The -v run of the synchronous cell: part 1. */
static void
assert_factorial_sync_run(const CpRun *run, const char *result_line)
{
    int sync_at = cp_test_find_line(run, "1. Synchronous factorial:", 0);

    cp_test_assert_ok(run);
    cr_assert(sync_at == 0 && run->n_lines == 2, "output: %s", run->out);
    cr_assert_str_eq(run->lines[1], result_line);
}

/* Both cells with `arg` (or none), with -v and without: the -v run of the
 * asynchronous cell's tick count. */
static guint
assert_factorial_runs(const char *scale, const char *arg, const char *result_line)
{
    const char *const want[] = { result_line, NULL };
    const char *const modes[][3] = { { NULL }, { "--sync" }, { "-v" }, { "--sync", "-v" } };
    guint ticks = 0;

    for (guint m = 0; m < G_N_ELEMENTS(modes); m++) {
        const char *args[5];
        int n = 0;

        for (int i = 0; i < 3 && modes[m][i] != NULL; i++)
            args[n++] = modes[m][i];
        if (scale != NULL)
            args[n++] = scale;
        if (arg != NULL)
            args[n++] = arg;
        args[n] = NULL;

        CpRun *run = cp_test_runv("async/factorial_async", args);

        if (m < 2)   /* each cell prints its one line */
            cp_test_assert_lines(run, want);
        else if (m == 2)
            ticks = assert_factorial_run(run, result_line);
        else
            assert_factorial_sync_run(run, result_line);
        cp_run_free(run);
    }
    return ticks;
}

Test(factorial_async, lesson_output, .timeout = 20)
{
    /* Lesson 001: the asynchronous cell, and the synchronous one. */
    const char *const want[] = { "The factorial of 5 is 120", NULL };
    CpRun *run = cp_test_run("async/factorial_async", "--time-scale=0.1", NULL);

    cp_test_assert_lines(run, want);
    /* Five steps of asyncio.sleep(0.1): 50 ms here. */
    cr_assert_geq(run->seconds, 5 * 0.1 * 0.1 - 0.005, "took %.3f s", run->seconds);
    cp_run_free(run);
    run = cp_test_run("async/factorial_async", "--sync", NULL);
    cp_test_assert_lines(run, want);
    cp_run_free(run);
}

Test(factorial_async, verbose_shows_all_three_ways, .timeout = 20)
{
    cr_assert_geq(assert_factorial_runs(NULL, NULL, "The factorial of 5 is 120"), 1);
}

Test(factorial_async, ticker_runs_only_while_the_loop_is_free, .timeout = 20)
{
    /* Steps of 10 ms, ticks every 5 ms: about 10 ticks in part 2, and 50 ms
     * of blocking in part 3 with none. */
    CpRun *run = cp_test_run("async/factorial_async", "-v", "--time-scale=0.1", NULL);

    cr_assert_geq(assert_factorial_run(run, "The factorial of 5 is 120"), 3);
    cr_assert_geq(run->seconds, 2 * 5 * 0.1 * 0.1, "the two waiting parts were too fast");
    cp_run_free(run);
}

Test(factorial_async, other_inputs, .timeout = 20)
{
    assert_factorial_runs(NULL, "10", "The factorial of 10 is 3628800");
    assert_factorial_runs(NULL, "0", "The factorial of 0 is 1");
    assert_factorial_runs("--time-scale=0", "20", "The factorial of 20 is 2432902008176640000");
}

Test(factorial_async, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("async/factorial_async", "21", NULL);

    cp_test_assert_usage_error(run, "'21'");
    cp_run_free(run);
    run = cp_test_run("async/factorial_async", "--sync", "21", NULL);
    cp_test_assert_usage_error(run, "'21'");
    cp_run_free(run);
    run = cp_test_run("async/factorial_async", "five", NULL);
    cp_test_assert_usage_error(run, "'five'");
    cp_run_free(run);
    run = cp_test_run("async/factorial_async", "5", "6", NULL);
    cp_test_assert_usage_error(run, "'6'");
    cp_run_free(run);
}

Test(factorial_async, help, .timeout = 20)
{
    cp_test_assert_help("async/factorial_async");
}

/* ---- async_tasks ---- */

/* The lesson's 7 lines, from line `at` on. */
static void
assert_async_tasks_lines(const CpRun *run, int at)
{
    cr_assert_str_eq(run->lines[at + 0], "Task Task-1 starting");
    cr_assert_str_eq(run->lines[at + 1], "Task Task-2 starting");
    cr_assert_str_eq(run->lines[at + 2], "Task Task-3 starting");
    for (int i = 1; i <= 3; i++) {
        char *line = g_strdup_printf("Task Task-%d finished", i);
        int found = cp_test_find_line(run, line, 0);

        cr_assert(found >= at + 3 && found <= at + 5, "missing or misplaced: %s", line);
        g_free(line);
    }
    cr_assert_str_eq(run->lines[at + 6],
                     "Results: ['Result from Task-1', 'Result from Task-2', 'Result from Task-3']");
}

Test(async_tasks, lesson_output, .timeout = 20)
{
    CpRun *run = cp_test_run("async/async_tasks", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 7, "output: %s", run->out);
    assert_async_tasks_lines(run, 0);
    cp_run_free(run);
}

/* The "Took" line of a -v run: the time, in lesson seconds. */
static double
async_tasks_took(const char *line, double longest, double sum)
{
    double took, said_longest, said_sum;

    cr_assert_eq(sscanf(line, "Took %lf s, about the longest task (%lf s), not the sum of them all (%lf s)",
                        &took, &said_longest, &said_sum), 3, "line: %s", line);
    cr_assert_float_eq(said_longest, longest, 1e-9);
    cr_assert_float_eq(said_sum, sum, 1e-9);
    return took;
}

Test(async_tasks, verbose_adds_the_title_and_how_long_it_took, .timeout = 20)
{
    CpRun *run = cp_test_run("async/async_tasks", "-v", NULL);

    cp_test_assert_ok(run);
    drop_scale_note(run);
    cr_assert_eq(run->n_lines, 9, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], "Basic asyncio:");
    assert_async_tasks_lines(run, 1);
    async_tasks_took(run->lines[8], 2.0, 4.5);
    cp_run_free(run);
}

Test(async_tasks, finish_in_order_of_duration, .timeout = 20)
{
    CpRun *run = cp_test_run("async/async_tasks", NULL);
    int t1, t2, t3;

    cp_test_assert_ok(run);
    t1 = cp_test_find_line(run, "Task Task-1 finished", 0);
    t2 = cp_test_find_line(run, "Task Task-2 finished", 0);
    t3 = cp_test_find_line(run, "Task Task-3 finished", 0);
    cr_assert(t1 >= 0 && t1 < t3 && t3 < t2, "finish order: %s", run->out);
    cp_run_free(run);
}

Test(async_tasks, takes_about_the_longest_task, .timeout = 20)
{
    /* Waits of 0.1, 0.2 and 0.15 s: 0.2 s in all, not 0.45 s. */
    double waited = seconds_waited("async/async_tasks", "0.1", NULL), took;
    CpRun *run;

    cr_assert_geq(waited, 0.2 - 0.05);
    cr_assert_lt(waited, 0.35, "tasks of 1, 2 and 1.5 units waited %.3f s", waited);

    /* The program's own clock, which leaves the start-up out. */
    run = cp_test_run("async/async_tasks", "-v", "--time-scale=0.1", NULL);
    cp_test_assert_ok(run);
    drop_scale_note(run);
    cr_assert_eq(run->n_lines, 9, "output: %s", run->out);
    took = async_tasks_took(run->lines[8], 2.0, 4.5);
    cr_assert(took >= 2.0 - 0.01 && took < 3.5, "tasks of 1, 2 and 1.5 s took %.2f s", took);
    cp_run_free(run);
}

Test(async_tasks, durations_from_the_command_line, .timeout = 20)
{
    CpRun *run = cp_test_run("async/async_tasks", "0.5", "0", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 5, "output: %s", run->out);
    cr_assert_str_eq(run->lines[4], "Results: ['Result from Task-1', 'Result from Task-2']");
    cp_run_free(run);
}

Test(async_tasks, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("async/async_tasks", "1", "soon", NULL);

    cp_test_assert_usage_error(run, "'soon'");
    cp_run_free(run);
    run = cp_test_run("async/async_tasks", "4000", NULL);
    cp_test_assert_usage_error(run, "'4000'");
    cp_run_free(run);
    run = cp_test_run("async/async_tasks", "--lesson=002", NULL);
    cp_test_assert_usage_error(run, "--lesson");
    cp_run_free(run);
}

Test(async_tasks, help, .timeout = 20)
{
    cp_test_assert_help("async/async_tasks");
}

/* ---- gather ---- */

typedef struct {
    double took, longest, sum;
} GatherTiming;

static GatherTiming
parse_took(const char *line)
{
    GatherTiming t;

    cr_assert_eq(sscanf(line, "Took %lf s, about the longest fetch (%lf s), not the sum of all three (%lf s)",
                        &t.took, &t.longest, &t.sum), 3, "line: %s", line);
    /* Three draws from 0.5..2.0 s. */
    cr_assert(t.longest >= 0.5 && t.longest <= 2.0, "longest %.2f", t.longest);
    cr_assert(t.sum >= t.longest + 1.0 - 0.01 && t.sum <= 3 * t.longest + 0.01, "sum %.2f", t.sum);
    return t;
}

static const char gathered[] = "Gathered results: ['Data from http://example.com', "
                               "'Data from http://test.com', 'Data from http://demo.com']";
static const char task_results[] = "Task results: ['Data from http://api1.com', "
                                   "'Data from http://api2.com', 'Data from http://api3.com']";

Test(gather, lesson_output, .timeout = 20)
{
    const char *const want[] = { gathered, task_results, NULL };
    CpRun *run = cp_test_run("async/gather", NULL);

    cp_test_assert_lines(run, want);
    cp_run_free(run);
}

/* A -v run: the titles, the results and the "Took" lines. */
static void
assert_gather_verbose_run(CpRun *run)
{
    cp_test_assert_ok(run);
    drop_scale_note(run);
    cr_assert_eq(run->n_lines, 7, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], "Async with asyncio.gather:");
    cr_assert_str_eq(run->lines[1], gathered);
    parse_took(run->lines[2]);
    cr_assert_str_eq(run->lines[3], "");
    cr_assert_str_eq(run->lines[4], "Async with asyncio.create_task:");
    cr_assert_str_eq(run->lines[5], task_results);
    parse_took(run->lines[6]);
}

Test(gather, verbose_adds_titles_and_timings, .timeout = 20)
{
    CpRun *run = cp_test_run("async/gather", "-v", NULL);

    assert_gather_verbose_run(run);
    cp_run_free(run);
}

Test(gather, takes_the_longest_not_the_sum, .timeout = 20)
{
    CpRun *run = cp_test_run("async/gather", "-v", "--time-scale=0.1", NULL);

    assert_gather_verbose_run(run);
    for (int i = 2; i <= 6; i += 4) {
        GatherTiming t = parse_took(run->lines[i]);

        cr_assert_geq(t.took, t.longest, "done before the longest fetch: %s", run->lines[i]);
        cr_assert_lt(t.took, t.sum, "the fetches ran one after another: %s", run->lines[i]);
    }
    cp_run_free(run);
}

Test(gather, seed_repeats_the_durations, .timeout = 20)
{
    CpRun *a = cp_test_run("async/gather", "-v", "--seed=42", NULL);
    CpRun *b = cp_test_run("async/gather", "--seed", "42", "--verbose", NULL);

    assert_gather_verbose_run(a);
    assert_gather_verbose_run(b);
    cr_assert_eq(a->n_lines, 7);
    cr_assert_eq(b->n_lines, 7);
    for (int i = 2; i <= 6; i += 4) {
        GatherTiming ta = parse_took(a->lines[i]), tb = parse_took(b->lines[i]);

        cr_assert_float_eq(ta.longest, tb.longest, 1e-9);
        cr_assert_float_eq(ta.sum, tb.sum, 1e-9);
    }
    cp_run_free(a);
    cp_run_free(b);
}

Test(gather, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("async/gather", "--seed=soon", NULL);

    cp_test_assert_usage_error(run, "'soon'");
    cp_run_free(run);
    run = cp_test_run("async/gather", "--seed=-5", NULL);
    cp_test_assert_usage_error(run, "'-5'");
    cp_run_free(run);
    run = cp_test_run("async/gather", "http://extra.com", NULL);
    cp_test_assert_usage_error(run, "'http://extra.com'");
    cp_run_free(run);
}

Test(gather, help, .timeout = 20)
{
    cp_test_assert_help("async/gather");
}

/* ---- helpers for the fetch examples ---- */

/* A "Fetch times: URL 1.23 s, URL 0.70 s[ (deadline 1.5 s)]" line. */
typedef struct {
    int n;
    char url[3][32];
    double seconds[3];
} FetchTimes;

static FetchTimes
parse_fetch_times(const char *line)
{
    FetchTimes t = { 0 };
    const char *p = line + sizeof "Fetch times:" - 1;

    cr_assert(g_str_has_prefix(line, "Fetch times:"), "not a Fetch times line: %s", line);
    while (t.n < 3) {
        int used = 0;

        if (sscanf(p, " %31s %lf s%n", t.url[t.n], &t.seconds[t.n], &used) != 2 || used == 0)
            break;
        /* random.uniform(0.5, 2.0) */
        cr_assert(t.seconds[t.n] >= 0.5 && t.seconds[t.n] <= 2.0, "line: %s", line);
        t.n++;
        p += used;
        if (*p != ',')
            break;
        p++;
    }
    return t;
}

static double
fetch_times_max(const FetchTimes *t)
{
    double m = t->seconds[0];

    for (int i = 1; i < t->n; i++)
        m = MAX(m, t->seconds[i]);
    return m;
}

static double
fetch_times_min(const FetchTimes *t)
{
    double m = t->seconds[0];

    for (int i = 1; i < t->n; i++)
        m = MIN(m, t->seconds[i]);
    return m;
}

/* Run `example` with -v, --seed=seed, --time-scale=scale and `option`
 * (or none), and drop the scale note. */
static CpRun *
run_seeded(const char *example, int seed, const char *scale, const char *option)
{
    char *seed_arg = g_strdup_printf("--seed=%d", seed);
    char *scale_arg = g_strdup_printf("--time-scale=%s", scale);
    const char *const args[] = { "-v", seed_arg, scale_arg, option, NULL };
    CpRun *run = cp_test_runv(example, args);

    cp_test_assert_ok(run);
    drop_scale_note(run);
    g_free(seed_arg);
    g_free(scale_arg);
    return run;
}

/* Fetches this far apart (in lesson seconds) end in the order of their
 * times even on a busy machine: 25 ms at --time-scale=0.1. */
#define CLEAR_GAP 0.25

static void
assert_seed_rejected(const char *example)
{
    CpRun *run = cp_test_run(example, "--seed=soon", NULL);

    cp_test_assert_usage_error(run, "'soon'");
    cp_run_free(run);
    run = cp_test_run(example, "--seed=-1", NULL);
    cp_test_assert_usage_error(run, "'-1'");
    cp_run_free(run);
    run = cp_test_run(example, "--seed=4294967296", NULL);
    cp_test_assert_usage_error(run, "'4294967296'");
    cp_run_free(run);
    run = cp_test_run(example, "http://extra.com", NULL);
    cp_test_assert_usage_error(run, "'http://extra.com'");
    cp_run_free(run);
}

/* ---- wait_tasks ---- */

static const char wait_results[] = "Wait results: ['Data from http://slow.com', "
                                   "'Data from http://fast.com', 'Data from http://medium.com']";

Test(wait_tasks, lesson_output, .timeout = 20)
{
    /* The lesson's `done` is a set, so Python may list the three in any
     * order; the program lists them in submission order, one of those. */
    const char *const want[] = { wait_results, NULL };
    CpRun *run = cp_test_run("async/wait_tasks", NULL);

    cp_test_assert_lines(run, want);
    cp_run_free(run);
}

Test(wait_tasks, first_completed_output, .timeout = 20)
{
    /* 002 §4 "Async with asyncio.gather and return_when". */
    const char *const want[] = { "Completed tasks: 1", "Pending tasks: 2", NULL };
    CpRun *run = cp_test_run("async/wait_tasks", "--first", NULL);

    cp_test_assert_lines(run, want);
    cp_run_free(run);
}

/* A -v run of the ALL_COMPLETED demo; returns its fetch times. */
static FetchTimes
assert_wait_all_run(const CpRun *run)
{
    FetchTimes part1;

    cr_assert_eq(run->n_lines, 3, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], "Async with asyncio.wait:");
    part1 = parse_fetch_times(run->lines[1]);
    cr_assert_eq(part1.n, 3, "line: %s", run->lines[1]);
    cr_assert_str_eq(run->lines[2], wait_results);
    return part1;
}

/* A -v run of the FIRST_COMPLETED demo; returns its fetch times, and in
 * *took how long it lasted by its "Took" line. */
static FetchTimes
assert_wait_first_run(const CpRun *run, double *took)
{
    const char *urls[] = { "http://fast.com", "http://slow.com", "http://medium.com" };
    FetchTimes part2;
    double fastest, slowest;

    cr_assert_eq(run->n_lines, 8, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], "Async with asyncio.gather and return_when:");
    part2 = parse_fetch_times(run->lines[1]);
    cr_assert_eq(part2.n, 3, "line: %s", run->lines[1]);
    for (int i = 0; i < 3; i++)
        cr_assert_str_eq(part2.url[i], urls[i]);
    cr_assert_str_eq(run->lines[2], "Completed tasks: 1");
    cr_assert_str_eq(run->lines[3], "Pending tasks: 2");
    /* Two of the three cancelled, each once, in submission order. */
    for (int line = 4, from = 0; line <= 5; line++) {
        int which = -1;

        for (int i = 0; i < 3; i++) {
            char *want = g_strdup_printf("Cancelled: %s", urls[i]);

            if (g_strcmp0(run->lines[line], want) == 0)
                which = i;
            g_free(want);
        }
        cr_assert(which >= from, "not a Cancelled line, or out of order: %s", run->lines[line]);
        from = which + 1;
    }
    cr_assert_str_eq(run->lines[6], "Timers left on the loop: 0");
    cr_assert_eq(sscanf(run->lines[7], "Took %lf s, about the fastest fetch (%lf s), not the slowest (%lf s)",
                        took, &fastest, &slowest), 3, "line: %s", run->lines[7]);
    cr_assert_float_eq(fastest, fetch_times_min(&part2), 1e-9);
    cr_assert_float_eq(slowest, fetch_times_max(&part2), 1e-9);
    return part2;
}

Test(wait_tasks, verbose_adds_titles_fetch_times_and_what_was_cancelled, .timeout = 20)
{
    CpRun *run = cp_test_run("async/wait_tasks", "-v", NULL);
    double took;

    cp_test_assert_ok(run);
    drop_scale_note(run);
    assert_wait_all_run(run);
    cp_run_free(run);
    run = cp_test_run("async/wait_tasks", "--first", "-v", NULL);
    cp_test_assert_ok(run);
    drop_scale_note(run);
    assert_wait_first_run(run, &took);
    cp_run_free(run);
}

Test(wait_tasks, the_fastest_completes_and_the_others_are_cancelled, .timeout = 20)
{
    guint checked = 0;

    for (int seed = 1; seed <= 8; seed++) {
        CpRun *all = run_seeded("async/wait_tasks", seed, "0.1", NULL);
        CpRun *run = run_seeded("async/wait_tasks", seed, "0.1", "--first");
        double took;
        FetchTimes part1 = assert_wait_all_run(all);
        FetchTimes t = assert_wait_first_run(run, &took);
        double fastest = fetch_times_min(&t);
        int first = 0, line = 4;
        gboolean clear = TRUE;   /* the fastest beats each other one clearly */

        /* The first demo waits for its slowest fetch, the second for its
         * fastest. */
        cr_assert_geq(all->seconds, fetch_times_max(&part1) * 0.1 - 0.005);
        cr_assert_geq(run->seconds, fastest * 0.1 - 0.005);
        cr_assert_geq(took, fastest - 0.01, "seed %d: %s", seed, run->out);
        while (t.seconds[first] != fastest)
            first++;
        for (int i = 0; i < 3; i++)
            if (i != first && t.seconds[i] - fastest < CLEAR_GAP)
                clear = FALSE;
        for (int i = 0; clear && i < 3; i++) {
            char *want = g_strdup_printf("Cancelled: %s", t.url[i]);

            if (i != first)
                cr_assert_str_eq(run->lines[line++], want, "seed %d: %s", seed, run->out);
            g_free(want);
        }
        checked += clear;
        cp_run_free(all);
        cp_run_free(run);
    }
    cr_assert_geq(checked, 4, "too few seeds with a clear fastest fetch");
}

Test(wait_tasks, first_completed_does_not_wait_for_the_slowest, .timeout = 20)
{
    /* Seed 1: 1.84, 0.71 and 1.81 s; the first completed ends it after
     * 0.71 s, 1.10 s (0.11 s here) before the slowest.  The program's own
     * "Took" line leaves out the start-up, which is slow under the
     * sanitizers. */
    CpRun *run = run_seeded("async/wait_tasks", 1, "0.1", "--first");
    double took;
    FetchTimes t = assert_wait_first_run(run, &took);

    cr_assert_geq(fetch_times_max(&t) - fetch_times_min(&t), 1.0, "output: %s", run->out);
    cr_assert_geq(took, fetch_times_min(&t) - 0.01, "output: %s", run->out);
    cr_assert_lt(took, fetch_times_max(&t) - 0.5, "output: %s", run->out);
    cp_run_free(run);
}

Test(wait_tasks, seed_repeats_the_times, .timeout = 20)
{
    double took;

    for (int first = 0; first <= 1; first++) {
        const char *option = first ? "--first" : NULL;
        CpRun *a = run_seeded("async/wait_tasks", 42, "0.01", option);
        CpRun *b = run_seeded("async/wait_tasks", 42, "0.01", option);

        if (first) {
            assert_wait_first_run(a, &took);
            assert_wait_first_run(b, &took);
        } else {
            assert_wait_all_run(a);
            assert_wait_all_run(b);
        }
        cr_assert_str_eq(a->lines[1], b->lines[1]);
        cp_run_free(a);
        cp_run_free(b);
    }
}

Test(wait_tasks, rejects_bad_input, .timeout = 20)
{
    assert_seed_rejected("async/wait_tasks");
}

Test(wait_tasks, help, .timeout = 20)
{
    cp_test_assert_help("async/wait_tasks");
}

/* ---- as_completed ---- */

/* From line `at` on: the three Completed lines, each fetch once, and the
 * list in their order; fills order[k] with the index (0 for api1...) of
 * the k-th fetch to complete. */
static void
assert_as_completed_lines(const CpRun *run, int at, int order[3])
{
    const char *in_order[3];
    char *list;

    for (int k = 0; k < 3; k++) {
        order[k] = -1;
        for (int i = 0; i < 3; i++) {
            char *want = g_strdup_printf("Completed: Data from http://api%d.com", i + 1);

            if (g_strcmp0(run->lines[at + k], want) == 0)
                order[k] = i;
            g_free(want);
        }
        cr_assert(order[k] >= 0, "not a Completed line: %s", run->lines[at + k]);
        for (int j = 0; j < k; j++)
            cr_assert_neq(order[j], order[k], "completed twice: %s", run->out);
        in_order[k] = run->lines[at + k] + sizeof "Completed: " - 1;
    }
    list = g_strdup_printf("As completed results: ['%s', '%s', '%s']",
                           in_order[0], in_order[1], in_order[2]);
    cr_assert_str_eq(run->lines[at + 3], list);
    g_free(list);
}

/* A -v run: every result once, the list in the order of the Completed
 * lines; fills order[k] as above. */
static FetchTimes
assert_as_completed_run(const CpRun *run, int order[3])
{
    FetchTimes t;

    cr_assert_eq(run->n_lines, 6, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], "Async with asyncio.as_completed:");
    t = parse_fetch_times(run->lines[1]);
    cr_assert_eq(t.n, 3, "line: %s", run->lines[1]);
    for (int i = 0; i < 3; i++) {
        char *want = g_strdup_printf("http://api%d.com", i + 1);
        cr_assert_str_eq(t.url[i], want);
        g_free(want);
    }
    assert_as_completed_lines(run, 2, order);
    return t;
}

Test(as_completed, lesson_output, .timeout = 20)
{
    /* 002 §4: "Completed: Data from http://api{x}.com" for a permutation
     * x, y, z of 1, 2, 3, then the list in that order. */
    int order[3];
    CpRun *run = cp_test_run("async/as_completed", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 4, "output: %s", run->out);
    assert_as_completed_lines(run, 0, order);
    cp_run_free(run);
}

Test(as_completed, verbose_adds_the_title_and_fetch_times, .timeout = 20)
{
    int order[3];
    CpRun *run = cp_test_run("async/as_completed", "-v", NULL);

    cp_test_assert_ok(run);
    drop_scale_note(run);
    assert_as_completed_run(run, order);
    cp_run_free(run);
}

Test(as_completed, results_come_in_the_order_the_fetches_end, .timeout = 20)
{
    guint pairs = 0;

    for (int seed = 1; seed <= 8; seed++) {
        int order[3], rank[3];
        CpRun *run = run_seeded("async/as_completed", seed, "0.1", NULL);
        FetchTimes t = assert_as_completed_run(run, order);

        for (int k = 0; k < 3; k++)
            rank[order[k]] = k;
        /* Every pair clearly apart: the shorter one completed first. */
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                if (t.seconds[j] - t.seconds[i] >= CLEAR_GAP) {
                    cr_assert_lt(rank[i], rank[j], "seed %d: %s", seed, run->out);
                    pairs++;
                }
        /* It ends with the longest fetch, not after the sum of them. */
        cr_assert_geq(run->seconds, fetch_times_max(&t) * 0.1 - 0.005);
        cp_run_free(run);
    }
    cr_assert_geq(pairs, 8, "too few pairs of fetches clearly apart");
}

Test(as_completed, seed_repeats_the_times, .timeout = 20)
{
    int order_a[3], order_b[3];
    CpRun *a = cp_test_run("async/as_completed", "-v", "--seed=7", NULL);
    CpRun *b = cp_test_run("async/as_completed", "--seed", "7", "-v", NULL);

    cp_test_assert_ok(a);
    cp_test_assert_ok(b);
    drop_scale_note(a);
    drop_scale_note(b);
    assert_as_completed_run(a, order_a);
    assert_as_completed_run(b, order_b);
    cr_assert_str_eq(a->lines[1], b->lines[1]);
    cp_run_free(a);
    cp_run_free(b);
}

Test(as_completed, rejects_bad_input, .timeout = 20)
{
    assert_seed_rejected("async/as_completed");
}

Test(as_completed, help, .timeout = 20)
{
    cp_test_assert_help("async/as_completed");
}

/* ---- timeout ---- */

static const char all_completed[] = "All tasks completed: ['Data from http://slow.com', "
                                    "'Data from http://very-slow.com', 'Data from http://fast.com']";
static const char *const timeout_urls[] = { "http://slow.com", "http://very-slow.com", "http://fast.com" };

/* The lines of the "gather and timeout" demo from line `at` on, as the
 * lesson means them; returns how many there were. */
static guint
assert_gather_timeout_lines(const CpRun *run, guint at)
{
    cr_assert_gt(run->n_lines, at, "output: %s", run->out);
    if (g_strcmp0(run->lines[at], "Gather timed out!") != 0) {
        cr_assert_str_eq(run->lines[at], all_completed);
        return 1;
    }
    cr_assert_geq(run->n_lines, at + 4, "output: %s", run->out);
    for (guint i = 0; i < 3; i++) {
        char *done = g_strdup_printf("Task %u completed: Data from %s", i, timeout_urls[i]);
        char *running = g_strdup_printf("Task %u still running", i);
        const char *line = run->lines[at + 1 + i];

        cr_assert(g_strcmp0(line, done) == 0 || g_strcmp0(line, running) == 0, "line: %s", line);
        g_free(done);
        g_free(running);
    }
    return 4;
}

Test(timeout, lesson_output, .timeout = 20)
{
    /* "Task timed out!" when the fetch takes over 1 s, else nothing. */
    CpRun *run = cp_test_run("async/timeout", NULL);

    cp_test_assert_ok(run);
    cr_assert_leq(run->n_lines, 1, "output: %s", run->out);
    if (run->n_lines == 1)
        cr_assert_str_eq(run->lines[0], "Task timed out!");
    cp_run_free(run);

    /* Seed 1 draws 1.84 s, seed 16 0.53 s: clear of the deadline at 0.1. */
    const char *const timed_out[] = { "Task timed out!", NULL };
    const char *const nothing[] = { NULL };

    run = cp_test_run("async/timeout", "--seed=1", "--time-scale=0.1", NULL);
    cp_test_assert_lines(run, timed_out);
    cp_run_free(run);
    run = cp_test_run("async/timeout", "--seed=16", "--time-scale=0.1", NULL);
    cp_test_assert_lines(run, nothing);
    cp_run_free(run);
}

Test(timeout, gather_output, .timeout = 20)
{
    /* 002 §4 "gather and timeout", as the lesson means it (in Python 3.11
     * it raises CancelledError instead of printing "still running"). */
    CpRun *run = cp_test_run("async/timeout", "--gather", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, assert_gather_timeout_lines(run, 0), "output: %s", run->out);
    cp_run_free(run);

    /* Seed 1: 1.84, 0.71 and 1.81 s; seed 5: 0.50, 0.99 and 1.00 s. */
    const char *const timed_out[] = {
        "Gather timed out!", "Task 0 still running",
        "Task 1 completed: Data from http://very-slow.com", "Task 2 still running", NULL
    };
    const char *const in_time[] = { all_completed, NULL };

    run = cp_test_run("async/timeout", "--gather", "--seed=1", "--time-scale=0.1", NULL);
    cp_test_assert_lines(run, timed_out);
    cp_run_free(run);
    run = cp_test_run("async/timeout", "--gather", "--seed=5", "--time-scale=0.1", NULL);
    cp_test_assert_lines(run, in_time);
    cp_run_free(run);
}

/* One demo's fetch times, and how long it lasted by its "Took" line. */
typedef struct {
    FetchTimes times;
    double took;
} TimeoutPart;

static double
parse_timeout_took(const char *line, double deadline)
{
    double took, said;

    cr_assert_eq(sscanf(line, "Took %lf s, no more than the deadline (%lf s)", &took, &said), 2,
                 "line: %s", line);
    cr_assert_float_eq(said, deadline, 1e-9);
    return took;
}

/* The shape of a -v run of the "timeout" demo; its outcome is checked
 * against its time where the two are at least clear_gap apart. */
static void
assert_timeout_one_run(const CpRun *run, TimeoutPart *one, double clear_gap)
{
    cr_assert_eq(run->n_lines, 4, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], "Async with asyncio.timeout:");
    one->times = parse_fetch_times(run->lines[1]);
    cr_assert_eq(one->times.n, 1, "line: %s", run->lines[1]);
    cr_assert(g_str_has_suffix(run->lines[1], " (deadline 1.0 s)"), "line: %s", run->lines[1]);
    if (g_strcmp0(run->lines[2], "Task timed out!") != 0)
        cr_assert_str_eq(run->lines[2], "Task completed: Data from http://slow.com");
    if (one->times.seconds[0] >= 1.0 + clear_gap)
        cr_assert_str_eq(run->lines[2], "Task timed out!");
    if (one->times.seconds[0] <= 1.0 - clear_gap)
        cr_assert_str_neq(run->lines[2], "Task timed out!");
    one->took = parse_timeout_took(run->lines[3], 1.0);
}

/* The same for the "gather and timeout" demo (--gather). */
static void
assert_timeout_gather_run(const CpRun *run, TimeoutPart *three, double clear_gap)
{
    double slowest;
    guint still_running = 0, cancelled;

    cr_assert_geq(run->n_lines, 4, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], "Async with asyncio.gather and timeout:");
    three->times = parse_fetch_times(run->lines[1]);
    cr_assert_eq(three->times.n, 3, "line: %s", run->lines[1]);
    cr_assert(g_str_has_suffix(run->lines[1], " (deadline 1.5 s)"), "line: %s", run->lines[1]);
    slowest = fetch_times_max(&three->times);
    if (assert_gather_timeout_lines(run, 2) == 1) {
        cr_assert_eq(run->n_lines, 4, "output: %s", run->out);
        cr_assert_lt(slowest, 1.5 + clear_gap, "output: %s", run->out);
        three->took = parse_timeout_took(run->lines[3], 1.5);
        return;
    }
    cr_assert_eq(run->n_lines, 8, "output: %s", run->out);
    cr_assert_gt(slowest, 1.5 - clear_gap, "timed out early: %s", run->out);
    for (int i = 0; i < 3; i++) {
        char *done = g_strdup_printf("Task %d completed: Data from %s", i, timeout_urls[i]);
        char *running = g_strdup_printf("Task %d still running", i);
        const char *line = run->lines[3 + i];

        if (three->times.seconds[i] <= 1.5 - clear_gap)
            cr_assert_str_eq(line, done);
        if (three->times.seconds[i] >= 1.5 + clear_gap)
            cr_assert_str_eq(line, running);
        still_running += g_strcmp0(line, running) == 0;
        g_free(done);
        g_free(running);
    }
    /* Every task still running at the deadline was cancelled. */
    cr_assert_eq(sscanf(run->lines[6], "Cancelled at the deadline: %u of 3 tasks", &cancelled), 1,
                 "line: %s", run->lines[6]);
    cr_assert_eq(cancelled, still_running, "output: %s", run->out);
    cr_assert_gt(cancelled, 0);
    three->took = parse_timeout_took(run->lines[7], 1.5);
}

Test(timeout, verbose_adds_titles_fetch_times_and_timings, .timeout = 20)
{
    TimeoutPart one, three;
    CpRun *run = cp_test_run("async/timeout", "-v", NULL);

    cp_test_assert_ok(run);
    drop_scale_note(run);
    /* At the default scale of 0.01 the shape only: a gap of 1.0 s clears
     * no outcome. */
    assert_timeout_one_run(run, &one, 1.0);
    cp_run_free(run);
    run = cp_test_run("async/timeout", "-v", "--gather", NULL);
    cp_test_assert_ok(run);
    drop_scale_note(run);
    assert_timeout_gather_run(run, &three, 1.0);
    cp_run_free(run);
}

Test(timeout, the_deadline_cancels_what_is_still_running, .timeout = 20)
{
    /* Seed 1: 1.84 s against 1.0; then, with --gather, 1.84, 0.71 and
     * 1.81 s against 1.5. */
    const char *const want[] = {
        "Gather timed out!",
        "Task 0 still running",
        "Task 1 completed: Data from http://very-slow.com",
        "Task 2 still running",
        "Cancelled at the deadline: 2 of 3 tasks",
    };
    TimeoutPart one, three;
    CpRun *run = run_seeded("async/timeout", 1, "0.2", NULL);

    assert_timeout_one_run(run, &one, CLEAR_GAP);
    cr_assert_str_eq(run->lines[2], "Task timed out!");
    /* The wait lasted its deadline, not its fetch (the program's own
     * "Took" lines leave out the start-up, slow under the sanitizers). */
    cr_assert_geq(one.took, 1.0 - 0.01, "output: %s", run->out);
    cr_assert_lt(one.took, 1.84 - 0.4, "output: %s", run->out);
    cr_assert_geq(run->seconds, 1.0 * 0.2 - 0.005);
    cp_run_free(run);

    run = run_seeded("async/timeout", 1, "0.2", "--gather");
    assert_timeout_gather_run(run, &three, CLEAR_GAP);
    cr_assert_eq(run->n_lines, 8, "output: %s", run->out);
    for (int i = 0; i < 5; i++)
        cr_assert_str_eq(run->lines[2 + i], want[i]);
    cr_assert_geq(three.took, 1.5 - 0.01, "output: %s", run->out);
    cr_assert_lt(three.took, 1.81 - 0.2, "output: %s", run->out);
    cr_assert_geq(run->seconds, 1.5 * 0.2 - 0.005);
    cp_run_free(run);
}

Test(timeout, fetches_that_beat_the_deadline_complete, .timeout = 20)
{
    TimeoutPart one, three;
    /* Seed 5: 0.50, 0.99 and 1.00 s, all in time. */
    CpRun *run = run_seeded("async/timeout", 5, "0.1", "--gather");

    assert_timeout_gather_run(run, &three, CLEAR_GAP);
    cr_assert_eq(run->n_lines, 4, "output: %s", run->out);
    /* The gather ended with its slowest fetch, well before the deadline. */
    cr_assert_geq(three.took, 1.00 - 0.01, "output: %s", run->out);
    cr_assert_lt(three.took, 1.5 - 0.2, "output: %s", run->out);
    cp_run_free(run);

    /* Seed 38: 1.97 (cancelled), 0.96 and 0.84 s. */
    run = run_seeded("async/timeout", 38, "0.1", "--gather");
    assert_timeout_gather_run(run, &three, CLEAR_GAP);
    cr_assert_eq(run->n_lines, 8, "output: %s", run->out);
    cr_assert_str_eq(run->lines[3], "Task 0 still running");
    cr_assert_str_eq(run->lines[4], "Task 1 completed: Data from http://very-slow.com");
    cr_assert_str_eq(run->lines[5], "Task 2 completed: Data from http://fast.com");
    cp_run_free(run);

    /* Seed 16: 0.53 s against 1.0, in time; seed 25: 1.74 s, timed out. */
    run = run_seeded("async/timeout", 16, "0.1", NULL);
    assert_timeout_one_run(run, &one, CLEAR_GAP);
    cr_assert_str_eq(run->lines[2], "Task completed: Data from http://slow.com");
    cr_assert_geq(one.took, 0.53 - 0.01, "output: %s", run->out);
    cr_assert_lt(one.took, 1.0 - 0.2, "output: %s", run->out);
    cp_run_free(run);
    run = run_seeded("async/timeout", 25, "0.1", NULL);
    assert_timeout_one_run(run, &one, CLEAR_GAP);
    cr_assert_str_eq(run->lines[2], "Task timed out!");
    cp_run_free(run);
}

Test(timeout, outcomes_follow_the_times, .timeout = 20)
{
    for (int seed = 2; seed <= 7; seed++) {
        TimeoutPart one, three;
        CpRun *run = run_seeded("async/timeout", seed, "0.1", NULL);

        assert_timeout_one_run(run, &one, CLEAR_GAP);
        cp_run_free(run);
        run = run_seeded("async/timeout", seed, "0.1", "--gather");
        assert_timeout_gather_run(run, &three, CLEAR_GAP);
        cp_run_free(run);
    }
}

Test(timeout, rejects_bad_input, .timeout = 20)
{
    assert_seed_rejected("async/timeout");
}

Test(timeout, help, .timeout = 20)
{
    cp_test_assert_help("async/timeout");
}

/* ---- shield ---- */

Test(shield, lesson_output, .timeout = 20)
{
    const char *const want[] = { "Shielded task was cancelled", NULL };
    CpRun *run = cp_test_run("async/shield", NULL);

    cp_test_assert_lines(run, want);
    cp_run_free(run);
}

Test(shield, the_default_ends_as_asyncio_run_does, .timeout = 20)
{
    /* asyncio.run() cancels the task left behind: no 2-unit wait (20 s
     * here) for it. */
    const char *const want[] = { "Shielded task was cancelled", NULL };
    CpRun *run = cp_test_run("async/shield", "--time-scale=10", NULL);

    cp_test_assert_lines(run, want);
    cr_assert_lt(run->seconds, 10, "took %.3f s", run->seconds);
    cp_run_free(run);
}

static void
assert_shield_run(const CpRun *run)
{
    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 4, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], "Async with asyncio.shield:");
    cr_assert_str_eq(run->lines[1], "Shielded task was cancelled");
    cr_assert_str_eq(run->lines[2], "The long-running task is still running");
    cr_assert_str_eq(run->lines[3], "It ran to its end anyway: Long task completed");
}

Test(shield, verbose_waits_for_the_task_to_show_it_ran, .timeout = 20)
{
    CpRun *run = cp_test_run("async/shield", "-v", NULL);

    assert_shield_run(run);
    cr_assert_geq(run->seconds, 2 * 0.01 - 0.002, "the task did not wait its 2 units");
    cp_run_free(run);
}

Test(shield, the_task_runs_its_whole_wait_after_the_cancel, .timeout = 20)
{
    /* 2 units are 0.2 s here: the cancel came at once, the task took them all. */
    CpRun *run = cp_test_run("async/shield", "-v", "--time-scale=0.1", NULL);

    assert_shield_run(run);
    cr_assert_geq(run->seconds, 0.2 - 0.005, "took %.3f s", run->seconds);
    cp_run_free(run);
}

Test(shield, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("async/shield", "--time-scale=-1", NULL);

    cp_test_assert_usage_error(run, "'-1'");
    cp_run_free(run);
    run = cp_test_run("async/shield", "now", NULL);
    cp_test_assert_usage_error(run, "'now'");
    cp_run_free(run);
}

Test(shield, help, .timeout = 20)
{
    cp_test_assert_help("async/shield");
}

/* ---- return_exceptions ---- */

Test(return_exceptions, lesson_output, .timeout = 20)
{
    const char *const want[] = {
        "Task 0 failed: Task failed!", "Task 1 succeeded: Normal task completed", NULL
    };
    CpRun *run = cp_test_run("async/return_exceptions", NULL);

    cp_test_assert_lines(run, want);
    cp_run_free(run);
}

/* A -v run: the title, the lesson's 2 lines, and how long it took. */
static double
assert_return_exceptions_run(CpRun *run)
{
    double took;

    cp_test_assert_ok(run);
    drop_scale_note(run);
    cr_assert_eq(run->n_lines, 4, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], "Async with asyncio.gather and return_exceptions:");
    cr_assert_str_eq(run->lines[1], "Task 0 failed: Task failed!");
    cr_assert_str_eq(run->lines[2], "Task 1 succeeded: Normal task completed");
    cr_assert_eq(sscanf(run->lines[3], "Took %lf s, as long as the normal task (1 s): "
                        "the failure at 0.5 s did not end the gather", &took), 1,
                 "line: %s", run->lines[3]);
    cr_assert(g_str_has_suffix(run->lines[3], "did not end the gather"), "line: %s", run->lines[3]);
    return took;
}

Test(return_exceptions, verbose_adds_the_title_and_how_long_it_took, .timeout = 20)
{
    CpRun *run = cp_test_run("async/return_exceptions", "-v", NULL);

    assert_return_exceptions_run(run);
    cp_run_free(run);
}

Test(return_exceptions, the_failure_does_not_cut_the_gather_short, .timeout = 20)
{
    /* The failure comes at 0.5 units, the result at 1: 0.1 s here. */
    CpRun *run = cp_test_run("async/return_exceptions", "-v", "--time-scale=0.1", NULL);
    double took = assert_return_exceptions_run(run);

    cr_assert_geq(run->seconds, 0.1 - 0.005, "took %.3f s", run->seconds);
    cr_assert_geq(took, 1.0 - 0.01, "took %.2f lesson seconds", took);
    cp_run_free(run);
}

Test(return_exceptions, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("async/return_exceptions", "--time-scale=later", NULL);

    cp_test_assert_usage_error(run, "'later'");
    cp_run_free(run);
    run = cp_test_run("async/return_exceptions", "--return-exceptions", NULL);
    cp_test_assert_usage_error(run, "--return-exceptions");
    cp_run_free(run);
    run = cp_test_run("async/return_exceptions", "--lesson=002", NULL);
    cp_test_assert_usage_error(run, "--lesson");
    cp_run_free(run);
}

Test(return_exceptions, help, .timeout = 20)
{
    cp_test_assert_help("async/return_exceptions");
}

/* Run an async example under a shell limit (`ulimit ARGS`). */
static CpRun *
run_limited(const char *limit, const char *example)
{
    char *path = g_build_filename(g_getenv("CONPAR_BUILDDIR"), "examples", example, NULL);
    char *script = g_strdup_printf("ulimit %s && exec \"$0\" --time-scale=0", limit);
    const char *argv[] = { "/bin/sh", "-c", script, path, NULL };
    CpRun *run = g_new0(CpRun, 1);
    GError *error = NULL;
    int wait_status;

    cr_assert(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                           &run->out, &run->err, &wait_status, &error),
              "%s", error ? error->message : "");
    run->status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
    run->lines = g_strsplit(run->out, "\n", -1);
    g_free(script);
    g_free(path);
    return run;
}

/* Out of file descriptors: one line that says so, exit 1, not GLib's
 * trap (exit 133, "Creating pipes for GWakeup"). */
Test(async_resources, no_descriptor_left_is_said_clearly, .timeout = 30)
{
    CpRun *run = run_limited("-n 4", "async/greet");

    cr_assert_eq(run->status, 1, "status %d, stderr: %s", run->status, run->err);
    cr_assert_str_eq(run->err, "greet: cannot start the event loop: no file descriptor left "
                               "(Too many open files)\n");
    cr_assert_str_empty(run->out);
    cp_run_free(run);
}

#if !defined(CP_SANITIZE_THREAD) && !defined(CP_SANITIZE_ADDRESS)
/* Too little memory for a thread's stack. */
Test(async_resources, no_thread_is_said_clearly, .timeout = 30)
{
    CpRun *run = run_limited("-v 12000", "async/gather");

    cr_assert_eq(run->status, 1, "status %d, stderr: %s", run->status, run->err);
    cr_assert(g_str_has_prefix(run->err, "gather: cannot start the event loop: cannot create a "
                                         "thread ("), "%s", run->err);
    cp_run_free(run);
}
#endif
