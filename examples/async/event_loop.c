/* SPDX-License-Identifier: 0BSD */
/* event_loop.c: an event loop built on the page: a ready queue of
 * callbacks, a binary heap of timers, and poll() to sleep until the next
 * deadline.  It runs lesson 001's greet and a gather on it.
 *
 * Ports lesson 001 "Concurrency Example using asyncio" (async def greet:
 * "Hello", await asyncio.sleep(1), "Goodbye", three greetings gathered)
 * and a gather of three waits of 1, 2 and 1.5 seconds, each returning its
 * length: Python's asyncio.gather(work(1), work(2), work(1.5)).  Both run
 * at once on the one loop, in one thread.
 *
 * The loop is three things:
 *   - a ready queue: callbacks to run now, first in, first out
 *     (asyncio's loop.call_soon);
 *   - a binary heap of timers, the earliest deadline on top (call_later):
 *     adding one and taking the earliest cost O(log n);
 *   - poll(): with nothing ready, sleep until the top timer is due.
 * One turn runs every callback that was ready when the turn began, then
 * sleeps if nothing is ready, then moves the due timers to the ready
 * queue.  The loop ends when both are empty: nothing is left to run.
 *
 * A coroutine is a struct (its local variables) plus one function per
 * step: the code between two awaits.  "await sleep(1)" is: schedule the
 * next step as a timer, and return to the loop.  Nothing blocks; while
 * one coroutine waits, the loop runs the others.
 *
 * cp_loop and GLib's GMainLoop are this plus file descriptors (the array
 * that poll() is given here empty: sockets and pipes become ready too),
 * cancellation, and results that carry errors.  They are used by the
 * other async/ programs; this one calls neither.
 *
 * Usage:   event_loop [-v] [--time-scale=F]
 *
 * Look for: the three Hellos, then, one second later, the three Goodbyes;
 * "Results: [1, 2, 1.5]" in the order the waits were started, though the
 * 1.5 s wait ends before the 2 s one.  The whole run takes the longest
 * wait, 2 s, not the sum of the six waits (7.5 s): -v says how long it
 * took (in lesson seconds) and how often the loop ran callbacks, fired
 * timers and slept in poll().  The program checks that every greeting
 * ended, that each result is in its own slot and that no step woke before
 * its sleep was over, and exits 1 if anything is wrong.  --trace=FILE shows
 * the one thread's time: short callbacks between long sleeps in poll().
 *
 * See also: async/greet.c and async/gather.c (the same on GLib's loop,
 * through cp_loop), async/factorial_async.c (coroutines as structs).
 *
 * Build alone: cc -std=c11 event_loop.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"
#include "cp_trace.h"

/* ---- The loop.  One thread uses all of it: no lock anywhere. ---- */

typedef void (*Callback)(void *self);

typedef struct {
    Callback step;
    void *self;
} Call;

typedef struct {
    double when;         /* cp_time_now() at which it is due */
    unsigned long seq;   /* order of scheduling: equal deadlines run FIFO */
    Call call;
} Timer;

static Call *ready;          /* ring buffer of ready callbacks */
static size_t ready_head, ready_len, ready_cap;
static Timer *heap;          /* heap[0] is the earliest; heap[i]'s children
                                are heap[2i+1] and heap[2i+2] */
static size_t heap_len, heap_cap;
static unsigned long timers_scheduled;
static unsigned long n_callbacks, n_timers_fired, n_polls;   /* -v */

static void *
grow(void *array, size_t *cap, size_t size)
{
    *cap = *cap ? 2 * *cap : 16;
    array = realloc(array, *cap * size);
    if (array == NULL)
        cp_die_errno("realloc");
    return array;
}

/* loop.call_soon(step, self) */
static void
call_soon(Callback step, void *self)
{
    if (ready_len == ready_cap) {   /* full: unroll the ring into a bigger one */
        size_t old_cap = ready_cap;

        ready = grow(ready, &ready_cap, sizeof *ready);
        for (size_t i = 0; i < ready_head; i++)   /* the wrapped part */
            ready[old_cap + i] = ready[i];
    }
    ready[(ready_head + ready_len) % ready_cap] = (Call) { step, self };
    ready_len++;
}

