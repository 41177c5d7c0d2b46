/* SPDX-License-Identifier: 0BSD */
/* cp_children.h: no child process left behind, on any path.
 *
 * The examples keep fork() and waitpid() on the page; these calls around
 * them make sure that a program that fails halfway (a fork or a pipe that
 * fails, a bad answer, a write error) still reaps every child it started,
 * and that no child outlives its parent:
 *
 *     pid = fork();
 *     if (pid == -1)
 *         cp_die_errno("fork");            // exit() stops the children
 *     if (pid == 0) {
 *         cp_children_in_child();          // dies with its parent
 *         ...
 *         _exit(EXIT_SUCCESS);
 *     }
 *     cp_children_add(pid);
 *     ...
 *     if (cp_waitpid(pid, &status) == -1)
 *         cp_die_errno("waitpid");
 *     cp_children_reaped(pid);
 *
 * How:
 *   - The first cp_children_add() registers an atexit() handler: at exit()
 *     (any cp_die_*, cp_options_fail, a failed write of stdout) each child
 *     still remembered gets SIGTERM, then SIGKILL after a grace period of
 *     one second, and is reaped.  After a normal run the list is empty.
 *   - On Linux, cp_children_in_child() asks the kernel for SIGTERM when the
 *     parent dies (prctl PR_SET_PDEATHSIG), and exits at once if the
 *     parent already died between fork() and that call.  So Ctrl-C or a
 *     kill of the parent alone also ends its children.
 *   - Elsewhere (macOS has no PR_SET_PDEATHSIG), the parent catches SIGINT,
 *     SIGTERM and SIGHUP once it has children, sends the signal on to them,
 *     reaps them and dies of the same signal.
 *   - The child forgets its parent's list (so its own exit() kills none of
 *     its brothers and sisters).
 * The list belongs to the process, not to a thread: fork and reap from one
 * thread, as every example does.
 */
#ifndef CP_CHILDREN_H
#define CP_CHILDREN_H

#include <sys/types.h>

/* In the parent, right after fork(): remember pid until it is reaped. */
void cp_children_add(pid_t pid);

/* In the parent, after waitpid() returned pid: forget it. */
void cp_children_reaped(pid_t pid);

/* In the child, first thing after fork(): die with the parent. */
void cp_children_in_child(void);

/* Stop every child still remembered: SIGTERM, a grace period of one
 * second, SIGKILL; reap each.  exit() calls it; a program may too. */
void cp_children_stop(void);

/* How many children are remembered (not yet reaped). */
int cp_children_count(void);

#endif
