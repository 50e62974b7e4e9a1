/**
 * Opening a run from what the user gave: a bundled scenario (optionally fast-forwarded), scenario
 * text with a `replay` section, a share link in the address's hash, or a file (.yaml or an exported
 * trace .json). Plain functions, no React: the page's `useRun` keeps the result.
 */
import { LinkError, decodeLink } from '../../share/link';
import { importTrace } from '../../share/traceFile';
import { recordingYaml } from '../../timetravel/record';
import { errorText, localReason } from '../i18n/errorText';
import { t, type Locale } from '../i18n';
import { bundledScenario, CUSTOM_FILE, CUSTOM_NAME, defaultScenarioName, fastForward, loadRun, loadRunText, type LoadedRun } from '../model/scenarios';
import { Workbench } from '../model/workbench';
import { ReplayJob } from './share';

/**
 * Wall time (ms) a link's or a file's recorded replay may take while the page opens it; a longer
 * one goes on in slices (REPLAY_SLICE_MS each, the page answering in between) with a progress
 * panel and Cancel (see useRun). README ("Long links and files") documents both.
 */
export const OPEN_REPLAY_BUDGET_MS = 300;
/** Wall time (ms) of one slice of a long replay; a click waits at most about this long. */
export const REPLAY_SLICE_MS = 25;

/** The open run, or why there is none (shown in the error panel, with `title` as its heading). */
export type Opened = { ok: true; wb: Workbench } | { ok: false; name: string; seed: number | null; error: string; title?: string };

/** An opened run and the runtime error met while fast-forwarding or replaying it (null: none). */
export interface OpenResult {
  opened: Opened;
  error: string | null;
  /**
   * A recorded replay that did not finish within its opening budget: the run in `opened` is where
   * it got to, and the page plays the rest in slices (absent: nothing left to replay).
   */
  replaying?: ReplayJob;
}

/**
 * Opens a loaded run at its first caption (the steps due at time 0 are carried out, no event is
 * processed); with `atMs`, plays it to that simulated time (ms) at once.
 */
export function openRun(run: LoadedRun, atMs: number | null): OpenResult {
  if (!run.ok) return { opened: { ok: false, name: run.name, seed: run.seed, error: run.error }, error: null };
  const wb = new Workbench(run.name, run.seed, run.scenario, run.text, run.runner);
  try {
    if (atMs !== null) fastForward(wb, atMs);
    else wb.settle();
  } catch (e) {
    return { opened: { ok: true, wb }, error: errorText(e) };
  }
  return { opened: { ok: true, wb }, error: null };
}

/**
 * Builds a run from scenario text and plays its `replay` section, if any (then it is paused).
 * The replay plays for at most `budgetMs` of wall time here; the rest is left in `replaying`.
 */
export function openRecorded(name: string, text: string, file: string, seed: number | null, budgetMs = Infinity): OpenResult {
  const run = loadRunText(name, text, file, seed);
  const o = openRun(run, null);
  if (o.opened.ok && o.opened.wb.scenario.replay) {
    const job = new ReplayJob(o.opened.wb, o.opened.wb.scenario.replay);
    try {
      if (!job.run(budgetMs)) return { ...o, replaying: job };
    } catch (e) {
      return { opened: o.opened, error: errorText(e) };
    }
  }
  return o;
}

/** Opens the run a share link in the address's hash describes (null when the hash holds no link). */
export function openFromHash(hash: string): (OpenResult & { lang: Locale | null }) | null {
  if (!/(?:^#?|&)r=/.test(hash)) return null;
  try {
    const link = decodeLink(hash);
    const lang = link.lang === 'zh' || link.lang === 'en' ? link.lang : null;
    if (link.library !== undefined) {
      const base = bundledScenario(link.library);
      if (base === undefined) return { ...openRun(loadRun(link.library, link.seed), null), lang };
      const text = link.replay ? recordingYaml(base.text, link.replay) : base.text;
      return { ...openRecorded(base.name, text, `scenarios/${base.name}.yaml`, link.seed, OPEN_REPLAY_BUDGET_MS), lang };
    }
    const yaml = link.yaml ?? '';
    const text = link.replay ? recordingYaml(yaml, link.replay) : yaml;
    return { ...openRecorded(CUSTOM_NAME, text, CUSTOM_FILE, link.seed, OPEN_REPLAY_BUDGET_MS), lang };
  } catch (e) {
    const reason = e instanceof LinkError ? localReason(e.why) : errorText(e);
    return { opened: { ok: false, name: defaultScenarioName(), seed: null, error: reason, title: t('share.linkErrorTitle') }, error: null, lang: null };
  }
}

/**
 * Opens a scenario file (.yaml, its replay is played) or an exported trace (.json, its recording
 * replayed with the trace's seed). Returns the run, the scenario text it was built from and, for a
 * trace, the traceHash the replay must reproduce.
 * @throws Error (a ScenarioError or a trace file error) when the file cannot be read as either
 */
export function openFileText(fileName: string, text: string): { result: OpenResult; yaml: string; expectHash: string | null } {
  let yaml = text;
  let expectHash: string | null = null;
  let seed: number | null = null;
  if (/\.json$/i.test(fileName)) {
    const tf = importTrace(text, fileName);
    yaml = recordingYaml(tf.scenario.yaml, tf.replay);
    seed = tf.seed;
    expectHash = tf.traceHash;
  }
  return { result: openRecorded(CUSTOM_NAME, yaml, fileName, seed, OPEN_REPLAY_BUDGET_MS), yaml, expectHash };
}
