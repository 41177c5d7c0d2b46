/* SPDX-License-Identifier: 0BSD */
#define _POSIX_C_SOURCE 200809L

#include "cp_loop.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cp_options.h"
#include "cp_time.h"

/* ---- Before the loop: what GLib will need ----------------------------- */

static void *
no_op_thread(void *arg)
{
    return arg;
}

/* GLib's main loop needs a wakeup descriptor (an eventfd or a pipe) and,
 * for GTask, a thread; when it cannot have them it stops the program with
 * a trap (exit 133) and a message about its own internals.  Checking first
 * turns that into one line that says what ran out. */
static void
check_resources(void)
{
    pthread_t thread;
    int fds[2], s;

    if (pipe(fds) == -1) {
        fprintf(stderr, "%s: cannot start the event loop: no file descriptor left (%s)\n",
                g_get_prgname(), g_strerror(errno));
        exit(EXIT_FAILURE);
    }
    if (close(fds[0]) == -1 || close(fds[1]) == -1) {
        fprintf(stderr, "%s: close: %s\n", g_get_prgname(), g_strerror(errno));
        exit(EXIT_FAILURE);
    }
    s = pthread_create(&thread, NULL, no_op_thread, NULL);
    if (s == 0)
        s = pthread_join(thread, NULL);
    if (s != 0) {
        fprintf(stderr, "%s: cannot start the event loop: cannot create a thread (%s)\n",
                g_get_prgname(), g_strerror(s));
        exit(EXIT_FAILURE);
    }
}

/* Every program that links the event loop checks before its main line. */
__attribute__((constructor)) static void
register_check(void)
{
    cp_options_add_startup_check(check_resources);
}

/* Only the thread that runs the loop touches any of this, and the loop
 * runs one callback at a time: there is no lock. */

/* ---- Running the loop ------------------------------------------------- */

typedef struct {
    GMainLoop *loop;
    GAsyncResult *result;
} RunState;

static void
run_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    RunState *run = user_data;

    (void) source;
    run->result = g_object_ref(result);
    g_main_loop_quit(run->loop);
}

GAsyncResult *
cp_loop_run(CpLoopStartFunc start, gpointer arg)
{
    GMainContext *context = g_main_context_ref_thread_default();
    RunState run = { g_main_loop_new(context, FALSE), NULL };

    start(arg, NULL, run_done, &run);
    if (run.result == NULL)   /* a well-behaved operation never completes inside start() */
        g_main_loop_run(run.loop);
    g_main_loop_unref(run.loop);
    g_main_context_unref(context);
    return run.result;
}

void
cp_loop_store_result(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GAsyncResult **out = user_data;

    (void) source;
    *out = g_object_ref(result);
}

void
cp_loop_run_until(GAsyncResult **result)
{
    GMainContext *context = g_main_context_ref_thread_default();

    /* What g_main_loop_run() does, with "result is in" as its quit. */
    while (*result == NULL)
        g_main_context_iteration(context, TRUE);
    g_main_context_unref(context);
}

guint
cp_loop_scaled_ms(double seconds)
{
    double ms = cp_time_scaled(seconds) * 1000.0;

    if (!(ms > 0))
        return 0;
    if (ms >= (double) G_MAXUINT)
        return G_MAXUINT;
    /* Up, so that 0.5 ms waits 1 ms, not 0; the 1e-6 keeps 10.000000000000002
     * (0.1 s at scale 0.1) at 10. */
    return (guint) ceil(ms - 1e-6);
}

/* ---- Timers -----------------------------------------------------------
 *
 * Every wait of this module is a Timer.  They all share one GSource per
 * thread, which runs the timers that are due in the order of their
 * deadlines, as asyncio's loop does.  (With one g_timeout_source per wait,
 * a loop that comes late to several overdue timers would run them in the
 * order they were created: a 2 s sleep could end before a 1.5 s one, or a
 * task "finish" after its deadline.)  The source exists only while a timer
 * is armed, so a program that waits for everything it started leaves
 * nothing on the loop. */

