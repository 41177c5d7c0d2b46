/* SPDX-License-Identifier: 0BSD */
/* Black-box tests of examples/processes/. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp_test.h"

static void
assert_results(const char *line, const char *const *args)
{
    CpRun *run = cp_test_runv("processes/parallel_sum", args);
    const char *const want[] = { line, NULL };

    cp_test_assert_lines(run, want);
    cp_run_free(run);
}

Test(parallel_sum, lesson_output, .timeout = 20)
{
    const char *const args[] = { NULL };

    assert_results("Results: [5050, 15050, 25050, 35050]", args);
}

Test(parallel_sum, other_shapes, .timeout = 20)
{
    const char *const three_by_five[] = { "--sublists=3", "--size=5", NULL };
    const char *const one[] = { "-k", "1", "-n", "10", NULL };
    const char *const big[] = { "--sublists=2", "--size=10000000", NULL };

    assert_results("Results: [15, 40, 65]", three_by_five);
    assert_results("Results: [55]", one);
    /* 1+..+10^7 and (10^7+1)+..+2*10^7: sums beyond 32 bits. */
    assert_results("Results: [50000005000000, 150000005000000]", big);
}

Test(parallel_sum, many_children, .timeout = 20)
{
    const char *const args[] = { "--sublists=64", "--size=1", NULL };
    GString *want = g_string_new("Results: [");

    for (int i = 1; i <= 64; i++)
        g_string_append_printf(want, "%s%d", i > 1 ? ", " : "", i);
    g_string_append_c(want, ']');
    assert_results(want->str, args);
    g_string_free(want, TRUE);
}

Test(parallel_sum, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/parallel_sum", "--sublists=65", NULL);
    cp_test_assert_usage_error(run, "'65'");
    cp_run_free(run);

    run = cp_test_run("processes/parallel_sum", "--size=ten", NULL);
    cp_test_assert_usage_error(run, "ten");
    cp_run_free(run);

    run = cp_test_run("processes/parallel_sum", "7", NULL);
    cp_test_assert_usage_error(run, "'7'");
    cp_run_free(run);
}

Test(parallel_sum, help, .timeout = 20)
{
    cp_test_assert_help("processes/parallel_sum");
}

/* ------------------------------------------------ numbers_letters_processes */

/* The lesson's lines: each child's own order kept, the final line last. */
static void
assert_numbers_letters(const CpRun *run, guint extra_lines)
{
    const char *numbers[] = { "0", "1", "2", "3", "4" };
    const char *letters[] = { "A", "B", "C", "D", "E" };
    int after_number = 0, after_letter = 0;

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 11 + extra_lines, "output: %s", run->out);
    for (int i = 0; i < 5; i++) {
        after_number = cp_test_find_line(run, numbers[i], after_number);
        cr_assert_geq(after_number, 0, "%s missing or out of order: %s", numbers[i], run->out);
        after_letter = cp_test_find_line(run, letters[i], after_letter);
        cr_assert_geq(after_letter, 0, "%s missing or out of order: %s", letters[i], run->out);
    }
    cr_assert_str_eq(run->lines[run->n_lines - 1], "Both processes have finished executing.");
}

Test(numbers_letters_processes, lesson_output, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/numbers_letters_processes", NULL);

    assert_numbers_letters(run, 0);
    cp_run_free(run);
}

/* Five waits in each process, the two at once: about 5 waits, not 10.  At
 * 0.2 s a wait, the margin (0.6 s) leaves room for a slow machine. */
Test(numbers_letters_processes, processes_run_at_once, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/numbers_letters_processes", "--time-scale=0.2", NULL);

    assert_numbers_letters(run, 0);
    cr_assert(run->seconds >= 0.95, "took %.2f s, less than 5 waits of 0.2 s", run->seconds);
    cr_assert(run->seconds < 1.6, "took %.2f s: the processes did not overlap", run->seconds);
    cp_run_free(run);
}

