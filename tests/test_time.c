/* SPDX-License-Identifier: 0BSD */
/* Tests of common/cp_time: the stopwatch and the scaled wait. */
#include <config.h>

#include <criterion/criterion.h>
#include <stdlib.h>

#include "cp_time.h"

Test(time, clock_is_monotonic, .timeout = 10)
{
    double a = cp_time_now(), b = cp_time_now();

    cr_assert(b >= a);
    cr_assert(cp_time_since(a) >= 0);
}

Test(time, real_sleep_lasts_at_least_its_time, .timeout = 10)
{
    double start = cp_time_now();

    cp_sleep_real(0.02);
    cr_assert_geq(cp_time_since(start), 0.02);
}

Test(time, sleep_is_scaled, .timeout = 10)
{
    double start;

    cp_time_set_scale(0.01);
    cr_assert_float_eq(cp_time_scaled(2.0), 0.02, 1e-12);
    start = cp_time_now();
    cp_sleep(2.0);   /* 20 ms */
    cr_assert_geq(cp_time_since(start), 0.02);
    cr_assert_lt(cp_time_since(start), 1.0, "a scaled 2 s wait took a real second");
}

Test(time, zero_scale_does_not_wait, .timeout = 10)
{
    cp_time_set_scale(0);
    cp_sleep(1000.0);
    cp_sleep_real(-1.0);
    cr_assert_float_eq(cp_time_scaled(5.0), 0.0, 1e-12);
}

Test(time, scale_from_environment, .timeout = 10)
{
    double scale = -1;

    cr_assert_eq(setenv("CONPAR_TIME_SCALE", "0.25", 1), 0);
    cr_assert(cp_time_scale_from_env(&scale));
    cr_assert_float_eq(scale, 0.25, 1e-12);

    cr_assert_eq(unsetenv("CONPAR_TIME_SCALE"), 0);
    cr_assert(cp_time_scale_from_env(&scale));
    cr_assert_float_eq(scale, 1.0, 1e-12);
}

Test(time, bad_environment_is_refused, .timeout = 10)
{
    const char *bad[] = { "fast", "-1", "0.5x", "inf", "nan", "1e7", "1e300" };
    double scale = 7;

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        cr_assert_eq(setenv("CONPAR_TIME_SCALE", bad[i], 1), 0);
        cr_assert_not(cp_time_scale_from_env(&scale), "accepted '%s'", bad[i]);
    }
    cr_assert_float_eq(scale, 7, 1e-12, "a refused value was stored");
}

Test(time, largest_scale_is_accepted, .timeout = 10)
{
    double scale = 7;

    cr_assert_eq(setenv("CONPAR_TIME_SCALE", "1e6", 1), 0);
    cr_assert(cp_time_scale_from_env(&scale));
    cr_assert_float_eq(scale, CP_TIME_SCALE_MAX, 1e-6);
}

Test(time, scale_defaults_to_environment, .timeout = 10)
{
    /* Each Criterion test runs in a fresh process, so nothing set it yet. */
    cr_assert_eq(setenv("CONPAR_TIME_SCALE", "0.5", 1), 0);
    cr_assert_float_eq(cp_time_scale(), 0.5, 1e-12);
}

Test(time, since_unscaled_is_on_the_lessons_clock, .timeout = 10)
{
    double start;

    cp_time_set_scale(0.5);
    start = cp_time_now();
    cp_sleep(0.1);   /* 0.05 s of real time */
    cr_assert_geq(cp_time_since_unscaled(start), 0.1);
    cr_assert_lt(cp_time_since_unscaled(start), 5.0);
    cp_time_set_scale(0);
    cr_assert_eq(cp_time_since_unscaled(start), 0, "no clock at scale 0");
}
