/* SPDX-License-Identifier: 0BSD */
/* shared_counter.c: threads add to one counter, with a lock, with an
 * atomic, or with nothing (a data race, and updates get lost).
 *
 * Ports lesson 002 §2 "Threading with shared data" (the default: 5
 * threads each add 1 to one counter 100000 times, under a lock, and print
 * "Final counter value: 500000") and 002b's "Threading with Shared Data"
 * (--lesson=002b: 3 threads count under a lock, then 3 more count on a
 * second counter without one; it prints "Counter with lock: 300000",
 * "Counter without lock: N" and "Expected: 300000").  The cells' titles
 * are not printed.
 *
 * "counter += 1" is three steps: read the counter, add 1, write it back.
 * When two threads read the same value, both write back that value + 1,
 * and one of the two updates is lost.  --mode chooses how the threads
 * update the counter:
 *
 *   --mode=lock     a mutex around each update: correct (lesson 002's way).
 *   --mode=atomic   atomic_fetch_add(): the hardware does the three steps
 *                   as one indivisible operation; correct, no lock.
 *   --mode=none     no protection at all: the bug.  A data race is
 *                   undefined behaviour in C; ThreadSanitizer reports it.
 *
 * In lesson 002, --mode changes how its one count is done, and the line
 * stays "Final counter value: N".  Lesson 002b runs two counts, with a
 * lock and without; given --mode, it runs that one count only, and says
 * which it was ("Counter with atomics: 300000").
 *
 * --step slows the race down to one step at a time: two threads, A and
 * B, do one counter += 1 each, split into load (register = counter), add
 * (register + 1) and store (counter = register), and main lets each step
 * go in the order of --schedule, a letter per step.  Every step prints
 * the thread's register and the counter, so a lost update reads line by
 * line.  --mode=lock adds a lock and an unlock step around the three;
 * a thread whose lock step finds the lock taken waits and tries again at
 * its next letter.  When the schedule runs out, A runs to its end, then B
 * (B first if it holds the lock); a letter of a thread that has no step
 * left is skipped, with a line that says so.  --schedule=random draws a
 * random order of each thread's steps, and prints it with its --seed.
 * --step takes --mode=none (its default) or lock, and no -w, --increments
 * or --lesson=002b.
 *
 * Usage:   shared_counter [--lesson=002|002b] [--mode=lock|atomic|none]
 *                         [-w THREADS] [--increments=N] [-v]
 *          shared_counter --step [--schedule=ABBA...|random [--seed=N]]
 *                         [--mode=none|lock] [-v]
 *
 * Look for: "Final counter value: 500000" every time.  With --mode=none
 * (or lesson 002b's "Counter without lock:") the count is often below the
 * expected total, and -v says by how many ("Lost updates: ...").  It
 * changes from run to run, and is 0 when the threads happen not to run at
 * the same moment (nearly always so on one core, often on a busy machine):
 * run it a few times, or with --increments=1000000.  The count never
 * exceeds the expected total.  Python 3.11 nearly always prints 300000
 * for 002b's unlocked count too: its Global Interpreter Lock rarely
 * switches threads inside "counter += 1"; C threads really run at once.
 * A locked or atomic count is checked: if it is wrong, the program says so
 * on stderr and exits 1.
 *
 * With --step, the default schedule ABBBAA: A loads 0, B loads 0, adds
 * and stores 1, then A adds and stores 1 too, over B's update: "Final
 * counter value: 1 (expected 2): one update lost", and the exit status is
 * 0, since that loss is the demonstration.  --schedule=AAABBB loses
 * nothing.  With --mode=lock, B's lock step "waits: A has the lock" until
 * A unlocks, and every schedule ends with 2 (checked: exit 1 if not).
 * -v prints the schedule first.
 *
 * See also: sync/thread_local_counters.c (counting without sharing),
 * sync/inc_dec_counter.c.
 *
 * Build alone: cc -std=c11 shared_counter.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_trace.h"

static long increments = 100000;  /* set before the threads start */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;                /* protected by lock */
static atomic_long atomic_counter;  /* (atomic) */
/* Protected by nothing: this race is the lesson (--mode=none, and 002b's
 * second count).  volatile is here only so the compiler keeps one load
 * and one store per increment, as Python's counter += 1 does; without it
 * -O2 folds the whole loop into a single addition and the race hides.
 * volatile is NOT synchronization: it makes nothing atomic and orders
 * nothing between threads. */
static volatile long racy_counter;

