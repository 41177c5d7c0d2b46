/* SPDX-License-Identifier: 0BSD */
/* cp_io.c: whole reads and writes on pipes (see cp_io.h). */
#define _POSIX_C_SOURCE 200809L

#include "cp_io.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int
cp_io_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return -1;
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

ssize_t
cp_io_read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t done = 0;

    while (done < len) {
        ssize_t n = read(fd, p + done, len - done);

        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return -1;
        if (n == 0)
            break;   /* end of file */
        done += (size_t) n;
    }
    return (ssize_t) done;
}

int
cp_io_pipe(int fds[2])
{
    /* pipe2(O_CLOEXEC) would close the window between the calls, but is
     * not everywhere (macOS). */
    if (pipe(fds) == -1)
        return -1;
    if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) == -1 || fcntl(fds[1], F_SETFD, FD_CLOEXEC) == -1) {
        cp_io_close(&fds[0]);
        cp_io_close(&fds[1]);
        return -1;
    }
    return 0;
}

void
cp_io_close(int *fd)
{
    int saved = errno;

    /* EBADF means someone closed our descriptor: a bug worth a word. */
    if (*fd >= 0 && close(*fd) == -1 && errno == EBADF)
        g_critical("descriptor %d was already closed", *fd);
    *fd = -1;
    errno = saved;
}
