/* SPDX-License-Identifier: 0BSD */
/* fault_shim.c: an LD_PRELOAD library that makes the k-th call of fork(),
 * pipe(), pthread_create() or write-to-stdout fail, for tests/test_faults.c
 * (Linux and glibc only; `make check` builds it as tests/fault_shim.so).
 *
 *     CP_FAULT=fork:2 LD_PRELOAD=tests/fault_shim.so examples/processes/parallel_sum
 *
 * CP_FAULT=CALL:K fails the K-th (1, 2, ...) call of CALL:
 *   fork            returns -1, errno EAGAIN (as when RLIMIT_NPROC is hit)
 *   pipe            pipe() and pipe2() return -1, errno EMFILE (no descriptor)
 *   pthread_create  returns EAGAIN (no resources for another thread)
 *   write           a write to file descriptor 1 returns -1, errno ENOSPC
 *                   (a full disk), whether through write(2) or through
 *                   stdio: stdout is replaced by a stream that counts each
 *                   of its flushes as one write; buffered as stdout was.
 * Every other call, and the calls after the K-th, go through unharmed.
 *
 * Counts are per process, and only the process that started with
 * CP_FAULT in its environment counts and fails: a child it forks inherits
 * the library but calls through unharmed, and CP_FAULT is removed from the
 * environment at start, so a program it executes runs unharmed too.  One
 * failure happens per run, in the program's own process, so a test can
 * expect exactly one report of it.  (Failed writes in children are what
 * `prog > /dev/full` tests.)
 *
 * CP_FAULT_LOG=FILE (optional; also removed at start) appends a line per
 * counted call, "fork 1", "fork 2", ..., and "fork 2 failed" for the one
 * made to fail: a run without CP_FAULT counts how often a program calls
 * each, and a run with it says whether the fault happened at all (a
 * program that forks once never meets fork:2).
 *
 * In the sanitizer builds this library is built without the sanitizer
 * and comes before its runtime: each call counted here goes on to the
 * sanitizer's interceptor (RTLD_NEXT), then to the C library.
 * AddressSanitizer must be told not to insist on coming first:
 * ASAN_OPTIONS=verify_asan_link_order=0 (test_faults.c sets it).
 */
#define _GNU_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { FORK, PIPE, PTHREAD_CREATE, WRITE, N_CALLS };

static const char *const call_names[N_CALLS] = { "fork", "pipe", "pthread_create", "write" };
static const int call_errors[N_CALLS] = { EAGAIN, EMFILE, EAGAIN, ENOSPC };

/* Set once by the constructor, before main() and any thread. */
static pid_t armed_pid;          /* the process that counts; 0: none */
static int fault_call = -1;      /* the call to fail, or -1 */
static long fault_k;             /* ... on its fault_k-th time */
static char *log_path;           /* CP_FAULT_LOG, or NULL */

static atomic_long counts[N_CALLS];   /* (atomic) calls so far, per kind */

static pid_t (*real_fork)(void);
static int (*real_pipe)(int[2]);
static int (*real_pipe2)(int[2], int);
static int (*real_pthread_create)(pthread_t *, const pthread_attr_t *,
                                  void *(*)(void *), void *);
static ssize_t (*real_write)(int, const void *, size_t);

static void
log_line(const char *text)
{
    int saved = errno;
    int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

    if (fd >= 0) {
        (void) real_write(fd, text, strlen(text));
        close(fd);
    }
    errno = saved;
}

/* Count a call of this kind; the error number to fail it with, or 0. */
static int
fault(int call)
{
    long k;
    int fail;
    char line[64];

    if (armed_pid == 0 || getpid() != armed_pid)
        return 0;
    k = atomic_fetch_add(&counts[call], 1) + 1;
    fail = call == fault_call && k == fault_k;
    if (log_path) {
        snprintf(line, sizeof line, "%s %ld%s\n", call_names[call], k, fail ? " failed" : "");
        log_line(line);
    }
    return fail ? call_errors[call] : 0;
}

pid_t
fork(void)
{
    int en = fault(FORK);

    if (en != 0) {
        errno = en;
        return -1;
    }
    return real_fork();
}

