/* SPDX-License-Identifier: 0BSD */
/* cp_channel.c: a message queue between processes, over one pipe.
 *
 * On the pipe a message is an 8-byte length (uint64_t, in the machine's
 * byte order: both ends run on one machine) followed by that many bytes.
 *
 * Why whole messages never interleave, however many processes write:
 *
 *   - POSIX makes a write() of at most PIPE_BUF bytes to a pipe atomic: the
 *     kernel never splits it, and no other writer's data lands inside it.
 *     A small message goes out as header and payload in that one write().
 *   - A larger message takes several write()s, and another writer's data,
 *     even a small atomic write, may land between them.  So every writer
 *     takes a mutex first.  It lives in shared memory mapped before fork()
 *     (cp_shm), so the creator and all the processes it forks share it,
 *     and it is made PTHREAD_PROCESS_SHARED so that it works across
 *     processes.
 *
 * A writer killed while it holds the lock (most easily when the reader
 * quits: a writer in the middle of a large message dies of SIGPIPE, lock in
 * hand) would leave it locked for good.  The lock is robust (cp_shm): the
 * next writer gets EOWNERDEAD, releases it and fails with that error,
 * since half a message has broken the stream.  Teaching limit: macOS has
 * no robust mutexes, and there every later writer blocks.
 *
 * One process (one thread) reads: recv takes no lock.
 */
#define _POSIX_C_SOURCE 200809L

#include "cp_channel.h"
#include "cp_io.h"
#include "cp_shm.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "cp_time.h"

#ifndef PIPE_BUF
#define PIPE_BUF _POSIX_PIPE_BUF   /* 512, the least POSIX allows */
#endif

/* A longer length is taken for garbage on the pipe rather than allocated. */
#define MAX_MESSAGE ((uint64_t) 1 << 30)

int
cp_channel_init(CpChannel *ch)
{
    int fds[2], s;

    ch->read_fd = ch->write_fd = -1;
    ch->write_lock = NULL;

    /* Close-on-exec, so that a program exec()ed by any process holding the
     * channel does not keep the pipe open (and the reader from seeing end
     * of file). */
    if (cp_io_pipe(fds) == -1)
        return -1;
    ch->read_fd = fds[0];
    ch->write_fd = fds[1];

    /* Memory that stays shared with every process forked from here on. */
    ch->write_lock = cp_shm_new(sizeof *ch->write_lock);
    if (ch->write_lock == NULL)
        goto fail;
    s = cp_shm_mutex_init(ch->write_lock);
    if (s != 0) {
        errno = s;   /* pthread calls return their error number */
        goto fail;
    }
    return 0;

fail:
    cp_channel_destroy(ch);   /* keeps errno */
    return -1;
}

void
cp_channel_close_reader(CpChannel *ch)
{
    cp_io_close(&ch->read_fd);
}

void
cp_channel_close_writer(CpChannel *ch)
{
    cp_io_close(&ch->write_fd);
}

void
cp_channel_destroy(CpChannel *ch)
{
    int saved = errno;

    cp_io_close(&ch->read_fd);
    cp_io_close(&ch->write_fd);
    /* Unmap, but never pthread_mutex_destroy(): other processes may still
     * use the lock.  The page goes when its last process unmaps it. */
    if (cp_shm_free(ch->write_lock, sizeof *ch->write_lock) == -1)
        g_critical("cp_channel: munmap: %s", g_strerror(errno));
    ch->write_lock = NULL;
    errno = saved;
}

