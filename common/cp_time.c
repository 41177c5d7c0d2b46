/* SPDX-License-Identifier: 0BSD */
#define _POSIX_C_SOURCE 200809L

#include "cp_time.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cp_die.h"
#include "cp_trace.h"

/* The time scale is read by every thread that sleeps; it is set once at
 * start-up, but an atomic keeps even a late set race-free. */
static _Atomic double scale = -1.0;   /* (atomic) < 0: not read yet */

double
cp_time_now(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
        cp_die_errno("clock_gettime");
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

double
cp_time_since(double start)
{
    return cp_time_now() - start;
}

double
cp_time_since_unscaled(double start)
{
    double s = cp_time_scale();

    return s > 0 ? cp_time_since(start) / s : 0;
}

void
cp_time_print_scale_note(void)
{
    double s = cp_time_scale();

    if (s != 1.0)
        printf("(lesson seconds; ran at time scale %g)\n", s);
}

gboolean
cp_time_scale_from_env(double *out)
{
    const char *text = g_getenv("CONPAR_TIME_SCALE");
    char *end;
    double value;

    if (text == NULL || *text == '\0') {
        *out = 1.0;
        return TRUE;
    }
    errno = 0;
    value = g_ascii_strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !isfinite(value) || value < 0
        || value > CP_TIME_SCALE_MAX)
        return FALSE;
    *out = value;
    return TRUE;
}

double
cp_time_scale(void)
{
    double s = atomic_load(&scale);

    if (s < 0) {
        /* Not set by cp_options_parse(): take the environment, or 1.0
         * when it is unusable (the options module reports that case). */
        if (!cp_time_scale_from_env(&s))
            s = 1.0;
        atomic_store(&scale, s);
    }
    return s;
}

void
cp_time_set_scale(double s)
{
    atomic_store(&scale, s);
}

double
cp_time_scaled_timeout(double seconds)
{
    return MAX(cp_time_scaled(seconds), CP_TIME_TIMEOUT_MIN);
}

double
cp_time_scaled(double seconds)
{
    return seconds * cp_time_scale();
}

void
cp_sleep_real(double seconds)
{
    struct timespec req, rem;

    if (!(seconds > 0))
        return;
    double start = cp_trace_now();
    seconds = MIN(seconds, 1e9);
    req.tv_sec = (time_t) seconds;
    req.tv_nsec = (long) ((seconds - (double) req.tv_sec) * 1e9);
    if (req.tv_nsec >= 1000000000L)
        req.tv_nsec = 999999999L;
    while (nanosleep(&req, &rem) == -1) {
        if (errno != EINTR)
            cp_die_errno("nanosleep");
        req = rem;
    }
    cp_trace_span("sleep", "wait", start);
}

void
cp_sleep(double seconds)
{
    cp_sleep_real(cp_time_scaled(seconds));
}
