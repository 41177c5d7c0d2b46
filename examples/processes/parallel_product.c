/* SPDX-License-Identifier: 0BSD */
/* parallel_product.c: child processes multiply parts of a list and send
 * the products back through one pipe that they all share.
 *
 * Ports lesson 001 "Parallel multiplication" (multiprocessing.Process and
 * one Queue for every child).  The parent makes one pipe and forks a child
 * per sublist; each child multiplies its numbers, writes one record
 * {sublist index, product} into the pipe and _exit()s.  The parent reads
 * records until end of file, which comes once every child has exited
 * (closing its write end), then reaps the children.
 *
 * Usage:   parallel_product [--sublists=K] [--size=N]    (default: K=4, N=4)
 *
 * Look for: "Results: [24, 1680, 11880, 43680]", in sublist order every
 * time, although the records arrive in the order the children finish:
 * each record says where it goes.  Many writers can share the pipe because
 * each record is one write() of 16 bytes, less than PIPE_BUF, and POSIX
 * makes such a write atomic: records never mix.  Products grow fast, and
 * int64_t is not Python's int: inputs whose products do not fit in 64
 * bits (20 numbers from 1 fit, 21 do not) are rejected before any fork.
 *
 * See also: processes/parallel_sum.c (one pipe per child);
 * processes/process_queue.c (messages of any length over a pipe).
 *
 * Build alone: cc -std=c11 parallel_product.c $(pkg-config --cflags --libs conpar)
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

struct record {
    int64_t index;     /* which sublist */
    int64_t product;
};

/* The child's whole life: multiply first..last, send it, exit. */
static void
sublist_multiply(int write_fd, int index, int64_t first, int64_t last)
{
    struct record r = { index, 1 };

    for (int64_t x = first; x <= last; x++)
        r.product *= x;   /* main() has checked that it fits */
    /* One write() of sizeof r <= PIPE_BUF bytes: atomic, never split. */
    if (write(write_fd, &r, sizeof r) != (ssize_t) sizeof r)
        cp_die_errno_child("write");
    _exit(EXIT_SUCCESS);
}

/* Does first * ... * last fit in an int64_t?  (first >= 1) */
static gboolean
product_fits(int64_t first, int64_t last)
{
    int64_t product = 1;

    for (int64_t x = first; x <= last; x++) {
        if (product > INT64_MAX / x)
            return FALSE;
        product *= x;
    }
    return TRUE;
}

int
main(int argc, char *argv[])
{
    int sublists = 4, size = 4, received = 0, failed = 0, fds[2];
    GOptionEntry entries[] = {
        { "sublists", 'k', 0, G_OPTION_ARG_INT, &sublists,
          "Number of sublists, one child process each (1..64; default: 4)", "K" },
        { "size", 'n', 0, G_OPTION_ARG_INT, &size,
          "Numbers in each sublist, every product within 64 bits (1..20; default: 4)", "N" },
        G_OPTION_ENTRY_NULL
    };
    struct record r;
    ssize_t n;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Multiply sublists in child processes; products come back through one pipe.",
        .entries = entries,
    });
    if (sublists < 1 || sublists > 64)
        cp_options_fail("--sublists '%d' is out of range (1..64)", sublists);
    if (size < 1 || size > 20)
        cp_options_fail("--size '%d' is out of range (1..20)", size);
    /* The last sublist has the largest numbers: if its product fits, all do. */
    if (!product_fits((int64_t) (sublists - 1) * size + 1, (int64_t) sublists * size))
        cp_options_fail("--sublists=%d --size=%d: the product of %d..%d does not fit in 64 bits",
                        sublists, size, (sublists - 1) * size + 1, sublists * size);

    pid_t *children = g_new(pid_t, sublists);
    gint64 *results = g_new0(gint64, sublists);

    if (pipe(fds) == -1)
        cp_die_errno("pipe");
    fflush(stdout);   /* or each child would inherit, and print, our buffer */
    for (int i = 0; i < sublists; i++) {
        children[i] = fork();
        if (children[i] == -1)
            cp_die_errno("fork");     /* exit() stops the children already started */
        if (children[i] == 0) {
            cp_children_in_child();   /* first thing: die with the parent */
            if (close(fds[0]) == -1)
                cp_die_errno_child("close");
            sublist_multiply(fds[1], i, (int64_t) i * size + 1, (int64_t) (i + 1) * size);
        }
        cp_children_add(children[i]);   /* until waitpid() reaps it */
    }
    if (close(fds[1]) == -1)   /* ours too, or read() would never see end of file */
        cp_die_errno("close");

    while ((n = cp_io_read_full(fds[0], &r, sizeof r)) == (ssize_t) sizeof r) {
        results[r.index] = r.product;
        received++;
    }
    if (n == -1)
        cp_die_errno("read");
    if (close(fds[0]) == -1)
        cp_die_errno("close");
    if (received != sublists)
        failed = 1;   /* a child died before it wrote: waitpid says how */

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
    g_free(children);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
