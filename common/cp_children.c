/* SPDX-License-Identifier: 0BSD */
/* cp_children.c: remember, stop and reap the children (see cp_children.h). */
#define _POSIX_C_SOURCE 200809L

#include "cp_children.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cp_trace.h"
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define MAX_CHILDREN 4096
#define GRACE_SECONDS 1.0

/* The pids not yet reaped.  Used by the one thread that forks and reaps,
 * and by the atexit() handler and signal handlers of the same process. */
static pid_t children[MAX_CHILDREN];
static volatile sig_atomic_t n_children;
static pid_t forking_parent;     /* getpid() just before the last fork() */
static int registered;           /* the atexit() and fork handlers are in */

static void
before_fork(void)
{
    forking_parent = getpid();
}

static void
stop_at_exit(void)
{
    cp_children_stop();
}

#ifndef __linux__
/* No PR_SET_PDEATHSIG here: pass a fatal signal on, reap, die of it. */
static void
forward_and_die(int sig)
{
    for (int i = 0; i < n_children; i++)
        (void) kill(children[i], sig);
    for (int i = 0; i < n_children; i++)
        (void) waitpid(children[i], NULL, 0);
    n_children = 0;
    signal(sig, SIG_DFL);
    raise(sig);
}
#endif

static void
register_once(void)
{
    if (registered)
        return;
    registered = 1;
    (void) atexit(stop_at_exit);
#ifndef __linux__
    {
        struct sigaction sa = { 0 };
        const int fatal[] = { SIGINT, SIGTERM, SIGHUP };

        sa.sa_handler = forward_and_die;
        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
            (void) sigaction(fatal[i], &sa, NULL);
    }
#endif
}

/* Before main(): note the parent's pid before every fork(), so that the
 * child can tell whether its parent is still the one that forked it. */
__attribute__((constructor)) static void
install_fork_handler(void)
{
    (void) pthread_atfork(before_fork, NULL, NULL);
}

void
cp_children_add(pid_t pid)
{
    register_once();
    cp_trace_child_started(pid);
    if (n_children < MAX_CHILDREN)
        children[n_children] = pid, n_children = n_children + 1;
}

void
cp_children_reaped(pid_t pid)
{
    cp_trace_child_reaped(pid);
    for (int i = 0; i < n_children; i++)
        if (children[i] == pid) {
            children[i] = children[n_children - 1];
            n_children = n_children - 1;
            return;
        }
}

int
cp_children_count(void)
{
    return n_children;
}

void
cp_children_in_child(void)
{
    n_children = 0;   /* the parent's children are not ours */
#ifdef __linux__
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
        _exit(EXIT_FAILURE);
    /* The parent may have died before the prctl(): then nobody would ever
     * send the signal. */
    if (forking_parent != 0 && getppid() != forking_parent)
        _exit(EXIT_FAILURE);
#endif
}

/* Reap whichever remembered children have ended; the number left. */
static int
reap_ended(void)
{
    for (int i = 0; i < n_children;) {
        pid_t r = waitpid(children[i], NULL, WNOHANG);

        if (r == children[i] || (r == -1 && errno == ECHILD))
            cp_children_reaped(children[i]);
        else
            i++;
    }
    return n_children;
}

void
cp_children_stop(void)
{
    struct timespec tick = { 0, 10 * 1000 * 1000 };   /* 10 ms */

    if (n_children == 0)
        return;
    for (int i = 0; i < n_children; i++)
        (void) kill(children[i], SIGTERM);
    for (double waited = 0; reap_ended() > 0 && waited < GRACE_SECONDS; waited += 0.01)
        (void) nanosleep(&tick, NULL);
    for (int i = 0; i < n_children; i++)
        (void) kill(children[i], SIGKILL);
    while (n_children > 0) {
        pid_t pid = children[0];

        while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
            continue;
        cp_children_reaped(pid);
    }
}
