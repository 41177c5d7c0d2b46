/* SPDX-License-Identifier: 0BSD */
/* Black-box tests of the mechanisms built on the page (issue 13):
 * queues/bounded_buffer and pools/thread_pool. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_test.h"

/* ---- queues/bounded_buffer: queue.Queue(maxsize=5) from a mutex and
 * condition variables, running lesson 002's producer/consumer ---- */

#define BB_ITEMS 10
#define BB_MAXSIZE 5

/* producer_consumer's checks (tests/test_queues.c) on the lesson's lines:
 * every item produced once and consumed once, in order, the producer
 * never more than maxsize items ahead (plus the one being handed over:
 * each side prints after its put or get returns).  Returns the number of
 * lines checked, 2 * BB_ITEMS. */
static guint
assert_lesson_002_lines(const CpRun *run)
{
    int produced = 0, consumed = 0;
    guint i;

    cr_assert_geq(run->n_lines, 2 * BB_ITEMS, "%s", run->out);
    for (i = 0; i < 2 * BB_ITEMS; i++) {
        const char *line = run->lines[i];
        char *want;

        if (g_str_has_prefix(line, "Produced: ")) {
            want = g_strdup_printf("Produced: Item-%d", produced++);
        } else {
            want = g_strdup_printf("Consumed: Item-%d", consumed++);
            cr_assert(consumed <= produced + 1, "consumed before produced: %s", line);
        }
        cr_assert_str_eq(line, want, "line %u of:\n%s", i, run->out);
        cr_assert(produced - consumed <= BB_MAXSIZE + 1,
                  "producer %d items ahead at line %u", produced - consumed, i);
        g_free(want);
    }
    cr_assert_eq(produced, BB_ITEMS);
    cr_assert_eq(consumed, BB_ITEMS);
    return i;
}

