#!/bin/sh
# SPDX-License-Identifier: 0BSD
# make installcheck: after `make install` (DESTDIR or not), copy three
# installed example sources (a thread, a process and an async program) into
# an empty directory, build each alone against the installed library through
# pkg-config, and run it; do the same for one benchmark against the
# benchmarks' library (conpar-bench); run the installed programs'
# --version; find the man pages when they were made.  Installs nothing.
#
# Usage: installcheck.sh DESTDIR LIBDIR DOCDIR PKGLIBEXECDIR MAN1DIR
# (CC, PKG_CONFIG and VERSION from the environment)
set -eu
destdir=$1 libdir=$2 docdir=$3 pkglibexecdir=$4 man1dir=$5
: "${CC:=cc}" "${PKG_CONFIG:=pkg-config}" "${VERSION:?}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/conpar-installcheck.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/pkgconfig" "$tmp/work"

# Under DESTDIR the installed .pc files still name the final prefix: copies
# whose absolute paths point into DESTDIR find the staged files (only
# conpar's own: GLib's .pc files stay as they are).
for pc in conpar conpar-bench; do
  sed -e "/^\(prefix\|exec_prefix\|libdir\|includedir\)=\//s|=|=$destdir|" \
      "$destdir$libdir/pkgconfig/$pc.pc" > "$tmp/pkgconfig/$pc.pc"
done
PKG_CONFIG_PATH="$tmp/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_PATH
flags=$($PKG_CONFIG --cflags --libs conpar)
bench_flags=$($PKG_CONFIG --cflags --libs conpar-bench)

check() {   # check NAME LINE: the run's output has LINE
  grep -qxF "$2" "$tmp/$1.out" || {
    echo "installcheck: $1 did not print '$2'; it printed:" >&2
    cat "$tmp/$1.out" >&2
    exit 1
  }
}
for example in threads/factorial_threads processes/parallel_sum async/greet; do
  name=${example#*/}
  cp "$destdir$docdir/examples/$example.c" "$tmp/work/"
  echo "installcheck: cc -std=c11 $name.c \$(pkg-config --cflags --libs conpar)"
  # shellcheck disable=SC2086 # $flags is a list of words
  (cd "$tmp/work" && $CC -std=c11 -Wall -Wextra -Werror "$name.c" $flags -o "$name")
  CONPAR_TIME_SCALE=0.01 "$tmp/work/$name" > "$tmp/$name.out"
done
check factorial_threads "Factorial of 9 is 362880"
check factorial_threads "All factorials have been calculated."
check parallel_sum "Results: [5050, 15050, 25050, 35050]"
check greet "Hello, Alice!"
check greet "Goodbye, Charlie!"

# A benchmark needs the benchmarks' library, which leans on conpar's: its
# .pc file brings both, in that order.  A tiny size, one run, CSV out.
cp "$destdir$docdir/examples/bench/gil_demo.c" "$tmp/work/"
echo "installcheck: cc -std=c11 gil_demo.c \$(pkg-config --cflags --libs conpar-bench)"
# shellcheck disable=SC2086 # $bench_flags is a list of words
(cd "$tmp/work" && $CC -std=c11 -Wall -Wextra -Werror gil_demo.c $bench_flags -o gil_demo)
"$tmp/work/gil_demo" --csv --repeat=1 --size=100000 --max-workers=2 > "$tmp/gil_demo.out"
check gil_demo "benchmark,section,approach,workers,param,value,unit,min,max,speedup,cores"

"$destdir$pkglibexecdir/conpar-fib_pool" --version > "$tmp/version.out"
check version "conpar-fib_pool (conpar) $VERSION"
"$destdir$pkglibexecdir/conpar-timeout" --help > /dev/null
if [ -d "$destdir$man1dir" ]; then
  test -f "$destdir$man1dir/conpar-timeout.1"
fi
echo "installcheck: 3 copied examples and a benchmark built and ran against the installed libraries"
