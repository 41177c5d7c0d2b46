/* SPDX-License-Identifier: 0BSD */
/* process_queue.c: a producer process and a consumer process joined by a
 * message queue over a pipe.
 *
 * Ports lesson 002 §3 "Process communication with Queue"
 * (multiprocessing.Queue).  The parent makes the queue (cp_channel:
 * messages over a pipe, made before fork() so that both children inherit
 * it), forks a producer that puts Data-0..Data-4, one every 0.1 s, and a
 * consumer that gets them and takes 0.2 s over each, then waits for both.
 *
 * Usage:   process_queue [--time-scale=F]
 *
 * Look for: "Producer put: Data-i" and "Consumer got: Data-i" for i in
 * 0..4, each item got once and in the order put, the producer running
 * ahead.  The lesson's consumer stops after waiting 1 s for an item that
 * does not come (queue.Empty), a guess that would lose the items of a
 * slower producer.  A pipe can say for sure: once every process holding
 * its write end has closed it, the reader gets end of file.  So the parent
 * and the consumer close their copies of the write end at once, and the
 * consumer stops at whichever comes first; in the default run that is end
 * of file, right after the last item, since the producer has exited.
 *
 * See also: queues/producer_consumer.c (threads and a bounded queue);
 * processes/parallel_sum.c (bare pipes).
 *
 * Build alone: cc -std=c11 process_queue.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp_channel.h"
#include "cp_children.h"
#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"

#define ITEMS 5

static void
producer_process(CpChannel *queue)
{
    /* Not reading: and if the consumer quits, our sends must fail (EPIPE
     * or SIGPIPE) rather than fill a pipe that nobody empties. */
    cp_channel_close_reader(queue);
    for (int i = 0; i < ITEMS; i++) {
        char data[32];

        snprintf(data, sizeof data, "Data-%d", i);
        if (cp_channel_send_str(queue, data) == -1)
            cp_die_errno_child("cp_channel_send");
        printf("Producer put: %s\n", data);
        if (fflush(stdout) == EOF || ferror(stdout))   /* now: _exit() would drop it */
            cp_die_errno_child("writing to stdout");
        cp_sleep(0.1);
    }
}

static void
consumer_process(CpChannel *queue)
{
    int received = 0;

    cp_channel_close_writer(queue);   /* or end of file could never come */
    for (;;) {
        void *data;
        size_t len;
        /* The wait is real seconds: scale the lesson's 1 s like cp_sleep(). */
        CpChannelStatus status = cp_channel_recv_timeout(queue, &data, &len,
                                                          cp_time_scaled_timeout(1.0));

        if (status == CP_CHANNEL_ERROR)
            cp_die_errno_child("cp_channel_recv");
        if (status != CP_CHANNEL_MESSAGE)
            break;   /* end of file, or the lesson's queue.Empty */
        printf("Consumer got: %s\n", (char *) data);
        if (fflush(stdout) == EOF || ferror(stdout))   /* now: _exit() would drop it */
            cp_die_errno_child("writing to stdout");
        g_free(data);
        received++;
        cp_sleep(0.2);
    }
    /* Self-check: a timeout that came too early would have lost items. */
    if (received != ITEMS) {
        fprintf(stderr, "process_queue: the consumer got %d of %d items\n", received, ITEMS);
        _exit(EXIT_FAILURE);
    }
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
    return cp_child_status_ok(status, "the %s", name);
}

int
main(int argc, char *argv[])
{
    pid_t producer, consumer;
    CpChannel queue;
    gboolean ok;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "A producer and a consumer process share a queue over a pipe.",
        .waits = TRUE,
    });

    if (cp_channel_init(&queue) == -1)
        cp_die_errno("cp_channel_init");
    fflush(stdout);   /* or each child would inherit, and print, our buffer */
    producer = fork();
    if (producer == -1)
        cp_die_errno("fork");
    if (producer == 0) {
        cp_children_in_child();   /* first thing: die with the parent */
        producer_process(&queue);
        _exit(EXIT_SUCCESS);
    }
    cp_children_add(producer);    /* until join_process() reaps it */
    consumer = fork();
    if (consumer == -1)
        cp_die_errno("fork");     /* exit() stops the producer */
    if (consumer == 0) {
        cp_children_in_child();
        consumer_process(&queue);
        _exit(EXIT_SUCCESS);
    }
    cp_children_add(consumer);
    cp_channel_destroy(&queue);   /* the parent uses neither end */

    ok = join_process(producer, "producer");
    ok = join_process(consumer, "consumer") && ok;   /* reap both, even if one failed */
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
