/* SPDX-License-Identifier: 0BSD */
/* Nothing hangs, nothing is left running, no failure passes for success
 * (issue 12): the programs as black boxes, when the system says no.
 *
 *  - Each processes/, pools/ and bench/ program runs under
 *    tests/fault_shim.so, which fails its k-th fork(), pipe(),
 *    pthread_create() or write to stdout (see the shim), for k = 1..3 and
 *    for the middle and the last of the calls the program makes (a first
 *    run with the shim counts them).  When the call did fail, it must exit
 *    non-zero, with one line on stderr that gives the error, within
 *    BOUND_S seconds, and leave no child: cp_test_run_env() checks that
 *    on Linux, where the test is the subreaper that inherits orphans.
 *  - Every program with stdout on /dev/full exits non-zero with a message.
 *  - A flag given a value (--fixed=no) is a usage error, exit 2.
 *  - The queue programs lose nothing at --time-scale=0, 20 runs each.
 *
 * A run that outlives BOUND_S is killed with all its descendants and
 * fails its test; any process a failed test leaves is killed too.
 *
 * The shim needs Linux with glibc (configure says CP_HAVE_FAULT_SHIM);
 * elsewhere its tests are skipped with the reason.  It works in the
 * sanitizer builds too: it comes before the sanitizer's runtime and calls
 * on into its interceptors, and AddressSanitizer is told not to insist on
 * coming first (verify_asan_link_order=0); leaks on the failure paths are
 * not reported (detect_leaks=0): dying frees everything.
 */
#include <config.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <glib/gstdio.h>

#include "cp_test.h"

#define BOUND_S 10          /* seconds a run may take, failing or not */
#define MAX_K 3             /* fail the 1st, 2nd and 3rd call of each kind, */
                            /* and the middle and the last one (try_faults_on) */
#define QUEUE_RUNS 20       /* runs of each queue program at --time-scale=0 */

/* ------------------------------------------------------------------ programs */

/* A run of a program: the program and its arguments. */
typedef struct {
    const char *program;
    const char *args[6];
} Program;

/* The runs that stand for a program in the tests below: the benchmarks at
 * a tiny size, as in test_benchmarks.c (each must be here), and a second
 * lesson where it forks where the first does not, and the runs below
 * that always print.  Any other program runs once, without arguments. */
static const Program quick_runs[] = {
    { "bench/concurrency_vs_parallelism", { "--size=20000", "--repeat=1", NULL } },
    { "bench/thread_vs_process", { "--size=20000", "--repeat=1", "--max-workers=2", NULL } },
    { "bench/thread_vs_process", { "--lesson=004", "--size=20000", "--repeat=1", NULL } },
    { "bench/perf_compare", { "--size=20000", "--repeat=1", "--max-workers=2", "--io-tasks=10", NULL } },
    { "bench/gil_demo", { "--size=20000", "--repeat=1", "--max-workers=2", NULL } },
    { "bench/queue_throughput", { "--items=1000", "--repeat=1", "--no-gasyncqueue", NULL } },
    { "bench/spawn_cost", { "--ops=3", "--repeat=1", NULL } },
    /* Their lessons' runs may print nothing (a file; a race; a random
     * timeout): these runs always print. */
    { "sync/locked_file_writer", { "-v", "--output=/dev/null", NULL } },
    { "queues/queue_reader", { "--fixed", NULL } },
    { "async/timeout", { "-v", NULL } },
    /* Three million trials take over 10 s under ThreadSanitizer. */
    { "sync/memory_order", { "--trials=1000", NULL } },
    /* So do thirty million map operations. */
    { "sync/striped_map", { "--ops=1000", NULL } },
    /* It needs a trace to draw: one of test_timeline's (runs_of() finds it
     * in the source tree). */
    { "trace/timeline", { "tests/data/pool.json", NULL } },
};

/* The runs of program (g_array_unref() them): its quick_runs, or one
 * without arguments.  A benchmark must have quick runs. */
