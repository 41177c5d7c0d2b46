/* SPDX-License-Identifier: 0BSD */
/* Black-box tests of examples/sync/. */
#include <config.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cp_test.h"

/* Each of n threads prints its own "<prefix>k: counter = 1, 2, 3", in
 * order, once each. */
static void
assert_thread_local_lines_as(const CpRun *run, int n, const char *prefix)
{
    for (int k = 1; k <= n; k++) {
        int at = -1;

        for (int c = 1; c <= 3; c++) {
            char *line = g_strdup_printf("%s%d: counter = %d", prefix, k, c);
            int found = cp_test_find_line(run, line, at + 1);

            cr_assert(found > at, "missing or out of order: %s", line);
            cr_assert_eq(cp_test_find_line(run, line, found + 1), -1, "twice: %s", line);
            at = found;
            g_free(line);
        }
    }
    cr_assert_eq(cp_test_count_prefix(run, prefix), (guint) (3 * n));
}

/* Lesson 002 §2: value = f"Thread-{thread_id}", print(f"{value}: counter = ..."). */
static void
assert_thread_local_lines(const CpRun *run, int n)
{
    assert_thread_local_lines_as(run, n, "Thread-");
}

/* Lesson 002 §2 "Thread local storage": its 9 lines, nothing else. */
Test(thread_local_counters, lesson_output, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/thread_local_counters", NULL);

    cp_test_assert_ok(run);
    assert_thread_local_lines(run, 3);
    cr_assert_eq(run->n_lines, 9, "%s", run->out);
    cp_run_free(run);
}

/* -v adds the two totals, their times and the expected total. */
Test(thread_local_counters, verbose_output, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/thread_local_counters", "-v", "--increments=20000", NULL);

    cp_test_assert_ok(run);
    assert_thread_local_lines(run, 3);
    cr_assert_eq(run->n_lines, 12);
    cr_assert(g_str_has_prefix(run->lines[9], "Per-thread counters summed: 60000 in "), "%s", run->lines[9]);
    cr_assert(g_str_has_prefix(run->lines[10], "One shared atomic counter: 60000 in "), "%s", run->lines[10]);
    cr_assert_str_eq(run->lines[11], "Expected: 60000");
    cp_run_free(run);
}

/* Lesson 002b "Thread Local Storage": name = f"Local-{i+1}",
 * print(f"Thread {name}: counter = ..."), then
 * print("Thread local storage completed!"); the title is not printed. */
Test(thread_local_counters, lesson_002b, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/thread_local_counters", "--lesson=002b", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 10, "%s", run->out);
    assert_thread_local_lines_as(run, 3, "Thread Local-");
    cr_assert_str_eq(run->lines[9], "Thread local storage completed!");
    cp_run_free(run);

    /* -v: the same, and what it adds after the lesson's last line. */
    run = cp_test_run("sync/thread_local_counters", "--lesson=002b", "-v", "-n", "1000", NULL);
    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 13, "%s", run->out);
    assert_thread_local_lines_as(run, 3, "Thread Local-");
    cr_assert_str_eq(run->lines[9], "Thread local storage completed!");
    cr_assert_str_eq(run->lines[12], "Expected: 3000");
    cp_run_free(run);
}

Test(thread_local_counters, more_workers, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/thread_local_counters", "-v", "-w", "5", "--increments=1000", NULL);

    cp_test_assert_ok(run);
    assert_thread_local_lines(run, 5);
    cr_assert(cp_test_has_line(run, "Expected: 5000"));
    cr_assert_eq(cp_test_count_prefix(run, "Per-thread counters summed: 5000 in "), 1);
    cr_assert_eq(cp_test_count_prefix(run, "One shared atomic counter: 5000 in "), 1);
    cp_run_free(run);

    run = cp_test_run("sync/thread_local_counters", "-w", "5", NULL);
    cp_test_assert_ok(run);
    assert_thread_local_lines(run, 5);
    cr_assert_eq(run->n_lines, 15, "%s", run->out);
    cp_run_free(run);
}

Test(thread_local_counters, rejects_bad_input, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/thread_local_counters", "--increments=0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);

    run = cp_test_run("sync/thread_local_counters", "--workers=0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);

    run = cp_test_run("sync/thread_local_counters", "--workers=many", NULL);
    cp_test_assert_usage_error(run, "many");
    cp_run_free(run);

    run = cp_test_run("sync/thread_local_counters", "--lesson=003", NULL);
    cp_test_assert_usage_error(run, "'003'");
    cp_run_free(run);
}

