/* conpar.h: the helper library shared by every conpar example.
 *
 * It holds only what is incidental to the lessons: checking calls
 * (cp_die), timing and scaled waits (cp_time), option parsing (cp_options),
 * printing like Python (cp_format), whole reads and writes (cp_io), and, once the lessons on them have been
 * taught, queues (cp_queue), pools (cp_executor, cp_procpool), pipes
 * between processes (cp_channel), memory and locks shared between
 * processes (cp_shm), the event loop's tasks (cp_loop) and the benchmarks'
 * measuring and printing (cp_bench).
 */
#ifndef CONPAR_H
#define CONPAR_H

#include "cp_die.h"
#include "cp_time.h"
#include "cp_options.h"
#include "cp_format.h"
#include "cp_queue.h"
#include "cp_executor.h"
#include "cp_io.h"
#include "cp_channel.h"
#include "cp_procpool.h"
#include "cp_shm.h"
#include "cp_loop.h"
#include "cp_bench.h"

#endif
