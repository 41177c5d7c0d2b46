/* SPDX-License-Identifier: 0BSD */
/* test_queue.c: cp_queue's promises, checked as invariants (order, counts,
 * bounds, timeouts), never as one particular interleaving of threads. */
#include <config.h>

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "cp_queue.h"
#include "cp_time.h"

/* Long enough to see a thread block, short enough to keep the suite fast. */
#define SHORT_WAIT 0.05

/* Criterion's assertions work only on the test's own thread, so helper
 * threads record what they saw and the test checks it after joining them. */

static pthread_t
start_thread(void *(*fn)(void *), void *arg)
{
    pthread_t thread;

    cr_assert_eq(pthread_create(&thread, NULL, fn, arg), 0);
    return thread;
}

static void
join_thread(pthread_t thread)
{
    cr_assert_eq(pthread_join(thread, NULL), 0);
}

/* ------------------------------------------------------------ one thread */

Test(queue, fifo_order_and_size, .timeout = 10)
{
    CpQueue *q = cp_queue_new(3);
    gpointer item;

    cr_assert_eq(cp_queue_size(q), 0);
    for (gsize i = 1; i <= 3; i++)
        cr_assert_eq(cp_queue_put(q, GSIZE_TO_POINTER(i)), CP_QUEUE_OK);
    cr_assert_eq(cp_queue_size(q), 3);
    for (gsize i = 1; i <= 3; i++) {
        cr_assert_eq(cp_queue_get(q, &item), CP_QUEUE_OK);
        cr_assert_eq(GPOINTER_TO_SIZE(item), i);
        cr_assert_eq(cp_queue_size(q), 3 - i);
    }
    cp_queue_free(q);
}

Test(queue, null_is_an_item, .timeout = 10)
{
    CpQueue *q = cp_queue_new(1);
    gpointer item = &item;

    cr_assert_eq(cp_queue_put(q, NULL), CP_QUEUE_OK);
    cr_assert_eq(cp_queue_size(q), 1);
    cr_assert_eq(cp_queue_get(q, &item), CP_QUEUE_OK);
    cr_assert_null(item);
    cp_queue_free(q);
}

Test(queue, unbounded, .timeout = 10)
{
    CpQueue *q = cp_queue_new(0);
    gpointer item;

    /* Timeout 0: an unbounded queue is never full, so no put may fail. */
    for (gsize i = 0; i < 10000; i++)
        cr_assert_eq(cp_queue_put_timeout(q, GSIZE_TO_POINTER(i), 0), CP_QUEUE_OK);
    cr_assert_eq(cp_queue_size(q), 10000);
    for (gsize i = 0; i < 10000; i++) {
        cr_assert_eq(cp_queue_get(q, &item), CP_QUEUE_OK);
        cr_assert_eq(GPOINTER_TO_SIZE(item), i);
    }
    cp_queue_free(q);
}

/* -------------------------------------------------------------- timeouts */

/* The deadline is in whole nanoseconds and the stopwatch a double: allow
 * a microsecond of rounding. */
#define ROUNDING 1e-6

Test(queue, put_timeout_on_full_queue_expires, .timeout = 10)
{
    CpQueue *q = cp_queue_new(1);
    double start, elapsed;
    gpointer item;

    cr_assert_eq(cp_queue_put(q, GSIZE_TO_POINTER(1)), CP_QUEUE_OK);
    start = cp_time_now();
    cr_assert_eq(cp_queue_put_timeout(q, GSIZE_TO_POINTER(2), SHORT_WAIT), CP_QUEUE_TIMEOUT);
    elapsed = cp_time_since(start);
    cr_assert_geq(elapsed, SHORT_WAIT - ROUNDING, "returned after %g s", elapsed);
    cr_assert_lt(elapsed, 2.0, "returned after %g s", elapsed);
    /* The item that timed out was not added. */
    cr_assert_eq(cp_queue_size(q), 1);
    cr_assert_eq(cp_queue_get(q, &item), CP_QUEUE_OK);
    cr_assert_eq(GPOINTER_TO_SIZE(item), 1);
    cp_queue_free(q);
}

