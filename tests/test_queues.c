/* SPDX-License-Identifier: 0BSD */
/* Black-box tests of examples/queues/. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "cp_test.h"

/* One lesson's producer-consumer cell: its items' names, the consumer's
 * line and the line that ends the run. */
typedef struct {
    const char *item_prefix;   /* item k is this prefix, then first + k */
    int first, items;
    const char *consumed;      /* "Consumed: " */
    int maxsize;               /* the queue's bound; 0: unbounded */
    const char *last;          /* the last line, or NULL */
} PcCell;

/* Lesson 002 §2 (d): Item-0..Item-9 through a queue of 5. */
static const PcCell lesson_002 = { "Item-", 0, 10, "Consumed: ", 5, NULL };

/* Lesson 002b "Producer-Consumer Pattern": item1..item5, consumer A. */
static const PcCell lesson_002b = {
    "item", 1, 5, "Consumer A consumed: ", 0, "Producer-Consumer completed!"
};

/* Every item produced once and consumed once, consumption in order, and
 * the producer never more than maxsize items ahead: it prints "Produced"
 * after its put returns and the consumer its line after its get, so the
 * printed lead can exceed what waits in the queue by the one item being
 * handed over.  Nothing else is printed, but the cell's last line, last. */
static void
assert_producer_consumer(const CpRun *run, const PcCell *cell)
{
    int produced = 0, consumed = 0;
    guint n_items = run->n_lines - (cell->last ? 1 : 0);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, (guint) (2 * cell->items) + (cell->last ? 1 : 0), "%s", run->out);
    for (guint i = 0; i < n_items; i++) {
        const char *line = run->lines[i];
        char *want;

        if (g_str_has_prefix(line, "Produced: ")) {
            want = g_strdup_printf("Produced: %s%d", cell->item_prefix, cell->first + produced++);
        } else {
            want = g_strdup_printf("%s%s%d", cell->consumed, cell->item_prefix,
                                   cell->first + consumed++);
            cr_assert(consumed <= produced + 1, "consumed before produced: %s", line);
        }
        cr_assert_str_eq(line, want);
        if (cell->maxsize > 0)
            cr_assert(produced - consumed <= cell->maxsize + 1,
                      "producer %d items ahead at line %u", produced - consumed, i);
        g_free(want);
    }
    cr_assert_eq(produced, cell->items);
    cr_assert_eq(consumed, cell->items);
    if (cell->last)
        cr_assert_str_eq(run->lines[n_items], cell->last);
}

/* The lesson's 1-second get timeout, at scale 0.05, is 50 ms: enough margin
 * for a loaded machine, and the run still takes a fraction of a second. */
static const char *const slower_env[] = { "CONPAR_TIME_SCALE=0.05", NULL };

Test(producer_consumer, stops_by_timeout, .timeout = 30)
{
    const char *const args[] = { NULL };
    CpRun *run = cp_test_run_env(slower_env, "queues/producer_consumer", args);

    assert_producer_consumer(run, &lesson_002);
    cp_run_free(run);
}

Test(producer_consumer, stops_by_sentinel, .timeout = 30)
{
    CpRun *run = cp_test_run("queues/producer_consumer", "--stop=sentinel", NULL);

    assert_producer_consumer(run, &lesson_002);
    cp_run_free(run);
}

/* At scale 0 the consumer's 1 s timeout is 0: it may give up while the
 * producer still has items.  Then it closes the queue, and the run must
 * end (not hang on a full queue) and account for every item: each one
 * produced is consumed or counted as lost, and a loss exits 1. */
