/* SPDX-License-Identifier: 0BSD */
/* cp_time.h: a monotonic stopwatch and the scaled wait.
 *
 * Every simulated wait of the lessons (time.sleep, asyncio.sleep) goes
 * through cp_sleep(), which multiplies it by the time scale: the
 * --time-scale option, else the CONPAR_TIME_SCALE environment variable,
 * else 1.0.  `make check` runs the examples with a scale of 0.01 so that a
 * lesson's one-second waits take ten milliseconds.
 */
#ifndef CP_TIME_H
#define CP_TIME_H

#include <glib.h>

/* Seconds on the monotonic clock, from an arbitrary origin. */
double cp_time_now(void);

/* Seconds elapsed since an earlier cp_time_now(). */
double cp_time_since(double start);

/* The same on the lesson's clock, before the time scale: how long the
 * simulated waits took as the lesson counts them (0 at scale 0). */
double cp_time_since_unscaled(double start);

/* Under -v, before timing lines in lesson seconds: print
 * "(lesson seconds; ran at time scale 0.01)" when the scale is not 1, so
 * that a printed "4.00 seconds" is not taken for wall time. */
void cp_time_print_scale_note(void);

/* The current time scale (>= 0). */
double cp_time_scale(void);

/* Set the time scale; cp_options_parse() calls this for --time-scale. */
void cp_time_set_scale(double scale);

/* The largest time scale accepted, from --time-scale or the environment:
 * a one-second wait then lasts under 12 days. */
#define CP_TIME_SCALE_MAX 1e6

/* Read CONPAR_TIME_SCALE: TRUE and *scale set when it is absent (1.0) or a
 * valid number in 0..CP_TIME_SCALE_MAX; FALSE when it is anything else. */
gboolean cp_time_scale_from_env(double *scale);

/* seconds * the time scale: the real length of a simulated wait. */
double cp_time_scaled(double seconds);

/* The real length of a simulated timeout ("stop after 1 s with nothing to
 * get"): scaled, but never under CP_TIME_TIMEOUT_MIN, so that even at
 * --time-scale=0 the waiting side gives the other side time to run
 * instead of giving up at once. */
#define CP_TIME_TIMEOUT_MIN 0.05
double cp_time_scaled_timeout(double seconds);

/* Sleep for `seconds` of simulated time (scaled), resuming after signals. */
void cp_sleep(double seconds);

/* Sleep for `seconds` of real time, not scaled (at most 10^9 s: longer
 * would not fit every time_t, and is for ever to a person anyway). */
void cp_sleep_real(double seconds);

#endif
