/** Checkpoints: a cloned run, advanced the same way as the original, gives the same trace. */
import { describe, expect, it } from 'vitest';
import { fuzzPlan } from '../src/fuzz/plan';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';

function runner(seed: number): ScenarioRunner {
  return new ScenarioRunner(parseScenario(fuzzPlan(seed, { nodes: [3, 5], durationMs: 4000 }), `seed-${seed}.yaml`));
}

const state = (r: ScenarioRunner) => JSON.stringify({
  t: r.sim.nowMs, views: r.sim.views(), history: r.sim.history, results: r.results, stats: r.sim.stats,
  inFlight: [...r.sim.inFlight].map((m) => [m.id, m.status, m.deliverMs]), violations: r.sim.checker?.violations,
});

describe('checkpoint and replay', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: a clone taken mid-run continues exactly like the original`, () => {
      const a = runner(seed);
      a.advance(1500, Infinity, false);
      const b = a.clone();
      expect(state(b)).toBe(state(a));
      a.runToEnd();
      b.runToEnd();
      expect(b.sim.traceHash).toBe(a.sim.traceHash);
      expect(state(b)).toBe(state(a));
    });
  }

  it('the clone is independent: running the original does not move the clone', () => {
    const a = runner(3);
    a.advance(1000, Infinity, false);
    const b = a.clone();
    const before = state(b);
    const hash = b.sim.traceHash;
    a.runToEnd();
    expect(state(b)).toBe(before);
    expect(b.sim.traceHash).toBe(hash);
    // And a fresh run to the same point matches the clone.
    const fresh = runner(3);
    fresh.advance(1000, Infinity, false);
    expect(state(fresh)).toBe(before);
  });

  it('acting on a clone (a branch) diverges from the original without touching it', () => {
    const a = runner(4);
    a.advance(1200, Infinity, false);
    const b = a.clone();
    b.sim.crash(b.sim.serverIds[0]);
    a.advance(2500, Infinity, false);
    b.advance(2500, Infinity, false);
    expect(b.sim.traceHash).not.toBe(a.sim.traceHash);
    const c = runner(4);
    c.advance(2500, Infinity, false);
    expect(c.sim.traceHash).toBe(a.sim.traceHash);
  });
});
