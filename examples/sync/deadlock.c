/* SPDX-License-Identifier: 0BSD */
/* deadlock.c: two threads take two locks in opposite orders and wait for
 * each other for ever; a watchdog notices, and two fixes.
 *
 * Lesson 002's objectives: "use locks ... handle race conditions".  Two
 * accounts, A and B, each with its own lock.  Thread 1 moves 1 from A to
 * B 1000 times, taking lock A then lock B; thread 2 moves 1 from B to A
 * 1000 times, taking lock B then lock A.  When thread 1 holds A and
 * thread 2 holds B, each waits for the lock the other holds: neither can
 * go on, and nothing in pthreads will tell them.
 *
 *   (default)   opposite orders: the deadlock.  main is the watchdog: it
 *               waits --watchdog seconds for the threads, and when they
 *               are stuck it says who holds what and exits 3.
 *   --ordered   one global lock order (A before B, whatever the
 *               direction): no cycle of waits can form.
 *   --trylock   opposite orders, but the second lock is taken with
 *               pthread_mutex_trylock(); when it is busy, let go of the
 *               first, back off a random moment, and try again.
 *
 * Usage:   deadlock [--ordered | --trylock] [--watchdog=S] [-v]
 *
 * Look for: "Deadlock: thread 1 holds A and waits for B; thread 2 holds B
 * and waits for A" and exit status 3 by default; "Both threads finished:
 * 2000 transfers, total unchanged" with --ordered and --trylock (-v adds
 * how often --trylock backed off).  To show the deadlock on every run,
 * not only now and then, each thread's first transfer waits, once it
 * holds its first lock, until the other thread holds a lock too; without
 * that wait the deadlock comes only sometimes, which is what makes
 * deadlocks hard to find.  The watchdog reads a "who holds, who waits"
 * table that the threads keep: a wait-for graph, as a debugger or a
 * database's deadlock detector builds it.
 *
 * See also: sync/shared_counter.c (one lock), sync/even_odd_lock.c.
 *
 * Build alone: cc -std=c11 deadlock.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"
#include "cp_trace.h"

#define TRANSFERS 1000   /* per thread */
#define START 1000       /* in each account */
#define NONE (-1)

enum { ORDER_OPPOSITE, ORDER_GLOBAL, ORDER_TRYLOCK };
static int order = ORDER_OPPOSITE;   /* set before the threads start */

static pthread_mutex_t account_lock[2] = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER };
static long balance[2] = { START, START };   /* balance[i] protected by account_lock[i] */
static const char *const account_name[2] = { "A", "B" };

/* What each thread holds and waits for: the watchdog's wait-for graph. */
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t state_changed = PTHREAD_COND_INITIALIZER;  /* with state_lock */
static struct {
    int holds, waits_for;   /* an account, or NONE */
    gboolean done;
    long transfers, backoffs;
} state[2];                 /* protected by state_lock */

/* name: the lock's row in --trace's file, "A", "B" or "state_lock". */
static void
lock(pthread_mutex_t *m, const char *name)
{
    cp_trace_locking(name);   /* --trace: the wait for the lock, then the hold */
    int s = pthread_mutex_lock(m);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_lock");
    cp_trace_locked(name);
}

static void
unlock(pthread_mutex_t *m, const char *name)
{
    cp_trace_unlocking(name);
    int s = pthread_mutex_unlock(m);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_unlock");
}

/* Record what thread `me` holds and waits for, and wake the watchdog. */
static void
set_state(int me, int holds, int waits_for)
{
    lock(&state_lock, "state_lock");
    state[me].holds = holds;
    state[me].waits_for = waits_for;
    int s = pthread_cond_broadcast(&state_changed);
    if (s != 0)
        cp_die_en(s, "pthread_cond_broadcast");
    unlock(&state_lock, "state_lock");
}

/* The first transfer's wait, holding `mine`: until the other thread holds
 * a lock, or waits for mine, or is done. */
