/* SPDX-License-Identifier: 0BSD */
/* timeline.c: draw a trace of a conpar program as a timeline, one row per
 * thread or process, one character per slice of time.
 *
 * Every example can write what its threads and processes did with
 * --trace=FILE: when each one started and ended, and when it waited for a
 * lock, held one, waited on a queue, slept (a simulated wait), ran a pool
 * task or an event-loop callback.  The file is a JSON array in Chrome's
 * Trace Event Format, which trace viewers open as it is; this program
 * reads it with json-glib and draws it in the terminal, in lesson seconds
 * (the run's --time-scale undone), and with --svg also as an image.
 *
 * Each column shows the state that took most of its slice of time, of
 * the time the row was alive (a thread that lived a moment still shows):
 *
 *   =  running (alive, in no span)    L  waiting for a lock
 *   #  holding a lock                 W  waiting on a condition variable
 *   z  sleeping (a simulated wait)    Q  blocked on a queue (put or get)
 *   C  running an event-loop callback T  running a pool task
 *      (blank) not alive
 *
 * Where spans nest (a sleep inside a lock hold), the innermost one, the
 * last to start, is the state.  A column that two states share equally
 * shows the first of L W Q z # C T =: waiting is what the chart is for.
 *
 * Usage:   timeline [--width=N] [--svg=FILE] [-v] TRACE
 *          (make timeline traces seven examples and draws each one)
 *
 * Look for: one row of '#' while the others show 'L' (a lock serializes
 * them: sync/even_odd_lock); a producer's 'Q' when the queue is full
 * (queues/producer_consumer); workers' 'z' side by side, the waits
 * overlapped (pools/fetch_pool); callbacks 'C' taking turns on one thread
 * (async/gather).  -v adds each row's time in each state and how many
 * events were read, drawn and skipped.
 *
 * What it accepts: a B/E pair of cat "life" makes a row alive from B to E
 * (a B without E lasts to the end of the trace; an E without B is
 * ignored); a row with no life events is alive from its first span to its
 * last.  An element that is not an object with a "ph", and an event it
 * would draw that lacks ts, pid or tid (or dur, for X), or has one of the
 * wrong type or negative, is skipped and counted (-v); events of other
 * kinds, and unknown cats, are ignored.  A trace cut short (no final ']', as
 * a killed program leaves it) is read as if it had one.  A file that
 * cannot be read, is not a JSON array, or has nothing to draw is bad
 * input: one line on stderr, exit status 2.
 *
 * See also: sync/even_odd_lock.c, pools/fetch_pool.c, async/gather.c.
 *
 * Build alone: cc -std=c11 timeline.c $(pkg-config --cflags --libs conpar json-glib-1.0)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cp_options.h"

#define LABEL_MAX 20        /* characters of a row's label, at most */
#define LINE_MAX_COLS 79    /* a line that fits an 80-column terminal */

typedef enum { NONE, RUN, HOLD, LOCK, COND, QUEUE, SLEEP, TASK, CALLBACK, N_STATES } State;

static const struct {
    char mark;
    const char *name;       /* in the legend and in -v */
    const char *colour;     /* in the SVG */
} states[N_STATES] = {
    [NONE] = { ' ', "not alive", NULL },
    [RUN] = { '=', "running", "#66bb6a" },
    [HOLD] = { '#', "holding a lock", "#e53935" },
    [LOCK] = { 'L', "waiting for a lock", "#fb8c00" },
    [COND] = { 'W', "waiting on a condition", "#fdd835" },
    [QUEUE] = { 'Q', "blocked on a queue", "#00acc1" },
    [SLEEP] = { 'z', "sleeping", "#b0bec5" },
    [TASK] = { 'T', "running a task", "#3949ab" },
    [CALLBACK] = { 'C', "running a callback", "#8e24aa" },
};
/* Who wins a column two states share equally. */
static const State tie_order[N_STATES] = { LOCK, COND, QUEUE, SLEEP, HOLD, CALLBACK, TASK, RUN, NONE };
/* The order of the legend and of -v. */
static const State legend_order[N_STATES - 1] = { RUN, HOLD, LOCK, COND, QUEUE, SLEEP, TASK, CALLBACK };

typedef struct {
    double start, end;      /* microseconds from the trace's start */
    State state;
    guint seq;              /* its place in the file: a later span is inner */
} Span;

typedef struct {
    gint64 pid, tid;
    guint pid_order;        /* when its pid first appeared */
    char *label;
    GArray *spans;          /* Span */
    GArray *lives;          /* Span, state RUN: from a B to its E */
    int open;               /* B events not yet ended */
    double open_since;
    GArray *segments;       /* Span: the state at every instant, in order */
    double seconds[N_STATES];   /* lesson seconds in each state */
} Row;

