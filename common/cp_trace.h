/* SPDX-License-Identifier: 0BSD */
/* cp_trace.h: what each thread and process did and when, for --trace=FILE.
 *
 * Every conpar program takes --trace=FILE (cp_options_parse() opens it).
 * The file is in the Chrome Trace Event Format: a JSON array, one event per
 * line, that Perfetto (ui.perfetto.dev) and chrome://tracing open, and
 * that conpar-timeline draws in a terminal or as an SVG.  It records:
 *
 *   life        each thread and process, from its start to its end
 *               ("B"/"E" events, category "life")
 *   lock_wait   the time a thread waited to get a lock    } "X" events
 *   lock_hold   the time it held it                        } with a
 *   queue_wait  the time a cp_queue put or get was blocked } duration
 *   cond_wait   the time a thread waited on a condition variable
 *   sleep       each simulated wait (cp_sleep)
 *   task        each task a pool ran (cp_executor, cp_procpool)
 *   callback    the event loop running callbacks, between two polls
 *   queue       each cp_queue put and get ("i": an instant, no duration)
 *
 * Times are microseconds since the trace was opened; the first event
 * records the time scale, so that a reader can show lesson seconds.
 * Threads are numbered 1, 2, ... in each process (tid), in the order
 * they first record something, and named "Thread-N" unless they call
 * cp_trace_thread(); a child process is named "Process-N" as Python
 * names them, N counting the parent's forks.
 *
 * The lock calls go beside the pthread call they describe, which stays on
 * the page:
 *
 *     cp_trace_locking("counter");
 *     s = pthread_mutex_lock(&lock);     ... check s ...
 *     cp_trace_locked("counter");
 *     counter++;
 *     cp_trace_unlocking("counter");
 *     s = pthread_mutex_unlock(&lock);   ... check s ...
 *
 * cp_trace_unlocking() comes before the unlock: after it another thread
 * may hold the lock already, and the two holds would seem to overlap.
 *
 * Without --trace each call costs one test of a flag.  With it, each
 * thread gathers its events in a buffer and writes them with one write()
 * to a file opened with O_APPEND, so that threads and forked processes
 * never interleave halves of lines; a child process, which ends with
 * _exit() and would lose its buffer, writes each event at once.  Events
 * past CP_TRACE_MAX_EVENTS in a process are dropped (one "truncated"
 * event says so).  A write error on the trace is reported at exit, and the
 * program then exits 1.
 */
#ifndef CP_TRACE_H
#define CP_TRACE_H

#include <stdbool.h>
#include <sys/types.h>

#define CP_TRACE_MAX_EVENTS 200000

/* Set once, by cp_trace_open(), before any thread starts; read only after. */
extern bool cp_trace_on;

/* Start writing the trace of this process to path; the program's name and
 * the time scale go in its first event.  FALSE (errno set) if it cannot be
 * created. */
bool cp_trace_open(const char *path, const char *program, double time_scale);

/* Name the calling thread's row and mark its start ("Worker-%d"): the
 * first line of a thread's function.  Its end is recorded when it exits. */
#define cp_trace_thread(...) (cp_trace_on ? cp_trace_thread_(__VA_ARGS__) : (void) 0)

/* Before asking for a lock, once it is held, and before releasing it. */
#define cp_trace_locking(lock) (cp_trace_on ? cp_trace_locking_(lock) : (void) 0)
#define cp_trace_locked(lock) (cp_trace_on ? cp_trace_locked_(lock) : (void) 0)
#define cp_trace_unlocking(lock) (cp_trace_on ? cp_trace_unlocking_(lock) : (void) 0)

/* Around pthread_cond_wait(), which releases the lock while it waits on
 * cond and holds it again when it returns. */
#define cp_trace_waiting(lock) (cp_trace_on ? cp_trace_waiting_(lock) : (void) 0)
#define cp_trace_woken(lock, cond) (cp_trace_on ? cp_trace_woken_((lock), (cond)) : (void) 0)

/* The time now, for a span that ends with cp_trace_span(); 0 when off. */
#define cp_trace_now() (cp_trace_on ? cp_trace_now_() : 0.0)

/* A span of category cat ("sleep", "task", "queue_wait", "callback")
 * that began at start (from cp_trace_now()) and ends now. */
#define cp_trace_span(cat, name, start) \
    (cp_trace_on ? cp_trace_span_((cat), (name), (start)) : (void) 0)

/* An instant event of category cat ("queue": "put", "get"). */
#define cp_trace_instant(cat, name) \
    (cp_trace_on ? cp_trace_instant_((cat), (name)) : (void) 0)

/* The parent forked pid / reaped it: a child's row ends when it is reaped. */
#define cp_trace_child_started(pid) (cp_trace_on ? cp_trace_child_started_(pid) : (void) 0)
#define cp_trace_child_reaped(pid) (cp_trace_on ? cp_trace_child_reaped_(pid) : (void) 0)

/* What the macros call when tracing is on. */
void cp_trace_thread_(const char *format, ...) __attribute__((format(printf, 1, 2)));
void cp_trace_locking_(const char *lock);
void cp_trace_locked_(const char *lock);
void cp_trace_unlocking_(const char *lock);
void cp_trace_waiting_(const char *lock);
void cp_trace_woken_(const char *lock, const char *cond);
double cp_trace_now_(void);
void cp_trace_span_(const char *cat, const char *name, double start);
void cp_trace_instant_(const char *cat, const char *name);
void cp_trace_child_started_(pid_t pid);
void cp_trace_child_reaped_(pid_t pid);

#endif
