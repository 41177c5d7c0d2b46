/* SPDX-License-Identifier: 0BSD */
/* cp_procpool.c: multiprocessing.Pool.map with fork() and pipes.
 *
 * Each map call forks min(workers, n) workers.  Worker k has two pipes:
 *
 *     parent --- task pipe: input indices (uint64_t) ------> worker k
 *     parent <-- result pipe: index, then the output bytes -- worker k
 *
 *     parent --- task pipe: a chunk, first index and count -> worker k
 *     parent <-- result pipe: index and output, per input --- worker k
 *
 * The parent hands every worker a chunk of consecutive indices, then
 * poll()s the result pipes.  The worker sends each result as soon as it
 * has it; the parent reads whatever has arrived in one read(), stores each
 * result at its index, and gives a worker whose chunk is done the next
 * chunk (dynamic dispatch, as Python's Pool.map does).  A chunk is
 * len / (4 x workers) inputs, rounded up, as Python chooses it: one
 * message per chunk instead of one per input, so that ten thousand tiny
 * inputs cost a few round trips, not ten thousand, while a slow input
 * still holds up only its own worker's chunk.  When no chunk is left the
 * parent closes the worker's task pipe; the worker reads end of file,
 * flushes its stdout and exits.
 *
 * A worker that dies closes its end of its result pipe, so the parent
 * reads end of file there.  Results come one by one, so the parent knows
 * the input it was on (the first of its chunk not answered): map reaps the
 * worker, kills and reaps the others, and fails with an error naming that
 * input and how the worker died (waitpid's status).
 *
 * Threads: fork() copies only the calling thread, which is fine here since
 * the worker only reads and writes its pipes and calls fn.  But fn must not
 * take a lock that another thread of the caller may hold at the fork: in
 * the worker nobody would ever unlock it.  And since map sets SIGPIPE's
 * action for the whole process while it runs, call it from one thread at
 * a time.
 */
#define _POSIX_C_SOURCE 200809L

#include "cp_procpool.h"
#include "cp_die.h"
#include "cp_io.h"
#include "cp_trace.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct CpProcPool {
    guint workers;
    gsize chunksize;    /* 0: len / (4 x workers), rounded up */
};

/* One map call's arguments, as every worker sees them. */
typedef struct {
    CpProcFunc fn;
    const char *inputs;
    gsize input_size;
    gsize n;
    char *outputs;
    gsize output_size;
    void *user_data;
    void *scratch;                 /* a worker's record (index, output), made before fork */
    struct sigaction old_sigpipe;  /* the caller's SIGPIPE action, put back after */
} Job;

/* The parent's view of one worker. */
typedef struct {
    pid_t pid;        /* 0 once reaped */
    int task_fd;      /* write end of its task pipe; -1 once closed */
    int result_fd;    /* read end of its result pipe; -1 once closed */
    gboolean busy;    /* it has a chunk in hand: ... */
    gsize in_hand;    /* ... the input it is on, the first not answered */
    gsize chunk_end;  /* ... and the one after its chunk */
    char *received;   /* bytes read from result_fd, not yet a whole record */
    gsize n_received;
} Worker;

/* What one message on the task pipe says: do inputs first..first+count-1. */
typedef struct {
    uint64_t first, count;
} Chunk;

/* Results are read this many bytes at a time, or one record if larger. */
#define READ_SIZE 65536

G_DEFINE_QUARK(cp-procpool-error-quark, cp_procpool_error)

static void
set_system_error(GError **error, const char *what)
{
    int en = errno;

    g_set_error(error, CP_PROCPOOL_ERROR, CP_PROCPOOL_ERROR_SYSTEM,
                "%s failed: %s", what, g_strerror(en));
}

static gboolean
make_pipe(int fds[2], GError **error)
{
    if (cp_io_pipe(fds) == -1) {
        set_system_error(error, "pipe");
        return FALSE;
    }
    return TRUE;
}

/* The worker's whole life, in the child: compute each index that comes
 * down the task pipe, send back index and output, until end of file. */
