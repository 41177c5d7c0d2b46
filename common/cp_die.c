/* SPDX-License-Identifier: 0BSD */
#define _POSIX_C_SOURCE 200809L

#include "cp_die.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp_trace.h"

void
cp_die_en(int en, const char *what)
{
    fprintf(stderr, "%s: %s failed: %s\n",
            g_get_prgname() ? g_get_prgname() : "conpar", what, g_strerror(en));
    exit(EXIT_FAILURE);
}

void
cp_die_errno(const char *what)
{
    cp_die_en(errno, what);
}

void
cp_die_errno_child(const char *what)
{
    cp_die_en_child(errno, what);
}

void
cp_die_en_child(int en, const char *what)
{
    char line[256];
    int n;

    /* No stdio, no exit(): the child must not flush buffers it inherited. */
    n = snprintf(line, sizeof line, "%s: %s failed in child %ld: %s\n",
                 g_get_prgname() ? g_get_prgname() : "conpar", what,
                 (long) getpid(), strerror(en));
    if (n > 0 && write(STDERR_FILENO, line, MIN((size_t) n, sizeof line - 1)) < 0)
        _exit(EXIT_FAILURE);
    _exit(EXIT_FAILURE);
}

gboolean
cp_child_status_ok(int status, const char *who_format, ...)
{
    const char *prog = g_get_prgname() ? g_get_prgname() : "conpar";
    va_list args;
    char *who, *how;

    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return TRUE;
    va_start(args, who_format);
    who = g_strdup_vprintf(who_format, args);
    va_end(args);
    how = cp_child_status_describe(status);
    fprintf(stderr, "%s: %s %s\n", prog, who, how);
    g_free(how);
    g_free(who);
    return FALSE;
}

char *
cp_child_status_describe(int status)
{
    if (WIFSIGNALED(status))
        return g_strdup_printf("was killed by signal %d (%s)", WTERMSIG(status),
                               g_strsignal(WTERMSIG(status)));
    if (WIFEXITED(status))
        return g_strdup_printf("exited with status %d", WEXITSTATUS(status));
    return g_strdup_printf("ended with wait status 0x%x", (unsigned) status);
}

pid_t
cp_waitpid(pid_t pid, int *status)
{
    pid_t got;

    while ((got = waitpid(pid, status, 0)) == -1 && errno == EINTR)
        continue;
    if (got > 0)
        cp_trace_child_reaped(got);
    return got;
}
