import { useCallback, useEffect, useRef, useState, type MutableRefObject } from 'react';
import type { ClientOpSpec } from '../../sim/client';
import type { MemberRequest } from '../../sim/types';
import { refusalText } from '../dialogs/MembersDialog';
import type { UserAction } from '../../timetravel/timeMachine';
import { errorText } from '../i18n/errorText';
import { t } from '../i18n';
import { REPLAY_SLICE_MS, openFileText, openRun, type OpenResult, type Opened } from '../io/openRun';
import type { ReplayJob } from '../io/share';
import { CUSTOM_FILE, CUSTOM_NAME, defaultScenarioName, loadRun, loadRunText } from '../model/scenarios';
import type { Workbench } from '../model/workbench';
import { branchLabel } from '../panels/Inspector';
import { simTimeText, type ReplayProgress } from '../panels/ReplayPanel';
import type { OpeningUrl } from './useUrlState';

/** The open run and the commands that change it. */
export interface RunState {
  /** A long replay in progress (null: none); the run opens when it ends or is cancelled. */
  replay: ReplayProgress | null;
  opened: Opened;
  /** The open workbench (null when the scenario did not load). */
  wb: Workbench | null;
  /** A runtime error met while running (shown in the ring panel; the run stops answering). */
  runError: string | null;
  /** The same, for callbacks and the animation loop (always the newest, without a re-render). */
  wbRef: MutableRefObject<Workbench | null>;
  runErrorRef: MutableRefObject<string | null>;
  /** Whether the run opened without an error (a link's or the address's `at`). */
  openedClean: boolean;
  /** The scenario text and file name of the custom run (custom cluster, user scenario, opened file). */
  customText: string | null;
  customFile: string;
  setCustom(text: string, file: string): void;
  /** Re-renders the page: the workbench is mutable and lives outside React's state. */
  bump(): void;
  /** Sets the runtime error (the error panel). */
  setRunError(error: string): void;
  /** Runs a navigation on the workbench; an exception becomes the runtime error panel. */
  nav(f: (w: Workbench) => void): void;
  /** A user action through the time machine (acting in the past starts a branch; a notice says so). */
  act(a: UserAction): void;
  /** A client operation from the client panel, through `via` (null: the leader). */
  sendClient(client: string, spec: ClientOpSpec, via: string | null): void;
  /**
   * A membership change (the `member` verb, recorded like every action); a refusal is also said
   * in a notice. Returns the refusal's sentence, or null when the leader accepted it.
   */
  member(change: MemberRequest): string | null;
  /** "R": crash the leader; when there is none, restart every crashed server. */
  leaderKey(): void;
  /** Rebuilds the run from time 0 (restart, another scenario, another seed, a custom cluster). */
  load(name: string, seed: number | null, text?: string | null, file?: string): Opened;
  /**
   * Opens a scenario file (.yaml, its replay is played) or an exported trace (.json); a file that
   * cannot be read is a notice and leaves the run as it was (returns false).
   */
  loadFile(fileName: string, text: string): boolean;
}

/** The notice for an action that started a branch: acting in the past, or the first free-play action of a lesson. */
function branchNotice(w: Workbench, fromPast: boolean): string {
  return fromPast ? t('notice.branched', { id: w.tm.branchId, label: branchLabel(w.tm.branch) }) : t('notice.freePlay');
}

/**
 * The run (a Workbench wrapping a TimeMachine) is mutable and lives outside React's state: React
 * state holds which run is open, its runtime error and a frame counter (`bump`). Opens the run the
 * address asked for on the first render; notices about actions go through `say`.
 */
