/* SPDX-License-Identifier: 0BSD */
/* factorial_threads.c: one thread per number, each computing a factorial.
 *
 * Ports lesson 000 "Threading" (threading.Thread(target=calculate_factorial,
 * args=(i,))).  main() starts one POSIX thread per n, passing n by value
 * through the void * argument, then joins them all before the last line.
 *
 * Usage:   factorial_threads [N...]        (default: 1 2 3 4 5 6 7 8 9)
 *          factorial_threads 20 5 0
 *
 * Look for: the "Factorial of" lines may come in any order from run to run
 * (the threads race to print), but "All factorials have been calculated."
 * is always last, because every pthread_join() returns first.  n stops at
 * 20: 21! does not fit in 64 bits, and a C program must say so rather than
 * print a wrapped-around number (Python's integers just grow).
 *
 * See also: processes/factorial_processes.c, the same with fork().
 *
 * Build alone: cc -std=c11 factorial_threads.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_trace.h"

#define MAX_N 20   /* 20! = 2432902008176640000 < 2^64 */

static void *
calculate_factorial(void *arg)
{
    int n = (int) (intptr_t) arg;
    uint64_t result = 1;

    cp_trace_thread("factorial %d", n);    /* --trace: this thread's row */
    for (int i = 2; i <= n; i++)
        result *= (uint64_t) i;
    printf("Factorial of %d is %" PRIu64 "\n", n, result);
    return NULL;
}

int
main(int argc, char *argv[])
{
    const int lesson_inputs[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    int count, *numbers, s;
    pthread_t *threads;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "[N...]",
        .inputs_default = "1 2 3 4 5 6 7 8 9 (the lesson's)",
        .summary = "Compute n! for each N (0..20), one thread per number.",
    });
    count = argc > 1 ? argc - 1 : (int) G_N_ELEMENTS(lesson_inputs);
    numbers = g_new(int, count);
    for (int i = 0; i < count; i++)
        numbers[i] = argc > 1 ? (int) cp_options_parse_int_full(argv[i + 1], 0, MAX_N, "n",
                                                                      "21! does not fit in 64 bits")
                              : lesson_inputs[i];

    threads = g_new(pthread_t, count);
    for (int i = 0; i < count; i++) {
        s = pthread_create(&threads[i], NULL, calculate_factorial,
                           (void *) (intptr_t) numbers[i]);
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    for (int i = 0; i < count; i++) {
        s = pthread_join(threads[i], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }

    printf("All factorials have been calculated.\n");
    g_free(threads);
    g_free(numbers);
    return 0;
}
