#!/bin/sh
# SPDX-License-Identifier: 0BSD
# make-bench.sh: run every benchmark once and write what it measured.
#
# Usage (what `make bench` runs, from the build directory):
#     GNUPLOT=/usr/bin/gnuplot sh make-bench.sh SRCDIR BUILDDIR [OUTDIR]
#
# Each program in BUILDDIR/examples/bench/ runs once with --csv, at its
# default sizes (the CPU-bound work is calibrated to take about half a
# second), and OUTDIR (default bench-results) gets:
#     NAME.csv     that benchmark's CSV, as it printed it
#     all.csv      every benchmark's rows under one header
#     report.md    the machine, the issue's targets checked against the
#                  figures, and one table per benchmark and section; it
#                  points to python/compare.md and peers/peers.md when
#                  `make bench-python` and `make bench-peers` wrote them
#     speedup.svg  CPU-bound speedup against workers  }
#     queue.svg    queue throughput by capacity       } with gnuplot
#     gil.svg      threads with and without one lock  } (plots.gp)
#     loop.svg     the event loop at scale            }
# loop_scale is perf_compare's event loop at scale again, for real
# one-second waits, N = 10,000, 100,000 and 1,000,000
# (CONPAR_BENCH_LOOP_SIZES changes the list).
# The report is built from the CSV alone, so it can be rebuilt by hand.
#
# CONPAR_BENCH_REPORT_ONLY=1 runs nothing: it rebuilds the report and the
# plots from the NAME.csv files already in OUTDIR (a missing one is left
# out of the report).
#
# CONPAR_BENCH_ARGS adds options to every benchmark that takes them (as
# its --help says), for instance
#     make bench CONPAR_BENCH_ARGS='--repeat=3 --max-workers=16'
# and CONPAR_TIME_SCALE (or --time-scale=F there) shortens the I/O waits.
#
# A benchmark that fails, or prints CSV that does not parse, is named and
# makes the script exit 1 once the others have run.  Targets that are
# missed are reported, not treated as failures: timings on a busy machine
# vary, and the report says by how much they missed.

set -eu

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: make-bench.sh SRCDIR BUILDDIR [OUTDIR]" >&2
    exit 2
fi
srcdir=$1
builddir=$2
out=${3:-bench-results}
gnuplot=${GNUPLOT:-}
extra=${CONPAR_BENCH_ARGS:-}
report_only=${CONPAR_BENCH_REPORT_ONLY:-}

# The order of the report: the lessons' order, then the costs.
benchmarks="concurrency_vs_parallelism thread_vs_process perf_compare loop_scale gil_demo queue_throughput spawn_cost"
header="benchmark,section,approach,workers,param,value,unit,min,max,speedup,cores"

