/* SPDX-License-Identifier: 0BSD */
/* even_odd_lock.c: two threads print their runs of numbers, one whole run
 * at a time, because each holds one mutex while it prints.
 *
 * Ports lesson 000 "Synchronizing threads using Lock" (lock.acquire() /
 * lock.release() around each thread's loop).  One thread prints the even
 * numbers 2..10, the other the odd numbers 1..9.  Each locks the same
 * pthread mutex before its loop and unlocks it after, so the loop is a
 * critical section: the other thread waits at pthread_mutex_lock() until
 * the whole run is printed.
 *
 * Usage:   even_odd_lock
 *
 * Look for: ten lines in two unbroken blocks, 2 4 6 8 10 and 1 3 5 7 9.
 * The evens usually come first, since their thread starts first, but
 * nothing promises it: whichever thread takes the lock first prints first.
 * The lock decides that the runs do not mix, not which comes first.
 *
 * See also: sync/inc_dec_counter.c (a lock around each update of shared
 * data), sync/shared_counter.c (what goes wrong without one).
 *
 * Build alone: cc -std=c11 even_odd_lock.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_trace.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;  /* held for a whole run */

/* Print first, first + 2, ... up to last, all under the lock. */
static void
print_run(int first, int last)
{
    int s;

    cp_trace_locking("lock");   /* --trace: the wait for the lock, then the hold */
    s = pthread_mutex_lock(&lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_lock");
    cp_trace_locked("lock");
    for (int i = first; i <= last; i += 2)
        printf("%d\n", i);
    cp_trace_unlocking("lock");
    s = pthread_mutex_unlock(&lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_unlock");
}

static void *
print_even_numbers(void *arg)
{
    (void) arg;
    cp_trace_thread("even");    /* --trace: this thread's row */
    print_run(2, 10);
    return NULL;
}

static void *
print_odd_numbers(void *arg)
{
    (void) arg;
    cp_trace_thread("odd");
    print_run(1, 9);
    return NULL;
}

int
main(int argc, char *argv[])
{
    pthread_t thread1, thread2;
    int s;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Two threads print the even and the odd numbers, one whole run at a time.",
    });

    s = pthread_create(&thread1, NULL, print_even_numbers, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_create");
    s = pthread_create(&thread2, NULL, print_odd_numbers, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_create");

    s = pthread_join(thread1, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_join");
    s = pthread_join(thread2, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_join");
    return 0;
}
