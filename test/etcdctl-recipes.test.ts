/**
 * etcd's concurrency recipes (client/v3/concurrency, client/v3/experimental/recipes) over the
 * EtcdClient interface, checked against the behaviour etcd's own tests check
 * (tests/integration/clientv3/concurrency, tests/integration/clientv3/experimental/recipes
 * v3_lock_test.go, v3_election_test.go, v3_queue_test.go, tests/e2e/ctl_v3_lock_test.go,
 * ctl_v3_elect_test.go), on the in-memory client. That client answers synchronously, so every
 * step below has happened when the call returns (`unwrap()` reads the value and fails if not);
 * races that need replies in flight are in etcdctl-sync.test.ts, on a fake engine.
 */
import { describe, expect, it } from 'vitest';
import { BackgroundCommand, CONTEXT_CANCELED, Election, MemoryEtcdServer, Mutex, Pending, Queue, Session, runEtcdctl, type EtcdClient, type LeaderView } from '../src/etcdctl';

/** Tracks a Pending's state (its continuation runs when it settles). */
function track<T>(p: Pending<T>): { done: boolean; error?: unknown; value?: T } {
  const s: { done: boolean; error?: unknown; value?: T } = { done: false };
  p.then(
    (v) => Object.assign(s, { done: true, value: v }),
    (e) => Object.assign(s, { done: true, error: e }),
  );
  return s;
}

describe('Mutex (concurrency/mutex.go)', () => {
  const sessions = (c: EtcdClient, n: number, ttl: number): Session[] => Array.from({ length: n }, () => Session.create(c, { ttl }).unwrap());
  const ownerOf = (c: EtcdClient, pfx: string): string => c.kv({ op: 'range', key: `${pfx}/`, rangeEnd: `${pfx}0`, sortTarget: 'CREATE', sortOrder: 'ASCEND', limit: 1 }).unwrap().kvs[0].key;

  it('TestMutexLock: one holder at a time, waiters served in the order they asked (lowest createRevision first)', () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const ms = sessions(c, 3, 10).map((s) => new Mutex(s, 'mylock'));
    ms[0].lock().unwrap();
    const w1 = track(ms[1].lock());
    const w2 = track(ms[2].lock());
    expect([w1.done, w2.done]).toEqual([false, false]);
    expect(ownerOf(c, 'mylock')).toBe(ms[0].key);
    expect(ms[0].revision).toBeLessThan(ms[1].revision);
    expect(ms[1].revision).toBeLessThan(ms[2].revision);
    ms[0].unlock().unwrap();
    expect([w1.done, w2.done]).toEqual([true, false]);
    expect(ownerOf(c, 'mylock')).toBe(ms[1].key);
    ms[1].unlock().unwrap();
    expect(w2.done).toBe(true);
    expect(w2.error).toBeUndefined();
  });

  it('the lock key is <name>/<lease id in hex> created with a createRevision = 0 compare, on the session lease', () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const s = Session.create(c, { ttl: 10 }).unwrap();
    const m = new Mutex(s, 'mylock');
    m.lock().unwrap();
    expect(m.key).toBe(`mylock/${BigInt(`0x${s.lease}`).toString(16)}`);
    const kv = c.kv({ op: 'range', key: m.key }).unwrap().kvs[0];
    expect(kv).toMatchObject({ value: '', lease: s.lease, createRevision: m.revision });
    // a second lock on the same session finds its key (the compare fails) and holds the lock too
    const again = new Mutex(s, 'mylock');
    again.lock().unwrap();
    expect(again.revision).toBe(m.revision);
  });

  it('no herd: each waiter watches only the key created just before its own', () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const ms = sessions(c, 4, 10).map((s) => new Mutex(s, 'herd'));
    ms[0].lock().unwrap();
    const waits = ms.slice(1).map((m) => track(m.lock()));
    expect(ms.slice(1).map((m) => m.watched)).toEqual([[ms[0].key], [ms[1].key], [ms[2].key]]);
    ms[0].unlock().unwrap();
    // only the next waiter woke up; the others still watch their one predecessor
    expect(waits.map((w) => w.done)).toEqual([true, false, false]);
    expect(ms[3].watched).toEqual([ms[2].key]);
  });

  it('a waiter whose predecessor leaves (not the holder) watches the next key before it, still one at a time', () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const ms = sessions(c, 3, 10).map((s) => new Mutex(s, 'q'));
    ms[0].lock().unwrap();
    const ctl = new AbortController();
    const w1 = track(ms[1].lock(ctl.signal));
    const w2 = track(ms[2].lock());
    const k1 = ms[1].key;
    ctl.abort(); // waiter 1 gives up: its key is deleted (and the mutex forgets it, as etcd sets "\x00")
    expect(w1.done).toBe(true);
    expect((w1.error as Error).message).toBe(CONTEXT_CANCELED);
    expect(w2.done).toBe(false);
    expect(ms[1].key).toBe('\0');
    expect(c.kv({ op: 'range', key: k1 }).unwrap().kvs).toEqual([]);
    expect(ms[2].watched).toEqual([k1, ms[0].key]);
    ms[0].unlock().unwrap();
    expect(w2.done).toBe(true);
  });

  it("TestMutexSessionRelock / lease loss: when the holder's session lease expires the next waiter gets the lock", () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const [s0, s1] = sessions(c, 2, 5);
    const m0 = new Mutex(s0, 'svc');
    const m1 = new Mutex(s1, 'svc');
    m0.lock().unwrap();
    const w = track(m1.lock());
    server.advance(20_000); // both sessions kept alive: nothing changes
    expect(w.done).toBe(false);
    s0.orphan(); // the holder dies: no more keep-alives
    server.advance(4_000);
    expect(w.done).toBe(false);
    server.advance(2_000);
    expect(w.done).toBe(true);
    expect(w.error).toBeUndefined();
    expect(c.kv({ op: 'range', key: m0.key }).unwrap().kvs).toEqual([]);
  });
});

