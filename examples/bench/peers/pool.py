#!/usr/bin/env python3
# SPDX-License-Identifier: 0BSD
"""pool.py: N tiny tasks (x*x) on multiprocessing.Pool(2).map, timed.

Python's side of the tiny-task workload of `make bench-peers`, the peer
of `square_process_pool -v -w 2 0 1 ... N-1` (lesson 000's
Pool().map(square, ...) on conpar's process pool):

    pool = multiprocessing.Pool(workers)
    squares = pool.map(square, range(n))     # the default chunksize
    pool.close(); pool.join()

timed from before the pool starts its workers until they are reaped, as
square_process_pool -v times its pool.  One run, as there.  map's
default chunksize sends the inputs in about 4 x workers chunks
(1250 numbers each for 10000 on 2 workers); conpar's pool sends one
input at a time, so this row is mostly what a round trip costs each.
The pool starts its workers the way this Python does by default (fork
on Linux before 3.14, forkserver since); the version column says which.

Usage:   python3 pool.py N WORKERS
Prints:  runtime,version,tasks,seconds
         multiprocessing,CPython 3.11.2; fork,10000,0.035

See also: waits.py, ../../pools/square_process_pool.c.
"""

import multiprocessing
import platform
import sys
import time


def square(x):
    return x * x


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: pool.py N WORKERS")
    n, workers = int(argv[0]), int(argv[1])
    start = time.perf_counter()
    pool = multiprocessing.Pool(workers)
    squares = pool.map(square, range(n))
    pool.close()
    pool.join()
    elapsed = time.perf_counter() - start
    if squares != [x * x for x in range(n)]:
        sys.exit("pool.py: wrong squares")
    print("runtime,version,tasks,seconds")
    print("multiprocessing,%s %s; %s,%d,%.6f" % (
        platform.python_implementation(), platform.python_version(),
        multiprocessing.get_start_method(), n, elapsed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
