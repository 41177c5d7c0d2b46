/* SPDX-License-Identifier: 0BSD */
/* Tests of --trace=FILE: each traced example's trace is JSON in the Chrome
 * Trace Event Format with the events its program must record, and keeps
 * the invariants a trace of real threads cannot break: every row that
 * begins ends, no span lies outside its row's life, two holds of one lock
 * never overlap, and a child process's events carry its own pid. */
#include <config.h>

#include <criterion/criterion.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "cp_test.h"

#define ARGS(...) ((const char *const[]) { __VA_ARGS__, NULL })
#define NONE ((const char *const[]) { NULL })

/* Timestamps are printed to a thousandth of a microsecond. */
#define ROUNDING 0.002

typedef struct {
    const char *example;            /* "sync/even_odd_lock" */
    const char *const *args;        /* besides --trace */
    int processes;                  /* distinct pids in the trace */
    const char *const *categories;  /* each must occur at least once */
    const char *const *rows;        /* thread or process names that must occur */
} Traced;

static const Traced traced[] = {
    { "sync/even_odd_lock", NONE, 1, ARGS("lock_wait", "lock_hold"), ARGS("main", "even", "odd") },
    { "pools/fetch_pool", NONE, 1, ARGS("task", "sleep"), ARGS("main", "Worker-1", "Worker-4") },
    { "pools/fib_pool", NONE, 4, ARGS("task"), ARGS("Process-1", "Process-3") },
    { "pools/square_pool", NONE, 1, ARGS("task"), ARGS("Worker-1", "Worker-3") },
    { "pools/square_process_pool", NONE, 3, ARGS("task"), ARGS("Process-1", "Process-2") },
    { "processes/named_processes", NONE, 4, ARGS("sleep"),
      ARGS("Process-1", "Process-2", "Process-3") },
    { "queues/producer_consumer", NONE, 1, ARGS("sleep", "queue_wait", "queue"),
      ARGS("producer", "consumer") },
    { "async/gather", NONE, 1, ARGS("sleep", "callback"), ARGS("main") },
    { "async/greet", NONE, 1, ARGS("sleep", "callback"), ARGS("main") },
    { "async/event_loop", NONE, 1, ARGS("sleep", "callback"), ARGS("main") },
    { "threads/numbers_letters", NONE, 1, ARGS("sleep"), ARGS("numbers", "letters") },
    { "threads/worker_threads", NONE, 1, ARGS("sleep"), ARGS("Thread-1", "Thread-3") },
    { "sync/condition_variable", ARGS("--items=200"), 1, ARGS("lock_hold", "cond_wait"),
      ARGS("producer 1", "producer 2", "consumer 1", "consumer 3") },
    { "sync/semaphore", NONE, 1, ARGS("lock_hold", "sleep"), ARGS("Worker 1", "Worker 10") },
    { "sync/barrier", NONE, 1, ARGS("lock_hold", "cond_wait", "sleep"), ARGS("Worker 1", "Worker 4") },
    /* Readers hold "rwlock (read)" together; the writer's "rwlock" alone. */
    { "sync/rwlock", ARGS("--seconds=0.01", "-w", "3"), 1, ARGS("lock_hold", "lock_wait"),
      ARGS("reader", "writer") },
    { "sync/deadlock", ARGS("--ordered"), 1, ARGS("lock_hold"), ARGS("thread 1", "thread 2") },
    { "queues/bounded_buffer", NONE, 1, ARGS("lock_hold", "sleep"), ARGS("producer", "consumer") },
    { "pools/thread_pool", NONE, 1, ARGS("lock_hold", "task"), ARGS("Worker-1", "Worker-3") },
    /* A lock in shared memory: holds in different processes never overlap. */
    { "processes/process_counter", NONE, 4, ARGS("lock_hold", "sleep"),
      ARGS("Process-1", "Process-3") },
};

typedef struct {
    double begin, end;      /* life: -1 until seen */
    int begins, ends;
} Life;

typedef struct {
    double begin, end;
} Interval;

static gint
by_begin(gconstpointer a, gconstpointer b)
{
    const Interval *x = a, *y = b;

    return x->begin < y->begin ? -1 : x->begin > y->begin;
}

