/* SPDX-License-Identifier: 0BSD */
/* test_procpool.c: cp_procpool, Pool.map over forked workers.
 *
 * The task functions run in the workers; what they do wrong (abort(),
 * _exit(3)) must come back to map as an error, never as a hang or a
 * zombie.
 */
#include <config.h>

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp_die.h"
#include "cp_procpool.h"
#include "cp_test.h"
#include "cp_time.h"

/* x*x, slowly for the first inputs, so they finish after later ones. */
static void
square_slow_start(const void *input, void *output, void *user_data)
{
    int x = *(const int *) input;

    (void) user_data;
    if (x < 6)
        cp_sleep_real(0.02 * (6 - x));
    *(long *) output = (long) x * x;
}

Test(procpool, results_in_input_order, .timeout = 10)
{
    int inputs[100];
    long outputs[100];
    GError *error = NULL;
    CpProcPool *pool = cp_procpool_new(3);

    cr_assert_eq(cp_procpool_get_workers(pool), 3);
    for (int i = 0; i < 100; i++)
        inputs[i] = i;
    memset(outputs, 0xff, sizeof outputs);
    cr_assert(cp_procpool_map(pool, square_slow_start, inputs, sizeof inputs[0], 100,
                              outputs, sizeof outputs[0], NULL, &error),
              "map: %s", error->message);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(outputs[i], (long) i * i, "outputs[%d] = %ld", i, outputs[i]);
    cp_test_assert_no_children();
    cp_procpool_free(pool);
}

static void
exp_task(const void *input, void *output, void *user_data)
{
    (void) user_data;
    *(double *) output = exp(*(const double *) input);
}

Test(procpool, doubles, .timeout = 10)
{
    double inputs[] = { 2, 3, 4, 5, -1.5, 0 };
    double outputs[G_N_ELEMENTS(inputs)];
    GError *error = NULL;
    CpProcPool *pool = cp_procpool_new(2);

    cr_assert(cp_procpool_map(pool, exp_task, inputs, sizeof inputs[0], G_N_ELEMENTS(inputs),
                              outputs, sizeof outputs[0], NULL, &error),
              "map: %s", error->message);
    for (gsize i = 0; i < G_N_ELEMENTS(inputs); i++)
        cr_assert(outputs[i] == exp(inputs[i]), "exp(%g) gave %g", inputs[i], outputs[i]);
    cp_procpool_free(pool);
}

typedef struct { int a, b; } Pair;
typedef struct { long sum; double ratio; char text[24]; } Summary;

/* Input and output of different sizes; user_data reaches the worker. */
static void
summarize(const void *input, void *output, void *user_data)
{
    const Pair *p = input;
    Summary *s = output;

    s->sum = p->a + p->b;
    s->ratio = (double) p->a / p->b;
    snprintf(s->text, sizeof s->text, "%s%d/%d", (const char *) user_data, p->a, p->b);
}

Test(procpool, structs, .timeout = 10)
{
    Pair inputs[7];
    Summary outputs[7];
    GError *error = NULL;
    CpProcPool *pool = cp_procpool_new(3);

    cr_assert_neq(sizeof(Pair), sizeof(Summary));
    for (int i = 0; i < 7; i++)
        inputs[i] = (Pair) { i, i + 1 };
    cr_assert(cp_procpool_map(pool, summarize, inputs, sizeof inputs[0], 7,
                              outputs, sizeof outputs[0], "pair ", &error),
              "map: %s", error->message);
    for (int i = 0; i < 7; i++) {
        char want[24];

        snprintf(want, sizeof want, "pair %d/%d", i, i + 1);
        cr_assert_eq(outputs[i].sum, 2 * i + 1);
        cr_assert(outputs[i].ratio == (double) i / (i + 1));
        cr_assert_str_eq(outputs[i].text, want);
    }
    cp_procpool_free(pool);
}

/* An output larger than a pipe holds (64 KiB on Linux): the parent must
 * read while the worker writes. */
typedef struct { unsigned char bytes[200 * 1024]; } Big;

static void
fill_big(const void *input, void *output, void *user_data)
{
    int x = *(const int *) input;

    (void) user_data;
    for (size_t i = 0; i < sizeof(Big); i++)
        ((Big *) output)->bytes[i] = (unsigned char) (i * 7 + (size_t) x);
}

