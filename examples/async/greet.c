/* SPDX-License-Identifier: 0BSD */
/* greet.c: three greetings wait at the same time on one event loop.
 *
 * Ports lesson 001 "Concurrency Example using asyncio" (async def greet,
 * asyncio.gather, asyncio.run); lesson 003's task1/task2 is the same
 * program with two tasks.  Each greeting prints "Hello", waits one second,
 * and prints "Goodbye".  In C the coroutine becomes an operation in GIO's
 * async shape: greet_async() prints Hello, starts a timer on the GMainLoop
 * and returns at once; when the timer fires, the loop calls greet_slept(),
 * the part after the `await`, which prints Goodbye.  No thread is ever
 * blocked, and there is only one thread: while one greeting waits, the
 * loop runs the others.
 *
 * Usage:   greet [--sequential] [--time-scale=F] [NAME...]
 *          (default: Alice Bob Charlie)
 *
 * Look for: the three Hellos, then, one second later, the three Goodbyes:
 * the whole run takes one wait, not three.  --sequential starts each
 * greeting only when the one before has ended (three `await greet(...)`
 * instead of one gather): Hello/Goodbye pairs, and three seconds.
 *
 * See also: async/async_tasks.c and async/gather.c, which collect results
 * with cp_loop's groups; threads/numbers_letters.c, the overlap with threads.
 *
 * Build alone: cc -std=c11 greet.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>

#include "cp_loop.h"
#include "cp_options.h"

/* Only the loop's one thread touches these: no lock. */
static GMainLoop *loop;
static char **names;
static int n_names, n_started, n_finished;
static gboolean sequential;

static void greet_slept(GObject *source, GAsyncResult *result, gpointer user_data);

/* async def greet(name): say hello, then await a one-second sleep. */
static void
greet_async(const char *name, GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(NULL, NULL, callback, user_data);

    g_task_set_task_data(task, (gpointer) name, NULL);
    printf("Hello, %s!\n", name);
    /* await asyncio.sleep(1): start a timer, give the loop back. */
    cp_loop_sleep_async(1.0, NULL, greet_slept, task);
}

/* The rest of greet(), run by the loop when the timer fires. */
static void
greet_slept(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    GError *error = NULL;

    (void) source;
    if (cp_loop_sleep_finish(result, &error)) {
        printf("Goodbye, %s!\n", (const char *) g_task_get_task_data(task));
        g_task_return_boolean(task, TRUE);
    } else {
        g_task_return_error(task, error);
    }
    g_object_unref(task);
}

static gboolean
greet_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* asyncio.gather(), by hand: count the greetings that have ended; the last
 * one stops the loop.  Sequential: each one starts the next. */
static void
greet_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GError *error = NULL;

    (void) source;
    (void) user_data;
    if (!greet_finish(result, &error)) {
        fprintf(stderr, "greet: %s\n", error->message);
        exit(EXIT_FAILURE);
    }
    n_finished++;
    if (n_started < n_names)
        greet_async(names[n_started++], greet_done, NULL);
    else if (n_finished == n_names)
        g_main_loop_quit(loop);
}

int
main(int argc, char *argv[])
{
    static char *lesson_names[] = { "Alice", "Bob", "Charlie" };
    GOptionEntry entries[] = {
        { "sequential", 's', 0, G_OPTION_ARG_NONE, &sequential,
          "Greet one after another instead of all at once", NULL },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "[NAME...]",
        .inputs_default = "Alice Bob Charlie (the lesson's)",
        .summary = "Greet everyone at once on one event loop: hello, wait 1 s, goodbye.",
        .entries = entries,
        .waits = TRUE,
    });
    names = argc > 1 ? argv + 1 : lesson_names;
    n_names = argc > 1 ? argc - 1 : (int) G_N_ELEMENTS(lesson_names);
    for (int i = 0; i < n_names; i++)
        if (names[i][0] == '\0')
            cp_options_fail("name '' is empty");

    loop = g_main_loop_new(NULL, FALSE);
    /* Start every greeting now: none waits for another.  Sequential: the
     * first only; greet_done() starts the next. */
    do
        greet_async(names[n_started++], greet_done, NULL);
    while (!sequential && n_started < n_names);
    /* asyncio.run(): serve the timers until greet_done() quits. */
    g_main_loop_run(loop);
    g_main_loop_unref(loop);

    if (n_finished != n_names) {
        fprintf(stderr, "greet: %d of %d greetings ended\n", n_finished, n_names);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
