/* SPDX-License-Identifier: 0BSD */
/* square_process_pool.c: Pool().map(square, numbers) in C, with processes.
 *
 * Ports three lessons' cells, one per run:
 *
 *  --lesson=000  (the default) lesson 000's multiprocessing.Pool().map(
 *                square, [1, 2, 3, 4, 5]): one worker per CPU, as Pool()
 *                starts; prints "Squared numbers: [...]".
 *  --lesson=002  lesson 002 §3 "Process pool with map":
 *                ProcessPoolExecutor(max_workers=4).map(square_number,
 *                range(10)); prints "Numbers: [...]" and "Squared: [...]".
 *  --lesson=004  lesson 004 §5, its ProcessPoolExecutor half:
 *                ProcessPoolExecutor(max_workers=3).map(square, [1, 2, 3,
 *                4, 5]), where square() first sleeps 1 s; prints
 *                "ProcessPool results: [...]".  (The cell's
 *                ThreadPoolExecutor half is pools/square_pool --lesson=004.)
 *
 * The helper library's process pool plays all three: each map call forks
 * the workers, sends each one an input at a time over a pipe, stores every
 * result at its input's index, and reaps the workers before it returns
 * (Python's pool.close() and pool.join(), or the end of the "with" block).
 *
 * Usage:   square_process_pool [--lesson=000|002|004] [-w WORKERS] [-v] [N...]
 *          (default: --lesson=000, the lesson's pool size and numbers)
 *          square_process_pool --lesson=002 -w 2 -- -3 12 100
 *
 * Look for: "Squared numbers: [1, 4, 9, 16, 25]" (000), "Numbers: [0, 1,
 * ..., 9]" and "Squared: [0, 1, 4, ..., 81]" (002), "ProcessPool results:
 * [1, 4, 9, 16, 25]" (004): map keeps the input order, whichever worker
 * finishes first.  With 004 the five one-second waits overlap in three
 * processes, so the line comes after about 2 s, not 5; -v then adds how
 * long the map took, in the lesson's seconds (only 004 waits;
 * --time-scale shortens its waits).  With 000 and 002, -v adds how long
 * starting the pool, the map and reaping the workers took, in real
 * seconds: what `make bench-peers` sets beside Python's Pool(2).map of
 * the same numbers.  Numbers given on the command line
 * replace the lesson's, and -w sets the pool size.  |n| stops at
 * 3037000499, the largest whose square fits in 64 bits.  Put "--" before
 * negative numbers.
 *
 * See also: pools/square_pool.c (the same squares on threads),
 * pools/cpu_process_pool.c, pools/fib_pool.c.
 *
 * Build alone: cc -std=c11 square_process_pool.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_format.h"
#include "cp_options.h"
#include "cp_procpool.h"
#include "cp_time.h"

#define MAX_N G_GINT64_CONSTANT(3037000499)   /* 3037000499^2 < 2^63 - 1 */

/* Runs in a worker process: one input in, one result out.  user_data
 * points to how long to sleep first (004's time.sleep(1)), or 0. */
static void
square(const void *input, void *output, void *user_data)
{
    gint64 n = *(const gint64 *) input;
    double wait = *(const double *) user_data;

    if (wait > 0)
        cp_sleep(wait);
    *(gint64 *) output = n * n;
}

int
main(int argc, char *argv[])
{
    static const gint64 one_to_five[] = { 1, 2, 3, 4, 5 };   /* 000 and 004 */
    const char *lesson;
    const gint64 *lesson_inputs = NULL;   /* NULL: range(count) */
    int workers = 0, count;               /* workers 0: -w not given */
    double wait = 0;
    gboolean verbose = FALSE, ok;
    GError *error = NULL;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "[N...]",
        .inputs_default = "1 2 3 4 5 for 000 and 004, range(10): 0 1 2 ... 9 for 002 "
                          "(the lesson's)",
        .summary = "Square numbers on a pool of processes with map.",
        .workers = &workers, .workers_are = "worker processes",
        .workers_default = "the lesson's, one per CPU for 000 as Pool() starts, "
                           "4 for 002, 3 for 004",
        .waits = TRUE,
        .verbose = &verbose,
        .lessons = "000 002 004",
        .lesson = &lesson,
    });
    if (strcmp(lesson, "000") == 0) {
        lesson_inputs = one_to_five;
        count = (int) G_N_ELEMENTS(one_to_five);
        workers = workers ? workers : (int) g_get_num_processors();
    } else if (strcmp(lesson, "002") == 0) {
        count = 10;
        workers = workers ? workers : 4;
    } else {
        lesson_inputs = one_to_five;
        count = (int) G_N_ELEMENTS(one_to_five);
        workers = workers ? workers : 3;
        wait = 1.0;
    }
    count = argc > 1 ? argc - 1 : count;
    gint64 *numbers = g_new(gint64, count), *squares = g_new(gint64, count);
    for (int i = 0; i < count; i++)
        numbers[i] = argc > 1 ? cp_options_parse_int_full(argv[i + 1], -MAX_N, MAX_N, "n",
                                                          "a larger square does not fit in 64 bits")
                   : lesson_inputs ? lesson_inputs[i] : i;

    double start = cp_time_now();
    CpProcPool *pool = cp_procpool_new((guint) workers);
    ok = cp_procpool_map(pool, square, numbers, sizeof numbers[0], (gsize) count,
                         squares, sizeof squares[0], &wait, &error);
    cp_procpool_free(pool);
    double took = cp_time_since_unscaled(start), took_real = cp_time_since(start);

    if (!ok) {
        fprintf(stderr, "square_process_pool: %s\n", error->message);
        g_error_free(error);
    }
    for (int i = 0; ok && i < count; i++) {   /* in input order, and right */
        if (squares[i] != numbers[i] * numbers[i]) {
            fprintf(stderr, "square_process_pool: result %d is wrong\n", i);
            ok = FALSE;
        }
    }
    if (ok && strcmp(lesson, "000") == 0) {
        cp_print_int_list("Squared numbers: ", squares, (gsize) count);
    } else if (ok && strcmp(lesson, "002") == 0) {
        cp_print_int_list("Numbers: ", numbers, (gsize) count);
        cp_print_int_list("Squared: ", squares, (gsize) count);
    }
    if (ok && verbose && strcmp(lesson, "004") != 0) {   /* no waits: real seconds */
        printf("Map took %.6f seconds: %d squares in %d processes\n", took_real, count, workers);
    } else if (ok && strcmp(lesson, "004") == 0) {
        cp_print_int_list("ProcessPool results: ", squares, (gsize) count);
        if (verbose) {
            cp_time_print_scale_note();
            printf("Took %.2f seconds: %d waits of 1 s in %d processes\n", took, count, workers);
        }
    }
    g_free(squares);
    g_free(numbers);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
