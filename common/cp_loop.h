/* SPDX-License-Identifier: 0BSD */
/* cp_loop.h: asyncio's building blocks on GLib's main loop.
 *
 * The model.  One thread runs one GMainLoop: asyncio's event loop.  A wait
 * is a timer on that loop, not a blocked thread, so while one
 * operation waits, the loop runs the others.  An operation has GIO's async
 * shape, the C counterpart of a coroutine:
 *
 *     void  fetch_async(const char *url, GCancellable *cancellable,
 *                       GAsyncReadyCallback callback, gpointer user_data);
 *     char *fetch_finish(GAsyncResult *result, GError **error);
 *
 * fetch_async() starts the work and returns at once; when the work is done,
 * the loop calls `callback`, which calls fetch_finish() for the value or the
 * error.  What follows an `await` in Python goes into that callback.  A
 * GTask carries the outcome (asyncio's Task/Future), a GCancellable asks
 * the operation to stop (task.cancel()), a GError is the exception:
 * G_IO_ERROR_CANCELLED is CancelledError, G_IO_ERROR_TIMED_OUT is
 * TimeoutError.
 *
 *     asyncio                              cp_loop
 *     asyncio.run(main())                  cp_loop_run(main_async, arg)
 *     loop.run_until_complete(...)         cp_loop_run_until(&result)
 *     await asyncio.sleep(s)               cp_loop_sleep_async() / _finish()
 *     asyncio.create_task(coro)            cp_loop_group_start(group, op, arg)
 *     task.cancel()                        cp_loop_group_cancel(group, i)
 *     task.done() .result() .exception()   cp_loop_group_state/_value/_error
 *     await asyncio.gather(*tasks)         cp_loop_gather_async(group, FALSE, ...)
 *     gather(..., return_exceptions=True)  cp_loop_gather_async(group, TRUE, ...)
 *     asyncio.wait(tasks, return_when=)    cp_loop_wait_async(group, when, ...)
 *     asyncio.timeout(s), wait_for(t, s)   the timeout of cp_loop_wait_async()
 *     asyncio.as_completed(tasks)          cp_loop_next_async(), once per task
 *     asyncio.shield(task)                 cancel the wait, not the group's task
 *
 * A group (CpLoopGroup) is a list of operations started together, each with
 * a slot that ends up holding its value or its error, in submission order.
 * Operations started in a group have the CpLoopStartFunc shape and finish
 * their GTask with g_task_return_pointer() (the value, or NULL) or with an
 * error.  Cancelling a wait (its own GCancellable) stops only the waiting:
 * the operations go on until they end or cp_loop_group_cancel*() stops them.
 *
 * Every simulated wait is scaled by the time scale (cp_time.h).  Waits end
 * in the order of their deadlines, as in asyncio, even when the loop comes
 * late to several at once (GLib alone would run overdue timeouts in the
 * order they were created).  Everything here runs on the calling thread's
 * thread-default main context: use it from one thread, and run the loop
 * from main(), not from inside a callback.  Each operation removes its
 * timer when it ends, so a program that waits for all it started leaves
 * nothing on the loop.
 */
#ifndef CP_LOOP_H
#define CP_LOOP_H

#include <gio/gio.h>

/* ---- Running the loop ------------------------------------------------- */

/* An operation in GIO's async shape with one argument: starts the work and
 * returns; `callback(NULL, result, user_data)` runs on the loop when done. */
typedef void (*CpLoopStartFunc)(gpointer arg, GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);

/* asyncio.run(main(arg)): start(arg, NULL, ...), then run a GMainLoop until
 * the operation completes.  Returns its result for its _finish() function;
 * g_object_unref() it. */
GAsyncResult *cp_loop_run(CpLoopStartFunc start, gpointer arg);

/* A GAsyncReadyCallback that stores a reference to `result` in
 * *(GAsyncResult **) user_data, for cp_loop_run_until(). */
void cp_loop_store_result(GObject *source, GAsyncResult *result,
                          gpointer user_data);

/* loop.run_until_complete(): run the loop until *result is set:
 *
 *     GAsyncResult *result = NULL;
 *     cp_loop_gather_async(group, FALSE, NULL, cp_loop_store_result, &result);
 *     cp_loop_run_until(&result);
 *     ok = cp_loop_gather_finish(result, &error);
 *     g_object_unref(result);
 */
void cp_loop_run_until(GAsyncResult **result);

/* The milliseconds of a simulated wait of `seconds`, for g_timeout_add():
 * scaled, and rounded up so that a short wait does not become 0. */
guint cp_loop_scaled_ms(double seconds);

/* How many of cp_loop's timers (sleeps and fetches) the calling thread's
 * loop has armed now: a cancelled sleep leaves none behind. */
guint cp_loop_timers_armed(void);

/* ---- Sleeping --------------------------------------------------------- */

/* asyncio.sleep(seconds), scaled.  Cancelling `cancellable` removes the
 * timer at once and completes the sleep with G_IO_ERROR_CANCELLED, on a
 * later turn of the loop.  The callback's result is a small GAsyncResult,
 * not a GTask: read it with cp_loop_sleep_finish().  A sleep costs no
 * GSource and no allocation of its own, so a loop can hold a million. */
void cp_loop_sleep_async(double seconds, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data);

/* TRUE when the sleep ran its time; FALSE with the error when cancelled. */
gboolean cp_loop_sleep_finish(GAsyncResult *result, GError **error);

/* ---- Groups of operations --------------------------------------------- */

typedef struct CpLoopGroup CpLoopGroup;

typedef enum {
    CP_LOOP_PENDING,    /* still running: not task.done() */
    CP_LOOP_DONE,       /* ended with a value: task.result() */
    CP_LOOP_FAILED,     /* ended with an error: task.exception() */
    CP_LOOP_CANCELLED,  /* ended with G_IO_ERROR_CANCELLED: task.cancelled() */
} CpLoopState;