export function useRun(url: OpeningUrl, say: (text: string) => void): RunState {
  const [first] = useState(() => url.fromLink ?? openRun(loadRun(url.initial.scenario ?? defaultScenarioName(), url.initial.seed), url.initial.atMs));
  // A replay that did not finish while the page opened goes on in slices; its run is not shown until then.
  const [job, setJob] = useState<ReplayState | null>(() => (first.replaying ? { job: first.replaying, expectHash: null, file: '', stopping: false } : null));
  const [, setProgressTick] = useState(0);
  const [opened, setOpened] = useState<Opened>(() => (first.replaying ? replayingOpened(first.replaying) : first.opened));
  const [runError, setRunErrorState] = useState<string | null>(first.error);
  const [, setTick] = useState(0);
  const [customFile, setCustomFile] = useState(CUSTOM_FILE);
  const [customText, setCustomText] = useState<string | null>(() => (first.opened.ok && first.opened.wb.name === CUSTOM_NAME ? first.opened.wb.text : null));

  const wb = opened.ok ? opened.wb : null;
  const jobRef = useRef(job);
  jobRef.current = job;
  const wbRef = useRef(wb);
  wbRef.current = wb;
  const runErrorRef = useRef(runError);
  runErrorRef.current = runError;

  const bump = useCallback(() => setTick((n) => (n + 1) % 1_000_000_000), []);
  const setRunError = useCallback((error: string) => setRunErrorState(error), []);
  const setCustom = useCallback((text: string, file: string) => {
    setCustomText(text);
    setCustomFile(file);
  }, []);

  const nav = useCallback(
    (f: (w: Workbench) => void) => {
      const w = wbRef.current;
      if (!w || runErrorRef.current) return;
      try {
        f(w);
      } catch (e) {
        setRunErrorState(errorText(e));
      }
      bump();
    },
    [bump],
  );

  const act = useCallback(
    (a: UserAction) => {
      const w = wbRef.current;
      if (!w || runErrorRef.current) return;
      const before = w.tm.branches.length;
      const fromPast = w.tm.inPast;
      const err = w.act(a);
      if (err) say(t('notice.actionFailed', { message: err }));
      else if (w.tm.branches.length > before) say(branchNotice(w, fromPast));
      bump();
    },
    [bump, say],
  );

  const member = useCallback(
    (change: MemberRequest): string | null => {
      const w = wbRef.current;
      if (!w || runErrorRef.current) return null;
      const before = w.tm.branches.length;
      const fromPast = w.tm.inPast;
      const { error, refusal } = w.memberChange(change);
      let text: string | null = null;
      if (error) say(t('notice.actionFailed', { message: error }));
      else {
        if (w.tm.branches.length > before) say(branchNotice(w, fromPast));
        if (refusal) {
          text = refusalText(refusal, w);
          say(text);
        }
      }
      bump();
      return text;
    },
    [bump, say],
  );

  const sendClient = useCallback(
    (client: string, spec: ClientOpSpec, via: string | null) => {
      const w = wbRef.current;
      if (!w) return;
      const before = w.tm.branches.length;
      const fromPast = w.tm.inPast;
      const err = w.sendClientOp(client, spec, via);
      if (err) say(t('notice.actionFailed', { message: err }));
      else if (w.tm.branches.length > before) say(branchNotice(w, fromPast));
      bump();
    },
    [bump, say],
  );

  const leaderKey = useCallback(() => {
    const w = wbRef.current;
    if (!w) return;
    const leader = w.runner.sim.leader();
    if (leader) {
      act({ kind: 'crash', node: leader.id });
      return;
    }
    // A spare that never started is not crashed: a member change starts it, not R.
    const views = new Map(w.runner.sim.views().map((v) => [v.id, v]));
    const down = w.runner.sim.serverIds.filter((id) => !w.runner.sim.server(id).up && views.get(id)?.membership !== 'spare');
    if (down.length === 0) say(t('notice.nothingToRestart'));
    for (const id of down) act({ kind: 'restart', node: id });
  }, [act, say]);

  /** Makes `o` the open run (the refs at once, for callbacks running before the next render); a replay in progress stops. */
  const replace = useCallback((o: OpenResult, expectHash: string | null = null, file = '') => {
    const next = o.replaying ? { job: o.replaying, expectHash, file, stopping: false } : null;
    jobRef.current = next;
    setJob(next);
    const shown = o.replaying ? replayingOpened(o.replaying) : o.opened;
    wbRef.current = shown.ok ? shown.wb : null;
    runErrorRef.current = o.error;
    setRunErrorState(o.error);
    setOpened(shown);
  }, []);

  /** Shows the run of a replay that ended (`error`: what stopped it) or was cancelled. */
  const openReplayed = useCallback((j: ReplayJob, error: string | null) => {
    jobRef.current = null;
    setJob(null);
    wbRef.current = j.wb;
    runErrorRef.current = error;
    setRunErrorState(error);
    setOpened({ ok: true, wb: j.wb });
  }, []);

  // The slices of a long replay: REPLAY_SLICE_MS of work, then the page answers (clicks, paints).
  // Once Cancel is pressed (`stopping`), the panel says so first, and after that paint the run
  // opens at its start, a fresh one: what the replay computed is dropped (a long run's history is
  // costly to draw, and the point of Cancel is a page that answers now).
  useEffect(() => {
    if (!job) return;
    let timer = 0;
    if (job.stopping) {
      const frame = window.requestAnimationFrame(() => {
        timer = window.setTimeout(() => {
          const { wb: w } = job.job;
          const p = job.job.progress();
          replace(openRun(loadRunText(w.name, w.text, w.scenario.file, w.seed), null));
          say(t('replay.cancelled', { at: simTimeText(p.atMs), until: simTimeText(p.untilMs) }));
        }, 0);
      });
      return () => {
        window.cancelAnimationFrame(frame);
        window.clearTimeout(timer);
      };
    }
    const slice = () => {
      if (jobRef.current !== job) return;
      try {
        if (!job.job.run(REPLAY_SLICE_MS)) {
          setProgressTick((n) => (n + 1) % 1_000_000_000);
          timer = window.setTimeout(slice, 0);
          return;
        }
      } catch (e) {
        openReplayed(job.job, errorText(e));
        return;
      }
      openReplayed(job.job, null);
      const hash = job.job.wb.runner.sim.traceHash;
      if (job.expectHash !== null && hash !== job.expectHash) say(t('share.traceHashDiffers', { file: job.file, got: hash, want: job.expectHash }));
    };
    timer = window.setTimeout(slice, 0);
    return () => window.clearTimeout(timer);
  }, [job, openReplayed, replace, say]);

  const cancelReplay = useCallback(() => {
    const j = jobRef.current;
    if (!j || j.stopping) return;
    const next = { ...j, stopping: true };
    jobRef.current = next;
    setJob(next);
  }, []);
  const replay: ReplayProgress | null = job ? { ...job.job.progress(), stopping: job.stopping, cancel: cancelReplay } : null;

  const load = useCallback(
    (name: string, seed: number | null, text: string | null = null, file: string = CUSTOM_FILE) => {
      const run = name === CUSTOM_NAME && text !== null ? loadRunText(CUSTOM_NAME, text, file, seed) : loadRun(name, seed);
      const o = openRun(run, null);
      replace(o);
      return o.opened;
    },
    [replace],
  );

  const loadFile = useCallback(
    (fileName: string, text: string) => {
      let f: ReturnType<typeof openFileText>;
      try {
        f = openFileText(fileName, text);
      } catch (e) {
        say(t('share.fileError', { message: errorText(e) }));
        return false;
      }
      const o = f.result;
      replace(o, f.expectHash, fileName);
      setCustom(f.yaml, fileName);
      if (!o.replaying && o.opened.ok && f.expectHash !== null && o.opened.wb.runner.sim.traceHash !== f.expectHash) {
        say(t('share.traceHashDiffers', { file: fileName, got: o.opened.wb.runner.sim.traceHash, want: f.expectHash }));
      }
      return true;
    },
    [replace, say, setCustom],
  );

  return {
    replay, opened, wb, runError, wbRef, runErrorRef, openedClean: first.error === null, customText, customFile, setCustom,
    bump, setRunError, nav, act, sendClient, member, leaderKey, load, loadFile,
  };
}

/** A long replay in slices: the job, the trace hash a trace file expects at its end (and the file's name), whether Cancel was pressed. */
interface ReplayState {
  job: ReplayJob;
  expectHash: string | null;
  file: string;
  stopping: boolean;
}

/** What the page shows while a replay plays in slices: no run yet (its controls wait), the scenario's title. */
function replayingOpened(j: ReplayJob): Opened {
  return { ok: false, name: j.wb.name, seed: j.wb.seed, error: '', title: j.wb.scenario.title };
}

