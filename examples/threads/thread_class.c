/* SPDX-License-Identifier: 0BSD */
/* thread_class.c: the C shape of subclassing threading.Thread.
 *
 * Ports lesson 004 "thread with class" (class MyThread(threading.Thread)
 * with a name and a run() method).  C has no classes, so the "object" is a
 * struct holding the name and a pointer to the run function, next to the
 * pthread_t that runs it.  Two small functions play Thread.start() and
 * Thread.join(): worker_start() hands the struct itself to
 * pthread_create(), and a one-line trampoline calls the struct's run().
 * A "subclass" is just another run function.
 *
 * Usage:   thread_class [--time-scale=F]
 *
 * Look for: "Worker-1 starting" and "Worker-2 starting" at once, then,
 * one second later, the two "finished" lines.  Each worker starts before it
 * finishes; the two workers' lines may come in either order.
 *
 * See also: threads/numbers_letters.c (threads from plain functions),
 * threads/worker_threads.c.
 *
 * Build alone: cc -std=c11 thread_class.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"
#include "cp_trace.h"

/* The "class": what threading.Thread holds, plus the overridden run(). */
typedef struct Worker Worker;
struct Worker {
    const char *name;
    void (*run)(Worker *self);
    pthread_t thread;   /* set by worker_start() */
};

/* pthread_create() calls a void *(*)(void *); that calls self->run(self). */
static void *
worker_trampoline(void *arg)
{
    Worker *self = arg;

    cp_trace_thread("%s", self->name);   /* --trace: this thread's row */
    self->run(self);
    return NULL;
}

/* Thread.start(): the struct must live until worker_join() returns. */
static void
worker_start(Worker *self)
{
    int s = pthread_create(&self->thread, NULL, worker_trampoline, self);

    if (s != 0)
        cp_die_en(s, "pthread_create");
}

/* Thread.join() */
static void
worker_join(Worker *self)
{
    int s = pthread_join(self->thread, NULL);

    if (s != 0)
        cp_die_en(s, "pthread_join");
}

/* MyThread.run(): only reads the worker's own struct, so needs no lock. */
static void
my_thread_run(Worker *self)
{
    printf("%s starting\n", self->name);
    cp_sleep(1);
    printf("%s finished\n", self->name);
}

int
main(int argc, char *argv[])
{
    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Threads as objects: a struct with a name and a run function.",
        .waits = TRUE,
    });

    /* t1 = MyThread("Worker-1") */
    Worker t1 = { .name = "Worker-1", .run = my_thread_run };
    Worker t2 = { .name = "Worker-2", .run = my_thread_run };

    worker_start(&t1);
    worker_start(&t2);

    worker_join(&t1);
    worker_join(&t2);
    return 0;
}
