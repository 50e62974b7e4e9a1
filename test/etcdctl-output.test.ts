/**
 * etcdctl's output, command by command, against the exact formats of etcd v3.6's printers
 * (etcdctl/ctlv3/command/printer_simple.go, printer_json.go, printer_table.go, printer_fields.go),
 * the examples of etcdctl/README.md and the strings etcd's e2e tests expect (tests/e2e/ctl_v3_*).
 * Commands run against the in-memory client (one member named S1, whose IDs are deterministic).
 */
import { describe, expect, it } from 'vitest';
import {
  BackgroundCommand,
  MemoryEtcdServer,
  goDuration,
  goQuote,
  humanizeBytes,
  printMemberList,
  renderTable,
  runEtcdctl,
  type CommandResult,
} from '../src/etcdctl';

/** S1's member ID and the cluster ID of a one-member cluster of S1 (deterministic: members.ts). */
const S1 = 'd10a3e6eb9073069';
const CLUSTER = 'da4d07c374f43147';
const dec = (hex: string): string => BigInt(`0x${hex}`).toString(10);


function setup() {
  const server = new MemoryEtcdServer();
  const client = server.client();
  const names = new Map<string, string>();
  /** Runs a one-shot command; the in-memory client answers at once, so the result is settled when runEtcdctl returns. */
  const run = (text: string, as?: string): CommandResult => {
    const r = runEtcdctl(text, { client, names: (n) => names.get(n) }).unwrap();
    if (r instanceof BackgroundCommand) throw new Error(`${text} runs in the background`);
    if (as && r.created && 'id' in r.created) names.set(as, r.created.id);
    return r;
  };
  const start = (text: string): BackgroundCommand => {
    const r = runEtcdctl(text, { client, names: (n) => names.get(n) }).unwrap();
    if (!(r instanceof BackgroundCommand)) throw new Error(`${text} finished: ${r.stderr}`);
    return r;
  };
  const text = (bg: BackgroundCommand): string => bg.output.map((l) => `${l.text}\n`).join('');
  return { server, client, names, run, start, text };
}

describe('Go formatting that etcdctl output depends on', () => {
  it('go-humanize Bytes: SI units, one decimal below 10, round half to even', () => {
    expect(humanizeBytes(8)).toBe('8 B');
    expect(humanizeBytes(20480)).toBe('20 kB');
    expect(humanizeBytes(24576)).toBe('25 kB');
    expect(humanizeBytes(2147483648)).toBe('2.1 GB');
    expect(humanizeBytes(1500)).toBe('1.5 kB');
    expect(humanizeBytes(20500)).toBe('20 kB');
    expect(humanizeBytes(21500)).toBe('22 kB');
  });

  it('time.Duration.String as in the README health lines (2.095242ms, 903.138µs)', () => {
    expect(goDuration(2.095242)).toBe('2.095242ms');
    expect(goDuration(0.903138)).toBe('903.138µs');
    expect(goDuration(0)).toBe('0s');
    expect(goDuration(1500)).toBe('1.5s');
    expect(goDuration(90_000)).toBe('1m30s');
    expect(goDuration(3_600_000)).toBe('1h0m0s');
    expect(goDuration(0.0005)).toBe('500ns');
  });

  it("fmt's %q", () => {
    expect(goQuote('a"b\\c\n\t')).toBe('"a\\"b\\\\c\\n\\t"');
    expect(goQuote('é')).toBe('"é"');
  });
});

