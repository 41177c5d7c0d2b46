# SPDX-License-Identifier: 0BSD
# plots.gp: the two plots of `make bench`, as SVG (gnuplot 5.2 or later).
#
# make-bench.sh writes the data files from the benchmarks' CSV and calls
#     gnuplot -e "plot='speedup'; datafile='speedup.dat'; outfile='speedup.svg'; \
#                 cores=8; maxw=8; loop=1; source='perf_compare'" plots.gp
#     gnuplot -e "plot='queue'; datafile='queue.dat'; outfile='queue.svg'; \
#                 ncol=6; nconf=2; logy=0; cores=8" plots.gp
#
# speedup.dat: "W threads processes event_loop" per line (NaN: no figure;
#              loop=0 when there is no event-loop column at all).
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
    set yrange [0:*]
    set samples 1001
    # Threads and processes often overlap: big dots under small squares.
    if (loop) {
        plot ideal(x) title "ideal: min(W, cores)" with lines lw 2 lc rgb "#888888", \
             x title "W (no core limit)" with lines lw 1 dt 2 lc rgb "#888888", \
             datafile using 1:2:xtic(1) title "threads" with linespoints lw 3 pt 7 ps 1.7 lc rgb colour(1), \
             datafile using 1:3 title "processes" with linespoints lw 2 dt 3 pt 5 ps 0.9 lc rgb colour(2), \
             datafile using 1:4 title "event loop" with linespoints lw 2 pt 9 ps 1.4 lc rgb colour(3)
    } else {
        plot ideal(x) title "ideal: min(W, cores)" with lines lw 2 lc rgb "#888888", \
             x title "W (no core limit)" with lines lw 1 dt 2 lc rgb "#888888", \
             datafile using 1:2:xtic(1) title "threads" with linespoints lw 3 pt 7 ps 1.7 lc rgb colour(1), \
             datafile using 1:3 title "processes" with linespoints lw 2 dt 3 pt 5 ps 0.9 lc rgb colour(2)
    }
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
        print "plots.gp: plot must be 'speedup' or 'queue'"
        exit status 2
    }
}
