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
import { LIVENESS_LEADER_MS, LIVENESS_WRITE_MS } from '../fuzz/plan';
import { UNSAFE_FLAGS } from '../scenario/schema';
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
  .option('--seed <n>', 'override the scenario seed (integer >= 0)')
  .option('--json', 'print one JSON document instead of the readable timeline')
  .action((file: string, opts: { seed?: string; json?: boolean }) => {
    let seed: number | undefined;
    if (opts.seed !== undefined) {
      if (!/^\d+$/.test(opts.seed)) usage(`--seed must be an integer >= 0, got "${opts.seed}"`);
      seed = Number(opts.seed);
    }
    let text: string;
    try {
      if (statSync(file).size > 1_000_000) fail2(`${file}: the file is larger than 1 MB; scenarios are limited to 1 MB`);
      text = readFileSync(file, 'utf8');
    } catch (e) {
      fail2(`${file}: cannot read the file: ${(e as Error).message}`);
    }
    const out = runScenarioFile(text!, file, { seed });
    if (out.kind === 'invalid') fail2(out.error);
    if (opts.json) process.stdout.write(JSON.stringify(out.report, null, 2) + '\n');
    else process.stdout.write(out.readable + '\n');
    process.exitCode = out.report.ok ? 0 : 1;
  });

program
  .command('check-history')
  .description('check a saved client history for linearizability (docs/history-format.md)')
  .argument('<file>', 'JSON: an array of history entries, or a run report with a "history" field')
  .option('--time-limit-ms <n>', 'give up (result unknown) after this much wall time', '10000')
  .option('--json', 'print the result as JSON')
  .action((file: string, opts: { timeLimitMs: string; json?: boolean }) => {
    const limit = intOption('--time-limit-ms', opts.timeLimitMs, 1);
    let history;
    try {
      if (statSync(file).size > 50_000_000) fail2(`${file}: the file is larger than 50 MB`);
      history = parseHistoryJson(readFileSync(file, 'utf8'), file);
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
  .option('--seeds <n>', 'how many seeds', '100')
  .option('--from <n>', 'first seed', '1')
  .option('--nodes <list>', 'cluster sizes to draw from', '3,5,7')
  .option('--duration-ms <n>', 'simulated length of the fault phase, ms', '30000')
  .option('--workers <n>', 'worker threads', '2')
  .option('--unsafe <list>', `unsafe switches to turn on: ${UNSAFE_FLAGS.join(', ')}`)
  .option('--out <dir>', 'where failing seeds are written as scenarios', 'fuzz-failures')
  .option('--json', 'print one JSON line per seed')
  .action(async (opts: { seeds: string; from: string; nodes: string; durationMs: string; workers: string; unsafe?: string; out: string; json?: boolean }) => {
    const seeds = intOption('--seeds', opts.seeds, 1);
    const from = intOption('--from', opts.from, 0);
    const durationMs = intOption('--duration-ms', opts.durationMs, 1);
    const workers = intOption('--workers', opts.workers, 1);
    const nodes = opts.nodes.split(',').map((x) => intOption('--nodes', x.trim(), 1));
    if (nodes.some((n) => n > 9)) usage('--nodes: at most 9 servers');
    const unsafe = opts.unsafe ? opts.unsafe.split(',').map((x) => x.trim()) : [];
    for (const u of unsafe) if (!(UNSAFE_FLAGS as readonly string[]).includes(u)) usage(`--unsafe: unknown switch "${u}" (known: ${UNSAFE_FLAGS.join(', ')})`);
    const t0 = performance.now();
    const failed: SeedResult[] = [];
    let done = 0;
    await runFuzz(from, seeds, { nodes, durationMs, unsafe }, workers, (r) => {
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

function intOption(name: string, v: string, min: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min) usage(`${name} must be an integer >= ${min}, got "${v}"`);
  return Number(v);
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
