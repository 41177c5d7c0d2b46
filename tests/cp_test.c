/* SPDX-License-Identifier: 0BSD */
#include <config.h>

#include "cp_test.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "cp_time.h"

static char *
example_path(const char *example)
{
    const char *builddir = g_getenv("CONPAR_BUILDDIR");

    return g_build_filename(builddir ? builddir : ".", "examples", example, NULL);
}

/* Orphans of the example are re-parented to us (Linux only): anything
 * still there once the example has been reaped was left behind. */
static void
assert_no_children_left(const char *example)
{
#ifdef __linux__
    pid_t pid = waitpid(-1, NULL, WNOHANG);

    cr_assert(pid == -1 && errno == ECHILD,
              "%s left a child process behind (pid %ld)", example, (long) pid);
#else
    (void) example;
#endif
}

/* out split at each newline, without the empty string after the last one.
 * (One pass by hand: g_strsplit() calls strstr() once per line, and under
 * AddressSanitizer each call checks the whole rest of the text, which makes
 * a 400000-line output take minutes.) */
static char **
split_lines(const char *out, guint *n_lines)
{
    GPtrArray *lines = g_ptr_array_new();
    const char *start = out;

    for (const char *p = out; *p != '\0'; p++)
        if (*p == '\n') {
            g_ptr_array_add(lines, g_strndup(start, (gsize) (p - start)));
            start = p + 1;
        }
    if (*start != '\0')
        g_ptr_array_add(lines, g_strdup(start));
    *n_lines = lines->len;
    g_ptr_array_add(lines, NULL);
    return (char **) g_ptr_array_free(lines, FALSE);
}

CpRun *
cp_test_run_env(const char *const *env, const char *example,
                const char *const *args)
{
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    char **envp = g_get_environ();
    GError *error = NULL;
    CpRun *run = g_new0(CpRun, 1);
    int wait_status;
    double start;

#ifdef __linux__
    cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0, "prctl: %s", strerror(errno));
#endif
    g_ptr_array_add(argv, example_path(example));
    for (; args && *args; args++)
        g_ptr_array_add(argv, g_strdup(*args));
    g_ptr_array_add(argv, NULL);
    for (; env && *env; env++) {
        char **kv = g_strsplit(*env, "=", 2);

        envp = g_environ_setenv(envp, kv[0], kv[1], TRUE);
        g_strfreev(kv);
    }

    start = cp_time_now();
    if (!g_spawn_sync(NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT,
                      NULL, NULL, &run->out, &run->err, &wait_status, &error))
        cr_assert_fail("cannot run %s: %s", example, error->message);
    run->seconds = cp_time_since(start);
    assert_no_children_left(example);

    if (WIFEXITED(wait_status))
        run->status = WEXITSTATUS(wait_status);
    else if (WIFSIGNALED(wait_status))
        run->status = 128 + WTERMSIG(wait_status);
    else
        run->status = -1;

    run->lines = split_lines(run->out, &run->n_lines);
    g_strfreev(envp);
    g_ptr_array_free(argv, TRUE);
    return run;
}

CpRun *
cp_test_runv(const char *example, const char *const *args)
{
    return cp_test_run_env(NULL, example, args);
}

CpRun *
cp_test_run(const char *example, ...)
{
    GPtrArray *args = g_ptr_array_new();
    const char *arg;
    va_list ap;
    CpRun *run;

    va_start(ap, example);
    while ((arg = va_arg(ap, const char *)) != NULL)
        g_ptr_array_add(args, (gpointer) arg);
    va_end(ap);
    g_ptr_array_add(args, NULL);
    run = cp_test_runv(example, (const char *const *) args->pdata);
    g_ptr_array_free(args, TRUE);
    return run;
}

void
cp_run_free(CpRun *run)
{
    g_free(run->out);
    g_free(run->err);
    g_strfreev(run->lines);
    g_free(run);
}

int
cp_test_find_line(const CpRun *run, const char *line, int from)
{
    for (guint i = (guint) MAX(from, 0); i < run->n_lines; i++)
        if (strcmp(run->lines[i], line) == 0)
            return (int) i;
    return -1;
}

gboolean
cp_test_has_line(const CpRun *run, const char *line)
{
    return cp_test_find_line(run, line, 0) >= 0;
}

guint
cp_test_count_prefix(const CpRun *run, const char *prefix)
{
    guint count = 0;

    for (guint i = 0; i < run->n_lines; i++)
        if (g_str_has_prefix(run->lines[i], prefix))
            count++;
    return count;
}

void
cp_test_assert_ok(const CpRun *run)
{
    cr_assert_eq(run->status, 0, "exit status %d, stderr: %s", run->status, run->err);
    cr_assert_str_empty(run->err, "unexpected stderr: %s", run->err);
}

void
cp_test_assert_lines(const CpRun *run, const char *const *lines)
{
    guint n = 0;

    cp_test_assert_ok(run);
    while (lines[n] != NULL)
        n++;
    cr_assert_eq(run->n_lines, n, "output: %s", run->out);
    for (guint i = 0; i < n; i++)
        cr_assert_str_eq(run->lines[i], lines[i], "line %u", i);
}

