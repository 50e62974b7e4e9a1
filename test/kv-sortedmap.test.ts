/**
 * The store's persistent ordered map (src/kv/sortedMap.ts), checked against a plain Map model
 * under a seeded random workload: contents, order, ranges, persistence of old versions, balance.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { SortedMap } from '../src/kv/sortedMap';

const sortedEntries = (m: Map<string, number>) => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

describe('SortedMap (the key index, a persistent treap)', () => {
  it('matches a Map model under 5,000 random sets and deletes, in ascending key order', () => {
    const rng = seedrandom('kv-sortedmap-model');
    let m = SortedMap.empty<number>();
    const model = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const key = `k${Math.floor(rng() * 300)}`;
      if (rng() < 0.3) {
        m = m.delete(key);
        model.delete(key);
      } else {
        m = m.set(key, i);
        model.set(key, i);
      }
      if (i % 500 === 0) expect(m.entries()).toEqual(sortedEntries(model));
    }
    expect(m.size).toBe(model.size);
    expect(m.entries()).toEqual(sortedEntries(model));
    for (const [k, v] of model) expect(m.get(k)).toBe(v);
    expect(m.get('absent')).toBeUndefined();
    expect(m.has('absent')).toBe(false);
  });

  it('every old version stays exactly as it was after later updates (persistence)', () => {
    const rng = seedrandom('kv-sortedmap-persistence');
    const versions: Array<{ map: SortedMap<number>; expected: Array<[string, number]> }> = [];
    let m = SortedMap.empty<number>();
    const model = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const key = `k${Math.floor(rng() * 50)}`;
      if (rng() < 0.25) {
        m = m.delete(key);
        model.delete(key);
      } else {
        m = m.set(key, i);
        model.set(key, i);
      }
      if (i % 40 === 0) versions.push({ map: m, expected: sortedEntries(model) });
    }
    for (const v of versions) expect(v.map.entries()).toEqual(v.expected);
  });

  it('forEachInRange visits exactly the keys in [start, end), ascending, and stops when asked', () => {
    const keys = ['a', 'b', 'b/1', 'b/2', 'b0', 'c', 'd'];
    const m = SortedMap.of(keys.map((k, i) => [k, i] as const));
    const visit = (start: string, end: string | null) => {
      const seen: string[] = [];
      m.forEachInRange(start, end, (k) => {
        seen.push(k);
      });
      return seen;
    };
    expect(visit('b', 'c')).toEqual(['b', 'b/1', 'b/2', 'b0']);
    expect(visit('b/', 'b0')).toEqual(['b/1', 'b/2']);
    expect(visit('b0', null)).toEqual(['b0', 'c', 'd']);
    expect(visit('c', 'b')).toEqual([]);
    expect(visit('', null)).toEqual(keys);
    const firstTwo: string[] = [];
    m.forEachInRange('a', null, (k) => {
      firstTwo.push(k);
      return firstTwo.length < 2;
    });
    expect(firstTwo).toEqual(['a', 'b']);
  });

  it('update maps values, drops keys for undefined, and returns the same map when nothing changed', () => {
    const m = SortedMap.of<number>([['a', 1], ['b', 2], ['c', 3], ['d', 4]]);
    const odd = m.update((_k, v) => (v % 2 === 1 ? v * 10 : undefined));
    expect(odd.entries()).toEqual([['a', 10], ['c', 30]]);
    expect(odd.size).toBe(2);
    expect(m.entries()).toEqual([['a', 1], ['b', 2], ['c', 3], ['d', 4]]);
    expect(m.update((_k, v) => v)).toBe(m);
    expect(m.delete('zzz')).toBe(m);
  });

  it('the shape depends only on the keys: inserting 10,000 keys in order stays about log-height', () => {
    let m = SortedMap.empty<number>();
    for (let i = 0; i < 10_000; i++) m = m.set(`key/${String(i).padStart(5, '0')}`, i);
    expect(m.size).toBe(10_000);
    // a balanced tree is 14 high; a degenerate one (a list) would be 10,000
    expect(m.height()).toBeLessThan(50);
    let r = SortedMap.empty<number>();
    for (let i = 9_999; i >= 0; i--) r = r.set(`key/${String(i).padStart(5, '0')}`, i);
    expect(r.height()).toBe(m.height());
  });
});
