/** Time travel: checkpoints + deterministic replay, step back, scrub, and branches. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import { TimeMachine } from '../src/timetravel/timeMachine';

const text = readFileSync(join(__dirname, '..', 'scenarios', 'log-replication.yaml'), 'utf8');
const fresh = () => new ScenarioRunner(parseScenario(text, 'log-replication.yaml'));
const state = (r: ScenarioRunner) => JSON.stringify({ t: r.sim.nowMs, e: r.sim.stats.events, v: r.sim.views(), h: r.sim.history, hash: r.sim.traceHash, steps: r.results });

describe('TimeMachine', () => {
  it('stepping back N events then forward N gives exactly the same states', () => {
    const tm = new TimeMachine(fresh(), { checkpointEveryEvents: 50 });
    tm.advance(600);
    const states: string[] = [];
    for (let i = 0; i < 30; i++) {
      tm.stepForward();
      states.push(state(tm.runner));
    }
    for (let i = 28; i >= 0; i--) {
      tm.stepBack();
      expect(state(tm.runner)).toBe(states[i]);
    }
    for (let i = 1; i < 30; i++) {
      tm.stepForward();
      expect(state(tm.runner)).toBe(states[i]);
    }
    expect(tm.inPast).toBe(false);
  });

  it('scrubbing to a time gives the state of a fresh run to that time', () => {
    const tm = new TimeMachine(fresh(), { checkpointEveryEvents: 40 });
    tm.advance(3000);
    for (const t of [0, 150.5, 999, 1700, 2999]) {
      tm.seekTime(t);
      const r = fresh();
      r.advance(t);
      expect(state(tm.runner)).toBe(state(r));
    }
    tm.seekTime(5000); // past the frontier: stays at the frontier
    expect(tm.inPast).toBe(false);
  });

  it('actions taken at the frontier are replayed when travelling back over them', () => {
    const tm = new TimeMachine(fresh(), { checkpointEveryEvents: 30 });
    tm.advance(800);
    tm.act({ kind: 'crash', node: 'S2' });
    tm.act({ kind: 'client', client: 'c2', spec: { op: 'put', key: 'z', value: '9' } });
    tm.advance(2500);
    const end = state(tm.runner);
    tm.seekTime(500);
    expect(tm.runner.sim.server('S2').up).toBe(true);
    tm.advance(2500);
    expect(state(tm.runner)).toBe(end);
    expect(tm.runner.sim.server('S2').up).toBe(false);
    expect(tm.actions().map((a) => a.action.kind)).toEqual(['crash', 'client']);
  });

  it('acting in the past starts a new branch; the old branch is kept and can be switched back to', () => {
    const tm = new TimeMachine(fresh(), { checkpointEveryEvents: 30 });
    tm.advance(2000);
    const original = state(tm.runner);
    tm.seekTime(700);
    tm.act({ kind: 'isolate', node: 'S1' });
    expect(tm.branches).toHaveLength(2);
    expect(tm.branchId).toBe(1);
    expect(tm.branch.parent).toBe(0);
    tm.advance(2000);
    const branched = state(tm.runner);
    expect(branched).not.toBe(original);
    tm.switchBranch(0);
    expect(state(tm.runner)).toBe(original);
    tm.switchBranch(1);
    expect(state(tm.runner)).toBe(branched);
    // Each branch replays from scratch to the same state.
    tm.seekTime(100);
    tm.advance(2000);
    expect(state(tm.runner)).toBe(branched);
  });

  it('a branch of a branch inherits the actions before its fork', () => {
    const tm = new TimeMachine(fresh(), { checkpointEveryEvents: 25 });
    tm.advance(1500);
    tm.seekTime(400);
    tm.act({ kind: 'crash', node: 'S3' });
    tm.advance(1500);
    tm.seekTime(900);
    tm.act({ kind: 'restart', node: 'S3' });
    expect(tm.actions().map((a) => a.action.kind)).toEqual(['crash', 'restart']);
    tm.advance(1600);
    const s = state(tm.runner);
    tm.seekTime(0);
    tm.advance(1600);
    expect(state(tm.runner)).toBe(s);
  });

  it('an action that fails (unknown server) records nothing', () => {
    const tm = new TimeMachine(fresh());
    tm.advance(300);
    expect(() => tm.act({ kind: 'crash', node: 'S9' })).toThrow(/unknown server/);
    expect(tm.actions()).toEqual([]);
  });
});

describe('TimeMachine: pause and resume a server', () => {
  it('replays pause/resume actions exactly when travelling back over them', () => {
    const tm = new TimeMachine(fresh(), { checkpointEveryEvents: 30 });
    tm.advance(700);
    tm.act({ kind: 'pauseServer', node: 'S2' });
    tm.advance(1300);
    tm.act({ kind: 'resumeServer', node: 'S2' });
    tm.advance(2000);
    const end = state(tm.runner);
    tm.seekTime(900);
    expect(tm.runner.sim.server('S2').paused).toBe(true);
    tm.advance(2000);
    expect(state(tm.runner)).toBe(end);
  });
});
