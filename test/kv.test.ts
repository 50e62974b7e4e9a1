import { describe, expect, it } from 'vitest';
import { DUPLICATE_KEY_ERROR, EMPTY_KEY_ERROR, KvStateMachine, KvStore, STALE_REQUEST_ERROR } from '../src/kv/store';
import type { KvCompare, KvOp, KvResult, KvTxnOp } from '../src/kv/types';

const put = (key: string, value: string): Extract<KvOp, { op: 'put' }> => ({ op: 'put', key, value });
const get = (key: string, prefix?: boolean): Extract<KvOp, { op: 'get' }> =>
  prefix === undefined ? { op: 'get', key } : { op: 'get', key, prefix };
const del = (key: string, prefix?: boolean): Extract<KvOp, { op: 'delete' }> =>
  prefix === undefined ? { op: 'delete', key } : { op: 'delete', key, prefix };
const txn = (compare: KvCompare[], success: KvTxnOp[], failure: KvTxnOp[] = []): KvOp => ({
  op: 'txn',
  compare,
  success,
  failure,
});

/** Narrows a result to one variant, failing the test if it is another. */
function as<K extends KvResult['op']>(r: KvResult | null, op: K): Extract<KvResult, { op: K }> {
  expect(r?.op).toBe(op);
  return r as Extract<KvResult, { op: K }>;
}

describe('KvStore revision arithmetic (etcd mvcc)', () => {
  it('a new store is at etcd initial revision 1 with no keys', () => {
    const s = new KvStore();
    expect(s.revision).toBe(1);
    expect(s.size).toBe(0);
    expect(s.entries()).toEqual({});
    expect(as(s.apply(get('a')), 'get')).toEqual({ op: 'get', revision: 1, kvs: [] });
  });

  it('repeated puts to one key: version counts puts, createRevision fixed, modRevision = new revision', () => {
    const s = new KvStore();
    const r1 = as(s.apply(put('k', 'v1')), 'put');
    expect(r1).toEqual({ op: 'put', revision: 2 });
    expect(s.get('k')).toEqual({ key: 'k', value: 'v1', createRevision: 2, modRevision: 2, version: 1 });

    const r2 = as(s.apply(put('k', 'v2')), 'put');
    expect(r2.revision).toBe(3);
    expect(r2.prevKv).toEqual({ key: 'k', value: 'v1', createRevision: 2, modRevision: 2, version: 1 });
    expect(s.get('k')).toEqual({ key: 'k', value: 'v2', createRevision: 2, modRevision: 3, version: 2 });

    const r3 = as(s.apply(put('k', 'v3')), 'put');
    expect(r3.revision).toBe(4);
    expect(r3.prevKv?.version).toBe(2);
    expect(s.get('k')).toEqual({ key: 'k', value: 'v3', createRevision: 2, modRevision: 4, version: 3 });
    expect(s.revision).toBe(4);
    expect(s.size).toBe(1);
  });

  it('a put with an unchanged value still bumps the revision and the version', () => {
    const s = new KvStore();
    s.apply(put('k', 'same'));
    s.apply(put('k', 'same'));
    expect(s.revision).toBe(3);
    expect(s.get('k')).toMatchObject({ version: 2, modRevision: 3, createRevision: 2 });
  });

  it('puts on two keys each take the next store revision; versions are per key', () => {
    const s = new KvStore();
    s.apply(put('a', '1'));
    s.apply(put('b', '2'));
    s.apply(put('a', '3'));
    expect(s.revision).toBe(4);
    expect(s.get('a')).toEqual({ key: 'a', value: '3', createRevision: 2, modRevision: 4, version: 2 });
    expect(s.get('b')).toEqual({ key: 'b', value: '2', createRevision: 3, modRevision: 3, version: 1 });
    expect(s.entries()).toEqual({ a: '3', b: '2' });
  });

  it('deleting a missing key changes nothing: revision unchanged, deleted 0', () => {
    const s = new KvStore();
    s.apply(put('a', '1'));
    const r = as(s.apply(del('zzz')), 'delete');
    expect(r).toEqual({ op: 'delete', revision: 2, deleted: 0, prevKvs: [] });
    expect(s.revision).toBe(2);
    expect(as(s.apply(del('nothing/', true)), 'delete').deleted).toBe(0);
    expect(s.revision).toBe(2);
  });

  it('delete bumps the revision once and a later put recreates the key at version 1 with a new createRevision', () => {
    const s = new KvStore();
    s.apply(put('k', 'a')); // 2
    s.apply(put('k', 'b')); // 3
    const d = as(s.apply(del('k')), 'delete');
    expect(d).toEqual({
      op: 'delete',
      revision: 4,
      deleted: 1,
      prevKvs: [{ key: 'k', value: 'b', createRevision: 2, modRevision: 3, version: 2 }],
    });
    expect(s.get('k')).toBeUndefined();
    const p = as(s.apply(put('k', 'c')), 'put');
    expect(p).toEqual({ op: 'put', revision: 5 }); // no prevKv: the key was deleted
    expect(s.get('k')).toEqual({ key: 'k', value: 'c', createRevision: 5, modRevision: 5, version: 1 });
  });

  it('reads never change the revision', () => {
    const s = new KvStore();
    s.apply(put('a', '1'));
    s.apply(get('a'));
    s.apply(get('', true));
    s.apply(get('missing'));
    expect(s.revision).toBe(2);
  });
});

