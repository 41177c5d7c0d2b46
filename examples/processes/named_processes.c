/* SPDX-License-Identifier: 0BSD */
/* named_processes.c: named worker processes, forked and waited for.
 *
 * Ports lesson 004 §3 (the default: Process(target=worker, args=(i,))
 * printing current_process().name, "Process-1 working on 0", a 1 s wait,
 * "Process-1 done.", then "All processes finished.") and lesson 002 §3
 * "Basic multiprocessing" (--lesson=002: workers named "Process-1"..
 * printing os.getpid(), "Process Process-1 (PID: 1234) starting", a 2 s
 * wait, "... finished", then "All processes completed").  The parent
 * names each worker, forks it, and waits for them all with waitpid(),
 * Python's join(); each child reports its name and, in 002, its own PID
 * from getpid().
 *
 * Usage:   named_processes [--lesson=004|002] [-w N] [--show-parent] [-v]
 *                          [--time-scale=F]
 *
 * Look for: every worker's first line, then (after the wait) every
 * worker's last line, in any order within each group: the workers run at
 * once, so the run takes one wait whatever N; the parent's line last.  In
 * 002 every worker has its own PID, none of them the parent's:
 * --show-parent first prints "MainProcess (PID: n)", Python's name for the
 * parent.  -v prints that line too, a line per worker with its PID and its
 * parent's PID ("Process-1 (PID: 1234, parent PID: 1233)", in either
 * lesson), and at the end how long the run took, in lesson seconds.
 * Ctrl-C, or `kill -INT` of the parent alone, ends the workers too: the
 * cp_children calls around fork() and waitpid() see to it that no child
 * outlives its parent or a failure (see common/cp_children.h).
 *
 * See also: processes/two_processes.c (lesson 003: two processes, no
 * names); processes/numbers_letters_processes.c; threads/worker_threads.c,
 * the same shape with threads.
 *
 * Build alone: cc -std=c11 named_processes.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp_children.h"
#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"

/* Set before the forks; each child reads its own copy. */
static gboolean verbose;
static gboolean lesson_002;

/* 004's worker(n) and 002's worker_process(name, 2), in the child. */
static void
worker(const char *name, int n)
{
    if (verbose)
        printf("%s (PID: %ld, parent PID: %ld)\n", name, (long) getpid(), (long) getppid());
    if (lesson_002)
        printf("Process %s (PID: %ld) starting\n", name, (long) getpid());
    else
        printf("%s working on %d\n", name, n);
    if (fflush(stdout) == EOF)   /* now: the other workers print while we wait */
        cp_die_errno_child("writing to stdout");
    cp_sleep(lesson_002 ? 2.0 : 1.0);
    if (lesson_002)
        printf("Process %s (PID: %ld) finished\n", name, (long) getpid());
    else
        printf("%s done.\n", name);
    /* _exit() drops what stdio still holds: flush it, and say if it failed. */
    if (fflush(stdout) == EOF || ferror(stdout))
        cp_die_errno_child("writing to stdout");
}

int
main(int argc, char *argv[])
{
    int workers = 3, failed = 0;
    gboolean show_parent = FALSE;
    const char *lesson;
    double start;
    GOptionEntry entries[] = {
        { "show-parent", 0, 0, G_OPTION_ARG_NONE, &show_parent,
          "First print the parent's own PID (as -v does)", NULL },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Start named worker processes and wait for them all.",
        .entries = entries,
        .workers = &workers, .workers_are = "worker processes",
        .waits = TRUE,
        .verbose = &verbose,
        .lessons = "004 002", .lesson = &lesson,
    });
    lesson_002 = strcmp(lesson, "002") == 0;
    if (show_parent || verbose)
        printf("MainProcess (PID: %ld)\n", (long) getpid());

    pid_t *children = g_new(pid_t, workers);
    char **names = g_new(char *, workers);

    start = cp_time_now();
    for (int i = 0; i < workers; i++) {
        names[i] = g_strdup_printf("Process-%d", i + 1);
        fflush(stdout);   /* or the child would print our buffered lines again */
        children[i] = fork();
        if (children[i] == -1)
            cp_die_errno("fork");     /* exit() stops the children already started */
        if (children[i] == 0) {
            cp_children_in_child();   /* first thing: die with the parent */
            worker(names[i], i);
            _exit(EXIT_SUCCESS);   /* never return into main(): that is the parent's code */
        }
        cp_children_add(children[i]);   /* until waitpid() reaps it */
    }

    for (int i = 0; i < workers; i++) {   /* reap every child, even after one failed */
        int status;

        while (waitpid(children[i], &status, 0) == -1)
            if (errno != EINTR)
                cp_die_errno("waitpid");
        cp_children_reaped(children[i]);
        if (!cp_child_status_ok(status, "%s", names[i]))
            failed = 1;
        g_free(names[i]);
    }
    g_free(names);
    g_free(children);
    if (failed)
        return EXIT_FAILURE;

    printf(lesson_002 ? "All processes completed\n" : "All processes finished.\n");
    if (verbose) {
        cp_time_print_scale_note();
        printf("Took %.2f s: %d waits of %g s, all at once\n",
               cp_time_since_unscaled(start), workers, lesson_002 ? 2.0 : 1.0);
    }
    return EXIT_SUCCESS;
}