/* The start line.  100000 increments take well under a millisecond, less
 * than it takes to start a thread, so each thread could be done before
 * the next one runs, and nothing would race.  Each thread waits here until
 * main has created them all; waiting by spinning on a flag rather than on
 * a condition variable lets the threads already on a core start at the
 * same instant instead of being woken one after another. */
static atomic_bool started;   /* (atomic) */

static void
wait_for_start(void)
{
    while (!atomic_load(&started))
        sched_yield();   /* let main run on a busy machine */
}

static void *
increment_with_lock(void *arg)
{
    int s;

    cp_trace_thread("Thread-%d", (int) (intptr_t) arg);   /* --trace: this thread's row */
    wait_for_start();
    for (long i = 0; i < increments; i++) {
        cp_trace_locking("lock");   /* --trace: the wait for the lock, then the hold */
        s = pthread_mutex_lock(&lock);
        if (s != 0)
            cp_die_en(s, "pthread_mutex_lock");
        cp_trace_locked("lock");
        counter += 1;
        cp_trace_unlocking("lock");
        s = pthread_mutex_unlock(&lock);
        if (s != 0)
            cp_die_en(s, "pthread_mutex_unlock");
    }
    return NULL;
}

static void *
increment_atomic(void *arg)
{
    cp_trace_thread("Thread-%d", (int) (intptr_t) arg);
    wait_for_start();
    for (long i = 0; i < increments; i++)
        atomic_fetch_add(&atomic_counter, 1);
    return NULL;
}

static void *
increment_no_lock(void *arg)
{
    cp_trace_thread("Thread-%d", (int) (intptr_t) arg);
    wait_for_start();
    for (long i = 0; i < increments; i++) {
        long seen = racy_counter;
        /* Another thread may store its own increment right here ... */
        racy_counter = seen + 1;    /* ... and this store wipes it out. */
    }
    return NULL;
}

/* Start `workers` threads on increment, let them go at once, join them
 * all, and return the counter it updates.  After the joins every thread
 * is done, so main reads the counters without a lock. */
static long
count_with(void *(*increment)(void *), int workers)
{
    pthread_t *threads = g_new(pthread_t, workers);
    int s;

    atomic_store(&started, false);
    for (int i = 0; i < workers; i++) {
        s = pthread_create(&threads[i], NULL, increment, (void *) (intptr_t) (i + 1));
        if (s != 0)
            cp_die_en(s, "pthread_create");
    }
    atomic_store(&started, true);   /* go! */

    for (int i = 0; i < workers; i++) {
        s = pthread_join(threads[i], NULL);
        if (s != 0)
            cp_die_en(s, "pthread_join");
    }
    g_free(threads);
    if (increment == increment_with_lock)
        return counter;
    if (increment == increment_atomic)
        return atomic_load(&atomic_counter);
    return racy_counter;
}

/* A correct count that is wrong is a bug in this program: say so. */
static gboolean
check_total(long total, long expected)
{
    if (total == expected)
        return TRUE;
    fprintf(stderr, "shared_counter: count mismatch: %ld, not %ld\n", total, expected);
    return FALSE;
}

/* --step: one counter += 1 in each of two threads, A and B, split into its
 * steps, each step released by main in the order the schedule gives.
 * Mode none: load, add, store.  Mode lock: the same between lock and
 * unlock of `lock`, the mutex of --mode=lock. */
typedef enum { STEP_LOCK, STEP_LOAD, STEP_ADD, STEP_STORE, STEP_UNLOCK } Step;

static const char *const step_names[] = { "lock", "load", "add", "store", "unlock" };
static const Step steps_none[] = { STEP_LOAD, STEP_ADD, STEP_STORE };
static const Step steps_lock[] = { STEP_LOCK, STEP_LOAD, STEP_ADD, STEP_STORE, STEP_UNLOCK };

typedef struct {
    char name;            /* 'A' or 'B'; set before the threads start */
    const Step *steps;    /* set before the threads start */
    int n_steps;          /* set before the threads start */
    bool holds_lock;      /* protected by step_lock */
    bool done;            /* protected by step_lock: no step left */
} Stepper;

static pthread_mutex_t step_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static char turn;         /* protected by step_lock: 'A' or 'B' may take one
                             step; 0: main picks the next letter */
static int step_width;    /* set before the threads start: widest step name */
/* Protected by the turn, not by a lock: only the thread whose turn it is
 * touches it (and prints it), and the turn passes through step_lock, so
 * each access happens after the one before it; ThreadSanitizer rightly
 * stays quiet.  The schedule, not a lock, decides the order of the loads
 * and stores, and an update is lost because load, add and store are
 * separate steps, exactly as in the free-running race.  --mode=lock puts
 * `lock` around the three, and then no schedule can lose one. */