/* --show-pids: each child prints the PID that its own getpid() returns,
 * and its parent's; three processes, three PIDs. */
Test(numbers_letters_processes, really_other_processes, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/numbers_letters_processes", "--show-pids", NULL);
    long main_pid = 0, pid[3] = { 0 }, ppid[3] = { 0 };

    assert_numbers_letters(run, 3);
    cr_assert_eq(sscanf(run->lines[0], "MainProcess (PID: %ld)", &main_pid), 1,
                 "first line: %s", run->lines[0]);
    for (guint i = 0; i < run->n_lines; i++) {
        int k;
        long p, pp;

        if (sscanf(run->lines[i], "Process-%d (PID: %ld, parent PID: %ld)", &k, &p, &pp) == 3) {
            cr_assert(k == 1 || k == 2, "line %s", run->lines[i]);
            cr_assert_eq(pid[k], 0, "Process-%d reported twice", k);
            pid[k] = p;
            ppid[k] = pp;
        }
    }
    for (int k = 1; k <= 2; k++) {
        cr_assert_gt(pid[k], 0, "no PID line for Process-%d: %s", k, run->out);
        cr_assert_neq(pid[k], main_pid, "Process-%d runs in the parent's process", k);
        cr_assert_eq(ppid[k], main_pid, "Process-%d's parent is %ld, not %ld", k, ppid[k], main_pid);
    }
    cr_assert_neq(pid[1], pid[2], "both children report PID %ld", pid[1]);
    cp_run_free(run);
}

Test(numbers_letters_processes, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/numbers_letters_processes", "extra", NULL);
    cp_test_assert_usage_error(run, "'extra'");
    cp_run_free(run);

    run = cp_test_run("processes/numbers_letters_processes", "--time-scale=fast", NULL);
    cp_test_assert_usage_error(run, "'fast'");
    cp_run_free(run);
}

Test(numbers_letters_processes, help, .timeout = 20)
{
    cp_test_assert_help("processes/numbers_letters_processes");
}

/* ------------------------------------------------------ factorial_processes */

Test(factorial_processes, lesson_output, .timeout = 20)
{
    const char *const want[] = {
        "Factorial of 1 is 1", "Factorial of 2 is 2", "Factorial of 3 is 6",
        "Factorial of 4 is 24", "Factorial of 5 is 120",
    };
    CpRun *run = cp_test_run("processes/factorial_processes", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 6, "output: %s", run->out);
    for (int i = 0; i < 5; i++)
        cr_assert(cp_test_has_line(run, want[i]), "missing: %s", want[i]);
    cr_assert_str_eq(run->lines[5], "All factorials have been calculated.");
    cp_run_free(run);
}

Test(factorial_processes, inputs_up_to_20, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/factorial_processes", "20", "0", "13", "13", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 5, "output: %s", run->out);
    cr_assert(cp_test_has_line(run, "Factorial of 20 is 2432902008176640000"));
    cr_assert(cp_test_has_line(run, "Factorial of 0 is 1"));
    cr_assert_eq(cp_test_count_prefix(run, "Factorial of 13 is 6227020800"), 2);
    cr_assert_str_eq(run->lines[4], "All factorials have been calculated.");
    cp_run_free(run);
}

Test(factorial_processes, rejects_bad_input, .timeout = 20)
{
    const char *many[66];
    CpRun *run = cp_test_run("processes/factorial_processes", "5", "21", NULL);

    cp_test_assert_usage_error(run, "'21'");
    cp_run_free(run);

    run = cp_test_run("processes/factorial_processes", "five", NULL);
    cp_test_assert_usage_error(run, "'five'");
    cp_run_free(run);

    run = cp_test_run("processes/factorial_processes", "-3", NULL);
    cp_test_assert_usage_error(run, "-3");
    cp_run_free(run);

    for (int i = 0; i < 65; i++)
        many[i] = "1";
    many[65] = NULL;
    run = cp_test_runv("processes/factorial_processes", many);
    cp_test_assert_usage_error(run, "65");
    cp_run_free(run);
}

