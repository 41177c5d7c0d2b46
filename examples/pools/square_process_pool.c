/* SPDX-License-Identifier: 0BSD */
/* square_process_pool.c: Pool().map(square, numbers) in C, with processes.
 *
 * Ports lesson 000 (multiprocessing.Pool().map(square, [1, 2, 3, 4, 5]))
 * and lesson 002 §3 "Process pool with map" (ProcessPoolExecutor(
 * max_workers=4).map(square_number, range(10))); 004 §5's process pool is
 * the same map.  The helper library's process pool plays both: each map
 * call forks the workers, sends each one an input at a time over a pipe,
 * stores every result at its input's index, and reaps the workers before
 * it returns (Python's pool.close() and pool.join(), or the end of the
 * "with" block).
 *
 * Usage:   square_process_pool [-w WORKERS] [N...]
 *          (default: one worker per CPU for 1..5, as Pool() does, then
 *          -w 4 for 0..9)
 *          square_process_pool -w 2 -- -3 12 100
 *
 * Look for: "Squared numbers: [1, 4, 9, 16, 25]", then "Numbers: [0, 1,
 * ..., 9]" and "Squared: [0, 1, 4, ..., 81]": map keeps the input order,
 * whichever worker finishes first.  Numbers given on the command line
 * replace the inputs of both maps, and -w sets both pool sizes.  |n| stops
 * at 3037000499, the largest whose square fits in 64 bits.  Put "--"
 * before negative numbers.
 *
 * See also: pools/square_pool.c (the same squares on threads),
 * pools/cpu_process_pool.c, pools/fib_pool.c.
 *
 * Build alone: cc -std=c11 square_process_pool.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>

#include "cp_format.h"
#include "cp_options.h"
#include "cp_procpool.h"

#define MAX_N G_GINT64_CONSTANT(3037000499)   /* 3037000499^2 < 2^63 - 1 */

/* Runs in a worker process: one input in, one result out. */
static void
square(const void *input, void *output, void *user_data)
{
    gint64 n = *(const gint64 *) input;

    (void) user_data;
    *(gint64 *) output = n * n;
}

/* Map square() over numbers[0..count-1] on a pool of `workers` processes. */
static gboolean
square_all(guint workers, const gint64 *numbers, gint64 *squares, int count)
{
    GError *error = NULL;
    CpProcPool *pool = cp_procpool_new(workers);
    gboolean ok = cp_procpool_map(pool, square, numbers, sizeof numbers[0], (gsize) count,
                                  squares, sizeof squares[0], NULL, &error);

    cp_procpool_free(pool);
    if (!ok) {
        fprintf(stderr, "square_process_pool: %s\n", error->message);
        g_error_free(error);
    }
    return ok;
}

int
main(int argc, char *argv[])
{
    const gint64 lesson_numbers[] = { 1, 2, 3, 4, 5 };
    int workers = 0, count;   /* 0: -w not given, use each lesson's size */
    gboolean ok;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "[N...]",
        .inputs_default = "1 2 3 4 5 for the first map, then range(10): 0 1 2 ... 9 "
                          "for the second (the lesson's)",
        .summary = "Square numbers on a pool of processes with map.",
        .workers = &workers, .workers_are = "worker processes in both pools",
        .workers_default = "the lesson's one per CPU for the first map, 4 for the second",
    });
    count = argc > 1 ? argc - 1 : 10;
    gint64 *numbers = g_new(gint64, count), *squares = g_new(gint64, count);
    for (int i = 0; i < count; i++)
        numbers[i] = argc > 1 ? cp_options_parse_int_full(argv[i + 1], -MAX_N, MAX_N, "n",
                                                     "a larger square does not fit in 64 bits") : i;

    /* Lesson 000: Pool() starts one worker per CPU. */
    const gint64 *first = argc > 1 ? numbers : lesson_numbers;
    int n_first = argc > 1 ? count : (int) G_N_ELEMENTS(lesson_numbers);
    ok = square_all(workers ? (guint) workers : g_get_num_processors(),
                    first, squares, n_first);
    if (ok)
        cp_print_int_list("Squared numbers: ", squares, (gsize) n_first);

    /* Lesson 002: ProcessPoolExecutor(max_workers=4).map(square_number, range(10)). */
    ok = ok && square_all(workers ? (guint) workers : 4, numbers, squares, count);
    if (ok) {
        cp_print_int_list("Numbers: ", numbers, (gsize) count);
        cp_print_int_list("Squared: ", squares, (gsize) count);
    }

    for (int i = 0; ok && i < count; i++) {   /* in input order, and right */
        if (squares[i] != numbers[i] * numbers[i]) {
            fprintf(stderr, "square_process_pool: result %d is wrong\n", i);
            ok = FALSE;
        }
    }
    g_free(squares);
    g_free(numbers);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
