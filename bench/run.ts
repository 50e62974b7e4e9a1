/**
 * Benchmarks, printed as JSON lines (`npm run bench`; `npm run bench -- --quick` for a short run).
 * These measure; they assert nothing. Figures are quoted in README.md.
 *
 *   headline     simulated seconds and committed writes per wall second at one write per 10 ms,
 *                5 servers, as the app runs it (time machine, trace, checks) and bare (bench/headline.ts);
 *                best of --repeat=N runs (default 3)
 *   deliveries   message deliveries per wall-clock second, 5 servers under steady client load,
 *                invariant checks off and on (target >= 1,000,000/s with checks off, one core)
 *   fuzz         1,000 seeds x 30 s simulated, all checks on, 2 workers (target < 45 s)
 *   fuzzElect    2,000 seeds x 10 s simulated (issue 12: each seed draws PreVote, CheckQuorum, a
 *                read mode, leader transfers and clock rates within the drift bound), 2 workers;
 *                reports failing seeds (must be 0)
 *   linearizability  a 10,000-operation history and a 200-operation worst case (target < 1 s)
 *   memory       heap + typed arrays per simulated hour of a 5-server run with the whole trace kept,
 *                and the message log's share (bytes per message)
 *   timeTravel   a 1-hour 5-server run recorded through the time machine as the app does: session
 *                memory and seek times (targets < 200 MB, < 100 ms)
 *   longRun      the CLI on 9 servers for the 24-hour cap (issue 11 #3): peak RSS and heap (< 2 GB)
 *   replication  sends per entry per follower and messages per committed write at one write per
 *                10 ms and per 100 ms (target at 10 ms: <= 1.1 and <= 13)
 *   kv           the MVCC store with 10,000 keys and 100,000 revisions: build, clone (what the
 *                time machine does at every checkpoint), first write after a clone, reads,
 *                snapshot/dump/restore, compaction, heap
 */
import { runFuzz } from '../src/fuzz/fuzz';
import { checkedSimulation } from '../src/check/invariants';
import type { Simulation } from '../src/sim/engine';
import { runLinearizabilityBench } from './linearizability';
import { measureEfficiency } from './replication';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import { TimeMachine } from '../src/timetravel/timeMachine';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KvStateMachine, KvStore } from '../src/kv/store';
import { MessageLog } from '../src/sim/messageLog';
import { CHECKPOINT_EVERY_EVENTS } from '../src/ui/model/workbench';
import { runHeadline, type HeadlineMode, type HeadlineResult } from './headline';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const repeat = Number(process.argv.find((a) => a.startsWith('--repeat='))?.slice('--repeat='.length) ?? (quick ? 1 : 3));

function emit(o: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(o) + '\n');
}

/** A 5-server cluster with `clients` clients each writing again as soon as its last write returns. */
function loadedCluster(checkInvariants: boolean, keepTrace: boolean, clients = 4): Simulation {
  const names = Array.from({ length: clients }, (_, i) => `c${i + 1}`);
  const sim = checkedSimulation({
    seed: 1, servers: ['S1', 'S2', 'S3', 'S4', 'S5'], clients: names, heartbeatMs: 50,
    electionTimeoutMs: [150, 300], clientTimeoutMs: 500,
    network: { latencyMs: [1, 5], dropRate: 0, duplicateRate: 0 }, checkInvariants, keepTrace,
  });
  let n = 0;
  sim.onClientReturn = (h) => {
    sim.submit(h.client, { op: 'put', key: `k${n % 10}`, value: String(n++) }, { retry: true, withinMs: 5000 });
  };
  for (const c of names) sim.submit(c, { op: 'put', key: 'k', value: 'v' }, { retry: true, withinMs: 5000 });
  return sim;
}

function benchDeliveries(checks: boolean): void {
  const simSeconds = quick ? 20 : 120;
  const sim = loadedCluster(checks, false);
  sim.runUntil(1000); // warm-up: elect a leader, JIT
  const before = sim.stats.messagesDelivered;
  const t0 = performance.now();
  sim.runUntil(1000 + simSeconds * 1000);
  const wallMs = performance.now() - t0;
  const deliveries = sim.stats.messagesDelivered - before;
  emit({
    bench: 'deliveries', invariantChecks: checks, servers: 5, simulatedSeconds: simSeconds, deliveries,
    wallMs: Math.round(wallMs), deliveriesPerWallSecond: Math.round(deliveries / (wallMs / 1000)),
    simulatedSecondsPerWallSecond: Math.round(simSeconds / (wallMs / 1000)), clientOps: sim.history.length,
    target: checks ? undefined : 1_000_000,
  });
}

