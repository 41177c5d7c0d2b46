#!/bin/sh
# SPDX-License-Identifier: 0BSD
# bench-plots.sh: draw make bench's plots from the figures in all.csv.
#
# Usage (make-bench.sh runs it after joining all.csv):
#     GNUPLOT=/usr/bin/gnuplot sh bench-plots.sh OUTDIR
#
# Reads OUTDIR/all.csv (every benchmark's rows under one header) and, for
# the GIL plot, OUTDIR/python/python.csv when `make bench-python` wrote it.
# Writes into OUTDIR, for each plot whose figures are there, its data and
# its picture (plots.gp says what each .dat holds):
#     speedup.dat, speedup.svg  CPU-bound speedup against workers
#     queue.dat, queue.svg      queue throughput by capacity
#     gil.dat, gil.svg          threads with and without one lock
#     loop.dat, loop.svg        the event loop at scale
# and plots.txt, what bench-report.sh says about the plots, a line each:
#     none                 GNUPLOT is empty: nothing drawn
#     speedup BENCHMARK    speedup.svg drawn, from that benchmark's rows
#     queue, gil, loop     that plot drawn
#     failed NAME.svg      gnuplot failed on it
# (empty when gnuplot ran but no plot had its figures).  It prints what it
# drew or skipped, and exits 1 when gnuplot failed on any plot.

set -eu