Test(procpool, outputs_larger_than_a_pipe, .timeout = 10)
{
    int inputs[] = { 0, 1, 2, 3, 4, 5 };
    Big *outputs = g_new(Big, G_N_ELEMENTS(inputs));
    GError *error = NULL;
    CpProcPool *pool = cp_procpool_new(2);

    cr_assert(cp_procpool_map(pool, fill_big, inputs, sizeof inputs[0], G_N_ELEMENTS(inputs),
                              outputs, sizeof outputs[0], NULL, &error),
              "map: %s", error->message);
    for (int x = 0; x < 6; x++)
        for (size_t i = 0; i < sizeof(Big); i++)
            if (outputs[x].bytes[i] != (unsigned char) (i * 7 + (size_t) x))
                cr_assert_fail("output %d, byte %zu is wrong", x, i);
    g_free(outputs);
    cp_procpool_free(pool);
}

static void
my_pid(const void *input, void *output, void *user_data)
{
    (void) input;
    (void) user_data;
    cp_sleep_real(0.002);   /* so that more than one worker gets a turn */
    *(pid_t *) output = getpid();
}

Test(procpool, workers_are_other_processes, .timeout = 10)
{
    char inputs[40] = { 0 };
    pid_t pids[40];
    GHashTable *seen = g_hash_table_new(NULL, NULL);
    GError *error = NULL;
    CpProcPool *pool = cp_procpool_new(4);

    cr_assert(cp_procpool_map(pool, my_pid, inputs, sizeof inputs[0], 40,
                              pids, sizeof pids[0], NULL, &error),
              "map: %s", error->message);
    for (int i = 0; i < 40; i++) {
        cr_assert(pids[i] > 0 && pids[i] != getpid(), "input %d ran in pid %ld", i, (long) pids[i]);
        g_hash_table_add(seen, GINT_TO_POINTER(pids[i]));
    }
    cr_assert(g_hash_table_size(seen) >= 1 && g_hash_table_size(seen) <= 4,
              "%u distinct workers for a pool of 4", g_hash_table_size(seen));
    cp_test_assert_no_children();
    g_hash_table_destroy(seen);
    cp_procpool_free(pool);
}

typedef struct { pid_t pid; int fds; } WorkerFds;

static void
report_fds(const void *input, void *output, void *user_data)
{
    (void) input;
    (void) user_data;
    cp_sleep_real(0.005);
    *(WorkerFds *) output = (WorkerFds) { getpid(), cp_test_count_open_fds() };
}

/* Every worker holds the same descriptors: the ones it inherited, plus its
 * own two pipe ends, never a copy of an earlier sibling's.  (Such a copy
 * of a task pipe's write end would keep that sibling from reading end of
 * file.)  And map leaves no descriptor open in the caller. */
Test(procpool, no_descriptor_leaks, .timeout = 10)
{
    char inputs[12] = { 0 };
    WorkerFds outputs[12];
    GError *error = NULL;
    CpProcPool *pool = cp_procpool_new(3);
    int before = cp_test_count_open_fds();

    cr_assert(cp_procpool_map(pool, report_fds, inputs, 1, 12, outputs, sizeof outputs[0], NULL, &error),
              "map: %s", error->message);
    for (int i = 1; i < 12; i++)
        cr_assert_eq(outputs[i].fds, outputs[0].fds, "worker %ld has %d descriptors open, worker %ld %d",
                     (long) outputs[i].pid, outputs[i].fds, (long) outputs[0].pid, outputs[0].fds);
    cr_assert_eq(cp_test_count_open_fds(), before, "map left descriptors open");
    cp_procpool_free(pool);
}

/* Dies on input 2, by abort() or _exit(3) as user_data says.  The rest
 * take a moment, so that the other workers are busy when it dies. */
static void
die_on_two(const void *input, void *output, void *user_data)
{
    int x = *(const int *) input;

    if (x == 2) {
        if (strcmp(user_data, "abort") == 0) {
            signal(SIGABRT, SIG_DFL);   /* whatever the test runner set */
            abort();
        }
        _exit(3);
    }
    cp_sleep_real(0.01);
    *(int *) output = -x;
}

/* map fails promptly with WORKER_DIED, and its message names the input;
 * no worker is left; the pool still works afterwards. */
