/* SPDX-License-Identifier: 0BSD */
/* fib_pool.c: Pool(processes=3).map(fibonacci, [35, 36, 37]) in C.
 *
 * Ports lesson 000 "Parallel computation of Fibonacci sequence".  The
 * helper library's process pool forks the workers, hands each one an input
 * at a time over a pipe and puts every result back at its input's index.
 *
 * Usage:   fib_pool [-w WORKERS] [N...]      (default: -w 3  35 36 37)
 *          fib_pool 10 92 50
 *
 * Look for: "Fibonacci sequence: [9227465, 14930352, 24157817]"; the
 * results keep the input order whichever worker finishes first.  The
 * lesson's recursive fibonacci() takes exponential time; this one loops,
 * so any n up to 92 (the largest whose value fits in 64 bits) answers at
 * once.  The pool, not the arithmetic, is the point.
 *
 * See also: pools/exp_pool.c, pools/square_pool.c (threads, not processes).
 *
 * Build alone: cc -std=c11 fib_pool.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cp_format.h"
#include "cp_options.h"
#include "cp_procpool.h"

#define MAX_N 92   /* fib(92) = 7540113804746346429 < 2^63 */

static int64_t
fibonacci(int n)
{
    int64_t a = 0, b = 1;   /* fib(i - 1), fib(i), for i = 1 */

    if (n == 0)
        return 0;
    for (int i = 1; i < n; i++) {   /* stop at fib(n): fib(93) overflows */
        int64_t next = a + b;
        a = b;
        b = next;
    }
    return b;
}

/* Runs in a worker process: one input in, one result out. */
static void
fibonacci_task(const void *input, void *output, void *user_data)
{
    (void) user_data;
    *(int64_t *) output = fibonacci(*(const int *) input);
}

int
main(int argc, char *argv[])
{
    const int lesson_inputs[] = { 35, 36, 37 };
    int workers = 3, count, *numbers;
    gint64 *results;
    GError *error = NULL;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "[N...]",
        .inputs_default = "35 36 37 (the lesson's)",
        .summary = "Map fibonacci(n) over the inputs (0..92) in a pool of processes.",
        .workers = &workers, .workers_are = "worker processes",
    });
    count = argc > 1 ? argc - 1 : (int) G_N_ELEMENTS(lesson_inputs);
    numbers = g_new(int, count);
    for (int i = 0; i < count; i++)
        numbers[i] = argc > 1 ? (int) cp_options_parse_int_full(argv[i + 1], 0, MAX_N, "n",
                                                                      "fib(93) does not fit in 64 bits")
                              : lesson_inputs[i];
    results = g_new(gint64, count);

    CpProcPool *pool = cp_procpool_new((guint) workers);
    gboolean ok = cp_procpool_map(pool, fibonacci_task, numbers, sizeof numbers[0],
                                  (gsize) count, results, sizeof results[0], NULL, &error);
    cp_procpool_free(pool);

    if (ok)
        cp_print_int_list("Fibonacci sequence: ", results, (gsize) count);
    else
        fprintf(stderr, "fib_pool: %s\n", error->message);
    g_clear_error(&error);
    g_free(results);
    g_free(numbers);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