async function benchFuzz(): Promise<void> {
  const seeds = quick ? 100 : 1000;
  const durationMs = 30_000;
  const t0 = performance.now();
  let failing = 0;
  let events = 0;
  await runFuzz(1, seeds, { nodes: [3, 5, 7], durationMs }, 2, (r) => {
    if (!r.ok) failing++;
    events += r.events;
  });
  const wallMs = performance.now() - t0;
  emit({ bench: 'fuzz', seeds, simulatedMsPerSeed: durationMs, workers: 2, failing, events, wallMs: Math.round(wallMs), targetWallMs: quick ? undefined : 45_000 });
}

/** Issue 12's 2,000 seeds of 10 s (the issue's benchmark run): every option drawn per seed, 0 violations expected. */
async function benchFuzzElect(): Promise<void> {
  const seeds = quick ? 200 : 2000;
  const durationMs = 10_000;
  const t0 = performance.now();
  const failingSeeds: number[] = [];
  let events = 0;
  await runFuzz(1, seeds, { nodes: [3, 5, 7], durationMs }, 2, (r) => {
    if (!r.ok) failingSeeds.push(r.seed);
    events += r.events;
  });
  const wallMs = performance.now() - t0;
  emit({ bench: 'fuzzElect', seeds, simulatedMsPerSeed: durationMs, workers: 2, failing: failingSeeds.length, failingSeeds: failingSeeds.slice(0, 20), events, wallMs: Math.round(wallMs) });
}

/** Heap plus typed-array memory (the columnar message log lives in ArrayBuffers), after full collections. */
async function memoryNow(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  // ArrayBuffers are freed by a sweeper after the collection: give it a moment, then collect again.
  await new Promise((r) => setTimeout(r, 50));
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function benchMemory(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const simSeconds = quick ? 600 : 3600;
  const before = await memoryNow();
  const sim = checkedSimulation({
    seed: 1, servers: ['S1', 'S2', 'S3', 'S4', 'S5'], clients: ['c1'], heartbeatMs: 50,
    electionTimeoutMs: [150, 300], clientTimeoutMs: 500, network: { latencyMs: [10, 20], dropRate: 0, duplicateRate: 0 },
  });
  let n = 0;
  // A light steady load: one write every 100 ms of simulated time.
  for (let t = 1000; t < simSeconds * 1000; t += 100) {
    sim.runUntil(t);
    if (!sim.clients.get('c1')!.busy) sim.submit('c1', { op: 'put', key: `k${n % 10}`, value: String(n++) }, { retry: true, withinMs: 5000 });
  }
  sim.runUntil(simSeconds * 1000);
  const mb = ((await memoryNow()) - before) / 1e6;
  const messagesBefore = await memoryNow();
  const messages = sim.messages.length;
  sim.messages = new MessageLog();
  const messagesMB = (messagesBefore - (await memoryNow())) / 1e6;
  emit({
    bench: 'memory', servers: 5, simulatedSeconds: simSeconds, messages, traceEvents: sim.trace.length,
    heapAndArrayBuffersMB: Math.round(mb), perSimulatedHourMB: Math.round(mb * (3600 / simSeconds)),
    messageLogMB: Math.round(messagesMB), bytesPerMessage: Math.round((messagesMB * 1e6) / messages), gcExposed: !!gc,
  });
}

/**
 * Time travel over a 1-hour, 5-server run with a client writing 10 times a second: record it
 * through the time machine as the app does (checkpoints every CHECKPOINT_EVERY_EVENTS events, at
 * most 64 per branch), then seek to 30 random instants. Targets: < 100 ms per seek, < 200 MB for
 * the whole session (heap plus the message log's typed arrays).
 */
async function benchTimeTravel(): Promise<void> {
  const hourMs = (quick ? 600 : 3600) * 1000;
  const memBefore = await memoryNow();
  const text = ['title: bench', 'seed: 1', 'cluster: { nodes: 5 }', 'clients: [c1]', 'steps: []'].join('\n');
  const tm = new TimeMachine(new ScenarioRunner(parseScenario(text, 'bench.yaml')), { checkpointEveryEvents: CHECKPOINT_EVERY_EVENTS });
  let n = 0;
  const t0 = performance.now();
  for (let t = 1000; t < hourMs; t += 100) {
    tm.advance(t);
    if (!tm.runner.sim.clients.get('c1')!.busy) tm.act({ kind: 'client', client: 'c1', spec: { op: 'put', key: `k${n % 10}`, value: String(n++) } });
  }
  tm.advance(hourMs);
  const recordMs = performance.now() - t0;
  const sessionMB = ((await memoryNow()) - memBefore) / 1e6;
  const seeks: number[] = [];
  let x = 12345;
  for (let i = 0; i < 30; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const target = (x / 2147483648) * hourMs;
    const s0 = performance.now();
    tm.seekTime(target);
    seeks.push(performance.now() - s0);
  }
  seeks.sort((a, b) => a - b);
  emit({
    bench: 'timeTravel', servers: 5, simulatedSeconds: hourMs / 1000, events: tm.head.sim.stats.events, messages: tm.head.sim.messages.length,
    clientOps: n, checkpoints: tm.checkpointCount, recordWallMs: Math.round(recordMs), sessionMB: Math.round(sessionMB),
    seekMsMedian: Math.round((seeks[14] + seeks[15]) / 2), seekMsMax: Math.round(seeks[seeks.length - 1]), targetSeekMs: 100, targetSessionMB: 200,
  });
}

/**
 * Issue 11 #3: the CLI runs 9 servers for the full 24-hour cap (`bench/nine-servers-24h.yaml`,
 * `raftsim run … --json`) in a child process; prints its wall time, peak RSS and peak heap (the
 * largest heap seen before a collection, from --trace-gc). `--quick` runs 1 hour instead.
 */
function benchLongRun(): void {
  const file = quick ? writeQuickDay() : 'bench/nine-servers-24h.yaml';
  const peak = new URL('./peak-rss.cjs', import.meta.url).pathname;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--trace-gc', '--require', peak, '--import', 'tsx', 'src/cli/main.ts', 'run', file, '--json'], {
    encoding: 'utf8', maxBuffer: 1 << 30,
  });
  const wallMs = performance.now() - t0;
  let heapPeakMB = 0;
  const json: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const gcLine = /^\[\d+:0x[0-9a-f]+\]\s+\d+ ms: \S+[^\d]*([\d.]+) \(([\d.]+)\) ->/.exec(line);
    if (gcLine) heapPeakMB = Math.max(heapPeakMB, Number(gcLine[1]));
    else json.push(line);
  }
  const peakRss = /PEAK_RSS_KB=(\d+)/.exec(r.stderr);
  let report: { ok?: boolean; stats?: Record<string, number>; final?: { timeMs: number } } = {};
  try {
    report = JSON.parse(json.join('\n'));
  } catch {
    report = {};
  }
  emit({
    bench: 'longRun', scenario: file, servers: 9, exitCode: r.status, ok: report.ok, simulatedMs: report.final?.timeMs,
    events: report.stats?.events, messagesSent: report.stats?.messagesSent, wallMs: Math.round(wallMs),
    peakRssMB: peakRss ? Math.round(Number(peakRss[1]) / 1024) : undefined, peakHeapMB: Math.round(heapPeakMB), targetPeakMB: 2000,
    ...(r.status !== 0 ? { stderr: r.stderr.slice(-2000) } : {}),
  });
}

