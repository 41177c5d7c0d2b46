# SPDX-License-Identifier: 0BSD
# plots.gp: the plots of `make bench`, as SVG (gnuplot 5.2 or later).
#
# bench-plots.sh writes the data files from the benchmarks' CSV and calls
#     gnuplot -e "plot='speedup'; datafile='speedup.dat'; outfile='speedup.svg'; \
#                 cores=8; maxw=8; loop=1; probe=1; openmp=1; source='perf_compare'" plots.gp
#     gnuplot -e "plot='queue'; datafile='queue.dat'; outfile='queue.svg'; \
#                 ncol=6; nconf=2; logy=0; cores=8" plots.gp
#     gnuplot -e "plot='gil'; datafile='gil.dat'; outfile='gil.svg'; cores=8; python=1" plots.gp
#     gnuplot -e "plot='loop'; datafile='loop.dat'; outfile='loop.svg'" plots.gp
#
# speedup.dat: W, then speedup, low, high (the runs' spread) for threads,
#              processes, event loop, probe and OpenMP (NaN: no figure;
#              loop, probe and openmp = 0 when that column is all NaN).
# gil.dat:     "W C-threads C-threads-with-one-lock Python-threads
#              Python-processes" per line (python = 0: no Python columns).
# loop.dat:    "waits wall-seconds bytes-per-task" per line.
# queue.dat:   a line of quoted column titles, a "# columns ..." line, then
#              "x capacity items/s items/s ..." per line (x: where to put
#              the capacity, which may be a word such as "unbounded"); the
#              ncol columns go approach by approach, nconf set-ups each.

set encoding utf8
set terminal svg size 800,520 dynamic noenhanced font "sans,13" background rgb "white"
set output outfile
set datafile missing NaN
set key outside right top box
set grid
set border 3
set tics nomirror

# Colours by approach, the same in both plots (colour-blind safe).
colour(i) = i == 1 ? "#0072b2" : i == 2 ? "#d55e00" : i == 3 ? "#009e73" : "#cc79a7"

if (plot eq "speedup") {
    # The ideal speedup: one more worker per core helps until the cores run out.
    ideal(w) = w < cores ? w : cores
    set title sprintf("Speedup of CPU-bound work split over W workers (%s, %d cores)", source, cores)
    set xlabel "Workers (W)"
    set ylabel "Speedup (sequential time / time)"
    set xrange [1:(maxw > 1 ? maxw : 2)]
    # Just above the cores: nothing CPU-bound goes faster, so the W line is
    # cut there, and the figures keep the room.
    set yrange [0:cores + 0.5]
    set samples 1001
    set style fill transparent solid 0.25 noborder
    # The band: the cores the probe says the machine delivered (low to
    # high); threads and processes often overlap: big dots under small squares.
    # Each curve is a clause of one plot command; the optional ones only
    # where their column has figures.
    q = "'" . datafile . "'"
    cmd = "plot "
    if (probe) { cmd = cmd . q . " using 1:12:13 title 'cores delivered (probe)' with filledcurves lc rgb '#999999', " }
    cmd = cmd . "ideal(x) title 'ideal: min(W, cores)' with lines lw 2 lc rgb '#888888', "
    cmd = cmd . "x title 'W (no core limit)' with lines lw 1 dt 2 lc rgb '#888888', "
    cmd = cmd . q . " using 1:2:3:4:xtic(1) title 'threads' with yerrorlines lw 3 pt 7 ps 1.7 lc rgb colour(1), "
    cmd = cmd . q . " using 1:5:6:7 title 'processes' with yerrorlines lw 2 dt 3 pt 5 ps 0.9 lc rgb colour(2)"
    if (loop) { cmd = cmd . ", " . q . " using 1:8:9:10 title 'event loop' with yerrorlines lw 2 pt 9 ps 1.4 lc rgb colour(3)" }
    if (openmp) { cmd = cmd . ", " . q . " using 1:14:15:16 title 'OpenMP' with yerrorlines lw 2 dt 4 pt 13 ps 1.2 lc rgb colour(4)" }
    eval cmd
} else {
    if (plot eq "queue") {
        set title "Items per second through each queue, by capacity (producers→consumers)"
        set xlabel "Queue capacity (items)"
        set ylabel "Items per second"
        set logscale x 2
        set offsets graph 0.05, graph 0.05, 0, 0
        if (logy) {
            set logscale y 10
            set format y "%.0s%c"
        } else {
            set yrange [0:*]
            set format y "%.1s%c"
        }
        # Column i: colour by approach, dash and point by set-up.
        approach(i) = (i - 3) / nconf % 4 + 1
        setup(i) = (i - 3) % nconf + 1
        marker(i) = setup(i) == 1 ? 7 : 5
        plot for [i=3:ncol+2] datafile using 1:i:xtic(2) title columnheader(i) \
             with linespoints lw 2 ps 1.1 \
             lc rgb colour(approach(i)) dt setup(i) pt marker(i)
    } else {
    if (plot eq "gil") {
        ideal(w) = w < cores ? w : cores
        set title sprintf("CPU-bound threads, with and without one global lock (%d cores)", cores)
        set xlabel "Workers (W)"
        set ylabel "Speedup (sequential time / time)"
        set yrange [0:cores + 0.5]
        set samples 1001
        q = "'" . datafile . "'"
        cmd = "plot ideal(x) title 'ideal: min(W, cores)' with lines lw 2 lc rgb '#888888', "
        cmd = cmd . q . " using 1:2:xtic(1) title 'C threads' with linespoints lw 3 pt 7 ps 1.5 lc rgb colour(1), "
        cmd = cmd . q . " using 1:3 title 'C threads, one global lock (a GIL)' with linespoints lw 2 pt 5 lc rgb colour(2)"
        if (python) { cmd = cmd . ", " . q . " using 1:4 title 'Python threads' with linespoints lw 2 dt 2 pt 9 lc rgb colour(3)" }
        if (python) { cmd = cmd . ", " . q . " using 1:5 title 'Python processes' with linespoints lw 2 dt 3 pt 11 lc rgb colour(4)" }
        eval cmd
    } else {
    if (plot eq "loop") {
        set title "One-second waits at once through cp_loop"
        set xlabel "Concurrent waits"
        set ylabel "Wall time until the last ends (s)"
        set y2label "Bytes a waiting task adds"
        set logscale x 10
        set format x "%.0s%c"
        set yrange [0:*]
        set y2range [0:*]
        set ytics nomirror
        set y2tics
        plot 1 title "one wait alone (1 s)" with lines lw 1 dt 2 lc rgb "#888888", \
             datafile using 1:2 title "wall time" with linespoints lw 3 pt 7 ps 1.4 lc rgb colour(1), \
             datafile using 1:3 axes x1y2 title "bytes a task" with linespoints lw 2 dt 3 pt 5 lc rgb colour(2)
    } else {
        print "plots.gp: plot must be 'speedup', 'queue', 'gil' or 'loop'"
        exit status 2
    }
    }
    }
}
