/* SPDX-License-Identifier: 0BSD */
/* Black-box tests of examples/processes/. */
#include <config.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "cp_test.h"
#include "cp_time.h"

/* ---------------------------------------- runs that must end, children too */

/* cp_test_run() waits as long as the example runs.  The runs below may
 * hang (on a bug) or are cut short on purpose, so each gets a process
 * group of its own: the test finds every process it started, gives it a
 * deadline and kills whatever is left before any check can fail.  On
 * Linux the test is the "subreaper" that inherits, and reaps, orphans. */

static char *
example_path(const char *example)
{
    const char *builddir = g_getenv("CONPAR_BUILDDIR");

    return g_build_filename(builddir ? builddir : ".", "examples", example, NULL);
}

static void
own_group(gpointer data)
{
    (void) data;
    (void) setpgid(0, 0);
}

/* Start argv in a new process group, numbered as its pid; out and err get
 * the read ends of its stdout and stderr. */
static GPid
spawn_in_own_group(const char *const *argv, int *out, int *err)
{
    GError *error = NULL;
    GPid pid;

#ifdef __linux__
    cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0, "prctl: %s", strerror(errno));
#endif
    if (!g_spawn_async_with_pipes(NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                  own_group, NULL, &pid, NULL, out, err, &error))
        cr_assert_fail("cannot run %s: %s", argv[0], error->message);
    return pid;
}

static guint
count_lines(const GString *text)
{
    guint n = 0;

    for (gsize i = 0; i < text->len; i++)
        n += text->str[i] == '\n';
    return n;
}

/* Read out and err into out_text and err_text until end of file on both
 * (TRUE), or until out_text has `lines` lines if lines > 0 (TRUE), or
 * until the deadline, a cp_time_now() time (FALSE). */
static gboolean
read_output(int out, int err, GString *out_text, GString *err_text, guint lines, double deadline)
{
    struct pollfd fds[2] = { { out, POLLIN, 0 }, { err, POLLIN, 0 } };
    GString *texts[2] = { out_text, err_text };

    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        int ms = (int) ((deadline - cp_time_now()) * 1000), n;

        if (lines > 0 && count_lines(out_text) >= lines)
            return TRUE;
        if (ms <= 0)
            return FALSE;
        n = poll(fds, 2, ms);
        if (n == -1 && errno != EINTR)
            return FALSE;
        for (int i = 0; i < 2 && n > 0; i++)
            if (fds[i].fd >= 0 && fds[i].revents != 0) {
                char buf[4096];
                ssize_t got = read(fds[i].fd, buf, sizeof buf);

                if (got > 0)
                    g_string_append_len(texts[i], buf, got);
                else if (got == 0 || errno != EINTR)
                    fds[i].fd = -1;   /* poll() skips it from now on */
            }
    }
    return lines == 0 || count_lines(out_text) >= lines;
}

/* Wait for pid until the deadline: TRUE, and its wait status, if it ended. */
static gboolean
wait_until(GPid pid, int *status, double deadline)
{
    for (;;) {
        pid_t got = waitpid(pid, status, WNOHANG);

        if (got == pid)
            return TRUE;
        if ((got == -1 && errno != EINTR) || cp_time_now() >= deadline)
            return FALSE;
        g_usleep(5000);
    }
}

/* Reap the orphans that come to us until no process of group pgid is
 * left (TRUE), or until the deadline (FALSE). */
static gboolean
group_ends_by(pid_t pgid, double deadline)
{
    for (;;) {
        while (waitpid(-1, NULL, WNOHANG) > 0)
            continue;
        if (kill(-pgid, 0) == -1 && errno == ESRCH)
            return TRUE;
        if (cp_time_now() >= deadline)
            return FALSE;
        g_usleep(5000);
    }
}

/* After a run that did not end: kill what is left of it and reap it. */
static void
kill_group(pid_t pgid)
{
    (void) kill(-pgid, SIGKILL);
    (void) group_ends_by(pgid, cp_time_now() + 5);
}

/* Does pid have a child, alive or zombie?  (Linux: read from /proc.) */
static gboolean
has_child(pid_t pid)
{
    gboolean found = FALSE;
#ifdef __linux__
    DIR *proc = opendir("/proc");
    struct dirent *entry;

    while (proc != NULL && !found && (entry = readdir(proc)) != NULL) {
        char *path = g_strdup_printf("/proc/%s/stat", entry->d_name), *stat = NULL, *end;
        long ppid;

        if (g_ascii_isdigit(entry->d_name[0]) && g_file_get_contents(path, &stat, NULL, NULL)
            && (end = strrchr(stat, ')')) != NULL && sscanf(end + 1, " %*c %ld", &ppid) == 1)
            found = ppid == pid;
        g_free(stat);
        g_free(path);
    }
    if (proc != NULL)
        closedir(proc);
#else
    (void) pid;
    found = TRUE;
#endif
    return found;
}

/* Run argv in its own group with a deadline of `seconds` for it and every
 * process it starts.  TRUE if all ended in time, with argv[0]'s wait
 * status and what the group wrote; FALSE after killing the group. */
