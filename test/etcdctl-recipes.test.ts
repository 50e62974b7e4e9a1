/**
 * etcd's concurrency recipes (client/v3/concurrency, client/v3/experimental/recipes) over the
 * EtcdClient interface, checked against the behaviour etcd's own tests check
 * (tests/integration/clientv3/concurrency, tests/integration/clientv3/experimental/recipes
 * v3_lock_test.go, v3_election_test.go, v3_queue_test.go, tests/e2e/ctl_v3_lock_test.go,
 * ctl_v3_elect_test.go), on the in-memory client.
 */
import { describe, expect, it } from 'vitest';
import { BackgroundCommand, CONTEXT_CANCELED, Election, MemoryEtcdServer, Mutex, Queue, Session, runEtcdctl, type LeaderView } from '../src/etcdctl';

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/** Tracks a promise's state without awaiting it. */
function track<T>(p: Promise<T>): { done: boolean; error?: unknown; value?: T } {
  const s: { done: boolean; error?: unknown; value?: T } = { done: false };
  p.then(
    (v) => Object.assign(s, { done: true, value: v }),
    (e) => Object.assign(s, { done: true, error: e }),
  );
  return s;
}

describe('Mutex (concurrency/mutex.go)', () => {
  it('TestMutexLock: one holder at a time, waiters served in the order they asked (lowest createRevision first)', async () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const ms = await Promise.all([0, 1, 2].map(async () => new Mutex(await Session.create(c, { ttl: 10 }), 'mylock')));
    await ms[0].lock();
    const w1 = track(ms[1].lock());
    await settle();
    const w2 = track(ms[2].lock());
    await settle();
    expect([w1.done, w2.done]).toEqual([false, false]);
    const owner = async () => (await c.kv({ op: 'range', key: 'mylock/', rangeEnd: 'mylock0', sortTarget: 'CREATE', sortOrder: 'ASCEND', limit: 1 })).kvs[0].key;
    expect(await owner()).toBe(ms[0].key);
    expect(ms[0].revision).toBeLessThan(ms[1].revision);
    expect(ms[1].revision).toBeLessThan(ms[2].revision);
    await ms[0].unlock();
    await settle();
    expect([w1.done, w2.done]).toEqual([true, false]);
    expect(await owner()).toBe(ms[1].key);
    await ms[1].unlock();
    await settle();
    expect(w2.done).toBe(true);
    expect(w2.error).toBeUndefined();
  });

  it('the lock key is <name>/<lease id in hex> created with a createRevision = 0 compare, on the session lease', async () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const s = await Session.create(c, { ttl: 10 });
    const m = new Mutex(s, 'mylock');
    await m.lock();
    expect(m.key).toBe(`mylock/${BigInt(`0x${s.lease}`).toString(16)}`);
    const kv = (await c.kv({ op: 'range', key: m.key })).kvs[0];
    expect(kv).toMatchObject({ value: '', lease: s.lease, createRevision: m.revision });
    // a second lock on the same session finds its key (the compare fails) and holds the lock too
    const again = new Mutex(s, 'mylock');
    await again.lock();
    expect(again.revision).toBe(m.revision);
  });

  it('no herd: each waiter watches only the key created just before its own', async () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const ms = await Promise.all([0, 1, 2, 3].map(async () => new Mutex(await Session.create(c, { ttl: 10 }), 'herd')));
    await ms[0].lock();
    const waits = [];
    for (const m of ms.slice(1)) {
      waits.push(track(m.lock()));
      await settle();
    }
    expect(ms.slice(1).map((m) => m.watched)).toEqual([[ms[0].key], [ms[1].key], [ms[2].key]]);
    await ms[0].unlock();
    await settle();
    // only the next waiter woke up; the others still watch their one predecessor
    expect(waits.map((w) => w.done)).toEqual([true, false, false]);
    expect(ms[3].watched).toEqual([ms[2].key]);
  });

  it('a waiter whose predecessor leaves (not the holder) watches the next key before it, still one at a time', async () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const ms = await Promise.all([0, 1, 2].map(async () => new Mutex(await Session.create(c, { ttl: 10 }), 'q')));
    await ms[0].lock();
    const ctl = new AbortController();
    const w1 = track(ms[1].lock(ctl.signal));
    await settle();
    const w2 = track(ms[2].lock());
    await settle();
    const k1 = ms[1].key;
    ctl.abort(); // waiter 1 gives up: its key is deleted (and the mutex forgets it, as etcd sets "\x00")
    await settle();
    expect(w1.done).toBe(true);
    expect((w1.error as Error).message).toBe(CONTEXT_CANCELED);
    expect(w2.done).toBe(false);
    expect(ms[1].key).toBe('\0');
    expect((await c.kv({ op: 'range', key: k1 })).kvs).toEqual([]);
    expect(ms[2].watched).toEqual([k1, ms[0].key]);
    await ms[0].unlock();
    await settle();
    expect(w2.done).toBe(true);
  });

  it("TestMutexSessionRelock / lease loss: when the holder's session lease expires the next waiter gets the lock", async () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const s0 = await Session.create(c, { ttl: 5 });
    const s1 = await Session.create(c, { ttl: 5 });
    const m0 = new Mutex(s0, 'svc');
    const m1 = new Mutex(s1, 'svc');
    await m0.lock();
    const w = track(m1.lock());
    await settle();
    server.advance(20_000); // both sessions kept alive: nothing changes
    await settle();
    expect(w.done).toBe(false);
    s0.orphan(); // the holder dies: no more keep-alives
    server.advance(4_000);
    await settle();
    expect(w.done).toBe(false);
    server.advance(2_000);
    await settle();
    expect(w.done).toBe(true);
    expect(w.error).toBeUndefined();
    expect((await c.kv({ op: 'range', key: m0.key })).kvs).toEqual([]);
  });
});

