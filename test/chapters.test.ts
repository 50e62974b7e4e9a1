/**
 * The chapter list of a narrated lesson: one chapter per `say` step, each jumping to where its
 * caption appears — back through time travel (never re-randomising), forward by computing the
 * run on (continuing past presenter pauses, each Continue recorded like the presenter's).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import { Workbench } from '../src/ui/model/workbench';

function workbench(name: string): Workbench {
  const file = `scenarios/${name}.yaml`;
  const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  const scenario = parseScenario(text, file);
  const runner = new ScenarioRunner(scenario, { seed: scenario.seed, honourPauses: true });
  return new Workbench(name, scenario.seed, scenario, text, runner);
}

/** The caption events of the cursor run, as [time, text]. */
function captionsAtCursor(wb: Workbench): [number, string][] {
  return wb.head.sim.trace.slice(0, wb.cursorTraceLength()).flatMap((e) => (e.kind === 'caption' ? [[e.atMs, e.text] as [number, string]] : []));
}

describe('chapter list', () => {
  it('lists one chapter per say step, in order, none reached before the run starts', () => {
    const wb = workbench('split-vote');
    const says = wb.scenario.steps.filter((s) => s.kind === 'say');
    const chapters = wb.chapters();
    expect(chapters.map((c) => c.line)).toEqual(says.map((s) => s.line));
    expect(chapters.map((c) => c.text)).toEqual(says.map((s) => (s.kind === 'say' ? s.text : '')));
    expect(chapters.every((c) => c.zh !== undefined && c.zh.length > 0)).toBe(true);
    expect(chapters.every((c) => c.atMs === null)).toBe(true);
    expect(wb.currentChapter()).toBe(-1);
  });

  it('goes forward to a chapter not reached yet, past presenter pauses, and shows its caption', () => {
    const wb = workbench('split-vote');
    const chapters = wb.chapters();
    const last = chapters.length - 1;
    expect(wb.goToChapter(last)).toBe(true);
    expect(wb.currentChapter()).toBe(last);
    const shown = captionsAtCursor(wb);
    expect(shown.length).toBe(chapters.length);
    expect(shown[last][1]).toBe(chapters[last].text);
    // Every chapter now has the time its caption appeared, in order.
    const times = wb.chapters().map((c) => c.atMs);
    expect(times.every((t) => t !== null)).toBe(true);
    for (let k = 1; k < times.length; k++) expect(times[k]!).toBeGreaterThanOrEqual(times[k - 1]!);
    expect(wb.position.timeMs).toBe(times[last]);
    // The pauses passed on the way were continued, and each Continue is recorded on the branch.
    const pauses = wb.scenario.steps.filter((s) => s.kind === 'say' && s.pause).length;
    expect(wb.tm.branch.actions.filter((a) => a.action.kind === 'resume').length).toBe(pauses - 1);
  });

  it('goes back to an earlier chapter by time travel: the same run, not a new one', () => {
    const wb = workbench('split-vote');
    wb.goToChapter(3);
    const hash = wb.head.sim.traceHash;
    const times = wb.chapters().map((c) => c.atMs);
    expect(wb.goToChapter(1)).toBe(true);
    expect(wb.currentChapter()).toBe(1);
    expect(wb.tm.inPast).toBe(true);
    expect(wb.position.timeMs).toBe(times[1]);
    expect(captionsAtCursor(wb).at(-1)?.[1]).toBe(wb.chapters()[1].text);
    // Going back did not fork or recompute: the branch, its history and its hash are unchanged.
    expect(wb.tm.branches.length).toBe(1);
    expect(wb.head.sim.traceHash).toBe(hash);
    expect(wb.chapters().map((c) => c.atMs)).toEqual(times);
  });

  it('a chapter reached by jumping is where plain playing with Continue gets to', () => {
    const jumped = workbench('leader-crash');
    const k = jumped.chapters().length - 1;
    jumped.goToChapter(k);
    const played = workbench('leader-crash');
    for (let guard = 0; guard < 1000 && played.chapters()[k].atMs === null; guard++) {
      played.resumeIfHeld();
      played.advance(played.position.timeMs + 50, Infinity);
    }
    expect(played.chapters().map((c) => c.atMs)).toEqual(jumped.chapters().map((c) => c.atMs));
  });

  it('a chapter past the end of the run is refused and the cursor stays put', () => {
    const wb = workbench('split-vote');
    wb.goToChapter(0);
    const at = wb.position;
    expect(wb.goToChapter(wb.chapters().length)).toBe(false);
    expect(wb.position.events).toBe(at.events);
  });
});
