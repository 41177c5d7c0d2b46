/* SPDX-License-Identifier: 0BSD */
/* cp_bench_output.c: the tables' header, marks and footnote, the -v table
 * of cores delivered, and the one CSV format that every benchmark prints
 * and `make bench` reads.  Numbers go out as plain decimals (never 1e+06)
 * in the C locale, so that the report's scripts parse them anywhere. */
#define _POSIX_C_SOURCE 200809L

#include "cp_bench.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cp_time.h"

void
cp_bench_print_header(const CpBenchOptions *options)
{
    printf("Cores: %d\n", options->cores);
    printf("Each figure is the median of %d run%s after one warm-up run, "
           "± half the spread (max - min).\n",
           options->repeat, options->repeat == 1 ? "" : "s");
    if (options->size > 0)
        printf("CPU-bound work: sum of i*i for i < %" PRIu64 " (%s).\n", (uint64_t) options->size,
               options->size_given ? "--size" : "calibrated: about 0.5 s in sequence here");
    if (cp_time_scale() != 1.0)
        printf("Time scale: %g (one simulated wait of 1 s takes %g s).\n",
               cp_time_scale(), cp_time_scaled(1));
}

const char *
cp_bench_mark(const CpBenchOptions *options, int workers)
{
    return workers > options->cores ? " *" : "";
}

void
cp_bench_print_footnote(const CpBenchOptions *options, int largest_workers)
{
    if (largest_workers > options->cores)
        printf("* more workers than cores: only %d run at once, so CPU-bound work "
               "cannot go more than %dx faster\n", options->cores, options->cores);
}

void
cp_bench_print_delivered(const CpBenchOptions *options, const CpBenchDelivered *rows, int n)
{
    gboolean openmp = FALSE;

    for (int r = 0; r < n; r++)
        openmp = openmp || rows[r].openmp != NULL;
    printf("\nThe threads against the cores delivered%s, from the same runs:\n",
           openmp ? " and against OpenMP" : "");
    printf("Workers | Cores delivered | Threads ÷ probe%s\n",
           openmp ? " | OpenMP            | Threads ÷ OpenMP" : "");
    for (int r = 0; r < n; r++) {
        const CpBenchDelivered *row = &rows[r];
        double threads = row->sequential->median / row->threads->median;

        printf("%7d | ", row->workers);
        if (row->probe != NULL) {
            double cores = cp_bench_probe_cores(row->workers, row->sequential, row->probe);
            char *delivered = g_strdup_printf("%.2f of %d", cores, row->workers);

            printf("%15s | %15.2f", delivered, threads / cores);
            g_free(delivered);
        } else {
            printf("%15s | %15s", "-", "-");
        }
        if (openmp && row->openmp != NULL) {
            char *cell = cp_bench_format_figure(row->openmp, 2, "s");

            printf(" | %s %.2fx | %16.2f", cell,
                   row->sequential->median / row->openmp->median,
                   row->openmp->median / row->threads->median);
            g_free(cell);
        }
        printf("%s\n", cp_bench_mark(options, row->workers));
    }
    printf("Cores delivered (the probe): W copies of the whole sum at once, in W processes\n"
           "that share nothing, against one copy alone; measured only for W <= cores.\n"
           "A ratio near 1: the threads lost nothing.\n");
}

char *
cp_bench_format_figure(const CpBenchFigure *figure, int decimals, const char *unit)
{
    return g_strdup_printf("%.*f%s ±%.*f", decimals, figure->median, unit,
                           decimals, (figure->max - figure->min) / 2);
}

char *
cp_bench_format_number(double value)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE + 64];
    char format[16];
    int magnitude, decimals;
    char *end;

    if (!isfinite(value))
        return g_strdup(isnan(value) ? "nan" : value > 0 ? "inf" : "-inf");
    if (value == 0)
        return g_strdup("0");
    magnitude = (int) floor(log10(fabs(value)));
    decimals = CLAMP(5 - magnitude, 0, 40);
    g_snprintf(format, sizeof format, "%%.%df", decimals);
    g_ascii_formatd(buf, sizeof buf, format, value);
    if (strchr(buf, '.')) {   /* 0.500000 -> 0.5, 12.000 -> 12 */
        end = buf + strlen(buf) - 1;
        while (*end == '0')
            *end-- = '\0';
        if (*end == '.')
            *end = '\0';
    }
    return g_strdup(strcmp(buf, "-0") == 0 ? "0" : buf);
}

char *
cp_bench_csv_line(const CpBenchRow *row, int cores)
{
    char *value = cp_bench_format_number(row->figure.median);
    char *min = cp_bench_format_number(row->figure.min);
    char *max = cp_bench_format_number(row->figure.max);
    char *speedup = isnan(row->speedup) ? g_strdup("") : cp_bench_format_number(row->speedup);
    char *line = g_strdup_printf("%s,%s,%s,%d,%s,%s,%s,%s,%s,%s,%d",
                                 row->benchmark, row->section, row->approach, row->workers,
                                 row->param ? row->param : "", value, row->unit, min, max,
                                 speedup, cores);

    g_free(speedup);
    g_free(max);
    g_free(min);
    g_free(value);
    return line;
}

void
cp_bench_csv_print_header(void)
{
    puts(CP_BENCH_CSV_HEADER);
}

void
cp_bench_csv_print_row(const CpBenchRow *row)
{
    char *line = cp_bench_csv_line(row, cp_bench_cores());

    puts(line);
    g_free(line);
}