/** Runs a background command on the in-memory client (settled before runEtcdctl returns). */
const background = (text: string, client: EtcdClient): BackgroundCommand => {
  const r = runEtcdctl(text, { client }).unwrap();
  if (!(r instanceof BackgroundCommand)) throw new Error(`${text} finished: ${r.text}`);
  return r;
};

describe('etcdctl lock (ctl_v3_lock_test.go testLock)', () => {
  it('the holder prints its key (NAME/<lease id>) and an empty value; the next holder prints once the first is cancelled', () => {
    const server = new MemoryEtcdServer();
    const client = server.client();
    const a = background('lock mylock', client);
    const b = background('lock mylock', client);
    const keyOf = (bg: BackgroundCommand) => (bg.created as { key: string }).key;
    expect(a.output.map((l) => l.text)).toEqual([keyOf(a), '']);
    expect(keyOf(a).startsWith('mylock/')).toBe(true);
    expect(b.output).toEqual([]);
    const endA = a.cancel().unwrap();
    expect(endA.exit).toBe(0);
    expect(b.output.map((l) => l.text)).toEqual([keyOf(b), '']);
    expect(keyOf(b)).not.toBe(keyOf(a));
  });

  it('Ctrl-C while still waiting: "Error: context canceled", exit status 1, and the waiting key is deleted', () => {
    const server = new MemoryEtcdServer();
    const client = server.client();
    const a = background('lock l', client);
    const b = background('lock l', client);
    const end = b.cancel().unwrap();
    expect(end).toMatchObject({ exit: 1, stderr: 'Error: context canceled\n' });
    const keys = client.kv({ op: 'range', key: 'l/', rangeEnd: 'l0' }).unwrap().kvs.map((kv) => kv.key);
    expect(keys).toEqual([(a.created as { key: string }).key]);
  });

  it("the session's lease ends: the holder exits with \"Error: session expired\"", () => {
    const server = new MemoryEtcdServer();
    const client = server.client();
    const a = background('lock l --ttl=5', client);
    client.leaseRevoke((a.created as { lease: string }).lease).unwrap();
    expect(a.running).toBe(true); // the session learns it at its next keep-alive (TTL/3 later)
    server.advance(2000);
    expect(a.done.unwrap()).toMatchObject({ exit: 1, stderr: 'Error: session expired\n' });
  });
});