typedef struct {
    char *program;
    double time_scale;      /* lesson seconds = ts / 1e6 / time_scale */
    double end;             /* microseconds: the end of the last event */
    GPtrArray *rows;        /* Row, in the chart's order */
    guint read, drawn, skipped;
} Trace;

/* ---------------------------------------------------------------- reading */

static char *
read_file(const char *path, gsize *length)
{
    FILE *file = fopen(path, "rb");
    GString *text = g_string_new(NULL);
    char buffer[65536];
    size_t n;

    if (file == NULL)
        cp_options_fail("cannot read '%s': %s", cp_options_quote(path), g_strerror(errno));
    while ((n = fread(buffer, 1, sizeof buffer, file)) > 0)
        g_string_append_len(text, buffer, (gssize) n);
    if (ferror(file))   /* a directory: EISDIR */
        cp_options_fail("cannot read '%s': %s", cp_options_quote(path), g_strerror(errno));
    if (fclose(file) != 0)
        cp_options_fail("cannot read '%s': %s", cp_options_quote(path), g_strerror(errno));
    *length = text->len;
    return g_string_free(text, FALSE);
}

/* A program killed while tracing leaves no final ']', maybe a trailing
 * comma; trace viewers read it anyway, and so does this. */
static JsonParser *
parse(const char *path)
{
    gsize length;
    char *text = read_file(path, &length);
    JsonParser *parser = json_parser_new();
    GError *error = NULL;

    if (!json_parser_load_from_data(parser, text, (gssize) length, &error)) {
        GString *closed = g_string_new_len(text, (gssize) length);
        GError *again = NULL;

        while (closed->len > 0 && (g_ascii_isspace(closed->str[closed->len - 1])
                                   || closed->str[closed->len - 1] == ','))
            g_string_truncate(closed, closed->len - 1);
        g_string_append(closed, "\n]");
        if (json_parser_load_from_data(parser, closed->str, (gssize) closed->len, &again)) {
            g_clear_error(&error);
        } else {
            int line, column, at = 0;

            /* "<data>:3:0: Parse error: unexpected end of file, ...":
             * json-glib's name for the text, its place, then the words. */
            if (sscanf(error->message, "<data>:%d:%d: Parse error: %n", &line, &column, &at) == 2
                && at > 0)
                cp_options_fail("'%s' is not JSON: line %d: %s", cp_options_quote(path), line,
                                cp_options_quote(error->message + at));
            cp_options_fail("'%s' is not JSON: %s", cp_options_quote(path),
                            cp_options_quote(error->message));
        }
        g_string_free(closed, TRUE);
    }
    g_free(text);
    return parser;
}

static const char *
string_member(JsonObject *object, const char *name)
{
    JsonNode *node = object ? json_object_get_member(object, name) : NULL;

    if (node == NULL || !JSON_NODE_HOLDS_VALUE(node)
        || json_node_get_value_type(node) != G_TYPE_STRING)
        return NULL;
    return json_node_get_string(node);
}

