/* SPDX-License-Identifier: 0BSD */
/* cp_executor.c: a ThreadPoolExecutor in C: pthread workers take futures
 * from an unbounded cp_queue, run them and wake whoever waits on each. */
#define _POSIX_C_SOURCE 200809L

#include "cp_executor.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "cp_die.h"
#include "cp_queue.h"
#include "cp_trace.h"

struct CpFuture {
    pthread_mutex_t lock;      /* protects result, done and refs */
    pthread_cond_t finished;   /* done became TRUE */
    CpTaskFunc fn;             /* set before the future is queued, then only read */
    void *arg;                 /* likewise */
    void *result;              /* protected by lock */
    gboolean done;             /* protected by lock */
    int refs;                  /* protected by lock: 2 (caller, worker), then 1, then 0 */
};

struct CpExecutor {
    CpQueue *tasks;            /* of CpFuture *; the queue has its own lock */
    pthread_t *threads;        /* used only by the thread that creates and frees */
    guint n_threads;           /* likewise */
    atomic_uint named;         /* (atomic) workers that named themselves, for --trace */
};

static void
future_lock(CpFuture *f)
{
    int s = pthread_mutex_lock(&f->lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_lock");
}

static void
future_unlock(CpFuture *f)
{
    int s = pthread_mutex_unlock(&f->lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_unlock");
}

/* Drop one hold on the future.  The caller and the worker each hold one,
 * and either may let go first: whoever lets go last frees it. */
static void
future_release(CpFuture *f)
{
    gboolean last;
    int s;

    future_lock(f);
    f->refs--;
    last = (f->refs == 0);
    future_unlock(f);
    if (!last)
        return;
    s = pthread_cond_destroy(&f->finished);
    if (s != 0)
        cp_die_en(s, "pthread_cond_destroy");
    s = pthread_mutex_destroy(&f->lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_destroy");
    g_free(f);
}

static void *
worker(void *arg)
{
    CpExecutor *ex = arg;
    gpointer item;

    cp_trace_thread("Worker-%u", atomic_fetch_add(&ex->named, 1) + 1);
    /* After cp_executor_free() closes the queue, get() still hands out
     * every task submitted before, then says CLOSED. */
    while (cp_queue_get(ex->tasks, &item) == CP_QUEUE_OK) {
        CpFuture *f = item;
        double start = cp_trace_now();
        void *result = f->fn(f->arg);
        int s;

        cp_trace_span("task", "task", start);
        future_lock(f);
        f->result = result;
        f->done = TRUE;
        s = pthread_cond_broadcast(&f->finished);   /* any number may wait */
        if (s != 0)
            cp_die_en(s, "pthread_cond_broadcast");
        future_unlock(f);
        future_release(f);
    }
    return NULL;
}

CpExecutor *
cp_executor_new(guint workers)
{
    CpExecutor *ex;
    int s;

    g_return_val_if_fail(workers >= 1, NULL);
    ex = g_new0(CpExecutor, 1);
    ex->tasks = cp_queue_new(0);
    ex->threads = g_new(pthread_t, workers);
    ex->n_threads = workers;
    for (guint i = 0; i < workers; i++) {
        s = pthread_create(&ex->threads[i], NULL, worker, ex);
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    return ex;
}

CpFuture *
cp_executor_submit(CpExecutor *ex, CpTaskFunc fn, void *arg)
{
    CpFuture *f = g_new0(CpFuture, 1);
    int s;

    s = pthread_mutex_init(&f->lock, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_init");
    s = pthread_cond_init(&f->finished, NULL);
    if (s != 0)
        cp_die_en(s, "pthread_cond_init");
    f->fn = fn;
    f->arg = arg;
    f->refs = 2;
    /* The queue is unbounded and closed only by cp_executor_free(), so a
     * failed put means the executor is being freed: a bug in the caller. */
    if (cp_queue_put(ex->tasks, f) != CP_QUEUE_OK) {
        fprintf(stderr, "cp_executor_submit() on an executor being freed\n");
        abort();
    }
    return f;
}

void *
cp_future_result(CpFuture *f)
{
    void *result;
    double waited = 0;      /* when it began to wait, for --trace */
    int s;

    future_lock(f);
    while (!f->done) {
        if (waited == 0)
            waited = cp_trace_now();
        s = pthread_cond_wait(&f->finished, &f->lock);
        if (s != 0)
            cp_die_en(s, "pthread_cond_wait");
    }
    if (waited != 0)
        cp_trace_span("cond_wait", "future", waited);
    result = f->result;
    future_unlock(f);
    return result;
}

gboolean
cp_future_done(CpFuture *f)
{
    gboolean done;

    future_lock(f);
    done = f->done;
    future_unlock(f);
    return done;
}

void
cp_future_free(CpFuture *f)
{
    if (f != NULL)
        future_release(f);
}

void
cp_executor_map(CpExecutor *ex, CpTaskFunc fn, void *const *args,
                void **results, gsize n)
{
    CpFuture **futures = g_new(CpFuture *, n);

    /* Submit them all before waiting for any, or the pool would run one
     * task at a time. */
    for (gsize i = 0; i < n; i++)
        futures[i] = cp_executor_submit(ex, fn, args[i]);
    for (gsize i = 0; i < n; i++) {
        results[i] = cp_future_result(futures[i]);
        cp_future_free(futures[i]);
    }
    g_free(futures);
}

void
cp_executor_free(CpExecutor *ex)
{
    int s;

    if (ex == NULL)
        return;
    cp_queue_close(ex->tasks);
    for (guint i = 0; i < ex->n_threads; i++) {
        s = pthread_join(ex->threads[i], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    cp_queue_free(ex->tasks);
    g_free(ex->threads);
    g_free(ex);
}
