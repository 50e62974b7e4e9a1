/**
 * Runs a scenario text headless and builds its report; shared by the CLI and the tests.
 * Uses the wall clock only to report how long the run took (never inside the simulation).
 */
import { linearizableHook } from '../check/hook';
import { parseScenario } from '../scenario/parse';
import { playRecorded } from '../timetravel/record';
import { buildReport, readableReport, type RunReport } from '../scenario/report';
import { ScenarioRunner } from '../scenario/runner';
import { ScenarioError, type Scenario } from '../scenario/types';

export type RunOutcome =
  | { kind: 'invalid'; error: string; scenarioError?: ScenarioError }
  | { kind: 'ran'; scenario: Scenario; runner: ScenarioRunner; report: RunReport; readable: string };

/**
 * Parses and runs `text` (named `file` in messages). A bad scenario gives `kind: 'invalid'` with
 * the error naming file, line and key; it never throws for bad input.
 *
 * Memory: the run never keeps message records (nothing here reads them), and with `timeline:
 * false` (the CLI's `--json`) it keeps no trace either, so that a 24-hour run of 9 servers stays
 * small; `readable` then holds only the summary. The report is the same either way.
 */
export function runScenarioFile(text: string, file: string, opts: { seed?: number; timeline?: boolean } = {}): RunOutcome {
  let scenario: Scenario;
  try {
    scenario = parseScenario(text, file);
  } catch (e) {
    if (e instanceof ScenarioError) return { kind: 'invalid', error: e.message, scenarioError: e };
    return { kind: 'invalid', error: `${file}: ${(e as Error).message}` };
  }
  // A recorded run (with `replay`) is played exactly as it was in the app, pauses included.
  const runner = new ScenarioRunner(scenario, {
    seed: opts.seed, linearizable: linearizableHook, honourPauses: !!scenario.replay,
    keepTrace: opts.timeline ?? true, keepMessages: false,
  });
  const t0 = performance.now();
  if (scenario.replay) playRecorded(runner, scenario.replay);
  else runner.runToEnd();
  const wallMs = performance.now() - t0;
  // Every run with client operations checks its own history (pending operations count as unknown).
  const history = runner.sim.historyWithPending();
  const linearizable = history.length ? linearizableHook(history).ok : undefined;
  const report = buildReport(runner, wallMs, linearizable);
  return { kind: 'ran', scenario, runner, report, readable: readableReport(runner, report) };
}
