/* SPDX-License-Identifier: 0BSD */
/* Black-box tests of examples/threads/. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

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

/* One lesson only: --lesson is no option of this program. */
Test(factorial_threads, rejects_lesson, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/factorial_threads", "--lesson=002", NULL);

    cp_test_assert_usage_error(run, "--lesson");
    cp_run_free(run);
}

Test(factorial_threads, help, .timeout = 20)
{
    cp_test_assert_help("threads/factorial_threads");
}

/* numbers_letters: each thread's lines in its own order, once each, and
 * the last line last; `extra` more lines after it (what -v adds). */
static void
assert_numbers_letters_lines(const CpRun *run, const char *const own_order[2][5],
                             const char *last, guint extra)
{
    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 11 + extra, "%s", run->out);
    for (int t = 0; t < 2; t++) {
        int at = -1;

        for (int i = 0; i < 5; i++) {
            int found = cp_test_find_line(run, own_order[t][i], 0);

            cr_assert(found >= 0 && found < 10, "missing: %s", own_order[t][i]);
            cr_assert(found > at, "out of order: %s", own_order[t][i]);
            cr_assert_eq(cp_test_find_line(run, own_order[t][i], found + 1), -1,
                         "twice: %s", own_order[t][i]);
            at = found;
        }
    }
    cr_assert_str_eq(run->lines[10], last);
}

/* Lesson 000 "Threading": range(5) and 'ABCDE', bare. */
static void
assert_numbers_letters(const CpRun *run)
{
    static const char *const own_order[2][5] = {
        { "0", "1", "2", "3", "4" },
        { "A", "B", "C", "D", "E" },
    };

    assert_numbers_letters_lines(run, own_order, "Both threads have finished executing.", 0);
}

Test(numbers_letters, lesson_output, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/numbers_letters", NULL);

    assert_numbers_letters(run);
    cp_run_free(run);
}

/* Lesson 004 §2: print(f"Number: {i}") for i in range(1, 6), and
 * print(f"Letter: {letter}"), then print("Threads completed."). */
Test(numbers_letters, lesson_004, .timeout = 20)
{
    static const char *const own_order[2][5] = {
        { "Number: 1", "Number: 2", "Number: 3", "Number: 4", "Number: 5" },
        { "Letter: A", "Letter: B", "Letter: C", "Letter: D", "Letter: E" },
    };
    CpRun *run = cp_test_run("threads/numbers_letters", "--lesson=004", NULL);

    assert_numbers_letters_lines(run, own_order, "Threads completed.", 0);
    cp_run_free(run);

    run = cp_test_run("threads/numbers_letters", "--lesson", "000", NULL);
    assert_numbers_letters(run);
    cp_run_free(run);
}

/* -v adds the scale note and how long the run took, after the lesson's
 * lines: about 5 waits, in lesson seconds. */
Test(numbers_letters, verbose_adds_the_time, .timeout = 20)
{
    static const char *const own_order[2][5] = {
        { "0", "1", "2", "3", "4" },
        { "A", "B", "C", "D", "E" },
    };
    CpRun *run = cp_test_run("threads/numbers_letters", "-v", NULL);
    double took;

    assert_numbers_letters_lines(run, own_order, "Both threads have finished executing.", 2);
    cr_assert_str_eq(run->lines[11], "(lesson seconds; ran at time scale 0.01)");
    cr_assert_eq(sscanf(run->lines[12], "Took %lf seconds", &took), 1, "%s", run->lines[12]);
    cr_assert(took >= 5 * 0.99, "%s", run->lines[12]);
    cp_run_free(run);
}

/* Each thread waits 5 times.  At a scale of 0.1 a wait is 0.1 s: the run
 * takes at least 5 waits (0.5 s) and, the threads waiting at the same time,
 * far less than the 10 waits (1 s) of one thread after the other.  The
 * bound of 8 waits leaves 0.3 s for starting the process on a busy machine. */