static long step_counter;

static void
checked(int s, const char *what)
{
    if (s != 0)
        cp_die_en(s, what);
}

static void *
step_thread(void *arg)
{
    Stepper *me = arg;
    char other = me->name == 'A' ? 'B' : 'A';
    long reg = 0;          /* this thread's register: its copy of the counter */
    bool loaded = false;   /* before its load, the register holds nothing yet */
    int next = 0;

    cp_trace_thread("%c", me->name);
    while (next < me->n_steps) {
        cp_trace_locking("step_lock");
        checked(pthread_mutex_lock(&step_lock), "pthread_mutex_lock");
        cp_trace_locked("step_lock");
        while (turn != me->name) {
            cp_trace_waiting("step_lock");
            checked(pthread_cond_wait(&turn_changed, &step_lock), "pthread_cond_wait");
            cp_trace_woken("step_lock", "turn_changed");
        }
        cp_trace_unlocking("step_lock");
        checked(pthread_mutex_unlock(&step_lock), "pthread_mutex_unlock");

        /* One step, while main waits for the turn to come back. */
        Step step = me->steps[next];
        char note[40] = "";
        bool moved = true;
        int s;
        switch (step) {
        case STEP_LOCK:
            /* A real pthread_mutex_lock() would sleep here until the other
             * thread unlocks, and main would wait for this turn forever:
             * the other thread can only unlock at one of its own letters.
             * So try, and when the other holds the lock, hand the turn back
             * and try again at this thread's next letter. */
            s = pthread_mutex_trylock(&lock);
            if (s == EBUSY) {
                moved = false;
                snprintf(note, sizeof note, "   waits: %c has the lock", other);
            } else {
                checked(s, "pthread_mutex_trylock");
                cp_trace_locked("lock");   /* no cp_trace_locking(): trylock never waits */
                snprintf(note, sizeof note, "   %c has the lock", me->name);
            }
            break;
        case STEP_LOAD:
            reg = step_counter;
            loaded = true;
            break;
        case STEP_ADD:
            reg = reg + 1;
            break;
        case STEP_STORE:
            step_counter = reg;
            break;
        case STEP_UNLOCK:
            cp_trace_unlocking("lock");
            checked(pthread_mutex_unlock(&lock), "pthread_mutex_unlock");
            snprintf(note, sizeof note, "   the lock is free");
            break;
        }
        char value[24] = "?";
        if (loaded)
            snprintf(value, sizeof value, "%ld", reg);
        printf("%c: %-*s  register %c = %s   counter = %ld%s\n", me->name, step_width,
               step_names[step], me->name, value, step_counter, note);
        if (moved)
            next++;

        cp_trace_locking("step_lock");
        checked(pthread_mutex_lock(&step_lock), "pthread_mutex_lock");
        cp_trace_locked("step_lock");
        if (step == STEP_LOCK && moved)
            me->holds_lock = true;
        if (step == STEP_UNLOCK)
            me->holds_lock = false;
        me->done = next == me->n_steps;
        turn = 0;   /* back to main */
        checked(pthread_cond_broadcast(&turn_changed), "pthread_cond_broadcast");
        cp_trace_unlocking("step_lock");
        checked(pthread_mutex_unlock(&step_lock), "pthread_mutex_unlock");
    }
    return NULL;
}

/* Run A and B a step at a time, a step for each letter of schedule (A or
 * B, either case); then A to its end and B to its end.  Return the
 * counter. */
