#!/bin/sh
# SPDX-License-Identifier: 0BSD
# Run a Criterion test binary of the ThreadSanitizer build (the Makefile's
# LOG_COMPILER there) and pass on its TAP.
#
# The black-box tests' runners are built without ThreadSanitizer (the
# examples they run are built with it): they start like any other runner
# and are run as they are.
#
# The unit tests' runners are built with it, and Criterion (2.4, issue
# #274) maps its shared arenas at random addresses, 0x200000000000 +
# n * 16 MiB, trying 10 of them, where ThreadSanitizer leaves the program
# only 0x550000000000-0x568000000000 (x86_64): a start that misses it
# aborts, with "Could not initialize inheritable arena" or silently.  On
# x86_64 cp_test.c has Criterion draw its addresses from that range, and
# the whole binary runs at once, as in the other builds.  Where the whole
# binary does not run, each test is run alone, with address-space
# randomization off as the Criterion issue suggests, and started again
# until its TAP line appears (a start that fails does so before the test
# runs, and a test that fails or crashes still gets its "not ok" line from
# the runner, so it is safe to try again).  A test that never starts is
# reported as failed.
#
# Usage: tsan-criterion.sh ./tests/test_x

bin=$1
tries=${CP_TSAN_TRIES:-1000}
# A runner built without ThreadSanitizer is run as it is.
grep -q __tsan_init "$bin" || exec "$bin"

# Criterion sends its workers' stderr to /dev/null: ThreadSanitizer writes
# its reports to files instead, and they go to the test's log.
TSAN_OPTIONS="${TSAN_OPTIONS:+$TSAN_OPTIONS }log_path=$bin.tsan-report"
export TSAN_OPTIONS
pass_on_reports() {
  for f in "$bin".tsan-report.*; do
    [ -f "$f" ] && cat "$f" >&2 && rm -f "$f"
  done
}

# The whole binary: its TAP comes at the end, plan included.
out=$(CRITERION_OUTPUTS='tap:-' "$bin" 2>"$bin.tsan-stderr")
status=$?
if echo "$out" | grep -q '^1\.\.[0-9]'; then
  echo "$out"
  cat "$bin.tsan-stderr" >&2
  pass_on_reports
  rm -f "$bin.tsan-stderr"
  exit $status
fi
rm -f "$bin".tsan-report.*

# One test at a time.
wrap=""
command -v setarch >/dev/null 2>&1 && wrap="setarch $(uname -m) -R"
tests=$("$bin" --list | awk '/^[^ ].*: [0-9]+ tests?$/ { s = $1; sub(/:$/, "", s) }
                             /(├──|└──) / { print s "/" $2 }')
[ -n "$tests" ] || { echo "Bail out! cannot list the tests of $bin"; exit 1; }

echo "1..$(echo "$tests" | wc -l)"
for t in $tests; do
  name=$(echo "$t" | sed 's|/|::|')
  i=0
  line=""
  while [ $i -lt "$tries" ]; do
    i=$((i + 1))
    out=$(CRITERION_OUTPUTS='tap:-' $wrap "$bin" --filter "$t" 2>"$bin.tsan-stderr")
    # Keep this test's result line and the diagnostics indented under it.
    line=$(echo "$out" | awk -v n="$name" '
      $0 ~ "^(not )?ok - " n " " || $0 == "ok - " n || $0 == "not ok - " n { on = 1; print; next }
      on && /^(ok|not ok) / { on = 0 }
      on { print }')
    [ -n "$line" ] && break
    rm -f "$bin".tsan-report.*   # about the failed start only
  done
  if [ -n "$line" ]; then
    echo "$line"
  else
    echo "not ok - $name (did not start after $i tries)"
  fi
  # Any ThreadSanitizer report goes to the test's log.
  grep -v 'Could not initialize inheritable arena' "$bin.tsan-stderr" >&2
  pass_on_reports
done
rm -f "$bin.tsan-stderr"