static const char *
member_string(JsonObject *o, const char *name)
{
    JsonNode *n = json_object_get_member(o, name);

    return n != NULL && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
           ? json_node_get_string(n) : NULL;
}

static double
member_number(JsonObject *o, const char *name, gboolean *ok)
{
    JsonNode *n = json_object_get_member(o, name);

    *ok = n != NULL && JSON_NODE_HOLDS_VALUE(n)
          && (json_node_get_value_type(n) == G_TYPE_INT64
              || json_node_get_value_type(n) == G_TYPE_DOUBLE);
    return *ok ? json_node_get_double(n) : 0;
}

static char *
key(gint64 pid, gint64 tid)
{
    return g_strdup_printf("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, pid, tid);
}

/* Parse the trace at path and check it against t; return the parser, whose
 * root array the caller may inspect further. */
static JsonParser *
check_trace(const char *path, const Traced *t)
{
    JsonParser *parser = json_parser_new();
    GError *error = NULL;
    GHashTable *lives = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GHashTable *holds = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                              (GDestroyNotify) g_array_unref);
    GHashTable *pids = g_hash_table_new(g_int64_hash, g_int64_equal);
    GHashTable *named = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTable *categories = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTable *process_named = g_hash_table_new(g_int64_hash, g_int64_equal);
    GPtrArray *spans = g_ptr_array_new_with_free_func((GDestroyNotify) json_object_unref);
    char *program = g_path_get_basename(t->example);
    gint64 *pid_storage;
    gint64 main_pid;
    gboolean ok;

    cr_assert(json_parser_load_from_file(parser, path, &error), "%s: %s: not JSON: %s",
              t->example, path, error ? error->message : "");
    JsonNode *root = json_parser_get_root(parser);
    cr_assert(JSON_NODE_HOLDS_ARRAY(root), "%s: the trace is not an array", t->example);
    JsonArray *events = json_node_get_array(root);
    guint n = json_array_get_length(events);
    cr_assert_geq(n, 4, "%s: only %u events", t->example, n);
    pid_storage = g_new(gint64, n);

    /* The first event names the program and the time scale. */
    JsonObject *first = json_array_get_object_element(events, 0);
    cr_assert_str_eq(member_string(first, "ph"), "i");
    cr_assert_str_eq(member_string(first, "name"), "conpar");
    JsonObject *args = json_object_get_object_member(first, "args");
    cr_assert_str_eq(json_object_get_string_member(args, "program"), program);
    /* The tests' scale, or 1 in a program without waits to scale. */
    double scale = json_object_get_double_member(args, "time_scale");
    cr_assert(scale == 0.01 || scale == 1, "%s: time scale %g", t->example, scale);
    main_pid = json_object_get_int_member(first, "pid");

    for (guint i = 0; i < n; i++) {
        JsonObject *e = json_array_get_object_element(events, i);
        const char *ph = member_string(e, "ph");
        const char *cat = member_string(e, "cat");
        const char *name = member_string(e, "name");

        cr_assert(ph && name && json_object_has_member(e, "pid") && json_object_has_member(e, "tid"),
                  "%s: event %u lacks ph, name, pid or tid", t->example, i);
        gint64 pid = json_object_get_int_member(e, "pid");
        gint64 tid = json_object_get_int_member(e, "tid");
        pid_storage[i] = pid;
        g_hash_table_add(pids, &pid_storage[i]);
        if (cat != NULL)
            g_hash_table_add(categories, g_strdup(cat));

        if (strcmp(ph, "M") == 0) {
            const char *label = json_object_get_string_member(json_object_get_object_member(e, "args"),
                                                              "name");
            g_hash_table_add(named, g_strdup(label));
            if (strcmp(name, "process_name") == 0)
                g_hash_table_add(process_named, &pid_storage[i]);
            continue;
        }
        double ts = member_number(e, "ts", &ok);
        cr_assert(ok && ts >= 0, "%s: event %u has no time", t->example, i);
        char *k = key(pid, tid);
        Life *life = g_hash_table_lookup(lives, k);
        if (life == NULL) {
            life = g_new0(Life, 1);
            life->begin = life->end = -1;
            g_hash_table_insert(lives, g_strdup(k), life);
        }
        if (strcmp(ph, "B") == 0 || strcmp(ph, "E") == 0) {
            cr_assert_str_eq(cat, "life", "%s: a %s event outside life", t->example, ph);
            if (*ph == 'B')
                life->begins++, life->begin = ts;
            else
                life->ends++, life->end = ts;
        } else if (strcmp(ph, "X") == 0) {
            double dur = member_number(e, "dur", &ok);

            cr_assert(ok && dur >= 0, "%s: span %u without a duration", t->example, i);
            g_ptr_array_add(spans, json_object_ref(e));
            if (strcmp(cat, "lock_hold") == 0 && !g_str_has_suffix(name, " (read)")) {
                GArray *list = g_hash_table_lookup(holds, name);
                Interval hold = { ts, ts + dur };

                if (list == NULL) {
                    list = g_array_new(FALSE, FALSE, sizeof(Interval));
                    g_hash_table_insert(holds, (gpointer) name, list);
                }
                g_array_append_val(list, hold);
            }
        }
        g_free(k);
    }

    /* Every row that began ended, once, after it began. */
    GHashTableIter iter;
    gpointer k, v;
    g_hash_table_iter_init(&iter, lives);
    while (g_hash_table_iter_next(&iter, &k, &v)) {
        Life *life = v;

        cr_assert_eq(life->begins, 1, "%s: row %s began %d times", t->example, (char *) k,
                     life->begins);
        cr_assert_eq(life->ends, 1, "%s: row %s ended %d times", t->example, (char *) k,
                     life->ends);
        cr_assert_geq(life->end, life->begin, "%s: row %s ends before it begins", t->example,
                      (char *) k);
    }
    /* Every span lies within its row's life. */
    for (guint i = 0; i < spans->len; i++) {
        JsonObject *e = g_ptr_array_index(spans, i);
        char *rk = key(json_object_get_int_member(e, "pid"), json_object_get_int_member(e, "tid"));
        Life *life = g_hash_table_lookup(lives, rk);
        double ts = json_object_get_double_member(e, "ts");
        double end = ts + json_object_get_double_member(e, "dur");

        cr_assert(life->begin >= 0, "%s: span in row %s, which never began", t->example, rk);
        cr_assert(ts >= life->begin - ROUNDING && end <= life->end + ROUNDING,
                  "%s: a %s span [%.3f, %.3f] of row %s outside its life [%.3f, %.3f]",
                  t->example, json_object_get_string_member(e, "cat"), ts, end, rk,
                  life->begin, life->end);
        g_free(rk);
    }
    /* Two holds of one lock never overlap, in any thread or process. */
    g_hash_table_iter_init(&iter, holds);
    while (g_hash_table_iter_next(&iter, &k, &v)) {
        GArray *list = v;

        g_array_sort(list, by_begin);
        for (guint i = 1; i < list->len; i++) {
            Interval *a = &g_array_index(list, Interval, i - 1), *b = &g_array_index(list, Interval, i);

            cr_assert_geq(b->begin, a->end - ROUNDING, "%s: holds of lock '%s' overlap: "
                          "[%.3f, %.3f] and [%.3f, %.3f]", t->example, (char *) k,
                          a->begin, a->end, b->begin, b->end);
        }
    }
    /* One pid per process; each child named, with its own row. */
    if (t->processes > 0)
        cr_assert_eq(g_hash_table_size(pids), (guint) t->processes, "%s: %u pids, not %d",
                     t->example, g_hash_table_size(pids), t->processes);
    g_hash_table_iter_init(&iter, pids);
    while (g_hash_table_iter_next(&iter, &k, NULL)) {
        gint64 pid = *(gint64 *) k;
        char *rk = key(pid, 1);

        cr_assert(g_hash_table_contains(process_named, k), "%s: pid %" G_GINT64_FORMAT
                  " has no process_name", t->example, pid);
        cr_assert(g_hash_table_contains(lives, rk), "%s: pid %" G_GINT64_FORMAT
                  " has no row of its own", t->example, pid);
        if (pid != main_pid)
            cr_assert_neq(pid, (gint64) getpid());
        g_free(rk);
    }
    for (const char *const *c = t->categories; *c; c++)
        cr_assert(g_hash_table_contains(categories, *c), "%s: no %s event", t->example, *c);
    for (const char *const *r = t->rows; *r; r++)
        cr_assert(g_hash_table_contains(named, *r), "%s: no row named %s", t->example, *r);

    /* The last line ends the main thread's life and the array. */
    JsonObject *last = json_array_get_object_element(events, n - 1);
    cr_assert_str_eq(member_string(last, "ph"), "E");
    cr_assert_eq(json_object_get_int_member(last, "pid"), main_pid);
    cr_assert_eq(json_object_get_int_member(last, "tid"), 1);

    g_ptr_array_unref(spans);
    g_hash_table_unref(lives);
    g_hash_table_unref(holds);
    g_hash_table_unref(pids);
    g_hash_table_unref(named);
    g_hash_table_unref(categories);
    g_hash_table_unref(process_named);
    g_free(pid_storage);
    g_free(program);
    return parser;
}

