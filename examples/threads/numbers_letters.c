/* SPDX-License-Identifier: 0BSD */
/* numbers_letters.c: two threads printing at the same time.
 *
 * Ports lesson 000 "Threading" (the default) and its twin in 004 §2
 * "Threading and Multithreading" (--lesson=004): one thread prints the
 * numbers, the other the letters A..E, each waiting one second after
 * every line.  main() starts both with pthread_create(), then waits for
 * both with pthread_join() before its last line.  The two lessons differ
 * only in wording: 000 prints 0..4, A..E and "Both threads have finished
 * executing."; 004 prints "Number: 1".."Number: 5", "Letter: A".."Letter: E"
 * and "Threads completed.".
 *
 * Usage:   numbers_letters [--lesson=000|004] [-v] [--time-scale=F]
 *
 * Look for: numbers and letters interleaved, each thread keeping its own
 * order (0 before 1 before 2..., A before B...), while which of "0" and "A"
 * comes first can change from run to run.  The whole run takes about 5
 * seconds, not 10: the two threads wait at the same time (-v prints how
 * long it took; --trace=FILE shows the two threads' waits side by side).
 * The last line is always last, because both joins return first.
 *
 * See also: processes/numbers_letters_processes.c (the same with fork()),
 * threads/thread_class.c, threads/worker_threads.c.
 *
 * Build alone: cc -std=c11 numbers_letters.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"
#include "cp_trace.h"

/* Lesson 004 prefixes its lines and counts from 1; set before the threads
 * start, read only after. */
static gboolean lesson_004;

static void *
print_numbers(void *arg)
{
    (void) arg;
    cp_trace_thread("numbers");   /* --trace: this thread's row */
    for (int i = 0; i < 5; i++) {
        if (lesson_004)
            printf("Number: %d\n", i + 1);   /* range(1, 6) */
        else
            printf("%d\n", i);               /* range(5) */
        cp_sleep(1);   /* time.sleep(1): simulated, scaled by --time-scale */
    }
    return NULL;
}

static void *
print_letters(void *arg)
{
    (void) arg;
    cp_trace_thread("letters");
    for (const char *letter = "ABCDE"; *letter != '\0'; letter++) {
        if (lesson_004)
            printf("Letter: %c\n", *letter);
        else
            printf("%c\n", *letter);
        cp_sleep(1);
    }
    return NULL;
}

int
main(int argc, char *argv[])
{
    pthread_t thread1, thread2;
    gboolean verbose = FALSE;
    const char *lesson;
    double start;
    int s;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Two threads print numbers and letters at the same time.",
        .waits = TRUE,
        .verbose = &verbose,
        .lessons = "000 004", .lesson = &lesson,
    });
    lesson_004 = strcmp(lesson, "004") == 0;

    start = cp_time_now();
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

    printf("%s\n", lesson_004 ? "Threads completed." : "Both threads have finished executing.");
    if (verbose) {
        cp_time_print_scale_note();
        printf("Took %.2f seconds (each thread waits 5 seconds, both at the same time)\n",
               cp_time_since_unscaled(start));
    }
    return 0;
}
