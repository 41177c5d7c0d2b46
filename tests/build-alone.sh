#!/bin/sh
# SPDX-License-Identifier: 0BSD
# Build every example as a student's copy is built: the .c file alone in an
# empty directory, with -std=c11 -Wall -Wextra -Werror, against the built
# libconpar.a and the headers of common/ only (no config.h, no -D flags).
# The benchmarks, whose "Build alone:" line names conpar-bench, get the
# headers of examples/bench/lib/ and libconparbench.a too; no other program
# sees them.  Then compile each file of common/ and of examples/bench/lib/
# alone the same way.  TAP on stdout.
#
# make check sets CONPAR_SRCDIR, CONPAR_PROGRAMS (examples/<topic>/<name>),
# CP_ALONE_CC, CP_ALONE_CFLAGS and CP_ALONE_LIBS; CP_ALONE_BENCH_LIBS, the
# built libconparbench.a; and CP_ALONE_JSON_CFLAGS and CP_ALONE_JSON_LIBS,
# json-glib's, for the programs whose "Build alone:" line names
# json-glib-1.0, as a student's would.
set -u
: "${CONPAR_SRCDIR:?run me from make check}" "${CONPAR_PROGRAMS:?}" "${CP_ALONE_CC:?}"
: "${CP_ALONE_BENCH_LIBS:?}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/conpar-alone.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/include" "$tmp/bench-include" "$tmp/work" || exit 99
cp "$CONPAR_SRCDIR"/common/*.h "$tmp/include/" || exit 99
cp "$CONPAR_SRCDIR"/examples/bench/lib/*.h "$tmp/bench-include/" || exit 99

n=0
for c in "$CONPAR_SRCDIR"/common/*.c "$CONPAR_SRCDIR"/examples/bench/lib/*.c; do n=$((n + 1)); done
for prog in $CONPAR_PROGRAMS; do n=$((n + 1)); done
echo "1..$n"

i=0
fail() {   # print a failed test with the compiler's output as a TAP comment
  echo "not ok $i - $1"
  sed 's/^/# /' "$tmp/out"
}
for prog in $CONPAR_PROGRAMS; do
  i=$((i + 1))
  name=$(basename "$prog")
  rm -rf "$tmp/work"/* && cp "$CONPAR_SRCDIR/$prog.c" "$tmp/work/" || exit 99
  extra_cflags= extra_libs=
  if grep -q '^ \* Build alone:.*json-glib-1\.0' "$tmp/work/$name.c"; then
    extra_cflags=${CP_ALONE_JSON_CFLAGS-} extra_libs=${CP_ALONE_JSON_LIBS-}
  fi
  # Before libconpar.a, which it leans on, as pkg-config orders them.
  if grep -q '^ \* Build alone:.*conpar-bench' "$tmp/work/$name.c"; then
    extra_cflags="$extra_cflags -I../bench-include" extra_libs="$extra_libs $CP_ALONE_BENCH_LIBS"
  fi
  # shellcheck disable=SC2086 # the flags are lists of words
  if (cd "$tmp/work" && $CP_ALONE_CC -std=c11 -Wall -Wextra -Werror -I../include \
        $CP_ALONE_CFLAGS $extra_cflags "$name.c" $extra_libs $CP_ALONE_LIBS -o "$name") \
       > "$tmp/out" 2>&1; then
    echo "ok $i - $prog.c builds alone"
  else
    fail "$prog.c builds alone"
  fi
done
for c in "$CONPAR_SRCDIR"/common/*.c; do
  i=$((i + 1))
  name=$(basename "$c")
  # shellcheck disable=SC2086
  if $CP_ALONE_CC -std=c11 -Wall -Wextra -Werror -I"$tmp/include" $CP_ALONE_CFLAGS \
       -c "$c" -o "$tmp/work/x.o" > "$tmp/out" 2>&1; then
    echo "ok $i - common/$name compiles alone"
  else
    fail "common/$name compiles alone"
  fi
done
# The benchmarks' library finds its own headers beside it, and common/'s.
for c in "$CONPAR_SRCDIR"/examples/bench/lib/*.c; do
  i=$((i + 1))
  name=$(basename "$c")
  # shellcheck disable=SC2086
  if $CP_ALONE_CC -std=c11 -Wall -Wextra -Werror -I"$tmp/include" $CP_ALONE_CFLAGS \
       -c "$c" -o "$tmp/work/x.o" > "$tmp/out" 2>&1; then
    echo "ok $i - examples/bench/lib/$name compiles alone"
  else
    fail "examples/bench/lib/$name compiles alone"
  fi
done
