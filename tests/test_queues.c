/* Black-box tests of examples/queues/. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "cp_test.h"

/* Every Item-i produced once and consumed once, consumption in order, and
 * the producer never more than maxsize items ahead: it prints "Produced"
 * after its put returns and the consumer "Consumed" after its get, so the
 * printed lead can exceed what waits in the queue by the one item being
 * handed over. */
static void
assert_producer_consumer(const CpRun *run, int items, int maxsize)
{
    int produced = 0, consumed = 0;

    cp_test_assert_ok(run);
    cr_assert_eq(run->n_lines, (guint) (2 * items));
    for (guint i = 0; i < run->n_lines; i++) {
        const char *line = run->lines[i];
        char *want;

        if (g_str_has_prefix(line, "Produced: ")) {
            want = g_strdup_printf("Produced: Item-%d", produced++);
        } else {
            want = g_strdup_printf("Consumed: Item-%d", consumed++);
            cr_assert(consumed <= produced + 1, "consumed before produced: %s", line);
        }
        cr_assert_str_eq(line, want);
        cr_assert(produced - consumed <= maxsize + 1, "producer %d items ahead at line %u",
                  produced - consumed, i);
        g_free(want);
    }
    cr_assert_eq(produced, items);
    cr_assert_eq(consumed, items);
}

/* The lesson's 1-second get timeout, at scale 0.05, is 50 ms: enough margin
 * for a loaded machine, and the run still takes a fraction of a second. */
static const char *const slower_env[] = { "CONPAR_TIME_SCALE=0.05", NULL };

Test(producer_consumer, stops_by_timeout, .timeout = 30)
{
    const char *const args[] = { NULL };
    CpRun *run = cp_test_run_env(slower_env, "queues/producer_consumer", args);

    assert_producer_consumer(run, 10, 5);
    cp_run_free(run);
}

Test(producer_consumer, stops_by_sentinel, .timeout = 30)
{
    CpRun *run = cp_test_run("queues/producer_consumer", "--stop=sentinel", NULL);

    assert_producer_consumer(run, 10, 5);
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
