/* SPDX-License-Identifier: 0BSD */
/* Unit tests of common/cp_io: whole reads and writes, pipes, close. */
#include <config.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp_io.h"
#include "cp_test.h"

/* More than a pipe holds (64 KiB on Linux): the writer blocks part way and
 * the reader gets the bytes in pieces, which the loops must put together. */
#define BIG (1 << 20)

Test(io, big_write_arrives_whole_and_in_order, .timeout = 30)
{
    int fds[2];
    unsigned char *got = g_malloc(BIG);
    pid_t child;

    cr_assert_eq(cp_io_pipe(fds), 0);
    child = cp_test_fork();
    if (child == 0) {
        unsigned char *data = g_malloc(BIG);

        for (int i = 0; i < BIG; i++)
            data[i] = (unsigned char) (i * 7);
        close(fds[0]);
        _exit(cp_io_write_all(fds[1], data, BIG) == 0 ? 0 : 1);
    }
    cp_io_close(&fds[1]);
    cr_assert_eq(cp_io_read_full(fds[0], got, BIG), BIG);
    for (int i = 0; i < BIG; i++)
        cr_assert_eq(got[i], (unsigned char) (i * 7), "byte %d", i);
    cp_test_assert_child_ok(child);
    cp_io_close(&fds[0]);
    g_free(got);
}

Test(io, read_stops_short_at_end_of_file, .timeout = 10)
{
    int fds[2];
    char buf[16];

    cr_assert_eq(cp_io_pipe(fds), 0);
    cr_assert_eq(cp_io_write_all(fds[1], "abc", 3), 0);
    cp_io_close(&fds[1]);
    cr_assert_eq(cp_io_read_full(fds[0], buf, sizeof buf), 3);
    cr_assert_eq(memcmp(buf, "abc", 3), 0);
    cr_assert_eq(cp_io_read_full(fds[0], buf, sizeof buf), 0);
    cp_io_close(&fds[0]);
}

Test(io, write_without_reader_is_epipe, .timeout = 10)
{
    int fds[2];

    cr_assert_neq(signal(SIGPIPE, SIG_IGN), SIG_ERR);
    cr_assert_eq(cp_io_pipe(fds), 0);
    cp_io_close(&fds[0]);
    cr_assert_eq(cp_io_write_all(fds[1], "x", 1), -1);
    cr_assert_eq(errno, EPIPE);
    cp_io_close(&fds[1]);
}

Test(io, pipe_ends_close_on_exec, .timeout = 10)
{
    int fds[2];

    cr_assert_eq(cp_io_pipe(fds), 0);
    for (int i = 0; i < 2; i++)
        cr_assert(fcntl(fds[i], F_GETFD) & FD_CLOEXEC, "end %d", i);
    cp_io_close(&fds[0]);
    cp_io_close(&fds[1]);
}

Test(io, close_sets_minus_one_and_keeps_errno, .timeout = 10)
{
    int fds[2];
    int open_before = cp_test_count_open_fds();

    cr_assert_eq(cp_io_pipe(fds), 0);
    cr_assert_eq(cp_test_count_open_fds(), open_before + 2);
    errno = ERANGE;
    cp_io_close(&fds[0]);
    cp_io_close(&fds[1]);
    cr_assert_eq(fds[0], -1);
    cr_assert_eq(fds[1], -1);
    cr_assert_eq(errno, ERANGE);
    cp_io_close(&fds[0]);   /* already closed: nothing happens */
    cr_assert_eq(fds[0], -1);
    cr_assert_eq(cp_test_count_open_fds(), open_before);
}
