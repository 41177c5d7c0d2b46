/* SPDX-License-Identifier: 0BSD */
/* Black-box tests of what every program shares: --version as GNU programs
 * print it, and a --help that states each option's range and default, what
 * -w counts, the inputs' default and where to report bugs.  The programs
 * come from the Makefile (CONPAR_PROGRAMS), so a new one is checked too. */
#include <config.h>

#include <criterion/criterion.h>
#include <string.h>

#include "cp_test.h"

/* The programs that have no simulated wait, so offer no --time-scale. */
static const char *const never_wait[] = {
    "factorial_threads", "two_threads", "even_odd_lock", "shared_counter", "inc_dec_counter",
    "locked_file_writer", "fib_pool", "exp_pool", "cpu_process_pool", "thread_pool",
    "factorial_processes", "two_processes", "parallel_sum", "parallel_product", "shared_array",
    "thread_vs_process", "gil_demo", "queue_throughput", "spawn_cost", "memory_order",
    "condition_variable", "once", "striped_map", "timeline",
    NULL
};

/* examples/<topic>/<name> for each program, from the Makefile. */
static char **
programs(void)
{
    const char *list = g_getenv("CONPAR_PROGRAMS");
    char **all;

    cr_assert_not_null(list, "CONPAR_PROGRAMS is not set: run me from make check");
    all = g_strsplit_set(g_strstrip(g_strdup(list)), " \t\n", -1);
    cr_assert_gt(g_strv_length(all), 40);
    return all;
}

/* "examples/pools/fib_pool" -> "pools/fib_pool", as cp_test_run() takes it. */
static const char *
example_of(const char *program)
{
    cr_assert(g_str_has_prefix(program, "examples/"), "odd program path %s", program);
    return program + strlen("examples/");
}

Test(conventions, version_names_program_package_version_and_license, .timeout = 120)
{
    char **all = programs();

    for (char **p = all; *p; p++) {
        if (**p == '\0')
            continue;
        CpRun *run = cp_test_run(example_of(*p), "--version", NULL);
        char *name = g_path_get_basename(*p);
        char *first = g_strdup_printf("%s (conpar) %s", name, g_getenv("CONPAR_VERSION"));

        cp_test_assert_ok(run);
        cr_assert_geq(run->n_lines, 2, "%s --version: %s", *p, run->out);
        cr_assert_str_eq(run->lines[0], first, "%s --version", *p);
        cr_assert(g_str_has_prefix(run->lines[1], "License 0BSD"), "%s --version: %s", *p,
                  run->lines[1]);
        g_free(first);
        g_free(name);
        cp_run_free(run);
    }
    g_strfreev(all);
}

Test(conventions, help_states_every_default_and_range, .timeout = 120)
{
    char **all = programs();
    char *bugs = g_strdup_printf("Report bugs to: %s", g_getenv("CONPAR_BUGREPORT"));

    for (char **p = all; *p; p++) {
        if (**p == '\0')
            continue;
        CpRun *run = cp_test_run(example_of(*p), "--help", NULL);
        char *name = g_path_get_basename(*p);
        gboolean waits = !g_strv_contains(never_wait, name);
        gboolean takes_inputs;
        const char *after_options;

        cp_test_assert_ok(run);
        cr_assert_geq(run->n_lines, 2);
        /* "  fib_pool [OPTION…] [N...]", "  timeline [OPTION…] TRACE":
         * something after the options. */
        after_options = strchr(run->lines[1], ']') + 1;
        takes_inputs = after_options[strspn(after_options, " ")] != '\0';
        cr_assert_eq(cp_test_find_line(run, "Default inputs:", 0) >= 0
                     || cp_test_count_prefix(run, "Default inputs: ") == 1, takes_inputs,
                     "%s: inputs in the usage line and a 'Default inputs:' line go together:\n%s",
                     *p, run->out);
        cr_assert(cp_test_has_line(run, bugs), "%s --help does not end with '%s'", *p, bugs);
        cr_assert_eq(strstr(run->out, "--time-scale=F") != NULL, waits,
                     "%s %s offer --time-scale", *p, waits ? "should" : "should not");
        for (guint i = 0; i < run->n_lines; i++) {
            const char *line = run->lines[i];

            /* An option that takes a value: "  --size=N   ...". */
            if (!g_str_has_prefix(line, "  -") || strchr(line, '=') == NULL)
                continue;
            cr_assert(strstr(line, "default") != NULL, "%s: no default in '%s'", *p, line);
            cr_assert(strstr(line, "threads or processes") == NULL,
                      "%s: -w must say what it counts: '%s'", *p, line);
        }
        g_free(name);
        cp_run_free(run);
    }
    g_free(bugs);
    g_strfreev(all);
}

/* -w names what it counts. */
static void
assert_help_line(const char *example, const char *text)
{
    CpRun *run = cp_test_run(example, "--help", NULL);

    cp_test_assert_ok(run);
    cr_assert(strstr(run->out, text) != NULL, "%s --help lacks '%s':\n%s", example, text,
              run->out);
    cp_run_free(run);
}

Test(conventions, workers_option_names_what_it_counts, .timeout = 30)
{
    assert_help_line("pools/fib_pool", "Number of worker processes (1..1024; default: 3)");
    assert_help_line("pools/square_pool", "Number of worker threads (1..1024; "
                     "default: the lesson's, 3 for 000 and 004, 4 for 002)");
    assert_help_line("threads/factorial_threads", "Default inputs: 1 2 3 4 5 6 7 8 9");
}

/* setlocale(): in a UTF-8 locale GLib's usage line has its ellipsis. */
Test(conventions, usage_line_in_a_utf8_locale, .timeout = 30)
{
    const char *const env[] = { "LC_ALL=C.UTF-8", NULL };
    const char *const args[] = { "--help", NULL };
    CpRun *run = cp_test_run_env(env, "threads/factorial_threads", args);

    cp_test_assert_ok(run);
    cr_assert_str_eq(run->lines[1], "  factorial_threads [OPTION\u2026] [N...]");
    cp_run_free(run);
}
