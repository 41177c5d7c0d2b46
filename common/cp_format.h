/* SPDX-License-Identifier: 0BSD */
/* cp_format.h: print values the way the Python lessons print them.
 *
 * Lists as Python prints them, "[1, 4, 9]", and floats as Python's repr()
 * does: the shortest text that reads back to the same double
 * (7.38905609893065, 20.085536923187668, 1e+16, 1e-05, 5.0, inf, nan).
 * Every function returns a new string: g_free() it.
 */
#ifndef CP_FORMAT_H
#define CP_FORMAT_H

#include <glib.h>

/* repr(x) of a Python float. */
char *cp_format_double(double x);

/* "[1, 4, 9]" */
char *cp_format_int_list(const gint64 *values, gsize n);

/* "[7.38905609893065, 20.085536923187668]" */
char *cp_format_double_list(const double *values, gsize n);

/* "['Item-0', 'Item-1']" (repr of a list of str; no escaping is needed for
 * the plain text conpar prints). */
char *cp_format_str_list(const char *const *values, gsize n);

/* Print "<label><list>\n" to stdout: cp_print_int_list("Results: ", v, 4)
 * prints "Results: [5050, 15050, 25050, 35050]". */
void cp_print_int_list(const char *label, const gint64 *values, gsize n);
void cp_print_double_list(const char *label, const double *values, gsize n);

#endif
