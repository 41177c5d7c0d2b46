/* SPDX-License-Identifier: 0BSD */
/* cp_channel.h: a message queue between processes, over a pipe.
 *
 * Messages are length-prefixed byte strings.  Create the channel before
 * fork(); then each process closes the end it does not use:
 *
 *     CpChannel ch;
 *     if (cp_channel_init(&ch) == -1)
 *         cp_die_errno("cp_channel_init");
 *     switch (fork()) {
 *     case 0:  cp_channel_close_reader(&ch); ... cp_channel_send(...); _exit(0);
 *     default: cp_channel_close_writer(&ch); ... cp_channel_recv(...);
 *     }
 *
 * Partial reads and writes and EINTR are handled inside.  The reader sees
 * end of stream once every process holding the write end has closed it (or
 * exited).  Any number of writers may share the channel: whole messages
 * never interleave, because every send holds a process-shared lock that
 * lives in memory shared across fork().  (POSIX makes a small write()
 * atomic, but it may still land between the pieces of another writer's
 * large message, so small messages take the lock too.)
 * Functions return -1 with errno set on error, like system calls.
 */
#ifndef CP_CHANNEL_H
#define CP_CHANNEL_H

#include <glib.h>
#include <pthread.h>

typedef struct {
    int read_fd;                  /* -1 once closed */
    int write_fd;                 /* -1 once closed */
    pthread_mutex_t *write_lock;  /* in a MAP_SHARED mapping */
} CpChannel;

typedef enum {
    CP_CHANNEL_ERROR = -1,   /* errno says why */
    CP_CHANNEL_EOF = 0,      /* every writer has closed */
    CP_CHANNEL_MESSAGE = 1,  /* *data and *len set */
    CP_CHANNEL_TIMEOUT = 2   /* no message within the timeout */
} CpChannelStatus;

/* pipe() plus the shared write lock.  0, or -1 and errno. */
int cp_channel_init(CpChannel *ch);

/* Close the read end (in writers) / the write end (in readers). */
void cp_channel_close_reader(CpChannel *ch);
void cp_channel_close_writer(CpChannel *ch);

/* Close what is still open and unmap the lock (in every process). */
void cp_channel_destroy(CpChannel *ch);

/* Send one message of len bytes (len may be 0).  0, or -1 and errno
 * (EPIPE when no reader is left; SIGPIPE is the caller's to handle). */
int cp_channel_send(CpChannel *ch, const void *data, size_t len);

/* Send a NUL-terminated string (without its NUL). */
int cp_channel_send_str(CpChannel *ch, const char *str);

/* Receive one message into a new buffer (*data, g_free it; a NUL is
 * appended after the len bytes so text can be used as a string). */
CpChannelStatus cp_channel_recv(CpChannel *ch, void **data, size_t *len);

/* The same, waiting at most timeout seconds (real, not scaled) for the
 * message to start. */
CpChannelStatus cp_channel_recv_timeout(CpChannel *ch, void **data,
                                        size_t *len, double timeout);

#endif
