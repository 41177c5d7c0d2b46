/* SPDX-License-Identifier: 0BSD */
/* Every printing cell of the lessons, run as examples/LESSONS.md says.
 *
 * The test reads LESSONS.md's table, runs each row's command (at
 * CONPAR_TIME_SCALE=0.01), and checks its stdout against the lines the
 * lesson's cell prints, written here from the lessons themselves (not from
 * the C programs).  Every row needs lines here, and every entry here a row.
 *
 * A line is matched literally, or as a regular expression when it starts
 * with "~" (timings, PIDs, random values); "?" before it makes it optional
 * (a racy line the lesson may not print); "{N}" repeats it N times.  In a
 * cell marked ANY_ORDER the lines between two "--" may come in any order
 * (the lesson's own order is racy there); the groups keep their order.
 * At time scale 0.01 a one-second wait lasts 10 ms, less than a busy
 * machine may keep a new thread or process waiting: where the lesson's
 * waits order "starting" before "finished", only the lines that a join
 * orders (the last one) are kept apart here.
 */
#include <config.h>

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cp_test.h"

#define ORDERED FALSE
#define ANY_ORDER TRUE

typedef struct {
    const char *id;             /* the row's ID in LESSONS.md */
    const char *fast;           /* extra arguments that keep make check fast */
    gboolean any_order;
    const char *const *lines;   /* NULL-terminated */
} Cell;

#ifdef CP_SANITIZE_THREAD
/* The cells the ThreadSanitizer build leaves out, and why. */
static const char *const not_under_tsan[][2] = {
    { "001-6", "1.2 million lock operations take minutes under ThreadSanitizer "
               "(test_sync runs fewer)" },
    { "002b-b", "its race is the lesson: ThreadSanitizer reports it, as test_sync checks" },
};
#endif

#define LINES(...) ((const char *const[]) { __VA_ARGS__, NULL })