static GArray *
runs_of(const char *program)
{
    GArray *runs = g_array_new(FALSE, TRUE, sizeof(Program));

    for (gsize i = 0; i < G_N_ELEMENTS(quick_runs); i++)
        if (g_str_equal(quick_runs[i].program, program)) {
            Program run = quick_runs[i];

            /* A file of the tests, wherever the build is. */
            for (int a = 0; run.args[a]; a++)
                if (g_str_has_prefix(run.args[a], "tests/data/")) {
                    const char *srcdir = g_getenv("CONPAR_SRCDIR");
                    char *path = g_build_filename(srcdir ? srcdir : ".", run.args[a], NULL);

                    run.args[a] = g_intern_string(path);
                    g_free(path);
                }
            g_array_append_val(runs, run);
        }
    if (runs->len == 0) {
        Program plain = { program, { NULL } };

        cr_assert(!g_str_has_prefix(program, "bench/"),
                  "%s: a benchmark needs its quick options in test_faults.c's quick_runs", program);
        g_array_append_val(runs, plain);
    }
    return runs;
}

/* Every program the Makefile builds, as "topic/name" (CONPAR_PROGRAMS lists
 * them as examples/topic/name).  g_strfreev() it. */
static char **
all_programs(void)
{
    const char *list = g_getenv("CONPAR_PROGRAMS");
    char **words, **programs;
    guint n = 0;

    cr_assert_not_null(list, "CONPAR_PROGRAMS is not set: run through make check");
    words = g_strsplit_set(list, " \t\n", -1);
    programs = g_new0(char *, g_strv_length(words) + 1);
    for (char **w = words; *w; w++)
        if (g_str_has_prefix(*w, "examples/"))
            programs[n++] = g_strdup(*w + strlen("examples/"));
    g_strfreev(words);
    cr_assert_gt(n, 0, "no programs in CONPAR_PROGRAMS: %s", list);
    return programs;
}

/* ------------------------------------------------ watchdog and leftovers */

#ifdef __linux__
/* The live (not zombie) descendants of this process, from /proc. */
static GArray *
live_descendants(void)
{
    GHashTable *parent = g_hash_table_new(g_direct_hash, g_direct_equal);
    GHashTable *zombie = g_hash_table_new(g_direct_hash, g_direct_equal);
    GHashTable *mine = g_hash_table_new(g_direct_hash, g_direct_equal);
    GArray *pids = g_array_new(FALSE, FALSE, sizeof(pid_t));
    GDir *proc = g_dir_open("/proc", 0, NULL);
    const char *name;
    GHashTableIter iter;
    gpointer pid, ppid;
    gboolean grew = TRUE;

    while (proc && (name = g_dir_read_name(proc)) != NULL) {
        char *path, *stat = NULL, *close_paren;
        char state;
        long parent_pid;

        if (!g_ascii_isdigit(name[0]))
            continue;
        path = g_strdup_printf("/proc/%s/stat", name);
        /* After the command name in parentheses: " S PPID ..." */
        if (g_file_get_contents(path, &stat, NULL, NULL)
            && (close_paren = strrchr(stat, ')')) != NULL
            && sscanf(close_paren + 1, " %c %ld", &state, &parent_pid) == 2) {
            pid = GINT_TO_POINTER(atoi(name));
            g_hash_table_insert(parent, pid, GINT_TO_POINTER((int) parent_pid));
            if (state == 'Z' || state == 'X')
                g_hash_table_add(zombie, pid);
        }
        g_free(stat);
        g_free(path);
    }
    if (proc)
        g_dir_close(proc);

    /* mine: this process, then whatever has a parent in mine. */
    g_hash_table_add(mine, GINT_TO_POINTER((int) getpid()));
    while (grew) {
        grew = FALSE;
        g_hash_table_iter_init(&iter, parent);
        while (g_hash_table_iter_next(&iter, &pid, &ppid))
            if (g_hash_table_contains(mine, ppid) && !g_hash_table_contains(mine, pid)) {
                g_hash_table_add(mine, pid);
                grew = TRUE;
            }
    }
    g_hash_table_remove(mine, GINT_TO_POINTER((int) getpid()));

    g_hash_table_iter_init(&iter, mine);
    while (g_hash_table_iter_next(&iter, &pid, NULL))
        if (!g_hash_table_contains(zombie, pid)) {
            pid_t p = GPOINTER_TO_INT(pid);

            g_array_append_val(pids, p);
        }
    g_hash_table_destroy(parent);
    g_hash_table_destroy(zombie);
    g_hash_table_destroy(mine);
    return pids;
}
#endif

