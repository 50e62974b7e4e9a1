/**
 * etcd MVCC on the store (etcd server/storage/mvcc): reads at past revisions, tombstones and
 * generations, compaction (keyIndex.compact examples, ErrCompacted / ErrFutureRev), a random
 * model check of every past revision, dumps, snapshots and O(1) clones.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { ERR_COMPACTED, ERR_FUTURE_REV } from '../src/kv/errors';
import { KvStateMachine, KvStore, STALE_REQUEST_ERROR } from '../src/kv/store';
import type { KeyValue, KvRequest, KvResponse, RangeResponse } from '../src/kv/types';
import { WatchHub } from '../src/kv/watch';

function ok<T extends KvResponse['op']>(r: KvResponse, op: T): Extract<KvResponse, { op: T }> {
  if (r.op !== op) throw new Error(`expected ${op}, got ${JSON.stringify(r)}`);
  return r as Extract<KvResponse, { op: T }>;
}
const put = (s: KvStore, key: string, value: string) => ok(s.execute({ op: 'put', key, value }), 'put');
const del = (s: KvStore, key: string, rangeEnd?: string) =>
  ok(s.execute(rangeEnd === undefined ? { op: 'deleteRange', key } : { op: 'deleteRange', key, rangeEnd }), 'deleteRange');
const at = (s: KvStore, key: string, revision: number): KeyValue[] =>
  ok(s.execute({ op: 'range', key, revision }), 'range').kvs;
/** Every key and value as of `revision`. */
const stateAt = (s: KvStore, revision: number): Record<string, string> => {
  const r = s.execute({ op: 'range', key: '\0', rangeEnd: '\0', revision }) as RangeResponse;
  return Object.fromEntries(r.kvs.map((kv) => [kv.key, kv.value]));
};

describe('etcd mvcc: every revision of every key is kept until compacted', () => {
  it('TestKVRangeRev: a range at revision N sees each key as it was at N', () => {
    const s = new KvStore();
    put(s, 'foo', 'bar'); // 2
    put(s, 'foo1', 'bar1'); // 3
    put(s, 'foo', 'bar2'); // 4
    expect(at(s, 'foo', 2)).toEqual([{ key: 'foo', value: 'bar', createRevision: 2, modRevision: 2, version: 1 }]);
    expect(at(s, 'foo', 3)).toEqual([{ key: 'foo', value: 'bar', createRevision: 2, modRevision: 2, version: 1 }]);
    expect(at(s, 'foo', 4)).toEqual([{ key: 'foo', value: 'bar2', createRevision: 2, modRevision: 4, version: 2 }]);
    expect(at(s, 'foo1', 2)).toEqual([]);
    expect(at(s, 'foo', 1)).toEqual([]);
  });

  it('a delete leaves a tombstone: the key is gone now but readable at earlier revisions; history shows it', () => {
    const s = new KvStore();
    put(s, 'k', 'a'); // 2
    put(s, 'k', 'b'); // 3
    expect(del(s, 'k').header.revision).toBe(4);
    expect(at(s, 'k', 0)).toEqual([]);
    expect(at(s, 'k', 3).map((kv) => kv.value)).toEqual(['b']);
    expect(s.history('k')).toEqual([
      { revision: 2, sub: 0, kv: { key: 'k', value: 'a', createRevision: 2, modRevision: 2, version: 1 } },
      { revision: 3, sub: 0, kv: { key: 'k', value: 'b', createRevision: 2, modRevision: 3, version: 2 } },
      { revision: 4, sub: 0, kv: null },
    ]);
    expect(s.size).toBe(0);
  });

  it('a put after a delete starts a new generation: version 1, a new createRevision; the old one is still readable', () => {
    const s = new KvStore();
    put(s, 'k', 'a'); // 2
    del(s, 'k'); // 3
    put(s, 'k', 'c'); // 4
    expect(at(s, 'k', 4)).toEqual([{ key: 'k', value: 'c', createRevision: 4, modRevision: 4, version: 1 }]);
    expect(at(s, 'k', 2)).toEqual([{ key: 'k', value: 'a', createRevision: 2, modRevision: 2, version: 1 }]);
    expect(at(s, 'k', 3)).toEqual([]);
  });

  it('changes of one txn share the revision and are ordered by sub revision', () => {
    const s = new KvStore();
    put(s, 'z', '0'); // 2
    ok(s.execute({ op: 'txn', compare: [], success: [
      { op: 'put', key: 'b', value: '1' },
      { op: 'deleteRange', key: 'z' },
      { op: 'put', key: 'a', value: '1' },
    ], failure: [] }), 'txn');
    expect(s.history('b')).toEqual([{ revision: 3, sub: 0, kv: expect.objectContaining({ key: 'b' }) }]);
    expect(s.history('z')[1]).toEqual({ revision: 3, sub: 1, kv: null });
    expect(s.history('a')).toEqual([{ revision: 3, sub: 2, kv: expect.objectContaining({ key: 'a' }) }]);
    expect(s.events(3).map((e) => `${e.type} ${e.kv.key}`)).toEqual(['PUT b', 'DELETE z', 'PUT a']);
  });
});