Test(bounded_buffer, lesson_output, .timeout = 20)
{
    CpRun *run = cp_test_run("queues/bounded_buffer", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(assert_lesson_002_lines(run), run->n_lines, "%s", run->out);
    cp_run_free(run);
}

/* At full speed the threads race for the buffer: still nothing lost, and
 * the program's own checks (exit 0) hold every time. */
Test(bounded_buffer, every_run_moves_each_item_once, .timeout = 30)
{
    for (int r = 0; r < 20; r++) {
        CpRun *run = cp_test_run("queues/bounded_buffer", "--time-scale=0", NULL);

        cp_test_assert_ok(run);
        cr_assert_eq(assert_lesson_002_lines(run), run->n_lines, "%s", run->out);
        cp_run_free(run);
    }
}

/* -v: join() returns only after every task_done(), so its line comes
 * after the last "Consumed" (the consumer prints before task_done());
 * the buffer never held more than 5, and the lesson's pace fills it. */
Test(bounded_buffer, join_waits_for_every_task_done, .timeout = 30)
{
    for (int r = 0; r < 5; r++) {
        CpRun *run = cp_test_run("queues/bounded_buffer", "-v",
                                 r % 2 ? "--time-scale=0" : "--time-scale=0.01", NULL);
        int most = -1, maxsize = -1;

        cp_test_assert_ok(run);
        cr_assert_eq(assert_lesson_002_lines(run), 2 * BB_ITEMS);
        cr_assert_eq(run->n_lines, 2 * BB_ITEMS + 2, "%s", run->out);
        cr_assert_str_eq(run->lines[2 * BB_ITEMS], "join() returned after 10 task_done() calls");
        cr_assert_eq(sscanf(run->lines[2 * BB_ITEMS + 1],
                            "Most items in the buffer at once: %d (maxsize %d)", &most, &maxsize),
                     2, "%s", run->lines[2 * BB_ITEMS + 1]);
        cr_assert_eq(maxsize, BB_MAXSIZE);
        cr_assert(most >= 1 && most <= BB_MAXSIZE, "most %d", most);
        cp_run_free(run);
    }
}

/* The producer is twice as fast as the consumer: at the lesson's pace
 * (scaled to 0.2) the buffer fills to its bound of 5 when Item-9 goes in,
 * 20 ms before the next get; a loaded machine may cost one. */
Test(bounded_buffer, fast_producer_fills_the_buffer, .timeout = 30)
{
    CpRun *run = cp_test_run("queues/bounded_buffer", "-v", "--time-scale=0.2", NULL);
    int most = -1;

    cp_test_assert_ok(run);
    cr_assert_eq(sscanf(run->lines[run->n_lines - 1], "Most items in the buffer at once: %d", &most),
                 1, "%s", run->out);
    cr_assert(most >= BB_MAXSIZE - 1 && most <= BB_MAXSIZE, "most %d", most);
    cp_run_free(run);
}

Test(bounded_buffer, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("queues/bounded_buffer", "--time-scale=-1", NULL);
    cp_test_assert_usage_error(run, "'-1'");
    cp_run_free(run);

    run = cp_test_run("queues/bounded_buffer", "Item-0", NULL);
    cp_test_assert_usage_error(run, "'Item-0'");
    cp_run_free(run);
}

Test(bounded_buffer, help, .timeout = 20)
{
    cp_test_assert_help("queues/bounded_buffer");
}

/* ---- pools/thread_pool: a pool with futures written out, running the
 * squares of lessons 000 and 002 ---- */

/* Lesson 000: square_pool's lines, the results in submission order. */
Test(thread_pool, lesson_000_output, .timeout = 20)
{
    const char *const lines[] = { "25", "49", "81", NULL };
    CpRun *run = cp_test_run("pools/thread_pool", NULL);

    cp_test_assert_lines(run, lines);
    cp_run_free(run);

    run = cp_test_run("pools/thread_pool", "--lesson=000", NULL);
    cp_test_assert_lines(run, lines);
    cp_run_free(run);
}

Test(thread_pool, lesson_002_output, .timeout = 20)
{
    const char *const lines[] = { "Results: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]", NULL };
    CpRun *run = cp_test_run("pools/thread_pool", "--lesson=002", NULL);

    cp_test_assert_lines(run, lines);
    cp_run_free(run);
}

/* -v: every task ran once and shutdown joined every worker, with more
 * tasks than workers, fewer, and one worker; values in input order. */
Test(thread_pool, every_task_runs_once_and_shutdown_joins_every_worker, .timeout = 30)
{
    static const char *const pool_sizes[] = { "1", "3", "16" };

    for (int r = 0; r < 10; r++) {
        const char *w = pool_sizes[r % 3];
        const char *const args[] = { "--lesson=002", "-v", "-w", w, "--",
                                     "-3", "12", "100", "0", "7", "3037000499", NULL };
        CpRun *run = cp_test_runv("pools/thread_pool", args);
        char *tail = g_strdup_printf("Tasks run: 6 of 6 submitted; workers joined: %s of %s", w, w);
        const char *const lines[] = {
            "Results: [9, 144, 10000, 0, 49, 9223372030926249001]", tail, NULL
        };

        cp_test_assert_lines(run, lines);
        g_free(tail);
        cp_run_free(run);
    }
}

/* Many tasks on a few workers: still each once, in order. */
Test(thread_pool, many_tasks_in_order, .timeout = 30)
{
    GPtrArray *args = g_ptr_array_new_with_free_func(g_free);
    GString *want = g_string_new("Results: [");

    g_ptr_array_add(args, g_strdup("--lesson=002"));
    g_ptr_array_add(args, g_strdup("-v"));
    for (int n = 0; n < 200; n++) {
        g_ptr_array_add(args, g_strdup_printf("%d", n));
        g_string_append_printf(want, "%s%d", n ? ", " : "", n * n);
    }
    g_string_append(want, "]");
    g_ptr_array_add(args, NULL);

    CpRun *run = cp_test_runv("pools/thread_pool", (const char *const *) args->pdata);
    const char *const lines[] = { want->str, "Tasks run: 200 of 200 submitted; workers joined: 4 of 4", NULL };

    cp_test_assert_lines(run, lines);
    cp_run_free(run);
    g_string_free(want, TRUE);
    g_ptr_array_free(args, TRUE);
}

Test(thread_pool, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("pools/thread_pool", "3037000500", NULL);
    cp_test_assert_usage_error(run, "'3037000500'");
    cp_run_free(run);

    run = cp_test_run("pools/thread_pool", "five", NULL);
    cp_test_assert_usage_error(run, "'five'");
    cp_run_free(run);

    run = cp_test_run("pools/thread_pool", "--lesson=004", NULL);
    cp_test_assert_usage_error(run, "'004'");
    cp_run_free(run);

    run = cp_test_run("pools/thread_pool", "-w", "0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);
}

Test(thread_pool, help, .timeout = 20)
{
    cp_test_assert_help("pools/thread_pool");
}
