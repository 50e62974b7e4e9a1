/**
 * Record and replay: a run with the user's actions becomes an ordinary scenario file with a
 * `replay` section (each action at the exact position it was taken, and where the run stopped).
 * Replaying it — in the CLI or the app — gives the same run, same traceHash.
 */
import { parseDocument, stringify } from 'yaml';
import type { ScenarioRunner } from '../scenario/runner';
import type { Replay } from '../scenario/types';
import { applyAction, type Position, type RecordedAction, type UserAction } from './timeMachine';

/** The `replay` section for these actions, stopping at `until`. Plain data (JSON-safe). */
export function replayOf(actions: RecordedAction[], until: Position): Replay {
  return JSON.parse(JSON.stringify({
    actions: actions.map((a) => ({ events: a.events, atMs: a.timeMs, do: a.action })),
    until: { events: until.events, atMs: until.timeMs },
  })) as Replay;
}

/**
 * The scenario text with `replay` set (replacing any earlier one); everything else in the user's
 * file — comments included — is kept as it was.
 * @throws Error if `originalText` is not a YAML mapping
 */
export function recordingYaml(originalText: string, replay: Replay): string {
  const doc = parseDocument(originalText);
  if (!doc.contents || typeof doc.contents !== 'object' || !('set' in doc.contents)) throw new Error('the scenario is not a YAML mapping');
  doc.set('replay', doc.createNode(replay, { flow: false }));
  return doc.toString({ lineWidth: 0 });
}

/** A fresh scenario document for a run that has no file of its own (e.g. a custom cluster). */
export function scenarioYaml(doc: Record<string, unknown>): string {
  return stringify(doc, { lineWidth: 0 });
}

/**
 * Plays a run with its recorded actions: each is applied at its exact position, then the run goes
 * on to `until`. The runner must honour pauses (as the app does), so recorded `resume` actions line up.
 */
export function playRecorded(runner: ScenarioRunner, replay: Replay): void {
  for (const a of replay.actions) {
    runner.advance(a.atMs, a.events - runner.sim.stats.events);
    applyAction(runner, a.do as unknown as UserAction);
  }
  runner.advance(replay.until.atMs, replay.until.events - runner.sim.stats.events);
}