Test(thread_local_counters, help, .timeout = 30)
{
    cp_test_assert_help("sync/thread_local_counters");
}

/* ------------------------------------------------------------ even_odd_lock */

Test(even_odd_lock, two_unbroken_blocks, .timeout = 30)
{
    /* The lock decides that the runs do not mix, not which comes first. */
    for (int i = 0; i < 10; i++) {
        CpRun *run = cp_test_run("sync/even_odd_lock", NULL);
        char *text;

        cp_test_assert_ok(run);
        cr_assert_eq(run->n_lines, 10, "output: %s", run->out);
        text = g_strjoinv(" ", run->lines);
        cr_assert(strcmp(text, "2 4 6 8 10 1 3 5 7 9") == 0 ||
                  strcmp(text, "1 3 5 7 9 2 4 6 8 10") == 0,
                  "the runs mixed: %s", text);
        g_free(text);
        cp_run_free(run);
    }
}

Test(even_odd_lock, rejects_bad_input, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/even_odd_lock", "11", NULL);
    cp_test_assert_usage_error(run, "'11'");
    cp_run_free(run);

    run = cp_test_run("sync/even_odd_lock", "--time-scale=slow", NULL);
    cp_test_assert_usage_error(run, "slow");
    cp_run_free(run);

    run = cp_test_run("sync/even_odd_lock", "--lesson=000", NULL);
    cp_test_assert_usage_error(run, "--lesson");
    cp_run_free(run);
}

Test(even_odd_lock, help, .timeout = 30)
{
    cp_test_assert_help("sync/even_odd_lock");
}

/* ----------------------------------------------------------- shared_counter */

/* Run shared_counter with args; assert its two lines and a clean exit. */
static void
assert_exact_total(const char *const *args, const char *counter_line, const char *expected_line)
{
    CpRun *run = cp_test_runv("sync/shared_counter", args);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 2, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], counter_line);
    cr_assert_str_eq(run->lines[1], expected_line);
    cp_run_free(run);
}

/* Lesson 002 §2 "Threading with shared data": 5 threads x 100000 under a
 * lock, then print(f"Final counter value: {counter}"), and nothing else. */
Test(shared_counter, lesson_output, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/shared_counter", NULL);

    cp_test_assert_lines(run, (const char *const[]) { "Final counter value: 500000", NULL });
    cp_run_free(run);

    run = cp_test_run("sync/shared_counter", "--lesson=002", "--mode=lock", NULL);
    cp_test_assert_lines(run, (const char *const[]) { "Final counter value: 500000", NULL });
    cp_run_free(run);
}

/* -v adds the expected total; --mode=atomic counts the same. */
Test(shared_counter, verbose_and_atomic, .timeout = 30)
{
    const char *const verbose[] = { "-v", NULL };
    const char *const atomic[] = { "--mode=atomic", "-v", NULL };
    const char *const shapes[] = { "-v", "-w", "2", "--increments=7", NULL };
    CpRun *run;

    assert_exact_total(verbose, "Final counter value: 500000", "Expected: 500000");
    assert_exact_total(atomic, "Final counter value: 500000", "Expected: 500000");
    assert_exact_total(shapes, "Final counter value: 14", "Expected: 14");

    run = cp_test_run("sync/shared_counter", "-m", "atomic", NULL);
    cp_test_assert_lines(run, (const char *const[]) { "Final counter value: 500000", NULL });
    cp_run_free(run);
}

/* --lesson=002b --mode=M: that one count, in 002b's wording. */
Test(shared_counter, lesson_002b_one_mode, .timeout = 30)
{
    const char *const args[] = { "--lesson=002b", "--mode=lock", NULL };

    assert_exact_total(args, "Counter with lock: 300000", "Expected: 300000");
}

Test(shared_counter, atomic, .timeout = 30)
{
    const char *const args[] = { "--lesson=002b", "--mode=atomic", NULL };

    assert_exact_total(args, "Counter with atomics: 300000", "Expected: 300000");
}

Test(shared_counter, other_shapes, .timeout = 30)
{
    const char *const lock5[] = { "--lesson=002b", "--mode=lock", "-w", "5", "--increments=20000", NULL };
    const char *const atomic5[] = { "--lesson", "002b", "-m", "atomic", "--workers=5", "-n", "20000", NULL };
    const char *const lock1[] = { "--lesson=002b", "-m", "lock", "-w", "1", "--increments=1", NULL };
    const char *const atomic64[] = { "--lesson=002b", "--mode=atomic", "-w", "64", "--increments=1000", NULL };

    assert_exact_total(lock5, "Counter with lock: 100000", "Expected: 100000");
    assert_exact_total(atomic5, "Counter with atomics: 100000", "Expected: 100000");
    assert_exact_total(lock1, "Counter with lock: 1", "Expected: 1");
    assert_exact_total(atomic64, "Counter with atomics: 64000", "Expected: 64000");
}

