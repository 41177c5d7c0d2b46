/* SPDX-License-Identifier: 0BSD */
/* cp_bench_openmp.h: the benchmarks' CPU-bound sum as a C programmer would
 * parallelize it without starting threads by hand: the sequential loop
 * and one OpenMP pragma,
 *
 *     #pragma omp parallel for reduction(+:sum) num_threads(W) schedule(static)
 *     for (i = 0; i < n; i++)
 *         sum += i * i;
 *
 * OpenMP cuts 0..n-1 into W equal chunks in order (schedule(static), as
 * cp_bench_chunk() does), runs them on a team of W threads, gives each
 * thread its own sum starting at 0 and adds them up at the end
 * (reduction).  The benchmarks' "openmp" row (CP_BENCH_OPENMP); see
 * cp_bench.h.
 *
 * Only for programs compiled with OpenMP (-fopenmp with gcc; clang also
 * needs libomp): call these under `#ifdef _OPENMP`, which such a compiler
 * defines.  A program compiled without it calls nothing here, and so
 * links without OpenMP's runtime.  The team's threads are OpenMP's: they
 * are started once and kept for the next run, so a run does not pay for
 * starting them as a CP_BENCH_THREADS run does (a few microseconds each,
 * against runs of a fraction of a second).  In a libconparbench built
 * without OpenMP, these say so on stderr and exit 1.
 */
#ifndef CP_BENCH_OPENMP_H
#define CP_BENCH_OPENMP_H

#include <glib.h>

#include "cp_bench.h"

/* The sum of i*i for i < n, mod 2^64, on `workers` OpenMP threads: returns
 * the seconds and stores the sum in *sum. */
double cp_bench_openmp_run(guint64 n, int workers, guint64 *sum);

/* One checked run in the CpBenchSampleFunc shape, for
 * cp_bench_measure_interleaved(): job is a CpBenchJob whose approach is
 * CP_BENCH_OPENMP; a wrong sum exits 1 (cp_bench_cpu_check()). */
double cp_bench_openmp_sample(void *job);

#endif