/* SIGKILL every descendant, until none is left running (each one killed
 * may have had children, which become ours as the subreaper).  The number
 * killed. */
static guint
kill_descendants(void)
{
    guint killed = 0;
#ifdef __linux__
    for (int round = 0; round < 100; round++) {
        GArray *pids = live_descendants();
        guint n = pids->len;

        for (guint i = 0; i < n; i++)
            if (kill(g_array_index(pids, pid_t, i), SIGKILL) == 0)
                killed++;
        g_array_free(pids, TRUE);
        if (n == 0)
            break;
        g_usleep(10000);
    }
#endif
    return killed;
}

/* The watchdog of the run under way, if any.  (pthread's lock, not
 * GLib's: ThreadSanitizer understands only the former.) */
static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t watch_cond = PTHREAD_COND_INITIALIZER;
static gboolean watch_armed;       /* (watch_lock) a run is under way */
static gboolean watch_fired;       /* (watch_lock) it outlived BOUND_S */
static pthread_t watch_thread;     /* only the test's main thread uses these two */
static gboolean watch_running;

static void *
watchdog(void *data)
{
    struct timespec deadline;
    gboolean fire;

    (void) data;
    clock_gettime(CLOCK_REALTIME, &deadline);   /* the clock of timedwait */
    deadline.tv_sec += BOUND_S;
    pthread_mutex_lock(&watch_lock);
    while (watch_armed && pthread_cond_timedwait(&watch_cond, &watch_lock, &deadline) != ETIMEDOUT)
        ;
    fire = watch_armed;
    watch_fired = fire;
    pthread_mutex_unlock(&watch_lock);
    if (fire) {
        fprintf(stderr, "test_faults: a run outlived %d s: killing it and its children\n", BOUND_S);
        kill_descendants();
    }
    return NULL;
}

static void
watch_start(void)
{
    int s;

    watch_armed = TRUE;
    watch_fired = FALSE;
    s = pthread_create(&watch_thread, NULL, watchdog, NULL);
    cr_assert_eq(s, 0, "pthread_create: %s", strerror(s));
    watch_running = TRUE;
}

/* TRUE if the run outlived BOUND_S (and was killed). */
static gboolean
watch_stop(void)
{
    gboolean fired;

    if (!watch_running)
        return FALSE;
    pthread_mutex_lock(&watch_lock);
    watch_armed = FALSE;
    pthread_cond_signal(&watch_cond);
    pthread_mutex_unlock(&watch_lock);
    pthread_join(watch_thread, NULL);
    watch_running = FALSE;
    pthread_mutex_lock(&watch_lock);
    fired = watch_fired;
    pthread_mutex_unlock(&watch_lock);
    return fired;
}

/* The run under way, for clean_up() to name when an assertion inside
 * cp_test_run_env() ended the test during it. */
static char *current_run;

/* Every test's .fini: whatever a failed test left behind is killed and
 * reaped here, not left running after the suite. */