G_NORETURN static void
worker_main(int task_fd, int result_fd, const Job *job)
{
    Chunk chunk;
    ssize_t got;
    char *output = (char *) job->scratch + sizeof(uint64_t);

    while ((got = cp_io_read_full(task_fd, &chunk, sizeof chunk)) == (ssize_t) sizeof chunk) {
        if (chunk.first >= job->n || chunk.count > job->n - chunk.first)
            _exit(EXIT_FAILURE);
        for (uint64_t index = chunk.first; index < chunk.first + chunk.count; index++) {
            double start = cp_trace_now();
            job->fn(job->inputs + index * job->input_size, output, job->user_data);
            if (cp_trace_on) {
                char name[32];

                snprintf(name, sizeof name, "input %llu", (unsigned long long) index);
                cp_trace_span("task", name, start);
            }
            /* Each result at once, index and output in one write: the
             * parent then always knows which input a dead worker was on. */
            memcpy(job->scratch, &index, sizeof index);
            if (cp_io_write_all(result_fd, job->scratch, sizeof index + job->output_size) == -1)
                _exit(EXIT_FAILURE);   /* the parent is gone */
        }
    }
    if (got != 0)
        _exit(EXIT_FAILURE);       /* a read error, or half an index */

    /* End of file: no work left.  Flush what fn printed, then _exit(), not
     * exit(): the atexit handlers we inherited are the parent's. */
    if (fflush(stdout) == EOF)
        _exit(EXIT_FAILURE);
    _exit(EXIT_SUCCESS);
}

/* Fork worker k, with its two pipes, and record it in workers[k].  On
 * failure nothing of it is left open. */
static gboolean
start_worker(Worker *workers, guint k, const Job *job, GError **error)
{
    int task[2], result[2];
    pid_t pid;

    if (!make_pipe(task, error))
        return FALSE;
    if (!make_pipe(result, error)) {
        cp_io_close(&task[0]);
        cp_io_close(&task[1]);
        return FALSE;
    }

    pid = fork();
    if (pid == -1) {
        set_system_error(error, "fork");
        cp_io_close(&task[0]);
        cp_io_close(&task[1]);
        cp_io_close(&result[0]);
        cp_io_close(&result[1]);
        return FALSE;
    }

    if (pid == 0) {
        /* Keep only our own ends.  Above all, close the parent's ends of
         * the earlier workers' pipes: a copy of a sibling's task pipe write
         * end left open here would stop that sibling from ever reading end
         * of file. */
        if (close(task[1]) == -1 || close(result[0]) == -1)
            _exit(EXIT_FAILURE);
        for (guint j = 0; j < k; j++)
            if (close(workers[j].task_fd) == -1 || close(workers[j].result_fd) == -1)
                _exit(EXIT_FAILURE);
        /* fn runs with the caller's SIGPIPE action, not map's. */
        if (sigaction(SIGPIPE, &job->old_sigpipe, NULL) == -1)
            _exit(EXIT_FAILURE);
        worker_main(task[0], result[1], job);
    }

    workers[k].pid = pid;
    workers[k].task_fd = task[1];
    workers[k].result_fd = result[0];
    cp_trace_child_started(pid);
    /* Drop the worker's ends: holding no write end of its result pipe, we
     * read end of file there as soon as the worker dies. */
    cp_io_close(&task[0]);
    cp_io_close(&result[1]);
    return TRUE;
}

/* Hand inputs first..first+count-1 to worker w.  If the worker has died,
 * write() fails with EPIPE (SIGPIPE is ignored during map): the chunk
 * still counts as in its hand, and the end of file on its result pipe
 * reports the death. */
static gboolean
send_chunk(Worker *w, gsize first, gsize count, GError **error)
{
    Chunk chunk = { first, count };

    w->busy = TRUE;
    w->in_hand = first;
    w->chunk_end = first + count;
    if (cp_io_write_all(w->task_fd, &chunk, sizeof chunk) == -1 && errno != EPIPE) {
        set_system_error(error, "write");
        return FALSE;
    }
    return TRUE;
}

typedef enum { RESULT_OK, RESULT_DIED, RESULT_FAILED } ResultStatus;

/* Read what worker w has sent, and store each whole result (index, then
 * output) in its place. */
