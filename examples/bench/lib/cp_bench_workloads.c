/* SPDX-License-Identifier: 0BSD */
/* cp_bench_workloads.c: what the benchmarks compute, and its check: the
 * lessons' sum of i*i, its closed formula, its chunks, and the per-worker
 * result slots padded to a cache line.  Every runner (cp_bench_runners.c)
 * and the memory probes (cp_bench_memory.c) do this same work, so that
 * their figures compare. */
#define _POSIX_C_SOURCE 200809L

#include "cp_bench.h"

#include <stdlib.h>
#include <string.h>

#include "cp_die.h"

const char *
cp_bench_approach_name(CpBenchApproach approach)
{
    switch (approach) {
    case CP_BENCH_SEQUENTIAL: return "sequential";
    case CP_BENCH_THREADS: return "threads";
    case CP_BENCH_PROCESSES: return "processes";
    case CP_BENCH_EVENT_LOOP: return "event_loop";
    case CP_BENCH_PROBE: return "probe";
    case CP_BENCH_OPENMP: return "openmp";
    }
    return "unknown";
}

/* Never inlined, and aligned: one copy of the loop at one address for every
 * approach.  Inlined into each runner, the loop had a copy per approach,
 * and one that happened to straddle a 64-byte boundary ran at half speed
 * on some CPUs, which read as threads (or processes) being 2x slow. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((aligned(64)))
#endif
G_GNUC_NO_INLINE guint64
cp_bench_cpu_work(guint64 first, guint64 last)
{
#if defined(__GNUC__) || defined(__clang__)
    guint64 sum = 0;

    for (guint64 i = first; i < last; i++) {
        sum += i * i;
        /* An empty asm that "may change" sum: the compiler must keep every
         * step, so it can neither use the closed formula (clang would) nor
         * vectorize the loop.  It costs no instruction. */
        __asm__ volatile ("" : "+r" (sum));
    }
    return sum;
#else
    volatile guint64 sum = 0;   /* the same effect, with a store per step */

    for (guint64 i = first; i < last; i++)
        sum += i * i;
    return sum;
#endif
}

guint64
cp_bench_cpu_expected(guint64 n)
{
    /* (n-1) n (2n-1) / 6 mod 2^64: divide the factors exactly first (one
     * of n-1, n is even; one of the three is a multiple of 3), then let the
     * products wrap as the sum does. */
    guint64 a = n - 1, b = n, c = 2 * n - 1;

    if (n == 0)
        return 0;
    if (a % 2 == 0)
        a /= 2;
    else
        b /= 2;
    if (a % 3 == 0)
        a /= 3;
    else if (b % 3 == 0)
        b /= 3;
    else
        c /= 3;
    return a * b * c;
}

void
cp_bench_chunk(guint64 n, int workers, int k, guint64 *first, guint64 *last)
{
    *first = n * (guint64) k / (guint64) workers;
    *last = n * (guint64) (k + 1) / (guint64) workers;
}

CpBenchSlot *
cp_bench_slots_new(int n)
{
    void *slots;
    int s = posix_memalign(&slots, CP_BENCH_CACHE_LINE, (size_t) MAX(n, 1) * sizeof(CpBenchSlot));

    if (s != 0)
        cp_die_en(s, "posix_memalign");
    memset(slots, 0, (size_t) MAX(n, 1) * sizeof(CpBenchSlot));
    return slots;
}

void
cp_bench_slots_free(CpBenchSlot *slots)
{
    free(slots);
}
