import { describe, expect, it } from 'vitest';
import { parseHistoryJson, type HistoryEntry } from '../src/check/history';
import { checkLinearizability, type LinearizabilityResult } from '../src/check/linearizability';
import { generateRegisterHistory } from '../src/check/registerHistory';
import { RandomStream } from '../src/sim/rng';

// ---------------------------------------------------------------------------------------------
// Helpers to write histories: [invokeMs, returnMs]; returnMs null = unknown outcome.

type Span = [number, number | null];
const base = (client: string, key: string, [invokeMs, returnMs]: Span): Omit<HistoryEntry, 'op'> => ({
  client,
  key,
  invokeMs,
  returnMs,
  result: returnMs === null ? 'unknown' : 'ok',
});
const put = (client: string, key: string, value: string, span: Span): HistoryEntry => ({ ...base(client, key, span), op: 'put', value });
const get = (client: string, key: string, value: string | null, span: Span): HistoryEntry => {
  const e: HistoryEntry = { ...base(client, key, span), op: 'get' };
  if (e.result === 'ok') e.value = value;
  return e;
};
const del = (client: string, key: string, span: Span): HistoryEntry => ({ ...base(client, key, span), op: 'delete' });
const cas = (client: string, key: string, from: string | null, to: string, span: Span, result?: 'ok' | 'fail'): HistoryEntry => ({
  ...base(client, key, span),
  op: 'cas',
  from,
  to,
  ...(result ? { result } : {}),
});

/** The same entry with the simulator's global event order of its invoke and return. */
const ord = (e: HistoryEntry, invokeOrder: number, returnOrder: number | null): HistoryEntry => ({ ...e, invokeOrder, returnOrder });
const noOrders = ({ invokeOrder: _i, returnOrder: _r, ...e }: HistoryEntry): HistoryEntry => e;

const check = (h: HistoryEntry[]): LinearizabilityResult => checkLinearizability(h, { timeLimitMs: 30_000 });

/**
 * The real-time rule, written out: a must come before b when a returned before b was invoked:
 * a.returnMs < b.invokeMs, or equal ms and both carry orders with a.returnOrder < b.invokeOrder.
 * An unknown outcome has no return.
 */
function precedes(a: HistoryEntry, b: HistoryEntry): boolean {
  if (a.result === 'unknown' || a.returnMs === null) return false;
  if (a.returnMs !== b.invokeMs) return a.returnMs < b.invokeMs;
  return typeof a.returnOrder === 'number' && typeof b.invokeOrder === 'number' && a.returnOrder < b.invokeOrder;
}

/** Apply a register operation to `state`; undefined when it is illegal there. */
function apply(e: HistoryEntry, state: string | null): { state: string | null } | undefined {
  switch (e.op) {
    case 'put':
      return { state: e.value as string };
    case 'delete':
      return { state: null };
    case 'get':
      return state === e.value ? { state } : undefined;
    case 'cas':
      if (e.result === 'fail') return state !== e.from ? { state } : undefined;
      return state === e.from ? { state: e.to as string } : undefined;
  }
}

/** Is `seq` a legal register sequence (from the absent value) that respects real time? */
function legalSequence(seq: HistoryEntry[]): boolean {
  let state: string | null = null;
  for (let i = 0; i < seq.length; i++) {
    const r = apply(seq[i], state);
    if (!r) return false;
    state = r.state;
    for (let j = i + 1; j < seq.length; j++) if (precedes(seq[j], seq[i])) return false;
  }
  return true;
}

/**
 * Brute force reference for one key: try every subset of the unknown writes and every order
 * that respects real time. Exponential: only for a handful of operations.
 */
