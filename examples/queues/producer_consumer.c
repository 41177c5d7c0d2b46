/* SPDX-License-Identifier: 0BSD */
/* producer_consumer.c: a producer thread and a consumer thread joined by a
 * blocking queue.
 *
 * Ports two lessons' "Producer-Consumer" cells:
 *
 *  --lesson=002   (the default) lesson 002 §2 "Producer-Consumer pattern":
 *                 queue.Queue(maxsize=5); the producer puts Item-0..Item-9,
 *                 one every 0.1 s; the consumer takes one every 0.2 s, so
 *                 items pile up in the queue; it holds at most 5, and a
 *                 put() on a full queue blocks the producer until there is
 *                 room.  The consumer quits after 1 s with nothing to get.
 *  --lesson=002b  lesson 002b "Producer-Consumer Pattern": an unbounded
 *                 queue; the producer puts item1..item5, one every 0.5 s,
 *                 then None (NULL here); consumer "A" takes one every 0.3 s
 *                 and stops at the None; then "Producer-Consumer completed!".
 *
 * Usage:   producer_consumer [--lesson=002|002b] [--stop=timeout|sentinel]
 *                            [--time-scale=F]
 *
 * Look for: every item "Produced" once and "Consumed" once, in order.
 * With 002 the producer runs ahead of the consumer, never more than 5
 * items; with 002b the consumer is the faster one and waits for each item,
 * so the lines come in pairs.  --stop picks how the consumer ends in either
 * lesson: timeout (002's way) is a guess, since a producer slower than 1 s
 * would lose items (the consumer then closes the queue, so the producer
 * stops instead of blocking for ever on a full queue, and main reports
 * what was lost on stderr and exits 1); sentinel (002b's way) ends it
 * exactly: the producer puts NULL, the lesson's None, after the last item.
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
#include "cp_trace.h"

/* What differs between the two lessons' cells. */
typedef struct {
    const char *item_prefix;   /* item i is this prefix, then the number */
    int first, items;          /* items first .. first + items - 1 */
    gsize maxsize;             /* the queue's bound; 0: unbounded */
    double produce_wait, consume_wait;
    const char *consumed;      /* the consumer's line, before the item */
    gboolean by_sentinel;      /* how the consumer ends by default */
    const char *completed;     /* the last line, or NULL */
} Cell;

static const Cell lesson_002 = {
    "Item-", 0, 10, 5, 0.1, 0.2, "Consumed: ", FALSE, NULL
};
static const Cell lesson_002b = {
    "item", 1, 5, 0, 0.5, 0.3, "Consumer A consumed: ", TRUE, "Producer-Consumer completed!"
};

static const Cell *cell;          /* set before the threads start */
static gboolean stop_by_sentinel; /* set before the threads start */
static CpQueue *queue;            /* thread-safe by itself: no lock needed */

/* Returns how many items it could not put: a consumer that gave up
 * closes the queue, or the producer would block for ever on a full one. */
static void *
producer(void *arg)
{
    (void) arg;
    cp_trace_thread("producer");   /* --trace: this thread's row */
    for (int i = 0; i < cell->items; i++) {
        char *item = g_strdup_printf("%s%d", cell->item_prefix, cell->first + i);
        char *line = g_strdup_printf("Produced: %s\n", item);

        if (cp_queue_put(queue, item) == CP_QUEUE_CLOSED) {   /* blocks while full */
            g_free(item);
            g_free(line);
            return GINT_TO_POINTER(cell->items - i);
        }
        /* Not item: the consumer may have freed it already. */
        fputs(line, stdout);
        g_free(line);
        cp_sleep(cell->produce_wait);
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
    cp_trace_thread("consumer");
    for (;;) {
        if (stop_by_sentinel) {
            if (cp_queue_get(queue, (gpointer *) &item) != CP_QUEUE_OK || item == NULL)
                break;
        } else if (cp_queue_get_timeout(queue, (gpointer *) &item,
                                        cp_time_scaled_timeout(1.0)) == CP_QUEUE_TIMEOUT) {
            cp_queue_close(queue);   /* the lesson's queue.Empty: no more gets */
            break;
        }
        printf("%s%s\n", cell->consumed, item);
        g_free(item);
        cp_sleep(cell->consume_wait);
        cp_queue_task_done(queue);
    }
    return NULL;
}

int
main(int argc, char *argv[])
{
    char *stop = NULL;
    const char *lesson;
    pthread_t producer_thread, consumer_thread;
    int s;
    GOptionEntry entries[] = {
        { "stop", 0, 0, G_OPTION_ARG_STRING, &stop,
          "How the consumer ends: timeout (after 1 s with nothing to get) or sentinel "
          "(default: timeout for --lesson=002, sentinel for 002b)",
          "HOW" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "A producer and a consumer thread share a queue.",
        .entries = entries,
        .waits = TRUE,
        .lessons = "002 002b",
        .lesson = &lesson,
    });
    cell = strcmp(lesson, "002b") == 0 ? &lesson_002b : &lesson_002;
    if (stop == NULL)
        stop_by_sentinel = cell->by_sentinel;
    else if (strcmp(stop, "sentinel") == 0)
        stop_by_sentinel = TRUE;
    else if (strcmp(stop, "timeout") != 0)
        cp_options_fail("--stop '%s' is neither 'timeout' nor 'sentinel'", stop);
    g_free(stop);

    queue = cp_queue_new(cell->maxsize);
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
    if (cell->completed)
        printf("%s\n", cell->completed);

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