Test(queue, get_timeout_on_empty_queue_expires, .timeout = 10)
{
    CpQueue *q = cp_queue_new(1);
    gpointer item = GSIZE_TO_POINTER(42);
    double start, elapsed;

    start = cp_time_now();
    cr_assert_eq(cp_queue_get_timeout(q, &item, SHORT_WAIT), CP_QUEUE_TIMEOUT);
    elapsed = cp_time_since(start);
    cr_assert_geq(elapsed, SHORT_WAIT - ROUNDING, "returned after %g s", elapsed);
    cr_assert_lt(elapsed, 2.0, "returned after %g s", elapsed);
    cr_assert_eq(GPOINTER_TO_SIZE(item), 42, "a failed get wrote *item");
    cp_queue_free(q);
}

Test(queue, timeout_zero_does_not_block, .timeout = 10)
{
    CpQueue *q = cp_queue_new(1);
    double start = cp_time_now();
    gpointer item;

    cr_assert_eq(cp_queue_get_timeout(q, &item, 0), CP_QUEUE_TIMEOUT);
    cr_assert_eq(cp_queue_put_timeout(q, GSIZE_TO_POINTER(1), 0), CP_QUEUE_OK);
    cr_assert_eq(cp_queue_put_timeout(q, GSIZE_TO_POINTER(2), 0), CP_QUEUE_TIMEOUT);
    cr_assert_eq(cp_queue_get_timeout(q, &item, 0), CP_QUEUE_OK);
    cr_assert_eq(GPOINTER_TO_SIZE(item), 1);
    cr_assert_lt(cp_time_since(start), SHORT_WAIT);
    cp_queue_free(q);
}

Test(queue, timeout_is_met_by_an_item_in_time, .timeout = 10)
{
    CpQueue *q = cp_queue_new(1);
    gpointer item;

    /* A long limit does not delay an item that is already there. */
    cr_assert_eq(cp_queue_put_timeout(q, GSIZE_TO_POINTER(7), 5.0), CP_QUEUE_OK);
    cr_assert_eq(cp_queue_get_timeout(q, &item, 5.0), CP_QUEUE_OK);
    cr_assert_eq(GPOINTER_TO_SIZE(item), 7);
    cp_queue_free(q);
}

/* ----------------------------------------------------------------- close */

typedef struct {
    CpQueue *queue;
    CpQueueStatus status;   /* written by the thread, read after join */
    atomic_bool returned;   /* (atomic) */
} Waiter;

static void *
blocked_get(void *arg)
{
    Waiter *w = arg;
    gpointer item;

    w->status = cp_queue_get(w->queue, &item);
    atomic_store(&w->returned, true);
    return NULL;
}

static void *
blocked_put(void *arg)
{
    Waiter *w = arg;

    w->status = cp_queue_put(w->queue, GSIZE_TO_POINTER(2));
    atomic_store(&w->returned, true);
    return NULL;
}

Test(queue, close_wakes_a_blocked_get, .timeout = 10)
{
    Waiter w = { .queue = cp_queue_new(1) };
    pthread_t thread = start_thread(blocked_get, &w);

    cp_sleep_real(SHORT_WAIT);
    cr_assert(!atomic_load(&w.returned), "get returned from an empty open queue");
    cp_queue_close(w.queue);
    join_thread(thread);
    cr_assert_eq(w.status, CP_QUEUE_CLOSED);
    cp_queue_free(w.queue);
}

Test(queue, close_wakes_a_blocked_put, .timeout = 10)
{
    Waiter w = { .queue = cp_queue_new(1) };
    pthread_t thread;
    gpointer item;

    cr_assert_eq(cp_queue_put(w.queue, GSIZE_TO_POINTER(1)), CP_QUEUE_OK);
    thread = start_thread(blocked_put, &w);
    cp_sleep_real(SHORT_WAIT);
    cr_assert(!atomic_load(&w.returned), "put returned from a full open queue");
    cp_queue_close(w.queue);
    join_thread(thread);
    cr_assert_eq(w.status, CP_QUEUE_CLOSED);
    /* Only the item put before the close is there. */
    cr_assert_eq(cp_queue_get(w.queue, &item), CP_QUEUE_OK);
    cr_assert_eq(GPOINTER_TO_SIZE(item), 1);
    cr_assert_eq(cp_queue_get(w.queue, &item), CP_QUEUE_CLOSED);
    cp_queue_free(w.queue);
}

