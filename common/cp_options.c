/* SPDX-License-Identifier: 0BSD */
#define _POSIX_C_SOURCE 200809L

#include "cp_options.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp_die.h"
#include "cp_time.h"
#include "cp_trace.h"

/* The build passes the package's name, version and addresses from
 * configure.ac; a copy of this file compiled alone says so instead. */
#ifndef CP_PACKAGE_VERSION
#define CP_PACKAGE_VERSION "(version unknown)"
#endif
#ifndef CP_PACKAGE_BUGREPORT
#define CP_PACKAGE_BUGREPORT "the maintainers of conpar"
#endif
#ifndef CP_PACKAGE_URL
#define CP_PACKAGE_URL ""
#endif

/* Checks other modules ask for (cp_options_add_startup_check()); set
 * before main() runs, read once options are parsed. */
#define MAX_STARTUP_CHECKS 4
static void (*startup_checks[MAX_STARTUP_CHECKS])(void);

void
cp_options_add_startup_check(void (*check)(void))
{
    for (int i = 0; i < MAX_STARTUP_CHECKS; i++)
        if (startup_checks[i] == NULL || startup_checks[i] == check) {
            startup_checks[i] = check;
            return;
        }
}

G_NORETURN static void
print_hint_and_exit(void)
{
    fprintf(stderr, "Try '%s --help' for more information.\n", g_get_prgname());
    exit(CP_EXIT_USAGE);
}

void
cp_options_fail(const char *format, ...)
{
    va_list ap;
    char *message;

    va_start(ap, format);
    message = g_strdup_vprintf(format, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\n", g_get_prgname(), message);
    g_free(message);
    print_hint_and_exit();
}

static const char *
quote(const char *text, int max_chars)
{
    GString *out = g_string_new(NULL);
    const char *p = text, *end = text + strlen(text);
    int chars = 0;
    const char *result;

    /* At most 60 characters, and every byte that is not printable UTF-8
     * written as \xNN, so that one bad argument cannot flood or garble
     * the terminal. */
    while (p < end && chars < max_chars) {
        gunichar c = g_utf8_get_char_validated(p, end - p);

        if (c == (gunichar) -1 || c == (gunichar) -2 || !g_unichar_isprint(c)) {
            g_string_append_printf(out, "\\x%02x", (unsigned char) *p);
            p++;
        } else {
            const char *next = g_utf8_next_char(p);

            g_string_append_len(out, p, next - p);
            p = next;
        }
        chars++;
    }
    if (p < end)
        g_string_append(out, "\u2026");
    /* Interned: the message that uses it ends the program anyway. */
    result = g_intern_string(out->str);
    g_string_free(out, TRUE);
    return result;
}

const char *
cp_options_quote(const char *text)
{
    return quote(text, CP_OPTIONS_QUOTE_MAX);
}

/* GOption's own messages quote the argument: room for it and the words. */
static const char *
cp_options_quote_message(const char *message)
{
    return quote(message, CP_OPTIONS_QUOTE_MAX + 40);
}

/* GNU's close_stdout(), at exit: what printf() could not write yet is
 * flushed now, and an error (a full disk, a closed descriptor) is an error
 * of the program, not a silent success.  A reader that went away (EPIPE,
 * as in `prog | head -1`) ends the program quietly, with a failure. */
static void
close_stdout(void)
{
    if (fflush(stdout) == 0 && !ferror(stdout) && fclose(stdout) == 0)
        return;
    if (errno != EPIPE)
        fprintf(stderr, "%s: write error: %s\n", g_get_prgname(), g_strerror(errno));
    _exit(EXIT_FAILURE);
}

/* A flag takes no value: GOption would take "--quiet=false" as --quiet. */
static void
refuse_flag_values(int argc, char **argv, const GOptionEntry *const *tables)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *eq = strchr(argv[i], '=');

        if (strncmp(argv[i], "--", 2) != 0 || eq == NULL)
            continue;
        for (int t = 0; tables[t]; t++)
            for (const GOptionEntry *e = tables[t]; e->long_name; e++)
                if (e->arg == G_OPTION_ARG_NONE && strlen(e->long_name) == (size_t) (eq - argv[i] - 2)
                    && strncmp(argv[i] + 2, e->long_name, strlen(e->long_name)) == 0)
                    cp_options_fail("option --%s takes no value: '%s'", e->long_name,
                                    cp_options_quote(argv[i]));
    }
}

