/* SPDX-License-Identifier: 0BSD */
/* cp_procpool.h: multiprocessing.Pool.map in C.
 *
 * cp_procpool_map() forks `workers` processes, hands them the inputs in
 * chunks over pipes (len / (4 x workers) inputs each, rounded up, as
 * Python's Pool.map does; cp_procpool_set_chunksize() overrides it), and
 * stores each result at its input's index, so the results keep the input
 * order whatever order the workers finish in.
 * Inputs and outputs are arrays of fixed-size elements, as for qsort():
 *
 *     static void fib(const void *in, void *out, void *data)
 *     { *(long *)out = fibonacci(*(const int *)in); }
 *     ...
 *     CpProcPool *pool = cp_procpool_new(3);
 *     if (!cp_procpool_map(pool, fib, numbers, sizeof numbers[0], 3,
 *                          results, sizeof results[0], NULL, &error))
 *         ...error->message names the input that was lost...
 *     cp_procpool_free(pool);
 *
 * The workers are forked by each map call, so they see the inputs and the
 * function as the parent had them.  A worker that dies (a crash, abort(),
 * a kill) makes map return FALSE with an error naming the input it was
 * working on and how it died, like Python's BrokenProcessPool, never a
 * hang.  Every worker is reaped before map returns.  Standard output is
 * flushed before forking, and workers flush theirs before they _exit().
 */
#ifndef CP_PROCPOOL_H
#define CP_PROCPOOL_H

#include <glib.h>

typedef struct CpProcPool CpProcPool;

/* Computes *output from *input, in a worker process. */
typedef void (*CpProcFunc)(const void *input, void *output, void *user_data);

#define CP_PROCPOOL_ERROR (cp_procpool_error_quark())
GQuark cp_procpool_error_quark(void);

typedef enum {
    CP_PROCPOOL_ERROR_WORKER_DIED, /* a worker died with an input in hand */
    CP_PROCPOOL_ERROR_SYSTEM       /* fork, pipe, read or write failed */
} CpProcPoolError;

/* workers >= 1. */
CpProcPool *cp_procpool_new(guint workers);

guint cp_procpool_get_workers(CpProcPool *pool);

/* Inputs handed to a worker at once; 0 (the default): len / (4 x workers),
 * rounded up.  1 hands out one input at a time. */
void cp_procpool_set_chunksize(CpProcPool *pool, gsize chunksize);

/* outputs[i] = fn(inputs[i]) for i < n, in at most `workers` processes at
 * once.  TRUE on success; FALSE with *error set otherwise (the outputs are
 * then incomplete). */
gboolean cp_procpool_map(CpProcPool *pool, CpProcFunc fn,
                         const void *inputs, gsize input_size, gsize n,
                         void *outputs, gsize output_size,
                         void *user_data, GError **error);

void cp_procpool_free(CpProcPool *pool);

#endif
