/* SPDX-License-Identifier: 0BSD */
/* cp_trace.c: the trace behind --trace=FILE (see cp_trace.h). */
#define _POSIX_C_SOURCE 200809L

#include "cp_trace.h"
#include "cp_die.h"
#include "cp_time.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUFFER_SIZE 16384   /* a thread's events before one write() */
#define NAME_SIZE 48
#define MAX_HELD 16         /* locks one thread holds at once */
#define LINE_SIZE 512       /* one event's text, at most */

/* A lock the thread holds: a slot is free while lock is NULL. */
typedef struct {
    _Atomic(const char *) lock;
    _Atomic double since;
} Held;

/* One thread's record.  Only the thread itself writes it, except where
 * said; what it waits for and holds is atomic because close_trace() reads
 * it from another thread, to end the waits and holds still going at exit
 * (a deadlock's). */
typedef struct {
    int tid;
    char name[NAME_SIZE];           /* protected by registry_lock */
    bool ended;                     /* protected by registry_lock */
    char *buffer;                   /* events not written yet */
    size_t length;
    _Atomic(const char *) waiting_for;  /* (atomic) cp_trace_locking()'s lock, or NULL */
    _Atomic double wait_start;          /* (atomic) */
    _Atomic(const char *) cond_lock;    /* (atomic) cp_trace_waiting()'s lock, or NULL */
    _Atomic double cond_since;          /* (atomic) */
    Held held[MAX_HELD];                /* (atomic) */
    double callbacks_since;         /* 0, or when the event loop's poll() returned */
} Thread;

typedef struct {
    pid_t pid;
    char name[NAME_SIZE];
} Child;

bool cp_trace_on;               /* set by cp_trace_open() before any thread */

/* Set by cp_trace_open() before any thread starts, and in a child by
 * after_fork_child() while it has a single thread: read-only otherwise. */
static int trace_fd = -1;
static double base;             /* CLOCK_MONOTONIC at open: ts 0 */
static pid_t opener;            /* the process that closes the array */
static pid_t own_pid;           /* getpid(), as events carry it */
static bool in_child;           /* write each event at once: we end in _exit() */
static char *trace_path;

static pthread_key_t thread_key;
static atomic_int next_tid;     /* (atomic) the next thread's number */
static atomic_long n_events;    /* (atomic) events of this process so far */
static atomic_int write_errno;  /* (atomic) errno of the first failed write */

/* A write and the end of the array exclude each other: no event may land
 * after the final ']'. */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;
static bool closed;             /* protected by write_lock: ']' is written */
static atomic_int forks;        /* (atomic) this process's fork() calls */

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static GPtrArray *threads;      /* protected by registry_lock: every Thread */
static GArray *children;        /* protected by registry_lock: Child not reaped */

static Thread *self(void);

static void
locked(int s, const char *what)
{
    if (s != 0)
        cp_die_en(s, what);
}

double
cp_trace_now_(void)
{
    (void) self();  /* a thread's life begins before its first span */
    return cp_time_now();
}

/* Microseconds since the trace began, as the format wants them. */
static double
micros(double seconds)
{
    return (seconds - base) * 1e6;
}

/* text as a JSON string's contents (quotes, backslashes, controls). */
static void
escape(char *out, size_t size, const char *text)
{
    size_t n = 0;

    for (; *text && n + 7 < size; text++) {
        unsigned char c = (unsigned char) *text;

        if (c == '"' || c == '\\')
            n += (size_t) snprintf(out + n, size - n, "\\%c", c);
        else if (c < 0x20)
            n += (size_t) snprintf(out + n, size - n, "\\u%04x", c);
        else
            out[n++] = (char) c;
    }
    out[n] = '\0';
}

/* One write() for the whole text: with O_APPEND it lands whole, after
 * whatever another thread or process wrote.  Under write_lock. */
static void
write_locked(const char *text, size_t length)
{
    if (length == 0 || closed)
        return;
    ssize_t done = write(trace_fd, text, length);
    if (done != (ssize_t) length) {
        int expected = 0;

        atomic_compare_exchange_strong(&write_errno, &expected, done == -1 ? errno : ENOSPC);
    }
}

