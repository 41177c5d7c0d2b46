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
 * Not robust: a process that dies while it holds the lock (a crash, a
 * kill) leaves it locked for good, and every later pthread_mutex_lock()
 * blocks forever.  Robust mutexes (pthread_mutexattr_setrobust) can
 * recover, but macOS lacks them; keep the locked sections short and
 * free of anything that can kill the process.
 *
 * MAP_ANONYMOUS is not in POSIX before 2024, but Linux, the BSDs and
 * macOS all have it.
 */
#ifndef CP_SHM_H
#define CP_SHM_H

#include <pthread.h>
#include <stddef.h>

/* size bytes (> 0) of zeroed memory, shared with every process forked
 * from now on.  NULL and errno on failure. */
void *cp_shm_new(size_t size);

/* Unmap memory from cp_shm_new() (a NULL mem is ignored), in every
 * process that has it; the memory goes when the last one does.  0, or -1
 * and errno. */
int cp_shm_free(void *mem, size_t size);

/* Initialize a PTHREAD_PROCESS_SHARED mutex at m, which must lie in
 * memory from cp_shm_new().  Do it once, before fork().  0, or the pthread
 * error number. */
int cp_shm_mutex_init(pthread_mutex_t *m);

#endif