/* Run t's example with --trace into a fresh directory; assert it exited
 * with status; return the trace's path. */
static char *
run_traced_status(const Traced *t, char **dir, int status)
{
    GPtrArray *args = g_ptr_array_new();
    char *path, *option;
    CpRun *run;

    *dir = g_dir_make_tmp("conpar-trace-XXXXXX", NULL);
    cr_assert_not_null(*dir);
    path = g_build_filename(*dir, "trace.json", NULL);
    option = g_strconcat("--trace=", path, NULL);
    for (const char *const *a = t->args; *a; a++)
        g_ptr_array_add(args, (gpointer) *a);
    g_ptr_array_add(args, option);
    g_ptr_array_add(args, NULL);
    run = cp_test_runv(t->example, (const char *const *) args->pdata);
    cr_assert_eq(run->status, status, "%s: status %d, stderr: %s", t->example, run->status,
                 run->err);
    cp_run_free(run);
    g_ptr_array_unref(args);
    g_free(option);
    return path;
}

static char *
run_traced(const Traced *t, char **dir)
{
    return run_traced_status(t, dir, 0);
}

/* Whether some event has this cat and name (and this tid, unless 0). */
static gboolean
has_event(JsonParser *parser, const char *cat, const char *name, int tid)
{
    JsonArray *events = json_node_get_array(json_parser_get_root(parser));

    for (guint i = 0; i < json_array_get_length(events); i++) {
        JsonObject *e = json_array_get_object_element(events, i);

        if (g_strcmp0(member_string(e, "cat"), cat) == 0
            && g_strcmp0(member_string(e, "name"), name) == 0
            && (tid == 0 || json_object_get_int_member(e, "tid") == tid))
            return TRUE;
    }
    return FALSE;
}

