#!/bin/sh
# SPDX-License-Identifier: 0BSD
# Run a Criterion test binary of the ThreadSanitizer build; one built with
# ThreadSanitizer (a unit test of common/) one test at a time.
#
# Criterion (2.4, issue #274) maps a shared arena at a random address at
# start-up; under ThreadSanitizer that address must fall in the little
# address space TSan leaves to the program, so most starts abort with
# "Could not initialize inheritable arena" (or abort silently).  A start
# that fails does so before the test runs (a test that fails or crashes
# still gets its "not ok" line from the runner), so it is safe to try
# again until the test's line appears.  Each test runs alone
# (a whole suite would need one lucky arena per test at once), with
# address-space randomization off as the Criterion issue suggests, and its
# TAP line is passed on.  A test that never starts is reported as failed.
#
# The black-box tests' runners are built without ThreadSanitizer (the
# examples they run are built with it): they start like any other runner
# and are run as they are.
#
# Usage (as the Makefile's LOG_COMPILER): tsan-criterion.sh ./tests/test_x

bin=$1
# A runner built without ThreadSanitizer is run as it is.
grep -q __tsan_init "$bin" || exec "$bin"
tries=${CP_TSAN_TRIES:-1000}
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
  done
  if [ -n "$line" ]; then
    echo "$line"
  else
    echo "not ok - $name (did not start after $i tries)"
  fi
  # Any ThreadSanitizer report goes to the test's log.
  grep -v 'Could not initialize inheritable arena' "$bin.tsan-stderr" >&2
done
rm -f "$bin.tsan-stderr"
