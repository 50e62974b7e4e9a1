/**
 * Free play (src/ui/model/workbench.ts over the time machine): the first action the scenario did
 * not script turns the run into a branch of its own, so the lesson's run stays as it was; the
 * lesson's checks that no longer hold there are skipped, not failed, while a scenario's own
 * failure still reads as failure. Also: a lesson opens settled at its first caption (the steps due
 * at time 0 carried out, no event processed), and an action taken there replays exactly.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import { buildFrame } from '../src/ui/model/frame';
import { Workbench } from '../src/ui/model/workbench';

function workbench(name: string, text?: string): Workbench {
  const file = `scenarios/${name}.yaml`;
  const yaml = text ?? readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  const scenario = parseScenario(yaml, file);
  const runner = new ScenarioRunner(scenario, { seed: scenario.seed, honourPauses: true });
  return new Workbench(name, scenario.seed, scenario, yaml, runner);
}

/** Plays like a presenter who presses Continue at every pause, up to simulated time `ms`. */
function playTo(wb: Workbench, ms: number): void {
  for (let guard = 0; guard < 1000 && wb.position.timeMs < ms; guard++) {
    wb.advance(ms, Infinity);
    if (wb.runner.paused) wb.resumeIfHeld();
  }
}

describe('free play', () => {
  it('the first unscripted action starts a new branch at the frontier; the lesson branch keeps its own run', () => {
    const wb = workbench('basic-election');
    playTo(wb, 300);
    const at = wb.position;
    expect(wb.tm.branches.length).toBe(1);
    expect(wb.act({ kind: 'partition', groups: [['S1', 'S2'], ['S3', 'S4', 'S5']] })).toBeNull();
    expect(wb.tm.branches.length).toBe(2);
    expect(wb.tm.branchId).toBe(1);
    expect(wb.tm.branches[1].parent).toBe(0);
    expect(wb.tm.branches[1].fork).toEqual(at);
    expect(wb.freePlayStart()?.action.kind).toBe('partition');
    expect(wb.lessonBranch()).toEqual({ id: 0, atMs: at.timeMs });
    // A second action extends the free-play branch (no third branch).
    expect(wb.act({ kind: 'heal' })).toBeNull();
    expect(wb.tm.branches.length).toBe(2);

    // The lesson's branch was left exactly where it was: played on, it is the lesson's own run.
    wb.tm.switchBranch(0);
    expect(wb.freePlayStart()).toBeNull();
    expect(wb.tm.branch.actions).toEqual([]);
    playTo(wb, 3000);
    const fresh = workbench('basic-election');
    playTo(fresh, 3000);
    expect(wb.runner.sim.traceHash).toBe(fresh.runner.sim.traceHash);
    expect(buildFrame(wb).step.kind).toBe('done');
  });

  it('a free-play branch replays exactly: stepping back into it and forward again gives the same run', () => {
    const wb = workbench('basic-election');
    playTo(wb, 250);
    wb.act({ kind: 'crash', node: wb.runner.sim.leader()!.id });
    playTo(wb, 1500);
    const hash = wb.runner.sim.traceHash;
    const pos = wb.position;
    wb.seekTime(100);
    expect(wb.tm.inPast).toBe(true);
    wb.seekTime(pos.timeMs);
    expect(wb.runner.sim.traceHash).toBe(hash);
  });

  it('Continue is scripted: pressing it at a presenter pause is not free play', () => {
    const wb = workbench('leader-crash');
    playTo(wb, 3000);
    expect(wb.tm.branch.actions.some((a) => a.action.kind === 'resume')).toBe(true);
    expect(wb.tm.branches.length).toBe(1);
    expect(wb.freePlayStart()).toBeNull();
  });

  it('a lesson step that no longer holds after the user changed the run is skipped, not failed', () => {
    const wb = workbench('basic-election');
    wb.settle();
    // Cut the cluster at once: the minority can never have index 1 committed on all five servers.
    wb.act({ kind: 'partition', groups: [['S1', 'S2'], ['S3', 'S4', 'S5']] });
    playTo(wb, 5000);
    expect(wb.runner.failure).not.toBeNull();
    expect(wb.ownFailure()).toBe(false);
    const frame = buildFrame(wb, { details: true });
    expect(frame.step.kind).toBe('freePlay');
    if (frame.step.kind !== 'freePlay') return;
    expect(frame.step.skipped?.n).toBe(wb.runner.failure!.index + 1);
    expect(frame.step.lesson).toEqual({ id: 0, atMs: 0 });
    // The why feed says skipped, in the neutral tone, never the error tone.
    const stepLines = frame.feed.filter((l) => l.kind === 'step');
    expect(stepLines.length).toBe(1);
    expect(stepLines[0].tone).not.toBe('error');
    expect(stepLines[0].text).toMatch(/skipped/);
    expect(stepLines[0].text).not.toMatch(/fail/i);
  });

  it("a scenario's own failure still reads as failure, also after a later free-play action", () => {
    const broken = [
      'title: Broken',
      'steps:',
      '  - wait: { for: leader, withinMs: 1000 }',
      '  - expect: { leader: none }',
      '  - run: 500',
      '',
    ].join('\n');
    const wb = workbench('broken', broken);
    playTo(wb, 2000);
    expect(wb.runner.failure).not.toBeNull();
    expect(buildFrame(wb).step.kind).toBe('failed');
    const feed = buildFrame(wb).feed.filter((l) => l.kind === 'step');
    expect(feed[0].tone).toBe('error');
    // The lesson is over (failed): acting now is not a new free-play branch, and the failure stays a failure.
    wb.act({ kind: 'crash', node: 'S1' });
    expect(wb.tm.branches.length).toBe(1);
    expect(wb.ownFailure()).toBe(true);
    expect(buildFrame(wb).step.kind).toBe('failed');
  });

  it('acting after the lesson has finished extends the run: nothing is left to skip', () => {
    const wb = workbench('basic-election');
    playTo(wb, 3000);
    expect(wb.runner.finished).toBe(true);
    wb.act({ kind: 'crash', node: 'S1' });
    expect(wb.tm.branches.length).toBe(1);
    expect(buildFrame(wb).step.kind).toBe('done');
  });

  it('an action that cannot be taken starts no branch', () => {
    const wb = workbench('basic-election');
    wb.settle();
    expect(wb.act({ kind: 'crash', node: 'S9' })).not.toBeNull();
    expect(wb.tm.branches.length).toBe(1);
    expect(wb.tm.branch.actions).toEqual([]);
  });
});

describe('a lesson opened at its first caption', () => {
  it('settle carries out the steps due at time 0 without processing an event: the captions of that instant are out', () => {
    const wb = workbench('figure-8');
    wb.settle();
    expect(wb.position).toEqual({ events: 0, timeMs: 0 });
    const captions = wb.head.sim.trace.filter((e) => e.kind === 'caption').map((e) => (e.kind === 'caption' ? e.text : ''));
    // figure-8 tells (b) and (c) at the same instant: both are out, chapter navigation tells them apart.
    expect(captions.map((c) => c.slice(0, 3))).toEqual(['(b)', '(c)']);
    expect(wb.chapters().slice(0, 2).map((c) => c.atMs)).toEqual([0, 0]);
  });

  it('an action taken at the settled opening replays exactly (a seek there rebuilds the same state)', () => {
    const wb = workbench('basic-election');
    wb.settle();
    wb.act({ kind: 'crash', node: 'S2' });
    playTo(wb, 800);
    const hash = wb.runner.sim.traceHash;
    wb.seekTime(0);
    wb.seekTime(800);
    expect(wb.runner.sim.traceHash).toBe(hash);
  });
});
