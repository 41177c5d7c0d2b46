#!/bin/sh
# SPDX-License-Identifier: 0BSD
# bench-report.sh: write make bench's report.md from the figures in all.csv.
#
# Usage (make-bench.sh runs it last; it also runs alone, to rebuild the
# report from figures already there):
#     sh bench-report.sh OUTDIR [NAME...]
#
# Reads, in OUTDIR:
#     all.csv            every benchmark's rows under one header
#     plots.txt          which plots bench-plots.sh drew (see there)
#     python/compare.md  } when `make bench-python` and `make bench-peers`
#     peers/peers.md     } wrote them, the report points to them
# NAMEs are the benchmarks that failed or printed bad CSV: the report
# lists them as missing.  CONPAR_BENCH_ARGS and CONPAR_TIME_SCALE are read
# as make-bench.sh gave them to the benchmarks: the report names the
# options, and the I/O targets are in units of the time scale.
#
# Writes OUTDIR/report.md: the machine, the issue's targets checked
# against the figures (report-targets.awk), the cores the machine
# delivered, the plots, and one table per benchmark and section
# (report-tables.awk).  Prints the targets' counts on one line:
#     bench: targets: 8 met, 4 missed, 2 not required, 2 not checked (see ...)
# Missed targets are reported, not failures: it exits 0 once the report
# is written.

set -eu

if [ $# -lt 1 ]; then
    echo "usage: bench-report.sh OUTDIR [NAME...]" >&2
    exit 2
fi
out=$1
shift
failed=$*
here=$(dirname "$0")
extra=${CONPAR_BENCH_ARGS:-}
if [ ! -f "$out/all.csv" ]; then
    echo "bench-report.sh: no $out/all.csv (make-bench.sh writes it)" >&2
    exit 2
fi

# One simulated wait lasts time_scale seconds: the I/O targets need it.
time_scale=${CONPAR_TIME_SCALE:-1}
for arg in $extra; do
    case $arg in
    --time-scale=*) time_scale=${arg#--time-scale=} ;;
    esac
done

# The machine's core count as the benchmarks saw it (one value, normally).
cores=$(awk -F, 'NR > 1 && !seen[$11]++ { printf "%s%s", sep, $11; sep = ", " }' "$out/all.csv")

cpu_model() {
    if [ -r /proc/cpuinfo ]; then
        sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | sed -n 1p
    elif command -v sysctl >/dev/null 2>&1; then
        sysctl -n machdep.cpu.brand_string 2>/dev/null || :
    fi
}

# The issue's targets, checked against the figures (report-targets.awk says
# how): mode table prints the Markdown, mode summary the counts.
targets() {
    awk -v mode="$1" -v scale="$time_scale" -f "$here/report-targets.awk" "$out/all.csv"
}

# One Markdown table per benchmark and section (report-tables.awk).
tables() {
    awk -f "$here/report-tables.awk" "$out/all.csv"
}

# How many cores the machine gave this run, and what the threads got of
# them: the probe (W whole copies of the sum at once, in W processes that
# share nothing) measured in turns with the threads, OpenMP and processes
# at each W <= cores.  Read it when a CPU-bound target is missed: on a busy
# machine, or a virtual one whose host runs other guests, the probe misses
# too, and threads / probe near 1 says the threads lost nothing.
capacity() {
    awk -F, '
        NR == 1 { next }
        $2 == "cpu" && $10 != "" && $4 + 0 <= $11 + 0 &&
        ($3 == "threads" || $3 == "processes" || $3 == "probe" || $3 == "openmp") {
            sp[$1, $4 + 0, $3] = $10
            if (!(($1, $4 + 0) in seen)) { seen[$1, $4 + 0] = 1; rb[++n] = $1; rw[n] = $4 + 0 }
        }
        function x2(k) { return (k in sp) ? sprintf("%.2fx", sp[k]) : "–" }
        function over(t, k) { return (k in sp) ? sprintf("%.2f", sp[t] / sp[k]) : "–" }
        END {
            for (i = 1; i <= n; i++) {
                b = rb[i]; w = rw[i]; t = b SUBSEP w SUBSEP "threads"
                if (!(t in sp) || !((b, w, "probe") in sp)) continue
                if (!rows++) {
                    print "| Benchmark | W | Cores delivered (probe) | Threads | Threads ÷ probe | OpenMP | Threads ÷ OpenMP | Processes |"
                    print "|---|---:|---:|---:|---:|---:|---:|---:|"
                }
                printf "| %s | %d | %.2f of %d | %s | %s | %s | %s | %s |\n", b, w, sp[b, w, "probe"], w,
                       x2(t), over(t, b SUBSEP w SUBSEP "probe"), x2(b SUBSEP w SUBSEP "openmp"),
                       over(t, b SUBSEP w SUBSEP "openmp"), x2(b SUBSEP w SUBSEP "processes")
            }
            if (!rows) print "No CPU-bound probe rows (the benchmarks print them with --csv)."
        }
    ' "$out/all.csv"
}

# What the plots section says: bench-plots.sh's plots.txt, a line a plot.
plots_section() {
    echo "## Plots"
    echo
    if [ ! -f "$out/plots.txt" ]; then
        echo "Not drawn: bench-plots.sh draws them (\`make bench\` runs it)."
        return
    fi
    if grep -q '^none$' "$out/plots.txt"; then
        echo "Skipped: gnuplot was not found when the package was configured."
        echo "Install gnuplot, re-run configure and \`make bench\` to draw them."
    elif ! grep -q -v '^failed ' "$out/plots.txt"; then
        echo "None: the figures they are drawn from are missing."
    fi
    plot_failed=""
    while read -r plot from; do
        case $plot in
        speedup)
            echo "![CPU-bound speedup against workers ($from)](speedup.svg)"
            echo
            echo "CPU-bound speedup against workers, from \`$from\`, with the"
            echo "spread of the runs as error bars; the solid grey line is the ideal,"
            echo "min(W, cores), the dashed one W (cut above the cores), the grey band"
            echo "the cores the probe says the machine delivered."
            echo
            ;;
        queue)
            echo "![Queue throughput by capacity](queue.svg)"
            echo
            echo "Items per second through each queue by capacity, from \`queue_throughput\`."
            echo
            ;;
        gil)
            echo "![CPU-bound threads with and without a global lock](gil.svg)"
            echo
            echo "CPU-bound speedup against workers: C threads, the same threads taking"
            echo "one global lock around each step (\`gil_demo\`), and, after"
            echo "\`make bench-python\`, Python's threads and processes."
            echo
            ;;
        loop)
            echo "![The event loop at scale](loop.svg)"
            echo
            echo "Concurrent one-second waits through cp_loop: the wall time until the"
            echo "last ends, and the bytes each waiting task adds (\`loop_scale\`)."
            echo
            ;;
        failed)
            plot_failed="$plot_failed $from"
            ;;
        esac
    done <"$out/plots.txt"
    if [ -n "$plot_failed" ]; then
        echo "gnuplot failed on:$plot_failed."
    fi
}