#ifdef CP_SANITIZE_THREAD
/* Built with ThreadSanitizer: the races of --mode=none and of lesson 002b
 * (its unlocked count) must be reported, and the correct counts must run
 * clean. */
static CpRun *
run_under_tsan(const char *const *args)
{
    const char *const env[] = { "TSAN_OPTIONS=halt_on_error=1 exitcode=66", NULL };

    return cp_test_run_env(env, "sync/shared_counter", args);
}

static void
assert_tsan_race(const char *const *args)
{
    CpRun *run = run_under_tsan(args);

    cr_assert_eq(run->status, 66, "%s: exit status %d, stderr: %s", args[0], run->status, run->err);
    cr_assert(strstr(run->err, "ThreadSanitizer: data race") != NULL, "%s: no race report: %s",
              args[0], run->err);
    cp_run_free(run);
}

Test(shared_counter, tsan_reports_the_race, .timeout = 30)
{
    assert_tsan_race((const char *const[]) { "--mode=none", NULL });
    assert_tsan_race((const char *const[]) { "--lesson=002b", NULL });
}

/* Assert a clean run under ThreadSanitizer whose first line is `first`. */
static void
assert_tsan_clean(const char *const *args, const char *first)
{
    CpRun *run = run_under_tsan(args);

    cp_test_assert_ok(run);
    cr_assert_str_eq(run->lines[0], first);
    cp_run_free(run);
}

Test(shared_counter, tsan_clean_with_lock_and_atomic, .timeout = 60)
{
    assert_tsan_clean((const char *const[]) { NULL }, "Final counter value: 500000");
    assert_tsan_clean((const char *const[]) { "--mode=lock", NULL }, "Final counter value: 500000");
    assert_tsan_clean((const char *const[]) { "--mode=atomic", NULL }, "Final counter value: 500000");
    assert_tsan_clean((const char *const[]) { "--lesson=002b", "--mode=lock", NULL },
                      "Counter with lock: 300000");
    assert_tsan_clean((const char *const[]) { "--lesson=002b", "--mode=atomic", NULL },
                      "Counter with atomics: 300000");
}
#else
/* Run --lesson=002b -v --mode=none ARGS...; return the counter after
 * checking the lines around it. */
static long
run_without_lock(const char *const *args, long expected)
{
    CpRun *run = cp_test_runv("sync/shared_counter", args);
    long counter, lost;
    char *want;

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 3, "output: %s", run->out);
    cr_assert_eq(sscanf(run->lines[0], "Counter without lock: %ld", &counter), 1, "%s", run->lines[0]);
    want = g_strdup_printf("Expected: %ld", expected);
    cr_assert_str_eq(run->lines[1], want);
    cr_assert_eq(sscanf(run->lines[2], "Lost updates: %ld", &lost), 1, "%s", run->lines[2]);
    cr_assert_eq(lost, expected - counter);
    g_free(want);
    cp_run_free(run);
    return counter;
}

Test(shared_counter, none_never_exceeds_expected, .timeout = 30)
{
    const char *const lesson[] = { "--lesson=002b", "-v", "--mode=none", NULL };
    const char *const more[] = { "--lesson=002b", "-v", "--mode=none", "-w", "4",
                                 "--increments=200000", NULL };

    /* Lost updates may or may not happen; more than expected never can. */
    for (int i = 0; i < 10; i++) {
        long counter = run_without_lock(lesson, 300000);

        cr_assert(counter >= 1 && counter <= 300000, "counter %ld", counter);
        counter = run_without_lock(more, 800000);
        cr_assert(counter >= 1 && counter <= 800000, "counter %ld", counter);
    }
}

/* Lesson 002 with --mode=none: its one line, with whatever count the race
 * left; -v adds the expected total and the updates lost. */
