/** `raftsim etcdctl SCENARIO -- <command>` (issue 14): output streams, exit status, background commands, bad input. */
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

const scenario = tmpFile('etcd.yaml', `title: etcdctl from the command line
seed: 5
cluster: { nodes: [S1, S2, S3] }
clients: [c1]
steps:
  - wait: { for: leader }
  - etcdctl: "put /testdir/testkey 'Hello world'"
  - etcdctl: "put /testdir/other two"
`);

describe('raftsim etcdctl', () => {
  it('runs the scenario, then the command, and prints what etcdctl prints', () => {
    const r = cli('etcdctl', scenario, '--', 'get', '--prefix', '/testdir');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('/testdir/other\ntwo\n/testdir/testkey\nHello world\n');
    expect(r.code).toBe(0);
    const table = cli('etcdctl', scenario, '--', 'member', 'list', '-w', 'table');
    expect(table.stdout.split('\n')[1]).toBe('|        ID        | STATUS  | NAME |   PEER ADDRS   |  CLIENT ADDRS  | IS LEARNER |');
    expect(table.stdout).toContain('| started |   S2 | http://s2:2380 | http://s2:2379 |      false |');
  });

  it('an error goes to standard error with etcdctl\'s exit status', () => {
    const r = cli('etcdctl', scenario, '--', 'lease', 'revoke', '1234');
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Error: failed to revoke lease (etcdserver: requested lease not found)\n');
    expect(r.code).toBe(1);
    const bad = cli('etcdctl', scenario, '--', 'get', '-w', 'table', 'k');
    expect(bad.code).toBe(4);
  });

  it('a background command runs for --for-ms of simulated time and is then cancelled (Ctrl-C: exit 130 for watch)', () => {
    const r = cli('etcdctl', scenario, '--for-ms', '200', '--', 'watch', '/testdir/testkey', '--rev=1');
    expect(r.stdout).toBe('PUT\n/testdir/testkey\nHello world\n');
    expect(r.code).toBe(130);
  });

  it('one argument is the whole line (a txn with its blocks); --via pins the endpoint', () => {
    const r = cli('etcdctl', scenario, '--', 'txn\nvalue("/testdir/other") = "two"\n\nput /testdir/other three\n\n');
    expect(r.stdout).toBe('SUCCESS\n\nOK\n');
    const s = cli('etcdctl', scenario, '--via', 'S3', '--', 'endpoint', 'status');
    expect(s.stdout).toMatch(/^http:\/\/s3:2379, [0-9a-f]{16}, 3\.6\.14, 3\.6\.0, /);
  });

  it('bad input: an unknown client or server, a missing command, a bad scenario (exit 2)', () => {
    expect(cli('etcdctl', scenario, '--client', 'c9', '--', 'get', 'k')).toEqual(expect.objectContaining({ code: 2, stderr: 'raftsim: unknown client "c9" (clients are c1)\n' }));
    expect(cli('etcdctl', scenario, '--via', 'S9', '--', 'get', 'k').stderr).toBe('raftsim: unknown server "S9" (servers are S1, S2, S3)\n');
    expect(cli('etcdctl', scenario).code).toBe(2);
    const broken = tmpFile('bad.yaml', 'title: bad\ncluster: { nodes: [S1] }\nsteps:\n  - cancel: W1\n');
    const r = cli('etcdctl', broken, '--', 'get', 'k');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:4:\d+: steps\[0\]\.cancel: no earlier etcdctl step is named "W1"/);
  });
});