describe('Election (concurrency/election.go)', () => {
  it('TestElectionFailover: the first campaigner wins; on resign and on lease loss the next one wins; an observer sees each leader', () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const sessions = [0, 1, 2].map(() => Session.create(c, { ttl: 5 }).unwrap());
    const es = sessions.map((s) => new Election(s, 'one'));
    const obsCtl = new AbortController();
    const seen: string[] = [];
    const observer = new Election(Session.create(c, { ttl: 60 }).unwrap(), 'one');
    observer.observe((v: LeaderView) => seen.push(v.kv.value), obsCtl.signal);
    const c0 = track(es[0].campaign('p0'));
    const c1 = track(es[1].campaign('p1'));
    const c2 = track(es[2].campaign('p2'));
    expect([c0.done, c1.done, c2.done]).toEqual([true, false, false]);
    expect(es[0].currentLeader().unwrap().kv.value).toBe('p0');
    es[0].resign().unwrap();
    expect([c1.done, c2.done]).toEqual([true, false]);
    expect(es[1].currentLeader().unwrap().kv.value).toBe('p1');
    sessions[1].orphan(); // leader 1 dies
    server.advance(6_000);
    expect(c2.done).toBe(true);
    expect(es[2].currentLeader().unwrap().kv.value).toBe('p2');
    expect(seen).toEqual(['p0', 'p1', 'p2']);
    obsCtl.abort();
  });

  it('TestElectionObserve-style: proclaim changes the value without a new election, and the observer sees it', () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const e = new Election(Session.create(c, { ttl: 10 }).unwrap(), 'cfg');
    const seen: string[] = [];
    const ctl = new AbortController();
    new Election(Session.create(c, { ttl: 10 }).unwrap(), 'cfg').observe((v) => seen.push(v.kv.value), ctl.signal);
    e.campaign('v1').unwrap();
    e.proclaim('v2').unwrap();
    expect(seen).toEqual(['v1', 'v2']);
    const key = e.key;
    expect(c.kv({ op: 'range', key }).unwrap().kvs[0]).toMatchObject({ value: 'v2', version: 2 });
    ctl.abort();
  });

  it('proclaim after losing the leadership fails with "election: not leader"', () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const e = new Election(Session.create(c, { ttl: 10 }).unwrap(), 'x');
    e.campaign('a').unwrap();
    c.kv({ op: 'deleteRange', key: e.key }).unwrap();
    expect(() => e.proclaim('b').unwrap()).toThrow('election: not leader');
    expect(() => new Election(Session.create(c).unwrap(), 'empty').currentLeader().unwrap()).toThrow('election: no leader');
  });
});

describe('etcdctl elect (ctl_v3_elect_test.go testElect)', () => {
  it('the winner prints NAME/<lease id> and its proposal; elect -l prints each leader; Ctrl-C resigns', () => {
    const server = new MemoryEtcdServer();
    const client = server.client();
    const obs = background('elect -l one', client);
    const a = background('elect one p1', client);
    const b = background('elect one p2', client);
    const keyA = (a.created as { key: string }).key;
    expect(a.output.map((l) => l.text)).toEqual([keyA, 'p1']);
    expect(b.output).toEqual([]);
    expect(obs.output.map((l) => l.text)).toEqual([keyA, 'p1']);
    expect(a.cancel().unwrap().exit).toBe(0);
    const keyB = (b.created as { key: string }).key;
    expect(b.output.map((l) => l.text)).toEqual([keyB, 'p2']);
    expect(obs.output.map((l) => l.text)).toEqual([keyA, 'p1', keyB, 'p2']);
    expect(obs.cancel().unwrap().exit).toBe(0);
  });
});

describe('Queue (experimental/recipes/queue.go)', () => {
  it('TestQueueOneReaderOneWriter: items come out in the order they went in', () => {
    const server = new MemoryEtcdServer();
    const q = new Queue(server.client(), 'jobs');
    const keys = [0, 1, 2, 3, 4].map((i) => q.enqueue(`job-${i}`).unwrap());
    expect(keys).toEqual([0, 1, 2, 3, 4].map((i) => `jobs/${String(i).padStart(16, '0')}`));
    const out = [0, 1, 2, 3, 4].map(() => q.dequeue().unwrap().value);
    expect(out).toEqual(['job-0', 'job-1', 'job-2', 'job-3', 'job-4']);
  });

  it('TestQueueManyReaderManyWriter: producers and waiting consumers, each item taken exactly once', () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    // four consumers wait on the empty queue; each takes one item per dequeue and asks again
    const taken: string[] = [];
    const ctls = [0, 1, 2, 3].map(() => {
      const ctl = new AbortController();
      const q = new Queue(c, 'work');
      const next = (): void => {
        q.dequeue(ctl.signal).then(
          (kv) => {
            taken.push(kv.value);
            next();
          },
          () => {},
        );
      };
      next();
      return ctl;
    });
    const producers = [0, 1, 2].map(() => new Queue(c, 'work'));
    for (let i = 0; i < 6; i++) producers.forEach((q, p) => q.enqueue(`p${p}-${i}`).unwrap());
    for (const ctl of ctls) ctl.abort();
    const expected = [0, 1, 2].flatMap((p) => [0, 1, 2, 3, 4, 5].map((i) => `p${p}-${i}`));
    expect([...taken].sort()).toEqual([...expected].sort());
    expect(new Set(taken).size).toBe(taken.length);
    expect(c.kv({ op: 'range', key: 'work/', rangeEnd: 'work0' }).unwrap().kvs).toEqual([]);
  });

  it('dequeue on an empty queue waits for the next enqueue', () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const d = track(new Queue(c, 'q').dequeue());
    expect(d.done).toBe(false);
    new Queue(c, 'q').enqueue('late').unwrap();
    expect(d.done).toBe(true);
    expect((d.value as { value: string }).value).toBe('late');
  });
});
