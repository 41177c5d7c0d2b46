/* SPDX-License-Identifier: 0BSD */
/* Unit tests of common/cp_children: every child stopped and reaped, on
 * exit() too; on Linux, a child ends when its parent dies. */
#include <config.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "cp_children.h"
#include "cp_test.h"
#include "cp_time.h"

/* A child that waits to be killed (or ignores SIGTERM first); returns once
 * the child is ready. */
static pid_t
fork_sleeper(gboolean ignore_term)
{
    int ready[2];
    char byte = 0;
    pid_t pid;

    cr_assert_eq(pipe(ready), 0);
    pid = fork();
    cr_assert_neq(pid, -1, "fork: %s", strerror(errno));
    if (pid == 0) {
        cp_children_in_child();
        if (ignore_term)
            signal(SIGTERM, SIG_IGN);
        if (write(ready[1], &byte, 1) != 1)
            _exit(2);
        for (;;)
            pause();
    }
    cp_children_add(pid);
    cr_assert_eq(read(ready[0], &byte, 1), 1);
    close(ready[0]);
    close(ready[1]);
    return pid;
}

Test(children, stop_reaps_every_child, .timeout = 20)
{
    for (int i = 0; i < 3; i++)
        fork_sleeper(FALSE);
    cr_assert_eq(cp_children_count(), 3);
    cp_children_stop();
    cr_assert_eq(cp_children_count(), 0);
    cp_test_assert_no_children();
}

Test(children, stop_kills_a_child_that_ignores_sigterm, .timeout = 20)
{
    double start = cp_time_now();

    fork_sleeper(TRUE);
    cp_children_stop();
    cr_assert_eq(cp_children_count(), 0);
    cr_assert_geq(cp_time_since(start), 0.9, "SIGKILL came before the grace period");
    cp_test_assert_no_children();
}

Test(children, reaped_children_are_forgotten, .timeout = 20)
{
    pid_t pid = fork();

    cr_assert_neq(pid, -1);
    if (pid == 0) {
        cp_children_in_child();
        _exit(0);
    }
    cp_children_add(pid);
    cp_test_assert_child_ok(pid);
    cp_children_reaped(pid);
    cr_assert_eq(cp_children_count(), 0);
    cp_children_stop();   /* nothing to do: kills no recycled pid */
}

/* A process that fails with exit(1) halfway leaves no child behind: the
 * test is the subreaper, so an orphan would become its child. */
Test(children, exit_stops_the_children, .timeout = 20)
{
    pid_t parent;
    int status;

#ifdef __linux__
    cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
#endif
    parent = cp_test_fork();
    if (parent == 0) {
        fork_sleeper(FALSE);
        fork_sleeper(TRUE);
        exit(1);   /* as cp_die_errno() does */
    }
    while (waitpid(parent, &status, 0) == -1)
        cr_assert_eq(errno, EINTR);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    cp_test_assert_no_children();
}

#ifdef __linux__
/* The parent dies without exit(): SIGKILL, as `kill -9` or a crash.  Its
 * child gets SIGTERM from the kernel and ends. */
Test(children, a_child_dies_with_its_parent, .timeout = 20)
{
    int pipefd[2], status;
    pid_t parent, child;

    cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    cr_assert_eq(pipe(pipefd), 0);
    parent = cp_test_fork();
    if (parent == 0) {
        child = fork_sleeper(FALSE);
        if (write(pipefd[1], &child, sizeof child) != (ssize_t) sizeof child)
            _exit(2);
        for (;;)
            pause();
    }
    cr_assert_eq(read(pipefd[0], &child, sizeof child), (ssize_t) sizeof child);
    close(pipefd[0]);
    close(pipefd[1]);
    cr_assert_eq(kill(parent, SIGKILL), 0);
    cr_assert_eq(waitpid(parent, &status, 0), parent);
    /* The orphan is ours now (subreaper): it must end, of SIGTERM. */
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
              "the child ended with wait status 0x%x", (unsigned) status);
    cp_test_assert_no_children();
}
#endif
