/* SPDX-License-Identifier: 0BSD */
/* exp_pool.c: Pool(processes=2).map(math.exp, [2, 3, 4, 5]) in C.
 *
 * Ports lesson 000 "Calculate exponential for numbers using
 * multiprocessing".  Two worker processes from the helper library's pool
 * compute exp(x); the doubles come back through pipes byte for byte.
 *
 * Usage:   exp_pool [-w WORKERS] [X...]      (default: -w 2  2 3 4 5)
 *          exp_pool -1 0.5 709 nan -inf
 *
 * Look for: "Exponential values: [7.38905609893065, 20.085536923187668,
 * 54.598150033144236, 148.4131591025766]": the same text as Python prints,
 * because floats are printed as Python's repr() does (the shortest text that
 * reads back to the same double).  x is read as Python's float() reads
 * it: nan, inf and -inf give nan, inf and 0.0, as math.exp does.  A finite
 * x whose exp() overflows (x > 709.78) is refused, as Python's math.exp
 * raises OverflowError.
 *
 * See also: pools/fib_pool.c.
 *
 * Build alone: cc -std=c11 exp_pool.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cp_format.h"
#include "cp_options.h"
#include "cp_procpool.h"

/* Runs in a worker process. */
static void
exp_task(const void *input, void *output, void *user_data)
{
    (void) user_data;
    *(double *) output = exp(*(const double *) input);
}

int
main(int argc, char *argv[])
{
    const double lesson_inputs[] = { 2, 3, 4, 5 };
    int workers = 2, count;
    double *numbers, *results;
    GError *error = NULL;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "[X...]",
        .inputs_default = "2 3 4 5 (the lesson's)",
        .summary = "Map exp(x) over the inputs in a pool of processes.",
        .workers = &workers, .workers_are = "worker processes",
    });
    count = argc > 1 ? argc - 1 : (int) G_N_ELEMENTS(lesson_inputs);
    numbers = g_new(double, count);
    for (int i = 0; i < count; i++) {
        numbers[i] = argc > 1 ? cp_options_parse_float(argv[i + 1], "x") : lesson_inputs[i];
        if (isfinite(numbers[i]) && isinf(exp(numbers[i])))
            cp_options_fail("exp(%s) overflows a double", argv[i + 1]);
    }
    results = g_new(double, count);

    CpProcPool *pool = cp_procpool_new((guint) workers);
    gboolean ok = cp_procpool_map(pool, exp_task, numbers, sizeof numbers[0],
                                  (gsize) count, results, sizeof results[0], NULL, &error);
    cp_procpool_free(pool);

    if (ok)
        cp_print_double_list("Exponential values: ", results, (gsize) count);
    else
        fprintf(stderr, "exp_pool: %s\n", error->message);
    g_clear_error(&error);
    g_free(results);
    g_free(numbers);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