typedef void (*TimerFunc)(gpointer data);

typedef struct {
    gint64 due;       /* monotonic time, microseconds */
    guint64 order;    /* equal deadlines: the first armed runs first */
    TimerFunc func;
    gpointer data;
    GList link;       /* in TimerSource.timers; link.data is the Timer */
} Timer;

typedef struct {
    GSource source;
    GQueue timers;        /* Timer *, by (due, order) */
    gboolean dispatching;
} TimerSource;

/* The calling thread's timer source, while it has timers. */
static _Thread_local TimerSource *timer_source;
static _Thread_local guint64 timers_armed;

static void
timer_source_update(TimerSource *ts)
{
    Timer *first = g_queue_peek_head(&ts->timers);

    g_source_set_ready_time(&ts->source, first != NULL ? first->due : -1);
}

static void
timer_source_drop(TimerSource *ts)
{
    if (timer_source == ts)
        timer_source = NULL;
    g_source_destroy(&ts->source);
    g_source_unref(&ts->source);
}

static gboolean
timer_source_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
    TimerSource *ts = (TimerSource *) source;
    gint64 now = g_source_get_time(source);   /* this turn of the loop */
    Timer *timer;

    (void) callback;
    (void) user_data;
    ts->dispatching = TRUE;
    /* One at a time: a timer's function may arm or remove others. */
    while ((timer = g_queue_peek_head(&ts->timers)) != NULL && timer->due <= now) {
        TimerFunc func = timer->func;
        gpointer data = timer->data;

        g_queue_pop_head_link(&ts->timers);
        g_free(timer);
        func(data);
    }
    ts->dispatching = FALSE;
    if (g_queue_is_empty(&ts->timers)) {
        timer_source_drop(ts);
        return G_SOURCE_REMOVE;
    }
    timer_source_update(ts);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_source_funcs = {
    NULL, NULL,   /* ready by its ready time alone */
    timer_source_dispatch,
    NULL, NULL, NULL,
};

