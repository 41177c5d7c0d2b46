/* SPDX-License-Identifier: 0BSD */
/* cp_queue.c: Python's queue.Queue(maxsize) in C, built from one pthread
 * mutex and three condition variables around a ring of pointers (see
 * cp_queue.h).
 *
 * Two things keep it fast, neither of which changes what it does: the
 * ring grows by doubling and is never freed item by item (a linked list
 * would call malloc() and free() for every item), and a put or get signals
 * a condition variable only when a thread waits on it, counted in
 * getters_waiting and putters_waiting.  The signal stays under the lock:
 * measured with bench/queue_throughput, signalling after the unlock made
 * four producers and four consumers two to three times slower (the woken
 * thread and the others then race for the lock). */
#define _POSIX_C_SOURCE 200809L

#include "cp_queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>   /* _POSIX_CLOCK_SELECTION */

#include "cp_die.h"
#include "cp_trace.h"

/* Timed waits measure their deadline on this clock.  The monotonic clock
 * does not jump when someone sets the date; macOS lacks
 * pthread_condattr_setclock() (it does not define _POSIX_CLOCK_SELECTION),
 * so there the wall clock has to do. */
#if defined(_POSIX_CLOCK_SELECTION) && _POSIX_CLOCK_SELECTION > 0
#define CP_QUEUE_MONOTONIC 1
static const clockid_t wait_clock = CLOCK_MONOTONIC;
#else
static const clockid_t wait_clock = CLOCK_REALTIME;
#endif

struct CpQueue {
    pthread_mutex_t lock;      /* protects every field below but maxsize */
    pthread_cond_t not_empty;  /* an item was put, or the queue closed */
    pthread_cond_t not_full;   /* an item was got, or the queue closed */
    pthread_cond_t all_done;   /* unfinished dropped to 0 */
    gpointer *ring;            /* protected by lock: the items, from head, wrapping */
    gsize capacity;            /* protected by lock: the ring's size, a power of 2 */
    gsize head, length;        /* protected by lock */
    gsize getters_waiting;     /* protected by lock: threads waiting on not_empty */
    gsize putters_waiting;     /* protected by lock: threads waiting on not_full */
    gsize unfinished;          /* protected by lock: put, not yet task_done */
    gboolean closed;           /* protected by lock */
    gsize maxsize;             /* set once by cp_queue_new(); 0: unbounded */
};

