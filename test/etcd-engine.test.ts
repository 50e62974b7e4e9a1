/**
 * The etcd v3 API through the engine (issue 14; src/sim/etcd.ts): requests through the Raft log,
 * answered after apply; the leader's lessor on its own clock, lease promotion on a new leader,
 * keep-alives; watches delivered after apply, exactly once across a crash and reconnect, and
 * cancelled on compaction; the lessor's deletions in the linearizability history; determinism
 * (chunking, replayed clones).
 */
import { describe, expect, it } from 'vitest';
import { checkLinearizability } from '../src/check/linearizability';
import { memberIdFor } from '../src/etcdctl/members';
import { Simulation, type SimConfig } from '../src/sim/engine';
import type { EtcdRun } from '../src/sim/etcdRun';
import type { NodeId } from '../src/raft/types';

const S = ['S1', 'S2', 'S3'];

function cluster(over: Partial<SimConfig> = {}): Simulation {
  return new Simulation({
    seed: 7, servers: S, clients: ['c1', 'c2'], heartbeatMs: 50, electionTimeoutMs: [150, 300], clientTimeoutMs: 500,
    network: { latencyMs: [5, 10], dropRate: 0, duplicateRate: 0 }, ...over,
  });
}

function elect(sim: Simulation): NodeId {
  for (let t = 100; t <= 5000 && !sim.leader(); t += 100) sim.runUntil(t);
  const l = sim.leader();
  if (!l) throw new Error('no leader');
  return l.id;
}

/** Runs a command and the engine until it is done (or 5 s pass). */
function run(sim: Simulation, command: string, opts: { client?: string; via?: NodeId; as?: string } = {}): EtcdRun {
  const r = sim.etcdctl(command, { client: opts.client ?? 'c1', ...(opts.via ? { via: opts.via } : {}), ...(opts.as ? { as: opts.as } : {}) });
  const end = sim.nowMs + 5000;
  while (r.state === 'waiting' && sim.nowMs < end) if (!sim.runNext(end)) break;
  return r;
}

/** Whether `key` is present on `id` (its applied store). */
const has = (sim: Simulation, id: NodeId, key: string): boolean => key in sim.view(id).kv.kvs;

/** Runs until `cond` holds (checked after every event), or throws at `limitMs`. */
function runUntilTrue(sim: Simulation, cond: () => boolean, limitMs: number): number {
  while (!cond()) {
    if (!sim.runNext(limitMs)) throw new Error(`condition not reached by ${limitMs} ms`);
  }
  return sim.nowMs;
}

describe('etcd requests through the Raft log', () => {
  it('a put is an etcd entry in every log, applied on every server, and answered after the leader applied it (Raft paper §8)', () => {
    const sim = cluster();
    const leader = elect(sim);
    const put = run(sim, 'put foo bar');
    expect(put.result?.text).toBe('OK\n');
    for (const id of S) {
      const entries = sim.view(id).log.filter((e) => e.command.type === 'etcd');
      expect(entries.map((e) => e.command.type === 'etcd' && e.command.request.op)).toEqual(['put']);
    }
    sim.runUntil(sim.nowMs + 500);
    for (const id of S) expect(sim.view(id).kv.kvs.foo?.value).toBe('bar');
    // the reply left the leader no earlier than its apply of the entry
    const reply = [...sim.messages].find((m) => m.msg.type === 'EtcdResponse' && m.msg.body.kind === 'kv' && m.msg.body.response.op === 'put')!;
    expect(reply.msg.from).toBe(leader);
    const get = run(sim, 'get foo -w json');
    expect(JSON.parse(get.result!.stdout).kvs[0].value).toBe(Buffer.from('bar').toString('base64'));
  });

  it('a serializable get is answered by the contacted server from its applied state, a linearizable one by the leader', () => {
    const sim = cluster();
    const leader = elect(sim);
    const follower = S.find((s) => s !== leader)!;
    run(sim, 'put k v1');
    const before = sim.messages.length;
    const local = run(sim, 'get k --consistency=s', { via: follower });
    expect(local.result?.stdout).toBe('k\nv1\n');
    const sent = [...sim.messages].slice(before).filter((m) => m.msg.type === 'EtcdRequest' || m.msg.type === 'EtcdResponse');
    expect(sent.map((m) => `${m.msg.from}>${m.msg.to}`)).toEqual([`c1>${follower}`, `${follower}>c1`]);
    const lin = run(sim, 'get k', { via: follower });
    expect(lin.result?.stdout).toBe('k\nv1\n');
    // the follower said "not leader" and the request went on to the leader
    expect([...sim.messages].some((m) => m.msg.type === 'EtcdResponse' && m.msg.from === follower && m.msg.body.kind === 'notLeader')).toBe(true);
  });

  it('readIndex reads serve etcd ranges without a log entry (thesis §6.4)', () => {
    const sim = cluster({ reads: 'readIndex' });
    elect(sim);
    run(sim, 'put k v');
    const entries = () => sim.view(sim.leader()!.id).log.length;
    const n = entries();
    const get = run(sim, 'get k');
    expect(get.result?.stdout).toBe('k\nv\n');
    expect(entries()).toBe(n);
  });

  it('an unknown client or server is an error; a bad line is etcdctl\'s error output and exit status', () => {
    const sim = cluster();
    elect(sim);
    expect(() => sim.etcdctl('get x', { client: 'nobody' })).toThrow(/unknown client/);
    expect(() => sim.etcdctl('get x', { client: 'c1', via: 'S9' })).toThrow(/unknown server/);
    const bad = run(sim, 'get');
    expect(bad.state).toBe('done');
    expect(bad.result?.exit).toBe(128);
    expect(bad.result?.stderr).toMatch(/^Error: /);
  });
});