describe('tables as tablewriter v0.0.5 draws them for etcdctl', () => {
  it("member list -w table: the README's example rows, every cell right-aligned as v3.6 sets it (SetAlignment(ALIGN_RIGHT); the README's text predates that)", () => {
    const out = renderTable(
      ['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs'],
      [
        ['8211f1d0f64f3269', 'started', 'infra1', 'http://127.0.0.1:12380', 'http://127.0.0.1:2379'],
        ['91bc3c398fb3c146', 'started', 'infra2', 'http://127.0.0.1:22380', 'http://127.0.0.1:22379'],
        ['fd422379fda50e48', 'started', 'infra3', 'http://127.0.0.1:32380', 'http://127.0.0.1:32379'],
      ],
    );
    expect(out.join('\n')).toBe(
      [
        '+------------------+---------+--------+------------------------+------------------------+',
        '|        ID        | STATUS  |  NAME  |       PEER ADDRS       |      CLIENT ADDRS      |',
        '+------------------+---------+--------+------------------------+------------------------+',
        '| 8211f1d0f64f3269 | started | infra1 | http://127.0.0.1:12380 |  http://127.0.0.1:2379 |',
        '| 91bc3c398fb3c146 | started | infra2 | http://127.0.0.1:22380 | http://127.0.0.1:22379 |',
        '| fd422379fda50e48 | started | infra3 | http://127.0.0.1:32380 | http://127.0.0.1:32379 |',
        '+------------------+---------+--------+------------------------+------------------------+',
      ].join('\n'),
    );
  });

  it('README: endpoint status -w table (right-aligned cells, centred upper-case headers)', () => {
    const hdr = ['endpoint', 'ID', 'version', 'storage version', 'db size', 'db size in use', 'is leader', 'is learner', 'raft term', 'raft index', 'raft applied index', 'errors'];
    const row = (ep: string, id: string, leader: boolean) => [ep, id, '3.6.0-alpha.0', '3.6.0', '25 kB', '25 kB', String(leader), 'false', '2', '8', '8', ''];
    const out = renderTable(hdr, [row('http://127.0.0.1:2379', '8211f1d0f64f3269', false), row('http://127.0.0.1:22379', '91bc3c398fb3c146', true), row('http://127.0.0.1:32379', 'fd422379fda50e48', false)]);
    expect(out.join('\n')).toBe(
      [
        '+------------------------+------------------+---------------+-----------------+---------+----------------+-----------+------------+-----------+------------+--------------------+--------+',
        '|        ENDPOINT        |        ID        |    VERSION    | STORAGE VERSION | DB SIZE | DB SIZE IN USE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |',
        '+------------------------+------------------+---------------+-----------------+---------+----------------+-----------+------------+-----------+------------+--------------------+--------+',
        '|  http://127.0.0.1:2379 | 8211f1d0f64f3269 | 3.6.0-alpha.0 |           3.6.0 |   25 kB |          25 kB |     false |      false |         2 |          8 |                  8 |        |',
        '| http://127.0.0.1:22379 | 91bc3c398fb3c146 | 3.6.0-alpha.0 |           3.6.0 |   25 kB |          25 kB |      true |      false |         2 |          8 |                  8 |        |',
        '| http://127.0.0.1:32379 | fd422379fda50e48 | 3.6.0-alpha.0 |           3.6.0 |   25 kB |          25 kB |     false |      false |         2 |          8 |                  8 |        |',
        '+------------------------+------------------+---------------+-----------------+---------+----------------+-----------+------------+-----------+------------+--------------------+--------+',
      ].join('\n'),
    );
  });

  it('README: endpoint hashkv -w table (tablewriter Title turns hash_revision into HASH REVISION)', () => {
    const out = renderTable(['endpoint', 'hash', 'hash_revision'], [['http://127.0.0.1:2379', '784522900', '16'], ['http://127.0.0.1:22379', '784522900', '16']]);
    expect(out.slice(0, 4)).toEqual([
      '+------------------------+-----------+---------------+',
      '|        ENDPOINT        |   HASH    | HASH REVISION |',
      '+------------------------+-----------+---------------+',
      '|  http://127.0.0.1:2379 | 784522900 |            16 |',
    ]);
  });

  it('a cell wider than 30 columns is wrapped at spaces with minimal raggedness, the column 30 wide (tablewriter autoWrap)', () => {
    const out = renderTable(['errors'], [['raft: stopped; leader lost; member unreachable']]);
    expect(out).toEqual([
      '+--------------------------------+',
      '|             ERRORS             |',
      '+--------------------------------+',
      '|    raft: stopped; leader lost; |',
      '|             member unreachable |',
      '+--------------------------------+',
    ]);
  });
});

