/* SPDX-License-Identifier: 0BSD */
/* Black-box tests of trace/timeline on hand-written traces (tests/data):
 * the exact chart, nesting and ties, rows of several processes, a trace
 * cut short, the SVG, the -v figures, and bad input.
 *
 * The traces use round timestamps, so every column's winner is known by
 * hand: in pool.json (time scale 0.01, 1 lesson second = 10000 us)
 * Worker-1 lives from 0.1 s to 2.5 s and runs a task from 0.2 s to 2.2 s,
 * sleeping 0.3-1.3 s, waiting for the lock 1.3-1.4 s, holding it 1.4-2.0 s
 * with a sleep 1.5-1.8 s inside; Worker-2 runs a task 0.2-1.2 s, blocked
 * on a get 0.2-0.5 s, then sleeping 0.5-1.1 s.
 */
#include <config.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cp_test.h"

#define LINES(...) ((const char *const[]) { __VA_ARGS__, NULL })

/* tests/data/<name> in the source tree.  g_free() it. */
static char *
trace_path(const char *name)
{
    const char *srcdir = g_getenv("CONPAR_SRCDIR");

    cr_assert_not_null(srcdir, "CONPAR_SRCDIR is not set (make check sets it)");
    return g_build_filename(srcdir, "tests", "data", name, NULL);
}

/* Run the timeline on tests/data/<name> with one option (or NULL). */
static CpRun *
run_timeline(const char *option, const char *name)
{
    char *path = trace_path(name);
    CpRun *run = option ? cp_test_run("trace/timeline", option, path, NULL)
                        : cp_test_run("trace/timeline", path, NULL);

    g_free(path);
    return run;
}

/* Exit 0, nothing on stderr, and exactly these lines, each compared. */
static void
assert_chart(const CpRun *run, const char *const *lines)
{
    guint n = g_strv_length((char **) lines);

    cr_assert_eq(run->status, 0, "exit status %d, stderr: %s", run->status, run->err);
    cr_assert_str_empty(run->err);
    for (guint i = 0; i < n && i < run->n_lines; i++)
        cr_assert_str_eq(run->lines[i], lines[i], "line %u of:\n%s", i + 1, run->out);
    cr_assert_eq(run->n_lines, n, "%u lines, want %u:\n%s", run->n_lines, n, run->out);
}

/* pool.json's chart at the default width: 72 columns would make a line of
 * 85 with the labels, so 67 keep it to 80. */
static const char *const pool_chart[] = {
    "fetch_pool: 3 rows over 3.00 lesson seconds (time scale 0.01)",
    "MainThread |===================================================================|",
    "Worker-1   |  ==TTTzzzzzzzzzzzzzzzzzzzzzzLL##zzzzzzz#####TTTT=======           |",
    "Worker-2   |  ==QQQQQQQzzzzzzzzzzzzzzTT=============================           |",
    "           +----------+----------+-----------+----------+----------+-----------+",
    "          0.0        0.5        1.0         1.5        2.0        2.5        3.0",
    "Legend: = running  # holding a lock  L waiting for a lock  Q blocked on a queue",
    "        z sleeping  T running a task  (blank) not alive",
    NULL
};

Test(timeline, draws_a_known_trace_at_the_default_width, .timeout = 30)
{
    CpRun *run = run_timeline(NULL, "pool.json");

    assert_chart(run, pool_chart);
    cp_run_free(run);
}

Test(timeline, draws_a_known_trace_in_30_columns, .timeout = 30)
{
    CpRun *run = run_timeline("--width=30", "pool.json");

    assert_chart(run, LINES(
        "fetch_pool: 3 rows over 3.00 lesson seconds (time scale 0.01)",
        "MainThread |==============================|",
        "Worker-1   | =TzzzzzzzzzzL#zzz##TT===     |",
        "Worker-2   | =QQQzzzzzzT=============     |",
        "           +---------+---------+----------+",
        "           0         1         2          3",
        "Legend: = running  # holding a lock  L waiting for a lock  Q blocked on a queue",
        "        z sleeping  T running a task  (blank) not alive"));
    cp_run_free(run);
}

/* nest.json: lock wait 0-1.5 ms, lock held 1.5-10 ms with a sleep
 * 3.5-7.5 ms inside.  At 10 columns (1 ms each), column 1 is half 'L' and
 * half '#', and columns 3 and 7 half '#' and half 'z': ties, which the
 * waiting states win. */
Test(timeline, a_sleep_inside_a_lock_hold_shows_z_and_ties_go_to_waiting, .timeout = 30)
{
    CpRun *run = run_timeline("--width=10", "nest.json");

    assert_chart(run, LINES(
        "even_odd_lock: 1 row over 0.0100 lesson seconds (time scale 1)",
        "Thread-1 |LL#zzzzz##|",
        "         +----------+",
        "        0.00     0.01",
        "Legend: # holding a lock  L waiting for a lock  z sleeping"));
    cp_run_free(run);
}