Test(queue, gets_after_close_drain_then_report_closed, .timeout = 10)
{
    CpQueue *q = cp_queue_new(0);
    gpointer item;

    for (gsize i = 1; i <= 3; i++)
        cr_assert_eq(cp_queue_put(q, GSIZE_TO_POINTER(i)), CP_QUEUE_OK);
    cp_queue_close(q);
    cr_assert_eq(cp_queue_put(q, GSIZE_TO_POINTER(4)), CP_QUEUE_CLOSED);
    cr_assert_eq(cp_queue_put_timeout(q, GSIZE_TO_POINTER(4), 0), CP_QUEUE_CLOSED);
    for (gsize i = 1; i <= 3; i++) {
        cr_assert_eq(cp_queue_get(q, &item), CP_QUEUE_OK);
        cr_assert_eq(GPOINTER_TO_SIZE(item), i);
    }
    cr_assert_eq(cp_queue_get(q, &item), CP_QUEUE_CLOSED);
    /* Closed and empty is final: no waiting for the timeout. */
    cr_assert_eq(cp_queue_get_timeout(q, &item, 5.0), CP_QUEUE_CLOSED);
    cr_assert_eq(cp_queue_get_timeout(q, &item, 0), CP_QUEUE_CLOSED);
    cp_queue_free(q);
}

/* ------------------------------------------------------ task_done / join */

#define JOIN_ITEMS 300
#define JOIN_CONSUMERS 3

static atomic_int processed;   /* (atomic) items fully handled */

static void *
slow_consumer(void *arg)
{
    CpQueue *q = arg;
    gpointer item;

    while (cp_queue_get(q, &item) == CP_QUEUE_OK) {
        cp_sleep_real(0.0002);
        atomic_fetch_add(&processed, 1);
        cp_queue_task_done(q);   /* after the work, as in Python */
    }
    return NULL;
}

Test(queue, join_waits_for_every_task_done, .timeout = 10)
{
    CpQueue *q = cp_queue_new(8);
    pthread_t consumers[JOIN_CONSUMERS];

    cp_queue_join(q);   /* nothing put yet: returns at once */
    for (int i = 0; i < JOIN_CONSUMERS; i++)
        consumers[i] = start_thread(slow_consumer, q);
    for (gsize i = 1; i <= JOIN_ITEMS; i++)
        cr_assert_eq(cp_queue_put(q, GSIZE_TO_POINTER(i)), CP_QUEUE_OK);
    cp_queue_join(q);
    cr_assert_eq(atomic_load(&processed), JOIN_ITEMS);
    cp_queue_close(q);
    for (int i = 0; i < JOIN_CONSUMERS; i++)
        join_thread(consumers[i]);
    cp_queue_free(q);
}

static void *
joiner(void *arg)
{
    Waiter *w = arg;

    cp_queue_join(w->queue);
    atomic_store(&w->returned, true);
    return NULL;
}

Test(queue, join_waits_for_task_done_not_for_get, .timeout = 10)
{
    Waiter w = { .queue = cp_queue_new(0) };
    pthread_t thread;
    gpointer item;

    cr_assert_eq(cp_queue_put(w.queue, NULL), CP_QUEUE_OK);
    thread = start_thread(joiner, &w);
    cr_assert_eq(cp_queue_get(w.queue, &item), CP_QUEUE_OK);
    cp_sleep_real(SHORT_WAIT);
    cr_assert(!atomic_load(&w.returned), "join returned before task_done");
    cp_queue_task_done(w.queue);
    join_thread(thread);
    cr_assert(atomic_load(&w.returned));
    cp_queue_free(w.queue);
}

/* Python raises ValueError; cp_queue stops the program with a message.
 * Keep .timeout the same on every test of this file: Criterion 2.4.1 leaks
 * memory (an AddressSanitizer failure) when a test that dies of a signal
 * ran beside a test with a different timeout. */
Test(queue, too_many_task_done_aborts, .timeout = 10, .signal = SIGABRT,
     .init = cr_redirect_stderr)
{
    CpQueue *q = cp_queue_new(0);
    gpointer item;

    cr_assert_eq(cp_queue_put(q, NULL), CP_QUEUE_OK);
    cr_assert_eq(cp_queue_get(q, &item), CP_QUEUE_OK);
    cp_queue_task_done(q);
    cp_queue_task_done(q);
}

/* ---------------------------------------------------------------- stress */

