/* SPDX-License-Identifier: 0BSD */
/* greet.c: three greetings wait at the same time on one event loop.
 *
 * Ports lesson 001 "Concurrency Example using asyncio" (the default: async
 * def greet, asyncio.gather, asyncio.run) and lesson 003 "4. Asynchronous
 * Programming" (--lesson=003: task1 and task2, the same program with two
 * tasks and other words).  Each greeting prints "Hello", waits one second,
 * and prints "Goodbye"; lesson 003's tasks print "Task 1 is running" and,
 * one second later, "Task 1 is complete".  In C the coroutine becomes an
 * operation in GIO's async shape: greet_async() prints its first line,
 * starts a timer on the GMainLoop and returns at once; when the timer
 * fires, the loop calls greet_slept(), the part after the `await`, which
 * prints the second.  No thread is ever blocked, and there is only one
 * thread: while one greeting waits, the loop runs the others.  (Lesson
 * 003's cell ends with a top-level `await main()`, which runs only in
 * Jupyter; its commented-out asyncio.run(main()) version, which runs as a
 * script, prints the same 4 lines.)
 *
 * Usage:   greet [--lesson=001|003] [--sequential] [-v] [--time-scale=F] [NAME...]
 *          (default: Alice Bob Charlie; lesson 003: 1 2)
 *
 * Look for: the three Hellos, then, one second later, the three Goodbyes:
 * the whole run takes one wait, not three (-v prints how long it took, in
 * lesson seconds).  --sequential starts each greeting only when the one
 * before has ended (three `await greet(...)` instead of one gather):
 * Hello/Goodbye pairs, and three seconds.
 *
 * See also: async/async_tasks.c and async/gather.c, which collect results
 * with cp_loop's groups; threads/numbers_letters.c, the overlap with threads.
 *
 * Build alone: cc -std=c11 greet.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_loop.h"
#include "cp_options.h"
#include "cp_time.h"

/* Only the loop's one thread touches these: no lock. */
static GMainLoop *loop;
static char **names;
static int n_names, n_started, n_finished;
static gboolean sequential;
static gboolean lesson_003;   /* task1/task2's words instead of greet's */

static void greet_slept(GObject *source, GAsyncResult *result, gpointer user_data);

/* async def greet(name): say hello, then await a one-second sleep.
 * (Lesson 003: async def task1(): print "running", await, "complete".) */
static void
greet_async(const char *name, GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(NULL, NULL, callback, user_data);

    g_task_set_task_data(task, (gpointer) name, NULL);
    if (lesson_003)
        printf("Task %s is running\n", name);
    else
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
        const char *name = g_task_get_task_data(task);

        if (lesson_003)
            printf("Task %s is complete\n", name);
        else
            printf("Goodbye, %s!\n", name);
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
    static char *lesson_003_names[] = { "1", "2" };
    gboolean verbose = FALSE;
    const char *lesson;
    double start;
    GOptionEntry entries[] = {
        { "sequential", 's', 0, G_OPTION_ARG_NONE, &sequential,
          "Greet one after another (default: all at once, as the lesson's gather)", NULL },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "[NAME...]",
        .inputs_default = "Alice Bob Charlie (lesson 001's); 1 2 (lesson 003's)",
        .summary = "Greet everyone at once on one event loop: hello, wait 1 s, goodbye.",
        .entries = entries,
        .waits = TRUE,
        .verbose = &verbose,
        .lessons = "001 003", .lesson = &lesson,
    });
    lesson_003 = strcmp(lesson, "003") == 0;
    if (argc > 1) {
        names = argv + 1;
        n_names = argc - 1;
    } else if (lesson_003) {
        names = lesson_003_names;
        n_names = (int) G_N_ELEMENTS(lesson_003_names);
    } else {
        names = lesson_names;
        n_names = (int) G_N_ELEMENTS(lesson_names);
    }
    for (int i = 0; i < n_names; i++)
        if (names[i][0] == '\0')
            cp_options_fail("name '' is empty");

    if (verbose)
        cp_time_print_scale_note();   /* the "Took" line is in lesson seconds */
    start = cp_time_now();
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
    if (verbose) {
        if (sequential)
            printf("Took %.2f s: the %d one-second waits ran one after another\n",
                   cp_time_since_unscaled(start), n_names);
        else
            printf("Took %.2f s: the %d one-second waits overlapped (one after another: %d s)\n",
                   cp_time_since_unscaled(start), n_names, n_names);
    }
    return EXIT_SUCCESS;
}