static void
wait_for_other(int me, int mine)
{
    int other = 1 - me, s;

    lock(&state_lock, "state_lock");
    while (state[other].holds == NONE && state[other].waits_for != mine && !state[other].done) {
        cp_trace_waiting("state_lock");
        s = pthread_cond_wait(&state_changed, &state_lock);
        cp_trace_woken("state_lock", "state_changed");
        if (s != 0)
            cp_die_en(s, "pthread_cond_wait");
    }
    unlock(&state_lock, "state_lock");
}

static void *
transfer(void *arg)
{
    int me = *(int *) arg;
    int from = me, to = 1 - me;   /* thread 1 (me = 0): A to B; thread 2: B to A */
    int first = from, second = to;
    unsigned seed = (unsigned) me + 1;
    long backoffs = 0;

    cp_trace_thread("thread %d", me + 1);   /* --trace: this thread's row */
    if (order == ORDER_GLOBAL) {  /* A before B, whatever the direction */
        first = 0;
        second = 1;
    }
    for (int i = 0; i < TRANSFERS; i++) {
        set_state(me, NONE, first);
        lock(&account_lock[first], account_name[first]);
        set_state(me, first, NONE);
        if (i == 0)
            wait_for_other(me, first);
        else
            sched_yield();   /* widen the window between the two locks */

        if (order == ORDER_TRYLOCK) {
            int s;
            while ((s = pthread_mutex_trylock(&account_lock[second])) == EBUSY) {
                /* let go, so the other can finish */
                unlock(&account_lock[first], account_name[first]);
                set_state(me, NONE, NONE);
                backoffs++;
                struct timespec pause = { 0, 1000L * (rand_r(&seed) % 100) };  /* 0..99 us */
                nanosleep(&pause, NULL);
                lock(&account_lock[first], account_name[first]);
                set_state(me, first, NONE);
            }
            if (s != 0)
                cp_die_en(s, "pthread_mutex_trylock");
            cp_trace_locked(account_name[second]);   /* no cp_trace_locking(): trylock never waits */
        } else {
            set_state(me, first, second);
            lock(&account_lock[second], account_name[second]);   /* the deadlock waits here */
        }
        balance[from] -= 1;
        balance[to] += 1;
        unlock(&account_lock[second], account_name[second]);
        unlock(&account_lock[first], account_name[first]);

        set_state(me, NONE, NONE);
        lock(&state_lock, "state_lock");
        state[me].transfers++;
        unlock(&state_lock, "state_lock");
    }
    lock(&state_lock, "state_lock");
    state[me].holds = state[me].waits_for = NONE;
    state[me].done = TRUE;
    state[me].backoffs = backoffs;
    int s = pthread_cond_broadcast(&state_changed);
    if (s != 0)
        cp_die_en(s, "pthread_cond_broadcast");
    unlock(&state_lock, "state_lock");
    return NULL;
}

/* The watchdog, called with state_lock held: TRUE when each thread waits
 * for the lock that the other holds. */
static gboolean
deadlocked(void)
{
    return state[0].waits_for != NONE && state[0].waits_for == state[1].holds
        && state[1].waits_for != NONE && state[1].waits_for == state[0].holds;
}