Test(producer_consumer, consumer_giving_up_loses_nothing_silently, .timeout = 60)
{
    for (int r = 0; r < 20; r++) {
        CpRun *run = cp_test_run("queues/producer_consumer", "--time-scale=0", NULL);
        guint produced = cp_test_count_prefix(run, "Produced: ");
        guint consumed = cp_test_count_prefix(run, "Consumed: ");
        unsigned long lost = 0;

        cr_assert_leq(consumed, produced, "%s", run->out);
        if (run->status == 0) {
            cr_assert_eq(produced, 10, "%s", run->out);
            cr_assert_eq(consumed, 10, "%s", run->out);
            cr_assert_str_empty(run->err);
        } else {
            cr_assert_eq(run->status, 1, "status %d: %s", run->status, run->err);
            cr_assert_eq(sscanf(run->err, "producer_consumer: %lu items were never consumed", &lost), 1,
                         "stderr: %s", run->err);
            cr_assert_eq(consumed + lost, 10, "%u consumed, %lu lost: %s", consumed, lost, run->out);
        }
        cp_run_free(run);
    }
}

/* --lesson=002b: 002b's items, names and last line, ended by the sentinel;
 * --stop=timeout ends the same run by 002's rule instead. */
Test(producer_consumer, lesson_002b_output, .timeout = 30)
{
    const char *const args[] = { "--lesson=002b", NULL };
    /* 002b's producer waits half the 1 s timeout: at scale 0.1, 50 ms of margin. */
    const char *const by_timeout[] = { "--lesson=002b", "--stop=timeout", "--time-scale=0.1", NULL };
    CpRun *run = cp_test_runv("queues/producer_consumer", args);

    assert_producer_consumer(run, &lesson_002b);
    cp_run_free(run);

    run = cp_test_runv("queues/producer_consumer", by_timeout);
    assert_producer_consumer(run, &lesson_002b);
    cp_run_free(run);
}

/* The lesson's lines, written out: the consumer (0.3 s) is faster than
 * the producer (0.5 s), so at the lesson's pace each item is consumed
 * before the next is produced, as the lesson prints them (at scale 0.2,
 * with 40 ms to spare). */
Test(producer_consumer, lesson_002b_pairs_at_lesson_pace, .timeout = 30)
{
    const char *const lines[] = {
        "Produced: item1", "Consumer A consumed: item1",
        "Produced: item2", "Consumer A consumed: item2",
        "Produced: item3", "Consumer A consumed: item3",
        "Produced: item4", "Consumer A consumed: item4",
        "Produced: item5", "Consumer A consumed: item5",
        "Producer-Consumer completed!", NULL
    };
    CpRun *run = cp_test_run("queues/producer_consumer", "--lesson=002b", "--time-scale=0.2", NULL);

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 11, "%s", run->out);
    /* Within a pair the order is racy: the put comes before its print. */
    for (guint i = 0; i + 1 < 10; i += 2) {
        gboolean in_order = g_strcmp0(run->lines[i], lines[i]) == 0
                            && g_strcmp0(run->lines[i + 1], lines[i + 1]) == 0;
        gboolean swapped = g_strcmp0(run->lines[i], lines[i + 1]) == 0
                           && g_strcmp0(run->lines[i + 1], lines[i]) == 0;

        cr_assert(in_order || swapped, "lines %u-%u: %s", i, i + 1, run->out);
    }
    cr_assert_str_eq(run->lines[10], lines[10]);
    cp_run_free(run);
}

Test(producer_consumer, rejects_unknown_lesson, .timeout = 20)
{
    CpRun *run = cp_test_run("queues/producer_consumer", "--lesson=003", NULL);
    cp_test_assert_usage_error(run, "'003'");
    cp_run_free(run);

    run = cp_test_run("queues/producer_consumer", "--lesson=2", NULL);
    cp_test_assert_usage_error(run, "'2'");
    cp_run_free(run);
}

Test(producer_consumer, rejects_bad_stop, .timeout = 20)
{
    CpRun *run = cp_test_run("queues/producer_consumer", "--stop=never", NULL);

    cp_test_assert_usage_error(run, "'never'");
    cp_run_free(run);
}

Test(producer_consumer, rejects_bad_time_scale, .timeout = 20)
{
    CpRun *run = cp_test_run("queues/producer_consumer", "--time-scale=-1", NULL);

    cp_test_assert_usage_error(run, "'-1'");
    cp_run_free(run);
}