static Call
pop_ready(void)
{
    Call call = ready[ready_head];

    ready_head = (ready_head + 1) % ready_cap;
    ready_len--;
    return call;
}

static int
timer_before(const Timer *a, const Timer *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void
swap(size_t i, size_t j)
{
    Timer t = heap[i];

    heap[i] = heap[j];
    heap[j] = t;
}

/* loop.call_later(seconds, step, self): seconds of lesson time. */
static void
call_later(double seconds, Callback step, void *self)
{
    size_t i = heap_len++;

    if (heap_len > heap_cap)
        heap = grow(heap, &heap_cap, sizeof *heap);
    heap[i] = (Timer) { cp_time_now() + cp_time_scaled(seconds), timers_scheduled++,
                        { step, self } };
    while (i > 0 && timer_before(&heap[i], &heap[(i - 1) / 2])) {   /* sift up */
        swap(i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static Timer
pop_timer(void)
{
    Timer top = heap[0];
    size_t i = 0;

    heap[0] = heap[--heap_len];
    for (;;) {   /* sift down: swap with the earlier child until in place */
        size_t first = i, left = 2 * i + 1, right = 2 * i + 2;

        if (left < heap_len && timer_before(&heap[left], &heap[first]))
            first = left;
        if (right < heap_len && timer_before(&heap[right], &heap[first]))
            first = right;
        if (first == i)
            return top;
        swap(i, first);
        i = first;
    }
}

/* asyncio.run(): turn until nothing is ready and no timer is left. */
static void
run_loop(void)
{
    while (ready_len > 0 || heap_len > 0) {
        /* 1. Run what is ready now; what they schedule waits for the next turn. */
        for (size_t n = ready_len; n > 0; n--) {
            Call call = pop_ready();

            n_callbacks++;
            double start = cp_trace_now();
            call.step(call.self);
            cp_trace_span("callback", "step", start);   /* --trace: one coroutine step */
        }
        /* 2. Nothing ready: sleep in poll() until the earliest deadline. */
        if (ready_len == 0 && heap_len > 0) {
            double left = heap[0].when - cp_time_now();

            if (left > 0) {
                /* Round up: waking a millisecond early would only turn again. */
                int ms = (int) (left * 1000) + 1;

                n_polls++;
                double start = cp_trace_now();
                if (poll(NULL, 0, ms) == -1 && errno != EINTR)
                    cp_die_errno("poll");
                cp_trace_span("sleep", "poll", start);   /* --trace: the loop's idle time */
            }
        }
        /* 3. Every timer now due becomes ready, earliest first. */
        double now = cp_time_now();

        while (heap_len > 0 && heap[0].when <= now) {
            Timer t = pop_timer();

            n_timers_fired++;
            call_soon(t.call.step, t.call.self);
        }
    }
}

/* ---- Gather: a counter of children; the last one to end wakes the parent. ---- */

typedef struct {
    int pending;      /* children not yet done */
    Callback then;    /* the parent's next step */
    void *parent;
} Gather;

static void
gather_child_done(Gather *g)
{
    if (--g->pending == 0)
        call_soon(g->then, g->parent);
}

/* ---- Coroutines: a struct plus one function per step. ---- */

/* async def greet(name):
 *     print(f"Hello, {name}!")
 *     await asyncio.sleep(1)
 *     print(f"Goodbye, {name}!")          */
typedef struct {
    const char *name;
    double slept_at;  /* cp_time_now() when it began to sleep */
    Gather *gather;   /* who awaits it */
} Greet;

static int n_goodbyes;
static int n_early;   /* steps that woke before their sleep was over */

static void
check_slept(double slept_at, double seconds)
{
    if (cp_time_since(slept_at) < cp_time_scaled(seconds))
        n_early++;
}

static void
greet_after_sleep(void *self)
{
    Greet *g = self;

    check_slept(g->slept_at, 1.0);
    printf("Goodbye, %s!\n", g->name);
    n_goodbyes++;
    gather_child_done(g->gather);
}

static void
greet_start(void *self)
{
    Greet *g = self;

    printf("Hello, %s!\n", g->name);
    g->slept_at = cp_time_now();
    call_later(1.0, greet_after_sleep, g);   /* await asyncio.sleep(1) */
}

/* async def work(seconds):
 *     await asyncio.sleep(seconds)
 *     return seconds                      */
typedef struct {
    double seconds;
    double slept_at;
    double result;
    int done;
    Gather *gather;
} Work;

static void
work_after_sleep(void *self)
{
    Work *w = self;

    check_slept(w->slept_at, w->seconds);
    w->result = w->seconds;   /* return seconds */
    w->done = 1;
    gather_child_done(w->gather);
}

static void
work_start(void *self)
{
    Work *w = self;

    w->slept_at = cp_time_now();
    call_later(w->seconds, work_after_sleep, w);   /* await asyncio.sleep(seconds) */
}

/* async def main(): both gathers; each parent's step after its gather. */
#define N_GREETS 3
#define N_WORKS 3

static Greet greets[N_GREETS] = { { .name = "Alice" }, { .name = "Bob" }, { .name = "Charlie" } };
static Work works[N_WORKS] = { { .seconds = 1 }, { .seconds = 2 }, { .seconds = 1.5 } };
static Gather greet_gather = { N_GREETS, NULL, NULL };
static Gather work_gather = { N_WORKS, NULL, NULL };
static int greets_gathered, results_in_order;

static void
main_after_greets(void *self)
{
    (void) self;
    greets_gathered = 1;
}

/* results = await asyncio.gather(work(1), work(2), work(1.5)); print them */
static void
main_after_works(void *self)
{
    (void) self;
    results_in_order = 1;
    printf("Results: [");
    for (int i = 0; i < N_WORKS; i++) {
        printf("%s%g", i ? ", " : "", works[i].result);
        /* slot i holds work i's result, whichever ended first */
        results_in_order = results_in_order && works[i].done
                           && works[i].result == works[i].seconds;
    }
    printf("]\n");
}

static void
main_start(void *self)
{
    (void) self;
    greet_gather.then = main_after_greets;
    for (int i = 0; i < N_GREETS; i++) {
        greets[i].gather = &greet_gather;
        call_soon(greet_start, &greets[i]);   /* a task: starts on the next turn */
    }
    work_gather.then = main_after_works;
    for (int i = 0; i < N_WORKS; i++) {
        works[i].gather = &work_gather;
        call_soon(work_start, &works[i]);
    }
}

int
main(int argc, char *argv[])
{
    gboolean verbose = FALSE;
    double start, longest = 0, sum = N_GREETS * 1.0;

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "An event loop written out: a ready queue, a timer heap and poll(), "
                   "running greet and a gather.",
        .waits = TRUE,
        .verbose = &verbose,
    });
    for (int i = 0; i < N_WORKS; i++) {
        longest = MAX(longest, works[i].seconds);
        sum += works[i].seconds;
    }

    if (verbose)
        cp_time_print_scale_note();   /* the "Took" line is in lesson seconds */
    start = cp_time_now();
    call_soon(main_start, NULL);
    run_loop();

    if (verbose) {
        printf("Took %.2f s: the longest wait (%g s), not the sum of all %d waits (%g s)\n",
               cp_time_since_unscaled(start), longest, N_GREETS + N_WORKS, sum);
        printf("Loop: %lu callbacks run, %lu timers fired, %lu sleeps in poll()\n",
               n_callbacks, n_timers_fired, n_polls);
    }
    free(ready);
    free(heap);

    if (n_early > 0) {
        fprintf(stderr, "event_loop: %d steps woke before their deadline\n", n_early);
        return EXIT_FAILURE;
    }
    if (!greets_gathered || n_goodbyes != N_GREETS) {
        fprintf(stderr, "event_loop: %d of %d greetings ended\n", n_goodbyes, N_GREETS);
        return EXIT_FAILURE;
    }
    if (!results_in_order) {
        fprintf(stderr, "event_loop: results are not in submission order\n");
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