static ResultStatus
receive_results(Worker *w, const Job *job, GError **error)
{
    gsize record = sizeof(uint64_t) + job->output_size;
    gsize room = MAX(READ_SIZE, record);
    ssize_t got;

    do
        got = read(w->result_fd, w->received + w->n_received, room - w->n_received);
    while (got == -1 && errno == EINTR);
    if (got == -1) {
        set_system_error(error, "read");
        return RESULT_FAILED;
    }
    if (got == 0)
        return RESULT_DIED;   /* end of file: nobody holds the write end */
    w->n_received += (gsize) got;

    gsize used = 0;
    for (; w->n_received - used >= record; used += record) {
        uint64_t index;

        memcpy(&index, w->received + used, sizeof index);
        if (index != w->in_hand || index >= w->chunk_end) {
            g_set_error(error, CP_PROCPOOL_ERROR, CP_PROCPOOL_ERROR_SYSTEM,
                        "worker %ld answered for input %" G_GUINT64_FORMAT ", not %" G_GSIZE_FORMAT,
                        (long) w->pid, (guint64) index, w->in_hand);
            return RESULT_FAILED;
        }
        /* output_size 0: fn ran for its effect alone; outputs may be NULL */
        if (job->output_size > 0)
            memcpy(job->outputs + index * job->output_size, w->received + used + sizeof index,
                   job->output_size);
        w->in_hand++;
    }
    memmove(w->received, w->received + used, w->n_received - used);
    w->n_received -= used;
    if (w->in_hand == w->chunk_end)
        w->busy = FALSE;
    return RESULT_OK;
}

/* Worker w died with an input in hand: reap it and say how it died. */
static void
report_death(Worker *w, GError **error)
{
    int status;
    char *how;

    if (cp_waitpid(w->pid, &status) == -1) {
        set_system_error(error, "waitpid");
        return;
    }
    how = cp_child_status_describe(status);
    g_set_error(error, CP_PROCPOOL_ERROR, CP_PROCPOOL_ERROR_WORKER_DIED,
                "worker %ld %s while working on input %" G_GSIZE_FORMAT,
                (long) w->pid, how, w->in_hand);
    w->pid = 0;
    g_free(how);
}

/* Stop and reap the workers (pid 0: never started, or reaped).  ok says
 * whether map has succeeded so far: then every worker should exit 0.
 * Otherwise they are killed, and *error already says why.  Returns the
 * final ok. */
static gboolean
stop_workers(Worker *workers, guint count, gboolean ok, GError **error)
{
    /* Closing the task pipes first means that a worker still running sees
     * end of file and exits even without the kill below. */
    for (guint k = 0; k < count; k++) {
        cp_io_close(&workers[k].task_fd);
        cp_io_close(&workers[k].result_fd);
    }
    for (guint k = 0; k < count; k++) {
        Worker *w = &workers[k];
        int status;

        if (w->pid == 0)
            continue;
        /* kill() cannot fail for a child not yet reaped (even a zombie). */
        if (!ok && kill(w->pid, SIGKILL) == -1)
            g_critical("cp_procpool: kill(%ld): %s", (long) w->pid, g_strerror(errno));
        if (cp_waitpid(w->pid, &status) == -1) {
            if (ok)
                set_system_error(error, "waitpid");
            ok = FALSE;
        } else if (ok && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
            char *how = cp_child_status_describe(status);

            g_set_error(error, CP_PROCPOOL_ERROR, CP_PROCPOOL_ERROR_WORKER_DIED,
                        "worker %ld %s after its last input", (long) w->pid, how);
            g_free(how);
            ok = FALSE;
        }
        w->pid = 0;
    }
    return ok;
}

CpProcPool *
cp_procpool_new(guint workers)
{
    CpProcPool *pool;

    g_return_val_if_fail(workers >= 1, NULL);
    pool = g_new0(CpProcPool, 1);
    pool->workers = workers;
    return pool;
}

void
cp_procpool_set_chunksize(CpProcPool *pool, gsize chunksize)
{
    g_return_if_fail(pool != NULL);
    pool->chunksize = chunksize;
}

guint
cp_procpool_get_workers(CpProcPool *pool)
{
    g_return_val_if_fail(pool != NULL, 0);
    return pool->workers;
}

void
cp_procpool_free(CpProcPool *pool)
{
    g_free(pool);
}

