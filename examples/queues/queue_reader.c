/* SPDX-License-Identifier: 0BSD */
/* queue_reader.c: "while not q.empty()" is not "until the writer is done".
 *
 * Ports lesson 002 §2 "Thread-safe data structures".  A writer thread puts
 * Data-0..Data-4 on a queue, one every 0.1 s; a reader thread prints what
 * it reads.  The lesson's reader is buggy, and the default runs it as the
 * lesson does; --fixed is the corrected reader:
 *
 *  default   the lesson's loop: while the queue is not empty, get (with the
 *            lesson's 0.5 s timeout) and print.  The size is a snapshot,
 *            true only at the instant it is taken: "empty" can mean "not
 *            written yet" just as well as "nothing more will come", and the
 *            writer puts the next item a moment after the reader looked.
 *            So the reader quits after reading one item, while the writer
 *            is still sleeping between puts, or reads none at all when it
 *            looks before the writer's first put (rarer in Python, whose
 *            GIL nearly always lets the writer put first).
 *  --fixed   the writer closes the queue when it has put everything, and
 *            the reader loops on a blocking get until it reports CLOSED
 *            (closed and drained), the C shape of a None sentinel.  It
 *            waits out the writer's pauses and reads every item.
 *
 * Usage:   queue_reader [--fixed] [-v] [--time-scale=F]
 *
 * Look for: "Read: Data-0" and nothing more, as the lesson prints (or no
 * line at all, now and then): four items were written and never read.
 * With --fixed, "Read: Data-0" .. "Read: Data-4", every time.  -v adds
 * "Reader read k of 5 items" and how many were left unread in the queue.
 * --fixed checks itself and exits 1 unless all 5 were read; the default is
 * a demonstration and exits 0 however many it lost.
 *
 * See also: queues/producer_consumer.c (a timeout and a sentinel),
 * queues/multi_producer_consumer.c (join, then close).
 *
 * Build alone: cc -std=c11 queue_reader.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_queue.h"
#include "cp_time.h"
#include "cp_trace.h"

#define ITEMS 5

static CpQueue *queue;    /* thread-safe by itself: no lock needed */
static gboolean fixed;    /* set before the threads start */
static int items_read;    /* written by the reader, read by main() after the join */

static void *
queue_worker(void *arg)
{
    (void) arg;
    cp_trace_thread("writer");   /* --trace: this thread's row */
    for (int i = 0; i < ITEMS; i++) {
        cp_queue_put(queue, g_strdup_printf("Data-%d", i));
        cp_sleep(0.1);
    }
    cp_queue_close(queue);   /* "no more items": what the lesson's reader ignores */
    return NULL;
}

static void *
queue_reader(void *arg)
{
    char *data;

    (void) arg;
    cp_trace_thread("reader");
    if (!fixed) {
        /* The bug: a check, then an act on a state that may have changed. */
        while (cp_queue_size(queue) > 0) {
            if (cp_queue_get_timeout(queue, (gpointer *) &data,
                                     cp_time_scaled_timeout(0.5)) != CP_QUEUE_OK)
                break;   /* the lesson's queue.Empty */
            printf("Read: %s\n", data);
            g_free(data);
            items_read++;
            cp_queue_task_done(queue);
        }
    } else {
        /* Blocks through the writer's pauses; CLOSED only once drained. */
        while (cp_queue_get(queue, (gpointer *) &data) == CP_QUEUE_OK) {
            printf("Read: %s\n", data);
            g_free(data);
            items_read++;
            cp_queue_task_done(queue);
        }
    }
    return NULL;
}

int
main(int argc, char *argv[])
{
    pthread_t writer_thread, reader_thread;
    int s, left = 0;
    gboolean verbose = FALSE;
    gpointer item;
    GOptionEntry entries[] = {
        { "fixed", 0, 0, G_OPTION_ARG_NONE, &fixed,
          "Read until the writer closes the queue, and so read every item "
          "(default: the lesson's loop, while the queue is not empty, which loses items)",
          NULL },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "A reader thread reads what a writer thread puts on a queue.",
        .entries = entries,
        .waits = TRUE,
        .verbose = &verbose,
    });

    queue = cp_queue_new(0);   /* unbounded, like queue.Queue() */
    s = pthread_create(&writer_thread, NULL, queue_worker, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_create");
    s = pthread_create(&reader_thread, NULL, queue_reader, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_create");

    s = pthread_join(writer_thread, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_join");
    s = pthread_join(reader_thread, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_join");

    /* Whatever the reader left behind: count it, and free it. */
    while (cp_queue_get(queue, &item) == CP_QUEUE_OK) {
        g_free(item);
        left++;
    }
    cp_queue_free(queue);

    if (verbose) {
        printf("Reader read %d of %d items", items_read, ITEMS);
        if (left > 0)
            printf("; %d never read, left in the queue", left);
        printf("\n");
    }
    if (fixed && items_read != ITEMS) {
        fprintf(stderr, "queue_reader: the reader missed %d items\n", ITEMS - items_read);
        return 1;
    }
    return 0;
}
