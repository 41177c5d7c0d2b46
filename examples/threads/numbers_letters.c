/* SPDX-License-Identifier: 0BSD */
/* numbers_letters.c: two threads printing at the same time.
 *
 * Ports lesson 000 "Threading" (and its twin in 004 §2): one thread prints
 * 0..4, the other A..E, each waiting one second after every line.  main()
 * starts both with pthread_create(), then waits for both with
 * pthread_join() before its last line.
 *
 * Usage:   numbers_letters [--time-scale=F]
 *
 * Look for: numbers and letters interleaved, each thread keeping its own
 * order (0 before 1 before 2..., A before B...), while which of "0" and "A"
 * comes first can change from run to run.  The whole run takes about 5
 * seconds, not 10: the two threads wait at the same time.
 * "Both threads have finished executing." is always last, because both
 * joins return first.
 *
 * See also: processes/numbers_letters_processes.c (the same with fork()),
 * threads/thread_class.c, threads/worker_threads.c.
 *
 * Build alone: cc -std=c11 numbers_letters.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"

static void *
print_numbers(void *arg)
{
    (void) arg;
    for (int i = 0; i < 5; i++) {
        printf("%d\n", i);
        cp_sleep(1);   /* time.sleep(1): simulated, scaled by --time-scale */
    }
    return NULL;
}

static void *
print_letters(void *arg)
{
    (void) arg;
    for (const char *letter = "ABCDE"; *letter != '\0'; letter++) {
        printf("%c\n", *letter);
        cp_sleep(1);
    }
    return NULL;
}

int
main(int argc, char *argv[])
{
    pthread_t thread1, thread2;
    int s;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Two threads print 0..4 and A..E at the same time.",
        .waits = TRUE,
    });

    s = pthread_create(&thread1, NULL, print_numbers, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_create");
    s = pthread_create(&thread2, NULL, print_letters, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_create");

    s = pthread_join(thread1, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_join");
    s = pthread_join(thread2, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_join");

    printf("Both threads have finished executing.\n");
    return 0;
}
