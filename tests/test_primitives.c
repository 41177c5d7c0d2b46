/* SPDX-License-Identifier: 0BSD */
/* The synchronization primitives built on the page (lesson 002's
 * objectives): sync/condition_variable, sync/semaphore, sync/barrier.
 * Invariants only: totals, bounds, counts, the ordering a barrier
 * promises; never an interleaving. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_test.h"

/* The number after `prefix` on the run's first line starting with it, or -1. */
static long
number_after(const CpRun *run, const char *prefix)
{
    for (guint i = 0; i < run->n_lines; i++)
        if (g_str_has_prefix(run->lines[i], prefix))
            return strtol(run->lines[i] + strlen(prefix), NULL, 10);
    return -1;
}

/* ---- sync/condition_variable */

Test(condition_variable, nothing_is_lost_and_the_buffer_never_holds_more_than_five,
     .timeout = 20)
{
    for (int round = 0; round < 5; round++) {
        CpRun *run = cp_test_run("sync/condition_variable", "-v", NULL);

        cp_test_assert_ok(run);
        cr_assert(cp_test_has_line(run, "Produced: 2000"), "%s", run->out);
        cr_assert(cp_test_has_line(run, "Consumed: 2000"), "%s", run->out);
        cr_assert(cp_test_has_line(run, "Checksum ok"), "%s", run->out);
        long most = number_after(run, "Most in the buffer at once: ");
        cr_assert(most >= 1 && most <= 5, "%s", run->out);
        cp_run_free(run);
    }
}

Test(condition_variable, totals_follow_the_options, .timeout = 20)
{
    CpRun *run = cp_test_run("sync/condition_variable", "--producers=5", "--consumers=1",
                             "--items=300", NULL);

    cp_test_assert_lines(run, (const char *const[]) {
        "Produced: 1500", "Consumed: 1500", "Checksum ok", NULL });
    cp_run_free(run);
}

Test(condition_variable, with_if_it_reports_what_went_wrong_and_fails_when_any,
     .timeout = 20)
{
    CpRun *run = cp_test_run("sync/condition_variable", "--if", "--consumers=8", NULL);

    cr_assert(cp_test_has_line(run, "Produced: 2000"), "%s", run->out);
    cr_assert(cp_test_has_line(run, "Consumed: 2000"), "%s", run->out);
    cr_assert(cp_test_has_line(run, "Checksum ok"), "%s", run->out);
    long empty = number_after(run, "Took from an empty buffer: ");
    long full = number_after(run, "Put into a full buffer: ");
    cr_assert(empty >= 0 && full >= 0, "%s", run->out);
    cr_assert_eq(run->status, empty + full > 0 ? 1 : 0, "%s", run->out);
    cp_run_free(run);
}

Test(condition_variable, bad_counts_are_usage_errors, .timeout = 20)
{
    CpRun *run = cp_test_run("sync/condition_variable", "--producers=0", NULL);

    cp_test_assert_usage_error(run, "--producers");
    cp_run_free(run);
    run = cp_test_run("sync/condition_variable", "--items=x", NULL);
    cp_test_assert_usage_error(run, "--items");
    cp_run_free(run);
    cp_test_assert_help("sync/condition_variable");
}

/* ---- sync/semaphore */

/* Run sync/semaphore with -w workers and --limit=limit (and `scale`, if
 * not NULL), check every line's count, and return the peak it printed. */
static long
check_semaphore_run(int workers, int limit, const char *scale)
{
    char *w = g_strdup_printf("--workers=%d", workers);
    char *k = g_strdup_printf("--limit=%d", limit);
    CpRun *run = cp_test_run("sync/semaphore", w, k, scale, NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, (guint) (2 * workers + 1), "%s", run->out);
    for (int i = 1; i <= workers; i++) {
        char *released = g_strdup_printf("Worker %d released", i);
        char *connected = g_strdup_printf("Worker %d connected (", i);

        cr_assert_eq(cp_test_count_prefix(run, connected), 1, "%s", run->out);
        cr_assert_eq(cp_test_count_prefix(run, released), 1, "%s", run->out);
        g_free(released);
        g_free(connected);
    }
    for (guint i = 0; i < run->n_lines; i++) {
        const char *open = strstr(run->lines[i], " connected (");
        if (open) {
            long k_inside = strtol(open + strlen(" connected ("), NULL, 10);
            cr_assert(k_inside >= 1 && k_inside <= limit, "%s", run->out);
        }
    }
    long most = number_after(run, "Most inside at once: ");
    cr_assert(most >= 1 && most <= limit, "%s", run->out);
    cp_run_free(run);
    g_free(w);
    g_free(k);
    return most;
}