static gint
timer_compare(gconstpointer a, gconstpointer b, gpointer user_data)
{
    const Timer *x = a, *y = b;

    (void) user_data;
    if (x->due != y->due)
        return x->due < y->due ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Call func(data) on this thread's loop after a simulated wait of
 * `seconds` (scaled), unless timer_remove() comes first. */
static Timer *
timer_add(double seconds, TimerFunc func, gpointer data)
{
    Timer *timer = g_new(Timer, 1);
    double us = ceil(cp_time_scaled(seconds) * 1e6);

    timer->due = g_get_monotonic_time() + (us > 0 ? (us < 1e15 ? (gint64) us : (gint64) 1e15) : 0);
    timer->order = timers_armed++;
    timer->func = func;
    timer->data = data;
    if (timer_source == NULL) {
        GMainContext *context = g_main_context_ref_thread_default();

        timer_source = (TimerSource *) g_source_new(&timer_source_funcs, sizeof(TimerSource));
        g_queue_init(&timer_source->timers);
        g_source_set_name(&timer_source->source, "cp_loop timers");
        g_source_attach(&timer_source->source, context);
        g_main_context_unref(context);
    }
    /* Keep the queue sorted.  A new timer is nearly always due after those
     * already armed, so look from the tail: arming n timers stays O(n),
     * where g_queue_insert_sorted() (from the head) would be O(n^2). */
    GList *before = timer_source->timers.tail;
    while (before != NULL && timer_compare(before->data, timer, NULL) > 0)
        before = before->prev;
    timer->link = (GList) { .data = timer };
    if (before == NULL)
        g_queue_push_head_link(&timer_source->timers, &timer->link);
    else
        g_queue_insert_after_link(&timer_source->timers, before, &timer->link);
    timer_source_update(timer_source);
    return timer;
}

/* Disarm a timer that has not run yet; *timer becomes NULL. */
static void
timer_remove(Timer **timer)
{
    TimerSource *ts = timer_source;

    if (*timer == NULL)
        return;
    g_queue_unlink(&ts->timers, &(*timer)->link);
    g_clear_pointer(timer, g_free);
    if (g_queue_is_empty(&ts->timers) && !ts->dispatching)
        timer_source_drop(ts);
    else if (!ts->dispatching)
        timer_source_update(ts);
}

guint
cp_loop_timers_armed(void)
{
    return timer_source ? g_queue_get_length(&timer_source->timers) : 0;
}

/* ---- Sleeping --------------------------------------------------------- */

/* The GTask holds one reference for the sleep in progress, dropped when it
 * ends, by the timer or by the cancellable, whichever comes first. */
typedef struct {
    Timer *timer;                /* NULL once the sleep has ended */
    GCancellable *cancellable;
    gulong cancelled_id;
} Sleep;

static void
sleep_free(gpointer data)
{
    Sleep *sleep = data;

    /* Not from inside the "cancelled" handler (that would deadlock): the
     * task is freed on a later turn of the loop. */
    if (sleep->cancelled_id != 0)
        g_cancellable_disconnect(sleep->cancellable, sleep->cancelled_id);
    g_clear_object(&sleep->cancellable);
    timer_remove(&sleep->timer);
    g_free(sleep);
}

static void
sleep_timer_fired(gpointer data)
{
    GTask *task = data;
    Sleep *sleep = g_task_get_task_data(task);

    sleep->timer = NULL;   /* ran, and freed by the timer source */
    g_task_return_boolean(task, TRUE);
    g_object_unref(task);
}

static void
sleep_cancelled(GCancellable *cancellable, gpointer data)
{
    GTask *task = data;
    Sleep *sleep = g_task_get_task_data(task);

    (void) cancellable;
    if (sleep->timer == NULL)   /* already ended */
        return;
    timer_remove(&sleep->timer);
    /* GTask delivers a cancelled task's result on the next turn of the
     * loop, never from inside g_cancellable_cancel(). */
    g_task_return_error_if_cancelled(task);
    g_object_unref(task);
}

void
cp_loop_sleep_async(double seconds, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);
    Sleep *sleep = g_new0(Sleep, 1);

    g_task_set_source_tag(task, cp_loop_sleep_async);
    g_task_set_task_data(task, sleep, sleep_free);
    if (g_task_return_error_if_cancelled(task)) {
        g_object_unref(task);
        return;
    }
    sleep->timer = timer_add(seconds, sleep_timer_fired, task);
    if (cancellable != NULL) {
        sleep->cancellable = g_object_ref(cancellable);
        sleep->cancelled_id = g_cancellable_connect(cancellable, G_CALLBACK(sleep_cancelled),
                                                    task, NULL);
    }
}

gboolean
cp_loop_sleep_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_async_result_is_tagged(result, cp_loop_sleep_async), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* ---- Groups of operations --------------------------------------------- */

typedef struct {
    CpLoopGroup *group;
    guint index;
    GCancellable *cancellable;   /* the operation's own */
    CpLoopState state;
    gpointer value;              /* when CP_LOOP_DONE */
    GError *error;               /* when CP_LOOP_FAILED or CP_LOOP_CANCELLED */
} Slot;

typedef enum { WAIT_ALL, WAIT_FIRST, WAIT_GATHER, WAIT_NEXT } WaitKind;

/* One wait on a group: the task data of its GTask. */
typedef struct {
    GTask *task;
    CpLoopGroup *group;          /* a reference */
    WaitKind kind;
    gboolean return_exceptions;  /* WAIT_GATHER */
    gint failed;                 /* WAIT_GATHER: the first failed operation, or -1 */
    Timer *deadline;             /* NULL when none, or once it has passed */
    gboolean timed_out;
    GCancellable *cancellable;
    gulong cancelled_id;
} Waiter;

struct CpLoopGroup {
    int ref_count;
    GDestroyNotify value_free;
    GPtrArray *slots;   /* Slot *, in submission order */
    guint pending;      /* slots still CP_LOOP_PENDING */
    GQueue ended;       /* indices of ended slots cp_loop_next has not returned */
    guint returned;     /* slots cp_loop_next has returned */
    GList *waiters;     /* Waiter *, waits not yet completed; each holds its task */
};