static guint
count_events(JsonParser *parser, const char *cat, const char *name)
{
    JsonArray *events = json_node_get_array(json_parser_get_root(parser));
    guint n = 0;

    for (guint i = 0; i < json_array_get_length(events); i++) {
        JsonObject *e = json_array_get_object_element(events, i);

        n += g_strcmp0(member_string(e, "cat"), cat) == 0
             && g_strcmp0(member_string(e, "name"), name) == 0;
    }
    return n;
}

/* The tid of the thread named `name`: threads are numbered in the order
 * they first record something, which the scheduler decides. */
static gint64
tid_of(JsonParser *parser, const char *name)
{
    JsonArray *events = json_node_get_array(json_parser_get_root(parser));

    for (guint i = 0; i < json_array_get_length(events); i++) {
        JsonObject *e = json_array_get_object_element(events, i);

        if (g_strcmp0(member_string(e, "ph"), "M") == 0
            && g_strcmp0(member_string(e, "name"), "thread_name") == 0
            && g_strcmp0(json_object_get_string_member(json_object_get_object_member(e, "args"),
                                                       "name"), name) == 0)
            return json_object_get_int_member(e, "tid");
    }
    cr_assert_fail("no thread named %s", name);
    return 0;
}

static void
remove_run(char *dir, char *path)
{
    cr_assert_eq(unlink(path), 0);
    cr_assert_eq(rmdir(dir), 0);
    g_free(path);
    g_free(dir);
}

Test(trace, every_traced_example_keeps_the_invariants, .timeout = 120)
{
    for (size_t i = 0; i < G_N_ELEMENTS(traced); i++) {
        char *dir, *path = run_traced(&traced[i], &dir);

        g_object_unref(check_trace(path, &traced[i]));
        remove_run(dir, path);
    }
}