Test(semaphore, never_more_than_the_limit_inside_and_each_worker_once, .timeout = 20)
{
    check_semaphore_run(10, 3, NULL);
    check_semaphore_run(12, 1, NULL);
    check_semaphore_run(8, 5, NULL);
    check_semaphore_run(2, 6, NULL);
}

Test(semaphore, the_peak_reaches_the_limit_when_workers_outnumber_it, .timeout = 20)
{
    /* Each worker holds its place for 60 ms: time for the others to start. */
    cr_assert_eq(check_semaphore_run(6, 3, "--time-scale=0.2"), 3);
    cr_assert_eq(check_semaphore_run(3, 3, "--time-scale=0.2"), 3);
}

Test(semaphore, a_limit_out_of_range_is_a_usage_error, .timeout = 20)
{
    CpRun *run = cp_test_run("sync/semaphore", "--limit=0", NULL);

    cp_test_assert_usage_error(run, "--limit");
    cp_run_free(run);
    cp_test_assert_help("sync/semaphore");
}

/* ---- sync/barrier */

/* Check that `run` printed `workers` lines for each of `phases` phases,
 * each worker once per phase, and every phase-p line before any
 * phase-(p+1) line. */
static void
assert_phases_in_step(const CpRun *run, int workers, int phases)
{
    int last_phase = 1, seen_in_phase = 0;

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, (guint) (workers * phases), "%s", run->out);
    for (guint i = 0; i < run->n_lines; i++) {
        int worker, phase;

        cr_assert_eq(sscanf(run->lines[i], "Worker %d finished phase %d", &worker, &phase), 2,
                     "odd line '%s'", run->lines[i]);
        cr_assert(worker >= 1 && worker <= workers, "%s", run->out);
        if (phase != last_phase) {
            cr_assert_eq(seen_in_phase, workers, "phase %d began before %d had finished:\n%s",
                         phase, last_phase, run->out);
            cr_assert_eq(phase, last_phase + 1, "%s", run->out);
            last_phase = phase;
            seen_in_phase = 0;
        }
        seen_in_phase++;
    }
    cr_assert_eq(last_phase, phases, "%s", run->out);
    for (int w = 1; w <= workers; w++) {
        char *prefix = g_strdup_printf("Worker %d finished", w);
        cr_assert_eq(cp_test_count_prefix(run, prefix), (guint) phases, "%s", run->out);
        g_free(prefix);
    }
}

Test(barrier, no_worker_starts_a_phase_before_all_finished_the_last_over_20_runs,
     .timeout = 30)
{
    for (int round = 0; round < 20; round++) {
        CpRun *run = cp_test_run("sync/barrier", NULL);

        assert_phases_in_step(run, 4, 3);
        cp_run_free(run);
    }
}

Test(barrier, workers_and_phases_follow_the_options, .timeout = 20)
{
    CpRun *run = cp_test_run("sync/barrier", "-w", "7", "--phases=5", NULL);

    assert_phases_in_step(run, 7, 5);
    cp_run_free(run);
    run = cp_test_run("sync/barrier", "-w", "1", "--phases=2", "--time-scale=0", NULL);
    assert_phases_in_step(run, 1, 2);
    cp_run_free(run);
}

Test(barrier, phases_out_of_range_are_a_usage_error, .timeout = 20)
{
    CpRun *run = cp_test_run("sync/barrier", "--phases=0", NULL);

    cp_test_assert_usage_error(run, "--phases");
    cp_run_free(run);
    cp_test_assert_help("sync/barrier");
}