static void
clean_up(void)
{
    gboolean outlived = watch_stop();
    guint killed;

    cr_expect_null(current_run, "the test ended during the run of %s", current_run);
    cr_expect_not(outlived, "that run outlived %d s: it was killed with its children", BOUND_S);
    killed = kill_descendants();
    cr_expect_eq(killed, 0, "%u processes were left running (killed now)", killed);
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

/* cp_test_run_env() with env (NULL-terminated) and LC_ALL=C, so that the
 * error texts are strerror()'s English ones, under the watchdog. */
static CpRun *
run_bounded(const char *const *env, const char *program, const char *const *args,
            const char *what)
{
    GPtrArray *all = g_ptr_array_new();
    CpRun *run;

    g_ptr_array_add(all, (gpointer) "LC_ALL=C");
    for (; env && *env; env++)
        g_ptr_array_add(all, (gpointer) *env);
    g_ptr_array_add(all, NULL);
    current_run = g_strdup_printf("%s %s", program, what);
    watch_start();
    run = cp_test_run_env((const char *const *) all->pdata, program, args);
    g_clear_pointer(&current_run, g_free);
    cr_assert(!watch_stop(), "%s %s: still running after %d s: killed it and its children",
              program, what, BOUND_S);
    cr_expect_leq(run->seconds, BOUND_S, "%s %s: took %.1f s", program, what, run->seconds);
    g_ptr_array_free(all, TRUE);
    return run;
}

/* ---------------------------------------------------------- fault injection */

enum { FORK, PIPE, PTHREAD_CREATE, WRITE, N_CALLS };

static const char *const call_names[N_CALLS] = { "fork", "pipe", "pthread_create", "write" };
static const int call_errors[N_CALLS] = { EAGAIN, EMFILE, EAGAIN, ENOSPC };

/* Why the shim cannot be used here, or NULL. */
static const char *
why_no_shim(void)
{
#ifdef CP_HAVE_FAULT_SHIM
    return NULL;
#else
    return "the fault shim needs Linux with glibc (configure did not build tests/fault_shim.so)";
#endif
}

static char *
shim_path(void)
{
    const char *builddir = g_getenv("CONPAR_BUILDDIR");

    return g_build_filename(builddir ? builddir : ".", "tests", "fault_shim.so", NULL);
}

/* What the shim logged (see fault_shim.c): counts[] of each call, the
 * highest count seen, and whether one call failed. */
static void
read_shim_log(const char *text, long counts[N_CALLS], gboolean *failed)
{
    char **lines = g_strsplit(text, "\n", -1);

    for (int c = 0; c < N_CALLS; c++)
        counts[c] = 0;
    *failed = FALSE;
    for (char **l = lines; *l && **l; l++) {
        char name[32], rest[16] = "";
        long k;

        cr_assert_geq(sscanf(*l, "%31s %ld %15s", name, &k, rest), 2, "bad line from the shim: %s", *l);
        for (int c = 0; c < N_CALLS; c++)
            if (g_str_equal(name, call_names[c]) && k > counts[c])
                counts[c] = k;
        if (g_str_equal(rest, "failed"))
            *failed = TRUE;
    }
    g_strfreev(lines);
}

/* One run of p under the shim.  spec: "fork:2", or NULL for none.  Sets
 * counts[] (the calls the program made, as far as the fault let it go)
 * and *failed (whether the fault happened). */
static CpRun *
run_with_shim(const Program *p, const char *spec, long counts[N_CALLS], gboolean *failed)
{
    const char *asan = g_getenv("ASAN_OPTIONS");
    char *shim = shim_path(), *log_path = NULL, *log_text = NULL;
    GError *error = NULL;
    int fd = g_file_open_tmp("cp-fault-XXXXXX", &log_path, &error);
    char *env[] = {
        g_strconcat("LD_PRELOAD=", shim, NULL),
        g_strconcat("CP_FAULT=", spec ? spec : "", NULL),
        g_strconcat("CP_FAULT_LOG=", log_path ? log_path : "", NULL),
        /* A program that dies of a failed call leaves what it allocated
         * to exit(): a teaching shortcut (cp_die.h), not a leak to report. */
        g_strconcat("ASAN_OPTIONS=", asan ? asan : "", asan ? ":" : "",
                    "verify_asan_link_order=0:detect_leaks=0", NULL),
        NULL
    };
    char *what = spec ? g_strdup_printf("with CP_FAULT=%s", spec) : g_strdup("under the shim");
    CpRun *run;

    cr_assert(g_file_test(shim, G_FILE_TEST_EXISTS), "%s is missing: make check builds it", shim);
    cr_assert_geq(fd, 0, "cannot make a temporary file: %s", error ? error->message : "");
    close(fd);
    run = run_bounded((const char *const *) env, p->program, p->args, what);
    cr_assert(g_file_get_contents(log_path, &log_text, NULL, NULL), "cannot read %s", log_path);
    g_unlink(log_path);
    read_shim_log(log_text, counts, failed);

    g_free(log_text);
    g_free(log_path);
    g_free(what);
    for (char **e = env; *e; e++)
        g_free(*e);
    g_free(shim);
    return run;
}

/* The run failed as issue 12 promises: a non-zero exit (not a signal),
 * one line on stderr giving the error, nothing left running (checked by
 * cp_test_run_env) and within the bound (run_bounded).  A failed write
 * may be found only later, at exit, when errno no longer holds its
 * cause: "write error" is enough then. */
static void
expect_clean_failure(const CpRun *run, const char *program, const char *spec, int call)
{
    const char *newline = strchr(run->err, '\n');
    const char *text = g_strerror(call_errors[call]);

    cr_expect(run->status >= 1 && run->status < 128,
              "%s with CP_FAULT=%s: exit status %d (want 1..127: an exit, not a signal); stderr: %s",
              program, spec, run->status, run->err);
    cr_expect(newline != NULL && newline[1] == '\0' && newline != run->err,
              "%s with CP_FAULT=%s: want one line on stderr, got: \"%s\"", program, spec, run->err);
    cr_expect(strstr(run->err, text) != NULL || (call == WRITE && strstr(run->err, "write") != NULL),
              "%s with CP_FAULT=%s: stderr does not say \"%s\"%s: %s", program, spec, text,
              call == WRITE ? " nor \"write\"" : "", run->err);
}

/* p without a fault (it must succeed; the shim counts its calls), then
 * under each fault that it meets: k = 1..MAX_K, as issue 12 asks, and the
 * middle and the last call, which a runner that starts its children in
 * batches reaches only later (perf_compare's first failure to clean up
 * after is at its 6th fork, spawn_cost's at its 6th of 34). */
static void
try_faults_on(const Program *p)
{
    long calls[N_CALLS], seen[N_CALLS];
    gboolean failed;
    CpRun *run;

    /* Without a fault: it succeeds, and says how often it calls each. */
    run = run_with_shim(p, NULL, calls, &failed);
    cr_assert_eq(run->status, 0, "%s under the shim, with no fault: exit status %d, stderr: %s",
                 p->program, run->status, run->err);
    cp_run_free(run);

    for (int c = 0; c < N_CALLS; c++)
        for (long k = 1; k <= calls[c]; k++) {
            char *spec;

            if (k > MAX_K && k != (calls[c] + 1) / 2 && k != calls[c])
                continue;
            spec = g_strdup_printf("%s:%ld", call_names[c], k);

            run = run_with_shim(p, spec, seen, &failed);
            if (failed)
                expect_clean_failure(run, p->program, spec, c);
            else   /* threads started on demand: fewer calls this time */
                cr_expect_eq(run->status, 0, "%s with CP_FAULT=%s (which did not happen): "
                             "exit status %d, stderr: %s", p->program, spec, run->status, run->err);
            cp_run_free(run);
            g_free(spec);
        }
}

/* Every run of every program of the topic ("processes/"). */
static void
try_faults(const char *topic)
{
    char **programs = all_programs();
    guint tried = 0;

    if (why_no_shim())
        cr_skip_test("%s", why_no_shim());
    for (char **name = programs; *name; name++) {
        GArray *runs;

        if (!g_str_has_prefix(*name, topic))
            continue;
        runs = runs_of(*name);
        for (guint i = 0; i < runs->len; i++, tried++)
            try_faults_on(&g_array_index(runs, Program, i));
        g_array_unref(runs);
    }
    cr_assert_gt(tried, 0, "no %s programs in CONPAR_PROGRAMS", topic);
    g_strfreev(programs);
}

Test(faults, processes_end_cleanly_when_a_call_fails, .timeout = 120, .fini = clean_up)
{
    try_faults("processes/");
}

Test(faults, pools_end_cleanly_when_a_call_fails, .timeout = 120, .fini = clean_up)
{
    try_faults("pools/");
}

Test(faults, benchmarks_end_cleanly_when_a_call_fails, .timeout = 120, .fini = clean_up)
{
    try_faults("bench/");
}

/* The shim itself: it counts, and fails exactly the k-th call.  (On a
 * process pool, whose first fork failing leaves nothing to clean up.) */
Test(faults, the_shim_fails_the_kth_call_only, .timeout = 30, .fini = clean_up)
{
    const Program p = { "pools/square_process_pool", { NULL } };
    long counts[N_CALLS], again[N_CALLS];
    gboolean failed;
    char *spec;
    CpRun *run;

    if (why_no_shim())
        cr_skip_test("%s", why_no_shim());
    run = run_with_shim(&p, NULL, counts, &failed);
    cp_test_assert_ok(run);
    cr_assert_not(failed);
    cr_assert_geq(counts[FORK], 1, "a process pool forks");
    cr_assert_geq(counts[PIPE], 1, "and talks over pipes");
    cr_assert_geq(counts[WRITE], 1, "and prints its result");
    cp_run_free(run);

    spec = g_strdup_printf("fork:%ld", counts[FORK] + 1);
    run = run_with_shim(&p, spec, again, &failed);
    cp_test_assert_ok(run);
    cr_assert_not(failed, "there is no call %s", spec);
    cr_assert_eq(again[FORK], counts[FORK]);
    cp_run_free(run);
    g_free(spec);

    run = run_with_shim(&p, "fork:1", again, &failed);
    cr_assert(failed);
    cr_assert_eq(again[FORK], 1, "no fork after the failed one");
    cr_assert_neq(run->status, 0);
    cp_run_free(run);
}

/* ---------------------------------------------------------------- /dev/full */

static void
stdout_to_dev_full(gpointer data)
{
    if (dup2(GPOINTER_TO_INT(data), STDOUT_FILENO) == -1)
        _exit(126);
}

/* Run examples/program args with stdout on /dev/full, LC_ALL=C, under the
 * watchdog; the run's status and stderr, and no child left. */
static CpRun *
run_to_dev_full(const char *program, const char *const *args)
{
    const char *builddir = g_getenv("CONPAR_BUILDDIR");
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    char **envp = g_environ_setenv(g_get_environ(), "LC_ALL", "C", TRUE);
    int full = open("/dev/full", O_WRONLY | O_CLOEXEC);
    CpRun *run = g_new0(CpRun, 1);
    GError *error = NULL;
    gint64 start;
    int wait_status;

    cr_assert_geq(full, 0, "/dev/full: %s", g_strerror(errno));
#ifdef __linux__
    cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0, "prctl: %s", g_strerror(errno));
#endif
    g_ptr_array_add(argv, g_build_filename(builddir ? builddir : ".", "examples", program, NULL));
    for (; args && *args; args++)
        g_ptr_array_add(argv, g_strdup(*args));
    g_ptr_array_add(argv, NULL);

    current_run = g_strdup_printf("%s > /dev/full", program);
    watch_start();
    start = g_get_monotonic_time();
    if (!g_spawn_sync(NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT,
                      stdout_to_dev_full, GINT_TO_POINTER(full),
                      NULL, &run->err, &wait_status, &error))
        cr_assert_fail("cannot run %s: %s", program, error->message);
    run->seconds = (double) (g_get_monotonic_time() - start) / G_TIME_SPAN_SECOND;
    cr_assert(!watch_stop(), "%s > /dev/full: still running after %d s: killed it and its children",
              program, BOUND_S);
    cr_expect_leq(run->seconds, BOUND_S, "%s > /dev/full: took %.1f s", program, run->seconds);
    g_clear_pointer(&current_run, g_free);
#ifdef __linux__
    {
        pid_t left = waitpid(-1, NULL, WNOHANG);

        cr_assert(left == -1 && errno == ECHILD,
                  "%s > /dev/full left a child process behind (pid %ld)", program, (long) left);
    }
#endif
    if (WIFEXITED(wait_status))
        run->status = WEXITSTATUS(wait_status);
    else if (WIFSIGNALED(wait_status))
        run->status = 128 + WTERMSIG(wait_status);
    else
        run->status = -1;
    run->out = g_strdup("");
    close(full);
    g_strfreev(envp);
    g_ptr_array_free(argv, TRUE);
    return run;
}

