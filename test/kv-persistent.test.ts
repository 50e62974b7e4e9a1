/**
 * The store's persistent structures, checked against plain models under seeded random
 * workloads: the ordered map (src/kv/sortedMap.ts, a copy-on-write B+tree: contents, order,
 * ranges, persistence of old versions, height) and the shared append-only event log
 * (src/kv/eventLog.ts: clones that append in any interleaving never see each other's entries).
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { AppendLog, LOG_CHUNK } from '../src/kv/eventLog';
import { SortedMap } from '../src/kv/sortedMap';

const sortedEntries = (m: Map<string, number>) => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

describe('SortedMap (the key index, a persistent B+tree)', () => {
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

  it('10,000 keys in ascending, descending or random order make a tree of height at most 4', () => {
    const rng = seedrandom('kv-sortedmap-height');
    const names = Array.from({ length: 10_000 }, (_, i) => `key/${String(i).padStart(5, '0')}`);
    const shuffled = [...names].sort(() => rng() - 0.5);
    for (const order of [names, [...names].reverse(), shuffled]) {
      let m = SortedMap.empty<number>();
      order.forEach((k, i) => (m = m.set(k, i)));
      expect(m.size).toBe(10_000);
      expect(m.keys()).toEqual(names);
      // 16 to 32 keys per leaf: 10,000 keys need 3 or 4 levels (a treap or a list would need 30 or 10,000)
      expect(m.height()).toBeLessThanOrEqual(4);
      expect(m.height()).toBeGreaterThanOrEqual(3);
    }
  });

  it('deleting every key but a few, in random order, keeps the map consistent and shrinks the tree', () => {
    const rng = seedrandom('kv-sortedmap-shrink');
    const names = Array.from({ length: 2_000 }, (_, i) => `k${String(i).padStart(4, '0')}`);
    let m = SortedMap.of(names.map((k, i) => [k, i] as [string, number]));
    const keep = new Set(['k0007', 'k1234', 'k1999']);
    for (const k of [...names].sort(() => rng() - 0.5)) if (!keep.has(k)) m = m.delete(k);
    expect(m.entries()).toEqual([['k0007', 7], ['k1234', 1234], ['k1999', 1999]]);
    expect(m.height()).toBeLessThanOrEqual(2);
    expect(m.update(() => undefined).size).toBe(0);
    expect(m.update(() => undefined).entries()).toEqual([]);
  });
});

describe('AppendLog (the event log shared between store clones)', () => {
  it('clones appending in a random interleaving each read exactly their own entries', () => {
    const rng = seedrandom('kv-appendlog');
    const logs: Array<{ log: AppendLog<number>; model: number[] }> = [{ log: new AppendLog<number>(), model: [] }];
    for (let step = 0; step < 20_000; step++) {
      const i = Math.floor(rng() * logs.length);
      if (rng() < 0.002 && logs.length < 12) {
        logs.push({ log: logs[i].log.clone(), model: [...logs[i].model] });
      } else {
        logs[i].log.push(step);
        logs[i].model.push(step);
      }
    }
    expect(logs.length).toBeGreaterThan(5);
    for (const { log, model } of logs) {
      expect(log.length).toBe(model.length);
      expect(log.slice()).toEqual(model);
      expect(log.at(model.length)).toBeUndefined();
    }
    expect(Math.max(...logs.map((l) => l.model.length))).toBeGreaterThan(2 * LOG_CHUNK);
  });

  it('is built from an array across chunk boundaries and slices from any start', () => {
    const items = Array.from({ length: 2 * LOG_CHUNK + 5 }, (_, i) => i);
    const log = new AppendLog(items);
    expect(log.length).toBe(items.length);
    expect(log.at(LOG_CHUNK)).toBe(LOG_CHUNK);
    expect(log.slice(2 * LOG_CHUNK)).toEqual([2048, 2049, 2050, 2051, 2052]);
    log.push(-1);
    expect(log.at(items.length)).toBe(-1);
    expect(items.length).toBe(2 * LOG_CHUNK + 5); // the input was copied
  });
});
