/* SPDX-License-Identifier: 0BSD */
/* locked_file_writer.c: threads compute in parallel, then take turns
 * writing their results to one shared file under a lock.
 *
 * Ports lesson 001 "Example 1 with Threads" (cpu_bound_calculation(), then
 * write_to_file() under `with file_lock:`).  Four threads each count to
 * 10^7, all at once, then append "Thread i: 10000000" to one open file.
 * Only the write is locked: the counting needs no lock, since each thread
 * counts in its own variable.
 *
 * Why lock a write at all?  write() may write only part of a line and
 * return; cp_io_write_all() then loops to write the rest, and without the
 * lock another thread's line could land between the pieces.  Under the
 * lock each line goes into the file whole.
 *
 * Usage:   locked_file_writer [-w THREADS] [--output=PATH] [-v]  (default results.txt)
 *
 * Look for: nothing on stdout (as in the lesson; -v says which file it
 * wrote, and how many lines); then `cat results.txt`:
 * one whole line per thread, "Thread 0: 10000000" .. "Thread 3: 10000000",
 * in the order the threads finished counting, which changes from run to
 * run.  The lesson opens the file in append mode, so each run adds four
 * more lines; this program empties it first (O_TRUNC), so that the file
 * holds one run.  An output that cannot be opened is reported, exit 2.
 * --trace=FILE shows each thread counting, then holding file_lock for
 * its write: the counts may overlap, the writes never do.
 *
 * See also: sync/even_odd_lock.c, sync/inc_dec_counter.c.
 *
 * Build alone: cc -std=c11 locked_file_writer.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "cp_die.h"
#include "cp_io.h"
#include "cp_options.h"
#include "cp_trace.h"

#define COUNT 10000000

static pthread_mutex_t file_lock = PTHREAD_MUTEX_INITIALIZER;
static int fd = -1;   /* opened before the threads start; written under file_lock */

static long
cpu_bound_calculation(void)
{
    /* volatile makes the compiler do every addition; otherwise it would
     * fold the loop into result = COUNT and there would be no work. */
    volatile long result = 0;

    for (long i = 0; i < COUNT; i++)
        result += 1;
    return result;
}

static void
write_to_file(const char *line, size_t len)
{
    int s;

    cp_trace_locking("file_lock");   /* --trace: the wait for the lock, then the hold */
    s = pthread_mutex_lock(&file_lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_lock");
    cp_trace_locked("file_lock");
    if (cp_io_write_all(fd, line, len) == -1)
        cp_die_errno("write");
    cp_trace_unlocking("file_lock");
    s = pthread_mutex_unlock(&file_lock);
    if (s != 0)
        cp_die_en(s, "pthread_mutex_unlock");
}

static void *
calculate_and_write(void *arg)
{
    int thread_id = (int) (intptr_t) arg;
    char line[64];
    int len;

    cp_trace_thread("Thread %d", thread_id);   /* --trace: this thread's row */
    len = snprintf(line, sizeof line, "Thread %d: %ld\n", thread_id, cpu_bound_calculation());
    write_to_file(line, (size_t) len);
    return NULL;
}

int
main(int argc, char *argv[])
{
    int workers = 4, s;
    gboolean verbose = FALSE;
    char *output = NULL;
    GOptionEntry entries[] = {
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
          "Write the results to PATH (default: results.txt)", "PATH" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Threads count in parallel, then write their results to one file under a lock.",
        .entries = entries,
        .workers = &workers, .workers_are = "threads",
        .verbose = &verbose,
    });

    const char *path = output ? output : "results.txt";
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd == -1)
        cp_options_fail("cannot open --output '%s': %s", path, g_strerror(errno));

    pthread_t *threads = g_new(pthread_t, workers);
    for (int i = 0; i < workers; i++) {
        s = pthread_create(&threads[i], NULL, calculate_and_write, (void *) (intptr_t) i);
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    for (int i = 0; i < workers; i++) {
        s = pthread_join(threads[i], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    g_free(threads);

    /* close() can report a write error the writes did not. */
    if (close(fd) == -1)
        cp_die_errno("close");
    if (verbose)
        printf("Wrote %d lines to %s\n", workers, path);
    g_free(output);
    return 0;
}