static Slot *
slot_at(CpLoopGroup *group, guint index)
{
    g_return_val_if_fail(index < group->slots->len, NULL);
    return g_ptr_array_index(group->slots, index);
}

static void
slot_free(gpointer data)
{
    Slot *slot = data;

    if (slot->value != NULL && slot->group->value_free != NULL)
        slot->group->value_free(slot->value);
    g_clear_error(&slot->error);
    g_object_unref(slot->cancellable);
    g_free(slot);
}

CpLoopGroup *
cp_loop_group_new(GDestroyNotify value_free)
{
    CpLoopGroup *group = g_new0(CpLoopGroup, 1);

    group->ref_count = 1;
    group->value_free = value_free;
    group->slots = g_ptr_array_new_with_free_func(slot_free);
    g_queue_init(&group->ended);
    return group;
}

CpLoopGroup *
cp_loop_group_ref(CpLoopGroup *group)
{
    group->ref_count++;
    return group;
}

void
cp_loop_group_unref(CpLoopGroup *group)
{
    if (--group->ref_count > 0)
        return;
    g_ptr_array_free(group->slots, TRUE);   /* slot_free() on each */
    g_queue_clear(&group->ended);
    g_free(group);
}

guint
cp_loop_group_size(CpLoopGroup *group)
{
    return group->slots->len;
}

CpLoopState
cp_loop_group_state(CpLoopGroup *group, guint index)
{
    return slot_at(group, index)->state;
}

guint
cp_loop_group_count(CpLoopGroup *group, CpLoopState state)
{
    guint n = 0;

    for (guint i = 0; i < group->slots->len; i++)
        if (slot_at(group, i)->state == state)
            n++;
    return n;
}

gpointer
cp_loop_group_value(CpLoopGroup *group, guint index)
{
    return slot_at(group, index)->value;
}

const GError *
cp_loop_group_error(CpLoopGroup *group, guint index)
{
    return slot_at(group, index)->error;
}

gboolean
cp_loop_group_cancel(CpLoopGroup *group, guint index)
{
    Slot *slot = slot_at(group, index);

    if (slot->state != CP_LOOP_PENDING)
        return FALSE;
    g_cancellable_cancel(slot->cancellable);
    return TRUE;
}

guint
cp_loop_group_cancel_pending(CpLoopGroup *group)
{
    guint n = 0;

    /* By index, re-reading the length: a handler may start another. */
    for (guint i = 0; i < group->slots->len; i++)
        n += cp_loop_group_cancel(group, i);
    return n;
}

static gboolean
waiter_ready(Waiter *w)
{
    CpLoopGroup *group = w->group;

    if (w->timed_out || w->failed >= 0)   /* ending: wait for the cancelled ones */
        return group->pending == 0;
    switch (w->kind) {
    case WAIT_FIRST:
        return group->pending < group->slots->len || group->slots->len == 0;
    case WAIT_NEXT:
        return !g_queue_is_empty(&group->ended) || group->returned == group->slots->len;
    case WAIT_ALL:
    case WAIT_GATHER:
    default:
        return group->pending == 0;
    }
}

/* Deliver the wait's outcome; w is unlisted and may be freed after this. */
static void
waiter_complete(Waiter *w)
{
    GTask *task = w->task;

    timer_remove(&w->deadline);
    if (w->timed_out) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                "Timed out");
    } else if (w->failed >= 0) {
        g_task_return_error(task, g_error_copy(slot_at(w->group, (guint) w->failed)->error));
    } else if (w->kind == WAIT_NEXT) {
        gint index = -1;

        if (!g_queue_is_empty(&w->group->ended)) {
            index = GPOINTER_TO_INT(g_queue_pop_head(&w->group->ended));
            w->group->returned++;
        }
        g_task_return_int(task, index);
    } else {
        g_task_return_boolean(task, TRUE);
    }
    g_object_unref(task);   /* the reference the waiters list held */
}