/* The trace does not change what the program prints. */
Test(trace, output_unchanged, .timeout = 30)
{
    char *dir = g_dir_make_tmp("conpar-trace-XXXXXX", NULL);
    char *option = g_strconcat("--trace=", dir, "/t.json", NULL);
    CpRun *plain = cp_test_run("pools/square_pool", NULL);
    CpRun *traced_run = cp_test_run("pools/square_pool", option, NULL);
    char *path = g_strconcat(dir, "/t.json", NULL);

    cp_test_assert_ok(traced_run);
    cr_assert_str_eq(traced_run->out, plain->out);
    cr_assert_str_eq(traced_run->err, "");
    cp_run_free(plain);
    cp_run_free(traced_run);
    g_free(option);
    remove_run(dir, path);
}

Test(trace, unwritable_file_is_a_usage_error, .timeout = 10)
{
    CpRun *run = cp_test_run("sync/even_odd_lock", "--trace=/nonexistent/dir/t.json", NULL);

    cp_test_assert_usage_error(run, "/nonexistent/dir/t.json");
    cr_assert(strstr(run->err, "No such file or directory") != NULL, "%s", run->err);
    cp_run_free(run);
}

#ifdef __linux__
/* A write error on the trace is an error: the program says so and exits 1. */
Test(trace, write_error_exits_1, .timeout = 10)
{
    CpRun *run = cp_test_run("pools/fetch_pool", "--trace=/dev/full", NULL);

    cr_assert_eq(run->status, 1, "status %d, stderr: %s", run->status, run->err);
    cr_assert(strstr(run->err, "fetch_pool: --trace /dev/full: write error: No space left on device")
              != NULL, "%s", run->err);
    cp_run_free(run);
}
#endif

/* The deadlock's threads never end: at exit the trace ends their waits and
 * holds, so that it shows the cycle (thread 1 holds A and waits for B;
 * thread 2 the other way round). */
Test(trace, a_deadlock_shows_who_holds_what, .timeout = 30)
{
    const Traced t = { "sync/deadlock", ARGS("--watchdog=0.2"), 1, ARGS("lock_hold", "lock_wait"),
                       ARGS("thread 1", "thread 2") };
    char *dir, *path = run_traced_status(&t, &dir, 3);
    JsonParser *parser = check_trace(path, &t);
    int one = (int) tid_of(parser, "thread 1"), two = (int) tid_of(parser, "thread 2");

    cr_assert(has_event(parser, "lock_hold", "A", one));
    cr_assert(has_event(parser, "lock_wait", "B", one));
    cr_assert(has_event(parser, "lock_hold", "B", two));
    cr_assert(has_event(parser, "lock_wait", "A", two));
    g_object_unref(parser);
    remove_run(dir, path);
}

/* Past CP_TRACE_MAX_EVENTS the trace says it was truncated, and still
 * ends every row. */
Test(trace, a_long_trace_is_truncated_whole, .timeout = 60)
{
    const Traced t = { "sync/inc_dec_counter", NONE, 1, ARGS("lock_hold"),
                       ARGS("Thread-1", "Thread-4") };
    char *dir, *path = run_traced(&t, &dir);
    JsonParser *parser = check_trace(path, &t);
    JsonArray *events = json_node_get_array(json_parser_get_root(parser));

    cr_assert(has_event(parser, "meta", "truncated", 0));
    cr_assert_leq(json_array_get_length(events), 200000 + 100);
    g_object_unref(parser);
    remove_run(dir, path);
}

/* Each cp_queue put and get is an instant: the lesson's ten items, each
 * put once and got once. */
Test(trace, every_queue_put_and_get_is_recorded, .timeout = 30)
{
    const Traced t = { "queues/producer_consumer", NONE, 1, ARGS("queue"),
                       ARGS("producer", "consumer") };
    char *dir, *path = run_traced(&t, &dir);
    JsonParser *parser = check_trace(path, &t);

    cr_assert_eq(count_events(parser, "queue", "put"), 10);
    cr_assert_eq(count_events(parser, "queue", "get"), 10);
    g_object_unref(parser);
    remove_run(dir, path);
}
