/** The command line: exit codes, the JSON document and readable output. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
function cli(...args: string[]) {
  const r = spawnSync(tsx, [join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function tmpFile(name: string, text: string): string {
  const d = mkdtempSync(join(tmpdir(), 'raftsim-'));
  const p = join(d, name);
  writeFileSync(p, text);
  return p;
}

describe('raftsim run', () => {
  it('--json prints one document with the documented fields and exits 0 when every step holds', () => {
    const r = cli('run', 'scenarios/leader-crash.yaml', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['scenario', 'seed', 'ok', 'steps', 'invariants', 'final', 'history', 'stats', 'traceHash']));
    expect(doc.ok).toBe(true);
    expect(doc.seed).toBe(42);
    expect(doc.steps[0]).toEqual(expect.objectContaining({ index: 0, line: expect.any(Number), kind: 'say', ok: true, atMs: 0 }));
    expect(doc.final.nodes[0]).toEqual(expect.objectContaining({ id: 'S1', up: true, role: expect.any(String), term: expect.any(Number), commitIndex: expect.any(Number), lastApplied: expect.any(Number), revision: expect.any(Number) }));
    expect(doc.final.nodes[0].log[0]).toEqual({ index: 1, term: expect.any(Number), command: 'noop' });
    expect(doc.history[0]).toEqual(expect.objectContaining({ client: 'c1', op: 'put', key: 'x', value: '1', result: 'ok', invokeMs: expect.any(Number), invokeOrder: expect.any(Number), returnMs: expect.any(Number), returnOrder: expect.any(Number) }));
    expect(doc.stats).toEqual(expect.objectContaining({ events: expect.any(Number), messagesSent: expect.any(Number), messagesDelivered: expect.any(Number), messagesDropped: expect.any(Number), electionsStarted: expect.any(Number), wallMs: expect.any(Number) }));
    expect(doc.traceHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('--seed overrides the scenario seed and changes the trace', () => {
    const a = JSON.parse(cli('run', 'scenarios/basic-election.yaml', '--json').stdout);
    const b = JSON.parse(cli('run', 'scenarios/basic-election.yaml', '--json', '--seed', '99').stdout);
    expect(b.seed).toBe(99);
    expect(b.traceHash).not.toBe(a.traceHash);
  });

  it('prints a readable timeline with elections, votes, client operations, captions and a summary', () => {
    const r = cli('run', 'scenarios/leader-crash.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/starts an election for term 1/);
    expect(r.stdout).toMatch(/votes for S\d in term 1/);
    expect(r.stdout).toMatch(/wins term 1/);
    expect(r.stdout).toMatch(/⚡ crash S\d/);
    expect(r.stdout).toMatch(/c1 ← put x="1": ok/);
    expect(r.stdout).toMatch(/“Wait for a first leader\.”/);
    expect(r.stdout).toMatch(/traceHash [0-9a-f]{16}/);
    expect(r.stdout.trim().endsWith('PASS')).toBe(true);
  });

  it('exits 1 and names the failing step, its line and why', () => {
    const p = tmpFile('fails.yaml', 'title: Fails\nsteps:\n  - wait: { for: leader, withinMs: 2000 }\n  - expect:\n      leader: none\n');
    const r = cli('run', p, '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.steps[1]).toMatchObject({ index: 1, line: 4, kind: 'expect', ok: false });
    expect(doc.steps[1].message).toMatch(/expected no leader, but S\d leads term \d/);
    const text = cli('run', p);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/step 2 \(line 4, expect\) failed/);
  });

  it('exits 2 for a bad scenario, naming file, line and key', () => {
    const p = tmpFile('bad.yaml', 'title: Bad\nsteps:\n  - crash: S9\n');
    const r = cli('run', p);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.yaml:3:');
    expect(r.stderr).toContain('steps[0].crash');
    expect(r.stderr).toMatch(/S9/);
  });

  it('exits 2 for usage errors and missing files', () => {
    expect(cli('run').code).toBe(2);
    expect(cli('frobnicate').code).toBe(2);
    expect(cli('run', 'scenarios/basic-election.yaml', '--seed', 'abc').code).toBe(2);
    const missing = cli('run', 'no/such/file.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no/such/file.yaml');
  });
});