static gboolean
run_with_deadline(const char *const *argv, double seconds, int *status, GString *out, GString *err)
{
    double deadline = cp_time_now() + seconds;
    int out_fd, err_fd;
    GPid pid = spawn_in_own_group(argv, &out_fd, &err_fd);
    gboolean ended = read_output(out_fd, err_fd, out, err, 0, deadline)
                     && wait_until(pid, status, deadline) && group_ends_by(pid, deadline);

    if (!ended)
        kill_group(pid);
    close(out_fd);
    close(err_fd);
    return ended;
}

/* `sh -c "<example> [args] <redirection or pipe>"`: argv for
 * run_with_deadline(), the example being sh's $0 and the args its $@. */
static GPtrArray *
shell_argv(const char *example, const char *tail, const char *const *args)
{
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);

    g_ptr_array_add(argv, g_strdup("/bin/sh"));
    g_ptr_array_add(argv, g_strdup("-c"));
    g_ptr_array_add(argv, g_strdup_printf("\"$0\" \"$@\" %s", tail));
    g_ptr_array_add(argv, example_path(example));
    for (; args && *args; args++)
        g_ptr_array_add(argv, g_strdup(*args));
    g_ptr_array_add(argv, NULL);
    return argv;
}

/* A child that cannot write says so on stderr, with a non-zero status,
 * and the parent reports the failed child and exits 1: stdout is
 * /dev/full, where every write fails with ENOSPC.  Nothing is left
 * running, and nothing hangs.  Returns what the run wrote on stderr. */
static char *
assert_write_error_is_reported(const char *example, const char *const *args)
{
    GPtrArray *argv = shell_argv(example, "> /dev/full", args);
    GString *out = g_string_new(NULL), *err = g_string_new(NULL);
    int status = -1;
    gboolean ended;

    if (access("/dev/full", W_OK) != 0)
        cr_skip_test("no /dev/full");
    ended = run_with_deadline((const char *const *) argv->pdata, 10, &status, out, err);
    cr_assert(ended, "%s > /dev/full: still running after 10 s; stderr: %s", example, err->str);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s > /dev/full: status 0x%x, stderr: %s",
              example, (unsigned) status, err->str);
    cr_assert(strstr(err->str, "writing to stdout failed in child") != NULL,
              "%s: no child said its write failed: %s", example, err->str);
    cr_assert(strstr(err->str, " exited with status 1\n") != NULL,
              "%s: the parent did not report a failed child: %s", example, err->str);
    g_string_free(out, TRUE);
    g_ptr_array_free(argv, TRUE);
    return g_string_free(err, FALSE);
}

/* Ctrl-C to the parent alone: `kill -INT` of its pid (not of its process
 * group, as the terminal's Ctrl-C would) once it is mid-run, that is once
 * its children have printed `lines` lines (or, if lines is 0, once it
 * has a child).  The parent dies of SIGINT, and within 2 s no process of
 * the example is left: its children ended too, and none is a zombie. */
static void
assert_interrupt_leaves_no_child(const char *example, const char *const *args, guint lines)
{
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    GString *out = g_string_new(NULL), *err = g_string_new(NULL);
    int out_fd, err_fd, status = -1;
    gboolean mid_run = FALSE, parent_ended, all_ended;
    double deadline;
    GPid pid;

#ifndef __linux__
    if (lines == 0)
        cr_skip_test("no /proc to see the children");
#endif
    g_ptr_array_add(argv, example_path(example));
    for (; args && *args; args++)
        g_ptr_array_add(argv, g_strdup(*args));
    g_ptr_array_add(argv, NULL);
    pid = spawn_in_own_group((const char *const *) argv->pdata, &out_fd, &err_fd);

    deadline = cp_time_now() + 10;
    if (lines > 0)
        mid_run = read_output(out_fd, err_fd, out, err, lines, deadline);
    else
        while (!(mid_run = has_child(pid)) && cp_time_now() < deadline)
            g_usleep(1000);
    (void) kill(pid, SIGINT);
    parent_ended = wait_until(pid, &status, cp_time_now() + 5);
    all_ended = parent_ended && group_ends_by(pid, cp_time_now() + 2);
    if (!all_ended)
        kill_group(pid);
    close(out_fd);
    close(err_fd);

    cr_assert(mid_run, "%s: not mid-run after 10 s; stdout: %s", example, out->str);
    cr_assert(parent_ended, "%s: SIGINT did not end the parent", example);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT,
              "%s: the parent ended with wait status 0x%x, not by SIGINT", example, (unsigned) status);
    cr_assert(all_ended, "%s left a child running 2 s after SIGINT to its parent", example);
    g_string_free(out, TRUE);
    g_string_free(err, TRUE);
    g_ptr_array_free(argv, TRUE);
}

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