Test(factorial_processes, help, .timeout = 20)
{
    cp_test_assert_help("processes/factorial_processes");
}

/* ---------------------------------------------------------- named_processes */

/* Lesson 004 §3 (the default): each Process-k (k = 1..workers) prints
 * "Process-k working on k-1", then "Process-k done.", once each and in that
 * order; "All processes finished." after them all.  With -v each worker
 * first prints "Process-k (PID: n, parent PID: m)": its PID is returned in
 * pids[k], its parent's in ppids[k].  extra_lines: the lines not of a
 * worker (the parent's -v lines). */
static void
assert_named_004(const CpRun *run, int workers, gboolean verbose, guint extra_lines,
                 long *pids, long *ppids)
{
    guint per_worker = verbose ? 3 : 2;
    int last = cp_test_find_line(run, "All processes finished.", 0);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, per_worker * (guint) workers + 1 + extra_lines, "output: %s", run->out);
    for (int k = 1; k <= workers; k++) {
        char *prefix = g_strdup_printf("Process-%d ", k);
        char *working = g_strdup_printf("Process-%d working on %d", k, k - 1);
        char *done = g_strdup_printf("Process-%d done.", k);
        int work = cp_test_find_line(run, working, 0);
        int finish = cp_test_find_line(run, done, 0);

        cr_assert_eq(cp_test_count_prefix(run, prefix), per_worker, "Process-%d: not %u lines: %s",
                     k, per_worker, run->out);
        cr_assert(work >= 0 && finish > work && last > finish,
                  "Process-%d: working on %d, done., then the final line, in that order: %s",
                  k, k - 1, run->out);
        if (verbose) {
            int pid_line = -1;

            for (guint i = 0; i < run->n_lines; i++) {
                int n, end = 0;
                long p, pp;

                if (sscanf(run->lines[i], "Process-%d (PID: %ld, parent PID: %ld)%n", &n, &p, &pp, &end) == 3
                    && n == k && run->lines[i][end] == '\0') {
                    pid_line = (int) i;
                    pids[k] = p;
                    ppids[k] = pp;
                }
            }
            cr_assert(pid_line >= 0 && pid_line < work, "Process-%d: no PID line before its work: %s",
                      k, run->out);
            cr_assert_gt(pids[k], 0);
            for (int j = 1; j < k; j++)
                cr_assert_neq(pids[j], pids[k], "Process-%d and Process-%d share PID %ld", j, k, pids[k]);
        }
        g_free(prefix);
        g_free(working);
        g_free(done);
    }
}

/* Lesson 002 §3 (a): each Process-k starts and finishes, once each and in
 * that order, under one PID of its own: "Process Process-k (PID: n)
 * starting" / "... finished"; the final line after them, followed by
 * lines_after more lines.  extra_lines: the lines not of the lesson (the
 * -v and --show-parent lines).  Returns the workers' PIDs in pids[1..workers]. */
static void
assert_named_002(const CpRun *run, int workers, guint extra_lines, guint lines_after, long *pids)
{
    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 2 * (guint) workers + 1 + extra_lines, "output: %s", run->out);
    for (int k = 1; k <= workers; k++) {
        char *prefix = g_strdup_printf("Process Process-%d ", k);
        int start = -1, finish = -1;
        long start_pid = 0, finish_pid = 0;

        cr_assert_eq(cp_test_count_prefix(run, prefix), 2, "Process-%d: not 2 lines: %s", k, run->out);
        for (guint i = 0; i < run->n_lines; i++) {
            int n, end = 0;
            long pid;

            if (sscanf(run->lines[i], "Process Process-%d (PID: %ld) starting%n", &n, &pid, &end) == 2
                && n == k && run->lines[i][end] == '\0') {
                start = (int) i;
                start_pid = pid;
            } else if (sscanf(run->lines[i], "Process Process-%d (PID: %ld) finished%n", &n, &pid, &end) == 2
                       && n == k && run->lines[i][end] == '\0') {
                finish = (int) i;
                finish_pid = pid;
            }
        }
        cr_assert(start >= 0 && finish > start,
                  "Process-%d: starting, then finished: %s", k, run->out);
        cr_assert_gt(start_pid, 0);
        cr_assert_eq(start_pid, finish_pid, "Process-%d changed PID", k);
        for (int j = 1; j < k; j++)
            cr_assert_neq(pids[j], start_pid, "Process-%d and Process-%d share PID %ld", j, k, start_pid);
        pids[k] = start_pid;
        g_free(prefix);
    }
    cr_assert_eq(cp_test_count_prefix(run, "All processes completed"), 1, "output: %s", run->out);
    cr_assert_str_eq(run->lines[run->n_lines - 1 - lines_after], "All processes completed");
}