Test(shared_counter, lesson_002_without_lock, .timeout = 30)
{
    for (int i = 0; i < 5; i++) {
        CpRun *run = cp_test_run("sync/shared_counter", "--mode=none", NULL);
        long counter, lost;

        cp_test_assert_ok(run);
        cr_assert_eq(run->n_lines, 1, "output: %s", run->out);
        cr_assert_eq(sscanf(run->lines[0], "Final counter value: %ld", &counter), 1, "%s",
                     run->lines[0]);
        cr_assert(counter >= 1 && counter <= 500000, "counter %ld", counter);
        cp_run_free(run);

        run = cp_test_run("sync/shared_counter", "--mode=none", "-v", NULL);
        cp_test_assert_ok(run);
        cr_assert_eq(run->n_lines, 3, "output: %s", run->out);
        cr_assert_eq(sscanf(run->lines[0], "Final counter value: %ld", &counter), 1, "%s",
                     run->lines[0]);
        cr_assert_str_eq(run->lines[1], "Expected: 500000");
        cr_assert_eq(sscanf(run->lines[2], "Lost updates: %ld", &lost), 1, "%s", run->lines[2]);
        cr_assert_eq(lost, 500000 - counter);
        cp_run_free(run);
    }
}

/* Lesson 002b "Threading with Shared Data": 3 threads x 100000 under a
 * lock, then 3 without, and print(f"Counter with lock: {counter}"),
 * print(f"Counter without lock: {counter_no_lock}"),
 * print(f"Expected: 300000"); the title is not printed.  The unlocked
 * count may lose updates, never gain any. */
Test(shared_counter, lesson_002b, .timeout = 30)
{
    for (int i = 0; i < 5; i++) {
        CpRun *run = cp_test_run("sync/shared_counter", "--lesson=002b", NULL);
        long counter, lost;

        cp_test_assert_ok(run);
        cr_assert_eq(run->n_lines, 3, "output: %s", run->out);
        cr_assert_str_eq(run->lines[0], "Counter with lock: 300000");
        cr_assert_eq(sscanf(run->lines[1], "Counter without lock: %ld", &counter), 1, "%s",
                     run->lines[1]);
        cr_assert(counter >= 1 && counter <= 300000, "counter %ld", counter);
        cr_assert_str_eq(run->lines[2], "Expected: 300000");
        cp_run_free(run);

        /* -v adds the updates lost, after the lesson's lines. */
        run = cp_test_run("sync/shared_counter", "--lesson=002b", "-v", NULL);
        cp_test_assert_ok(run);
        cr_assert_eq(run->n_lines, 4, "output: %s", run->out);
        cr_assert_str_eq(run->lines[0], "Counter with lock: 300000");
        cr_assert_eq(sscanf(run->lines[1], "Counter without lock: %ld", &counter), 1, "%s",
                     run->lines[1]);
        cr_assert_str_eq(run->lines[2], "Expected: 300000");
        cr_assert_eq(sscanf(run->lines[3], "Lost updates: %ld", &lost), 1, "%s", run->lines[3]);
        cr_assert_eq(lost, 300000 - counter);
        cp_run_free(run);
    }
}
#endif

