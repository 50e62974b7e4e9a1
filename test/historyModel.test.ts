/**
 * The history panel's model (src/ui/model/historyModel.ts): the checked client history laid out
 * per key and client on the event-order axis, with the smallest failing set and one
 * linearization marked.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../src/sim/types';
import { analyseHistory, slotAt } from '../src/ui/model/historyModel';

let order = 0;
/** A record with the engine's history order at both ends (returnMs null: unknown outcome). */
function rec(client: string, op: HistoryRecord['op'], key: string, invokeMs: number, returnMs: number | null, extra: Partial<HistoryRecord> = {}): HistoryRecord {
  const r: HistoryRecord = { client, op, key, invokeMs, invokeOrder: ++order, returnMs, result: returnMs === null ? 'unknown' : 'ok', ...extra };
  if (returnMs !== null) r.returnOrder = ++order;
  return r;
}

describe('analyseHistory', () => {
  it('an empty history (or only prefix operations) has nothing to draw', () => {
    expect(analyseHistory([], 0).verdict).toBe('empty');
    const v = analyseHistory([rec('c1', 'get', 'a/', 0, 5, { prefix: true })], 0);
    expect(v.verdict).toBe('empty');
    expect(v.skippedPrefixOps).toBe(1);
  });

  it('a same-ms stale read: the read is drawn after the write returned, and the three operations are the failing set', () => {
    order = 0;
    const putOld = rec('c1', 'put', 'x', 0, 10, { value: 'old' });
    const putNew: HistoryRecord = { client: 'c2', op: 'put', key: 'x', value: 'new', invokeMs: 20, invokeOrder: ++order, returnMs: 30, returnOrder: 0, result: 'ok' };
    putNew.returnOrder = ++order;
    // Invoked in the very ms put x=new returned, after it (a later history order).
    const stale: HistoryRecord = { client: 'c1', op: 'get', key: 'x', value: 'old', serializable: true, invokeMs: 30, invokeOrder: ++order, returnMs: 35, returnOrder: ++order, result: 'ok' };
    const v = analyseHistory([putOld, putNew, stale], 0);
    expect(v.verdict).toBe('not-linearizable');
    expect(v.failingKey).toBe('x');
    expect(v.failingCount).toBe(3);
    const ops = v.keys[0].ops;
    expect(ops.filter((o) => o.failing).map((o) => o.index).sort()).toEqual([0, 1, 2]);
    const byIndex = new Map(ops.map((o) => [o.index, o]));
    expect(byIndex.get(2)!.invokeSlot).toBeGreaterThan(byIndex.get(1)!.returnSlot!);
    expect(v.slotMs[byIndex.get(2)!.invokeSlot]).toBe(v.slotMs[byIndex.get(1)!.returnSlot!]);
    expect(ops.every((o) => o.order === null)).toBe(true);
  });

  it('a passing history carries the checker’s linearization as 1-based positions, per key', () => {
    order = 0;
    const p1 = rec('c1', 'put', 'x', 0, 10, { value: '1' });
    const g = rec('c2', 'get', 'x', 15, 30, { value: '2' }); // invoked first, read the later put
    const p2 = rec('c1', 'put', 'x', 20, 40, { value: '2' });
    const py = rec('c2', 'put', 'y', 50, 60, { value: 'a' });
    const v = analyseHistory([p1, g, p2, py], 0);
    expect(v.verdict).toBe('linearizable');
    expect(v.linearizedCount).toBe(4);
    const x = v.keys.find((k) => k.key === 'x')!;
    const orderOf = new Map(x.ops.map((o) => [o.record, o.order]));
    expect([orderOf.get(p1), orderOf.get(p2), orderOf.get(g)]).toEqual([1, 2, 3]);
    expect(x.linearization.map((i) => x.ops[i].record)).toEqual([p1, p2, g]);
    expect(v.keys.find((k) => k.key === 'y')!.ops[0].order).toBe(1);
  });

  it('an unknown outcome is open-ended, and its client’s next operation goes on a row of its own', () => {
    order = 0;
    const lost = rec('c1', 'get', 'x', 0, null);
    const next = rec('c1', 'put', 'x', 50, 60, { value: 'v' });
    const other = rec('c2', 'get', 'x', 70, 80, { value: 'v' });
    const pending = rec('c2', 'put', 'x', 90, null, { value: 'w' });
    const v = analyseHistory([lost, next, other, pending], 1);
    const ops = new Map(v.keys[0].ops.map((o) => [o.record, o]));
    expect(ops.get(lost)!.returnSlot).toBeNull();
    expect(ops.get(lost)!.pending).toBe(false);
    expect(ops.get(pending)!.pending).toBe(true);
    expect(ops.get(next)!.row).not.toBe(ops.get(lost)!.row);
    expect(v.keys[0].rows.map((r) => r.client)).toEqual(['c1', 'c1', 'c2']);
    expect(ops.get(other)!.row).toBe(ops.get(pending)!.row);
    expect(v.verdict).toBe('linearizable');
  });
});

describe('slotAt', () => {
  const slots = [0, 10, 10, 30];
  it('places a time between the slots around it, in proportion to the ms', () => {
    expect(slotAt(slots, 5)).toBeCloseTo(0.5);
    expect(slotAt(slots, 20)).toBeCloseTo(2.5);
  });
  it('puts an instant shared by several slots after all of them', () => {
    expect(slotAt(slots, 10)).toBe(2);
  });
  it('stays just outside the axis before the first and after the last event', () => {
    expect(slotAt(slots, -1)).toBe(-0.5);
    expect(slotAt(slots, 30)).toBe(3);
    expect(slotAt(slots, 99)).toBe(3.5);
  });
});