/* The lesson's 7 lines (inventory 004-3), each once, and nothing else. */
Test(named_processes, lesson_output, .timeout = 20)
{
    const char *const lesson[] = {
        "Process-1 working on 0", "Process-2 working on 1", "Process-3 working on 2",
        "Process-1 done.", "Process-2 done.", "Process-3 done.",
    };
    CpRun *run = cp_test_run("processes/named_processes", NULL);
    long pids[4], ppids[4];

    assert_named_004(run, 3, FALSE, 0, pids, ppids);
    cr_assert_eq(run->n_lines, 7, "output: %s", run->out);
    for (guint i = 0; i < G_N_ELEMENTS(lesson); i++)
        cr_assert(cp_test_has_line(run, lesson[i]), "missing: %s", lesson[i]);
    cr_assert_str_eq(run->lines[6], "All processes finished.");
    cp_run_free(run);
}

/* Lesson 002 §3 (a) "Basic multiprocessing" (inventory 002 §3): 3 starting
 * and 3 finished lines with PIDs, then the final line, and nothing else. */
Test(named_processes, lesson_002, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/named_processes", "--lesson=002", NULL);
    long pids[4];

    assert_named_002(run, 3, 0, 0, pids);
    cr_assert_eq(run->n_lines, 7, "output: %s", run->out);
    cr_assert_eq(cp_test_count_prefix(run, "Process Process-"), 6, "output: %s", run->out);
    cr_assert_str_eq(run->lines[6], "All processes completed");
    cp_run_free(run);
}

/* The parent prints its own PID first: no worker has it. */
Test(named_processes, workers_are_not_the_parent, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/named_processes", "--lesson=002", "--show-parent", "-w", "5", NULL);
    long pids[6], parent = 0;

    cr_assert_eq(run->n_lines, 12, "output: %s", run->out);
    cr_assert_eq(sscanf(run->lines[0], "MainProcess (PID: %ld)", &parent), 1, "first line: %s", run->lines[0]);
    assert_named_002(run, 5, 1, 0, pids);
    cr_assert_str_eq(run->lines[11], "All processes completed");
    for (int k = 1; k <= 5; k++)
        cr_assert_neq(pids[k], parent, "Process-%d has the parent's PID %ld", k, parent);
    cp_run_free(run);
}

/* -v in lesson 004: the parent's PID first, each worker's own PID and its
 * parent's; distinct PIDs, none the parent's, every worker the parent's
 * child; then the lesson's final line, the scale note and the time. */
Test(named_processes, verbose_shows_pids_and_time, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/named_processes", "-v", "-w", "5", NULL);
    long pids[6], ppids[6], parent = 0;
    double took;
    int end = 0;

    cr_assert_eq(sscanf(run->lines[0], "MainProcess (PID: %ld)", &parent), 1, "first line: %s", run->out);
    assert_named_004(run, 5, TRUE, 3, pids, ppids);
    for (int k = 1; k <= 5; k++) {
        cr_assert_neq(pids[k], parent, "Process-%d has the parent's PID %ld", k, parent);
        cr_assert_eq(ppids[k], parent, "Process-%d's parent is %ld, not %ld", k, ppids[k], parent);
    }
    cr_assert_str_eq(run->lines[run->n_lines - 3], "All processes finished.");
    cr_assert_str_eq(run->lines[run->n_lines - 2], "(lesson seconds; ran at time scale 0.01)");
    cr_assert(sscanf(run->lines[run->n_lines - 1], "Took %lf s: 5 waits of 1 s, all at once%n", &took, &end) == 1
              && run->lines[run->n_lines - 1][end] == '\0', "last line: %s", run->out);
    cr_assert(took >= 0.99, "took %.2f lesson seconds, less than one wait", took);
    cp_run_free(run);
}