#define STRESS_PRODUCERS 4
#define STRESS_CONSUMERS 4
#define STRESS_MAXSIZE 64

typedef struct {
    CpQueue *queue;
    gsize first, last;         /* puts the values first+1 .. last */
} Producer;

typedef struct {
    CpQueue *queue;
    gsize n_items;             /* values run from 1 to n_items */
    atomic_uchar *seen;        /* (atomic) seen[v - 1]: times v was got */
    /* Written by the consumer, read after join: */
    gsize count;
    guint64 sum;
    gsize out_of_range;
    gsize overfull;            /* gets that saw more than maxsize waiting */
} Consumer;

/* CP_STRESS_ITEMS lets a slow build (ThreadSanitizer) move fewer items. */
static gsize
stress_items(void)
{
    const char *text = g_getenv("CP_STRESS_ITEMS");
    guint64 n;

    if (text == NULL || *text == '\0')
        return 1000000;
    cr_assert(g_ascii_string_to_unsigned(text, 10, 1, G_MAXUINT32, &n, NULL),
              "CP_STRESS_ITEMS=%s is not a count", text);
    return (gsize) n;
}

static void *
produce(void *arg)
{
    Producer *p = arg;

    for (gsize v = p->first + 1; v <= p->last; v++)
        if (cp_queue_put(p->queue, GSIZE_TO_POINTER(v)) != CP_QUEUE_OK)
            break;   /* cannot happen: the test closes after joining us */
    return NULL;
}

static void *
consume(void *arg)
{
    Consumer *c = arg;
    gpointer item;

    while (cp_queue_get(c->queue, &item) == CP_QUEUE_OK) {
        gsize v = GPOINTER_TO_SIZE(item);

        if (cp_queue_size(c->queue) > STRESS_MAXSIZE)
            c->overfull++;
        if (v < 1 || v > c->n_items) {
            c->out_of_range++;
            continue;
        }
        atomic_fetch_add(&c->seen[v - 1], 1);
        c->count++;
        c->sum += v;
    }
    return NULL;
}

Test(queue, stress_many_producers_many_consumers, .timeout = 10)
{
    gsize n = stress_items();
    CpQueue *q = cp_queue_new(STRESS_MAXSIZE);
    atomic_uchar *seen = g_new0(atomic_uchar, n);
    Producer producers[STRESS_PRODUCERS];
    Consumer consumers[STRESS_CONSUMERS];
    pthread_t producer_threads[STRESS_PRODUCERS];
    pthread_t consumer_threads[STRESS_CONSUMERS];
    gsize count = 0;
    guint64 sum = 0;

    for (int i = 0; i < STRESS_CONSUMERS; i++) {
        consumers[i] = (Consumer) { .queue = q, .n_items = n, .seen = seen };
        consumer_threads[i] = start_thread(consume, &consumers[i]);
    }
    for (int i = 0; i < STRESS_PRODUCERS; i++) {
        producers[i] = (Producer) { .queue = q,
                                    .first = n * (gsize) i / STRESS_PRODUCERS,
                                    .last = n * (gsize) (i + 1) / STRESS_PRODUCERS };
        producer_threads[i] = start_thread(produce, &producers[i]);
    }
    for (int i = 0; i < STRESS_PRODUCERS; i++)
        join_thread(producer_threads[i]);
    /* Every item is in by now: close, and the consumers stop once they
     * have drained the queue. */
    cp_queue_close(q);
    for (int i = 0; i < STRESS_CONSUMERS; i++)
        join_thread(consumer_threads[i]);

    for (int i = 0; i < STRESS_CONSUMERS; i++) {
        cr_assert_eq(consumers[i].out_of_range, 0);
        cr_assert_eq(consumers[i].overfull, 0, "more than %d items waited", STRESS_MAXSIZE);
        count += consumers[i].count;
        sum += consumers[i].sum;
    }
    cr_assert_eq(count, n, "got %zu items of %zu", count, n);
    cr_assert_eq(sum, (guint64) n * (n + 1) / 2);
    for (gsize v = 1; v <= n; v++)
        if (atomic_load(&seen[v - 1]) != 1)
            cr_assert_fail("item %zu was got %d times", v, (int) atomic_load(&seen[v - 1]));
    cr_assert_eq(cp_queue_size(q), 0);
    g_free(seen);
    cp_queue_free(q);
}