static long
run_steps(const char *schedule, gboolean with_lock)
{
    Stepper threads[2] = {
        { .name = 'A', .steps = with_lock ? steps_lock : steps_none },
        { .name = 'B', .steps = with_lock ? steps_lock : steps_none },
    };
    Stepper *a = &threads[0], *b = &threads[1];
    pthread_t ids[2];
    size_t length = strlen(schedule);
    char first = 'A';   /* who runs to its end when the schedule runs out */

    step_width = with_lock ? 6 : 5;
    for (int i = 0; i < 2; i++) {
        threads[i].n_steps = with_lock ? (int) G_N_ELEMENTS(steps_lock)
                                       : (int) G_N_ELEMENTS(steps_none);
        checked(pthread_create(&ids[i], NULL, step_thread, &threads[i]), "pthread_create");
    }

    cp_trace_locking("step_lock");
    checked(pthread_mutex_lock(&step_lock), "pthread_mutex_lock");
    cp_trace_locked("step_lock");
    for (size_t i = 0; !(a->done && b->done); i++) {
        char who;
        if (i < length) {
            who = g_ascii_toupper(schedule[i]);
            if ((who == 'A' ? a : b)->done) {
                printf("%c: %-*s  no step left: letter skipped\n", who, step_width, "done");
                continue;
            }
        } else {
            if (i == length) {
                /* A thread waiting for the lock could never finish first:
                 * the one that holds it goes first, as it would if the
                 * waiting thread slept in pthread_mutex_lock(). */
                first = b->holds_lock ? 'B' : 'A';
                char second = first == 'A' ? 'B' : 'A';
                if (!a->done && !b->done)
                    printf("(schedule used up: %s%c runs to its end, then %c)\n",
                           first == 'B' ? "B has the lock, so " : "", first, second);
                else
                    printf("(schedule used up: %c runs to its end)\n", a->done ? 'B' : 'A');
            }
            who = !(first == 'A' ? a : b)->done ? first : (first == 'A' ? 'B' : 'A');
        }
        turn = who;
        checked(pthread_cond_broadcast(&turn_changed), "pthread_cond_broadcast");
        while (turn != 0) {
            cp_trace_waiting("step_lock");
            checked(pthread_cond_wait(&turn_changed, &step_lock), "pthread_cond_wait");
            cp_trace_woken("step_lock", "turn_changed");
        }
    }
    cp_trace_unlocking("step_lock");
    checked(pthread_mutex_unlock(&step_lock), "pthread_mutex_unlock");

    for (int i = 0; i < 2; i++)
        checked(pthread_join(ids[i], NULL), "pthread_join");
    return step_counter;   /* the threads are joined: no step is left */
}

/* --step: check what goes with it, find the schedule, run it and say
 * what it produced. */
static int
step_main(void *(*increment)(void *), int workers, gboolean increments_given,
          gboolean lesson_002b, const char *schedule, const char *seed_text, gboolean verbose)
{
    char *how = NULL;   /* where the schedule came from, for its line */

    if (increment == increment_atomic)
        cp_options_fail("--step splits counter += 1 into steps, and --mode=atomic does it in "
                        "one: use --mode=none or lock");
    if (workers != -1)
        cp_options_fail("--step runs two threads, A and B: not with -w");
    if (increments_given)
        cp_options_fail("--step does one increment in each thread: not with --increments");
    if (lesson_002b)
        cp_options_fail("--step shows lesson 002's counter += 1: not with --lesson=002b");
    if (seed_text && (schedule == NULL || g_ascii_strcasecmp(schedule, "random") != 0))
        cp_options_fail("--seed is for --schedule=random");

    gboolean with_lock = increment == increment_with_lock;
    gboolean show = verbose;   /* print the schedule first */
    char *drawn = NULL;
    if (schedule == NULL) {
        schedule = "ABBBAA";
        how = g_strdup(" (the default)");
    } else if (g_ascii_strcasecmp(schedule, "random") == 0) {
        /* Each thread's letters (3, or 5 with the lock steps) in a random
         * order.  The seed is printed, so that any run can be repeated. */
        guint32 seed = seed_text ? (guint32) cp_options_parse_int(seed_text, 0, G_MAXUINT32,
                                                                   "--seed")
                                 : g_random_int();
        GRand *rng = g_rand_new_with_seed(seed);
        int each = with_lock ? (int) G_N_ELEMENTS(steps_lock) : (int) G_N_ELEMENTS(steps_none);

        drawn = g_strnfill(2 * (gsize) each, 'A');
        memset(drawn + each, 'B', (size_t) each);
        for (int i = 2 * each - 1; i > 0; i--) {   /* Fisher-Yates shuffle */
            int j = g_rand_int_range(rng, 0, i + 1);
            char letter = drawn[i];
            drawn[i] = drawn[j];
            drawn[j] = letter;
        }
        g_rand_free(rng);
        schedule = drawn;
        how = g_strdup_printf(" (random, --seed=%" G_GUINT32_FORMAT ")", seed);
        show = TRUE;   /* a schedule nobody typed is always shown */
    } else if (*schedule == '\0') {
        cp_options_fail("--schedule '' is empty: give letters A and B, like ABBBAA, or random");
    } else {
        size_t bad = strspn(schedule, "ABab");
        if (schedule[bad] != '\0')
            cp_options_fail("--schedule '%s': character %zu is not A or B",
                            cp_options_quote(schedule), bad + 1);
    }

    if (show) {
        char *upper = g_ascii_strup(schedule, -1);
        printf("Schedule: %s%s\n", upper, how ? how : "");
        g_free(upper);
    }
    long total = run_steps(schedule, with_lock);
    g_free(drawn);
    g_free(how);
    printf("Final counter value: %ld (expected 2)%s\n", total,
           total == 1 ? ": one update lost" : "");
    /* A lost update is what --mode=none shows; under the lock it is a bug. */
    if (with_lock && !check_total(total, 2))
        return 1;
    return 0;
}