/* GOption reads "-w3" as the flags -w and -3, and gives -w the next
 * argument; getopt() and every C user read it as "-w 3".  Split such
 * arguments in two, in a copy of argv that lives as long as the program. */
static char **split_argv, **given_argv;

static void
split_short_values(int *argc, char ***argv, const GOptionEntry *const *tables)
{
    GPtrArray *args = g_ptr_array_new();
    gboolean options_ended = FALSE;

    for (int i = 0; i < *argc; i++) {
        const char *arg = (*argv)[i];
        gboolean split = FALSE;

        if (strcmp(arg, "--") == 0)
            options_ended = TRUE;
        if (i > 0 && !options_ended && arg[0] == '-' && arg[1] != '-' && arg[1] && arg[2])
            for (int t = 0; tables[t]; t++)
                for (const GOptionEntry *e = tables[t]; e->long_name; e++)
                    if (e->short_name == arg[1] && e->arg != G_OPTION_ARG_NONE)
                        split = TRUE;
        if (split) {
            g_ptr_array_add(args, g_strndup(arg, 2));
            g_ptr_array_add(args, g_strdup(arg + 2));
        } else {
            g_ptr_array_add(args, g_strdup(arg));
        }
    }
    *argc = (int) args->len;
    g_ptr_array_add(args, NULL);
    g_strfreev(split_argv);
    split_argv = (char **) g_ptr_array_free(args, FALSE);
    /* GOption removes what it parses from the array it is given: give it
     * a second copy of the pointers and keep split_argv whole to free. */
    g_free(given_argv);
    given_argv = g_new(char *, *argc + 1);
    memcpy(given_argv, split_argv, (size_t) (*argc + 1) * sizeof *split_argv);
    *argv = given_argv;
}

gint64
cp_options_parse_int_full(const char *text, gint64 min, gint64 max, const char *what,
                          const char *why)
{
    gint64 value;
    char *end;

    errno = 0;
    value = g_ascii_strtoll(text, &end, 10);
    if (end == text || *end != '\0')
        cp_options_fail("%s '%s' is not an integer", what, cp_options_quote(text));
    if (errno == ERANGE || value < min || value > max)
        cp_options_fail("%s '%s' is out of range (%" G_GINT64_FORMAT
                        "..%" G_GINT64_FORMAT ")%s%s", what, cp_options_quote(text), min, max,
                        why ? ": " : "", why ? why : "");
    return value;
}

gint64
cp_options_parse_int(const char *text, gint64 min, gint64 max, const char *what)
{
    return cp_options_parse_int_full(text, min, max, what, NULL);
}

/* Read text as Python's float() does: surrounding spaces, an underscore
 * between digits, "nan", "inf" and "infinity" in any case; no hexadecimal
 * (strtod() would take "0x10").  A value too large becomes inf, and one too
 * small 0.0 or a subnormal, as in Python.  FALSE if it is not a number. */
static gboolean
python_float(const char *text, double *value)
{
    GString *plain = g_string_new(NULL);
    gboolean ok;
    char *end;

    for (const char *p = text; *p; p++) {
        if (*p == 'x' || *p == 'X' || *p == '(')
            break;
        if (*p == '_' && p > text && g_ascii_isdigit(p[-1]) && g_ascii_isdigit(p[1]))
            continue;
        g_string_append_c(plain, *p);
    }
    g_strstrip(plain->str);
    *value = g_ascii_strtod(plain->str, &end);
    /* What the loop stopped at (hexadecimal, "nan(...)") is no number. */
    ok = end != plain->str && *end == '\0' && strpbrk(text, "xX(") == NULL;
    g_string_free(plain, TRUE);
    return ok;
}

gboolean
cp_options_is_number(const char *text)
{
    double ignored;

    return python_float(text, &ignored);
}

double
cp_options_parse_float(const char *text, const char *what)
{
    double value;

    if (!python_float(text, &value))
        cp_options_fail("%s '%s' is not a number", what, cp_options_quote(text));
    return value;
}

double
cp_options_parse_double(const char *text, double min, double max, const char *what)
{
    double value = cp_options_parse_float(text, what);

    if (isnan(value))
        cp_options_fail("%s '%s' is not a number", what, cp_options_quote(text));
    if (value < min || value > max)
        cp_options_fail("%s '%s' is out of range (%g..%g)", what, cp_options_quote(text),
                        min, max);
    return value;
}