function bruteForce(h: HistoryEntry[]): boolean {
  const required: HistoryEntry[] = [];
  const optional: HistoryEntry[] = [];
  for (const e of h) {
    if (e.result === 'unknown') {
      if (e.op !== 'get') optional.push(e);
    } else if (e.result === 'ok' || e.op === 'cas') {
      required.push(e);
    }
  }
  const asOk = (e: HistoryEntry): HistoryEntry => (e.result === 'unknown' ? { ...e, result: 'ok' } : e);
  const rec = (rest: HistoryEntry[], state: string | null): boolean => {
    if (rest.length === 0) return true;
    for (let i = 0; i < rest.length; i++) {
      const x = rest[i];
      if (rest.some((y) => precedes(y, x))) continue;
      const r = apply(asOk(x), state);
      if (r && rec(rest.filter((_, j) => j !== i), r.state)) return true;
    }
    return false;
  };
  for (let mask = 0; mask < 1 << optional.length; mask++) {
    if (rec(required.concat(optional.filter((_, i) => mask & (1 << i))), null)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------

describe('checkLinearizability: basics', () => {
  it('accepts a sequential put then get of the written value', () => {
    const h = [put('c1', 'x', '1', [0, 10]), get('c2', 'x', '1', [20, 30])];
    const r = check(h);
    expect(r.result).toBe('linearizable');
    expect(r.keys).toEqual([{ key: 'x', result: 'ok', operations: 2, linearization: h }]);
    expect(r.failingKey).toBeUndefined();
  });

  it('accepts a get that sees either value of a concurrent put', () => {
    const before = [put('c1', 'x', '1', [0, 10]), put('c1', 'x', '2', [20, 40]), get('c2', 'x', '1', [25, 35])];
    const after = [put('c1', 'x', '1', [0, 10]), put('c1', 'x', '2', [20, 40]), get('c2', 'x', '2', [25, 35])];
    expect(check(before).result).toBe('linearizable');
    expect(check(after).result).toBe('linearizable');
  });

  it('rejects a get of the initial (absent) value after a put returned', () => {
    expect(check([put('c1', 'x', '1', [0, 10]), get('c2', 'x', null, [11, 20])]).result).toBe('not-linearizable');
    expect(check([get('c2', 'x', null, [0, 5]), put('c1', 'x', '1', [10, 20])]).result).toBe('linearizable');
  });

  it('rejects a read of a value nobody wrote', () => {
    const r = check([put('c1', 'x', '1', [0, 10]), get('c2', 'x', '7', [20, 30])]);
    expect(r.result).toBe('not-linearizable');
    expect(r.minimalOps).toEqual([get('c2', 'x', '7', [20, 30])]);
  });

  it('applies delete: a get after it finds the key absent, not the old value', () => {
    expect(check([put('c1', 'x', '1', [0, 10]), del('c1', 'x', [20, 30]), get('c2', 'x', null, [40, 50])]).result).toBe(
      'linearizable',
    );
    const stale = [put('c1', 'x', '1', [0, 10]), del('c1', 'x', [20, 30]), get('c2', 'x', '1', [40, 50])];
    const r = check(stale);
    expect(r.result).toBe('not-linearizable');
    expect(r.minimalOps).toEqual(stale);
  });

  it('treats equal timestamps as concurrent (return == invoke may still be ordered either way)', () => {
    // The get is invoked exactly when the put returns: it may be ordered before the put.
    expect(check([put('c1', 'x', '1', [0, 10]), get('c2', 'x', null, [10, 20])]).result).toBe('linearizable');
    // One ms later it may not.
    expect(check([put('c1', 'x', '1', [0, 10]), get('c2', 'x', null, [11, 20])]).result).toBe('not-linearizable');
    // Zero-length operations at the same instant.
    expect(check([put('c1', 'x', '1', [5, 5]), get('c2', 'x', null, [5, 5]), get('c3', 'x', '1', [5, 5])]).result).toBe(
      'linearizable',
    );
  });

  it('ignores failed put/get/delete and prefix gets (counted as skipped), and a prefix delete that covers none of its keys', () => {
    const h: HistoryEntry[] = [
      put('c1', 'x', '1', [0, 10]),
      { ...put('c1', 'x', '2', [20, 30]), result: 'fail' },
      { ...del('c1', 'x', [31, 32]), result: 'fail' },
      { client: 'c2', op: 'get', key: 'x', invokeMs: 33, returnMs: 34, result: 'fail' },
      { client: 'c2', op: 'get', key: 'x', prefix: true, invokeMs: 35, returnMs: 36, result: 'ok', response: { kvs: [] } },
      // Deletes every key starting with "y": none of this history's keys.
      { client: 'c2', op: 'delete', key: 'y', prefix: true, invokeMs: 35, returnMs: 36, result: 'ok' },
      get('c2', 'x', '1', [40, 50]),
    ];
    const r = check(h);
    expect(r.result).toBe('linearizable');
    expect(r.skippedPrefixOps).toBe(1);
    // The failed ones are not in the linearization either: only the put and the get it explains.
    expect(r.keys).toEqual([{ key: 'x', result: 'ok', operations: 5, linearization: [h[0], h[6]] }]);
  });
});

describe('checkLinearizability: stale reads and diagnostics', () => {
  // put 1, then put 2 returns, then a get returns 1: the classic stale read.
  const p1 = put('c1', 'x', '1', [0, 10]);
  const p2 = put('c1', 'x', '2', [20, 30]);
  const fresh = get('c3', 'x', '2', [32, 38]);
  const stale = get('c2', 'x', '1', [40, 50]);
  const later = put('c1', 'x', '3', [60, 70]);
  const after = get('c3', 'x', '3', [80, 90]);
  const history = [p1, p2, fresh, stale, later, after];

  it('reports a stale read as not linearizable, shrunk to exactly the two puts and the get', () => {
    const r = check(history);
    expect(r.result).toBe('not-linearizable');
    expect(r.failingKey).toBe('x');
    expect(r.minimalOps).toEqual([p1, p2, stale]);
    expect(r.keys[0].minimalOps).toEqual([p1, p2, stale]);
    expect(r.explanation).toBe(
      'key "x": get by c2 returned "1" at 50 ms but no ordering of the 3 operations below is consistent with a register',
    );
  });

  it('reports the longest linearizable prefix as partialOrder', () => {
    const r = check(history);
    const po = r.partialOrder as HistoryEntry[];
    expect(po.length).toBe(3); // put 1, put 2, get 2: the stale get can never come next
    expect(po).toEqual([p1, p2, fresh]);
    expect(legalSequence(po)).toBe(true);
  });

  it('the minimal set is itself non-linearizable and every single removal makes it linearizable', () => {
    const r = check(history);
    const min = r.minimalOps as HistoryEntry[];
    expect(bruteForce(min)).toBe(false);
    // Removing put 1 leaves a read of a value nobody wrote, which the shrinker avoids on purpose;
    // the other removals make it linearizable.
    expect(bruteForce([p1, stale])).toBe(true);
    expect(bruteForce([p1, p2])).toBe(true);
  });

  it('a stale serializable read is still checked (and caught)', () => {
    const r = check([p1, p2, { ...stale, serializable: true }]);
    expect(r.result).toBe('not-linearizable');
  });
});

describe('checkLinearizability: order within a ms (invokeOrder, returnOrder)', () => {
  // put 1, then put 2 returning at 477 ms; in that same ms, after the return (a larger order), a
  // get is invoked and reads the older value 1: a stale read hidden inside one ms.
  const w1 = ord(put('c1', 'x', '1', [400, 410]), 1, 2);
  const w2 = ord(put('c1', 'x', '2', [470, 477]), 3, 4);

  it('one client: its next get, invoked in the ms its put returned, cannot read the older value', () => {
    const g = ord(get('c1', 'x', '1', [477, 490]), 5, 6);
    const r = check([w1, w2, g]);
    expect(r.result).toBe('not-linearizable');
    expect(r.minimalOps).toEqual([w1, w2, g]);
    expect(r.explanation).toBe(
      'key "x": get by c1 returned "1" at 490 ms but no ordering of the 3 operations below is consistent with a register',
    );
    expect(r.partialOrder).toEqual([w1, w2]);
  });

  it('two clients: a get invoked in that ms after the return cannot read the older value either', () => {
    const g = ord(get('c2', 'x', '1', [477, 477]), 5, 6);
    const r = check([w1, w2, g]);
    expect(r.result).toBe('not-linearizable');
    expect(r.minimalOps).toEqual([w1, w2, g]);
  });

  it('a get invoked in that ms before the return (a smaller order) is concurrent with the put', () => {
    const w2late = ord(put('c1', 'x', '2', [470, 477]), 3, 5);
    const g = ord(get('c2', 'x', '1', [477, 480]), 4, 6);
    expect(check([w1, w2late, g]).result).toBe('linearizable');
  });

  it('without orders, or when only one of the two carries them, equal ms stay concurrent (the old rule)', () => {
    const g = ord(get('c1', 'x', '1', [477, 490]), 5, 6);
    expect(check([w1, w2, g].map(noOrders)).result).toBe('linearizable');
    expect(check([w1, noOrders(w2), g]).result).toBe('linearizable');
    expect(check([w1, w2, noOrders(g)]).result).toBe('linearizable');
    // Only the return of the put lacks its order: still concurrent.
    expect(check([w1, { ...w2, returnOrder: undefined }, g]).result).toBe('linearizable');
  });

  it('orders at distinct ms change nothing: the ms decide', () => {
    const g = ord(get('c2', 'x', '1', [478, 490]), 5, 6);
    expect(check([w1, w2, g]).result).toBe('not-linearizable');
    expect(check([w1, w2, g].map(noOrders)).result).toBe('not-linearizable');
  });

  it('an unknown outcome keeps no return: its returnOrder is ignored', () => {
    // The unknown put of 3 may take effect at any time after its invoke, so a later read of 3 is fine.
    const u = { ...ord(put('c3', 'x', '3', [477, null]), 5, 6) };
    const g = ord(get('c2', 'x', '3', [477, 480]), 7, 8);
    expect(check([w1, w2, u, g]).result).toBe('linearizable');
  });

  it('matches a brute-force checker of the (ms, order) rule on 2000 random histories full of same-ms events', () => {
    const stream = new RandomStream(20240602, 'brute-force-orders');
    const rnd = (): number => stream.next();
    const int = (n: number): number => Math.floor(rnd() * n);
    const vals = ['a', 'b', 'c'];
    let illegal = 0;
    let orderDecides = 0;
    for (let iter = 0; iter < 2000; iter++) {
      const n = 2 + int(6);
      const h: HistoryEntry[] = [];
      for (let i = 0; i < n; i++) {
        const inv = int(4);
        const span: Span = [inv, rnd() < 0.2 ? null : inv + int(2)];
        const kind = int(10);
        const v = vals[int(3)];
        if (kind < 4) h.push(get(`c${i}`, 'x', rnd() < 0.25 ? null : v, span));
        else if (kind < 7) h.push(put(`c${i}`, 'x', v, span));
        else if (kind < 8) h.push(del(`c${i}`, 'x', span));
        else h.push(cas(`c${i}`, 'x', rnd() < 0.3 ? null : vals[int(3)], v, span, span[1] === null ? undefined : 'ok'));
      }
      // One counter over the run: every invoke and return in (ms, random) order, an operation's
      // invoke before its return.
      const evs: { op: number; ret: boolean; ms: number; tie: number }[] = [];
      h.forEach((e, op) => {
        evs.push({ op, ret: false, ms: e.invokeMs, tie: rnd() });
        if (e.returnMs !== null) evs.push({ op, ret: true, ms: e.returnMs, tie: rnd() });
      });
      evs.sort((x, y) => x.ms - y.ms || (x.op === y.op ? Number(x.ret) - Number(y.ret) : x.tie - y.tie));
      evs.forEach((ev, i) => {
        if (ev.ret) h[ev.op].returnOrder = i;
        else h[ev.op].invokeOrder = i;
      });
      for (const e of h) if (e.result === 'unknown') e.returnOrder = null;
      // Half the histories: results of a real register, each operation taking effect at one
      // point between its invoke and its return in that total order (then maybe corrupt one).
      if (iter % 2 === 0) {
        const points = h.map((e) => {
          const lo = e.invokeOrder as number;
          const hi = e.result === 'unknown' ? evs.length : (e.returnOrder as number);
          return lo + rnd() * (hi - lo);
        });
        const order = h.map((_, i) => i).sort((x, y) => points[x] - points[y]);
        let state: string | null = null;
        for (const i of order) {
          const e = h[i];
          if (e.result === 'unknown' && rnd() < 0.5) continue;
          if (e.op === 'get') {
            if (e.result === 'ok') e.value = state;
          } else if (e.op === 'put') state = e.value as string;
          else if (e.op === 'delete') state = null;
          else if (state === e.from) state = e.to as string;
          else if (e.result !== 'unknown') e.result = 'fail';
        }
        if (rnd() < 0.3) {
          const gets = h.filter((e) => e.op === 'get' && e.result === 'ok');
          if (gets.length > 0) gets[int(gets.length)].value = vals[int(3)];
        }
      }
      // Some operations without orders (then equal ms are concurrent for them).
      for (let i = 0; i < n; i++) if (rnd() < 0.15) h[i] = noOrders(h[i]);
      const expected = bruteForce(h);
      const r = checkLinearizability(h);
      expect({ h, result: r.result }).toEqual({ h, result: expected ? 'linearizable' : 'not-linearizable' });
      if (expected !== bruteForce(h.map(noOrders))) orderDecides++;
      if (!expected) {
        illegal++;
        const min = r.minimalOps as HistoryEntry[];
        expect(min.every((e) => e.result !== 'unknown')).toBe(true);
        expect(bruteForce(min)).toBe(false);
        expect(legalSequence(r.partialOrder as HistoryEntry[])).toBe(true);
      }
    }
    expect(illegal).toBeGreaterThan(500);
    // Some of them only the orders decide (without the orders they would be linearizable).
    expect(orderDecides).toBeGreaterThan(60);
  });
});

describe('checkLinearizability: what the shrinker counts as a write', () => {
  /** The explanation, checked again on its own: it must still be a set that cannot be ordered. */
  const explain = (h: HistoryEntry[]): HistoryEntry[] => {
    const r = check(h);
    expect(r.result).toBe('not-linearizable');
    const min = r.minimalOps as HistoryEntry[];
    expect(check(min).result).toBe('not-linearizable');
    expect(bruteForce(min)).toBe(false);
    return min;
  };
  const pa = put('c1', 'x', 'a', [0, 10]);
  const pb = put('c2', 'x', 'b', [20, 30]);
  const ga = get('c3', 'x', 'a', [40, 50]);

  it('an ok cas(a -> a) does not write a: the explanation keeps the put of a and the put that overwrote it', () => {
    const c = cas('c3', 'x', 'a', 'a', [40, 50], 'ok');
    expect(explain([pa, pb, c])).toEqual([pa, pb, c]);
  });

  it('an unknown cas(a -> a) does not write a either: the explanation is not the lone read', () => {
    const u = cas('c4', 'x', 'a', 'a', [5, null]);
    expect(explain([pa, u, pb, ga])).toEqual([pa, pb, ga]);
  });

  it('an unknown cas(z -> a) writes nothing when nothing can write z: the explanation is not the lone read', () => {
    const u = cas('c4', 'x', 'z', 'a', [5, null]);
    expect(explain([pa, u, pb, ga])).toEqual([pa, pb, ga]);
  });

  it('a read is explained by the ok write it read, not by a chain of unknown cas that cannot help', () => {
    // put 4, then put 0 and put 1; a get returns 4. Unknown cas(0 -> 3) and cas(3 -> 4) could
    // turn the 0 into a 4, but not once put 1 followed: a stale read of put 4's value.
    const p4 = put('c1', 'x', '4', [0, 10]);
    const p0 = put('c2', 'x', '0', [20, 21]);
    const p1 = put('c2', 'x', '1', [22, 23]);
    const g4 = get('c3', 'x', '4', [30, 31]);
    const u03 = cas('c4', 'x', '0', '3', [5, null]);
    const u34 = cas('c5', 'x', '3', '4', [5, null]);
    expect(explain([p4, u03, u34, p0, p1, g4])).toEqual([p4, p1, g4]);
  });

  it('a cas chain from a written value does write: reads it explains are no failure', () => {
    const pz = put('c1', 'x', 'z', [0, 10]);
    const c1 = cas('c2', 'x', 'z', 'y', [12, 14], 'ok');
    const c2 = cas('c3', 'x', 'y', 'a', [16, null]);
    expect(check([pz, c1, c2, get('c4', 'x', 'a', [40, 50])]).result).toBe('linearizable');
    // Without the put of z nothing can start the chain; the explanation is the lone ok cas
    // (a compare against a value nobody wrote), never the read of a.
    const r = check([c1, c2, get('c4', 'x', 'a', [40, 50])]);
    expect(r.result).toBe('not-linearizable');
    expect(r.minimalOps).toEqual([c1]);
  });
});

describe('checkLinearizability: classic register examples (after the Porcupine README)', () => {
  // The register starts absent here (Porcupine's starts at 0): "absent" plays the role of 0.
  it('linearizable: a write overlapped by a read of the new and a read of the old value', () => {
    // C0: |-------- write 100 --------|       C1:   |--- read 100 ---|       C2:     |- read 0 -|
    const h = [put('c0', 'r', '100', [0, 100]), get('c1', 'r', '100', [25, 75]), get('c2', 'r', null, [30, 60])];
    expect(check(h).result).toBe('linearizable');
  });

  it('not linearizable: the old value is read after a read of the new value returned', () => {
    // C0: |------------- write 200 -------------|   C1: |- read 200 -|   C2:       |- read 0 -|
    const h = [put('c0', 'r', '200', [0, 100]), get('c1', 'r', '200', [10, 30]), get('c2', 'r', null, [40, 90])];
    const r = check(h);
    expect(r.result).toBe('not-linearizable');
    expect(r.minimalOps).toHaveLength(3);
  });

  it('not linearizable: two writes seen in opposite orders by two readers', () => {
    const h = [
      put('c0', 'r', 'a', [0, 100]),
      put('c1', 'r', 'b', [0, 100]),
      get('c2', 'r', 'a', [10, 20]),
      get('c2', 'r', 'b', [30, 40]),
      get('c3', 'r', 'b', [10, 20]),
      get('c3', 'r', 'a', [30, 40]),
    ];
    expect(check(h).result).toBe('not-linearizable');
    // Each reader alone is fine.
    expect(check(h.slice(0, 4)).result).toBe('linearizable');
  });
});

describe('checkLinearizability: cas', () => {
  it('an ok cas needs the compare to hold and swaps the value', () => {
    expect(check([put('c1', 'x', 'a', [0, 10]), cas('c2', 'x', 'a', 'b', [20, 30], 'ok'), get('c3', 'x', 'b', [40, 50])]).result).toBe(
      'linearizable',
    );
    expect(check([put('c1', 'x', 'a', [0, 10]), cas('c2', 'x', 'z', 'b', [20, 30], 'ok')]).result).toBe('not-linearizable');
    expect(check([cas('c2', 'x', null, 'b', [0, 10], 'ok'), get('c3', 'x', 'b', [20, 30])]).result).toBe('linearizable');
  });

  it('a failed cas needs the compare to fail and changes nothing', () => {
    expect(check([put('c1', 'x', 'a', [0, 10]), cas('c2', 'x', 'z', 'b', [20, 30], 'fail'), get('c3', 'x', 'a', [40, 50])]).result).toBe(
      'linearizable',
    );
    expect(check([put('c1', 'x', 'a', [0, 10]), cas('c2', 'x', 'a', 'b', [20, 30], 'fail')]).result).toBe('not-linearizable');
    expect(check([put('c1', 'x', 'a', [0, 10]), cas('c2', 'x', 'z', 'b', [20, 30], 'fail'), get('c3', 'x', 'b', [40, 50])]).result).toBe(
      'not-linearizable',
    );
    // concurrent with a put that changes the value: the failure can be explained
    expect(check([put('c1', 'x', 'a', [0, 10]), put('c1', 'x', 'c', [20, 40]), cas('c2', 'x', 'a', 'b', [25, 30], 'fail')]).result).toBe(
      'linearizable',
    );
  });

  it('two concurrent cas from the same value cannot both succeed (lost update)', () => {
    const bothOk = [put('c1', 'x', 'a', [0, 10]), cas('c2', 'x', 'a', 'b', [20, 30], 'ok'), cas('c3', 'x', 'a', 'c', [20, 30], 'ok')];
    expect(check(bothOk).result).toBe('not-linearizable');
    const oneFails = [put('c1', 'x', 'a', [0, 10]), cas('c2', 'x', 'a', 'b', [20, 30], 'ok'), cas('c3', 'x', 'a', 'c', [20, 30], 'fail')];
    expect(check(oneFails).result).toBe('linearizable');
  });

  it('an unknown cas may have swapped the value', () => {
    const h = [put('c1', 'x', 'a', [0, 10]), cas('c2', 'x', 'a', 'b', [20, null]), get('c3', 'x', 'b', [100, 110])];
    expect(check(h).result).toBe('linearizable');
    // but only if its compare could hold
    const h2 = [put('c1', 'x', 'z', [0, 10]), cas('c2', 'x', 'a', 'b', [20, null]), get('c3', 'x', 'b', [100, 110])];
    expect(check(h2).result).toBe('not-linearizable');
  });
});

describe('checkLinearizability: unknown outcomes', () => {
  it('an unknown put that must have taken effect to explain a later read is fine', () => {
    const h = [put('c1', 'x', '1', [0, 10]), put('c2', 'x', '2', [20, null]), get('c3', 'x', '2', [500, 510])];
    expect(check(h).result).toBe('linearizable');
  });

  it('an unknown put that is never observed is fine (it may never have happened)', () => {
    const h = [put('c1', 'x', '1', [0, 10]), put('c2', 'x', '2', [20, null]), get('c3', 'x', '1', [500, 510])];
    expect(check(h).result).toBe('linearizable');
  });

  it('an unknown put observed before it was invoked is not linearizable', () => {
    const h = [get('c3', 'x', '2', [0, 10]), put('c2', 'x', '2', [20, null])];
    const r = check(h);
    expect(r.result).toBe('not-linearizable');
    // unknowns are never part of minimalOps (they can always be left out)
    expect(r.minimalOps).toEqual([h[0]]);
  });

  it('an unknown put can take effect late but only once', () => {
    // Read 2, then 3 overwrote it, then 2 again: one unknown put of 2 cannot explain both.
    const h = [
      put('c2', 'x', '2', [0, null]),
      get('c3', 'x', '2', [10, 20]),
      put('c1', 'x', '3', [30, 40]),
      get('c3', 'x', '3', [50, 60]),
      get('c3', 'x', '2', [70, 80]),
    ];
    expect(check(h).result).toBe('not-linearizable');
    // A second unknown put of 2 makes it possible.
    expect(check([...h, put('c4', 'x', '2', [45, null])]).result).toBe('linearizable');
  });

  it('an unknown delete may explain a failed cas much later', () => {
    const h = [put('c1', 'x', 'a', [0, 10]), del('c2', 'x', [20, null]), cas('c3', 'x', 'a', 'b', [1000, 1010], 'fail')];
    expect(check(h).result).toBe('linearizable');
    expect(check([h[0], h[2]]).result).toBe('not-linearizable');
  });

  it('an unknown get constrains nothing', () => {
    expect(check([put('c1', 'x', '1', [0, 10]), get('c2', 'x', null, [20, null])]).result).toBe('linearizable');
  });

  it('returnMs of an unknown entry is ignored (treated as +infinity)', () => {
    const h: HistoryEntry[] = [
      { ...put('c2', 'x', '2', [20, 30]), result: 'unknown' },
      get('c3', 'x', '2', [500, 510]),
    ];
    expect(check(h).result).toBe('linearizable');
  });
});

describe('checkLinearizability: keys are independent', () => {
  it('a bad key does not implicate the others; the result names it', () => {
    const h = [
      put('c1', 'a', '1', [0, 10]),
      get('c2', 'a', '1', [20, 30]),
      put('c1', 'b', '1', [0, 10]),
      put('c1', 'b', '2', [20, 30]),
      get('c2', 'b', '1', [40, 50]),
      put('c1', 'c', '1', [0, 10]),
      get('c2', 'c', '1', [5, 15]),
    ];
    const r = check(h);
    expect(r.result).toBe('not-linearizable');
    expect(r.failingKey).toBe('b');
    expect(r.keys.map((k) => [k.key, k.result])).toEqual([
      ['a', 'ok'],
      ['b', 'illegal'],
      ['c', 'ok'],
    ]);
    expect(r.minimalOps?.every((e) => e.key === 'b')).toBe(true);
    expect(r.keys[0].minimalOps).toBeUndefined();
  });

  it('a write to one key never explains a read of another', () => {
    expect(check([put('c1', 'a', '1', [0, 10]), get('c2', 'b', '1', [20, 30])]).result).toBe('not-linearizable');
  });
});

/** A delete of every key starting with `prefix` (result ok, or unknown when returnMs is null). */
const delPrefix = (client: string, prefix: string, span: Span, deleted: string[] = []): HistoryEntry => ({
  ...base(client, prefix, span),
  op: 'delete',
  prefix: true,
  ...(span[1] === null ? {} : { response: { op: 'delete', deleted: deleted.length, prevKvs: deleted.map((key) => ({ key })) } }),
});

/**
 * Brute force over a whole multi-key history, prefix deletes included (each deletes every key
 * starting with its prefix, all at one instant): every subset of the unknown writes and every
 * order that respects real time. The truth the per-key checker must never contradict.
 */
function bruteForceKeys(h: HistoryEntry[]): boolean {
  const required: HistoryEntry[] = [];
  const optional: HistoryEntry[] = [];
  for (const e of h) {
    if (e.op === 'get' && e.prefix) continue;
    if (e.result === 'unknown') {
      if (e.op !== 'get') optional.push(e);
    } else if (e.result === 'ok' || e.op === 'cas') {
      required.push(e);
    }
  }
  const step = (e: HistoryEntry, state: ReadonlyMap<string, string>): Map<string, string> | undefined => {
    const next = new Map(state);
    if (e.prefix) {
      for (const k of state.keys()) if (k.startsWith(e.key)) next.delete(k);
      return next;
    }
    const r = apply(e.result === 'unknown' ? { ...e, result: 'ok' } : e, state.get(e.key) ?? null);
    if (!r) return undefined;
    if (r.state === null) next.delete(e.key);
    else next.set(e.key, r.state);
    return next;
  };
  const rec = (rest: HistoryEntry[], state: ReadonlyMap<string, string>): boolean => {
    if (rest.length === 0) return true;
    for (let i = 0; i < rest.length; i++) {
      const x = rest[i];
      if (rest.some((y) => precedes(y, x))) continue;
      const next = step(x, state);
      if (next && rec(rest.filter((_, j) => j !== i), next)) return true;
    }
    return false;
  };
  for (let mask = 0; mask < 1 << optional.length; mask++) {
    if (rec(required.concat(optional.filter((_, i) => mask & (1 << i))), new Map())) return true;
  }
  return false;
}

describe('checkLinearizability: a prefix delete is a delete of every key it covers', () => {
  it('a single-key get after a prefix delete finds the key absent (it used to be reported as not linearizable)', () => {
    const h = [put('c1', 'a1', '1', [0, 10]), delPrefix('c2', 'a', [20, 30], ['a1']), get('c1', 'a1', null, [40, 50])];
    const r = check(h);
    expect(r.result).toBe('linearizable');
    expect(r.keys).toMatchObject([{ key: 'a1', result: 'ok', operations: 3 }]);
    expect(r.keys[0].linearization?.map((op) => op.op)).toEqual(['put', 'delete', 'get']);
    expect(r.skippedPrefixOps).toBe(0);
  });

  it('the prefix "" covers every key, each in its own register', () => {
    const h = [
      put('c1', 'x', '1', [0, 10]),
      put('c1', '__proto__', '2', [11, 19]),
      delPrefix('c2', '', [20, 30], ['__proto__', 'x']),
      get('c1', 'x', null, [40, 50]),
      get('c1', '__proto__', null, [40, 50]),
    ];
    const r = check(h);
    expect(r.result).toBe('linearizable');
    expect(r.keys.map((k) => [k.key, k.operations])).toEqual([['__proto__', 3], ['x', 3]]);
  });

  it('a read of the old value after the prefix delete returned is caught, and the explanation shows the delete', () => {
    const d = delPrefix('c2', 'a', [20, 30], ['a1']);
    const r = check([put('c1', 'a1', '1', [0, 10]), d, get('c1', 'a1', '1', [40, 50])]);
    expect(r.result).toBe('not-linearizable');
    expect(r.failingKey).toBe('a1');
    expect(r.minimalOps).toContain(d);
    expect(r.minimalOps).toHaveLength(3);
  });

  it('a key outside the prefix is untouched: reading its old value is fine, reading it absent is not', () => {
    const h = (seen: string | null) => [put('c1', 'b1', '1', [0, 10]), delPrefix('c2', 'a', [20, 30]), get('c1', 'b1', seen, [40, 50])];
    expect(check(h('1')).result).toBe('linearizable');
    expect(check(h(null)).result).toBe('not-linearizable');
  });

  it('a prefix delete concurrent with a put may come before or after it', () => {
    const h = (seen: string | null) => [delPrefix('c2', 'a', [0, 30]), put('c1', 'a1', '1', [5, 10]), get('c1', 'a1', seen, [40, 50])];
    expect(check(h('1')).result).toBe('linearizable');
    expect(check(h(null)).result).toBe('linearizable');
  });

  it('an unknown prefix delete may have deleted the key, or not (both reads are fine, but not both in turn)', () => {
    const h = (reads: (string | null)[]) => [
      put('c1', 'a1', '1', [0, 10]),
      delPrefix('c2', 'a', [20, null]),
      ...reads.map((v, i) => get('c1', 'a1', v, [40 + 20 * i, 50 + 20 * i])),
    ];
    expect(check(h(['1'])).result).toBe('linearizable');
    expect(check(h([null])).result).toBe('linearizable');
    expect(check(h(['1', null])).result).toBe('linearizable'); // it took effect late
    expect(check(h([null, '1'])).result).toBe('not-linearizable'); // nothing wrote "1" again
  });

  it('an unknown prefix delete never explains a read before its invocation', () => {
    const r = check([put('c1', 'a1', '1', [0, 10]), get('c1', 'a1', null, [20, 30]), delPrefix('c2', 'a', [40, null])]);
    expect(r.result).toBe('not-linearizable');
  });

  it('a failed prefix delete changes nothing', () => {
    const r = check([put('c1', 'a1', '1', [0, 10]), { ...delPrefix('c2', 'a', [20, 30]), result: 'fail' }, get('c1', 'a1', null, [40, 50])]);
    expect(r.result).toBe('not-linearizable');
  });

  it('is sound on 3000 random two-key histories with prefix deletes: never a violation the whole history does not have, and exact when each prefix delete covers one key', () => {
    const stream = new RandomStream(20261201, 'prefix-deletes');
    const rnd = (): number => stream.next();
    const int = (n: number): number => Math.floor(rnd() * n);
    const vals = ['a', 'b'];
    const keys = ['p1', 'p2', 'q1'];
    const prefixes = ['p', 'p1', '', 'q'];
    let illegal = 0;
    let exactCases = 0;
    for (let iter = 0; iter < 3000; iter++) {
      const n = 2 + int(5);
      const h: HistoryEntry[] = [];
      const points: number[] = [];
      for (let i = 0; i < n; i++) {
        const inv = int(12);
        const ret = inv + int(6);
        points.push(inv + rnd() * (ret - inv));
        const span: Span = [inv, rnd() < 0.2 ? null : ret];
        const kind = int(10);
        const key = keys[int(keys.length)];
        const v = vals[int(2)];
        if (kind < 3) h.push(get(`c${i}`, key, rnd() < 0.3 ? null : v, span));
        else if (kind < 6) h.push(put(`c${i}`, key, v, span));
        else if (kind < 7) h.push(cas(`c${i}`, key, rnd() < 0.3 ? null : vals[int(2)], v, span, span[1] === null ? undefined : 'ok'));
        else h.push(delPrefix(`c${i}`, prefixes[int(prefixes.length)], span));
      }
      // Half the histories: results of a real store (prefix deletes at one instant), maybe one read corrupted.
      if (iter % 2 === 0) {
        const order = h.map((_, i) => i).sort((x, y) => points[x] - points[y]);
        const state = new Map<string, string>();
        for (const i of order) {
          const e = h[i];
          if (e.result === 'unknown' && rnd() < 0.5) continue;
          const cur = state.get(e.key) ?? null;
          if (e.prefix) for (const k of [...state.keys()]) if (k.startsWith(e.key)) state.delete(k);
          if (e.prefix) continue;
          if (e.op === 'get') {
            if (e.result === 'ok') e.value = cur;
          } else if (e.op === 'put') state.set(e.key, e.value as string);
          else if (cur === e.from) state.set(e.key, e.to as string);
          else if (e.result !== 'unknown') e.result = 'fail';
        }
        if (rnd() < 0.3) {
          const gets = h.filter((e) => e.op === 'get' && e.result === 'ok');
          if (gets.length > 0) gets[int(gets.length)].value = vals[int(2)];
        }
      }
      const truth = bruteForceKeys(h);
      const r = checkLinearizability(h);
      // Sound: a history that is linearizable as a whole is never reported as not linearizable.
      if (truth) expect({ h, result: r.result }).toEqual({ h, result: 'linearizable' });
      // Exact when no prefix delete covers two of the history's keys (then no coupling is dropped).
      const used = new Set(h.filter((e) => !e.prefix).map((e) => e.key));
      const exact = h.every((e) => !e.prefix || [...used].filter((k) => k.startsWith(e.key)).length <= 1);
      if (exact) {
        exactCases++;
        expect({ h, result: r.result }).toEqual({ h, result: truth ? 'linearizable' : 'not-linearizable' });
      }
      if (r.result === 'not-linearizable') {
        illegal++;
        expect(bruteForceKeys(r.minimalOps as HistoryEntry[])).toBe(false);
      }
    }
    expect(illegal).toBeGreaterThan(300);
    expect(exactCases).toBeGreaterThan(1000);
  });
});

describe('checkLinearizability: agrees with a brute-force checker on small random histories', () => {
  it('matches on 3000 random single-key histories (with unknowns, cas, deletes, ties)', () => {
    const stream = new RandomStream(20240601, 'brute-force');
    const rnd = (): number => stream.next();
    const int = (n: number): number => Math.floor(rnd() * n);
    const vals = ['a', 'b', 'c'];
    let illegal = 0;
    for (let iter = 0; iter < 3000; iter++) {
      const n = 2 + int(6);
      const h: HistoryEntry[] = [];
      const points: number[] = [];
      for (let i = 0; i < n; i++) {
        const inv = int(14);
        const ret = inv + int(7);
        points.push(inv + rnd() * (ret - inv));
        const span: Span = [inv, rnd() < 0.25 ? null : ret];
        const kind = int(10);
        const v = vals[int(3)];
        if (kind < 4) h.push(get(`c${i}`, 'x', rnd() < 0.25 ? null : v, span));
        else if (kind < 7) h.push(put(`c${i}`, 'x', v, span));
        else if (kind < 8) h.push(del(`c${i}`, 'x', span));
        else h.push(cas(`c${i}`, 'x', rnd() < 0.3 ? null : vals[int(3)], v, span, span[1] === null ? undefined : 'ok'));
      }
      // Half the histories: make the results those of a real register (then maybe corrupt one).
      if (iter % 2 === 0) {
        const order = h.map((_, i) => i).sort((x, y) => points[x] - points[y]);
        let state: string | null = null;
        for (const i of order) {
          const e = h[i];
          if (e.result === 'unknown' && rnd() < 0.5) continue;
          if (e.op === 'get') {
            if (e.result === 'ok') e.value = state;
          } else if (e.op === 'put') state = e.value as string;
          else if (e.op === 'delete') state = null;
          else if (state === e.from) {
            state = e.to as string;
          } else if (e.result !== 'unknown') e.result = 'fail';
        }
        if (rnd() < 0.3) {
          const gets = h.filter((e) => e.op === 'get' && e.result === 'ok');
          if (gets.length > 0) gets[int(gets.length)].value = vals[int(3)];
        }
      }
      const expected = bruteForce(h);
      const r = checkLinearizability(h);
      expect({ h, result: r.result }).toEqual({ h, result: expected ? 'linearizable' : 'not-linearizable' });
      if (!expected) {
        illegal++;
        const min = r.minimalOps as HistoryEntry[];
        expect(min.length).toBeGreaterThan(0);
        expect(min.every((e) => e.result !== 'unknown')).toBe(true);
        expect(bruteForce(min)).toBe(false);
        expect(legalSequence(r.partialOrder as HistoryEntry[])).toBe(true);
      }
    }
    expect(illegal).toBeGreaterThan(500);
  });
});

describe('checkLinearizability: the linearization of a passing history', () => {
  it('orders concurrent operations the way their results demand: a get of the new value after the put', () => {
    const p1 = put('c1', 'x', '1', [0, 10]);
    const p2 = put('c1', 'x', '2', [20, 40]);
    const g = get('c2', 'x', '2', [15, 30]); // invoked before p2, still must come after it
    const r = check([g, p1, p2]);
    expect(r.result).toBe('linearizable');
    expect(r.keys[0].linearization).toEqual([p1, p2, g]);
  });

  it('includes an unknown put that a later read needs, and leaves out one that nobody sees', () => {
    const lost = put('c1', 'x', 'a', [0, null]);
    const unseen = put('c3', 'x', 'z', [1, null]);
    const g = get('c2', 'x', 'a', [50, 60]);
    const r = check([lost, unseen, g]);
    expect(r.result).toBe('linearizable');
    expect(r.keys[0].linearization).toEqual([lost, g]);
  });

  it('leaves out what the check ignores (a get with an unknown outcome), per key', () => {
    const px = put('c1', 'x', '1', [0, 10]);
    const py = put('c1', 'y', '1', [20, 30]);
    const gy = get('c2', 'y', null, [25, 40]);
    const unknownGet = get('c3', 'x', null, [5, null]);
    const r = check([px, py, gy, unknownGet]);
    expect(r.result).toBe('linearizable');
    expect(r.keys.map((k) => [k.key, k.linearization])).toEqual([['x', [px]], ['y', [gy, py]]]);
  });

  it('is absent when the key is not linearizable (partialOrder says how far the search got instead)', () => {
    const r = check([put('c1', 'x', '1', [0, 10]), get('c2', 'x', null, [11, 20])]);
    expect(r.keys[0].result).toBe('illegal');
    expect(r.keys[0].linearization).toBeUndefined();
  });

  it('is a legal sequence holding every required operation, on 2000 random passing histories', () => {
    const stream = new RandomStream(7, 'linearization');
    const int = (n: number): number => Math.floor(stream.next() * n);
    let checked = 0;
    for (let iter = 0; iter < 2000; iter++) {
      // A real register: each operation takes effect at a random point inside its span.
      const n = 2 + int(7);
      const ops: { e: HistoryEntry; at: number }[] = [];
      for (let i = 0; i < n; i++) {
        const inv = int(20);
        const ret = inv + 1 + int(8);
        const unknown = stream.next() < 0.2;
        const k = int(4);
        const v = String(int(3));
        const span: Span = [inv, unknown ? null : ret];
        const e = k === 0 ? get(`c${i}`, 'x', null, span) : k === 1 ? del(`c${i}`, 'x', span) : k === 2 ? cas(`c${i}`, 'x', String(int(3)), v, span, unknown ? undefined : 'ok') : put(`c${i}`, 'x', v, span);
        ops.push({ e, at: inv + stream.next() * (ret - inv) });
      }
      let state: string | null = null;
      for (const { e } of [...ops].sort((a, b) => a.at - b.at)) {
        if (e.result === 'unknown' && stream.next() < 0.5) continue;
        if (e.op === 'get') {
          if (e.result === 'ok') e.value = state;
        } else if (e.op === 'put') state = e.value as string;
        else if (e.op === 'delete') state = null;
        else if (state === e.from) state = e.to as string;
        else if (e.result !== 'unknown') e.result = 'fail';
      }
      const h = ops.map((o) => o.e);
      const r = check(h);
      expect(r.result).toBe('linearizable');
      const lin = r.keys[0].linearization as HistoryEntry[];
      const required = h.filter((e) => e.result === 'ok' || (e.op === 'cas' && e.result === 'fail'));
      expect(new Set(lin).size).toBe(lin.length);
      for (const e of required) expect(lin).toContain(e);
      for (const e of lin) expect(h).toContain(e);
      expect(lin.some((e) => e.result === 'unknown' && e.op === 'get')).toBe(false);
      expect(legalSequence(lin.map((e) => (e.result === 'unknown' ? { ...e, result: 'ok' as const } : e)))).toBe(true);
      checked++;
    }
    expect(checked).toBe(2000);
  });
});

describe('checkLinearizability: large generated histories', () => {
  const history = generateRegisterHistory({ seed: 7, clients: 5, keys: 10, operations: 10_000, unknownRate: 0.02, thinkMs: 5, latencyMs: 20 });

  it('a 10,000-operation history of a correct register is linearizable', () => {
    expect(history.filter((e) => e.result === 'unknown').length).toBeGreaterThan(100);
    const r = checkLinearizability(history);
    expect(r.result).toBe('linearizable');
    expect(r.keys).toHaveLength(10);
    expect(r.keys.reduce((n, k) => n + k.operations, 0)).toBe(10_000);
  });

  it('the same history with one read turned stale is not, and the diagnosis points at it', () => {
    const h = history.map((e) => ({ ...e }));
    // A get late in the history; a put P1 (ok) whose value is overwritten by an ok put P2 that
    // returned before the get was invoked: reading P1's value there is stale (values are unique).
    let target: HistoryEntry | undefined;
    let p1: HistoryEntry | undefined;
    for (let i = h.length - 1; i >= h.length / 2 && !target; i--) {
      const g = h[i];
      if (g.op !== 'get' || g.result !== 'ok') continue;
      const okPut = (e: HistoryEntry): boolean => e.key === g.key && e.op === 'put' && e.result === 'ok';
      // the last put that returned well before the get, and the last put that returned before it
      const p2 = h.filter((e) => okPut(e) && (e.returnMs as number) < g.invokeMs - 50).pop();
      if (!p2) continue;
      p1 = h.filter((e) => okPut(e) && (e.returnMs as number) < p2.invokeMs).pop();
      if (p1 && p1.value !== g.value) target = g;
    }
    expect(target && p1).toBeTruthy();
    (target as HistoryEntry).value = (p1 as HistoryEntry).value;
    const r = checkLinearizability(h);
    expect(r.result).toBe('not-linearizable');
    expect(r.failingKey).toBe(target?.key);
    expect(r.keys.filter((k) => k.result !== 'ok').map((k) => k.key)).toEqual([target?.key]);
    expect(r.minimalOps).toContain(target);
    expect(r.minimalOps).toContain(p1);
    expect((r.minimalOps as HistoryEntry[]).length).toBeLessThanOrEqual(4);
    expect(bruteForce(r.minimalOps as HistoryEntry[])).toBe(false);
  });

  it('with the event order recorded (as the simulator does), it is linearizable and a same-ms stale read is caught', () => {
    const ordered = generateRegisterHistory({
      seed: 7, clients: 5, keys: 10, operations: 10_000, unknownRate: 0.02, thinkMs: 5, latencyMs: 20, eventOrder: true,
    });
    // Many returns share their ms with an invoke on the same key: only the orders tell them apart.
    const key = (e: HistoryEntry): string => e.key;
    const sameMs = ordered.filter((a) => ordered.some((b) => b !== a && key(b) === key(a) && b.invokeMs === a.returnMs)).length;
    expect(sameMs).toBeGreaterThan(200);
    expect(checkLinearizability(ordered).result).toBe('linearizable');
    // A client's put w returns, and in that same ms its next operation, a get g of the same key,
    // starts; make g read the value of an ok put p1 that returned before w was invoked.
    const h = ordered.map((e) => ({ ...e }));
    let g: HistoryEntry | undefined;
    let w: HistoryEntry | undefined;
    let p1: HistoryEntry | undefined;
    const okPut = (e: HistoryEntry, k: string): boolean => e.key === k && e.op === 'put' && e.result === 'ok';
    for (let i = h.length - 1; i >= h.length / 2 && !g; i--) {
      const cand = h[i];
      if (cand.op !== 'get' || cand.result !== 'ok') continue;
      w = h.find((e) => okPut(e, cand.key) && e.client === cand.client && e.returnMs === cand.invokeMs && (e.returnOrder as number) < (cand.invokeOrder as number));
      if (!w) continue;
      p1 = h.filter((e) => okPut(e, cand.key) && (e.returnMs as number) < (w as HistoryEntry).invokeMs).pop();
      if (p1 && p1.value !== w.value) g = cand;
    }
    expect(g && w && p1).toBeTruthy();
    (g as HistoryEntry).value = (p1 as HistoryEntry).value;
    const r = checkLinearizability(h);
    expect(r.result).toBe('not-linearizable');
    expect(r.failingKey).toBe(g?.key);
    expect(r.minimalOps).toContain(g);
    expect(r.minimalOps).toContain(w);
    expect(r.minimalOps).toContain(p1);
    expect(checkLinearizability(r.minimalOps as HistoryEntry[]).result).toBe('not-linearizable');
    expect(bruteForce(r.minimalOps as HistoryEntry[])).toBe(false);
  });

  it('a history with 20 clients on one key and long overlapping operations is linearizable', () => {
    const h = generateRegisterHistory({ seed: 3, clients: 20, keys: 1, operations: 200, unknownRate: 0.02, thinkMs: 5, latencyMs: 100 });
    expect(checkLinearizability(h).result).toBe('linearizable');
  });
});

describe('checkLinearizability: time limit', () => {
  it('yields unknown when the clock jumps past the limit before the search', () => {
    let t = 0;
    const r = checkLinearizability([put('c1', 'x', '1', [0, 10]), get('c2', 'x', '1', [20, 30])], {
      timeLimitMs: 50,
      now: () => (t += 100),
    });
    expect(r.result).toBe('unknown');
    expect(r.keys).toEqual([{ key: 'x', result: 'unknown', operations: 2 }]);
    expect(r.explanation).toContain('time limit of 50 ms');
  });

  it('yields unknown when the clock jumps during a long search', () => {
    const h = generateRegisterHistory({ seed: 3, clients: 20, keys: 1, operations: 200, unknownRate: 0, thinkMs: 5, latencyMs: 100 });
    let calls = 0;
    const r = checkLinearizability(h, { timeLimitMs: 1000, now: () => (++calls <= 2 ? 0 : 1e9) });
    expect(calls).toBeGreaterThan(2); // the search itself looked at the clock
    expect(r.result).toBe('unknown');
  });

  it('an illegal key still wins over a key that timed out', () => {
    let calls = 0;
    // key "a" (checked first) is illegal; the clock expires before key "b" is searched
    const h = [put('c1', 'a', '1', [0, 10]), get('c2', 'a', '2', [20, 30]), put('c1', 'b', '1', [0, 10])];
    const r = checkLinearizability(h, { timeLimitMs: 1000, now: () => (++calls <= 2 ? 0 : 1e9) });
    expect(r.keys.map((k) => k.result)).toEqual(['illegal', 'unknown']);
    expect(r.result).toBe('not-linearizable');
    expect(r.failingKey).toBe('a');
  });
});

describe('parseHistoryJson', () => {
  const ok = [
    { client: 'c1', op: 'put', key: 'x', value: '1', invokeMs: 0, returnMs: 10, result: 'ok', response: { revision: 2 } },
    { client: 'c2', op: 'get', key: 'x', value: null, invokeMs: 1, returnMs: 5, result: 'ok', serializable: true },
    { client: 'c3', op: 'cas', key: 'x', from: null, to: 'b', invokeMs: 2, returnMs: null, result: 'unknown' },
    { client: 'c3', op: 'delete', key: 'x', invokeMs: 3, result: 'unknown' },
    { client: 'c2', op: 'get', key: 'pre', prefix: true, invokeMs: 4, returnMs: 6, result: 'ok' },
  ];

  it('accepts an array or an object with a history field (the CLI --json output)', () => {
    const a = parseHistoryJson(JSON.stringify(ok), 'a.json');
    const b = parseHistoryJson(JSON.stringify({ seed: 1, history: ok, stats: {} }), 'b.json');
    expect(a).toEqual(b);
    expect(a).toHaveLength(5);
    expect(a[0].response).toEqual({ revision: 2 });
    expect(a[3].returnMs).toBeNull(); // absent returnMs of an unknown outcome
    expect(checkLinearizability(a).result).toBe('linearizable');
  });

  it('names the file, the entry index and its key in errors', () => {
    const bad = [ok[0], { ...ok[1], returnMs: 'soon' }];
    expect(() => parseHistoryJson(JSON.stringify(bad), 'h.json')).toThrow(
      'h.json: history entry 1 (key "x"): "returnMs" must be a finite number >= invokeMs (1) when result is "ok", got "soon"',
    );
    expect(() => parseHistoryJson(JSON.stringify({ history: [ok[0], ok[1], { ...ok[0], key: 'y', op: 'move' }] }), 'h.json')).toThrow(
      /^h\.json: history entry 2 \(key "y"\): "op" must be one of/,
    );
  });

  it('rejects each kind of bad field', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...ok[0], client: '' }, /"client" must be a non-empty string/],
      [{ ...ok[0], key: 3 }, /entry 0: "key" must be a string/],
      [{ ...ok[0], value: 1 }, /"value" must be a string/],
      [{ ...ok[0], result: 'maybe' }, /"result" must be one of/],
      [{ ...ok[0], invokeMs: -1 }, /"invokeMs" must be a finite number >= 0/],
      [{ ...ok[0], returnMs: null }, /"returnMs" must be a finite number >= invokeMs/],
      [{ ...ok[0], invokeMs: 20 }, /"returnMs" must be a finite number >= invokeMs \(20\)/],
      [{ ...ok[1], value: undefined }, /"value" must be a string or null \(the value read\)/],
      [{ ...ok[2], to: undefined }, /"to" must be a string/],
      [{ ...ok[2], from: undefined }, /"from" must be a string or null/],
      [{ ...ok[0], from: 'a' }, /"from" must be absent for a put/],
      [{ ...ok[0], prefix: 'yes' }, /"prefix" must be a boolean/],
      [{ ...ok[0], prefix: true }, /"prefix" must be absent or false for a put/],
      [{ ...ok[2], returnMs: 1 }, /"returnMs" must be null, absent or a finite number >= invokeMs/],
    ];
    for (const [entry, msg] of cases) {
      expect(() => parseHistoryJson(JSON.stringify([entry]), 'f.json')).toThrow(msg);
    }
    expect(() => parseHistoryJson('[1]', 'f.json')).toThrow('f.json: history entry 0: must be an object, got 1');
  });

  it('reads invokeOrder and returnOrder, and the checker orders same-ms events by them', () => {
    const h = [
      { client: 'c1', op: 'put', key: 'x', value: '1', invokeMs: 0, returnMs: 10, invokeOrder: 0, returnOrder: 1, result: 'ok' },
      { client: 'c1', op: 'put', key: 'x', value: '2', invokeMs: 20, returnMs: 30, invokeOrder: 2, returnOrder: 3, result: 'ok' },
      { client: 'c2', op: 'get', key: 'x', value: '1', invokeMs: 30, returnMs: 31, invokeOrder: 4, returnOrder: 5, result: 'ok' },
      { client: 'c3', op: 'put', key: 'y', value: '1', invokeMs: 31, invokeOrder: 6, returnOrder: null, result: 'unknown' },
    ];
    const parsed = parseHistoryJson(JSON.stringify(h), 'o.json');
    expect(parsed.map((e) => [e.invokeOrder, e.returnOrder])).toEqual([[0, 1], [2, 3], [4, 5], [6, null]]);
    expect(checkLinearizability(parsed).result).toBe('not-linearizable');
    const without = parseHistoryJson(JSON.stringify(h.map(({ invokeOrder: _i, returnOrder: _r, ...e }) => e)), 'o.json');
    expect(without.every((e) => !('invokeOrder' in e) && !('returnOrder' in e))).toBe(true);
    expect(checkLinearizability(without).result).toBe('linearizable');
  });

  it('rejects bad orders, naming the entry and the field', () => {
    const a = { ...ok[0], invokeOrder: 4, returnOrder: 7 };
    const u = { ...ok[2], invokeOrder: 5 };
    const cases: [unknown[], string | RegExp][] = [
      [[{ ...a, invokeOrder: '4' }], 'f.json: history entry 0 (key "x"): "invokeOrder" must be a finite number >= 0 when present, got "4"'],
      [[{ ...a, invokeOrder: -1 }], /entry 0 \(key "x"\): "invokeOrder" must be a finite number >= 0 when present, got -1/],
      [[{ ...a, invokeOrder: null }], /"invokeOrder" must be a finite number >= 0 when present, got null/],
      [[{ ...a, returnOrder: 4 }], 'f.json: history entry 0 (key "x"): "returnOrder" must be a finite number > invokeOrder (4) when result is "ok", or absent, got 4'],
      [[{ ...a, returnOrder: null }], /"returnOrder" must be a finite number > invokeOrder \(4\) when result is "ok", or absent, got null/],
      [[{ ...ok[0], returnOrder: 'late' }], /"returnOrder" must be a finite number >= 0 when result is "ok", or absent, got "late"/],
      [[{ ...u, returnOrder: 'x' }], /entry 0 \(key "x"\): "returnOrder" must be null, absent or a finite number > invokeOrder \(5\) for an unknown outcome, got "x"/],
      [[a, { ...ok[1], invokeOrder: 7 }], 'f.json: history entry 1 (key "x"): "invokeOrder" (7) is also the "returnOrder" of history entry 0 (key "x"); orders must be distinct (one counter over the run)'],
      [[a, { ...ok[1], invokeOrder: 8, returnOrder: 9 }], 'f.json: history entry 1 (key "x"): "invokeOrder" (8) is after the "returnOrder" (7) of history entry 0 (key "x") but its "invokeMs" (1) is before that entry\'s "returnMs" (10); orders must follow simulated time'],
    ];
    for (const [list, msg] of cases) expect(() => parseHistoryJson(JSON.stringify(list), 'f.json')).toThrow(msg);
    // 1e400 parses as Infinity: not finite.
    expect(() => parseHistoryJson(JSON.stringify([a]).replace('"invokeOrder":4', '"invokeOrder":1e400'), 'f.json')).toThrow(
      /"invokeOrder" must be a finite number >= 0 when present, got a number too large to store \(out of range\)/,
    );
    // An unknown outcome may carry a returnOrder (ignored, as its returnMs is) or null.
    expect(parseHistoryJson(JSON.stringify([{ ...u, returnOrder: null }, { ...u, client: 'c4', invokeOrder: 8, returnOrder: 9 }]), 'f.json')).toHaveLength(2);
  });

  it('rejects malformed documents with the file name', () => {
    expect(() => parseHistoryJson('{', 'x.json')).toThrow(/^x\.json: not valid JSON/);
    expect(() => parseHistoryJson('{"ops": []}', 'x.json')).toThrow(/^x\.json: expected an array/);
    expect(() => parseHistoryJson('{"history": {}}', 'x.json')).toThrow(/^x\.json: "history" must be an array/);
  });

  it('only parses data: unknown fields are dropped and nothing is evaluated', () => {
    const text = JSON.stringify([{ ...ok[0], extra: 'x', __proto__: { polluted: true }, toString: 'process.exit(1)' }]);
    const [e] = parseHistoryJson(text, 'f.json');
    expect(Object.keys(e).sort()).toEqual(['client', 'invokeMs', 'key', 'op', 'response', 'result', 'returnMs', 'value']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