describe('leases: the leader\'s lessor (etcd lessor.go)', () => {
  it('lease grant raises the TTL to the minimum, 1.5 × the election timeout, and draws the ID from the seed', () => {
    const a = cluster({ electionTimeoutMs: [1000, 2000], heartbeatMs: 100 });
    elect(a);
    const g = run(a, 'lease grant 1');
    expect(g.result?.stdout).toMatch(/^lease [0-9a-f]{16} granted with TTL\(2s\)\n$/);
    const b = cluster({ electionTimeoutMs: [1000, 2000], heartbeatMs: 100 });
    elect(b);
    expect(run(b, 'lease grant 1').result?.stdout).toBe(g.result?.stdout);
    const c = cluster({ electionTimeoutMs: [1000, 2000], heartbeatMs: 100, seed: 8 });
    elect(c);
    expect(run(c, 'lease grant 1').result?.stdout).not.toBe(g.result?.stdout);
  });

  it('a lease expires on the leader\'s own clock: a leader whose clock runs twice as fast expires it in half the time', () => {
    const expiry = (rate: number): number => {
      // S1 leads (its election timer fires first), with the given clock rate
      const sim = cluster({ clockRate: new Map([['S1', rate]]), electionTimeoutMs: [150, 300] });
      sim.forceTimeout('S1');
      runUntilTrue(sim, () => sim.leader()?.id === 'S1', 2000);
      run(sim, 'lease grant 4', { as: 'L1' });
      const put = run(sim, 'put k v --lease=L1');
      expect(put.result?.exit).toBe(0);
      const t0 = sim.nowMs;
      runUntilTrue(sim, () => !has(sim, 'S1', 'k'), t0 + 20_000);
      return sim.nowMs - t0;
    };
    const normal = expiry(1);
    const fast = expiry(2);
    expect(normal).toBeGreaterThan(3900);
    expect(normal).toBeLessThan(4300);
    expect(fast).toBeGreaterThan(1900);
    expect(fast).toBeLessThan(2300);
  });

  it('no early expiry across a leader crash: the new leader extends every lease (lease promotion)', () => {
    const sim = cluster();
    const first = elect(sim);
    const granted = sim.nowMs;
    run(sim, 'lease grant 3', { as: 'L1' });
    run(sim, 'put svc up --lease=L1');
    // just before the lease's end the leader crashes; another takes over
    sim.runUntil(granted + 2800);
    sim.crash(first);
    runUntilTrue(sim, () => !!sim.leader() && sim.leader()!.id !== first, sim.nowMs + 5000);
    const second = sim.leader()!.id;
    const promotedAt = sim.nowMs;
    // still there past the old deadline: the new leader gave it the election timeout plus its full TTL
    sim.runUntil(granted + 3500);
    expect(has(sim, second, 'svc')).toBe(true);
    const gone = runUntilTrue(sim, () => !has(sim, second, 'svc'), promotedAt + 10_000);
    expect(gone - promotedAt).toBeGreaterThanOrEqual(3000 + 150);
    expect(gone - promotedAt).toBeLessThan(3000 + 150 + 500);
  });

  it('keep-alive renews the lease every TTL/3; after Ctrl-C it expires about one TTL later', () => {
    const sim = cluster();
    elect(sim);
    run(sim, 'lease grant 2', { as: 'L1' });
    run(sim, 'put svc up --lease=L1');
    const ka = run(sim, 'lease keep-alive L1', { as: 'K1' });
    expect(ka.state).toBe('background');
    const leader = sim.leader()!.id;
    sim.runUntil(sim.nowMs + 7000);
    expect(has(sim, leader, 'svc')).toBe(true);
    expect(ka.output.filter((l) => l.text.includes('keepalived with TTL(2)')).length).toBeGreaterThanOrEqual(10);
    sim.etcdCancel('K1');
    expect(ka.state).toBe('done');
    expect(ka.result?.exit).toBe(130);
    const cancelled = sim.nowMs;
    const gone = runUntilTrue(sim, () => !has(sim, leader, 'svc'), cancelled + 5000);
    expect(gone - cancelled).toBeLessThanOrEqual(2000 + 50);
    expect(gone - cancelled).toBeGreaterThan(2000 - 700);
  });

  it('a keep-alive loop follows the leader: after the leader crashes it renews at the new one and the lease lives on', () => {
    const sim = cluster();
    const first = elect(sim);
    run(sim, 'lease grant 2', { as: 'L1' });
    run(sim, 'put svc up --lease=L1');
    run(sim, 'lease keep-alive L1', { as: 'K1' });
    sim.runUntil(sim.nowMs + 1000);
    sim.crash(first);
    sim.runUntil(sim.nowMs + 8000);
    const second = sim.leader()!.id;
    expect(second).not.toBe(first);
    expect(has(sim, second, 'svc')).toBe(true);
    expect([...sim.messages].some((m) => m.msg.type === 'EtcdRequest' && m.msg.body.kind === 'keepAlive' && m.msg.to === second && m.sendMs > 1000)).toBe(true);
    sim.etcdCancel('K1');
    sim.runUntil(sim.nowMs + 3000);
    expect(has(sim, second, 'svc')).toBe(false);
  });

  it('timetolive and list are answered by the leader', () => {
    const sim = cluster();
    elect(sim);
    run(sim, 'lease grant 10', { as: 'L1' });
    run(sim, 'put a 1 --lease=L1');
    run(sim, 'put b 2 --lease=L1');
    const ttl = run(sim, 'lease timetolive L1 --keys', { via: S.find((s) => s !== sim.leader()!.id)! });
    expect(ttl.result?.stdout).toMatch(/granted with TTL\(10s\), remaining\((9|10)s\), attached keys\(\[a b\]\)/);
    const list = run(sim, 'lease list');
    expect(list.result?.stdout).toMatch(/^found 1 leases\n[0-9a-f]{16}\n$/);
  });
});

