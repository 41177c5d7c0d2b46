/* SPDX-License-Identifier: 0BSD */
/* cp_queue.h: a bounded blocking queue, the C shape of Python's
 * queue.Queue(maxsize).
 *
 *  - cp_queue_put() blocks while the queue is full, cp_queue_get() while it
 *    is empty; the _timeout variants give up after a number of seconds
 *    (real seconds: scale them with cp_time_scaled() for a simulated wait).
 *  - cp_queue_task_done()/cp_queue_join() count unfinished items as in
 *    Python: join() returns once every item put has been marked done.
 *  - cp_queue_close() wakes every waiter: puts fail from then on, and gets
 *    drain what is left and then report CP_QUEUE_CLOSED, so consumers can end
 *    without a sentinel.
 *
 * Any number of producers and consumers may share one queue.  Items are
 * pointers; the queue never frees them.  NULL is a valid item (the
 * lessons' None sentinel).  Synchronization is one pthread mutex and
 * three condition variables; storage is a GQueue.
 */
#ifndef CP_QUEUE_H
#define CP_QUEUE_H

#include <glib.h>

typedef struct CpQueue CpQueue;

typedef enum {
    CP_QUEUE_OK,      /* the item was put or got */
    CP_QUEUE_TIMEOUT, /* the wait ran out first */
    CP_QUEUE_CLOSED   /* put: the queue is closed; get: closed and empty */
} CpQueueStatus;

/* maxsize 0 means unbounded, as in Python. */
CpQueue *cp_queue_new(gsize maxsize);

/* Free the queue; no thread may be using it any more. */
void cp_queue_free(CpQueue *queue);

/* Block while full.  CP_QUEUE_OK or CP_QUEUE_CLOSED. */
CpQueueStatus cp_queue_put(CpQueue *queue, gpointer item);

/* Block while full, at most timeout seconds (< 0: no limit). */
CpQueueStatus cp_queue_put_timeout(CpQueue *queue, gpointer item,
                                   double timeout);

/* Block while empty.  CP_QUEUE_OK (and *item set) or CP_QUEUE_CLOSED. */
CpQueueStatus cp_queue_get(CpQueue *queue, gpointer *item);

/* Block while empty, at most timeout seconds (< 0: no limit). */
CpQueueStatus cp_queue_get_timeout(CpQueue *queue, gpointer *item,
                                   double timeout);

/* Mark one item got earlier as processed. */
void cp_queue_task_done(CpQueue *queue);

/* Block until every item put has been marked done. */
void cp_queue_join(CpQueue *queue);

/* Refuse further puts and wake every blocked put and get.  join() still
 * waits for the items already put to be marked done. */
void cp_queue_close(CpQueue *queue);

/* Number of items waiting now (a snapshot, stale at once). */
gsize cp_queue_size(CpQueue *queue);

#endif
