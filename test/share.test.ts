/** Shareable links: round trip, and clear errors for damaged, truncated or newer links. */
import { compressToEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink, LinkError, LINK_VERSION } from '../src/share/link';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import { exportTrace, importTrace } from '../src/share/traceFile';
import { playRecorded, replayOf } from '../src/timetravel/record';
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

const run = {
  library: 'leader-crash', seed: 7, lang: 'zh',
  replay: { actions: [{ events: 12, atMs: 345.67, do: { kind: 'crash', node: 'S2' } }], until: { events: 99, atMs: 1000 } },
};
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as LinkError).code;
  }
  return 'no error';
};

describe('share links', () => {
  it('round-trips a run through the URL hash, URL-safe', () => {
    const hash = encodeLink(run);
    expect(hash).toMatch(/^r=1\.[A-Za-z0-9+\-$]+$/);
    expect(decodeLink('#' + hash)).toEqual(run);
    const withYaml = { yaml: 'title: T\nsteps: []\n', seed: 0 };
    expect(decodeLink(encodeLink(withYaml))).toEqual(withYaml);
  });

  it('a truncated or corrupted link gives a clear error, never garbage', () => {
    const hash = encodeLink(run);
    expect(code(() => decodeLink(hash.slice(0, hash.length - 7)))).toBe('corrupt');
    expect(code(() => decodeLink(hash.slice(0, 12)))).toBe('corrupt');
    expect(code(() => decodeLink('r=1.' + 'x'.repeat(40)))).toBe('corrupt');
    expect(code(() => decodeLink('#nothing-here'))).toBe('missing');
    expect(code(() => decodeLink(''))).toBe('missing');
  });

  it('a link from a newer format says so', () => {
    expect(code(() => decodeLink(`r=${LINK_VERSION + 1}.abc`))).toBe('newerVersion');
    const inner = compressToEncodedURIComponent(JSON.stringify({ v: 99, library: 'x', seed: 1 }));
    expect(code(() => decodeLink(`r=1.${inner}`))).toBe('newerVersion');
  });

  it('fields of the wrong type are refused, nothing is evaluated', () => {
    const bad = (o: unknown) => `r=1.${compressToEncodedURIComponent(JSON.stringify(o))}`;
    expect(code(() => decodeLink(bad({ v: 1, seed: 1 })))).toBe('invalid');
    expect(code(() => decodeLink(bad({ v: 1, library: '../etc/passwd', seed: 1 })))).toBe('invalid');
    expect(code(() => decodeLink(bad({ v: 1, library: 'a', seed: -1 })))).toBe('invalid');
    expect(code(() => decodeLink(bad({ v: 1, library: 'a', yaml: 'b', seed: 1 })))).toBe('invalid');
    expect(code(() => decodeLink(bad({ v: 1, yaml: { toString: 'alert(1)' }, seed: 1 })))).toBe('invalid');
    expect(code(() => decodeLink(bad([1, 2])))).toBe('corrupt');
  });
});

describe('trace files', () => {
  it('an exported trace re-simulates to the same traceHash and timeline', () => {
    const yaml = readFileSync(join(__dirname, '..', 'scenarios', 'leader-crash.yaml'), 'utf8');
    const tm = new TimeMachine(new ScenarioRunner(parseScenario(yaml, 'leader-crash.yaml'), { honourPauses: true }));
    play(tm, 700);
    tm.act({ kind: 'isolate', node: 'S3' });
    play(tm, 1800);
    const r = tm.runner;
    const text = exportTrace({
      scenario: { name: 'leader-crash', yaml }, seed: r.sim.config.seed, replay: replayOf(tm.actions(), tm.position),
      traceHash: r.sim.traceHash, timeMs: r.sim.nowMs, events: r.sim.stats.events, trace: r.sim.trace, history: r.sim.history,
    });
    const t = importTrace(text, 'run.json');
    const again = new ScenarioRunner(parseScenario(t.scenario.yaml, t.scenario.name), { seed: t.seed, honourPauses: true });
    playRecorded(again, t.replay);
    expect(again.sim.traceHash).toBe(t.traceHash);
    expect(JSON.stringify(again.sim.trace)).toBe(JSON.stringify(t.trace));
  });

  it('bad files are refused with the file name and the problem', () => {
    expect(() => importTrace('{', 'a.json')).toThrow(/a\.json: not a JSON file/);
    expect(() => importTrace('{"format":"other"}', 'a.json')).toThrow(/not a raftsim trace/);
    expect(() => importTrace('{"format":"raftsim-trace","version":9}', 'a.json')).toThrow(/newer than this page reads/);
    expect(() => importTrace('{"format":"raftsim-trace","version":1,"scenario":{"name":"x","yaml":"t"},"seed":"1"}', 'a.json')).toThrow(/"seed" must be/);
  });
});