int
pipe(int fds[2])
{
    int en = fault(PIPE);

    if (en != 0) {
        errno = en;
        return -1;
    }
    return real_pipe(fds);
}

int
pipe2(int fds[2], int flags)
{
    int en = fault(PIPE);

    if (en != 0) {
        errno = en;
        return -1;
    }
    return real_pipe2(fds, flags);
}

int
pthread_create(pthread_t *thread, const pthread_attr_t *attr,
               void *(*start)(void *), void *arg)
{
    int en = fault(PTHREAD_CREATE);

    return en != 0 ? en : real_pthread_create(thread, attr, start, arg);
}

ssize_t
write(int fd, const void *buf, size_t count)
{
    int en = fd == STDOUT_FILENO ? fault(WRITE) : 0;

    if (en != 0) {
        errno = en;
        return -1;
    }
    return real_write(fd, buf, count);
}

/* stdio writes with an internal call that no LD_PRELOAD library can
 * replace, so stdout becomes a stream whose every flush is one counted
 * write(): all of it, or -1 and errno, which stdio turns into ferror(). */
static ssize_t
stdout_write(void *cookie, const char *buf, size_t size)
{
    size_t done = 0;
    int en = fault(WRITE);

    (void) cookie;
    if (en != 0) {
        errno = en;
        return -1;
    }
    while (done < size) {
        ssize_t n = real_write(STDOUT_FILENO, buf + done, size - done);

        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return done > 0 ? (ssize_t) done : -1;
        done += (size_t) n;
    }
    return (ssize_t) done;
}

static int
stdout_close(void *cookie)
{
    (void) cookie;
    return close(STDOUT_FILENO);
}

static void
die(const char *what)
{
    fprintf(stderr, "fault_shim: %s\n", what);
    _exit(125);
}

__attribute__((constructor)) static void
fault_shim_init(void)
{
    const char *spec = getenv("CP_FAULT");
    const char *log = getenv("CP_FAULT_LOG");
    cookie_io_functions_t io = { .write = stdout_write, .close = stdout_close };
    FILE *counted;

    real_fork = (pid_t (*)(void)) dlsym(RTLD_NEXT, "fork");
    real_pipe = (int (*)(int[2])) dlsym(RTLD_NEXT, "pipe");
    real_pipe2 = (int (*)(int[2], int)) dlsym(RTLD_NEXT, "pipe2");
    real_pthread_create = (int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *))
        dlsym(RTLD_NEXT, "pthread_create");
    real_write = (ssize_t (*)(int, const void *, size_t)) dlsym(RTLD_NEXT, "write");
    if (!real_fork || !real_pipe || !real_pipe2 || !real_pthread_create || !real_write)
        die("cannot find the real functions (dlsym)");
    if (spec == NULL && log == NULL)
        return;

    if (spec != NULL && *spec != '\0') {
        const char *colon = strchr(spec, ':');
        char *end;

        for (int call = 0; call < N_CALLS && colon; call++)
            if (strlen(call_names[call]) == (size_t) (colon - spec)
                && strncmp(spec, call_names[call], (size_t) (colon - spec)) == 0)
                fault_call = call;
        if (fault_call < 0)
            die("CP_FAULT is CALL:K, CALL one of fork, pipe, pthread_create, write");
        errno = 0;
        fault_k = strtol(colon + 1, &end, 10);
        if (errno != 0 || *end != '\0' || fault_k < 1)
            die("CP_FAULT is CALL:K, K a count from 1");
    }
    if (log != NULL && (log_path = strdup(log)) == NULL)
        die("out of memory");
    unsetenv("CP_FAULT");
    unsetenv("CP_FAULT_LOG");

    counted = fopencookie(NULL, "w", io);
    if (counted == NULL)
        die("fopencookie failed");
    /* A terminal's stdout is line-buffered, anything else fully. */
    if (isatty(STDOUT_FILENO) && setvbuf(counted, NULL, _IOLBF, BUFSIZ) != 0)
        die("setvbuf failed");
    stdout = counted;   /* glibc lets a program assign stdout */
    armed_pid = getpid();
}
