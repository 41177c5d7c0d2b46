/* as_completed.c: asyncio.as_completed() on GLib's main loop: take each
 * result as soon as its task ends, fastest first.
 *
 * Ports lesson 002 §4 "Async with asyncio.as_completed".  Three simulated
 * fetches, each an asyncio.sleep of a random 0.5..2 s, start at once in a
 * cp_loop group.  cp_loop_next_async() is one step of the lesson's
 * `for coro in asyncio.as_completed(tasks)`: it completes when a task has
 * ended that no earlier step returned, and gives that task's index.  The
 * loop below awaits one step at a time and prints the result it gets.
 *
 * Usage:   as_completed [--seed=N] [--time-scale=F]
 *
 * Look for: the "Completed:" lines come in the order the fetches end,
 * shortest "Fetch times" first, not in the order they were started (api1,
 * api2, api3); each is printed when its fetch ends, and the whole run
 * takes the longest fetch's time.  "As completed results: [...]" lists
 * them in that same order.  The times are random; --seed=N repeats a run.
 *
 * See also: async/gather.c (results in submission order instead),
 * async/wait_tasks.c, async/timeout.c.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "conpar.h"

#define N_TASKS 3

typedef struct {
    const char *url;
    double seconds;   /* the simulated fetch's duration */
} Fetch;

/* The rest of fetch_data(), after its await: runs when the timer fires. */
static void
fetch_slept(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    const Fetch *fetch = g_task_get_task_data(task);
    GError *error = NULL;

    (void) source;
    if (cp_loop_sleep_finish(result, &error))
        g_task_return_pointer(task, g_strdup_printf("Data from %s", fetch->url), g_free);
    else
        g_task_return_error(task, error);
    g_object_unref(task);
}

/* async def fetch_data(url): await asyncio.sleep(...); return "Data from url" */
static void
fetch_data_async(gpointer arg, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
    Fetch *fetch = arg;
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);

    g_task_set_task_data(task, fetch, NULL);
    cp_loop_sleep_async(fetch->seconds, cancellable, fetch_slept, task);
}

/* Each fetch's time, before it starts: what the order of the output
 * depends on. */
static void
print_fetch_times(const Fetch *fetches, int n, const char *suffix)
{
    printf("Fetch times:");
    for (int i = 0; i < n; i++)
        printf("%s %s %.2f s", i > 0 ? "," : "", fetches[i].url, fetches[i].seconds);
    printf("%s\n", suffix);
}

int
main(int argc, char *argv[])
{
    Fetch fetches[N_TASKS] = { { "http://api1.com", 0 }, { "http://api2.com", 0 },
                               { "http://api3.com", 0 } };
    char *seed_text = NULL, *results[N_TASKS], *list;
    guint n_results = 0;
    GOptionEntry entries[] = {
        { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
          "Seed for the random fetch times, 0..4294967295 (default: a new one each run)", "N" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, "",
                     "Print each task's result as soon as it ends, in the order they end.",
                     entries, NULL);
    if (argc > 1)
        cp_options_fail("unexpected argument '%s'", argv[1]);
    GRand *rng = seed_text
        ? g_rand_new_with_seed((guint32) cp_options_parse_int(seed_text, 0, G_MAXUINT32, "--seed"))
        : g_rand_new();
    g_free(seed_text);
    for (int i = 0; i < N_TASKS; i++)   /* random.uniform(0.5, 2.0), to 0.01 s */
        fetches[i].seconds = g_rand_int_range(rng, 50, 201) / 100.0;
    g_rand_free(rng);

    printf("Async with asyncio.as_completed:\n");
    print_fetch_times(fetches, N_TASKS, "");
    CpLoopGroup *tasks = cp_loop_group_new(g_free);
    for (int i = 0; i < N_TASKS; i++)
        cp_loop_group_start(tasks, fetch_data_async, &fetches[i]);   /* asyncio.create_task() */

    for (;;) {   /* for coro in asyncio.as_completed(tasks): */
        GAsyncResult *result = NULL;
        GError *error = NULL;

        cp_loop_next_async(tasks, NULL, cp_loop_store_result, &result);
        cp_loop_run_until(&result);   /* result = await coro */
        gint index = cp_loop_next_finish(result, &error);
        g_object_unref(result);
        if (index < 0 && error == NULL)
            break;   /* every task has been returned */
        if (index < 0 || cp_loop_group_state(tasks, (guint) index) != CP_LOOP_DONE) {
            fprintf(stderr, "as_completed: %s\n",
                    error ? error->message : cp_loop_group_error(tasks, (guint) index)->message);
            return EXIT_FAILURE;
        }
        results[n_results++] = cp_loop_group_value(tasks, (guint) index);
        printf("Completed: %s\n", results[n_results - 1]);
        fflush(stdout);   /* now, as it completes, even into a pipe */
    }

    list = cp_format_str_list((const char *const *) results, n_results);
    printf("As completed results: %s\n", list);
    g_free(list);
    cp_loop_group_unref(tasks);
    return n_results == N_TASKS ? EXIT_SUCCESS : EXIT_FAILURE;
}
