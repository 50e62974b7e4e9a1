/**
 * The scenario files bundled into the page (scenarios/*.yaml as raw text), and building a run
 * from one of them. A scenario that cannot be parsed or built gives an error text, never a throw.
 */
import { checkLinearizability } from '../../check/linearizability';
import { parseScenario } from '../../scenario/parse';
import { ScenarioRunner } from '../../scenario/runner';
import type { Scenario } from '../../scenario/types';
import type { HistoryRecord } from '../../sim/types';
import { scenarioYaml } from '../../timetravel/record';
import { errorText } from '../i18n/errorText';
import { t } from '../i18n';
import type { Workbench } from './workbench';

const files = import.meta.glob('/scenarios/*.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** Bundled scenario texts by name (the file name without .yaml), sorted by name. */
export const bundledScenarios: ReadonlyMap<string, string> = new Map(
  Object.entries(files)
    .map(([path, text]) => [path.replace(/^.*\//, '').replace(/\.yaml$/, ''), text] as [string, string])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
);

export const DEFAULT_SCENARIO = 'basic-election';

/** The scenario to open when the address names none. */
export function defaultScenarioName(): string {
  if (bundledScenarios.has(DEFAULT_SCENARIO)) return DEFAULT_SCENARIO;
  const first = bundledScenarios.keys().next();
  return first.done ? DEFAULT_SCENARIO : first.value;
}

export type LoadedRun =
  | { ok: true; name: string; seed: number; scenario: Scenario; text: string; runner: ScenarioRunner }
  | { ok: false; name: string; seed: number | null; error: string; text?: string };

/** Linearizability for `expect: { linearizable }` steps (wall-clock bounded, outside the engine). */
function linearizable(history: HistoryRecord[]): { ok: boolean | null; detail: string } {
  const r = checkLinearizability(history, { timeLimitMs: 2000 });
  return { ok: r.result === 'unknown' ? null : r.result === 'linearizable', detail: r.explanation ?? r.result };
}

/**
 * Parses the bundled scenario `name` and builds its run at time 0 with `seed` (null: the
 * scenario's own seed). Presenter pauses are honoured.
 */
export function loadRun(name: string, seed: number | null): LoadedRun {
  const text = bundledScenarios.get(name);
  if (text === undefined) {
    const list = [...bundledScenarios.keys()].join(', ');
    return { ok: false, name, seed, error: list ? t('error.unknownScenario', { name, list }) : t('error.noScenarios') };
  }
  return loadRunText(name, text, `scenarios/${name}.yaml`, seed);
}

/** Builds a run from scenario text (a bundled file or a custom cluster built in the page). */
export function loadRunText(name: string, text: string, file: string, seed: number | null): LoadedRun {
  try {
    const scenario = parseScenario(text, file);
    const effectiveSeed = seed ?? scenario.seed;
    const runner = new ScenarioRunner(scenario, { seed: effectiveSeed, honourPauses: true, linearizable });
    return { ok: true, name, seed: effectiveSeed, scenario, text, runner };
  } catch (e) {
    // A ScenarioError reads "file:line:column: key: reason" (the reason in the page's language).
    const msg = errorText(e);
    return { ok: false, name, seed, text, error: msg.startsWith(file) ? msg : `${file}: ${msg}` };
  }
}

/** The settings of a "new custom cluster" (ms of simulated time, rates 0..1). */
export interface CustomCluster {
  nodes: number;
  heartbeatMs: number;
  electionTimeoutMs: [number, number];
  latencyMs: [number, number];
  dropRate: number;
  clients: number;
  seed: number;
}

export const CUSTOM_NAME = 'custom';
export const CUSTOM_FILE = 'custom-cluster.yaml';

/** The defaults of the custom-cluster dialog, taken from a scenario's cluster when one is open. */
export function customFrom(s: Scenario | null): CustomCluster {
  const c = s?.cluster;
  return {
    nodes: c ? c.nodes.length : 5,
    heartbeatMs: c?.heartbeatMs ?? 50,
    electionTimeoutMs: c ? [c.electionTimeoutMs[0], c.electionTimeoutMs[1]] : [150, 300],
    latencyMs: c ? [c.network.latencyMs[0], c.network.latencyMs[1]] : [10, 20],
    dropRate: c?.network.dropRate ?? 0,
    clients: s ? s.clients.length : 1,
    seed: s?.seed ?? 1,
  };
}

/**
 * The YAML text of a scenario with no steps for a custom cluster. It is parsed with
 * `parseScenario` like any file, so bad settings are reported as "file:line:column: key: reason".
 */
export function customYaml(c: CustomCluster): string {
  return scenarioYaml({
    title: c.nodes === 1 ? t('custom.scenarioTitleOne') : t('custom.scenarioTitle', { nodes: c.nodes }),
    description: t('custom.scenarioDescription'),
    seed: c.seed,
    cluster: {
      nodes: c.nodes,
      heartbeatMs: c.heartbeatMs,
      electionTimeoutMs: c.electionTimeoutMs,
      network: { latencyMs: c.latencyMs, dropRate: c.dropRate },
    },
    clients: Array.from({ length: Math.max(1, c.clients) }, (_, i) => `c${i + 1}`),
    steps: [],
  });
}

/**
 * Runs a fresh workbench forward to simulated time `atMs` (the address's `at`), continuing past
 * presenter pauses (each Continue is recorded), as the player would if Continue were pressed at each.
 */
export function fastForward(wb: Workbench, atMs: number): void {
  for (let guard = 0; guard < 10_000 && wb.position.timeMs < atMs; guard++) {
    const before = wb.position.timeMs;
    wb.advance(atMs, Infinity);
    if (wb.runner.paused) wb.resumeIfHeld();
    else if (wb.position.timeMs === before) break;
  }
}
