/** Every shipped scenario passes its own expect steps, and runs are reproducible by seed. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenarioFile } from '../src/cli/run';

const dir = join(__dirname, '..', 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

function run(file: string, seed?: number) {
  const out = runScenarioFile(readFileSync(join(dir, file), 'utf8'), `scenarios/${file}`, { seed });
  if (out.kind === 'invalid') throw new Error(out.error);
  return out;
}

describe('shipped scenarios', () => {
  it('include the five of the foundation issue', () => {
    for (const f of ['basic-election.yaml', 'leader-crash.yaml', 'log-replication.yaml', 'partition-minority-leader.yaml', 'figure-7.yaml']) {
      expect(files).toContain(f);
    }
  });

  for (const f of files) {
    it(`${f} passes every step and invariant`, () => {
      const { report } = run(f);
      const failed = report.steps.find((s) => s.ok !== true);
      expect(failed?.message ?? 'all steps ok').toBe('all steps ok');
      if (report.scenario.includes('unsafe')) {
        // Unsafe demonstrations expect the checker to report violations (and say which).
        expect(report.invariants.ok).toBe(false);
      } else {
        expect(report.invariants).toEqual({ ok: true, violations: [] });
      }
      expect(report.ok).toBe(true);
      expect(report.steps.at(-1)!.kind).toBe('expect');
    });

    it(`${f} gives the same traceHash twice with the same seed, another with another seed`, () => {
      const a = run(f).report;
      const b = run(f).report;
      const c = run(f, a.seed + 1000).report;
      expect(b.traceHash).toBe(a.traceHash);
      expect(JSON.stringify(b.final)).toBe(JSON.stringify(a.final));
      expect(c.traceHash).not.toBe(a.traceHash);
    });
  }
});

describe('scenario content', () => {
  it('figure-8: the term-2 entry on a majority is not committed, and is safely overwritten', () => {
    const { report } = run('figure-8.yaml');
    expect(report.invariants.ok).toBe(true);
    for (const n of report.final.nodes.filter((x) => x.up)) expect(n.kv.x).toBe('3');
  });

  it('figure-8-unsafe: counting old-term replicas commits x=2, which is then lost (Leader Completeness, State Machine Safety)', () => {
    const { report } = run('figure-8-unsafe.yaml');
    const props = new Set(report.invariants.violations.map((v) => v.property));
    expect(props.has('Leader Completeness')).toBe(true);
    expect(props.has('State Machine Safety')).toBe(true);
    expect(report.final.nodes.find((n) => n.id === 'S5')!.kv.x).toBe('3');
    expect(report.final.nodes.find((n) => n.id === 'S2')!.kv.x).toBe('2');
  });

  it('figure-7: the elected leader brings every follower log in line with its own', () => {
    const { report } = run('figure-7.yaml');
    const leader = report.final.nodes.find((n) => n.role === 'leader')!;
    expect(leader.id).toBe('L');
    for (const n of report.final.nodes) expect(n.log.map((e) => e.term)).toEqual(leader.log.map((e) => e.term));
  });

  it('partition-minority-leader: the minority leader\'s write was never committed and is gone everywhere', () => {
    const { report } = run('partition-minority-leader.yaml');
    const lost = report.history.find((h) => h.value === 'lost')!;
    expect(lost.result).toBe('unknown');
    for (const n of report.final.nodes) {
      expect(n.log.some((e) => e.command.includes('lost'))).toBe(false);
      expect(n.kv).toEqual({ x: '1' });
    }
  });

  it('log-replication: client writes commit on all servers with etcd revisions', () => {
    const { report } = run('log-replication.yaml');
    const revisions = new Set(report.final.nodes.map((n) => n.revision));
    expect(revisions.size).toBe(1);
    expect(report.history.filter((h) => h.result === 'ok').length).toBeGreaterThanOrEqual(7);
  });
});
