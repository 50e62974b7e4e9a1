/**
 * Swarm-testing plans: each fuzz seed draws its own mix of faults (which kinds are switched on, and
 * how often) and its own client workload, and writes it down as an ordinary scenario YAML document.
 * The fuzzer runs exactly that document, so a failing seed's file replays it step by step with the
 * same traceHash, in the CLI and in the web app.
 *
 * Phases: a safety phase of `durationMs` with faults and concurrent clients; then a liveness
 * phase: every fault healed and every server restarted, after which a leader must be elected within
 * LIVENESS_LEADER_MS and a new write committed within LIVENESS_WRITE_MS.
 */
import seedrandom from 'seedrandom';
import { stringify } from 'yaml';
import { LIMITS } from '../scenario/schema';
import { MAX_SEED } from '../scenario/seed';

/** After healing, a leader must be elected within this many ms of simulated time. */
export const LIVENESS_LEADER_MS = 5000;
/** After a leader is elected, a new write must be committed (and answered) within this many ms. */
export const LIVENESS_WRITE_MS = 5000;

/**
 * Longest fault phase (`--duration-ms`), ms of simulated time. Up to this length the 10,000-step
 * scenario limit cuts the fault phase of only the busiest seeds (about 1 in 100 at 60 s); longer
 * phases would be cut for most seeds, and cost memory and time per seed for nothing.
 */
export const MAX_FUZZ_DURATION_MS = 60_000;
/** Most seeds in one `raftsim fuzz` run (1,000 seeds take about 70 s on 2 workers). */
export const MAX_FUZZ_SEEDS = 1_000_000;
/** Most worker threads. */
export const MAX_FUZZ_WORKERS = 64;
/** Cluster sizes a plan may draw from: the scenario limit. */
export const MAX_FUZZ_NODES = LIMITS.maxServers;
/** The largest seed (the scenario's seed range). */
export const MAX_FUZZ_SEED = MAX_SEED;

/** Steps of the liveness phase, written after the fault phase. */
const LIVENESS_STEPS = 8;
/** Most steps one client operation or one fault adds, with the run step before it (crashLoop: 25 rounds of 5, and a restart). */
const MAX_BLOCK_STEPS = 127;

export interface PlanOptions {
  /** Cluster sizes to draw from, e.g. [3, 5, 7]. */
  nodes: number[];
  /** Length of the safety phase, ms of simulated time. */
  durationMs: number;
  /** Unsafe switches to turn on (for teaching and to prove the checkers can fail). */
  unsafe?: string[];
  /**
   * Clock rates each seed draws (issue 12): `within` (default) keeps every pair of servers' rates
   * within the clock-drift bound, so every read mode must stay linearizable; `beyond` runs lease
   * reads (with CheckQuorum) and puts one server's clock far outside it (rate 0.15 to 0.3; its `isolate` faults then hand
   * that server leadership, cut it off, write elsewhere and read at it), which
   * the linearizability checker must catch.
   */
  clockDrift?: 'within' | 'beyond';
}

/** The clock-drift bound of fuzz runs (the default, thesis §6.4.1). */
export const FUZZ_CLOCK_DRIFT_BOUND = 1.1;
/** Clock rates drawn within the bound: any two differ by a factor of at most 1.04 / 0.96 < 1.1. */
export const FUZZ_CLOCK_RATES_WITHIN: readonly [number, number] = [0.96, 1.04];
/** A restart of a server crashed less than this long ago (ms) is postponed in lease-read runs (src/raft/HOST.md §7). */
const LEASE_RESTART_DELAY_MS = 200;

/** The kinds of faults a seed may switch on. */
export const FAULT_KINDS = ['crash', 'leaderCrash', 'crashLoop', 'figure8', 'bounce', 'partition', 'cut', 'isolate', 'drop', 'duplicate', 'latency', 'timeout', 'split', 'transfer'] as const;
/** Faults that restart a server right after it crashed: left out of lease-read runs (HOST.md §7: a restarted follower forgets its leader lease). */
const QUICK_RESTART_FAULTS: readonly string[] = ['crashLoop', 'figure8', 'bounce', 'split'];

type StepObj = Record<string, unknown>;