/* brief.json: a thread alive for a fifth of a column still gets its mark
 * (its wait for the lock ties with its hold, and waiting wins); a wait on a
 * condition variable is W. */
Test(timeline, a_brief_thread_shows_and_condition_waits_are_w, .timeout = 30)
{
    CpRun *run = run_timeline("--width=10", "brief.json");

    assert_chart(run, LINES(
        "brief: 3 rows over 0.0100 lesson seconds (time scale 1)",
        "main     |==========|",
        "Thread-1 |  L       |",
        "Thread-2 |     WWW= |",
        "         +----------+",
        "        0.00     0.01",
        "Legend: = running  L waiting for a lock  W waiting on a condition",
        "        (blank) not alive"));
    cp_run_free(run);
}

/* processes.json: the parent (pid 300) and two children named by their
 * process_name, not their thread_name ("MainThread"); pid 305 appears
 * before pid 302, and so comes first. */
Test(timeline, rows_of_child_processes_take_their_process_names, .timeout = 30)
{
    CpRun *run = run_timeline("--width=40", "processes.json");

    assert_chart(run, LINES(
        "fib_pool: 3 rows over 2.00 lesson seconds (time scale 0.5)",
        "MainThread |======QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ====|",
        "Process-1  |    ====TTTTTTTTTTTTTTTTTTTTTTTT====    |",
        "Process-2  |      ==TTTTTTTTTTTTTTTTTTTTTTTTTTTT==  |",
        "           +---------+---------+---------+----------+",
        "          0.0       0.5       1.0       1.5       2.0",
        "Legend: = running  Q blocked on a queue  T running a task  (blank) not alive"));
    cp_run_free(run);
}

/* loop.json: callbacks only, no life events (a row lives from its first
 * span to its last); tid 3 appears first but tid 1 is drawn first, and
 * tid 3 has no name. */
Test(timeline, callbacks_rows_without_life_events_and_unnamed_threads, .timeout = 30)
{
    CpRun *run = run_timeline("--width=20", "loop.json");

    assert_chart(run, LINES(
        "gather: 2 rows over 2.00 lesson seconds (time scale 0.1)",
        "MainThread   |  C===C========C    |",
        "pid 50 tid 3 |          CC======CC|",
        "             +---------+----------+",
        "             0         1          2",
        "Legend: = running  C running a callback  (blank) not alive"));
    cp_run_free(run);
}

/* truncated.json is pool.json as a killed program leaves it: no final
 * ']', a comma after the last event. */
Test(timeline, a_trace_without_its_final_bracket_still_draws, .timeout = 30)
{
    CpRun *run = run_timeline(NULL, "truncated.json");

    assert_chart(run, pool_chart);
    cp_run_free(run);
}

Test(timeline, verbose_gives_the_time_in_each_state_and_the_events_read, .timeout = 30)
{
    CpRun *run = run_timeline("-v", "pool.json");
    guint n = g_strv_length((char **) pool_chart);

    cr_assert_eq(run->n_lines, n + 4, "%s", run->out);
    cr_assert_str_eq(run->lines[n], "MainThread: running 3.00 s");
    cr_assert_str_eq(run->lines[n + 1], "Worker-1: running 0.40 s, holding a lock 0.30 s, "
                     "waiting for a lock 0.10 s, sleeping 1.30 s, running a task 0.30 s");
    cr_assert_str_eq(run->lines[n + 2], "Worker-2: running 1.40 s, blocked on a queue 0.30 s, "
                     "sleeping 0.60 s, running a task 0.10 s");
    cr_assert_str_eq(run->lines[n + 3], "Events: 19 read, 14 drawn, 0 skipped "
                     "(a field missing or of the wrong type)");
    cp_run_free(run);
}

/* odd.json: a string ts, a number that is not an object, a pid of 9.5 and
 * an X without dur are skipped and counted; an E without B, an unknown cat
 * and a counter event are ignored; the B without E lasts to the end. */
Test(timeline, skips_and_counts_malformed_events, .timeout = 30)
{
    CpRun *run = run_timeline("-v", "odd.json");

    cr_assert_eq(run->status, 0, "%s", run->err);
    cr_assert_str_eq(run->lines[0], "odd: 1 row over 4.00 lesson seconds (time scale 0.001)");
    cr_assert(g_str_has_prefix(run->lines[1], "Thread-1 |==="), "%s", run->out);
    cr_assert(g_str_has_suffix(run->lines[1], "zzz|"), "%s", run->out);
    cr_assert(cp_test_has_line(run, "Thread-1: running 1.00 s, sleeping 3.00 s"), "%s", run->out);
    cr_assert(cp_test_has_line(run, "Events: 10 read, 2 drawn, 4 skipped "
                               "(a field missing or of the wrong type)"), "%s", run->out);
    cp_run_free(run);
}