/* -v in lesson 002: the same extra lines around the lesson's; at scale 0
 * the waits take no time, and the note says so. */
Test(named_processes, verbose_in_lesson_002, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/named_processes", "--lesson=002", "-v", "-w", "2",
                             "--time-scale=0", NULL);
    long pids[3], parent = 0, p, pp;

    cr_assert_eq(run->n_lines, 1 + 2 * 3 + 1 + 2, "output: %s", run->out);
    cr_assert_eq(sscanf(run->lines[0], "MainProcess (PID: %ld)", &parent), 1, "first line: %s", run->out);
    cr_assert_eq(cp_test_count_prefix(run, "Process-"), 2, "output: %s", run->out);
    for (guint i = 0; i < run->n_lines; i++)
        if (sscanf(run->lines[i], "Process-%*d (PID: %ld, parent PID: %ld)", &p, &pp) == 2)
            cr_assert(p != parent && pp == parent, "line %s: parent %ld", run->lines[i], parent);
    assert_named_002(run, 2, 5, 2, pids);
    cr_assert_str_eq(run->lines[run->n_lines - 2], "(lesson seconds; ran at time scale 0)");
    cr_assert_str_eq(run->lines[run->n_lines - 1], "Took 0.00 s: 2 waits of 2 s, all at once");
    cp_run_free(run);
}

/* "The workers run at once, so the run takes one wait whatever N": five
 * 1-unit waits of 0.4 s in parallel take well under five units. */
Test(named_processes, workers_run_at_once, .timeout = 20)
{
    long pids[6], ppids[6];
    CpRun *run = cp_test_run("processes/named_processes", "-w", "5", "--time-scale=0.4", NULL);

    assert_named_004(run, 5, FALSE, 0, pids, ppids);
    cr_assert(run->seconds >= 0.39, "took %.2f s, less than one wait of 0.4 s", run->seconds);
    cr_assert(run->seconds < 1.2, "took %.2f s: the processes did not overlap", run->seconds);
    cp_run_free(run);

    /* 002 waits 2 s: at scale 0.2, 0.4 s again. */
    run = cp_test_run("processes/named_processes", "--lesson=002", "-w", "5", "--time-scale=0.2", NULL);
    assert_named_002(run, 5, 0, 0, pids);
    cr_assert(run->seconds >= 0.39, "took %.2f s, less than one wait of 0.4 s", run->seconds);
    cr_assert(run->seconds < 1.2, "took %.2f s: the processes did not overlap", run->seconds);
    cp_run_free(run);
}

Test(named_processes, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/named_processes", "-w", "0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);

    run = cp_test_run("processes/named_processes", "--workers=many", NULL);
    cp_test_assert_usage_error(run, "many");
    cp_run_free(run);

    run = cp_test_run("processes/named_processes", "3", NULL);
    cp_test_assert_usage_error(run, "'3'");
    cp_run_free(run);

    /* 003's two processes are processes/two_processes. */
    run = cp_test_run("processes/named_processes", "--lesson=003", NULL);
    cp_test_assert_usage_error(run, "'003'");
    cp_run_free(run);

    run = cp_test_run("processes/named_processes", "--lesson=2", NULL);
    cp_test_assert_usage_error(run, "'2'");
    cp_run_free(run);
}

Test(named_processes, help, .timeout = 20)
{
    cp_test_assert_help("processes/named_processes");
}