describe('put, get, del (printer_simple Put/Get/Del, printer_json, printer_fields)', () => {
  it('put prints OK; get prints the key line then the value line (etcd e2e ctlV3Put / ctlV3Get)', () => {
    const { run } = setup();
    expect(run('put /testdir/testkey "Hello world"')).toMatchObject({ stdout: 'OK\n', stderr: '', exit: 0 });
    expect(run('get /testdir/testkey').stdout).toBe('/testdir/testkey\nHello world\n');
    expect(run('get nothing').stdout).toBe('');
  });

  it('put --prev-kv prints OK then the previous key-value', () => {
    const { run } = setup();
    run('put foo bar');
    expect(run('put foo baz --prev-kv').stdout).toBe('OK\nfoo\nbar\n');
  });

  it('get --prefix, --sort-by/--order, --limit, --keys-only, --print-value-only, --rev (TestCtlV3Get cases)', () => {
    const { run } = setup();
    for (const [k, v] of [['key1', 'val1'], ['key2', 'val2'], ['key3', 'val3']]) run(`put ${k} ${v}`);
    expect(run('get key --prefix').stdout).toBe('key1\nval1\nkey2\nval2\nkey3\nval3\n');
    expect(run('get key --prefix --order=DESCEND --sort-by=CREATE').stdout).toBe('key3\nval3\nkey2\nval2\nkey1\nval1\n');
    expect(run('get key --prefix --limit=2').stdout).toBe('key1\nval1\nkey2\nval2\n');
    expect(run('get --keys-only key1').stdout).toBe('key1\n\n');
    expect(run('get key --prefix --print-value-only').stdout).toBe('val1\nval2\nval3\n');
    run('put key1 newer');
    expect(run('get key1 --rev=2').stdout).toBe('key1\nval1\n');
  });

  it('get -w json: header with cluster_id, member_id, revision, raft_term; base64 keys and values; zero fields left out', () => {
    const { run } = setup();
    run('put foo bar');
    expect(run('get foo -w json').stdout).toBe(
      `{"header":{"cluster_id":${dec(CLUSTER)},"member_id":${dec(S1)},"revision":2,"raft_term":2},"kvs":[{"key":"Zm9v","create_revision":2,"mod_revision":2,"version":1,"value":"YmFy"}],"count":1}\n`,
    );
    expect(run('get missing -w json').stdout).toBe(`{"header":{"cluster_id":${dec(CLUSTER)},"member_id":${dec(S1)},"revision":2,"raft_term":2}}\n`);
  });

  it('get --count-only needs -w fields ("Count" : N, as etcd e2e getCountOnlyTest expects)', () => {
    const { run } = setup();
    run('put key1 a');
    run('put key2 b');
    expect(run('get --count-only key --prefix')).toMatchObject({ stderr: 'Error: --count-only is only for `--write-out=fields`\n', exit: 128 });
    const f = run('get --count-only key --prefix --write-out=fields');
    expect(f.stdout).toBe([`"ClusterID" : ${dec(CLUSTER)}`, `"MemberID" : ${dec(S1)}`, '"Revision" : 3', '"RaftTerm" : 2', '"More" : false', '"Count" : 2', ''].join('\n'));
  });

  it('get -w fields prints every field of each key-value', () => {
    const { run } = setup();
    run('put foo bar');
    expect(run('get foo -w fields').stdout.split('\n').slice(4, 10)).toEqual(['"Key" : "foo"', '"CreateRevision" : 2', '"ModRevision" : 2', '"Version" : 1', '"Value" : "bar"', '"Lease" : 0']);
  });

  it('--hex prints keys and values as \\x escapes; print-value-only only in the simple format', () => {
    const { run } = setup();
    run('put ab c');
    expect(run('get ab --hex').stdout).toBe('\\x61\\x62\n\\x63\n');
    expect(run('get ab --print-value-only -w json')).toMatchObject({ stderr: 'Error: print-value-only is only for `--write-out=simple`\n', exit: 128 });
  });

  it('-w table has no printer for get: "table not supported as output format", exit status 4', () => {
    const { run } = setup();
    expect(run('get foo -w table')).toMatchObject({ stdout: '', stderr: 'Error: table not supported as output format\n', exit: 4 });
  });

  it('del prints the number deleted, then with --prev-kv the deleted key-values', () => {
    const { run } = setup();
    run('put /testdir/a 1');
    run('put /testdir/b 2');
    expect(run('del --prefix /testdir --prev-kv').stdout).toBe('2\n/testdir/a\n1\n/testdir/b\n2\n');
    expect(run('del nothing').stdout).toBe('0\n');
  });

  it('del KEY END prints its warning on standard error first (text interleaves the streams as written)', () => {
    const { run } = setup();
    run('put b 1');
    const r = run('del a c');
    expect(r.text).toBe(`${r.stderr}1\n`);
    expect(r).toMatchObject({
      stdout: '1\n',
      stderr: 'Warning: Keys between "a" and "c" will be deleted. Please interrupt the command within next 2 seconds to cancel. You can provide `--range` flag to avoid the delay.\n',
    });
  });

  it('del -w json', () => {
    const { run } = setup();
    run('put foo bar');
    expect(run('del foo -w json').stdout).toBe(`{"header":{"cluster_id":${dec(CLUSTER)},"member_id":${dec(S1)},"revision":3,"raft_term":2},"deleted":1}\n`);
  });

  it('server errors print as etcdctl prints them: "Error: etcdserver: …", exit status 1', () => {
    const { run } = setup();
    expect(run('put foo bar --lease=1234')).toMatchObject({ stderr: 'Error: etcdserver: requested lease not found\n', exit: 1 });
    expect(run("put '' bar")).toMatchObject({ stderr: 'Error: etcdserver: key is not provided\n', exit: 1 });
    expect(run('get foo --rev=99')).toMatchObject({ stderr: 'Error: etcdserver: mvcc: required revision is a future revision\n', exit: 1 });
  });
});