int
cp_channel_send(CpChannel *ch, const void *data, size_t len)
{
    uint64_t header = len;
    int s, result, saved;

    if (ch->write_fd < 0 || ch->write_lock == NULL) {
        errno = EBADF;
        return -1;
    }
    if (header > MAX_MESSAGE) {
        errno = EMSGSIZE;
        return -1;
    }

    /* Small messages take the lock too: without it, one could land between
     * two write()s of another process's large message. */
    s = pthread_mutex_lock(ch->write_lock);
    if (s == EOWNERDEAD) {
        /* A writer died holding the (robust) lock, maybe halfway through a
         * large message: the lock can be made whole again, the stream not.
         * Release it, so that no other writer waits for ever, and fail. */
        (void) pthread_mutex_consistent(ch->write_lock);
        (void) pthread_mutex_unlock(ch->write_lock);
        errno = EOWNERDEAD;
        return -1;
    }
    if (s != 0) {
        errno = s;
        return -1;
    }
    if (sizeof header + len <= PIPE_BUF) {
        /* One write() of at most PIPE_BUF bytes: the pipe takes it whole or
         * not at all, so a writer killed now never leaves half a message. */
        char buf[PIPE_BUF];

        memcpy(buf, &header, sizeof header);
        if (len > 0)
            memcpy(buf + sizeof header, data, len);
        result = cp_io_write_all(ch->write_fd, buf, sizeof header + len);
    } else {
        result = cp_io_write_all(ch->write_fd, &header, sizeof header);
        if (result == 0)
            result = cp_io_write_all(ch->write_fd, data, len);
    }
    saved = errno;
    s = pthread_mutex_unlock(ch->write_lock);
    if (result == 0 && s != 0) {
        errno = s;
        return -1;
    }
    errno = saved;
    return result;
}

int
cp_channel_send_str(CpChannel *ch, const char *str)
{
    return cp_channel_send(ch, str, strlen(str));
}

CpChannelStatus
cp_channel_recv(CpChannel *ch, void **data, size_t *len)
{
    uint64_t header;
    ssize_t n;
    char *buf;

    *data = NULL;
    *len = 0;

    n = cp_io_read_full(ch->read_fd, &header, sizeof header);
    if (n == -1)
        return CP_CHANNEL_ERROR;
    if (n == 0)
        return CP_CHANNEL_EOF;   /* every writer closed, between two messages */
    if ((size_t) n < sizeof header || header > MAX_MESSAGE) {
        errno = EPROTO;          /* a cut-off header, or garbage */
        return CP_CHANNEL_ERROR;
    }

    buf = g_malloc((size_t) header + 1);
    n = cp_io_read_full(ch->read_fd, buf, (size_t) header);
    if (n == -1 || (uint64_t) n < header) {
        int saved = n == -1 ? errno : EPROTO;   /* EPROTO: the writer stopped mid-message */

        g_free(buf);
        errno = saved;
        return CP_CHANNEL_ERROR;
    }
    buf[header] = '\0';   /* so that text can be used as a string */
    *data = buf;
    *len = (size_t) header;
    return CP_CHANNEL_MESSAGE;
}

CpChannelStatus
cp_channel_recv_timeout(CpChannel *ch, void **data, size_t *len, double timeout)
{
    struct pollfd pfd = { .fd = ch->read_fd, .events = POLLIN };
    double deadline = cp_time_now() + timeout;

    *data = NULL;
    *len = 0;
    if (ch->read_fd < 0) {   /* poll() would silently skip it */
        errno = EBADF;
        return CP_CHANNEL_ERROR;
    }

    /* Wait for the first byte (or end of file); after a signal, wait only
     * for what is left of the timeout. */
    for (;;) {
        double left = deadline - cp_time_now();
        int ms, ready;

        if (!(left > 0))
            ms = 0;
        else if (left > INT_MAX / 1000.0)
            ms = INT_MAX;
        else
            ms = (int) (left * 1000.0) + 1;   /* rounded up: never wake early */
        ready = poll(&pfd, 1, ms);
        if (ready > 0)
            break;
        if (ready == 0)
            return CP_CHANNEL_TIMEOUT;
        if (errno != EINTR)
            return CP_CHANNEL_ERROR;
    }
    /* The message has started (or every writer is gone): read it whole. */
    return cp_channel_recv(ch, data, len);
}