describe('KvStore range (etcd Range / WithPrefix)', () => {
  it('a prefix get returns exactly the keys starting with the prefix, ascending by key', () => {
    const s = new KvStore();
    for (const k of ['b/2', 'a', 'b/10', 'b', 'b/1', 'c', 'b/']) s.apply(put(k, k.toUpperCase()));
    const r = as(s.apply(get('b/', true)), 'get');
    expect(r.revision).toBe(8);
    expect(r.kvs.map((kv) => kv.key)).toEqual(['b/', 'b/1', 'b/10', 'b/2']);
    expect(r.kvs[1]).toEqual({ key: 'b/1', value: 'B/1', createRevision: 6, modRevision: 6, version: 1 });
  });

  it("prefix '' returns every key in ascending order", () => {
    const s = new KvStore();
    for (const k of ['z', 'A', 'm', 'a']) s.apply(put(k, '1'));
    expect(as(s.apply(get('', true)), 'get').kvs.map((kv) => kv.key)).toEqual(['A', 'a', 'm', 'z']);
  });

  it('a get without prefix matches only the exact key', () => {
    const s = new KvStore();
    s.apply(put('ab', '1'));
    expect(as(s.apply(get('a')), 'get').kvs).toEqual([]);
    expect(as(s.apply(get('ab')), 'get').kvs.map((kv) => kv.value)).toEqual(['1']);
  });

  it('returned KeyValues are copies: mutating them does not change the store', () => {
    const s = new KvStore();
    s.apply(put('k', 'v'));
    const r = as(s.apply(get('k')), 'get');
    r.kvs[0].value = 'hacked';
    r.kvs[0].version = 99;
    const p = as(s.apply(put('k', 'w')), 'put');
    p.prevKv!.value = 'hacked';
    expect(s.get('k')).toEqual({ key: 'k', value: 'w', createRevision: 2, modRevision: 3, version: 2 });
  });

  it('a prefix delete removes every matching key under a single revision bump', () => {
    const s = new KvStore();
    for (const k of ['job/1', 'job/2', 'job/3', 'jobs', 'other']) s.apply(put(k, 'x')); // revisions 2..6
    const d = as(s.apply(del('job/', true)), 'delete');
    expect(d.revision).toBe(7);
    expect(d.deleted).toBe(3);
    expect(d.prevKvs.map((kv) => kv.key)).toEqual(['job/1', 'job/2', 'job/3']);
    expect(s.revision).toBe(7);
    expect(s.entries()).toEqual({ jobs: 'x', other: 'x' });
  });

  it('the empty key is rejected for put and exact get/delete (etcd ErrGRPCEmptyKey), changing nothing', () => {
    const s = new KvStore();
    expect(s.apply(put('', 'v'))).toEqual({ op: 'error', revision: 1, error: EMPTY_KEY_ERROR });
    expect(s.apply(get(''))).toEqual({ op: 'error', revision: 1, error: EMPTY_KEY_ERROR });
    expect(s.apply(del(''))).toEqual({ op: 'error', revision: 1, error: EMPTY_KEY_ERROR });
    expect(s.revision).toBe(1);
    expect(s.size).toBe(0);
  });

  it('keys that are Object.prototype names are ordinary keys', () => {
    const s = new KvStore();
    s.apply(put('__proto__', 'p'));
    s.apply(put('constructor', 'c'));
    expect(s.entries()).toEqual(Object.fromEntries([['__proto__', 'p'], ['constructor', 'c']]));
    expect(Object.keys(s.snapshot().kvs)).toEqual(['__proto__', 'constructor']);
    expect(KvStore.fromSnapshot(s.snapshot()).get('__proto__')?.value).toBe('p');
  });
});