model=$(cpu_model)
{
    echo "# conpar benchmark report"
    echo
    echo "- Cores: $cores"
    echo "- System: $(uname -srm)"
    echo "- CPU: ${model:-unknown}"
    echo "- Date: $(date '+%Y-%m-%d %H:%M %Z')"
    if [ -n "$extra" ]; then
        echo "- Options (to each benchmark that takes them): \`$extra\`"
    fi
    if [ "$time_scale" != 1 ]; then
        echo "- Time scale: $time_scale (a simulated one-second wait lasts $time_scale s)"
    fi
    echo
    echo "Each figure is the median of the measured runs (after a warm-up run)"
    echo "± half their spread, (max − min) / 2. The speedup in parentheses is"
    echo "the sequential median divided by this median, both from the same run;"
    echo "for the probe, which does W times the work, W times that: the cores"
    echo "delivered (see below)."
    echo "The raw figures are in \`all.csv\`, one CSV file per benchmark beside it."
    if [ -f "$out/python/compare.md" ]; then
        echo "Python side by side: see python/compare.md (make bench-python)."
    fi
    if [ -f "$out/peers/peers.md" ]; then
        echo "Other runtimes beside conpar: see peers/peers.md (make bench-peers)."
    fi
    echo
    if [ -n "$failed" ]; then
        printf '**Not in this report** (failed, or printed bad CSV):'
        for name in $failed; do
            printf ' \140%s\140' "$name"  # `name`
        done
        printf '\n\n'
    fi
    plots_section
    echo
    echo "## Targets"
    echo
    targets table
    echo
    echo "### Cores delivered"
    echo
    echo "The probe runs W whole copies of the sequential sum at once, in W"
    echo "processes that share nothing; W × the sequential time ÷ its time is how"
    echo "many cores the machine gave this run, measured in turns with the other"
    echo "rows of the same W.  When it is below 0.95 × W, the cores were not all"
    echo "free (other programs, or a virtual machine's host running other guests),"
    echo "and the targets of 0.95 × W are reported, not required; the ratios"
    echo "still hold.  Threads ÷ probe near 1 means the threads got the cores"
    echo "there were; threads ÷ OpenMP near 1, that the pragma does no better"
    echo "than threads started by hand.  Both are ratios within one run."
    echo
    capacity
    echo
    tables
} >"$out/report.md.tmp"
mv "$out/report.md.tmp" "$out/report.md"

read -r met missed unchecked notrequired <<EOF
$(targets summary)
EOF
echo "bench: targets: $met met, $missed missed, $notrequired not required, $unchecked not checked (see $out/report.md)"
