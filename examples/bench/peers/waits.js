// SPDX-License-Identifier: 0BSD
// waits.js: N concurrent waits on Node's event loop, timed, and the memory
// they take.
//
// Node's side of the million-wait workload of `make bench-peers`, the peer
// of perf_compare's event loop at scale (N cp_loop sleeps and a gather)
// and of waits.py:
//
//     await Promise.all(Array.from({ length: n }, () => sleep(ms)))
//
// timed from before the first promise is made until Promise.all settles,
// after one warm-up run, as perf_compare times its own; and how much the
// peak resident set grew meanwhile (process.resourceUsage().maxRSS, in
// KiB: the figure perf_compare and waits.py read too).
//
// Usage:   node waits.js N SECONDS
// Prints:  runtime,version,tasks,seconds,peak_growth_bytes
//          node,v20.19.2,1000000,1.9,480000000
//
// Look for: as waits.py; Node's timers are cheap, and its promises are
// objects the garbage collector frees late.  See also: waits.py, pool.py,
// ../perf_compare.c.
'use strict';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(argv) {
  if (argv.length !== 2) {
    console.error('usage: waits.js N SECONDS');
    process.exit(2);
  }
  const n = Number(argv[0]);
  const ms = Number(argv[1]) * 1000;
  const before = process.resourceUsage().maxRSS;
  let elapsed = 0;

  for (let run = 0; run < 2; run++) { // a warm-up run, then the measured one
    const start = process.hrtime.bigint();
    const done = await Promise.all(Array.from({ length: n }, () => sleep(ms)));
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    if (done.length !== n) {
      console.error(`waits.js: ${done.length} of ${n} waits completed`);
      process.exit(1);
    }
  }
  console.log('runtime,version,tasks,seconds,peak_growth_bytes');
  console.log(`node,${process.version},${n},${elapsed.toFixed(6)},` +
              `${(process.resourceUsage().maxRSS - before) * 1024}`);
}

main(process.argv.slice(2));