describe('KvStore txn compare (etcd Compare)', () => {
  // State after setup: k = 'm', createRevision 2, modRevision 4, version 2 (other key at 3); revision 4.
  function setup(): KvStore {
    const s = new KvStore();
    s.apply(put('k', 'b')); // 2
    s.apply(put('other', 'x')); // 3
    s.apply(put('k', 'm')); // 4
    return s;
  }
  const holds = (s: KvStore, c: KvCompare): boolean => as(s.apply(txn([c], [], [])), 'txn').succeeded;

  const table: Array<[KvCompare['target'], string | number, string | number, string | number]> = [
    // target, value below the actual, the actual, value above the actual
    ['value', 'a', 'm', 'z'],
    ['version', 1, 2, 3],
    ['createRevision', 1, 2, 3],
    ['modRevision', 3, 4, 5],
  ];
  for (const [target, below, actual, above] of table) {
    it(`compare ${target}: '=', '!=', '<', '>' compare the key's ${target} against the given value`, () => {
      const s = setup();
      const c = (result: KvCompare['result'], value: string | number): KvCompare => ({ key: 'k', target, result, value });
      expect(holds(s, c('=', actual))).toBe(true);
      expect(holds(s, c('=', below))).toBe(false);
      expect(holds(s, c('!=', actual))).toBe(false);
      expect(holds(s, c('!=', above))).toBe(true);
      expect(holds(s, c('<', above))).toBe(true); // actual < above
      expect(holds(s, c('<', actual))).toBe(false);
      expect(holds(s, c('>', below))).toBe(true); // actual > below
      expect(holds(s, c('>', actual))).toBe(false);
      expect(s.revision).toBe(4);
    });
  }

  it('compare value orders strings by byte (code unit) order, not numerically', () => {
    const s = new KvStore();
    s.apply(put('n', '10'));
    expect(holds(s, { key: 'n', target: 'value', result: '<', value: '9' })).toBe(true);
    expect(holds(s, { key: 'n', target: 'value', result: '>', value: '1' })).toBe(true);
  });

  it('a missing key compares as version 0, createRevision 0, modRevision 0', () => {
    const s = setup();
    for (const target of ['version', 'createRevision', 'modRevision'] as const) {
      expect(holds(s, { key: 'absent', target, result: '=', value: 0 })).toBe(true);
      expect(holds(s, { key: 'absent', target, result: '<', value: 1 })).toBe(true);
      expect(holds(s, { key: 'absent', target, result: '>', value: 0 })).toBe(false);
      expect(holds(s, { key: 'absent', target, result: '!=', value: 0 })).toBe(false);
    }
  });

  it("etcd applyCompare: a value compare on a missing key always fails, '!=' included", () => {
    const s = setup();
    for (const value of ['', 'a']) {
      expect(holds(s, { key: 'absent', target: 'value', result: '=', value })).toBe(false);
      expect(holds(s, { key: 'absent', target: 'value', result: '<', value })).toBe(false);
      expect(holds(s, { key: 'absent', target: 'value', result: '>', value })).toBe(false);
      expect(holds(s, { key: 'absent', target: 'value', result: '!=', value })).toBe(false);
    }
  });

  it('all compares must hold (conjunction); an empty compare list succeeds', () => {
    const s = setup();
    const ok: KvCompare = { key: 'k', target: 'version', result: '=', value: 2 };
    const bad: KvCompare = { key: 'other', target: 'value', result: '=', value: 'nope' };
    expect(as(s.apply(txn([ok, ok], [])), 'txn').succeeded).toBe(true);
    expect(as(s.apply(txn([ok, bad], [])), 'txn').succeeded).toBe(false);
    expect(as(s.apply(txn([bad, ok], [])), 'txn').succeeded).toBe(false);
    expect(as(s.apply(txn([], [])), 'txn').succeeded).toBe(true);
  });

  it('a compare whose value has the wrong type for its target is rejected and changes nothing', () => {
    const s = setup();
    const r = s.apply(txn([{ key: 'k', target: 'version', result: '=', value: '2' }], [put('k', 'new')]));
    expect(as(r, 'error').revision).toBe(4);
    expect(s.get('k')?.value).toBe('m');
  });
});

