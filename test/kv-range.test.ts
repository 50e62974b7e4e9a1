/**
 * etcd Range on the MVCC store: every option of RangeRequest (etcd tests/integration
 * v3_grpc_test.go TestV3RangeRequest ported, plus each sort target × order, keysOnly, countOnly,
 * from-key and prefix), and the errors etcd's gRPC layer returns.
 */
import { describe, expect, it } from 'vitest';
import { ERR_COMPACTED, ERR_EMPTY_KEY, ERR_FUTURE_REV, ERR_INVALID_SORT_OPTION } from '../src/kv/errors';
import { FROM_KEY_END, fromKeyRange, prefixEnd, prefixRange } from '../src/kv/range';
import { KvStore } from '../src/kv/store';
import type { KvResponse, RangeRequest, RangeResponse, SortOrder, SortTarget } from '../src/kv/types';

function storeWith(...keys: string[]): KvStore {
  const s = new KvStore();
  for (const k of keys) expect(s.execute({ op: 'put', key: k, value: '' }).op).toBe('put');
  return s;
}

function range(s: KvStore, req: Omit<RangeRequest, 'op'>): RangeResponse {
  const r = s.execute({ op: 'range', ...req });
  if (r.op !== 'range') throw new Error(`expected a range response, got ${JSON.stringify(r)}`);
  return r;
}

function errorOf(r: KvResponse): string {
  if (r.op !== 'error') throw new Error(`expected an error, got ${JSON.stringify(r)}`);
  return r.error;
}

const keysOf = (r: RangeResponse) => r.kvs.map((kv) => kv.key);

describe('etcd TestV3RangeRequest, ported', () => {
  type Case = { name: string; put: string[]; reqs: Array<Omit<RangeRequest, 'op'>>; keys: string[][]; more: boolean[]; count: number[] };
  const cases: Case[] = [
    {
      name: 'single key',
      put: ['foo', 'bar'],
      reqs: [{ key: 'foo' }, { key: 'baz' }],
      keys: [['foo'], []],
      more: [false, false],
      count: [1, 0],
    },
    {
      name: 'multi-key: [a,z), [b,d), out of range, [c,c) and [d,b) empty, ["\\0","\\0") all',
      put: ['a', 'b', 'c', 'd', 'e'],
      reqs: [
        { key: 'a', rangeEnd: 'z' },
        { key: 'b', rangeEnd: 'd' },
        { key: 'f', rangeEnd: 'z' },
        { key: 'c', rangeEnd: 'c' },
        { key: 'd', rangeEnd: 'b' },
        { key: '\0', rangeEnd: '\0' },
      ],
      keys: [['a', 'b', 'c', 'd', 'e'], ['b', 'c'], [], [], [], ['a', 'b', 'c', 'd', 'e']],
      more: [false, false, false, false, false, false],
      count: [5, 2, 0, 0, 0, 5],
    },
    {
      name: 'revision: 0 is current, 1 is the empty initial store, 2 and 3 the first writes',
      put: ['a', 'b', 'c', 'd', 'e'],
      reqs: [0, 1, 2, 3].map((revision) => ({ key: 'a', rangeEnd: 'z', revision })),
      keys: [['a', 'b', 'c', 'd', 'e'], [], ['a'], ['a', 'b']],
      more: [false, false, false, false],
      count: [5, 0, 1, 2],
    },
    {
      name: 'limit',
      put: ['a', 'b', 'c'],
      reqs: [1, 2, 3, 4].map((limit) => ({ key: 'a', rangeEnd: 'z', limit })),
      keys: [['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b', 'c']],
      more: [true, true, false, false],
      count: [3, 3, 3, 3],
    },
    {
      name: 'count only (a limit does not truncate the count)',
      put: ['a', 'b', 'c'],
      reqs: [
        { key: 'a', rangeEnd: 'z', countOnly: true },
        { key: 'b', rangeEnd: 'c', countOnly: true },
        { key: 'x', rangeEnd: 'z', countOnly: true },
        { key: 'a', rangeEnd: 'z', limit: 1, countOnly: true },
      ],
      keys: [[], [], [], []],
      more: [false, false, false, false],
      count: [3, 1, 0, 3],
    },
    {
      name: 'sort',
      put: ['b', 'a', 'c', 'd', 'c'],
      reqs: [
        { key: 'a', rangeEnd: 'z', limit: 1, sortOrder: 'ASCEND', sortTarget: 'KEY' },
        { key: 'a', rangeEnd: 'z', limit: 1, sortOrder: 'DESCEND', sortTarget: 'KEY' },
        { key: 'a', rangeEnd: 'z', limit: 1, sortOrder: 'ASCEND', sortTarget: 'CREATE' },
        { key: 'a', rangeEnd: 'z', limit: 1, sortOrder: 'DESCEND', sortTarget: 'MOD' },
        { key: 'z', rangeEnd: 'z', limit: 1, sortOrder: 'DESCEND', sortTarget: 'CREATE' },
        { key: 'a', rangeEnd: 'z', limit: 10, sortOrder: 'NONE', sortTarget: 'CREATE' },
      ],
      keys: [['a'], ['d'], ['b'], ['c'], [], ['b', 'a', 'c', 'd']],
      more: [true, true, true, true, false, false],
      count: [4, 4, 4, 4, 0, 4],
    },
    {
      name: 'min/max mod revision (count ignores the filters)',
      put: ['rev2', 'rev3', 'rev4', 'rev5', 'rev6'],
      reqs: [
        { key: '\0', rangeEnd: '\0', minModRevision: 3 },
        { key: '\0', rangeEnd: '\0', maxModRevision: 3 },
        { key: '\0', rangeEnd: '\0', minModRevision: 3, maxModRevision: 5 },
        { key: '\0', rangeEnd: '\0', maxModRevision: 10 },
      ],
      keys: [['rev3', 'rev4', 'rev5', 'rev6'], ['rev2', 'rev3'], ['rev3', 'rev4', 'rev5'], ['rev2', 'rev3', 'rev4', 'rev5', 'rev6']],
      more: [false, false, false, false],
      count: [5, 5, 5, 5],
    },
    {
      name: 'min/max create revision',
      put: ['rev2', 'rev3', 'rev2', 'rev2', 'rev6', 'rev3'],
      reqs: [
        { key: '\0', rangeEnd: '\0', minCreateRevision: 3 },
        { key: '\0', rangeEnd: '\0', maxCreateRevision: 3 },
        { key: '\0', rangeEnd: '\0', minCreateRevision: 3, maxCreateRevision: 5 },
        { key: '\0', rangeEnd: '\0', maxCreateRevision: 10 },
      ],
      keys: [['rev3', 'rev6'], ['rev2', 'rev3'], ['rev3'], ['rev2', 'rev3', 'rev6']],
      more: [false, false, false, false],
      count: [3, 3, 3, 3],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = storeWith(...c.put);
      c.reqs.forEach((req, i) => {
        const r = range(s, req);
        expect({ i, keys: keysOf(r), more: r.more, count: r.count }).toEqual({ i, keys: c.keys[i], more: c.more[i], count: c.count[i] });
        expect(r.header.revision).toBe(s.revision);
      });
    });
  }
});

