#!/usr/bin/env python3
# SPDX-License-Identifier: 0BSD
"""workloads.py: the lesson's workloads in Python, measured like the C ones.

The Python half of `make bench-python`.  It runs the workloads of lesson
002 section 5 (and the CPU-bound sum of 002 section 1 and 004 section 4)
the way the C benchmark perf_compare runs them, so that the two can be
put side by side:

  cpu       sum of i*i for i < n, split into W equal ranges, run in
            sequence, on W threads, on W processes, and as W coroutines
            on one asyncio event loop (which runs them one after another)
  io        W simulated waits of one unit (time.sleep), in sequence, on W
            threads, on W processes, and as W asyncio.sleep() tasks
  io_scale  N concurrent asyncio.sleep() tasks on one event loop

Each figure is the median of --repeat runs after one warm-up run, with the
smallest and largest run; the approaches take turns, run by run, so that
they share whatever else the machine is doing.  The speedup is the
sequential median at the same W divided by this median.  W goes 1, 2, 4,
8 ... up to --max-workers.

Usage: python3 workloads.py [--csv] [--size=N] [--repeat=N]
           [--max-workers=N] [--io-tasks=N] [--time-scale=F]
           [--sections=cpu,io,io_scale]
       python3 workloads.py --calibrate

--calibrate prints the n for which one sequential CPU-bound run takes
about half a second here, found as perf_compare finds its own (common/
cp_bench.c): n doubled from 100000 until one run takes 50 ms, then scaled
by the fastest of three such runs.  `make bench-python` sizes the Python
side with it, since Python needs an n some 100 times smaller than C's.

Look for: threads stay near 1.0x on the CPU-bound work however many there
are, because CPython's Global Interpreter Lock lets one thread at a time
run Python code; processes, each with its own interpreter and lock, scale
with the cores.  Waits overlap in every approach but the sequential one.

With --csv it prints the CSV that every conpar benchmark prints:
  benchmark,section,approach,workers,param,value,unit,min,max,speedup,cores
(benchmark is python_workloads; param is n on the cpu rows and the task
count on the io_scale row).

Standard library only, Python 3.7 or later.
"""

import argparse
import asyncio
import math
import multiprocessing
import operator
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial

HEADER = "benchmark,section,approach,workers,param,value,unit,min,max,speedup,cores"
TARGET_SECONDS = 0.5     # a calibrated sequential run, as in C
APPROACHES = ("sequential", "threads", "processes", "event_loop")
SECTIONS = ("cpu", "io", "io_scale")


# ------------------------------------------------------------- the work
def sum_squares(lo, hi):
    """The lesson's cpu_bound_task, over the range lo..hi-1."""
    result = 0
    for i in range(lo, hi):
        result += i * i
    return result


async def async_sum_squares(lo, hi):
    """The lesson's async_cpu_bound_task: never awaits, so never yields."""
    result = 0
    for i in range(lo, hi):
        result += i * i
    return result


def wait_one_unit(seconds):
    """The lesson's io_bound_task: a simulated wait."""
    time.sleep(seconds)
    return seconds


async def async_wait_one_unit(seconds):
    await asyncio.sleep(seconds)
    return seconds


def ranges(n, workers):
    """W ranges that cover 0..n-1 and differ in length by at most one."""
    return [(k * n // workers, (k + 1) * n // workers) for k in range(workers)]


def process_context():
    """fork where it is safe, as the C benchmarks fork: both then pay for
    the same kind of process start."""
    if sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


# ------------------------------------------------------------ the runners
def run_cpu(approach, n, workers):
    parts = ranges(n, workers)
    if approach == "sequential":
        return sum(sum_squares(lo, hi) for lo, hi in parts)
    if approach == "threads":
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return sum(f.result() for f in [pool.submit(sum_squares, lo, hi) for lo, hi in parts])
    if approach == "processes":
        with ProcessPoolExecutor(max_workers=workers, mp_context=process_context()) as pool:
            return sum(f.result() for f in [pool.submit(sum_squares, lo, hi) for lo, hi in parts])

    async def gather():
        return await asyncio.gather(*(async_sum_squares(lo, hi) for lo, hi in parts))
    return sum(asyncio.run(gather()))


def run_io(approach, seconds, workers):
    if approach == "sequential":
        return [wait_one_unit(seconds) for _ in range(workers)]
    if approach == "threads":
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(wait_one_unit, [seconds] * workers))
    if approach == "processes":
        with ProcessPoolExecutor(max_workers=workers, mp_context=process_context()) as pool:
            return list(pool.map(wait_one_unit, [seconds] * workers))

    async def gather():
        return await asyncio.gather(*(async_wait_one_unit(seconds) for _ in range(workers)))
    return asyncio.run(gather())


def calibrate(seconds):
    """The n for which sum_squares(0, n) takes about `seconds` here."""
    n = 100000
    while True:             # too short a run measures the clock: grow it
        start = time.perf_counter()
        sum_squares(0, n)
        elapsed = time.perf_counter() - start
        if elapsed >= 0.05:
            break
        n *= 2
    for _ in range(2):      # the fastest of three: the least disturbed
        start = time.perf_counter()
        sum_squares(0, n)
        elapsed = min(elapsed, time.perf_counter() - start)
    return max(1, int(n * seconds / max(elapsed, 1e-9)))


def has_length(length, answer):
    return len(answer) == length


def measure(runs, repeat):
    """runs: {approach: (run, check)}.  One warm-up run of each, then
    `repeat` rounds in which the approaches take turns, so that a machine
    that gets busier or quieter meanwhile affects them all alike.  Every
    answer is checked: a wrong one cannot look fast.  Returns {approach:
    (median, min, max)} in seconds."""
    times = {approach: [] for approach in runs}
    for i in range(repeat + 1):
        for approach, (run, check) in runs.items():
            start = time.perf_counter()
            answer = run()
            elapsed = time.perf_counter() - start
            if not check(answer):
                sys.exit("workloads.py: %s: wrong answer: %r" % (approach, answer))
            if i > 0:
                times[approach].append(elapsed)
    return {a: (statistics.median(t), min(t), max(t)) for a, t in times.items()}


# --------------------------------------------------------- command line
def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError("'%s' is not a positive integer" % text)
    return value


def time_scale(text):
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError("'%s' is not a time scale (a number >= 0)" % text)
    return value


def section_list(text):
    names = [s for s in text.split(",") if s]
    bad = [s for s in names if s not in SECTIONS]
    if bad or not names:
        raise argparse.ArgumentTypeError("'%s': sections are %s" % (text, ",".join(SECTIONS)))
    return names


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="workloads.py",
        description="The lesson's CPU-bound, I/O-bound and event-loop workloads, "
                    "measured like conpar's perf_compare.")
    parser.add_argument("--csv", action="store_true", help="print CSV instead of the tables")
    parser.add_argument("--calibrate", action="store_true",
                        help="print the n for which one sequential CPU-bound run takes "
                             "about %g s here, and nothing else" % TARGET_SECONDS)
    parser.add_argument("--size", type=positive_int, default=1000000, metavar="N",
                        help="n of the CPU-bound sum (default: the lesson's 1000000)")
    parser.add_argument("--repeat", type=positive_int, default=5, metavar="N",
                        help="measured runs per figure, after one warm-up (default 5)")
    parser.add_argument("--max-workers", type=positive_int, default=8, metavar="N",
                        help="largest W: rows are 1, 2, 4 ... up to N (default 8)")
    parser.add_argument("--io-tasks", type=positive_int, default=100000, metavar="N",
                        help="concurrent waits on the event loop (default 100000)")
    default_scale = os.environ.get("CONPAR_TIME_SCALE", "1")
    parser.add_argument("--time-scale", type=time_scale, default=default_scale, metavar="F",
                        help="length of one simulated wait in seconds "
                             "(default: $CONPAR_TIME_SCALE, else 1)")
    parser.add_argument("--sections", type=section_list, default=list(SECTIONS), metavar="LIST",
                        help="which of cpu,io,io_scale to run (default: all)")
    return parser.parse_args(argv)