describe('KvStore txn execution (etcd Txn: one revision per txn)', () => {
  it('runs the success branch when every compare holds (create-if-absent via createRevision = 0)', () => {
    const s = new KvStore();
    const r = as(
      s.apply(txn([{ key: 'lock', target: 'createRevision', result: '=', value: 0 }], [put('lock', 'me')], [get('lock')])),
      'txn',
    );
    expect(r).toEqual({ op: 'txn', revision: 2, succeeded: true, responses: [{ op: 'put', revision: 2 }] });
    expect(s.get('lock')).toEqual({ key: 'lock', value: 'me', createRevision: 2, modRevision: 2, version: 1 });
  });

  it('runs the failure branch when a compare fails, and does not run the success branch', () => {
    const s = new KvStore();
    s.apply(put('lock', 'you')); // 2
    const r = as(
      s.apply(txn([{ key: 'lock', target: 'createRevision', result: '=', value: 0 }], [put('lock', 'me')], [get('lock')])),
      'txn',
    );
    expect(r.succeeded).toBe(false);
    expect(r.revision).toBe(2);
    expect(r.responses).toEqual([
      { op: 'get', revision: 2, kvs: [{ key: 'lock', value: 'you', createRevision: 2, modRevision: 2, version: 1 }] },
    ]);
    expect(s.get('lock')?.value).toBe('you');
    expect(s.revision).toBe(2);
  });

  it('a txn with only reads does not bump the revision', () => {
    const s = new KvStore();
    s.apply(put('a', '1')); // 2
    const r = as(s.apply(txn([{ key: 'a', target: 'value', result: '=', value: '1' }], [get('a'), get('', true)])), 'txn');
    expect(r.revision).toBe(2);
    expect(r.responses.map((x) => x.revision)).toEqual([2, 2]);
    expect(s.revision).toBe(2);
  });

  it('a txn whose deletes match nothing does not bump the revision', () => {
    const s = new KvStore();
    s.apply(put('a', '1')); // 2
    const r = as(s.apply(txn([], [del('missing'), del('nope/', true)])), 'txn');
    expect(r.revision).toBe(2);
    expect(s.revision).toBe(2);
  });

  it('a txn with several writes bumps the revision once and every write carries the new revision', () => {
    const s = new KvStore();
    s.apply(put('a', '1')); // 2
    s.apply(put('gone', 'x')); // 3
    const r = as(s.apply(txn([], [put('a', '2'), put('b', '1'), del('gone'), get('', true)])), 'txn');
    expect(r.revision).toBe(4);
    expect(s.revision).toBe(4);
    expect(r.responses.map((x) => x.revision)).toEqual([4, 4, 4, 4]);
    expect(s.get('a')).toEqual({ key: 'a', value: '2', createRevision: 2, modRevision: 4, version: 2 });
    expect(s.get('b')).toEqual({ key: 'b', value: '1', createRevision: 4, modRevision: 4, version: 1 });
    expect(as(r.responses[2], 'delete').deleted).toBe(1);
    expect(s.apply(put('c', '1')).revision).toBe(5); // the next write is exactly one later
  });

  it('reads inside a txn see the writes made earlier in the same txn', () => {
    const s = new KvStore();
    s.apply(put('a', 'old')); // 2
    s.apply(put('d', 'x')); // 3
    const r = as(s.apply(txn([], [get('a'), put('a', 'new'), get('a'), del('d'), get('d')])), 'txn');
    expect(as(r.responses[0], 'get').kvs[0]).toMatchObject({ value: 'old', modRevision: 2, version: 1 });
    expect(as(r.responses[2], 'get').kvs[0]).toMatchObject({ value: 'new', modRevision: 4, version: 2 });
    expect(as(r.responses[4], 'get').kvs).toEqual([]);
  });

  it('compares see the state before the txn, not its writes', () => {
    const s = new KvStore();
    const r = as(
      s.apply(txn([{ key: 'x', target: 'version', result: '=', value: 0 }], [put('x', '1')], [put('x', 'fail')])),
      'txn',
    );
    expect(r.succeeded).toBe(true);
    expect(s.get('x')?.value).toBe('1');
  });

  it('a txn that puts the same key twice is rejected with the duplicate key error and changes nothing', () => {
    const s = new KvStore();
    s.apply(put('a', '1')); // 2
    const r = s.apply(txn([], [put('a', '2'), put('a', '3')]));
    expect(r).toEqual({ op: 'error', revision: 2, error: DUPLICATE_KEY_ERROR });
    expect(s.get('a')).toEqual({ key: 'a', value: '1', createRevision: 2, modRevision: 2, version: 1 });
    expect(s.revision).toBe(2);
  });

  it('a txn that puts a key inside a range it also deletes is rejected (etcd checkIntervals)', () => {
    const s = new KvStore();
    s.apply(put('dir/a', '1')); // 2
    expect(as(s.apply(txn([], [del('dir/a'), put('dir/a', '2')])), 'error').error).toBe(DUPLICATE_KEY_ERROR);
    expect(as(s.apply(txn([], [put('dir/b', '2'), del('dir/', true)])), 'error').error).toBe(DUPLICATE_KEY_ERROR);
    expect(s.entries()).toEqual({ 'dir/a': '1' });
    expect(s.revision).toBe(2);
  });

  it('duplicate writes are rejected even in the branch that would not run', () => {
    const s = new KvStore();
    const r = s.apply(txn([], [put('a', '1')], [put('b', '1'), put('b', '2')]));
    expect(as(r, 'error').error).toBe(DUPLICATE_KEY_ERROR);
    expect(s.size).toBe(0);
    expect(s.revision).toBe(1);
  });

  it('overlapping deletes and the same key in different branches are allowed', () => {
    const s = new KvStore();
    s.apply(put('p/a', '1')); // 2
    s.apply(put('p/b', '1')); // 3
    const r = as(s.apply(txn([], [del('p/', true), del('p/a')], [put('p/a', 'f')])), 'txn');
    expect(r.succeeded).toBe(true);
    expect(r.responses.map((x) => as(x, 'delete').deleted)).toEqual([2, 0]);
    expect(r.revision).toBe(4);
    expect(s.size).toBe(0);
  });
});

