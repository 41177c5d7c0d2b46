/* SPDX-License-Identifier: 0BSD */
/* memory_order.c: the store-buffering litmus test, with relaxed,
 * release/acquire and sequentially consistent atomics.
 *
 * Lesson 002's objectives ("handle race conditions") stop at the lock.
 * Underneath a lock there is the memory model: what one thread may see of
 * another's writes, and in what order.  Two threads, x and y both 0:
 *
 *     thread 1:  x = 1;  r1 = y;        thread 2:  y = 1;  r2 = x;
 *
 * Run one after the other in any interleaving, at least one of them sees
 * the other's 1: r1 == 0 && r2 == 0 is impossible.  Yet real processors
 * print it.  Each core puts its store in a store buffer and goes on to the
 * load, which reads the old value from the cache before the store reaches
 * it: the load passed the store.  x86 does this (its one reordering);
 * ARM and POWER do it and more.  C11's <stdatomic.h> says which orders a
 * program may rely on:
 *
 *   relaxed   memory_order_relaxed stores and loads: atomic, not torn, but
 *             in no order with each other: r1 == r2 == 0 is allowed.
 *   acq_rel   a memory_order_release store and a memory_order_acquire
 *             load: enough to publish data through a flag (what a mutex
 *             does), still allowed here: release orders the writes BEFORE
 *             the store, acquire the reads AFTER the load; nothing keeps
 *             a store before a later load.
 *   seq_cst   memory_order_seq_cst (the default of atomic_store and
 *             atomic_load): all such operations
 *             in one order every thread agrees on: never r1 == r2 == 0.
 *             On x86 the store becomes an XCHG, which drains the buffer.
 *
 * Every variable here is atomic, so there is no data race (and nothing
 * for ThreadSanitizer to report): a relaxed program is well defined, it
 * just promises less.  Plain ints would be a data race, and the compiler
 * alone could then reorder or merge the accesses.
 *
 * Each trial starts both threads at a spin "start line" (an atomic
 * counter, seq_cst), so that they run the two lines at the same instant;
 * then thread 1 counts the outcome and puts x and y back to 0 before the
 * next start.  (A pthread barrier would take microseconds per trial and is
 * missing on macOS; this one takes well under one.)
 *
 * Usage:   memory_order [--trials=N] [-v]
 *
 * Look for: "seq_cst: r1 == r2 == 0 in 0 trials" always.  relaxed and
 * acq_rel may count some, from a handful to thousands in a million on a
 * multi-core x86 or ARM machine, and 0 on one core or a busy machine
 * (the two threads then rarely run at the same instant): the count
 * depends on the hardware and its load; only seq_cst's 0 is a promise.  -v
 * prints all four outcomes of each and the time taken.  If seq_cst ever
 * counts one, or the outcomes do not add up, the program says so on
 * stderr and exits 1.
 *
 * See also: sync/shared_counter.c (--mode=atomic), sync/once.c.
 *
 * Build alone: cc -std=c11 memory_order.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_trace.h"

typedef enum { RELAXED, ACQ_REL, SEQ_CST } Order;
static const char *const order_names[] = { "relaxed", "acq_rel", "seq_cst" };

static long trials = 1000000;   /* set before the threads start */
static Order order;             /* set before the threads start */

static atomic_int x, y;         /* (atomic) the litmus test's variables */
static atomic_long arrived;     /* (atomic) arrivals at the start line */
static int r2;                  /* written by thread 2 before it arrives at
                                   the start line, read by thread 1 after */
static long outcomes[2][2];     /* [r1][r2]: thread 1's; main reads it
                                   after the join */

/* Wait until both threads have arrived here as often as this one has:
 * *arrivals counts this thread's own.  The seq_cst increment also makes
 * everything written before it visible to the other thread after. */
static void
start_line(long *arrivals)
{
    unsigned spins = 0;

    *arrivals += 1;
    atomic_fetch_add(&arrived, 1);
    while (atomic_load(&arrived) < 2 * *arrivals)
        if (++spins % 1024 == 0)
            sched_yield();   /* on one core, let the other thread run */
}

/* A few nanoseconds' wait of random length after the start line: the
 * thread that arrived last leaves it first, and the jitter lets either
 * thread be ahead by a little, the window in which the stores race. */
static void
jitter(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    for (volatile unsigned i = (*state >> 16) % 16; i > 0; i--)
        ;
}

