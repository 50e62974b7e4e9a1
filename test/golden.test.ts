/**
 * Golden transcripts, in the manner of etcd raft's datadriven testdata: the readable timeline the
 * CLI prints for a scenario (`npm run raftsim -- run scenarios/x.yaml`, less the wall-clock time)
 * is kept under test/golden/<scenario>.txt and must come out byte for byte. A change in protocol
 * behaviour shows up as a line diff to review like code.
 *
 * Regenerate after an intended change:  UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { runScenarioFile } from '../src/cli/run';
import { readableReport } from '../src/scenario/report';

const root = join(__dirname, '..');
const goldenDir = join(__dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

/**
 * The scenarios whose transcripts are kept: elections, replication, faults, the paper's figures, a
 * stale read; and (issue 13) membership changes one server at a time, and a member replaced whose
 * newcomer catches up by InstallSnapshot (as etcd raft's confchange_v1 and
 * slow_follower_after_compaction / snapshot_succeed_via_app_resp testdata).
 */
const SCENARIOS = [
  'basic-election', 'leader-crash', 'log-replication', 'figure-7', 'figure-8', 'figure-8-unsafe',
  'partition-minority-leader', 'stale-read', 'client-retry-dedup', 'lossy-network',
  'add-members-one-by-one', 'replace-failed-member',
];

/** The transcript of one scenario: its readable timeline and summary, without the wall clock. */
function transcript(name: string): string {
  const file = `scenarios/${name}.yaml`;
  const out = runScenarioFile(readFileSync(join(root, file), 'utf8'), file);
  if (out.kind === 'invalid') throw new Error(out.error);
  return readableReport(out.runner, out.report, { wallClock: false }) + '\n';
}

describe('golden transcripts (test/golden/*.txt; UPDATE_GOLDEN=1 regenerates)', () => {
  for (const name of SCENARIOS) {
    it(`${name}: the readable timeline is unchanged`, () => {
      const path = join(goldenDir, `${name}.txt`);
      const actual = transcript(name);
      if (update || !existsSync(path)) {
        if (!update) throw new Error(`${path} is missing: run UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts`);
        writeFileSync(path, actual);
        return;
      }
      const golden = readFileSync(path, 'utf8');
      if (actual !== golden) {
        const patch = createTwoFilesPatch(`test/golden/${name}.txt`, `${name} (this run)`, golden, actual, '', '', { context: 2 });
        throw new Error(`transcript of scenarios/${name}.yaml differs from its golden file; review the diff, then regenerate with UPDATE_GOLDEN=1 if intended:\n${patch}`);
      }
      expect(actual).toBe(golden);
    });
  }

  it('every golden file belongs to a listed scenario (no stale transcripts)', () => {
    const files = readdirSync(goldenDir).filter((f) => f.endsWith('.txt')).map((f) => f.replace(/\.txt$/, '')).sort();
    expect(files).toEqual([...SCENARIOS].sort());
  });

  it('the transcript leaves out only the wall clock: it is the CLI output otherwise', () => {
    const file = 'scenarios/basic-election.yaml';
    const out = runScenarioFile(readFileSync(join(root, file), 'utf8'), file);
    if (out.kind === 'invalid') throw new Error(out.error);
    expect(out.readable).toMatch(/ elections; \d+ ms wall\n/);
    expect(out.readable.replace(/; \d+ ms wall\n/, '\n')).toBe(readableReport(out.runner, out.report, { wallClock: false }));
  });
});