describe('txn (printer_simple Txn, printer_json Txn)', () => {
  const TXN = ['txn', 'mod("key1") > "0"', '', 'put key1 "overwrote-key1"', '', 'put key1 "created-key1"', 'put key2 "some extra key"', ''].join('\n');

  it('the README example: FAILURE the first time (key1 absent), SUCCESS the second; a blank line before each op result', () => {
    const { run } = setup();
    expect(run(TXN).stdout).toBe('FAILURE\n\nOK\n\nOK\n');
    expect(run(TXN).stdout).toBe('SUCCESS\n\nOK\n');
    expect(run('get key1').stdout).toBe('key1\noverwrote-key1\n');
  });

  it('a get in a branch prints its key-values; -w json nests each response under "Response"', () => {
    const { run } = setup();
    run('put a 1');
    expect(run('txn\nval("a") = "1"\n\nget a\nput b 2').stdout).toBe('SUCCESS\n\na\n1\n\nOK\n');
    expect(run('txn -w json\nval("a") = "1"\n\nput b 3').stdout).toBe(
      `{"header":{"cluster_id":${dec(CLUSTER)},"member_id":${dec(S1)},"revision":4,"raft_term":2},"succeeded":true,"responses":[{"Response":{"response_put":{"header":{"revision":4}}}}]}\n`,
    );
  });

  it('txn -i prints the three prompts', () => {
    const { run } = setup();
    expect(run('txn -i\n\n\n').stdout).toBe('compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\nSUCCESS\n');
  });

  it('a lease compare (the etcd API target; etcdctl v3.6 panics on it)', () => {
    const { run } = setup();
    run('lease grant 10', 'L1');
    run('put k v --lease=L1');
    expect(run('txn\nlease("k") = "L1"\n\nput ok yes\n\nput ok no').stdout).toBe('SUCCESS\n\nOK\n');
  });
});

describe('compaction', () => {
  it('prints "compacted revision N"; a read below it then fails with the compaction error', () => {
    const { run } = setup();
    run('put k 1');
    run('put k 2');
    run('put k 3');
    expect(run('compaction 3')).toMatchObject({ stdout: 'compacted revision 3\n', exit: 0 });
    expect(run('get k --rev=3').stdout).toBe('k\n2\n');
    expect(run('get k --rev=2')).toMatchObject({ stderr: 'Error: etcdserver: mvcc: required revision has been compacted\n', exit: 1 });
    expect(run('compaction 2')).toMatchObject({ stderr: 'Error: etcdserver: mvcc: required revision has been compacted\n', exit: 1 });
  });
});

