/* SPDX-License-Identifier: 0BSD */
/* named_processes.c: named worker processes, each printing its own PID.
 *
 * Ports lesson 004 §3 (Process(target=worker, args=(i,)) printing
 * current_process().name) together with lesson 002 §3 "Basic
 * multiprocessing" (workers named "Process-1".. printing os.getpid()).
 * The parent names each worker, forks it, and waits for them all; each
 * child reports its name, its own PID from getpid(), and its work.
 *
 * Usage:   named_processes [-w N] [--show-parent] [--time-scale=F]
 *
 * Look for: per worker, "Process-1 (PID: 1234) starting", "Process-1
 * working on 0" and, a second later, "Process-1 (PID: 1234) finished";
 * the workers run at once, so the run takes about one second whatever N;
 * "All processes completed" last.  Every worker has its own PID, none of
 * them the parent's: --show-parent first prints "MainProcess (PID: n)",
 * Python's name for the parent.  (The lines are 002's; 004 names the same
 * work "working on n" / "done.", waits 1 s instead of 2, and ends with
 * "All processes finished.".)
 *
 * See also: processes/numbers_letters_processes.c;
 * threads/worker_threads.c, the same shape with threads.
 *
 * Build alone: cc -std=c11 named_processes.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"

static void
worker(const char *name, int n)
{
    printf("%s (PID: %ld) starting\n", name, (long) getpid());
    printf("%s working on %d\n", name, n);
    fflush(stdout);   /* now: _exit() would drop what is still buffered */
    cp_sleep(1.0);
    printf("%s (PID: %ld) finished\n", name, (long) getpid());
    fflush(stdout);
}

int
main(int argc, char *argv[])
{
    int workers = 3, failed = 0;
    gboolean show_parent = FALSE;
    GOptionEntry entries[] = {
        { "show-parent", 0, 0, G_OPTION_ARG_NONE, &show_parent,
          "First print the parent's own PID", NULL },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Start named worker processes that print their PIDs.",
        .entries = entries,
        .workers = &workers, .workers_are = "worker processes",
        .waits = TRUE,
    });
    if (show_parent)
        printf("MainProcess (PID: %ld)\n", (long) getpid());

    pid_t *children = g_new(pid_t, workers);
    char **names = g_new(char *, workers);

    for (int i = 0; i < workers; i++) {
        names[i] = g_strdup_printf("Process-%d", i + 1);
        fflush(stdout);   /* or the child would print our buffered lines again */
        children[i] = fork();
        if (children[i] == -1)
            cp_die_errno("fork");
        if (children[i] == 0) {
            worker(names[i], i);
            _exit(EXIT_SUCCESS);   /* never return into main(): that is the parent's code */
        }
    }

    for (int i = 0; i < workers; i++) {
        int status;

        while (waitpid(children[i], &status, 0) == -1)
            if (errno != EINTR)
                cp_die_errno("waitpid");
        if (!cp_child_status_ok(status, "%s", names[i]))
            failed = 1;
        g_free(names[i]);
    }
    g_free(names);
    g_free(children);
    if (failed)
        return EXIT_FAILURE;

    printf("All processes completed\n");
    return EXIT_SUCCESS;
}
