/* SPDX-License-Identifier: 0BSD */
/* shared_array.c: child processes write into one array in shared memory.
 *
 * Ports lesson 002 §3 "Shared memory with multiprocessing"
 * (multiprocessing.Array('i', 10)).  fork() copies ordinary memory, so a
 * child writing into a plain array would change only its own copy and the
 * parent would print ten zeros.  This array is mapped shared before the
 * forks (cp_shm_new, an mmap(MAP_SHARED)): the parent and the three
 * children see the same ten ints.  Process p writes p*100 + i into
 * element i; the parent waits for every child, then prints the array.
 *
 * Usage:   shared_array [-w N]
 *
 * Look for: three "Process p modified shared array" lines in any order,
 * then "Final shared array: [...]" where every element is p*100 + i for
 * some p: often all from the process that ran last, but the processes
 * overlap, so a mix such as [301, 201, 202, ...] is right too.  Which
 * process writes an element last is a race the lesson accepts; a torn
 * element is not.  Python's Array takes a lock around each element; here
 * each element is an atomic_int, written whole without a lock.  That works
 * between processes only for a lock-free atomic (checked below).
 *
 * See also: processes/process_counter.c (a lock in shared memory);
 * processes/parallel_sum.c (results sent back through pipes instead).
 *
 * Build alone: cc -std=c11 shared_array.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp_children.h"
#include "cp_die.h"
#include "cp_format.h"
#include "cp_options.h"
#include "cp_shm.h"

#define LENGTH 10

/* A non-lock-free atomic hides a lock in each process's own memory. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int must be lock-free to be shared between processes");

static void
worker_with_shared_data(atomic_int *shared_array, int process_id)
{
    for (int i = 0; i < LENGTH; i++)
        atomic_store(&shared_array[i], process_id * 100 + i);
    printf("Process %d modified shared array\n", process_id);
    /* _exit() drops what stdio still holds: flush it, and say if it failed. */
    if (fflush(stdout) == EOF || ferror(stdout))
        cp_die_errno_child("writing to stdout");
}

int
main(int argc, char *argv[])
{
    int workers = 3, failed = 0;
    atomic_int *shared_array;   /* (atomic) elements, in memory shared with the children */
    gint64 values[LENGTH];

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Processes write into one array in shared memory.",
        .workers = &workers, .workers_are = "worker processes",
    });

    shared_array = cp_shm_new(LENGTH * sizeof *shared_array);   /* zeroed, like Array('i', 10) */
    if (shared_array == NULL)
        cp_die_errno("cp_shm_new");

    pid_t *children = g_new(pid_t, workers);

    fflush(stdout);   /* or each child would inherit, and print, our buffer */
    for (int i = 0; i < workers; i++) {
        children[i] = fork();
        if (children[i] == -1)
            cp_die_errno("fork");     /* exit() stops the children already started */
        if (children[i] == 0) {
            cp_children_in_child();   /* first thing: die with the parent */
            worker_with_shared_data(shared_array, i + 1);
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

    /* Every writer has exited: what they stored is all there. */
    for (int i = 0; i < LENGTH; i++)
        values[i] = atomic_load(&shared_array[i]);
    if (cp_shm_free(shared_array, LENGTH * sizeof *shared_array) == -1)
        cp_die_errno("cp_shm_free");
    cp_print_int_list("Final shared array: ", values, LENGTH);

    /* Self-check: each element whole, from one of the processes. */
    for (int i = 0; i < LENGTH; i++) {
        gint64 p = (values[i] - i) / 100;

        if (values[i] % 100 != i || p < 1 || p > workers) {
            fprintf(stderr, "shared_array: element %d is %" G_GINT64_FORMAT ", not p*100 + %d\n",
                    i, values[i], i);
            return EXIT_FAILURE;
        }
    }
    return EXIT_SUCCESS;
}
