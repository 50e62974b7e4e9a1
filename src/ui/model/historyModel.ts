/**
 * What the history panel draws, in the manner of Porcupine's visualizer: the branch's client
 * history checked for linearizability (src/check/linearizability.ts) and laid out per key, one
 * row per client (a client whose operation had an unknown outcome gets another row for the ones
 * after it), each operation a bar from its invocation to its return.
 *
 * The horizontal axis is the history's own event order, as in Porcupine: every invocation and
 * return is one slot, sorted by (ms, the engine's history order), the same real-time order the
 * checker uses. So an operation invoked in the ms another returned, but after it, is drawn after
 * it, which is exactly what makes a same-ms stale read visible. Times in ms are kept for the
 * labels and for placing the time cursor between slots.
 *
 * Pure functions of the history: no React, no clock except the checker's own time limit.
 */
import { checkLinearizability, type LinearizabilityResult } from '../../check/linearizability';
import type { HistoryRecord } from '../../sim/types';

/** One client operation as drawn. Slots are positions on the event-order axis (0-based). */
export interface HistoryOp {
  /** Index in the checked history (HistoryView.history). */
  index: number;
  record: HistoryRecord;
  /** Row within its key's block (0-based). */
  row: number;
  invokeSlot: number;
  /** The return's slot, or null when the outcome is unknown (the bar is open-ended). */
  returnSlot: number | null;
  /** Still in progress at the branch frontier (not given up: it may still return). */
  pending: boolean;
  /** In the smallest set of operations that cannot be ordered (a failing key). */
  failing: boolean;
  /** Position in the key's linearization, 1-based (a passing key), or null when it is not in it. */
  order: number | null;
}

export interface HistoryRow {
  client: string;
}

export interface HistoryKey {
  key: string;
  result: 'ok' | 'illegal' | 'unknown';
  rows: HistoryRow[];
  ops: HistoryOp[];
  /** Indices into `ops` in linearization order (a passing key); empty otherwise. */
  linearization: number[];
  /** How many operations the smallest failing set holds (a failing key), else 0. */
  failingCount: number;
}

export type HistoryVerdict = 'empty' | 'linearizable' | 'not-linearizable' | 'unknown';

export interface HistoryView {
  verdict: HistoryVerdict;
  /** The history that was checked: the branch's records, then the operations still in progress. */
  history: HistoryRecord[];
  keys: HistoryKey[];
  /** ms of each slot of the event-order axis, ascending. */
  slotMs: number[];
  /** When not linearizable: the first failing key and the size of its smallest failing set. */
  failingKey: string | null;
  failingCount: number;
  /** Operations in all linearizations drawn (passing keys). */
  linearizedCount: number;
  /** Prefix operations (range gets and deletes), which the checker does not check. */
  skippedPrefixOps: number;
  /** The wall-clock time limit the check had (ms), for the "undecided" sentence. */
  timeLimitMs: number;
}

/** The checker's budget for the panel (wall-clock ms). */
export const HISTORY_CHECK_LIMIT_MS = 1_500;

interface Point {
  ms: number;
  order: number;
}

function comparePoints(a: Point, b: Point): number {
  return a.ms - b.ms || a.order - b.order;
}

/**
 * Checks `history` (records with results; the last `pendingCount` are operations still in
 * progress, recorded as unknown) and lays it out. `now` is the checker's clock for its time limit.
 */