/**
 * Builds the scenario YAML for one fuzz seed. Pure: the same seed and options give the same text.
 * The text is always a scenario the parser accepts: at most LIMITS.maxSteps steps and
 * LIMITS.maxBytes bytes (a seed that would write more ends its fault phase early, and its first
 * caption says when), and no YAML anchors or aliases.
 * @throws Error when `seed`, `opts.nodes` or `opts.durationMs` is outside the documented bounds.
 */
export function fuzzPlan(seed: number, opts: PlanOptions): string {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`fuzzPlan: seed ${seed} is not a whole number from 0 to ${MAX_FUZZ_SEED}`);
  if (opts.nodes.length === 0 || opts.nodes.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_FUZZ_NODES)) throw new Error(`fuzzPlan: cluster sizes must be 1 to ${MAX_FUZZ_NODES}, got ${opts.nodes.join(',')}`);
  if (!(opts.durationMs > 0 && opts.durationMs <= MAX_FUZZ_DURATION_MS)) throw new Error(`fuzzPlan: durationMs must be > 0 and at most ${MAX_FUZZ_DURATION_MS}, got ${opts.durationMs}`);
  // Each retry keeps 90% of the steps; in practice the first try fits (a step is under 100 bytes).
  for (let budget: number = LIMITS.maxSteps; ; budget = Math.floor(budget * 0.9)) {
    const yaml = buildPlan(seed, opts, budget);
    if (new TextEncoder().encode(yaml).length <= LIMITS.maxBytes) return yaml;
  }
}

