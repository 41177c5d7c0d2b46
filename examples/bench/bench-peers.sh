#!/bin/sh
# SPDX-License-Identifier: 0BSD
# bench-peers.sh: conpar's event loop and process pool beside other runtimes.
#
# Usage (what `make bench-peers` runs, from the build directory):
#     PYTHON3=/usr/bin/python3 CC=gcc sh bench-peers.sh SRCDIR BUILDDIR
#
# Two workloads, each run once in conpar and in its peers (peers/):
#   waits  N concurrent waits of one second (times CONPAR_TIME_SCALE),
#          timed until the last one is over, after one warm-up run:
#            conpar   perf_compare --csv --sections=io_scale: N cp_loop
#                     sleeps in a group and a gather
#            asyncio  peers/waits.py: asyncio.gather() of N asyncio.sleep()
#            Node     peers/waits.js: Promise.all() of N setTimeout()
#                     promises, when `node` is on PATH (or NODE names it)
#          and the bytes a waiting task costs: how much the peak resident
#          set (getrusage's ru_maxrss, each program reading its own) grew
#          over the two runs, divided by N.
#   tasks  M tiny tasks (x*x) on a pool of 2 worker processes, timed
#          from starting the pool until its workers are reaped, one run:
#            conpar   square_process_pool -v -w 2 0 1 ... M-1: the map on
#                     cp_procpool, in chunks of M / 8 inputs over pipes
#            Python   peers/pool.py: multiprocessing.Pool(2).map with its
#                     default chunksize (M / 8 inputs a chunk)
# The table (bench-results/peers/peers.md, the figures in peers.csv) gives
# each runtime's time and bytes per task, and each divided by conpar's:
# above 1x, conpar did better.  Any time under 50 ms is marked: too short
# to trust.  Without python3 there is nothing to compare: the script says
# so and exits 0; without node the Node row is left out, said so.
#
# Sizes (environment variables, defaults in brackets):
#     CONPAR_BENCH_PEERS_WAITS  N, concurrent waits       [1000000]
#     CONPAR_BENCH_PEERS_TASKS  M, tiny tasks             [10000]
#     CONPAR_TIME_SCALE         seconds per wait          [1]
#     CONPAR_BENCH_PEERS_SMALL  1: N = 1000 waits of 0.01 s and M = 1000,
#                               to check that it all runs (`make check`)
# A full-size run takes about a minute, most of it asyncio's million tasks.

set -eu

if [ $# -ne 2 ]; then
    echo "usage: bench-peers.sh SRCDIR BUILDDIR" >&2
    exit 2
fi
srcdir=$1
builddir=$2
python=${PYTHON3:-}
node=${NODE-$(command -v node || true)}

if [ -z "$python" ]; then
    echo "bench-peers: python3 not found: no peers to run beside conpar"
    exit 0
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 7))' 2>/dev/null; then
    echo "bench-peers: $python is not Python 3.7 or later: no peers to run beside conpar"
    exit 0
fi

if [ "${CONPAR_BENCH_PEERS_SMALL:-0}" = 1 ]; then
    waits=${CONPAR_BENCH_PEERS_WAITS:-1000}
    tasks=${CONPAR_BENCH_PEERS_TASKS:-1000}
    time_scale=${CONPAR_TIME_SCALE:-0.01}
else
    waits=${CONPAR_BENCH_PEERS_WAITS:-1000000}
    tasks=${CONPAR_BENCH_PEERS_TASKS:-10000}
    time_scale=${CONPAR_TIME_SCALE:-1}
fi
# perf_compare takes up to 10^6 waits; 10^5 numbers still fit on a command line.
for check in "CONPAR_BENCH_PEERS_WAITS=$waits 1000000" "CONPAR_BENCH_PEERS_TASKS=$tasks 100000"; do
    pair=${check% *}
    value=${pair#*=}
    case $value in
    '' | *[!0-9]* | 0)
        echo "bench-peers: $pair is not a positive integer" >&2
        exit 2
        ;;
    esac
    if [ "$value" -gt "${check#* }" ]; then
        echo "bench-peers: $pair: at most ${check#* }" >&2
        exit 2
    fi