describe('watch (etcd watchable_store.go, clientv3 watcher)', () => {
  it('events arrive in revision order, after the watching client\'s server applies them', () => {
    const sim = cluster();
    const leader = elect(sim);
    const follower = S.find((s) => s !== leader)!;
    const w = run(sim, 'watch --prefix /config', { client: 'c2', via: follower, as: 'W1' });
    expect(w.state).toBe('background');
    run(sim, 'put /config/a 1');
    run(sim, 'put /config/b 2');
    run(sim, 'del /config/a');
    run(sim, 'put /other x');
    sim.runUntil(sim.nowMs + 500);
    expect(w.watched).toEqual(['PUT /config/a 1', 'PUT /config/b 2', 'DELETE /config/a']);
    // every watch response came from the follower
    const pushed = [...sim.messages].filter((m) => m.msg.type === 'EtcdResponse' && m.msg.to === 'c2' && m.msg.body.kind === 'watch');
    expect(new Set(pushed.map((m) => m.msg.from))).toEqual(new Set([follower]));
  });

  it('duplicated messages apply a request once and open one watcher (one session per request, thesis §6.3)', () => {
    const sim = cluster({ network: { latencyMs: [5, 10], dropRate: 0, duplicateRate: 0.5 } });
    elect(sim);
    const w = run(sim, 'watch k', { client: 'c2', as: 'W1' });
    for (let i = 1; i <= 10; i++) expect(run(sim, `put k v${i}`).result?.exit).toBe(0);
    sim.runUntil(sim.nowMs + 1000);
    expect([...sim.messages].some((m) => m.duplicateOf !== undefined && m.msg.type === 'EtcdRequest')).toBe(true);
    expect(sim.view(sim.leader()!.id).kv.revision).toBe(11);
    expect(w.watched).toEqual(Array.from({ length: 10 }, (_, i) => `PUT k v${i + 1}`));
    expect(S.reduce((n, id) => n + sim.etcdServerView(id).watchers.length, 0)).toBe(1);
  });

  it('a watch stream is ordered: events reach the watcher in revision order even when the network reorders messages', () => {
    const sim = cluster({ network: { latencyMs: [1, 80], dropRate: 0, duplicateRate: 0 } });
    elect(sim);
    const w = run(sim, 'watch --prefix p/', { client: 'c2', as: 'W1' });
    for (let i = 1; i <= 20; i++) sim.etcdctl(`put p/${i} v${i}`, { client: i % 2 ? 'c1' : 'c2' });
    sim.runUntil(sim.nowMs + 3000);
    const kvs = sim.view(sim.leader()!.id).kv.kvs;
    const byRevision = Object.values(kvs).sort((a, b) => a.modRevision - b.modRevision).map((kv) => `PUT ${kv.key} ${kv.value}`);
    expect(byRevision).toHaveLength(20);
    expect(w.watched).toEqual(byRevision);
    // the network did reorder watch responses on the way (so the check above is not vacuous)
    const pushes = [...sim.messages].filter((m) => m.msg.type === 'EtcdResponse' && m.msg.body.kind === 'watch');
    expect(pushes.some((m, i) => i > 0 && m.deliverMs < pushes[i - 1].deliverMs)).toBe(true);
  });

  it('exactly once across a crash: the watch reconnects to another server from the next revision', () => {
    const sim = cluster();
    const leader = elect(sim);
    const watched = S.find((s) => s !== leader)!;
    const w = run(sim, 'watch k', { client: 'c2', via: watched });
    const want: string[] = [];
    for (let i = 1; i <= 12; i++) {
      run(sim, `put k v${i}`);
      want.push(`PUT k v${i}`);
      if (i === 4) sim.crash(watched);
      if (i === 9) sim.restart(watched);
    }
    sim.runUntil(sim.nowMs + 3000);
    expect(w.watched).toEqual(want);
    // it really moved: some events came from another server
    const from = new Set([...sim.messages].filter((m) => m.msg.type === 'EtcdResponse' && m.msg.to === 'c2' && m.msg.body.kind === 'watch' && m.msg.body.response.events.length > 0).map((m) => m.msg.from));
    expect(from.size).toBeGreaterThan(1);
  });

  it('a watch from a compacted revision is cancelled with etcd\'s compaction error', () => {
    const sim = cluster();
    elect(sim);
    for (let i = 1; i <= 4; i++) run(sim, `put k v${i}`);
    expect(run(sim, 'compaction 4').result?.stdout).toBe('compacted revision 4\n');
    const w = run(sim, 'watch k --rev=2');
    sim.runUntil(sim.nowMs + 500);
    expect(w.state).toBe('done');
    expect(w.text).toContain('etcdserver: mvcc: required revision has been compacted');
    const past = run(sim, 'get k --rev=2');
    expect(past.result?.text).toBe('Error: etcdserver: mvcc: required revision has been compacted\n');
    const ok = run(sim, 'get k --rev=4');
    expect(ok.result?.stdout).toBe('k\nv3\n');
  });
});

