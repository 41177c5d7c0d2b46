/* SPDX-License-Identifier: 0BSD */
/* inc_dec_counter.c: threads increment, decrement and print one shared
 * variable, each step under the same lock.
 *
 * Ports lesson 001 "Example 2 with Threads" (`with lock:` around each of
 * increment_shared_variable(), decrement_shared_variable() and
 * print_shared_variable()).  Four threads each repeat 100000 times:
 * add 1, subtract 1, print the value.  Each step takes and releases the
 * mutex by itself, so every step sees and leaves a consistent value.
 *
 * Usage:   inc_dec_counter [-w THREADS] [--iterations=N] [--quiet] [-v]
 *
 * Look for: 400000 lines "Shared Variable: v", as in the lesson, then
 * "Final Shared Variable: 0".  v is not always 0: between one thread's
 * increment and its decrement the lock is free, so other threads can add
 * their 1 first.  v stays within 0..3 (0..THREADS-1): each of the other
 * threads has added at most one 1 that it has not yet taken away, and the
 * printing thread has taken its own away.  The final value is 0 every
 * time; the program checks it, and if not says so on stderr and exits 1.
 * Rather than reading 400000 lines, use -v, which ends with how many times
 * each value was read ("Values read: 0 (224095 times), 1 (...)"), with
 * --quiet to drop the lines themselves; or pipe into `sort | uniq -c`.
 *
 * See also: sync/shared_counter.c (the same kind of update without a
 * lock), sync/even_odd_lock.c.
 *
 * Build alone: cc -std=c11 inc_dec_counter.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_trace.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int shared_variable;   /* protected by lock */
static long *times_read;      /* times_read[v]: v read that often; protected by lock */
static long times_out_of_range;   /* any other value read; protected by lock */
static int iterations = 100000;   /* set before the threads start */
static int workers = 4;           /* set before the threads start */
static gboolean quiet;            /* set before the threads start */

static void
lock_or_die(void)
{
    cp_trace_locking("lock");   /* --trace: the wait for the lock, then the hold */
    int s = pthread_mutex_lock(&lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_lock");
    cp_trace_locked("lock");
}

static void
unlock_or_die(void)
{
    cp_trace_unlocking("lock");
    int s = pthread_mutex_unlock(&lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_unlock");
}

static void *
perform_operations(void *arg)
{
    cp_trace_thread("Thread-%d", (int) (intptr_t) arg);   /* --trace: this thread's row */
    for (int i = 0; i < iterations; i++) {
        lock_or_die();
        shared_variable += 1;
        unlock_or_die();

        lock_or_die();
        shared_variable -= 1;
        unlock_or_die();

        /* Read under the lock too: another thread may be writing it. */
        lock_or_die();
        if (!quiet)
            printf("Shared Variable: %d\n", shared_variable);
        if (shared_variable >= 0 && shared_variable <= workers)
            times_read[shared_variable]++;
        else
            times_out_of_range++;
        unlock_or_die();
    }
    return NULL;
}

int
main(int argc, char *argv[])
{
    int s;
    gboolean verbose = FALSE;
    char *iterations_text = NULL;
    GOptionEntry entries[] = {
        { "iterations", 'n', 0, G_OPTION_ARG_STRING, &iterations_text,
          "Increment/decrement pairs per thread (1..10000000; default: 100000)", "N" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
          "Print only the final value", NULL },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Threads increment and decrement one shared variable under a lock.",
        .entries = entries,
        .workers = &workers, .workers_are = "threads",
        .verbose = &verbose,
    });
    if (iterations_text)
        iterations = (int) cp_options_parse_int(iterations_text, 1, 10000000, "--iterations");
    g_free(iterations_text);

    times_read = g_new0(long, workers + 1);
    pthread_t *threads = g_new(pthread_t, workers);
    for (int i = 0; i < workers; i++) {
        s = pthread_create(&threads[i], NULL, perform_operations, (void *) (intptr_t) (i + 1));
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    for (int i = 0; i < workers; i++) {
        s = pthread_join(threads[i], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    g_free(threads);

    /* Every thread has been joined: no lock needed to read them now. */
    printf("Final Shared Variable: %d\n", shared_variable);
    if (verbose) {
        GString *line = g_string_new("Values read:");

        for (int v = 0; v <= workers; v++)
            if (times_read[v] > 0)
                g_string_append_printf(line, "%s %d (%ld times)",
                                       line->str[line->len - 1] == ':' ? "" : ",",
                                       v, times_read[v]);
        if (times_out_of_range > 0)
            g_string_append_printf(line, ", others (%ld times)", times_out_of_range);
        printf("%s\n", line->str);
        g_string_free(line, TRUE);
    }
    g_free(times_read);
    if (shared_variable != 0) {
        fprintf(stderr, "inc_dec_counter: the final value is %d, not 0\n", shared_variable);
        return 1;
    }
    return 0;
}
