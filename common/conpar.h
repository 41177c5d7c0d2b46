/* SPDX-License-Identifier: 0BSD */
/* conpar.h: the core of conpar's helper library, for your own programs.
 *
 *     #include "conpar.h"     // cp_die, cp_options, cp_time, cp_format
 *
 * The examples include each helper header they use by name instead, so a
 * reader sees which part of the library a file leans on:
 *   cp_die       stop on a failed call, with its name; how a child ended
 *   cp_options   --help, --version, --workers, --time-scale; input checks
 *   cp_time      monotonic stopwatch; the scaled wait
 *   cp_format    printing as Python prints: [1, 4, 9], repr() of floats
 * and, once the lessons on them have been taught, each on its own:
 *   cp_io (whole reads and writes), cp_queue (queue.Queue), cp_executor
 *   (ThreadPoolExecutor), cp_channel (a queue between processes),
 *   cp_procpool (multiprocessing.Pool), cp_shm (shared memory and a
 *   process-shared lock) and cp_loop (asyncio on GLib's main loop).
 * What the benchmarks share is a library of their own, in
 * examples/bench/lib/ (pkg-config conpar-bench).
 *
 * Build against the installed library:
 *     cc -std=c11 my_program.c $(pkg-config --cflags --libs conpar)
 */
#ifndef CONPAR_H
#define CONPAR_H

#include "cp_die.h"
#include "cp_options.h"
#include "cp_time.h"
#include "cp_format.h"

#endif
