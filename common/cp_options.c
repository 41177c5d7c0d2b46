#include <config.h>

#include "cp_options.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cp_time.h"

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

gint64
cp_options_parse_int(const char *text, gint64 min, gint64 max, const char *what)
{
    gint64 value;
    char *end;

    errno = 0;
    value = g_ascii_strtoll(text, &end, 10);
    if (end == text || *end != '\0')
        cp_options_fail("%s '%s' is not an integer", what, text);
    if (errno == ERANGE || value < min || value > max)
        cp_options_fail("%s '%s' is out of range (%" G_GINT64_FORMAT
                        "..%" G_GINT64_FORMAT ")", what, text, min, max);
    return value;
}

double
cp_options_parse_double(const char *text, double min, double max, const char *what)
{
    double value;
    char *end;

    errno = 0;
    value = g_ascii_strtod(text, &end);
    if (end == text || *end != '\0' || isnan(value))
        cp_options_fail("%s '%s' is not a number", what, text);
    if (errno == ERANGE || !isfinite(value) || value < min || value > max)
        cp_options_fail("%s '%s' is out of range (%g..%g)", what, text, min, max);
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

void
cp_options_parse(int *argc, char ***argv, const char *parameter_string,
                 const char *summary, const GOptionEntry *entries, int *workers)
{
    char *scale_text = NULL;
    int workers_given = G_MININT;   /* G_MININT: not given */
    char *name;
    double scale;
    GOptionContext *context;
    GError *error = NULL;
    GOptionEntry common_entries[] = {
        { "workers", 'w', 0, G_OPTION_ARG_INT, &workers_given,
          "Number of worker threads or processes", "N" },
        { "time-scale", 0, 0, G_OPTION_ARG_STRING, &scale_text,
          "Multiply every simulated wait by F (default: $CONPAR_TIME_SCALE, else 1.0)",
          "F" },
        G_OPTION_ENTRY_NULL
    };

    name = g_path_get_basename((*argv)[0]);
    g_set_prgname(name);
    g_free(name);
    context = g_option_context_new(parameter_string);
    g_option_context_set_summary(context, summary);
    /* Without --workers the program has no pool: leave the option out. */
    g_option_context_add_main_entries(context,
                                      workers ? common_entries : common_entries + 1,
                                      NULL);
    if (entries)
        g_option_context_add_main_entries(context, entries, NULL);

    if (!g_option_context_parse(context, argc, argv, &error)) {
        fprintf(stderr, "%s: %s\n", g_get_prgname(), error->message);
        g_error_free(error);
        g_option_context_free(context);
        print_hint_and_exit();
    }
    g_option_context_free(context);

    /* GOption leaves the "--" that ends the options in argv (wherever it
     * stood, when an argument after it starts with '-'); drop the first. */
    for (int i = 1; i < *argc; i++)
        if (g_strcmp0((*argv)[i], "--") == 0) {
            for (int j = i; j < *argc; j++)
                (*argv)[j] = (*argv)[j + 1];
            (*argc)--;
            break;
        }

    /* A program that takes no inputs says so with parameter_string "". */
    if ((parameter_string == NULL || *parameter_string == '\0') && *argc > 1)
        cp_options_fail("unexpected argument '%s'", (*argv)[1]);

    if (scale_text) {
        scale = cp_options_parse_double(scale_text, 0, CP_TIME_SCALE_MAX, "--time-scale");
        g_free(scale_text);
    } else if (!cp_time_scale_from_env(&scale)) {
        cp_options_fail("CONPAR_TIME_SCALE '%s' is not a number in 0..%g",
                        g_getenv("CONPAR_TIME_SCALE"), CP_TIME_SCALE_MAX);
    }
    cp_time_set_scale(scale);

    if (workers && workers_given != G_MININT) {
        if (workers_given < 1 || workers_given > CP_WORKERS_MAX)
            cp_options_fail("--workers '%d' is out of range (1..%d)",
                            workers_given, CP_WORKERS_MAX);
        *workers = workers_given;
    }
}
