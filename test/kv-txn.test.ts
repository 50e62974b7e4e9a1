/**
 * etcd Txn on the MVCC store (etcd server/etcdserver/txn/txn.go, api/v3rpc/key.go): compares on
 * every target with every operator, over ranges and on missing keys; nested txns; the
 * duplicate-key and too-many-ops refusals (etcd tests/integration v3_grpc_test.go ported);
 * the checks made before anything is written; put and delete options.
 */
import { describe, expect, it } from 'vitest';
import {
  ERR_DUPLICATE_KEY, ERR_EMPTY_KEY, ERR_FUTURE_REV, ERR_KEY_NOT_FOUND, ERR_LEASE_NOT_FOUND, ERR_LEASE_PROVIDED, ERR_TOO_MANY_OPS,
  ERR_VALUE_PROVIDED,
} from '../src/kv/errors';
import { NO_LEASE } from '../src/kv/leaseId';
import { KvStore } from '../src/kv/store';
import type { Compare, KvResponse, RequestOp, TxnRequest, TxnResponse } from '../src/kv/types';

const L1 = '0000000000000001';
const L2 = '00000000000000ff';

function ok<T extends KvResponse['op']>(r: KvResponse, op: T): Extract<KvResponse, { op: T }> {
  if (r.op !== op) throw new Error(`expected ${op}, got ${JSON.stringify(r)}`);
  return r as Extract<KvResponse, { op: T }>;
}
const txn = (compare: Compare[], success: RequestOp[], failure: RequestOp[] = []): TxnRequest => ({ op: 'txn', compare, success, failure });
const put = (key: string, value = 'v', extra: object = {}): RequestOp => ({ op: 'put', key, value, ...extra });
const del = (key: string, rangeEnd?: string): RequestOp => (rangeEnd === undefined ? { op: 'deleteRange', key } : { op: 'deleteRange', key, rangeEnd });
const get = (key: string, extra: object = {}): RequestOp => ({ op: 'range', key, ...extra });
const run = (s: KvStore, t: TxnRequest): TxnResponse => ok(s.execute(t), 'txn');
const holds = (s: KvStore, c: Compare): boolean => run(s, txn([c], [])).succeeded;

/** k: value 'm', createRevision 2, modRevision 4, version 2, lease L1. Store revision 4. */
function setup(): KvStore {
  const s = new KvStore();
  ok(s.execute({ op: 'leaseGrant', id: L1, ttl: 60 }), 'leaseGrant');
  ok(s.execute({ op: 'leaseGrant', id: L2, ttl: 60 }), 'leaseGrant');
  ok(s.execute({ op: 'put', key: 'k', value: 'b' }), 'put'); // 2
  ok(s.execute({ op: 'put', key: 'other', value: 'x' }), 'put'); // 3
  ok(s.execute({ op: 'put', key: 'k', value: 'm', lease: L1 }), 'put'); // 4
  return s;
}