describe('etcdctl lock (ctl_v3_lock_test.go testLock)', () => {
  it('the holder prints its key (NAME/<lease id>) and an empty value; the next holder prints once the first is cancelled', async () => {
    const server = new MemoryEtcdServer();
    const client = server.client();
    const a = (await runEtcdctl('lock mylock', { client })) as BackgroundCommand;
    await settle();
    const b = (await runEtcdctl('lock mylock', { client })) as BackgroundCommand;
    await settle();
    const keyOf = (bg: BackgroundCommand) => (bg.created as { key: string }).key;
    expect(a.output.map((l) => l.text)).toEqual([keyOf(a), '']);
    expect(keyOf(a).startsWith('mylock/')).toBe(true);
    expect(b.output).toEqual([]);
    const endA = await a.cancel();
    expect(endA.exit).toBe(0);
    await settle();
    expect(b.output.map((l) => l.text)).toEqual([keyOf(b), '']);
    expect(keyOf(b)).not.toBe(keyOf(a));
  });

  it('Ctrl-C while still waiting: "Error: context canceled", exit status 1, and the waiting key is deleted', async () => {
    const server = new MemoryEtcdServer();
    const client = server.client();
    const a = (await runEtcdctl('lock l', { client })) as BackgroundCommand;
    await settle();
    const b = (await runEtcdctl('lock l', { client })) as BackgroundCommand;
    await settle();
    const end = await b.cancel();
    expect(end).toMatchObject({ exit: 1, stderr: 'Error: context canceled\n' });
    const keys = (await client.kv({ op: 'range', key: 'l/', rangeEnd: 'l0' })).kvs.map((kv) => kv.key);
    expect(keys).toEqual([(a.created as { key: string }).key]);
  });

  it('Ctrl-C at the moment the predecessor releases still ends the command (the cancelled Get fails as in etcdctl)', async () => {
    const server = new MemoryEtcdServer();
    const client = server.client();
    const a = (await runEtcdctl('lock l', { client })) as BackgroundCommand;
    await settle();
    const b = (await runEtcdctl('lock l', { client })) as BackgroundCommand;
    await settle();
    await a.cancel(); // b's wait ends in a microtask or two; cancel b before it runs
    const end = await b.cancel();
    expect(end).toMatchObject({ exit: 1, stderr: 'Error: context canceled\n' });
    expect(b.output.filter((l) => l.stream === 'stdout')).toEqual([]);
  });

  it("the session's lease ends: the holder exits with \"Error: session expired\"", async () => {
    const server = new MemoryEtcdServer();
    const client = server.client();
    const a = (await runEtcdctl('lock l --ttl=5', { client })) as BackgroundCommand;
    await settle();
    await client.leaseRevoke((a.created as { lease: string }).lease);
    server.advance(2000);
    await settle();
    expect(await a.done).toMatchObject({ exit: 1, stderr: 'Error: session expired\n' });
  });
});

describe('Election (concurrency/election.go)', () => {
  it('TestElectionFailover: the first campaigner wins; on resign and on lease loss the next one wins; an observer sees each leader', async () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const sessions = await Promise.all([0, 1, 2].map(() => Session.create(c, { ttl: 5 })));
    const es = sessions.map((s) => new Election(s, 'one'));
    const obsCtl = new AbortController();
    const seen: string[] = [];
    const observer = new Election(await Session.create(c, { ttl: 60 }), 'one');
    void observer.observe((v: LeaderView) => seen.push(v.kv.value), obsCtl.signal);
    const c0 = track(es[0].campaign('p0'));
    await settle();
    const c1 = track(es[1].campaign('p1'));
    await settle();
    const c2 = track(es[2].campaign('p2'));
    await settle();
    expect([c0.done, c1.done, c2.done]).toEqual([true, false, false]);
    expect((await es[0].currentLeader()).kv.value).toBe('p0');
    await es[0].resign();
    await settle();
    expect([c1.done, c2.done]).toEqual([true, false]);
    expect((await es[1].currentLeader()).kv.value).toBe('p1');
    sessions[1].orphan(); // leader 1 dies
    server.advance(6_000);
    await settle();
    expect(c2.done).toBe(true);
    expect((await es[2].currentLeader()).kv.value).toBe('p2');
    expect(seen).toEqual(['p0', 'p1', 'p2']);
    obsCtl.abort();
  });

  it('TestElectionObserve-style: proclaim changes the value without a new election, and the observer sees it', async () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const e = new Election(await Session.create(c, { ttl: 10 }), 'cfg');
    const seen: string[] = [];
    const ctl = new AbortController();
    void new Election(await Session.create(c, { ttl: 10 }), 'cfg').observe((v) => seen.push(v.kv.value), ctl.signal);
    await settle();
    await e.campaign('v1');
    await settle();
    await e.proclaim('v2');
    await settle();
    expect(seen).toEqual(['v1', 'v2']);
    const key = e.key;
    expect((await c.kv({ op: 'range', key })).kvs[0]).toMatchObject({ value: 'v2', version: 2 });
    ctl.abort();
  });

  it('proclaim after losing the leadership fails with "election: not leader"', async () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const e = new Election(await Session.create(c, { ttl: 10 }), 'x');
    await e.campaign('a');
    await c.kv({ op: 'deleteRange', key: e.key });
    await expect(e.proclaim('b')).rejects.toThrow('election: not leader');
    await expect(new Election(await Session.create(c), 'empty').currentLeader()).rejects.toThrow('election: no leader');
  });
});

