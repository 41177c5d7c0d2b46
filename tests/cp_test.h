/* SPDX-License-Identifier: 0BSD */
/* cp_test.h: run a built example as a black box and check what it did.
 *
 *     CpRun *run = cp_test_run("threads/factorial_threads", "5", NULL);
 *     cr_assert_eq(run->status, 0);
 *     cr_assert(cp_test_has_line(run, "Factorial of 5 is 120"));
 *     cp_run_free(run);
 *
 * Examples are found under $CONPAR_BUILDDIR/examples (the Makefile sets
 * it) and inherit CONPAR_TIME_SCALE=0.01.  Every run also checks that the
 * example left no child process behind, running or zombie (on Linux, where
 * the test makes itself the "subreaper" that inherits orphans).
 */
#ifndef CP_TEST_H
#define CP_TEST_H

#include <glib.h>
#include <sys/types.h>

typedef struct {
    int status;      /* exit status; 128 + N when killed by signal N */
    char *out;       /* everything written to stdout */
    char *err;       /* everything written to stderr */
    char **lines;    /* out split into lines, without the last empty one */
    guint n_lines;
    double seconds;  /* wall time of the run */
} CpRun;

/* Run examples/<example> with the NULL-terminated arguments. */
CpRun *cp_test_run(const char *example, ...) G_GNUC_NULL_TERMINATED;
CpRun *cp_test_runv(const char *example, const char *const *args);

/* The same with extra "NAME=value" environment entries (NULL-terminated). */
CpRun *cp_test_run_env(const char *const *env, const char *example,
                       const char *const *args);

void cp_run_free(CpRun *run);

/* Index of the first line equal to `line` at or after `from`, or -1. */
int cp_test_find_line(const CpRun *run, const char *line, int from);
gboolean cp_test_has_line(const CpRun *run, const char *line);

/* Number of lines starting with `prefix`. */
guint cp_test_count_prefix(const CpRun *run, const char *prefix);

/* Assert: `--help` exits 0 and prints a Usage line naming the example,
 * and offers --version. */
void cp_test_assert_help(const char *example);

/* Assert: the run exited 2, its stderr's first line names `bad` and a
 * second line gives the --help hint, and it printed nothing on stdout. */
void cp_test_assert_usage_error(const CpRun *run, const char *bad);

/* Assert that the run exited 0 and wrote nothing on stderr. */
void cp_test_assert_ok(const CpRun *run);

/* Assert that the run exited 0, wrote nothing on stderr, and printed
 * exactly these lines (NULL-terminated), in this order. */
void cp_test_assert_lines(const CpRun *run, const char *const *lines);

/* For tests that fork by themselves: assert that every child was reaped
 * (waitpid finds none, running or zombie). */
void cp_test_assert_no_children(void);

/* Number of open file descriptors below 1024 (enough for a test process):
 * compare before and after to find a leaked descriptor. */
int cp_test_count_open_fds(void);

/* fork() for tests that fork by themselves: flushes stdio first, fails the
 * test if fork fails, and (on Linux) has the kernel kill the child when
 * the test process ends, so that a child blocked on a lock or a pipe never
 * outlives a failed or timed-out test.  The child must end with _exit(). */
pid_t cp_test_fork(void);

/* How many children pid has now, from Linux's /proc; -1 elsewhere. */
int cp_test_count_children_of(pid_t pid);

/* SIGKILL parent (a process the test forked, now the subreaper's), reap
 * it, then reap its `children` orphans: each must have ended of SIGTERM
 * (PR_SET_PDEATHSIG) or exited 1 (its parent died before its prctl()); then
 * no child may be left. */
void cp_test_kill_and_reap_orphans(pid_t parent, int children);

/* Reap pid (retrying on EINTR) and assert that it exited with status 0. */
void cp_test_assert_child_ok(pid_t pid);

#endif
