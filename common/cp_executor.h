/* SPDX-License-Identifier: 0BSD */
/* cp_executor.h: a thread pool with futures, the C shape of
 * concurrent.futures.ThreadPoolExecutor.
 *
 *     CpExecutor *ex = cp_executor_new(3);
 *     CpFuture *f = cp_executor_submit(ex, square, GINT_TO_POINTER(5));
 *     int r = GPOINTER_TO_INT(cp_future_result(f));   // waits
 *     cp_future_free(f);
 *     cp_executor_free(ex);                             // like shutdown(wait=True)
 *
 * Tasks have the shape of a pthread start routine: void *fn(void *arg).
 * Workers are pthreads taking tasks from an unbounded cp_queue, in
 * submission order.
 */
#ifndef CP_EXECUTOR_H
#define CP_EXECUTOR_H

#include <glib.h>

typedef struct CpExecutor CpExecutor;
typedef struct CpFuture CpFuture;

typedef void *(*CpTaskFunc)(void *arg);

/* Start `workers` (>= 1) threads. */
CpExecutor *cp_executor_new(guint workers);

/* Queue fn(arg); the future holds its result once it has run. */
CpFuture *cp_executor_submit(CpExecutor *ex, CpTaskFunc fn, void *arg);

/* Wait for the task and return what fn returned. */
void *cp_future_result(CpFuture *future);

/* TRUE once the task has run (does not wait). */
gboolean cp_future_done(CpFuture *future);

/* Release the caller's hold on the future (the task may still be running). */
void cp_future_free(CpFuture *future);

/* results[i] = fn(args[i]) for i < n, run on the pool; returns when all are
 * done, results in input order. */
void cp_executor_map(CpExecutor *ex, CpTaskFunc fn, void *const *args,
                     void **results, gsize n);

/* Run every task already submitted, then stop and join the workers and free
 * the executor (shutdown(wait=True)). */
void cp_executor_free(CpExecutor *ex);

#endif