/* The lines each cell prints, from the lessons (see examples/LESSONS.md). */
static const Cell cells[] = {
    /* ---- 000 */
    { "000-1", NULL, ANY_ORDER,
      LINES("0", "1", "2", "3", "4", "A", "B", "C", "D", "E", "--",
            "Both threads have finished executing.") },
    { "000-2", NULL, ANY_ORDER,
      LINES("Factorial of 1 is 1", "Factorial of 2 is 2", "Factorial of 3 is 6",
            "Factorial of 4 is 24", "Factorial of 5 is 120", "Factorial of 6 is 720",
            "Factorial of 7 is 5040", "Factorial of 8 is 40320", "Factorial of 9 is 362880", "--",
            "All factorials have been calculated.") },
    { "000-3", NULL, ANY_ORDER,
      LINES("2", "4", "6", "8", "10", "1", "3", "5", "7", "9") },
    { "000-4", NULL, ORDERED, LINES("25", "49", "81") },
    { "000-5", NULL, ANY_ORDER,
      LINES("0", "1", "2", "3", "4", "A", "B", "C", "D", "E", "--",
            "Both processes have finished executing.") },
    { "000-6", NULL, ANY_ORDER,
      LINES("Factorial of 1 is 1", "Factorial of 2 is 2", "Factorial of 3 is 6",
            "Factorial of 4 is 24", "Factorial of 5 is 120", "--",
            "All factorials have been calculated.") },
    { "000-7", NULL, ORDERED, LINES("Squared numbers: [1, 4, 9, 16, 25]") },
    { "000-8", NULL, ORDERED, LINES("Fibonacci sequence: [9227465, 14930352, 24157817]") },
    { "000-9", NULL, ORDERED,
      LINES("Exponential values: [7.38905609893065, 20.085536923187668, "
            "54.598150033144236, 148.4131591025766]") },

    /* ---- 001 */
    { "001-1", NULL, ORDERED,
      LINES("Hello, Alice!", "Hello, Bob!", "Hello, Charlie!",
            "Goodbye, Alice!", "Goodbye, Bob!", "Goodbye, Charlie!") },
    { "001-1b", NULL, ORDERED,
      LINES("Hello, Alice!", "Hello, Bob!", "Hello, Charlie!",
            "Goodbye, Alice!", "Goodbye, Bob!", "Goodbye, Charlie!") },
    { "001-2", NULL, ORDERED, LINES("The factorial of 5 is 120") },
    { "001-3", NULL, ORDERED, LINES("The factorial of 5 is 120") },
    /* The list's order is racy in the lesson (a shared Queue); input order
     * is one of its outcomes. */
    { "001-4", NULL, ORDERED,
      LINES("~Results: \\[(5050|15050|25050|35050)(, (5050|15050|25050|35050)){3}\\]") },
    { "001-5", NULL, ORDERED,
      LINES("~Results: \\[(24|1680|11880|43680)(, (24|1680|11880|43680)){3}\\]") },
    { "001-6", NULL, ANY_ORDER,
      LINES("{400000}~Shared Variable: [0-3]", "--", "Final Shared Variable: 0") },

    /* ---- 002, first lesson */
    { "002-1", "--repeat=1 --size=20000", ORDERED,
      LINES("1. Concurrency vs Parallelism", "------------------------------",
            "Sequential execution:",
            "~Sequential time: [0-9]+\\.[0-9]{2} seconds",
            "Results: ['Completed after 1 seconds', 'Completed after 1 seconds', "
            "'Completed after 1 seconds']",
            "", "Concurrent execution with threading:",
            "~Concurrent time: [0-9]+\\.[0-9]{2} seconds",
            "Results: ['Completed after 1 seconds', 'Completed after 1 seconds', "
            "'Completed after 1 seconds']",
            "", "Parallel execution with multiprocessing:",
            "~Parallel time: [0-9]+\\.[0-9]{2} seconds",
            "Results: ['Completed after 1 seconds', 'Completed after 1 seconds', "
            "'Completed after 1 seconds']",
            "", "CPU-bound task comparison:",
            "~Sequential CPU task: [0-9]+\\.[0-9]{2} seconds",
            "~Threading CPU task: [0-9]+\\.[0-9]{2} seconds",
            "~Multiprocessing CPU task: [0-9]+\\.[0-9]{2} seconds",
            "", "Performance comparison:", "Sequential: 1.00x",
            "~Threading: [0-9]+\\.[0-9]{2}x", "~Multiprocessing: [0-9]+\\.[0-9]{2}x") },
    { "002-2a", NULL, ANY_ORDER,
      LINES("Worker Thread-1 starting", "Worker Thread-2 starting", "Worker Thread-3 starting",
            "Worker Thread-1 finished", "Worker Thread-2 finished",
            "Worker Thread-3 finished", "--", "All threads completed") },
    { "002-2b", NULL, ORDERED, LINES("Final counter value: 500000") },
    { "002-2c", NULL, ORDERED, LINES("Results: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]") },
    { "002-2d", NULL, ANY_ORDER,
      LINES("Produced: Item-0", "Produced: Item-1", "Produced: Item-2", "Produced: Item-3",
            "Produced: Item-4", "Produced: Item-5", "Produced: Item-6", "Produced: Item-7",
            "Produced: Item-8", "Produced: Item-9",
            "Consumed: Item-0", "Consumed: Item-1", "Consumed: Item-2", "Consumed: Item-3",
            "Consumed: Item-4", "Consumed: Item-5", "Consumed: Item-6", "Consumed: Item-7",
            "Consumed: Item-8", "Consumed: Item-9") },
    /* The lesson's reader stops at the first empty(): what it read by
     * then, in order (one line in the lesson's runs; none, or more, when
     * the writer is faster or slower). */
    { "002-2e", NULL, ORDERED,
      LINES("?Read: Data-0", "?Read: Data-1", "?Read: Data-2", "?Read: Data-3",
            "?Read: Data-4") },
    { "002-2f", NULL, ANY_ORDER,
      LINES("Thread-1: counter = 1", "Thread-2: counter = 1", "Thread-3: counter = 1",
            "Thread-1: counter = 2", "Thread-2: counter = 2", "Thread-3: counter = 2",
            "Thread-1: counter = 3", "Thread-2: counter = 3", "Thread-3: counter = 3") },
    { "002-3a", NULL, ANY_ORDER,
      LINES("{3}~Process Process-[123] \\(PID: [0-9]+\\) starting",
            "{3}~Process Process-[123] \\(PID: [0-9]+\\) finished", "--",
            "All processes completed") },
    { "002-3b", NULL, ORDERED,
      LINES("Results: [333332833333500000, 333332833333500000, 333332833333500000, "
            "333332833333500000]") },
    { "002-3c", NULL, ANY_ORDER,
      LINES("Process 1 modified shared array", "Process 2 modified shared array",
            "Process 3 modified shared array", "--",
            "~Final shared array: \\[[123]00, [123]01, [123]02, [123]03, [123]04, "
            "[123]05, [123]06, [123]07, [123]08, [123]09\\]") },
    { "002-3d", NULL, ANY_ORDER,
      LINES("Producer put: Data-0", "Producer put: Data-1", "Producer put: Data-2",
            "Producer put: Data-3", "Producer put: Data-4",
            "Consumer got: Data-0", "Consumer got: Data-1", "Consumer got: Data-2",
            "Consumer got: Data-3", "Consumer got: Data-4") },
    { "002-3e", NULL, ORDERED,
      LINES("~Process [123]: counter = 1", "~Process [123]: counter = 2",
            "~Process [123]: counter = 3", "~Process [123]: counter = 4",
            "~Process [123]: counter = 5", "~Process [123]: counter = 6",
            "~Process [123]: counter = 7", "~Process [123]: counter = 8",
            "~Process [123]: counter = 9", "Final counter value: 9") },
    { "002-3f", NULL, ORDERED,
      LINES("Numbers: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]",
            "Squared: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]") },
    { "002-3g", "--repeat=1 --size=20000", ORDERED,
      LINES("Workers | Threading | Multiprocessing",
            "----------------------------------------",
            "~      1 \\| +[0-9]+\\.[0-9]{2}s \\| +[0-9]+\\.[0-9]{2}s",
            "~      2 \\| +[0-9]+\\.[0-9]{2}s \\| +[0-9]+\\.[0-9]{2}s",
            "~      4 \\| +[0-9]+\\.[0-9]{2}s \\| +[0-9]+\\.[0-9]{2}s",
            "~      8 \\| +[0-9]+\\.[0-9]{2}s \\| +[0-9]+\\.[0-9]{2}s") },
    { "002-4a", NULL, ORDERED,
      LINES("Task Task-1 starting", "Task Task-2 starting", "Task Task-3 starting",
            "Task Task-1 finished", "Task Task-3 finished", "Task Task-2 finished",
            "Results: ['Result from Task-1', 'Result from Task-2', 'Result from Task-3']") },
    { "002-4b", NULL, ORDERED,
      LINES("Gathered results: ['Data from http://example.com', 'Data from http://test.com', "
            "'Data from http://demo.com']",
            "Task results: ['Data from http://api1.com', 'Data from http://api2.com', "
            "'Data from http://api3.com']") },
    /* The done set's order is arbitrary in the lesson. */
    { "002-4d", NULL, ORDERED,
      LINES("~Wait results: \\[('Data from http://(slow|fast|medium)\\.com'(, )?){3}\\]") },
    { "002-4e", NULL, ORDERED,
      LINES("~Completed: Data from http://api[123]\\.com",
            "~Completed: Data from http://api[123]\\.com",
            "~Completed: Data from http://api[123]\\.com",
            "~As completed results: \\[('Data from http://api[123]\\.com'(, )?){3}\\]") },
    /* Printed only when the random fetch takes longer than the deadline. */
    { "002-4f", NULL, ORDERED, LINES("?Task timed out!") },
    { "002-4g", NULL, ORDERED,
      LINES("Shielded task was cancelled") },
    { "002-4h", NULL, ORDERED,
      LINES("Task 0 failed: Task failed!", "Task 1 succeeded: Normal task completed") },
    { "002-4i", NULL, ORDERED,
      LINES("Completed tasks: 1", "Pending tasks: 2") },
    /* As the lesson evidently meant it (in Python 3.11 it ends with
     * CancelledError): all done in time, or the timeout and each task. */
    { "002-4j", NULL, ORDERED,
      LINES("?All tasks completed: ['Data from http://slow.com', "
            "'Data from http://very-slow.com', 'Data from http://fast.com']",
            "?Gather timed out!",
            "?~Task 0 (completed: Data from http://slow\\.com|still running)",
            "?~Task 1 (completed: Data from http://very-slow\\.com|still running)",
            "?~Task 2 (completed: Data from http://fast\\.com|still running)") },
    { "002-5", "--repeat=1 --size=20000 --io-tasks=0", ORDERED,
      LINES("5. Performance Comparison", "-------------------------",
            "CPU-bound performance comparison:",
            "Workers | Sequential | Threading | Multiprocessing | Asyncio",
            "------------------------------------------------------------",
            "{4}~ +[1248] \\| +[0-9]+\\.[0-9]{2}s \\| +[0-9]+\\.[0-9]{2}s \\| "
            "+[0-9]+\\.[0-9]{2}s \\| +[0-9]+\\.[0-9]{2}s",
            "", "I/O-bound performance comparison:",
            "Workers | Sequential | Threading | Multiprocessing | Asyncio",
            "------------------------------------------------------------",
            "{4}~ +[1248] \\| +[0-9]+\\.[0-9]{2}s \\| +[0-9]+\\.[0-9]{2}s \\| "
            "+[0-9]+\\.[0-9]{2}s \\| +[0-9]+\\.[0-9]{2}s",
            "", "Memory usage comparison:", "Approach | Memory Usage (MB)",
            "------------------------------",
            "~Sequential \\| -?[0-9]+\\.[0-9]{2}", "~Threading \\| -?[0-9]+\\.[0-9]{2}",
            "~Multiprocessing \\| -?[0-9]+\\.[0-9]{2}", "~Asyncio \\| -?[0-9]+\\.[0-9]{2}",
            "", "Scalability analysis:", "CPU-bound tasks:",
            "- Sequential: O(n) - linear scaling", "- Threading: O(n) - limited by GIL",
            "- Multiprocessing: O(n/k) - scales with CPU cores",
            "- Asyncio: O(n) - single-threaded",
            "", "I/O-bound tasks:",
            "- Sequential: O(n) - linear scaling", "- Threading: O(n/k) - good for I/O",
            "- Multiprocessing: O(n/k) - good for I/O", "- Asyncio: O(n/k) - excellent for I/O",
            "", "Best practices summary:",
            "1. Use sequential execution for simple, small tasks",
            "2. Use threading for I/O-bound tasks",
            "3. Use multiprocessing for CPU-bound tasks",
            "4. Use asyncio for I/O-bound tasks with many concurrent operations",
            "5. Consider memory usage and overhead",
            "6. Profile your code to identify bottlenecks",
            "7. Use appropriate synchronization primitives",
            "8. Handle exceptions properly in concurrent code",
            "9. Consider the Global Interpreter Lock (GIL) limitations",
            "10. Use context managers for resource management") },

    /* ---- 002b, the second lesson of file 002 */
    { "002b-a", NULL, ANY_ORDER,
      LINES("Worker Thread-1 starting", "Worker Thread-2 starting", "Worker Thread-3 starting",
            "Worker Thread-1 finished", "Worker Thread-2 finished",
            "Worker Thread-3 finished", "--", "All threads completed!") },
    { "002b-b", NULL, ORDERED,
      LINES("Counter with lock: 300000", "~Counter without lock: [0-9]+", "Expected: 300000") },
    { "002b-c", NULL, ORDERED,
      LINES("~Sequential time: [0-9]+\\.[0-9]{2} seconds",
            "~Concurrent time: [0-9]+\\.[0-9]{2} seconds", "~Speedup: [0-9]+\\.[0-9]{2}x") },
    { "002b-d", NULL, ANY_ORDER,
      LINES("Produced: item1", "Consumer A consumed: item1", "Produced: item2",
            "Consumer A consumed: item2", "Produced: item3", "Consumer A consumed: item3",
            "Produced: item4", "Consumer A consumed: item4", "Produced: item5",
            "Consumer A consumed: item5", "--", "Producer-Consumer completed!") },
    { "002b-e", NULL, ANY_ORDER,
      LINES("Producer P1 put: P1-0", "Producer P1 put: P1-1", "Producer P1 put: P1-2",
            "Producer P2 put: P2-0", "Producer P2 put: P2-1", "Producer P2 put: P2-2",
            "~Consumer C[12] got: P1-0", "~Consumer C[12] got: P1-1", "~Consumer C[12] got: P1-2",
            "~Consumer C[12] got: P2-0", "~Consumer C[12] got: P2-1", "~Consumer C[12] got: P2-2",
            "--", "Thread-safe operations completed!") },
    { "002b-f", NULL, ANY_ORDER,
      LINES("Thread Local-1: counter = 1", "Thread Local-2: counter = 1",
            "Thread Local-3: counter = 1", "Thread Local-1: counter = 2",
            "Thread Local-2: counter = 2", "Thread Local-3: counter = 2",
            "Thread Local-1: counter = 3", "Thread Local-2: counter = 3",
            "Thread Local-3: counter = 3", "--", "Thread local storage completed!") },

    /* ---- 003 */
    { "003-1", NULL, ANY_ORDER, LINES("Task 1 is running", "Task 2 is running") },
    { "003-2", NULL, ANY_ORDER, LINES("Task 1 is running", "Task 2 is running") },
    { "003-3", NULL, ORDERED,
      LINES("Task 1 is running", "Task 2 is running", "Task 1 is complete",
            "Task 2 is complete") },

    /* ---- 004 */
    { "004-1", NULL, ANY_ORDER,
      LINES("Number: 1", "Number: 2", "Number: 3", "Number: 4", "Number: 5",
            "Letter: A", "Letter: B", "Letter: C", "Letter: D", "Letter: E", "--",
            "Threads completed.") },
    { "004-2", NULL, ANY_ORDER,
      LINES("Worker-1 starting", "Worker-2 starting",
            "Worker-1 finished", "Worker-2 finished") },
    { "004-3", NULL, ANY_ORDER,
      LINES("Process-1 working on 0", "Process-2 working on 1", "Process-3 working on 2",
            "Process-1 done.", "Process-2 done.", "Process-3 done.", "--",
            "All processes finished.") },
    /* print("Threading time:", t) prints the float's repr. */
    { "004-4", "--size=20000", ORDERED,
      LINES("~Threading time: [0-9]+\\.[0-9]+(e-[0-9]+)?",
            "~Multiprocessing time: [0-9]+\\.[0-9]+(e-[0-9]+)?") },
    { "004-5", NULL, ORDERED,
      LINES("ThreadPool results: [1, 4, 9, 16, 25]", "ProcessPool results: [1, 4, 9, 16, 25]") },

    /* ---- the lessons' objectives: lines from the catalogue's rows */
    { "obj-cv", NULL, ORDERED, LINES("Produced: 2000", "Consumed: 2000", "Checksum ok") },
    /* At scale 0.01 a busy machine may never have three inside at once. */
    { "obj-sem", "--time-scale=0.2", ANY_ORDER,
      LINES("{10}~Worker ([1-9]|10) connected \\([123] inside\\)",
            "{10}~Worker ([1-9]|10) released", "--", "Most inside at once: 3") },
    { "obj-barrier", NULL, ANY_ORDER,
      LINES("{4}~Worker [1-4] finished phase 1", "--", "{4}~Worker [1-4] finished phase 2", "--",
            "{4}~Worker [1-4] finished phase 3") },
    { "obj-rwlock", NULL, ORDERED,
      LINES("~pthread_rwlock_t: [0-9]+ reads/s, [0-9]+ writes/s",
            "~one mutex: [0-9]+ reads/s, [0-9]+ writes/s", "Readers overlapped: yes") },
    { "obj-deadlock-ordered", NULL, ORDERED,
      LINES("Both threads finished: 2000 transfers, total unchanged") },
    { "obj-deadlock-trylock", NULL, ORDERED,
      LINES("Both threads finished: 2000 transfers, total unchanged") },
    { "obj-memory", "--trials=10000", ORDERED,
      LINES("~relaxed: r1 == r2 == 0 in [0-9]+ trials", "~acq_rel: r1 == r2 == 0 in [0-9]+ trials",
            "seq_cst: r1 == r2 == 0 in 0 trials") },
    { "obj-once", NULL, ORDERED, LINES("Initialised 1 time") },
    { "obj-striped", "--ops=20000", ORDERED,
      LINES("~W=1: one lock [0-9]+ ops/s, 64 striped locks [0-9]+ ops/s, ratio [0-9]+\\.[0-9]{2}",
            "~W=2: one lock [0-9]+ ops/s, 64 striped locks [0-9]+ ops/s, ratio [0-9]+\\.[0-9]{2}",
            "~W=4: one lock [0-9]+ ops/s, 64 striped locks [0-9]+ ops/s, ratio [0-9]+\\.[0-9]{2}",
            "~W=8: one lock [0-9]+ ops/s, 64 striped locks [0-9]+ ops/s, ratio [0-9]+\\.[0-9]{2}",
            "Both maps equal a sequential replay") },
    { "obj-queue", NULL, ANY_ORDER,
      LINES("Produced: Item-0", "Produced: Item-1", "Produced: Item-2", "Produced: Item-3",
            "Produced: Item-4", "Produced: Item-5", "Produced: Item-6", "Produced: Item-7",
            "Produced: Item-8", "Produced: Item-9",
            "Consumed: Item-0", "Consumed: Item-1", "Consumed: Item-2", "Consumed: Item-3",
            "Consumed: Item-4", "Consumed: Item-5", "Consumed: Item-6", "Consumed: Item-7",
            "Consumed: Item-8", "Consumed: Item-9") },
    { "obj-pool", NULL, ORDERED, LINES("25", "49", "81") },
    { "obj-pool-002", NULL, ORDERED, LINES("Results: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]") },
    { "obj-loop", NULL, ORDERED,
      LINES("Hello, Alice!", "Hello, Bob!", "Hello, Charlie!",
            "Goodbye, Alice!", "Goodbye, Bob!", "Goodbye, Charlie!", "Results: [1, 2, 1.5]") },
};

