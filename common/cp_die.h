/* SPDX-License-Identifier: 0BSD */
/* cp_die.h: stop the program when a call fails.
 *
 * Every system call and pthread call in conpar is checked, in two lines:
 *
 *     s = pthread_create(&thread, NULL, worker, NULL);
 *     if (s != 0)
 *         cp_die_en(s, "pthread_create");
 *
 * Dying at once with the call's name and the error text is a teaching
 * shortcut (after TLPI's errExit family): it keeps each example's main line
 * readable.  A real program would recover where it can.
 *
 * Exit status 1 means "a call failed"; exit status 2 is kept for bad input
 * (see cp_options.h).
 */
#ifndef CP_DIE_H
#define CP_DIE_H

#include <glib.h>
#include <sys/types.h>

/* A pthread_* call returned the error number en (pthreads do not set errno). */
G_NORETURN void cp_die_en(int en, const char *what);

/* A system call failed and set errno. */
G_NORETURN void cp_die_errno(const char *what);

/* The same, for a forked child: _exit() without flushing stdio buffers that
 * the child shares with its parent. */
G_NORETURN void cp_die_errno_child(const char *what);
/* ... and for an error number a call returned (pthread_mutex_lock). */
G_NORETURN void cp_die_en_child(int en, const char *what);

/* After waitpid(): TRUE if the child exited with status 0.  Otherwise say
 * on stderr how it ended, naming it as the format says ("prog: child 2
 * was killed by signal 9 (Killed)", "prog: child 2 exited with status 1"),
 * and return FALSE: a parent reports a child that failed, never ignores it. */
gboolean cp_child_status_ok(int status, const char *who_format, ...) G_GNUC_PRINTF(2, 3);

/* How a child ended, as cp_child_status_ok() says it: "exited with status
 * 1", "was killed by signal 9 (Killed)".  g_free() it. */
char *cp_child_status_describe(int status);

/* waitpid(pid, status, 0), resumed after a signal interrupts it (EINTR).
 * pid, or -1 and errno. */
pid_t cp_waitpid(pid_t pid, int *status);

#endif