if [ $# -ne 1 ]; then
    echo "usage: bench-plots.sh OUTDIR" >&2
    exit 2
fi
out=$1
gnuplot=${GNUPLOT:-}
gp=$(dirname "$0")/plots.gp

rm -f "$out/plots.txt" "$out/speedup.svg" "$out/queue.svg" "$out/gil.svg" "$out/loop.svg" \
    "$out/speedup.dat" "$out/queue.dat" "$out/gil.dat" "$out/loop.dat"
if [ ! -f "$out/all.csv" ]; then
    echo "bench-plots.sh: no $out/all.csv (make-bench.sh writes it)" >&2
    exit 2
fi

# Data for gnuplot, one row per x value; NaN where a figure is missing.
# CPU-bound speedup: perf_compare's cpu section has all three approaches;
# thread_vs_process has threads and processes.
speedup_data() {
    awk -F, -v want="$1" '
        NR > 1 && $1 == want && $2 == "cpu" && $10 != "" && $6 > 0 &&
        ($3 == "threads" || $3 == "processes" || $3 == "event_loop" || $3 == "probe" ||
         $3 == "openmp") {
            if (!($4 in seen)) { seen[$4] = 1; w[++n] = $4 }
            # The spread of the times, as a spread of the speedup.
            sp[$4, $3] = $10
            lo[$4, $3] = $9 > 0 ? $10 * $6 / $9 : $10
            hi[$4, $3] = $8 > 0 ? $10 * $6 / $8 : $10
        }
        function cells(k) { return (k in sp) ? sp[k] " " lo[k] " " hi[k] : "NaN NaN NaN" }
        END {
            for (i = 1; i <= n; i++)
                print w[i], cells(w[i] SUBSEP "threads"), cells(w[i] SUBSEP "processes"),
                      cells(w[i] SUBSEP "event_loop"), cells(w[i] SUBSEP "probe"),
                      cells(w[i] SUBSEP "openmp")
        }
    ' "$out/all.csv"
}

# The GIL plot: C threads with and without one global lock (gil_demo), and
# Python's threads and processes (make bench-python's python.csv, when
# there is one), speedup by W.
gil_data() {
    awk -F, '
        FNR == 1 { file++; next }
        file == 1 && $1 == "gil_demo" && $2 == "gil" && $10 != "" &&
        ($3 == "no_lock" || $3 == "global_lock") { add($4, $3, $10) }
        # One worker: the sequential run starts both C lines at 1.
        file == 1 && $1 == "gil_demo" && $2 == "gil" && $3 == "sequential" && $4 == 1 {
            add(1, "no_lock", 1); add(1, "global_lock", 1)
        }
        file == 2 && $2 == "cpu" && $10 != "" && ($3 == "threads" || $3 == "processes") {
            add($4, "py_" $3, $10)
        }
        function add(w, what, speedup) {
            if (!(w in seen)) { seen[w] = 1; ws[++n] = w }
            sp[w, what] = speedup
        }
        function cell(k) { return (k in sp) ? sp[k] : "NaN" }
        END {
            for (i = 1; i <= n; i++)
                print ws[i], cell(ws[i] SUBSEP "no_lock"), cell(ws[i] SUBSEP "global_lock"),
                      cell(ws[i] SUBSEP "py_threads"), cell(ws[i] SUBSEP "py_processes")
        }
    ' "$out/all.csv" "${1:-/dev/null}"
}

# The loop-at-scale plot: waits, wall seconds, bytes a task (loop_scale).
loop_data() {
    awk -F, '
        NR > 1 && $1 == "loop_scale" && $2 == "io_scale" { t[$5] = $6; if (!($5 in seen)) { seen[$5] = 1; ns[++n] = $5 } }
        NR > 1 && $1 == "loop_scale" && $2 == "io_scale_peak" { b[$5] = $6 / $5 }
        END { for (i = 1; i <= n; i++) print ns[i], t[ns[i]], (ns[i] in b) ? b[ns[i]] : "NaN" }
    ' "$out/all.csv"
}

# Queue throughput: a row per capacity (x, its label), a column per
# approach and producers x consumers.  param is PxC@capacity; capacities
# that are not numbers ("unbounded") go to the right of the largest one.
queue_data() {
    awk -F, '
        function label(a) { return a == "gasyncqueue" ? "GAsyncQueue" : a }
        NR > 1 && $1 == "queue_throughput" && $2 == "queue" && index($5, "@") {
            conf = substr($5, 1, index($5, "@") - 1)
            cap = substr($5, index($5, "@") + 1)
            if (!($3 in aseen)) { aseen[$3] = 1; a[++na] = $3 }
            if (!(conf in cseen)) { cseen[conf] = 1; c[++nc] = conf }
            if (!(cap in kseen)) {
                kseen[cap] = 1
                if (cap ~ /^[0-9]+$/) num[++nn] = cap + 0; else word[++nwd] = cap
            }
            v[$3, conf, cap] = $6; has[$3, conf] = 1
            if (lo == "" || $6 + 0 < lo) lo = $6 + 0
            if ($6 + 0 > hi) hi = $6 + 0
        }
        END {
            if (nn + nwd == 0) exit 1
            for (i = 2; i <= nn; i++)           # numeric capacities in order
                for (j = i; j > 1 && num[j - 1] > num[j]; j--) { t = num[j]; num[j] = num[j - 1]; num[j - 1] = t }
            x = 1
            for (i = 1; i <= nn; i++) { k[i] = num[i]; kx[i] = x = num[i] }
            for (i = 1; i <= nwd; i++) { k[nn + i] = word[i]; kx[nn + i] = x = x * 4 }
            printf "x capacity"
            for (i = 1; i <= na; i++)
                for (j = 1; j <= nc; j++) {
                    if (!((a[i], c[j]) in has)) continue
                    col[++ncol] = a[i] SUBSEP c[j]
                    t = c[j]; sub(/x/, "→", t)
                    printf " \"%s %s\"", label(a[i]), t
                }
            printf "\n"
            # the plot script reads these three numbers from the second line
            printf "# columns %d configurations %d logscale %d\n", ncol, nc, (lo > 0 && hi / lo > 30)
            for (m = 1; m <= nn + nwd; m++) {
                printf "%s %s", kx[m], k[m]
                for (i = 1; i <= ncol; i++) {
                    split(col[i], p, SUBSEP)
                    printf " %s", ((p[1], p[2], k[m]) in v) ? v[p[1], p[2], k[m]] : "NaN"
                }
                printf "\n"
            }
        }
    ' "$out/all.csv"
}

# gnuplot strings are quoted with '...', in which '' is one quote.
gp_quote() {
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"
}

if [ -z "$gnuplot" ]; then
    echo "gnuplot not found: plots skipped (install gnuplot and re-run configure)"
    echo none >"$out/plots.txt"
    exit 0
fi
: >"$out/plots.txt"
# The plots draw the ideal against the machine's core count, as the first
# row saw it (the benchmarks of one run all see the same).
cores=$(awk -F, 'NR == 2 { print $11; exit }' "$out/all.csv")
status=0
# drawn PLOT [FROM] and failed NAME.svg: one line of plots.txt each.
drawn() { echo "$*" >>"$out/plots.txt"; }
failed() {
    echo "bench: gnuplot failed on $out/$1" >&2
    echo "failed $1" >>"$out/plots.txt"
    status=1
}

speed_from=""
for candidate in perf_compare thread_vs_process; do
    rows=$(speedup_data "$candidate" | sort -n)
    if [ -n "$rows" ]; then
        speed_from=$candidate
        printf '# workers, then speedup, low and high for: threads processes event_loop probe openmp\n%s\n' \
            "$rows" >"$out/speedup.dat"
        break
    fi
done
if [ -n "$speed_from" ]; then
    maxw=$(awk '!/^#/ { m = $1 } END { print m }' "$out/speedup.dat")
    # 1 when column c has a figure: plots.gp leaves out the empty lines.
    has() { awk -v c="$1" '!/^#/ && $c != "NaN" { n++ } END { print n ? 1 : 0 }' "$out/speedup.dat"; }
    if "$gnuplot" -e "plot='speedup'; datafile=$(gp_quote "$out/speedup.dat"); \
outfile=$(gp_quote "$out/speedup.svg"); cores=$cores; maxw=$maxw; loop=$(has 8); \
probe=$(has 11); openmp=$(has 14); source=$(gp_quote "$speed_from")" "$gp"; then
        echo "bench: wrote $out/speedup.svg (from $speed_from)"
        drawn speedup "$speed_from"
    else
        failed speedup.svg
    fi
else
    echo "bench: no CPU-bound speedups (perf_compare, thread_vs_process): speedup plot skipped"
fi

if queue_data >"$out/queue.dat" && [ -s "$out/queue.dat" ]; then
    read -r qcols qconfs qlog <<EOT || :
$(sed -n '2s/^# columns \([0-9]*\) configurations \([0-9]*\) logscale \([01]\)$/\1 \2 \3/p' "$out/queue.dat")
EOT
    if [ -n "${qlog:-}" ] && "$gnuplot" -e "plot='queue'; datafile=$(gp_quote "$out/queue.dat"); \
outfile=$(gp_quote "$out/queue.svg"); ncol=$qcols; nconf=$qconfs; logy=$qlog; \
cores=$cores" "$gp"; then
        echo "bench: wrote $out/queue.svg"
        drawn queue
    else
        failed queue.svg
    fi
else
    rm -f "$out/queue.dat"
    echo "bench: no queue_throughput figures: queue plot skipped"
fi

python_csv=
[ ! -f "$out/python/python.csv" ] || python_csv=$out/python/python.csv
gil_data "$python_csv" | sort -n >"$out/gil.dat"
if [ -s "$out/gil.dat" ]; then
    python=0
    [ -z "$python_csv" ] || python=1
    if "$gnuplot" -e "plot='gil'; datafile=$(gp_quote "$out/gil.dat"); \
outfile=$(gp_quote "$out/gil.svg"); cores=$cores; python=$python" "$gp"; then
        echo "bench: wrote $out/gil.svg"
        drawn gil
    else
        failed gil.svg
    fi
else
    rm -f "$out/gil.dat"
    echo "bench: no gil_demo figures: GIL plot skipped"
fi

loop_data | sort -n >"$out/loop.dat"
if [ -s "$out/loop.dat" ]; then
    if "$gnuplot" -e "plot='loop'; datafile=$(gp_quote "$out/loop.dat"); \
outfile=$(gp_quote "$out/loop.svg")" "$gp"; then
        echo "bench: wrote $out/loop.svg"
        drawn loop
    else
        failed loop.svg
    fi
else
    rm -f "$out/loop.dat"
    echo "bench: no loop_scale figures: loop plot skipped"
fi
exit "$status"