/* GNU Hello's atexit-1: output that cannot be written is an error. */
Test(dev_full, every_program_says_it_cannot_write, .timeout = 120, .fini = clean_up)
{
    char **programs = all_programs();

    if (access("/dev/full", W_OK) != 0)
        cr_skip_test("no writable /dev/full on this system");
    for (char **name = programs; *name; name++) {
        GArray *runs = runs_of(*name);

        for (guint i = 0; i < runs->len; i++) {
            const Program *p = &g_array_index(runs, Program, i);
            CpRun *run = run_to_dev_full(p->program, p->args);

            cr_expect(run->status >= 1 && run->status < 128,
                      "%s > /dev/full: exit status %d (want 1..127), stderr: %s",
                      p->program, run->status, run->err);
            cr_expect(strstr(run->err, g_strerror(ENOSPC)) != NULL,
                      "%s > /dev/full: stderr does not say \"%s\": %s",
                      p->program, g_strerror(ENOSPC), run->err);
            cp_run_free(run);
        }
        g_array_unref(runs);
    }
    g_strfreev(programs);
}

/* ---------------------------------------------------------- flag=value */

/* A flag takes no value: --fixed=no must not mean --fixed. */
Test(flags, a_flag_given_a_value_is_a_usage_error, .timeout = 30, .fini = clean_up)
{
    CpRun *run = cp_test_run("queues/queue_reader", "--fixed=no", NULL);
    cp_test_assert_usage_error(run, "--fixed");
    cp_run_free(run);

    run = cp_test_run("sync/inc_dec_counter", "--quiet=false", NULL);
    cp_test_assert_usage_error(run, "--quiet");
    cp_run_free(run);
}

