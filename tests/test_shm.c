/* SPDX-License-Identifier: 0BSD */
/* test_shm.c: cp_shm, memory and a mutex shared across fork().
 *
 * Children forked here end with _exit() (a child returning from a
 * Criterion test would run the rest of the test runner), and report a
 * failure through their exit status, which the parent checks.  Some die
 * holding the mutex on purpose: a robust mutex hands it on, with
 * EOWNERDEAD, to the next process that locks it.
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

/* A child that takes the lock and ends without unlocking it: with
 * _exit(), or killed by SIGKILL (a crash, `kill -9`).  Returns once the
 * child is reaped, so the lock's holder is surely dead. */
static void
die_holding(pthread_mutex_t *lock, gboolean killed)
{
    int fds[2], status;
    char byte;
    pid_t pid;

    cr_assert_eq(pipe(fds), 0, "pipe: %s", strerror(errno));
    pid = cp_test_fork();
    if (pid == 0) {
        close(fds[0]);
        if (pthread_mutex_lock(lock) != 0)
            _exit(2);
        if (write(fds[1], "L", 1) != 1)   /* "I hold it" */
            _exit(3);
        if (killed)
            pause();   /* until the parent's SIGKILL */
        _exit(0);      /* still holding the lock */
    }
    close(fds[1]);
    cr_assert_eq(read(fds[0], &byte, 1), 1, "the child did not take the lock");
    close(fds[0]);
    if (killed)
        cr_assert_eq(kill(pid, SIGKILL), 0);
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    if (killed)
        cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "wait status 0x%x", status);
    else
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "wait status 0x%x", status);
}

/* The holder dies: the next locker is not blocked for ever (the Criterion
 * timeout would say so), it gets the lock with EOWNERDEAD, makes it
 * consistent, and from then on the lock works as before. */
static void
assert_next_locker_gets_eownerdead(gboolean killed)
{
    int fds_before = cp_test_count_open_fds();
    struct counter *c;

    if (!CP_SHM_ROBUST)
        cr_skip_test("no robust mutexes on this system");
    c = cp_shm_new(sizeof *c);
    cr_assert_not_null(c);
    cr_assert_eq(cp_shm_mutex_init(&c->lock), 0);
    die_holding(&c->lock, killed);

    cr_assert_eq(pthread_mutex_lock(&c->lock), EOWNERDEAD,
                 "the next locker did not hear that the holder died");
    cr_assert_eq(pthread_mutex_consistent(&c->lock), 0);
    cr_assert_eq(pthread_mutex_unlock(&c->lock), 0);
    cr_assert_eq(pthread_mutex_lock(&c->lock), 0, "the lock did not recover");
    cr_assert_eq(pthread_mutex_unlock(&c->lock), 0);
    cr_assert_eq(pthread_mutex_destroy(&c->lock), 0);
    cr_assert_eq(cp_shm_free(c, sizeof *c), 0);
    cp_test_assert_no_children();
    cr_assert_eq(cp_test_count_open_fds(), fds_before, "a descriptor was left open");
}

Test(shm, holder_that_exits_hands_on_the_lock_with_eownerdead, .timeout = 10)
{
    assert_next_locker_gets_eownerdead(FALSE);
}

Test(shm, holder_killed_hands_on_the_lock_with_eownerdead, .timeout = 10)
{
    assert_next_locker_gets_eownerdead(TRUE);
}

/* A locker that gets EOWNERDEAD and unlocks without calling
 * pthread_mutex_consistent() leaves the lock unusable: ENOTRECOVERABLE,
 * never a hang. */
Test(shm, not_made_consistent_is_not_recoverable, .timeout = 10)
{
    struct counter *c;

    if (!CP_SHM_ROBUST)
        cr_skip_test("no robust mutexes on this system");
    c = cp_shm_new(sizeof *c);
    cr_assert_not_null(c);
    cr_assert_eq(cp_shm_mutex_init(&c->lock), 0);
    die_holding(&c->lock, FALSE);
    cr_assert_eq(pthread_mutex_lock(&c->lock), EOWNERDEAD);
    cr_assert_eq(pthread_mutex_unlock(&c->lock), 0);
    cr_assert_eq(pthread_mutex_lock(&c->lock), ENOTRECOVERABLE);
    cr_assert_eq(cp_shm_free(c, sizeof *c), 0);
    cp_test_assert_no_children();
}

/* Children keep adding while one of them dies holding the lock, half
 * way: the others go on (the next locker gets EOWNERDEAD, once, and
 * repairs the lock), and every add of theirs counts. */
Test(shm, others_go_on_after_a_holder_dies, .timeout = 20)
{
    struct {
        struct counter c;
        atomic_int owner_dead_seen;   /* (atomic) lockers that got EOWNERDEAD */
    } *sh;
    pid_t pids[CHILDREN];
    int s;

    if (!CP_SHM_ROBUST)
        cr_skip_test("no robust mutexes on this system");
    sh = cp_shm_new(sizeof *sh);
    cr_assert_not_null(sh);
    cr_assert_eq(cp_shm_mutex_init(&sh->c.lock), 0);
    for (int i = 0; i < CHILDREN; i++) {
        pids[i] = cp_test_fork();
        if (pids[i] == 0) {
            for (int k = 0; k < INCREMENTS; k++) {
                s = pthread_mutex_lock(&sh->c.lock);
                if (s == EOWNERDEAD) {
                    atomic_fetch_add(&sh->owner_dead_seen, 1);
                    s = pthread_mutex_consistent(&sh->c.lock);
                }
                if (s != 0)
                    _exit(2);
                if (i == 0 && k == INCREMENTS / 2)
                    _exit(0);   /* dies holding it, its add not done */
                sh->c.value++;
                if (pthread_mutex_unlock(&sh->c.lock) != 0)
                    _exit(3);
            }
            _exit(0);
        }
    }
    for (int i = 0; i < CHILDREN; i++)
        cp_test_assert_child_ok(pids[i]);
    /* If every other child had finished before the first one died, the
     * parent is the next locker. */
    s = pthread_mutex_lock(&sh->c.lock);
    if (s == EOWNERDEAD) {
        atomic_fetch_add(&sh->owner_dead_seen, 1);
        s = pthread_mutex_consistent(&sh->c.lock);
    }
    cr_assert_eq(s, 0, "pthread_mutex_lock: %s", strerror(s));
    cr_assert_eq(pthread_mutex_unlock(&sh->c.lock), 0);
    cr_assert_eq(atomic_load(&sh->owner_dead_seen), 1, "EOWNERDEAD seen %d times, not once",
                 atomic_load(&sh->owner_dead_seen));
    cr_assert_eq(sh->c.value, (uint64_t) (CHILDREN - 1) * INCREMENTS + INCREMENTS / 2,
                 "counter is %llu", (unsigned long long) sh->c.value);
    cr_assert_eq(cp_shm_free(sh, sizeof *sh), 0);
    cp_test_assert_no_children();
}