void
cp_test_assert_help(const char *example)
{
    CpRun *run = cp_test_run(example, "--help", NULL);
    char *name = g_path_get_basename(example);
    char *usage = g_strdup_printf("Usage:\n  %s", name);

    cp_test_assert_ok(run);
    cr_assert(strstr(run->out, usage) != NULL, "--help of %s says: %s", example, run->out);
    cr_assert(strstr(run->out, "--version") != NULL, "--help lacks --version");
    g_free(usage);
    g_free(name);
    cp_run_free(run);
}

void
cp_test_assert_usage_error(const CpRun *run, const char *bad)
{
    char **lines = g_strsplit(run->err, "\n", -1);

    cr_assert_eq(run->status, 2, "exit status %d (want 2), stderr: %s", run->status, run->err);
    cr_assert_str_empty(run->out, "printed on stdout despite bad input: %s", run->out);
    cr_assert(g_strv_length(lines) == 3 && lines[2][0] == '\0',
              "want two lines on stderr, got: %s", run->err);
    cr_assert(strstr(lines[0], bad) != NULL, "stderr does not name '%s': %s", bad, lines[0]);
    cr_assert(strstr(lines[1], "--help") != NULL, "no usage hint: %s", lines[1]);
    g_strfreev(lines);
}

void
cp_test_assert_no_children(void)
{
    pid_t pid = waitpid(-1, NULL, WNOHANG);

    cr_assert(pid == -1 && errno == ECHILD, "a child was left behind (waitpid says %ld)", (long) pid);
}

int
cp_test_count_open_fds(void)
{
    int count = 0;

    for (int fd = 0; fd < 1024; fd++)
        if (fcntl(fd, F_GETFD) != -1)
            count++;
    return count;
}

pid_t
cp_test_fork(void)
{
    pid_t parent = getpid(), pid;

    fflush(NULL);   /* the child must not print our buffers again */
    pid = fork();
    cr_assert_neq(pid, -1, "fork: %s", strerror(errno));
#ifdef __linux__
    if (pid == 0 && (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent))
        _exit(1);
#else
    (void) parent;
#endif
    return pid;
}

void
cp_test_assert_child_ok(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) == -1)
        cr_assert_eq(errno, EINTR, "waitpid: %s", strerror(errno));
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "child %ld ended with wait status 0x%x", (long) pid, (unsigned) status);
}

/* ------------------------------------ Criterion under ThreadSanitizer */

#if defined(__SANITIZE_THREAD__)
#define CP_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CP_TEST_TSAN 1
#endif
#endif

#if defined(CP_TEST_TSAN) && defined(__linux__) && defined(__x86_64__)
/* Criterion's sandbox (BoxFort) maps its shared arenas, one at start-up
 * and one per test, at 0x200000000000 + (rand_r() & 0x3fffff) * 16 MiB,
 * trying 10 draws.  Of that span ThreadSanitizer leaves the program only
 * its application range 0x550000000000-0x568000000000 (x86_64 Linux; the
 * runtimes of GCC 12 and Clang 14), 2.3% of it, so most starts of a runner
 * built with it abort (Criterion issue #274).  Nothing else in the test
 * programs calls rand_r: this one draws from that range (0x350000 to
 * 0x367fff), so the arenas land where ThreadSanitizer accepts them and
 * the runner starts.  It takes the place of the C library's rand_r in the
 * unit tests' runners (the Makefile links it in with -u cp_test_run). */
int
rand_r(unsigned int *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return (int) (0x350000u + (*seed >> 8) % 0x18000u);
}
#endif

int
cp_test_count_children_of(pid_t pid)
{
    char *path = g_strdup_printf("/proc/%ld/task/%ld/children", (long) pid, (long) pid);
    char *text = NULL;
    int n = -1;

    if (g_file_get_contents(path, &text, NULL, NULL)) {
        char **pids = g_strsplit(g_strstrip(text), " ", -1);

        n = text[0] == '\0' ? 0 : (int) g_strv_length(pids);
        g_strfreev(pids);
        g_free(text);
    }
    g_free(path);
    return n;
}

void
cp_test_kill_and_reap_orphans(pid_t parent, int children)
{
    int status;

    cr_assert_eq(kill(parent, SIGKILL), 0);
    cr_assert_eq(waitpid(parent, &status, 0), parent);
    for (int k = 0; k < children; k++) {
        /* The orphans are ours now (subreaper).  Each ends of SIGTERM, or,
         * if its parent died before its prctl(), exits 1 on seeing that. */
        pid_t orphan = waitpid(-1, &status, 0);

        cr_assert_gt(orphan, 0, "waitpid: %s", strerror(errno));
        cr_assert((WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)
                  || (WIFEXITED(status) && WEXITSTATUS(status) == 1),
                  "orphan %ld ended with wait status %#x", (long) orphan, (unsigned) status);
    }
    cp_test_assert_no_children();
}