describe('lease (printer_simple Grant/Revoke/KeepAlive/TimeToLive/Leases)', () => {
  it('grant: "lease <16 hex digits> granted with TTL(10s)"; the ID is what later commands take', () => {
    const { run, names } = setup();
    const r = run('lease grant 10', 'L1');
    expect(r.stdout).toMatch(/^lease [0-9a-f]{16} granted with TTL\(10s\)\n$/);
    expect(r.created).toEqual({ kind: 'lease', id: names.get('L1') });
    expect(r.stdout).toBe(`lease ${names.get('L1')} granted with TTL(10s)\n`);
  });

  it("grant raises the TTL to etcd's minimum (1.5 × the election timeout: 2 s for 1000 ms)", () => {
    const { run } = setup();
    expect(run('lease grant 1').stdout).toMatch(/granted with TTL\(2s\)/);
  });

  it('grant -w json: the header fields flattened (clientv3 embeds *ResponseHeader), ID in decimal, Error ""', () => {
    const { run, names } = setup();
    const r = run('lease grant 10 -w json', 'L1');
    expect(r.stdout).toBe(`{"cluster_id":${dec(CLUSTER)},"member_id":${dec(S1)},"revision":1,"raft_term":2,"ID":${dec(names.get('L1')!)},"TTL":10,"Error":""}\n`);
  });

  it('timetolive: granted and remaining TTL, --keys lists attached keys, a missing lease is "already expired"', () => {
    const { run, server, names } = setup();
    run('lease grant 500', 'L1');
    run('put foo1 bar --lease=L1');
    run('put foo2 bar --lease=L1');
    server.advance(19_000);
    const id = names.get('L1')!;
    expect(run('lease timetolive L1').stdout).toBe(`lease ${id} granted with TTL(500s), remaining(481s)\n`);
    expect(run('lease timetolive L1 --keys').stdout).toBe(`lease ${id} granted with TTL(500s), remaining(481s), attached keys([foo1 foo2])\n`);
    run('lease revoke L1');
    expect(run('lease timetolive L1').stdout).toBe(`lease ${id} already expired\n`);
  });

  it('revoke: "lease <id> revoked", and the keys attached to it are gone', () => {
    const { run, names } = setup();
    run('lease grant 10', 'L1');
    run('put k v --lease=L1');
    expect(run('lease revoke L1').stdout).toBe(`lease ${names.get('L1')} revoked\n`);
    expect(run('get k').stdout).toBe('');
    expect(run('lease revoke L1')).toMatchObject({ stderr: 'Error: failed to revoke lease (etcdserver: requested lease not found)\n', exit: 1 });
  });

  it('list: "found N leases" then one ID per line, soonest expiry first (lessor.Leases sorts by expiry)', () => {
    const { run, names } = setup();
    expect(run('lease list').stdout).toBe('found 0 leases\n');
    run('lease grant 20', 'LONG');
    run('lease grant 10', 'SHORT');
    expect(run('lease list').stdout).toBe(`found 2 leases\n${names.get('SHORT')}\n${names.get('LONG')}\n`);
  });

  it('keep-alive --once: "lease <id> keepalived with TTL(10)"; an unknown lease is etcd\'s lease-not-found, exit status 2', () => {
    const { run, names } = setup();
    run('lease grant 10', 'L1');
    expect(run('lease keep-alive --once L1').stdout).toBe(`lease ${names.get('L1')} keepalived with TTL(10)\n`);
    expect(run('lease keep-alive --once 1234')).toMatchObject({ stderr: 'Error: etcdserver: requested lease not found\n', exit: 2 });
  });
});

