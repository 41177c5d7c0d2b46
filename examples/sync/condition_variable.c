/* SPDX-License-Identifier: 0BSD */
/* condition_variable.c: a bounded buffer built from one mutex and two
 * condition variables, with producers and consumers.
 *
 * Serves lesson 002's objective "use locks, semaphores, and other
 * synchronization primitives": the buffer that Python's queue.Queue(maxsize)
 * and conpar's cp_queue hide is written out here.  Five slots in a ring,
 * one mutex around them, and two condition variables: not_full, where a
 * producer waits for a free slot, and not_empty, where a consumer waits for
 * an item.  2 producers put 1000 numbers each; 3 consumers take them until
 * the producers are done and the buffer is empty.
 *
 * pthread_cond_wait() unlocks the mutex, sleeps, and locks it again before
 * it returns.  By then the condition may be false again: another consumer
 * may have taken the item it was signalled for (a "stolen" wakeup), and
 * POSIX allows wakeups with no signal at all (spurious).  So every wait
 * sits in a `while` that tests the condition again.  --if waits with `if`
 * instead, the classic bug: a consumer can then go on to take from an
 * empty buffer, a producer to put into a full one.  This program counts
 * those moments and goes round again rather than corrupt its buffer, so
 * that the run can finish and report them.  --trace=FILE shows each
 * thread's waits on not_full and not_empty, and other threads holding the
 * lock while they last.
 *
 * Usage:   condition_variable [--producers=N] [--consumers=N] [--items=N]
 *                             [--if] [-v]
 *
 * Look for: "Produced: 2000", "Consumed: 2000" and "Checksum ok": nothing
 * lost, nothing taken twice.  -v adds the most items the buffer ever held
 * (never more than 5).  With --if, "Took from an empty buffer: N times"
 * and "Put into a full buffer: N times" follow; when either is not 0 the
 * program exits 1.  Both can be 0 in a run (the threads did not happen to
 * race at that moment); run it a few times, or with more consumers.
 *
 * See also: queues/producer_consumer.c (the same with cp_queue),
 * sync/semaphore.c, sync/barrier.c.
 *
 * Build alone: cc -std=c11 condition_variable.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_trace.h"

#define CAPACITY 5

static int items_each = 1000;     /* set before the threads start */
static gboolean use_if = FALSE;   /* set before the threads start */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;   /* count < CAPACITY */
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;  /* count > 0, or no producer left */
static long buffer[CAPACITY];     /* protected by lock */
static int head, count;           /* protected by lock: next to take, items held */
static int most_held;             /* protected by lock */
static int producers_left;        /* protected by lock */
static long produced, consumed;   /* protected by lock */
static long long checksum;        /* protected by lock: sum of the items taken */
static long empty_takes, full_puts;  /* protected by lock: what --if got wrong */

static void
locked(int s, const char *what)
{
    if (s != 0)
        cp_die_en(s, what);
}

static void *
producer(void *arg)
{
    long first = (long) (intptr_t) arg * items_each + 1;

    cp_trace_thread("producer %d", (int) (intptr_t) arg + 1);   /* --trace: this thread's row */
    for (long item = first; item < first + items_each; item++) {
        cp_trace_locking("lock");   /* --trace: the wait for the lock, then the hold */
        locked(pthread_mutex_lock(&lock), "pthread_mutex_lock");
        cp_trace_locked("lock");
        for (;;) {
            if (use_if) {   /* the bug: test once, wait once */
                if (count == CAPACITY) {
                    cp_trace_waiting("lock");   /* --trace: the wait gives the lock up */
                    locked(pthread_cond_wait(&not_full, &lock), "pthread_cond_wait");
                    cp_trace_woken("lock", "not_full");
                }
            } else {        /* the fix: test again after every wakeup */
                while (count == CAPACITY) {
                    cp_trace_waiting("lock");
                    locked(pthread_cond_wait(&not_full, &lock), "pthread_cond_wait");
                    cp_trace_woken("lock", "not_full");
                }
            }
            if (count < CAPACITY)
                break;
            full_puts++;    /* --if woke to a full buffer: count it, wait again */
        }
        buffer[(head + count) % CAPACITY] = item;
        count++;
        if (count > most_held)
            most_held = count;
        produced++;
        locked(pthread_cond_signal(&not_empty), "pthread_cond_signal");
        cp_trace_unlocking("lock");
        locked(pthread_mutex_unlock(&lock), "pthread_mutex_unlock");
    }

    cp_trace_locking("lock");
    locked(pthread_mutex_lock(&lock), "pthread_mutex_lock");
    cp_trace_locked("lock");
    if (--producers_left == 0)   /* wake every consumer to see the end */
        locked(pthread_cond_broadcast(&not_empty), "pthread_cond_broadcast");
    cp_trace_unlocking("lock");
    locked(pthread_mutex_unlock(&lock), "pthread_mutex_unlock");
    return NULL;
}

