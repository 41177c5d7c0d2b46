#!/bin/sh
# SPDX-License-Identifier: 0BSD
# bench-python.sh: the same workloads in C and in Python, side by side.
#
# Usage (what `make bench-python` runs, from the build directory):
#     PYTHON3=/usr/bin/python3 sh bench-python.sh SRCDIR BUILDDIR
#
# Runs the C benchmark perf_compare and python/workloads.py with the same
# sizes, given explicitly to both, and prints one table: for each workload
# (CPU-bound, I/O-bound, many waits on an event loop), approach and number
# of workers W, the C time, the Python time, Python/C, and each side's
# speedup over its own sequential run.  Look for the Python threads'
# CPU-bound speedup staying near 1.0x (the Global Interpreter Lock) where
# C's threads go as fast as its processes, and for Python/C on the
# sequential rows: the cost of interpreting the loop.
#
# The sizes (environment variables, defaults in brackets):
#     CONPAR_BENCH_SIZE         n of the CPU-bound sum   [10000000: about
#                               half a second of Python, milliseconds of C]
#     CONPAR_BENCH_REPEAT       measured runs per figure [3]
#     CONPAR_BENCH_MAX_WORKERS  largest W                [8]
#     CONPAR_BENCH_IO_TASKS     waits on the event loop  [100000]
#     CONPAR_TIME_SCALE         seconds per simulated wait [0.1]
# The CSV of both sides and the table go to bench-results/python/.  With
# the defaults it takes about a minute, most of it Python's CPU-bound runs.

set -eu

if [ $# -ne 2 ]; then
    echo "usage: bench-python.sh SRCDIR BUILDDIR" >&2
    exit 2
fi
srcdir=$1
builddir=$2
python=${PYTHON3:-}

if [ -z "$python" ]; then
    echo "python3 not found: nothing to compare"
    exit 0
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 7))' 2>/dev/null; then
    echo "$python is not Python 3.7 or later: nothing to compare"
    exit 0
fi

size=${CONPAR_BENCH_SIZE:-10000000}
repeat=${CONPAR_BENCH_REPEAT:-3}
max_workers=${CONPAR_BENCH_MAX_WORKERS:-8}
io_tasks=${CONPAR_BENCH_IO_TASKS:-100000}
time_scale=${CONPAR_TIME_SCALE:-0.1}
for pair in "CONPAR_BENCH_SIZE=$size" "CONPAR_BENCH_REPEAT=$repeat" \
    "CONPAR_BENCH_MAX_WORKERS=$max_workers" "CONPAR_BENCH_IO_TASKS=$io_tasks"; do
    case ${pair#*=} in
    '' | *[!0-9]* | 0)
        echo "bench-python: $pair is not a positive integer" >&2
        exit 2
        ;;
    esac
done
case $time_scale in
'' | *[!0-9.]* | *.*.*)
    echo "bench-python: CONPAR_TIME_SCALE=$time_scale is not a number" >&2
    exit 2
    ;;
esac

header="benchmark,section,approach,workers,param,value,unit,min,max,speedup,cores"
options="--size=$size --repeat=$repeat --max-workers=$max_workers --io-tasks=$io_tasks --time-scale=$time_scale"
out=bench-results/python
mkdir -p "$out"
rm -f "$out/c.csv" "$out/python.csv" "$out/compare.md"

# run LABEL FILE COMMAND...: run one side into FILE, check its CSV header.
run() {
    label=$1
    file=$2
    shift 2
    echo "bench-python: $label: $*"
    start=$(date +%s)
    if ! "$@" >"$file.tmp"; then
        echo "bench-python: $label failed" >&2
        exit 1
    fi
    if [ "$(sed -n 1p "$file.tmp")" != "$header" ]; then
        echo "bench-python: $label did not print the benchmark CSV (kept in $file.tmp)" >&2
        exit 1
    fi
    mv "$file.tmp" "$file"
    echo "bench-python: $label: done in $(($(date +%s) - start)) s"
}

# shellcheck disable=SC2086  # $options is a list of options, split on purpose
run C "$out/c.csv" "$builddir/examples/bench/perf_compare" --csv $options
# shellcheck disable=SC2086
run Python "$out/python.csv" "$python" "$srcdir/examples/bench/python/workloads.py" --csv $options

