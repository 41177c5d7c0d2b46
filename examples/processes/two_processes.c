/* SPDX-License-Identifier: 0BSD */
/* two_processes.c: two processes, each running one task.
 *
 * Ports lesson 003 "3. Multiprocessing" (multiprocessing.Process with
 * target=task1 and target=task2, both started, then both joined).  fork()
 * is Process(...).start(): the child runs its task, flushes its stdout and
 * leaves with _exit(); waitpid() is join(), and it also reaps the child.
 *
 * Usage:   two_processes
 *
 * Look for: "Task 1 is running" and "Task 2 is running", usually in that
 * order, but the two processes race and either may print first.  The
 * lesson's notebook shows no output for this cell: Jupyter does not
 * capture what child processes write.  As a script, Python prints both
 * lines, as this program does.
 *
 * See also: threads/two_threads.c (the same tasks in threads);
 * processes/named_processes.c (several named processes).
 *
 * Build alone: cc -std=c11 two_processes.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp_children.h"
#include "cp_die.h"
#include "cp_options.h"

static void
task1(void)
{
    printf("Task 1 is running\n");
}

static void
task2(void)
{
    printf("Task 2 is running\n");
}

/* Process(target=task).start(): a child that runs task, then exits. */
static pid_t
start_process(void (*task)(void))
{
    pid_t pid;

    fflush(stdout);   /* or the child would print our buffered lines again */
    pid = fork();
    if (pid == -1)
        cp_die_errno("fork");     /* exit() stops any child already started */
    if (pid == 0) {
        cp_children_in_child();   /* first thing: die with the parent */
        task();
        /* _exit() drops what stdio still holds: flush it, and say if it failed. */
        if (fflush(stdout) == EOF || ferror(stdout))
            cp_die_errno_child("writing to stdout");
        _exit(EXIT_SUCCESS);   /* never return into main(): that is the parent's code */
    }
    cp_children_add(pid);   /* until join_process() reaps it */
    return pid;
}

/* join(): wait for the child (resuming after signals); FALSE if it failed. */
static gboolean
join_process(pid_t pid, const char *name)
{
    int status;

    if (cp_waitpid(pid, &status) == -1)
        cp_die_errno("waitpid");
    cp_children_reaped(pid);
    return cp_child_status_ok(status, "%s", name);
}

int
main(int argc, char *argv[])
{
    pid_t process1, process2;
    gboolean ok;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Run two tasks in two processes.",
    });

    process1 = start_process(task1);
    process2 = start_process(task2);

    ok = join_process(process1, "process 1");
    ok = join_process(process2, "process 2") && ok;   /* reap both, even if one failed */
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
