/**
 * The host (src/sim/host.ts) carries out a node's effects. Raft paper Figure 2 "Rules for
 * Servers" / §8 and thesis §6.3: a leader answers a client only once the client's entry is
 * applied to its state machine; a request whose entry was replaced by another leader's is
 * answered "overwritten" (it was never committed).
 */
import { describe, expect, it } from 'vitest';
import { checkedSimulation } from '../src/check/invariants';
import type { LogEntry, NodeId } from '../src/raft/types';
import { Simulation, type SimConfig } from '../src/sim/engine';
import type { SimObserver } from '../src/sim/observer';
import type { ClientResponse, MessageRecord } from '../src/sim/types';
import type { Command } from '../src/kv/types';

/** A client's KV command (not the leader's no-op). */
function isKv(c: unknown): c is Extract<Command, { type: 'kv' }> {
  return (c as Command).type === 'kv';
}

const config = (over: Partial<SimConfig> = {}): SimConfig => ({
  seed: 1, servers: ['S1', 'S2', 'S3'], clients: ['c1', 'c2'], heartbeatMs: 50,
  electionTimeoutMs: [150, 300], clientTimeoutMs: 500,
  network: { latencyMs: [10, 20], dropRate: 0, duplicateRate: 0 }, ...over,
});

/** Each apply of an entry, with how many messages had been sent when it happened. */
interface Applied { id: NodeId; index: number; entry: LogEntry; messagesBefore: number; atMs: number }

/** A simulation whose observer notes every apply (and the send position it happened at). */
function recording(over: Partial<SimConfig> = {}): { sim: Simulation; applied: Applied[] } {
  const applied: Applied[] = [];
  let sim: Simulation | null = null;
  const observer: SimObserver = {
    onApplied: (id, index, entry, atMs) => applied.push({ id, index, entry, messagesBefore: sim!.messages.length, atMs }),
    clone: () => observer,
  };
  sim = new Simulation(config(over), { observers: [observer] });
  return { sim, applied };
}

const responsesTo = (sim: Simulation, client: string): { rec: MessageRecord; at: number; m: ClientResponse }[] =>
  sim.messages.toArray().flatMap((rec, at) => (rec.msg.type === 'ClientResponse' && rec.msg.to === client ? [{ rec, at, m: rec.msg }] : []));

function leaderAfter(sim: Simulation, ms: number): NodeId {
  sim.runUntil(ms);
  const l = sim.leader();
  if (!l) throw new Error(`no leader by ${ms} ms`);
  return l.id;
}

describe('respond after applied (host.apply)', () => {
  it('a client\'s put is answered only after the leader applied its entry, in the same event', () => {
    const { sim, applied } = recording();
    const leader = leaderAfter(sim, 1000);
    const h = sim.submit('c1', { op: 'put', key: 'x', value: '1' }, { retry: true, withinMs: 3000 });
    sim.runUntil(2000);
    expect(h.record?.result).toBe('ok');
    const mine = applied.find((a) => a.id === leader && isKv(a.entry.command) && a.entry.command.clientId === 'c1' && a.entry.command.seq === h.seq)!;
    expect(mine).toBeDefined();
    const oks = responsesTo(sim, 'c1').filter((r) => r.m.ok && r.m.seq === h.seq);
    expect(oks.length).toBe(1);
    // Sent after the apply (later in send order), at the same simulated time: nothing answered it before.
    expect(oks[0].at).toBeGreaterThanOrEqual(mine.messagesBefore);
    expect(oks[0].rec.sendMs).toBe(mine.atMs);
    expect(oks[0].m.from).toBe(leader);
    // The entry was committed on a majority before the leader applied it.
    expect(sim.view(leader).commitIndex).toBeGreaterThanOrEqual(mine.index);
  });

  it('a leader that proposed but lost leadership before commit answers "overwritten" once another entry is applied at that index', () => {
    const { sim, applied } = recording({ clientTimeoutMs: 10_000 });
    const old = leaderAfter(sim, 1000);
    const h = sim.submit('c1', { op: 'put', key: 'x', value: 'lost' }, { via: old, retry: false, withinMs: 20_000 });
    sim.isolate(old); // the client's request still reaches it (clients' links are never cut); its AppendEntries do not leave
    sim.runUntil(sim.nowMs + 30);
    const proposedAt = sim.view(old).log.findIndex((e) => e.command.type === 'kv' && e.command.clientId === 'c1') + 1;
    expect(proposedAt).toBeGreaterThan(0);
    sim.runUntil(sim.nowMs + 1000);
    const next = sim.leader()!;
    expect(next.id).not.toBe(old);
    sim.submit('c2', { op: 'put', key: 'x', value: 'kept' }, { retry: true, withinMs: 3000 });
    sim.runUntil(sim.nowMs + 500);
    expect(h.done).toBe(false); // no answer while the entry is neither committed nor replaced
    sim.reconnect(old);
    sim.runUntil(sim.nowMs + 1000);
    expect(h.record?.result).toBe('unknown');
    expect((h.record?.response as ClientResponse).error).toBe('overwritten');
    const over = responsesTo(sim, 'c1').filter((r) => r.m.error === 'overwritten');
    expect(over.map((r) => r.m.from)).toEqual([old]);
    // It came right after the old leader applied the other leader's entry at that index.
    const replaced = applied.find((a) => a.id === old && a.index === proposedAt)!;
    expect(isKv(replaced.entry.command) && replaced.entry.command.clientId === 'c1').toBe(false);
    expect(over[0].at).toBeGreaterThanOrEqual(replaced.messagesBefore);
    expect(over[0].rec.sendMs).toBe(replaced.atMs);
    expect(sim.view(old).kv.kvs.x.value).toBe('kept');
  });

  it('a serializable get is answered at once from the contacted server\'s applied state, without the log', () => {
    const sim = checkedSimulation(config());
    const leader = leaderAfter(sim, 1000);
    const follower = sim.serverIds.find((id) => id !== leader)!;
    const logBefore = sim.view(follower).log.length;
    const h = sim.submit('c1', { op: 'get', key: 'x', serializable: true }, { via: follower, retry: true, withinMs: 3000 });
    sim.runUntil(sim.nowMs + 100);
    expect(h.record?.result).toBe('ok');
    expect(sim.view(leader).log.length).toBe(logBefore);
    expect(sim.checker!.violations).toEqual([]);
  });
});

describe('crash and restart bookkeeping (host)', () => {
  it('a crash drops the messages a paused server held, and its pending requests are never answered', () => {
    const sim = checkedSimulation(config());
    const leader = leaderAfter(sim, 1000);
    sim.pauseServer(leader);
    const h = sim.submit('c1', { op: 'put', key: 'x', value: '1' }, { via: leader, retry: false, withinMs: 400 });
    sim.runUntil(sim.nowMs + 100);
    const held = [...sim.inFlight].filter((r) => r.msg.to === leader && r.status === 'inFlight');
    expect(held.length).toBeGreaterThan(0);
    sim.crash(leader);
    for (const r of held) expect([r.status, r.dropReason]).toEqual(['dropped', 'crashed']);
    sim.runUntil(sim.nowMs + 1000);
    expect(h.record?.result).toBe('unknown');
    expect(responsesTo(sim, 'c1').filter((r) => r.m.from === leader)).toEqual([]);
  });
});
