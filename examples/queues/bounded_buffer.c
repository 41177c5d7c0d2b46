/* SPDX-License-Identifier: 0BSD */
/* bounded_buffer.c: queue.Queue(maxsize=5) built on the page, from one
 * mutex and three condition variables, running lesson 002's
 * producer/consumer.
 *
 * Ports lesson 002 §2 "Producer-Consumer pattern", the cell that
 * queues/producer_consumer.c runs on the helper library's queue: the
 * producer puts Item-0..Item-9, one every 0.1 s; the consumer takes one
 * every 0.2 s; the queue holds at most 5, so put() on a full queue blocks
 * the producer until there is room.  Here the queue is written out:
 *
 *   put()        waits on not_full while the buffer is full;
 *   get()        waits on not_empty while it is empty;
 *   task_done()  says an item got was handled; join() waits on all_done
 *                until every item put has had its task_done();
 *   close()      wakes every waiter: put() then refuses, get() drains what
 *                is left and then says "closed" (Python 3.13's shutdown()).
 *
 * Every pthread_cond_wait() sits in a while loop, never an if: a waiter
 * woken by a signal finds the mutex taken by someone else first, who may
 * have filled or emptied the buffer again; and POSIX allows spurious
 * wake-ups.  So a waiter checks its condition again after each wake-up.
 * (sync/condition_variable --if shows what goes wrong without the loop.)
 *
 * The lesson's consumer stops after 1 s with nothing to get.  A wait with
 * a timeout is pthread_cond_timedwait(), and it is what common/cp_queue.c
 * adds: cp_queue is this buffer plus timeouts (and an unbounded mode).
 * This one has none, so the consumer ends exactly instead: main waits for
 * the producer, then join()s the queue (every item handled), then
 * close()s it, and the consumer's get() returns "closed".
 *
 * Usage:   bounded_buffer [--time-scale=F] [-v]
 *
 * Look for: the same lines as queues/producer_consumer: every item
 * "Produced" once and "Consumed" once, in order, the producer never more
 * than 5 items ahead.  -v adds the most items the buffer ever held (at
 * most 5) and a line after join() returns, which always comes after the
 * last "Consumed" line.  The program checks both, and that join() saw
 * every task_done(); if not, it says so on stderr and exits 1.
 * --trace=FILE shows the threads' short holds of q->lock, never two at
 * once, and main waiting on all_done in join() until the consumer is done.
 *
 * See also: queues/producer_consumer.c (the same run on cp_queue),
 * sync/condition_variable.c, pools/thread_pool.c.
 *
 * Build alone: cc -std=c11 bounded_buffer.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"
#include "cp_trace.h"

#define MAXSIZE 5     /* the lesson's queue.Queue(maxsize=5) */
#define ITEMS 10      /* Item-0 .. Item-9 */

/* ---- the queue ---- */

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t not_full;    /* signalled when an item leaves */
    pthread_cond_t not_empty;   /* signalled when an item arrives, or on close */
    pthread_cond_t all_done;    /* broadcast when unfinished drops to 0 */
    char *items[MAXSIZE];       /* a ring: count items from head; protected by lock */
    int head, count;            /* protected by lock */
    int unfinished;             /* put, not yet task_done(); protected by lock */
    int most;                   /* the largest count seen; protected by lock */
    int done;                   /* task_done() calls; protected by lock */
    bool closed;                /* protected by lock */
} BoundedBuffer;