/* ------------------------------------------------------------ matching */

typedef struct {
    char *text;        /* literal, or the regular expression after "~" */
    GRegex *regex;     /* NULL: literal */
    guint count;       /* lines left to match */
    gboolean optional;
} Expected;

static gboolean
expected_matches(const Expected *e, const char *line)
{
    return e->regex ? g_regex_match(e->regex, line, 0, NULL) : strcmp(e->text, line) == 0;
}

/* The expected lines of one group, from "{N}?~..." specifications. */
static GPtrArray *
parse_group(const char *const **spec)
{
    GPtrArray *group = g_ptr_array_new();

    for (; **spec && strcmp(**spec, "--") != 0; (*spec)++) {
        const char *s = **spec;
        Expected *e = g_new0(Expected, 1);

        e->count = 1;
        if (*s == '{') {
            e->count = (guint) strtoul(s + 1, (char **) &s, 10);
            cr_assert_eq(*s, '}', "bad repeat in '%s'", **spec);
            s++;
        }
        if (*s == '?') {
            e->optional = TRUE;
            s++;
        }
        if (*s == '~') {
            char *anchored = g_strdup_printf("^(?:%s)$", s + 1);
            GError *error = NULL;

            e->regex = g_regex_new(anchored, 0, 0, &error);
            cr_assert_not_null(e->regex, "bad pattern '%s': %s", s + 1,
                               error ? error->message : "");
            g_free(anchored);
        }
        e->text = g_strdup(s);
        g_ptr_array_add(group, e);
    }
    if (**spec)
        (*spec)++;   /* the "--" */
    return group;
}

