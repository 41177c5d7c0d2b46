/* SPDX-License-Identifier: 0BSD */
/* once.c: lazy one-time initialisation with pthread_once(), against the
 * racy "if not initialised yet, initialise" check.
 *
 * Lesson 002's objectives: "handle race conditions".  8 threads all need
 * a table (the squares of 0..99999) that is built the first time someone
 * needs it.  Each thread asks for the table, then sums it and checks the
 * sum.
 *
 *   (default)   pthread_once(&table_once, build_table): the first caller
 *               builds the table; every other caller waits until it is
 *               built, and nobody builds it twice.  Python's equivalent
 *               is a lock around the check, or functools.cache.
 *   --racy      if (!initialised) { build_table(); initialised = true; }
 *               with no lock: several threads can find the flag false
 *               before the first one sets it, and each builds the table.
 *               It is a data race (undefined behaviour in C), and
 *               ThreadSanitizer reports it.
 *
 * Usage:   once [--racy] [-w THREADS] [-v]
 *
 * Look for: "Initialised 1 time" on every run; with --racy, often
 * "Initialised k times" with k above 1 (k changes from run to run, and is
 * 1 when the threads happen not to check at the same moment: run it a
 * few times).  -v also says how many threads saw a wrong sum.  With
 * pthread_once a wrong count or sum is a bug: the program says so and
 * exits 1.  C11's call_once() from <threads.h> is the same idea.
 *
 * See also: sync/shared_counter.c (the same race on a counter),
 * sync/deadlock.c.
 *
 * Build alone: cc -std=c11 once.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_trace.h"

#define TABLE_SIZE 100000
#define TABLE_SUM ((long long) TABLE_SIZE * (TABLE_SIZE - 1) * (2 * TABLE_SIZE - 1) / 6)

static bool racy;   /* set before the threads start */

/* Written by build_table(), read by every thread: protected by
 * table_once (pthread_once makes the build happen before any return from
 * it), and by nothing with --racy: that race is the lesson. */
static long long table[TABLE_SIZE];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static bool initialised;            /* protected by nothing: --racy's flag */

static atomic_int builds;           /* (atomic) how many times the table was built */
static atomic_int wrong_sums;       /* (atomic) */
static atomic_bool started;         /* (atomic) the start line */

static void
build_table(void)
{
    atomic_fetch_add(&builds, 1);
    for (long long i = 0; i < TABLE_SIZE; i++)
        table[i] = i * i;
}

/* The table, built if nobody built it yet. */
static const long long *
get_table(void)
{
    if (racy) {
        if (!initialised) {           /* check ...           */
            build_table();            /* ... then act: racy  */
            initialised = true;
        }
    } else {
        int s = pthread_once(&table_once, build_table);
        if (s != 0)
            cp_die_en(s, "pthread_once");
    }
    return table;
}

static void *
worker(void *arg)
{
    cp_trace_thread("Thread-%d", (int) (intptr_t) arg);   /* --trace: this thread's row */
    while (!atomic_load(&started))   /* start together, so that they race */
        sched_yield();

    const long long *t = get_table();
    long long sum = 0;
    for (long i = 0; i < TABLE_SIZE; i++)
        sum += t[i];
    if (sum != TABLE_SUM)
        atomic_fetch_add(&wrong_sums, 1);
    return NULL;
}

int
main(int argc, char *argv[])
{
    int workers = 8, s;
    gboolean racy_option = FALSE, verbose = FALSE;
    GOptionEntry entries[] = {
        { "racy", 0, 0, G_OPTION_ARG_NONE, &racy_option,
          "The bug: check a flag without a lock instead of pthread_once", NULL },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Threads initialise a shared table once, with pthread_once or racily.",
        .entries = entries,
        .workers = &workers, .workers_are = "threads",
        .verbose = &verbose,
    });
    racy = racy_option;

    pthread_t *threads = g_new(pthread_t, workers);
    for (int i = 0; i < workers; i++) {
        s = pthread_create(&threads[i], NULL, worker, (void *) (intptr_t) (i + 1));
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    atomic_store(&started, true);
    for (int i = 0; i < workers; i++) {
        s = pthread_join(threads[i], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    g_free(threads);

    int n = atomic_load(&builds), wrong = atomic_load(&wrong_sums);
    printf("Initialised %d %s\n", n, n == 1 ? "time" : "times");
    if (verbose)
        printf("Threads that saw a wrong sum: %d of %d\n", wrong, workers);
    /* Building twice is what --racy shows; pthread_once must not. */
    if (!racy && (n != 1 || wrong != 0)) {
        fprintf(stderr, "once: built %d times, %d wrong sums with pthread_once\n", n, wrong);
        return 1;
    }
    return 0;
}
