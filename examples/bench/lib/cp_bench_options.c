/* SPDX-License-Identifier: 0BSD */
/* cp_bench_options.c: the options every benchmark takes (--repeat, --csv,
 * --size, --max-workers) on top of cp_options, and the start-up
 * calibration of the CPU-bound size.  The calibration lives here, not with
 * the workloads, because it is what --size defaults to: one sequential run
 * of about CP_BENCH_TARGET_SECONDS on this machine (cp_bench.h). */
#define _POSIX_C_SOURCE 200809L

#include "cp_bench.h"

#include <string.h>

#include "cp_options.h"
#include "cp_time.h"

void
cp_bench_parse(int *argc, char ***argv, const CpOptions *program, guint flags,
               CpBenchOptions *options)
{
    const GOptionEntry *entries = program->entries;
    CpOptions all_options = *program;
    char *repeat_text = NULL, *size_text = NULL, *max_workers_text = NULL;
    gboolean csv = FALSE;
    GOptionEntry common[] = {
        { "repeat", 0, 0, G_OPTION_ARG_STRING, &repeat_text,
          "Measured runs per figure, after one warm-up run (1..1000; default: 5)", "N" },
        { "csv", 0, 0, G_OPTION_ARG_NONE, &csv,
          "Print the results as CSV instead of the table", NULL },
        { "size", 0, 0, G_OPTION_ARG_STRING, &size_text,
          "CPU-bound work: the sum of i*i for i < N (1..10^12; default: calibrated "
          "so that one sequential run takes about 0.5 s)", "N" },
        { "max-workers", 0, 0, G_OPTION_ARG_STRING, &max_workers_text,
          "Table rows for 1, 2, 4, ... up to N workers (1..1024; default: 8)", "N" },
    };
    GArray *all = g_array_new(TRUE, TRUE, sizeof(GOptionEntry));

    g_array_append_vals(all, common, 2);
    if (flags & CP_BENCH_WITH_SIZE)
        g_array_append_val(all, common[2]);
    if (flags & CP_BENCH_WITH_MAX_WORKERS)
        g_array_append_val(all, common[3]);
    for (; entries && entries->long_name; entries++)
        g_array_append_vals(all, entries, 1);

    all_options.entries = (GOptionEntry *) (void *) all->data;
    all_options.waits = (flags & CP_BENCH_WITH_WAITS) != 0;
    cp_options_parse(argc, argv, &all_options);
    g_array_free(all, TRUE);

    memset(options, 0, sizeof *options);
    options->repeat = CP_BENCH_REPEAT_DEFAULT;
    options->max_workers = CP_BENCH_MAX_WORKERS_DEFAULT;
    options->csv = csv;
    options->cores = cp_bench_cores();
    if (repeat_text)
        options->repeat = (int) cp_options_parse_int(repeat_text, 1, CP_BENCH_REPEAT_MAX,
                                                     "--repeat");
    if (max_workers_text)
        options->max_workers = (int) cp_options_parse_int(max_workers_text, 1, CP_WORKERS_MAX,
                                                          "--max-workers");
    if (size_text) {
        options->size = (guint64) cp_options_parse_int(size_text, 1, CP_BENCH_SIZE_MAX, "--size");
        options->size_given = TRUE;
    }
    g_free(repeat_text);
    g_free(max_workers_text);
    g_free(size_text);

    if ((flags & CP_BENCH_WITH_SIZE) && !options->size_given)
        options->size = cp_bench_calibrate(CP_BENCH_TARGET_SECONDS);
}

guint64
cp_bench_calibrate(double seconds)
{
    guint64 n = 1000000;   /* the lessons' n */
    double start, elapsed, scaled;

    /* Too short a run measures the clock, not the loop: grow it first. */
    for (;;) {
        start = cp_time_now();
        (void) cp_bench_cpu_work(0, n);
        elapsed = cp_time_since(start);
        if (elapsed >= 0.05 || n >= (guint64) CP_BENCH_SIZE_MAX / 2)
            break;
        n *= 2;
    }
    /* Another program may have had the core for part of that run: the
     * fastest of three is the closest to what the loop itself costs. */
    for (int i = 0; i < 2; i++) {
        start = cp_time_now();
        (void) cp_bench_cpu_work(0, n);
        elapsed = MIN(elapsed, cp_time_since(start));
    }
    scaled = (double) n * seconds / MAX(elapsed, 1e-9);
    if (scaled < 1)
        return 1;
    if (scaled > (double) CP_BENCH_SIZE_MAX)
        return (guint64) CP_BENCH_SIZE_MAX;
    return (guint64) scaled;
}

int
cp_bench_worker_counts(int max_workers, int counts[CP_BENCH_MAX_ROWS])
{
    int rows = 0;

    for (int w = 1; w < max_workers && rows < CP_BENCH_MAX_ROWS - 1; w *= 2)
        counts[rows++] = w;
    counts[rows++] = MAX(max_workers, 1);
    return rows;
}

int
cp_bench_cores(void)
{
    return (int) g_get_num_processors();
}