describe('the linearizability history of etcd operations', () => {
  it('single-key etcd ops are in the history; a lease expiry is an operation of the lessor, so a read after it is no violation', () => {
    const sim = cluster();
    elect(sim);
    run(sim, 'lease grant 2', { as: 'L1' });
    run(sim, 'put svc up --lease=L1');
    expect(run(sim, 'get svc').result?.stdout).toBe('svc\nup\n');
    sim.runUntil(sim.nowMs + 3000);
    expect(run(sim, 'get svc').result?.stdout).toBe('');
    const h = sim.historyWithPending();
    expect(h.map((r) => `${r.client} ${r.op} ${r.key} ${r.result}`)).toEqual(['c1 put svc ok', 'c1 get svc ok', 'lessor delete svc ok', 'c1 get svc ok']);
    expect(checkLinearizability(h).result).toBe('linearizable');
    // without the lessor's operation the same reads would be a violation: the check is not vacuous
    expect(checkLinearizability(h.filter((r) => r.client !== 'lessor')).result).toBe('not-linearizable');
  });

  it('an unsafe read is reported: a serializable get from a partitioned follower returns a stale value', () => {
    const sim = cluster();
    const leader = elect(sim);
    const stale = S.find((s) => s !== leader)!;
    run(sim, 'put k old');
    sim.runUntil(sim.nowMs + 300);
    sim.isolate(stale);
    run(sim, 'put k new');
    const read = run(sim, 'get k --consistency=s', { via: stale });
    expect(read.result?.stdout).toBe('k\nold\n');
    const r = checkLinearizability(sim.historyWithPending());
    expect(r.result).toBe('not-linearizable');
    expect(r.failingKey).toBe('k');
  });

  it('the writes of any other txn are in the history (per key), so reads after them are no false violation', () => {
    const sim = cluster();
    elect(sim);
    run(sim, 'put a 1');
    const t = run(sim, 'txn\nvalue("a") = "1"\n\nput a 2\nput b 3\ndel c\n\nput a 9\n\n');
    expect(t.result?.stdout).toBe('SUCCESS\n\nOK\n\nOK\n\n0\n');
    run(sim, 'get a');
    run(sim, 'get b');
    const h = sim.history.map((r) => `${r.op} ${r.key} ${r.value ?? ''} ${r.result}`);
    expect(h).toEqual(['put a 1 ok', 'put a 2 ok', 'put b 3 ok', 'delete c  ok', 'get a 2 ok', 'get b 3 ok']);
    expect(checkLinearizability(sim.history).result).toBe('linearizable');
  });

  it('a cas-shaped txn is a cas in the history', () => {
    const sim = cluster();
    elect(sim);
    run(sim, 'put k a');
    const t = run(sim, 'txn\nvalue("k") = "a"\n\nput k b\n\n');
    expect(t.result?.stdout).toBe('SUCCESS\n\nOK\n');
    const cas = sim.history.find((r) => r.op === 'cas')!;
    expect([cas.key, cas.from, cas.to, cas.result]).toEqual(['k', 'a', 'b', 'ok']);
    expect(checkLinearizability(sim.history).result).toBe('linearizable');
  });
});

