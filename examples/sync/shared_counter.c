/* SPDX-License-Identifier: 0BSD */
/* shared_counter.c: threads add to one counter, with a lock, with an
 * atomic, or with nothing (a data race, and updates get lost).
 *
 * Ports lesson 002 §2 "Threading with shared data" (the default: 5
 * threads each add 1 to one counter 100000 times, under a lock, and print
 * "Final counter value: 500000") and 002b's "Threading with Shared Data"
 * (--lesson=002b: 3 threads count under a lock, then 3 more count on a
 * second counter without one; it prints "Counter with lock: 300000",
 * "Counter without lock: N" and "Expected: 300000").  The cells' titles
 * are not printed.
 *
 * "counter += 1" is three steps: read the counter, add 1, write it back.
 * When two threads read the same value, both write back that value + 1,
 * and one of the two updates is lost.  --mode chooses how the threads
 * update the counter:
 *
 *   --mode=lock     a mutex around each update: correct (lesson 002's way).
 *   --mode=atomic   atomic_fetch_add(): the hardware does the three steps
 *                   as one indivisible operation; correct, no lock.
 *   --mode=none     no protection at all: the bug.  A data race is
 *                   undefined behaviour in C; ThreadSanitizer reports it.
 *
 * In lesson 002, --mode changes how its one count is done, and the line
 * stays "Final counter value: N".  Lesson 002b runs two counts, with a
 * lock and without; given --mode, it runs that one count only, and says
 * which it was ("Counter with atomics: 300000").
 *
 * Usage:   shared_counter [--lesson=002|002b] [--mode=lock|atomic|none]
 *                         [-w THREADS] [--increments=N] [-v]
 *
 * Look for: "Final counter value: 500000" every time.  With --mode=none
 * (or lesson 002b's "Counter without lock:") the count is often below the
 * expected total, and -v says by how many ("Lost updates: ...").  It
 * changes from run to run, and is 0 when the threads happen not to run at
 * the same moment (nearly always so on one core, often on a busy machine):
 * run it a few times, or with --increments=1000000.  The count never
 * exceeds the expected total.  Python 3.11 nearly always prints 300000
 * for 002b's unlocked count too: its Global Interpreter Lock rarely
 * switches threads inside "counter += 1"; C threads really run at once.
 * A locked or atomic count is checked: if it is wrong, the program says so
 * on stderr and exits 1.
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
/* Protected by nothing: this race is the lesson (--mode=none, and 002b's
 * second count).  volatile is here only so the compiler keeps one load
 * and one store per increment, as Python's counter += 1 does; without it
 * -O2 folds the whole loop into a single addition and the race hides.
 * volatile is NOT synchronization: it makes nothing atomic and orders
 * nothing between threads. */
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

/* Start `workers` threads on increment, let them go at once, join them
 * all, and return the counter it updates.  After the joins every thread
 * is done, so main reads the counters without a lock. */
static long
count_with(void *(*increment)(void *), int workers)
{
    pthread_t *threads = g_new(pthread_t, workers);
    int s;

    atomic_store(&started, false);
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
    if (increment == increment_with_lock)
        return counter;
    if (increment == increment_atomic)
        return atomic_load(&atomic_counter);
    return racy_counter;
}

/* A correct count that is wrong is a bug in this program: say so. */
static gboolean
check_total(long total, long expected)
{
    if (total == expected)
        return TRUE;
    fprintf(stderr, "shared_counter: count mismatch: %ld, not %ld\n", total, expected);
    return FALSE;
}

int
main(int argc, char *argv[])
{
    int workers = -1;   /* -1: the lesson's, 5 (002) or 3 (002b) */
    gboolean verbose = FALSE;
    const char *lesson;
    char *mode = NULL, *increments_text = NULL;
    void *(*increment)(void *) = NULL;   /* NULL: the lesson's way */
    GOptionEntry entries[] = {
        { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode,
          "How the threads update the counter: lock, atomic or none, the race "
          "(default: lock; with --lesson=002b, lock and then none, as the lesson does)", "MODE" },
        { "increments", 'n', 0, G_OPTION_ARG_STRING, &increments_text,
          "Increments per thread (1..100000000; default: 100000)", "N" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Threads add to one shared counter, with or without a lock.",
        .entries = entries,
        .workers = &workers, .workers_are = "threads",
        .workers_default = "the lesson's: 5, or 3 with --lesson=002b",
        .verbose = &verbose,
        .lessons = "002 002b", .lesson = &lesson,
    });
    if (increments_text)
        increments = (long) cp_options_parse_int(increments_text, 1, 100000000, "--increments");
    g_free(increments_text);
    if (mode == NULL)
        increment = NULL;
    else if (strcmp(mode, "lock") == 0)
        increment = increment_with_lock;
    else if (strcmp(mode, "atomic") == 0)
        increment = increment_atomic;
    else if (strcmp(mode, "none") == 0)
        increment = increment_no_lock;
    else
        cp_options_fail("--mode '%s' is not lock, atomic or none", mode);
    g_free(mode);

    gboolean lesson_002b = strcmp(lesson, "002b") == 0;
    if (workers == -1)
        workers = lesson_002b ? 3 : 5;
    long expected = increments * workers, total = 0;

    if (!lesson_002b) {
        /* 002 §2: one count, under a lock unless --mode says otherwise. */
        if (increment == NULL)
            increment = increment_with_lock;
        total = count_with(increment, workers);
        printf("Final counter value: %ld\n", total);
        if (verbose) {
            printf("Expected: %ld\n", expected);
            if (increment == increment_no_lock)
                printf("Lost updates: %ld\n", expected - total);
        }
        /* Losing updates is what --mode=none shows; the others must not. */
        if (increment != increment_no_lock && !check_total(total, expected))
            return 1;
        return 0;
    }

    /* 002b: the lesson's two counts, or the one --mode names. */
    gboolean ok = TRUE;
    if (increment == NULL || increment == increment_with_lock) {
        total = count_with(increment_with_lock, workers);
        printf("Counter with lock: %ld\n", total);
        ok = check_total(total, expected);
    }
    if (increment == increment_atomic) {
        total = count_with(increment_atomic, workers);
        printf("Counter with atomics: %ld\n", total);
        ok = check_total(total, expected);
    }
    if (increment == NULL || increment == increment_no_lock) {
        total = count_with(increment_no_lock, workers);
        printf("Counter without lock: %ld\n", total);
    }
    printf("Expected: %ld\n", expected);
    if (verbose && (increment == NULL || increment == increment_no_lock))
        printf("Lost updates: %ld\n", expected - total);
    return ok ? 0 : 1;
}
