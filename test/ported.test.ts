/**
 * Cluster-level tests ported from well-known Raft test suites: MIT 6.824's Raft lab tests
 * (TestInitialElection, TestReElection, TestFailAgree, TestFailNoAgree, TestRejoin, TestBackup,
 * TestPersist1, TestFigure8, TestCount, the unreliable-network tests) and the ideas of etcd's raft
 * tests. Written from the facts those tests check, against the deterministic engine: every case
 * drives a `Simulation` by seed, asserts what Raft promises, and ends by asserting that the
 * Figure 3 invariant checker saw no violation.
 *
 * Times are ms of simulated time. Default cluster: heartbeat 50 ms, election timeout [150, 300) ms,
 * one-way latency [5, 15] ms, no loss.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { linearizableHook } from '../src/check/hook';
import type { ClientOpHandle, ClientOpSpec, ClientRunOptions } from '../src/sim/client';
import { checkedSimulation } from '../src/check/invariants';
import type { Simulation, SimConfig, SimServer } from '../src/sim/engine';
import type { MessageRecord } from '../src/sim/types';
import type { Command } from '../src/kv/types';
import type { LogEntry, NodeId } from '../src/raft/types';

const THREE = ['S1', 'S2', 'S3'];
const FIVE = ['S1', 'S2', 'S3', 'S4', 'S5'];
const FIGURE8_SEEDS = [901, 902, 903];

function cluster(seed: number, over: Partial<SimConfig> = {}): Simulation {
  return checkedSimulation({
    seed, servers: FIVE, clients: ['c1', 'c2', 'c3'], heartbeatMs: 50, electionTimeoutMs: [150, 300], clientTimeoutMs: 500,
    network: { latencyMs: [5, 15], dropRate: 0, duplicateRate: 0 }, ...over,
  });
}

/** Runs the simulation in small steps until `pred` holds or `withinMs` pass; whether it held. */
function runUntilTrue(sim: Simulation, pred: () => boolean, withinMs: number, stepMs = 5): boolean {
  const limit = sim.nowMs + withinMs;
  while (!pred()) {
    if (sim.nowMs >= limit) return false;
    sim.runUntil(Math.min(limit, sim.nowMs + stepMs));
  }
  return true;
}

const srv = (sim: Simulation, id: NodeId): SimServer => sim.server(id);
const termOf = (sim: Simulation, id: NodeId): number => sim.server(id).raft.currentTerm;

/** Live servers of `ids` in role leader. */
function leadersIn(sim: Simulation, ids: NodeId[]): SimServer[] {
  return ids.map((id) => sim.server(id)).filter((s) => s.up && s.raft.role === 'leader');
}

/**
 * 6.824's checkOneLeader, made strict: among `ids` (servers that can all reach each other) there is
 * exactly one leader, and every live server of `ids` is in its term and follows it, continuously
 * for `holdMs` (default: the longest election timeout, so every follower's timer armed before the
 * window has either fired or been reset by this leader — a server that was cut off and comes back
 * with a pending timeout cannot depose the leader right after this returns).
 */
function stableLeader(sim: Simulation, ids: NodeId[], withinMs = 3000, holdMs = sim.config.electionTimeoutMs[1]): NodeId {
  const current = (): NodeId | null => {
    const ls = leadersIn(sim, ids);
    if (ls.length !== 1) return null;
    const l = ls[0];
    const all = ids.every((id) => {
      const s = sim.server(id);
      return !s.up || (s.raft.currentTerm === l.raft.currentTerm && s.raft.leaderId === l.id);
    });
    return all ? l.id : null;
  };
  let since = -1;
  let who: NodeId | null = null;
  const held = (): boolean => {
    const c = current();
    if (c === null) { since = -1; who = null; return false; }
    if (c !== who || since < 0) { who = c; since = sim.nowMs; }
    return sim.nowMs - since >= holdMs;
  };
  expect(runUntilTrue(sim, held, withinMs + holdMs), `one stable leader among ${ids.join(',')} within ${withinMs} ms (t=${sim.nowMs})`).toBe(true);
  return who!;
}

/** Role changes to leader by any of `ids` after `sinceMs` (from the trace). */
function leadershipsSince(sim: Simulation, ids: NodeId[], sinceMs: number): { node: NodeId; term: number; atMs: number }[] {
  const out: { node: NodeId; term: number; atMs: number }[] = [];
  for (const e of sim.trace) {
    if (e.kind === 'role' && e.to === 'leader' && e.atMs > sinceMs && ids.includes(e.node)) out.push({ node: e.node, term: e.term, atMs: e.atMs });
  }
  return out;
}

/** Submits one client operation and runs until it has returned (or given up). */
function call(sim: Simulation, client: string, spec: ClientOpSpec, opts: ClientRunOptions): ClientOpHandle {
  const h = sim.submit(client, spec, opts);
  expect(runUntilTrue(sim, () => h.done, opts.withinMs + 2000), `${client} ${spec.op} ${spec.key} returned`).toBe(true);
  return h;
}

const entryText = (e: LogEntry): string => `${e.term}:${JSON.stringify(e.command)}`;
const logText = (sim: Simulation, id: NodeId): string[] => sim.server(id).raft.log.map(entryText);
const putValue = (e: LogEntry<Command>): string | null =>
  (e.command.type === 'kv' && e.command.op.op === 'put' ? e.command.op.value : null);