describe('member commands through the engine (Simulation.member: a ConfChange, Raft paper §6)', () => {
  it('member add of a spare as a learner, promote, remove: answered after the change is applied, listed from the applied configuration', () => {
    const sim = cluster({ servers: ['S1', 'S2', 'S3', 'S4'], spares: ['S4'] });
    elect(sim);
    const names = (r: EtcdRun) => r.result!.stdout.trim().split('\n').map((l) => l.split(', ').slice(2, 3).concat(l.split(', ')[5]).join(' '));
    expect(names(run(sim, 'member list'))).toEqual(['S3 false', 'S1 false', 'S2 false']);
    const add = run(sim, 'member add S4 --peer-urls=http://s4:2380 --learner');
    expect(add.result?.stdout).toMatch(new RegExp(`^Member ${memberIdFor('S4')} added as learner to cluster [0-9a-f]{16}\\n`));
    const leader = sim.leader()!.id;
    expect(names(run(sim, 'member list'))).toEqual(['S3 false', 'S4 true', 'S1 false', 'S2 false']);
    sim.runUntil(sim.nowMs + 1000);
    expect(run(sim, 'member promote S4').result?.stdout).toMatch(new RegExp(`^Member ${memberIdFor('S4')} promoted in cluster `));
    expect(names(run(sim, 'member list'))).toEqual(['S3 false', 'S4 false', 'S1 false', 'S2 false']);
    const victim = leader === 'S1' ? 'S2' : 'S1';
    expect(run(sim, `member remove ${victim}`).result?.exit).toBe(0);
    expect(names(run(sim, 'member list'))).not.toContain(`${victim} false`);
    expect(run(sim, 'member add S4 --peer-urls=http://s4:2380').result?.stderr).toBe('Error: etcdserver: Peer URLs already exists\n');
    expect(run(sim, `member promote S3`).result?.stderr).toBe('Error: etcdserver: can only promote a learner member\n');
  });
});