gboolean
cp_procpool_map(CpProcPool *pool, CpProcFunc fn,
                const void *inputs, gsize input_size, gsize n,
                void *outputs, gsize output_size,
                void *user_data, GError **error)
{
    Job job = {
        .fn = fn, .inputs = inputs, .input_size = input_size, .n = n,
        .outputs = outputs, .output_size = output_size, .user_data = user_data,
    };
    struct sigaction ignore = { .sa_handler = SIG_IGN };
    Worker *workers;
    struct pollfd *pfds;
    guint count;
    gsize next = 0, busy = 0, chunksize;
    gboolean ok = FALSE;

    g_return_val_if_fail(pool != NULL && fn != NULL, FALSE);
    g_return_val_if_fail(n == 0 || inputs != NULL, FALSE);
    g_return_val_if_fail(n == 0 || output_size == 0 || outputs != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
    if (n == 0)
        return TRUE;

    /* Writing to a dead worker's task pipe must fail with EPIPE, not kill
     * us with SIGPIPE.  The action is process-wide: put it back after. */
    sigemptyset(&ignore.sa_mask);
    if (sigaction(SIGPIPE, &ignore, &job.old_sigpipe) == -1) {
        set_system_error(error, "sigaction");
        return FALSE;
    }
    /* Or each worker would inherit, and print again, what is buffered.  A
     * failure here is the caller's output failing; the stream keeps its
     * error flag for the caller to see, so we go on. */
    (void) fflush(NULL);

    count = (guint) MIN(pool->workers, n);
    /* Python's divmod(len, 4 * workers), plus one if anything is left. */
    chunksize = pool->chunksize > 0 ? pool->chunksize
                                    : (n + 4 * (gsize) pool->workers - 1) / (4 * (gsize) pool->workers);
    workers = g_new(Worker, count);
    for (guint k = 0; k < count; k++)
        workers[k] = (Worker) {
            .pid = 0, .task_fd = -1, .result_fd = -1,
            .received = g_malloc(MAX(READ_SIZE, sizeof(uint64_t) + output_size)),
        };
    pfds = g_new(struct pollfd, count);
    /* Before fork: the worker only computes. */
    job.scratch = g_malloc(sizeof(uint64_t) + output_size);

    for (guint k = 0; k < count; k++)
        if (!start_worker(workers, k, &job, error))
            goto out;
    for (guint k = 0; k < count && next < n; k++) {
        gsize take = MIN(chunksize, n - next);

        if (!send_chunk(&workers[k], next, take, error))
            goto out;
        next += take;
        busy++;
    }

    while (busy > 0) {
        /* Listen to the workers with an input in hand; poll() skips fd -1. */
        for (guint k = 0; k < count; k++) {
            pfds[k].fd = workers[k].busy ? workers[k].result_fd : -1;
            pfds[k].events = POLLIN;
            pfds[k].revents = 0;
        }
        if (poll(pfds, count, -1) == -1) {
            if (errno == EINTR)
                continue;
            set_system_error(error, "poll");
            goto out;
        }
        for (guint k = 0; k < count; k++) {
            Worker *w = &workers[k];

            if (pfds[k].revents == 0)
                continue;
            switch (receive_results(w, &job, error)) {
            case RESULT_FAILED:
                goto out;
            case RESULT_DIED:
                report_death(w, error);
                goto out;
            case RESULT_OK:
                break;
            }
            if (w->busy)
                continue;   /* more of its chunk to come */
            busy--;
            if (next < n) {
                gsize take = MIN(chunksize, n - next);

                if (!send_chunk(w, next, take, error))
                    goto out;
                next += take;
                busy++;
            } else {
                /* No work left for it: end of file tells it to exit. */
                cp_io_close(&w->task_fd);
                cp_io_close(&w->result_fd);
            }
        }
    }
    ok = TRUE;

out:
    ok = stop_workers(workers, count, ok, error);
    if (sigaction(SIGPIPE, &job.old_sigpipe, NULL) == -1 && ok) {
        set_system_error(error, "sigaction");
        ok = FALSE;
    }
    g_free(job.scratch);
    g_free(pfds);
    for (guint k = 0; k < count; k++)
        g_free(workers[k].received);
    g_free(workers);
    return ok;
}
