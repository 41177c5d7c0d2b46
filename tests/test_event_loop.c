/* SPDX-License-Identifier: 0BSD */
/* async/event_loop: the event loop written out in one file (a ready queue,
 * a timer heap, poll()), running lesson 001's greet and a gather. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>

#include "cp_test.h"

/* Hellos in order, then Goodbyes in order, then the gather's results in
 * submission order, though the 1.5 s wait ends before the 2 s one. */
static const char *const lesson_lines[] = {
    "Hello, Alice!", "Hello, Bob!", "Hello, Charlie!",
    "Goodbye, Alice!", "Goodbye, Bob!", "Goodbye, Charlie!",
    "Results: [1, 2, 1.5]", NULL
};

Test(event_loop, greet_then_gather_in_order, .timeout = 20)
{
    CpRun *run = cp_test_run("async/event_loop", NULL);

    cp_test_assert_lines(run, lesson_lines);
    cp_run_free(run);
}

Test(event_loop, same_lines_at_time_scale_zero, .timeout = 20)
{
    /* Every deadline is now: the order still comes from the heap's FIFO
     * among equal deadlines and from the gathers, not from the clock. */
    for (int i = 0; i < 20; i++) {
        CpRun *run = cp_test_run("async/event_loop", "--time-scale=0", NULL);

        cp_test_assert_lines(run, lesson_lines);
        cp_run_free(run);
    }
}

/* The waits overlap: the run lasts about the longest wait (2 lesson
 * seconds), not the sum of the six (7.5). */
Test(event_loop, total_is_the_longest_wait_not_the_sum, .timeout = 20)
{
    CpRun *run = cp_test_run("async/event_loop", "-v", "--time-scale=0.1", NULL);
    double took = 0, longest = 0, sum = 0;
    unsigned long callbacks = 0, timers = 0, polls = 0;
    int n = 0;

    cp_test_assert_ok(run);
    cr_assert_geq(run->n_lines, 9);
    cr_assert_eq(sscanf(run->lines[run->n_lines - 2],
                        "Took %lf s: the longest wait (%lf s), not the sum of all %d waits (%lf s)",
                        &took, &longest, &n, &sum), 4, "line: %s", run->lines[run->n_lines - 2]);
    cr_assert_eq(longest, 2.0);
    cr_assert_eq(n, 6);
    cr_assert_eq(sum, 7.5);
    cr_assert_geq(took, 2.0, "took %.2f s, less than the longest wait", took);
    cr_assert_lt(took, 4.0, "took %.2f s: the waits did not overlap", took);
    cr_assert_eq(sscanf(run->lines[run->n_lines - 1],
                        "Loop: %lu callbacks run, %lu timers fired, %lu sleeps in poll()",
                        &callbacks, &timers, &polls), 3, "line: %s", run->lines[run->n_lines - 1]);
    cr_assert_eq(timers, 6, "one timer per sleep");
    /* main, 3 greet starts, 3 work starts, 6 timers' steps, 2 gathers' parents */
    cr_assert_eq(callbacks, 15);
    cr_assert_geq(polls, 1);
    cp_run_free(run);
}

Test(event_loop, help_and_bad_input, .timeout = 20)
{
    CpRun *run;

    cp_test_assert_help("async/event_loop");
    run = cp_test_run("async/event_loop", "--time-scale=fast", NULL);
    cp_test_assert_usage_error(run, "fast");
    cp_run_free(run);
    run = cp_test_run("async/event_loop", "extra", NULL);
    cr_assert_eq(run->status, 2);
    cp_run_free(run);
}
