/* SPDX-License-Identifier: 0BSD */
/* cp_bench_memory.c: what a thread and a process cost in memory, read
 * from Linux's /proc (-1 elsewhere), and the child processes that these
 * measurements need: a fresh child per sample (no thread stacks kept for
 * reuse), and workers held alive at a gate while their pages are
 * counted. */
#define _POSIX_C_SOURCE 200809L

#include "cp_bench.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cp_children.h"
#include "cp_die.h"
#include "cp_io.h"

double
cp_bench_private_bytes(pid_t pid)
{
#ifdef __linux__
    char path[64], line[256];
    double kib = 0;
    long v;
    FILE *f;

    if (pid == 0)
        snprintf(path, sizeof path, "/proc/self/smaps_rollup");
    else
        snprintf(path, sizeof path, "/proc/%ld/smaps_rollup", (long) pid);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Private_Clean: %ld", &v) == 1
            || sscanf(line, "Private_Dirty: %ld", &v) == 1)
            kib += (double) v;
    fclose(f);
    return kib * 1024;
#else
    (void) pid;
    return -1;
#endif
}

double
cp_bench_virtual_bytes(void)
{
#ifdef __linux__
    long pages;
    int found;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f == NULL)
        return -1;
    found = fscanf(f, "%ld", &pages);
    fclose(f);
    return found == 1 ? (double) pages * (double) sysconf(_SC_PAGESIZE) : -1;
#else
    return -1;
#endif
}

gboolean
cp_bench_reap(pid_t child, const char *who)
{
    int status;

    if (cp_waitpid(child, &status) == -1)
        cp_die_errno("waitpid");
    cp_children_reaped(child);
    return cp_child_status_ok(status, "%s", who);
}

double
cp_bench_in_fresh_child(CpBenchSampleFunc sample, void *data)
{
    int results[2];
    double value;
    gboolean received;
    pid_t child;

    if (cp_io_pipe(results) == -1)
        cp_die_errno("pipe");
    fflush(stdout);   /* or the child would inherit, and print, our buffer */
    child = fork();
    if (child == -1)
        cp_die_errno("fork");
    if (child == 0) {
        cp_children_in_child();
        cp_io_close(&results[0]);
        value = sample(data);
        /* _exit() flushes nothing: what sample() printed goes out now. */
        if (fflush(stdout) == EOF)
            cp_die_errno_child("write to stdout");
        if (cp_io_write_all(results[1], &value, sizeof value) == -1)
            cp_die_errno_child("write");
        _exit(EXIT_SUCCESS);
    }
    cp_children_add(child);
    cp_io_close(&results[1]);
    /* Short only if the child died first: then waitpid says how. */
    received = cp_io_read_full(results[0], &value, sizeof value) == (ssize_t) sizeof value;
    cp_io_close(&results[0]);
    if (!cp_bench_reap(child, "fresh child"))
        exit(EXIT_FAILURE);
    if (!received) {   /* the sample ended the child with status 0 */
        fprintf(stderr, "%s: fresh child sent no result\n",
                g_get_prgname() ? g_get_prgname() : "conpar");
        exit(EXIT_FAILURE);
    }
    return value;
}

/* Workers held alive while their memory is read.  Each worker, a thread
 * or a child, writes a byte to `ready`, then reads `go` until end of file;
 * the holder reads a byte per worker, takes its sample, and closes go's
 * write end to let every worker go at once. */
typedef struct {
    int ready[2];
    int go[2];
    guint64 work;   /* each worker first sums i*i for i < work */
} Gate;

static void
gate_open(Gate *gate, guint64 work)
{
    if (cp_io_pipe(gate->ready) == -1 || cp_io_pipe(gate->go) == -1)
        cp_die_errno("pipe");
    gate->work = work;
}

/* The worker's side, in two steps: do the work and say so, then wait for
 * "go".  Each returns FALSE, with errno set, if its write or read failed. */
static gboolean
gate_work_and_announce(Gate *gate)
{
    char byte = 'r';

    (void) cp_bench_cpu_work(0, gate->work);
    return cp_io_write_all(gate->ready[1], &byte, 1) != -1;
}

static gboolean
gate_wait(Gate *gate)
{
    char byte;

    return cp_io_read_full(gate->go[0], &byte, 1) != -1;
}

/* The holder's side: a byte from each of n workers; FALSE if one died. */
static gboolean
gate_all_ready(Gate *gate, int n)
{
    char byte;

    for (int k = 0; k < n; k++)
        if (cp_io_read_full(gate->ready[0], &byte, 1) != 1)
            return FALSE;
    return TRUE;
}

static void
gate_close(Gate *gate)
{
    cp_io_close(&gate->go[1]);   /* first: it is the "go" */
    cp_io_close(&gate->go[0]);
    cp_io_close(&gate->ready[0]);
    cp_io_close(&gate->ready[1]);
}

static void *
gate_thread(void *gate)
{
    if (!gate_work_and_announce(gate) || !gate_wait(gate))
        cp_die_errno("ready/go pipe");
    return NULL;
}

double
cp_bench_threads_growth(int n, guint64 work, gboolean address_space)
{
    pthread_t *threads = g_new(pthread_t, n);
    double before, after;
    Gate gate;
    int s;

    gate_open(&gate, work);
    (void) cp_bench_private_bytes(0);   /* the first read allocates stdio's buffer */
    before = address_space ? cp_bench_virtual_bytes() : cp_bench_private_bytes(0);
    for (int k = 0; k < n; k++) {
        s = pthread_create(&threads[k], NULL, gate_thread, &gate);
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    if (!gate_all_ready(&gate, n))
        cp_die_errno("read");
    after = address_space ? cp_bench_virtual_bytes() : cp_bench_private_bytes(0);
    cp_io_close(&gate.go[1]);   /* go */
    for (int k = 0; k < n; k++) {
        s = pthread_join(threads[k], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    gate_close(&gate);
    g_free(threads);
    return after - before;
}

double
cp_bench_children_private_bytes(int n, guint64 work)
{
    pid_t *children = g_new(pid_t, n);
    gboolean failed = FALSE;
    double bytes = 0;
    Gate gate;

    gate_open(&gate, work);
    fflush(stdout);   /* or each child would inherit, and print, our buffer */
    for (int k = 0; k < n; k++) {
        children[k] = fork();
        if (children[k] == -1)
            cp_die_errno("fork");   /* exit() stops the children started */
        if (children[k] == 0) {
            cp_children_in_child();
            /* Only the parent may keep go's write end, or no child would
             * see end of file; ready's goes with the child once it has
             * written, so the parent's read cannot wait for ever. */
            cp_io_close(&gate.go[1]);
            cp_io_close(&gate.ready[0]);
            if (!gate_work_and_announce(&gate))
                cp_die_errno_child("write to the ready pipe");
            cp_io_close(&gate.ready[1]);
            if (!gate_wait(&gate))
                cp_die_errno_child("read from the go pipe");
            _exit(EXIT_SUCCESS);
        }
        cp_children_add(children[k]);
    }
    cp_io_close(&gate.ready[1]);
    if (gate_all_ready(&gate, n))
        for (int k = 0; k < n && bytes >= 0; k++) {
            double each = cp_bench_private_bytes(children[k]);

            bytes = each < 0 ? -1 : bytes + each;   /* -1: not measured */
        }
    else
        failed = TRUE;   /* a child died early: waitpid says how */
    gate_close(&gate);
    for (int k = 0; k < n; k++)
        if (!cp_bench_reap(children[k], "waiting child"))
            failed = TRUE;
    g_free(children);
    if (failed)
        exit(EXIT_FAILURE);
    return bytes;
}