Test(producer_consumer, help, .timeout = 20)
{
    cp_test_assert_help("queues/producer_consumer");
}

/* multi_producer_consumer: each producer puts P<p>-0..2 in its own order,
 * each of the six items is got exactly once (by either consumer), and the
 * last line comes after everything. */
static void
assert_multi_producer_consumer(const CpRun *run)
{
    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, 13, "%s", run->out);
    cr_assert_eq(cp_test_count_prefix(run, "Producer "), 6);
    cr_assert_eq(cp_test_count_prefix(run, "Consumer "), 6);
    for (int p = 1; p <= 2; p++) {
        int at = -1;

        for (int i = 0; i < 3; i++) {
            char *put = g_strdup_printf("Producer P%d put: P%d-%d", p, p, i);
            char *by_c1 = g_strdup_printf("Consumer C1 got: P%d-%d", p, i);
            char *by_c2 = g_strdup_printf("Consumer C2 got: P%d-%d", p, i);
            int found = cp_test_find_line(run, put, 0);
            int got1 = cp_test_find_line(run, by_c1, 0);
            int got2 = cp_test_find_line(run, by_c2, 0);

            cr_assert(found > at, "missing or out of order: %s", put);
            cr_assert_eq(cp_test_find_line(run, put, found + 1), -1, "twice: %s", put);
            cr_assert((got1 >= 0) != (got2 >= 0), "P%d-%d got %s", p, i,
                      got1 >= 0 ? "by both consumers" : "by neither consumer");
            cr_assert_eq(cp_test_find_line(run, got1 >= 0 ? by_c1 : by_c2,
                                           (got1 >= 0 ? got1 : got2) + 1), -1,
                         "P%d-%d got twice", p, i);
            at = found;
            g_free(put);
            g_free(by_c1);
            g_free(by_c2);
        }
    }
    cr_assert_str_eq(run->lines[12], "Thread-safe operations completed!");
}

Test(multi_producer_consumer, lesson_output, .timeout = 20)
{
    CpRun *run = cp_test_run("queues/multi_producer_consumer", NULL);

    assert_multi_producer_consumer(run);
    cp_run_free(run);
}

/* The interleaving changes from run to run; the invariants must not. */
Test(multi_producer_consumer, every_run_gets_each_item_once, .timeout = 20)
{
    for (int r = 0; r < 5; r++) {
        CpRun *run = cp_test_run("queues/multi_producer_consumer", r % 2 ? "--time-scale=0" : "--time-scale=0.01", NULL);

        assert_multi_producer_consumer(run);
        cp_run_free(run);
    }
}

Test(multi_producer_consumer, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("queues/multi_producer_consumer", "P3", NULL);
    cp_test_assert_usage_error(run, "'P3'");
    cp_run_free(run);

    run = cp_test_run("queues/multi_producer_consumer", "--time-scale=1e9", NULL);
    cp_test_assert_usage_error(run, "'1e9'");
    cp_run_free(run);

    run = cp_test_run("queues/multi_producer_consumer", "--lesson=002", NULL);   /* one lesson only */
    cp_test_assert_usage_error(run, "--lesson");
    cp_run_free(run);
}

Test(multi_producer_consumer, help, .timeout = 20)
{
    cp_test_assert_help("queues/multi_producer_consumer");
}

/* queue_reader: "Read: Data-0" .. "Read: Data-<k-1>" in order, each once,
 * then, with -v, the summary line for k.  Returns k. */
static int
assert_queue_reader(const CpRun *run, gboolean verbose)
{
    int k = (int) run->n_lines - (verbose ? 1 : 0);
    char *summary;

    cp_test_assert_ok(run);
    cr_assert(k >= 0 && k <= 5, "%u lines: %s", run->n_lines, run->out);
    for (int i = 0; i < k; i++) {
        char *line = g_strdup_printf("Read: Data-%d", i);

        cr_assert_str_eq(run->lines[i], line);
        g_free(line);
    }
    if (!verbose)
        return k;
    if (k == 5)
        summary = g_strdup("Reader read 5 of 5 items");
    else
        summary = g_strdup_printf("Reader read %d of 5 items; %d never read, left in the queue",
                                  k, 5 - k);
    cr_assert_str_eq(run->lines[k], summary);
    g_free(summary);
    return k;
}