# One line per C figure of the three shared sections, joined with the
# Python figure of the same section, approach, W (the io_scale rows by
# task count alone), then what to read in it.
awk -F, -v n="$size" -v scale="$time_scale" '
    function abs(x) { return x < 0 ? -x : x }
    function num(x,    m) {
        m = abs(x)
        if (m >= 100) return sprintf("%.0f", x)
        if (m >= 10) return sprintf("%.1f", x)
        if (m >= 1) return sprintf("%.2f", x)
        return sprintf("%.3f", x)
    }
    function secs(x,    m) {
        m = abs(x)
        if (m == 0 || m >= 1) return num(x) " s"
        if (m >= 1e-3) return num(x * 1e3) " ms"
        return num(x * 1e6) " us"
    }
    function key(s, a, w, p) { return s == "io_scale" ? s SUBSEP a SUBSEP p : s SUBSEP a SUBSEP w }
    function speed(x) { return x == "" ? "" : sprintf("%.2fx", x) }
    FNR == 1 { file++; next }
    file == 1 { k = key($2, $3, $4, $5); pv[k] = $6; ps[k] = $10; next }
    $2 != "cpu" && $2 != "io" && $2 != "io_scale" { next }
    {
        k = key($2, $3, $4, $5)
        cores = $11
        what = $2 == "cpu" ? "CPU-bound" : $2 == "io" ? "I/O-bound" : "Many waits, event loop"
        w = $2 == "io_scale" ? $5 " tasks" : $4 ($4 + 0 > $11 + 0 ? "*" : "")
        if ($2 != "io_scale" && $4 + 0 > $11 + 0) starred = 1
        nr++
        r_what[nr] = what; r_appr[nr] = $3; r_w[nr] = w
        r_c[nr] = secs($6); r_csp[nr] = speed($10)
        if (k in pv) {
            r_py[nr] = secs(pv[k]); r_psp[nr] = speed(ps[k])
            r_ratio[nr] = $6 > 0 ? sprintf(pv[k] / $6 < 10 ? "%.1fx" : "%.0fx", pv[k] / $6) : ""
            if ($2 == "io" && $3 != "sequential" && $6 > 0) {
                q = pv[k] / $6
                if (io_lo == "" || q < io_lo) io_lo = q
                if (io_hi == "" || q > io_hi) io_hi = q
            }
        } else {
            r_py[nr] = "-"; r_psp[nr] = ""; r_ratio[nr] = ""
        }
        # for the summary: one W to compare threads at, the largest <= cores
        if ($2 == "cpu" && $4 + 0 <= $11 + 0 && (k in pv)) {
            if ($3 == "sequential" && $4 == 1) interp = pv[k] / $6
            if ($3 == "threads" && $4 + 0 >= gw) { gw = $4 + 0; cth = $10; pth = ps[k] }
            if ($3 == "processes") { cpr[$4 + 0] = $10; ppr[$4 + 0] = ps[k] }
        }
    }
    END {
        if (nr == 0) exit 1
        h[1] = "Workload"; h[2] = "Approach"; h[3] = "W"; h[4] = "C"; h[5] = "Python"
        h[6] = "Python/C"; h[7] = "C speedup"; h[8] = "Python speedup"
        for (i = 1; i <= nr; i++) {
            cell[i, 1] = r_what[i]; cell[i, 2] = r_appr[i]; cell[i, 3] = r_w[i]; cell[i, 4] = r_c[i]
            cell[i, 5] = r_py[i]; cell[i, 6] = r_ratio[i]; cell[i, 7] = r_csp[i]; cell[i, 8] = r_psp[i]
        }
        for (j = 1; j <= 8; j++) {
            wd[j] = length(h[j])
            for (i = 1; i <= nr; i++) if (length(cell[i, j]) > wd[j]) wd[j] = length(cell[i, j])
        }
        printf "\nC (perf_compare) and Python (workloads.py), n = %d, one wait = %s s, %s cores:\n\n", n, scale, cores
        line = "|"; rule = "|"
        for (j = 1; j <= 8; j++) {
            fmt[j] = j <= 3 ? " %-" wd[j] "s |" : " %" wd[j] "s |"
            line = line sprintf(fmt[j], h[j])
            rule = rule sprintf("%" (wd[j] + 1) "s", "") (j <= 3 ? "-|" : ":|")
        }
        gsub(/ /, "-", rule)
        print line; print rule
        for (i = 1; i <= nr; i++) {
            line = "|"
            for (j = 1; j <= 8; j++) line = line sprintf(fmt[j], cell[i, j])
            print line
        }
        print ""
        if (starred) print "W*: more workers than cores."
        if (interp) printf "Interpreter: the sequential CPU-bound sum takes %.0f times as long in Python as in C.\n", interp
        if (gw) {
            printf "GIL: with %d threads, C runs the CPU-bound sum %.2fx as fast as in sequence, Python %.2fx;\n", gw, cth, pth
            if (gw in cpr)
                printf "     with %d processes (one interpreter, one GIL each) Python reaches %.2fx (C %.2fx).\n", gw, ppr[gw], cpr[gw]
        }
        if (io_lo != "")
            printf "I/O-bound: the waits overlap in both; Python/C goes from %.1fx to %.1fx, the cost of\n" \
                   "     starting threads, processes and tasks in Python.\n", io_lo, io_hi
    }
' "$out/python.csv" "$out/c.csv" >"$out/compare.md" || {
    echo "bench-python: perf_compare printed no cpu, io or io_scale rows" >&2
    exit 1
}
cat "$out/compare.md"
echo
echo "bench-python: wrote $out/c.csv, $out/python.csv and $out/compare.md"
