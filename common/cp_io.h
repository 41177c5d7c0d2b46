/* SPDX-License-Identifier: 0BSD */
/* cp_io.h: whole reads and writes on pipes.
 *
 * read() and write() on a pipe may move fewer bytes than asked, and a
 * signal may interrupt them (EINTR).  These loops finish the job, so the
 * examples and modules that talk over pipes can say what they send.
 */
#ifndef CP_IO_H
#define CP_IO_H

#include <glib.h>
#include <sys/types.h>

/* Write all len bytes.  0, or -1 and errno (EPIPE: no reader left). */
int cp_io_write_all(int fd, const void *buf, size_t len);

/* Read len bytes.  Returns len, fewer when end of file came first, or -1
 * and errno. */
ssize_t cp_io_read_full(int fd, void *buf, size_t len);

/* pipe() with both ends close-on-exec, so that a program another thread
 * exec()s does not hold our pipes open.  0, or -1 and errno. */
int cp_io_pipe(int fds[2]);

/* Close *fd if it is open (>= 0) and set it to -1; errno is kept.  A close
 * is never retried: after EINTR the number may already be reused. */
void cp_io_close(int *fd);

#endif