/* ------------------------------------------------------------ two_processes */

/* Lesson 003 "3. Multiprocessing" (inventory 003-2): the two lines in
 * either order (the processes race), each once, and nothing else. */
Test(two_processes, lesson_output, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/two_processes", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 2, "output: %s", run->out);
    cr_assert(cp_test_has_line(run, "Task 1 is running"), "output: %s", run->out);
    cr_assert(cp_test_has_line(run, "Task 2 is running"), "output: %s", run->out);
    cp_run_free(run);
}

/* Each child flushes before _exit(): run often, no line is ever lost or
 * printed twice (the parent flushes before each fork), and every child is
 * reaped (cp_test_run checks that none is left). */
Test(two_processes, every_line_once, .timeout = 20)
{
    for (int i = 0; i < 20; i++) {
        CpRun *run = cp_test_run("processes/two_processes", NULL);

        cp_test_assert_ok(run);
        cr_assert_eq(run->n_lines, 2, "run %d: %s", i, run->out);
        cr_assert_eq(cp_test_count_prefix(run, "Task 1 is running"), 1, "run %d: %s", i, run->out);
        cr_assert_eq(cp_test_count_prefix(run, "Task 2 is running"), 1, "run %d: %s", i, run->out);
        cp_run_free(run);
    }
}

/* A child that cannot write says so, and the parent fails too: stdout
 * is /dev/full, where every write fails with ENOSPC. */
Test(two_processes, write_error_is_reported, .timeout = 20)
{
    char *prog = g_build_filename(g_getenv("CONPAR_BUILDDIR") ? g_getenv("CONPAR_BUILDDIR") : ".",
                                  "examples", "processes", "two_processes", NULL);
    const char *argv[] = { "/bin/sh", "-c", "exec \"$0\" > /dev/full", prog, NULL };
    char *err = NULL;
    GError *error = NULL;
    int status;

    if (access("/dev/full", W_OK) != 0)
        cr_skip_test("no /dev/full");
    cr_assert(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                           NULL, &err, &status, &error), "cannot run %s: %s", prog,
              error ? error->message : "?");
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %d, stderr: %s", status, err);
    cr_assert(strstr(err, "writing to stdout failed in child") != NULL, "stderr: %s", err);
    cr_assert(strstr(err, "process 1 exited with status 1") != NULL, "stderr: %s", err);
    cr_assert(strstr(err, "process 2 exited with status 1") != NULL, "stderr: %s", err);
    cp_test_assert_no_children();
    g_free(err);
    g_free(prog);
}

Test(two_processes, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/two_processes", "2", NULL);
    cp_test_assert_usage_error(run, "'2'");
    cp_run_free(run);

    run = cp_test_run("processes/two_processes", "--lesson=003", NULL);
    cp_test_assert_usage_error(run, "--lesson");
    cp_run_free(run);
}

Test(two_processes, help, .timeout = 20)
{
    cp_test_assert_help("processes/two_processes");
}

/* --------------------------------------------------------- parallel_product */

static void
assert_products(const char *line, const char *const *args)
{
    CpRun *run = cp_test_runv("processes/parallel_product", args);
    const char *const want[] = { line, NULL };

    cp_test_assert_lines(run, want);
    cp_run_free(run);
}

Test(parallel_product, lesson_output, .timeout = 20)
{
    const char *const args[] = { NULL };

    assert_products("Results: [24, 1680, 11880, 43680]", args);
}