describe('KvStore snapshot / fromSnapshot / clone', () => {
  function populated(): KvStore {
    const s = new KvStore();
    s.apply(put('b', '1'));
    s.apply(put('a', '1'));
    s.apply(put('b', '2'));
    s.apply(put('gone', 'x'));
    s.apply(del('gone'));
    return s;
  }

  it('snapshot is plain data that round-trips through JSON and fromSnapshot', () => {
    const s = populated();
    const snap = s.snapshot();
    expect(snap).toEqual({
      revision: 6,
      kvs: {
        a: { key: 'a', value: '1', createRevision: 3, modRevision: 3, version: 1 },
        b: { key: 'b', value: '2', createRevision: 2, modRevision: 4, version: 2 },
      },
    });
    const back = KvStore.fromSnapshot(JSON.parse(JSON.stringify(snap)));
    expect(back.snapshot()).toEqual(snap);
    expect(back.revision).toBe(6);
    // the restored store continues the same revision sequence
    expect(back.apply(put('a', '2'))).toEqual(s.apply(put('a', '2')));
    expect(back.snapshot()).toEqual(s.snapshot());
  });

  it('fromSnapshot copies its input and snapshot returns a copy', () => {
    const snap = populated().snapshot();
    const restored = KvStore.fromSnapshot(snap);
    snap.kvs.a.value = 'mutated';
    snap.revision = 100;
    expect(restored.get('a')?.value).toBe('1');
    expect(restored.revision).toBe(6);
    const again = restored.snapshot();
    again.kvs.b.version = 42;
    expect(restored.get('b')?.version).toBe(2);
  });

  it('a clone is equal and independent in both directions', () => {
    const s = populated();
    const c = s.clone();
    expect(c.snapshot()).toEqual(s.snapshot());
    c.apply(put('a', 'clone'));
    c.apply(del('b'));
    expect(s.snapshot()).toEqual(populated().snapshot());
    s.apply(put('z', 'orig'));
    expect(c.get('z')).toBeUndefined();
    expect(c.revision).toBe(8);
    expect(s.revision).toBe(7);
  });

  it('fromSnapshot rejects inconsistent snapshots', () => {
    const kv = { key: 'a', value: '1', createRevision: 2, modRevision: 2, version: 1 };
    expect(() => KvStore.fromSnapshot({ revision: 0, kvs: {} })).toThrow(RangeError);
    expect(() => KvStore.fromSnapshot({ revision: 2, kvs: { b: kv } })).toThrow(RangeError);
    expect(() => KvStore.fromSnapshot({ revision: 1, kvs: { a: kv } })).toThrow(RangeError);
    expect(() => KvStore.fromSnapshot({ revision: 3, kvs: { a: { ...kv, createRevision: 3 } } })).toThrow(RangeError);
    expect(() => KvStore.fromSnapshot({ revision: 3, kvs: { a: { ...kv, version: 0 } } })).toThrow(RangeError);
    expect(KvStore.fromSnapshot({ revision: 2, kvs: { a: kv } }).get('a')).toEqual(kv);
  });
});

