/**
 * The scenario files bundled into the page (scenarios/*.yaml as raw text), and building a run
 * from one of them. A scenario that cannot be parsed or built gives an error text, never a throw.
 */
import { checkLinearizability } from '../check/linearizability';
import { parseScenario } from '../scenario/parse';
import { ScenarioRunner } from '../scenario/runner';
import type { Scenario } from '../scenario/types';
import type { HistoryRecord } from '../sim/types';
import { t } from './strings';

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
  | { ok: true; name: string; seed: number; scenario: Scenario; runner: ScenarioRunner }
  | { ok: false; name: string; seed: number | null; error: string };

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
  try {
    const scenario = parseScenario(text, `scenarios/${name}.yaml`);
    const effectiveSeed = seed ?? scenario.seed;
    const runner = new ScenarioRunner(scenario, { seed: effectiveSeed, honourPauses: true, linearizable });
    return { ok: true, name, seed: effectiveSeed, scenario, runner };
  } catch (e) {
    // ScenarioError's message is already "file:line:column: key: reason".
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, name, seed, error: msg.startsWith('scenarios/') ? msg : `scenarios/${name}.yaml: ${msg}` };
  }
}

/**
 * Runs a fresh run forward to simulated time `atMs` (the address's `at`), continuing past
 * presenter pauses, as the player would if Continue were pressed at each.
 */
export function fastForward(runner: ScenarioRunner, atMs: number): void {
  for (let guard = 0; guard < 10_000 && runner.sim.nowMs < atMs; guard++) {
    const before = runner.sim.nowMs;
    runner.advance(atMs);
    if (runner.paused) runner.resume();
    else if (runner.sim.nowMs === before) break;
  }
}

/** Processes exactly one event, continuing past a presenter pause first (the Step control). */
export function stepOneEvent(runner: ScenarioRunner): number {
  if (runner.paused) runner.resume();
  return runner.advance(Infinity, 1);
}