/* Every program's --verbose likewise (the benchmarks with their quick
 * options, in case the flag is taken and they run). */
Test(flags, verbose_given_a_value_is_a_usage_error_everywhere, .timeout = 60, .fini = clean_up)
{
    char **programs = all_programs();

    for (char **name = programs; *name; name++) {
        GArray *runs = runs_of(*name);
        const Program *p = &g_array_index(runs, Program, 0);
        const char *args[G_N_ELEMENTS(p->args) + 1] = { "--verbose=no", NULL };
        const char *const no_env[] = { NULL };
        CpRun *run;

        for (int i = 0; p->args[i]; i++)
            args[i + 1] = p->args[i];
        run = run_bounded(no_env, p->program, args, "--verbose=no");
        cr_expect_eq(run->status, 2, "%s --verbose=no: exit status %d (want 2), stderr: %s",
                     p->program, run->status, run->err);
        cp_run_free(run);
        g_array_unref(runs);
    }
    g_strfreev(programs);
}

/* ------------------------------------------------------- --time-scale=0 */

/* A queue program: each item in `items` put once (if put_prefix) and got
 * once, at --time-scale=0, QUEUE_RUNS times. */
typedef struct {
    const char *program;
    const char *args[3];
    const char *put_prefix;   /* lines "<prefix>...: ITEM", or NULL */
    const char *got_prefix;
    const char *items[11];
} QueueProgram;