# One simulated wait lasts time_scale seconds: the I/O targets need it.
time_scale=${CONPAR_TIME_SCALE:-1}
loop_repeat=3
for arg in $extra; do
    case $arg in
    --time-scale=*) time_scale=${arg#--time-scale=} ;;
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
rm -f "$out/all.csv"
rm -f "$out/report.md" "$out/speedup.svg" "$out/queue.svg" "$out/gil.svg" "$out/loop.svg" \
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

# The machine's core count as the benchmarks saw it (one value, normally).
cores=$(awk -F, 'NR > 1 && !seen[$11]++ { printf "%s%s", sep, $11; sep = ", " }' "$out/all.csv")

# ------------------------------------------------------------------- plots
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

plots=""        # what the report says about plots
plot_failed=""
if [ -z "$gnuplot" ]; then
    echo "gnuplot not found: plots skipped (install gnuplot and re-run configure)"
    plots="none"
else
    gp=$srcdir/examples/bench/plots.gp
    cores1=${cores%%,*}
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
        has() { awk -v c="$1" '!/^#/ && $c != "NaN" { n++ } END { print n ? 1 : 0 }' "$out/speedup.dat"; }
        if "$gnuplot" -e "plot='speedup'; datafile=$(gp_quote "$out/speedup.dat"); \
outfile=$(gp_quote "$out/speedup.svg"); cores=$cores1; maxw=$maxw; loop=$(has 8); \
probe=$(has 11); openmp=$(has 14); source=$(gp_quote "$speed_from")" "$gp"; then
            echo "bench: wrote $out/speedup.svg (from $speed_from)"
            plots="$plots speedup:$speed_from"
        else
            echo "bench: gnuplot failed on $out/speedup.svg" >&2
            plot_failed="$plot_failed speedup.svg"
        fi
    else
        rm -f "$out/speedup.dat"
        echo "bench: no CPU-bound speedups (perf_compare, thread_vs_process): speedup plot skipped"
    fi
    if queue_data >"$out/queue.dat" && [ -s "$out/queue.dat" ]; then
        read -r qcols qconfs qlog <<EOF || :
$(sed -n '2s/^# columns \([0-9]*\) configurations \([0-9]*\) logscale \([01]\)$/\1 \2 \3/p' "$out/queue.dat")
EOF
        if [ -n "${qlog:-}" ] && "$gnuplot" -e "plot='queue'; datafile=$(gp_quote "$out/queue.dat"); \
outfile=$(gp_quote "$out/queue.svg"); ncol=$qcols; nconf=$qconfs; logy=$qlog; \
cores=$cores1" "$gp"; then
            echo "bench: wrote $out/queue.svg"
            plots="$plots queue"
        else
            echo "bench: gnuplot failed on $out/queue.svg" >&2
            plot_failed="$plot_failed queue.svg"
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
outfile=$(gp_quote "$out/gil.svg"); cores=$cores1; python=$python" "$gp"; then
            echo "bench: wrote $out/gil.svg"
            plots="$plots gil"
        else
            echo "bench: gnuplot failed on $out/gil.svg" >&2
            plot_failed="$plot_failed gil.svg"
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
            plots="$plots loop"
        else
            echo "bench: gnuplot failed on $out/loop.svg" >&2
            plot_failed="$plot_failed loop.svg"
        fi
    else
        rm -f "$out/loop.dat"
        echo "bench: no loop_scale figures: loop plot skipped"
    fi
fi

# ------------------------------------------------------------------ report
cpu_model() {
    if [ -r /proc/cpuinfo ]; then
        sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | sed -n 1p
    elif command -v sysctl >/dev/null 2>&1; then
        sysctl -n machdep.cpu.brand_string 2>/dev/null || :
    fi
}

# The issue's targets, checked against the figures.  mode=summary prints
# "met missed unchecked notrequired" instead of the Markdown.  A target is
# "not required" when the run says the machine could not have met it: the
# absolute CPU-bound speedups when the probe delivered under 0.95 x W cores.
targets() {
    awk -F, -v mode="$1" -v scale="$time_scale" '
        NR == 1 { next }
        {
            n++; b[n] = $1; s[n] = $2; a[n] = $3; w[n] = $4 + 0; p[n] = $5
            v[n] = $6 + 0; sp[n] = $10; c[n] = $11 + 0
            if ($10 != "") spx[$1, $2, $3, $4 + 0] = $10   # speedup by benchmark, section, approach, W
        }
        function x2(f) { return sprintf("%.2fx", f) }
        function sec(f) { return sprintf("%.3f s", f) }
        # Verdicts compare the figures as printed: a speedup that prints as
        # 1.90x meets a bound that prints as 1.90x.
        function atleast2(f, bound) { return sprintf("%.2f", f) + 0 >= sprintf("%.2f", bound) + 0 }
        function atmost2(f, bound) { return sprintf("%.2f", f) + 0 <= sprintf("%.2f", bound) + 0 }
        function atmost3(f, bound) { return sprintf("%.3f", f) + 0 <= sprintf("%.3f", bound) + 0 }
        # ok: 1 met, 0 missed, "" not checked, "notreq" not required.
        function row(target, bench, ok, detail) {
            if (ok == "") unchecked++; else if (ok == "notreq") notreq++; else if (ok) met++; else missed++
            if (mode == "summary") return
            if (ok == "") result = "not checked: " detail
            else if (ok == "notreq") result = "not required: " detail
            else result = (ok ? "met: " : "**missed**: ") detail
            printf "| %s | %s | %s |\n", target, bench, result
        }
        # CPU-bound, threads and processes: >= 0.95 x W at the largest
        # W <= cores (the core count when the table has that row), and not
        # below 0.9 x cores with more workers than cores.  Not required when
        # the same run'"'"'s probe at that W delivered under 0.95 x W cores.
        function cpu_target(bench, appr,    i, top, ok, d, found, beyond, lim, what, pr) {
            top = 0
            for (i = 1; i <= n; i++)
                if (b[i] == bench && s[i] == "cpu" && a[i] == appr && sp[i] != "" &&
                    w[i] <= c[i] && w[i] > top) top = w[i]
            ok = 1; d = ""; found = beyond = 0
            for (i = 1; i <= n; i++) {
                if (b[i] != bench || s[i] != "cpu" || a[i] != appr || sp[i] == "") continue
                if (w[i] == top) lim = 0.95 * w[i]
                else if (w[i] > c[i]) { lim = 0.9 * c[i]; beyond = 1 }
                else continue
                found = 1
                d = d (d == "" ? "" : ", ") "W=" w[i] " " x2(sp[i]) (atleast2(sp[i], lim) ? "" : " < " x2(lim))
                if (!atleast2(sp[i], lim)) ok = 0
            }
            if (!found) return
            what = "CPU-bound " appr ": speedup"
            if (top) what = what " ≥ 0.95 × W at " (top == cores ? "W = cores = " top : "W = " top " (largest W ≤ cores)")
            if (top && beyond) what = what ","
            if (beyond) what = what " ≥ 0.9 × cores for W > cores"
            pr = (top && ((bench, "cpu", "probe", top) in spx)) ? spx[bench, "cpu", "probe", top] : ""
            if (pr != "" && !atleast2(pr, 0.95 * top))
                row(what, bench, "notreq", sprintf("probe delivered %.2f of %d cores; ", pr, top) d)
            else
                row(what, bench, ok, d)
        }
        # CPU-bound threads against another row of the same run, W by W:
        # threads speedup / its speedup >= 0.97 at every W <= cores.
        function ratio_target(bench, other, label,    i, ok, d, found, r) {
            ok = 1; d = ""; found = 0
            for (i = 1; i <= n; i++) {
                if (b[i] != bench || s[i] != "cpu" || a[i] != "threads" || sp[i] == "" || w[i] > c[i]) continue
                if (!((bench, "cpu", other, w[i]) in spx)) continue
                found = 1
                r = sp[i] / spx[bench, "cpu", other, w[i]]
                d = d (d == "" ? "" : ", ") "W=" w[i] " " sprintf("%.2f", r) (atleast2(r, 0.97) ? "" : " < 0.97")
                if (!atleast2(r, 0.97)) ok = 0
            }
            if (found)
                row("CPU-bound threads ÷ " label " ≥ 0.97 at every W ≤ cores (same run)", bench, ok, d)
        }
        function io_target(bench, appr,    i, ok, d, found, lim) {
            ok = 1; d = ""; found = 0; lim = 1.05 * scale
            for (i = 1; i <= n; i++) {
                if (b[i] != bench || s[i] != "io" || a[i] != appr) continue
                found = 1
                d = d (d == "" ? "" : ", ") "W=" w[i] " " sec(v[i])
                if (!atmost3(v[i], lim)) ok = 0
            }
            if (found)
                row("I/O-bound " (appr == "event_loop" ? "event loop" : appr) ": W waits of one unit in ≤ 1.05 units (" sec(lim) ")", bench, ok, d)
        }
        END {
            cores = c[1]
            if (mode != "summary") {
                print "| Target | Benchmark | Result |"
                print "|---|---|---|"
            }
            split("concurrency_vs_parallelism thread_vs_process perf_compare", cb, " ")
            split("threads processes", ca, " ")
            for (j = 1; j <= 3; j++) {
                for (k = 1; k <= 2; k++) cpu_target(cb[j], ca[k])
                ratio_target(cb[j], "probe", "probe")
                ratio_target(cb[j], "openmp", "OpenMP")
            }
            if (!met && !missed && !notreq) row("CPU-bound threads and processes scale with the cores", "", "", "no cpu rows with a speedup")
            before = met + missed
            split("threads processes event_loop", ia, " ")
            for (j = 1; j <= 3; j++) for (k = 1; k <= 3; k++) io_target(cb[j], ia[k])
            if (met + missed == before) row("I/O-bound waits overlap", "", "", "no io rows")

            found = 0; ok = 1; d = ""
            for (i = 1; i <= n; i++)
                if (b[i] == "perf_compare" && s[i] == "io_scale" && a[i] == "event_loop") {
                    found = 1
                    d = d (d == "" ? "" : ", ") p[i] " tasks " sec(v[i])
                    if (!atmost3(v[i], 1.2 * scale)) ok = 0
                }
            row("Event loop at scale: concurrent one-unit waits in ≤ 1.2 units (" sec(1.2 * scale) ")",
                "perf_compare", found ? ok : "", found ? d : "no io_scale rows")

            # loop_scale: real one-second waits through cp_loop.
            t1m = t100k = b1m = ""
            for (i = 1; i <= n; i++) {
                if (b[i] != "loop_scale") continue
                if (s[i] == "io_scale" && p[i] == "1000000") t1m = v[i]
                if (s[i] == "io_scale" && p[i] == "100000") t100k = v[i]
                if (s[i] == "io_scale_peak" && p[i] == "1000000") b1m = v[i] / 1000000
            }
            row("Event loop: 1,000,000 one-second waits in ≤ 1.25 s, ≤ 200 bytes a task", "loop_scale",
                (t1m != "" && b1m != "") ? (atmost2(t1m, 1.25) && b1m <= 200) : "",
                (t1m != "" && b1m != "") ? sprintf("%s, %.0f bytes a task", sec(t1m), b1m) : "no 1000000-wait rows")
            row("Event loop: 100,000 one-second waits in ≤ 1.05 s", "loop_scale",
                t100k != "" ? atmost2(t100k, 1.05) : "", t100k != "" ? sec(t100k) : "no 100000-wait row")

            found = 0; ok = 1; d = ""
            for (i = 1; i <= n; i++)
                if (b[i] == "gil_demo" && a[i] == "global_lock" && sp[i] != "") {
                    found = 1
                    d = d (d == "" ? "" : ", ") "W=" w[i] " " x2(sp[i]) (atmost2(sp[i], 1.1) ? "" : " > 1.10x")
                    if (!atmost2(sp[i], 1.1)) ok = 0
                }
            row("Global lock: speedup ≤ 1.1x", "gil_demo", found ? ok : "", found ? d : "no global_lock rows")
            found = 0; ok = 1; d = ""
            for (i = 1; i <= n; i++)
                if (b[i] == "gil_demo" && a[i] == "no_lock" && sp[i] != "") {
                    found = 1
                    lim = 0.95 * (w[i] < c[i] ? w[i] : c[i])
                    d = d (d == "" ? "" : ", ") "W=" w[i] " " x2(sp[i]) (atleast2(sp[i], lim) ? "" : " < " x2(lim))
                    if (!atleast2(sp[i], lim)) ok = 0
                }
            row("No lock: speedup ≥ 0.95 × min(W, cores)", "gil_demo", found ? ok : "", found ? d : "no no_lock rows")

            split("1x1 4x4", shape, " ")
            for (j = 1; j <= 2; j++) {
                q = g = ""
                for (i = 1; i <= n; i++) {
                    if (b[i] == "queue_throughput" && a[i] == "cp_queue" && p[i] == shape[j] "@1024") q = v[i]
                    if (b[i] == "queue_throughput" && a[i] == "gasyncqueue" && p[i] == shape[j] "@unbounded") g = v[i]
                }
                sub("x", "→", shape[j])
                row("cp_queue at capacity 1024, " shape[j] ": at least as fast as unbounded GAsyncQueue", "queue_throughput",
                    (q != "" && g != "") ? (sprintf("%.3g", q) + 0 >= sprintf("%.3g", g) + 0) : "",
                    (q != "" && g != "") ? sprintf("%.3g against %.3g items/s", q, g) : "no rows for both")
            }
            if (mode == "summary") print met + 0, missed + 0, unchecked + 0, notreq + 0
        }
    ' "$out/all.csv"
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

# One Markdown table per benchmark and section: a row per workers (or
# param), a column per approach, each cell "median ±half-spread (speedup)"
# in the unit that suits it (ms, µs, KiB, M/s: items per second).
tables() {
    awk -F, '
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
        BEGIN {
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
            about["loop_scale"] = "The event loop at scale: N concurrent one-second waits through cp_loop'"'"'s " \
                "public API, as the async examples make them (a group of sleeps and a gather), timed " \
                "until the gather completes; and how much they grew the peak resident set."
            about["perf_compare"] = "Lesson 002 §5: CPU-bound and I/O-bound work for W workers in sequence, " \
                "with threads, with processes and on an event loop; the memory each adds; " \
                "many concurrent waits on one event loop."
            about["gil_demo"] = "What Python'"'"'s Global Interpreter Lock does to CPU-bound threads, in C: " \
                "the same threads with one global lock taken around each step of work, and without it."
            about["queue_throughput"] = "Items per second through cp_queue, GLib'"'"'s GAsyncQueue and a pipe " \
                "between threads; rows are producers×consumers@capacity."
            about["spawn_cost"] = "What starting one thread, one process, one executor round trip " \
                "and one process-pool task costs, and the memory each thread and process adds."
        }
        NR == 1 { next }
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
    ' "$out/all.csv"
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
    echo "## Plots"
    echo
    if [ "$plots" = none ]; then
        echo "Skipped: gnuplot was not found when the package was configured."
        echo "Install gnuplot, re-run configure and \`make bench\` to draw them."
    elif [ -z "$plots" ]; then
        echo "None: the figures they are drawn from are missing."
    fi
    for plot in $plots; do
        case $plot in
        speedup:*)
            echo "![CPU-bound speedup against workers (${plot#speedup:})](speedup.svg)"
            echo
            echo "CPU-bound speedup against workers, from \`${plot#speedup:}\`, with the"
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
        esac
    done
    if [ -n "$plot_failed" ]; then
        echo "gnuplot failed on:$plot_failed."
    fi
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
echo "bench: wrote $out/all.csv and $out/report.md"

if [ -n "$failed$plot_failed" ]; then
    echo "bench: FAILED:$failed$plot_failed" >&2
    exit 1
fi
