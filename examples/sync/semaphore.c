/* SPDX-License-Identifier: 0BSD */
/* semaphore.c: a counting semaphore lets at most K of N workers into a
 * section at once, like a pool of K database connections.
 *
 * Serves lesson 002's objective "use locks, semaphores, and other
 * synchronization primitives" (Python's threading.Semaphore(3) around
 * "with connection:").  10 workers each take a connection, hold it for a
 * simulated 0.3 s, and give it back; the semaphore starts at 3, so a
 * fourth worker waits until one of the three inside leaves.
 *
 * The semaphore is built here from a mutex and a condition variable: a
 * count of free places, wait() blocks while it is 0 and then takes one,
 * post() gives one back and wakes a waiter.  That is portable POSIX: the
 * unnamed semaphores of <semaphore.h> (sem_init) are not implemented on
 * macOS (sem_init fails there with ENOSYS), and named ones (sem_open)
 * leave a name in the system to clean up.  On Linux, sem_init/sem_wait/
 * sem_post do the same as cp_semaphore below.
 *
 * Usage:   semaphore [--limit=K] [-w WORKERS] [--time-scale=F] [-v]
 *
 * Look for: "Worker i connected (k inside)" never shows k above 3, and
 * "Most inside at once: 3" at the end.  A worker's "released" line comes
 * before the next "connected" line that needed its place.  If the count
 * ever passed the limit the program says so and exits 1.  With a tiny
 * --time-scale a worker may be gone before the next one starts, and the
 * peak can stay below K: that is not an error.  --trace=FILE shows the
 * workers past the first K waiting on `freed` until one posts.
 *
 * See also: sync/condition_variable.c (the same two calls, a buffer),
 * sync/barrier.c.
 *
 * Build alone: cc -std=c11 semaphore.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"
#include "cp_trace.h"

/* A counting semaphore: `value` free places, waiters sleep on `freed`. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t freed;   /* signalled when value goes up */
    int value;              /* protected by lock */
} CpSemaphore;

static void
semaphore_wait(CpSemaphore *sem)
{
    cp_trace_locking("sem->lock");   /* --trace: the wait for the lock, then the hold */
    int s = pthread_mutex_lock(&sem->lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_lock");
    cp_trace_locked("sem->lock");
    while (sem->value == 0) {
        cp_trace_waiting("sem->lock");
        s = pthread_cond_wait(&sem->freed, &sem->lock);
        cp_trace_woken("sem->lock", "freed");
        if (s != 0)
            cp_die_en(s, "pthread_cond_wait");
    }
    sem->value--;
    cp_trace_unlocking("sem->lock");
    s = pthread_mutex_unlock(&sem->lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_unlock");
}

static void
semaphore_post(CpSemaphore *sem)
{
    cp_trace_locking("sem->lock");
    int s = pthread_mutex_lock(&sem->lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_lock");
    cp_trace_locked("sem->lock");
    sem->value++;
    s = pthread_cond_signal(&sem->freed);   /* one place: wake one waiter */
    if (s != 0)
        cp_die_en(s, "pthread_cond_signal");
    cp_trace_unlocking("sem->lock");
    s = pthread_mutex_unlock(&sem->lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_unlock");
}

static CpSemaphore connections = {
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 3   /* value: --limit */
};

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static int inside;        /* protected by stats_lock: workers holding a connection */
static int most_inside;   /* protected by stats_lock */

/* Count a worker in (+1) or out (-1) and print its line, under one lock so
 * that the lines come out in the order the count changed. */
static void
report(int worker, int change)
{
    cp_trace_locking("stats_lock");
    int s = pthread_mutex_lock(&stats_lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_lock");
    cp_trace_locked("stats_lock");
    inside += change;
    if (inside > most_inside)
        most_inside = inside;
    if (change > 0)
        printf("Worker %d connected (%d inside)\n", worker, inside);
    else
        printf("Worker %d released\n", worker);
    cp_trace_unlocking("stats_lock");
    s = pthread_mutex_unlock(&stats_lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_unlock");
}

static void *
worker(void *arg)
{
    int id = (int) (intptr_t) arg;

    cp_trace_thread("Worker %d", id);   /* --trace: this thread's row */
    semaphore_wait(&connections);   /* with connection: */
    report(id, +1);
    cp_sleep(0.3);                  /*     use it */
    report(id, -1);
    semaphore_post(&connections);
    return NULL;
}

int
main(int argc, char *argv[])
{
    int workers = 10, limit = 3;
    gboolean verbose = FALSE;
    char *limit_text = NULL;
    GOptionEntry entries[] = {
        { "limit", 'k', 0, G_OPTION_ARG_STRING, &limit_text,
          "Workers allowed inside at once, the semaphore's start value (1..1024; default: 3)",
          "K" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "At most K workers hold a connection at once: a counting semaphore "
                   "built from a mutex and a condition variable.",
        .entries = entries,
        .workers = &workers, .workers_are = "worker threads",
        .waits = TRUE,
        .verbose = &verbose,
    });
    if (limit_text)
        limit = (int) cp_options_parse_int(limit_text, 1, 1024, "--limit");
    g_free(limit_text);
    connections.value = limit;   /* before any thread runs */

    pthread_t *threads = g_new(pthread_t, workers);
    int s;

    for (int i = 0; i < workers; i++) {
        s = pthread_create(&threads[i], NULL, worker, (void *) (intptr_t) (i + 1));
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    for (int i = 0; i < workers; i++) {
        s = pthread_join(threads[i], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    g_free(threads);

    /* Every worker is joined: main reads the counts without the locks. */
    printf("Most inside at once: %d\n", most_inside);
    if (verbose)
        printf("Limit: %d; free places at the end: %d of %d\n", limit, connections.value, limit);
    if (most_inside > limit || inside != 0 || connections.value != limit) {
        fprintf(stderr, "semaphore: %d inside at once with a limit of %d\n", most_inside, limit);
        return 1;
    }
    return 0;
}
