/* SPDX-License-Identifier: 0BSD */
/* factorial_processes.c: one child process per number, each computing a
 * factorial.
 *
 * Ports lesson 000 "Multi-processing" (multiprocessing.Process(target=
 * calculate_factorial, args=(i,)) for i in 1..5).  A thread gets its n
 * through pthread_create()'s void * argument; a child process needs no
 * such channel: fork() copies the parent's memory, n included, so the
 * child simply reads it.  Nothing goes back the other way, which is why
 * each child prints its own result.
 *
 * Usage:   factorial_processes [N...]        (default: 1 2 3 4 5)
 *          factorial_processes 20 5 0
 *
 * Look for: the "Factorial of" lines in any order from run to run (the
 * children race to print), then "All factorials have been calculated.",
 * always last, because the parent prints it only once waitpid() has
 * reaped every child.  n stops at 20: 21! does not fit in 64 bits.
 *
 * See also: threads/factorial_threads.c, the same with threads;
 * processes/parallel_sum.c, where results come back through pipes.
 *
 * Build alone: cc -std=c11 factorial_processes.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp_children.h"
#include "cp_die.h"
#include "cp_options.h"

#define MAX_N 20          /* 20! = 2432902008176640000 < 2^64 */
#define MAX_PROCESSES 64  /* one process per number: keep it a handful */

static void
calculate_factorial(int n)
{
    uint64_t result = 1;

    for (int i = 2; i <= n; i++)
        result *= (uint64_t) i;
    printf("Factorial of %d is %" PRIu64 "\n", n, result);
}

int
main(int argc, char *argv[])
{
    const int lesson_inputs[] = { 1, 2, 3, 4, 5 };
    int count, *numbers, failed = 0;
    pid_t *children;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "[N...]",
        .inputs_default = "1 2 3 4 5 (the lesson's)",
        .summary = "Compute n! for each N (0..20), one child process per number.",
    });
    if (argc - 1 > MAX_PROCESSES)
        cp_options_fail("too many numbers (%d): at most %d, one process each",
                        argc - 1, MAX_PROCESSES);
    count = argc > 1 ? argc - 1 : (int) G_N_ELEMENTS(lesson_inputs);
    numbers = g_new(int, count);
    for (int i = 0; i < count; i++)
        numbers[i] = argc > 1 ? (int) cp_options_parse_int_full(argv[i + 1], 0, MAX_N, "n",
                                                                      "21! does not fit in 64 bits")
                              : lesson_inputs[i];

    children = g_new(pid_t, count);
    fflush(stdout);   /* or each child would inherit, and print, our buffer */
    for (int i = 0; i < count; i++) {
        children[i] = fork();
        if (children[i] == -1)
            cp_die_errno("fork");     /* exit() stops the children already started */
        if (children[i] == 0) {
            cp_children_in_child();            /* first thing: die with the parent */
            calculate_factorial(numbers[i]);   /* numbers[i]: the child's own copy */
            /* _exit() drops what stdio still holds: flush it, and say if it failed. */
            if (fflush(stdout) == EOF || ferror(stdout))
                cp_die_errno_child("writing to stdout");
            _exit(EXIT_SUCCESS);
        }
        cp_children_add(children[i]);   /* until waitpid() reaps it */
    }

    for (int i = 0; i < count; i++) {
        int status;

        while (waitpid(children[i], &status, 0) == -1)
            if (errno != EINTR)
                cp_die_errno("waitpid");
        cp_children_reaped(children[i]);
        if (!cp_child_status_ok(status, "the child for %d", numbers[i]))
            failed = 1;
    }
    g_free(children);
    g_free(numbers);
    if (failed)
        return EXIT_FAILURE;

    printf("All factorials have been calculated.\n");
    return EXIT_SUCCESS;
}