Test(parallel_product, other_shapes, .timeout = 20)
{
    const char *const three_by_two[] = { "--sublists=3", "--size=2", NULL };
    const char *const twenty[] = { "-k", "1", "-n", "20", NULL };
    const char *const two_by_ten[] = { "--sublists=2", "--size=10", NULL };
    const char *const two_by_fourteen[] = { "--sublists=2", "--size=14", NULL };
    const char *const widest[] = { "--sublists=64", "--size=3", NULL };
    GString *want = g_string_new("Results: [");

    assert_products("Results: [2, 12, 30]", three_by_two);
    assert_products("Results: [2432902008176640000]", twenty);   /* 20!: just fits */
    assert_products("Results: [3628800, 670442572800]", two_by_ten);
    assert_products("Results: [87178291200, 3497296636753920000]", two_by_fourteen);
    for (gint64 i = 0; i < 64; i++)
        g_string_append_printf(want, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                               (3 * i + 1) * (3 * i + 2) * (3 * i + 3));
    g_string_append_c(want, ']');
    assert_products(want->str, widest);
    g_string_free(want, TRUE);
}

/* Products that would overflow 64 bits are refused, not printed wrong. */
Test(parallel_product, rejects_overflow, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/parallel_product", "--sublists=2", "--size=20", NULL);
    cp_test_assert_usage_error(run, "21..40");
    cr_assert(strstr(run->err, "does not fit") != NULL, "stderr: %s", run->err);
    cp_run_free(run);

    /* 15*16*...*28 < 2^63 - 1 < 16*17*...*30: the edge. */
    run = cp_test_run("processes/parallel_product", "--sublists=2", "--size=15", NULL);
    cp_test_assert_usage_error(run, "16..30");
    cp_run_free(run);

    run = cp_test_run("processes/parallel_product", "--size=21", NULL);
    cp_test_assert_usage_error(run, "'21'");
    cp_run_free(run);
}

Test(parallel_product, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/parallel_product", "--sublists=0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);

    run = cp_test_run("processes/parallel_product", "--size=four", NULL);
    cp_test_assert_usage_error(run, "four");
    cp_run_free(run);

    run = cp_test_run("processes/parallel_product", "4", NULL);
    cp_test_assert_usage_error(run, "'4'");
    cp_run_free(run);
}

Test(parallel_product, help, .timeout = 20)
{
    cp_test_assert_help("processes/parallel_product");
}

/* ------------------------------------------------------------- shared_array */

/* One "modified" line per process, then the array: ten elements, each
 * p*100 + i for some process p in 1..workers. */
static void
assert_shared_array(const CpRun *run, int workers)
{
    const char *prefix = "Final shared array: [";
    const char *last;
    char **items;

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, (guint) workers + 1, "output: %s", run->out);
    for (int p = 1; p <= workers; p++) {
        char *line = g_strdup_printf("Process %d modified shared array", p);

        cr_assert(cp_test_find_line(run, line, 0) >= 0 && cp_test_find_line(run, line, 0) < workers,
                  "missing or late: %s", line);
        g_free(line);
    }
    last = run->lines[workers];
    cr_assert(g_str_has_prefix(last, prefix) && g_str_has_suffix(last, "]"), "last line: %s", last);
    items = g_strsplit(last + strlen(prefix), ", ", -1);
    cr_assert_eq(g_strv_length(items), 10, "not 10 elements: %s", last);
    for (int i = 0; i < 10; i++) {
        long v = strtol(items[i], NULL, 10);

        cr_assert(v % 100 == i && v / 100 >= 1 && v / 100 <= workers,
                  "element %d is %s: not p*100 + %d for p in 1..%d", i, items[i], i, workers);
    }
    g_strfreev(items);
}

Test(shared_array, lesson_output, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/shared_array", NULL);

    assert_shared_array(run, 3);
    cp_run_free(run);
}

Test(shared_array, more_processes, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/shared_array", "-w", "8", NULL);

    assert_shared_array(run, 8);
    cp_run_free(run);
}

Test(shared_array, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/shared_array", "--workers=1025", NULL);
    cp_test_assert_usage_error(run, "'1025'");
    cp_run_free(run);

    run = cp_test_run("processes/shared_array", "10", NULL);
    cp_test_assert_usage_error(run, "'10'");
    cp_run_free(run);
}

Test(shared_array, help, .timeout = 20)
{
    cp_test_assert_help("processes/shared_array");
}

/* ------------------------------------------------------------ process_queue */