describe('lease keep-alive in the background (ctl_v3_lease_test leaseTestKeepAlive)', () => {
  it('renews every TTL/3 and prints each keepalive; the lease outlives its TTL while kept alive', () => {
    const { run, start, server, names, text } = setup();
    run('lease grant 9', 'L1');
    run('put key val --lease=L1');
    const ka = start('lease keep-alive L1');
    const id = names.get('L1')!;
    expect(text(ka)).toBe(`lease ${id} keepalived with TTL(9)\n`);
    server.advance(30_000);
    expect(ka.output.length).toBe(1 + 10); // one now, then one every 3 s
    expect(run('get key').stdout).toBe('key\nval\n');
    expect(ka.running).toBe(true);
  });

  it('Ctrl-C stops renewing (exit status 130); the lease then expires and its key disappears', () => {
    const { run, start, server } = setup();
    run('lease grant 5', 'L1');
    run('put /services/web/a 10.0.0.1 --lease=L1');
    const ka = start('lease keep-alive L1');
    server.advance(4000);
    const end = ka.cancel().unwrap();
    expect(end.exit).toBe(130);
    server.advance(4000);
    expect(run('get /services/web/a').stdout).toBe('/services/web/a\n10.0.0.1\n');
    server.advance(1000);
    expect(run('get /services/web/a').stdout).toBe('');
    expect(run('lease timetolive L1').stdout).toMatch(/already expired/);
  });

  it('when the lease is revoked the loop ends: "lease <id> expired or revoked.", exit status 0', () => {
    const { run, start, server, names } = setup();
    run('lease grant 10', 'L1');
    const ka = start('lease keep-alive L1');
    run('lease revoke L1');
    server.advance(4000);
    expect(ka.done.isSettled).toBe(true);
    const end = ka.done.unwrap();
    expect(end.exit).toBe(0);
    expect(end.stdout.split('\n').slice(-2)).toEqual([`lease ${names.get('L1')} expired or revoked.`, '']);
  });
});

describe('watch (printer_simple Watch; ctl_v3_watch_test)', () => {
  it('each event prints its type, key and value; DELETE prints the key and an empty value; events are recorded for expects', () => {
    const { run, start, text } = setup();
    const w = start('watch /config --prefix');
    run('put /config/db mysql://a');
    run('put /config/db mysql://b');
    run('del /config/db');
    expect(text(w)).toBe('PUT\n/config/db\nmysql://a\nPUT\n/config/db\nmysql://b\nDELETE\n/config/db\n\n');
    expect(w.watched).toEqual(['PUT /config/db mysql://a', 'PUT /config/db mysql://b', 'DELETE /config/db']);
    expect(w.cancel().unwrap().exit).toBe(130);
    run('put /config/db late');
    expect(w.watched).toHaveLength(3);
  });

  it('--prev-kv prints the previous key-value before the new one; --rev replays the history', () => {
    const { run, start, text } = setup();
    run('put foo bar');
    run('put foo baz');
    const w = start('watch foo --rev=2 --prev-kv');
    expect(text(w)).toBe('PUT\nfoo\nbar\nPUT\nfoo\nbar\nfoo\nbaz\n');
  });

  it('a watch from a compacted revision is cancelled: "watch was canceled (…)", then "Error: watch is canceled by the server", exit status 5', () => {
    const s = setup();
    s.run('put k 1');
    s.run('put k 2');
    s.run('compaction 3');
    const end = runEtcdctl('watch k --rev=2', { client: s.client }).unwrap();
    if (end instanceof BackgroundCommand) throw new Error('the watch should have ended');
    expect(end).toMatchObject({
      stderr: 'watch was canceled (etcdserver: mvcc: required revision has been compacted)\nError: watch is canceled by the server\n',
      exit: 5,
    });
  });

  it('watch -w json prints one WatchResponse per line', () => {
    const { run, start, text } = setup();
    const w = start('watch foo -w json');
    run('put foo bar');
    expect(text(w)).toBe(
      `{"Header":{"cluster_id":${dec(CLUSTER)},"member_id":${dec(S1)},"revision":2,"raft_term":2},"Events":[{"kv":{"key":"Zm9v","create_revision":2,"mod_revision":2,"version":1,"value":"YmFy"}}],"CompactRevision":0,"Canceled":false,"Created":false}\n`,
    );
  });
});

