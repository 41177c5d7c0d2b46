/* SPDX-License-Identifier: 0BSD */
/* worker_threads.c: three workers sleeping, in threads, then one join.
 *
 * Ports lesson 002 §2 "Basic threading" (the default: worker(name,
 * random.uniform(1, 3)) in three threads, then "All threads completed")
 * and 002b's "Basic Threading Example" (--lesson=002b: the same workers
 * with a fixed 2 s sleep, then "All threads completed!").  Each thread
 * gets its worker's name and sleep through the void * argument of
 * pthread_create(); main() joins them all before its last line.  The
 * cells' titles ("Basic threading:", "Basic Threading Example" and its
 * line of "=") are not printed.
 *
 * Usage:   worker_threads [--lesson=002|002b] [-w WORKERS] [--seed=N] [-v]
 *                         [--time-scale=F]
 *
 * Look for: the workers all start at once (the "starting" lines may come in
 * any order) and, in lesson 002, finish in the order of their random
 * sleeps, shortest first; -v adds each sleep to its "finished" line
 * ("finished after 1.42 s", in lesson seconds) so that the order can be
 * checked.  The run takes as long as the longest sleep, not the sum of
 * them.  --seed=N makes the sleeps repeatable.  The durations are all
 * drawn in main() before any thread starts: a random generator is shared
 * state too, and threads drawing from one would need a lock and would get
 * its numbers in whatever order they happened to run, seed or no seed.
 * In lesson 002b every worker sleeps 2 s, so both groups of lines come
 * in whatever order the threads happen to run.
 *
 * See also: threads/two_threads.c (lesson 003's two tasks),
 * threads/numbers_letters.c, threads/thread_class.c,
 * processes/named_processes.c (the same with processes).
 *
 * Build alone: cc -std=c11 worker_threads.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"
#include "cp_trace.h"

typedef struct {
    char name[24];      /* "Thread-N" */
    double duration;    /* seconds, simulated; set before the thread starts */
    pthread_t thread;
} Worker;

static gboolean verbose;   /* set before the threads start, then only read */

static void *
worker(void *arg)
{
    const Worker *w = arg;   /* this thread's own struct: read only */

    cp_trace_thread("%s", w->name);   /* --trace: this thread's row */
    printf("Worker %s starting\n", w->name);
    cp_sleep(w->duration);
    if (verbose)
        printf("Worker %s finished after %.2f s\n", w->name, w->duration);
    else
        printf("Worker %s finished\n", w->name);
    return NULL;
}

int
main(int argc, char *argv[])
{
    int workers = 3, s;
    char *seed_text = NULL;
    const char *lesson;
    GOptionEntry entries[] = {
        { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
          "Seed of the random sleeps of lesson 002 (0..4294967295; default: a new seed each run)",
          "N" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Workers sleep a random 1-3 s each (002b: 2 s), in threads; main joins them all.",
        .entries = entries,
        .workers = &workers, .workers_are = "worker threads",
        .waits = TRUE,
        .verbose = &verbose,
        .lessons = "002 002b", .lesson = &lesson,
    });
    gboolean fixed = strcmp(lesson, "002b") == 0;   /* 002b: args=(..., 2) */

    GRand *rng = cp_options_rand_new(seed_text);   /* no --seed: a new seed each run */
    g_free(seed_text);

    Worker *pool = g_new(Worker, workers);
    for (int i = 0; i < workers; i++) {
        snprintf(pool[i].name, sizeof pool[i].name, "Thread-%d", i + 1);
        /* random.uniform(1, 3), to hundredths so the printed value is exact */
        pool[i].duration = fixed ? 2.0 : round(g_rand_double_range(rng, 1.0, 3.0) * 100) / 100;
    }
    g_rand_free(rng);

    if (verbose)
        cp_time_print_scale_note();   /* the "after" times are lesson seconds */
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

    printf("%s\n", fixed ? "All threads completed!" : "All threads completed");
    g_free(pool);
    return 0;
}