typedef enum {
    CP_LOOP_ALL_COMPLETED,    /* every operation has ended */
    CP_LOOP_FIRST_COMPLETED,  /* at least one operation has ended */
} CpLoopWhen;

/* For cp_loop_wait_async(): no deadline. */
#define CP_LOOP_NO_TIMEOUT (-1.0)

/* An empty group; `value_free` (may be NULL) frees the values of its
 * operations when the group goes. */
CpLoopGroup *cp_loop_group_new(GDestroyNotify value_free);

/* The group lives while someone holds a reference: the caller, and every
 * operation and wait still running in it.  Unref it after waiting for all
 * its operations. */
CpLoopGroup *cp_loop_group_ref(CpLoopGroup *group);
void cp_loop_group_unref(CpLoopGroup *group);

/* asyncio.create_task(): call start(arg, cancellable, ...) now, with a
 * GCancellable of the operation's own, and keep its outcome in a new slot.
 * Returns the slot's index: 0, 1, 2... in submission order.  The
 * cancellable is the group's until the operation ends (ref it to keep it
 * longer); cp_loop_sleep_async() itself may be the operation, and its slot
 * then ends with the value NULL, as asyncio.sleep() returns None. */
guint cp_loop_group_start(CpLoopGroup *group, CpLoopStartFunc start,
                          gpointer arg);

/* Number of operations started in the group. */
guint cp_loop_group_size(CpLoopGroup *group);

/* State of operation `index`, and how many operations are in `state`. */
CpLoopState cp_loop_group_state(CpLoopGroup *group, guint index);
guint cp_loop_group_count(CpLoopGroup *group, CpLoopState state);

/* The value of a CP_LOOP_DONE operation (owned by the group), else NULL. */
gpointer cp_loop_group_value(CpLoopGroup *group, guint index);

/* The error of a CP_LOOP_FAILED or CP_LOOP_CANCELLED operation (owned by
 * the group), else NULL. */
const GError *cp_loop_group_error(CpLoopGroup *group, guint index);

/* task.cancel(): ask operation `index` to stop; TRUE if it was pending.
 * It ends (CP_LOOP_CANCELLED, or however it handles the request) on a
 * later turn of the loop. */
gboolean cp_loop_group_cancel(CpLoopGroup *group, guint index);

/* Cancel every operation still pending; returns how many were. */
guint cp_loop_group_cancel_pending(CpLoopGroup *group);

/* asyncio.wait(): complete when `when` holds.  With a timeout >= 0 (in
 * simulated seconds), a deadline: when it passes first, every operation
 * still pending is cancelled, and once they have all ended the wait
 * completes with G_IO_ERROR_TIMED_OUT; those that ended in time keep their
 * values.  Cancelling `cancellable` completes the wait with
 * G_IO_ERROR_CANCELLED and leaves the operations running (asyncio.shield). */
void cp_loop_wait_async(CpLoopGroup *group, CpLoopWhen when, double timeout,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data);
gboolean cp_loop_wait_finish(GAsyncResult *result, GError **error);

/* asyncio.gather(): complete when every operation has ended; the values
 * are then in the group's slots, in submission order.  With
 * return_exceptions, errors stay in their slots (errors as values) and the
 * gather succeeds.  Without it, the first operation to fail (or to be
 * cancelled) fails the gather: the others are cancelled and, once they have
 * ended, the gather completes with a copy of that error (like
 * asyncio.TaskGroup: nothing is left running).  `cancellable` stops the
 * waiting only, as above. */
void cp_loop_gather_async(CpLoopGroup *group, gboolean return_exceptions,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);
gboolean cp_loop_gather_finish(GAsyncResult *result, GError **error);

/* asyncio.as_completed(): complete when an operation has ended that no
 * earlier cp_loop_next has returned.  cp_loop_next_finish() returns its
 * index (operations come out in the order they ended), or -1 with no error
 * when every operation has been returned already, or -1 with the error
 * when the wait was cancelled. */
void cp_loop_next_async(CpLoopGroup *group, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data);
gint cp_loop_next_finish(GAsyncResult *result, GError **error);


/* ---- The lessons' simulated fetch ------------------------------------- */

/* Lesson 002's `async def fetch_data(url)`: await asyncio.sleep(seconds),
 * then return "Data from <url>". */
typedef struct {
    const char *url;
    double seconds;   /* the simulated fetch's duration */
} CpLoopFetch;

/* fetch_data() as a CpLoopStartFunc; `arg` is a CpLoopFetch that outlives
 * the operation.  Sleeps fetch->seconds (cp_loop_sleep_async(), scaled),
 * then completes with g_strdup_printf("Data from %s", url), for g_free()
 * (give the group g_free as its value_free).  Cancelling `cancellable`
 * ends it at once with G_IO_ERROR_CANCELLED. */
void cp_loop_fetch_async(gpointer arg, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data);

/* The fetched text (g_free() it), or NULL with the error. */
char *cp_loop_fetch_finish(GAsyncResult *result, GError **error);

/* random.uniform(0.5, 2.0) for each of the n fetches, in order, to whole
 * hundredths of a second so that the printed times are exact: the same
 * times for the same seed of `rng`. */
void cp_loop_fetch_draw(CpLoopFetch *fetches, guint n, GRand *rng);

/* Print "Fetch times: URL 1.23 s, URL 0.56 s<suffix>" on one line: each
 * fetch's time, known before it starts, which the order of the output
 * depends on. */
void cp_loop_fetch_print_times(const CpLoopFetch *fetches, guint n,
                               const char *suffix);

#endif
