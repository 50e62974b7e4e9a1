/**
 * raftsim command line: `npm run raftsim -- run <file> [--seed N] [--json]`.
 * Exit codes: 0 every step and invariant holds; 1 a step or invariant failed; 2 bad scenario or usage.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { parseHistoryJson } from '../check/history';
import { checkLinearizability } from '../check/linearizability';
import { runFuzz, type SeedResult } from '../fuzz/fuzz';
import {
  LIVENESS_LEADER_MS, LIVENESS_WRITE_MS, MAX_FUZZ_DURATION_MS, MAX_FUZZ_NODES, MAX_FUZZ_SEED, MAX_FUZZ_SEEDS, MAX_FUZZ_WORKERS,
} from '../fuzz/plan';
import { formatReason } from '../scenario/reasons';
import { LIMITS, UNSAFE_FLAGS } from '../scenario/schema';
import { SEED_RANGE_TEXT, seedFromText } from '../scenario/seed';
import { decodeUtf8File } from '../scenario/textFile';
import { commandLineOf, runEtcdctlAfterScenario } from './etcdctl';
import { runScenarioFile } from './run';

const program = new Command();
program
  .name('raftsim')
  .description('Deterministic Raft simulator with an etcd-style KV store')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('run')
  .description('run a scenario headless and print its timeline (or JSON with --json)')
  .argument('<file>', 'scenario YAML file')
  .option('--seed <n>', `override the scenario seed: ${SEED_RANGE_TEXT}`)
  .option('--json', 'print one JSON document instead of the readable timeline')
  .action((file: string, opts: { seed?: string; json?: boolean }) => {
    let seed: number | undefined;
    if (opts.seed !== undefined) {
      // Parsed exactly: 9007199254740993 is refused, not rounded to ...992.
      const s = seedFromText(opts.seed);
      if (s === null) usage(`--seed must be ${SEED_RANGE_TEXT}, got "${opts.seed}"`);
      seed = s;
    }
    const text = readTextFile(file, LIMITS.maxBytes, 'scenarios are limited to 1 MB');
    // With --json nothing prints the timeline: the run keeps no trace (bounded memory at the 24 h cap).
    const out = runScenarioFile(text, file, { seed, timeline: !opts.json });
    if (out.kind === 'invalid') fail2(out.error);
    if (opts.json) process.stdout.write(JSON.stringify(out.report, null, 2) + '\n');
    else process.stdout.write(out.readable + '\n');
    process.exitCode = out.report.ok ? 0 : 1;
  });

program
  .command('etcdctl')
  .description('run a scenario to its end, then one etcdctl command on its cluster (issue 14): npm run raftsim -- etcdctl <file> -- get --prefix /')
  .argument('<file>', 'scenario YAML file')
  .argument('<command...>', 'the etcdctl command and its flags, after "--"; one argument is taken as the whole line (a txn with its blocks on the next lines)')
  .option('--seed <n>', `override the scenario seed: ${SEED_RANGE_TEXT}`)
  .option('--client <name>', 'the client that runs it (default the scenario\'s first client)')
  .option('--via <server>', 'the server it is connected to (etcdctl --endpoints; default the one the client finds leading)')
  .option('--within-ms <n>', 'ms of simulated time a command may take', '5000')
  .option('--for-ms <n>', 'ms of simulated time a background command (watch, lease keep-alive, lock, elect) runs before Ctrl-C', '5000')
  .action((file: string, words: string[], opts: { seed?: string; client?: string; via?: string; withinMs: string; forMs: string }) => {
    let seed: number | undefined;
    if (opts.seed !== undefined) {
      const s = seedFromText(opts.seed);
      if (s === null) usage(`--seed must be ${SEED_RANGE_TEXT}, got "${opts.seed}"`);
      seed = s;
    }
    const withinMs = intOption('--within-ms', opts.withinMs, 1, 3_600_000);
    const forMs = intOption('--for-ms', opts.forMs, 1, 3_600_000);
    const text = readTextFile(file, LIMITS.maxBytes, 'scenarios are limited to 1 MB');
    const out = runEtcdctlAfterScenario(text, file, commandLineOf(words), { seed, client: opts.client, via: opts.via, withinMs, forMs });
    if (out.kind === 'invalid') fail2(out.error);
    if (out.scenarioFailure) process.stderr.write(`raftsim: ${file}: ${out.scenarioFailure}\n`);
    process.stdout.write(out.stdout);
    process.stderr.write(out.stderr);
    process.exitCode = out.exit;
  });

program
  .command('check-history')
  .description('check a saved client history for linearizability (docs/history-format.md)')
  .argument('<file>', 'JSON: an array of history entries, or a run report with a "history" field')
  .option('--time-limit-ms <n>', 'give up (result unknown) after this much wall time', '10000')
  .option('--json', 'print the result as JSON')
  .action((file: string, opts: { timeLimitMs: string; json?: boolean }) => {
    const limit = intOption('--time-limit-ms', opts.timeLimitMs, 1, 86_400_000);
    const text = readTextFile(file, 50_000_000, 'histories are limited to 50 MB');
    let history;
    try {
      history = parseHistoryJson(text, file);
    } catch (e) {
      fail2((e as Error).message.startsWith(file) ? (e as Error).message : `${file}: ${(e as Error).message}`);
    }
    const r = checkLinearizability(history!, { timeLimitMs: limit });
    if (opts.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else {
      process.stdout.write(`${file}: ${history!.length} operations on ${r.keys.length} keys: ${r.result}\n`);
      if (r.explanation) process.stdout.write(`  ${r.explanation}\n`);
      for (const op of r.minimalOps ?? []) process.stdout.write(`  ${JSON.stringify(op)}\n`);
    }
    process.exitCode = r.result === 'linearizable' ? 0 : 1;
  });

program
  .command('fuzz')
  .description(`swarm-fuzz the cluster: faults + concurrent clients, then heal; a leader must be elected within ${LIVENESS_LEADER_MS} ms and a write committed within ${LIVENESS_WRITE_MS} ms`)
  .option('--seeds <n>', `how many seeds, 1 to ${MAX_FUZZ_SEEDS}`, '100')
  .option('--from <n>', `first seed, 0 to ${MAX_FUZZ_SEED} (2^53 − 1); the last seed must be in that range too`, '1')
  .option('--nodes <list>', `cluster sizes to draw from, each 1 to ${MAX_FUZZ_NODES}`, '3,5,7')
  .option('--duration-ms <n>', `simulated length of the fault phase, 1 to ${MAX_FUZZ_DURATION_MS} ms (a seed that would pass the ${LIMITS.maxSteps}-step scenario limit ends it earlier and says so)`, '30000')
  .option('--workers <n>', `worker threads, 1 to ${MAX_FUZZ_WORKERS}`, '2')
  .option('--unsafe <list>', `unsafe switches to turn on: ${UNSAFE_FLAGS.join(', ')}`)
  .option('--clock-drift <mode>', 'clock rates: within (the drift bound: every read mode must stay linearizable) or beyond (lease reads with one clock far outside it, which the checker must catch)', 'within')
  .option('--out <dir>', 'where failing seeds are written as scenarios', 'fuzz-failures')
  .option('--json', 'print one JSON line per seed')
  .action(async (opts: { seeds: string; from: string; nodes: string; durationMs: string; workers: string; unsafe?: string; clockDrift: string; out: string; json?: boolean }) => {
    const seeds = intOption('--seeds', opts.seeds, 1, MAX_FUZZ_SEEDS);
    const from = intOption('--from', opts.from, 0, MAX_FUZZ_SEED);
    if (BigInt(from) + BigInt(seeds) - 1n > BigInt(MAX_FUZZ_SEED)) usage(`--from ${from} with --seeds ${seeds} would reach seed ${BigInt(from) + BigInt(seeds) - 1n}; the last seed must be at most ${MAX_FUZZ_SEED} (2^53 − 1)`);
    const durationMs = intOption('--duration-ms', opts.durationMs, 1, MAX_FUZZ_DURATION_MS);
    const workers = intOption('--workers', opts.workers, 1, MAX_FUZZ_WORKERS);
    const nodes = [...new Set(opts.nodes.split(',').map((x) => intOption('--nodes', x.trim(), 1, MAX_FUZZ_NODES)))];
    const unsafe = opts.unsafe ? opts.unsafe.split(',').map((x) => x.trim()) : [];
    for (const u of unsafe) if (!(UNSAFE_FLAGS as readonly string[]).includes(u)) usage(`--unsafe: unknown switch "${u}" (known: ${UNSAFE_FLAGS.join(', ')})`);
    if (opts.clockDrift !== 'within' && opts.clockDrift !== 'beyond') usage(`--clock-drift must be within or beyond, got "${opts.clockDrift}"`);
    const clockDrift = opts.clockDrift;
    const t0 = performance.now();
    const failed: SeedResult[] = [];
    let done = 0;
    await runFuzz(from, seeds, { nodes, durationMs, unsafe, clockDrift }, workers, (r) => {
      done++;
      if (opts.json) process.stdout.write(JSON.stringify({ seed: r.seed, ok: r.ok, failures: r.failures, linearizable: r.linearizable, traceHash: r.traceHash, events: r.events }) + '\n');
      if (!r.ok) {
        failed.push(r);
        mkdirSync(opts.out, { recursive: true });
        const path = join(opts.out, `fuzz-seed-${r.seed}.yaml`);
        writeFileSync(path, r.yaml);
        if (!opts.json) process.stdout.write(`seed ${r.seed} FAILED: ${r.failures[0]}\n  replay: npm run raftsim -- run ${path}   (traceHash ${r.traceHash})\n`);
      } else if (!opts.json && done % 100 === 0) {
        process.stdout.write(`${done}/${seeds} seeds, ${failed.length} failing\n`);
      }
    });
    const wallMs = performance.now() - t0;
    if (!opts.json) process.stdout.write(`${seeds} seeds (${from}..${from + seeds - 1}), ${failed.length} failing, ${(wallMs / 1000).toFixed(1)} s wall on ${workers} workers\n`);
    process.exitCode = failed.length ? 1 : 0;
  });

/** A whole-number option in min..max, parsed exactly (no rounding of long digit strings); exit 2 otherwise. */
function intOption(name: string, v: string, min: number, max: number): number {
  const ok = /^[0-9]{1,40}$/.test(v) && BigInt(v) >= BigInt(min) && BigInt(v) <= BigInt(max);
  if (!ok) usage(`${name} must be a whole number from ${min} to ${max}, got "${v}"`);
  return Number(v);
}

/**
 * A file's text, or exit 2 with a one-line message: unreadable, larger than `maxBytes`, or not
 * UTF-8 (a UTF-16 file is told to save as UTF-8).
 */
function readTextFile(file: string, maxBytes: number, limitNote: string): string {
  let bytes: Buffer;
  try {
    if (statSync(file).size > maxBytes) fail2(`${file}: the file is larger than ${maxBytes.toLocaleString('en-US')} bytes; ${limitNote}`);
    bytes = readFileSync(file);
  } catch (e) {
    fail2(`${file}: cannot read the file: ${(e as Error).message}`);
  }
  const decoded = decodeUtf8File(bytes!);
  if ('problem' in decoded) fail2(`${file}:${decoded.problem.line}:${decoded.problem.column}: ${formatReason(decoded.problem.why)}`);
  return decoded.text;
}

function usage(msg: string): never {
  process.stderr.write(`raftsim: ${msg}\n`);
  process.exit(2);
}

function fail2(msg: string): never {
  process.stderr.write(`raftsim: ${msg}\n`);
  process.exit(2);
}

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  process.stderr.write(`raftsim: ${(e as Error).stack ?? e}\n`);
  process.exit(2);
});
