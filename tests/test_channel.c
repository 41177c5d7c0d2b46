/* SPDX-License-Identifier: 0BSD */
/* test_channel.c: cp_channel, messages between processes over a pipe.
 *
 * Children forked here end with _exit() (a child returning from a
 * Criterion test would run the rest of the test runner), and report a
 * failure through their exit status, which the parent checks.
 */
#include <config.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp_channel.h"
#include "cp_test.h"
#include "cp_time.h"

#ifndef PIPE_BUF
#define PIPE_BUF _POSIX_PIPE_BUF
#endif

/* The byte at offset i of message seq from writer w: every message has
 * its own pattern, so a piece of another message shows up. */
static unsigned char
pattern(unsigned w, unsigned seq, size_t i)
{
    return (unsigned char) ((i * 31 + seq * 7 + w * 101 + 13) % 251);
}

Test(channel, round_trip_in_order, .timeout = 10)
{
    int fds_before = cp_test_count_open_fds();
    CpChannel ch;
    pid_t pid;

    cr_assert_eq(cp_channel_init(&ch), 0, "cp_channel_init: %s", strerror(errno));
    pid = cp_test_fork();
    if (pid == 0) {
        cp_channel_close_reader(&ch);
        for (int i = 0; i < 10; i++) {
            char text[32];

            snprintf(text, sizeof text, "message %d", i);
            if (cp_channel_send_str(&ch, text) == -1)
                _exit(1);
        }
        cp_channel_destroy(&ch);
        _exit(0);
    }
    cp_channel_close_writer(&ch);

    for (int i = 0; i < 10; i++) {
        char want[32];
        void *data;
        size_t len;

        snprintf(want, sizeof want, "message %d", i);
        cr_assert_eq(cp_channel_recv(&ch, &data, &len), CP_CHANNEL_MESSAGE, "message %d: %s", i, strerror(errno));
        cr_assert_eq(len, strlen(want));
        cr_assert_str_eq(data, want);   /* the NUL after the payload makes it a string */
        g_free(data);
    }
    {
        void *data;
        size_t len;

        cr_assert_eq(cp_channel_recv(&ch, &data, &len), CP_CHANNEL_EOF);
        cr_assert_null(data);
    }
    cp_test_assert_child_ok(pid);
    cp_test_assert_no_children();
    cp_channel_destroy(&ch);
    cr_assert_eq(cp_test_count_open_fds(), fds_before, "the channel left a descriptor open");
}

Test(channel, empty_message, .timeout = 10)
{
    CpChannel ch;
    void *data;
    size_t len;
    pid_t pid;

    cr_assert_eq(cp_channel_init(&ch), 0);
    pid = cp_test_fork();
    if (pid == 0) {
        cp_channel_close_reader(&ch);
        if (cp_channel_send(&ch, NULL, 0) == -1 || cp_channel_send_str(&ch, "") == -1
            || cp_channel_send_str(&ch, "after") == -1)
            _exit(1);
        _exit(0);
    }
    cp_channel_close_writer(&ch);

    for (int i = 0; i < 2; i++) {
        cr_assert_eq(cp_channel_recv(&ch, &data, &len), CP_CHANNEL_MESSAGE);
        cr_assert_eq(len, 0);
        cr_assert_not_null(data);
        cr_assert_eq(((char *) data)[0], '\0');
        g_free(data);
    }
    cr_assert_eq(cp_channel_recv(&ch, &data, &len), CP_CHANNEL_MESSAGE);
    cr_assert_str_eq(data, "after");
    g_free(data);
    cr_assert_eq(cp_channel_recv(&ch, &data, &len), CP_CHANNEL_EOF);
    cp_test_assert_child_ok(pid);
    cp_test_assert_no_children();
    cp_channel_destroy(&ch);
}

/* 1 MiB is far more than a pipe holds: the child can only finish sending
 * while we read. */