def plain(x):
    """6 significant digits as a plain decimal, never 1e-05: the CSV's rule."""
    if x == 0 or not math.isfinite(x):
        return "0"
    decimals = max(0, 5 - math.floor(math.log10(abs(x))))
    text = "%.*f" % (decimals, x)
    return text.rstrip("0").rstrip(".") if "." in text else text


def worker_counts(largest):
    counts, w = [], 1
    while w <= largest:
        counts.append(w)
        w *= 2
    if counts[-1] != largest:
        counts.append(largest)
    return counts


def core_count():
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# ------------------------------------------------------------------ main
def main(argv):
    args = parse_args(argv)
    if args.calibrate:
        print(calibrate(TARGET_SECONDS))
        return 0
    cores = core_count()
    scale = args.time_scale
    n = args.size
    expected = (n - 1) * n * (2 * n - 1) // 6     # sum of i*i for i < n
    rows = []       # (section, approach, workers, param, median, lo, hi, speedup)

    for section in args.sections:
        if section == "io_scale":
            tasks = args.io_tasks

            async def many_waits():
                return await asyncio.gather(*(async_wait_one_unit(scale) for _ in range(tasks)))
            figures = measure({"event_loop": (lambda: asyncio.run(many_waits()),
                                              partial(has_length, tasks))}, args.repeat)
            rows.append((section, "event_loop", 1, str(tasks)) + figures["event_loop"] + (None,))
            continue
        for w in worker_counts(args.max_workers):
            if section == "cpu":
                runs = {a: (partial(run_cpu, a, n, w), partial(operator.eq, expected))
                        for a in APPROACHES}
            else:
                runs = {a: (partial(run_io, a, scale, w), partial(has_length, w))
                        for a in APPROACHES}
            figures = measure(runs, args.repeat)
            sequential = figures["sequential"][0]
            for a in APPROACHES:
                med, lo, hi = figures[a]
                rows.append((section, a, w, str(n) if section == "cpu" else "",
                             med, lo, hi, sequential / med if med > 0 else None))

    if args.csv:
        print(HEADER)
        for section, approach, w, param, med, lo, hi, speedup in rows:
            print("python_workloads,%s,%s,%d,%s,%s,s,%s,%s,%s,%d" % (
                section, approach, w, param, plain(med), plain(lo), plain(hi),
                "" if speedup is None else plain(speedup), cores))
        return 0

    print("Cores: %d" % cores)
    titles = {"cpu": "CPU-bound (n = %d)" % n,
              "io": "I/O-bound (waits of %g s)" % scale}
    for section in args.sections:
        mine = [r for r in rows if r[0] == section]
        if section == "io_scale":
            print("\nEvent loop at scale: %s concurrent waits of %g s: %.3fs"
                  % (mine[0][3], scale, mine[0][4]))
            continue
        print("\n%s, median of %d runs:" % (titles[section], args.repeat))
        print("Workers | Sequential | Threading | Multiprocessing | Asyncio")
        print("-" * 60)
        starred = False
        for w in worker_counts(args.max_workers):
            t = {r[1]: r[4] for r in mine if r[2] == w}
            mark = "*" if w > cores else ""
            starred = starred or w > cores
            print("%7d | %9.3fs | %8.3fs | %13.3fs | %6.3fs%s" % (
                w, t["sequential"], t["threads"], t["processes"], t["event_loop"], mark))
        if starred:
            print("* more workers than cores (%d)" % cores)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
