/** Record and replay: a run with user actions saved as scenario YAML replays to the same traceHash. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenarioFile } from '../src/cli/run';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import { recordingYaml, replayOf } from '../src/timetravel/record';
import { TimeMachine } from '../src/timetravel/timeMachine';

/** Plays to `t` like a presenter: presses Continue (a recorded action) at every pause. */
function play(tm: TimeMachine, t: number): void {
  for (let guard = 0; guard < 100; guard++) {
    tm.advance(t);
    if (!tm.runner.paused) break;
    tm.act({ kind: 'resume' });
  }
  expect(tm.position.timeMs).toBeGreaterThanOrEqual(Math.min(t, tm.branch.frontier.timeMs));
}

const file = 'scenarios/partition-minority-leader.yaml';
const text = readFileSync(join(__dirname, '..', file), 'utf8');

function recorded() {
  const tm = new TimeMachine(new ScenarioRunner(parseScenario(text, file), { honourPauses: true }), { checkpointEveryEvents: 100 });
  play(tm, 400);
  tm.act({ kind: 'crash', node: 'S4' });
  tm.stepForward();
  tm.stepForward();
  tm.act({ kind: 'client', client: 'c2', spec: { op: 'put', key: 'k', value: 'v' }, via: 'S3' });
  play(tm, 900.25);
  tm.act({ kind: 'restart', node: 'S4' });
  tm.act({ kind: 'link', from: 'S3', to: 'S5', settings: { latencyMs: [40, 80], dropRate: 0.2 } });
  play(tm, 1500);
  // Back in time, then a different future: the saved run is the current branch.
  tm.seekTime(1200);
  tm.act({ kind: 'timeout', node: 'S5' });
  play(tm, 2600);
  return tm;
}

describe('record and replay', () => {
  it('a recorded run saved as YAML replays headless to the same traceHash', () => {
    const tm = recorded();
    const yaml = recordingYaml(text, replayOf(tm.actions(), tm.position));
    expect(yaml).toContain('replay:');
    expect(tm.actions().some((a) => a.action.kind === 'resume')).toBe(true);
    expect(tm.position.timeMs).toBe(2600);
    const out = runScenarioFile(yaml, 'saved.yaml');
    if (out.kind === 'invalid') throw new Error(out.error);
    expect(out.report.traceHash).toBe(tm.runner.sim.traceHash);
    expect(out.report.final.timeMs).toBe(tm.position.timeMs);
  });

  it('the saved YAML is validated: an action naming an unknown server is refused with its line', () => {
    const tm = recorded();
    const yaml = recordingYaml(text, replayOf(tm.actions(), tm.position)).replace('node: S4', 'node: S9');
    const out = runScenarioFile(yaml, 'saved.yaml');
    expect(out.kind).toBe('invalid');
    if (out.kind === 'invalid') expect(out.error).toMatch(/saved\.yaml:\d+:\d+: replay\.actions\[\d+\]\.do\.node: unknown server "S9"/);
  });

  it('an unknown action kind is refused', () => {
    const bad = `${text}\nreplay:\n  actions:\n    - { events: 1, atMs: 1, do: { kind: explode } }\n  until: { events: 2, atMs: 2 }\n`;
    expect(runScenarioFile(bad, 'bad.yaml').kind).toBe('invalid');
  });
});
