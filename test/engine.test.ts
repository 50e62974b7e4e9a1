/**
 * The deterministic engine: event order, seeded randomness, the network (latency, loss,
 * duplication, partitions dropped at delivery time), crashes and restarts, clients.
 */
import { describe, expect, it } from 'vitest';
import { EventHeap } from '../src/sim/heap';
import { checkedSimulation } from '../src/check/invariants';
import type { Simulation, SimConfig } from '../src/sim/engine';
import type { MessageRecord } from '../src/sim/types';

const base = (over: Partial<SimConfig> = {}): SimConfig => ({
  seed: 1, servers: ['S1', 'S2', 'S3', 'S4', 'S5'], clients: ['c1'], heartbeatMs: 50,
  electionTimeoutMs: [150, 300], clientTimeoutMs: 500,
  network: { latencyMs: [10, 20], dropRate: 0, duplicateRate: 0 }, ...over,
});

function runWithLoad(seed: number, over: Partial<SimConfig> = {}): Simulation {
  const sim = checkedSimulation(base({ seed, ...over }));
  sim.runUntil(600);
  for (let i = 0; i < 5; i++) sim.submit('c1', { op: 'put', key: `k${i % 2}`, value: String(i) }, { retry: true, withinMs: 3000 });
  sim.runUntil(1500);
  const l = sim.leader();
  if (l) sim.crash(l.id);
  sim.runUntil(3000);
  sim.restart(l?.id ?? 'S1');
  sim.runUntil(4000);
  return sim;
}

describe('event queue', () => {
  it('orders events by simulated time and breaks ties by insertion order', () => {
    const h = new EventHeap<{ atMs: number; seq: number; name: string }>();
    for (const [atMs, name] of [[5, 'a'], [1, 'b'], [5, 'c'], [1, 'd'], [3, 'e'], [5, 'f']] as const) h.push({ atMs, seq: 0, name });
    const out: string[] = [];
    while (h.size) out.push(h.pop()!.name);
    expect(out).toEqual(['b', 'd', 'e', 'a', 'c', 'f']);
  });
});

