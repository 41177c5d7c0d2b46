/* SPDX-License-Identifier: 0BSD */
/* thread_local_counters.c: each thread its own copy of a variable.
 *
 * Ports lesson 002 §2 "Thread local storage" (the default) and 002b's
 * "Thread Local Storage" (--lesson=002b), both on threading.local().  A
 * _Thread_local variable looks global but every thread has its own
 * instance, so three threads can each count 1, 2, 3 without a lock and
 * without disturbing one another.  The two lessons differ in wording:
 * 002 names the threads "Thread-1".."Thread-3"; 002b names them
 * "Local-1".."Local-3", prints "Thread Local-1: counter = 1", and ends with
 * "Thread local storage completed!".  The cells' titles are not printed.
 *
 * With -v, the program then shows the pattern that makes counting scale:
 * every thread counts into its own variable and the totals are added
 * once, at the end, against all the threads hammering one shared atomic
 * counter; it prints both totals, the (real) seconds each took, and the
 * expected total, and exits 1 if a total is wrong.
 *
 * Usage:   thread_local_counters [--lesson=002|002b] [-w THREADS] [-v]
 *                                [--increments=N] [--time-scale=F]
 *
 * Look for: "Thread-1: counter = 1", "= 2", "= 3" for each thread (the
 * threads interleave, each counts its own 1, 2, 3).  With -v, two equal
 * totals and their times.  Both do the same atomic add per increment; the
 * private counters are faster, often by far, since the shared one bounces
 * one cache line between cores on every increment.
 *
 * See also: sync/shared_counter.c (one counter, locked or not).
 *
 * Build alone: cc -std=c11 thread_local_counters.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"
#include "cp_trace.h"

/* Part 1: every thread has its own name and counter. */
static _Thread_local char name[32];   /* per thread: no lock needed */
static _Thread_local int counter;     /* per thread: no lock needed */
static gboolean lesson_002b;          /* set before the threads start */

static void *
thread_local_worker(void *arg)
{
    int thread_id = (int) (intptr_t) arg;

    /* 002: value = f"Thread-{thread_id}"; 002b: name = f"Local-{i+1}" */
    snprintf(name, sizeof name, lesson_002b ? "Local-%d" : "Thread-%d", thread_id);
    cp_trace_thread("%s", name);   /* --trace: this thread's row */
    counter = 0;
    for (int i = 0; i < 3; i++) {
        counter += 1;
        if (lesson_002b)
            printf("Thread %s: counter = %d\n", name, counter);
        else
            printf("%s: counter = %d\n", name, counter);
        cp_sleep(0.1);
    }
    return NULL;
}

/* Part 2: count `increments` times, privately or on one shared counter. */
static long increments = 10000000;  /* set before the threads start */
static atomic_long shared_total;   /* (atomic) */

static void *
count_shared(void *arg)
{
    (void) arg;
    cp_trace_thread("count_shared");
    for (long i = 0; i < increments; i++)
        atomic_fetch_add_explicit(&shared_total, 1, memory_order_relaxed);
    return NULL;
}

/* The same atomic add as count_shared, so that the two differ only in
 * sharing (a plain mine++ loop would be folded into one addition). */
static void *
count_private(void *arg)
{
    long *result = arg;   /* this thread's slot, read only after the join */
    static _Thread_local atomic_long mine;   /* per thread: never contended */

    cp_trace_thread("count_private");
    atomic_store_explicit(&mine, 0, memory_order_relaxed);
    for (long i = 0; i < increments; i++)
        atomic_fetch_add_explicit(&mine, 1, memory_order_relaxed);
    *result = atomic_load_explicit(&mine, memory_order_relaxed);
    return NULL;
}

/* Start one thread per slot of args on fn, join them, return the seconds. */
static double
run_threads(int n, void *(*fn)(void *), void **args)
{
    pthread_t *threads = g_new(pthread_t, n);
    double start = cp_time_now();
    int s;

    for (int i = 0; i < n; i++) {
        s = pthread_create(&threads[i], NULL, fn, args[i]);
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    for (int i = 0; i < n; i++) {
        s = pthread_join(threads[i], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    g_free(threads);
    return cp_time_since(start);
}

int
main(int argc, char *argv[])
{
    int workers = 3;
    gboolean verbose = FALSE;
    const char *lesson;
    char *increments_text = NULL;
    GOptionEntry entries[] = {
        { "increments", 'n', 0, G_OPTION_ARG_STRING, &increments_text,
          "Increments per thread in what -v adds (1..1000000000; default: 10000000)", "N" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Thread-local counters, and (with -v) why they scale.",
        .entries = entries,
        .workers = &workers, .workers_are = "threads",
        .waits = TRUE,
        .verbose = &verbose,
        .lessons = "002 002b", .lesson = &lesson,
    });
    if (increments_text)
        increments = (long) cp_options_parse_int(increments_text, 1, 1000000000, "--increments");
    g_free(increments_text);
    lesson_002b = strcmp(lesson, "002b") == 0;

    void **args = g_new(void *, workers);

    for (int i = 0; i < workers; i++)
        args[i] = (void *) (intptr_t) (i + 1);
    run_threads(workers, thread_local_worker, args);
    if (lesson_002b)
        printf("Thread local storage completed!\n");
    if (!verbose) {
        g_free(args);
        return 0;
    }

    /* What the C program adds: private counters summed vs one shared. */
    long expected = increments * workers;
    long *private_counts = g_new0(long, workers);
    for (int i = 0; i < workers; i++)
        args[i] = &private_counts[i];
    double private_seconds = run_threads(workers, count_private, args);
    long private_total = 0;
    for (int i = 0; i < workers; i++)
        private_total += private_counts[i];
    double shared_seconds = run_threads(workers, count_shared, args);
    long shared = atomic_load(&shared_total);

    printf("Per-thread counters summed: %ld in %.3f seconds\n", private_total, private_seconds);
    printf("One shared atomic counter: %ld in %.3f seconds\n", shared, shared_seconds);
    printf("Expected: %ld\n", expected);
    g_free(private_counts);
    g_free(args);
    /* A program that knows its right answer checks it. */
    if (private_total != expected || shared != expected) {
        fprintf(stderr, "thread_local_counters: totals %ld and %ld, not %ld\n",
                private_total, shared, expected);
        return 1;
    }
    return 0;
}
