/* SPDX-License-Identifier: 0BSD */
/* two_threads.c: the smallest threaded program: start two, join two.
 *
 * Ports lesson 003 "2. Multithreading" (threading.Thread(target=task1),
 * threading.Thread(target=task2), start() both, then join() both).  Each
 * thread runs a function of its own that prints one line.  main() starts
 * both with pthread_create() and waits for both with pthread_join(); only
 * then does the program end, and with it the process and its threads.
 *
 * Usage:   two_threads
 *
 * Look for: "Task 1 is running" and "Task 2 is running", usually in that
 * order, since thread 1 starts first; nothing promises it: the two threads
 * run at the same time, and either may print first.
 *
 * See also: threads/numbers_letters.c (two threads that print for longer),
 * threads/worker_threads.c, processes/named_processes.c.
 *
 * Build alone: cc -std=c11 two_threads.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_trace.h"

static void *
task1(void *arg)
{
    (void) arg;
    cp_trace_thread("Task 1");    /* --trace: this thread's row */
    printf("Task 1 is running\n");
    return NULL;
}

static void *
task2(void *arg)
{
    (void) arg;
    cp_trace_thread("Task 2");
    printf("Task 2 is running\n");
    return NULL;
}

int
main(int argc, char *argv[])
{
    pthread_t thread1, thread2;
    int s;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Two threads each run a task that prints one line.",
    });

    /* Create and start the threads */
    s = pthread_create(&thread1, NULL, task1, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_create");
    s = pthread_create(&thread2, NULL, task2, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_create");

    /* Wait for the threads to complete */
    s = pthread_join(thread1, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_join");
    s = pthread_join(thread2, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_join");
    return 0;
}
