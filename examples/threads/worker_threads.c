/* SPDX-License-Identifier: 0BSD */
/* worker_threads.c: three workers sleeping random times, then one join.
 *
 * Ports lesson 002 §2 "Basic threading" (worker(name, random.uniform(1, 3))
 * in three threads, then "All threads completed"; part 2 is the same with
 * a fixed 2 s) and 003's task1/task2 (threads started, then joined).  Each
 * thread gets its worker's name and sleep through the void * argument of
 * pthread_create(); main() joins them all before its last line.
 *
 * Usage:   worker_threads [-w WORKERS] [--seed=N] [--time-scale=F]
 *
 * Look for: the workers all start at once (the "starting" lines may come in
 * any order) and finish in the order of their sleeps, shortest first, as
 * each "finished ... after" line shows.  The run takes as long as the
 * longest sleep, not the sum of them.
 * --seed=N makes the sleeps repeatable.  The durations are all drawn in
 * main() before any thread starts: a random generator is shared state
 * too, and threads drawing from one would need a lock and would get its
 * numbers in whatever order they happened to run, seed or no seed.
 *
 * See also: threads/numbers_letters.c, threads/thread_class.c,
 * processes/named_processes.c (the same with processes).
 *
 * Build alone: cc -std=c11 worker_threads.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <pthread.h>
#include <stdio.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"

typedef struct {
    char name[24];   /* "Thread-N" */
    double duration;    /* seconds, simulated; set before the thread starts */
    pthread_t thread;
} Worker;

static void *
worker(void *arg)
{
    const Worker *w = arg;   /* this thread's own struct: read only */

    printf("Worker %s starting\n", w->name);
    cp_sleep(w->duration);
    printf("Worker %s finished after %.2f s\n", w->name, w->duration);
    return NULL;
}

int
main(int argc, char *argv[])
{
    int workers = 3, s;
    char *seed_text = NULL;
    GOptionEntry entries[] = {
        { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
          "Seed of the random sleeps (0..4294967295; default: a new seed each run)", "N" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Workers sleep a random 1-3 s each, in threads; main joins them all.",
        .entries = entries,
        .workers = &workers, .workers_are = "worker threads",
        .waits = TRUE,
    });

    GRand *rng = cp_options_rand_new(seed_text);   /* no --seed: a new seed each run */
    g_free(seed_text);

    Worker *pool = g_new(Worker, workers);
    for (int i = 0; i < workers; i++) {
        snprintf(pool[i].name, sizeof pool[i].name, "Thread-%d", i + 1);
        /* random.uniform(1, 3), to hundredths so the printed value is exact */
        pool[i].duration = round(g_rand_double_range(rng, 1.0, 3.0) * 100) / 100;
    }
    g_rand_free(rng);

    for (int i = 0; i < workers; i++) {
        s = pthread_create(&pool[i].thread, NULL, worker, &pool[i]);
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    for (int i = 0; i < workers; i++) {
        s = pthread_join(pool[i].thread, NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }

    printf("All threads completed\n");
    g_free(pool);
    return 0;
}