Test(shared_counter, rejects_bad_input, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/shared_counter", "--mode=fast", NULL);
    cp_test_assert_usage_error(run, "'fast'");
    cp_run_free(run);

    run = cp_test_run("sync/shared_counter", "--increments=0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);

    run = cp_test_run("sync/shared_counter", "--increments=100000001", NULL);
    cp_test_assert_usage_error(run, "'100000001'");
    cp_run_free(run);

    run = cp_test_run("sync/shared_counter", "-w", "0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);

    run = cp_test_run("sync/shared_counter", "none", NULL);
    cp_test_assert_usage_error(run, "'none'");
    cp_run_free(run);

    run = cp_test_run("sync/shared_counter", "--lesson=003", NULL);
    cp_test_assert_usage_error(run, "'003'");
    cp_run_free(run);
}

Test(shared_counter, help, .timeout = 30)
{
    cp_test_assert_help("sync/shared_counter");
}

/* ---------------------------------------------------- shared_counter --step */

Test(shared_counter_step, default_schedule_loses_an_update, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/shared_counter", "--step", NULL);

    cp_test_assert_lines(run, (const char *const[]) {
        "A: load   register A = 0   counter = 0",
        "B: load   register B = 0   counter = 0",
        "B: add    register B = 1   counter = 0",
        "B: store  register B = 1   counter = 1",
        "A: add    register A = 1   counter = 1",
        "A: store  register A = 1   counter = 1",
        "Final counter value: 1 (expected 2): one update lost",
        NULL });
    cp_run_free(run);

    /* The same schedule, given in lower case, and shown first with -v. */
    run = cp_test_run("sync/shared_counter", "--step", "--schedule=abbbaa", "-v", NULL);
    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 8, "output: %s", run->out);
    cr_assert_str_eq(run->lines[0], "Schedule: ABBBAA");
    cr_assert_str_eq(run->lines[7], "Final counter value: 1 (expected 2): one update lost");
    cp_run_free(run);
}

Test(shared_counter_step, one_thread_after_the_other_loses_nothing, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/shared_counter", "--step", "--schedule=AAABBB", NULL);

    cp_test_assert_lines(run, (const char *const[]) {
        "A: load   register A = 0   counter = 0",
        "A: add    register A = 1   counter = 0",
        "A: store  register A = 1   counter = 1",
        "B: load   register B = 1   counter = 1",
        "B: add    register B = 2   counter = 1",
        "B: store  register B = 2   counter = 2",
        "Final counter value: 2 (expected 2)",
        NULL });
    cp_run_free(run);
}

Test(shared_counter_step, lock_makes_b_wait_and_keeps_both_updates, .timeout = 30)
{
    /* The default schedule, which loses an update without the lock. */
    CpRun *run = cp_test_run("sync/shared_counter", "--step", "--mode=lock", NULL);

    cp_test_assert_lines(run, (const char *const[]) {
        "A: lock    register A = ?   counter = 0   A has the lock",
        "B: lock    register B = ?   counter = 0   waits: A has the lock",
        "B: lock    register B = ?   counter = 0   waits: A has the lock",
        "B: lock    register B = ?   counter = 0   waits: A has the lock",
        "A: load    register A = 0   counter = 0",
        "A: add     register A = 1   counter = 0",
        "(schedule used up: A runs to its end, then B)",
        "A: store   register A = 1   counter = 1",
        "A: unlock  register A = 1   counter = 1   the lock is free",
        "B: lock    register B = ?   counter = 1   B has the lock",
        "B: load    register B = 1   counter = 1",
        "B: add     register B = 2   counter = 1",
        "B: store   register B = 2   counter = 2",
        "B: unlock  register B = 2   counter = 2   the lock is free",
        "Final counter value: 2 (expected 2)",
        NULL });
    cp_run_free(run);
}

Test(shared_counter_step, used_up_schedule_lets_the_lock_holder_finish_first, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/shared_counter", "--step", "--mode=lock", "--schedule=BA",
                             NULL);

    cp_test_assert_lines(run, (const char *const[]) {
        "B: lock    register B = ?   counter = 0   B has the lock",
        "A: lock    register A = ?   counter = 0   waits: B has the lock",
        "(schedule used up: B has the lock, so B runs to its end, then A)",
        "B: load    register B = 0   counter = 0",
        "B: add     register B = 1   counter = 0",
        "B: store   register B = 1   counter = 1",
        "B: unlock  register B = 1   counter = 1   the lock is free",
        "A: lock    register A = ?   counter = 1   A has the lock",
        "A: load    register A = 1   counter = 1",
        "A: add     register A = 2   counter = 1",
        "A: store   register A = 2   counter = 2",
        "A: unlock  register A = 2   counter = 2   the lock is free",
        "Final counter value: 2 (expected 2)",
        NULL });
    cp_run_free(run);
}

Test(shared_counter_step, letters_of_a_finished_thread_are_skipped, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/shared_counter", "--step", "--schedule=AAAAB", NULL);

    cp_test_assert_lines(run, (const char *const[]) {
        "A: load   register A = 0   counter = 0",
        "A: add    register A = 1   counter = 0",
        "A: store  register A = 1   counter = 1",
        "A: done   no step left: letter skipped",
        "B: load   register B = 1   counter = 1",
        "(schedule used up: B runs to its end)",
        "B: add    register B = 2   counter = 1",
        "B: store  register B = 2   counter = 2",
        "Final counter value: 2 (expected 2)",
        NULL });
    cp_run_free(run);
}