Test(numbers_letters, threads_wait_at_the_same_time, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/numbers_letters", "--time-scale=0.1", NULL);

    assert_numbers_letters(run);
    cr_assert(run->seconds >= 0.5 * 0.99, "took %.3f s, less than 5 waits", run->seconds);
    cr_assert(run->seconds < 0.8, "took %.3f s: the waits did not overlap", run->seconds);
    cp_run_free(run);
}

Test(numbers_letters, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/numbers_letters", "extra", NULL);
    cp_test_assert_usage_error(run, "'extra'");
    cp_run_free(run);

    run = cp_test_run("threads/numbers_letters", "--time-scale=fast", NULL);
    cp_test_assert_usage_error(run, "'fast'");
    cp_run_free(run);

    run = cp_test_run("threads/numbers_letters", "--lesson=003", NULL);
    cp_test_assert_usage_error(run, "'003'");
    cp_run_free(run);
}

Test(numbers_letters, help, .timeout = 20)
{
    cp_test_assert_help("threads/numbers_letters");
}

Test(thread_class, lesson_output, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/thread_class", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 4, "%s", run->out);
    for (int k = 1; k <= 2; k++) {
        char *starting = g_strdup_printf("Worker-%d starting", k);
        char *finished = g_strdup_printf("Worker-%d finished", k);
        int s = cp_test_find_line(run, starting, 0);
        int f = cp_test_find_line(run, finished, 0);

        cr_assert(s >= 0, "missing: %s", starting);
        cr_assert(f >= 0, "missing: %s", finished);
        cr_assert(s < f, "%s after %s", starting, finished);
        g_free(starting);
        g_free(finished);
    }
    cp_run_free(run);
}

Test(thread_class, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/thread_class", "Worker-3", NULL);
    cp_test_assert_usage_error(run, "'Worker-3'");
    cp_run_free(run);

    run = cp_test_run("threads/thread_class", "--workers=3", NULL);
    cp_test_assert_usage_error(run, "--workers");
    cp_run_free(run);

    run = cp_test_run("threads/thread_class", "--lesson=004", NULL);
    cp_test_assert_usage_error(run, "--lesson");
    cp_run_free(run);
}

Test(thread_class, help, .timeout = 20)
{
    cp_test_assert_help("threads/thread_class");
}

/* worker_threads -v: after the scale note, every "Worker Thread-k
 * starting" once, then its "Worker Thread-k finished after D s" once, D in
 * 1..3; the last line last.  Stores each worker's D in durations[k - 1]
 * and the line where it finished in finished_at[k - 1]. */
static void
parse_worker_threads_last(const CpRun *run, int workers, double *durations, int *finished_at,
                          const char *last)
{
    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, (guint) (2 * workers + 2), "%s", run->out);
    cr_assert(g_str_has_prefix(run->lines[0], "(lesson seconds; ran at time scale "), "%s",
              run->lines[0]);
    cr_assert_eq(cp_test_count_prefix(run, "Worker Thread-"), (guint) (2 * workers));
    for (int k = 1; k <= workers; k++) {
        char *starting = g_strdup_printf("Worker Thread-%d starting", k);
        char *prefix = g_strdup_printf("Worker Thread-%d finished after ", k);
        int s = cp_test_find_line(run, starting, 0);

        cr_assert(s >= 0, "missing: %s", starting);
        cr_assert_eq(cp_test_find_line(run, starting, s + 1), -1, "twice: %s", starting);
        cr_assert_eq(cp_test_count_prefix(run, prefix), 1, "not once: %s", prefix);
        finished_at[k - 1] = -1;
        for (guint i = 0; i < run->n_lines; i++) {
            if (g_str_has_prefix(run->lines[i], prefix)) {
                char unit[4] = "";
                int n = sscanf(run->lines[i] + strlen(prefix), "%lf %3s", &durations[k - 1], unit);

                cr_assert(n == 2 && strcmp(unit, "s") == 0, "bad line: %s", run->lines[i]);
                finished_at[k - 1] = (int) i;
            }
        }
        cr_assert(s < finished_at[k - 1], "Thread-%d finished before it started", k);
        cr_assert(durations[k - 1] >= 1.0 && durations[k - 1] <= 3.0,
                  "Thread-%d slept %g s, not 1..3", k, durations[k - 1]);
        g_free(starting);
        g_free(prefix);
    }
    cr_assert_str_eq(run->lines[2 * workers + 1], last);
}

