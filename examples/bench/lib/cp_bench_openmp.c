/* SPDX-License-Identifier: 0BSD */
/* The one file of libconparbench with OpenMP in it (see
 * cp_bench_openmp.h).  It is an archive member of its own: a program that
 * calls nothing here does not link it, nor OpenMP's runtime. */
#define _POSIX_C_SOURCE 200809L

#include "cp_bench_openmp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cp_time.h"

#ifdef _OPENMP

double
cp_bench_openmp_run(guint64 n, int workers, guint64 *sum)
{
    double start = cp_time_now();
    guint64 total = 0;

    g_return_val_if_fail(workers > 0, NAN);
#pragma omp parallel for reduction(+:total) num_threads(workers) schedule(static)
    for (guint64 i = 0; i < n; i++) {
        total += i * i;
#if defined(__GNUC__) || defined(__clang__)
        /* As in cp_bench_cpu_work(): every step runs, no closed formula,
         * no vector loop, so that this row does the threads' work. */
        __asm__ volatile ("" : "+r" (total));
#endif
    }
    *sum = total;
    return cp_time_since(start);
}

#else   /* libconparbench built without OpenMP */

double
cp_bench_openmp_run(guint64 n, int workers, guint64 *sum)
{
    (void) n;
    (void) workers;
    *sum = 0;
    fprintf(stderr, "%s: libconparbench was built without OpenMP: there is no openmp row\n",
            g_get_prgname() ? g_get_prgname() : "conpar");
    exit(EXIT_FAILURE);
}

#endif

double
cp_bench_openmp_sample(void *data)
{
    const CpBenchJob *job = data;
    guint64 sum;
    double seconds = cp_bench_openmp_run(job->options->size, job->workers, &sum);

    cp_bench_cpu_check(job, sum);
    return seconds;
}