/** 1-based index of the put of `value` in `id`'s log, or 0. */
const indexOfPut = (sim: Simulation, id: NodeId, value: string): number =>
  sim.server(id).raft.log.findIndex((e) => putValue(e) === value) + 1;
const putValuesIn = (sim: Simulation, id: NodeId): string[] =>
  sim.server(id).raft.log.map(putValue).filter((v): v is string => v !== null);

/** Every server of `ids` is up, all logs are equal, everything is committed and applied, and the KV stores are equal. */
function isConverged(sim: Simulation, ids: NodeId[]): boolean {
  const ref = JSON.stringify(logText(sim, ids[0]));
  const kv = JSON.stringify(sim.view(ids[0]).kv);
  return ids.every((id) => {
    const r = sim.server(id).raft;
    return sim.server(id).up && r.commitIndex === r.log.length && r.lastApplied === r.commitIndex
      && JSON.stringify(logText(sim, id)) === ref && JSON.stringify(sim.view(id).kv) === kv;
  });
}

/** Waits for convergence, then asserts it piece by piece (for readable failures). */
function expectConverged(sim: Simulation, ids: NodeId[], withinMs = 3000): void {
  runUntilTrue(sim, () => isConverged(sim, ids), withinMs, 10);
  const ref = sim.server(ids[0]);
  for (const id of ids) {
    const s = sim.server(id);
    expect(s.up, `${id} up`).toBe(true);
    expect(logText(sim, id), `${id}'s log equals ${ids[0]}'s`).toEqual(logText(sim, ids[0]));
    expect(s.raft.commitIndex, `${id} commitIndex`).toBe(ref.raft.log.length);
    expect(s.raft.lastApplied, `${id} lastApplied`).toBe(ref.raft.log.length);
    expect(sim.view(id).kv, `${id}'s KV equals ${ids[0]}'s`).toEqual(sim.view(ids[0]).kv);
  }
}

function expectNoViolations(sim: Simulation): void {
  expect(sim.checker!.violations).toEqual([]);
}

/**
 * Classifies the messages of a window: a heartbeat is an AppendEntries with no entries, and its
 * response is the AppendEntriesResponse its receiver sent when it was delivered. Everything else is
 * agreement traffic (client request and reply, AppendEntries carrying entries, and their responses).
 */
