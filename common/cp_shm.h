/* SPDX-License-Identifier: 0BSD */
/* cp_shm.h: memory shared with forked children, and a lock that works
 * across processes (Python's multiprocessing.Value, Array and Lock).
 *
 * fork() gives the child a copy of the parent's memory: after it, a store
 * to a global in one process is invisible to the other.  Memory from
 * cp_shm_new() is mapped MAP_SHARED, so the processes forked after it see
 * the very same bytes.  Map it before fork():
 *
 *     struct shared {
 *         pthread_mutex_t lock;
 *         int counter;              // protected by lock
 *     } *sh = cp_shm_new(sizeof *sh);
 *     if (sh == NULL)
 *         cp_die_errno("cp_shm_new");
 *     s = cp_shm_mutex_init(&sh->lock);
 *     if (s != 0)
 *         cp_die_en(s, "cp_shm_mutex_init");
 *     ... fork() children that lock sh->lock, update sh->counter, _exit() ...
 *     ... waitpid() for them all, read sh->counter ...
 *     if (cp_shm_free(sh, sizeof *sh) == -1)
 *         cp_die_errno("cp_shm_free");
 *
 * The mutex must itself live in the shared mapping: one in ordinary memory
 * is copied by fork(), and each process would lock its own copy.
 *
 * Robust where the system allows: a process that dies while it holds
 * the lock (a crash, a kill, SIGPIPE from `| head`) would otherwise leave
 * it locked for good, and every later pthread_mutex_lock() would block
 * forever.  cp_shm_mutex_init() makes the mutex PTHREAD_MUTEX_ROBUST
 * (POSIX 2008), so the next locker instead gets the lock with the error
 * EOWNERDEAD: the data it protects may be half updated.  That locker
 * looks at the data, calls pthread_mutex_consistent() and goes on (or
 * gives up); if it unlocks without doing so, the mutex is unusable for
 * good (ENOTRECOVERABLE):
 *
 *     s = pthread_mutex_lock(&sh->lock);
 *     if (s == EOWNERDEAD) {            // we hold it; its last holder died
 *         ... check or repair sh->counter, say so ...
 *         s = pthread_mutex_consistent(&sh->lock);
 *     }
 *     if (s != 0)
 *         cp_die_en_child(s, "pthread_mutex_lock");
 *
 * macOS has no robust mutexes: there the mutex is a plain process-shared
 * one, CP_SHM_ROBUST is 0, a holder's death still blocks the others for
 * good, and pthread_mutex_consistent() (absent from its <pthread.h>) is
 * defined below as one that is never needed and fails with ENOTSUP.
 *
 * MAP_ANONYMOUS is not in POSIX before 2024, but Linux, the BSDs and
 * macOS all have it.
 */
#ifndef CP_SHM_H
#define CP_SHM_H

#include <errno.h>
#include <pthread.h>
#include <stddef.h>

/* 1 where cp_shm_mutex_init() makes robust mutexes, 0 where it cannot. */
#ifdef __APPLE__
#define CP_SHM_ROBUST 0
#define pthread_mutex_consistent(m) ((void) (m), ENOTSUP)
#else
#define CP_SHM_ROBUST 1
#endif

/* size bytes (> 0) of zeroed memory, shared with every process forked
 * from now on.  NULL and errno on failure. */
void *cp_shm_new(size_t size);

/* Unmap memory from cp_shm_new() (a NULL mem is ignored), in every
 * process that has it; the memory goes when the last one does.  0, or -1
 * and errno. */
int cp_shm_free(void *mem, size_t size);

/* Initialize a PTHREAD_PROCESS_SHARED mutex (robust where CP_SHM_ROBUST)
 * at m, which must lie in memory from cp_shm_new().  Do it once, before
 * fork().  0, or the pthread error number. */
int cp_shm_mutex_init(pthread_mutex_t *m);

#endif