static void
free_group(GPtrArray *group)
{
    for (guint i = 0; i < group->len; i++) {
        Expected *e = group->pdata[i];

        if (e->regex)
            g_regex_unref(e->regex);
        g_free(e->text);
        g_free(e);
    }
    g_ptr_array_free(group, TRUE);
}

/* Match the run's lines from *next on against one group: in order, or as a
 * multiset.  Optional lines may be missing. */
static void
match_group(const Cell *cell, const CpRun *run, guint *next, GPtrArray *group)
{
    for (guint k = 0; k < group->len; k++) {
        Expected *e = group->pdata[k];

        if (!cell->any_order) {
            for (; e->count > 0; e->count--) {
                if (*next < run->n_lines && expected_matches(e, run->lines[*next]))
                    (*next)++;
                else
                    cr_assert(e->optional, "%s: line %u is '%s', want '%s'\n%s", cell->id,
                              *next + 1, *next < run->n_lines ? run->lines[*next] : "(none)",
                              e->text, run->out);
            }
        }
    }
    if (!cell->any_order)
        return;
    for (;;) {
        guint left = 0, k;

        for (k = 0; k < group->len; k++) {
            Expected *e = group->pdata[k];
            left += e->optional ? 0 : e->count;
        }
        if (*next >= run->n_lines) {
            cr_assert_eq(left, 0, "%s: the output ends with %u lesson lines missing\n%s",
                         cell->id, left, run->out);
            return;
        }
        for (k = 0; k < group->len; k++) {
            Expected *e = group->pdata[k];

            if (e->count > 0 && expected_matches(e, run->lines[*next])) {
                e->count--;
                (*next)++;
                break;
            }
        }
        if (k == group->len) {
            /* Not in this group: the group must be complete. */
            cr_assert_eq(left, 0, "%s: line %u '%s' is not a lesson line here\n%s", cell->id,
                         *next + 1, run->lines[*next], run->out);
            return;
        }
    }
}

