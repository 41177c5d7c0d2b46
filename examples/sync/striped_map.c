/* SPDX-License-Identifier: 0BSD */
/* striped_map.c: a thread-safe hash map, one lock for the whole map
 * against one lock per stripe of buckets.
 *
 * Lesson 002's objective "implement thread-safe data structures".  The map
 * has 1024 buckets, each a chain of (key, count) nodes.  Two ways to make
 * it safe to share:
 *
 *   one lock        every operation takes the same mutex: threads working
 *                   on different buckets still wait for each other.
 *   striped locks   bucket b is protected by lock b % 64: two operations
 *                   wait for each other only when their buckets share a
 *                   stripe, one time in 64.  Each lock sits on its own
 *                   cache line, or neighbouring locks taken by different
 *                   cores would fight over one line (false sharing).
 *
 * The code is the same for both: only the number of stripes differs (one
 * lock is one stripe).  W threads (1, 2, 4 and 8) each do --ops
 * operations on 4096 keys: 80% reads (look a key up), 20% writes (add 1
 * to a key's count, inserting it if absent).  A write is an addition, so
 * the final contents do not depend on the interleaving: the program
 * replays every thread's operations one after another into a plain array
 * and checks that both maps hold exactly those counts.
 *
 * Usage:   striped_map [-w MAX] [--ops=N] [--stripes=N] [--seed=N] [-v]
 *
 * Look for: the ratio (striped ops/s over one lock's) near 1 with one
 * thread, where nobody waits, and growing with two or more threads, often
 * beyond what the extra cores alone explain (on 2 cores, 2 to 4): one
 * lock does not just serialize the threads, it makes them slower than one
 * thread alone, as the lock and its cache line go back and forth between
 * the cores and waiters sleep and wake in the kernel.  "Both maps equal a sequential replay" at the end; if either did
 * not (a lost or doubled write), the program says so on stderr and exits
 * 1.  -v adds each run's reads, writes, keys and the sum of the counts.
 *
 * See also: sync/rwlock.c (readers together), sync/shared_counter.c.
 *
 * Build alone: cc -std=c11 striped_map.c $(pkg-config --cflags --libs conpar)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"
#include "cp_trace.h"

#define BUCKETS 1024
#define MAX_STRIPES BUCKETS
#define KEYS 4096
#define WRITE_PERCENT 20

typedef struct Node {
    long key;
    long count;
    struct Node *next;
} Node;

typedef struct {
    _Alignas(64) pthread_mutex_t lock;   /* one cache line each */
} Stripe;

static Node *bucket[BUCKETS];       /* bucket[b] protected by stripe[b % stripes] */
static Stripe stripe[MAX_STRIPES];
static int stripes;                 /* set by main while no thread runs */

static long ops_each = 1000000;      /* set before the threads start */
static unsigned seed = 1;           /* set before the threads start */

typedef struct {
    int index;              /* which thread: picks its operations */
    long reads, writes;     /* written by its thread, read by main after the join */
    long found;             /* reads that found their key */
} Worker;

static void
locked(int s, const char *what)
{
    if (s != 0)
        cp_die_en(s, what);
}

/* --trace leaves the stripes' locks out: under one name, two threads
 * holding two different stripes would look like one lock held twice. */
static pthread_mutex_t *
lock_of(int b)
{
    return &stripe[b % stripes].lock;
}

/* The operations of thread `index`: the same every run with this seed, so
 * the replay can do them again. */
static uint32_t
next_random(uint32_t *state)    /* xorshift32: a state per thread, no lock */
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

static uint32_t
first_state(int index)
{
    return seed * 2654435761u + (uint32_t) index * 40503u + 1;   /* never 0 */
}

static void
map_add(long key)
{
    int b = (int) (key % BUCKETS);
    Node *n;

    locked(pthread_mutex_lock(lock_of(b)), "pthread_mutex_lock");
    for (n = bucket[b]; n != NULL && n->key != key; n = n->next)
        ;
    if (n != NULL) {
        n->count++;
    } else {
        n = g_new(Node, 1);
        *n = (Node) { .key = key, .count = 1, .next = bucket[b] };
        bucket[b] = n;
    }
    locked(pthread_mutex_unlock(lock_of(b)), "pthread_mutex_unlock");
}

static bool
map_get(long key, long *count)
{
    int b = (int) (key % BUCKETS);
    Node *n;

    locked(pthread_mutex_lock(lock_of(b)), "pthread_mutex_lock");
    for (n = bucket[b]; n != NULL && n->key != key; n = n->next)
        ;
    if (n != NULL)
        *count = n->count;
    locked(pthread_mutex_unlock(lock_of(b)), "pthread_mutex_unlock");
    return n != NULL;
}

static void *
work(void *arg)
{
    Worker *w = arg;
    uint32_t state = first_state(w->index);

    cp_trace_thread("Thread-%d", w->index + 1);   /* --trace: this thread's row */
    for (long i = 0; i < ops_each; i++) {
        uint32_t r = next_random(&state);
        long key = (long) ((r >> 8) % KEYS);
        long count;

        if (r % 100 < WRITE_PERCENT) {
            map_add(key);
            w->writes++;
        } else {
            w->reads++;
            if (map_get(key, &count))
                w->found++;
        }
    }
    return NULL;
}

