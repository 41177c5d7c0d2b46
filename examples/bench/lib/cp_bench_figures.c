/* SPDX-License-Identifier: 0BSD */
/* cp_bench_figures.c: the statistics.  A figure is the median of the
 * measured runs after one warm-up, with their min and max; measuring
 * several things in turns (cp_bench_measure_interleaved()) keeps the
 * ratios between them honest on a busy machine (cp_bench.h). */
#define _POSIX_C_SOURCE 200809L

#include "cp_bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int
compare_doubles(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;

    return (x > y) - (x < y);
}

double
cp_bench_median(const double *values, int n)
{
    double *sorted, median;

    g_return_val_if_fail(n > 0, NAN);
    sorted = g_new(double, n);
    memcpy(sorted, values, (size_t) n * sizeof *values);
    qsort(sorted, (size_t) n, sizeof *sorted, compare_doubles);
    median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    g_free(sorted);
    return median;
}

CpBenchFigure
cp_bench_figure(const double *values, int n)
{
    CpBenchFigure figure = { NAN, NAN, NAN };

    g_return_val_if_fail(n > 0, figure);
    figure.median = cp_bench_median(values, n);
    figure.min = figure.max = values[0];
    for (int i = 1; i < n; i++) {
        figure.min = MIN(figure.min, values[i]);
        figure.max = MAX(figure.max, values[i]);
    }
    return figure;
}

CpBenchFigure
cp_bench_measure(int repeat, CpBenchSampleFunc sample, void *data)
{
    double *values = g_new(double, repeat);
    CpBenchFigure figure;

    /* The warm-up pays for first touches (pages, caches, the dynamic
     * linker's lazy binding) that every later run would not pay. */
    (void) sample(data);
    for (int i = 0; i < repeat; i++)
        values[i] = sample(data);
    figure = cp_bench_figure(values, repeat);
    g_free(values);
    return figure;
}

void
cp_bench_measure_interleaved(int repeat, int n, const CpBenchSampleFunc *samples,
                             void *const *data, CpBenchFigure *figures)
{
    double *values = g_new(double, (gsize) repeat * (gsize) n);   /* [j * repeat + round] */

    for (int j = 0; j < n; j++)
        (void) samples[j](data[j]);
    for (int round = 0; round < repeat; round++)
        for (int j = 0; j < n; j++)
            values[j * repeat + round] = samples[j](data[j]);
    for (int j = 0; j < n; j++)
        figures[j] = cp_bench_figure(values + j * repeat, repeat);
    g_free(values);
}