describe('KvStateMachine duplicate suppression (Raft thesis §6.3 client sessions)', () => {
  const cmd = (clientId: string, seq: number, op: KvOp) => ({ type: 'kv' as const, clientId, seq, op });

  it('a noop entry returns null and changes nothing', () => {
    const sm = new KvStateMachine();
    sm.applyCommand(cmd('c1', 1, put('a', '1')));
    const before = sm.snapshot();
    expect(sm.applyCommand({ type: 'noop' })).toBeNull();
    expect(sm.snapshot()).toEqual(before);
  });

  it('a new seq is applied and its result recorded in the session', () => {
    const sm = new KvStateMachine();
    const r = sm.applyCommand(cmd('c1', 1, put('a', '1')));
    expect(r).toEqual({ op: 'put', revision: 2 });
    expect(sm.store.revision).toBe(2);
    expect(sm.session('c1')).toEqual({ seq: 1, result: { op: 'put', revision: 2 } });
    expect(sm.session('nobody')).toBeUndefined();
  });

  it('a retry with the same seq returns the cached result without applying the op again', () => {
    const sm = new KvStateMachine();
    const first = sm.applyCommand(cmd('c1', 1, put('a', '1')));
    sm.applyCommand(cmd('c2', 1, put('b', '1'))); // another client moves the revision on
    const retry = sm.applyCommand(cmd('c1', 1, put('a', '1')));
    expect(retry).toEqual(first);
    expect(retry).toEqual({ op: 'put', revision: 2 });
    expect(sm.store.revision).toBe(3); // no second bump
    expect(sm.store.get('a')).toEqual({ key: 'a', value: '1', createRevision: 2, modRevision: 2, version: 1 });
  });

  it('a retried txn is not re-evaluated: its cached outcome is returned even though the compares would now fail', () => {
    const sm = new KvStateMachine();
    const cas = txn([{ key: 'a', target: 'version', result: '=', value: 0 }], [put('a', 'mine')], [get('a')]);
    const first = as(sm.applyCommand(cmd('c1', 7, cas)), 'txn');
    expect(first.succeeded).toBe(true);
    const retry = as(sm.applyCommand(cmd('c1', 7, cas)), 'txn');
    expect(retry).toEqual(first);
    expect(sm.store.get('a')?.version).toBe(1);
  });

  it('an older seq than the last applied is rejected as stale and changes nothing', () => {
    const sm = new KvStateMachine();
    sm.applyCommand(cmd('c1', 1, put('a', '1')));
    sm.applyCommand(cmd('c1', 2, put('a', '2')));
    const before = sm.snapshot();
    expect(sm.applyCommand(cmd('c1', 1, put('a', 'late')))).toEqual({
      op: 'error',
      revision: 3,
      error: STALE_REQUEST_ERROR,
    });
    expect(sm.snapshot()).toEqual(before);
  });

  it('sessions are per client: the same seq from another client is applied', () => {
    const sm = new KvStateMachine();
    sm.applyCommand(cmd('c1', 1, put('a', '1')));
    expect(sm.applyCommand(cmd('c2', 1, put('a', '2')))).toEqual({
      op: 'put',
      revision: 3,
      prevKv: { key: 'a', value: '1', createRevision: 2, modRevision: 2, version: 1 },
    });
  });

  it('linearizable gets go through the log: applied, recorded, and read-only', () => {
    const sm = new KvStateMachine();
    sm.applyCommand(cmd('c1', 1, put('a', '1')));
    const r = sm.applyCommand(cmd('c1', 2, get('a')));
    expect(as(r, 'get').kvs.map((kv) => kv.value)).toEqual(['1']);
    expect(sm.store.revision).toBe(2);
    expect(sm.session('c1')?.seq).toBe(2);
  });

  it('a rejected op is recorded like any result, so its retry gets the same error', () => {
    const sm = new KvStateMachine();
    const bad = txn([], [put('a', '1'), put('a', '2')]);
    const r = sm.applyCommand(cmd('c1', 1, bad));
    expect(as(r, 'error').error).toBe(DUPLICATE_KEY_ERROR);
    expect(sm.applyCommand(cmd('c1', 1, bad))).toEqual(r);
    expect(sm.session('c1')?.seq).toBe(1);
    expect(sm.store.revision).toBe(1);
  });

  it('mutating a returned retry result does not change the cached result', () => {
    const sm = new KvStateMachine();
    sm.applyCommand(cmd('c1', 1, put('a', '1')));
    const retry = sm.applyCommand(cmd('c1', 1, put('a', '1')))!;
    retry.revision = 999;
    expect(sm.applyCommand(cmd('c1', 1, put('a', '1')))).toEqual({ op: 'put', revision: 2 });
  });
});

