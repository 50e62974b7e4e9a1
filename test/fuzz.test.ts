/**
 * The swarm fuzzer and the unsafe switches: with every switch off no seed fails (2,000 CI-sized
 * seeds); with each switch on, the fuzzer finds a violation within a bounded number of seeds.
 * A failing seed's YAML replays it with the same traceHash.
 */
import { describe, expect, it } from 'vitest';
import { runFuzzSeed, type SeedResult } from '../src/fuzz/fuzz';
import { fuzzPlan } from '../src/fuzz/plan';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';

const NODES = [3, 5, 7];

/** Runs seeds 1..bound with one switch on; returns the first failing seed's result, or null. */
function firstFailure(unsafe: string, bound: number, durationMs = 10_000): SeedResult | null {
  for (let seed = 1; seed <= bound; seed++) {
    const r = runFuzzSeed(seed, { nodes: NODES, durationMs, unsafe: [unsafe] });
    if (!r.ok) return r;
  }
  return null;
}

describe('swarm fuzzer', () => {
  it('2,000 CI-sized seeds with every switch off: no invariant violation, all linearizable, liveness holds', () => {
    const failing: string[] = [];
    let linearizable = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const r = runFuzzSeed(seed, { nodes: NODES, durationMs: 2500 });
      if (!r.ok) failing.push(`seed ${seed}: ${r.failures[0]}`);
      if (r.linearizable === 'linearizable') linearizable++;
    }
    expect(failing).toEqual([]);
    expect(linearizable).toBe(2000);
  }, 300_000);

  it('a seed\'s plan is a scenario that replays it with the same traceHash', () => {
    const r = runFuzzSeed(7, { nodes: NODES, durationMs: 3000 });
    const runner = new ScenarioRunner(parseScenario(r.yaml, 'replay.yaml'));
    runner.runToEnd();
    expect(runner.sim.traceHash).toBe(r.traceHash);
    expect(fuzzPlan(7, { nodes: NODES, durationMs: 3000 })).toBe(r.yaml);
  });

  it('plans differ by seed and mix faults and concurrent clients', () => {
    const a = fuzzPlan(1, { nodes: NODES, durationMs: 5000 });
    const b = fuzzPlan(2, { nodes: NODES, durationMs: 5000 });
    expect(a).not.toBe(b);
    const all = Array.from({ length: 30 }, (_, i) => fuzzPlan(i + 1, { nodes: NODES, durationMs: 5000 })).join('\n');
    for (const k of ['crash:', 'restart:', 'partition:', 'cut:', 'isolate:', 'dropRate:', 'duplicateRate:', 'latencyMs:', 'put:', 'get:', 'cas:', 'delete:', 'async: true']) {
      expect(all).toContain(k);
    }
  });
});

describe('unsafe switches are caught by the checkers (bounds measured; see README)', () => {
  const cases: [string, number, string[]][] = [
    ['skipUpToDateCheck', 20, ['Leader Completeness', 'State Machine Safety']],
    ['noTruncateOnConflict', 50, ['Log Matching', 'State Machine Safety', 'Leader Completeness']],
    ['forgetVoteOnRestart', 150, ['Term and Vote Persistence', 'Election Safety', 'Leader Completeness', 'State Machine Safety']],
    ['commitPreviousTermEntries', 100, ['Leader Completeness', 'State Machine Safety']],
  ];
  for (const [flag, bound, props] of cases) {
    it(`${flag}: a violation within ${bound} seeds`, () => {
      const r = firstFailure(flag, bound);
      expect(r, `no failing seed in 1..${bound}`).not.toBeNull();
      const found = [...r!.properties, ...(r!.linearizable === 'not-linearizable' ? ['linearizability'] : [])];
      expect(found.some((p) => props.includes(p) || p === 'linearizability')).toBe(true);
      // The failing seed's scenario replays the failure.
      const replay = new ScenarioRunner(parseScenario(r!.yaml, `fuzz-seed-${r!.seed}.yaml`));
      replay.runToEnd();
      expect(replay.sim.traceHash).toBe(r!.traceHash);
      expect(replay.ok).toBe(false);
    }, 300_000);
  }
});