static void
lock(CpQueue *q)
{
    int s = pthread_mutex_lock(&q->lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_lock");
}

static void
unlock(CpQueue *q)
{
    int s = pthread_mutex_unlock(&q->lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_unlock");
}

static void
signal_one(pthread_cond_t *cond)
{
    int s = pthread_cond_signal(cond);
    if (s != 0)
        cp_die_en(s, "pthread_cond_signal");
}

static void
signal_all(pthread_cond_t *cond)
{
    int s = pthread_cond_broadcast(cond);
    if (s != 0)
        cp_die_en(s, "pthread_cond_broadcast");
}

static void
cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    int s;

    s = pthread_condattr_init(&attr);
    if (s != 0)
        cp_die_en(s, "pthread_condattr_init");
#ifdef CP_QUEUE_MONOTONIC
    s = pthread_condattr_setclock(&attr, wait_clock);
    if (s != 0)
        cp_die_en(s, "pthread_condattr_setclock");
#endif
    s = pthread_cond_init(cond, &attr);
    if (s != 0)
        cp_die_en(s, "pthread_cond_init");
    s = pthread_condattr_destroy(&attr);
    if (s != 0)
        cp_die_en(s, "pthread_condattr_destroy");
}

static void
cond_destroy(pthread_cond_t *cond)
{
    int s = pthread_cond_destroy(cond);
    if (s != 0)
        cp_die_en(s, "pthread_cond_destroy");
}

/* An absolute deadline, so that a wait woken early (spuriously, or by an
 * item another thread then took) goes back to sleep for only what is left
 * of the timeout. */
static struct timespec
deadline_after(double timeout)
{
    struct timespec ts;
    time_t secs;

    if (clock_gettime(wait_clock, &ts) == -1)
        cp_die_errno("clock_gettime");
    if (timeout > 1e9)          /* over 30 years: keep tv_sec in range */
        timeout = 1e9;
    secs = (time_t) timeout;
    ts.tv_sec += secs;
    ts.tv_nsec += (long) ((timeout - (double) secs) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* Wait on cond (with q->lock held) for at most the timeout: FALSE when the
 * deadline has passed.  timeout < 0 waits without limit, timeout 0 does not
 * wait at all.  The caller loops, testing its condition again after every
 * return, because a wakeup does not promise the condition holds. */
static gboolean
wait_for(CpQueue *q, pthread_cond_t *cond, double timeout,
         const struct timespec *deadline)
{
    int s;

    if (timeout == 0)
        return FALSE;
    if (timeout < 0)
        s = pthread_cond_wait(cond, &q->lock);
    else
        s = pthread_cond_timedwait(cond, &q->lock, deadline);
    if (s == ETIMEDOUT)
        return FALSE;
    if (s != 0)
        cp_die_en(s, timeout < 0 ? "pthread_cond_wait" : "pthread_cond_timedwait");
    return TRUE;
}

/* Double the ring, its items moved to the front in order.  Under lock. */
static void
grow(CpQueue *q)
{
    gpointer *ring = g_new(gpointer, 2 * q->capacity);

    for (gsize i = 0; i < q->length; i++)
        ring[i] = q->ring[(q->head + i) & (q->capacity - 1)];
    g_free(q->ring);
    q->ring = ring;
    q->head = 0;
    q->capacity *= 2;
}

CpQueue *
cp_queue_new(gsize maxsize)
{
    CpQueue *q = g_new0(CpQueue, 1);
    int s;

    s = pthread_mutex_init(&q->lock, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_init");
    cond_init(&q->not_empty);
    cond_init(&q->not_full);
    cond_init(&q->all_done);
    q->capacity = 16;
    q->ring = g_new(gpointer, q->capacity);
    q->maxsize = maxsize;
    return q;
}

void
cp_queue_free(CpQueue *q)
{
    int s;

    if (q == NULL)
        return;
    cond_destroy(&q->not_empty);
    cond_destroy(&q->not_full);
    cond_destroy(&q->all_done);
    s = pthread_mutex_destroy(&q->lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_destroy");
    g_free(q->ring);
    g_free(q);
}

CpQueueStatus
cp_queue_put_timeout(CpQueue *q, gpointer item, double timeout)
{
    struct timespec deadline = { 0, 0 };
    gboolean expired = FALSE;
    double blocked = 0;         /* when it began to wait, for --trace */

    if (timeout > 0)
        deadline = deadline_after(timeout);
    lock(q);
    while (!q->closed && q->maxsize > 0 && q->length >= q->maxsize) {
        /* Test the condition once more after the deadline: a slot may
         * have opened just as the wait ran out. */
        if (expired) {
            cp_trace_span("queue_wait", "put", blocked);
            unlock(q);
            return CP_QUEUE_TIMEOUT;
        }
        if (blocked == 0)
            blocked = cp_trace_now();
        q->putters_waiting++;
        expired = !wait_for(q, &q->not_full, timeout, &deadline);
        q->putters_waiting--;
    }
    if (blocked != 0)
        cp_trace_span("queue_wait", "put", blocked);
    if (q->closed) {
        unlock(q);
        return CP_QUEUE_CLOSED;
    }
    if (q->length == q->capacity)
        grow(q);
    q->ring[(q->head + q->length) & (q->capacity - 1)] = item;
    q->length++;
    q->unfinished++;
    cp_trace_instant("queue", "put");
    if (q->getters_waiting > 0)
        signal_one(&q->not_empty);   /* one item: one getter can use it */
    unlock(q);
    return CP_QUEUE_OK;
}

CpQueueStatus
cp_queue_put(CpQueue *q, gpointer item)
{
    return cp_queue_put_timeout(q, item, -1);
}

CpQueueStatus
cp_queue_get_timeout(CpQueue *q, gpointer *item, double timeout)
{
    struct timespec deadline = { 0, 0 };
    gboolean expired = FALSE;
    double blocked = 0;         /* when it began to wait, for --trace */

    if (timeout > 0)
        deadline = deadline_after(timeout);
    lock(q);
    while (!q->closed && q->length == 0) {
        if (expired) {
            cp_trace_span("queue_wait", "get", blocked);
            unlock(q);
            return CP_QUEUE_TIMEOUT;
        }
        if (blocked == 0)
            blocked = cp_trace_now();
        q->getters_waiting++;
        expired = !wait_for(q, &q->not_empty, timeout, &deadline);
        q->getters_waiting--;
    }
    if (blocked != 0)
        cp_trace_span("queue_wait", "get", blocked);
    /* A closed queue still hands out what it holds. */
    if (q->length == 0) {
        unlock(q);
        return CP_QUEUE_CLOSED;
    }
    *item = q->ring[q->head];
    q->head = (q->head + 1) & (q->capacity - 1);
    q->length--;
    cp_trace_instant("queue", "get");
    if (q->putters_waiting > 0)
        signal_one(&q->not_full);    /* one slot: one putter can use it */
    unlock(q);
    return CP_QUEUE_OK;
}

CpQueueStatus
cp_queue_get(CpQueue *q, gpointer *item)
{
    return cp_queue_get_timeout(q, item, -1);
}

void
cp_queue_task_done(CpQueue *q)
{
    lock(q);
    /* Python raises ValueError here.  It is a bug in the caller, and
     * carrying on would let join() return before the work is done. */
    if (q->unfinished == 0) {
        fprintf(stderr, "cp_queue_task_done() called more times than items were put\n");
        abort();
    }
    q->unfinished--;
    if (q->unfinished == 0)
        signal_all(&q->all_done);
    unlock(q);
}

void
cp_queue_join(CpQueue *q)
{
    lock(q);
    while (q->unfinished > 0)
        wait_for(q, &q->all_done, -1, NULL);
    unlock(q);
}

void
cp_queue_close(CpQueue *q)
{
    lock(q);
    q->closed = TRUE;
    /* Every waiter must see the change, not just one. */
    signal_all(&q->not_empty);
    signal_all(&q->not_full);
    unlock(q);
}

gsize
cp_queue_size(CpQueue *q)
{
    gsize n;

    lock(q);
    n = q->length;
    unlock(q);
    return n;
}
