/* SPDX-License-Identifier: 0BSD */
/* shared_counter.c: threads add to one counter, with a lock, with an
 * atomic, or with nothing (a data race, and updates get lost).
 *
 * Ports lesson 002 §2 "Threading with shared data" and part 2 "with lock /
 * without lock".  Each of 3 threads adds 1 to one shared counter 100000
 * times.  "counter += 1" is three steps: read the counter, add 1, write it
 * back.  When two threads read the same value, both write back that value
 * + 1, and one of the two updates is lost.
 *
 *   --mode=lock     (default) a mutex around each update: correct.
 *   --mode=atomic   atomic_fetch_add(): the hardware does the three steps
 *                   as one indivisible operation; correct, no lock.
 *   --mode=none     no protection at all: the bug.  A data race is
 *                   undefined behaviour in C; ThreadSanitizer reports it.
 *
 * Usage:   shared_counter [--mode=lock|atomic|none] [-w THREADS] [--increments=N]
 *
 * Look for: "Counter with lock: 300000" and "Expected: 300000".  With
 * --mode=none, "Counter without lock:" is often below 300000 and "Lost
 * updates:" says by how many.  It changes from run to run, and is 0 when
 * the threads happen not to run at the same moment (nearly always so on
 * one core, often on a busy machine): run it a few times, or with
 * --increments=1000000.  The count never exceeds the expected total.  In
 * lock and atomic mode the program checks its total and exits 1 if it is
 * wrong.  (The lesson runs the locked count, then the unlocked one; here
 * --mode chooses.)
 *
 * See also: sync/thread_local_counters.c (counting without sharing),
 * sync/inc_dec_counter.c.
 *
 * Build alone: cc -std=c11 shared_counter.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cp_die.h"
#include "cp_options.h"

static long increments = 100000;  /* set before the threads start */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;                /* protected by lock */
static atomic_long atomic_counter;  /* (atomic) */
/* Protected by nothing: this race is the lesson (--mode=none).  volatile
 * is here only so the compiler keeps one load and one store per increment,
 * as Python's counter += 1 does; without it -O2 folds the whole loop into
 * a single addition and the race hides.  volatile is NOT synchronization:
 * it makes nothing atomic and orders nothing between threads. */
static volatile long racy_counter;

/* The start line.  100000 increments take well under a millisecond, less
 * than it takes to start a thread, so each thread could be done before
 * the next one runs, and nothing would race.  Each thread waits here until
 * main has created them all; waiting by spinning on a flag rather than on
 * a condition variable lets the threads already on a core start at the
 * same instant instead of being woken one after another. */
static atomic_bool started;   /* (atomic) */

static void
wait_for_start(void)
{
    while (!atomic_load(&started))
        sched_yield();   /* let main run on a busy machine */
}

static void *
increment_with_lock(void *arg)
{
    int s;

    (void) arg;
    wait_for_start();
    for (long i = 0; i < increments; i++) {
        s = pthread_mutex_lock(&lock);
        if (s != 0)
            cp_die_en(s, "pthread_mutex_lock");
        counter += 1;
        s = pthread_mutex_unlock(&lock);
        if (s != 0)
            cp_die_en(s, "pthread_mutex_unlock");
    }
    return NULL;
}

static void *
increment_atomic(void *arg)
{
    (void) arg;
    wait_for_start();
    for (long i = 0; i < increments; i++)
        atomic_fetch_add(&atomic_counter, 1);
    return NULL;
}

static void *
increment_no_lock(void *arg)
{
    (void) arg;
    wait_for_start();
    for (long i = 0; i < increments; i++) {
        long seen = racy_counter;
        /* Another thread may store its own increment right here ... */
        racy_counter = seen + 1;    /* ... and this store wipes it out. */
    }
    return NULL;
}

int
main(int argc, char *argv[])
{
    int workers = 3, s;
    char *mode = NULL, *increments_text = NULL;
    void *(*increment)(void *);
    GOptionEntry entries[] = {
        { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode,
          "How the threads update the counter: lock, atomic or none, the race (default: lock)", "MODE" },
        { "increments", 'n', 0, G_OPTION_ARG_STRING, &increments_text,
          "Increments per thread (1..100000000; default: 100000)", "N" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Threads add to one shared counter, with or without a lock.",
        .entries = entries,
        .workers = &workers, .workers_are = "threads",
    });
    if (increments_text)
        increments = (long) cp_options_parse_int(increments_text, 1, 100000000, "--increments");
    g_free(increments_text);
    if (mode == NULL || strcmp(mode, "lock") == 0)
        increment = increment_with_lock;
    else if (strcmp(mode, "atomic") == 0)
        increment = increment_atomic;
    else if (strcmp(mode, "none") == 0)
        increment = increment_no_lock;
    else
        cp_options_fail("--mode '%s' is not lock, atomic or none", mode);
    g_free(mode);

    pthread_t *threads = g_new(pthread_t, workers);
    for (int i = 0; i < workers; i++) {
        s = pthread_create(&threads[i], NULL, increment, NULL);
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    atomic_store(&started, true);   /* go! */

    for (int i = 0; i < workers; i++) {
        s = pthread_join(threads[i], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    g_free(threads);

    /* After the joins main reads the counters: every thread is done. */
    long expected = increments * workers, total;
    if (increment == increment_no_lock) {
        total = racy_counter;
        printf("Counter without lock: %ld\n", total);
        printf("Expected: %ld\n", expected);
        printf("Lost updates: %ld\n", expected - total);
        return 0;   /* losing updates is what this mode shows */
    }
    if (increment == increment_with_lock) {
        total = counter;
        printf("Counter with lock: %ld\n", total);
    } else {
        total = atomic_load(&atomic_counter);
        printf("Counter with atomics: %ld\n", total);
    }
    printf("Expected: %ld\n", expected);
    if (total != expected) {
        fprintf(stderr, "shared_counter: count mismatch: %ld, not %ld\n", total, expected);
        return 1;
    }
    return 0;
}