Test(shared_counter_step, no_schedule_loses_an_update_under_the_lock, .timeout = 60)
{
    const char *const fixed[] = { "AB", "BA", "ABABABABAB", "BBBBBBAAAA", "ABBBAAABAB", NULL };

    for (int seed = 0; seed < 20; seed++) {
        char *arg = g_strdup_printf("--seed=%d", seed);
        CpRun *run = cp_test_run("sync/shared_counter", "--step", "--mode=lock",
                                 "--schedule=random", arg, NULL);

        cp_test_assert_ok(run);
        cr_assert_gt(run->n_lines, 2, "output: %s", run->out);
        cr_assert(g_str_has_prefix(run->lines[0], "Schedule: "), "%s", run->lines[0]);
        cr_assert_str_eq(run->lines[run->n_lines - 1], "Final counter value: 2 (expected 2)",
                         "%s: %s", arg, run->out);
        cr_assert_eq(cp_test_count_prefix(run, "A: unlock"), 1, "%s", run->out);
        cr_assert_eq(cp_test_count_prefix(run, "B: unlock"), 1, "%s", run->out);
        cp_run_free(run);
        g_free(arg);
    }
    for (const char *const *s = fixed; *s; s++) {
        char *arg = g_strdup_printf("--schedule=%s", *s);
        CpRun *run = cp_test_run("sync/shared_counter", "--step", "--mode=lock", arg, NULL);

        cp_test_assert_ok(run);
        cr_assert_str_eq(run->lines[run->n_lines - 1], "Final counter value: 2 (expected 2)",
                         "%s: %s", arg, run->out);
        cp_run_free(run);
        g_free(arg);
    }
}

Test(shared_counter_step, random_schedule_repeats_with_its_seed, .timeout = 30)
{
    CpRun *first = cp_test_run("sync/shared_counter", "--step", "--schedule=random", "--seed=1",
                               NULL);
    CpRun *again = cp_test_run("sync/shared_counter", "--step", "--schedule=RANDOM", "--seed=1",
                               NULL);
    CpRun *other = cp_test_run("sync/shared_counter", "--step", "--schedule=random", "--seed=2",
                               NULL);
    CpRun *unseeded = cp_test_run("sync/shared_counter", "--step", "--schedule=random", NULL);
    unsigned long seed;
    char drawn[8];

    cp_test_assert_ok(first);
    cp_test_assert_ok(again);
    cp_test_assert_ok(other);
    cr_assert_str_eq(first->lines[0], "Schedule: BBAABA (random, --seed=1)");
    cr_assert_str_eq(first->out, again->out);
    cr_assert_str_eq(other->lines[0], "Schedule: BBBAAA (random, --seed=2)");
    cr_assert_str_neq(first->out, other->out);

    /* Without --seed, the seed it printed gives the same run again. */
    cp_test_assert_ok(unseeded);
    cr_assert_eq(sscanf(unseeded->lines[0], "Schedule: %7s (random, --seed=%lu)", drawn, &seed),
                 2, "%s", unseeded->lines[0]);
    char *arg = g_strdup_printf("--seed=%lu", seed);
    CpRun *repeat = cp_test_run("sync/shared_counter", "--step", "--schedule=random", arg, NULL);
    cr_assert_str_eq(repeat->out, unseeded->out);
    g_free(arg);

    cp_run_free(first);
    cp_run_free(again);
    cp_run_free(other);
    cp_run_free(unseeded);
    cp_run_free(repeat);
}

Test(shared_counter_step, rejects_bad_input, .timeout = 30)
{
    static const struct {
        const char *args[4];
        const char *message;
    } cases[] = {
        { { "--step", "--schedule=ABXA" }, "--schedule 'ABXA': character 3 is not A or B" },
        { { "--step", "--schedule=" }, "--schedule '' is empty" },
        { { "--schedule=AB" }, "--schedule is for --step" },
        { { "--seed=3" }, "--seed is for --step --schedule=random" },
        { { "--step", "--seed=3" }, "--seed is for --schedule=random" },
        { { "--step", "--schedule=random", "--seed=4294967296" }, "'4294967296'" },
        { { "--step", "--mode=atomic" }, "--mode=atomic" },
        { { "--step", "-w", "3" }, "not with -w" },
        { { "--step", "--increments=5" }, "not with --increments" },
        { { "--step", "--lesson=002b" }, "not with --lesson=002b" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        CpRun *run = cp_test_runv("sync/shared_counter", cases[i].args);

        cp_test_assert_usage_error(run, cases[i].message);
        cp_run_free(run);
    }
}

#ifdef CP_SANITIZE_THREAD
/* The steps are ordered by the turn, which passes through a mutex: no
 * race to report, with the lock or without. */
Test(shared_counter_step, tsan_clean, .timeout = 60)
{
    const char *const env[] = { "TSAN_OPTIONS=halt_on_error=1 exitcode=66", NULL };
    const char *const none[] = { "--step", "--schedule=random", "--seed=7", NULL };
    const char *const lock[] = { "--step", "--mode=lock", "--schedule=ABABBBBAAA", NULL };
    CpRun *run = cp_test_run_env(env, "sync/shared_counter", none);

    cp_test_assert_ok(run);
    cp_run_free(run);
    run = cp_test_run_env(env, "sync/shared_counter", lock);
    cp_test_assert_ok(run);
    cr_assert_str_eq(run->lines[run->n_lines - 1], "Final counter value: 2 (expected 2)");
    cp_run_free(run);
}
#endif

/* ---------------------------------------------------------- inc_dec_counter */

/* Every line but the last is "Shared Variable: v" with 0 <= v < threads
 * (the printing thread has undone its own increment); the last is the
 * final 0. */
static void
assert_inc_dec_lines(const CpRun *run, int threads, int iterations)
{
    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, (guint) (threads * iterations + 1));
    /* One assertion for all the lines: Criterion reports each one. */
    guint bad = 0;
    for (guint i = 0; i + 1 < run->n_lines && bad == 0; i++) {
        int v;
        char extra;

        if (sscanf(run->lines[i], "Shared Variable: %d%c", &v, &extra) != 1 || v < 0 || v >= threads)
            bad = i + 1;
    }
    cr_assert_eq(bad, 0, "line %u: %s", bad, bad ? run->lines[bad - 1] : "");
    cr_assert_str_eq(run->lines[run->n_lines - 1], "Final Shared Variable: 0");
}

