/**
 * The host runs the issue 12 options of the Raft node (src/raft/HOST.md): reads by ReadIndex and
 * lease (thesis §6.4, §6.4.1), a follower serving a linearizable read (etcd MsgReadIndex), each
 * server's own clock (clock drift), PreVote's pre-candidate (§9.6), CheckQuorum (§6.2) and
 * leader transfer (§3.10) with the client backing off while the leader refuses proposals.
 */
import { describe, expect, it } from 'vitest';
import { Simulation, type SimConfig } from '../src/sim/engine';
import type { RaftNote } from '../src/raft/types';
import type { TraceEvent } from '../src/sim/types';

const config = (over: Partial<SimConfig> = {}): SimConfig => ({
  seed: 1, servers: ['S1', 'S2', 'S3'], clients: ['c1', 'c2'], heartbeatMs: 50,
  electionTimeoutMs: [150, 300], clientTimeoutMs: 500,
  network: { latencyMs: [10, 20], dropRate: 0, duplicateRate: 0 }, ...over,
});

const notes = (sim: Simulation, kind: RaftNote['kind']) =>
  sim.trace.flatMap((e: TraceEvent) => (e.kind === 'note' && e.note.kind === kind ? [{ node: e.node, atMs: e.atMs, note: e.note }] : []));

function withLeader(over: Partial<SimConfig>): { sim: Simulation; leader: string } {
  const sim = new Simulation(config(over));
  sim.runUntil(1000);
  const l = sim.leader();
  if (!l) throw new Error('no leader by 1000 ms');
  return { sim, leader: l.id };
}

function put(sim: Simulation, key: string, value: string, untilMs: number) {
  const h = sim.submit('c1', { op: 'put', key, value }, { retry: true, withinMs: 3000 });
  sim.runUntil(untilMs);
  expect(h.record?.result).toBe('ok');
}

describe('linearizable gets by read index (HOST.md §4, §5)', () => {
  it('reads: readIndex: a get is answered after a heartbeat round, with no log entry written (thesis §6.4)', () => {
    const { sim, leader } = withLeader({ reads: 'readIndex' });
    put(sim, 'x', '1', 1500);
    const logBefore = sim.server(leader).raft.log.length;
    const h = sim.submit('c1', { op: 'get', key: 'x' }, { retry: true, withinMs: 3000 });
    sim.runUntil(2000);
    expect(h.record?.result).toBe('ok');
    expect(h.record?.value).toBe('1');
    expect(sim.server(leader).raft.log.length).toBe(logBefore);
    expect(notes(sim, 'readConfirmed').length).toBeGreaterThan(0);
  });

  it('reads: log (the default) still proposes a get as a log entry', () => {
    const { sim, leader } = withLeader({});
    put(sim, 'x', '1', 1500);
    const logBefore = sim.server(leader).raft.log.length;
    const h = sim.submit('c1', { op: 'get', key: 'x' }, { retry: true, withinMs: 3000 });
    sim.runUntil(2000);
    expect(h.record?.value).toBe('1');
    expect(sim.server(leader).raft.log.length).toBe(logBefore + 1);
    expect(notes(sim, 'readConfirmed')).toEqual([]);
  });

  it('a follower serves a linearizable get from its own state after asking the leader for a read index (etcd MsgReadIndex)', () => {
    const { sim, leader } = withLeader({ reads: 'readIndex' });
    put(sim, 'x', '1', 1500);
    const follower = sim.serverIds.find((id) => id !== leader)!;
    const h = sim.submit('c2', { op: 'get', key: 'x' }, { via: follower, retry: true, withinMs: 3000 });
    sim.runUntil(2000);
    expect(h.record?.result).toBe('ok');
    expect(h.record?.value).toBe('1');
    expect(notes(sim, 'readForwarded').map((n) => n.node)).toContain(follower);
    expect(notes(sim, 'readIndexFromLeader').map((n) => n.node)).toContain(follower);
    const answer = sim.messages.toArray().find((r) => r.msg.type === 'ClientResponse' && r.msg.to === 'c2' && r.msg.ok);
    expect(answer?.msg.from).toBe(follower);
  });

  it('reads: lease: the leader answers from its lease without a heartbeat round (thesis §6.4.1)', () => {
    const { sim } = withLeader({ reads: 'lease', checkQuorum: true });
    put(sim, 'x', '1', 1500);
    const h = sim.submit('c1', { op: 'get', key: 'x' }, { retry: true, withinMs: 3000 });
    sim.runUntil(2000);
    expect(h.record?.value).toBe('1');
    expect(notes(sim, 'leaseRead').length).toBe(1);
  });
});