static void
assert_cell_output(const Cell *cell, const CpRun *run)
{
    const char *const *spec = cell->lines;
    guint next = 0;

    while (*spec) {
        GPtrArray *group = parse_group(&spec);

        match_group(cell, run, &next, group);
        free_group(group);
    }
    cr_assert_eq(next, run->n_lines, "%s: line %u '%s' is not in the lesson's cell\n%s",
                 cell->id, next + 1, next < run->n_lines ? run->lines[next] : "", run->out);
}

/* ------------------------------------------------------------ LESSONS.md */

typedef struct {
    char *id;
    char *command;   /* "examples/threads/numbers_letters --lesson=004" */
} Row;

/* Rows of the table: "| ID | cell | `command` | may differ |". */
static GPtrArray *
read_rows(void)
{
    char *path = g_build_filename(g_getenv("CONPAR_SRCDIR"), "examples", "LESSONS.md", NULL);
    char *text = NULL, **lines;
    GPtrArray *rows = g_ptr_array_new();
    GError *error = NULL;

    cr_assert(g_file_get_contents(path, &text, NULL, &error), "%s: %s", path,
              error ? error->message : "");
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        char **cols;

        if (!g_str_has_prefix(*l, "| ") || strstr(*l, "`examples/") == NULL)
            continue;
        cols = g_strsplit(*l, "|", -1);
        cr_assert_geq(g_strv_length(cols), 5, "odd row: %s", *l);
        Row *row = g_new0(Row, 1);
        row->id = g_strstrip(g_strdup(cols[1]));
        row->command = g_strstrip(g_strdup(cols[3]));
        cr_assert(g_str_has_prefix(row->command, "`") && g_str_has_suffix(row->command, "`"),
                  "%s: the command is not in backquotes: %s", row->id, row->command);
        memmove(row->command, row->command + 1, strlen(row->command));
        row->command[strlen(row->command) - 1] = '\0';
        g_ptr_array_add(rows, row);
        g_strfreev(cols);
    }
    g_strfreev(lines);
    g_free(text);
    g_free(path);
    return rows;
}