function nonHeartbeat(all: MessageRecord[], fromMs: number, toMs: number): MessageRecord[] {
  const inWindow = all.filter((r) => r.sendMs >= fromMs && r.sendMs <= toMs);
  const emptyAe = new Set<string>();
  for (const r of all) {
    if (r.msg.type === 'AppendEntries' && r.msg.entries.length === 0 && r.status === 'delivered') emptyAe.add(`${r.msg.from}>${r.msg.to}@${r.deliverMs}`);
  }
  return inWindow.filter((r) => {
    const m = r.msg;
    if (m.type === 'AppendEntries') return m.entries.length > 0;
    if (m.type === 'AppendEntriesResponse') return !emptyAe.has(`${m.to}>${m.from}@${r.sendMs}`);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------

describe('6.824 2A: leader election', () => {
  for (const [n, seed] of [[3, 101], [3, 102], [5, 103], [5, 104]] as const) {
    it(`TestInitialElection (${n} servers, seed ${seed}): one leader, every server in its term, and no re-election for 5 s without failures`, () => {
      const ids = n === 3 ? THREE : FIVE;
      const sim = cluster(seed, { servers: ids });
      const l = stableLeader(sim, ids, 2000);
      const term = termOf(sim, l);
      expect(term).toBeGreaterThanOrEqual(1);
      for (const id of ids) {
        expect(termOf(sim, id), `${id}'s term`).toBe(term);
        if (id !== l) expect(srv(sim, id).raft.role).toBe('follower');
      }
      const elections = sim.stats.electionsStarted;
      const t0 = sim.nowMs;
      sim.runUntil(t0 + 5000);
      // Same leader, same term, no election started, no role change at all.
      expect(leadersIn(sim, ids).map((x) => x.id)).toEqual([l]);
      for (const id of ids) expect(termOf(sim, id), `${id}'s term after 5 s`).toBe(term);
      expect(sim.stats.electionsStarted).toBe(elections);
      expect(sim.trace.filter((e) => e.kind === 'role' && e.atMs > t0)).toEqual([]);
      expectNoViolations(sim);
    });
  }

  it('TestReElection: a new leader after the leader is isolated; the old one steps down when it rejoins; no leader without a majority', () => {
    const sim = cluster(201, { servers: THREE });
    const l1 = stableLeader(sim, THREE);
    const t1 = termOf(sim, l1);

    // The leader is cut off: the other two elect one of themselves in a higher term.
    sim.isolate(l1);
    const rest = THREE.filter((id) => id !== l1);
    const l2 = stableLeader(sim, rest);
    expect(l2).not.toBe(l1);
    expect(termOf(sim, l2)).toBeGreaterThan(t1);
    // Nothing reaches the old leader, so it still believes it leads its old term.
    expect(srv(sim, l1).raft.role).toBe('leader');
    expect(termOf(sim, l1)).toBe(t1);
    expect(sim.leader()!.id).toBe(l2);

    // The old leader rejoins: one leader of the highest term; the old one is a follower of that term.
    sim.reconnect(l1);
    const l3 = stableLeader(sim, THREE);
    expect(leadersIn(sim, THREE).map((s) => s.id)).toEqual([l3]);
    expect(srv(sim, l1).raft.role).toBe('follower');
    expect(termOf(sim, l1)).toBe(termOf(sim, l3));
    expect(termOf(sim, l3)).toBeGreaterThanOrEqual(termOf(sim, l2));
    // The old leader's log lacks the new term's no-op, so it cannot have won (§5.4.1).
    expect(l3).not.toBe(l1);

    // No quorum: isolate the leader and one more; the one left never becomes leader.
    const other = THREE.find((id) => id !== l3)!;
    sim.isolate(l3);
    sim.isolate(other);
    const alone = THREE.find((id) => id !== l3 && id !== other)!;
    const t0 = sim.nowMs;
    sim.runUntil(t0 + 2000);
    expect(leadershipsSince(sim, [alone], t0)).toEqual([]);
    expect(srv(sim, alone).raft.role).not.toBe('leader');
    expect(termOf(sim, alone)).toBeGreaterThan(termOf(sim, l3)); // it kept trying

    // A quorum again: a leader appears.
    sim.reconnect(other);
    stableLeader(sim, [other, alone]);
    // Everyone back: one leader.
    sim.reconnect(l3);
    stableLeader(sim, THREE);
    expectNoViolations(sim);
  });

  it('TestNoLeaderWithoutMajority: with 3 of 5 servers (the leader among them) cut off, the other 2 elect no one; one back and a leader appears', () => {
    const sim = cluster(301);
    const l = stableLeader(sim, FIVE);
    const termBefore = termOf(sim, l);
    const leadersBefore = sim.stats.leadersElected;
    const followers = FIVE.filter((id) => id !== l);
    const gone = [l, followers[0], followers[1]];
    const left = [followers[2], followers[3]];
    for (const id of gone) sim.isolate(id);

    const t0 = sim.nowMs;
    sim.runUntil(t0 + 4000);
    expect(leadershipsSince(sim, left, t0)).toEqual([]);
    for (const id of left) expect(srv(sim, id).raft.role, id).not.toBe('leader');
    expect(sim.stats.leadersElected).toBe(leadersBefore);
    // They did try: elections were started in higher terms.
    expect(Math.max(...left.map((id) => termOf(sim, id)))).toBeGreaterThan(termBefore);

    // One of the isolated followers comes back: 3 of 5 can talk, a leader of a higher term appears among them.
    sim.reconnect(followers[0]);
    const group = [followers[0], ...left];
    const l2 = stableLeader(sim, group, 3000);
    expect(group).toContain(l2);
    expect(termOf(sim, l2)).toBeGreaterThan(termBefore);

    sim.heal();
    stableLeader(sim, FIVE);
    expectNoViolations(sim);
  });
});

describe('6.824 2B: log agreement', () => {
  it('TestFailAgree: writes commit on 4 of 5 while a follower is cut off; it catches up after reconnecting', () => {
    const sim = cluster(401);
    const l = stableLeader(sim, FIVE);
    expect(call(sim, 'c1', { op: 'put', key: 'x', value: '1' }, { via: l, retry: true, withinMs: 3000 }).record!.result).toBe('ok');
    expectConverged(sim, FIVE);

    const f = FIVE.find((id) => id !== l)!;
    const others = FIVE.filter((id) => id !== f);
    const fLog = logText(sim, f);
    sim.isolate(f);
    for (let i = 2; i <= 6; i++) {
      const h = call(sim, 'c1', { op: 'put', key: 'x', value: String(i) }, { via: l, retry: true, withinMs: 3000 });
      expect(h.record!.result, `put x=${i}`).toBe('ok');
    }
    const idx6 = indexOfPut(sim, l, '6');
    expect(runUntilTrue(sim, () => others.every((id) => srv(sim, id).raft.commitIndex >= idx6), 500)).toBe(true);
    for (const id of others) expect(sim.view(id).kv.kvs.x.value, id).toBe('6');
    // The cut-off follower has none of it.
    expect(logText(sim, f)).toEqual(fLog);
    expect(sim.view(f).kv.kvs.x.value).toBe('1');

    sim.reconnect(f);
    // (f timed out while alone, so its higher term may depose the leader; its short log cannot win.)
    const l2 = stableLeader(sim, FIVE);
    expect(l2).not.toBe(f);
    expectConverged(sim, FIVE);
    expect(sim.view(f).kv.kvs.x).toMatchObject({ value: '6', version: 6 });
    expect(call(sim, 'c1', { op: 'put', key: 'x', value: '7' }, { via: l2, retry: true, withinMs: 3000 }).record!.result).toBe('ok');
    expectConverged(sim, FIVE);
    expect(linearizableHook(sim.historyWithPending()).ok).toBe(true);
    expectNoViolations(sim);
  });

  it('TestFailNoAgree: with 3 of 5 followers cut off a write is not committed; after they return, what is committed is the same everywhere', () => {
    const sim = cluster(501);
    const l = stableLeader(sim, FIVE);
    expect(call(sim, 'c1', { op: 'put', key: 'y', value: 'before' }, { via: l, retry: true, withinMs: 3000 }).record!.result).toBe('ok');
    expectConverged(sim, FIVE);

    const cutOff = FIVE.filter((id) => id !== l).slice(0, 3);
    for (const id of cutOff) sim.isolate(id);
    const h = sim.submit('c2', { op: 'put', key: 'x', value: 'minority' }, { via: l, retry: false, withinMs: 2500 });
    expect(runUntilTrue(sim, () => indexOfPut(sim, l, 'minority') > 0, 200)).toBe(true);
    const idx = indexOfPut(sim, l, 'minority');
    const t0 = sim.nowMs;
    sim.runUntil(t0 + 2000);
    for (const id of FIVE) expect(srv(sim, id).raft.commitIndex, `${id} commitIndex`).toBeLessThan(idx);
    expect(srv(sim, l).raft.role).toBe('leader'); // still leader, it just cannot commit
    expect(sim.view(l).kv.kvs.x).toBeUndefined();
    // The client gave up without an answer: the outcome is unknown, never ok.
    expect(h.done).toBe(true);
    expect(h.record!.result).toBe('unknown');

    for (const id of cutOff) sim.reconnect(id);
    const l2 = stableLeader(sim, FIVE, 5000);
    expectConverged(sim, FIVE, 3000);
    // Either the entry survived (only the old leader and one follower held it) and is committed
    // at its index everywhere, or it was replaced everywhere.
    const survived = indexOfPut(sim, l2, 'minority');
    if (survived) {
      expect(survived).toBe(idx);
      for (const id of FIVE) expect(sim.view(id).kv.kvs.x?.value, id).toBe('minority');
    } else {
      for (const id of FIVE) expect(sim.view(id).kv.kvs.x, id).toBeUndefined();
    }
    expect(call(sim, 'c1', { op: 'put', key: 'y', value: 'after' }, { via: l2, retry: true, withinMs: 3000 }).record!.result).toBe('ok');
    expectConverged(sim, FIVE);
    expect(linearizableHook(sim.historyWithPending()).ok).toBe(true);
    expectNoViolations(sim);
  });

  it('TestRejoin: a partitioned old leader\'s uncommitted entries are overwritten when it rejoins; committed ones agree everywhere', () => {
    const sim = cluster(601, { servers: THREE });
    const l1 = stableLeader(sim, THREE);
    expect(call(sim, 'c1', { op: 'put', key: 'a', value: '101' }, { via: l1, retry: true, withinMs: 3000 }).record!.result).toBe('ok');
    expectConverged(sim, THREE);
    const committedPrefix = logText(sim, l1);

    // The leader is cut off and accepts writes it can never commit.
    sim.isolate(l1);
    for (const v of ['stale-1', 'stale-2', 'stale-3']) sim.submit('c2', { op: 'put', key: 'a', value: v }, { via: l1, retry: false, withinMs: 60 });
    expect(runUntilTrue(sim, () => indexOfPut(sim, l1, 'stale-3') > 0, 500)).toBe(true);
    expect(putValuesIn(sim, l1)).toEqual(['101', 'stale-1', 'stale-2', 'stale-3']);

    // The other two elect a leader and commit a new write.
    const rest = THREE.filter((id) => id !== l1);
    const l2 = stableLeader(sim, rest);
    expect(call(sim, 'c1', { op: 'put', key: 'a', value: '103' }, { via: l2, retry: true, withinMs: 3000 }).record!.result).toBe('ok');

    // The new leader goes away; the old one comes back next to the remaining follower.
    sim.isolate(l2);
    sim.reconnect(l1);
    const pair = THREE.filter((id) => id !== l2);
    const l3 = stableLeader(sim, pair, 3000);
    // The old leader's last entries are of an older term: the follower holding term-l2 entries wins (§5.4.1).
    expect(l3).not.toBe(l1);
    expect(call(sim, 'c1', { op: 'put', key: 'a', value: '104' }, { via: l3, retry: true, withinMs: 3000 }).record!.result).toBe('ok');
    expectConverged(sim, pair);
    expect(putValuesIn(sim, l1)).toEqual(['101', '103', '104']);

    // Everyone back.
    sim.reconnect(l2);
    const l4 = stableLeader(sim, THREE);
    expect(call(sim, 'c1', { op: 'put', key: 'a', value: '105' }, { via: l4, retry: true, withinMs: 3000 }).record!.result).toBe('ok');
    expectConverged(sim, THREE);
    for (const id of THREE) {
      expect(putValuesIn(sim, id), id).toEqual(['101', '103', '104', '105']);
      expect(logText(sim, id).slice(0, committedPrefix.length), `${id} keeps the committed prefix`).toEqual(committedPrefix);
      expect(sim.view(id).kv.kvs.a).toMatchObject({ value: '105', version: 4 });
    }
    expect(linearizableHook(sim.historyWithPending()).ok).toBe(true);
    expectNoViolations(sim);
  });

  it('TestBackup: divergent followers are brought in line with few AppendEntries rejections (accelerated backtracking, §5.3)', () => {
    const sim = cluster(701, { clients: ['c1', 'old', 'old2'] });
    const l1 = stableLeader(sim, FIVE);
    expect(call(sim, 'c1', { op: 'put', key: 'k', value: 'seed' }, { via: l1, retry: true, withinMs: 3000 }).record!.result).toBe('ok');
    expectConverged(sim, FIVE);
    const [f1, a, b, c] = FIVE.filter((id) => id !== l1);

    // The leader and one follower are on the minority side; 50 writes to the old leader cannot commit.
    sim.partition([[l1, f1], [a, b, c]]);
    const oldOps: ClientOpHandle[] = [];
    for (let i = 0; i < 50; i++) oldOps.push(sim.submit('old', { op: 'put', key: `k${i % 5}`, value: `old-${i}` }, { via: l1, retry: false, withinMs: 40 }));
    expect(runUntilTrue(sim, () => oldOps.every((h) => h.done), 5000)).toBe(true);
    for (const h of oldOps) expect(h.record!.result).toBe('unknown');
    for (const id of [l1, f1]) expect(putValuesIn(sim, id).filter((v) => v.startsWith('old-')), id).toHaveLength(50);

    // The majority side elects a leader and commits 50 different writes.
    const l2 = stableLeader(sim, [a, b, c]);
    for (let i = 0; i < 50; i++) {
      expect(call(sim, 'c1', { op: 'put', key: `k${i % 5}`, value: `new-${i}` }, { via: l2, retry: true, withinMs: 3000 }).record!.result).toBe('ok');
    }
    const other = [a, b, c].find((id) => id !== l2)!;
    const third = [a, b, c].find((id) => id !== l2 && id !== other)!;

    // `other` leaves; the new leader and one follower take 50 writes they cannot commit.
    sim.partition([[l2, third]]);
    const old2Ops: ClientOpHandle[] = [];
    for (let i = 0; i < 50; i++) old2Ops.push(sim.submit('old2', { op: 'put', key: `k${i % 5}`, value: `lost-${i}` }, { via: l2, retry: false, withinMs: 40 }));
    expect(runUntilTrue(sim, () => old2Ops.every((h) => h.done), 5000)).toBe(true);
    for (const id of [l2, third]) expect(putValuesIn(sim, id).filter((v) => v.startsWith('lost-')), id).toHaveLength(50);

    // Swap: the old leader, its follower and `other` form a majority; only `other` holds the
    // committed term, so it must win; it commits 50 more writes and repairs the two divergent logs.
    const tSwap = sim.nowMs;
    sim.partition([[l1, f1, other]]);
    const l3 = stableLeader(sim, [l1, f1, other], 5000);
    expect(l3).toBe(other);
    for (let i = 0; i < 50; i++) {
      expect(call(sim, 'c1', { op: 'put', key: `k${i % 5}`, value: `more-${i}` }, { via: l3, retry: true, withinMs: 3000 }).record!.result).toBe('ok');
    }
    expectConverged(sim, [l1, f1, other]);
    const tHeal = sim.nowMs;

    // Everything heals: the other divergent pair (50 uncommitted entries of their term) is repaired too.
    sim.heal();
    const l4 = stableLeader(sim, FIVE, 5000);
    expect(call(sim, 'c1', { op: 'put', key: 'k', value: 'final' }, { via: l4, retry: true, withinMs: 3000 }).record!.result).toBe('ok');
    expectConverged(sim, FIVE);
    const values = putValuesIn(sim, l4);
    expect(values.filter((v) => v.startsWith('old-'))).toEqual([]);
    expect(values.filter((v) => v.startsWith('lost-'))).toEqual([]);
    expect(values.filter((v) => v.startsWith('new-'))).toHaveLength(50);
    expect(values.filter((v) => v.startsWith('more-'))).toHaveLength(50);

    // Count the log-mismatch rejections (not stale-term ones) needed per divergent follower.
    const rejections = (fromMs: number, toMs: number) => {
      const per: Record<string, number> = {};
      for (const r of sim.messages) {
        const m = r.msg;
        if (r.sendMs < fromMs || r.sendMs > toMs || m.type !== 'AppendEntriesResponse' || m.success || m.reason === 'staleTerm') continue;
        per[m.from] = (per[m.from] ?? 0) + 1;
      }
      return per;
    };
    const swap = rejections(tSwap, tHeal);
    const healed = rejections(tHeal, sim.nowMs);
    console.log(`TestBackup rejections: after the swap ${JSON.stringify(swap)}, after healing ${JSON.stringify(healed)}`);
    // After the swap the new leader's first AppendEntries points past the end of the old leader's and
    // its follower's logs (they hold 52 entries, it 53), so each must reject at least once; with the
    // conflict hints the 50 stale entries of their term are skipped in one round trip, not 50.
    for (const id of [l1, f1]) {
      expect(swap[id] ?? 0, `${id} rejections after the swap`).toBeGreaterThanOrEqual(1);
      expect(swap[id] ?? 0, `${id} rejections after the swap`).toBeLessThanOrEqual(5);
    }
    // After healing, a leader whose nextIndex for them never moved (it never heard back) may need
    // no rejection at all; one elected afresh needs a few.
    for (const id of [l2, third]) expect(healed[id] ?? 0, `${id} rejections after healing`).toBeLessThanOrEqual(5);
    // Someone really had to be repaired: none of the 50 uncommitted entries of either side is left.
    for (const id of [l1, f1, l2, third]) expect(putValuesIn(sim, id).filter((v) => v.startsWith('old-') || v.startsWith('lost-')), id).toEqual([]);
    const total = Object.values(swap).reduce((x, y) => x + y, 0) + Object.values(healed).reduce((x, y) => x + y, 0);
    expect(total).toBeLessThan(25);
    expectNoViolations(sim);
  });
});

describe('6.824 2C: persistence', () => {
  it('TestPersist1: after crashing and restarting every server, every committed write is still readable with the same revisions', () => {
    const sim = cluster(801);
    const l = stableLeader(sim, FIVE);
    for (let i = 0; i < 10; i++) {
      expect(call(sim, 'c1', { op: 'put', key: `k${i % 4}`, value: `v${i}` }, { via: l, retry: true, withinMs: 3000 }).record!.result).toBe('ok');
    }
    expect(call(sim, 'c1', { op: 'delete', key: 'k3' }, { via: l, retry: true, withinMs: 3000 }).record!.result).toBe('ok');
    expectConverged(sim, FIVE);
    const before = sim.view(l).kv;
    expect(Object.keys(before.kvs).sort()).toEqual(['k0', 'k1', 'k2']);
    expect(before.revision).toBe(1 + 11);
    const persisted = FIVE.map((id) => ({ term: termOf(sim, id), votedFor: srv(sim, id).raft.votedFor, log: logText(sim, id) }));

    for (const id of FIVE) sim.crash(id);
    for (const id of FIVE) expect(sim.view(id).kv.revision, `${id}'s state machine is volatile`).toBe(1);
    sim.runUntil(sim.nowMs + 1000); // all down: nothing happens
    expect(FIVE.map((id) => ({ term: termOf(sim, id), votedFor: srv(sim, id).raft.votedFor, log: logText(sim, id) }))).toEqual(persisted);

    for (const id of FIVE) sim.restart(id);
    const l2 = stableLeader(sim, FIVE, 3000);
    expect(termOf(sim, l2)).toBeGreaterThan(persisted[0].term);
    expectConverged(sim, FIVE);
    for (const id of FIVE) expect(sim.view(id).kv, `${id}'s rebuilt KV`).toEqual(before);
    for (const key of ['k0', 'k1', 'k2', 'k3']) {
      const g = call(sim, 'c2', { op: 'get', key }, { retry: true, withinMs: 3000 });
      expect(g.record!.result).toBe('ok');
      expect(g.record!.value, key).toBe(before.kvs[key]?.value ?? null);
      const resp = g.record!.response as { op: string; kvs: { modRevision: number; createRevision: number; version: number }[] };
      if (before.kvs[key]) expect(resp.kvs[0]).toMatchObject({ modRevision: before.kvs[key].modRevision, createRevision: before.kvs[key].createRevision, version: before.kvs[key].version });
    }

    // TestPersist2 in short: crash the leader and a follower, write, bring them back; they catch up.
    const down = [l2, FIVE.find((id) => id !== l2)!];
    for (const id of down) sim.crash(id);
    const up = FIVE.filter((id) => !down.includes(id));
    const l3 = stableLeader(sim, up, 3000);
    expect(call(sim, 'c1', { op: 'put', key: 'k0', value: 'later' }, { via: l3, retry: true, withinMs: 3000 }).record!.result).toBe('ok');
    for (const id of down) sim.restart(id);
    expectConverged(sim, FIVE);
    for (const id of FIVE) expect(sim.view(id).kv.kvs.k0.value).toBe('later');
    expect(linearizableHook(sim.historyWithPending()).ok).toBe(true);
    expectNoViolations(sim);
  });

  for (const seed of FIGURE8_SEEDS) it(`TestFigure8 (seed ${seed}): repeatedly crashing the leader at random times, with a majority up after each round, keeps the logs safe; then a final write commits everywhere`, () => {
    const rng = seedrandom(`raftsim-ported-figure8-${seed}`);
    const clients = ['c1', 'c2', 'c3'];
    const sim = cluster(seed, { clients });
    const l0 = stableLeader(sim, FIVE);
    expect(call(sim, 'c1', { op: 'put', key: 'k0', value: 'start' }, { via: l0, retry: true, withinMs: 3000 }).record!.result).toBe('ok');

    const pick = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)];
    const isUp = (id: NodeId) => srv(sim, id).up;
    let crashes = 0;
    let restarts = 0;
    let submitted = 0;
    const leadersBefore = sim.stats.leadersElected;
    for (let iter = 0; iter < 1000; iter++) {
      // Every server that believes it leads gets a write (6.824 calls Start on all of them); the
      // one of the highest term is the leader crashed after the pause.
      const leaders = leadersIn(sim, FIVE);
      for (const [i, c] of clients.filter((c) => !sim.clients.get(c)!.busy).entries()) {
        if (!leaders.length) break;
        const s = leaders[i % leaders.length];
        sim.submit(c, { op: 'put', key: `k${(iter + i) % 3}`, value: `f8-${iter}-${c}-${s.id}` }, { via: s.id, retry: false, withinMs: 300 });
        submitted++;
      }
      const victim = sim.leader();
      // Mostly short pauses, sometimes long enough for an election to finish.
      sim.runUntil(sim.nowMs + (rng() < 0.1 ? rng() * 500 : rng() * 13));
      if (victim && victim.up) {
        sim.crash(victim.id);
        crashes++;
      }
      const downIds = () => FIVE.filter((id) => !isUp(id));
      if (downIds().length && rng() < 0.2) {
        sim.restart(pick(downIds()));
        restarts++;
      }
      while (FIVE.filter(isUp).length < 3) {
        sim.restart(pick(downIds()));
        restarts++;
      }
      expect(FIVE.filter(isUp).length).toBeGreaterThanOrEqual(3);
    }
    for (const id of FIVE) if (!isUp(id)) { sim.restart(id); restarts++; }
    const l = stableLeader(sim, FIVE, 10_000);
    const fin = call(sim, 'c1', { op: 'put', key: 'k0', value: 'final' }, { via: l, retry: true, withinMs: 10_000 });
    expect(fin.record!.result).toBe('ok');
    expectConverged(sim, FIVE, 5000);
    const g = call(sim, 'c2', { op: 'get', key: 'k0' }, { retry: true, withinMs: 5000 });
    expect(g.record!.value).toBe('final');

    const elected = sim.stats.leadersElected - leadersBefore;
    const committedLoopWrites = putValuesIn(sim, l).filter((v) => v.startsWith('f8-')).length;
    console.log(`TestFigure8: ${crashes} leader crashes, ${restarts} restarts, ${elected} leaders elected, ${submitted} writes submitted, ${committedLoopWrites} of them committed, final term ${termOf(sim, l)}, ${sim.nowMs.toFixed(0)} ms simulated`);
    expect(crashes).toBeGreaterThanOrEqual(30);
    expect(elected).toBeGreaterThanOrEqual(30);
    const lin = linearizableHook(sim.historyWithPending());
    expect(lin.ok, lin.detail).toBe(true);
    expectNoViolations(sim);
  });
});

describe('6.824 unreliable network', () => {
  it('TestUnreliableAgree: 10% loss, [5, 60] ms latency (reordering) and 5% duplication; 3 clients, 300+ operations on 3 keys stay linearizable; the cluster converges after healing', () => {
    const clients = ['c1', 'c2', 'c3'];
    const sim = cluster(1001, { clients, clientTimeoutMs: 300, network: { latencyMs: [5, 60], dropRate: 0.1, duplicateRate: 0.05 } });
    const rng = seedrandom('raftsim-ported-unreliable');
    const keys = ['a', 'b', 'c'];
    const perClient = 110;
    const handles: ClientOpHandle[] = [];
    const count: Record<string, number> = { c1: 0, c2: 0, c3: 0 };
    const written: string[] = [];
    const limit = 200_000;
    while (sim.nowMs < limit && (clients.some((c) => count[c] < perClient) || handles.some((h) => !h.done))) {
      for (const c of clients) {
        if (sim.clients.get(c)!.busy || count[c] >= perClient) continue;
        const key = keys[Math.floor(rng() * keys.length)];
        const r = rng();
        const n = count[c]++;
        let spec: ClientOpSpec;
        if (r < 0.45) {
          spec = { op: 'put', key, value: `${c}-${n}` };
          written.push(spec.value);
        } else if (r < 0.85) {
          spec = { op: 'get', key };
        } else {
          const from = written.length && rng() < 0.8 ? written[Math.floor(rng() * written.length)] : null;
          spec = { op: 'cas', key, from, to: `${c}-${n}-cas` };
          written.push(spec.to);
        }
        handles.push(sim.submit(c, spec, { retry: true, withinMs: 3000 }));
      }
      sim.runUntil(sim.nowMs + 5);
    }
    expect(handles.length).toBeGreaterThanOrEqual(300);
    expect(handles.every((h) => h.done)).toBe(true);
    const by = { ok: 0, fail: 0, unknown: 0 };
    for (const h of handles) {
      by[h.record!.result]++;
      // Puts and gets never fail; only a cas whose compare did not hold does.
      if (h.spec.op !== 'cas') expect(h.record!.result).not.toBe('fail');
    }
    const lost = sim.messages.toArray().filter((m) => m.dropReason === 'loss').length;
    const dups = sim.messages.toArray().filter((m) => m.duplicateOf !== undefined).length;
    console.log(`TestUnreliableAgree: ${handles.length} ops (${JSON.stringify(by)}), ${sim.messages.length} messages (${lost} lost, ${dups} duplicates), ${sim.stats.leadersElected} leaders elected, ${sim.nowMs.toFixed(0)} ms simulated`);
    expect(lost).toBeGreaterThan(0);
    expect(dups).toBeGreaterThan(0);
    // Unknown outcomes are inflated by the client bug shown at the end of this file (a client that
    // once timed out on the leader never asks it again for that operation); most still finish.
    expect(by.ok + by.fail).toBeGreaterThanOrEqual(handles.length * 0.6);
    const lin = linearizableHook(sim.historyWithPending());
    expect(lin.ok, lin.detail).toBe(true);

    sim.setNetwork({ latencyMs: [5, 15], dropRate: 0, duplicateRate: 0 });
    stableLeader(sim, FIVE, 3000);
    expectConverged(sim, FIVE, 3000);
    expectNoViolations(sim);
  });
});

describe('message bounds (6.824 TestCount, etcd-style)', () => {
  it('one write on a stable, idle 5-server cluster costs at most 4 * (servers - 1) + 2 messages beyond heartbeat traffic', () => {
    const sim = cluster(1101);
    const l = stableLeader(sim, FIVE);
    sim.runUntil(sim.nowMs + 500);
    const n = FIVE.length;
    const costs: number[] = [];
    for (let i = 0; i < 10; i++) {
      sim.runUntil(sim.nowMs + 37); // vary the phase against the heartbeat timer
      const t0 = sim.nowMs;
      const h = sim.submit('c1', { op: 'put', key: 'x', value: `v${i}` }, { via: l, retry: true, withinMs: 3000 });
      expect(runUntilTrue(sim, () => h.done && FIVE.every((id) => srv(sim, id).raft.lastApplied === srv(sim, l).raft.log.length), 1000, 1)).toBe(true);
      expect(h.record!.result).toBe('ok');
      const msgs = nonHeartbeat(sim.messages.toArray(), t0, sim.nowMs);
      costs.push(msgs.length);
    }
    console.log(`messages per agreement (beyond heartbeats), 5 servers: ${costs.join(', ')}`);
    // At least: request + reply + AppendEntries with the entry to each follower + their responses.
    for (const c of costs) {
      expect(c).toBeGreaterThanOrEqual(2 * (n - 1) + 2);
      expect(c).toBeLessThanOrEqual(4 * (n - 1) + 2);
    }
    expect(sim.stats.leadersElected).toBe(1);
    expectNoViolations(sim);
  });

  it('an idle 5-server cluster with heartbeatMs 50 sends about 2 * (servers - 1) * (1000 / heartbeatMs) messages per second', () => {
    const sim = cluster(1102);
    stableLeader(sim, FIVE);
    sim.runUntil(sim.nowMs + 500);
    const t0 = sim.nowMs;
    const seconds = 5;
    sim.runUntil(t0 + seconds * 1000);
    const sent = sim.messages.toArray().filter((r) => r.sendMs >= t0 && r.sendMs < t0 + seconds * 1000);
    const perSecond = sent.length / seconds;
    const expected = 2 * (FIVE.length - 1) * (1000 / 50);
    console.log(`idle messages per second, 5 servers, heartbeat 50 ms: ${perSecond} (expected ${expected})`);
    expect(perSecond).toBeGreaterThanOrEqual(0.9 * expected);
    expect(perSecond).toBeLessThanOrEqual(1.1 * expected);
    expect(new Set(sent.map((r) => r.msg.type))).toEqual(new Set(['AppendEntries', 'AppendEntriesResponse']));
    expect(sim.stats.leadersElected).toBe(1);
    expectNoViolations(sim);
  });

  it('TestCount (election): electing the first leader of a 3-server cluster takes a bounded number of messages', () => {
    const sim = cluster(1103, { servers: THREE });
    stableLeader(sim, THREE);
    const votes = sim.messages.toArray().filter((r) => r.msg.type === 'RequestVote' || r.msg.type === 'RequestVoteResponse').length;
    console.log(`election messages, 3 servers: ${votes}, elections started: ${sim.stats.electionsStarted}`);
    expect(votes).toBeGreaterThanOrEqual(2); // a candidate must ask at least one peer and hear back
    expect(votes).toBeLessThanOrEqual(4 * sim.stats.electionsStarted);
    expect(votes).toBeLessThanOrEqual(30);
    expectNoViolations(sim);
  });
});

describe('client retries (regression)', () => {
  it('after one lost reply from a healthy, stable leader, a retrying client asks that leader again and the write returns ok', () => {
    const sim = cluster(7, { clients: ['c1'], clientTimeoutMs: 300 });
    const l = stableLeader(sim, FIVE);
    expect(call(sim, 'c1', { op: 'put', key: 'x', value: '0' }, { retry: true, withinMs: 3000 }).record!.result).toBe('ok');
    expect(sim.clients.get('c1')!.leaderGuess).toBe(l);
    const t0 = sim.nowMs;
    const h = sim.submit('c1', { op: 'put', key: 'x', value: '1' }, { retry: true, withinMs: 3000 });
    // Lose the leader's first reply (the write itself is committed and applied).
    let dropped = false;
    while (!h.done && sim.nowMs < t0 + 4000) {
      if (!dropped) for (const r of [...sim.inFlight]) if (r.msg.type === 'ClientResponse' && r.msg.to === 'c1') { sim.dropInFlight(r.id); dropped = true; }
      if (!sim.processNext()) break;
    }
    expect(dropped).toBe(true);
    expect(sim.leader()!.id).toBe(l); // the leader never changed
    expect(sim.view(l).kv.kvs.x.value).toBe('1'); // and the write was applied
    // Expected: the retry reaches the leader, whose session table answers it again (thesis §6.3).
    // Observed: the client suspects the leader after its timeout, then ignores every follower's
    // leaderHint (the hint is a suspect) and rotates among the four followers until the deadline.
    expect(h.record!.result).toBe('ok');
  });
});
