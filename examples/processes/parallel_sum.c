/* SPDX-License-Identifier: 0BSD */
/* parallel_sum.c: child processes sum parts of a list and send the sums
 * back through pipes.
 *
 * Ports lesson 001 "Parallel sum" (multiprocessing.Process + Queue).  For
 * each sublist the parent makes a pipe and forks a child; the child sums
 * its numbers, writes the sum into the pipe and _exit()s; the parent reads
 * every pipe, then reaps every child with waitpid().
 *
 * Usage:   parallel_sum [--sublists=K] [--size=N]     (default: K=4, N=100)
 *
 * Look for: "Results: [5050, 15050, 25050, 35050]", in sublist order every
 * time: unlike the lesson's shared Queue, each child has its own pipe, so
 * the parent knows whose sum it reads.  The lesson also joins the children
 * before emptying the queue, which can deadlock once results outgrow the
 * pipe; here the parent reads first, then waits.
 *
 * See also: processes/parallel_product.c; pools/fib_pool.c for a pool.
 *
 * Build alone: cc -std=c11 parallel_sum.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp_children.h"
#include "cp_die.h"
#include "cp_format.h"
#include "cp_io.h"
#include "cp_options.h"

/* The child's whole life: sum first..last, send it, exit. */
static void
sublist_add(int write_fd, int64_t first, int64_t last)
{
    int64_t sum = 0;

    for (int64_t x = first; x <= last; x++)
        sum += x;
    if (cp_io_write_all(write_fd, &sum, sizeof sum) == -1)
        cp_die_errno_child("write");
    _exit(EXIT_SUCCESS);
}

int
main(int argc, char *argv[])
{
    int sublists = 4, size = 100, failed = 0;
    GOptionEntry entries[] = {
        { "sublists", 'k', 0, G_OPTION_ARG_INT, &sublists, "Number of sublists, one child process each (1..64; default: 4)", "K" },
        { "size", 'n', 0, G_OPTION_ARG_INT, &size, "Numbers in each sublist (1..10000000; default: 100)", "N" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Sum sublists in child processes; results come back through pipes.",
        .entries = entries,
    });
    if (sublists < 1 || sublists > 64)
        cp_options_fail("--sublists '%d' is out of range (1..64)", sublists);
    if (size < 1 || size > 10000000)
        cp_options_fail("--size '%d' is out of range (1..10000000)", size);

    pid_t *children = g_new(pid_t, sublists);
    int *read_fds = g_new(int, sublists);
    gint64 *results = g_new0(gint64, sublists);

    fflush(stdout);   /* or each child would inherit, and print, our buffer */
    for (int i = 0; i < sublists; i++) {
        int fds[2];

        if (pipe(fds) == -1)
            cp_die_errno("pipe");     /* exit() stops the children already started */
        children[i] = fork();
        if (children[i] == -1)
            cp_die_errno("fork");
        if (children[i] == 0) {
            cp_children_in_child();   /* first thing: die with the parent */
            /* Our read end, and the read ends of earlier siblings' pipes,
             * are not ours to keep open. */
            if (close(fds[0]) == -1)
                cp_die_errno_child("close");
            for (int j = 0; j < i; j++)
                if (close(read_fds[j]) == -1)
                    cp_die_errno_child("close");
            sublist_add(fds[1], (int64_t) i * size + 1, (int64_t) (i + 1) * size);
        }
        cp_children_add(children[i]);   /* until waitpid() reaps it */
        if (close(fds[1]) == -1)   /* so read() sees end of file if the child dies */
            cp_die_errno("close");
        read_fds[i] = fds[0];
    }

    for (int i = 0; i < sublists; i++) {
        int64_t sum;
        ssize_t n;

        n = cp_io_read_full(read_fds[i], &sum, sizeof sum);   /* resumes after EINTR */
        if (n == -1)
            cp_die_errno("read");
        if (n == (ssize_t) sizeof sum)
            results[i] = sum;
        else
            failed = 1;   /* the child died before it wrote: waitpid says how */
        if (close(read_fds[i]) == -1)
            cp_die_errno("close");
    }

    for (int i = 0; i < sublists; i++) {
        int status;

        while (waitpid(children[i], &status, 0) == -1)
            if (errno != EINTR)
                cp_die_errno("waitpid");
        cp_children_reaped(children[i]);
        if (!cp_child_status_ok(status, "child %d", i))
            failed = 1;
    }

    if (!failed)
        cp_print_int_list("Results: ", results, (gsize) sublists);
    g_free(results);
    g_free(read_fds);
    g_free(children);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