static void
assert_worker_death(const char *how, const char *want, gsize chunksize)
{
    int inputs[10], outputs[10];
    GError *error = NULL;
    CpProcPool *pool = cp_procpool_new(3);
    double start;

    cp_procpool_set_chunksize(pool, chunksize);
    for (int i = 0; i < 10; i++)
        inputs[i] = i;
    start = cp_time_now();
    cr_assert_not(cp_procpool_map(pool, die_on_two, inputs, sizeof inputs[0], 10,
                                  outputs, sizeof outputs[0], (void *) how, &error),
                  "map succeeded although a worker died");
    cr_assert_lt(cp_time_since(start), 3.0, "map took %.2f s to notice", cp_time_since(start));
    cr_assert(g_error_matches(error, CP_PROCPOOL_ERROR, CP_PROCPOOL_ERROR_WORKER_DIED),
              "wrong error: %s", error->message);
    cr_assert(g_str_has_suffix(error->message, "input 2"), "message: %s", error->message);
    cr_assert(strstr(error->message, want) != NULL, "message: %s", error->message);
    cp_test_assert_no_children();
    g_clear_error(&error);

    /* Inputs without a 2: the same pool works again. */
    inputs[2] = 20;
    cr_assert(cp_procpool_map(pool, die_on_two, inputs, sizeof inputs[0], 10,
                              outputs, sizeof outputs[0], (void *) how, &error),
              "map after a failure: %s", error->message);
    cr_assert_eq(outputs[9], -9);
    cp_test_assert_no_children();
    cp_procpool_free(pool);
}

Test(procpool, worker_abort_is_reported, .timeout = 10)
{
    struct rlimit no_core = { 0, 0 };

    cr_assert_eq(setrlimit(RLIMIT_CORE, &no_core), 0);   /* abort() writes no core file */
    assert_worker_death("abort", "signal", 0);
}

Test(procpool, worker_exit_status_is_reported, .timeout = 10)
{
    assert_worker_death("exit", "status 3", 0);
}

/* Inputs 0..4 go to one worker as one chunk: it answers 0 and 1, then
 * dies on 2, and the error still names 2, not the chunk. */
Test(procpool, death_inside_a_chunk_names_its_input, .timeout = 10)
{
    assert_worker_death("exit", "status 3", 5);
}

static void
negate(const void *input, void *output, void *user_data)
{
    (void) user_data;
    *(long *) output = -*(const long *) input;
}

/* Any chunk size, automatic, one, odd, all at once or more than all:
 * every output in its place, each once. */
Test(procpool, every_chunk_size_loses_nothing, .timeout = 20)
{
    enum { N = 1001 };
    static long inputs[N], outputs[N];
    const gsize sizes[] = { 0, 1, 7, 250, N, 5 * N };
    GError *error = NULL;
    CpProcPool *pool = cp_procpool_new(3);

    for (long i = 0; i < N; i++)
        inputs[i] = i + 1;
    for (size_t s = 0; s < G_N_ELEMENTS(sizes); s++) {
        memset(outputs, 0, sizeof outputs);
        cp_procpool_set_chunksize(pool, sizes[s]);
        cr_assert(cp_procpool_map(pool, negate, inputs, sizeof inputs[0], N, outputs,
                                  sizeof outputs[0], NULL, &error),
                  "chunksize %zu: %s", (size_t) sizes[s], error ? error->message : "");
        for (long i = 0; i < N; i++)
            cr_assert_eq(outputs[i], -(i + 1), "chunksize %zu: output %ld is %ld",
                         (size_t) sizes[s], i, outputs[i]);
        cp_test_assert_no_children();
    }
    cp_procpool_free(pool);
}

static int sigpipe_caught;

static void
on_sigpipe(int sig)
{
    (void) sig;
    sigpipe_caught = 1;
}

/* map ignores SIGPIPE while it runs, and puts the caller's action back. */
Test(procpool, sigpipe_action_restored, .timeout = 10)
{
    struct sigaction mine = { .sa_handler = on_sigpipe }, after;
    int inputs[10], outputs[10];
    GError *error = NULL;
    CpProcPool *pool = cp_procpool_new(2);

    sigemptyset(&mine.sa_mask);
    cr_assert_eq(sigaction(SIGPIPE, &mine, NULL), 0);
    for (int i = 0; i < 10; i++)
        inputs[i] = i;
    cr_assert_not(cp_procpool_map(pool, die_on_two, inputs, sizeof inputs[0], 10,
                                  outputs, sizeof outputs[0], "exit", &error));
    g_clear_error(&error);
    cr_assert_eq(sigaction(SIGPIPE, NULL, &after), 0);
    cr_assert(after.sa_handler == on_sigpipe, "SIGPIPE action not restored");
    cr_assert_eq(sigpipe_caught, 0);
    cp_procpool_free(pool);
}