static const QueueProgram queue_programs[] = {
    { "queues/producer_consumer", { "--time-scale=0", NULL }, "Produced: ", "Consumed: ",
      { "Item-0", "Item-1", "Item-2", "Item-3", "Item-4", "Item-5", "Item-6", "Item-7",
        "Item-8", "Item-9", NULL } },
    { "queues/multi_producer_consumer", { "--time-scale=0", NULL }, "Producer ", "Consumer ",
      { "P1-0", "P1-1", "P1-2", "P2-0", "P2-1", "P2-2", NULL } },
    { "queues/queue_reader", { "--fixed", "--time-scale=0", NULL }, NULL, "Read: ",
      { "Data-0", "Data-1", "Data-2", "Data-3", "Data-4", NULL } },
    { "processes/process_queue", { "--time-scale=0", NULL }, "Producer put: ", "Consumer got: ",
      { "Data-0", "Data-1", "Data-2", "Data-3", "Data-4", NULL } },
};

/* How many lines start with prefix and end in ": item". */
static guint
count_item(const CpRun *run, const char *prefix, const char *item)
{
    char *suffix = g_strconcat(": ", item, NULL);
    guint n = 0;

    for (guint i = 0; i < run->n_lines; i++)
        if (g_str_has_prefix(run->lines[i], prefix) && g_str_has_suffix(run->lines[i], suffix))
            n++;
    g_free(suffix);
    return n;
}

