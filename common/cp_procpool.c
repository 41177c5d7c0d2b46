/* SPDX-License-Identifier: 0BSD */
/* cp_procpool.c: multiprocessing.Pool.map with fork() and pipes.
 *
 * Each map call forks min(workers, n) workers.  Worker k has two pipes:
 *
 *     parent --- task pipe: input indices (uint64_t) ------> worker k
 *     parent <-- result pipe: index, then the output bytes -- worker k
 *
 * The parent hands every worker one index, then poll()s the result pipes.
 * When a result comes back it is stored at its index and that worker gets
 * the next index (dynamic dispatch, one input at a time, like Python's
 * chunksize=1): a slow input holds up one worker, not the others.  When no
 * index is left the parent closes the worker's task pipe; the worker reads
 * end of file, flushes its stdout and exits.
 *
 * A worker that dies closes its end of its result pipe, so the parent
 * reads end of file there.  If the worker had an input in hand, that input
 * is lost: map reaps the worker, kills and reaps the others, and fails with
 * an error naming the input and how the worker died (waitpid's status).
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
#include <sys/wait.h>
#include <unistd.h>

struct CpProcPool {
    guint workers;
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
    void *scratch;                 /* a worker's output buffer, made before fork */
    struct sigaction old_sigpipe;  /* the caller's SIGPIPE action, put back after */
} Job;

/* The parent's view of one worker. */
typedef struct {
    pid_t pid;        /* 0 once reaped */
    int task_fd;      /* write end of its task pipe; -1 once closed */
    int result_fd;    /* read end of its result pipe; -1 once closed */
    gboolean busy;    /* it has an input in hand ... */
    gsize in_hand;    /* ... this one */
} Worker;

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
    uint64_t index;
    ssize_t got;

    while ((got = cp_io_read_full(task_fd, &index, sizeof index)) == (ssize_t) sizeof index) {
        if (index >= job->n)
            _exit(EXIT_FAILURE);
        double start = cp_trace_now();
        job->fn(job->inputs + index * job->input_size, job->scratch, job->user_data);
        if (cp_trace_on) {
            char name[32];

            snprintf(name, sizeof name, "input %llu", (unsigned long long) index);
            cp_trace_span("task", name, start);
        }
        /* Two writes are fine: this worker is the pipe's only writer. */
        if (cp_io_write_all(result_fd, &index, sizeof index) == -1
            || cp_io_write_all(result_fd, job->scratch, job->output_size) == -1)
            _exit(EXIT_FAILURE);   /* the parent is gone */
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

    workers[k] = (Worker) { .pid = pid, .task_fd = task[1], .result_fd = result[0] };
    cp_trace_child_started(pid);
    /* Drop the worker's ends: holding no write end of its result pipe, we
     * read end of file there as soon as the worker dies. */
    cp_io_close(&task[0]);
    cp_io_close(&result[1]);
    return TRUE;
}

/* Hand input `index` to worker w.  If the worker has died, write() fails
 * with EPIPE (SIGPIPE is ignored during map): the input still counts as in
 * its hand, and the end of file on its result pipe reports the death. */
static gboolean
send_index(Worker *w, gsize index, GError **error)
{
    uint64_t i = index;

    w->busy = TRUE;
    w->in_hand = index;
    if (cp_io_write_all(w->task_fd, &i, sizeof i) == -1 && errno != EPIPE) {
        set_system_error(error, "write");
        return FALSE;
    }
    return TRUE;
}

typedef enum { RESULT_OK, RESULT_DIED, RESULT_FAILED } ResultStatus;

/* Read the result that worker w sends for its input, into its place. */
static ResultStatus
receive_result(Worker *w, const Job *job, GError **error)
{
    uint64_t index;
    ssize_t got;

    got = cp_io_read_full(w->result_fd, &index, sizeof index);
    if (got == -1) {
        set_system_error(error, "read");
        return RESULT_FAILED;
    }
    if (got < (ssize_t) sizeof index)
        return RESULT_DIED;   /* end of file: nobody holds the write end */
    if (index != w->in_hand) {
        g_set_error(error, CP_PROCPOOL_ERROR, CP_PROCPOOL_ERROR_SYSTEM,
                    "worker %ld answered for input %" G_GUINT64_FORMAT ", not %" G_GSIZE_FORMAT,
                    (long) w->pid, (guint64) index, w->in_hand);
        return RESULT_FAILED;
    }

    if (job->output_size == 0)
        return RESULT_OK;   /* fn ran for its effect alone; outputs may be NULL */
    got = cp_io_read_full(w->result_fd, job->outputs + index * job->output_size, job->output_size);
    if (got == -1) {
        set_system_error(error, "read");
        return RESULT_FAILED;
    }
    if ((gsize) got < job->output_size)
        return RESULT_DIED;   /* died halfway through sending its result */
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
    gsize next = 0, busy = 0;
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
    workers = g_new(Worker, count);
    for (guint k = 0; k < count; k++)
        workers[k] = (Worker) { .pid = 0, .task_fd = -1, .result_fd = -1 };
    pfds = g_new(struct pollfd, count);
    job.scratch = g_malloc(output_size);   /* before fork: the worker only computes */

    for (guint k = 0; k < count; k++)
        if (!start_worker(workers, k, &job, error))
            goto out;
    for (guint k = 0; k < count; k++) {
        if (!send_index(&workers[k], next++, error))
            goto out;
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
            switch (receive_result(w, &job, error)) {
            case RESULT_FAILED:
                goto out;
            case RESULT_DIED:
                report_death(w, error);
                goto out;
            case RESULT_OK:
                break;
            }
            w->busy = FALSE;
            busy--;
            if (next < n) {
                if (!send_index(w, next++, error))
                    goto out;
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
    g_free(workers);
    return ok;
}