Test(channel, large_message, .timeout = 10)
{
    const size_t size = 1 << 20;
    CpChannel ch;
    unsigned char *data;
    size_t len;
    pid_t pid;

    cr_assert_eq(cp_channel_init(&ch), 0);
    pid = cp_test_fork();
    if (pid == 0) {
        unsigned char *big = malloc(size);

        cp_channel_close_reader(&ch);
        if (big == NULL)
            _exit(1);
        for (size_t i = 0; i < size; i++)
            big[i] = pattern(0, 0, i);
        if (cp_channel_send(&ch, big, size) == -1)
            _exit(2);
        _exit(0);   /* no free(): _exit() skips the leak checker */
    }
    cp_channel_close_writer(&ch);

    cr_assert_eq(cp_channel_recv(&ch, (void **) &data, &len), CP_CHANNEL_MESSAGE, "recv: %s", strerror(errno));
    cr_assert_eq(len, size);
    for (size_t i = 0; i < size; i++)
        if (data[i] != pattern(0, 0, i))
            cr_assert_fail("byte %zu is %d, not %d", i, data[i], pattern(0, 0, i));
    cr_assert_eq(data[size], '\0');
    g_free(data);
    cr_assert_eq(cp_channel_recv(&ch, (void **) &data, &len), CP_CHANNEL_EOF);
    cp_test_assert_child_ok(pid);
    cp_test_assert_no_children();
    cp_channel_destroy(&ch);
}

#define WRITERS 4
#define PER_WRITER 200

/* Message seq of writer w: writer, seq, then the pattern.  Sizes range from
 * a few bytes to just under PIPE_BUF (one atomic write), and every fifth
 * is several times PIPE_BUF (written under the lock). */
static size_t
message_size(unsigned w, unsigned seq)
{
    if (seq % 5 == 0)
        return 3 * PIPE_BUF + (w * 977 + seq * 131) % 20000;
    return 2 * sizeof(uint32_t) + (w * 389 + seq * 53) % (PIPE_BUF - 16);
}

G_NORETURN static void
writer(CpChannel *ch, unsigned w)
{
    unsigned char *msg = malloc(3 * PIPE_BUF + 20000);

    cp_channel_close_reader(ch);
    if (msg == NULL)
        _exit(1);
    for (unsigned seq = 0; seq < PER_WRITER; seq++) {
        size_t size = message_size(w, seq);
        uint32_t head[2] = { w, seq };

        memcpy(msg, head, sizeof head);
        for (size_t i = sizeof head; i < size; i++)
            msg[i] = pattern(w, seq, i);
        if (cp_channel_send(ch, msg, size) == -1)
            _exit(2);
    }
    _exit(0);
}

/* Every message arrives whole, once, and each writer's in its order. */
Test(channel, many_writers_one_reader, .timeout = 10)
{
    unsigned next_seq[WRITERS] = { 0 };
    pid_t pids[WRITERS];
    unsigned received = 0;
    CpChannelStatus status;
    unsigned char *data;
    CpChannel ch;
    size_t len;

    cr_assert_eq(cp_channel_init(&ch), 0);
    for (unsigned w = 0; w < WRITERS; w++) {
        pids[w] = cp_test_fork();
        if (pids[w] == 0)
            writer(&ch, w);
    }
    cp_channel_close_writer(&ch);

    while ((status = cp_channel_recv(&ch, (void **) &data, &len)) == CP_CHANNEL_MESSAGE) {
        uint32_t head[2];

        cr_assert_geq(len, sizeof head, "message %u is only %zu bytes", received, len);
        memcpy(head, data, sizeof head);
        cr_assert_lt(head[0], WRITERS, "message %u: bad writer %u", received, head[0]);
        cr_assert_eq(head[1], next_seq[head[0]], "writer %u: message %u came, expected %u",
                     head[0], head[1], next_seq[head[0]]);
        cr_assert_eq(len, message_size(head[0], head[1]), "writer %u message %u: %zu bytes",
                     head[0], head[1], len);
        for (size_t i = sizeof head; i < len; i++)
            if (data[i] != pattern(head[0], head[1], i))
                cr_assert_fail("writer %u message %u: byte %zu is wrong", head[0], head[1], i);
        next_seq[head[0]]++;
        received++;
        g_free(data);
    }
    /* End of file comes only after every writer's last message. */
    cr_assert_eq(status, CP_CHANNEL_EOF, "recv: %s", strerror(errno));
    cr_assert_eq(received, WRITERS * PER_WRITER);
    for (unsigned w = 0; w < WRITERS; w++)
        cp_test_assert_child_ok(pids[w]);
    cp_test_assert_no_children();
    cp_channel_destroy(&ch);
}

/* While one writer is still there, the reader times out rather than seeing
 * end of file; once it is gone too, end of file. */
