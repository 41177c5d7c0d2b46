/* SPDX-License-Identifier: 0BSD */
/* rwlock.c: many readers at once, a writer alone: pthread_rwlock_t
 * against one mutex on a read-mostly table.
 *
 * Lesson 002's objectives: "use locks ... and other synchronization
 * primitives".  8 readers and 1 writer share a table of 256 rows; each
 * row holds 15 numbers and their sum.  A reader takes the lock, reads
 * every row and checks its sum; the writer takes the lock and rewrites
 * one row, then pauses a moment (read-mostly: reads far outnumber
 * writes).  They run for --seconds under each lock in turn:
 *
 *   pthread_rwlock_t   pthread_rwlock_rdlock() lets any number of readers
 *                      in together; pthread_rwlock_wrlock() waits until
 *                      none is inside and keeps everyone else out.
 *   one mutex          pthread_mutex_lock() for both: one reader at a
 *                      time, although readers change nothing.
 *
 * Usage:   rwlock [-w READERS] [--seconds=S] [-v]
 *
 * Look for: reads/s far higher with the read-write lock when there are
 * cores for the readers (on one core the two are close: the readers take
 * turns anyway), and "Readers overlapped: yes".  -v adds the most readers
 * seen inside at once under each lock (1 with the mutex) and how many
 * rows were checked.  A row whose numbers do not add up to its sum would
 * be a half-written row seen by a reader; a reader inside while the writer
 * writes would be a broken lock: either is a bug, and the program says so
 * and exits 1.  writes/s may be low: glibc's read-write lock lets new
 * readers in while a writer waits (it prefers readers), so a writer can
 * starve; pthread_rwlockattr_setkind_np() changes that on Linux only.
 *
 * See also: sync/shared_counter.c (one mutex), sync/deadlock.c.
 *
 * Build alone: cc -std=c11 rwlock.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"
#include "cp_trace.h"

#define ROWS 256
#define COLUMNS 15

static struct {
    long value[COLUMNS];
    long sum;               /* value[0] + ... + value[COLUMNS - 1] */
} table[ROWS];              /* protected by rwlock, or by mutex */

static bool use_rwlock;     /* set by main while no thread runs */
static pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;

static atomic_bool stop;        /* (atomic) main says: time is up */
static atomic_int inside;       /* (atomic) readers inside the lock now */
static atomic_int most_inside;  /* (atomic) the most at once */
static atomic_long torn_rows;   /* (atomic) rows whose sum was wrong */
static atomic_long broken;      /* (atomic) writes with a reader inside */

typedef struct {
    long operations;        /* written by its thread, read by main after the join */
    long rows_checked;
} Counts;

static void
read_lock(void)
{
    int s = use_rwlock ? pthread_rwlock_rdlock(&rwlock) : pthread_mutex_lock(&mutex);
    if (s != 0)
        cp_die_en(s, use_rwlock ? "pthread_rwlock_rdlock" : "pthread_mutex_lock");
}

static void
write_lock(void)
{
    int s = use_rwlock ? pthread_rwlock_wrlock(&rwlock) : pthread_mutex_lock(&mutex);
    if (s != 0)
        cp_die_en(s, use_rwlock ? "pthread_rwlock_wrlock" : "pthread_mutex_lock");
}

static void
unlock(void)
{
    int s = use_rwlock ? pthread_rwlock_unlock(&rwlock) : pthread_mutex_unlock(&mutex);
    if (s != 0)
        cp_die_en(s, use_rwlock ? "pthread_rwlock_unlock" : "pthread_mutex_unlock");
}

static void *
reader(void *arg)
{
    Counts *counts = arg;
    /* --trace: read holds overlap by design, so they get a name of their own */
    const char *held = use_rwlock ? "rwlock (read)" : "mutex";

    cp_trace_thread("reader");   /* --trace: this thread's row */
    do {    /* at least once, however short the run */
        cp_trace_locking(held);
        read_lock();
        cp_trace_locked(held);
        int now = atomic_fetch_add(&inside, 1) + 1;
        int most = atomic_load(&most_inside);
        while (now > most && !atomic_compare_exchange_weak(&most_inside, &most, now))
            ;
        for (int r = 0; r < ROWS; r++) {
            long sum = 0;
            for (int c = 0; c < COLUMNS; c++)
                sum += table[r].value[c];
            if (sum != table[r].sum)
                atomic_fetch_add(&torn_rows, 1);
        }
        atomic_fetch_sub(&inside, 1);
        cp_trace_unlocking(held);
        unlock();
        counts->operations++;
        counts->rows_checked += ROWS;
    } while (!atomic_load(&stop));
    return NULL;
}