int
main(int argc, char *argv[])
{
    int workers = -1;   /* -1: the lesson's, 5 (002) or 3 (002b) */
    gboolean verbose = FALSE;
    const char *lesson;
    char *mode = NULL, *increments_text = NULL;
    void *(*increment)(void *) = NULL;   /* NULL: the lesson's way */
    gboolean step = FALSE;
    char *schedule = NULL, *seed_text = NULL;
    GOptionEntry entries[] = {
        { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode,
          "How the threads update the counter: lock, atomic or none, the race "
          "(default: lock; with --lesson=002b, lock and then none, as the lesson does; "
          "with --step, none)", "MODE" },
        { "increments", 'n', 0, G_OPTION_ARG_STRING, &increments_text,
          "Increments per thread (1..100000000; default: 100000)", "N" },
        { "step", 0, 0, G_OPTION_ARG_NONE, &step,
          "Two threads, A and B, each add 1 to the counter, a step at a time in the order "
          "of --schedule (--mode none or lock; not with -w, --increments or --lesson 002b); "
          "exits 0 even when an update is lost", NULL },
        { "schedule", 0, 0, G_OPTION_ARG_STRING, &schedule,
          "With --step: whose step comes next, letters A and B in either case, or random "
          "(default: ABBBAA, which loses an update; once it runs out, A runs to its end, "
          "then B, but B first if it holds the lock)", "ABBA..." },
        { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
          "With --schedule=random: the seed of the schedule (0..4294967295; default: a new "
          "seed each run, printed)", "N" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "Threads add to one shared counter, with or without a lock.",
        .entries = entries,
        .workers = &workers, .workers_are = "threads",
        .workers_default = "the lesson's: 5, or 3 with --lesson=002b",
        .verbose = &verbose,
        .lessons = "002 002b", .lesson = &lesson,
    });
    if (increments_text)
        increments = (long) cp_options_parse_int(increments_text, 1, 100000000, "--increments");
    gboolean increments_given = increments_text != NULL;
    g_free(increments_text);
    if (mode == NULL)
        increment = NULL;
    else if (strcmp(mode, "lock") == 0)
        increment = increment_with_lock;
    else if (strcmp(mode, "atomic") == 0)
        increment = increment_atomic;
    else if (strcmp(mode, "none") == 0)
        increment = increment_no_lock;
    else
        cp_options_fail("--mode '%s' is not lock, atomic or none", mode);
    g_free(mode);

    gboolean lesson_002b = strcmp(lesson, "002b") == 0;
    if (step) {
        int status = step_main(increment, workers, increments_given, lesson_002b, schedule,
                               seed_text, verbose);
        g_free(schedule);
        g_free(seed_text);
        return status;
    }
    if (schedule)
        cp_options_fail("--schedule is for --step");
    if (seed_text)
        cp_options_fail("--seed is for --step --schedule=random");
    if (workers == -1)
        workers = lesson_002b ? 3 : 5;
    long expected = increments * workers, total = 0;

    if (!lesson_002b) {
        /* 002 §2: one count, under a lock unless --mode says otherwise. */
        if (increment == NULL)
            increment = increment_with_lock;
        total = count_with(increment, workers);
        printf("Final counter value: %ld\n", total);
        if (verbose) {
            printf("Expected: %ld\n", expected);
            if (increment == increment_no_lock)
                printf("Lost updates: %ld\n", expected - total);
        }
        /* Losing updates is what --mode=none shows; the others must not. */
        if (increment != increment_no_lock && !check_total(total, expected))
            return 1;
        return 0;
    }

    /* 002b: the lesson's two counts, or the one --mode names. */
    gboolean ok = TRUE;
    if (increment == NULL || increment == increment_with_lock) {
        total = count_with(increment_with_lock, workers);
        printf("Counter with lock: %ld\n", total);
        ok = check_total(total, expected);
    }
    if (increment == increment_atomic) {
        total = count_with(increment_atomic, workers);
        printf("Counter with atomics: %ld\n", total);
        ok = check_total(total, expected);
    }
    if (increment == NULL || increment == increment_no_lock) {
        total = count_with(increment_no_lock, workers);
        printf("Counter without lock: %ld\n", total);
    }
    printf("Expected: %ld\n", expected);
    if (verbose && (increment == NULL || increment == increment_no_lock))
        printf("Lost updates: %ld\n", expected - total);
    return ok ? 0 : 1;
}