GRand *
cp_options_rand_new(const char *seed_text)
{
    if (seed_text == NULL)
        return g_rand_new();
    return g_rand_new_with_seed((guint32) cp_options_parse_int(seed_text, 0, G_MAXUINT32,
                                                               "--seed"));
}

G_NORETURN static void
print_version_and_exit(void)
{
    printf("%s (conpar) %s\n", g_get_prgname(), CP_PACKAGE_VERSION);
    printf("License 0BSD: use, copy, modify and share it, with or without fee;\n"
           "no notice needs to be kept.  There is NO WARRANTY, to the extent\n"
           "permitted by law.\n");
    exit(EXIT_SUCCESS);
}

/* Said after the options in --help: the inputs' default, and where to
 * report bugs (as GNU programs end their --help). */
static char *
help_description(const CpOptions *options)
{
    GString *text = g_string_new(NULL);

    if (options->inputs && *options->inputs)
        g_string_append_printf(text, "Default inputs: %s\n\n",
                               options->inputs_default ? options->inputs_default : "none");
    g_string_append_printf(text, "Report bugs to: %s\n", CP_PACKAGE_BUGREPORT);
    if (*CP_PACKAGE_URL)
        g_string_append_printf(text, "conpar home page: <%s>\n", CP_PACKAGE_URL);
    return g_string_free(text, FALSE);
}