static void
parse_worker_threads(const CpRun *run, int workers, double *durations, int *finished_at)
{
    parse_worker_threads_last(run, workers, durations, finished_at, "All threads completed");
}

/* Without -v, the lesson's lines only: each worker starts once and
 * finishes once, after it started ("Worker Thread-k finished", nothing
 * after it), and the last line is last. */
static void
assert_worker_threads_lesson(const CpRun *run, int workers, const char *last)
{
    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, (guint) (2 * workers + 1), "%s", run->out);
    for (int k = 1; k <= workers; k++) {
        char *starting = g_strdup_printf("Worker Thread-%d starting", k);
        char *finished = g_strdup_printf("Worker Thread-%d finished", k);
        int s = cp_test_find_line(run, starting, 0);
        int f = cp_test_find_line(run, finished, 0);

        cr_assert(s >= 0, "missing: %s", starting);
        cr_assert(f >= 0, "missing: %s", finished);
        cr_assert(s < f, "%s after %s", starting, finished);
        cr_assert_eq(cp_test_find_line(run, starting, s + 1), -1, "twice: %s", starting);
        cr_assert_eq(cp_test_find_line(run, finished, f + 1), -1, "twice: %s", finished);
        g_free(starting);
        g_free(finished);
    }
    cr_assert_str_eq(run->lines[2 * workers], last);
}

/* Lesson 002 §2 "Basic threading": three workers, then
 * print("All threads completed"); the title is not printed. */
Test(worker_threads, lesson_output, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/worker_threads", NULL);

    assert_worker_threads_lesson(run, 3, "All threads completed");
    cp_run_free(run);
}

/* -v: the sleeps on the "finished" lines, in lesson seconds. */
Test(worker_threads, verbose_output, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/worker_threads", "-v", NULL);
    double durations[3];
    int finished_at[3];

    parse_worker_threads(run, 3, durations, finished_at);
    cp_run_free(run);
}

/* Lesson 002b "Basic Threading Example": args=(f"Thread-{i+1}", 2), then
 * print("All threads completed!"); the title lines are not printed. */
Test(worker_threads, lesson_002b, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/worker_threads", "--lesson=002b", NULL);

    assert_worker_threads_lesson(run, 3, "All threads completed!");
    cp_run_free(run);

    /* Every sleep is the lesson's 2 s. */
    run = cp_test_run("threads/worker_threads", "--lesson=002b", "-v", "-w", "4", NULL);
    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 10, "%s", run->out);
    for (int k = 1; k <= 4; k++) {
        char *finished = g_strdup_printf("Worker Thread-%d finished after 2.00 s", k);

        cr_assert(cp_test_has_line(run, finished), "missing: %s", finished);
        g_free(finished);
    }
    cr_assert_str_eq(run->lines[9], "All threads completed!");
    cp_run_free(run);
}

Test(worker_threads, more_workers, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/worker_threads", "-v", "-w", "6", NULL);
    double durations[6];
    int finished_at[6];

    parse_worker_threads(run, 6, durations, finished_at);
    cp_run_free(run);

    run = cp_test_run("threads/worker_threads", "-w", "6", NULL);
    assert_worker_threads_lesson(run, 6, "All threads completed");
    cp_run_free(run);
}

Test(worker_threads, seed_repeats_the_sleeps, .timeout = 20)
{
    double first[3], second[3], other[3];
    int finished_at[3];
    CpRun *run = cp_test_run("threads/worker_threads", "-v", "--seed=7", NULL);

    parse_worker_threads(run, 3, first, finished_at);
    cp_run_free(run);
    run = cp_test_run("threads/worker_threads", "-v", "--seed=7", NULL);
    parse_worker_threads(run, 3, second, finished_at);
    cp_run_free(run);
    run = cp_test_run("threads/worker_threads", "-v", "--seed=8", NULL);
    parse_worker_threads(run, 3, other, finished_at);
    cp_run_free(run);
    for (int k = 0; k < 3; k++)
        cr_assert_eq(first[k], second[k], "Thread-%d: %g s, then %g s", k + 1, first[k], second[k]);
    cr_assert(first[0] != other[0] || first[1] != other[1] || first[2] != other[2],
              "seeds 7 and 8 gave the same sleeps");
}

