#!/bin/sh
# SPDX-License-Identifier: 0BSD
# make-bench.sh: run every benchmark once, then plot and report what it
# measured.
#
# Usage (what `make bench` runs, from the build directory):
#     GNUPLOT=/usr/bin/gnuplot sh make-bench.sh SRCDIR BUILDDIR [OUTDIR]
#
# Each program in BUILDDIR/examples/bench/ runs once with --csv, at its
# default sizes (the CPU-bound work is calibrated to take about half a
# second), and OUTDIR (default bench-results) gets:
#     NAME.csv     that benchmark's CSV, as it printed it
#     all.csv      every benchmark's rows under one header
# and then, from all.csv alone, so that either can be run again by hand:
#     bench-plots.sh OUTDIR   (with gnuplot) speedup.svg, queue.svg,
#                             gil.svg and loop.svg, their .dat files, and
#                             plots.txt, which of them it drew
#     bench-report.sh OUTDIR  report.md: the machine, the issue's targets
#                             checked against the figures, and one table
#                             per benchmark and section; it points to
#                             python/compare.md and peers/peers.md when
#                             `make bench-python` and `make bench-peers`
#                             wrote them
# loop_scale is perf_compare's event loop at scale again, for real
# one-second waits, N = 10,000, 100,000 and 1,000,000
# (CONPAR_BENCH_LOOP_SIZES changes the list).
#
# CONPAR_BENCH_REPORT_ONLY=1 runs nothing: it checks the NAME.csv files
# already in OUTDIR, joins them into all.csv, and redraws the plots and
# the report (a missing one is left out of the report).
#
# CONPAR_BENCH_ARGS adds options to every benchmark that takes them (as
# its --help says), for instance
#     make bench CONPAR_BENCH_ARGS='--repeat=3 --max-workers=16'
# and CONPAR_TIME_SCALE (or --time-scale=F there) shortens the I/O waits.
#
# A benchmark that fails, or prints CSV that does not parse, is named and
# makes the script exit 1 once the others have run; so does a plot that
# gnuplot fails on.  Targets that are missed are reported, not treated as
# failures: timings on a busy machine vary, and the report says by how
# much they missed.

set -eu

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: make-bench.sh SRCDIR BUILDDIR [OUTDIR]" >&2
    exit 2
fi
srcdir=$1
builddir=$2
out=${3:-bench-results}
extra=${CONPAR_BENCH_ARGS:-}
report_only=${CONPAR_BENCH_REPORT_ONLY:-}

# The order of the report: the lessons' order, then the costs.
benchmarks="concurrency_vs_parallelism thread_vs_process perf_compare loop_scale gil_demo queue_throughput spawn_cost"
header="benchmark,section,approach,workers,param,value,unit,min,max,speedup,cores"

bench=$srcdir/examples/bench

# loop_scale runs at this many repeats unless CONPAR_BENCH_ARGS says.
loop_repeat=3
for arg in $extra; do
    case $arg in
    --repeat=*) loop_repeat=${arg#--repeat=} ;;
    esac
done
# loop_scale: the event loop at scale, N real one-second waits at once.
loop_sizes=${CONPAR_BENCH_LOOP_SIZES:-10000 100000 1000000}

# loop_scale's CSV: perf_compare's io_scale rows (the waits through
# cp_loop, and how much they grew the peak resident set) for each N, at
# time scale 1 whatever the others run at: the targets are about real
# one-second waits.
loop_scale_csv() {
    echo "$header"
    for n in $loop_sizes; do
        "$1" --csv --sections=io_scale --io-tasks="$n" --time-scale=1 \
            --repeat="$loop_repeat" --size=1 >"$2.part" || return 1
        sed -e 1d -e 's/^perf_compare,/loop_scale,/' "$2.part" || return 1
    done
    rm -f "$2.part"
}

# The options of CONPAR_BENCH_ARGS that this benchmark takes (its --help
# lists them): not every benchmark has --size or --max-workers.
options_for() {
    [ -n "$extra" ] || return 0
    help=$("$1" --help 2>&1) || :
    for arg in $extra; do
        case $help in
        *"${arg%%=*}"*) printf ' %s' "$arg" ;;
        *) echo "bench: $(basename "$1") has no ${arg%%=*}: not given to it" >&2 ;;
        esac
    done
}