describe('KvStateMachine snapshot / fromSnapshot / clone', () => {
  function populated(): KvStateMachine {
    const sm = new KvStateMachine();
    sm.applyCommand({ type: 'kv', clientId: 'c1', seq: 1, op: put('a', '1') });
    sm.applyCommand({ type: 'kv', clientId: 'c2', seq: 5, op: put('b', '1') });
    sm.applyCommand({ type: 'kv', clientId: 'c1', seq: 2, op: put('a', '2') });
    return sm;
  }

  it('snapshot covers store and sessions and round-trips through JSON and fromSnapshot', () => {
    const sm = populated();
    const snap = sm.snapshot();
    expect(snap.store.revision).toBe(4);
    expect(snap.sessions).toEqual({
      c1: {
        seq: 2,
        result: {
          op: 'put',
          revision: 4,
          prevKv: { key: 'a', value: '1', createRevision: 2, modRevision: 2, version: 1 },
        },
      },
      c2: { seq: 5, result: { op: 'put', revision: 3 } },
    });
    const back = KvStateMachine.fromSnapshot(JSON.parse(JSON.stringify(snap)));
    expect(back.snapshot()).toEqual(snap);
    // sessions survive the round trip: a retry is still suppressed, a stale seq still rejected
    expect(back.applyCommand({ type: 'kv', clientId: 'c2', seq: 5, op: put('b', '1') })).toEqual({
      op: 'put',
      revision: 3,
    });
    expect(as(back.applyCommand({ type: 'kv', clientId: 'c1', seq: 1, op: put('a', 'x') }), 'error').error).toBe(
      STALE_REQUEST_ERROR,
    );
    expect(back.store.revision).toBe(4);
  });

  it('fromSnapshot and clone are independent of their source', () => {
    const sm = populated();
    const snap = sm.snapshot();
    const restored = KvStateMachine.fromSnapshot(snap);
    snap.sessions.c1.seq = 100;
    snap.store.kvs.a.value = 'mutated';
    expect(restored.session('c1')?.seq).toBe(2);
    expect(restored.store.get('a')?.value).toBe('2');

    const clone = sm.clone();
    expect(clone.snapshot()).toEqual(sm.snapshot());
    clone.applyCommand({ type: 'kv', clientId: 'c1', seq: 3, op: put('a', 'clone') });
    clone.applyCommand({ type: 'kv', clientId: 'c3', seq: 1, op: del('b') });
    expect(sm.snapshot()).toEqual(populated().snapshot());
    expect(sm.session('c3')).toBeUndefined();
    expect(clone.store.revision).toBe(6);
  });
});