/* ------------------------------------------------------------------- SVG */

typedef struct {
    guint rects;
    gboolean sized;     /* the root <svg> has width, height and viewBox */
} SvgCount;

static void
svg_start(GMarkupParseContext *context, const char *element, const char **names,
          const char **values, gpointer data, GError **error)
{
    SvgCount *count = data;

    (void) context;
    (void) values;
    (void) error;
    if (strcmp(element, "rect") == 0)
        count->rects++;
    if (strcmp(element, "svg") == 0)
        count->sized = g_strv_contains(names, "width") && g_strv_contains(names, "height")
                       && g_strv_contains(names, "viewBox");
}

Test(timeline, svg_is_well_formed_with_a_rect_per_segment_and_renders, .timeout = 60)
{
    char *dir = g_dir_make_tmp("conpar-timeline-XXXXXX", NULL);
    char *svg = g_build_filename(dir, "pool.svg", NULL);
    char *png = g_build_filename(dir, "pool.png", NULL);
    char *option = g_strconcat("--svg=", svg, NULL);
    CpRun *run = run_timeline(option, "pool.json");
    const GMarkupParser parser = { .start_element = svg_start };
    SvgCount count = { 0, FALSE };
    GMarkupParseContext *context;
    char *text, *rsvg;
    gsize length;
    GError *error = NULL;

    cr_assert_not_null(dir);
    assert_chart(run, pool_chart);
    cr_assert(g_file_get_contents(svg, &text, &length, &error), "%s",
              error ? error->message : "");
    context = g_markup_parse_context_new(&parser, (GMarkupParseFlags) 0, &count, NULL);
    cr_assert(g_markup_parse_context_parse(context, text, (gssize) length, &error)
              && g_markup_parse_context_end_parse(context, &error),
              "not well-formed XML: %s", error ? error->message : "");
    cr_assert(count.sized, "the <svg> element lacks width, height or viewBox");
    /* The background; a rect per segment where the row is alive, at full
     * resolution (MainThread 1, Worker-1 9, Worker-2 5); and one per
     * state in the legend (6). */
    cr_assert_eq(count.rects, 1 + 15 + 6, "%u rects:\n%s", count.rects, text);
    cr_assert_null(strstr(text, "href"), "an external resource in:\n%s", text);

    rsvg = g_find_program_in_path("rsvg-convert");
    if (rsvg) {
        const char *argv[] = { rsvg, "-o", png, svg, NULL };
        int status;

        cr_assert(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                               NULL, NULL, NULL, &status, &error), "%s",
                  error ? error->message : "");
        cr_assert(g_spawn_check_wait_status(status, NULL), "rsvg-convert failed on:\n%s", text);
        cr_assert(g_file_test(png, G_FILE_TEST_IS_REGULAR));
        g_unlink(png);
    } else {
        cr_log_info("rsvg-convert is not on PATH: the SVG was not rendered");
    }

    g_markup_parse_context_free(context);
    g_free(rsvg);
    g_free(text);
    cp_run_free(run);
    g_unlink(svg);
    g_rmdir(dir);
    g_free(option);
    g_free(png);
    g_free(svg);
    g_free(dir);
}

/* ------------------------------------------------------------- bad input */

/* The timeline on tests/data/<name> with option (or NULL) exits 2 and
 * its one line says message. */
static void
assert_rejects(const char *option, const char *name, const char *message)
{
    CpRun *run = run_timeline(option, name);

    cp_test_assert_usage_error(run, message);
    cp_run_free(run);
}

/* A short relative path: a long one is cut short in the message. */
Test(timeline, a_missing_file_is_a_usage_error, .timeout = 30)
{
    CpRun *run = cp_test_run("trace/timeline", "no-such-trace.json", NULL);

    cp_test_assert_usage_error(run, "'no-such-trace.json': No such file or directory");
    cp_run_free(run);
}

Test(timeline, a_file_that_is_not_json_is_a_usage_error, .timeout = 30)
{
    assert_rejects(NULL, "not_json.json", "' is not JSON: line 1: ");   /* the path may be cut */
}

Test(timeline, a_json_object_is_not_a_trace, .timeout = 30)
{
    assert_rejects(NULL, "object.json", "is not a trace: a JSON object, not an array of events");
}

Test(timeline, an_empty_array_is_not_a_trace, .timeout = 30)
{
    assert_rejects(NULL, "empty.json", "is not a trace: an empty array");
}

Test(timeline, a_width_out_of_range_is_a_usage_error, .timeout = 30)
{
    assert_rejects("--width=5", "pool.json", "--width '5' is out of range (10..1000)");
}

Test(timeline, no_trace_is_a_usage_error, .timeout = 30)
{
    CpRun *run = cp_test_run("trace/timeline", NULL);

    cp_test_assert_usage_error(run, "no TRACE given");
    cp_run_free(run);
}