/* The consumer's 1-second get timeout, at scale 0.05, is 50 ms: margin for
 * a loaded machine (end of file normally ends the consumer first). */
static const char *const queue_env[] = { "CONPAR_TIME_SCALE=0.05", NULL };

Test(process_queue, every_item_once_in_order, .timeout = 20)
{
    const char *const args[] = { NULL };
    CpRun *run = cp_test_run_env(queue_env, "processes/process_queue", args);
    int put = 0, got = 0;

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 10, "output: %s", run->out);
    for (guint i = 0; i < run->n_lines; i++) {
        const char *line = run->lines[i];
        char *want;

        if (g_str_has_prefix(line, "Producer put: ")) {
            want = g_strdup_printf("Producer put: Data-%d", put++);
        } else {
            want = g_strdup_printf("Consumer got: Data-%d", got++);
            /* The producer prints after its put, so "got" may come first by one. */
            cr_assert(got <= put + 1, "got before put: %s", line);
        }
        cr_assert_str_eq(line, want);
        g_free(want);
    }
    cr_assert_eq(put, 5);
    cr_assert_eq(got, 5);
    cp_run_free(run);
}

Test(process_queue, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/process_queue", "5", NULL);
    cp_test_assert_usage_error(run, "'5'");
    cp_run_free(run);

    run = cp_test_run("processes/process_queue", "--time-scale=-1", NULL);
    cp_test_assert_usage_error(run, "'-1'");
    cp_run_free(run);
}

Test(process_queue, help, .timeout = 20)
{
    cp_test_assert_help("processes/process_queue");
}

/* ---------------------------------------------------------- process_counter */

/* Every value 1..total printed once, in order (the print is inside the
 * lock), each process `increments` times; then the final line. */
static void
assert_counter(const CpRun *run, int workers, int increments)
{
    int total = workers * increments;
    int *per_process = g_new0(int, workers + 1);
    char *final = g_strdup_printf("Final counter value: %d", total);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, (guint) total + 1, "output has %u lines", run->n_lines);
    for (int i = 0; i < total; i++) {
        int p, v, end = 0;

        cr_assert(sscanf(run->lines[i], "Process %d: counter = %d%n", &p, &v, &end) == 2
                  && run->lines[i][end] == '\0', "line %d: %s", i, run->lines[i]);
        cr_assert(p >= 1 && p <= workers, "line %d: %s", i, run->lines[i]);
        cr_assert_eq(v, i + 1, "line %d: %s, expected counter = %d", i, run->lines[i], i + 1);
        per_process[p]++;
    }
    for (int p = 1; p <= workers; p++)
        cr_assert_eq(per_process[p], increments, "Process %d added %d times", p, per_process[p]);
    cr_assert_str_eq(run->lines[total], final);
    g_free(final);
    g_free(per_process);
}

Test(process_counter, lesson_output, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/process_counter", NULL);

    assert_counter(run, 3, 3);
    cp_run_free(run);
}

Test(process_counter, more_processes, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/process_counter", "-w", "5", "--increments=4", NULL);
    assert_counter(run, 5, 4);
    cp_run_free(run);

    /* No waits: the processes contend for the lock all the time. */
    run = cp_test_run("processes/process_counter", "-w", "8", "-n", "500", "--time-scale=0", NULL);
    assert_counter(run, 8, 500);
    cp_run_free(run);
}

Test(process_counter, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("processes/process_counter", "--increments=0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);

    run = cp_test_run("processes/process_counter", "-n", "3x", NULL);
    cp_test_assert_usage_error(run, "3x");
    cp_run_free(run);

    run = cp_test_run("processes/process_counter", "-w", "0", NULL);
    cp_test_assert_usage_error(run, "'0'");
    cp_run_free(run);

    run = cp_test_run("processes/process_counter", "9", NULL);
    cp_test_assert_usage_error(run, "'9'");
    cp_run_free(run);
}

Test(process_counter, help, .timeout = 20)
{
    cp_test_assert_help("processes/process_counter");
}