describe('range sort: every sortTarget × sortOrder (etcd sortRangeResults)', () => {
  // r2 put b=1; r3 put a; r4 put c=2; r5 put a; r6 put a=3; r7 put b=1. Final:
  //   a: createRevision 3, modRevision 6, version 3, value '3'
  //   b: createRevision 2, modRevision 7, version 2, value '1'
  //   c: createRevision 4, modRevision 4, version 1, value '2'
  function sortable(): KvStore {
    const s = new KvStore();
    for (const [key, value] of [['b', '1'], ['a', 'x'], ['c', '2'], ['a', 'y'], ['a', '3'], ['b', '1']]) {
      s.execute({ op: 'put', key, value });
    }
    return s;
  }
  const ascending: Record<SortTarget, string[]> = {
    KEY: ['a', 'b', 'c'],
    CREATE: ['b', 'a', 'c'],
    MOD: ['c', 'a', 'b'],
    VERSION: ['c', 'b', 'a'],
    VALUE: ['b', 'c', 'a'],
  };
  for (const target of Object.keys(ascending) as SortTarget[]) {
    for (const order of ['NONE', 'ASCEND', 'DESCEND'] as SortOrder[]) {
      const want = order === 'DESCEND' ? [...ascending[target]].reverse() : ascending[target];
      it(`sortTarget ${target}, sortOrder ${order}: ${want.join(' ')}${order === 'NONE' ? ' (NONE sorts ascending)' : ''}`, () => {
        const r = range(sortable(), { key: 'a', rangeEnd: 'z', sortTarget: target, sortOrder: order });
        expect(keysOf(r)).toEqual(want);
        expect(r.count).toBe(3);
      });
    }
  }

  it('a limit applies after sorting: the first key of the sorted order, more = true, count of all', () => {
    const r = range(sortable(), { key: 'a', rangeEnd: 'z', sortTarget: 'VERSION', sortOrder: 'DESCEND', limit: 1 });
    expect(keysOf(r)).toEqual(['a']);
    expect(r.more).toBe(true);
    expect(r.count).toBe(3);
  });

  it('ties keep ascending key order in both directions (deterministic where etcd sort is unstable)', () => {
    const s = storeWith('k3', 'k1', 'k2'); // every key at version 1
    expect(keysOf(range(s, { key: 'k', rangeEnd: 'l', sortTarget: 'VERSION', sortOrder: 'ASCEND' }))).toEqual(['k1', 'k2', 'k3']);
    expect(keysOf(range(s, { key: 'k', rangeEnd: 'l', sortTarget: 'VERSION', sortOrder: 'DESCEND' }))).toEqual(['k1', 'k2', 'k3']);
  });

  it('an unknown sort order or target is etcd ErrGRPCInvalidSortOption', () => {
    const s = storeWith('a');
    expect(errorOf(s.execute({ op: 'range', key: 'a', sortOrder: 'UP' as SortOrder }))).toBe(ERR_INVALID_SORT_OPTION);
    expect(errorOf(s.execute({ op: 'range', key: 'a', sortTarget: 'MODIFY' as SortTarget }))).toBe(ERR_INVALID_SORT_OPTION);
  });
});