describe('a request pinned to a server (via, etcdctl --endpoints) whose leader has crashed', () => {
  // etcd: a follower forwards a request to the leader it knows; with that leader gone the request
  // waits, and once a new leader is elected (about an election timeout) it is served, well within
  // etcdctl's 5 s command timeout. The pinned client keeps talking to its endpoint, never to a dead leader.
  function crashedLeader(over: Partial<SimConfig> = {}): { sim: Simulation; old: NodeId; via: NodeId; oldTerm: number } {
    const sim = cluster(over);
    const old = elect(sim);
    const via = S.find((s) => s !== old)!;
    expect(run(sim, 'put a 1').result?.text).toBe('OK\n');
    sim.runUntil(sim.nowMs + 200); // every server applied it and knows the leader
    const oldTerm = sim.view(via).currentTerm;
    sim.crash(old);
    expect(sim.view(via).leaderId).toBe(old); // the endpoint still believes the crashed server leads
    return { sim, old, via, oldTerm };
  }

  /** The client's etcd requests and the servers' answers since message `from`, as `from>to`. */
  const etcdTraffic = (sim: Simulation, from: number) => [...sim.messages].slice(from)
    .filter((m) => m.msg.type === 'EtcdRequest' || m.msg.type === 'EtcdResponse').map((m) => `${m.msg.from}>${m.msg.to}`);

  it.each(['log', 'readIndex'] as const)('a linearizable get (reads: %s) via a follower is answered with the value once a new leader is elected, in a later term', (reads) => {
    const { sim, old, via, oldTerm } = crashedLeader({ reads });
    const before = sim.messages.length;
    const get = run(sim, 'get a -w json', { via });
    const traffic = etcdTraffic(sim, before);
    // reads: log: asked its endpoint, sent on to the leader it named (crashed: lost), then asked its
    // endpoint again; readIndex: the endpoint asks the leader for a read index itself (lost), the client asks again
    expect(traffic.slice(0, 4)).toEqual(reads === 'log'
      ? [`c1>${via}`, `${via}>c1`, `c1>${old}`, `c1>${via}`]
      : [`c1>${via}`, `c1>${via}`, `${via}>c1`]);
    expect(traffic[traffic.length - 1]).not.toBe(`${old}>c1`);
    expect(get.state).toBe('done');
    expect(get.result?.exit).toBe(0);
    const out = JSON.parse(get.result!.stdout);
    expect(Buffer.from(out.kvs[0].value, 'base64').toString()).toBe('1');
    expect(out.header.raft_term).toBeGreaterThan(oldTerm);
    expect(sim.leader()?.id).not.toBe(old);
  });

  it('a put via a follower is applied exactly once (one session per request) and answered OK', () => {
    const { sim, old, via } = crashedLeader();
    const before = sim.messages.length;
    const put = run(sim, 'put b 2', { via });
    expect(put.result?.text).toBe('OK\n');
    expect(etcdTraffic(sim, before).filter((t) => t.startsWith('c1>')).length).toBeGreaterThanOrEqual(3); // resent
    expect(etcdTraffic(sim, before)).toContain(`c1>${old}`);
    sim.runUntil(sim.nowMs + 1000);
    const leader = sim.leader()!.id;
    const kv = sim.view(leader).kv.kvs.b;
    expect(kv?.value).toBe('2');
    expect(kv?.version).toBe(1); // once, although the request was resent
    const applied = sim.view(leader).log.filter((e) => e.command.type === 'etcd' && e.command.request.op === 'put' && e.command.request.key === 'b');
    expect(applied.length).toBeGreaterThanOrEqual(1);
    expect(sim.view(leader).kv.revision).toBe(3); // put a, put b: one revision each
  });
});

