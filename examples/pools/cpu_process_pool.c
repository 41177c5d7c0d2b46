/* SPDX-License-Identifier: 0BSD */
/* cpu_process_pool.c: a CPU-bound task run four times on a pool of processes.
 *
 * Ports lesson 002 §3 "ProcessPoolExecutor": four futures of
 * cpu_intensive_task(1000000), the sum of i*i for i in range(n), on
 * ProcessPoolExecutor(max_workers=4), their results collected in
 * submission order.  Submitting every task and then taking each result in
 * turn is a map, so here it is the helper library's process pool: it forks
 * the workers, hands each one an n at a time over a pipe, and stores every
 * sum at its task's index.  Each worker is a process with its own CPU time,
 * so the four loops really run in parallel (Python's threads could not,
 * because of the GIL; processes can).
 *
 * Usage:   cpu_process_pool [-w WORKERS] [N...]
 *          (default: -w 4  1000000 1000000 1000000 1000000)
 *          cpu_process_pool 10 100 1000 1000000
 *
 * Look for: "Results: [333332833333500000, 333332833333500000,
 * 333332833333500000, 333332833333500000]": exact, because the sums are
 * 64-bit integers.  n stops at 3024617, the largest whose sum still fits in
 * 64 bits (Python's integers just grow).  The program checks each sum
 * against the closed form (n-1)n(2n-1)/6 and fails if one is wrong.
 *
 * See also: pools/square_process_pool.c, pools/fib_pool.c,
 * bench/concurrency_vs_parallelism.c (the same task timed).
 *
 * Build alone: cc -std=c11 cpu_process_pool.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>

#include "cp_format.h"
#include "cp_options.h"
#include "cp_procpool.h"

#define MAX_N 3024617   /* sum of i*i for i < 3024618 exceeds 2^63 - 1 */

/* Runs in a worker process: the lesson's loop, one input in, one sum out. */
static void
cpu_intensive_task(const void *input, void *output, void *user_data)
{
    gint64 n = *(const gint64 *) input, result = 0;

    (void) user_data;
    for (gint64 i = 0; i < n; i++)
        result += i * i;
    *(gint64 *) output = result;
}

/* (n-1)n(2n-1)/6 without overflow: divide out the 2 and the 3 first. */
static gint64
expected_sum(gint64 n)
{
    gint64 a = n - 1, b = n, c = 2 * n - 1;

    if (a % 2 == 0)        /* n-1 or n is even */
        a /= 2;
    else
        b /= 2;
    if (a % 3 == 0)        /* n-1, n or 2n-1 is a multiple of 3 */
        a /= 3;
    else if (b % 3 == 0)
        b /= 3;
    else
        c /= 3;
    return a * b * c;
}

int
main(int argc, char *argv[])
{
    int workers = 4, count;
    gint64 *numbers, *results;
    GError *error = NULL;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "[N...]",
        .inputs_default = "1000000 1000000 1000000 1000000 (the lesson's)",
        .summary = "Sum i*i for i < N (0..3024617) for each N, on a pool of processes.",
        .workers = &workers, .workers_are = "worker processes",
    });
    count = argc > 1 ? argc - 1 : 4;
    numbers = g_new(gint64, count);
    for (int i = 0; i < count; i++)
        numbers[i] = argc > 1 ? cp_options_parse_int_full(argv[i + 1], 0, MAX_N, "n",
                                                              "a larger sum does not fit in 64 bits") : 1000000;
    results = g_new(gint64, count);

    CpProcPool *pool = cp_procpool_new((guint) workers);
    gboolean ok = cp_procpool_map(pool, cpu_intensive_task, numbers, sizeof numbers[0],
                                  (gsize) count, results, sizeof results[0], NULL, &error);
    cp_procpool_free(pool);

    if (ok) {
        cp_print_int_list("Results: ", results, (gsize) count);
        for (int i = 0; i < count; i++) {
            if (results[i] != expected_sum(numbers[i])) {
                fprintf(stderr, "cpu_process_pool: sum for n = %" G_GINT64_FORMAT
                        " is wrong\n", numbers[i]);
                ok = FALSE;
            }
        }
    } else {
        fprintf(stderr, "cpu_process_pool: %s\n", error->message);
    }
    g_clear_error(&error);
    g_free(results);
    g_free(numbers);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