Test(channel, eof_only_after_every_writer, .timeout = 10)
{
    CpChannel ch, go;
    pid_t early, late;
    void *data;
    size_t len;

    cr_assert_eq(cp_channel_init(&ch), 0);
    cr_assert_eq(cp_channel_init(&go), 0);
    early = cp_test_fork();
    if (early == 0) {
        cp_channel_close_reader(&ch);
        cp_channel_destroy(&go);
        _exit(cp_channel_send_str(&ch, "early") == -1);
    }
    late = cp_test_fork();
    if (late == 0) {
        /* Wait for our go (end of file on `go`), then send. */
        cp_channel_close_reader(&ch);
        cp_channel_close_writer(&go);
        if (cp_channel_recv(&go, &data, &len) != CP_CHANNEL_EOF)
            _exit(1);
        _exit(cp_channel_send_str(&ch, "late") == -1);
    }
    cp_channel_close_writer(&ch);
    cp_channel_close_reader(&go);

    cr_assert_eq(cp_channel_recv(&ch, &data, &len), CP_CHANNEL_MESSAGE);
    cr_assert_str_eq(data, "early");
    g_free(data);
    cp_test_assert_child_ok(early);
    cr_assert_eq(cp_channel_recv_timeout(&ch, &data, &len, 0.05), CP_CHANNEL_TIMEOUT);

    cp_channel_close_writer(&go);   /* go */
    cr_assert_eq(cp_channel_recv_timeout(&ch, &data, &len, 5.0), CP_CHANNEL_MESSAGE);
    cr_assert_str_eq(data, "late");
    g_free(data);
    cr_assert_eq(cp_channel_recv_timeout(&ch, &data, &len, 5.0), CP_CHANNEL_EOF);
    cp_test_assert_child_ok(late);
    cp_test_assert_no_children();
    cp_channel_destroy(&go);
    cp_channel_destroy(&ch);
}

/* Nothing sent: recv_timeout waits about the timeout, then says so.  We
 * hold the write end ourselves, so it is not end of file. */
Test(channel, recv_timeout_times_out, .timeout = 10)
{
    CpChannel ch;
    void *data;
    size_t len;
    double start, waited;

    cr_assert_eq(cp_channel_init(&ch), 0);
    start = cp_time_now();
    cr_assert_eq(cp_channel_recv_timeout(&ch, &data, &len, 0.1), CP_CHANNEL_TIMEOUT);
    waited = cp_time_since(start);
    cr_assert(waited >= 0.099 && waited < 2.0, "waited %.3f s for a 0.1 s timeout", waited);
    cr_assert_null(data);
    cr_assert_eq(cp_channel_recv_timeout(&ch, &data, &len, 0), CP_CHANNEL_TIMEOUT);

    /* A message already there comes at once, even with a zero timeout. */
    cr_assert_eq(cp_channel_send_str(&ch, "here"), 0);
    cr_assert_eq(cp_channel_recv_timeout(&ch, &data, &len, 0), CP_CHANNEL_MESSAGE);
    cr_assert_str_eq(data, "here");
    g_free(data);
    cp_channel_destroy(&ch);
}

/* Put raw bytes on the pipe, as a writer that died mid-message would. */
static void
assert_bad_stream(const void *bytes, size_t size, const char *what)
{
    CpChannel ch;
    void *data;
    size_t len;

    cr_assert_eq(cp_channel_init(&ch), 0);
    cr_assert_eq(write(ch.write_fd, bytes, size), (ssize_t) size);
    cp_channel_close_writer(&ch);
    errno = 0;
    cr_assert_eq(cp_channel_recv(&ch, &data, &len), CP_CHANNEL_ERROR, "%s: not an error", what);
    cr_assert(errno == EPROTO || errno == EIO, "%s: errno %d (%s)", what, errno, strerror(errno));
    cr_assert_null(data);
    cp_channel_destroy(&ch);
}

Test(channel, eof_mid_message_is_an_error, .timeout = 10)
{
    struct { uint64_t len; char payload[10]; } cut = { 100, "0123456789" };
    uint64_t absurd = (uint64_t) 1 << 40;

    assert_bad_stream(&cut, sizeof cut.len + sizeof cut.payload, "payload cut short");
    assert_bad_stream(&cut, 3, "header cut short");
    assert_bad_stream(&absurd, sizeof absurd, "absurd length");
}

/* With no reader left, send fails with EPIPE (SIGPIPE ignored here). */
Test(channel, send_without_reader_is_epipe, .timeout = 10)
{
    CpChannel ch;

    cr_assert_neq(signal(SIGPIPE, SIG_IGN), SIG_ERR);
    cr_assert_eq(cp_channel_init(&ch), 0);
    cp_channel_close_reader(&ch);
    cr_assert_eq(cp_channel_send_str(&ch, "lost"), -1);
    cr_assert_eq(errno, EPIPE);
    cp_channel_destroy(&ch);
    cr_assert_eq(cp_channel_send_str(&ch, "closed"), -1);
    cr_assert_eq(errno, EBADF);
}