Test(queue_reader, fixed_reads_every_item_every_time, .timeout = 20)
{
    static const char *const scales[] = { "--time-scale=0.01", "--time-scale=0", "--time-scale=0.05" };

    for (int r = 0; r < 9; r++) {
        CpRun *run = cp_test_run("queues/queue_reader", "--fixed", "-v", scales[r % 3], NULL);

        cr_assert_eq(assert_queue_reader(run, TRUE), 5, "read only part: %s", run->out);
        cp_run_free(run);
    }
}

/* Without -v, --fixed prints the five reads and nothing else. */
Test(queue_reader, fixed_prints_only_the_reads, .timeout = 20)
{
    const char *const lines[] = {
        "Read: Data-0", "Read: Data-1", "Read: Data-2", "Read: Data-3", "Read: Data-4", NULL
    };
    CpRun *run = cp_test_run("queues/queue_reader", "--fixed", NULL);

    cp_test_assert_lines(run, lines);
    cp_run_free(run);
}

/* The lesson's loop stops whenever it finds the queue empty: anything from
 * none to all five, but never an item twice or out of order. */
Test(queue_reader, lesson_loop_reads_a_prefix, .timeout = 20)
{
    for (int r = 0; r < 9; r++) {
        CpRun *run = cp_test_run("queues/queue_reader", "-v",
                                 r % 3 ? "--time-scale=0.01" : "--time-scale=0", NULL);

        assert_queue_reader(run, TRUE);
        cp_run_free(run);
    }
}

/* At the lesson's own pace the writer pauses 0.1 s after each put: far
 * longer than the reader needs to print an item and find the queue empty
 * (it would have to be held up for 0.4 s to find all five waiting).  It
 * loses items, which is the point; how many is the machine's call. */
Test(queue_reader, lesson_loop_quits_early, .timeout = 20)
{
    CpRun *run = cp_test_run("queues/queue_reader", "-v", "--time-scale=1", NULL);

    cr_assert_lt(assert_queue_reader(run, TRUE), 5, "the lesson's reader read all: %s", run->out);
    cp_run_free(run);
}

/* Lesson 002 §2 (e) prints exactly "Read: Data-0".  The reader may also
 * look before the writer's first put and print nothing, so the lesson's
 * line must come in one of a few runs at the lesson's pace, and no run
 * prints anything but reads (no summary without -v). */
Test(queue_reader, default_prints_the_lesson_line, .timeout = 30)
{
    const char *const lesson[] = { "Read: Data-0", NULL };
    gboolean seen = FALSE;

    for (int r = 0; r < 8 && !seen; r++) {
        CpRun *run = cp_test_run("queues/queue_reader", "--time-scale=1", NULL);

        cr_assert_lt(assert_queue_reader(run, FALSE), 5, "%s", run->out);
        if (run->n_lines == 1) {
            cp_test_assert_lines(run, lesson);
            seen = TRUE;
        }
        cp_run_free(run);
    }
    cr_assert(seen, "8 runs, and none printed just 'Read: Data-0'");
}

Test(queue_reader, rejects_bad_input, .timeout = 20)
{
    CpRun *run = cp_test_run("queues/queue_reader", "--navie", NULL);
    cp_test_assert_usage_error(run, "--navie");
    cp_run_free(run);

    run = cp_test_run("queues/queue_reader", "naive", NULL);
    cp_test_assert_usage_error(run, "'naive'");
    cp_run_free(run);

    run = cp_test_run("queues/queue_reader", "--lesson=002", NULL);   /* one lesson only */
    cp_test_assert_usage_error(run, "--lesson");
    cp_run_free(run);
}

Test(queue_reader, help, .timeout = 20)
{
    cp_test_assert_help("queues/queue_reader");
}
