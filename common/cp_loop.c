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
 * task "finish" after its deadline.  A GSource per wait would also cost
 * its memory, and a place in the list GLib walks on every turn.)  The
 * source exists only while a timer is armed, so a program that waits for
 * everything it started leaves nothing on the loop.
 *
 * The armed timers wait in one of two places, each kept in (due, order)
 * order:
 *
 *   - the run, an array sorted by deadline.  Most timers are armed in
 *     deadline order (a million 1 s sleeps started one after another are
 *     due one after another), so a timer due no earlier than the last one
 *     appended goes on the end, and the next one due is at the head: both
 *     O(1), and a million timers cost a pointer each.
 *   - the heap, a binary min-heap (asyncio's timers are one too, heapq),
 *     for those that come out of order: O(log n) to arm and to run.
 *
 * The next timer due is the earlier of the run's head and the heap's top.
 * Each Timer knows its index in the run or the heap, so removing one never
 * searches: it leaves a NULL in the run, skipped when it reaches the head,
 * or is taken out of the heap. */

typedef struct Timer Timer;

typedef void (*TimerFunc)(Timer *timer);

typedef enum { TIMER_IDLE, TIMER_IN_RUN, TIMER_IN_HEAP } TimerPlace;

/* A Timer is the first member of what it times (a sleep, a wait's
 * deadline), so its function casts it back; arming allocates nothing. */
struct Timer {
    gint64 due;         /* monotonic time, microseconds */
    guint64 order;      /* equal deadlines: the first armed runs first */
    TimerFunc func;
    guint index;        /* in the run or in the heap */
    TimerPlace place;   /* TIMER_IDLE while not armed */
};

typedef struct {
    GSource source;
    GPtrArray *run;        /* Timer *, by (due, order); NULL where one was removed */
    guint run_head;        /* the run's first entry still to come */
    gint64 run_last_due;   /* due of the run's last entry */
    GPtrArray *heap;       /* Timer *, a min-heap by (due, order) */
    guint armed;           /* timers in the run and in the heap */
    gboolean dispatching;
} TimerSource;

/* The calling thread's timer source, while it has timers. */
static _Thread_local TimerSource *timer_source;
/* The order of the next timer armed on this thread. */
static _Thread_local guint64 timer_next_order;

static gboolean
timer_before(const Timer *x, const Timer *y)
{
    return x->due != y->due ? x->due < y->due : x->order < y->order;
}

/* The heap as in any textbook: the parent of entry i is (i - 1) / 2, and
 * no entry is due before its parent.  Every move updates the timer's index. */
static void
heap_put(GPtrArray *heap, guint i, Timer *timer)
{
    heap->pdata[i] = timer;
    timer->index = i;
}

static void
heap_sift_up(GPtrArray *heap, guint i)
{
    Timer *timer = heap->pdata[i];

    while (i > 0 && timer_before(timer, heap->pdata[(i - 1) / 2])) {
        heap_put(heap, i, heap->pdata[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    heap_put(heap, i, timer);
}

static void
heap_sift_down(GPtrArray *heap, guint i)
{
    Timer *timer = heap->pdata[i];

    for (;;) {
        guint child = 2 * i + 1;

        if (child >= heap->len)
            break;
        if (child + 1 < heap->len && timer_before(heap->pdata[child + 1], heap->pdata[child]))
            child++;   /* the earlier of the two children */
        if (!timer_before(heap->pdata[child], timer))
            break;
        heap_put(heap, i, heap->pdata[child]);
        i = child;
    }
    heap_put(heap, i, timer);
}

static void
heap_remove(GPtrArray *heap, guint i)
{
    g_ptr_array_remove_index_fast(heap, i);   /* the last entry fills the hole */
    if (i < heap->len) {
        Timer *moved = heap->pdata[i];

        heap_sift_up(heap, i);
        heap_sift_down(heap, moved->index);
    }
}

/* The armed timer due first, or NULL. */
static Timer *
timer_first(TimerSource *ts)
{
    GPtrArray *run = ts->run;
    Timer *first = NULL;

    while (ts->run_head < run->len && run->pdata[ts->run_head] == NULL)
        ts->run_head++;   /* removed, or run already */
    /* Drop the used-up head once it is most of the run: a loop that always
     * has timers armed would otherwise grow the array forever.  Each entry
     * moves at most once per time it is passed over: O(1) per timer. */
    if (ts->run_head == run->len) {
        g_ptr_array_set_size(run, 0);
        ts->run_head = 0;
    } else if (ts->run_head >= 1024 && ts->run_head >= run->len / 2) {
        g_ptr_array_remove_range(run, 0, ts->run_head);
        ts->run_head = 0;
        for (guint i = 0; i < run->len; i++)
            if (run->pdata[i] != NULL)
                ((Timer *) run->pdata[i])->index = i;
    }
    if (ts->run_head < run->len)
        first = run->pdata[ts->run_head];
    if (ts->heap->len > 0 && (first == NULL || timer_before(ts->heap->pdata[0], first)))
        first = ts->heap->pdata[0];
    return first;
}

/* Take an armed timer off the run or the heap. */
static void
timer_unlink(TimerSource *ts, Timer *timer)
{
    if (timer->place == TIMER_IN_RUN)
        ts->run->pdata[timer->index] = NULL;
    else
        heap_remove(ts->heap, timer->index);
    timer->place = TIMER_IDLE;
    ts->armed--;
}

static void
timer_source_update(TimerSource *ts)
{
    Timer *first = timer_first(ts);
    gint64 ready = first != NULL ? first->due : -1;

    /* Setting it takes the context's lock: only when it changes. */
    if (g_source_get_ready_time(&ts->source) != ready)
        g_source_set_ready_time(&ts->source, ready);
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
    /* One at a time: a timer's function may arm or remove others, and may
     * free the timer itself (it is off the queue by then). */
    while ((timer = timer_first(ts)) != NULL && timer->due <= now) {
        timer_unlink(ts, timer);
        timer->func(timer);
    }
    ts->dispatching = FALSE;
    if (ts->armed == 0) {
        timer_source_drop(ts);
        return G_SOURCE_REMOVE;
    }
    timer_source_update(ts);
    return G_SOURCE_CONTINUE;
}

static void
timer_source_finalize(GSource *source)
{
    TimerSource *ts = (TimerSource *) source;

    g_ptr_array_unref(ts->run);
    g_ptr_array_unref(ts->heap);
}

static GSourceFuncs timer_source_funcs = {
    NULL, NULL,   /* ready by its ready time alone */
    timer_source_dispatch,
    timer_source_finalize,
    NULL, NULL,
};

/* Call timer->func(timer) on this thread's loop after a simulated wait of
 * `seconds` (scaled), unless timer_remove() comes first.  The timer must
 * not be armed already. */
static void
timer_add(Timer *timer, double seconds, TimerFunc func)
{
    double us = ceil(cp_time_scaled(seconds) * 1e6);
    TimerSource *ts = timer_source;

    timer->due = g_get_monotonic_time() + (us > 0 ? (us < 1e15 ? (gint64) us : (gint64) 1e15) : 0);
    timer->order = timer_next_order++;
    timer->func = func;
    if (ts == NULL) {
        GMainContext *context = g_main_context_ref_thread_default();

        ts = (TimerSource *) g_source_new(&timer_source_funcs, sizeof(TimerSource));
        ts->run = g_ptr_array_new();
        ts->heap = g_ptr_array_new();
        g_source_set_name(&ts->source, "cp_loop timers");
        g_source_attach(&ts->source, context);
        g_main_context_unref(context);
        timer_source = ts;
    }
    /* `order` grows, so a timer due no earlier than the run's last entry
     * comes after all of the run. */
    if (ts->run_head == ts->run->len || timer->due >= ts->run_last_due) {
        timer->place = TIMER_IN_RUN;
        timer->index = ts->run->len;
        g_ptr_array_add(ts->run, timer);
        ts->run_last_due = timer->due;
    } else {
        timer->place = TIMER_IN_HEAP;
        g_ptr_array_add(ts->heap, timer);
        heap_sift_up(ts->heap, ts->heap->len - 1);
    }
    ts->armed++;
    timer_source_update(ts);
}

/* Disarm a timer if it is armed. */
static void
timer_remove(Timer *timer)
{
    TimerSource *ts = timer_source;

    if (timer->place == TIMER_IDLE)
        return;
    timer_unlink(ts, timer);
    if (ts->dispatching)
        return;   /* the dispatch updates or drops the source when it ends */
    if (ts->armed == 0)
        timer_source_drop(ts);
    else
        timer_source_update(ts);
}

guint
cp_loop_timers_armed(void)
{
    return timer_source != NULL ? timer_source->armed : 0;
}

/* ---- Sleeping ---------------------------------------------------------
 *
 * A sleep in progress is a Sleep record: its timer, whom to call back, and
 * its cancellable.  Its outcome reaches the callback in a
 * CpLoopSleepResult, a small GAsyncResult made when the sleep ends.  (A
 * GTask would do, but it is several times the size and is made when the
 * sleep starts: a million sleeps in flight would hold a million of them.) */

typedef struct Sleep Sleep;

struct Sleep {
    Timer timer;                  /* first: a Timer * is its Sleep * */
    GAsyncReadyCallback callback;
    gpointer user_data;
    GCancellable *cancellable;    /* a reference, or NULL */
    union {                       /* one or the other, never both: */
        Sleep *next;              /* with a CpLoopCancellable, the next sleep on
                                   * its list; free, the next free record */
        gulong cancelled_id;      /* with any other GCancellable, the id of
                                   * its "cancelled" handler */
    };
};

/* Sleep records come from a slab: chunks of SLEEP_CHUNK records, the free
 * ones on a list, so starting a sleep costs no malloc() and no header per
 * record.  A thread with no sleep in progress holds no chunk. */
enum { SLEEP_CHUNK = 256 };

typedef struct {
    GPtrArray *chunks;   /* Sleep[SLEEP_CHUNK] each */
    Sleep *free;         /* linked by next */
    guint in_use;
} SleepSlab;

static _Thread_local SleepSlab sleep_slab;

/* The outcome of a sleep, for its callback and cp_loop_sleep_finish(). */
typedef struct {
    GObject parent;
    gpointer user_data;   /* for g_async_result_get_user_data() */
    GError *error;        /* NULL when the sleep ran its time */
} CpLoopSleepResult;

typedef struct {
    GObjectClass parent_class;
} CpLoopSleepResultClass;

/* Making and finalizing a GObject would be most of what ending a sleep
 * costs, and most callbacks read the result and let it go; one that no one
 * kept is kept here for the next sleep to end. */
static _Thread_local CpLoopSleepResult *spare_result;

static Sleep *
sleep_alloc(void)
{
    SleepSlab *slab = &sleep_slab;
    Sleep *sleep;

    if (slab->free == NULL) {
        Sleep *chunk = g_new(Sleep, SLEEP_CHUNK);

        if (slab->chunks == NULL)
            slab->chunks = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(slab->chunks, chunk);
        for (guint i = SLEEP_CHUNK; i-- > 0;) {
            chunk[i].next = slab->free;
            slab->free = &chunk[i];
        }
    }
    sleep = slab->free;
    slab->free = sleep->next;
    slab->in_use++;
    *sleep = (Sleep) { .timer.place = TIMER_IDLE };
    return sleep;
}

/* Whether `cancellable` is one of cp_loop_group_start()'s (below), and
 * taking a sleep off its list, if it is on it. */
static gboolean is_loop_cancellable(GCancellable *cancellable);
static void sleep_unlist(Sleep *sleep);

/* Let go of the cancellable and give the record back to the slab. */
static void
sleep_free(Sleep *sleep)
{
    SleepSlab *slab = &sleep_slab;

    timer_remove(&sleep->timer);
    /* Never from inside the "cancelled" handler (that would deadlock):
     * a cancelled sleep is freed on a later turn of the loop. */
    if (sleep->cancellable != NULL && is_loop_cancellable(sleep->cancellable))
        sleep_unlist(sleep);
    else if (sleep->cancellable != NULL)
        g_cancellable_disconnect(sleep->cancellable, sleep->cancelled_id);
    g_clear_object(&sleep->cancellable);
    sleep->next = slab->free;
    slab->free = sleep;
    if (--slab->in_use == 0) {
        g_clear_pointer(&slab->chunks, g_ptr_array_unref);
        slab->free = NULL;
        g_clear_object(&spare_result);
    }
}

static GType cp_loop_sleep_result_get_type(void);

/* End the sleep with `error` (NULL: it ran its time, else taken): free
 * its record, then call back. */
static void
sleep_complete(Sleep *sleep, GError *error)
{
    GAsyncReadyCallback callback = sleep->callback;
    CpLoopSleepResult *result;

    if (callback == NULL) {
        sleep_free(sleep);
        g_clear_error(&error);
        return;
    }
    result = spare_result != NULL ? spare_result
                                  : g_object_new(cp_loop_sleep_result_get_type(), NULL);
    spare_result = NULL;
    result->user_data = sleep->user_data;
    result->error = error;
    sleep_free(sleep);
    callback(NULL, G_ASYNC_RESULT(result), result->user_data);
    /* Kept by no one else (its reference count is ours alone), and a sleep
     * still in progress to reuse it: keep it. */
    if (spare_result == NULL && sleep_slab.in_use > 0
        && g_atomic_int_get(&G_OBJECT(result)->ref_count) == 1) {
        g_clear_error(&result->error);
        spare_result = result;
    } else {
        g_object_unref(result);
    }
}

static void
sleep_timer_fired(Timer *timer)
{
    sleep_complete((Sleep *) timer, NULL);
}

static gboolean
sleep_end_cancelled(gpointer data)
{
    /* GLib's own words, in the user's language, as a GTask says them. */
    sleep_complete(data, g_error_new_literal(G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             g_dgettext("glib20", "Operation was cancelled")));
    return G_SOURCE_REMOVE;
}

/* The sleep is cancelled: its timer goes at once, and it ends on the next
 * turn of the loop, as a GTask would, never from inside
 * g_cancellable_cancel(). */
static void
sleep_cancel(Sleep *sleep)
{
    GSource *idle = g_idle_source_new();

    timer_remove(&sleep->timer);
    if (sleep->cancellable != NULL && is_loop_cancellable(sleep->cancellable))
        sleep_unlist(sleep);
    g_source_set_priority(idle, G_PRIORITY_DEFAULT);   /* a GTask's */
    g_source_set_callback(idle, sleep_end_cancelled, sleep, NULL);
    g_source_attach(idle, g_main_context_get_thread_default());
    g_source_unref(idle);
}

/* The "cancelled" handler of any other GCancellable. */
static void
sleep_cancelled(GCancellable *cancellable, gpointer data)
{
    Sleep *sleep = data;

    (void) cancellable;
    if (sleep->timer.place != TIMER_IDLE)   /* not cancelled already */
        sleep_cancel(sleep);
}

/* ---- The operations' own cancellables ---------------------------------
 *
 * g_cancellable_connect() costs a signal handler and a closure for each
 * sleep, and a lock to connect and to disconnect.  The GCancellable that
 * cp_loop_group_start() gives each operation is a CpLoopCancellable
 * instead: it keeps a list of the sleeps waiting on it, and its class
 * handler of "cancelled" (which g_cancellable_cancel() runs like any
 * handler) cancels them.  Sleeps on any other GCancellable connect to it. */

typedef struct {
    GCancellable parent;
    Sleep *sleeps;   /* sleeps in progress with this cancellable, linked by next */
} CpLoopCancellable;

typedef struct {
    GCancellableClass parent_class;
} CpLoopCancellableClass;

static GType cp_loop_cancellable_get_type(void);
G_DEFINE_TYPE(CpLoopCancellable, cp_loop_cancellable, G_TYPE_CANCELLABLE)

static void
cp_loop_cancellable_cancelled(GCancellable *cancellable)
{
    CpLoopCancellable *self = (CpLoopCancellable *) cancellable;

    while (self->sleeps != NULL)
        sleep_cancel(self->sleeps);   /* takes it off the list */
}

static void
cp_loop_cancellable_class_init(CpLoopCancellableClass *klass)
{
    G_CANCELLABLE_CLASS(klass)->cancelled = cp_loop_cancellable_cancelled;
}

static void
cp_loop_cancellable_init(CpLoopCancellable *self)
{
    self->sleeps = NULL;
}

static gboolean
is_loop_cancellable(GCancellable *cancellable)
{
    return G_TYPE_CHECK_INSTANCE_TYPE(cancellable, cp_loop_cancellable_get_type());
}

static void
sleep_unlist(Sleep *sleep)
{
    CpLoopCancellable *owner = (CpLoopCancellable *) sleep->cancellable;

    /* A singly linked list: an operation rarely has more than one sleep
     * at a time, so the walk is short, and a pointer per sleep is saved. */
    for (Sleep **link = &owner->sleeps; *link != NULL; link = &(*link)->next) {
        if (*link == sleep) {
            *link = sleep->next;
            sleep->next = NULL;
            return;
        }
    }
}
/* ---- The sleep's result ----------------------------------------------- */

static void cp_loop_sleep_result_iface_init(GAsyncResultIface *iface);
G_DEFINE_TYPE_WITH_CODE(CpLoopSleepResult, cp_loop_sleep_result, G_TYPE_OBJECT,
                        G_IMPLEMENT_INTERFACE(G_TYPE_ASYNC_RESULT,
                                              cp_loop_sleep_result_iface_init))

static void
cp_loop_sleep_result_finalize(GObject *object)
{
    CpLoopSleepResult *result = (CpLoopSleepResult *) object;

    g_clear_error(&result->error);
    G_OBJECT_CLASS(cp_loop_sleep_result_parent_class)->finalize(object);
}

static void
cp_loop_sleep_result_class_init(CpLoopSleepResultClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = cp_loop_sleep_result_finalize;
}

static void
cp_loop_sleep_result_init(CpLoopSleepResult *result)
{
    result->user_data = NULL;
    result->error = NULL;
}

static gpointer
sleep_result_get_user_data(GAsyncResult *result)
{
    return ((CpLoopSleepResult *) result)->user_data;
}

static GObject *
sleep_result_get_source_object(GAsyncResult *result)
{
    (void) result;
    return NULL;   /* a sleep has no source object */
}

static gboolean
sleep_result_is_tagged(GAsyncResult *result, gpointer source_tag)
{
    (void) result;
    return source_tag == (gpointer) cp_loop_sleep_async;
}

static void
cp_loop_sleep_result_iface_init(GAsyncResultIface *iface)
{
    iface->get_user_data = sleep_result_get_user_data;
    iface->get_source_object = sleep_result_get_source_object;
    iface->is_tagged = sleep_result_is_tagged;
}

static gboolean
is_sleep_result(GAsyncResult *result)
{
    return G_TYPE_CHECK_INSTANCE_TYPE(result, cp_loop_sleep_result_get_type());
}

/* ---- cp_loop_sleep ---------------------------------------------------- */

void
cp_loop_sleep_async(double seconds, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
    Sleep *sleep = sleep_alloc();

    sleep->callback = callback;
    sleep->user_data = user_data;
    if (g_cancellable_is_cancelled(cancellable)) {
        sleep_cancel(sleep);
        return;
    }
    timer_add(&sleep->timer, seconds, sleep_timer_fired);
    if (cancellable == NULL)
        return;
    sleep->cancellable = g_object_ref(cancellable);
    if (is_loop_cancellable(cancellable)) {
        CpLoopCancellable *owner = (CpLoopCancellable *) cancellable;

        sleep->next = owner->sleeps;
        owner->sleeps = sleep;
    } else {
        sleep->cancelled_id = g_cancellable_connect(cancellable, G_CALLBACK(sleep_cancelled),
                                                    sleep, NULL);
    }
}

gboolean
cp_loop_sleep_finish(GAsyncResult *result, GError **error)
{
    const CpLoopSleepResult *sleep;

    g_return_val_if_fail(is_sleep_result(result), FALSE);
    sleep = (const CpLoopSleepResult *) result;
    if (sleep->error != NULL) {
        g_propagate_error(error, g_error_copy(sleep->error));
        return FALSE;
    }
    return TRUE;
}

/* ---- Groups of operations --------------------------------------------- */

typedef struct {
    CpLoopGroup *group;
    guint index;
    CpLoopState state;
    GCancellable *cancellable;   /* the operation's own, until it ends */
    union {                      /* the state says which */
        gpointer value;          /* when CP_LOOP_DONE */
        GError *error;           /* when CP_LOOP_FAILED or CP_LOOP_CANCELLED */
    };
} Slot;

typedef enum { WAIT_ALL, WAIT_FIRST, WAIT_GATHER, WAIT_NEXT } WaitKind;

/* One wait on a group: the task data of its GTask. */
typedef struct {
    Timer deadline;              /* first, for its TimerFunc; armed until it passes */
    GTask *task;
    CpLoopGroup *group;          /* a reference */
    WaitKind kind;
    gboolean return_exceptions;  /* WAIT_GATHER */
    gint failed;                 /* WAIT_GATHER: the first failed operation, or -1 */
    gboolean timed_out;
    GCancellable *cancellable;
    gulong cancelled_id;
} Waiter;

/* Slots live in chunks of SLOT_CHUNK, allocated as the group grows: a slot
 * never moves (its operation holds a pointer to it), and a million of them
 * are a thousand allocations, not a million. */
enum { SLOT_CHUNK = 1024 };

struct CpLoopGroup {
    int ref_count;
    GDestroyNotify value_free;
    GPtrArray *chunks;  /* Slot[SLOT_CHUNK] each; slot i is in chunk i / SLOT_CHUNK */
    guint size;         /* slots in use, in submission order */
    guint pending;      /* slots still CP_LOOP_PENDING */
    GArray *ended;      /* guint: indices of ended slots, in the order they ended */
    guint returned;     /* how many of `ended` cp_loop_next has returned */
    GList *waiters;     /* Waiter *, waits not yet completed; each holds its task */
};

static Slot *
slot_at(CpLoopGroup *group, guint index)
{
    g_return_val_if_fail(index < group->size, NULL);
    return (Slot *) g_ptr_array_index(group->chunks, index / SLOT_CHUNK) + index % SLOT_CHUNK;
}

CpLoopGroup *
cp_loop_group_new(GDestroyNotify value_free)
{
    CpLoopGroup *group = g_new0(CpLoopGroup, 1);

    group->ref_count = 1;
    group->value_free = value_free;
    group->chunks = g_ptr_array_new_with_free_func(g_free);
    group->ended = g_array_new(FALSE, FALSE, sizeof(guint));
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
    for (guint i = 0; i < group->size; i++) {
        Slot *slot = slot_at(group, i);

        if (slot->state == CP_LOOP_DONE && slot->value != NULL && group->value_free != NULL)
            group->value_free(slot->value);
        else if (slot->state == CP_LOOP_FAILED || slot->state == CP_LOOP_CANCELLED)
            g_error_free(slot->error);
        g_clear_object(&slot->cancellable);
    }
    g_ptr_array_unref(group->chunks);
    g_array_unref(group->ended);
    g_free(group);
}

guint
cp_loop_group_size(CpLoopGroup *group)
{
    return group->size;
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

    for (guint i = 0; i < group->size; i++)
        if (slot_at(group, i)->state == state)
            n++;
    return n;
}

gpointer
cp_loop_group_value(CpLoopGroup *group, guint index)
{
    Slot *slot = slot_at(group, index);

    return slot->state == CP_LOOP_DONE ? slot->value : NULL;
}

const GError *
cp_loop_group_error(CpLoopGroup *group, guint index)
{
    Slot *slot = slot_at(group, index);

    return slot->state == CP_LOOP_FAILED || slot->state == CP_LOOP_CANCELLED ? slot->error : NULL;
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
    for (guint i = 0; i < group->size; i++)
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
        return group->pending < group->size || group->size == 0;
    case WAIT_NEXT:
        return group->ended->len > group->returned || group->returned == group->size;
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

        if (w->group->ended->len > w->group->returned)
            index = (gint) g_array_index(w->group->ended, guint, w->group->returned++);
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
    gpointer value = NULL;
    GError *error = NULL;

    (void) source;
    g_return_if_fail(slot->state == CP_LOOP_PENDING);
    if (is_sleep_result(result)) {
        /* The operation was a sleep itself; asyncio.sleep() returns None. */
        cp_loop_sleep_finish(result, &error);
    } else {
        g_return_if_fail(G_IS_TASK(result));
        value = g_task_propagate_pointer(G_TASK(result), &error);
    }
    if (error == NULL) {
        slot->state = CP_LOOP_DONE;
        slot->value = value;
    } else {
        slot->state = g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                      ? CP_LOOP_CANCELLED : CP_LOOP_FAILED;
        slot->error = error;
    }
    group->pending--;
    g_array_append_val(group->ended, slot->index);
    /* No one cancels an operation that has ended: its cancellable can go. */
    g_clear_object(&slot->cancellable);
    if (slot->state != CP_LOOP_DONE)
        group_fail_gathers(group, slot->index);
    group_notify(group);
    cp_loop_group_unref(group);   /* the operation's reference */
}

guint
cp_loop_group_start(CpLoopGroup *group, CpLoopStartFunc start, gpointer arg)
{
    guint index = group->size;
    GCancellable *cancellable = g_object_new(cp_loop_cancellable_get_type(), NULL);
    Slot *slot;

    if (index % SLOT_CHUNK == 0)
        g_ptr_array_add(group->chunks, g_new(Slot, SLOT_CHUNK));
    group->size++;
    slot = slot_at(group, index);
    *slot = (Slot) {
        .group = group,
        .index = index,
        .state = CP_LOOP_PENDING,
        .cancellable = cancellable,
    };
    group->pending++;
    cp_loop_group_ref(group);   /* held by the operation until slot_done() */
    /* slot_done() lets go of the slot's cancellable; should the operation
     * end inside start(), start() still has it. */
    g_object_ref(cancellable);
    start(arg, cancellable, slot_done, slot);
    g_object_unref(cancellable);
    return index;
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
waiter_deadline_passed(Timer *timer)
{
    Waiter *w = (Waiter *) timer;
    GTask *task = g_object_ref(w->task);   /* w lives while we use it */
    CpLoopGroup *group = w->group;

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
        timer_add(&w->deadline, timeout, waiter_deadline_passed);
    group->waiters = g_list_append(group->waiters, w);   /* holds the task */

    if (kind == WAIT_GATHER && !return_exceptions) {   /* failed already? */
        for (guint i = 0; i < group->size; i++) {
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