done
case $time_scale in
'' | *[!0-9.]* | *.*.*)
    echo "bench-peers: CONPAR_TIME_SCALE=$time_scale is not a number" >&2
    exit 2
    ;;
esac

peers=$srcdir/examples/bench/peers
out=bench-results/peers
mkdir -p "$out"
rm -f "$out/peers.csv" "$out/peers.md"
tmp=$out/peers.csv.tmp
echo "workload,runtime,version,tasks,seconds,bytes_per_task" >"$tmp"

# add WORKLOAD RUNTIME: read "runtime,version,tasks,seconds[,growth]" (a
# header, then one line) from stdin, append it to the CSV with the bytes
# per task.  An odd line fails the run.
add() {
    awk -F, -v workload="$1" -v runtime="$2" '
        NR == 2 && $3 > 0 && $4 > 0 {
            per = NF >= 5 && $5 != "" ? sprintf("%.0f", $5 / $3) : ""
            printf "%s,%s,%s,%d,%s,%s\n", workload, runtime, $2, $3, $4, per
            ok = 1
        }
        END { exit !ok }
    ' >>"$tmp" || {
        echo "bench-peers: $2 printed no figure for $1" >&2
        exit 1
    }
}

conpar_version=$("$builddir/examples/bench/perf_compare" --version | sed -n '1s/.*(conpar) //p')
# "0.1; gcc 12.2.0": the package's version, the compiler's name and the
# last word of the first line of its --version (no commas: this goes into
# the CSV).
if [ -n "${CC:-}" ]; then
    # shellcheck disable=SC2086  # CC may be "gcc -std=gnu11": split on purpose
    cc_version=$($CC --version 2>/dev/null | sed -n '1s/.* //p') || cc_version=
    # shellcheck disable=SC2086
    set -- $CC
    conpar_version="$conpar_version; ${1##*/}${cc_version:+ $cc_version}"
fi

echo "bench-peers: $waits waits of $time_scale s: conpar (perf_compare --sections=io_scale)"
"$builddir/examples/bench/perf_compare" --csv --sections=io_scale --io-tasks="$waits" \
    --repeat=1 --size=1 --time-scale="$time_scale" |
    awk -F, -v v="$conpar_version" '
        $2 == "io_scale" { tasks = $5; secs = $6 }
        $2 == "io_scale_peak" { grew = $6 }
        END {
            print "runtime,version,tasks,seconds,peak_growth_bytes"
            if (tasks != "") printf "cp_loop,%s,%s,%s,%s\n", v, tasks, secs, grew
        }
    ' | add waits conpar

echo "bench-peers: $waits waits of $time_scale s: asyncio (peers/waits.py)"
"$python" "$peers/waits.py" "$waits" "$time_scale" | add waits asyncio

if [ -n "$node" ]; then
    echo "bench-peers: $waits waits of $time_scale s: Node (peers/waits.js)"
    "$node" "$peers/waits.js" "$waits" "$time_scale" | add waits Node
else
    echo "bench-peers: node not found: no Node row"
fi

echo "bench-peers: $tasks tiny tasks on 2 processes: conpar (square_process_pool -v -w 2)"
# shellcheck disable=SC2046  # the numbers 0 .. M-1, one argument each
set -- $(awk -v n="$tasks" 'BEGIN { for (i = 0; i < n; i++) print i }')
"$builddir/examples/pools/square_process_pool" -v -w 2 -- "$@" |
    awk -v v="$conpar_version" '
        /^Map took / { secs = $3; tasks = $5 }
        END {
            print "runtime,version,tasks,seconds"
            if (tasks != "") printf "cp_procpool,%s,%s,%s\n", v, tasks, secs
        }
    ' | add tasks conpar

echo "bench-peers: $tasks tiny tasks on 2 processes: Python (peers/pool.py)"
"$python" "$peers/pool.py" "$tasks" 2 | add tasks multiprocessing
mv "$tmp" "$out/peers.csv"

