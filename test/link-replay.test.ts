/**
 * Opening a long share link (issue 11, share links, second half): the replay runs in slices
 * (src/ui/io/share.ts ReplayJob) that end in exactly the state of one replay at once, and a link
 * whose replay passes the opening budget comes back unfinished for the page to go on with
 * (src/ui/io/openRun.ts), instead of blocking the tab until it is done.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeLink } from '../src/share/link';
import { CUSTOM_NAME, loadRun } from '../src/ui/model/scenarios';
import { OPEN_REPLAY_BUDGET_MS, REPLAY_SLICE_MS, openFromHash, openRecorded, openRun } from '../src/ui/io/openRun';
import { ReplayJob, currentReplay, replayInto } from '../src/ui/io/share';
import type { Workbench } from '../src/ui/model/workbench';
import { recordingYaml } from '../src/timetravel/record';
import { runScenarioFile } from '../src/cli/run';

function open(name: string, seed: number): Workbench {
  const o = openRun(loadRun(name, seed), null);
  if (!o.opened.ok) throw new Error(o.opened.error);
  return o.opened.wb;
}

/** A run of leader-crash with actions taken at the frontier, through presenter pauses (each Continue is recorded). */
function recorded(): Workbench {
  const wb = open('leader-crash', 3);
  const go = (ms: number) => {
    for (let guard = 0; guard < 100 && wb.position.timeMs < ms; guard++) {
      wb.advance(ms, Infinity);
      if (wb.runner.paused) wb.resumeIfHeld();
    }
  };
  go(400);
  wb.tm.act({ kind: 'crash', node: wb.runner.sim.leader()?.id ?? 'S1' });
  go(900);
  wb.tm.act({ kind: 'client', client: 'c1', spec: { op: 'put', key: '__proto__', value: 'v' } });
  go(1500);
  wb.tm.act({ kind: 'partition', groups: [['S1', 'S2'], ['S3', 'S4', 'S5']] });
  go(2500);
  wb.tm.act({ kind: 'heal' });
  go(4000);
  return wb;
}

describe('a recorded replay in slices ends exactly where one replay at once ends', () => {
  const source = recorded();
  const replay = currentReplay(source);

  it('the recording has actions, Continue presses among them', () => {
    expect(replay.actions.length).toBeGreaterThan(4);
    expect(replay.actions.some((a) => a.do.kind === 'resume')).toBe(true);
  });

  for (const chunk of [1, 7, 500]) {
    it(`chunks of ${chunk} events, one chunk per slice: same position, traceHash, history and branch actions`, () => {
      const whole = open('leader-crash', 3);
      replayInto(whole, replay);
      const sliced = open('leader-crash', 3);
      const job = new ReplayJob(sliced, replay, chunk);
      let slices = 0;
      // A budget of 0 ms: every slice stops after its first chunk.
      while (!job.run(0)) slices++;
      expect(slices).toBeGreaterThan(chunk === 500 ? 0 : 10);
      expect(sliced.position).toEqual(whole.position);
      expect(sliced.position).toEqual(source.position);
      expect(sliced.runner.sim.traceHash).toBe(whole.runner.sim.traceHash);
      expect(sliced.runner.sim.traceHash).toBe(source.runner.sim.traceHash);
      expect(sliced.runner.sim.history).toEqual(whole.runner.sim.history);
      expect(sliced.tm.actions()).toEqual(whole.tm.actions());
    });
  }

  it('progress rises to the recording\'s end', () => {
    const wb = open('leader-crash', 3);
    const job = new ReplayJob(wb, replay, 50);
    const seen: number[] = [];
    while (!job.run(0)) seen.push(job.progress().atMs);
    expect(seen.length).toBeGreaterThan(5);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(job.progress()).toMatchObject({ atMs: replay.until.atMs, events: replay.until.events, untilMs: replay.until.atMs });
  });
});