/* One thread's two lines: store 1 in mine, then read theirs.  Each case
 * names its orders as constants: given an order in a variable, the
 * compiler cannot tell which it is and makes every one seq_cst. */
static int
store_then_load(atomic_int *mine, atomic_int *theirs)
{
    switch (order) {
    case RELAXED:
        atomic_store_explicit(mine, 1, memory_order_relaxed);
        return atomic_load_explicit(theirs, memory_order_relaxed);
    case ACQ_REL:
        atomic_store_explicit(mine, 1, memory_order_release);
        return atomic_load_explicit(theirs, memory_order_acquire);
    case SEQ_CST:
        break;
    }
    atomic_store(mine, 1);          /* seq_cst, the default */
    return atomic_load(theirs);
}

static void *
thread_1(void *arg)
{
    long arrivals = 0;
    unsigned state = 1;

    (void) arg;
    cp_trace_thread("thread 1");   /* --trace: this thread's row */
    for (long t = 0; t < trials; t++) {
        start_line(&arrivals);
        jitter(&state);
        int r1 = store_then_load(&x, &y);   /* x = 1; r1 = y */
        start_line(&arrivals);           /* thread 2 is done: r2 is set */
        outcomes[r1][r2]++;
        atomic_store(&x, 0);
        atomic_store(&y, 0);             /* before the next start line */
    }
    return NULL;
}

static void *
thread_2(void *arg)
{
    long arrivals = 0;
    unsigned state = 2;

    (void) arg;
    cp_trace_thread("thread 2");
    for (long t = 0; t < trials; t++) {
        start_line(&arrivals);
        jitter(&state);
        r2 = store_then_load(&y, &x);       /* y = 1; r2 = x */
        start_line(&arrivals);
    }
    return NULL;
}

/* Run the trials with one order; return FALSE if its outcomes are wrong. */
static gboolean
litmus(Order which, gboolean verbose)
{
    pthread_t threads[2];
    struct timespec start, end;
    int s;

    order = which;
    atomic_store(&arrived, 0);
    outcomes[0][0] = outcomes[0][1] = outcomes[1][0] = outcomes[1][1] = 0;
    if (clock_gettime(CLOCK_MONOTONIC, &start) != 0)
        cp_die_errno("clock_gettime");
    s = pthread_create(&threads[0], NULL, thread_1, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_create");
    s = pthread_create(&threads[1], NULL, thread_2, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_create");
    for (int i = 0; i < 2; i++) {
        s = pthread_join(threads[i], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    if (clock_gettime(CLOCK_MONOTONIC, &end) != 0)
        cp_die_errno("clock_gettime");

    printf("%s: r1 == r2 == 0 in %ld trials\n", order_names[which], outcomes[0][0]);
    if (verbose)
        printf("  %s outcomes: 0,0: %ld  0,1: %ld  1,0: %ld  1,1: %ld  (%.3f s)\n", order_names[which],
               outcomes[0][0], outcomes[0][1], outcomes[1][0], outcomes[1][1],
               (double) (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9);

    gboolean ok = TRUE;
    if (outcomes[0][0] + outcomes[0][1] + outcomes[1][0] + outcomes[1][1] != trials) {
        fprintf(stderr, "memory_order: %s: the outcomes do not add up to %ld\n", order_names[which], trials);
        ok = FALSE;
    }
    if (which == SEQ_CST && outcomes[0][0] != 0) {
        fprintf(stderr, "memory_order: seq_cst allowed r1 == r2 == 0: a compiler or CPU bug\n");
        ok = FALSE;
    }
    return ok;
}

int
main(int argc, char *argv[])
{
    gboolean verbose = FALSE, ok = TRUE;
    char *trials_text = NULL;
    GOptionEntry entries[] = {
        { "trials", 'n', 0, G_OPTION_ARG_STRING, &trials_text,
          "Trials for each memory order (1..100000000; default: 1000000)", "N" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "The store-buffering litmus test: relaxed, acquire/release and "
                   "seq_cst atomics.",
        .entries = entries,
        .verbose = &verbose,
    });
    if (trials_text)
        trials = (long) cp_options_parse_int(trials_text, 1, 100000000, "--trials");
    g_free(trials_text);

    for (Order o = RELAXED; o <= SEQ_CST; o++)
        ok = litmus(o, verbose) && ok;
    return ok ? 0 : 1;
}
