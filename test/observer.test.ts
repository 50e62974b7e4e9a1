/**
 * Observers (src/sim/observer.ts): checkers and the trace subscribe to the engine through one
 * interface; they are cloned with the run; they only watch (a run is the same with or without them).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvariantChecker, checkedSimulation } from '../src/check/invariants';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner, simulationFor } from '../src/scenario/runner';
import type { NodeId } from '../src/raft/types';
import { Simulation, type SimConfig } from '../src/sim/engine';
import type { ObservedNode, SimObserver } from '../src/sim/observer';
import type { TraceEvent } from '../src/sim/types';

const config = (over: Partial<SimConfig> = {}): SimConfig => ({
  seed: 5, servers: ['S1', 'S2', 'S3', 'S4', 'S5'], clients: ['c1'], heartbeatMs: 50,
  electionTimeoutMs: [150, 300], clientTimeoutMs: 500,
  network: { latencyMs: [10, 20], dropRate: 0.05, duplicateRate: 0.05 }, ...over,
});

/** Counts every hook and keeps the trace events it saw; clones copy the counts. */
class Counter implements SimObserver {
  counts: Record<string, number> = {};
  seen: TraceEvent[] = [];
  initialAppends: NodeId[] = [];
  private bump(k: string) { this.counts[k] = (this.counts[k] ?? 0) + 1; }
  onTrace(e: TraceEvent) { this.seen.push(e); this.bump('trace'); }
  onRoleChanged() { this.bump('role'); }
  onLogChanged() { this.bump('logChanged'); }
  onAppended(n: ObservedNode, _from: number, atMs: number) { this.bump('appended'); if (atMs === 0) this.initialAppends.push(n.id); }
  onCommitted() { this.bump('committed'); }
  onApplied() { this.bump('applied'); }
  onAppliedState() { this.bump('appliedState'); }
  onPersistentState() { this.bump('persistent'); }
  onRestart() { this.bump('restart'); }
  clone(): Counter {
    const c = new Counter();
    c.counts = { ...this.counts };
    c.seen = this.seen.slice();
    c.initialAppends = this.initialAppends.slice();
    return c;
  }
}

function drive(sim: Simulation, untilMs: number): void {
  sim.runUntil(Math.min(untilMs, 600));
  sim.submit('c1', { op: 'put', key: 'x', value: '1' }, { retry: true, withinMs: 3000 });
  sim.runUntil(Math.min(untilMs, 1200));
  const l = sim.leader();
  if (l && untilMs > 1200) {
    sim.crash(l.id);
    sim.runUntil(Math.min(untilMs, 2000));
    sim.restart(l.id);
  }
  sim.runUntil(untilMs);
}

describe('observers', () => {
  it('an observer sees every hook, and exactly the trace the run keeps', () => {
    const counter = new Counter();
    const sim = new Simulation(config(), { observers: [counter] });
    drive(sim, 3000);
    expect(counter.seen).toEqual(sim.trace);
    expect(counter.counts.role).toBe(sim.trace.filter((e) => e.kind === 'role').length);
    expect(counter.counts.restart).toBe(1);
    expect(counter.counts.applied).toBe(counter.counts.appliedState);
    for (const k of ['appended', 'committed', 'applied', 'persistent']) expect(counter.counts[k]).toBeGreaterThan(0);
  });

  it('observers only watch: with or without them (checker, trace, others) the run and its traceHash are the same', () => {
    const bare = new Simulation(config({ keepTrace: false }));
    const watched = new Simulation(config(), { checker: new InvariantChecker(), observers: [new Counter()] });
    drive(bare, 3000);
    drive(watched, 3000);
    expect(bare.observers).toEqual([]);
    expect(bare.trace).toEqual([]);
    expect(watched.traceHash).toBe(bare.traceHash);
    expect(JSON.stringify(watched.views())).toBe(JSON.stringify(bare.views()));
  });

  it('observers are cloned with the run: a clone\'s copy goes on by itself and ends like the original', () => {
    const counter = new Counter();
    const sim = new Simulation(config(), { observers: [counter] });
    drive(sim, 1000);
    const copy = sim.clone();
    const theirs = copy.observers[0] as Counter;
    expect(theirs).not.toBe(counter);
    expect(theirs.counts).toEqual(counter.counts);
    const before = { ...counter.counts };
    copy.runUntil(2500);
    expect(counter.counts).toEqual(before); // the clone's run did not reach the original's observer
    sim.runUntil(2500);
    expect(theirs.counts).toEqual(counter.counts);
    expect(copy.trace).toEqual(sim.trace);
  });

  it('observers given at construction see the initial logs at time 0 (figure-7)', () => {
    const text = readFileSync(join(__dirname, '..', 'scenarios', 'figure-7.yaml'), 'utf8');
    const scenario = parseScenario(text, 'figure-7.yaml');
    const counter = new Counter();
    const base = simulationFor(scenario);
    const sim = new Simulation(base.config, { observers: [counter] });
    expect(counter.initialAppends.sort()).toEqual([...scenario.cluster.initial.keys()].sort());
  });
});

describe('how the checker is attached', () => {
  it('simulationFor and the runner attach the invariant checker by default; checkInvariants: false leaves it out', () => {
    const scenario = parseScenario('title: t\nsteps:\n  - run: 100\n', 't.yaml');
    const on = simulationFor(scenario);
    expect(on.checker).toBeInstanceOf(InvariantChecker);
    expect(on.observers[0]).toBe(on.checker);
    expect(simulationFor(scenario, { checkInvariants: false }).checker).toBeNull();
    expect(new ScenarioRunner(scenario).sim.checker).toBeInstanceOf(InvariantChecker);
    expect(new ScenarioRunner(scenario, { checkInvariants: false }).sim.checker).toBeNull();
    expect(checkedSimulation(config()).checker).toBeInstanceOf(InvariantChecker);
    expect(checkedSimulation({ ...config(), checkInvariants: false }).checker).toBeNull();
    expect(new Simulation(config()).checker).toBeNull();
  });

  it('a clone carries its own checker: a violation found after the clone does not reach the original', () => {
    const sim = checkedSimulation(config());
    const copy = sim.clone();
    expect(copy.checker).not.toBe(sim.checker);
    expect(copy.observers).toContain(copy.checker);
    // Feed the copy's checker a second leader of one term: only the copy reports Election Safety.
    const leader = (id: NodeId): ObservedNode => ({ id, role: 'leader', currentTerm: 9, log: [], commitIndex: 0 });
    copy.checker!.onRoleChanged!(leader('S1'), 1);
    copy.checker!.onRoleChanged!(leader('S2'), 2);
    expect(copy.checker!.violations.map((v) => v.property)).toEqual(['Election Safety']);
    expect(sim.checker!.violations).toEqual([]);
  });
});