int
main(int argc, char *argv[])
{
    gboolean ordered = FALSE, trylock = FALSE, verbose = FALSE;
    char *watchdog_text = NULL;
    double watchdog = 2.0;
    GOptionEntry entries[] = {
        { "ordered", 0, 0, G_OPTION_ARG_NONE, &ordered,
          "The fix: both threads take A before B", NULL },
        { "trylock", 0, 0, G_OPTION_ARG_NONE, &trylock,
          "The other fix: trylock the second lock, back off and retry", NULL },
        { "watchdog", 0, 0, G_OPTION_ARG_STRING, &watchdog_text,
          "Seconds the watchdog waits between looks (0.01..60; default: 2)", "S" },
        G_OPTION_ENTRY_NULL
    };
    pthread_t threads[2];
    int ids[2] = { 0, 1 }, s;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Two threads take two locks in opposite orders: a deadlock, and its fixes.",
        .entries = entries,
        .waits = TRUE,
        .verbose = &verbose,
    });
    if (watchdog_text)
        watchdog = cp_options_parse_double(watchdog_text, 0.01, 60, "--watchdog");
    g_free(watchdog_text);
    if (ordered && trylock)
        cp_options_fail("--ordered and --trylock are two fixes: choose one");
    order = ordered ? ORDER_GLOBAL : trylock ? ORDER_TRYLOCK : ORDER_OPPOSITE;

    for (int i = 0; i < 2; i++)
        state[i].holds = state[i].waits_for = NONE;   /* before the threads: no lock */
    for (int i = 0; i < 2; i++) {
        s = pthread_create(&threads[i], NULL, transfer, &ids[i]);
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }

    /* The watchdog: look every `watchdog` seconds (scaled).  A cycle in
     * the wait-for graph is a deadlock for certain.  Without one the
     * threads may only be slow (a busy machine) or, with --trylock, both
     * backing off at once (a livelock): stuck means no transfer in 10
     * looks in a row, and for at least 2 real seconds, since a busy
     * machine can leave a thread that holds a lock unscheduled for a
     * moment, which a short watchdog would take for a livelock. */
    long seen = -1;
    int looks_without_progress = 0;
    double progress_at = cp_time_now();   /* real seconds */
    lock(&state_lock, "state_lock");
    while (!(state[0].done && state[1].done)) {
        struct timespec deadline;
        double wait = cp_time_scaled_timeout(watchdog);

        if (clock_gettime(CLOCK_REALTIME, &deadline) != 0)  /* macOS has no condattr_setclock */
            cp_die_errno("clock_gettime");
        deadline.tv_sec += (time_t) wait;
        deadline.tv_nsec += (long) ((wait - (double) (time_t) wait) * 1e9);
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
        s = 0;
        while (!(state[0].done && state[1].done) && s != ETIMEDOUT) {
            cp_trace_waiting("state_lock");
            s = pthread_cond_timedwait(&state_changed, &state_lock, &deadline);
            cp_trace_woken("state_lock", "state_changed");
            if (s != 0 && s != ETIMEDOUT)
                cp_die_en(s, "pthread_cond_timedwait");
        }
        if (state[0].done && state[1].done)
            break;
        long now = state[0].transfers + state[1].transfers;
        looks_without_progress = now == seen ? looks_without_progress + 1 : 0;
        if (now != seen)
            progress_at = cp_time_now();
        if (deadlocked() || (looks_without_progress >= 10 && cp_time_since(progress_at) >= 2.0)) {
            if (deadlocked())
                printf("Deadlock: thread 1 holds %s and waits for %s; "
                       "thread 2 holds %s and waits for %s\n",
                       account_name[state[0].holds], account_name[state[0].waits_for],
                       account_name[state[1].holds], account_name[state[1].waits_for]);
            else
                printf("Stuck: no transfer in %g seconds\n", cp_time_since_unscaled(progress_at));
            if (verbose)
                printf("Transfers before it: %ld\n", now);
            /* The threads can never be joined: exit() ends them with us. */
            exit(3);
        }
        seen = now;
    }
    unlock(&state_lock, "state_lock");

    for (int i = 0; i < 2; i++) {
        s = pthread_join(threads[i], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    /* Joined: main reads without the locks. */
    long transfers = state[0].transfers + state[1].transfers;
    long total = balance[0] + balance[1];
    if (transfers != 2 * TRANSFERS || total != 2 * START) {
        fprintf(stderr, "deadlock: %ld transfers, total %ld: not %d and %d\n",
                transfers, total, 2 * TRANSFERS, 2 * START);
        return 1;
    }
    printf("Both threads finished: %ld transfers, total unchanged\n", transfers);
    if (verbose)
        printf("A: %ld, B: %ld; back-offs: %ld\n", balance[0], balance[1],
               state[0].backoffs + state[1].backoffs);
    return 0;
}
