#!/usr/bin/env python3
# SPDX-License-Identifier: 0BSD
"""waits.py: N concurrent waits on asyncio, timed, and the memory they take.

Python's side of the million-wait workload of `make bench-peers`, the
peer of perf_compare's event loop at scale (perf_compare --csv
--sections=io_scale: N cp_loop sleeps and a gather) and of waits.js:

    await asyncio.gather(*(asyncio.sleep(seconds) for _ in range(n)))

timed from before the first task is made until the gather completes,
after one warm-up run, as perf_compare times its own; and how much the
peak resident set grew meanwhile (resource.getrusage()'s ru_maxrss, the
figure perf_compare and waits.js read too): at most what the waiting
tasks took, whatever the garbage collector did in between.

Usage:   python3 waits.py N SECONDS
Prints:  runtime,version,tasks,seconds,peak_growth_bytes
         asyncio,CPython 3.11.2,1000000,3.2,1400000000

Look for: the time stays near SECONDS plus the cost of making, arming
and ending N tasks; divide the growth by N for the bytes a waiting task
costs.  See also: waits.js, pool.py, ../perf_compare.c, ../../async/gather.c.
"""

import asyncio
import platform
import resource
import sys
import time


def peak_rss_bytes():
    """ru_maxrss is in KiB on Linux and the BSDs, in bytes on macOS."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


async def many_waits(n, seconds):
    return await asyncio.gather(*(asyncio.sleep(seconds) for _ in range(n)))


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: waits.py N SECONDS")
    n, seconds = int(argv[0]), float(argv[1])
    before = peak_rss_bytes()
    for run in range(2):                  # a warm-up run, then the measured one
        start = time.perf_counter()
        done = asyncio.run(many_waits(n, seconds))
        elapsed = time.perf_counter() - start
        if len(done) != n:
            sys.exit("waits.py: %d of %d waits completed" % (len(done), n))
    print("runtime,version,tasks,seconds,peak_growth_bytes")
    print("asyncio,%s %s,%d,%.6f,%d" % (platform.python_implementation(),
                                        platform.python_version(), n, elapsed,
                                        peak_rss_bytes() - before))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
