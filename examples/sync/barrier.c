/* SPDX-License-Identifier: 0BSD */
/* barrier.c: workers run in phases, and nobody starts phase k+1 before
 * everyone has finished phase k.
 *
 * Serves lesson 002's objective "use locks, semaphores, and other
 * synchronization primitives" (Python's threading.Barrier(4), whose
 * wait() returns when the 4th thread arrives).  4 workers go through 3
 * phases; in each, a worker works for a simulated 0.05 to 0.2 s (a
 * different worker is slowest in each phase), prints "Worker i finished
 * phase p", and waits at the barrier for the others.
 *
 * The barrier is built here from a mutex and a condition variable: a count
 * of the workers that arrived, and a generation number.  The last to
 * arrive starts a new generation, resets the count and wakes everyone; the
 * others wait `while` the generation is still the one they arrived in (a
 * count alone would not do: the fastest worker may reach the next phase's
 * wait before a slow one has woken from this one).  That is portable
 * POSIX: pthread_barrier_t is an optional part of POSIX that macOS lacks.
 *
 * Usage:   barrier [-w WORKERS] [--phases=N] [--time-scale=F] [-v]
 *
 * Look for: all four "finished phase 1" lines before any "finished phase
 * 2" line, whatever order the workers come in within a phase.  After each
 * wait the worker checks that every other worker finished the phase; if
 * one had not, the program says so and exits 1.  --trace=FILE shows, in
 * each phase, the early workers waiting on all_here until the last arrives.
 *
 * See also: sync/semaphore.c, sync/condition_variable.c.
 *
 * Build alone: cc -std=c11 barrier.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"
#include "cp_trace.h"

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t all_here;   /* broadcast when the last one arrives */
    int parties;               /* set before the threads start */
    int arrived;               /* protected by lock */
    unsigned long generation;  /* protected by lock: barriers passed so far */
} CpBarrier;

static void
barrier_wait(CpBarrier *b)
{
    cp_trace_locking("b->lock");   /* --trace: the wait for the lock, then the hold */
    int s = pthread_mutex_lock(&b->lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_lock");
    cp_trace_locked("b->lock");
    unsigned long mine = b->generation;
    if (++b->arrived == b->parties) {   /* the last one: open the barrier */
        b->arrived = 0;
        b->generation++;
        s = pthread_cond_broadcast(&b->all_here);
        if (s != 0)
            cp_die_en(s, "pthread_cond_broadcast");
    } else {
        while (b->generation == mine) {
            cp_trace_waiting("b->lock");
            s = pthread_cond_wait(&b->all_here, &b->lock);
            cp_trace_woken("b->lock", "all_here");
            if (s != 0)
                cp_die_en(s, "pthread_cond_wait");
        }
    }
    cp_trace_unlocking("b->lock");
    s = pthread_mutex_unlock(&b->lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_unlock");
}

static CpBarrier barrier = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0 };

static int workers = 4, phases = 3;   /* set before the threads start */
static atomic_int *finished;          /* (atomic): workers done with each phase */
static atomic_bool too_early;         /* (atomic): someone passed a phase unfinished */

static void *
worker(void *arg)
{
    int id = (int) (intptr_t) arg;

    cp_trace_thread("Worker %d", id);   /* --trace: this thread's row */
    for (int phase = 1; phase <= phases; phase++) {
        cp_sleep(0.05 * ((id + phase) % 4 + 1));   /* this phase's work */
        printf("Worker %d finished phase %d\n", id, phase);
        atomic_fetch_add(&finished[phase], 1);
        barrier_wait(&barrier);
        if (atomic_load(&finished[phase]) != workers)
            atomic_store(&too_early, true);
    }
    return NULL;
}

int
main(int argc, char *argv[])
{
    gboolean verbose = FALSE;
    char *phases_text = NULL;
    GOptionEntry entries[] = {
        { "phases", 'n', 0, G_OPTION_ARG_STRING, &phases_text,
          "Phases each worker goes through (1..100; default: 3)", "N" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Workers go through phases in step: a barrier built from a mutex and "
                   "a condition variable.",
        .entries = entries,
        .workers = &workers, .workers_are = "worker threads",
        .waits = TRUE,
        .verbose = &verbose,
    });
    if (phases_text)
        phases = (int) cp_options_parse_int(phases_text, 1, 100, "--phases");
    g_free(phases_text);

    barrier.parties = workers;
    finished = g_new0(atomic_int, phases + 1);   /* [1..phases] */
    pthread_t *threads = g_new(pthread_t, workers);
    double start = cp_time_now();
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
    g_free(finished);

    if (verbose) {
        printf("Barriers passed: %lu; took %.2f s\n", barrier.generation,
               cp_time_since_unscaled(start));
        cp_time_print_scale_note();
    }
    if (atomic_load(&too_early)) {
        fprintf(stderr, "barrier: a worker passed the barrier before all had finished\n");
        return 1;
    }
    return 0;
}