static void *
consumer(void *arg)
{
    cp_trace_thread("consumer %d", (int) (intptr_t) arg + 1);
    cp_trace_locking("lock");
    locked(pthread_mutex_lock(&lock), "pthread_mutex_lock");
    cp_trace_locked("lock");
    for (;;) {
        if (use_if) {
            if (count == 0 && producers_left > 0) {
                cp_trace_waiting("lock");
                locked(pthread_cond_wait(&not_empty, &lock), "pthread_cond_wait");
                cp_trace_woken("lock", "not_empty");
            }
        } else {
            while (count == 0 && producers_left > 0) {
                cp_trace_waiting("lock");
                locked(pthread_cond_wait(&not_empty, &lock), "pthread_cond_wait");
                cp_trace_woken("lock", "not_empty");
            }
        }
        if (count == 0) {
            if (producers_left == 0)
                break;         /* the end: every item is taken */
            empty_takes++;     /* --if woke to an empty buffer */
            continue;
        }
        long item = buffer[head];
        head = (head + 1) % CAPACITY;
        count--;
        consumed++;
        checksum += item;
        locked(pthread_cond_signal(&not_full), "pthread_cond_signal");
        /* A real consumer would unlock here to use the item. */
        cp_trace_unlocking("lock");
        locked(pthread_mutex_unlock(&lock), "pthread_mutex_unlock");
        cp_trace_locking("lock");
        locked(pthread_mutex_lock(&lock), "pthread_mutex_lock");
        cp_trace_locked("lock");
    }
    cp_trace_unlocking("lock");
    locked(pthread_mutex_unlock(&lock), "pthread_mutex_unlock");
    return NULL;
}

int
main(int argc, char *argv[])
{
    int producers = 2, consumers = 3;
    gboolean verbose = FALSE;
    char *producers_text = NULL, *consumers_text = NULL, *items_text = NULL;
    GOptionEntry entries[] = {
        { "producers", 'p', 0, G_OPTION_ARG_STRING, &producers_text,
          "Producer threads (1..64; default: 2)", "N" },
        { "consumers", 'c', 0, G_OPTION_ARG_STRING, &consumers_text,
          "Consumer threads (1..64; default: 3)", "N" },
        { "items", 'n', 0, G_OPTION_ARG_STRING, &items_text,
          "Items each producer puts (1..1000000; default: 1000)", "N" },
        { "if", 0, 0, G_OPTION_ARG_NONE, &use_if,
          "Wait with 'if' instead of 'while' (the bug), and count what goes wrong", NULL },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Producers and consumers share a bounded buffer built from a mutex "
                   "and two condition variables.",
        .entries = entries,
        .verbose = &verbose,
    });
    if (producers_text)
        producers = (int) cp_options_parse_int(producers_text, 1, 64, "--producers");
    if (consumers_text)
        consumers = (int) cp_options_parse_int(consumers_text, 1, 64, "--consumers");
    if (items_text)
        items_each = (int) cp_options_parse_int(items_text, 1, 1000000, "--items");
    g_free(producers_text);
    g_free(consumers_text);
    g_free(items_text);

    pthread_t *threads = g_new(pthread_t, producers + consumers);
    int s;

    producers_left = producers;   /* before any thread runs */
    for (int i = 0; i < producers + consumers; i++) {
        s = pthread_create(&threads[i], NULL, i < producers ? producer : consumer,
                           (void *) (intptr_t) (i < producers ? i : i - producers));
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    for (int i = 0; i < producers + consumers; i++) {
        s = pthread_join(threads[i], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    g_free(threads);

    /* Every thread is joined: main reads the totals without the lock. */
    long total = (long) producers * items_each;
    long long expected = (long long) total * (total + 1) / 2;   /* 1 + 2 + ... + total */
    bool ok = produced == total && consumed == total && checksum == expected
              && most_held <= CAPACITY;

    printf("Produced: %ld\n", produced);
    printf("Consumed: %ld\n", consumed);
    printf("Checksum %s\n", checksum == expected ? "ok" : "WRONG");
    if (verbose)
        printf("Most in the buffer at once: %d (capacity %d)\n", most_held, CAPACITY);
    if (use_if) {
        printf("Took from an empty buffer: %ld times\n", empty_takes);
        printf("Put into a full buffer: %ld times\n", full_puts);
    }
    if (!ok)
        fprintf(stderr, "condition_variable: items lost or duplicated, or the buffer overfilled\n");
    return ok && empty_takes == 0 && full_puts == 0 ? 0 : 1;
}