function writeQuickDay(): string {
  const path = join(tmpdir(), 'raftsim-nine-servers-1h.yaml');
  writeFileSync(path, 'title: Nine servers for an hour\ncluster: { nodes: 9 }\nsteps:\n  - run: 3600000\n');
  return path;
}

/** Sends per entry per follower and messages per committed write (issue 10 target: ≤ 1.1 and ≤ 13 at one write per 10 ms). */
function benchReplication(): void {
  for (const writeEveryMs of [10, 100]) {
    const e = measureEfficiency(writeEveryMs, quick ? 5000 : 20_000);
    emit({
      bench: 'replication', servers: 5, writeEveryMs, committed: e.committed, messages: e.messages,
      sendsPerEntryPerFollower: Number(e.sendsPerEntryPerFollower.toFixed(3)),
      messagesPerCommittedWrite: Number(e.messagesPerCommittedWrite.toFixed(2)),
      target: writeEveryMs === 10 ? { sendsPerEntryPerFollower: 1.1, messagesPerCommittedWrite: 13 } : undefined,
    });
  }
}

/** Mean wall time of `fn` in microseconds over `n` runs. */
function meanUs(n: number, fn: (i: number) => void): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  return Math.round(((performance.now() - t0) / n) * 1000 * 10) / 10;
}

/**
 * The KV state machine at 10,000 keys and 100,000 revisions (quick: 2,000 and 20,000): 10,000
 * creations, then puts on random keys with a delete every 20th revision, through the log path
 * (applyEtcdCommand with a client session).
 */
