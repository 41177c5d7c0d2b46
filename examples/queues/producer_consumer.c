/* SPDX-License-Identifier: 0BSD */
/* producer_consumer.c: a producer thread and a consumer thread joined by a
 * bounded blocking queue.
 *
 * Ports lesson 002 §2 "Producer-Consumer pattern" (queue.Queue(maxsize=5))
 * and its part-2 variant that ends the consumer with a None sentinel.  The
 * producer puts Item-0..Item-9, one every 0.1 s; the consumer takes one
 * every 0.2 s, so items pile up in the queue; it holds at most 5, and a
 * put() on a full queue would block the producer until there is room.
 *
 * Usage:   producer_consumer [--stop=timeout|sentinel] [--time-scale=F]
 *
 * Look for: every item "Produced" once and "Consumed" once, in order, the
 * producer running ahead of the consumer.  With --stop=timeout (the
 * lesson's way) the consumer quits after waiting 1 s on an empty queue,
 * which is a guess: a producer slower than that would lose items (the
 * consumer then closes the queue, so the producer stops instead of
 * blocking for ever on a full queue, and main counts what was lost).
 * --stop=sentinel ends it exactly: the producer puts NULL (the lesson's
 * None) after the last item.
 *
 * See also: queues/multi_producer_consumer.c, queues/queue_reader.c.
 *
 * Build alone: cc -std=c11 producer_consumer.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_queue.h"
#include "cp_time.h"

#define ITEMS 10
#define MAXSIZE 5

static CpQueue *queue;            /* thread-safe by itself: no lock needed */
static gboolean stop_by_sentinel; /* set before the threads start */

/* Returns how many items it could not put: a consumer that gave up
 * closes the queue, or the producer would block for ever on a full one. */
static void *
producer(void *arg)
{
    (void) arg;
    for (int i = 0; i < ITEMS; i++) {
        char *item = g_strdup_printf("Item-%d", i);

        if (cp_queue_put(queue, item) == CP_QUEUE_CLOSED) {   /* blocks while 5 wait */
            g_free(item);
            return GINT_TO_POINTER(ITEMS - i);
        }
        /* Not item: the consumer may have freed it already. */
        printf("Produced: Item-%d\n", i);
        cp_sleep(0.1);
    }
    if (stop_by_sentinel)
        (void) cp_queue_put(queue, NULL);   /* never closed in this mode */
    return GINT_TO_POINTER(0);
}

static void *
consumer(void *arg)
{
    char *item;

    (void) arg;
    for (;;) {
        if (stop_by_sentinel) {
            if (cp_queue_get(queue, (gpointer *) &item) != CP_QUEUE_OK || item == NULL)
                break;
        } else if (cp_queue_get_timeout(queue, (gpointer *) &item,
                                        cp_time_scaled(1.0)) == CP_QUEUE_TIMEOUT) {
            cp_queue_close(queue);   /* the lesson's queue.Empty: no more gets */
            break;
        }
        printf("Consumed: %s\n", item);
        g_free(item);
        cp_sleep(0.2);
        cp_queue_task_done(queue);
    }
    return NULL;
}

int
main(int argc, char *argv[])
{
    char *stop = NULL;
    pthread_t producer_thread, consumer_thread;
    int s;
    GOptionEntry entries[] = {
        { "stop", 0, 0, G_OPTION_ARG_STRING, &stop,
          "How the consumer ends: timeout (after 1 s with nothing to get) or sentinel "
          "(default: timeout)",
          "HOW" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "A producer and a consumer thread share a queue of 5.",
        .entries = entries,
        .waits = TRUE,
    });
    if (stop && strcmp(stop, "sentinel") == 0)
        stop_by_sentinel = TRUE;
    else if (stop && strcmp(stop, "timeout") != 0)
        cp_options_fail("--stop '%s' is neither 'timeout' nor 'sentinel'", stop);
    g_free(stop);

    queue = cp_queue_new(MAXSIZE);
    s = pthread_create(&producer_thread, NULL, producer, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_create");
    s = pthread_create(&consumer_thread, NULL, consumer, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_create");

    void *not_put;
    s = pthread_join(producer_thread, &not_put);
    if (s != 0)
        cp_die_en(s, "pthread_join");
    s = pthread_join(consumer_thread, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_join");

    /* The timeout is a guess; if it guessed wrong, say what it cost. */
    gsize lost = cp_queue_size(queue) + (gsize) GPOINTER_TO_INT(not_put);
    gpointer item;
    while (cp_queue_get_timeout(queue, &item, 0) == CP_QUEUE_OK)   /* closed: drains */
        g_free(item);
    cp_queue_free(queue);
    if (lost > 0) {
        fprintf(stderr, "producer_consumer: %zu items were never consumed\n", (size_t) lost);
        return 1;
    }
    return 0;
}