/* Something changed: complete every wait that is now ready.  A completed
 * wait's callback may run at once and start or cancel other waits, so scan
 * again from the start after each one. */
static void
group_notify(CpLoopGroup *group)
{
    gboolean again = TRUE;

    cp_loop_group_ref(group);
    while (again) {
        again = FALSE;
        for (GList *l = group->waiters; l != NULL; l = l->next) {
            Waiter *w = l->data;

            if (waiter_ready(w)) {
                group->waiters = g_list_delete_link(group->waiters, l);
                waiter_complete(w);
                again = TRUE;
                break;
            }
        }
    }
    cp_loop_group_unref(group);
}

/* A gather without return_exceptions fails with the first error. */
static void
group_fail_gathers(CpLoopGroup *group, guint index)
{
    gboolean cancel = FALSE;

    for (GList *l = group->waiters; l != NULL; l = l->next) {
        Waiter *w = l->data;

        if (w->kind == WAIT_GATHER && !w->return_exceptions && w->failed < 0) {
            w->failed = (gint) index;
            cancel = TRUE;
        }
    }
    if (cancel)
        cp_loop_group_cancel_pending(group);
}

static void
slot_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Slot *slot = user_data;
    CpLoopGroup *group = slot->group;

    (void) source;
    g_return_if_fail(G_IS_TASK(result) && slot->state == CP_LOOP_PENDING);
    slot->value = g_task_propagate_pointer(G_TASK(result), &slot->error);
    if (slot->error == NULL)
        slot->state = CP_LOOP_DONE;
    else if (g_error_matches(slot->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        slot->state = CP_LOOP_CANCELLED;
    else
        slot->state = CP_LOOP_FAILED;
    group->pending--;
    g_queue_push_tail(&group->ended, GUINT_TO_POINTER(slot->index));
    if (slot->state != CP_LOOP_DONE)
        group_fail_gathers(group, slot->index);
    group_notify(group);
    cp_loop_group_unref(group);   /* the operation's reference */
}

guint
cp_loop_group_start(CpLoopGroup *group, CpLoopStartFunc start, gpointer arg)
{
    Slot *slot = g_new0(Slot, 1);

    slot->group = group;
    slot->index = group->slots->len;
    slot->cancellable = g_cancellable_new();
    slot->state = CP_LOOP_PENDING;
    g_ptr_array_add(group->slots, slot);
    group->pending++;
    cp_loop_group_ref(group);   /* held by the operation until slot_done() */
    start(arg, slot->cancellable, slot_done, slot);
    return slot->index;
}

static void
waiter_free(gpointer data)
{
    Waiter *w = data;

    /* On a later turn of the loop than any "cancelled" handler. */
    if (w->cancelled_id != 0)
        g_cancellable_disconnect(w->cancellable, w->cancelled_id);
    g_clear_object(&w->cancellable);
    timer_remove(&w->deadline);
    cp_loop_group_unref(w->group);
    g_free(w);
}

static void
waiter_cancelled(GCancellable *cancellable, gpointer data)
{
    Waiter *w = data;
    GList *link = g_list_find(w->group->waiters, w);

    (void) cancellable;
    if (link == NULL)   /* already completed */
        return;
    w->group->waiters = g_list_delete_link(w->group->waiters, link);
    timer_remove(&w->deadline);
    g_task_return_error_if_cancelled(w->task);   /* delivered on the next turn */
    g_object_unref(w->task);
}

static void
waiter_deadline_passed(gpointer data)
{
    Waiter *w = data;
    GTask *task = g_object_ref(w->task);   /* w lives while we use it */
    CpLoopGroup *group = w->group;

    w->deadline = NULL;   /* ran, and freed by the timer source */
    w->timed_out = TRUE;
    cp_loop_group_cancel_pending(group);
    group_notify(group);
    g_object_unref(task);
}

static void
waiter_start(CpLoopGroup *group, WaitKind kind, gboolean return_exceptions,
             double timeout, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);
    Waiter *w = g_new0(Waiter, 1);

    w->task = task;
    w->group = cp_loop_group_ref(group);
    w->kind = kind;
    w->return_exceptions = return_exceptions;
    w->failed = -1;
    g_task_set_source_tag(task, tag);
    g_task_set_task_data(task, w, waiter_free);
    if (g_task_return_error_if_cancelled(task)) {
        g_object_unref(task);
        return;
    }
    if (cancellable != NULL) {
        w->cancellable = g_object_ref(cancellable);
        w->cancelled_id = g_cancellable_connect(cancellable, G_CALLBACK(waiter_cancelled),
                                                w, NULL);
    }
    if (timeout >= 0)
        w->deadline = timer_add(timeout, waiter_deadline_passed, w);
    group->waiters = g_list_append(group->waiters, w);   /* holds the task */

    if (kind == WAIT_GATHER && !return_exceptions) {   /* failed already? */
        for (guint i = 0; i < group->slots->len; i++) {
            CpLoopState state = slot_at(group, i)->state;

            if (state == CP_LOOP_FAILED || state == CP_LOOP_CANCELLED) {
                w->failed = (gint) i;
                cp_loop_group_cancel_pending(group);
                break;
            }
        }
    }
    group_notify(group);   /* completes it now if it is ready already */
}