static JsonObject *
object_member(JsonObject *object, const char *name)
{
    JsonNode *node = json_object_get_member(object, name);

    return node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

/* A number, integer or not, finite and not negative. */
static gboolean
time_member(JsonObject *object, const char *name, double *value)
{
    JsonNode *node = json_object_get_member(object, name);

    if (node == NULL || !JSON_NODE_HOLDS_VALUE(node))
        return FALSE;
    if (json_node_get_value_type(node) == G_TYPE_INT64)
        *value = (double) json_node_get_int(node);
    else if (json_node_get_value_type(node) == G_TYPE_DOUBLE)
        *value = json_node_get_double(node);
    else
        return FALSE;
    return isfinite(*value) && *value >= 0;
}

static gboolean
int_member(JsonObject *object, const char *name, gint64 *value)
{
    JsonNode *node = json_object_get_member(object, name);

    if (node == NULL || !JSON_NODE_HOLDS_VALUE(node)
        || json_node_get_value_type(node) != G_TYPE_INT64)
        return FALSE;
    *value = json_node_get_int(node);
    return TRUE;
}

static char *
row_key(gint64 pid, gint64 tid)
{
    return g_strdup_printf("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, pid, tid);
}

static Row *
row_of(GHashTable *rows, GHashTable *pid_orders, gint64 pid, gint64 tid)
{
    char *key = row_key(pid, tid);
    Row *row = g_hash_table_lookup(rows, key);

    if (row == NULL) {
        char *pid_key = row_key(pid, 0);

        if (!g_hash_table_contains(pid_orders, pid_key))
            g_hash_table_insert(pid_orders, g_strdup(pid_key),
                                GUINT_TO_POINTER(g_hash_table_size(pid_orders)));
        row = g_new0(Row, 1);
        row->pid = pid;
        row->tid = tid;
        row->pid_order = GPOINTER_TO_UINT(g_hash_table_lookup(pid_orders, pid_key));
        row->spans = g_array_new(FALSE, FALSE, sizeof(Span));
        row->lives = g_array_new(FALSE, FALSE, sizeof(Span));
        row->segments = g_array_new(FALSE, FALSE, sizeof(Span));
        g_hash_table_insert(rows, g_strdup(key), row);
        g_free(pid_key);
    }
    g_free(key);
    return row;
}

static State
state_of_cat(const char *cat)
{
    static const struct { const char *cat; State state; } cats[] = {
        { "lock_wait", LOCK }, { "lock_hold", HOLD }, { "cond_wait", COND }, { "queue_wait", QUEUE },
        { "sleep", SLEEP }, { "task", TASK }, { "callback", CALLBACK },
    };

    for (gsize i = 0; cat && i < G_N_ELEMENTS(cats); i++)
        if (strcmp(cat, cats[i].cat) == 0)
            return cats[i].state;
    return NONE;
}

/* Keep what a label shows printable: a name comes from the traced program. */
static char *
printable(const char *name, glong max_chars)
{
    GString *out = g_string_new(NULL);
    glong chars = 0;

    for (const char *p = name; *p && chars < max_chars; p = g_utf8_next_char(p), chars++) {
        gunichar c = g_utf8_get_char(p);

        if (chars == max_chars - 1 && g_utf8_strlen(p, -1) > 1) {
            g_string_append(out, "\u2026");
            break;
        }
        if (g_unichar_isprint(c))
            g_string_append_unichar(out, c);
        else
            g_string_append_c(out, '?');
    }
    return g_string_free(out, FALSE);
}

/* Rows in the chart's order: by when their pid first appeared, then tid. */
static gint
compare_rows(gconstpointer a, gconstpointer b)
{
    const Row *x = *(Row *const *) a, *y = *(Row *const *) b;

    if (x->pid_order != y->pid_order)
        return x->pid_order < y->pid_order ? -1 : 1;
    return (x->tid > y->tid) - (x->tid < y->tid);
}

static void
name_rows(Trace *trace, GHashTable *process_names, GHashTable *thread_names,
          GHashTable *life_names)
{
    gint64 first_pid = ((Row *) trace->rows->pdata[0])->pid;

    for (guint i = 0; i < trace->rows->len; i++) {
        Row *row = trace->rows->pdata[i];
        char *key = row_key(row->pid, row->tid), *pid_key = row_key(row->pid, 0);
        const char *thread = g_hash_table_lookup(thread_names, key);
        const char *process = g_hash_table_lookup(process_names, pid_key);
        const char *life = g_hash_table_lookup(life_names, key);
        char *label;

        if (row->pid != first_pid && process && row->tid == 1)
            label = g_strdup(process);          /* a child process: "Process-1" */
        else if (row->pid != first_pid && process && (thread || life))
            label = g_strdup_printf("%s/%s", process, thread ? thread : life);
        else if (thread)
            label = g_strdup(thread);
        else if (row->tid == 1 && process)
            label = g_strdup(process);
        else if (life)
            label = g_strdup(life);
        else
            label = g_strdup_printf("pid %" G_GINT64_FORMAT " tid %" G_GINT64_FORMAT,
                                    row->pid, row->tid);
        row->label = printable(label, 200);
        g_free(label);
        g_free(pid_key);
        g_free(key);
    }
}

static void
read_trace(const char *path, Trace *trace)
{
    JsonParser *parser = parse(path);
    JsonNode *root = json_parser_get_root(parser);
    GHashTable *rows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTable *pid_orders = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTable *process_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GHashTable *thread_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GHashTable *life_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    gboolean have_meta = FALSE;
    JsonArray *events;

    if (root == NULL)
        cp_options_fail("'%s' is empty: a trace is a JSON array of events",
                        cp_options_quote(path));
    if (!JSON_NODE_HOLDS_ARRAY(root))
        cp_options_fail("'%s' is not a trace: a JSON %s, not an array of events",
                        cp_options_quote(path), JSON_NODE_HOLDS_OBJECT(root) ? "object" : "value");
    events = json_node_get_array(root);
    trace->read = json_array_get_length(events);
    trace->time_scale = 1;
    if (trace->read == 0)
        cp_options_fail("'%s' is not a trace: an empty array", cp_options_quote(path));

    for (guint i = 0; i < trace->read; i++) {
        JsonNode *node = json_array_get_element(events, i);
        JsonObject *event = JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
        const char *ph = event ? string_member(event, "ph") : NULL;
        const char *name = event ? string_member(event, "name") : NULL;
        const char *cat = event ? string_member(event, "cat") : NULL;
        double ts, dur = 0;
        gint64 pid, tid;
        State state = NONE;
        Row *row;

        if (ph == NULL) {
            trace->skipped++;
            continue;
        }
        if (strcmp(ph, "M") == 0 && g_strcmp0(name, "process_name") == 0) {
            const char *value = string_member(object_member(event, "args"), "name");

            if (value && int_member(event, "pid", &pid))
                g_hash_table_insert(process_names, row_key(pid, 0), g_strdup(value));
            else
                trace->skipped++;
            continue;
        }
        if (strcmp(ph, "M") == 0 && g_strcmp0(name, "thread_name") == 0) {
            const char *value = string_member(object_member(event, "args"), "name");

            if (value && int_member(event, "pid", &pid) && int_member(event, "tid", &tid))
                g_hash_table_insert(thread_names, row_key(pid, tid), g_strdup(value));
            else
                trace->skipped++;
            continue;
        }
        if (strcmp(ph, "i") == 0 && g_strcmp0(name, "conpar") == 0
            && g_strcmp0(cat, "meta") == 0 && !have_meta) {
            JsonObject *args = object_member(event, "args");
            const char *program = string_member(args, "program");
            double scale;

            have_meta = TRUE;
            if (program)
                trace->program = printable(program, 200);
            if (args && json_object_has_member(args, "time_scale")) {
                if (time_member(args, "time_scale", &scale) && scale > 0)
                    trace->time_scale = scale;
                else
                    trace->skipped++;
            }
            continue;
        }
        if (strcmp(ph, "X") == 0)
            state = state_of_cat(cat);
        if (state == NONE && !((strcmp(ph, "B") == 0 || strcmp(ph, "E") == 0)
                               && g_strcmp0(cat, "life") == 0))
            continue;       /* not something the chart draws */
        if (!time_member(event, "ts", &ts) || !int_member(event, "pid", &pid)
            || !int_member(event, "tid", &tid) || (state != NONE && !time_member(event, "dur", &dur))) {
            trace->skipped++;
            continue;
        }

        if (ph[0] == 'E') {     /* an E without a B is ignored */
            char *key = row_key(pid, tid);

            row = g_hash_table_lookup(rows, key);
            g_free(key);
            if (row == NULL || row->open == 0)
                continue;
        }
        row = row_of(rows, pid_orders, pid, tid);
        trace->drawn++;
        trace->end = MAX(trace->end, ts + dur);
        if (state != NONE) {
            Span span = { ts, ts + dur, state, i };

            g_array_append_val(row->spans, span);
        } else if (ph[0] == 'B') {
            char *key = row_key(pid, tid);

            if (row->open++ == 0)
                row->open_since = ts;
            if (name && !g_hash_table_contains(life_names, key))   /* the first B names it */
                g_hash_table_insert(life_names, key, g_strdup(name));
            else
                g_free(key);
        } else if (--row->open == 0) {
            Span life = { row->open_since, MAX(ts, row->open_since), RUN, i };

            g_array_append_val(row->lives, life);
        }
    }

    if (g_hash_table_size(rows) == 0)
        cp_options_fail("'%s' has nothing to draw: no life span or X event of a known cat",
                        cp_options_quote(path));
    if (trace->end <= 0)
        cp_options_fail("'%s' has nothing to draw: every event is at time 0",
                        cp_options_quote(path));
    trace->rows = g_ptr_array_new();
    {
        GHashTableIter iter;
        gpointer row;

        g_hash_table_iter_init(&iter, rows);
        while (g_hash_table_iter_next(&iter, NULL, &row))
            g_ptr_array_add(trace->rows, row);
    }
    g_ptr_array_sort(trace->rows, compare_rows);
    for (guint i = 0; i < trace->rows->len; i++) {
        Row *r = trace->rows->pdata[i];

        if (r->open > 0) {      /* a B without E lasts to the end */
            Span life = { r->open_since, trace->end, RUN, trace->read };

            g_array_append_val(r->lives, life);
        }
    }
    name_rows(trace, process_names, thread_names, life_names);
    if (trace->program == NULL) {
        char *pid_key = row_key(((Row *) trace->rows->pdata[0])->pid, 0);
        const char *process = g_hash_table_lookup(process_names, pid_key);

        trace->program = printable(process ? process : "trace", 200);
        g_free(pid_key);
    }
    g_hash_table_destroy(life_names);
    g_hash_table_destroy(thread_names);
    g_hash_table_destroy(process_names);
    g_hash_table_destroy(pid_orders);
    g_hash_table_destroy(rows);
    g_object_unref(parser);
}

static void
free_trace(Trace *trace)
{
    for (guint i = 0; i < trace->rows->len; i++) {
        Row *row = trace->rows->pdata[i];

        g_array_free(row->segments, TRUE);
        g_array_free(row->lives, TRUE);
        g_array_free(row->spans, TRUE);
        g_free(row->label);
        g_free(row);
    }
    g_ptr_array_free(trace->rows, TRUE);
    g_free(trace->program);
}

/* ------------------------------------------------------------- the states */

static gint
compare_doubles(gconstpointer a, gconstpointer b)
{
    double x = *(const double *) a, y = *(const double *) b;

    return (x > y) - (x < y);
}

static gint
compare_starts(gconstpointer a, gconstpointer b)
{
    const Span *x = a, *y = b;

    return (x->start > y->start) - (x->start < y->start);
}

/* Of two spans that both cover an instant, the inner one: the later to
 * start, else the sooner to end, else the later in the file. */
static gboolean
inner(const Span *a, const Span *b)
{
    if (a->start != b->start)
        return a->start > b->start;
    if (a->end != b->end)
        return a->end < b->end;
    return a->seq > b->seq;
}

/* The row's state at every instant of [0, end], as segments in order:
 * between two neighbouring boundaries (a span's or a life's start or end)
 * nothing changes, so one look at the spans covering each piece will do. */
static void
compute_segments(Row *row, double end, double time_scale)
{
    GArray *cuts = g_array_new(FALSE, FALSE, sizeof(double));
    GPtrArray *active = g_ptr_array_new();
    guint next_span = 0, next_life = 0;
    double zero = 0;

    if (row->lives->len == 0 && row->spans->len > 0) {
        Span life = { G_MAXDOUBLE, 0, RUN, 0 };     /* from its first span to its last */

        for (guint i = 0; i < row->spans->len; i++) {
            life.start = MIN(life.start, g_array_index(row->spans, Span, i).start);
            life.end = MAX(life.end, g_array_index(row->spans, Span, i).end);
        }
        g_array_append_val(row->lives, life);
    }
    g_array_sort(row->spans, compare_starts);
    g_array_sort(row->lives, compare_starts);
    g_array_append_val(cuts, zero);
    g_array_append_val(cuts, end);
    for (guint i = 0; i < row->spans->len; i++) {
        g_array_append_val(cuts, g_array_index(row->spans, Span, i).start);
        g_array_append_val(cuts, g_array_index(row->spans, Span, i).end);
    }
    for (guint i = 0; i < row->lives->len; i++) {
        g_array_append_val(cuts, g_array_index(row->lives, Span, i).start);
        g_array_append_val(cuts, g_array_index(row->lives, Span, i).end);
    }
    g_array_sort(cuts, compare_doubles);

    for (guint c = 0; c + 1 < cuts->len; c++) {
        double a = g_array_index(cuts, double, c), b = g_array_index(cuts, double, c + 1);
        Span piece = { a, b, NONE, 0 };
        const Span *best = NULL;

        if (b <= a)
            continue;
        while (next_span < row->spans->len && g_array_index(row->spans, Span, next_span).start <= a)
            g_ptr_array_add(active, &g_array_index(row->spans, Span, next_span++));
        for (guint i = active->len; i-- > 0;) {
            const Span *span = active->pdata[i];

            if (span->end <= a)
                g_ptr_array_remove_index(active, i);
            else if (best == NULL || inner(span, best))
                best = span;
        }
        while (next_life < row->lives->len && g_array_index(row->lives, Span, next_life).end <= a)
            next_life++;
        /* Lives do not overlap (a B inside a life is part of it), so the
         * first one not over yet is the only one that may cover a. */
        if (best)
            piece.state = best->state;
        else if (next_life < row->lives->len && g_array_index(row->lives, Span, next_life).start <= a)
            piece.state = RUN;

        row->seconds[piece.state] += (b - a) / 1e6 / time_scale;
        if (row->segments->len > 0
            && g_array_index(row->segments, Span, row->segments->len - 1).state == piece.state)
            g_array_index(row->segments, Span, row->segments->len - 1).end = b;
        else
            g_array_append_val(row->segments, piece);
    }
    g_ptr_array_free(active, TRUE);
    g_array_free(cuts, TRUE);
}

/* Each column: the state that covers most of its slice of time, of the
 * time the row was alive. */
static char *
draw_row(const Row *row, double end, int width, gboolean used[N_STATES])
{
    char *line = g_malloc((gsize) width + 1);
    guint s = 0;

    for (int c = 0; c < width; c++) {
        double from = end * c / width, to = end * (c + 1) / width;
        double covered[N_STATES] = { 0 };
        State winner = tie_order[0];

        while (s < row->segments->len && g_array_index(row->segments, Span, s).end <= from)
            s++;
        for (guint k = s; k < row->segments->len; k++) {
            const Span *seg = &g_array_index(row->segments, Span, k);

            if (seg->start >= to)
                break;
            covered[seg->state] += MIN(seg->end, to) - MAX(seg->start, from);
        }
        /* A state must cover more to win over one earlier in tie_order;
         * rounding must not break a tie, so within a billionth is equal.
         * A row alive for any part of the column shows how it spent it:
         * a thread that lived a moment still gets its mark. */
        for (int i = 1; i < N_STATES; i++)
            if (tie_order[i] != NONE
                && covered[tie_order[i]] > covered[winner] + (to - from) * 1e-9)
                winner = tie_order[i];
        if (!(covered[winner] > 0))
            winner = NONE;
        line[c] = states[winner].mark;
        used[winner] = TRUE;
    }
    line[width] = '\0';
    return line;
}

/* ----------------------------------------------------------- the time axis */

/* The tick step in lesson seconds: the smallest 1, 2 or 5 times a power of
 * ten whose ticks stand far enough apart on a `length`-long axis for their
 * labels (`unit_per_char` each character, plus `margin`), and no more than
 * about eight of them.  *decimals: the digits a tick's label needs. */
static double
tick_step(double seconds, double length, double unit_per_char, double margin, int *decimals)
{
    for (int exponent = -6; exponent < 12; exponent++)
        for (int m = 1; m <= 5; m += (m == 1 ? 1 : 3)) {
            double step = m * pow(10, exponent);
            int digits = exponent < 0 ? -exponent : 0;
            char *last = g_strdup_printf("%.*f", digits, floor(seconds / step) * step);
            double need = MAX((double) strlen(last) * unit_per_char + margin, length / 8);

            g_free(last);
            if (step / seconds * length >= need) {
                *decimals = digits;
                return step;
            }
        }
    *decimals = 0;
    return seconds;
}

static int
count_ticks(double seconds, double step)
{
    return (int) floor(seconds / step * (1 + 1e-9)) + 1;
}

/* ------------------------------------------------------------------ output */

/* Digits enough for a thousandth of the trace, and at least two:
 * "1.25 s" for a lesson's run, "0.0015 s" for a run of 10 ms. */
static int
decimals_for(double seconds)
{
    return MAX(2, 2 - (int) floor(log10(seconds)));
}

static glong
label_width(const Trace *trace)
{
    glong most = 1;

    for (guint i = 0; i < trace->rows->len; i++)
        most = MAX(most, MIN(g_utf8_strlen(((Row *) trace->rows->pdata[i])->label, -1), LABEL_MAX));
    return most;
}

static void
print_padded(const char *label, glong width)
{
    char *shown = printable(label, LABEL_MAX);

    printf("%s%*s", shown, (int) (width - g_utf8_strlen(shown, -1)), "");
    g_free(shown);
}

static void
print_chart(const Trace *trace, int width)
{
    double seconds = trace->end / 1e6 / trace->time_scale;
    glong label_cols = label_width(trace);
    gboolean used[N_STATES] = { FALSE };
    int decimals, ticks;
    double step = tick_step(seconds, width, 1, 3, &decimals);
    char *ruler = g_malloc((gsize) width + 3);
    GString *labels = g_string_new(NULL), *legend = g_string_new("Legend:");
    glong cols = (glong) strlen("Legend:");
    const char *separator = " ";
    int free_col = -(int) label_cols - 1;  /* the first label may reach under the labels */

    printf("%s: %u row%s over %.*f lesson seconds (time scale %g)\n", trace->program,
           trace->rows->len, trace->rows->len == 1 ? "" : "s", decimals_for(seconds), seconds,
           trace->time_scale);
    for (guint i = 0; i < trace->rows->len; i++) {
        char *line = draw_row(trace->rows->pdata[i], trace->end, width, used);

        print_padded(((Row *) trace->rows->pdata[i])->label, label_cols);
        printf(" |%s|\n", line);
        g_free(line);
    }

    /* The ruler's first and last characters stand under the chart's
     * borders, at 0 and at the end; a tick at the boundary between two
     * columns marks the column to its left. */
    memset(ruler, '-', (gsize) width + 2);
    ruler[width + 2] = '\0';
    ticks = count_ticks(seconds, step);
    for (int t = 0; t < ticks; t++) {
        int boundary = (int) lround(t * step / seconds * width);
        int at = boundary >= width ? width + 1 : boundary;
        char *text = g_strdup_printf("%.*f", decimals, t * step);
        int len = (int) strlen(text);
        int start = MIN(at - (len - 1) / 2, width + 2 - len);  /* centred, within the line */

        ruler[at] = '+';
        if (start >= free_col) {    /* labels is indented by label_cols + 1 */
            g_string_append_printf(labels, "%*s%s",
                                   start + (int) label_cols + 1 - (int) labels->len, "", text);
            free_col = start + len + 1;
        }
        g_free(text);
    }
    printf("%*s %s\n", (int) label_cols, "", ruler);
    printf("%s\n", labels->str);

    for (int i = 0; i < N_STATES; i++) {
        State state = i < N_STATES - 1 ? legend_order[i] : NONE;
        char *item;

        if (!used[state])
            continue;
        item = state == NONE ? g_strdup("(blank) not alive")
                             : g_strdup_printf("%c %s", states[state].mark, states[state].name);
        /* Items after one space, two between them; a wrapped line starts
         * under the first. */
        if (cols + (glong) strlen(separator) + (glong) strlen(item) > LINE_MAX_COLS) {
            g_string_append(legend, "\n       ");
            cols = (glong) strlen("Legend:");
            separator = " ";
        }
        g_string_append_printf(legend, "%s%s", separator, item);
        cols += (glong) (strlen(separator) + strlen(item));
        separator = "  ";
        g_free(item);
    }
    printf("%s\n", legend->str);
    g_string_free(legend, TRUE);
    g_string_free(labels, TRUE);
    g_free(ruler);
}

static void
print_figures(const Trace *trace)
{
    int decimals = decimals_for(trace->end / 1e6 / trace->time_scale);

    for (guint i = 0; i < trace->rows->len; i++) {
        const Row *row = trace->rows->pdata[i];
        const char *separator = ": ";

        printf("%s", row->label);
        for (int s = 0; s < N_STATES - 1; s++)
            if (row->seconds[legend_order[s]] > 0) {
                printf("%s%s %.*f s", separator, states[legend_order[s]].name, decimals,
                       row->seconds[legend_order[s]]);
                separator = ", ";
            }
        printf("\n");
    }
    printf("Events: %u read, %u drawn, %u skipped (a field missing or of the wrong type)\n",
           trace->read, trace->drawn, trace->skipped);
}

/* The same chart as an image: a rectangle per segment, at full resolution. */
static void
write_svg(const Trace *trace, const char *path)
{
    const double char_w = 7.2, row_h = 22, bar_h = 16, plot_w = 800, top = 40;
    double seconds = trace->end / 1e6 / trace->time_scale;
    double left = 20 + (double) label_width(trace) * char_w;
    double axis_y = top + row_h * trace->rows->len + 4, legend_y = axis_y + 58, x;
    gboolean used[N_STATES] = { FALSE };
    GString *svg = g_string_new(NULL), *body = g_string_new(NULL);
    GError *error = NULL;
    int decimals, ticks;
    double step = tick_step(seconds, plot_w, char_w, 40, &decimals);
    char *text;

    for (guint i = 0; i < trace->rows->len; i++) {
        const Row *row = trace->rows->pdata[i];
        double y = top + row_h * i;
        char *label = printable(row->label, LABEL_MAX);

        text = g_markup_printf_escaped("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                                       left - 8, y + row_h / 2 + 4, label);
        g_string_append(body, text);
        g_free(text);
        g_free(label);
        for (guint k = 0; k < row->segments->len; k++) {
            const Span *seg = &g_array_index(row->segments, Span, k);

            if (seg->state == NONE)
                continue;
            used[seg->state] = TRUE;
            /* g_markup_printf_escaped() cannot take a precision as an
             * argument (%.*f): escape the name alone. */
            text = g_markup_escape_text(row->label, -1);
            g_string_append_printf(body, "<rect x=\"%.3f\" y=\"%.1f\" width=\"%.3f\" "
                                   "height=\"%.1f\" fill=\"%s\"><title>%s: %s from %.*f s "
                                   "to %.*f s</title></rect>\n",
                                   left + seg->start / trace->end * plot_w, y + (row_h - bar_h) / 2,
                                   (seg->end - seg->start) / trace->end * plot_w, bar_h,
                                   states[seg->state].colour, text, states[seg->state].name,
                                   decimals_for(seconds), seg->start / 1e6 / trace->time_scale,
                                   decimals_for(seconds), seg->end / 1e6 / trace->time_scale);
            g_free(text);
        }
    }

    g_string_append_printf(body, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                           "stroke=\"#444\"/>\n", left, axis_y, left + plot_w, axis_y);
    ticks = count_ticks(seconds, step);
    for (int t = 0; t < ticks; t++) {
        x = left + t * step / seconds * plot_w;
        g_string_append_printf(body, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                               "stroke=\"#444\"/>\n", x, axis_y, x, axis_y + 5);
        g_string_append_printf(body, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                               "%.*f</text>\n", x, axis_y + 18, decimals, t * step);
    }
    g_string_append_printf(body, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">"
                           "lesson seconds</text>\n", left + plot_w, axis_y + 34);

    x = left;
    for (int i = 0; i < N_STATES - 1; i++) {
        State state = legend_order[i];
        double item_w = 18 + (double) (2 + strlen(states[state].name)) * char_w + 18;

        if (!used[state])
            continue;
        if (x > left && x + item_w > left + plot_w) {
            x = left;
            legend_y += 20;
        }
        g_string_append_printf(body, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" "
                               "fill=\"%s\"/>\n<text x=\"%.1f\" y=\"%.1f\">%c %s</text>\n",
                               x, legend_y - 10, states[state].colour, x + 18, legend_y,
                               states[state].mark, states[state].name);
        x += item_w;
    }

    {
        double width = left + plot_w + 20, height = legend_y + 16;

        g_string_append_printf(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
                               "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                               "font-family=\"monospace\" font-size=\"12\">\n",
                               width, height, width, height);
        g_string_append_printf(svg, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" "
                               "fill=\"white\"/>\n", width, height);
    }
    text = g_markup_escape_text(trace->program, -1);
    g_string_append_printf(svg, "<text x=\"10\" y=\"24\" font-size=\"14\" font-weight=\"bold\">"
                           "%s: %u row%s over %.*f lesson seconds (time scale %g)</text>\n",
                           text, trace->rows->len, trace->rows->len == 1 ? "" : "s",
                           decimals_for(seconds), seconds, trace->time_scale);
    g_free(text);
    g_string_append(svg, body->str);
    g_string_append(svg, "</svg>\n");
    if (!g_file_set_contents(path, svg->str, (gssize) svg->len, &error)) {
        /* Not bad input: the system would not let us write. */
        fprintf(stderr, "%s: %s\n", g_get_prgname(), error->message);
        exit(1);
    }
    g_string_free(body, TRUE);
    g_string_free(svg, TRUE);
}

int
main(int argc, char *argv[])
{
    char *width_text = NULL, *svg_path = NULL;
    gboolean verbose = FALSE;
    int width = 0;          /* 0: not given */
    Trace trace = { 0 };
    GOptionEntry entries[] = {
        { "width", 0, 0, G_OPTION_ARG_STRING, &width_text,
          "Columns of the chart's time axis (10..1000; default: 72, fewer where "
          "long labels would make a line wider than 80 columns)", "N" },
        { "svg", 0, 0, G_OPTION_ARG_FILENAME, &svg_path,
          "Also draw the chart as an SVG image into FILE (default: none)", "FILE" },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
          "Also print each row's time in each state, and the events read", NULL },
        G_OPTION_ENTRY_NULL
    };

    cp_options_parse(&argc, &argv, &(CpOptions) {
        .inputs = "TRACE",
        .inputs_default = "none: TRACE is a file a program wrote with --trace=FILE",
        .summary = "Draw a trace of a conpar program as a timeline, one row per thread or process.",
        .entries = entries,
    });
    if (width_text)
        width = (int) cp_options_parse_int(width_text, 10, 1000, "--width");
    if (argc < 2)
        cp_options_fail("no TRACE given: the file a program wrote with --trace=FILE");
    if (argc > 2)
        cp_options_fail("one TRACE only, not also '%s'", cp_options_quote(argv[2]));

    read_trace(argv[1], &trace);
    for (guint i = 0; i < trace.rows->len; i++)
        compute_segments(trace.rows->pdata[i], trace.end, trace.time_scale);
    if (width == 0)     /* label, " |", the columns, "|": 80 at most */
        width = (int) MIN(72, LINE_MAX_COLS + 1 - label_width(&trace) - 3);
    print_chart(&trace, width);
    if (verbose)
        print_figures(&trace);
    if (svg_path)
        write_svg(&trace, svg_path);
    free_trace(&trace);
    g_free(width_text);
    g_free(svg_path);
    return 0;
}
