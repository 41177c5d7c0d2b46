/* SPDX-License-Identifier: 0BSD */
/* numbers_letters_processes.c: two child processes print side by side.
 *
 * Ports lesson 000 "Multi-processing" (multiprocessing.Process with
 * target=print_numbers and target=print_letters).  Where
 * threads/numbers_letters.c starts two threads, this forks two processes:
 * each child runs one function and _exit()s; the parent waits for both
 * with waitpid(), Python's join().
 *
 * Usage:   numbers_letters_processes [--show-pids] [--time-scale=F]
 *
 * Look for: 0..4 and A..E interleaved, one of each per second, so the run
 * takes about 5 seconds, not 10; "Both processes have finished executing."
 * last.  A child flushes stdout after each line: otherwise its lines
 * would wait in its copy of the stdio buffer, and _exit() throws that
 * away.  --show-pids adds a line per process with the PID that the
 * process itself gets from getpid(): three processes, three PIDs.
 *
 * See also: threads/numbers_letters.c, the same with threads;
 * processes/named_processes.c.
 *
 * Build alone: cc -std=c11 numbers_letters_processes.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp_children.h"
#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"

static gboolean show_pids;   /* set before the forks, only read after */

static void
print_numbers(void)
{
    for (int i = 0; i < 5; i++) {
        printf("%d\n", i);
        if (fflush(stdout) == EOF || ferror(stdout))   /* now: _exit() would drop it */
            cp_die_errno_child("writing to stdout");
        cp_sleep(1.0);
    }
}

static void
print_letters(void)
{
    for (const char *letter = "ABCDE"; *letter != '\0'; letter++) {
        printf("%c\n", *letter);
        if (fflush(stdout) == EOF || ferror(stdout))   /* now: _exit() would drop it */
            cp_die_errno_child("writing to stdout");
        cp_sleep(1.0);
    }
}

/* Process(target=...).start(): a child that runs target, then exits. */
static pid_t
start_process(const char *name, void (*target)(void))
{
    pid_t pid;

    fflush(stdout);   /* or the child would print our buffered lines again */
    pid = fork();
    if (pid == -1)
        cp_die_errno("fork");     /* exit() stops any child already started */
    if (pid == 0) {
        cp_children_in_child();   /* first thing: die with the parent */
        if (show_pids)
            printf("%s (PID: %ld, parent PID: %ld)\n", name, (long) getpid(), (long) getppid());
        target();
        if (fflush(stdout) == EOF || ferror(stdout))   /* _exit() does not flush stdio */
            cp_die_errno_child("writing to stdout");
        _exit(EXIT_SUCCESS);   /* never return into main(): that is the parent's code */
    }
    cp_children_add(pid);   /* until join_process() reaps it */
    return pid;
}

/* join(): wait for the child, resuming after signals; FALSE if it failed. */
static gboolean
join_process(pid_t pid, const char *name)
{
    int status;

    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            cp_die_errno("waitpid");
    cp_children_reaped(pid);
    return cp_child_status_ok(status, "%s", name);
}

int
main(int argc, char *argv[])
{
    GOptionEntry entries[] = {
        { "show-pids", 0, 0, G_OPTION_ARG_NONE, &show_pids,
          "Also print the PID of each process", NULL },
        G_OPTION_ENTRY_NULL
    };
    pid_t process1, process2;
    gboolean ok;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Print 0..4 and A..E from two processes at once.",
        .entries = entries,
        .waits = TRUE,
    });
    if (show_pids)
        printf("MainProcess (PID: %ld)\n", (long) getpid());

    process1 = start_process("Process-1", print_numbers);
    process2 = start_process("Process-2", print_letters);

    ok = join_process(process1, "Process-1");
    ok = join_process(process2, "Process-2") && ok;   /* reap both, even if one failed */
    if (!ok)
        return EXIT_FAILURE;

    printf("Both processes have finished executing.\n");
    return EXIT_SUCCESS;
}