static void
lock(BoundedBuffer *q)
{
    cp_trace_locking("q->lock");   /* --trace: the wait for the lock, then the hold */
    int s = pthread_mutex_lock(&q->lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_lock");
    cp_trace_locked("q->lock");
}

static void
unlock(BoundedBuffer *q)
{
    cp_trace_unlocking("q->lock");
    int s = pthread_mutex_unlock(&q->lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_unlock");
}

/* Wait on cond: unlock the mutex, sleep, and lock it again, as one step.
 * name: cond's name in --trace's file. */
static void
wait_on(pthread_cond_t *cond, const char *name, BoundedBuffer *q)
{
    cp_trace_waiting("q->lock");
    int s = pthread_cond_wait(cond, &q->lock);
    cp_trace_woken("q->lock", name);
    if (s != 0)
        cp_die_en(s, "pthread_cond_wait");
}

static void
wake(pthread_cond_t *cond, bool all)
{
    int s = all ? pthread_cond_broadcast(cond) : pthread_cond_signal(cond);
    if (s != 0)
        cp_die_en(s, all ? "pthread_cond_broadcast" : "pthread_cond_signal");
}

/* Block while full; false (item not taken) once the queue is closed. */
static bool
queue_put(BoundedBuffer *q, char *item)
{
    lock(q);
    while (q->count == MAXSIZE && !q->closed)
        wait_on(&q->not_full, "not_full", q);
    if (q->closed) {
        unlock(q);
        return false;
    }
    q->items[(q->head + q->count) % MAXSIZE] = item;
    q->count++;
    q->unfinished++;
    if (q->count > q->most)
        q->most = q->count;
    wake(&q->not_empty, false);
    unlock(q);
    return true;
}

/* Block while empty; false once it is closed and empty. */
static bool
queue_get(BoundedBuffer *q, char **item)
{
    lock(q);
    while (q->count == 0 && !q->closed)
        wait_on(&q->not_empty, "not_empty", q);
    if (q->count == 0) {   /* closed, and nothing left */
        unlock(q);
        return false;
    }
    *item = q->items[q->head];
    q->head = (q->head + 1) % MAXSIZE;
    q->count--;
    wake(&q->not_full, false);
    unlock(q);
    return true;
}

static void
queue_task_done(BoundedBuffer *q)
{
    lock(q);
    q->done++;
    if (--q->unfinished == 0)
        wake(&q->all_done, true);
    unlock(q);
}

/* Wait until every item put has had its task_done(). */
static void
queue_join(BoundedBuffer *q)
{
    lock(q);
    while (q->unfinished > 0)
        wait_on(&q->all_done, "all_done", q);
    unlock(q);
}

static void
queue_close(BoundedBuffer *q)
{
    lock(q);
    q->closed = true;
    wake(&q->not_empty, true);   /* every blocked get() and put() re-checks */
    wake(&q->not_full, true);
    unlock(q);
}

/* ---- lesson 002's producer and consumer ---- */

static BoundedBuffer queue = {   /* thread-safe by itself: its own lock */
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .not_full = PTHREAD_COND_INITIALIZER,
    .not_empty = PTHREAD_COND_INITIALIZER,
    .all_done = PTHREAD_COND_INITIALIZER,
};

/* Returns how many items it could not put (0: all of them went in). */
static void *
producer(void *arg)
{
    (void) arg;
    cp_trace_thread("producer");   /* --trace: this thread's row */
    for (int i = 0; i < ITEMS; i++) {
        char *item = g_strdup_printf("Item-%d", i);
        char *line = g_strdup_printf("Produced: %s\n", item);

        if (!queue_put(&queue, item)) {   /* closed: cannot happen here */
            g_free(item);
            g_free(line);
            return GINT_TO_POINTER(ITEMS - i);   /* how many were not put */
        }
        fputs(line, stdout);   /* not item: the consumer may have freed it */
        g_free(line);
        cp_sleep(0.1);
    }
    return GINT_TO_POINTER(0);
}

static void *
consumer(void *arg)
{
    char *item;

    (void) arg;
    cp_trace_thread("consumer");
    while (queue_get(&queue, &item)) {
        printf("Consumed: %s\n", item);
        g_free(item);
        cp_sleep(0.2);
        queue_task_done(&queue);
    }
    return NULL;
}

int
main(int argc, char *argv[])
{
    gboolean verbose = FALSE;
    pthread_t producer_thread, consumer_thread;
    void *not_put;
    int s, done, most;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "queue.Queue(maxsize=5) built from a mutex and condition variables, "
                   "between a producer and a consumer thread.",
        .waits = TRUE,
        .verbose = &verbose,
    });

    s = pthread_create(&producer_thread, NULL, producer, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_create");
    s = pthread_create(&consumer_thread, NULL, consumer, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_create");

    s = pthread_join(producer_thread, &not_put);   /* every item is put */
    if (s != 0)
        cp_die_en(s, "pthread_join");
    queue_join(&queue);                        /* every item is handled */
    lock(&queue);
    done = queue.done;
    most = queue.most;
    unlock(&queue);
    if (verbose)
        printf("join() returned after %d task_done() calls\n", done);
    queue_close(&queue);                       /* the consumer's get() ends */
    s = pthread_join(consumer_thread, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_join");
    if (verbose)
        printf("Most items in the buffer at once: %d (maxsize %d)\n", most, MAXSIZE);

    if (not_put != NULL || done != ITEMS || most > MAXSIZE) {
        fprintf(stderr, "bounded_buffer: %d items not put, %d task_done() calls before "
                "join() returned (not %d), or %d items held (more than %d)\n",
                GPOINTER_TO_INT(not_put), done, ITEMS, most, MAXSIZE);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
