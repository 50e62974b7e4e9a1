/**
 * Sharing a run from the page: the share link, the recording as a scenario file, the JSON trace,
 * and replaying recorded actions into a workbench (through its time machine, so the actions stay
 * on the branch: stepping back, re-sharing and saving again all keep them).
 */
import { encodeLink } from '../../share/link';
import { exportTrace } from '../../share/traceFile';
import type { Replay } from '../../scenario/types';
import { recordingYaml, replayOf } from '../../timetravel/record';
import type { UserAction } from '../../timetravel/timeMachine';
import { bundledScenarios } from '../model/scenarios';
import type { Locale } from '../i18n';
import type { Workbench } from '../model/workbench';

/** The recorded actions of the open branch up to the cursor. */
export function currentReplay(wb: Workbench): Replay {
  return replayOf(wb.tm.actions().filter((a) => a.events < wb.position.events || (a.events === wb.position.events && a.timeMs <= wb.position.timeMs)), wb.position);
}

/** The full address that reopens this run at the cursor. */
export function shareUrl(wb: Workbench, lang: Locale): string {
  const replay = currentReplay(wb);
  const hash = bundledScenarios.has(wb.name)
    ? encodeLink({ library: wb.name, seed: wb.seed, replay, lang })
    : encodeLink({ yaml: wb.text, seed: wb.seed, replay, lang });
  return `${window.location.origin}${window.location.pathname}#${hash}`;
}

/** The scenario file with the recorded actions (what "Save as scenario" downloads). */
export function savedYaml(wb: Workbench): string {
  return recordingYaml(wb.text, currentReplay(wb));
}

/** The JSON trace of the run at the cursor (what "Export trace" downloads). */
export function savedTrace(wb: Workbench): string {
  const sim = wb.runner.sim;
  return exportTrace({
    scenario: { name: wb.name, yaml: wb.text },
    seed: wb.seed,
    replay: currentReplay(wb),
    traceHash: sim.traceHash,
    timeMs: wb.position.timeMs,
    events: wb.position.events,
    trace: wb.head.sim.trace.slice(0, wb.cursorTraceLength()),
    history: sim.history,
  });
}

/**
 * Plays recorded actions on a fresh workbench, each at its exact position, then on to `until`
 * (the same steps as `playRecorded`, but through the time machine).
 */
export function replayInto(wb: Workbench, replay: Replay): void {
  for (const a of replay.actions) {
    wb.tm.advance(a.atMs, a.events - wb.position.events);
    wb.tm.act(a.do as unknown as UserAction);
  }
  wb.tm.advance(replay.until.atMs, replay.until.events - wb.position.events);
}

/**
 * Downloads `data` as a file named `fileName` (through a temporary blob: link). Text is wrapped in a
 * Blob of type `mime`; a Blob is downloaded as it is (`mime` is then ignored).
 */
export function download(fileName: string, data: string | Blob, mime = 'application/octet-stream'): void {
  const url = URL.createObjectURL(typeof data === 'string' ? new Blob([data], { type: mime }) : data);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}