/* Run "examples/a/b ARGS && examples/c/d ARGS" with the cell's fast
 * arguments added to each, and join the outputs (their lines as cp_test
 * split them: g_strsplit() on 400,000 lines takes minutes under ASan). */
static CpRun *
run_command(const Cell *cell, const char *command)
{
    char **parts = g_strsplit(command, " && ", -1);
    GString *out = g_string_new(NULL);
    GPtrArray *lines = g_ptr_array_new();
    CpRun *all = g_new0(CpRun, 1);

    for (char **p = parts; *p; p++) {
        char *line = g_strconcat(*p, " ", cell->fast ? cell->fast : "", NULL);
        char **argv = NULL;
        GError *error = NULL;
        CpRun *run;

        cr_assert(g_shell_parse_argv(line, NULL, &argv, &error), "%s: %s", cell->id, line);
        cr_assert(g_str_has_prefix(argv[0], "examples/"), "%s: %s", cell->id, argv[0]);
        run = cp_test_runv(argv[0] + strlen("examples/"), (const char *const *) argv + 1);
        cr_assert_eq(run->status, 0, "%s: '%s' exited %d: %s", cell->id, line, run->status,
                     run->err);
        cr_assert_str_empty(run->err, "%s: '%s' wrote on stderr: %s", cell->id, line, run->err);
        g_string_append(out, run->out);
        for (guint i = 0; i < run->n_lines; i++) {
            g_ptr_array_add(lines, run->lines[i]);
            run->lines[i] = NULL;
        }
        g_free(run->lines);
        run->lines = NULL;
        cp_run_free(run);
        g_strfreev(argv);
        g_free(line);
    }
    g_strfreev(parts);
    all->out = g_string_free(out, FALSE);
    all->err = g_strdup("");
    all->n_lines = lines->len;
    g_ptr_array_add(lines, NULL);
    all->lines = (char **) g_ptr_array_free(lines, FALSE);
    return all;
}