describe('range options', () => {
  it('keysOnly returns keys and revisions with empty values', () => {
    const s = new KvStore();
    s.execute({ op: 'put', key: 'a', value: 'secret' });
    s.execute({ op: 'put', key: 'a', value: 'secret2' });
    const r = range(s, { key: 'a', keysOnly: true });
    expect(r.kvs).toEqual([{ key: 'a', value: '', createRevision: 2, modRevision: 3, version: 2 }]);
    expect(s.get('a')?.value).toBe('secret2');
  });

  it('countOnly returns no kvs, only the count', () => {
    const r = range(storeWith('a', 'b'), { key: 'a', rangeEnd: 'c', countOnly: true });
    expect(r.kvs).toEqual([]);
    expect(r.count).toBe(2);
    expect(r.more).toBe(false);
  });

  it("from-key (rangeEnd '\\0') returns every key >= key; fromKeyRange('') is every key", () => {
    const s = storeWith('a', 'b', 'ba', 'c');
    expect(keysOf(range(s, { key: 'b', rangeEnd: FROM_KEY_END }))).toEqual(['b', 'ba', 'c']);
    expect(keysOf(range(s, fromKeyRange('bb')))).toEqual(['c']);
    expect(keysOf(range(s, fromKeyRange('')))).toEqual(['a', 'b', 'ba', 'c']);
  });

  it('prefixEnd increments the last code unit below 0xFFFF (clientv3 GetPrefixRangeEnd); a prefix range has exactly the keys starting with it', () => {
    expect(prefixEnd('a/')).toBe('a0');
    expect(prefixEnd('az')).toBe('a{');
    expect(prefixEnd('a\uffff')).toBe('b');
    expect(prefixEnd('\uffff\uffff')).toBe(FROM_KEY_END);
    expect(prefixRange('')).toEqual({ key: '\0', rangeEnd: '\0' });
    const s = storeWith('dir', 'dir/', 'dir/a', 'dir/b/c', 'dir0', 'dirx', 'e');
    expect(keysOf(range(s, prefixRange('dir/')))).toEqual(['dir/', 'dir/a', 'dir/b/c']);
    expect(keysOf(range(s, prefixRange('')))).toEqual(['dir', 'dir/', 'dir/a', 'dir/b/c', 'dir0', 'dirx', 'e']);
  });

  it('a range at a past revision returns each key as it was then, with the current header revision', () => {
    const s = new KvStore();
    s.execute({ op: 'put', key: 'a', value: '1' }); // 2
    s.execute({ op: 'put', key: 'b', value: '1' }); // 3
    s.execute({ op: 'put', key: 'a', value: '2' }); // 4
    s.execute({ op: 'deleteRange', key: 'b' }); // 5
    const at3 = range(s, { key: 'a', rangeEnd: 'c', revision: 3 });
    expect(at3.kvs).toEqual([
      { key: 'a', value: '1', createRevision: 2, modRevision: 2, version: 1 },
      { key: 'b', value: '1', createRevision: 3, modRevision: 3, version: 1 },
    ]);
    expect(at3.header.revision).toBe(5);
    expect(range(s, { key: 'a', rangeEnd: 'c', revision: 4 }).kvs.map((kv) => [kv.key, kv.value])).toEqual([['a', '2'], ['b', '1']]);
    expect(range(s, { key: 'a', rangeEnd: 'c' }).kvs.map((kv) => [kv.key, kv.value])).toEqual([['a', '2']]);
  });

  it('a revision above the current one is etcd ErrFutureRev; below the compacted one ErrCompacted', () => {
    const s = storeWith('a', 'b', 'c'); // revision 4
    expect(errorOf(s.execute({ op: 'range', key: 'a', revision: 5 }))).toBe(ERR_FUTURE_REV);
    expect(s.execute({ op: 'compact', revision: 3 }).op).toBe('compact');
    expect(errorOf(s.execute({ op: 'range', key: 'a', revision: 2 }))).toBe(ERR_COMPACTED);
    expect(range(s, { key: 'a', revision: 3 }).kvs.map((kv) => kv.key)).toEqual(['a']);
  });

  it('an empty key is etcd ErrGRPCEmptyKey (use key "\\0" for every key)', () => {
    const s = storeWith('a');
    const r = s.execute({ op: 'range', key: '' });
    expect(r).toEqual({ op: 'error', header: { revision: 2 }, code: 'EmptyKey', error: ERR_EMPTY_KEY });
  });

  it('the KvOp get (key, prefix) is a range: same kvs as the equivalent RangeRequest', () => {
    const s = storeWith('p/1', 'p/2', 'q');
    const old = s.apply({ op: 'get', key: 'p/', prefix: true });
    expect(old).toEqual({ op: 'get', revision: 4, kvs: range(s, prefixRange('p/')).kvs });
    expect(s.apply({ op: 'get', key: '', prefix: true })).toEqual({ op: 'get', revision: 4, kvs: range(s, prefixRange('')).kvs });
  });
});