/* QUEUE_RUNS runs of the queue program, each exiting 0 with every item
 * put once and got once. */
static void
assert_loses_nothing(const char *program)
{
    const QueueProgram *q = NULL;

    for (gsize i = 0; i < G_N_ELEMENTS(queue_programs); i++)
        if (g_str_equal(queue_programs[i].program, program))
            q = &queue_programs[i];
    cr_assert_not_null(q, "%s is not in queue_programs", program);
    const char *const no_env[] = { NULL };

    for (int r = 0; r < QUEUE_RUNS; r++) {
        CpRun *run = run_bounded(no_env, q->program, q->args, "--time-scale=0");
        guint n_items = 0;

        cr_assert_eq(run->status, 0, "%s --time-scale=0, run %d: exit status %d, stderr: %s",
                     q->program, r + 1, run->status, run->err);
        cr_assert_str_empty(run->err, "%s --time-scale=0, run %d: %s", q->program, r + 1, run->err);
        for (const char *const *item = q->items; *item; item++, n_items++) {
            if (q->put_prefix)
                cr_assert_eq(count_item(run, q->put_prefix, *item), 1,
                             "%s --time-scale=0, run %d: %s not put once: %s",
                             q->program, r + 1, *item, run->out);
            cr_assert_eq(count_item(run, q->got_prefix, *item), 1,
                         "%s --time-scale=0, run %d: %s not got once: %s",
                         q->program, r + 1, *item, run->out);
        }
        cr_assert_eq(cp_test_count_prefix(run, q->got_prefix), n_items,
                     "%s --time-scale=0, run %d: %s", q->program, r + 1, run->out);
        cp_run_free(run);
    }
}

Test(time_scale_zero, producer_consumer_loses_nothing, .timeout = 60, .fini = clean_up)
{
    assert_loses_nothing("queues/producer_consumer");
}

Test(time_scale_zero, multi_producer_consumer_loses_nothing, .timeout = 60, .fini = clean_up)
{
    assert_loses_nothing("queues/multi_producer_consumer");
}

Test(time_scale_zero, queue_reader_fixed_loses_nothing, .timeout = 60, .fini = clean_up)
{
    assert_loses_nothing("queues/queue_reader");
}

Test(time_scale_zero, process_queue_loses_nothing, .timeout = 60, .fini = clean_up)
{
    assert_loses_nothing("processes/process_queue");
}
