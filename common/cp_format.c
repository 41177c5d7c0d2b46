/* SPDX-License-Identifier: 0BSD */
#define _POSIX_C_SOURCE 200809L

#include "cp_format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
cp_format_double(double x)
{
    char digits[32], *mantissa_end;
    int precision, exponent;
    GString *out;

    if (isnan(x))
        return g_strdup("nan");
    if (isinf(x))
        return g_strdup(x > 0 ? "inf" : "-inf");

    /* The shortest %.*e that reads back to x gives repr's digits. */
    for (precision = 0; precision < 17; precision++) {
        snprintf(digits, sizeof digits, "%.*e", precision, x);
        if (strtod(digits, NULL) == x)
            break;
    }
    mantissa_end = strchr(digits, 'e');
    exponent = atoi(mantissa_end + 1);
    *mantissa_end = '\0';

    out = g_string_new(NULL);
    if (digits[0] == '-') {
        g_string_append_c(out, '-');
        memmove(digits, digits + 1, strlen(digits));
    }
    /* digits is now "d" or "d.ddd": keep the bare significant digits. */
    if (digits[1] == '.')
        memmove(digits + 1, digits + 2, strlen(digits + 2) + 1);

    /* Python's repr switches to exponent form below 1e-4 and from 1e16. */
    if (exponent < -4 || exponent >= 16) {
        g_string_append_c(out, digits[0]);
        if (digits[1] != '\0')
            g_string_append_printf(out, ".%s", digits + 1);
        g_string_append_printf(out, "e%c%02d", exponent < 0 ? '-' : '+', abs(exponent));
    } else if (exponent < 0) {
        g_string_append(out, "0.");
        for (int i = -1; i > exponent; i--)
            g_string_append_c(out, '0');
        g_string_append(out, digits);
    } else {
        int n = (int) strlen(digits);

        for (int i = 0; i <= exponent; i++)
            g_string_append_c(out, i < n ? digits[i] : '0');
        g_string_append_c(out, '.');
        g_string_append(out, exponent + 1 < n ? digits + exponent + 1 : "0");
    }
    return g_string_free(out, FALSE);
}

char *
cp_format_int_list(const gint64 *values, gsize n)
{
    GString *out = g_string_new("[");

    for (gsize i = 0; i < n; i++)
        g_string_append_printf(out, "%s%" G_GINT64_FORMAT, i ? ", " : "", values[i]);
    g_string_append_c(out, ']');
    return g_string_free(out, FALSE);
}

char *
cp_format_double_list(const double *values, gsize n)
{
    GString *out = g_string_new("[");

    for (gsize i = 0; i < n; i++) {
        char *text = cp_format_double(values[i]);

        g_string_append_printf(out, "%s%s", i ? ", " : "", text);
        g_free(text);
    }
    g_string_append_c(out, ']');
    return g_string_free(out, FALSE);
}

char *
cp_format_str_list(const char *const *values, gsize n)
{
    GString *out = g_string_new("[");

    for (gsize i = 0; i < n; i++)
        g_string_append_printf(out, "%s'%s'", i ? ", " : "", values[i]);
    g_string_append_c(out, ']');
    return g_string_free(out, FALSE);
}

void
cp_print_int_list(const char *label, const gint64 *values, gsize n)
{
    char *text = cp_format_int_list(values, n);

    printf("%s%s\n", label, text);
    g_free(text);
}

void
cp_print_double_list(const char *label, const double *values, gsize n)
{
    char *text = cp_format_double_list(values, n);

    printf("%s%s\n", label, text);
    g_free(text);
}