/** The hostile link of the issue: 9 servers, nothing but a 24 h `replay.until`. */
const LONG_YAML = 'title: long\ncluster: { nodes: 9 }\nsteps: []\n';
const LONG_REPLAY = { actions: [], until: { events: 1e12, atMs: 86_400_000 } };

describe('a link whose replay passes the opening budget opens unfinished, for the page to go on in slices', () => {
  it('the 9 servers × 24 h link is a short link', () => {
    expect(encodeLink({ yaml: LONG_YAML, seed: 1, replay: LONG_REPLAY }).length).toBeLessThan(200);
  });

  it('openFromHash returns within a few budgets, with the rest of the replay left to do', () => {
    const hash = `#${encodeLink({ yaml: LONG_YAML, seed: 1, replay: LONG_REPLAY })}`;
    const o = openFromHash(hash)!;
    expect(o.error).toBeNull();
    expect(o.opened.ok).toBe(true);
    const job = o.replaying!;
    expect(job).toBeInstanceOf(ReplayJob);
    expect(job.done).toBe(false);
    const p0 = job.progress();
    expect(p0.atMs).toBeGreaterThan(0);
    expect(p0.atMs).toBeLessThan(86_400_000);
    expect(p0.untilMs).toBe(86_400_000);
    // The page goes on a slice at a time; each slice moves it on.
    job.run(20);
    expect(job.progress().atMs).toBeGreaterThan(p0.atMs);
  });

  it('a short recorded link is replayed at once, as before (nothing left over)', () => {
    const replay = currentReplay(recorded());
    const o = openFromHash(`#${encodeLink({ library: 'leader-crash', seed: 3, replay })}`)!;
    expect(o.replaying).toBeUndefined();
    expect(o.opened.ok && o.opened.wb.position).toEqual({ events: replay.until.events, timeMs: replay.until.atMs });
  });

  it('openRecorded without a budget (tests, the CLI path) replays everything', () => {
    const o = openRecorded(CUSTOM_NAME, recordingYaml(LONG_YAML, { actions: [], until: { events: 3000, atMs: 86_400_000 } }), 'x.yaml', 1);
    expect(o.replaying).toBeUndefined();
    expect(o.opened.ok && o.opened.wb.position.events).toBe(3000);
  });

  it('README documents the budgets the page uses', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`at most **${OPEN_REPLAY_BUDGET_MS} ms** of wall time`);
    expect(readme).toContain(`slices of about **${REPLAY_SLICE_MS} ms**`);
  });
});

describe('two presenter pauses at one instant (etcdctl-tour: a say, a cancel, a say)', () => {
  /** The tour played through its pauses as the page does (each Continue recorded), then on to 1 s. */
  function played(): Workbench {
    const wb = open('etcdctl-tour', 7);
    for (let guard = 0; guard < 100 && wb.position.timeMs < 1000; guard++) {
      wb.advance(1000, Infinity);
      if (wb.runner.paused) wb.resumeIfHeld();
    }
    return wb;
  }

  it('two Continues are recorded at the same position, and the replay, at once or in slices, gets past both as playRecorded does', () => {
    const source = played();
    const replay = currentReplay(source);
    const resumes = replay.actions.filter((a) => a.do.kind === 'resume');
    const same = resumes.some((a, i) => i > 0 && a.events === resumes[i - 1].events && a.atMs === resumes[i - 1].atMs);
    expect(same).toBe(true);
    for (const chunk of [1, 500]) {
      const wb = open('etcdctl-tour', 7);
      const job = new ReplayJob(wb, replay, chunk);
      while (!job.run(0));
      expect(wb.position).toEqual(source.position);
      expect(wb.runner.sim.traceHash).toBe(source.runner.sim.traceHash);
      expect(wb.runner.paused).toBe(false);
    }
    // The CLI plays the same recording with playRecorded.
    const cli = runScenarioFile(recordingYaml(source.text, replay), 'etcdctl-tour-recording.yaml', {});
    expect(cli.kind !== 'invalid' && cli.report.traceHash).toBe(source.runner.sim.traceHash);
  });
});