/** The plan of `fuzzPlan`, with at most `maxSteps` steps. */
function buildPlan(seed: number, opts: PlanOptions, maxSteps: number): string {
  const rng = seedrandom(`fuzz/${seed}`);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const n = pick(opts.nodes);
  const servers = Array.from({ length: n }, (_, i) => `S${i + 1}`);
  const clientCount = int(2, 4);
  const clients = Array.from({ length: clientCount }, (_, i) => `c${i + 1}`);
  const keys = ['x', 'y', 'z'].slice(0, int(1, 3));
  // Issue 12's options come from their own stream, so the older draws of a seed stay as they were.
  const erng = seedrandom(`fuzz/${seed}/elect`);
  const beyond = opts.clockDrift === 'beyond';
  const localReads = (opts.unsafe ?? []).includes('leaderReadsLocally');
  const preVote = erng() < 0.5;
  const checkQuorum = beyond || erng() < 0.5;
  const modes = checkQuorum ? ['log', 'readIndex', 'lease'] as const : ['log', 'readIndex'] as const;
  // leaderReadsLocally only changes reads that take a read index; `beyond` is about lease reads.
  const reads = beyond ? 'lease' : localReads ? (checkQuorum && erng() < 0.5 ? 'lease' : 'readIndex') : modes[Math.floor(erng() * modes.length)];
  const rate = (lo: number, hi: number) => Math.round((lo + erng() * (hi - lo)) * 1000) / 1000;
  const clockRate: Record<string, number> = {};
  if (erng() < 0.5 || beyond) for (const s of servers) clockRate[s] = rate(...FUZZ_CLOCK_RATES_WITHIN);
  // Beyond the bound: one server's clock runs at 0.15 to 0.5, so as leader its lease outlives the others' (thesis §6.4.1).
  const slow = beyond ? servers[Math.floor(erng() * servers.length)] : null;
  if (slow) clockRate[slow] = rate(0.15, 0.3);
  const transfers = erng() < 0.6;
  // Issue 13's options come from their own stream too: a seed without them writes the plan it wrote before.
  const mem = membershipDraws(seed, n, opts.unsafe ?? [], preVote);
  // Swarm testing: each fault kind is on or off for this seed, with its own weight.
  const drawn = FAULT_KINDS.filter((k) => k === 'transfer' || rng() < 0.6);
  const enabled = drawn.filter((k) => (k === 'transfer' ? transfers : reads !== 'lease' || !QUICK_RESTART_FAULTS.includes(k)));
  // `beyond` seeds always cut servers off (a deposed leader must keep serving for the checker to see it).
  if (beyond && !enabled.includes('isolate')) enabled.push('isolate');
  const weights = new Map(enabled.map((k) => [k, 1 + rng() * 3]));
  // Log-uniform gaps between client operations: some seeds are busy, some nearly idle (Figure 8 needs quiet terms).
  const opGapMs = Math.round(20 * Math.pow(100, rng()));
  const faultGapMs = int(100, 1500);
  const base = { latencyMs: [5, 25] as [number, number], dropRate: 0, duplicateRate: 0 };
  // Some seeds run without the leader's no-op (§8), which exposes the Figure 8 situation.
  const leaderNoop = rng() < 0.5;

  const steps: StepObj[] = [{ say: `fuzz seed ${seed}: faults ${enabled.join(', ') || 'none'}; ${clientCount} clients on ${keys.join(', ')}; reads ${reads}${preVote ? ', preVote' : ''}${checkQuorum ? ', checkQuorum' : ''}` }];
  // `beyond`: the slow-clock server leads first.
  if (slow) steps.push({ timeout: slow });
  const crashed = new Set<string>();
  /** When each crashed server crashed (ms): lease-read runs restart it only LEASE_RESTART_DELAY_MS later. */
  const crashedAt = new Map<string, number>();
  const restartable = (s: string) => reads !== 'lease' || t - (crashedAt.get(s) ?? -Infinity) >= LEASE_RESTART_DELAY_MS;
  let t = 0;
  let nextFault = faultGapMs * rng();
  let nextOp = 0;
  let nextMember = mem ? mem.gapMs * mem.rng() : Infinity;
  let value = 0;
  const chooseFault = (): string | null => {
    if (weights.size === 0) return null;
    let total = 0;
    for (const w of weights.values()) total += w;
    let r = rng() * total;
    for (const [k, w] of weights) {
      r -= w;
      if (r <= 0) return k;
    }
    return [...weights.keys()][0];
  };
  let cutAtMs: number | null = null;
  let blockStart = steps.length;
  while (t < opts.durationMs) {
    // An internal rule: no operation or fault writes more than MAX_BLOCK_STEPS steps.
    if (steps.length - blockStart > MAX_BLOCK_STEPS) throw new Error(`fuzzPlan: seed ${seed} wrote ${steps.length - blockStart} steps in one block (at most ${MAX_BLOCK_STEPS})`);
    if (steps.length + MAX_BLOCK_STEPS + LIVENESS_STEPS > maxSteps) {
      cutAtMs = t;
      break;
    }
    blockStart = steps.length;
    const next = Math.min(nextFault, nextOp, nextMember, opts.durationMs);
    const gap = Math.round(next - t);
    if (gap > 0) steps.push({ run: gap });
    t += Math.max(gap, 0);
    if (t >= opts.durationMs) break;
    if (mem && nextMember <= nextOp && nextMember <= nextFault) {
      steps.push(...mem.next());
      nextMember = t + mem.gapMs * (0.3 + mem.rng() * 1.4);
      continue;
    }
    if (nextOp <= nextFault) {
      const client = pick(clients);
      const key = pick(keys);
      const r = rng();
      const common = { client, async: true, withinMs: int(500, 3000) };
      if (r < 0.45) steps.push({ put: { key, value: String(++value), ...common } });
      else if (r < 0.75) steps.push({ get: { key, ...common } });
      else if (r < 0.85) steps.push({ delete: { key, ...common } });
      else steps.push({ cas: { key, from: rng() < 0.2 ? null : String(Math.max(1, value - int(0, 2))), to: String(++value), ...common } });
      nextOp = t + opGapMs * (0.2 + rng() * 1.6);
      continue;
    }
    nextFault = t + faultGapMs * (0.3 + rng() * 1.4);
    const kind = chooseFault();
    switch (kind) {
      case 'crash': {
        const up = servers.filter((s) => !crashed.has(s));
        if (crashed.size > 0 && (rng() < 0.5 || up.length <= 1)) {
          const s = pick([...crashed]);
          if (!restartable(s)) break;
          crashed.delete(s);
          steps.push({ restart: s });
        } else if (up.length > 0) {
          const s = pick(up);
          crashed.add(s);
          crashedAt.set(s, t);
          steps.push({ crash: s });
        }
        break;
      }
      case 'partition': {
        const shuffled = servers.map((s) => [rng(), s] as const).sort((a, b) => a[0] - b[0]).map(([, s]) => s);
        const cutAt = int(1, n - 1 || 1);
        steps.push(rng() < 0.3 ? { heal: 'all' } : { partition: [shuffled.slice(0, cutAt), shuffled.slice(cutAt)].filter((g) => g.length) });
        break;
      }
      case 'cut': {
        if (n < 2) break;
        const from = pick(servers);
        const to = pick(servers.filter((s) => s !== from));
        steps.push(rng() < 0.3 ? { heal: 'all' } : { cut: { from, to, both: rng() < 0.5 } });
        break;
      }
      case 'leaderCrash': {
        // Crash whoever leads right after it takes a write (the Figure 8 pattern), then later restart all.
        steps.push({ put: { key: pick(keys), value: String(++value), client: pick(clients), async: true, withinMs: 1000 } });
        steps.push({ run: int(1, 30) }, { crash: { target: 'leader', optional: true } });
        if (rng() < 0.4) {
          const wait = int(50, 400);
          steps.push({ run: reads === 'lease' ? Math.max(wait, LEASE_RESTART_DELAY_MS) : wait }, { restart: 'all' });
          crashed.clear();
        }
        break;
      }
      case 'figure8': {
        // A random instance of the paper's Figure 8 schedule: A leads and takes a write it cannot
        // replicate; B leads a later term, takes a conflicting write, crashes; A comes back, leads
        // again and replicates its old-term entry to a majority; A crashes; B comes back and can win.
        if (n < 3) break;
        const a = pick(servers);
        const b = pick(servers.filter((x) => x !== a));
        // Dedicated clients, so neither write waits behind a busy client.
        const write = (via: string, client: string) => ({ put: { key: pick(keys), value: String(++value), client, via, retry: false, async: true, withinMs: 300 } });
        // Isolation keeps each write on its leader alone (clients still reach it); links come back
        // only when the server restarts, after its last messages have been dropped.
        steps.push({ restart: 'all' }, { heal: 'all' }, { timeout: a }, { run: int(30, 80) }, { isolate: a }, write(a, 'f8a'), { run: int(30, 60) }, { crash: a });
        steps.push({ timeout: b }, { run: int(30, 80) }, { isolate: b }, write(b, 'f8b'), { run: int(30, 60) }, { crash: b });
        steps.push({ reconnect: a }, { restart: a }, { timeout: a }, { run: int(10, 30) }, { timeout: a }, { run: int(100, 200) }, { crash: a });
        steps.push({ reconnect: b }, { restart: b }, { timeout: b }, { run: int(10, 30) }, { timeout: b }, { run: int(100, 300) }, { restart: 'all' });
        crashed.clear();
        break;
      }
      case 'crashLoop': {
        // The Figure 8 crash loop (as in 6.824's test): write to whoever leads, crash it after a
        // random short or long while, restart some server; many times, quickly.
        const rounds = int(5, 25);
        for (let k = 0; k < rounds; k++) {
          if (rng() < 0.7) steps.push({ put: { key: pick(keys), value: String(++value), client: pick(clients), async: true, retry: false, withinMs: 500 } });
          steps.push({ run: rng() < 0.8 ? int(1, 40) : int(100, 500) }, { crash: { target: 'leader', optional: true } });
          steps.push({ run: int(5, 300) }, { restart: pick(servers) });
        }
        steps.push({ restart: 'all' });
        crashed.clear();
        break;
      }
      case 'bounce': {
        // A crash and a quick restart: a server that forgets volatile (or unpersisted) state mid-election.
        const up = servers.filter((s) => !crashed.has(s));
        if (up.length === 0) break;
        const s = pick(up);
        steps.push({ crash: s }, { run: int(1, 40) }, { restart: s });
        break;
      }
      case 'split': {
        // Two servers time out at once: competing candidates in the same term.
        if (n < 2) break;
        const a = pick(servers);
        const b = pick(servers.filter((s) => s !== a));
        steps.push({ timeout: a }, { timeout: b });
        const others = servers.filter((s) => s !== a && s !== b && !crashed.has(s));
        if (others.length && rng() < 0.6) {
          // A voter restarts between the two candidates' RequestVotes (what forgetting votedFor breaks).
          const c = pick(others);
          steps.push({ run: int(1, 20) }, { crash: c }, { restart: c });
        }
        break;
      }
      case 'isolate':
        if (slow && rng() < 0.5) {
          // `beyond`: hand leadership to the slow-clock server and cut it off; once the others have
          // elected a leader and taken a write, read at the old leader, whose lease outlives their patience.
          const key = pick(keys);
          steps.push({ transfer: { to: slow } }, { run: int(100, 300) }, { isolate: slow }, { run: int(200, 400) });
          steps.push({ put: { key, value: String(++value), client: 'driftW', withinMs: 1000 } });
          steps.push({ get: { key, client: 'driftR', via: slow, retry: false, async: true, withinMs: 300 } }, { reconnect: slow });
          break;
        }
        steps.push(rng() < 0.5 ? { isolate: pick(servers) } : { reconnect: pick(servers) });
        break;
      case 'drop':
        steps.push({ network: { dropRate: rng() < 0.4 ? 0 : Math.round(rng() * 30) / 100 } });
        break;
      case 'duplicate':
        steps.push({ network: { duplicateRate: rng() < 0.4 ? 0 : Math.round(rng() * 20) / 100 } });
        break;
      case 'latency':
        // A spike: a wide latency range reorders messages.
        steps.push({ network: { latencyMs: rng() < 0.4 ? base.latencyMs : [1, int(50, 200)] } });
        break;
      case 'timeout':
        steps.push({ timeout: pick(servers) });
        break;
      case 'transfer':
        // A leader transfer (thesis §3.10) to any server: a follower, a crashed one, or the leader itself (refused).
        steps.push({ transfer: { to: pick(servers) } });
        break;
      default:
        break;
    }
  }
  if (cutAtMs !== null) {
    steps[0] = { say: `${steps[0].say as string}; the fault phase ends at ${cutAtMs} of ${opts.durationMs} ms, so that the plan stays within the ${LIMITS.maxSteps}-step scenario limit` };
  }
  if (mem) steps[0] = { say: `${steps[0].say as string}; ${mem.summary}` };
  steps.push(
    { say: 'Liveness phase: every fault healed, every server restarted.' },
    { heal: 'all' },
    { network: base },
    ...(reads === 'lease' ? [{ run: LEASE_RESTART_DELAY_MS }] : []),
    { restart: 'all' },
    { wait: { for: 'leader', withinMs: LIVENESS_LEADER_MS } },
    { put: { key: '__liveness', value: 'ok', client: 'liveness', withinMs: LIVENESS_WRITE_MS, expect: { result: 'ok' } } },
    { expect: { invariants: 'ok' } },
  );
  const doc: Record<string, unknown> = {
    title: `Fuzz seed ${seed}`,
    description: `Generated by \`raftsim fuzz\` (swarm testing). Replays seed ${seed} step by step.`,
    seed,
    cluster: {
      nodes: n,
      heartbeatMs: 50,
      electionTimeoutMs: [150, 300],
      clientTimeoutMs: 300,
      network: base,
      ...(leaderNoop ? {} : { leaderNoop: false }),
      ...(opts.unsafe && opts.unsafe.length ? { unsafe: opts.unsafe } : {}),
      ...(preVote ? { preVote } : {}),
      ...(checkQuorum ? { checkQuorum } : {}),
      ...(reads !== 'log' ? { reads } : {}),
      ...(Object.keys(clockRate).length ? { clockRate } : {}),
      ...(mem ? mem.cluster : {}),
    },
    clients: [...clients, ...(enabled.includes('figure8') ? ['f8a', 'f8b'] : []), ...(slow ? ['driftW', 'driftR'] : []), ...(mem?.clients ?? []), 'liveness'],
    steps,
  };
  // No anchors or aliases: shared objects (the network settings) are written out each time.
  return stringify(doc, { aliasDuplicateObjects: false, flowCollectionPadding: false, lineWidth: 0 });
}