describe('etcd compareKV: every target × every operator', () => {
  const table: Array<[Compare['target'], string | number, string | number, string | number]> = [
    // target, a value below the actual one, the actual one, a value above
    ['value', 'a', 'm', 'z'],
    ['version', 1, 2, 3],
    ['createRevision', 1, 2, 3],
    ['modRevision', 3, 4, 5],
    ['lease', NO_LEASE, L1, L2],
  ];
  for (const [target, below, actual, above] of table) {
    it(`compare ${target} with =, !=, <, > against the key's ${target}`, () => {
      const s = setup();
      const c = (result: Compare['result'], value: string | number): Compare => ({ key: 'k', target, result, value });
      expect([
        holds(s, c('=', actual)), holds(s, c('=', below)), holds(s, c('!=', actual)), holds(s, c('!=', above)),
        holds(s, c('<', above)), holds(s, c('<', actual)), holds(s, c('>', below)), holds(s, c('>', actual)),
      ]).toEqual([true, false, false, true, true, false, true, false]);
      expect(s.revision).toBe(4);
    });
  }

  it('a missing key compares as version 0, createRevision 0, modRevision 0 and lease 0 (NO_LEASE)', () => {
    const s = setup();
    for (const target of ['version', 'createRevision', 'modRevision'] as const) {
      expect(holds(s, { key: 'absent', target, result: '=', value: 0 })).toBe(true);
      expect(holds(s, { key: 'absent', target, result: '>', value: 0 })).toBe(false);
    }
    expect(holds(s, { key: 'absent', target: 'lease', result: '=', value: NO_LEASE })).toBe(true);
    expect(holds(s, { key: 'other', target: 'lease', result: '=', value: NO_LEASE })).toBe(true);
    expect(holds(s, { key: 'other', target: 'lease', result: '<', value: L1 })).toBe(true);
  });

  it("etcd applyCompare: a value compare on a missing key always fails, '!=' included", () => {
    const s = setup();
    for (const result of ['=', '!=', '<', '>'] as const) {
      expect(holds(s, { key: 'absent', target: 'value', result, value: 'a' })).toBe(false);
    }
  });

  it('a compare with the wrong kind of value, or on the empty key, is refused', () => {
    const s = setup();
    expect(s.execute(txn([{ key: 'k', target: 'version', result: '=', value: '2' }], []))).toMatchObject({ code: 'InvalidRequest' });
    expect(s.execute(txn([{ key: 'k', target: 'lease', result: '=', value: 1 }], []))).toMatchObject({ code: 'InvalidRequest' });
    expect(s.execute(txn([{ key: '', target: 'version', result: '=', value: 0 }], []))).toMatchObject({ code: 'EmptyKey', error: ERR_EMPTY_KEY });
  });
});

describe('etcd TestV3TxnRangeCompare: a compare over a range holds only if it holds for every key', () => {
  function rangeStore(): KvStore {
    const s = new KvStore();
    for (const k of ['/a/2', '/a/3', '/a/4', '/f/5']) ok(s.execute({ op: 'put', key: k, value: 'x' }), 'put');
    return s;
  }
  const cases: Array<[string, Compare, boolean]> = [
    ['>= /a/: all createRevisions < 6', { key: '/a/', rangeEnd: '\0', target: 'createRevision', result: '<', value: 6 }, true],
    ['>= /a/: one createRevision is not < 5', { key: '/a/', rangeEnd: '\0', target: 'createRevision', result: '<', value: 5 }, false],
    ['prefix /a/: all createRevisions < 5', { key: '/a/', rangeEnd: '/a0', target: 'createRevision', result: '<', value: 5 }, true],
    ['prefix /a/: one createRevision is not < 4', { key: '/a/', rangeEnd: '/a0', target: 'createRevision', result: '<', value: 4 }, false],
    ['an empty range never matches a value', { key: '/b/', rangeEnd: '/b0', target: 'value', result: '=', value: 'x' }, false],
    ['"all keys are leased" is false', { key: '/a/', rangeEnd: '/a0', target: 'lease', result: '>', value: NO_LEASE }, false],
    ['"no key is leased" is true', { key: '/a/', rangeEnd: '/a0', target: 'lease', result: '=', value: NO_LEASE }, true],
    ['an empty range compares like a missing key (version 0)', { key: '/b/', rangeEnd: '/b0', target: 'version', result: '=', value: 0 }, true],
  ];
  for (const [name, c, want] of cases) it(name, () => expect(holds(rangeStore(), c)).toBe(want));
});

