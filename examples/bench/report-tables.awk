# SPDX-License-Identifier: 0BSD
# report-tables.awk: one Markdown table per benchmark and section of make
# bench's figures, for the end of report.md.
#
# Usage (what bench-report.sh runs):
#     awk -f report-tables.awk all.csv
#
# Input: all.csv, the benchmarks' CSV rows under one header
#     benchmark,section,approach,workers,param,value,unit,min,max,speedup,cores
# Output: for each benchmark, in the order of its first row, a "## NAME"
# heading and a line on what it measures; for each of its sections a
# "### " heading and a table: a row per workers (or param), a column per
# approach, each cell "median ±half-spread (speedup)" in the unit that
# suits it (ms, µs, KiB, M/s: items per second).  Rows with more workers
# than cores are marked \*, with a note under the table.

function abs(x) { return x < 0 ? -x : x }
function num(x,    m) {         # about three significant digits
    m = abs(x)
    if (m >= 100) return sprintf("%.0f", x)
    if (m >= 10) return sprintf("%.1f", x)
    if (m >= 1) return sprintf("%.2f", x)
    if (m >= 0.1) return sprintf("%.3f", x)
    if (m >= 0.01) return sprintf("%.4f", x)
    if (m == 0) return "0"
    return sprintf("%.2g", x)
}
# x in unit, written in the unit that suits its size
function human(x, unit,    m) {
    m = abs(x)
    if (unit == "us") { x /= 1e6; m /= 1e6; unit = "s" }
    if (unit == "s") {
        if (m == 0 || m >= 1) return num(x) " s"
        if (m >= 1e-3) return num(x * 1e3) " ms"
        if (m >= 1e-6) return num(x * 1e6) " µs"
        return num(x * 1e9) " ns"
    }
    if (unit == "bytes") {
        if (m >= 1048576) return num(x / 1048576) " MiB"
        if (m >= 1024) return num(x / 1024) " KiB"
        return num(x) " bytes"
    }
    if (unit == "items/s") {
        if (m >= 1e9) return num(x / 1e9) " G/s"
        if (m >= 1e6) return num(x / 1e6) " M/s"
        if (m >= 1e3) return num(x / 1e3) " k/s"
        return num(x) " /s"
    }
    return num(x) " " unit
}
function approach(a) {
    if (a in aname) return aname[a]
    return a
}
# Names for the headings and columns; one not listed is printed as the CSV
# spells it, so a new approach or section shows up without an edit here.
BEGIN {
    FS = ","
    aname["sequential"] = "Sequential"; aname["threads"] = "Threads"
    aname["processes"] = "Processes"; aname["event_loop"] = "Event loop"
    aname["probe"] = "Probe (W copies)"; aname["openmp"] = "OpenMP"
    aname["global_lock"] = "Global lock"; aname["no_lock"] = "No lock"
    aname["gasyncqueue"] = "GAsyncQueue"; aname["pipe"] = "Pipe"
    aname["thread"] = "Thread"; aname["process"] = "Process"
    aname["executor"] = "Executor"; aname["procpool"] = "Process pool"
    sname["cpu"] = "CPU-bound"; sname["io"] = "I/O-bound"; sname["io_scale"] = "Event loop at scale"
    sname["io_scale_peak"] = "Event loop at scale: growth of the peak resident set"
    sname["memory"] = "Memory added"; sname["gil"] = "CPU-bound, with and without a global lock"
    sname["queue"] = "Queue throughput, items per second"; sname["spawn"] = "Start-up cost"
    about["concurrency_vs_parallelism"] = "Lesson 002 §1: simulated I/O waits and the CPU-bound sum, " \
        "in sequence, with threads and with processes."
    about["thread_vs_process"] = "Lessons 002 §3 and 004 §4: the CPU-bound sum split over W threads " \
        "and over W processes."
    about["loop_scale"] = "The event loop at scale: N concurrent one-second waits through cp_loop's " \
        "public API, as the async examples make them (a group of sleeps and a gather), timed " \
        "until the gather completes; and how much they grew the peak resident set."
    about["perf_compare"] = "Lesson 002 §5: CPU-bound and I/O-bound work for W workers in sequence, " \
        "with threads, with processes and on an event loop; the memory each adds; " \
        "many concurrent waits on one event loop."
    about["gil_demo"] = "What Python's Global Interpreter Lock does to CPU-bound threads, in C: " \
        "the same threads with one global lock taken around each step of work, and without it."
    about["queue_throughput"] = "Items per second through cp_queue, GLib's GAsyncQueue and a pipe " \
        "between threads; rows are producers×consumers@capacity."
    about["spawn_cost"] = "What starting one thread, one process, one executor round trip " \
        "and one process-pool task costs, and the memory each thread and process adds."
}
NR == 1 { next }
# Benchmarks, sections, approaches and rows are kept in the order they
# first appear: the tables follow the programs' own order.
{
    bs = $1 SUBSEP $2
    if (!($1 in bseen)) { bseen[$1] = 1; blist[++nb] = $1 }
    if (!(bs in sseen)) { sseen[bs] = 1; ns[$1]++; slist[$1, ns[$1]] = $2 }
    if (!((bs, $3) in aseen)) { aseen[bs, $3] = 1; na[bs]++; alist[bs, na[bs]] = $3 }
    r = $4 SUBSEP $5
    if (!((bs, r) in rseen)) {
        rseen[bs, r] = 1; nr[bs]++
        rw[bs, nr[bs]] = $4; rp[bs, nr[bs]] = $5; rc[bs, nr[bs]] = $11
    }
    if (!((bs, "w", $4) in seen)) { seen[bs, "w", $4] = 1; nw[bs]++ }
    if (!((bs, "p", $5) in seen)) { seen[bs, "p", $5] = 1; np[bs]++; par[bs] = $5 }
    k = bs SUBSEP r SUBSEP $3
    val[k] = $6; lo[k] = $8; hi[k] = $9; sp[k] = $10; un[k] = $7
}
END {
    for (i = 1; i <= nb; i++) {
        b = blist[i]
        printf "## %s\n\n", b
        if (b in about) printf "%s\n\n", about[b]
        for (j = 1; j <= ns[b]; j++) {
            s = slist[b, j]; bs = b SUBSEP s
            # Rows: by W when param is the same throughout (the
            # CPU-bound n: said once, in the heading), by param
            # when W is, else by both.
            by = "wp"
            if (np[bs] == 1 && (nw[bs] > 1 || par[bs] == "" || s == "cpu" || s == "gil")) by = "w"
            else if (nw[bs] == 1) by = "p"
            given = ""
            if (by == "w" && par[bs] != "")
                given = (s == "cpu" || s == "gil") ? ", n = " par[bs] : ", " par[bs]
            printf "### %s (`%s`)%s\n\n", (s in sname) ? sname[s] : s, s, given
            if (s == "queue") label = "Producers×consumers@capacity"
            else if (by == "w") label = "Workers"
            else if (s == "io_scale" || s == "io_scale_peak") label = "Concurrent tasks"
            else if (by == "p") label = "Case"
            else label = "Workers, case"
            printf "| %s |", label
            for (m = 1; m <= na[bs]; m++) printf " %s |", approach(alist[bs, m])
            printf "\n|---|"
            for (m = 1; m <= na[bs]; m++) printf "---:|"
            printf "\n"
            starred = 0
            for (q = 1; q <= nr[bs]; q++) {
                r = rw[bs, q] SUBSEP rp[bs, q]
                if (by == "w") row = rw[bs, q]
                else if (by == "p" || index(rp[bs, q], rw[bs, q] "x") == 1) row = rp[bs, q]
                else row = rw[bs, q] ", " rp[bs, q]
                # Only rows whose W workers run at once can have
                # more of them than cores (not memory, not spawn).
                if (rw[bs, q] + 0 > rc[bs, q] + 0 && (s == "cpu" || s == "io" || s == "gil" || s == "queue")) {
                    row = row "\\*"; starred = rc[bs, q]
                }
                printf "| %s |", row
                for (m = 1; m <= na[bs]; m++) {
                    k = bs SUBSEP r SUBSEP alist[bs, m]
                    if (!(k in val)) { printf " – |"; continue }
                    half = (hi[k] - lo[k]) / 2
                    cell = human(val[k], un[k]) " ±" (half == 0 ? "0" : human(half, un[k]))
                    if (sp[k] != "") cell = cell sprintf(" (%.2fx)", sp[k])
                    printf " %s |", cell
                }
                printf "\n"
            }
            if (starred && (s == "cpu" || s == "gil"))
                printf "\n\\* more workers than cores (%s): CPU-bound work cannot run faster than on all %s cores at once.\n", starred, starred
            else if (starred)
                printf "\n\\* more workers than cores (%s).\n", starred
            printf "\n"
        }
    }
}