static const Cell *
find_cell(const char *id)
{
    for (gsize i = 0; i < G_N_ELEMENTS(cells); i++)
        if (strcmp(cells[i].id, id) == 0)
            return &cells[i];
    return NULL;
}

Test(lessons, every_row_has_its_lines_and_every_cell_a_row, .timeout = 30)
{
    GPtrArray *rows = read_rows();

    cr_assert_geq(rows->len, G_N_ELEMENTS(cells));
    for (guint i = 0; i < rows->len; i++) {
        Row *row = rows->pdata[i];
        cr_assert_not_null(find_cell(row->id), "LESSONS.md row %s has no lines in this test",
                           row->id);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(cells); i++) {
        gboolean found = FALSE;

        for (guint j = 0; j < rows->len; j++)
            found = found || strcmp(((Row *) rows->pdata[j])->id, cells[i].id) == 0;
        cr_assert(found, "cell %s has no row in LESSONS.md", cells[i].id);
    }
}

/* One test per lesson file, so that a failure names where to look. */
static void
run_lesson(const char *prefix)
{
    GPtrArray *rows = read_rows();
    guint ran = 0;

    for (guint i = 0; i < rows->len; i++) {
        Row *row = rows->pdata[i];
        const Cell *cell = find_cell(row->id);

        if (!g_str_has_prefix(row->id, prefix) || cell == NULL)
            continue;
        /* "002-" is not "002b-". */
        if (strcmp(prefix, "002-") == 0 && g_str_has_prefix(row->id, "002b"))
            continue;
#ifdef CP_SANITIZE_THREAD
        gboolean skip = FALSE;

        for (gsize k = 0; k < G_N_ELEMENTS(not_under_tsan); k++)
            if (strcmp(not_under_tsan[k][0], cell->id) == 0) {
                cr_log_info("%s skipped: %s", cell->id, not_under_tsan[k][1]);
                skip = TRUE;
            }
        if (skip)
            continue;
#endif
        CpRun *run = run_command(cell, row->command);
        assert_cell_output(cell, run);
        cp_run_free(run);
        ran++;
    }
    cr_assert_gt(ran, 0, "no row of LESSONS.md starts with %s", prefix);
}

Test(lessons, lesson_000, .timeout = 120) { run_lesson("000-"); }
Test(lessons, lesson_001, .timeout = 120) { run_lesson("001-"); }
Test(lessons, lesson_002, .timeout = 300) { run_lesson("002-"); }
Test(lessons, lesson_002b, .timeout = 120) { run_lesson("002b-"); }
Test(lessons, lesson_003, .timeout = 120) { run_lesson("003-"); }
Test(lessons, lesson_004, .timeout = 120) { run_lesson("004-"); }
Test(lessons, objectives, .timeout = 120) { run_lesson("obj-"); }