# check_csv FILE: exactly the agreed header, 11 fields a row, numbers that
# parse.  Prints the first problem and fails.
check_csv() {
    awk -F, -v header="$header" '
        function number(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
        function integer(s) { return s ~ /^[0-9]+$/ }
        function bad(why) { printf "line %d: %s\n", NR, why; failed = 1; exit 1 }
        NR == 1 { if ($0 != header) bad("header is not \"" header "\""); next }
        NF != 11 { bad(NF " fields, not 11") }
        $1 == "" || $2 == "" || $3 == "" { bad("empty benchmark, section or approach") }
        !integer($4) { bad("workers \"" $4 "\" is not an integer") }
        !number($6) || !number($8) || !number($9) { bad("value, min or max is not a number") }
        $10 != "" && !number($10) { bad("speedup \"" $10 "\" is not a number") }
        !integer($11) || $11 == 0 { bad("cores \"" $11 "\" is not a positive integer") }
        { rows++ }
        END { if (!failed && rows == 0) { print "no rows"; exit 1 } }
    ' "$1"
}

mkdir -p "$out"
if [ -z "$report_only" ]; then
    for name in $benchmarks; do
        rm -f "$out/$name.csv" "$out/$name.csv.tmp"
    done
fi
# What an earlier run left goes first: a run that stops early must not
# leave a report or plots that look like its own.
rm -f "$out/all.csv"
rm -f "$out/report.md" "$out/plots.txt" "$out/speedup.svg" "$out/queue.svg" "$out/gil.svg" "$out/loop.svg" \
    "$out/speedup.dat" "$out/queue.dat" "$out/gil.dat" "$out/loop.dat"

# --------------------------------------------------------- run the programs
total=0
for name in $benchmarks; do total=$((total + 1)); done
i=0
ok=""
failed=""
for name in $benchmarks; do
    i=$((i + 1))
    prog=$builddir/examples/bench/$name
    [ "$name" != loop_scale ] || prog=$builddir/examples/bench/perf_compare
    csv=$out/$name.csv
    if [ -n "$report_only" ]; then
        if [ ! -f "$csv" ]; then
            echo "bench: [$i/$total] $name: no $csv, left out"
        elif why=$(check_csv "$csv"); then
            ok="$ok $name"
        else
            echo "bench: $name: bad CSV in $csv ($why)" >&2
            failed="$failed $name"
        fi
        continue
    fi
    if [ ! -x "$prog" ]; then
        echo "bench: $name: $prog is not built" >&2
        failed="$failed $name"
        continue
    fi
    args="--csv$(options_for "$prog")"
    [ "$name" != loop_scale ] ||
        args="--csv --sections=io_scale --io-tasks=N --time-scale=1 --repeat=$loop_repeat, N in $loop_sizes"
    echo "bench: [$i/$total] $name $args"
    start=$(date +%s)
    status=0
    if [ "$name" = loop_scale ]; then
        loop_scale_csv "$prog" "$csv.tmp" >"$csv.tmp.all" || status=$?
        mv "$csv.tmp.all" "$csv.tmp"
    else
        # shellcheck disable=SC2086  # $args is a list of options, split on purpose
        "$prog" $args >"$csv.tmp" || status=$?
    fi
    if [ "$status" -eq 0 ]; then
        if why=$(check_csv "$csv.tmp"); then
            mv "$csv.tmp" "$csv"
            rows=$(($(wc -l <"$csv") - 1))
            echo "bench: [$i/$total] $name: $rows rows in $(($(date +%s) - start)) s"
            ok="$ok $name"
        else
            echo "bench: $name: bad CSV ($why), kept in $csv.tmp" >&2
            failed="$failed $name"
        fi
    else
        rm -f "$csv.tmp" "$csv.tmp.part"
        echo "bench: $name failed (exit status $status)" >&2
        failed="$failed $name"
    fi
done

if [ -z "$ok" ]; then
    echo "bench: no benchmark ran:$failed" >&2
    exit 1
fi

{
    echo "$header"
    for name in $ok; do
        sed 1d "$out/$name.csv"
    done
} >"$out/all.csv"

# ------------------------------------------------------- plots and report
# The plots' failures are in plots.txt, as "failed NAME.svg" lines.
plot_failed=""
if ! sh "$bench/bench-plots.sh" "$out"; then
    plot_failed=$(awk '$1 == "failed" { printf " %s", $2 }' "$out/plots.txt" 2>/dev/null) || :
    [ -n "$plot_failed" ] || plot_failed=" bench-plots.sh"
fi
# shellcheck disable=SC2086  # $failed is a list of names, split on purpose
sh "$bench/bench-report.sh" "$out" $failed
echo "bench: wrote $out/all.csv and $out/report.md"

if [ -n "$failed$plot_failed" ]; then
    echo "bench: FAILED:$failed$plot_failed" >&2
    exit 1
fi
