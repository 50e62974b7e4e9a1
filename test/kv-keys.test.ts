/**
 * Keys that are names of Object.prototype behave as ordinary keys everywhere in the store
 * (issue 11 #2): puts, ranges, prefixes, deletes, txn compares, leases, watches, history,
 * dumps, snapshots, entries and the session table.
 */
import { describe, expect, it } from 'vitest';
import { KvStateMachine, KvStore } from '../src/kv/store';
import { WatchHub } from '../src/kv/watch';

const KEYS = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__'];
const LEASE = '0000000000000042';

function filled(): KvStore {
  const s = new KvStore();
  s.execute({ op: 'leaseGrant', id: LEASE, ttl: 10 });
  for (const k of KEYS) expect(s.execute({ op: 'put', key: k, value: `v:${k}`, lease: LEASE }).op).toBe('put');
  return s;
}

describe('Object.prototype names are ordinary keys', () => {
  it('put / get / range / entries / snapshot', () => {
    const s = filled();
    for (const k of KEYS) expect(s.get(k)?.value).toBe(`v:${k}`);
    expect(s.get('isPrototypeOf')).toBeUndefined();
    expect(s.size).toBe(KEYS.length);
    const all = s.execute({ op: 'range', key: '\0', rangeEnd: '\0' });
    expect(all.op === 'range' && all.kvs.map((kv) => kv.key)).toEqual([...KEYS].sort());
    const e = s.entries();
    expect(Object.keys(e)).toEqual([...KEYS].sort());
    expect(Object.getPrototypeOf(e)).toBeNull();
    expect(e.__proto__).toBe('v:__proto__');
    expect(e.constructor).toBe('v:constructor');
    const snap = s.snapshot();
    expect(Object.keys(snap.kvs)).toEqual([...KEYS].sort());
    expect(snap.kvs.hasOwnProperty).toEqual({ key: 'hasOwnProperty', value: 'v:hasOwnProperty', createRevision: 4, modRevision: 4, version: 1, lease: LEASE });
    const back = JSON.parse(JSON.stringify(snap));
    expect(Object.keys(back.kvs)).toEqual([...KEYS].sort());
  });

  it('a prefix of "__" finds exactly the keys starting with it; a delete of "__proto__" deletes only it', () => {
    const s = filled();
    const r = s.apply({ op: 'get', key: '__', prefix: true });
    expect(r.op === 'get' && r.kvs.map((kv) => kv.key)).toEqual(['__defineGetter__', '__proto__']);
    expect(s.apply({ op: 'delete', key: '__proto__' })).toMatchObject({ op: 'delete', deleted: 1 });
    expect(s.get('__proto__')).toBeUndefined();
    expect(s.get('__defineGetter__')?.value).toBe('v:__defineGetter__');
  });

  it('txn compares, leases, history and watches treat them as keys', () => {
    const s = filled();
    const t = s.execute({ op: 'txn', compare: [{ key: 'constructor', target: 'version', result: '=', value: 1 }], success: [{ op: 'put', key: 'toString', value: 'x' }], failure: [] });
    expect(t).toMatchObject({ op: 'txn', succeeded: true });
    // the put without a lease detached toString from the lease, as etcd does
    expect(s.lease(LEASE)?.keys).toEqual(KEYS.filter((k) => k !== 'toString').sort());
    expect(s.history('toString').map((v) => v.kv?.value)).toEqual(['v:toString', 'x']);
    const h = new WatchHub();
    h.watch(s, { key: '__proto__', prevKv: true });
    h.watch(s, { key: 'valueOf' });
    s.execute({ op: 'leaseRevoke', id: LEASE });
    expect(h.poll(s).map((r) => [r.watchId, r.events.map((e) => `${e.type} ${e.kv.key} prev=${e.prevKv?.value}`)])).toEqual([
      [0, ['DELETE __proto__ prev=v:__proto__']],
      [1, ['DELETE valueOf prev=undefined']],
    ]);
    expect(s.entries()).toEqual(Object.fromEntries([['toString', 'x']]));
  });

  it('dump / restore and fromSnapshot keep them', () => {
    const s = filled();
    const r = KvStore.restore(JSON.parse(JSON.stringify(s.dump())));
    expect(r.entries()).toEqual(s.entries());
    expect(r.lease(LEASE)?.keys).toEqual([...KEYS].sort());
    const plain = new KvStore();
    plain.execute({ op: 'put', key: '__proto__', value: 'p' });
    plain.execute({ op: 'put', key: 'constructor', value: 'c' });
    const p = KvStore.fromSnapshot(JSON.parse(JSON.stringify(plain.snapshot())));
    expect(p.get('__proto__')?.value).toBe('p');
    expect(p.get('constructor')?.value).toBe('c');
  });

  it('client IDs such as "__proto__" are ordinary sessions', () => {
    const sm = new KvStateMachine();
    sm.applyCommand({ type: 'kv', clientId: '__proto__', seq: 1, op: { op: 'put', key: 'a', value: '1' } });
    sm.applyCommand({ type: 'kv', clientId: 'constructor', seq: 1, op: { op: 'put', key: 'a', value: '2' } });
    const snap = sm.snapshot();
    expect(Object.keys(snap.sessions)).toEqual(['__proto__', 'constructor']);
    const back = KvStateMachine.fromSnapshot(JSON.parse(JSON.stringify(snap)));
    expect(back.session('__proto__')?.seq).toBe(1);
    expect(back.applyCommand({ type: 'kv', clientId: '__proto__', seq: 1, op: { op: 'put', key: 'a', value: '1' } })).toEqual({ op: 'put', revision: 2 });
    expect(back.store.revision).toBe(3);
  });
});
