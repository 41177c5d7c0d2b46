#!/bin/sh
# SPDX-License-Identifier: 0BSD
# bench-python.sh: the same workloads in C and in Python, side by side.
#
# Usage (what `make bench-python` runs, from the build directory):
#     PYTHON3=/usr/bin/python3 CC=gcc CFLAGS='-g -O2' sh bench-python.sh SRCDIR BUILDDIR
#
# Runs the C benchmark perf_compare and python/workloads.py and prints one
# table: for each workload (CPU-bound, I/O-bound, many waits on an event
# loop), approach and number of workers W, the C figure, the Python
# figure, Python/C, and each side's speedup over its own sequential run.
#
# Each side's CPU-bound n is sized so that its own sequential run takes
# about half a second: perf_compare calibrates itself (it doubles n from
# 10^6 until a run takes 50 ms, then scales n by the fastest of three
# runs), and workloads.py --calibrate does the same in Python.  The two
# n then differ some hundredfold, so the CPU-bound rows quote the cost per
# element, nanoseconds per i*i step (time / n), and Python/C is the ratio
# of those costs, not of the times.  A run of milliseconds measures the
# clock and the start-up more than the loop: any time under 50 ms is
# marked with a dagger in the table.  The I/O rows wait the same simulated
# time on both sides and keep times and their ratio.
#
# Look for the Python threads' CPU-bound speedup staying near 1.0x (the
# Global Interpreter Lock) where C's threads go as fast as its processes,
# and for Python/C on the sequential row: the cost of interpreting the
# loop, per step.  The table's heading names the interpreter and its
# version (platform.python_implementation(), python_version()) and the C
# compiler (CC --version, and CFLAGS, as the Makefile passes them).
#
# The sizes (environment variables, defaults in brackets):
#     CONPAR_BENCH_SIZE         one n for both sides, no calibration
#                               [unset: each side about 0.5 s]
#     CONPAR_BENCH_REPEAT       measured runs per figure [3]
#     CONPAR_BENCH_MAX_WORKERS  largest W                [8]
#     CONPAR_BENCH_IO_TASKS     waits on the event loop  [100000]
#     CONPAR_TIME_SCALE         seconds per simulated wait [0.1]
# The CSV of both sides and the table (compare.md) go to
# bench-results/python/.  With the defaults it takes a few minutes, most
# of it the CPU-bound runs: 4 approaches x 4 worker counts x 4 runs of
# about half a second, on each side.

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

size=${CONPAR_BENCH_SIZE:-}
repeat=${CONPAR_BENCH_REPEAT:-3}
max_workers=${CONPAR_BENCH_MAX_WORKERS:-8}
io_tasks=${CONPAR_BENCH_IO_TASKS:-100000}
time_scale=${CONPAR_TIME_SCALE:-0.1}
for pair in "CONPAR_BENCH_SIZE=${size:-1}" "CONPAR_BENCH_REPEAT=$repeat" \
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

# What ran: the interpreter and the compiler, for the table's heading.
python_name=$("$python" -c 'import platform; print(platform.python_implementation(), platform.python_version())')
cc_name=
if [ -n "${CC:-}" ]; then
    # shellcheck disable=SC2086  # CC may be "gcc -std=gnu11": split on purpose
    cc_name=$($CC --version 2>/dev/null | sed -n 1p) || cc_name=
    cc_name="${cc_name:-$CC}${CFLAGS:+, CFLAGS $CFLAGS}"
fi

header="benchmark,section,approach,workers,param,value,unit,min,max,speedup,cores"
options="--repeat=$repeat --max-workers=$max_workers --io-tasks=$io_tasks --time-scale=$time_scale"
workloads=$srcdir/examples/bench/python/workloads.py
out=bench-results/python
mkdir -p "$out"
rm -f "$out/c.csv" "$out/python.csv" "$out/compare.md"

# Each side's n: CONPAR_BENCH_SIZE for both, or each calibrated to its own
# half second (perf_compare calibrates itself when given no --size).
if [ -n "$size" ]; then
    c_size="--size=$size"
    py_size=$size
    sized="one n for both, from CONPAR_BENCH_SIZE"
    echo "bench-python: CONPAR_BENCH_SIZE=$size: one n for both sides, no calibration"
else
    c_size=
    echo "bench-python: calibrating Python's n (about 0.5 s of sequential work)"
    if ! py_size=$("$python" "$workloads" --calibrate); then
        echo "bench-python: workloads.py --calibrate failed" >&2
        exit 1
    fi
    sized="each side's n calibrated to about 0.5 s of sequential work"
fi

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
run C "$out/c.csv" "$builddir/examples/bench/perf_compare" --csv $c_size $options
# shellcheck disable=SC2086
run Python "$out/python.csv" "$python" "$workloads" --csv --size="$py_size" $options

