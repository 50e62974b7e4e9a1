/**
 * The headline benchmark (issue 10): simulated seconds per wall second and committed writes per
 * wall second on the replication load (5 servers, one-way latency 10–15 ms, heartbeat 50 ms,
 * election timeout [100, 200) ms, one client write every 10 ms of simulated time, spread over
 * enough clients that none is busy when its next write is due), in four set-ups:
 *
 *   app         as the app runs it: a ScenarioRunner inside a TimeMachine taking checkpoints every
 *               CHECKPOINT_EVERY_EVENTS events (src/ui/model/workbench.ts), trace kept, invariant
 *               checks on; every write is a user action recorded by the time machine
 *   checked     a bare Simulation, checks on, trace off
 *   traced      a bare Simulation, checks off, trace kept
 *   bare        a bare Simulation, checks and trace off
 *
 * It measures and asserts nothing. Used by bench/run.ts (`--only=headline`).
 */
import { checkedSimulation } from '../src/check/invariants';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import type { Simulation } from '../src/sim/engine';
import { TimeMachine } from '../src/timetravel/timeMachine';
import { CHECKPOINT_EVERY_EVENTS } from '../src/ui/model/workbench';

export type HeadlineMode = 'app' | 'checked' | 'traced' | 'bare';

export interface HeadlineResult {
  bench: 'headline';
  mode: HeadlineMode;
  invariantChecks: boolean;
  traceKept: boolean;
  timeMachine: boolean;
  simulatedSeconds: number;
  wallMs: number;
  /** This process's CPU time (user + system) over the same window: less disturbed by other jobs on a shared machine. */
  cpuMs: number;
  simulatedSecondsPerWallSecond: number;
  simulatedSecondsPerCpuSecond: number;
  committedWrites: number;
  committedWritesPerWallSecond: number;
  deliveriesPerWallSecond: number;
  events: number;
}

const SERVERS = ['S1', 'S2', 'S3', 'S4', 'S5'];
const WRITE_EVERY_MS = 10;
/** A client is busy ~50 ms per write: 20 write slots of room each, as bench/replication.ts. */
const CLIENTS = Array.from({ length: Math.ceil((20 * 50) / WRITE_EVERY_MS) }, (_, i) => `c${i + 1}`);

/** The same cluster as a scenario file (what the app opens). */
export function headlineScenarioText(): string {
  return [
    'title: headline benchmark',
    'seed: 1',
    'cluster:',
    '  nodes: 5',
    '  heartbeatMs: 50',
    '  electionTimeoutMs: [100, 200]',
    '  clientTimeoutMs: 1000',
    '  network: { latencyMs: [10, 15], dropRate: 0, duplicateRate: 0 }',
    `clients: [${CLIENTS.join(', ')}]`,
    'steps: []',
  ].join('\n');
}

function bareSim(checks: boolean, trace: boolean): Simulation {
  return checkedSimulation({
    seed: 1, servers: SERVERS, clients: CLIENTS, heartbeatMs: 50, electionTimeoutMs: [100, 200], clientTimeoutMs: 1000,
    network: { latencyMs: [10, 15], dropRate: 0, duplicateRate: 0 }, checkInvariants: checks, keepTrace: trace,
  });
}

/**
 * Runs one set-up: 1 s of warm-up (a leader is elected, the JIT warms), then `simSeconds` of the
 * load, timed. Committed writes are the leader's commitIndex gained in the timed window.
 */
export function runHeadline(mode: HeadlineMode, simSeconds: number): HeadlineResult {
  let sim: () => Simulation;
  let advance: (t: number) => void;
  let write: (client: string, n: number) => void;
  if (mode === 'app') {
    const text = headlineScenarioText();
    const tm = new TimeMachine(new ScenarioRunner(parseScenario(text, 'headline.yaml')), { checkpointEveryEvents: CHECKPOINT_EVERY_EVENTS });
    sim = () => tm.head.sim;
    advance = (t) => void tm.advance(t);
    write = (client, n) => tm.act({ kind: 'client', client, withinMs: 10_000, spec: { op: 'put', key: `k${n % 10}`, value: String(n) } });
  } else {
    const s = bareSim(mode === 'checked', mode === 'traced');
    sim = () => s;
    advance = (t) => s.runUntil(t);
    write = (client, n) => void s.submit(client, { op: 'put', key: `k${n % 10}`, value: String(n) }, { retry: true, withinMs: 10_000 });
  }
  let n = 0;
  const startMs = 1000;
  const endMs = startMs + simSeconds * 1000;
  let t = 0;
  for (; t < startMs; t += WRITE_EVERY_MS) {
    advance(t);
    if (t >= 500) write(CLIENTS[n % CLIENTS.length], n++);
  }
  const leaderCommit = () => {
    let best = 0;
    for (const s of sim().servers.values()) if (s.raft.commitIndex > best) best = s.raft.commitIndex;
    return best;
  };
  const commitAtStart = leaderCommit();
  const eventsAtStart = sim().stats.events;
  const deliveredAtStart = sim().stats.messagesDelivered;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (; t < endMs; t += WRITE_EVERY_MS) {
    advance(t);
    write(CLIENTS[n % CLIENTS.length], n++);
  }
  advance(endMs);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const committed = leaderCommit() - commitAtStart;
  const perSecond = (x: number) => Math.round(x / (wallMs / 1000));
  return {
    bench: 'headline', mode, invariantChecks: mode === 'app' || mode === 'checked', traceKept: mode === 'app' || mode === 'traced',
    timeMachine: mode === 'app', simulatedSeconds: simSeconds, wallMs: Math.round(wallMs), cpuMs: Math.round(cpuMs),
    simulatedSecondsPerWallSecond: perSecond(simSeconds), simulatedSecondsPerCpuSecond: Math.round(simSeconds / (cpuMs / 1000)), committedWrites: committed, committedWritesPerWallSecond: perSecond(committed),
    deliveriesPerWallSecond: perSecond(sim().stats.messagesDelivered - deliveredAtStart), events: sim().stats.events - eventsAtStart,
  };
}