/**
 * Issue 13's draws for one seed (their own random stream, `fuzz/<seed>/members`): whether the seed
 * changes membership at all, spares, an initial learner, snapshotCount and snapshotCatchUpEntries,
 * fsyncMs, and the membership changes and compactions of its fault phase. Null for a seed that
 * uses none of it (its plan is then the one it was before issue 13). With `unsafeMultiServerChange`
 * every seed changes membership, with several voters at once; with `ackBeforeFsync` every seed
 * has fsync delays and crashes.
 *
 * Servers stay at most 9 (spares are drawn within it) and the node itself refuses a change that
 * would leave no voter. Removals and demotions are drawn only with PreVote on: a removed server that
 * never learns of its removal keeps campaigning with higher terms (thesis §4.2.3), which only
 * PreVote (or CheckQuorum) stops, and the liveness phase needs a leader of the final configuration.
 */
function membershipDraws(seed: number, n: number, unsafe: readonly string[], preVote: boolean) {
  const rng = seedrandom(`fuzz/${seed}/members`);
  const multi = unsafe.includes('unsafeMultiServerChange');
  const ack = unsafe.includes('ackBeforeFsync');
  if (!multi && !ack && rng() >= 0.5) return null;
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
  const spares = Math.min(MAX_FUZZ_NODES - n, multi ? int(2, 3) : int(0, 2));
  const all = Array.from({ length: n + spares }, (_, i) => `S${i + 1}`);
  const learners = n >= 2 && rng() < 0.25 ? [`S${n}`] : [];
  const snapshotCount = rng() < 0.6 ? int(3, 40) : 0;
  const snapshotCatchUpEntries = int(0, 8);
  const fsyncMs = ack || rng() < 0.4 ? int(1, ack ? 40 : 20) : 0;
  const changes = multi || rng() < 0.8;
  const removals = preVote || multi;
  const cluster: Record<string, unknown> = {
    ...(spares ? { spares } : {}),
    ...(learners.length ? { learners } : {}),
    ...(snapshotCount ? { snapshotCount, snapshotCatchUpEntries } : {}),
    ...(fsyncMs ? { fsyncMs } : {}),
  };
  const voters = new Set(all.slice(0, n).filter((x) => !learners.includes(x)));
  const learnerSet = new Set(learners);
  /** One membership change, a compaction, or (ackBeforeFsync) a crash of every server right after a write. */
  const next = (): StepObj[] => {
    const r = rng();
    if (ack && r < 0.3) {
      return [
        { put: { key: 'x', value: `ack${int(1, 1_000_000)}`, client: 'fsync', async: true, retry: false, withinMs: 300 } },
        { run: int(1, 60) }, { crash: all.slice(0, n) }, { run: int(1, 50) }, { restart: 'all' },
      ];
    }
    if (!changes || r < 0.45) return [{ compact: rng() < 0.3 ? 'all' : pick(all) }];
    // A guess of the configuration (a change may be refused or lost), to draw changes that make sense.
    const outside = all.filter((x) => !voters.has(x) && !learnerSet.has(x));
    const some = (xs: string[]) => (xs.length ? pick(xs) : pick(all));
    const k = rng();
    let change: Record<string, unknown>;
    if (multi || k < 0.25) {
      const add = outside.filter(() => rng() < 0.6).slice(0, int(1, 3));
      if (add.length === 0) add.push(some(outside));
      const remove = removals && voters.size > 1 && rng() < 0.5 ? [some([...voters].filter((x) => !add.includes(x)))] : [];
      change = { change: { add, ...(remove.length ? { remove } : {}) } };
      for (const x of add) { voters.add(x); learnerSet.delete(x); }
      for (const x of remove) voters.delete(x);
    } else if (k < 0.5) {
      const x = some(outside);
      change = { add: x, learner: true };
      learnerSet.add(x);
    } else if (k < 0.7) {
      const x = some([...learnerSet]);
      change = { promote: x };
      learnerSet.delete(x);
      voters.add(x);
    } else if (k < 0.85 || !removals) {
      const x = some(outside);
      change = { add: x };
      voters.add(x);
    } else {
      const x = some([...voters]);
      change = { remove: x };
      voters.delete(x);
      learnerSet.delete(x);
    }
    return [{ do: { kind: 'member', change } }];
  };
  const summary = [
    spares ? `${spares} spares` : '', learners.length ? `learner ${learners[0]}` : '',
    snapshotCount ? `snapshotCount ${snapshotCount} (keep ${snapshotCatchUpEntries})` : '', fsyncMs ? `fsyncMs ${fsyncMs}` : '',
    changes ? 'membership changes' : '',
  ].filter(Boolean).join(', ');
  return { rng, gapMs: int(100, 700), cluster, next, summary: summary || 'compactions', clients: ack ? ['fsync'] : [] };
}