# One line per C figure of the three shared sections, joined with the
# Python figure of the same section, approach, W (the io_scale rows by
# task count alone), then what to read in it.  The CPU-bound cells are
# nanoseconds per step (time / n, each side's own n); a time under 50 ms
# is marked.  Widths are counted by hand, the dagger as one character
# (mawk counts bytes).
awk -F, -v scale="$time_scale" -v sized="$sized" -v py_name="$python_name" -v cc_name="$cc_name" '
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
    function short(x) { return x > 0 && x < 0.05 ? " \342\200\240" : "" }   # a dagger
    function cell(section, t, n) {
        if (section == "cpu") return num(t / n * 1e9) " ns" short(t)
        return secs(t) short(t)
    }
    function ratio(q) { return sprintf(q < 10 ? "%.1fx" : "%.0fx", q) }
    function width(s) { gsub(/\342\200\240/, "x", s); return length(s) }
    function pad(s, w, right,    p) {
        p = sprintf("%" (w - width(s)) "s", "")
        return right ? p s : s p
    }
    function key(s, a, w, p) { return s == "io_scale" ? s SUBSEP a SUBSEP p : s SUBSEP a SUBSEP w }
    function speed(x) { return x == "" ? "" : sprintf("%.2fx", x) }
    FNR == 1 { file++; next }
    file == 1 {
        k = key($2, $3, $4, $5); pv[k] = $6; ps[k] = $10
        if ($2 == "cpu") pn = $5
        next
    }
    $2 != "cpu" && $2 != "io" && $2 != "io_scale" { next }
    {
        k = key($2, $3, $4, $5)
        cores = $11
        if ($2 == "cpu") cn = $5
        what = $2 == "cpu" ? "CPU-bound, per step" : $2 == "io" ? "I/O-bound" : "Many waits, event loop"
        w = $2 == "io_scale" ? $5 " tasks" : $4 ($4 + 0 > $11 + 0 ? "*" : "")
        if ($2 != "io_scale" && $4 + 0 > $11 + 0) starred = 1
        nr++
        r_what[nr] = what; r_appr[nr] = $3; r_w[nr] = w
        r_c[nr] = cell($2, $6, $5); r_csp[nr] = speed($10)
        if ($6 > 0 && $6 < 0.05) flagged = 1
        r_sec[nr] = $2; r_k[nr] = k; r_cv[nr] = $6
        r_py[nr] = "-"; r_psp[nr] = ""; r_ratio[nr] = ""
        if (k in pv) {
            r_psp[nr] = speed(ps[k])
            if (pv[k] > 0 && pv[k] < 0.05) flagged = 1
        }
    }
    END {
        if (nr == 0) exit 1
        # The Python cells and ratios: per step on the CPU-bound rows.
        for (i = 1; i <= nr; i++) {
            k = r_k[i]
            if (!(k in pv)) continue
            cpu = r_sec[i] == "cpu"
            r_py[i] = cell(r_sec[i], pv[k], pn)
            q = ""
            if (r_cv[i] > 0 && (!cpu || (pn > 0 && cn > 0)))
                q = cpu ? (pv[k] / pn) / (r_cv[i] / cn) : pv[k] / r_cv[i]
            if (q != "") r_ratio[i] = ratio(q)
            split(k, part, SUBSEP)
            if (r_sec[i] == "io" && part[2] != "sequential" && q != "") {
                if (io_lo == "" || q < io_lo) io_lo = q
                if (io_hi == "" || q > io_hi) io_hi = q
            }
            # for the summary: one W to compare threads at, the largest <= cores
            if (cpu && part[3] + 0 <= cores + 0) {
                if (part[2] == "sequential" && part[3] == 1) { interp = q; c_ns = r_cv[i] / cn * 1e9; p_ns = pv[k] / pn * 1e9 }
                if (part[2] == "threads" && part[3] + 0 >= gw) { gw = part[3] + 0; cth = r_csp[i]; pth = r_psp[i] }
                if (part[2] == "processes") { cpr[part[3] + 0] = r_csp[i]; ppr[part[3] + 0] = r_psp[i] }
            }
        }
        h[1] = "Workload"; h[2] = "Approach"; h[3] = "W"; h[4] = "C"; h[5] = "Python"
        h[6] = "Python/C"; h[7] = "C speedup"; h[8] = "Python speedup"
        for (i = 1; i <= nr; i++) {
            c[i, 1] = r_what[i]; c[i, 2] = r_appr[i]; c[i, 3] = r_w[i]; c[i, 4] = r_c[i]
            c[i, 5] = r_py[i]; c[i, 6] = r_ratio[i]; c[i, 7] = r_csp[i]; c[i, 8] = r_psp[i]
        }
        for (j = 1; j <= 8; j++) {
            wd[j] = width(h[j])
            for (i = 1; i <= nr; i++) if (width(c[i, j]) > wd[j]) wd[j] = width(c[i, j])
        }
        printf "\nC (perf_compare, n = %s) and Python (workloads.py, n = %s), %s;\n", cn, pn, sized
        printf "one wait = %s s, %s cores.\n", scale, cores
        printf "Python: %s.  C: %s.\n\n", py_name, cc_name == "" ? "compiler not given (CC)" : cc_name
        line = "|"; rule = "|"
        for (j = 1; j <= 8; j++) {
            line = line " " pad(h[j], wd[j], j > 3) " |"
            rule = rule sprintf("%" (wd[j] + 1) "s", "") (j <= 3 ? "-|" : ":|")
        }
        gsub(/ /, "-", rule)
        print line; print rule
        for (i = 1; i <= nr; i++) {
            line = "|"
            for (j = 1; j <= 8; j++) line = line " " pad(c[i, j], wd[j], j > 3) " |"
            print line
        }
        print ""
        print "CPU-bound: C and Python are nanoseconds per i*i step (time / n, each side its own n),"
        print "     Python/C the ratio of those costs.  The other rows are times."
        if (flagged) print "\342\200\240 under 50 ms: too short to trust (the clock and the start-up, more than the work)."
        if (starred) print "W*: more workers than cores."
        if (interp != "")
            printf "Interpreter: a step of the sequential CPU-bound sum costs %.1f ns in Python, %.2f ns in C: %.0f times as much.\n", p_ns, c_ns, interp
        if (gw) {
            printf "GIL: with %d threads, C runs the CPU-bound sum %s as fast as in sequence, Python %s;\n", gw, cth, pth
            if (gw in cpr)
                printf "     with %d processes (one interpreter, one GIL each) Python reaches %s (C %s).\n", gw, ppr[gw], cpr[gw]
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
