/** Worker thread of the fuzzer: runs each seed it is sent and posts its SeedResult back. */
import { parentPort, workerData } from 'node:worker_threads';
import { runFuzzSeed } from './fuzz';
import type { PlanOptions } from './plan';

const opts = (workerData as { opts: PlanOptions }).opts;
parentPort!.on('message', (seed: number) => {
  parentPort!.postMessage(runFuzzSeed(seed, opts));
});
