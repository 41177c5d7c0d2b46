/* SPDX-License-Identifier: 0BSD */
/* cp_shm.c: shared anonymous memory and process-shared mutexes.
 *
 * An anonymous mapping is zero-filled by the kernel, and MAP_SHARED makes
 * fork() share its pages instead of copying them.  A process-shared mutex
 * needs the attribute PTHREAD_PROCESS_SHARED: without it an implementation
 * may keep state tied to one process (the mutex then works, by luck, on
 * some systems and not on others).  A robust one (PTHREAD_MUTEX_ROBUST)
 * is handed to the next locker, with EOWNERDEAD, when its holder dies.
 */
/* MAP_ANONYMOUS is not in POSIX 2008: glibc shows it with _DEFAULT_SOURCE
 * (which also brings POSIX 2008), macOS with _DARWIN_C_SOURCE. */
#define _DEFAULT_SOURCE
#define _DARWIN_C_SOURCE

#include "cp_shm.h"

#include <errno.h>
#include <sys/mman.h>

void *
cp_shm_new(size_t size)
{
    void *mem;

    if (size == 0) {   /* mmap() rejects it too, but not on every system */
        errno = EINVAL;
        return NULL;
    }
    mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return mem == MAP_FAILED ? NULL : mem;
}

int
cp_shm_free(void *mem, size_t size)
{
    if (mem == NULL)
        return 0;
    return munmap(mem, size);
}

int
cp_shm_mutex_init(pthread_mutex_t *m)
{
    pthread_mutexattr_t attr;
    int s;

    s = pthread_mutexattr_init(&attr);
    if (s != 0)
        return s;
    s = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
#if CP_SHM_ROBUST
    if (s == 0)   /* a holder's death hands the lock on, with EOWNERDEAD */
        s = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
#endif
    if (s == 0)
        s = pthread_mutex_init(m, &attr);
    pthread_mutexattr_destroy(&attr);   /* cannot fail once initialized */
    return s;
}
