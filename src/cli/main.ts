/**
 * raftsim command line: `npm run raftsim -- run <file> [--seed N] [--json]`.
 * Exit codes: 0 every step and invariant holds; 1 a step or invariant failed; 2 bad scenario or usage.
 */
import { readFileSync, statSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
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

function usage(msg: string): never {
  process.stderr.write(`raftsim: ${msg}\n`);
  process.exit(2);
}

function fail2(msg: string): never {
  process.stderr.write(`raftsim: ${msg}\n`);
  process.exit(2);
}

try {
  program.parse(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exit(e.exitCode === 0 ? 0 : 2);
  }
  throw e;
}