describe('etcdctl elect (ctl_v3_elect_test.go testElect)', () => {
  it('the winner prints NAME/<lease id> and its proposal; elect -l prints each leader; Ctrl-C resigns', async () => {
    const server = new MemoryEtcdServer();
    const client = server.client();
    const obs = (await runEtcdctl('elect -l one', { client })) as BackgroundCommand;
    const a = (await runEtcdctl('elect one p1', { client })) as BackgroundCommand;
    await settle();
    const b = (await runEtcdctl('elect one p2', { client })) as BackgroundCommand;
    await settle();
    const keyA = (a.created as { key: string }).key;
    expect(a.output.map((l) => l.text)).toEqual([keyA, 'p1']);
    expect(b.output).toEqual([]);
    expect(obs.output.map((l) => l.text)).toEqual([keyA, 'p1']);
    expect((await a.cancel()).exit).toBe(0);
    await settle();
    const keyB = (b.created as { key: string }).key;
    expect(b.output.map((l) => l.text)).toEqual([keyB, 'p2']);
    expect(obs.output.map((l) => l.text)).toEqual([keyA, 'p1', keyB, 'p2']);
    expect((await obs.cancel()).exit).toBe(0);
  });
});

describe('Queue (experimental/recipes/queue.go)', () => {
  it('TestQueueOneReaderOneWriter: items come out in the order they went in', async () => {
    const server = new MemoryEtcdServer();
    const q = new Queue(server.client(), 'jobs');
    const keys = [];
    for (let i = 0; i < 5; i++) keys.push(await q.enqueue(`job-${i}`));
    expect(keys).toEqual([0, 1, 2, 3, 4].map((i) => `jobs/${String(i).padStart(16, '0')}`));
    const out = [];
    for (let i = 0; i < 5; i++) out.push((await q.dequeue()).value);
    expect(out).toEqual(['job-0', 'job-1', 'job-2', 'job-3', 'job-4']);
  });

  it('TestQueueManyReaderManyWriter: concurrent producers and consumers, each item taken exactly once', async () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const producers = [0, 1, 2].map((p) => (async () => {
      const q = new Queue(c, 'work');
      for (let i = 0; i < 6; i++) await q.enqueue(`p${p}-${i}`);
    })());
    const taken: string[] = [];
    const consumers = [0, 1, 2, 3].map(() => (async () => {
      const q = new Queue(c, 'work');
      for (;;) {
        const ctl = new AbortController();
        const got = track(q.dequeue(ctl.signal));
        await settle();
        if (!got.done) {
          ctl.abort();
          await settle();
          return;
        }
        taken.push((got.value as { value: string }).value);
      }
    })());
    await Promise.all(producers);
    await Promise.all(consumers);
    const expected = [0, 1, 2].flatMap((p) => [0, 1, 2, 3, 4, 5].map((i) => `p${p}-${i}`));
    expect([...taken].sort()).toEqual([...expected].sort());
    expect(new Set(taken).size).toBe(taken.length);
    expect((await c.kv({ op: 'range', key: 'work/', rangeEnd: 'work0' })).kvs).toEqual([]);
  });

  it('two consumers racing for the same item: the txn that deletes only if unchanged lets one win', async () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    await new Queue(c, 'q').enqueue('only');
    const [a, b] = await Promise.allSettled([0, 1].map(() => {
      const ctl = new AbortController();
      const p = new Queue(c, 'q').dequeue(ctl.signal);
      setImmediate(() => ctl.abort());
      return p;
    }));
    const got = [a, b].filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ value: string }>).value.value);
    expect(got).toEqual(['only']);
  });

  it('dequeue on an empty queue waits for the next enqueue', async () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const d = track(new Queue(c, 'q').dequeue());
    await settle();
    expect(d.done).toBe(false);
    await new Queue(c, 'q').enqueue('late');
    await settle();
    expect(d.done).toBe(true);
    expect((d.value as { value: string }).value).toBe('late');
  });
});
