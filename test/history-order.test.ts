/**
 * History order (src/sim/types.ts HistoryRecord.invokeOrder / returnOrder): one per-run counter of
 * the engine that rises at every client invoke and every return, so that a.returnOrder <
 * b.invokeOrder exactly when a returned before b was invoked, even within one ms and one event.
 * It is not part of the traceHash.
 */
import { describe, expect, it } from 'vitest';
import { checkedSimulation } from '../src/check/invariants';
import { runScenarioFile } from '../src/cli/run';
import type { Simulation, SimConfig } from '../src/sim/engine';
import type { HistoryRecord } from '../src/sim/types';

const config = (over: Partial<SimConfig> = {}): SimConfig => ({
  seed: 3, servers: ['S1', 'S2', 'S3'], clients: ['c1', 'c2'], heartbeatMs: 50,
  electionTimeoutMs: [150, 300], clientTimeoutMs: 500,
  network: { latencyMs: [10, 20], dropRate: 0, duplicateRate: 0 }, ...over,
});

const put = (key: string, value: string) => ({ op: 'put' as const, key, value });
const opts = { retry: true, withinMs: 3000 };

function loaded(): Simulation {
  const sim = checkedSimulation(config());
  sim.runUntil(800);
  for (let i = 0; i < 4; i++) sim.submit('c1', put('x', `a${i}`), opts);
  for (let i = 0; i < 3; i++) sim.submit('c2', { op: 'get', key: 'x' }, opts);
  sim.runUntil(3000);
  return sim;
}

describe('history order', () => {
  it('a client\'s next operation, started in the same event its previous one returned, gets a later order', () => {
    const sim = loaded();
    const c1 = sim.history.filter((h) => h.client === 'c1');
    expect(c1.length).toBe(4);
    for (let i = 1; i < c1.length; i++) {
      expect(c1[i].invokeMs).toBe(c1[i - 1].returnMs); // same ms: time alone cannot order them
      expect(c1[i - 1].returnOrder!).toBeLessThan(c1[i].invokeOrder);
    }
  });

  it('another client invoked in the same event as a return is ordered after it', () => {
    const sim = checkedSimulation(config());
    sim.runUntil(800);
    let follow: { record?: HistoryRecord } | null = null;
    sim.onClientReturn = (h) => {
      if (h.client === 'c1' && !follow) follow = sim.submit('c2', { op: 'get', key: 'x' }, opts);
    };
    sim.submit('c1', put('x', '1'), opts);
    sim.runUntil(2000);
    const first = sim.history.find((h) => h.client === 'c1')!;
    const second = follow!.record!;
    expect(second.invokeMs).toBe(first.returnMs);
    expect(first.returnOrder!).toBeLessThan(second.invokeOrder);
  });

  it('orders are distinct, each invoke before its return, returns in history order', () => {
    const sim = loaded();
    const all = sim.history.flatMap((h) => [h.invokeOrder, h.returnOrder!]);
    expect(new Set(all).size).toBe(all.length);
    for (const h of sim.history) expect(h.invokeOrder).toBeLessThan(h.returnOrder!);
    const returns = sim.history.map((h) => h.returnOrder!);
    expect(returns).toEqual([...returns].sort((a, b) => a - b));
    // The orders agree with time wherever time decides.
    for (const a of sim.history) for (const b of sim.history) {
      if (a.returnMs! < b.invokeMs) expect(a.returnOrder!).toBeLessThan(b.invokeOrder);
    }
  });

  it('an operation whose outcome is unknown has an invokeOrder and no returnOrder', () => {
    const sim = checkedSimulation(config({ clientTimeoutMs: 100 }));
    sim.runUntil(800);
    const leader = sim.leader()!.id;
    sim.crash(leader);
    const gaveUp = sim.submit('c1', put('x', '1'), { via: leader, retry: false, withinMs: 300 });
    sim.submit('c2', put('y', '1'), { via: leader, retry: true, withinMs: 5000 });
    sim.runUntil(sim.nowMs + 200);
    expect(gaveUp.record?.result).toBe('unknown');
    expect(gaveUp.record!.invokeOrder).toBeGreaterThan(0);
    expect('returnOrder' in gaveUp.record!).toBe(false);
    const pending = sim.historyWithPending().find((h) => h.client === 'c2')!;
    expect([pending.result, pending.returnMs, 'returnOrder' in pending]).toEqual(['unknown', null, false]);
    expect(pending.invokeOrder).toBeGreaterThan(gaveUp.record!.invokeOrder);
  });

  it('orders are not part of the traceHash, and a clone continues the same counter', () => {
    const sim = checkedSimulation(config());
    sim.runUntil(800);
    sim.submit('c1', put('x', '1'), opts);
    sim.runUntil(900);
    const same = sim.clone();
    const shifted = sim.clone();
    (shifted as unknown as { order: number }).order += 1000;
    for (const s of [sim, same, shifted]) {
      s.submit('c2', put('y', '2'), opts);
      s.runUntil(2500);
    }
    expect(same.traceHash).toBe(sim.traceHash);
    expect(shifted.traceHash).toBe(sim.traceHash);
    expect(same.history.map((h) => [h.invokeOrder, h.returnOrder])).toEqual(sim.history.map((h) => [h.invokeOrder, h.returnOrder]));
    const last = (s: Simulation) => s.history.at(-1)!;
    expect(last(shifted).returnOrder! - last(sim).returnOrder!).toBe(1000);
  });

  it('the CLI\'s JSON report carries them in history', () => {
    const out = runScenarioFile('title: t\nclients: [c1]\nsteps:\n  - wait: { for: leader }\n  - put: { key: x, value: "1" }\n  - put: { key: x, value: "2" }\n  - expect: { kv: { x: "2" } }\n', 't.yaml');
    if (out.kind === 'invalid') throw new Error(out.error);
    const doc = JSON.parse(JSON.stringify(out.report)) as { history: HistoryRecord[] };
    expect(doc.history.map((h) => typeof h.invokeOrder + typeof h.returnOrder)).toEqual(['numbernumber', 'numbernumber']);
    expect(doc.history[0].returnOrder!).toBeLessThan(doc.history[1].invokeOrder);
  });
});