void
cp_options_parse(int *argc, char ***argv, const CpOptions *options)
{
    char *scale_text = NULL, *workers_help = NULL, *description, *name;
    int workers_given = G_MININT;   /* G_MININT: not given */
    gboolean version = FALSE;
    double scale;
    GOptionContext *context;
    GError *error = NULL;
    char *lesson_text = NULL, *lesson_help = NULL, **lesson_ids = NULL;
    char *trace_path = NULL;
    gboolean takes_inputs = options->inputs && *options->inputs;
    GOptionEntry common_entries[7];
    int n = 0;

    /* Messages and GLib's help in the user's language and charset, but
     * numbers always as "C" (and Python) print them: 2.5, not 2,5. */
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    if (atexit(close_stdout) != 0)
        cp_die_errno("atexit");

    common_entries[n++] = (GOptionEntry) {
        "version", 0, 0, G_OPTION_ARG_NONE, &version,
        "Print the program's name, package, version and license, then exit", NULL };
    if (options->workers) {
        char *workers_default = options->workers_default
                                ? g_strdup(options->workers_default)
                                : g_strdup_printf("%d", *options->workers);

        workers_help = g_strdup_printf("Number of %s (1..%d; default: %s)",
                                       options->workers_are ? options->workers_are : "workers",
                                       CP_WORKERS_MAX, workers_default);
        g_free(workers_default);
        common_entries[n++] = (GOptionEntry) {
            "workers", 'w', 0, G_OPTION_ARG_INT, &workers_given, workers_help, "N" };
    }
    if (options->waits)
        common_entries[n++] = (GOptionEntry) {
            "time-scale", 0, 0, G_OPTION_ARG_STRING, &scale_text,
            "Multiply every simulated wait by F (0..1e6; default: $CONPAR_TIME_SCALE, "
            "else 1, the lesson's waits)", "F" };
    common_entries[n++] = (GOptionEntry) {
        "trace", 0, 0, G_OPTION_ARG_FILENAME, &trace_path,
        "Write what each thread and process did, and when, to FILE as Chrome trace "
        "JSON for Perfetto or conpar-timeline (default: no trace)", "FILE" };
    if (options->verbose)
        common_entries[n++] = (GOptionEntry) {
            "verbose", 'v', 0, G_OPTION_ARG_NONE, options->verbose,
            "Also print what the C program adds to the lesson's lines (timings, "
            "explanations, checks)", NULL };
    if (options->lessons) {
        char *choices;

        lesson_ids = g_strsplit(options->lessons, " ", -1);
        choices = g_strjoinv(", ", lesson_ids);
        lesson_help = g_strdup_printf("Which lesson's cell to run: %s (default: %s)",
                                      choices, lesson_ids[0]);
        g_free(choices);
        if (lesson_ids[1] != NULL)
            common_entries[n++] = (GOptionEntry) {
                "lesson", 0, 0, G_OPTION_ARG_STRING, &lesson_text, lesson_help, "ID" };
    }
    common_entries[n] = (GOptionEntry) G_OPTION_ENTRY_NULL;

    name = g_path_get_basename((*argv)[0]);
    g_set_prgname(name);
    g_free(name);
    context = g_option_context_new(options->inputs);
    g_option_context_set_summary(context, options->summary);
    description = help_description(options);
    g_option_context_set_description(context, description);
    g_option_context_add_main_entries(context, common_entries, NULL);
    if (options->entries)
        g_option_context_add_main_entries(context, options->entries, NULL);
    /* "-1" would be an unknown option: GOption leaves it in argv, in its
     * place among the inputs, and the loop below sorts numbers from
     * options it does not know. */
    if (takes_inputs)
        g_option_context_set_ignore_unknown_options(context, TRUE);
    refuse_flag_values(*argc, *argv,
                       (const GOptionEntry *const[]) { common_entries, options->entries, NULL });
    split_short_values(argc, argv,
                       (const GOptionEntry *const[]) { common_entries, options->entries, NULL });

    if (!g_option_context_parse(context, argc, argv, &error)) {
        fprintf(stderr, "%s: %s\n", g_get_prgname(), cp_options_quote_message(error->message));
        g_error_free(error);
        g_option_context_free(context);
        print_hint_and_exit();
    }
    g_option_context_free(context);
    g_free(description);
    g_free(workers_help);
    if (version)
        print_version_and_exit();

    /* GOption leaves the "--" that ends the options in argv (wherever it
     * stood, when an argument after it starts with '-'); drop the first.
     * Before it, an argument that starts with '-' is an input only if it
     * is a number. */
    for (int i = 1; i < *argc; i++) {
        const char *arg = (*argv)[i];

        if (g_strcmp0(arg, "--") == 0) {
            for (int j = i; j < *argc; j++)
                (*argv)[j] = (*argv)[j + 1];
            (*argc)--;
            break;
        }
        if (arg[0] == '-' && arg[1] != '\0' && !cp_options_is_number(arg))
            cp_options_fail("unknown option %s", cp_options_quote(arg));
    }

    if (options->lessons) {
        const char *id = lesson_text ? lesson_text : lesson_ids[0];

        if (!g_strv_contains((const char *const *) lesson_ids, id))
            cp_options_fail("--lesson '%s' is not a lesson this program ports (%s)",
                            cp_options_quote(id), options->lessons);
        if (options->lesson)
            *options->lesson = g_intern_string(id);
    }
    g_free(lesson_text);
    g_free(lesson_help);
    g_strfreev(lesson_ids);

    /* A program without inputs fails on any argument left over. */
    if ((options->inputs == NULL || *options->inputs == '\0') && *argc > 1)
        cp_options_fail("unexpected argument '%s'", cp_options_quote((*argv)[1]));

    /* A program with no waits has nothing to scale: it neither offers
     * --time-scale nor reads CONPAR_TIME_SCALE. */
    if (scale_text) {
        scale = cp_options_parse_double(scale_text, 0, CP_TIME_SCALE_MAX, "--time-scale");
        g_free(scale_text);
        cp_time_set_scale(scale);
    } else if (options->waits) {
        if (!cp_time_scale_from_env(&scale))
            cp_options_fail("CONPAR_TIME_SCALE '%s' is not a number in 0..%g",
                            cp_options_quote(g_getenv("CONPAR_TIME_SCALE")), CP_TIME_SCALE_MAX);
        cp_time_set_scale(scale);
    } else {
        cp_time_set_scale(1.0);
    }

    if (options->workers && workers_given != G_MININT) {
        if (workers_given < 1 || workers_given > CP_WORKERS_MAX)
            cp_options_fail("--workers '%d' is out of range (1..%d)",
                            workers_given, CP_WORKERS_MAX);
        *options->workers = workers_given;
    }

    /* Last, once the options are known good: no trace of a failed start. */
    if (trace_path) {
        if (!cp_trace_open(trace_path, g_get_prgname(), cp_time_scale()))
            cp_options_fail("--trace: cannot write '%s': %s", cp_options_quote(trace_path),
                            g_strerror(errno));
        g_free(trace_path);
    }

    for (int i = 0; i < MAX_STARTUP_CHECKS && startup_checks[i]; i++)
        startup_checks[i]();
}