describe('determinism', () => {
  const script = (sim: Simulation, step: (sim: Simulation, until: number) => void): string => {
    elect(sim);
    sim.etcdctl('lease grant 2', { client: 'c1', as: 'L1' });
    step(sim, 400);
    sim.etcdctl('put svc up --lease=L1', { client: 'c1' });
    sim.etcdctl('watch --prefix svc', { client: 'c2', via: 'S3', as: 'W1' });
    sim.etcdctl('lease keep-alive L1', { client: 'c1', as: 'K1' });
    step(sim, 2500);
    sim.crash(sim.leader()!.id);
    step(sim, 4000);
    sim.etcdCancel('K1');
    sim.etcdctl('lock mylock', { client: 'c2', as: 'LK' });
    step(sim, 9000);
    return sim.traceHash;
  };
  const oneCall = (sim: Simulation, until: number) => sim.runUntil(until);
  const chunks = (sim: Simulation, until: number) => {
    while (sim.nowMs < until) sim.runUntil(Math.min(until, sim.nowMs + 16));
  };
  const events = (sim: Simulation, until: number) => {
    while (sim.runNext(until)) { /* one event per call */ }
    sim.runUntil(until);
  };

  it('the same traceHash whether the engine advances in one call, in 16 ms frames or one event per call', () => {
    const a = script(cluster(), oneCall);
    expect(script(cluster(), chunks)).toBe(a);
    expect(script(cluster(), events)).toBe(a);
    expect(script(cluster({ seed: 8 }), oneCall)).not.toBe(a);
  });

  it('a clone of a run that used etcd is made by replay and goes on exactly as the original', () => {
    const sim = cluster();
    elect(sim);
    sim.etcdctl('lease grant 2', { client: 'c1', as: 'L1' });
    sim.runUntil(400);
    sim.etcdctl('put svc up --lease=L1', { client: 'c1' });
    const w = sim.etcdctl('watch --prefix svc', { client: 'c2', as: 'W1' });
    sim.runUntil(700);
    const map = { handles: new Map(), records: new Map(), etcdRuns: new Map<EtcdRun, EtcdRun>() };
    const copy = sim.clone(map);
    expect(copy.traceHash).toBe(sim.traceHash);
    expect(map.etcdRuns.get(w)).toBe(copy.etcdNamed('W1'));
    for (const s of [sim, copy]) {
      s.etcdctl('put svc down', { client: 'c1' });
      s.runUntil(5000);
    }
    expect(copy.traceHash).toBe(sim.traceHash);
    expect(w.watched).toEqual(['PUT svc up', 'PUT svc down']);
    expect(copy.etcdNamed('W1')!.watched).toEqual(w.watched);
    expect(copy.history).toEqual(sim.history);
  });

  it('a replayed clone maps client operations of before and after the first etcdctl command to its own', () => {
    const sim = cluster();
    elect(sim);
    const before = sim.submit('c1', { op: 'put', key: 'x', value: '1' }, { retry: true, withinMs: 5000 });
    sim.etcdctl('put y 2', { client: 'c2' });
    const after = sim.submit('c1', { op: 'get', key: 'x' }, { retry: true, withinMs: 5000 });
    const map = { handles: new Map(), records: new Map(), etcdRuns: new Map<EtcdRun, EtcdRun>() };
    const copy = sim.clone(map);
    expect(map.handles.get(before)).toBe(copy.clients.get('c1')!.current);
    expect(map.handles.get(after)).toBe(copy.clients.get('c1')!.queue[0]);
    expect(map.handles.get(before)).not.toBe(before);
    sim.runUntil(3000);
    copy.runUntil(3000);
    expect(copy.traceHash).toBe(sim.traceHash);
    expect(map.handles.get(after)!.record!.value).toBe('1');
    // a clone of the clone replays from the same base
    const again = copy.clone();
    again.runUntil(6000);
    sim.runUntil(6000);
    expect(again.traceHash).toBe(sim.traceHash);
  });

  it('the raw client is not journaled, so a simulation that handed it out refuses to be cloned', () => {
    const sim = cluster();
    elect(sim);
    sim.etcdClient('c1').kv({ op: 'put', key: 'a', value: 'b' });
    expect(() => sim.clone()).toThrow(/etcdClient\(\) was used directly/);
  });
});