/* Run `threads` threads on an empty map; return operations per second
 * and add up the workers' counts into *total. */
static double
run(int threads, Worker *total)
{
    pthread_t *thread = g_new(pthread_t, threads);
    Worker *worker = g_new0(Worker, threads);

    double start = cp_time_now();
    for (int i = 0; i < threads; i++) {
        worker[i].index = i;
        locked(pthread_create(&thread[i], NULL, work, &worker[i]), "pthread_create");
    }
    for (int i = 0; i < threads; i++)
        locked(pthread_join(thread[i], NULL), "pthread_join");
    double elapsed = cp_time_since(start);

    *total = (Worker) { 0 };
    for (int i = 0; i < threads; i++) {
        total->reads += worker[i].reads;
        total->writes += worker[i].writes;
        total->found += worker[i].found;
    }
    g_free(worker);
    g_free(thread);
    return (double) (total->reads + total->writes) / (elapsed > 0 ? elapsed : 1e-9);
}

/* Every thread is joined: main reads and empties the map without a lock.
 * Compare it with the replay's counts; say what the map held. */
static bool
check_and_clear(const long *expected, long *keys, long *sum)
{
    long seen[KEYS] = { 0 };
    bool ok = true;

    *keys = *sum = 0;
    for (int b = 0; b < BUCKETS; b++) {
        Node *n = bucket[b];

        while (n != NULL) {
            Node *next = n->next;

            if (n->key < 0 || n->key >= KEYS || seen[n->key]++ != 0 || n->count != expected[n->key])
                ok = false;     /* a stray key, a key twice, or a wrong count */
            ++*keys;
            *sum += n->count;
            g_free(n);
            n = next;
        }
        bucket[b] = NULL;
    }
    for (int k = 0; k < KEYS; k++)
        if (expected[k] != 0 && seen[k] == 0)
            ok = false;         /* a key the map lost */
    return ok;
}

int
main(int argc, char *argv[])
{
    int most_threads = 8;
    int striped = 64;
    gboolean verbose = FALSE;
    char *ops_text = NULL, *stripes_text = NULL, *seed_text = NULL;
    bool all_ok = true;
    GOptionEntry entries[] = {
        { "ops", 'n', 0, G_OPTION_ARG_STRING, &ops_text,
          "Operations each thread does (1..100000000; default: 1000000)", "N" },
        { "stripes", 0, 0, G_OPTION_ARG_STRING, &stripes_text,
          "Locks of the striped map (1..1024; default: 64)", "N" },
        { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
          "Seed of the threads' operations (0..4294967295; default: 1)", "N" },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .summary = "A hash map shared by threads: one lock against striped locks.\n"
                   "Runs 1, 2, 4, ... threads up to -w.",
        .entries = entries,
        .workers = &most_threads, .workers_are = "threads at most",
        .verbose = &verbose,
    });
    if (ops_text)
        ops_each = (long) cp_options_parse_int(ops_text, 1, 100000000, "--ops");
    if (stripes_text)
        striped = (int) cp_options_parse_int(stripes_text, 1, MAX_STRIPES, "--stripes");
    if (seed_text)
        seed = (unsigned) cp_options_parse_int(seed_text, 0, UINT32_MAX, "--seed");
    g_free(ops_text);
    g_free(stripes_text);
    g_free(seed_text);

    for (int i = 0; i < MAX_STRIPES; i++)
        locked(pthread_mutex_init(&stripe[i].lock, NULL), "pthread_mutex_init");

    long *expected = g_new0(long, KEYS);
    int replayed = 0;       /* threads whose operations are in expected[] */

    for (int threads = 1; ; threads = threads * 2 < most_threads ? threads * 2 : most_threads) {
        double rate[2];
        const int stripes_of[2] = { 1, striped };

        /* The replay: each thread's writes, one thread after another. */
        for (; replayed < threads; replayed++) {
            uint32_t state = first_state(replayed);

            for (long i = 0; i < ops_each; i++) {
                uint32_t r = next_random(&state);

                if (r % 100 < WRITE_PERCENT)
                    expected[(r >> 8) % KEYS]++;
            }
        }
        for (int m = 0; m < 2; m++) {
            Worker total;
            long keys, sum;

            stripes = stripes_of[m];
            rate[m] = run(threads, &total);
            bool ok = check_and_clear(expected, &keys, &sum);
            ok = ok && total.reads + total.writes == threads * ops_each && sum == total.writes;
            if (verbose)
                printf("  W=%d, %d lock%s: %ld reads (%ld found), %ld writes, %ld keys, "
                       "counts add up to %ld\n", threads, stripes, stripes == 1 ? "" : "s",
                       total.reads, total.found, total.writes, keys, sum);
            if (!ok) {
                fprintf(stderr, "striped_map: W=%d, %d lock%s: the map does not equal "
                        "the sequential replay\n", threads, stripes, stripes == 1 ? "" : "s");
                all_ok = false;
            }
        }
        printf("W=%d: one lock %.0f ops/s, %d striped locks %.0f ops/s, ratio %.2f\n",
               threads, rate[0], striped, rate[1], rate[1] / rate[0]);
        if (threads == most_threads)
            break;
    }
    g_free(expected);
    if (all_ok)
        printf("Both maps equal a sequential replay\n");
    return all_ok ? 0 : 1;
}
