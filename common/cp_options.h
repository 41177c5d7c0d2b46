/* SPDX-License-Identifier: 0BSD */
/* cp_options.h: the options every conpar program shares, and input checks.
 *
 *     int workers = 3;      // the lesson's value; -w/--workers changes it
 *     GOptionEntry entries[] = { ...program's own...,  G_OPTION_ENTRY_NULL };
 *     cp_options_parse(&argc, &argv, &(CpOptions) {
 *         .inputs = "[N...]",
 *         .inputs_default = "1 2 3 (the lesson's)",
 *         .summary = "Compute factorials in threads.",
 *         .entries = entries,
 *         .workers = &workers, .workers_are = "worker threads",
 *         .waits = TRUE,
 *     });
 *     // argv[1..argc-1] are now the positional inputs; a program that
 *     // takes none leaves .inputs out, and any argument left fails as below
 *
 * cp_options_parse() adds --version (the package, its version and its
 * license, as GNU programs print them); --time-scale=F when the program
 * has simulated waits (.waits; default: CONPAR_TIME_SCALE, else 1.0); and
 * -w/--workers=N (1..1024) when .workers is set; -v/--verbose when
 * .verbose is set; --lesson=ID when .lessons names more than one lesson
 * (*lesson is the first one otherwise).  --help comes from
 * GOptionContext and ends with the inputs' default and where to report
 * bugs.  Any bad option or value, and an invalid CONPAR_TIME_SCALE, prints
 * one line naming it plus a usage hint on stderr and exits with status 2.
 * The cp_options_parse_* helpers do the same for positional inputs.
 *
 * A program with inputs reads an argument that is a number as an input,
 * not an option, as Python's argparse does: `exp_pool -1 2` works, and
 * `--` still ends the options.
 *
 * A flag given a value (--verbose=no) is refused.  At exit, stdout is
 * flushed and closed as GNU programs do it (close_stdout): a write that
 * failed (a full disk, a closed stdout) prints "<prog>: write error: ..."
 * and exits 1; a reader that went away (EPIPE) ends it quietly with 1.
 *
 * It also sets the locale from the environment (so GLib's help reads
 * "[OPTION…]" in a UTF-8 terminal), except for numbers: LC_NUMERIC stays
 * "C", so that every program prints 2.5, never 2,5, as Python does.
 */
#ifndef CP_OPTIONS_H
#define CP_OPTIONS_H

#include <glib.h>

#define CP_EXIT_USAGE 2

/* Largest --workers value accepted. */
#define CP_WORKERS_MAX 1024

typedef struct {
    const char *inputs;          /* the positional inputs, "[N...]"; NULL: none */
    const char *inputs_default;  /* what they are when none is given */
    const char *summary;         /* what the program does, one sentence */
    const GOptionEntry *entries; /* the program's own options, or NULL */
    int *workers;                /* -w sets *workers; its value now is the default */
    const char *workers_are;     /* what -w counts: "worker processes" */
    const char *workers_default; /* said instead of *workers's value, when that
                                    means "not given" ("3, then 4 (the lesson's)") */
    gboolean waits;              /* it has simulated waits: offer --time-scale */
    gboolean *verbose;           /* -v/--verbose sets it: also print what the C
                                    program adds to the lesson's lines */
    const char *lessons;         /* the lessons' IDs whose cells it ports,
                                    "002 002b"; the first is the default */
    const char **lesson;         /* --lesson=ID sets it to one of those */
} CpOptions;

void cp_options_parse(int *argc, char ***argv, const CpOptions *options);

/* Run check() at the end of cp_options_parse(), once the program's name
 * is known (cp_loop uses it to say what ran out before GLib traps). */
void cp_options_add_startup_check(void (*check)(void));

/* Print "<prog>: <message>" and "Try '<prog> --help' for more
 * information." on stderr, and exit 2. */
G_NORETURN void cp_options_fail(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* Parse an integer in [min, max]; anything else fails with a message
 * naming `what` and the bad text. */
gint64 cp_options_parse_int(const char *text, gint64 min, gint64 max,
                            const char *what);

/* The same, saying why the range is what it is: "n '21' is out of range
 * (0..20): 21! does not fit in 64 bits". */
gint64 cp_options_parse_int_full(const char *text, gint64 min, gint64 max,
                                 const char *what, const char *why);

/* text as a message may show it: cut to CP_OPTIONS_QUOTE_MAX characters
 * with "…", and any byte that is not printable UTF-8 written as \xNN.
 * The string stays valid until the program ends. */
#define CP_OPTIONS_QUOTE_MAX 60
const char *cp_options_quote(const char *text);

/* TRUE if text reads as a number, as Python's float() reads it. */
gboolean cp_options_is_number(const char *text);

/* Parse a double as Python's float() does: "2.5", "-1e3", "2.5e-310" (a
 * subnormal), "nan", "inf", "-inf", "1e400" (inf, as in Python); anything
 * else fails with a message naming `what` and the text. */
double cp_options_parse_float(const char *text, const char *what);

/* The same, but not nan, and in [min, max]. */
double cp_options_parse_double(const char *text, double min, double max,
                               const char *what);

/* The random generator behind a --seed=N option: seeded with N
 * (0..4294967295) so that a run can be repeated, or with a new seed each
 * run (from /dev/urandom, or the time) when `seed_text` is NULL.  A bad N
 * fails as cp_options_parse_int() does, naming --seed.  g_rand_free() it. */
GRand *cp_options_rand_new(const char *seed_text);

#endif