describe('nested txns (etcd compareToPath / executeTxn)', () => {
  it('TestV3TxnNestedPath: ten levels follow the branch each level chose', () => {
    const cmpTrue: Compare = { key: 'k', target: 'version', result: '=', value: 0 };
    const cmpFalse: Compare = { key: 'k', target: 'version', result: '=', value: 1 };
    const path = [true, false, false, true, true, false, true, false, true, true];
    const top = txn([], []);
    let cur = top;
    for (const p of path) {
      const next = txn([], []);
      cur.compare.push(p ? cmpTrue : cmpFalse);
      (p ? cur.success : cur.failure).push(next);
      cur = next;
    }
    let r = run(new KvStore(), top);
    for (const p of path) {
      expect(r.succeeded).toBe(p);
      r = ok(r.responses[0], 'txn');
    }
  });

  it('writes of nested txns share the outer txn revision; nested responses keep header revision 0 as etcd leaves it', () => {
    const s = new KvStore();
    ok(s.execute({ op: 'put', key: 'x', value: '0' }), 'put'); // 2
    const r = run(s, txn([], [put('a'), txn([{ key: 'x', target: 'value', result: '=', value: '0' }], [put('b'), del('x')], [put('c')])]));
    expect(r.header.revision).toBe(3);
    const inner = ok(r.responses[1], 'txn');
    expect(inner.succeeded).toBe(true);
    expect(inner.header.revision).toBe(0);
    expect(s.entries()).toEqual({ a: 'v', b: 'v' });
    expect(s.events(3).map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}`)).toEqual(['PUT a@3', 'PUT b@3', 'DELETE x@3']);
  });

  it("every compare on the path sees the state before the txn, not the outer branch's earlier writes", () => {
    const s = new KvStore();
    const r = run(s, txn([], [put('flag', 'set'), txn([{ key: 'flag', target: 'version', result: '=', value: 0 }], [put('saw', 'absent')], [put('saw', 'present')])]));
    expect(ok(r.responses[1], 'txn').succeeded).toBe(true);
    expect(s.get('saw')?.value).toBe('absent');
  });
});

describe('etcd TestV3TxnDuplicateKeys, ported (checkIntervals)', () => {
  const putAbc = put('abc', 'def');
  const delKey = del('abc');
  const delInRange = del('a', 'b');
  const delOutOfRange = del('abb', 'abc');
  const txnDel = txn([], [delInRange]);
  const txnDelTwoSide = txn([], [delInRange], [delInRange]);
  const txnPut = txn([], [putAbc]);
  const txnPutTwoSide = txn([], [putAbc], [putAbc]);
  const cases: Array<[string, RequestOp[], boolean]> = [
    ['Then(Put(a), Put(a))', [putAbc, putAbc], true],
    ['Then(Put(a), Del(a))', [putAbc, delKey], true],
    ['Then(Put(a), Del([a,b)))', [putAbc, delInRange], true],
    ['Then(Put(a), Then(Del(a)))', [putAbc, txnDel], true],
    ['Then(Del(a), Then(Put(a)))', [delInRange, txnPut], true],
    ['Then((Then(Put(a)), Else(Put(a))), (Then(Put(a)), Else(Put(a))))', [txnPutTwoSide, txnPutTwoSide], true],
    ['Then(Del(x), (Then(Put(a)), Else(Put(a)))) is allowed', [delOutOfRange, txnPutTwoSide], false],
    ['Then(Then(Del(a)), (Then(Del(a)), Else(Del(a)))) is allowed', [txnDel, txnDelTwoSide], false],
    ['overlapping deletes are allowed', [delKey, delInRange, delKey, delInRange], false],
    ['Then(Put(a), Del([abb,abc))) is allowed', [putAbc, delOutOfRange], false],
  ];
  for (const [name, success, refused] of cases) {
    it(`${name}${refused ? ': etcdserver: duplicate key given in txn request' : ''}`, () => {
      const s = new KvStore();
      const r = s.execute(txn([], success));
      if (refused) {
        expect(r).toEqual({ op: 'error', header: { revision: 1 }, code: 'DuplicateKey', error: ERR_DUPLICATE_KEY });
      } else {
        expect(r.op).toBe('txn');
      }
    });
  }

  it('the failure branch is checked too, even when it would not run', () => {
    expect(new KvStore().execute(txn([], [put('a')], [put('b'), put('b')]))).toMatchObject({ code: 'DuplicateKey' });
  });

  it('etcd quirk kept: a from-key delete (rangeEnd "\\0") never conflicts with a put, and the later op wins', () => {
    const s = new KvStore();
    ok(s.execute({ op: 'put', key: 'b', value: 'old' }), 'put');
    const r = run(s, txn([], [del('a', '\0'), put('b', 'new')]));
    expect(r.header.revision).toBe(3);
    expect(s.get('b')).toEqual({ key: 'b', value: 'new', createRevision: 3, modRevision: 3, version: 1 });
    expect(s.history('b').map((v) => [v.revision, v.sub, v.kv?.value ?? null])).toEqual([[2, 0, 'old'], [3, 0, null], [3, 1, 'new']]);
  });
});

describe('etcd TestV3TxnTooManyOps: more than 128 ops in one level is refused', () => {
  const many = (n: number, f: (i: number) => RequestOp) => Array.from({ length: n }, (_, i) => f(i));
  const cases: Array<[string, TxnRequest]> = [
    ['129 compares', txn(many(129, () => put('x')).map((_, i) => ({ key: `c${i}`, target: 'createRevision', result: '>', value: 0 })), [])],
    ['129 success ops', txn([], many(129, (i) => put(`s${i}`)))],
    ['129 failure ops', txn([], [], many(129, (i) => put(`f${i}`)))],
    ['129 nested txns', txn([], many(129, (i) => txn([], [put(`n${i}`)])))],
  ];
  for (const [name, t] of cases) {
    it(name, () => expect(new KvStore().execute(t)).toMatchObject({ code: 'TooManyOps', error: ERR_TOO_MANY_OPS }));
  }
  it('128 ops are fine', () => expect(new KvStore().execute(txn([], many(128, (i) => put(`s${i}`)))).op).toBe('txn'));
});

describe('etcd checkTxn: the chosen path is checked before anything is written', () => {
  it('a put on a missing lease refuses the whole txn (etcdserver: requested lease not found); nothing changes', () => {
    const s = setup();
    const before = s.dump();
    const r = s.execute(txn([], [put('a'), put('b', 'v', { lease: '0000000000000777' })]));
    expect(r).toEqual({ op: 'error', header: { revision: 4 }, code: 'LeaseNotFound', error: ERR_LEASE_NOT_FOUND });
    expect(s.dump()).toEqual(before);
  });

  it('only the branch that runs is checked: a bad lease in the other branch is fine', () => {
    const s = setup();
    const r = run(s, txn([{ key: 'k', target: 'value', result: '=', value: 'm' }], [put('a')], [put('b', 'v', { lease: '0000000000000777' })]));
    expect(r.succeeded).toBe(true);
  });

  it('a range at a future revision inside a txn is ErrFutureRev; ignoreValue on a missing key ErrKeyNotFound', () => {
    const s = setup();
    expect(s.execute(txn([], [put('a'), get('k', { revision: 5 })]))).toMatchObject({ code: 'FutureRev', error: ERR_FUTURE_REV });
    expect(s.execute(txn([], [put('a'), put('missing', '', { ignoreValue: true })]))).toMatchObject({ code: 'KeyNotFound', error: ERR_KEY_NOT_FOUND });
    expect(s.revision).toBe(4);
    expect(s.get('a')).toBeUndefined();
  });
});

describe('txn revisions (etcd TestV3TxnRevision and the sub-response headers)', () => {
  it('a read-only txn and a txn whose delete deletes nothing keep the revision; a txn with a put is +1', () => {
    const s = new KvStore();
    const p = ok(s.execute({ op: 'put', key: 'abc', value: 'def' }), 'put');
    expect(run(s, txn([], [get('abc')])).header.revision).toBe(p.header.revision);
    expect(run(s, txn([], [del('def')])).header.revision).toBe(p.header.revision);
    expect(run(s, txn([], [put('abc', '123')])).header.revision).toBe(p.header.revision + 1);
  });

  it('a range or delete before the first write reports the old revision, after it the new one; a put the new one', () => {
    const s = new KvStore();
    ok(s.execute({ op: 'put', key: 'a', value: '1' }), 'put'); // 2
    const r = run(s, txn([], [get('a'), del('missing'), put('b'), get('a'), del('missing')]));
    expect(r.responses.map((x) => x.header.revision)).toEqual([2, 2, 3, 3, 3]);
    expect(r.header.revision).toBe(3);
  });

  it('reads inside a txn see its earlier writes', () => {
    const s = new KvStore();
    ok(s.execute({ op: 'put', key: 'b', value: '0' }), 'put');
    const r = run(s, txn([], [put('a', '1'), get('a'), del('b'), get('b')]));
    expect(ok(r.responses[1], 'range').kvs.map((kv) => kv.value)).toEqual(['1']);
    expect(ok(r.responses[3], 'range').kvs).toEqual([]);
  });
});

describe('put options (etcd put.go)', () => {
  it('prevKv returns the key before the put, only when asked', () => {
    const s = setup();
    expect(s.execute({ op: 'put', key: 'other', value: 'y' })).toEqual({ op: 'put', header: { revision: 5 } });
    expect(s.execute({ op: 'put', key: 'other', value: 'z', prevKv: true })).toEqual({
      op: 'put', header: { revision: 6 }, prevKv: { key: 'other', value: 'y', createRevision: 3, modRevision: 5, version: 2 },
    });
    expect(s.execute({ op: 'put', key: 'fresh', value: '1', prevKv: true })).toEqual({ op: 'put', header: { revision: 7 } });
  });

  it('TestV3PutIgnoreValue: keeps the value, bumps version and modRevision; needs the key and no value', () => {
    const s = setup();
    expect(s.execute({ op: 'put', key: 'k', value: '', ignoreValue: true })).toEqual({ op: 'put', header: { revision: 5 } });
    expect(s.get('k')).toEqual({ key: 'k', value: 'm', createRevision: 2, modRevision: 5, version: 3 }); // no lease given: detached
    expect(s.execute({ op: 'put', key: 'nope', value: '', ignoreValue: true })).toMatchObject({ code: 'KeyNotFound', error: ERR_KEY_NOT_FOUND });
    expect(s.execute({ op: 'put', key: 'k', value: 'x', ignoreValue: true })).toMatchObject({ code: 'ValueProvided', error: ERR_VALUE_PROVIDED });
  });

  it('TestV3PutIgnoreLease: keeps the lease; needs the key and no lease', () => {
    const s = setup();
    ok(s.execute({ op: 'put', key: 'k', value: 'n', ignoreLease: true }), 'put');
    expect(s.get('k')).toEqual({ key: 'k', value: 'n', createRevision: 2, modRevision: 5, version: 3, lease: L1 });
    expect(s.lease(L1)?.keys).toEqual(['k']);
    expect(s.execute({ op: 'put', key: 'nope', value: 'n', ignoreLease: true })).toMatchObject({ code: 'KeyNotFound' });
    expect(s.execute({ op: 'put', key: 'k', value: 'n', ignoreLease: true, lease: L2 })).toMatchObject({ code: 'LeaseProvided', error: ERR_LEASE_PROVIDED });
  });

  it('a put on the empty key is etcd ErrGRPCEmptyKey', () => {
    expect(new KvStore().execute({ op: 'put', key: '', value: 'v' })).toMatchObject({ code: 'EmptyKey', error: ERR_EMPTY_KEY });
  });
});

describe('deleteRange options (etcd delete.go)', () => {
  it('deletes one key, a range or from a key on, in one revision; prevKvs only when asked', () => {
    const s = new KvStore();
    for (const k of ['a', 'b', 'c', 'd']) ok(s.execute({ op: 'put', key: k, value: k }), 'put'); // 2..5
    expect(s.execute({ op: 'deleteRange', key: 'a' })).toEqual({ op: 'deleteRange', header: { revision: 6 }, deleted: 1 });
    expect(s.execute({ op: 'deleteRange', key: 'b', rangeEnd: 'd', prevKv: true })).toEqual({
      op: 'deleteRange', header: { revision: 7 }, deleted: 2,
      prevKvs: [
        { key: 'b', value: 'b', createRevision: 3, modRevision: 3, version: 1 },
        { key: 'c', value: 'c', createRevision: 4, modRevision: 4, version: 1 },
      ],
    });
    expect(s.execute({ op: 'deleteRange', key: 'a', rangeEnd: '\0', prevKv: true })).toMatchObject({ header: { revision: 8 }, deleted: 1 });
    expect(s.execute({ op: 'deleteRange', key: 'a', rangeEnd: '\0', prevKv: true })).toEqual({ op: 'deleteRange', header: { revision: 8 }, deleted: 0, prevKvs: [] });
    expect(s.size).toBe(0);
  });
});