describe('member (printer_simple MemberAdd/MemberList, printer_table, printer_json)', () => {
  it('member list: one comma-separated line per member', () => {
    const { run } = setup();
    expect(run('member list').stdout).toBe(`${S1}, started, S1, http://s1:2380, http://s1:2379, false\n`);
  });

  it('member list -w table: etcd v3.6 columns ID, STATUS, NAME, PEER ADDRS, CLIENT ADDRS, IS LEARNER', () => {
    const { run } = setup();
    expect(run('member list -w table').stdout).toBe(
      [
        '+------------------+---------+------+----------------+----------------+------------+',
        '|        ID        | STATUS  | NAME |   PEER ADDRS   |  CLIENT ADDRS  | IS LEARNER |',
        '+------------------+---------+------+----------------+----------------+------------+',
        `| ${S1} | started |   S1 | http://s1:2380 | http://s1:2379 |      false |`,
        '+------------------+---------+------+----------------+----------------+------------+',
        '',
      ].join('\n'),
    );
  });

  it("member list -w json: the README's example line, byte for byte", () => {
    const hex = (d: string) => BigInt(d).toString(16).padStart(16, '0');
    const r = printMemberList(
      {
        header: { clusterId: hex('17237436991929493444'), memberId: hex('9372538179322589801'), revision: 0, raftTerm: 2 },
        members: [
          { id: hex('9372538179322589801'), name: 'infra1', peerUrls: ['http://127.0.0.1:12380'], clientUrls: ['http://127.0.0.1:2379'], isLearner: false },
          { id: hex('10501334649042878790'), name: 'infra2', peerUrls: ['http://127.0.0.1:22380'], clientUrls: ['http://127.0.0.1:22379'], isLearner: false },
          { id: hex('18249187646912138824'), name: 'infra3', peerUrls: ['http://127.0.0.1:32380'], clientUrls: ['http://127.0.0.1:32379'], isLearner: false },
        ],
      },
      { writeOut: 'json' },
    );
    expect(r.stdout).toEqual([
      '{"header":{"cluster_id":17237436991929493444,"member_id":9372538179322589801,"raft_term":2},"members":[{"ID":9372538179322589801,"name":"infra1","peerURLs":["http://127.0.0.1:12380"],"clientURLs":["http://127.0.0.1:2379"]},{"ID":10501334649042878790,"name":"infra2","peerURLs":["http://127.0.0.1:22380"],"clientURLs":["http://127.0.0.1:22379"]},{"ID":18249187646912138824,"name":"infra3","peerURLs":["http://127.0.0.1:32380"],"clientURLs":["http://127.0.0.1:32379"]}]}',
    ]);
  });

  it('member add: "Member <id> added to cluster <id>" and the ETCD_* lines; an unstarted member has no name', () => {
    const { run } = setup();
    const r = run('member add S4 --learner');
    const id = (r.created as { id: string }).id;
    expect(r.stdout).toBe(
      [
        `Member ${id} added as learner to cluster ${CLUSTER}`,
        '',
        'ETCD_NAME="S4"',
        'ETCD_INITIAL_CLUSTER="S4=http://s4:2380,S1=http://s1:2380"', // members ascending by ID, as etcd lists them
        'ETCD_INITIAL_ADVERTISE_PEER_URLS="http://s4:2380"',
        'ETCD_INITIAL_CLUSTER_STATE="existing"',
        '',
      ].join('\n'),
    );
    expect(run('member list').stdout).toBe(`${id}, unstarted, , http://s4:2380, , true\n${S1}, started, S1, http://s1:2380, http://s1:2379, false\n`);
    expect(id < S1).toBe(true);
    expect(run('member add S5 --peer-urls=http://s4:2380')).toMatchObject({ stderr: 'Error: etcdserver: Peer URLs already exists\n', exit: 1 });
    // the fields and table printers have no MemberAdd: the member is added, then the printer refuses
    expect(run('member add S6 -w fields')).toMatchObject({ stdout: '', stderr: 'Error: fields not supported as output format\n', exit: 4 });
  });

  it('member remove / promote: "Member <id> removed from cluster <id>"; etcd\'s errors for the others', () => {
    const { run } = setup();
    const add = run('member add S4 --learner');
    const id = (add.created as { id: string }).id;
    expect(run(`member promote ${id}`)).toMatchObject({ stderr: 'Error: etcdserver: can only promote a learner member which is in sync with leader\n', exit: 1 });
    expect(run(`member promote ${S1}`)).toMatchObject({ stderr: 'Error: etcdserver: can only promote a learner member\n' });
    expect(run(`member remove ${id}`).stdout).toBe(`Member ${id} removed from cluster ${CLUSTER}\n`);
    expect(run(`member remove ${id}`)).toMatchObject({ stderr: 'Error: etcdserver: member not found\n', exit: 1 });
  });
});

