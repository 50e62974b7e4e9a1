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
  new ReplayJob(wb, replay).run(Infinity);
}

/** Events per time-machine advance between two looks at the wall clock (a few ms of work). */
const REPLAY_CHUNK_EVENTS = 500;

/**
 * Recorded actions played on a workbench a slice at a time (what opening a long link does, so the
 * page keeps answering): each `run(budgetMs)` plays on for about `budgetMs` of wall time and
 * returns. Pieces end in exactly the state `replayInto` reaches at once: the time machine's
 * advance by n events and then m more is its advance by n + m (it stops early only where one
 * advance would: at the target time, or at a presenter pause).
 */
export class ReplayJob {
  /** The next recorded action to apply (actions.length: on to `until`). */
  private next = 0;
  private finished = false;

  /** @param chunkEvents  events per advance between looks at the clock (tests use small ones) */
  constructor(readonly wb: Workbench, readonly replay: Replay, private readonly chunkEvents = REPLAY_CHUNK_EVENTS) {}

  /** All actions applied and the run at `until`. */
  get done(): boolean {
    return this.finished;
  }

  /** How far the replay is: the cursor's simulated time and events, and the recording's end. */
  progress(): { atMs: number; events: number; untilMs: number; untilEvents: number } {
    const p = this.wb.position;
    return { atMs: p.timeMs, events: p.events, untilMs: this.replay.until.atMs, untilEvents: this.replay.until.events };
  }

  /**
   * Plays on until done or until `budgetMs` of wall time (read from `now`, checked after every
   * chunk of events) have passed. Returns whether it is done.
   * @throws Error from an action the run refuses (an unknown server, a message not in flight)
   */
  run(budgetMs: number, now: () => number = () => performance.now()): boolean {
    const deadline = budgetMs === Infinity ? Infinity : now() + budgetMs;
    const { actions, until } = this.replay;
    while (!this.finished) {
      const target = this.next < actions.length ? actions[this.next] : until;
      const left = target.events - this.wb.position.events;
      const ask = Math.min(this.chunkEvents, left);
      // With no event left before the action, the advance still carries out the steps due at this
      // instant (as playRecorded does): two presenter pauses at one instant are two Continues.
      const k = this.wb.tm.advance(target.atMs, Math.max(0, ask));
      // Reached: the events are used up, or the advance stopped short (target time, a pause).
      if (ask <= 0 || k < ask || k === left) {
        if (this.next < actions.length) {
          this.wb.tm.act(actions[this.next].do as unknown as UserAction);
          this.next++;
        } else {
          this.finished = true;
        }
      }
      if (deadline !== Infinity && now() >= deadline) break;
    }
    return this.finished;
  }
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
