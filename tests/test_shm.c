/* SPDX-License-Identifier: 0BSD */
/* test_shm.c: cp_shm, memory and a mutex shared across fork().
 *
 * Children forked here end with _exit() (a child returning from a
 * Criterion test would run the rest of the test runner), and report a
 * failure through their exit status, which the parent checks.
 */
#include <config.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp_shm.h"
#include "cp_test.h"

Test(shm, zeroed_and_shared_with_child, .timeout = 10)
{
    const size_t size = 3 * 4096 + 100;   /* more than one page, not a whole number */
    int fds_before = cp_test_count_open_fds();
    unsigned char *mem = cp_shm_new(size);
    pid_t pid;

    cr_assert_not_null(mem, "cp_shm_new: %s", strerror(errno));
    for (size_t i = 0; i < size; i++)
        cr_assert_eq(mem[i], 0, "byte %zu is %d, not 0", i, mem[i]);
    mem[0] = 1;   /* the parent's store before the fork: the child sees it */

    pid = cp_test_fork();
    if (pid == 0) {
        if (mem[0] != 1)
            _exit(2);
        for (size_t i = 0; i < size; i++)
            mem[i] = (unsigned char) (i % 251);
        _exit(0);
    }
    /* waitpid() returns after the child's stores: no other sync is needed. */
    cp_test_assert_child_ok(pid);
    for (size_t i = 0; i < size; i++)
        cr_assert_eq(mem[i], i % 251, "byte %zu: the child's store is not seen", i);
    cr_assert_eq(cp_shm_free(mem, size), 0, "cp_shm_free: %s", strerror(errno));
    cp_test_assert_no_children();
    cr_assert_eq(cp_test_count_open_fds(), fds_before, "cp_shm left a descriptor open");
}

/* Ordinary memory, for contrast: fork() copies it. */
Test(shm, private_memory_is_copied, .timeout = 10)
{
    static int plain;   /* one copy per process after fork() */
    pid_t pid;

    plain = 1;
    pid = cp_test_fork();
    if (pid == 0) {
        plain = 2;
        _exit(plain == 2 ? 0 : 1);
    }
    cp_test_assert_child_ok(pid);
    cr_assert_eq(plain, 1);
    cp_test_assert_no_children();
}

#define CHILDREN 8
#define INCREMENTS 20000

struct counter {
    pthread_mutex_t lock;
    uint64_t value;   /* protected by lock */
};

/* N children x M increments under the lock: a lock that did not work
 * across processes would lose some. */
Test(shm, mutex_serializes_processes, .timeout = 20)
{
    int fds_before = cp_test_count_open_fds();
    struct counter *c = cp_shm_new(sizeof *c);
    pid_t pids[CHILDREN];
    int s;

    cr_assert_not_null(c, "cp_shm_new: %s", strerror(errno));
    s = cp_shm_mutex_init(&c->lock);
    cr_assert_eq(s, 0, "cp_shm_mutex_init: %s", strerror(s));

    for (int i = 0; i < CHILDREN; i++) {
        pids[i] = cp_test_fork();
        if (pids[i] == 0) {
            for (int k = 0; k < INCREMENTS; k++) {
                if (pthread_mutex_lock(&c->lock) != 0)
                    _exit(2);
                c->value++;   /* a load and a store: not atomic by itself */
                if (pthread_mutex_unlock(&c->lock) != 0)
                    _exit(3);
            }
            _exit(0);
        }
    }
    for (int i = 0; i < CHILDREN; i++)
        cp_test_assert_child_ok(pids[i]);
    cr_assert_eq(c->value, (uint64_t) CHILDREN * INCREMENTS,
                 "counter is %llu, not %d", (unsigned long long) c->value, CHILDREN * INCREMENTS);

    /* The parent can still use the lock once the children are gone. */
    cr_assert_eq(pthread_mutex_lock(&c->lock), 0);
    cr_assert_eq(pthread_mutex_unlock(&c->lock), 0);
    cr_assert_eq(pthread_mutex_destroy(&c->lock), 0);
    cr_assert_eq(cp_shm_free(c, sizeof *c), 0, "cp_shm_free: %s", strerror(errno));
    cp_test_assert_no_children();
    cr_assert_eq(cp_test_count_open_fds(), fds_before, "cp_shm left a descriptor open");
}

/* While a child holds the lock, the parent's trylock finds it taken: the
 * two processes really use one mutex. */
Test(shm, lock_held_by_child_is_seen_by_parent, .timeout = 10)
{
    struct {
        pthread_mutex_t lock;
        atomic_int release;   /* (atomic) the parent's "unlock now" */
    } *sh = cp_shm_new(sizeof *sh);
    int fds_before = cp_test_count_open_fds(), fds[2];
    char byte;
    pid_t pid;

    cr_assert_not_null(sh);
    cr_assert_eq(cp_shm_mutex_init(&sh->lock), 0);
    cr_assert_eq(pipe(fds), 0, "pipe: %s", strerror(errno));
    pid = cp_test_fork();
    if (pid == 0) {
        close(fds[0]);
        if (pthread_mutex_lock(&sh->lock) != 0)
            _exit(2);
        if (write(fds[1], "L", 1) != 1)   /* "I hold it" */
            _exit(3);
        close(fds[1]);
        while (!atomic_load(&sh->release))
            usleep(1000);
        if (pthread_mutex_unlock(&sh->lock) != 0)
            _exit(4);
        _exit(0);
    }
    close(fds[1]);
    cr_assert_eq(read(fds[0], &byte, 1), 1, "the child did not take the lock");
    close(fds[0]);
    cr_assert_eq(pthread_mutex_trylock(&sh->lock), EBUSY);
    atomic_store(&sh->release, 1);
    cp_test_assert_child_ok(pid);
    cr_assert_eq(pthread_mutex_trylock(&sh->lock), 0);
    cr_assert_eq(pthread_mutex_unlock(&sh->lock), 0);
    cr_assert_eq(cp_shm_free(sh, sizeof *sh), 0);
    cp_test_assert_no_children();
    cr_assert_eq(cp_test_count_open_fds(), fds_before, "a descriptor was left open");
}

Test(shm, bad_sizes, .timeout = 10)
{
    errno = 0;
    cr_assert_null(cp_shm_new(0));
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(cp_shm_free(NULL, 16), 0, "freeing NULL is a no-op");
}
