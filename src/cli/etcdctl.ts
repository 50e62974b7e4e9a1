/**
 * `raftsim etcdctl SCENARIO -- <command>`: runs a scenario to its end, then one etcdctl command
 * against the simulated cluster (issue 14), as a headless way to try the console. Shared by the
 * CLI and its tests. Uses no wall clock.
 */
import { quote } from 'shell-quote';
import { linearizableHook } from '../check/hook';
import { parseScenario } from '../scenario/parse';
import { formatReason } from '../scenario/reasons';
import { ScenarioRunner } from '../scenario/runner';
import { ScenarioError } from '../scenario/types';

/** Options of {@link runEtcdctlAfterScenario}. Times in ms of simulated time. */
export interface EtcdctlCliOptions {
  seed?: number;
  /** The client that runs the command (default the scenario's first client). */
  client?: string;
  /** The server it is connected to (etcdctl --endpoints; default the one the client finds leading). */
  via?: string;
  /** How long a one-shot command may take (default 5000). */
  withinMs?: number;
  /** How long a background command (watch, keep-alive, lock, elect) runs before Ctrl-C (default 5000). */
  forMs?: number;
}

export type EtcdctlCliOutcome =
  | { kind: 'invalid'; error: string }
  | { kind: 'ran'; stdout: string; stderr: string; exit: number; scenarioFailure: string | null; traceHash: string };

/**
 * The command line the words make: one word is taken as the whole line (so a txn with its blocks
 * on the next lines can be given in one argument); several are quoted as a shell would pass them.
 */
export function commandLineOf(words: string[]): string {
  return words.length === 1 ? words[0] : quote(words);
}

/**
 * Parses and runs the scenario `text` (named `file`), then `command` as `client` on the cluster
 * it left. A bad scenario, client or server is `invalid` (the error names file, line and key).
 * A command that has not replied within `withinMs` exits as etcdctl would after its own
 * deadline; a background command is cancelled (Ctrl-C) after `forMs`.
 */
export function runEtcdctlAfterScenario(text: string, file: string, command: string, opts: EtcdctlCliOptions = {}): EtcdctlCliOutcome {
  let runner: ScenarioRunner;
  try {
    const scenario = parseScenario(text, file);
    runner = new ScenarioRunner(scenario, { seed: opts.seed, linearizable: linearizableHook, keepMessages: false });
  } catch (e) {
    return { kind: 'invalid', error: e instanceof ScenarioError ? e.message : `${file}: ${(e as Error).message}` };
  }
  runner.runToEnd();
  const failure = runner.failure ? `step ${runner.failure.index + 1} (line ${runner.failure.line}) failed: ${runner.failure.why ? formatReason(runner.failure.why) : runner.failure.message}` : null;
  const sim = runner.sim;
  const client = opts.client ?? runner.scenario.clients[0];
  if (!sim.clients.has(client)) return { kind: 'invalid', error: `unknown client "${client}" (clients are ${[...sim.clients.keys()].join(', ')})` };
  if (opts.via !== undefined && !sim.serverIds.includes(opts.via)) return { kind: 'invalid', error: `unknown server "${opts.via}" (servers are ${sim.serverIds.join(', ')})` };
  const run = sim.etcdctl(command, { client, ...(opts.via !== undefined ? { via: opts.via } : {}) });
  const limit = sim.nowMs + (opts.withinMs ?? 5000);
  while (run.state === 'waiting' && sim.runNext(limit)) { /* until the reply */ }
  if (run.state === 'background') {
    sim.runUntil(sim.nowMs + (opts.forMs ?? 5000));
    sim.etcdCancel(run);
    const end = sim.nowMs + 5000;
    while ((run.state as string) !== 'done' && sim.runNext(end)) { /* until Ctrl-C is handled */ }
  }
  const stdout = run.output.filter((l) => l.stream === 'stdout').map((l) => `${l.text}\n`).join('');
  let stderr = run.output.filter((l) => l.stream === 'stderr').map((l) => `${l.text}\n`).join('');
  let exit = run.result?.exit ?? 1;
  if (!run.result) {
    stderr += 'Error: context deadline exceeded\n';
    exit = 1;
  }
  return { kind: 'ran', stdout, stderr, exit, scenarioFailure: failure, traceHash: sim.traceHash };
}