/* Finish order follows the sleeps.  Two sleeps can be arbitrarily close, so
 * only pairs at least 0.5 s apart are compared, at a scale of 0.1 where that
 * is 50 ms of real time: far more than the threads' start-up skew.  The
 * seeds are ones whose sleeps give such pairs (the test fails if a seed no
 * longer does, rather than silently checking nothing). */
Test(worker_threads, finish_order_follows_sleeps, .timeout = 20)
{
    static const char *const seeds[] = { "--seed=5", "--seed=8", "--seed=11" };
    int compared = 0;

    for (gsize r = 0; r < G_N_ELEMENTS(seeds); r++) {
        CpRun *run = cp_test_run("threads/worker_threads", "-v", "-w", "4", seeds[r],
                                 "--time-scale=0.1", NULL);
        double durations[4];
        int finished_at[4];

        parse_worker_threads(run, 4, durations, finished_at);
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
                if (durations[a] + 0.5 <= durations[b]) {
                    cr_assert(finished_at[a] < finished_at[b],
                              "%s: Thread-%d (%g s) finished after Thread-%d (%g s)",
                              seeds[r], a + 1, durations[a], b + 1, durations[b]);
                    compared++;
                }
            }
        }
        cp_run_free(run);
    }
    cr_assert(compared >= 10, "only %d pairs far enough apart to compare", compared);
}

Test(worker_threads, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/worker_threads", "--seed=abc", NULL);
    cp_test_assert_usage_error(run, "'abc'");
    cp_run_free(run);

    run = cp_test_run("threads/worker_threads", "--seed=-1", NULL);
    cp_test_assert_usage_error(run, "'-1'");
    cp_run_free(run);

    run = cp_test_run("threads/worker_threads", "--seed=4294967296", NULL);
    cp_test_assert_usage_error(run, "'4294967296'");
    cp_run_free(run);

    run = cp_test_run("threads/worker_threads", "-w", "0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);

    run = cp_test_run("threads/worker_threads", "3", NULL);
    cp_test_assert_usage_error(run, "'3'");
    cp_run_free(run);

    run = cp_test_run("threads/worker_threads", "--lesson=003", NULL);
    cp_test_assert_usage_error(run, "'003'");
    cp_run_free(run);
}

Test(worker_threads, help, .timeout = 20)
{
    cp_test_assert_help("threads/worker_threads");
}

/* two_threads: lesson 003 "2. Multithreading": task1 and task2 print one
 * line each, in either order, and nothing else. */
Test(two_threads, lesson_output, .timeout = 20)
{
    for (int i = 0; i < 5; i++) {
        CpRun *run = cp_test_run("threads/two_threads", NULL);

        cp_test_assert_ok(run);
        cr_assert_eq(run->n_lines, 2, "%s", run->out);
        cr_assert(cp_test_has_line(run, "Task 1 is running"), "%s", run->out);
        cr_assert(cp_test_has_line(run, "Task 2 is running"), "%s", run->out);
        cp_run_free(run);
    }
}

Test(two_threads, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("threads/two_threads", "3", NULL);
    cp_test_assert_usage_error(run, "'3'");
    cp_run_free(run);

    /* Nothing to wait for, so nothing to scale; one lesson, so no --lesson. */
    run = cp_test_run("threads/two_threads", "--time-scale=0.5", NULL);
    cp_test_assert_usage_error(run, "--time-scale");
    cp_run_free(run);

    run = cp_test_run("threads/two_threads", "--lesson=003", NULL);
    cp_test_assert_usage_error(run, "--lesson");
    cp_run_free(run);
}

Test(two_threads, help, .timeout = 20)
{
    cp_test_assert_help("threads/two_threads");
}
