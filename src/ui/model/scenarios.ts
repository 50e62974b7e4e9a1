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

/**
 * Names that open another bundled scenario: lessons merged into one keep their old addresses and
 * share links working (`first-election` was a near duplicate of the first-election demo).
 */
export const SCENARIO_ALIASES: ReadonlyMap<string, string> = new Map([['first-election', 'basic-election']]);

/** The bundled name a scenario name stands for: itself, or what its alias points to. */
export function canonicalScenario(name: string): string {
  return SCENARIO_ALIASES.get(name) ?? name;
}

/** A bundled scenario by its name or an alias: its bundled name and text, or undefined. */
export function bundledScenario(name: string): { name: string; text: string } | undefined {
  const canonical = canonicalScenario(name);
  const text = bundledScenarios.get(canonical);
  return text === undefined ? undefined : { name: canonical, text };
}

/**
 * The library's suggested path, from the first election to Figure 8: elections, replication and
 * commitment, crashes and partitions, then the paper's figures of log repair and the commitment
 * rule (§5.2 → §5.3 → §5.4). Each lesson builds on the ones before it.
 */
export const LESSON_PATH: readonly string[] = [
  'basic-election', 'split-vote', 'log-replication', 'leader-crash', 'follower-crash-catch-up',
  'partition-minority-leader', 'figure-7', 'figure-8', 'figure-8-unsafe',
];

/** After the path, the other lessons in this order (faults, then clients and the etcd store); unlisted ones last, by name. */
export const LESSON_MORE: readonly string[] = [
  'full-cluster-restart', 'lossy-network', 'client-retry-dedup', 'stale-read', 'config-key', 'distributed-lock',
  // Elections and reads as etcd runs them (issue 12).
  'disruptive-rejoin', 'disruptive-rejoin-prevote', 'check-quorum', 'read-paths', 'lease-read-clock-drift',
  'leader-transfer', 'etcd-defaults',
  // A cluster that changes shape: membership, snapshots, stable storage (issue 13).
  'add-members-one-by-one', 'replace-failed-member', 'joint-consensus', 'unsafe-two-at-once', 'remove-the-leader',
  'snapshot-catch-up', 'fsync-and-crash', 'fsync-and-crash-unsafe',
];

/**
 * Bundled scenario names in teaching order: the suggested path, then the other lessons.
 * `step` is the 1-based place on the path, or null for a lesson off it.
 */
export function lessonOrder(names: Iterable<string>): { name: string; step: number | null }[] {
  const all = [...names];
  const rank = (n: string) => {
    const p = LESSON_PATH.indexOf(n);
    if (p >= 0) return p;
    const m = LESSON_MORE.indexOf(n);
    return m >= 0 ? LESSON_PATH.length + m : LESSON_PATH.length + LESSON_MORE.length;
  };
  return all
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => ({ name, step: LESSON_PATH.includes(name) ? LESSON_PATH.indexOf(name) + 1 : null }));
}

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
 * Parses the bundled scenario `name` (or the one an alias names: the run then has the bundled
 * name) and builds its run at time 0 with `seed` (null: the scenario's own seed). Presenter
 * pauses are honoured.
 */
export function loadRun(name: string, seed: number | null): LoadedRun {
  const found = bundledScenario(name);
  if (found === undefined) {
    const list = [...bundledScenarios.keys()].join(', ');
    return { ok: false, name, seed, error: list ? t('error.unknownScenario', { name, list }) : t('error.noScenarios') };
  }
  return loadRunText(found.name, found.text, `scenarios/${found.name}.yaml`, seed);
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
