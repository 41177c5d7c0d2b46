/* SPDX-License-Identifier: 0BSD */
/* process_counter.c: processes add to one counter in shared memory, under
 * a lock that works across processes.
 *
 * Ports lesson 002 §3 "Process synchronization" (multiprocessing.Value('i',
 * 0) and multiprocessing.Lock()).  The counter and its mutex live together
 * in memory mapped shared before fork() (cp_shm); each of three processes
 * adds 1 three times, taking the lock around the add and its print, then
 * sleeping 0.1 s; the parent waits for all, then prints the total.
 *
 * Usage:   process_counter [-w N] [--increments=K] [--time-scale=F]
 *
 * Look for: "Process p: counter = v" with v going 1, 2, ... 9 in order
 * (the value is printed inside the lock), then "Final counter value: 9";
 * the program checks the total and exits 1 if it is wrong.  --trace=FILE
 * shows the processes taking turns at the one lock, each in its own row.
 *
 * Unlike Python's Lock, this one is robust (common/cp_shm.h): when a
 * process dies holding it (killed, or by SIGPIPE in `process_counter |
 * head -1`), the next process to lock it gets it with EOWNERDEAD instead
 * of waiting forever.  That process says so on stderr, with the counter's
 * value, calls pthread_mutex_consistent() and goes on; the parent then
 * reports the dead process and exits 1, since the count may be short.
 * (macOS has no robust mutexes: there the others would wait forever.)
 *
 * See also: sync/shared_counter.c, the same race between threads;
 * processes/shared_array.c (shared memory without a lock).
 *
 * Build alone: cc -std=c11 process_counter.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp_children.h"
#include "cp_die.h"
#include "cp_options.h"
#include "cp_shm.h"
#include "cp_time.h"
#include "cp_trace.h"

struct shared {
    pthread_mutex_t lock;   /* process-shared: see main() */
    int counter;            /* protected by lock */
};

static void
synchronized_worker(struct shared *sh, int process_id, int increments)
{
    int s;

    for (int k = 0; k < increments; k++) {
        cp_trace_locking("sh->lock");   /* --trace: the wait for the lock, then the hold */
        s = pthread_mutex_lock(&sh->lock);
        if (s == EOWNERDEAD) {   /* ours now, but its last holder died holding it */
            fprintf(stderr, "process_counter: process %d: a process died holding the lock;"
                    " counter = %d (its add may be missing)\n", process_id, sh->counter);
            s = pthread_mutex_consistent(&sh->lock);
        }
        if (s != 0)
            cp_die_en_child(s, "pthread_mutex_lock");
        cp_trace_locked("sh->lock");
        sh->counter += 1;   /* read, add, write back: no other process in between */
        printf("Process %d: counter = %d\n", process_id, sh->counter);
        /* Inside the lock, so the values print in order.  A failed write
         * ends this process holding the lock: see EOWNERDEAD above. */
        if (fflush(stdout) == EOF || ferror(stdout))
            cp_die_errno_child("writing to stdout");
        cp_trace_unlocking("sh->lock");
        s = pthread_mutex_unlock(&sh->lock);
        if (s != 0)
            cp_die_en_child(s, "pthread_mutex_unlock");
        cp_sleep(0.1);
    }
}

int
main(int argc, char *argv[])
{
    int workers = 3, increments = 3, failed = 0, s;
    GOptionEntry entries[] = {
        { "increments", 'n', 0, G_OPTION_ARG_INT, &increments,
          "How many times each process adds 1 (1..100000; default: 3)", "K" },
        G_OPTION_ENTRY_NULL
    };
    struct shared *sh;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Processes add to a shared counter under a process-shared lock.",
        .entries = entries,
        .workers = &workers, .workers_are = "worker processes",
        .waits = TRUE,
    });
    if (increments < 1 || increments > 100000)
        cp_options_fail("--increments '%d' is out of range (1..100000)", increments);

    /* fork() copies ordinary memory: a counter or a lock there would be
     * one per process.  Both go in a shared mapping, made before the forks,
     * and the mutex is made PTHREAD_PROCESS_SHARED, without which a mutex
     * need work only between the threads of one process, and robust, so
     * that a holder's death does not block the others (EOWNERDEAD above). */
    sh = cp_shm_new(sizeof *sh);   /* zeroed: counter = 0 */
    if (sh == NULL)
        cp_die_errno("cp_shm_new");
    s = cp_shm_mutex_init(&sh->lock);
    if (s != 0)
        cp_die_en(s, "cp_shm_mutex_init");

    pid_t *children = g_new(pid_t, workers);

    fflush(stdout);   /* or each child would inherit, and print, our buffer */
    for (int i = 0; i < workers; i++) {
        children[i] = fork();
        if (children[i] == -1)
            cp_die_errno("fork");     /* exit() stops the children already started */
        if (children[i] == 0) {
            cp_children_in_child();   /* first thing: die with the parent */
            synchronized_worker(sh, i + 1, increments);
            _exit(EXIT_SUCCESS);
        }
        cp_children_add(children[i]);   /* until waitpid() reaps it */
    }

    for (int i = 0; i < workers; i++) {
        int status;

        while (waitpid(children[i], &status, 0) == -1)
            if (errno != EINTR)
                cp_die_errno("waitpid");
        cp_children_reaped(children[i]);
        if (!cp_child_status_ok(status, "process %d", i + 1))
            failed = 1;
    }
    g_free(children);
    if (failed)
        return EXIT_FAILURE;

    /* Every other user of the lock has exited: read without it. */
    int total = sh->counter;

    printf("Final counter value: %d\n", total);
    s = pthread_mutex_destroy(&sh->lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_destroy");
    if (cp_shm_free(sh, sizeof *sh) == -1)
        cp_die_errno("cp_shm_free");
    if (total != workers * increments) {
        fprintf(stderr, "process_counter: expected %d\n", workers * increments);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