describe('endpoint (printer EndpointStatus/EndpointHealth)', () => {
  it('endpoint status: the sixteen columns of etcd v3.6 joined by ", "', () => {
    const { run } = setup();
    expect(run('endpoint status').stdout).toBe(`http://s1:2379, ${S1}, 3.6.14, 3.6.0, 20 kB, 16 kB, 20%, 2.1 GB, true, false, 2, 2, 2, , , false\n`);
  });

  it('endpoint status -w table', () => {
    const { run } = setup();
    const lines = run('endpoint status -w table').stdout.split('\n');
    expect(lines[1]).toBe(
      '|    ENDPOINT    |        ID        | VERSION | STORAGE VERSION | DB SIZE | IN USE | PERCENTAGE NOT IN USE | QUOTA  | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS | DOWNGRADE TARGET VERSION | DOWNGRADE ENABLED |',
    );
    expect(lines[3]).toBe(`| http://s1:2379 | ${S1} |  3.6.14 |           3.6.0 |   20 kB |  16 kB |                   20% | 2.1 GB |      true |      false |         2 |          2 |                  2 |        |                          |             false |`);
    expect(lines).toHaveLength(6);
  });

  it('endpoint status -w json', () => {
    const { run } = setup();
    expect(run('endpoint status -w json').stdout).toBe(
      `[{"Endpoint":"http://s1:2379","Status":{"header":{"cluster_id":${dec(CLUSTER)},"member_id":${dec(S1)},"revision":1,"raft_term":2},"version":"3.6.14","dbSize":20480,"leader":${dec(S1)},"raftIndex":2,"raftTerm":2,"raftAppliedIndex":2,"dbSizeInUse":16384,"storageVersion":"3.6.0","dbSizeQuota":2147483648,"downgradeInfo":{}}}]\n`,
    );
  });

  it('endpoint status of an endpoint that does not answer: "Failed to get the status of endpoint …", exit status 1', () => {
    const { run } = setup();
    expect(run('endpoint status --endpoints=http://s9:2379')).toMatchObject({ stdout: '', stderr: 'Failed to get the status of endpoint http://s9:2379 (context deadline exceeded)\n', exit: 1 });
  });

  it('endpoint health: "<ep> is healthy: successfully committed proposal: took = <duration>"', () => {
    const { run } = setup();
    expect(run('endpoint health')).toMatchObject({ stdout: 'http://s1:2379 is healthy: successfully committed proposal: took = 0s\n', exit: 0 });
    expect(run('endpoint health --cluster -w json').stdout).toBe('[{"endpoint":"http://s1:2379","health":true,"took":"0s"}]\n');
  });

  it('an unhealthy endpoint goes to standard error and the command ends with "Error: unhealthy cluster"', () => {
    const { run } = setup();
    expect(run('endpoint health --endpoints=http://s1:2379,http://s9:2379')).toMatchObject({
      stdout: 'http://s1:2379 is healthy: successfully committed proposal: took = 0s\n',
      stderr: 'http://s9:2379 is unhealthy: failed to commit proposal: context deadline exceeded\nError: unhealthy cluster\n',
      exit: 1,
    });
  });
});

describe('move-leader (printer_simple MoveLeader)', () => {
  it('"Leadership transferred from <leader> to <target>" (types.ID: hex); a non-member is a bad transferee', () => {
    const { run } = setup();
    expect(run(`move-leader ${S1}`).stdout).toBe(`Leadership transferred from ${S1} to ${S1}\n`);
    expect(run('move-leader 1234')).toMatchObject({ stderr: 'Error: etcdserver: bad leader transferee\n', exit: 1 });
  });
});

describe('help', () => {
  it("etcdctl's usage text: NAME, USAGE, VERSION, COMMANDS with their short help", () => {
    const { run } = setup();
    const r = run('help');
    expect(r.stdout.startsWith('NAME:\n  etcdctl - A simple command line client for etcd3.\n\nUSAGE:\n  etcdctl [flags]\n\nVERSION:\n  3.6.14\n')).toBe(true);
    expect(r.stdout).toContain('  lease grant\t\tCreates leases\n');
    expect(r.stdout).toContain('  put\t\t\tPuts the given key into the store\n');
    const l = run('lease');
    expect(l.stdout).toContain('USAGE:\n  etcdctl lease <subcommand>\n');
    expect(l.stdout).toContain('COMMANDS:\n  grant\t\tCreates leases\n  keep-alive\tKeeps leases alive (renew)\n');
  });
});