/* A child that cannot write says so, and the parent fails too. */
Test(two_processes, write_error_is_reported, .timeout = 20)
{
    char *err = assert_write_error_is_reported("processes/two_processes", NULL);

    cr_assert(strstr(err, "process 1 exited with status 1") != NULL, "stderr: %s", err);
    cr_assert(strstr(err, "process 2 exited with status 1") != NULL, "stderr: %s", err);
    g_free(err);
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

/* ------------------------------------- no child left behind, nothing hangs */

/* Each child that prints flushes stdout before _exit() and checks it. */
Test(factorial_processes, write_error_is_reported, .timeout = 20)
{
    g_free(assert_write_error_is_reported("processes/factorial_processes", NULL));
}

Test(named_processes, write_error_is_reported, .timeout = 20)
{
    const char *const lesson_002[] = { "--lesson=002", NULL };

    g_free(assert_write_error_is_reported("processes/named_processes", NULL));
    g_free(assert_write_error_is_reported("processes/named_processes", lesson_002));
}

Test(numbers_letters_processes, write_error_is_reported, .timeout = 20)
{
    g_free(assert_write_error_is_reported("processes/numbers_letters_processes", NULL));
}

Test(shared_array, write_error_is_reported, .timeout = 20)
{
    g_free(assert_write_error_is_reported("processes/shared_array", NULL));
}

Test(process_queue, write_error_is_reported, .timeout = 20)
{
    g_free(assert_write_error_is_reported("processes/process_queue", NULL));
}

/* The first process to print fails inside the lock and dies holding it;
 * the next one to lock it is told so (EOWNERDEAD), instead of waiting for
 * ever, and fails the same way. */
Test(process_counter, write_error_is_reported, .timeout = 20)
{
    char *err = assert_write_error_is_reported("processes/process_counter", NULL);

    cr_assert(strstr(err, "a process died holding the lock") != NULL, "stderr: %s", err);
    g_free(err);
}

/* Issue 12: `process_counter | head -1`.  head exits after one line; the
 * next process to print dies of SIGPIPE inside the lock, and so does each
 * one after it.  With a robust lock each next one hears of it and goes
 * on, so the whole pipeline ends at once, within 5 s, nothing left. */
static void
assert_head_ends_it(const char *const *args)
{
    GPtrArray *argv = shell_argv("processes/process_counter", "| head -n 1", args);
    GString *out = g_string_new(NULL), *err = g_string_new(NULL);
    int status = -1, process = 0, end = 0;
    gboolean ended = run_with_deadline((const char *const *) argv->pdata, 5, &status, out, err);

    cr_assert(ended, "process_counter | head -1: still running after 5 s; stderr: %s", err->str);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "head: wait status 0x%x", (unsigned) status);
    cr_assert(sscanf(out->str, "Process %d: counter = 1\n%n", &process, &end) == 1
              && out->str[end] == '\0', "not the first line alone: %s", out->str);
    cr_assert(strstr(err->str, "a process died holding the lock; counter = ") != NULL,
              "no process said it got the lock of one that died: %s", err->str);
    g_string_free(out, TRUE);
    g_string_free(err, TRUE);
    g_ptr_array_free(argv, TRUE);
}

Test(process_counter, head_1_ends, .timeout = 20)
{
    /* The lesson's run, at the lesson's speed: 0.1 s between adds. */
    const char *const lesson[] = { "--time-scale=1", NULL };
    /* No waits: 8 processes keep the lock busy and the pipe full. */
    const char *const busy[] = { "-w", "8", "-n", "100000", "--time-scale=0", NULL };

    assert_head_ends_it(lesson);
    assert_head_ends_it(busy);
}

/* Issue 12: Ctrl-C to the parent alone left children running.  A long
 * time scale keeps the children mid-run (sleeping) when SIGINT comes. */
Test(process_counter, interrupt_leaves_no_child, .timeout = 30)
{
    const char *const args[] = { "--time-scale=100", NULL };

    assert_interrupt_leaves_no_child("processes/process_counter", args, 3);
}

Test(process_queue, interrupt_leaves_no_child, .timeout = 30)
{
    const char *const args[] = { "--time-scale=100", NULL };

    assert_interrupt_leaves_no_child("processes/process_queue", args, 2);
}

Test(named_processes, interrupt_leaves_no_child, .timeout = 30)
{
    const char *const args[] = { "--time-scale=100", NULL };
    const char *const lesson_002[] = { "--lesson=002", "--time-scale=100", NULL };

    assert_interrupt_leaves_no_child("processes/named_processes", args, 3);
    assert_interrupt_leaves_no_child("processes/named_processes", lesson_002, 3);
}

Test(numbers_letters_processes, interrupt_leaves_no_child, .timeout = 30)
{
    const char *const args[] = { "--time-scale=100", NULL };

    assert_interrupt_leaves_no_child("processes/numbers_letters_processes", args, 2);
}

/* parallel_sum has no waits: its children live a few milliseconds each,
 * so the biggest run is interrupted as soon as it has a child. */
Test(parallel_sum, interrupt_leaves_no_child, .timeout = 30)
{
    const char *const args[] = { "--sublists=64", "--size=10000000", NULL };

    assert_interrupt_leaves_no_child("processes/parallel_sum", args, 0);
}