void
cp_loop_wait_async(CpLoopGroup *group, CpLoopWhen when, double timeout,
                   GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
    waiter_start(group, when == CP_LOOP_FIRST_COMPLETED ? WAIT_FIRST : WAIT_ALL, FALSE,
                 timeout, cancellable, callback, user_data, cp_loop_wait_async);
}

gboolean
cp_loop_wait_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_async_result_is_tagged(result, cp_loop_wait_async), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

void
cp_loop_gather_async(CpLoopGroup *group, gboolean return_exceptions,
                     GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
    waiter_start(group, WAIT_GATHER, return_exceptions, CP_LOOP_NO_TIMEOUT,
                 cancellable, callback, user_data, cp_loop_gather_async);
}

gboolean
cp_loop_gather_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_async_result_is_tagged(result, cp_loop_gather_async), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

void
cp_loop_next_async(CpLoopGroup *group, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
    waiter_start(group, WAIT_NEXT, FALSE, CP_LOOP_NO_TIMEOUT,
                 cancellable, callback, user_data, cp_loop_next_async);
}

gint
cp_loop_next_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_async_result_is_tagged(result, cp_loop_next_async), -1);
    return (gint) g_task_propagate_int(G_TASK(result), error);
}

/* ---- The lessons' simulated fetch ------------------------------------- */

/* The rest of fetch_data(), after its await: runs when the timer fires or,
 * with G_IO_ERROR_CANCELLED, when the fetch is cancelled. */
static void
fetch_slept(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    const CpLoopFetch *fetch = g_task_get_task_data(task);
    GError *error = NULL;

    (void) source;
    if (cp_loop_sleep_finish(result, &error))
        g_task_return_pointer(task, g_strdup_printf("Data from %s", fetch->url), g_free);
    else
        g_task_return_error(task, error);
    g_object_unref(task);
}

void
cp_loop_fetch_async(gpointer arg, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
    CpLoopFetch *fetch = arg;
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);

    g_task_set_source_tag(task, cp_loop_fetch_async);
    g_task_set_task_data(task, fetch, NULL);
    cp_loop_sleep_async(fetch->seconds, cancellable, fetch_slept, task);
}

char *
cp_loop_fetch_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_async_result_is_tagged(result, cp_loop_fetch_async), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

void
cp_loop_fetch_draw(CpLoopFetch *fetches, guint n, GRand *rng)
{
    for (guint i = 0; i < n; i++)
        fetches[i].seconds = g_rand_int_range(rng, 50, 201) / 100.0;
}

void
cp_loop_fetch_print_times(const CpLoopFetch *fetches, guint n, const char *suffix)
{
    printf("Fetch times:");
    for (guint i = 0; i < n; i++)
        printf("%s %s %.2f s", i > 0 ? "," : "", fetches[i].url, fetches[i].seconds);
    printf("%s\n", suffix);
}
