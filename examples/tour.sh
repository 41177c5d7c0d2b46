#!/bin/sh
# SPDX-License-Identifier: 0BSD
# make tour: run each example given, in order, under a heading, with -v
# where the program has it (the lesson's lines and what C adds), the
# lessons' waits shortened (TOUR_TIME_SCALE, default 0.1) and a long output
# cut to its first TOUR_LINES lines (default 30).  Run from the build
# directory: the programs are ./examples/<topic>/<name>.
set -u
scale=${TOUR_TIME_SCALE:-0.1}
lines=${TOUR_LINES:-30}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/conpar-tour.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

run() {   # run PROGRAM [ARG...]: its output into $tmp/out
  prog=$1
  shift
  # -v adds what the C program teaches beyond the lesson's own lines.
  if "./$prog" --help | grep -q -- '--verbose'; then
    set -- -v "$@"
  fi
  CONPAR_TIME_SCALE=$scale "./$prog" "$@" > "$tmp/out"
}

count=$#
for prog in "$@"; do
  printf '\n==== %s ====\n' "$prog"
  # Two programs are shown so that their section makes the lesson's point:
  # inc_dec_counter's 400,001 lines mostly read "Shared Variable: 0", so
  # they are counted (the values stay within 0..3, the final one is 0);
  # locked_file_writer's output is its file, written here rather than into
  # the source tree.
  case $prog in
    */inc_dec_counter)
      run "$prog" &&
        { echo "(its $(wc -l < "$tmp/out") lines, counted with sort | uniq -c:)"
          sort "$tmp/out" | uniq -c; } > "$tmp/counted" &&
        mv "$tmp/counted" "$tmp/out" ;;
    */locked_file_writer)
      run "$prog" --output="$tmp/results.txt" &&
        { echo "(the file it wrote:)"; cat "$tmp/results.txt"; } >> "$tmp/out" ;;
    */deadlock)
      # It deadlocks on purpose: its watchdog names the cycle and exits 3.
      status=0
      run "$prog" || status=$?
      [ "$status" -eq 3 ] &&
        echo "(exit status 3: the watchdog found the deadlock; --ordered and --trylock fix it)" >> "$tmp/out" ;;
    *) run "$prog" ;;
  esac || { cat "$tmp/out"; exit 1; }
  sed -n "1,${lines}p" "$tmp/out"
  n=$(wc -l < "$tmp/out")
  if [ "$n" -gt "$lines" ]; then
    echo "... ($((n - lines)) more lines)"
  fi
done
printf '\nTour done: %s programs ran.\n' "$count"
