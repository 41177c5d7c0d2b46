#include <config.h>

#include "cp_die.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    char line[256];
    int n;

    /* No stdio, no exit(): the child must not flush buffers it inherited. */
    n = snprintf(line, sizeof line, "%s: %s failed in child %ld: %s\n",
                 g_get_prgname() ? g_get_prgname() : "conpar", what,
                 (long) getpid(), strerror(errno));
    if (n > 0 && write(STDERR_FILENO, line, MIN((size_t) n, sizeof line - 1)) < 0)
        _exit(EXIT_FAILURE);
    _exit(EXIT_FAILURE);
}
