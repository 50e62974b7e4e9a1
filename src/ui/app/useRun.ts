import { useCallback, useRef, useState, type MutableRefObject } from 'react';
import type { ClientOpSpec } from '../../sim/client';
import type { UserAction } from '../../timetravel/timeMachine';
import { errorText } from '../i18n/errorText';
import { t } from '../i18n';
import { openFileText, openRun, type OpenResult, type Opened } from '../io/openRun';
import { CUSTOM_FILE, CUSTOM_NAME, defaultScenarioName, loadRun, loadRunText } from '../model/scenarios';
import type { Workbench } from '../model/workbench';
import { branchLabel } from '../panels/Inspector';
import type { OpeningUrl } from './useUrlState';

/** The open run and the commands that change it. */
export interface RunState {
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
  const [opened, setOpened] = useState<Opened>(first.opened);
  const [runError, setRunErrorState] = useState<string | null>(first.error);
  const [, setTick] = useState(0);
  const [customFile, setCustomFile] = useState(CUSTOM_FILE);
  const [customText, setCustomText] = useState<string | null>(() => (first.opened.ok && first.opened.wb.name === CUSTOM_NAME ? first.opened.wb.text : null));

  const wb = opened.ok ? opened.wb : null;
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
    const down = w.runner.sim.serverIds.filter((id) => !w.runner.sim.server(id).up);
    if (down.length === 0) say(t('notice.nothingToRestart'));
    for (const id of down) act({ kind: 'restart', node: id });
  }, [act, say]);

  /** Makes `o` the open run (the refs at once, for callbacks running before the next render). */
  const replace = useCallback((o: OpenResult) => {
    wbRef.current = o.opened.ok ? o.opened.wb : null;
    runErrorRef.current = o.error;
    setRunErrorState(o.error);
    setOpened(o.opened);
  }, []);

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
      replace(o);
      setCustom(f.yaml, fileName);
      if (o.opened.ok && f.expectHash !== null && o.opened.wb.runner.sim.traceHash !== f.expectHash) {
        say(t('share.traceHashDiffers', { file: fileName, got: o.opened.wb.runner.sim.traceHash, want: f.expectHash }));
      }
      return true;
    },
    [replace, say, setCustom],
  );

  return {
    opened, wb, runError, wbRef, runErrorRef, openedClean: first.error === null, customText, customFile, setCustom,
    bump, setRunError, nav, act, sendClient, leaderKey, load, loadFile,
  };
}