Test(inc_dec_counter, printed_values_in_range, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/inc_dec_counter", "--iterations=2000", NULL);
    assert_inc_dec_lines(run, 4, 2000);
    cp_run_free(run);

    run = cp_test_run("sync/inc_dec_counter", "-w", "8", "-n", "500", NULL);
    assert_inc_dec_lines(run, 8, 500);
    cp_run_free(run);

    run = cp_test_run("sync/inc_dec_counter", "-w", "1", "-n", "100", NULL);
    assert_inc_dec_lines(run, 1, 100);
    cp_run_free(run);
}

/* The lesson's 400000 lines would make the test slow (and very slow under
 * AddressSanitizer): the lines are checked with fewer steps above, and the
 * lesson's count runs here with --quiet. */
Test(inc_dec_counter, lesson_count_quiet, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/inc_dec_counter", "--quiet", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 1, "output: %.200s", run->out);
    cr_assert_str_eq(run->lines[0], "Final Shared Variable: 0");
    cp_run_free(run);
}

/* -v ends with how often each value was read: values in 0..threads-1,
 * one read per increment/decrement pair, so the counts add up. */
static void
assert_values_read(const char *line, int threads, long reads)
{
    const char *p = line + strlen("Values read:");
    long total = 0;

    cr_assert(g_str_has_prefix(line, "Values read: "), "%s", line);
    while (*p != '\0') {
        int v, used = 0;
        long times;

        cr_assert_eq(sscanf(p, "%*[ ,]%d (%ld times)%n", &v, &times, &used), 2, "%s", line);
        cr_assert(used > 0 && v >= 0 && v < threads && times > 0, "%s", line);
        total += times;
        p += used;
    }
    cr_assert_eq(total, reads, "%s: %ld reads, not %ld", line, total, reads);
}

Test(inc_dec_counter, verbose_counts_the_values, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/inc_dec_counter", "--quiet", "-v", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 2, "output: %.200s", run->out);
    cr_assert_str_eq(run->lines[0], "Final Shared Variable: 0");
    assert_values_read(run->lines[1], 4, 400000);
    cp_run_free(run);

    run = cp_test_run("sync/inc_dec_counter", "-v", "-w", "3", "-n", "200", NULL);
    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 602);
    cr_assert_str_eq(run->lines[600], "Final Shared Variable: 0");
    assert_values_read(run->lines[601], 3, 600);
    cp_run_free(run);
}