describe("each server's own clock (HOST.md §2)", () => {
  it('a leader whose clock runs at half speed sends heartbeats every 2 × heartbeatMs of simulated time', () => {
    const rates = new Map([['S1', 0.5], ['S2', 0.5], ['S3', 0.5]]);
    const sim = new Simulation(config({ clockRate: rates }));
    sim.runUntil(2000);
    const leader = sim.leader()!.id;
    const sends = sim.messages.toArray()
      .filter((r) => r.msg.type === 'AppendEntries' && r.msg.from === leader && r.msg.entries.length === 0 && r.sendMs > 1000)
      .map((r) => r.sendMs);
    const gaps = new Set(sends.slice(1).map((t, i) => Math.round(t - sends[i])).filter((g) => g > 0));
    expect([...gaps]).toEqual([100]);
    expect(sim.localClockMs(leader)).toBe(1000);
  });

  it('clock rate 1 for every server gives the same run as no clock rates at all', () => {
    const a = new Simulation(config());
    const b = new Simulation(config({ clockRate: new Map([['S1', 1], ['S2', 1], ['S3', 1]]) }));
    a.runUntil(3000);
    b.runUntil(3000);
    expect(b.traceHash).toBe(a.traceHash);
  });
});

describe('PreVote and CheckQuorum through the host', () => {
  it('preVote: an isolated server becomes preCandidate and its term does not climb (thesis §9.6)', () => {
    const { sim, leader } = withLeader({ preVote: true });
    const lone = sim.serverIds.find((id) => id !== leader)!;
    const term = sim.server(lone).raft.currentTerm;
    sim.isolate(lone);
    sim.runUntil(3000);
    expect(sim.trace.some((e) => e.kind === 'role' && e.node === lone && e.to === 'preCandidate')).toBe(true);
    expect(sim.server(lone).raft.currentTerm).toBe(term);
  });

  it('checkQuorum: a leader cut off from the others steps down within an election timeout or two (thesis §6.2)', () => {
    const { sim, leader } = withLeader({ checkQuorum: true });
    sim.isolate(leader);
    sim.runUntil(1400);
    expect(sim.server(leader).raft.role).toBe('follower');
    expect(notes(sim, 'steppedDown').some((n) => n.node === leader && n.note.kind === 'steppedDown' && n.note.cause === 'checkQuorum')).toBe(true);
  });
});

describe('leader transfer (thesis §3.10)', () => {
  it('the target becomes leader in about a round trip, and a put refused meanwhile is retried and succeeds', () => {
    const { sim, leader } = withLeader({});
    put(sim, 'x', '1', 1500);
    const target = sim.serverIds.find((id) => id !== leader)!;
    sim.transferLeader(target);
    const h = sim.submit('c1', { op: 'put', key: 'x', value: '2' }, { retry: true, withinMs: 3000 });
    sim.runUntil(1600);
    expect(sim.leader()?.id).toBe(target);
    expect(notes(sim, 'timeoutNowSent').map((n) => n.node)).toEqual([leader]);
    sim.runUntil(3000);
    expect(h.record?.result).toBe('ok');
    const refused = sim.messages.toArray().filter((r) => r.msg.type === 'ClientResponse' && r.msg.error === 'transferring');
    expect(refused.length).toBeGreaterThan(0);
  });

  it('with no leader there is no node to ask: the trace says so', () => {
    const sim = new Simulation(config());
    sim.transferLeader('S2');
    const f = sim.trace.find((e) => e.kind === 'fault' && e.action === 'transfer');
    expect(f).toMatchObject({ nodes: ['S2'], detail: 'no leader' });
    expect(() => sim.transferLeader('S9')).toThrow(/unknown server/);
  });
});
