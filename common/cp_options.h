/* cp_options.h: the options every conpar program shares, and input checks.
 *
 *     int workers = 3;      // the lesson's value; -w/--workers changes it
 *     GOptionEntry entries[] = { ...program's own...,  G_OPTION_ENTRY_NULL };
 *     cp_options_parse(&argc, &argv, "[N...]",
 *                      "Compute factorials in threads.", entries, &workers);
 *     // argv[1..argc-1] are now the positional inputs; a program that
 *     // takes none passes "" and any argument left fails as below
 *
 * cp_options_parse() adds --time-scale=F (default: CONPAR_TIME_SCALE, else
 * 1.0) and, when `workers` is not NULL, -w/--workers=N (1..1024); --help
 * comes from GOptionContext.  Any bad option or value, and an invalid
 * CONPAR_TIME_SCALE, prints one line naming it plus a usage hint on stderr
 * and exits with status 2.  The cp_options_parse_* helpers do the same for
 * positional inputs.
 */
#ifndef CP_OPTIONS_H
#define CP_OPTIONS_H

#include <glib.h>

#define CP_EXIT_USAGE 2

/* Largest --workers value accepted. */
#define CP_WORKERS_MAX 1024

void cp_options_parse(int *argc, char ***argv, const char *parameter_string,
                      const char *summary, const GOptionEntry *entries,
                      int *workers);

/* Print "<prog>: <message>" and "Try '<prog> --help' for more
 * information." on stderr, and exit 2. */
G_NORETURN void cp_options_fail(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* Parse an integer in [min, max]; anything else fails with a message
 * naming `what` and the bad text. */
gint64 cp_options_parse_int(const char *text, gint64 min, gint64 max,
                            const char *what);

/* Parse a finite double in [min, max]. */
double cp_options_parse_double(const char *text, double min, double max,
                               const char *what);

/* The random generator behind a --seed=N option: seeded with N
 * (0..4294967295) so that a run can be repeated, or with a new seed each
 * run (from /dev/urandom, or the time) when `seed_text` is NULL.  A bad N
 * fails as cp_options_parse_int() does, naming --seed.  g_rand_free() it. */
GRand *cp_options_rand_new(const char *seed_text);

#endif
