#!/bin/sh
# SPDX-License-Identifier: 0BSD
# make installcheck: after `make install` (DESTDIR or not), copy three
# installed example sources (a thread, a process and an async program) into
# an empty directory, build each alone against the installed library through
# pkg-config, and run it; run the installed programs' --version; find the
# man pages when they were made.  Installs nothing.
#
# Usage: installcheck.sh DESTDIR LIBDIR DOCDIR PKGLIBEXECDIR MAN1DIR
# (CC, PKG_CONFIG and VERSION from the environment)
set -eu
destdir=$1 libdir=$2 docdir=$3 pkglibexecdir=$4 man1dir=$5
: "${CC:=cc}" "${PKG_CONFIG:=pkg-config}" "${VERSION:?}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/conpar-installcheck.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/pkgconfig" "$tmp/work"

# Under DESTDIR the installed conpar.pc still names the final prefix: a copy
# whose absolute paths point into DESTDIR finds the staged files (only
# conpar's own: GLib's .pc files stay as they are).
sed -e "/^\(prefix\|exec_prefix\|libdir\|includedir\)=\//s|=|=$destdir|" \
    "$destdir$libdir/pkgconfig/conpar.pc" > "$tmp/pkgconfig/conpar.pc"
PKG_CONFIG_PATH="$tmp/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_PATH
flags=$($PKG_CONFIG --cflags --libs conpar)

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

"$destdir$pkglibexecdir/conpar-fib_pool" --version > "$tmp/version.out"
check version "conpar-fib_pool (conpar) $VERSION"
"$destdir$pkglibexecdir/conpar-timeout" --help > /dev/null
if [ -d "$destdir$man1dir" ]; then
  test -f "$destdir$man1dir/conpar-timeout.1"
fi
echo "installcheck: 3 copied examples built and ran against the installed library"
