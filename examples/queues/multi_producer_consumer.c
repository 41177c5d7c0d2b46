/* SPDX-License-Identifier: 0BSD */
/* multi_producer_consumer.c: two producers and two consumers share one
 * queue; join() waits for the work, close() ends the consumers.
 *
 * Ports lesson 002b (the second lesson in file 002) "Thread-Safe Data
 * Structures" (queue.Queue() with producer_safe and consumer_safe).
 * Producers P1 and P2 each put 3 items and consumers C1 and C2 take
 * whatever comes next, every thread pausing a random 0.1-0.3 s between
 * items.  main() joins the producers,
 * then cp_queue_join() waits until every item has been marked task_done,
 * then cp_queue_close() wakes the consumers, whose get now reports CLOSED.
 * The lesson's consumers instead quit after 1 s with nothing to get: a
 * guess that costs a second at the end and loses items if a producer is
 * ever slower than that.  The lines printed are the lesson's all the same
 * (its title lines aside).
 *
 * Usage:   multi_producer_consumer [--time-scale=F]
 *
 * Look for: all six items P1-0..P1-2 and P2-0..P2-2 "got" exactly once,
 * by either consumer, in an order that changes from run to run, then
 * "Thread-safe operations completed!".  No lock appears here: the queue
 * holds its own.  Each thread has its own random generator, since one
 * generator shared by four threads would need a lock too.
 *
 * See also: queues/producer_consumer.c, queues/queue_reader.c.
 *
 * Build alone: cc -std=c11 multi_producer_consumer.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_queue.h"
#include "cp_time.h"
#include "cp_trace.h"

#define PRODUCERS 2
#define CONSUMERS 2
#define ITEMS_EACH 3

typedef struct {
    char name[16];    /* "P1", "C2": set before the thread starts */
    GRand *rng;       /* this thread's own */
    pthread_t thread;
} Role;

static CpQueue *queue;          /* thread-safe by itself: no lock needed */
static atomic_int items_got;    /* (atomic) checked by main() at the end */

static void *
producer_safe(void *arg)
{
    Role *self = arg;

    cp_trace_thread("Producer %s", self->name);   /* --trace: this thread's row */
    for (int i = 0; i < ITEMS_EACH; i++) {
        /* Never CLOSED: main() closes the queue after joining the producers. */
        cp_queue_put(queue, g_strdup_printf("%s-%d", self->name, i));
        /* Not the item: a consumer may have freed it already. */
        printf("Producer %s put: %s-%d\n", self->name, self->name, i);
        cp_sleep(g_rand_double_range(self->rng, 0.1, 0.3));
    }
    return NULL;
}

static void *
consumer_safe(void *arg)
{
    Role *self = arg;
    char *item;

    cp_trace_thread("Consumer %s", self->name);
    while (cp_queue_get(queue, (gpointer *) &item) == CP_QUEUE_OK) {
        printf("Consumer %s got: %s\n", self->name, item);
        g_free(item);
        cp_sleep(g_rand_double_range(self->rng, 0.1, 0.3));
        atomic_fetch_add(&items_got, 1);
        cp_queue_task_done(queue);   /* only now may join() count it done */
    }
    return NULL;   /* CP_QUEUE_CLOSED: closed and nothing left */
}

static void
role_start(Role *role, const char *prefix, int number, void *(*fn)(void *))
{
    int s;

    snprintf(role->name, sizeof role->name, "%s%d", prefix, number);
    role->rng = g_rand_new();
    s = pthread_create(&role->thread, NULL, fn, role);
    if (s != 0)
        cp_die_en(s, "pthread_create");
}

static void
role_join(Role *role)
{
    int s = pthread_join(role->thread, NULL);

    if (s != 0)
        cp_die_en(s, "pthread_join");
    g_rand_free(role->rng);
}

int
main(int argc, char *argv[])
{
    Role producers[PRODUCERS], consumers[CONSUMERS];

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Two producer and two consumer threads share one queue.",
        .waits = TRUE,
    });

    queue = cp_queue_new(0);   /* unbounded, like queue.Queue() */
    for (int i = 0; i < PRODUCERS; i++)
        role_start(&producers[i], "P", i + 1, producer_safe);
    for (int i = 0; i < CONSUMERS; i++)
        role_start(&consumers[i], "C", i + 1, consumer_safe);

    for (int i = 0; i < PRODUCERS; i++)
        role_join(&producers[i]);
    cp_queue_join(queue);    /* every item put has been marked task_done */
    cp_queue_close(queue);   /* so nothing more will come: stop the consumers */
    for (int i = 0; i < CONSUMERS; i++)
        role_join(&consumers[i]);
    cp_queue_free(queue);

    /* The queue cannot lose an item; a program that can know, checks. */
    if (atomic_load(&items_got) != PRODUCERS * ITEMS_EACH) {
        fprintf(stderr, "multi_producer_consumer: got %d items, expected %d\n",
                atomic_load(&items_got), PRODUCERS * ITEMS_EACH);
        return 1;
    }
    printf("Thread-safe operations completed!\n");
    return 0;
}