function benchKv(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  const keys = quick ? 2_000 : 10_000;
  const revisions = quick ? 20_000 : 100_000;
  let x = 42;
  const rand = (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const sm = new KvStateMachine();
  const t0 = performance.now();
  for (let i = 0; sm.store.revision < revisions + 1; i++) {
    const key = `/bench/${String(i < keys ? i : rand(keys)).padStart(5, '0')}`;
    const request = i >= keys && i % 20 === 0 ? { op: 'deleteRange' as const, key } : { op: 'put' as const, key, value: `value-${i}` };
    sm.applyEtcdCommand({ type: 'etcd', clientId: 'c1', seq: i + 1, request });
  }
  const buildMs = performance.now() - t0;
  gc?.();
  const heapMB = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  const store = sm.store;
  const cloneStoreUs = meanUs(10_000, () => store.clone());
  const cloneStateMachineUs = meanUs(10_000, () => sm.clone());
  // The first write on a clone whose original has moved on copies the shared event log once.
  const firstWriteAfterCloneUs = meanUs(50, (i) => {
    const c = store.clone();
    store.execute({ op: 'put', key: '/bench/00000', value: `o${i}` });
    c.execute({ op: 'put', key: '/bench/00000', value: `c${i}` });
  });
  const putUs = meanUs(10_000, (i) => store.execute({ op: 'put', key: `/bench/${String(rand(keys)).padStart(5, '0')}`, value: `p${i}` }));
  const rangeKeyPastUs = meanUs(10_000, () => store.execute({ op: 'range', key: `/bench/${String(rand(keys)).padStart(5, '0')}`, revision: 1 + rand(store.revision) }));
  const rangePrefix100Us = meanUs(1_000, () => store.execute({ op: 'range', key: '/bench/001', rangeEnd: '/bench/002' }));
  const countAllUs = meanUs(50, () => store.execute({ op: 'range', key: '\0', rangeEnd: '\0', countOnly: true }));
  const snapshotMs = meanUs(20, () => store.snapshot()) / 1000;
  let dump = store.dump();
  const dumpMs = meanUs(5, () => {
    dump = store.dump();
  }) / 1000;
  const restoreMs = meanUs(5, () => KvStore.restore(dump)) / 1000;
  const compacted = store.clone();
  const c0 = performance.now();
  compacted.execute({ op: 'compact', revision: Math.floor(compacted.revision / 2) });
  const compactMs = performance.now() - c0;
  emit({
    bench: 'kv', keys: store.size, revisions: store.revision, buildMs: Math.round(buildMs),
    appliedPerWallSecond: Math.round(revisions / (buildMs / 1000)), heapMB: Math.round(heapMB), gcExposed: !!gc,
    cloneStoreUs, cloneStateMachineUs, firstWriteAfterCloneUs, putUs, rangeKeyPastUs, rangePrefix100Us, countAllUs,
    snapshotMs: Math.round(snapshotMs * 10) / 10, dumpMs: Math.round(dumpMs), restoreMs: Math.round(restoreMs), compactHalfMs: Math.round(compactMs),
  });
}

/**
 * The headline figures (issue 10), each set-up run `repeat` times (the machine is shared: the best
 * run is the one least disturbed); prints every run, then the best with the targets.
 */
function benchHeadline(): void {
  const simSeconds = quick ? 20 : 120;
  const targets: Record<HeadlineMode, number | undefined> = { app: 250, bare: 1200, checked: undefined, traced: undefined };
  for (const mode of ['app', 'bare', 'checked', 'traced'] as HeadlineMode[]) {
    const runs: HeadlineResult[] = [];
    for (let i = 0; i < repeat; i++) {
      const r = runHeadline(mode, simSeconds);
      runs.push(r);
      emit({ ...r, run: i + 1 });
    }
    const best = runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
    emit({ ...best, bench: 'headlineBest', runs: runs.map((r) => r.simulatedSecondsPerWallSecond), targetSimulatedSecondsPerWallSecond: targets[mode] });
  }
}

async function main(): Promise<void> {
  if (!only || only === 'headline') benchHeadline();
  if (!only || only === 'replication') benchReplication();
  if (!only || only === 'timeTravel') await benchTimeTravel();
  if (!only || only === 'deliveries') {
    benchDeliveries(false);
    benchDeliveries(true);
  }
  if (!only || only === 'linearizability') for (const r of runLinearizabilityBench()) emit(r);
  if (!only || only === 'memory') await benchMemory();
  if (!only || only === 'longRun') benchLongRun();
  if (!only || only === 'kv') benchKv();
  if (!only || only === 'fuzz') await benchFuzz();
  if (!only || only === 'fuzzElect') await benchFuzzElect();
}

void main();