static void
write_out(const char *text, size_t length)
{
    locked(pthread_mutex_lock(&write_lock), "pthread_mutex_lock");
    write_locked(text, length);
    locked(pthread_mutex_unlock(&write_lock), "pthread_mutex_unlock");
}

static void
flush(Thread *t)
{
    write_out(t->buffer, t->length);
    t->length = 0;
}

/* Add one event to t's buffer: at_once, write the buffer now.  Past the
 * limit only lives and names are kept, so that every row still ends. */
static void add_event(Thread *t, bool at_once, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void
add_event(Thread *t, bool at_once, const char *format, ...)
{
    char line[LINE_SIZE];
    va_list ap;
    long n = at_once ? 0 : atomic_fetch_add(&n_events, 1);

    if (n > CP_TRACE_MAX_EVENTS)
        return;
    va_start(ap, format);
    int length = n == CP_TRACE_MAX_EVENTS
                 ? snprintf(line, sizeof line, "{\"ph\":\"i\",\"s\":\"p\",\"cat\":\"meta\","
                            "\"name\":\"truncated\",\"ts\":%.3f,\"pid\":%d,\"tid\":%d},\n",
                            micros(cp_time_now()), (int) own_pid, t->tid)
                 : vsnprintf(line, sizeof line - 3, format, ap);
    va_end(ap);
    if (length < 0 || (size_t) length >= sizeof line - 3)
        return;     /* names are short: cannot happen */
    if (n < CP_TRACE_MAX_EVENTS)
        length += snprintf(line + length, 3, ",\n");
    if (t->length + (size_t) length > BUFFER_SIZE)
        flush(t);
    memcpy(t->buffer + t->length, line, (size_t) length);
    t->length += (size_t) length;
    if (at_once || in_child)
        flush(t);
}

static void
name_event(Thread *t, const char *which, const char *name)
{
    char escaped[NAME_SIZE * 6];

    escape(escaped, sizeof escaped, name);
    add_event(t, true, "{\"ph\":\"M\",\"name\":\"%s\",\"pid\":%d,\"tid\":%d,"
              "\"args\":{\"name\":\"%s\"}}", which, (int) own_pid, t->tid, escaped);
}

/* The text of a life event ('B' or 'E') and of a span ("X"), without
 * the separator that follows it: the buffered and the direct writes below
 * share them. */
static void
format_life(char *line, size_t size, char phase, const char *name, double when, pid_t pid,
            int tid)
{
    char escaped[NAME_SIZE * 6];

    escape(escaped, sizeof escaped, name);
    snprintf(line, size, "{\"ph\":\"%c\",\"cat\":\"life\",\"name\":\"%s\",\"ts\":%.3f,"
             "\"pid\":%d,\"tid\":%d}", phase, escaped, micros(when), (int) pid, tid);
}

static void
format_span(char *line, size_t size, const char *cat, const char *name, double start,
            double end, int tid)
{
    char escaped[NAME_SIZE * 6];

    escape(escaped, sizeof escaped, name);
    snprintf(line, size, "{\"ph\":\"X\",\"cat\":\"%s\",\"name\":\"%s\",\"ts\":%.3f,"
             "\"dur\":%.3f,\"pid\":%d,\"tid\":%d}", cat, escaped, micros(start),
             (end - start) * 1e6, (int) own_pid, tid);
}

static void
life_event(Thread *t, char phase, double when)
{
    char line[LINE_SIZE];

    format_life(line, sizeof line, phase, t->name, when, own_pid, t->tid);
    add_event(t, true, "%s", line);
}

/* The calling thread's record, made (and its life begun) on first use;
 * named name, or "Thread-N" as Python names threads. */
static Thread *
self_named(const char *name)
{
    Thread *t = pthread_getspecific(thread_key);

    if (t != NULL)
        return t;
    t = g_new0(Thread, 1);
    t->buffer = g_malloc(BUFFER_SIZE);
    t->tid = atomic_fetch_add(&next_tid, 1);
    if (name != NULL)
        g_strlcpy(t->name, name, sizeof t->name);
    else
        snprintf(t->name, sizeof t->name, t->tid == 1 ? "main" : "Thread-%d", t->tid - 1);
    for (int i = 0; i < MAX_HELD; i++)
        atomic_init(&t->held[i].lock, NULL);
    atomic_init(&t->waiting_for, NULL);
    atomic_init(&t->cond_lock, NULL);
    if (pthread_setspecific(thread_key, t) != 0)
        abort();    /* only ENOMEM: GLib aborts on that too */
    locked(pthread_mutex_lock(&registry_lock), "pthread_mutex_lock");
    g_ptr_array_add(threads, t);
    locked(pthread_mutex_unlock(&registry_lock), "pthread_mutex_unlock");
    name_event(t, "thread_name", t->name);
    life_event(t, 'B', cp_time_now());
    return t;
}

static Thread *
self(void)
{
    return self_named(NULL);
}

/* The thread ends: its life ends, its buffer goes out. */
static void
thread_ended(void *data)
{
    Thread *t = data;

    life_event(t, 'E', cp_time_now());
    flush(t);
    g_free(t->buffer);
    t->buffer = NULL;
    locked(pthread_mutex_lock(&registry_lock), "pthread_mutex_lock");
    t->ended = true;
    locked(pthread_mutex_unlock(&registry_lock), "pthread_mutex_unlock");
}

void
cp_trace_thread_(const char *format, ...)
{
    char name[NAME_SIZE];
    va_list ap;

    va_start(ap, format);
    vsnprintf(name, sizeof name, format, ap);
    va_end(ap);
    Thread *t = self_named(name);
    if (strcmp(t->name, name) != 0) {   /* it recorded something before */
        locked(pthread_mutex_lock(&registry_lock), "pthread_mutex_lock");
        g_strlcpy(t->name, name, sizeof t->name);
        locked(pthread_mutex_unlock(&registry_lock), "pthread_mutex_unlock");
        name_event(t, "thread_name", name);
        flush(t);
    }
}

static void
span(Thread *t, const char *cat, const char *name, double start, double end)
{
    char line[LINE_SIZE];

    format_span(line, sizeof line, cat, name, start, end, t->tid);
    add_event(t, false, "%s", line);
}

void
cp_trace_span_(const char *cat, const char *name, double start)
{
    span(self(), cat, name, start, cp_time_now());
}

void
cp_trace_instant_(const char *cat, const char *name)
{
    Thread *t = self();
    char escaped[NAME_SIZE * 6];

    escape(escaped, sizeof escaped, name);
    add_event(t, false, "{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"%s\",\"name\":\"%s\",\"ts\":%.3f,"
              "\"pid\":%d,\"tid\":%d}", cat, escaped, micros(cp_time_now()), (int) own_pid, t->tid);
}

void
cp_trace_locking_(const char *lock)
{
    Thread *t = self();

    atomic_store(&t->wait_start, cp_time_now());
    atomic_store(&t->waiting_for, lock);
}

void
cp_trace_locked_(const char *lock)
{
    Thread *t = self();
    double now = cp_time_now();
    const char *waited = atomic_load(&t->waiting_for);

    if (waited != NULL && strcmp(waited, lock) == 0)
        span(t, "lock_wait", lock, atomic_load(&t->wait_start), now);
    atomic_store(&t->waiting_for, NULL);
    for (int i = 0; i < MAX_HELD; i++)
        if (atomic_load(&t->held[i].lock) == NULL) {
            atomic_store(&t->held[i].since, now);
            atomic_store(&t->held[i].lock, lock);
            return;
        }
}

void
cp_trace_unlocking_(const char *lock)
{
    Thread *t = self();

    for (int i = 0; i < MAX_HELD; i++) {
        const char *held = atomic_load(&t->held[i].lock);

        if (held != NULL && strcmp(held, lock) == 0) {
            span(t, "lock_hold", lock, atomic_load(&t->held[i].since), cp_time_now());
            atomic_store(&t->held[i].lock, NULL);
            return;
        }
    }
}

void
cp_trace_waiting_(const char *lock)
{
    Thread *t = self();

    cp_trace_unlocking_(lock);
    atomic_store(&t->cond_since, cp_time_now());
    atomic_store(&t->cond_lock, lock);
}

void
cp_trace_woken_(const char *lock, const char *cond)
{
    Thread *t = self();

    span(t, "cond_wait", cond, atomic_load(&t->cond_since), cp_time_now());
    atomic_store(&t->cond_lock, NULL);
    atomic_store(&t->waiting_for, NULL);
    cp_trace_locked_(lock);
}

/* --trace: the event loop either waits in poll() for the next deadline or
 * runs the callbacks that are due; GLib's poll() wrapped records both. */
static GPollFunc real_poll;     /* set by cp_trace_open(), then only read */

static gint
traced_poll(GPollFD *fds, guint n_fds, gint timeout)
{
    Thread *t = self();

    if (t->callbacks_since != 0)
        span(t, "callback", "callbacks", t->callbacks_since, cp_time_now());
    double start = cp_time_now();
    gint ready = real_poll(fds, n_fds, timeout);
    if (timeout != 0)
        span(t, "sleep", "poll", start, cp_time_now());
    t->callbacks_since = cp_time_now();
    return ready;
}

/* ---- processes */

static void
before_fork(void)
{
    Thread *t = self();

    flush(t);       /* or the child would write our events again */
    atomic_fetch_add(&forks, 1);
    locked(pthread_mutex_lock(&registry_lock), "pthread_mutex_lock");
    locked(pthread_mutex_lock(&write_lock), "pthread_mutex_lock");
}

static void
after_fork_parent(void)
{
    locked(pthread_mutex_unlock(&write_lock), "pthread_mutex_unlock");
    locked(pthread_mutex_unlock(&registry_lock), "pthread_mutex_unlock");
}

/* In the child, whose only thread is the one that forked. */
static void
after_fork_child(void)
{
    Thread *t = pthread_getspecific(thread_key);   /* before_fork() made it */
    char name[NAME_SIZE];

    snprintf(name, sizeof name, "Process-%d", atomic_load(&forks));
    locked(pthread_mutex_unlock(&write_lock), "pthread_mutex_unlock");
    locked(pthread_mutex_unlock(&registry_lock), "pthread_mutex_unlock");
    own_pid = getpid();
    in_child = true;
    atomic_store(&n_events, 0);
    atomic_store(&forks, 0);
    g_ptr_array_set_size(threads, 0);   /* the parent's threads are not here */
    g_array_set_size(children, 0);
    t->tid = 1;
    t->length = 0;
    for (int i = 0; i < MAX_HELD; i++)
        atomic_store(&t->held[i].lock, NULL);
    atomic_store(&t->waiting_for, NULL);
    atomic_store(&t->cond_lock, NULL);
    atomic_store(&next_tid, 2);
    g_ptr_array_add(threads, t);
    g_strlcpy(t->name, name, sizeof t->name);
    name_event(t, "process_name", name);
    name_event(t, "thread_name", name);
    life_event(t, 'B', cp_time_now());
}

void
cp_trace_child_started_(pid_t pid)
{
    Child c = { .pid = pid };

    snprintf(c.name, sizeof c.name, "Process-%d", atomic_load(&forks));
    locked(pthread_mutex_lock(&registry_lock), "pthread_mutex_lock");
    g_array_append_val(children, c);
    locked(pthread_mutex_unlock(&registry_lock), "pthread_mutex_unlock");
}

/* A child's row ends when its parent reaps it: the parent writes the
 * child's "E", with the child's pid. */
static void
child_ended(const Child *c)
{
    char line[LINE_SIZE];

    format_life(line, sizeof line - 2, 'E', c->name, cp_time_now(), c->pid, 1);
    g_strlcat(line, ",\n", sizeof line);
    write_out(line, strlen(line));
}

void
cp_trace_child_reaped_(pid_t pid)
{
    locked(pthread_mutex_lock(&registry_lock), "pthread_mutex_lock");
    for (guint i = 0; i < children->len; i++)
        if (g_array_index(children, Child, i).pid == pid) {
            child_ended(&g_array_index(children, Child, i));
            g_array_remove_index_fast(children, i);
            break;
        }
    locked(pthread_mutex_unlock(&registry_lock), "pthread_mutex_unlock");
}

/* ---- open and close */

/* A span that ends at close, written at once (under write_lock). */
static void
closing_span(const Thread *t, const char *cat, const char *name, double start, double end)
{
    char line[LINE_SIZE];

    format_span(line, sizeof line - 2, cat, name, start, end, t->tid);
    g_strlcat(line, ",\n", sizeof line);
    write_locked(line, strlen(line));
}

/* End what thread t is still doing at exit: the wait for a lock, on a
 * condition, the holds (a deadlock's threads end here); then its life,
 * followed by `after` (",\n", or "\n]\n" for the last event). */
static void
end_thread(const Thread *t, double now, const char *after)
{
    char line[LINE_SIZE];
    const char *lock;

    if ((lock = atomic_load(&t->waiting_for)) != NULL)
        closing_span(t, "lock_wait", lock, atomic_load(&t->wait_start), now);
    if ((lock = atomic_load(&t->cond_lock)) != NULL)
        closing_span(t, "cond_wait", lock, atomic_load(&t->cond_since), now);
    for (int i = 0; i < MAX_HELD; i++)
        if ((lock = atomic_load(&t->held[i].lock)) != NULL)
            closing_span(t, "lock_hold", lock, atomic_load(&t->held[i].since), now);
    format_life(line, sizeof line - strlen(after), 'E', t->name, now, own_pid, t->tid);
    g_strlcat(line, after, sizeof line);
    write_locked(line, strlen(line));
}

/* At exit, in the process that opened the trace: end every life still
 * going, and the array.  Threads still running lose what they buffered,
 * but what they wait for and hold at that moment is written. */
static void
close_trace(void)
{
    Thread *closing = self();
    int err;

    if (getpid() != opener)
        return;     /* a child that called exit(): the parent ends the array */
    flush(closing);
    locked(pthread_mutex_lock(&registry_lock), "pthread_mutex_lock");
    for (guint i = 0; i < children->len; i++)
        child_ended(&g_array_index(children, Child, i));
    g_array_set_size(children, 0);
    locked(pthread_mutex_lock(&write_lock), "pthread_mutex_lock");
    double now = cp_time_now();
    for (guint i = 0; i < threads->len; i++) {
        Thread *t = g_ptr_array_index(threads, i);

        if (t != closing && !t->ended)
            end_thread(t, now, ",\n");
    }
    end_thread(closing, now, "\n]\n");
    closed = true;
    locked(pthread_mutex_unlock(&write_lock), "pthread_mutex_unlock");
    locked(pthread_mutex_unlock(&registry_lock), "pthread_mutex_unlock");
    if ((err = atomic_load(&write_errno)) == 0 && close(trace_fd) == -1)
        err = errno;
    if (err != 0) {
        fflush(stdout);
        fprintf(stderr, "%s: --trace %s: write error: %s\n", g_get_prgname(), trace_path,
                g_strerror(err));
        _exit(EXIT_FAILURE);    /* in an atexit handler: exit() again is undefined */
    }
}

bool
cp_trace_open(const char *path, const char *program, double time_scale)
{
    char escaped[NAME_SIZE * 6], line[LINE_SIZE];
    Thread *t;

    trace_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (trace_fd == -1)
        return false;
    if (pthread_key_create(&thread_key, thread_ended) != 0
        || pthread_atfork(before_fork, after_fork_parent, after_fork_child) != 0
        || atexit(close_trace) != 0) {
        close(trace_fd);
        trace_fd = -1;
        errno = ENOMEM;
        return false;
    }
    trace_path = g_strdup(path);
    threads = g_ptr_array_new();
    children = g_array_new(FALSE, FALSE, sizeof(Child));
    base = cp_time_now();
    opener = own_pid = getpid();
    atomic_store(&next_tid, 1);
    cp_trace_on = true;
    /* The async programs run GLib's default main context: record its
     * polls and callbacks. */
    real_poll = g_main_context_get_poll_func(g_main_context_default());
    g_main_context_set_poll_func(g_main_context_default(), traced_poll);

    /* The first event says what ran and at which time scale. */
    escape(escaped, sizeof escaped, program);
    int n = snprintf(line, sizeof line, "[\n{\"ph\":\"i\",\"s\":\"g\",\"cat\":\"meta\","
                     "\"name\":\"conpar\",\"ts\":0,\"pid\":%d,\"tid\":1,"
                     "\"args\":{\"program\":\"%s\",\"time_scale\":%.17g}},\n", (int) own_pid,
                     escaped, time_scale);
    write_out(line, (size_t) n);
    t = self();     /* main: tid 1, its life begins */
    name_event(t, "process_name", program);
    flush(t);
    return true;
}