describe('determinism', () => {
  it('the same seed gives the same traceHash, messages and final state', () => {
    const a = runWithLoad(11, { network: { latencyMs: [5, 30], dropRate: 0.05, duplicateRate: 0.05 } });
    const b = runWithLoad(11, { network: { latencyMs: [5, 30], dropRate: 0.05, duplicateRate: 0.05 } });
    expect(a.traceHash).toBe(b.traceHash);
    expect(a.messages.length).toBe(b.messages.length);
    expect(JSON.stringify(a.views())).toBe(JSON.stringify(b.views()));
    expect(JSON.stringify(a.history)).toBe(JSON.stringify(b.history));
  });

  it('different seeds give different traces', () => {
    const hashes = new Set([1, 2, 3, 4, 5].map((s) => runWithLoad(s).traceHash));
    expect(hashes.size).toBe(5);
  });

  it('traceHash is a hex string', () => {
    expect(runWithLoad(1).traceHash).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('network', () => {
  it('every message gets a one-way latency within latencyMs and a send and delivery time', () => {
    const sim = checkedSimulation(base({ network: { latencyMs: [10, 20], dropRate: 0, duplicateRate: 0 } }));
    sim.runUntil(1000);
    expect(sim.messages.length).toBeGreaterThan(50);
    for (const r of sim.messages.toArray().filter((m) => m.status === 'delivered')) {
      expect(r.deliverMs - r.sendMs).toBeGreaterThanOrEqual(10 - 1e-9);
      expect(r.deliverMs - r.sendMs).toBeLessThanOrEqual(20 + 1e-9);
    }
  });

  it('dropRate loses messages (recorded with reason "loss") and duplicateRate makes extra copies', () => {
    const sim = checkedSimulation(base({ network: { latencyMs: [10, 20], dropRate: 0.2, duplicateRate: 0.2 } }));
    sim.runUntil(3000);
    const lost = sim.messages.toArray().filter((m) => m.dropReason === 'loss');
    const dups = sim.messages.toArray().filter((m) => m.duplicateOf !== undefined);
    const share = lost.length / sim.messages.length;
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.3);
    expect(dups.length).toBeGreaterThan(0);
    for (const d of dups) expect(sim.messages.byId(d.duplicateOf!)!.msg).toEqual(d.msg);
  });

  it('a message crossing a link cut while it was in flight is dropped at delivery time with reason "partition"', () => {
    const sim = checkedSimulation(base());
    sim.runUntil(1000);
    const leader = sim.leader()!.id;
    sim.runUntil(sim.nowMs + 0.001); // let nothing special happen
    // Find a message in flight from the leader, then partition it away.
    while (![...sim.inFlight].some((r) => r.msg.from === leader && r.msg.to !== leader)) sim.processNext();
    const rec = [...sim.inFlight].find((r) => r.msg.from === leader)! as MessageRecord;
    const cutAt = sim.nowMs;
    sim.isolate(leader);
    sim.runUntil(rec.deliverMs + 1);
    expect(rec.status).toBe('dropped');
    expect(rec.dropReason).toBe('partition');
    expect(rec.deliverMs).toBeGreaterThan(cutAt);
  });

  it('partition keeps only in-group links; unnamed servers are alone; heal restores all', () => {
    const sim = checkedSimulation(base());
    sim.partition([['S1', 'S2'], ['S3', 'S4']]);
    const up = (a: string, b: string) => sim.network.isUp(a, b);
    expect([up('S1', 'S2'), up('S2', 'S1'), up('S3', 'S4')]).toEqual([true, true, true]);
    expect([up('S1', 'S3'), up('S5', 'S1'), up('S4', 'S5')]).toEqual([false, false, false]);
    sim.heal();
    expect(sim.network.cutLinks()).toEqual([]);
  });

  it('cut is one-way unless both; reconnect restores links to servers that are not isolated', () => {
    const sim = checkedSimulation(base());
    sim.cut('S1', 'S2', false);
    expect([sim.network.isUp('S1', 'S2'), sim.network.isUp('S2', 'S1')]).toEqual([false, true]);
    sim.isolate('S3');
    sim.isolate('S4');
    sim.reconnect('S3');
    expect(sim.network.isUp('S3', 'S5')).toBe(true);
    expect(sim.network.isUp('S3', 'S4')).toBe(false); // S4 is still isolated
  });

  it('a message arriving at a crashed server is dropped with reason "crashed"', () => {
    const sim = checkedSimulation(base());
    sim.runUntil(1000);
    sim.crash('S2');
    sim.runUntil(1200);
    const toS2 = sim.messages.toArray().filter((m) => m.msg.to === 'S2' && m.sendMs > 1000);
    expect(toS2.length).toBeGreaterThan(0);
    for (const m of toS2) expect([m.status, m.dropReason]).toEqual(['dropped', 'crashed']);
  });
});

describe('crash and restart', () => {
  it('a crash keeps currentTerm, votedFor and log; a restart rebuilds the state machine by re-applying the log', () => {
    const sim = checkedSimulation(base());
    sim.runUntil(600);
    sim.submit('c1', { op: 'put', key: 'x', value: '1' }, { retry: true, withinMs: 3000 });
    sim.runUntil(1500);
    const follower = sim.serverIds.find((id) => sim.server(id).raft.role === 'follower')!;
    const before = sim.view(follower);
    expect(before.kv.kvs.x.value).toBe('1');
    sim.crash(follower);
    const down = sim.view(follower);
    expect([down.up, down.currentTerm, down.votedFor, down.log.length]).toEqual([false, before.currentTerm, before.votedFor, before.log.length]);
    sim.restart(follower);
    const up = sim.view(follower);
    expect([up.role, up.commitIndex, up.lastApplied, up.kv.revision]).toEqual(['follower', 0, 0, 1]);
    sim.runUntil(2500);
    const after = sim.view(follower);
    expect(after.kv.kvs.x.value).toBe('1');
    expect(after.kv.kvs.x.modRevision).toBe(before.kv.kvs.x.modRevision);
  });

  it('forceTimeout makes a follower start an election now', () => {
    const sim = checkedSimulation(base());
    sim.runUntil(1000);
    const follower = sim.serverIds.find((id) => sim.server(id).raft.role === 'follower')!;
    const term = sim.server(follower).raft.currentTerm;
    sim.forceTimeout(follower);
    expect(sim.server(follower).raft.role).toBe('candidate');
    expect(sim.server(follower).raft.currentTerm).toBe(term + 1);
  });
});

describe('clients', () => {
  it('a client follows the leader hint and records invoke/return times and the result', () => {
    const sim = checkedSimulation(base({ clients: ['c1', 'c2'] }));
    sim.runUntil(1000);
    const h = sim.submit('c2', { op: 'put', key: 'x', value: 'v' }, { retry: true, withinMs: 3000 });
    sim.runUntil(2000);
    expect(h.record).toMatchObject({ client: 'c2', op: 'put', key: 'x', value: 'v', invokeMs: 1000, result: 'ok' });
    expect(h.record!.returnMs!).toBeGreaterThan(1000);
    expect(sim.clients.get('c2')!.leaderGuess).toBe(sim.leader()!.id);
  });

  it('operations given to a busy client queue behind it', () => {
    const sim = checkedSimulation(base());
    sim.runUntil(1000);
    const a = sim.submit('c1', { op: 'put', key: 'x', value: '1' }, { retry: true, withinMs: 3000 });
    const b = sim.submit('c1', { op: 'get', key: 'x' }, { retry: true, withinMs: 3000 });
    sim.runUntil(2500);
    expect(b.record!.invokeMs).toBeGreaterThanOrEqual(a.record!.returnMs!);
    expect(b.record!.value).toBe('1');
  });

  it('a write retried after a lost reply is applied once (clientId, seq dedup, Raft thesis §6.3)', () => {
    const sim = checkedSimulation(base({ clientTimeoutMs: 100 }));
    sim.runUntil(1000);
    const leader = sim.leader()!.id;
    // Drop replies to the client so it retries the same seq.
    sim.setNetwork({ dropRate: 0 });
    const h = sim.submit('c1', { op: 'put', key: 'x', value: '1' }, { via: leader, retry: true, withinMs: 3000 });
    // Hold the first reply: drop every ClientResponse in flight once.
    let dropped = 0;
    while (!h.done && sim.nowMs < 3000) {
      for (const r of [...sim.inFlight]) if (r.msg.type === 'ClientResponse' && dropped === 0) { sim.dropInFlight(r.id); dropped++; }
      if (!sim.processNext()) break;
    }
    sim.runUntil(sim.nowMs + 500);
    expect(dropped).toBe(1);
    expect(h.record!.result).toBe('ok');
    const entries = sim.server(leader).raft.log.filter((e) => e.command.type === 'kv');
    expect(entries.length).toBeGreaterThanOrEqual(2); // the retry was appended again...
    expect(sim.view(leader).kv.kvs.x.version).toBe(1); // ...but applied once
  });

  it('a serializable get answers from the contacted server without the log and may be stale', () => {
    const sim = checkedSimulation(base({ clients: ['c1', 'c2'] }));
    sim.runUntil(1000);
    const leader = sim.leader()!.id;
    const stale = sim.serverIds.find((id) => id !== leader)!;
    sim.isolate(stale);
    sim.submit('c1', { op: 'put', key: 'x', value: 'new' }, { retry: true, withinMs: 3000 });
    sim.runUntil(1600);
    const logLen = sim.server(stale).raft.log.length;
    const g = sim.submit('c2', { op: 'get', key: 'x', serializable: true }, { via: stale, retry: false, withinMs: 1000 });
    sim.runUntil(1700);
    expect(g.record).toMatchObject({ result: 'ok', value: null, serializable: true });
    expect(sim.server(stale).raft.log.length).toBe(logLen);
    const lin = sim.submit('c2', { op: 'get', key: 'x' }, { via: stale, retry: false, withinMs: 1000 });
    sim.runUntil(1800);
    // A follower refuses (linearizable reads go through the leader). Without retries the client
    // cannot know no other copy got through, so the outcome is recorded as unknown.
    expect(lin.record!.result).toBe('unknown');
    expect(lin.record!.response).toMatchObject({ ok: false, error: 'notLeader' });
  });
});

describe('pause and resume a server', () => {
  it('a paused server keeps its state and handles nothing; on resume it takes the held messages and timers', () => {
    const sim = checkedSimulation(base());
    sim.runUntil(1000);
    const leader = sim.leader()!.id;
    const follower = sim.serverIds.find((id) => id !== leader)!;
    const before = sim.view(follower);
    sim.pauseServer(follower);
    sim.submit('c1', { op: 'put', key: 'x', value: '1' }, { via: leader, retry: true, withinMs: 3000 });
    sim.runUntil(1400);
    const during = sim.view(follower);
    expect(during.up).toBe(true);
    expect(during.log.length).toBe(before.log.length); // nothing handled while paused
    expect(sim.server(follower).held.length).toBeGreaterThan(0);
    expect(sim.view(leader).kv.kvs.x.value).toBe('1'); // the other four still commit
    sim.resumeServer(follower);
    expect(sim.server(follower).held).toEqual([]);
    sim.runUntil(1800);
    expect(sim.view(follower).kv.kvs.x.value).toBe('1');
    expect(sim.checker!.violations).toEqual([]);
  });

  it('pausing the leader long enough lets the others elect a new one; on resume it steps down', () => {
    const sim = checkedSimulation(base());
    sim.runUntil(1000);
    const old = sim.leader()!.id;
    const term = sim.server(old).raft.currentTerm;
    sim.pauseServer(old);
    sim.runUntil(2000);
    expect(sim.leader()!.raft.currentTerm).toBeGreaterThan(term);
    sim.resumeServer(old);
    sim.runUntil(2500);
    expect(sim.server(old).raft.role).toBe('follower');
    expect(sim.checker!.violations).toEqual([]);
  });
});