export function analyseHistory(history: HistoryRecord[], pendingCount: number, opts: { timeLimitMs?: number; now?: () => number } = {}): HistoryView {
  const timeLimitMs = opts.timeLimitMs ?? HISTORY_CHECK_LIMIT_MS;
  const single = history.map((r, i) => ({ r, i })).filter(({ r }) => !r.prefix);
  const skippedPrefixOps = history.length - single.length;
  if (single.length === 0) {
    return { verdict: 'empty', history, keys: [], slotMs: [], failingKey: null, failingCount: 0, linearizedCount: 0, skippedPrefixOps, timeLimitMs };
  }
  const result: LinearizabilityResult = checkLinearizability(history, { timeLimitMs, ...(opts.now ? { now: opts.now } : {}) });

  // The event-order axis: a slot per invocation and per return, ordered by (ms, order). An event
  // without an order (histories from elsewhere) sorts first in its ms when it is an invocation and
  // last when it is a return: equal ms stay concurrent, as in the checker.
  const inv: Point[] = [];
  const ret: (Point | null)[] = [];
  for (const { r } of single) {
    inv.push({ ms: r.invokeMs, order: typeof r.invokeOrder === 'number' ? r.invokeOrder : -Infinity });
    ret.push(r.result !== 'unknown' && r.returnMs !== null ? { ms: r.returnMs, order: typeof r.returnOrder === 'number' ? r.returnOrder : Infinity } : null);
  }
  const points = [...inv, ...ret.filter((p): p is Point => p !== null)].sort(comparePoints);
  const slots: Point[] = [];
  for (const p of points) if (slots.length === 0 || comparePoints(slots[slots.length - 1], p) !== 0) slots.push(p);
  const slotOf = (p: Point): number => {
    let lo = 0;
    let hi = slots.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (comparePoints(slots[mid], p) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const byRecord = new Map<HistoryRecord, number>();
  history.forEach((r, i) => byRecord.set(r, i));
  const pendingFrom = history.length - pendingCount;
  const keyResults = new Map(result.keys.map((k) => [k.key, k]));
  const groups = new Map<string, number[]>();
  single.forEach(({ r }, j) => {
    const list = groups.get(r.key) ?? [];
    list.push(j);
    groups.set(r.key, list);
  });

  const keys: HistoryKey[] = [];
  let linearizedCount = 0;
  for (const name of [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const kr = keyResults.get(name);
    const failingSet = new Set((kr?.minimalOps ?? []).map((e) => byRecord.get(e as HistoryRecord)));
    const orderOf = new Map<number, number>();
    (kr?.linearization ?? []).forEach((e, n) => {
      const i = byRecord.get(e as HistoryRecord);
      if (i !== undefined) orderOf.set(i, n + 1);
    });
    const ops: HistoryOp[] = groups.get(name)!.map((j) => {
      const { r, i } = single[j];
      const rp = ret[j];
      return {
        index: i, record: r, row: 0, invokeSlot: slotOf(inv[j]), returnSlot: rp ? slotOf(rp) : null,
        pending: i >= pendingFrom, failing: failingSet.has(i), order: orderOf.get(i) ?? null,
      };
    });
    ops.sort((a, b) => a.invokeSlot - b.invokeSlot || a.index - b.index);
    // Rows: a client's operations share its row unless one is still open (unknown outcome) when the next starts.
    const rows: HistoryRow[] = [];
    const rowEnd: number[] = [];
    const clients = [...new Set(ops.map((o) => o.record.client))].sort();
    for (const c of clients) {
      for (const o of ops.filter((x) => x.record.client === c)) {
        let row = -1;
        for (let k = 0; k < rows.length; k++) if (rows[k].client === c && rowEnd[k] < o.invokeSlot) row = row < 0 ? k : row;
        if (row < 0) {
          row = rows.length;
          rows.push({ client: c });
          rowEnd.push(-1);
        }
        o.row = row;
        rowEnd[row] = o.returnSlot ?? Infinity;
      }
    }
    const linearization = ops.map((o, k) => ({ o, k })).filter(({ o }) => o.order !== null).sort((a, b) => a.o.order! - b.o.order!).map(({ k }) => k);
    linearizedCount += linearization.length;
    keys.push({ key: name, result: kr?.result ?? 'unknown', rows, ops, linearization, failingCount: failingSet.size });
  }

  const failing = result.failingKey !== undefined ? keys.find((k) => k.key === result.failingKey) : undefined;
  return {
    verdict: result.result,
    history,
    keys,
    slotMs: slots.map((p) => p.ms),
    failingKey: failing ? failing.key : null,
    failingCount: failing ? failing.failingCount : 0,
    linearizedCount,
    skippedPrefixOps,
    timeLimitMs,
  };
}

/**
 * Where time `ms` falls on the event-order axis, as a fractional slot: after every slot at or
 * before `ms`, between two slots in proportion to the ms. Before the first slot: -0.5 at most;
 * after the last: up to 0.5 past it.
 */
export function slotAt(slotMs: number[], ms: number): number {
  const n = slotMs.length;
  if (n === 0) return 0;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (slotMs[mid] <= ms) lo = mid + 1;
    else hi = mid;
  }
  const k = lo - 1; // last slot at or before ms
  if (k < 0) return -0.5;
  if (k === n - 1) return n - 1 + (ms > slotMs[n - 1] ? 0.5 : 0);
  const a = slotMs[k];
  const b = slotMs[k + 1];
  return k + (b > a ? (ms - a) / (b - a) : 0);
}