describe('etcd compaction (kvstore.Compact, keyIndex.compact)', () => {
  // etcd key_index.go: put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0) on "foo".
  // Our store starts at revision 1, so the same writes are revisions 2..6; 'bar' at 7 makes 7 exist.
  function fooHistory(): KvStore {
    const s = new KvStore();
    put(s, 'foo', 'v2'); // 2
    put(s, 'foo', 'v3'); // 3
    del(s, 'foo'); // 4
    put(s, 'foo', 'v5'); // 5
    del(s, 'foo'); // 6
    put(s, 'bar', 'v7'); // 7
    return s;
  }
  const revs = (s: KvStore, key: string) => s.history(key).map((v) => `${v.revision}${v.kv ? '' : 't'}`);

  it('keyIndex example: compact(2 → our 3) keeps the newest version at or below it and everything above', () => {
    const s = fooHistory();
    ok(s.execute({ op: 'compact', revision: 3 }), 'compact');
    expect(revs(s, 'foo')).toEqual(['3', '4t', '5', '6t']);
  });

  it('keyIndex example: compact(4 → our 5) drops the finished generation whose tombstone is below it', () => {
    const s = fooHistory();
    ok(s.execute({ op: 'compact', revision: 5 }), 'compact');
    expect(revs(s, 'foo')).toEqual(['5', '6t']);
  });

  it('keyIndex example: compact(5 → our 6) keeps a tombstone at exactly the compaction revision', () => {
    const s = fooHistory();
    ok(s.execute({ op: 'compact', revision: 6 }), 'compact');
    expect(revs(s, 'foo')).toEqual(['6t']);
    expect(s.events(6, 6).map((e) => `${e.type} ${e.kv.key}`)).toEqual(['DELETE foo']);
  });

  it('keyIndex example: compact(6 → our 7) removes the key whose last version is an older tombstone', () => {
    const s = fooHistory();
    ok(s.execute({ op: 'compact', revision: 7 }), 'compact');
    expect(s.history('foo')).toEqual([]);
    expect(revs(s, 'bar')).toEqual(['7']);
    expect(s.dump().keys.map((k) => k.key)).toEqual(['bar']);
  });

  it('TestKVCompactReserveLastValue: after compact(N) a read at N is unchanged, below N fails with ErrCompacted', () => {
    const s = fooHistory();
    const before = [3, 4, 5, 6, 7].map((r) => stateAt(s, r));
    ok(s.execute({ op: 'compact', revision: 5 }), 'compact');
    expect([5, 6, 7].map((r) => stateAt(s, r))).toEqual(before.slice(2));
    for (const r of [2, 3, 4]) {
      expect(s.execute({ op: 'range', key: 'foo', revision: r })).toEqual({
        op: 'error', header: { revision: 7 }, code: 'Compacted', error: 'etcdserver: mvcc: required revision has been compacted',
      });
    }
    expect(ERR_COMPACTED).toBe('etcdserver: mvcc: required revision has been compacted');
  });

  it('TestKVCompactBad: compacting at or below the compacted revision is ErrCompacted, above the current one ErrFutureRev', () => {
    const s = fooHistory(); // revision 7
    expect(s.execute({ op: 'compact', revision: 8 })).toMatchObject({ op: 'error', code: 'FutureRev', error: ERR_FUTURE_REV });
    ok(s.execute({ op: 'compact', revision: 4 }), 'compact');
    expect(s.execute({ op: 'compact', revision: 4 })).toMatchObject({ op: 'error', code: 'Compacted', error: ERR_COMPACTED });
    expect(s.execute({ op: 'compact', revision: 3 })).toMatchObject({ op: 'error', code: 'Compacted' });
    ok(s.execute({ op: 'compact', revision: 7 }), 'compact'); // the current revision may be compacted
    expect(s.compactRevision).toBe(7);
  });

  it('a compaction does not create a revision (etcd applies it as its own entry; the header is the current revision)', () => {
    const s = fooHistory();
    expect(s.execute({ op: 'compact', revision: 5 })).toEqual({ op: 'compact', header: { revision: 7 } });
    expect(s.revision).toBe(7);
    expect(put(s, 'x', '1').header.revision).toBe(8);
  });

  it('a fresh store has compactRevision -1 (etcd compactMainRev) and may be compacted at 1', () => {
    const s = new KvStore();
    expect(s.compactRevision).toBe(-1);
    expect(s.execute({ op: 'compact', revision: 1 })).toEqual({ op: 'compact', header: { revision: 1 } });
    expect(s.compactRevision).toBe(1);
  });

  it('reading events below the compacted revision is refused (watchers there must be cancelled)', () => {
    const s = fooHistory();
    ok(s.execute({ op: 'compact', revision: 5 }), 'compact');
    expect(s.oldestEventRevision).toBe(5);
    expect(() => s.events(4)).toThrow(RangeError);
    expect(s.events(5).map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}`)).toEqual(['PUT foo@5', 'DELETE foo@6', 'PUT bar@7']);
  });
});

/** A random workload of puts, deletes, prefix deletes and txns on a few keys, seeded. */
function randomRequest(rng: () => number): KvRequest {
  const key = () => `k${Math.floor(rng() * 6)}`;
  const x = rng();
  if (x < 0.5) return { op: 'put', key: key(), value: String(Math.floor(rng() * 1000)) };
  if (x < 0.7) return { op: 'deleteRange', key: key() };
  if (x < 0.8) return { op: 'deleteRange', key: 'k', rangeEnd: `k${Math.floor(rng() * 6)}` };
  const a = key();
  let b = key();
  while (b === a) b = key();
  return {
    op: 'txn',
    compare: [{ key: a, target: 'version', result: '>', value: Math.floor(rng() * 3) }],
    success: [{ op: 'put', key: a, value: 't' }, { op: 'put', key: b, value: 't' }],
    failure: [{ op: 'deleteRange', key: b }],
  };
}

describe('etcd TestKeyIndexCompactAndKeep at a tombstone revision (etcd issue #18089, fixed by PR #18274)', () => {
  // etcd issue #18089's own sequence; our store starts at revision 1 too, so the revisions match:
  // put k v2 (2), put k v3 (3), put k v4 (4), del k (5), put k v6 (6), compaction 5.
  // etcd v3.4/v3.5 before the fix dropped the tombstone at 5 (keyIndex.compact removed a
  // generation left with one revision), so `watch k --rev 5` printed only PUT v6. Since #18274
  // keyIndex.compact keeps the revision found at atRev even when it is a tombstone ("keep tombstone
  // if revision == compactAtRev"); only keyIndex.keep, used for the hash, skips it.
  function issue18089(): KvStore {
    const s = new KvStore();
    for (const v of ['v2', 'v3', 'v4']) put(s, 'k', v);
    del(s, 'k');
    put(s, 'k', 'v6');
    ok(s.execute({ op: 'compact', revision: 5 }), 'compact');
    return s;
  }

  it('the key index keeps the tombstone at 5 and the generation above it; revisions below 5 are gone', () => {
    expect(issue18089().history('k').map((v) => `${v.revision}${v.kv ? '' : 't'}`)).toEqual(['5t', '6']);
  });

  it('`get k --rev 5` and `get k --rev 5 --count-only` see no key (a tombstone is not a key); --rev 4 is compacted', () => {
    const s = issue18089();
    expect(ok(s.execute({ op: 'range', key: 'k', revision: 5 }), 'range')).toMatchObject({ kvs: [], count: 0, more: false });
    expect(ok(s.execute({ op: 'range', key: 'k', revision: 5, countOnly: true }), 'range')).toMatchObject({ count: 0 });
    expect(ok(s.execute({ op: 'range', key: '\0', rangeEnd: '\0', countOnly: true }), 'range')).toMatchObject({ count: 1 });
    expect(s.execute({ op: 'range', key: 'k', revision: 4 })).toMatchObject({ op: 'error', code: 'Compacted', error: ERR_COMPACTED });
  });

  it('`watch k --rev 5` gets the DELETE at 5, then the PUT at 6 (the fix #18274 restored); --rev 4 is cancelled', () => {
    const s = issue18089();
    const h = new WatchHub();
    h.watch(s, { key: 'k', startRevision: 5 });
    h.watch(s, { key: 'k', startRevision: 4 });
    const [at5, at4] = h.poll(s);
    expect(at5.events.map((e) => `${e.type} ${e.kv.key} ${e.kv.value}@${e.kv.modRevision}`)).toEqual(['DELETE k @5', 'PUT k v6@6']);
    expect(at4).toMatchObject({ canceled: true, compactRevision: 5, cancelReason: ERR_COMPACTED });
  });

  it('compacting again above the tombstone (6) drops it: only the newest version at or below 6 is kept', () => {
    const s = issue18089();
    ok(s.execute({ op: 'compact', revision: 6 }), 'compact');
    expect(s.history('k').map((v) => v.revision)).toEqual([6]);
  });
});

describe('MVCC model check: every past revision reads back exactly as it was', () => {
  it('600 random requests; then random compactions; reads above the compacted revision never change', () => {
    const rng = seedrandom('kv-mvcc-model');
    const s = new KvStore();
    const states = new Map<number, Record<string, string>>([[1, {}]]);
    for (let i = 0; i < 600; i++) {
      s.execute(randomRequest(rng));
      states.set(s.revision, { ...s.entries() });
    }
    expect(s.revision).toBeGreaterThan(300);
    for (const [rev, state] of states) expect(stateAt(s, rev)).toEqual(state);
    let compacted = 1;
    while (compacted < s.revision) {
      compacted = Math.min(s.revision, compacted + 1 + Math.floor(rng() * 60));
      ok(s.execute({ op: 'compact', revision: compacted }), 'compact');
      for (const [rev, state] of states) {
        if (rev >= compacted) expect(stateAt(s, rev)).toEqual(state);
        else expect(s.execute({ op: 'range', key: 'k0', revision: rev }).op).toBe('error');
      }
    }
    // everything older than the last revision is gone: at most one version per key remains
    for (const { versions } of s.dump().keys) expect(versions.length).toBe(1);
  });

  it('the events of each revision, replayed on an empty map, rebuild each revision exactly', () => {
    const rng = seedrandom('kv-mvcc-events');
    const s = new KvStore();
    const states = new Map<number, Record<string, string>>();
    for (let i = 0; i < 300; i++) {
      s.execute(randomRequest(rng));
      states.set(s.revision, { ...s.entries() });
    }
    const replay = new Map<string, string>();
    let lastRev = 1;
    for (const e of s.events(2)) {
      if (e.kv.modRevision !== lastRev) {
        if (lastRev > 1) expect(Object.fromEntries([...replay].sort())).toEqual(states.get(lastRev));
        lastRev = e.kv.modRevision;
      }
      if (e.type === 'PUT') replay.set(e.kv.key, e.kv.value);
      else replay.delete(e.kv.key);
    }
    expect(Object.fromEntries([...replay].sort())).toEqual(states.get(s.revision));
  });
});

describe('dump / restore / snapshot / clone', () => {
  function busy(seed: string, n = 300): KvStore {
    const rng = seedrandom(seed);
    const s = new KvStore();
    ok(s.execute({ op: 'leaseGrant', id: '0000000000000abc', ttl: 30 }), 'leaseGrant');
    for (let i = 0; i < n; i++) s.execute(randomRequest(rng));
    put(s, 'leased', 'x');
    ok(s.execute({ op: 'put', key: 'leased', value: 'y', lease: '0000000000000abc' }), 'put');
    return s;
  }

  it('restore(dump) behaves exactly like the original: reads at every kept revision, events, leases, the next writes', () => {
    const s = busy('kv-dump');
    ok(s.execute({ op: 'compact', revision: 150 }), 'compact');
    const d = s.dump();
    const r = KvStore.restore(JSON.parse(JSON.stringify(d)));
    expect(r.dump()).toEqual(d);
    expect(r.snapshot()).toEqual(s.snapshot());
    for (let rev = 150; rev <= s.revision; rev++) expect(stateAt(r, rev)).toEqual(stateAt(s, rev));
    expect(r.events(150, s.revision, undefined, true)).toEqual(s.events(150, s.revision, undefined, true));
    expect(r.leases()).toEqual([{ id: '0000000000000abc', ttl: 30, keys: ['leased'] }]);
    expect(r.compactRevision).toBe(150);
    const rng = seedrandom('after');
    for (let i = 0; i < 50; i++) {
      const req = randomRequest(rng);
      expect(r.execute(req)).toEqual(s.execute(req));
    }
    expect(r.execute({ op: 'leaseRevoke', id: '0000000000000abc' })).toEqual(s.execute({ op: 'leaseRevoke', id: '0000000000000abc' }));
    expect(r.dump()).toEqual(s.dump());
  });

  it('restore rejects inconsistent dumps with a RangeError naming the problem', () => {
    const d = busy('kv-dump-bad', 20).dump();
    const bad = (f: (x: typeof d) => void) => {
      const c = structuredClone(d);
      f(c);
      return () => KvStore.restore(c);
    };
    expect(bad((x) => (x.revision = 0))).toThrow(/revision 0/);
    expect(bad((x) => x.keys.reverse())).toThrow(/ascending/);
    expect(bad((x) => (x.keys[0].versions[0].revision = d.revision + 1))).toThrow(RangeError);
    expect(bad((x) => (x.leases = []))).toThrow(/unknown lease/);
    expect(bad((x) => (x.compactRevision = d.revision + 1))).toThrow(/compactRevision/);
    expect(() => KvStore.restore(d)).not.toThrow();
  });

  it('a clone is O(1) and independent in both directions, even when both append to the shared event log', () => {
    const s = busy('kv-clone', 100);
    const before = s.dump();
    const c = s.clone();
    put(c, 'only-clone', '1');
    put(s, 'only-original', '1');
    put(s, 'only-original', '2');
    put(c, 'only-clone', '2');
    expect(c.get('only-original')).toBeUndefined();
    expect(s.get('only-clone')).toBeUndefined();
    expect(c.events(before.revision + 1).map((e) => `${e.kv.key}=${e.kv.value}`)).toEqual(['only-clone=1', 'only-clone=2']);
    expect(s.events(before.revision + 1).map((e) => `${e.kv.key}=${e.kv.value}`)).toEqual(['only-original=1', 'only-original=2']);
    const c2 = c.clone();
    ok(c2.execute({ op: 'compact', revision: c2.revision }), 'compact');
    expect(c.compactRevision).toBe(-1);
    expect(stateAt(c, 50)).toEqual(stateAt(s, 50));
  });

  it('fromSnapshot (current keys only) serves reads at its revision, refuses older ones, and watches start after it', () => {
    const s = busy('kv-plain', 50);
    const r = KvStore.fromSnapshot(JSON.parse(JSON.stringify({ revision: s.revision, kvs: { a: { key: 'a', value: '1', createRevision: 2, modRevision: 2, version: 1 } } })));
    expect(stateAt(r, s.revision)).toEqual({ a: '1' });
    expect(r.execute({ op: 'range', key: 'a', revision: s.revision - 1 })).toMatchObject({ code: 'Compacted' });
    expect(r.oldestEventRevision).toBe(s.revision + 1);
    expect(() => r.events(s.revision)).toThrow(RangeError);
    put(r, 'b', '1');
    expect(r.events(s.revision + 1).map((e) => e.kv.key)).toEqual(['b']);
  });

  it('KvStateMachine.snapshot carries the full history; a snapshot without it (older format) still restores the keys', () => {
    const sm = new KvStateMachine();
    sm.applyEtcdCommand({ type: 'etcd', clientId: 'c1', seq: 1, request: { op: 'put', key: 'a', value: '1' } });
    sm.applyEtcdCommand({ type: 'etcd', clientId: 'c1', seq: 2, request: { op: 'put', key: 'a', value: '2' } });
    const snap = JSON.parse(JSON.stringify(sm.snapshot()));
    const back = KvStateMachine.fromSnapshot(snap);
    expect(stateAt(back.store, 2)).toEqual({ a: '1' });
    expect(back.snapshot()).toEqual(sm.snapshot());
    const { history: _history, ...old } = snap;
    const plain = KvStateMachine.fromSnapshot(old);
    expect(plain.store.entries()).toEqual(sm.store.entries());
    expect(plain.store.execute({ op: 'range', key: 'a', revision: 2 })).toMatchObject({ code: 'Compacted' });
  });
});

describe('KvStateMachine.applyEtcdCommand: duplicate suppression (Raft thesis §6.3) for etcd requests', () => {
  it('a retried seq returns the cached response without applying again; a lower seq is stale', () => {
    const sm = new KvStateMachine();
    const cmd = { type: 'etcd' as const, clientId: 'c1', seq: 1, request: { op: 'put' as const, key: 'a', value: '1' } };
    const first = sm.applyEtcdCommand(cmd);
    sm.applyEtcdCommand({ type: 'etcd', clientId: 'c2', seq: 1, request: { op: 'put', key: 'b', value: '1' } });
    expect(sm.applyEtcdCommand(cmd)).toEqual(first);
    expect(sm.store.revision).toBe(3);
    sm.applyEtcdCommand({ ...cmd, seq: 2, request: { op: 'put', key: 'a', value: '2' } });
    expect(sm.applyEtcdCommand({ ...cmd, seq: 1 })).toEqual({ op: 'error', header: { revision: 4 }, code: 'InvalidRequest', error: STALE_REQUEST_ERROR });
    expect(sm.store.get('a')?.value).toBe('2');
  });

  it('a command without a client (a lessor revocation) is applied every time', () => {
    const sm = new KvStateMachine();
    sm.applyEtcdCommand({ type: 'etcd', request: { op: 'leaseGrant', id: '0000000000000001', ttl: 5 } });
    expect(sm.applyEtcdCommand({ type: 'etcd', request: { op: 'leaseRevoke', id: '0000000000000001' } }).op).toBe('leaseRevoke');
    expect(sm.applyEtcdCommand({ type: 'etcd', request: { op: 'leaseRevoke', id: '0000000000000001' } })).toMatchObject({ code: 'LeaseNotFound' });
    expect(() => sm.applyEtcdCommand({ type: 'etcd', clientId: 'c1', request: { op: 'range', key: 'a' } })).toThrow(TypeError);
  });

  it('a seq reused for a different kind of command is a client bug and throws', () => {
    const sm = new KvStateMachine();
    sm.applyCommand({ type: 'kv', clientId: 'c1', seq: 1, op: { op: 'put', key: 'a', value: '1' } });
    expect(() => sm.applyEtcdCommand({ type: 'etcd', clientId: 'c1', seq: 1, request: { op: 'range', key: 'a' } })).toThrow(/reused seq/);
  });
});
