/* SPDX-License-Identifier: 0BSD */
/* factorial_async.c: a factorial that lets the event loop run, and one that
 * freezes it.
 *
 * Ports lesson 001 "Difference between function with async and without
 * async", whose three cells compute factorial(5): (1) a plain loop, the
 * synchronous cell (--sync); (2) the non-blocking factorial_async(n), the
 * asynchronous cell (the default), which awaits asyncio.sleep(0.1) after
 * each multiplication: here each step ends by starting a timer on the
 * GMainLoop and returning, and the loop calls the next step when it fires;
 * (3) the blocking version, which sleeps 0.1 s after each step with
 * time.sleep() (the lesson defines it and prints nothing): here cp_sleep(),
 * called from inside a loop callback, so the loop cannot run anything until
 * the whole factorial is done.  Cells (1) and (2) print one line each,
 * "The factorial of 5 is 120", and so does this program, in either mode.
 *
 * -v acts the difference out: a ticker on the same loop prints "tick N"
 * every 0.05 s during (2), and then (3) runs, ticker armed, under titles
 * numbered as the three cells.  With --sync, -v adds the title of (1).
 *
 * Usage:   factorial_async [--sync] [-v] [--time-scale=F] [N]
 *          (default: N = 5; N <= 20)
 *
 * Look for: the asynchronous cell's line comes after 5 steps of 0.1 s, the
 * synchronous one's at once.  With -v: ticks between the steps of the
 * non-blocking factorial (about two per step), and none at all during the
 * blocking one, although it takes just as long: a function that blocks
 * holds the whole event loop.  The program checks its result, and with -v
 * both tick counts.
 *
 * See also: async/greet.c; threads/factorial_threads.c.
 *
 * Build alone: cc -std=c11 factorial_async.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cp_loop.h"
#include "cp_options.h"
#include "cp_time.h"

#define MAX_N 20     /* 20! is the largest factorial in 64 bits */
#define STEP 0.1     /* the lesson's sleep after each multiplication */
#define TICK 0.05    /* the ticker's period */

/* Only the loop's one thread touches these: no lock. */
static GMainLoop *loop;
static gboolean verbose;   /* -v: the ticker, and part (3) */
static guint ticks;    /* ticks since the last reset */
static guint ticker;   /* the ticker's source id */

/* (1) The lesson's synchronous factorial. */
static uint64_t
factorial(int n)
{
    uint64_t result = 1;

    for (int i = 1; i <= n; i++)
        result *= (uint64_t) i;
    return result;
}

/* (3) Blocking: the sleep holds the thread, and with it the loop. */
static uint64_t
factorial_blocking(int n)
{
    uint64_t result = 1;

    for (int i = 1; i <= n; i++) {
        result *= (uint64_t) i;
        cp_sleep(STEP);   /* time.sleep(0.1) */
    }
    return result;
}

/* (2) Non-blocking: the state of the loop `for i in 1..n` lives in the
 * task, because each step returns to the event loop. */
typedef struct {
    int n, i;
    uint64_t result;
} Factorial;

static void factorial_step(GTask *task);

static void
factorial_slept(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    GError *error = NULL;

    (void) source;
    if (!cp_loop_sleep_finish(result, &error)) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    factorial_step(task);
}

static void
factorial_step(GTask *task)
{
    Factorial *f = g_task_get_task_data(task);

    if (f->i > f->n) {
        g_task_return_boolean(task, TRUE);
        g_object_unref(task);
        return;
    }
    f->result *= (uint64_t) f->i++;
    /* await asyncio.sleep(0.1): back to the loop until the timer fires. */
    cp_loop_sleep_async(STEP, NULL, factorial_slept, task);
}

static void
factorial_async(int n, GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(NULL, NULL, callback, user_data);
    Factorial *f = g_new(Factorial, 1);

    *f = (Factorial) { .n = n, .i = 1, .result = 1 };
    g_task_set_task_data(task, f, g_free);
    factorial_step(task);
}

static uint64_t
factorial_finish(GAsyncResult *result, GError **error)
{
    if (!g_task_propagate_boolean(G_TASK(result), error))
        return 0;
    return ((Factorial *) g_task_get_task_data(G_TASK(result)))->result;
}

static gboolean
tick(gpointer user_data)
{
    (void) user_data;
    printf("tick %u\n", ++ticks);
    return G_SOURCE_CONTINUE;
}

static void
factorial_async_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    int n = GPOINTER_TO_INT(user_data);
    GError *error = NULL;
    uint64_t value = factorial_finish(result, &error), blocked;
    guint ticks_async, ticks_blocking;

    (void) source;
    if (error != NULL) {
        fprintf(stderr, "factorial_async: %s\n", error->message);
        exit(EXIT_FAILURE);
    }
    printf("The factorial of %d is %" PRIu64 "\n", n, value);
    if (value != factorial(n)) {
        fprintf(stderr, "factorial_async: wrong result\n");
        exit(EXIT_FAILURE);
    }
    if (!verbose) {
        g_main_loop_quit(loop);
        return;
    }
    ticks_async = ticks;
    printf("Ticks during the non-blocking factorial: %u\n", ticks_async);

    /* (3) runs here, inside a callback of the same loop, ticker armed. */
    printf("3. Blocking factorial (a sleep after each step holds the loop):\n");
    ticks = 0;
    blocked = factorial_blocking(n);
    printf("The factorial of %d is %" PRIu64 "\n", n, blocked);
    ticks_blocking = ticks;
    printf("Ticks during the blocking factorial: %u\n", ticks_blocking);
    /* Stop the ticker before it gets the loop back: its overdue tick
     * would come now, after the blocking call, not during it. */
    g_source_remove(ticker);

    if (blocked != factorial(n) || (n > 0 && ticks_async == 0) || ticks_blocking != 0) {
        fprintf(stderr, "factorial_async: wrong result or tick count\n");
        exit(EXIT_FAILURE);
    }
    g_main_loop_quit(loop);
}

int
main(int argc, char *argv[])
{
    int n = 5;
    gboolean synchronous = FALSE;
    GOptionEntry entries[] = {
        { "sync", 0, 0, G_OPTION_ARG_NONE, &synchronous,
          "Run the lesson's synchronous cell (default: its asynchronous cell)", NULL },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "[N]",
        .inputs_default = "5 (the lesson's)",
        .summary = "Compute N! on an event loop, step by step (--sync: in one plain loop).",
        .entries = entries,
        .waits = TRUE,
        .verbose = &verbose,
    });
    if (argc > 2)
        cp_options_fail("unexpected argument '%s'", argv[2]);
    if (argc == 2)
        n = (int) cp_options_parse_int_full(argv[1], 0, MAX_N, "N",
                                          "21! does not fit in 64 bits");

    if (synchronous) {   /* (1) */
        if (verbose)
            printf("1. Synchronous factorial:\n");
        printf("The factorial of %d is %" PRIu64 "\n", n, factorial(n));
        return EXIT_SUCCESS;
    }

    /* (2): asyncio.run(main()) */
    loop = g_main_loop_new(NULL, FALSE);
    if (verbose) {
        printf("2. Non-blocking factorial (the loop runs between steps):\n");
        ticker = g_timeout_add(cp_loop_scaled_ms(TICK), tick, NULL);
    }
    factorial_async(n, factorial_async_done, GINT_TO_POINTER(n));
    g_main_loop_run(loop);   /* until factorial_async_done() quits it */
    g_main_loop_unref(loop);
    return EXIT_SUCCESS;
}