# The table: each runtime's figures and their ratio to conpar's, per
# workload.  Widths are counted by hand, the dagger, dash and division
# sign as one character each (mawk counts bytes).
awk -F, -v scale="$time_scale" -v node="$node" '
    function num(x) {
        if (x >= 100) return sprintf("%.0f", x)
        if (x >= 10) return sprintf("%.1f", x)
        if (x >= 1) return sprintf("%.2f", x)
        return sprintf("%.3f", x)
    }
    function secs(x) {
        if (x >= 1) return num(x) " s"
        if (x >= 1e-3) return num(x * 1e3) " ms"
        return num(x * 1e6) " us"
    }
    function ratio(x, base) {
        if (x == "" || base == "" || base <= 0) return "–"
        return sprintf(x / base < 10 ? "%.2fx" : "%.0fx", x / base)
    }
    function width(s) { gsub(/\342\200\240|\342\200\223|\303\267/, "x", s); return length(s) }
    function pad(s, w, right,    p) {
        p = sprintf("%" (w - width(s)) "s", "")
        return right ? p s : s p
    }
    NR == 1 { next }
    {
        nr++
        wl[nr] = $1; rt[nr] = $2; ver[nr] = $3; n[nr] = $4; t[nr] = $5; b[nr] = $6
        if ($2 == "conpar") { base_t[$1] = $5; base_b[$1] = $6 }
    }
    END {
        h[1] = "Workload"; h[2] = "Runtime"; h[3] = "Wall"; h[4] = "÷ conpar"
        h[5] = "Bytes/task"; h[6] = "÷ conpar"
        for (i = 1; i <= nr; i++) {
            what = wl[i] == "waits" ? n[i] " waits of " scale " s" : n[i] " tiny tasks, 2 processes"
            c[i, 1] = what
            c[i, 2] = rt[i] " (" ver[i] ")"
            c[i, 3] = secs(t[i]) (t[i] < 0.05 ? " \342\200\240" : "")
            c[i, 4] = ratio(t[i], base_t[wl[i]])
            c[i, 5] = b[i] == "" ? "–" : b[i]
            c[i, 6] = b[i] == "" ? "–" : ratio(b[i], base_b[wl[i]])
            if (t[i] < 0.05) flagged = 1
        }
        for (j = 1; j <= 6; j++) {
            wd[j] = width(h[j])
            for (i = 1; i <= nr; i++) if (width(c[i, j]) > wd[j]) wd[j] = width(c[i, j])
        }
        print "\nconpar beside other runtimes, the same workloads (make bench-peers):\n"
        line = "|"; rule = "|"
        for (j = 1; j <= 6; j++) {
            line = line " " pad(h[j], wd[j], j > 2) " |"
            rule = rule sprintf("%" (wd[j] + 1) "s", "") (j <= 2 ? "-|" : ":|")
        }
        gsub(/ /, "-", rule)
        print line; print rule
        for (i = 1; i <= nr; i++) {
            line = "|"
            for (j = 1; j <= 6; j++) line = line " " pad(c[i, j], wd[j], j > 2) " |"
            print line
        }
        print ""
        print "Waits: all at once, timed until the last is over, after a warm-up run; bytes/task:"
        print "     how much the peak resident set (ru_maxrss) grew over both runs, divided by the waits."
        print "Tiny tasks: x*x on a pool of 2 processes, from starting it to reaping its workers, one run;"
        print "     both hand the inputs out in chunks of an eighth of them (len / (4 x workers))."
        print "÷ conpar: this runtime'"'"'s figure divided by conpar'"'"'s; above 1x, conpar did better."
        if (flagged) print "\342\200\240 under 50 ms: too short to trust."
        if (node == "") print "No Node row: node was not found."
    }
' "$out/peers.csv" >"$out/peers.md"
cat "$out/peers.md"
echo
echo "bench-peers: wrote $out/peers.csv and $out/peers.md"