Test(inc_dec_counter, rejects_bad_input, .timeout = 30)
{
    CpRun *run = cp_test_run("sync/inc_dec_counter", "--iterations=0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);

    run = cp_test_run("sync/inc_dec_counter", "--iterations=lots", NULL);
    cp_test_assert_usage_error(run, "lots");
    cp_run_free(run);

    run = cp_test_run("sync/inc_dec_counter", "--workers=1025", NULL);
    cp_test_assert_usage_error(run, "'1025'");
    cp_run_free(run);

    run = cp_test_run("sync/inc_dec_counter", "--lesson=001", NULL);
    cp_test_assert_usage_error(run, "--lesson");
    cp_run_free(run);
}

Test(inc_dec_counter, help, .timeout = 30)
{
    cp_test_assert_help("sync/inc_dec_counter");
}

/* ------------------------------------------------------- locked_file_writer */

/* Assert that the file holds "Thread i: 10000000" once for each i below
 * threads, each line whole, in any order. */
static void
assert_results_file(const char *path, int threads)
{
    char *text, **lines;
    gsize length;
    GError *error = NULL;

    cr_assert(g_file_get_contents(path, &text, &length, &error), "cannot read %s: %s",
              path, error ? error->message : "?");
    cr_assert(length > 0 && text[length - 1] == '\n', "last line not whole: %s", text);
    text[length - 1] = '\0';
    lines = g_strsplit(text, "\n", -1);
    cr_assert_eq(g_strv_length(lines), (guint) threads, "file: %s", text);
    for (int i = 0; i < threads; i++) {
        char *line = g_strdup_printf("Thread %d: 10000000", i);

        cr_assert(g_strv_contains((const char *const *) lines, line), "missing: %s in %s", line, text);
        g_free(line);
    }
    g_strfreev(lines);
    g_free(text);
}

Test(locked_file_writer, one_line_per_thread, .timeout = 30)
{
    char *dir = g_dir_make_tmp("conpar-XXXXXX", NULL);
    cr_assert_not_null(dir);
    char *path = g_build_filename(dir, "out.txt", NULL);
    char *option = g_strdup_printf("--output=%s", path);
    CpRun *run = cp_test_run("sync/locked_file_writer", option, NULL);
    cp_test_assert_ok(run);
    cr_assert_str_empty(run->out);
    assert_results_file(path, 4);
    cp_run_free(run);

    /* A second run replaces the file, with more threads. */
    run = cp_test_run("sync/locked_file_writer", "-w", "8", "-o", path, NULL);
    cp_test_assert_ok(run);
    cr_assert_str_empty(run->out);
    assert_results_file(path, 8);
    cp_run_free(run);

    /* -v says what it wrote, and where. */
    char *wrote = g_strdup_printf("Wrote 2 lines to %s", path);
    run = cp_test_run("sync/locked_file_writer", "-v", "-w", "2", "-o", path, NULL);
    cp_test_assert_lines(run, (const char *const[]) { wrote, NULL });
    assert_results_file(path, 2);
    cp_run_free(run);
    g_free(wrote);

    cr_assert_eq(g_unlink(path), 0);
    cr_assert_eq(g_rmdir(dir), 0);
    g_free(option);
    g_free(path);
    g_free(dir);
}

Test(locked_file_writer, default_results_txt, .timeout = 30)
{
    char *dir = g_dir_make_tmp("conpar-XXXXXX", NULL);
    const char *builddir = g_getenv("CONPAR_BUILDDIR");
    char *absolute = g_canonicalize_filename(builddir ? builddir : ".", NULL);

    /* Run it in an empty directory, still finding the build from there. */
    cr_assert_not_null(dir);
    g_setenv("CONPAR_BUILDDIR", absolute, TRUE);
    cr_assert_eq(chdir(dir), 0);
    CpRun *run = cp_test_run("sync/locked_file_writer", NULL);
    cp_test_assert_ok(run);
    assert_results_file("results.txt", 4);
    cp_run_free(run);

    cr_assert_eq(g_unlink("results.txt"), 0);
    cr_assert_eq(g_rmdir(dir), 0);
    g_free(absolute);
    g_free(dir);
}

Test(locked_file_writer, rejects_bad_input, .timeout = 30)
{
    char *dir = g_dir_make_tmp("conpar-XXXXXX", NULL);
    cr_assert_not_null(dir);
    char *missing = g_build_filename(dir, "no-such-dir", "out.txt", NULL);
    char *option = g_strdup_printf("--output=%s", missing);
    CpRun *run = cp_test_run("sync/locked_file_writer", option, NULL);
    cp_test_assert_usage_error(run, missing);
    cp_run_free(run);

    /* A directory is not a file to write to. */
    run = cp_test_run("sync/locked_file_writer", "-o", dir, NULL);
    cp_test_assert_usage_error(run, dir);
    cp_run_free(run);

    run = cp_test_run("sync/locked_file_writer", "--workers=zero", NULL);
    cp_test_assert_usage_error(run, "zero");
    cp_run_free(run);

    run = cp_test_run("sync/locked_file_writer", "--lesson=001", NULL);
    cp_test_assert_usage_error(run, "--lesson");
    cp_run_free(run);

    cr_assert_eq(g_rmdir(dir), 0);
    g_free(option);
    g_free(missing);
    g_free(dir);
}

Test(locked_file_writer, help, .timeout = 30)
{
    cp_test_assert_help("sync/locked_file_writer");
}
