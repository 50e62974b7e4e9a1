/**
 * Long runs stay bounded (issue 11 #3): what a run keeps grows with its length only where it must.
 * Counted in records, never in bytes or wall time: the CLI's `--json` run keeps no trace and no
 * message records (and reports the same), the time machine keeps a bounded number of checkpoints
 * (and seeks exactly), and a message log with a retention limit keeps a bounded number of rows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenarioFile } from '../src/cli/run';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import { MESSAGE_CHUNK } from '../src/sim/messageLog';
import { TimeMachine } from '../src/timetravel/timeMachine';
import { isHeartbeatish, TimelineModel } from '../src/ui/model/timelineModel';

const scenarios = join(__dirname, '..', 'scenarios');

function busyScenario(seconds: number, nodes = 5): string {
  const steps: string[] = [];
  for (let i = 0; i < seconds * 4; i++) steps.push(`  - put: { key: k${i % 7}, value: "${i}", client: c${1 + (i % 3)}, async: true }`, '  - run: 250');
  return [`title: busy`, `cluster: { nodes: ${nodes}, network: { latencyMs: [5, 15], dropRate: 0.02, duplicateRate: 0.02 } }`, 'clients: [c1, c2, c3]', 'steps:', ...steps].join('\n');
}

const report = (text: string, file: string, timeline: boolean) => {
  const out = runScenarioFile(text, file, { timeline });
  if (out.kind !== 'ran') throw new Error(out.error);
  const { wallMs: _wall, ...stats } = out.report.stats;
  return { out, json: JSON.stringify({ ...out.report, stats }) };
};

describe('the CLI run keeps what it prints, nothing more', () => {
  it('with --json (timeline: false) it keeps no trace and no message records, and the report is the same for every bundled scenario', () => {
    for (const f of readdirSync(scenarios).filter((x) => x.endsWith('.yaml'))) {
      const text = readFileSync(join(scenarios, f), 'utf8');
      const withTimeline = report(text, `scenarios/${f}`, true);
      const json = report(text, `scenarios/${f}`, false);
      expect(json.json, f).toBe(withTimeline.json);
      const sim = json.out.kind === 'ran' ? json.out.runner.sim : null;
      expect(sim!.trace.length, f).toBe(0);
      expect(sim!.messages.length, f).toBe(0);
      // The readable run keeps its trace (it prints it) but no message records either.
      const r = withTimeline.out.kind === 'ran' ? withTimeline.out.runner.sim : null;
      expect(r!.trace.length, f).toBeGreaterThan(0);
      expect(r!.messages.length, f).toBe(0);
    }
  });

  it('a 9-server run of 5 simulated minutes keeps nothing per message (records counted, not bytes)', () => {
    const { out } = report('title: nine\ncluster: { nodes: 9 }\nsteps:\n  - run: 300000\n', 'nine.yaml', false);
    if (out.kind !== 'ran') throw new Error('did not run');
    expect(out.runner.sim.stats.messagesSent).toBeGreaterThan(80_000);
    expect(out.runner.sim.messages.length).toBe(0);
    expect(out.runner.sim.messages.liveCount).toBe(0);
    expect(out.runner.sim.trace.length).toBe(0);
    expect(out.report.ok).toBe(true);
  });
});

describe('time travel over a long run', () => {
  const text = busyScenario(40);
  const fresh = () => new ScenarioRunner(parseScenario(text, 'busy.yaml'));

  it('keeps at most maxCheckpoints per branch (thinning doubles the spacing) and every seek is exact', () => {
    const tm = new TimeMachine(fresh(), { checkpointEveryEvents: 200, maxCheckpoints: 6 });
    const counts: number[] = [];
    for (let t = 1000; t <= 40_000; t += 1000) {
      tm.advance(t);
      counts.push(tm.checkpointCount);
    }
    expect(tm.head.sim.stats.events).toBeGreaterThan(4 * 200 * 6);
    expect(Math.max(...counts)).toBeLessThanOrEqual(6);
    for (const at of [0, 333, 7_777, 19_999.5, 31_000, 39_990]) {
      tm.seekTime(at);
      const ref = fresh();
      ref.advance(at);
      expect(tm.runner.sim.traceHash, `at ${at}`).toBe(ref.sim.traceHash);
      expect(tm.runner.sim.stats).toEqual(ref.sim.stats);
      expect(tm.runner.sim.history).toEqual(ref.sim.history);
      // The restored run's message log (the head's, cut where the checkpoint was, then replayed) is the fresh run's.
      expect(tm.runner.sim.messages.length).toBe(ref.sim.messages.length);
      expect(tm.runner.sim.messages.toArray()).toEqual(ref.sim.messages.toArray());
    }
  });

  it('a branch forked from a restored run has the whole message log, and the original branch is untouched', () => {
    const tm = new TimeMachine(fresh(), { checkpointEveryEvents: 500, maxCheckpoints: 8 });
    tm.advance(20_000);
    const headBefore = tm.head.sim.messages.toArray();
    tm.seekTime(9_000);
    tm.act({ kind: 'crash', node: 'S2' });
    tm.advance(12_000);
    const ref = fresh();
    ref.advance(9_000);
    ref.act({ kind: 'crash', node: 'S2' });
    ref.advance(12_000);
    expect(tm.head.sim.traceHash).toBe(ref.sim.traceHash);
    expect(tm.head.sim.messages.toArray()).toEqual(ref.sim.messages.toArray());
    tm.switchBranch(0);
    tm.seekTime(Infinity);
    expect(tm.head.sim.messages.toArray()).toEqual(headBefore);
  });

  it('with a retention limit on the head\'s message log, the kept rows stay bounded, the timeline reads the recent ones, and seeks stay exact', () => {
    const nine = busyScenario(40, 9);
    const fresh = () => new ScenarioRunner(parseScenario(nine, 'busy9.yaml'));
    const runner = fresh();
    runner.sim.messages.retain(MESSAGE_CHUNK);
    const tm = new TimeMachine(runner, { checkpointEveryEvents: 1000, maxCheckpoints: 8 });
    const timeline = new TimelineModel();
    let most = 0;
    for (let t = 2000; t <= 40_000; t += 2000) {
      tm.advance(t);
      timeline.sync(tm.head);
      most = Math.max(most, tm.head.sim.messages.retained);
    }
    const log = tm.head.sim.messages;
    expect(log.length).toBeGreaterThan(3 * MESSAGE_CHUNK);
    expect(most).toBeLessThanOrEqual(2 * MESSAGE_CHUNK);
    expect(log.start).toBeGreaterThan(0);
    expect(log.forgotten.reduce((n, s) => n + Object.values(s.counts).reduce((a, b) => a + b, 0), 0)).toBe(log.start);
    // The timeline draws the recent window, and knows nothing of forgotten messages.
    expect(timeline.visibleMessages(39_000, 40_000).length).toBeGreaterThan(0);
    expect(timeline.message(1)).toBeNull();
    // Heartbeat responses are told by their fields (answersHeartbeat), so the model keeps no per-message marks.
    const recentResponse = log.toArray().reverse().find((r) => r.msg.type === 'AppendEntriesResponse' && r.status === 'delivered' && isHeartbeatish(r));
    expect(recentResponse).toBeDefined();
    expect(timeline.message(log.length)?.id).toBe(log.length);
    // Seeking into the forgotten past is still exact (the state; its old messages stay forgotten).
    tm.seekTime(5_000);
    const ref = fresh();
    ref.advance(5_000);
    expect(tm.runner.sim.traceHash).toBe(ref.sim.traceHash);
    expect(tm.runner.sim.messages.length).toBe(ref.sim.messages.length);
  });
});