Test(procpool, map_twice_on_one_pool, .timeout = 10)
{
    int inputs[7] = { 0, 1, 2, 3, 4, 5, 6 };
    long outputs[7];
    GError *error = NULL;
    CpProcPool *pool = cp_procpool_new(3);

    cr_assert(cp_procpool_map(pool, square_slow_start, inputs, sizeof inputs[0], 7,
                              outputs, sizeof outputs[0], NULL, &error), "map: %s", error->message);
    cr_assert_eq(outputs[6], 36);
    /* Fewer inputs than workers: only two are forked. */
    cr_assert(cp_procpool_map(pool, square_slow_start, inputs + 5, sizeof inputs[0], 2,
                              outputs, sizeof outputs[0], NULL, &error), "map: %s", error->message);
    cr_assert_eq(outputs[0], 25);
    cr_assert_eq(outputs[1], 36);
    cp_test_assert_no_children();
    cp_procpool_free(pool);
}

static void
never_called(const void *input, void *output, void *user_data)
{
    (void) input;
    (void) output;
    (void) user_data;
    _exit(99);
}

Test(procpool, no_inputs, .timeout = 10)
{
    GError *error = NULL;
    CpProcPool *pool = cp_procpool_new(2);

    cr_assert(cp_procpool_map(pool, never_called, NULL, sizeof(int), 0, NULL, sizeof(int), NULL, &error));
    cr_assert_null(error);
    cp_test_assert_no_children();
    cp_procpool_free(pool);
}

static void
print_x(const void *input, void *output, void *user_data)
{
    (void) input;
    (void) output;
    (void) user_data;
    printf("x");
}

/* What the parent had buffered is printed once, not once more per worker,
 * and what the workers print is flushed before map returns. */
Test(procpool, stdout_flushed, .timeout = 10, .init = cr_redirect_stdout)
{
    char inputs[5] = { 0 };
    GError *error = NULL;
    CpProcPool *pool = cp_procpool_new(3);

    printf("start\n");   /* stdout is a pipe here: fully buffered */
    cr_assert(cp_procpool_map(pool, print_x, inputs, 1, 5, NULL, 0, NULL, &error),
              "map: %s", error->message);
    printf("end\n");
    fflush(stdout);
    cr_assert_stdout_eq_str("start\nxxxxxend\n");
    cp_procpool_free(pool);
}

/* cp_child_status_ok() (cp_die): what a parent says about a child's end. */
static int
child_status(int how)
{
    int status;
    pid_t pid = cp_test_fork();

    if (pid == 0) {
        if (how < 0)
            raise(-how);
        _exit(how);
    }
    cr_assert_eq(cp_waitpid(pid, &status), pid);
    return status;
}

Test(child_status, ok_only_for_exit_0, .timeout = 10)
{
    char *want = g_strdup_printf("test_procpool: child 2 exited with status 3\n"
                                 "test_procpool: the worker was killed by signal %d (%s)\n",
                                 SIGKILL, strsignal(SIGKILL));

    g_set_prgname("test_procpool");
    cr_redirect_stderr();
    cr_assert(cp_child_status_ok(child_status(0), "child %d", 1));
    cr_assert_not(cp_child_status_ok(child_status(3), "child %d", 2));
    cr_assert_not(cp_child_status_ok(child_status(-SIGKILL), "the %s", "worker"));
    fflush(stderr);
    cr_assert_stderr_eq_str(want);
    g_free(want);
}

Test(child_status, describe_and_waitpid, .timeout = 10)
{
    char *how = cp_child_status_describe(child_status(3));
    char *killed = g_strdup_printf("was killed by signal %d (%s)", SIGTERM, strsignal(SIGTERM));
    int status;

    cr_assert_str_eq(how, "exited with status 3");
    g_free(how);
    how = cp_child_status_describe(child_status(-SIGTERM));
    cr_assert_str_eq(how, killed);
    g_free(how);
    g_free(killed);
    /* No child left to wait for: -1 and ECHILD, not a loop. */
    errno = 0;
    cr_assert_eq(cp_waitpid(-1, &status), -1);
    cr_assert_eq(errno, ECHILD);
}