static void *
writer(void *arg)
{
    Counts *counts = arg;
    long next = 1;
    const struct timespec pause = { 0, 100000 };   /* 0.1 ms between writes */
    const char *held = use_rwlock ? "rwlock" : "mutex";   /* for --trace */

    cp_trace_thread("writer");
    do {
        cp_trace_locking(held);
        write_lock();
        cp_trace_locked(held);
        if (atomic_load(&inside) != 0)
            atomic_fetch_add(&broken, 1);
        int r = (int) (next % ROWS);
        table[r].sum = 0;
        for (int c = 0; c < COLUMNS; c++) {
            table[r].value[c] = next + c;
            table[r].sum += next + c;
        }
        cp_trace_unlocking(held);
        unlock();
        next++;
        counts->operations++;
        if (nanosleep(&pause, NULL) != 0)
            cp_die_errno("nanosleep");
    } while (!atomic_load(&stop));
    return NULL;
}

/* Run the readers and the writer for `seconds` (real) under the lock that
 * use_rwlock names; print the rates; return the most readers inside at once. */
static int
run(int readers, double seconds, long *rows_checked)
{
    pthread_t *threads = g_new(pthread_t, readers + 1);
    Counts *counts = g_new0(Counts, readers + 1);   /* counts[readers]: the writer's */
    int s;

    atomic_store(&stop, false);
    atomic_store(&most_inside, 0);
    double start = cp_time_now();
    for (int i = 0; i <= readers; i++) {
        s = pthread_create(&threads[i], NULL, i < readers ? reader : writer, &counts[i]);
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    cp_sleep_real(seconds);
    atomic_store(&stop, true);
    for (int i = 0; i <= readers; i++) {
        s = pthread_join(threads[i], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    double elapsed = cp_time_since(start);

    long reads = 0;
    for (int i = 0; i < readers; i++) {
        reads += counts[i].operations;
        *rows_checked += counts[i].rows_checked;
    }
    printf("%s: %.0f reads/s, %.0f writes/s\n", use_rwlock ? "pthread_rwlock_t" : "one mutex",
           (double) reads / elapsed, (double) counts[readers].operations / elapsed);
    g_free(counts);
    g_free(threads);
    return atomic_load(&most_inside);
}

int
main(int argc, char *argv[])
{
    int readers = 8;
    gboolean verbose = FALSE;
    char *seconds_text = NULL;
    double seconds = 0.5;
    long rows_checked = 0;
    GOptionEntry entries[] = {
        { "seconds", 0, 0, G_OPTION_ARG_STRING, &seconds_text,
          "How long each lock runs, in lesson seconds (0..60; default: 0.5)", "S" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Readers and a writer share a table: a read-write lock against one mutex.",
        .entries = entries,
        .workers = &readers, .workers_are = "reader threads",
        .waits = TRUE,
        .verbose = &verbose,
    });
    if (seconds_text)
        seconds = cp_options_parse_double(seconds_text, 0, 60, "--seconds");
    g_free(seconds_text);
    seconds = cp_time_scaled_timeout(seconds);   /* never under 50 ms */

    for (int r = 0; r < ROWS; r++)      /* no thread yet: no lock needed */
        for (int c = 0; c < COLUMNS; c++)
            table[r].sum += table[r].value[c] = c;

    use_rwlock = true;
    int most_rwlock = run(readers, seconds, &rows_checked);
    use_rwlock = false;
    int most_mutex = run(readers, seconds, &rows_checked);

    printf("Readers overlapped: %s\n", most_rwlock > 1 ? "yes" : "no");
    if (verbose) {
        printf("Most readers inside at once: %d with pthread_rwlock_t, %d with one mutex\n",
               most_rwlock, most_mutex);
        printf("Rows checked: %ld, half-written: %ld\n", rows_checked, atomic_load(&torn_rows));
    }
    if (atomic_load(&torn_rows) != 0 || atomic_load(&broken) != 0 || most_mutex != 1) {
        fprintf(stderr, "rwlock: %ld half-written rows seen, %ld writes with a reader inside, "
                "%d readers at once under the mutex\n",
                atomic_load(&torn_rows), atomic_load(&broken), most_mutex);
        return 1;
    }
    return 0;
}
