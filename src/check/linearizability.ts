/**
 * Linearizability checker for the client history (see docs/history-format.md).
 *
 * Model: one register per key, initially absent (null). put sets it, delete makes it absent,
 * get must observe the current value, cas(from, to) swaps when current === from ('ok') and
 * leaves it alone otherwise ('fail').
 *
 * Algorithm: the one of the Porcupine checker (Anish Athalye), written from the papers:
 *  - P-compositionality: a history is linearizable iff each key's sub-history is, so every key
 *    is checked on its own.
 *  - Wing & Gong's search with Lowe's just-in-time linearization over a doubly-linked list of
 *    call/return events sorted by time: take a call whose operation can be applied to the
 *    current state, lift it (and its return) out of the list and push it on a stack; on
 *    reaching a return whose operation is not linearized yet, backtrack.
 *  - A cache of visited (set of linearized operations, state) pairs prunes the search; the set
 *    is a bitset with an incremental 64-bit hash (xor of a random word pair per operation).
 *
 * Unknown outcomes (the client gave up) are optional operations: they may take effect at any
 * time after their invocation, or never. A write with an unknown outcome only matters if some
 * operation can observe it, so it gets a virtual deadline: the latest return of any operation
 * that could observe the value it writes (a get reading it, a cas comparing against it, a
 * failed cas). Any linearization can be rearranged so that an optional write is linearized no
 * later than its deadline or dropped, so the search drops it when it reaches that deadline. A
 * write nobody could observe is left out entirely. The search succeeds once every operation
 * that has a return is linearized.
 *
 * The only clock used here is `CheckOptions.now` (for the time limit); the simulation engine
 * must not import this module.
 */
import type { HistoryEntry } from './history';

export interface CheckOptions {
  /** Wall-clock budget for the whole check (search and shrinking), default 10_000. */
  timeLimitMs?: number;
  /**
   * Clock used only for the time limit; default performance.now. This is the one place outside
   * the simulation where a clock is allowed; the check module must not be imported by the engine.
   */
  now?: () => number;
}

export interface KeyResult {
  key: string;
  result: 'ok' | 'illegal' | 'unknown';
  /** Single-key operations of this key in the history (any result). */
  operations: number;
  /** When illegal: the smallest set of ok/fail operations of the key that cannot be ordered. */
  minimalOps?: HistoryEntry[];
  /** When illegal: the longest sequence the search managed to linearize, in linearization order. */
  partialOrder?: HistoryEntry[];
}

export interface LinearizabilityResult {
  result: 'linearizable' | 'not-linearizable' | 'unknown';
  /** One result per key, sorted by key. */
  keys: KeyResult[];
  /** Prefix gets/deletes in the history; they are not single-key and are not checked. */
  skippedPrefixOps: number;
  /** When not linearizable: the first bad key (in key order). */
  failingKey?: string;
  minimalOps?: HistoryEntry[];
  /** The longest linearized prefix found (ops in linearization order). */
  partialOrder?: HistoryEntry[];
  /** One human sentence (set when the result is not 'linearizable'). */
  explanation?: string;
}

// ---------------------------------------------------------------------------------------------
// Clock

interface Clock {
  /** True once the budget is spent (sticky). */
  expired(): boolean;
  readonly limitMs: number;
}

function makeClock(now: () => number, limitMs: number): Clock {
  const deadline = now() + limitMs;
  let over = false;
  return {
    limitMs,
    expired(): boolean {
      if (!over && now() >= deadline) over = true;
      return over;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Per-key search problem

const K_PUT = 0;
const K_DEL = 1;
const K_GET = 2;
const K_CAS_OK = 3;
const K_CAS_FAIL = 4;

interface Problem {
  /** Number of operations in the search. */
  n: number;
  /** Operations 0 .. required-1 have a definite outcome, the others are optional. */
  required: number;
  /** Entry of each operation. */
  entries: HistoryEntry[];
  kind: Uint8Array;
  /** put: value; get: value read; cas: from. Value ids: 0 = absent, 1.. interned strings. */
  a: Int32Array;
  /** cas: to. */
  b: Int32Array;
  /** 1 = unknown outcome (may be linearized or dropped). */
  optional: Uint8Array;
  inv: Float64Array;
  /** Return time (Infinity = no return event). For optional writes: the deadline. */
  ret: Float64Array;
  /**
   * Per value id: the latest return of an operation that can tell this value apart from others
   * (a get reading it, a cas from it, ok, failed or unknown). Once every linearized set holds an
   * operation invoked after that, the value is "dead": no operation still to come can see it.
   */
  deadAfter: Float64Array;
}

/**
 * Turn one key's entries into a search problem: ignored operations are left out (failed
 * put/get/delete, gets with unknown outcome, optional writes nobody can observe).
 */
function buildProblem(entries: readonly HistoryEntry[]): Problem {
  const ids = new Map<string, number>();
  const id = (v: string | null | undefined): number => {
    if (v === null || v === undefined) return 0;
    let x = ids.get(v);
    if (x === undefined) {
      x = ids.size + 1;
      ids.set(v, x);
    }
    return x;
  };
  const cEntries: HistoryEntry[] = [];
  const cKind: number[] = [];
  const cA: number[] = [];
  const cB: number[] = [];
  const cOpt: number[] = [];
  const add = (e: HistoryEntry, kind: number, a: number, b: number, opt: number): void => {
    cEntries.push(e);
    cKind.push(kind);
    cA.push(a);
    cB.push(b);
    cOpt.push(opt);
  };
  for (const e of entries) {
    if (e.prefix) continue;
    const opt = e.result === 'unknown' ? 1 : 0;
    switch (e.op) {
      case 'put':
        if (e.result !== 'fail') add(e, K_PUT, id(e.value), 0, opt);
        break;
      case 'delete':
        if (e.result !== 'fail') add(e, K_DEL, 0, 0, opt);
        break;
      case 'get':
        if (e.result === 'ok') add(e, K_GET, id(e.value), 0, 0);
        break;
      case 'cas': {
        const f = id(e.from);
        const t = id(e.to);
        if (e.result === 'fail') add(e, K_CAS_FAIL, f, 0, 0);
        else if (e.result === 'ok') add(e, K_CAS_OK, f, t, 0);
        else if (f !== t) add(e, K_CAS_OK, f, t, 1); // an unknown cas(v -> v) never changes anything
        break;
      }
    }
  }

  // Deadlines of optional writes: the latest return of any operation that could observe the
  // written value v (get reading v, cas with from === v, failed cas with from !== v).
  const nv = ids.size + 1;
  const obs = new Float64Array(nv).fill(-Infinity);
  const deadAfter = new Float64Array(nv).fill(-Infinity);
  let fail1 = -Infinity;
  let fail1From = -1;
  const failByFrom = new Float64Array(nv).fill(-Infinity);
  for (let i = 0; i < cEntries.length; i++) {
    const e = cEntries[i];
    const r = cOpt[i] ? Infinity : (e.returnMs as number);
    const k = cKind[i];
    if (r > deadAfter[cA[i]] && k !== K_PUT && k !== K_DEL) deadAfter[cA[i]] = r;
    if (k === K_GET || k === K_CAS_OK) {
      if (r > obs[cA[i]]) obs[cA[i]] = r;
    } else if (k === K_CAS_FAIL) {
      if (r > failByFrom[cA[i]]) failByFrom[cA[i]] = r;
      if (r > fail1) {
        fail1 = r;
        fail1From = cA[i];
      }
    }
  }
  let fail2 = -Infinity; // latest failed cas whose from differs from fail1From
  for (let v = 0; v < nv; v++) if (v !== fail1From && failByFrom[v] > fail2) fail2 = failByFrom[v];

  const keep: number[] = [];
  const deadline: number[] = [];
  for (let i = 0; i < cEntries.length; i++) {
    const e = cEntries[i];
    if (!cOpt[i]) {
      keep.push(i);
      deadline.push(e.returnMs as number);
      continue;
    }
    const v = cKind[i] === K_PUT ? cA[i] : cKind[i] === K_DEL ? 0 : cB[i];
    let d = obs[v];
    const f = v !== fail1From ? fail1 : fail2;
    if (f > d) d = f;
    if (d < e.invokeMs) continue; // nobody can observe it (in time): never linearize it
    keep.push(i);
    deadline.push(d);
  }

  // Required operations first, then optional ones; each group in invocation order (the cache
  // stores the required part of a linearized set as a window of words, see search()).
  const order = keep.map((_, j) => j);
  order.sort((x, y) => cOpt[keep[x]] - cOpt[keep[y]] || cEntries[keep[x]].invokeMs - cEntries[keep[y]].invokeMs || x - y);
  const n = keep.length;
  let required = 0;
  for (const i of keep) if (!cOpt[i]) required++;
  const p: Problem = {
    n,
    required,
    entries: new Array<HistoryEntry>(n),
    kind: new Uint8Array(n),
    a: new Int32Array(n),
    b: new Int32Array(n),
    optional: new Uint8Array(n),
    inv: new Float64Array(n),
    ret: new Float64Array(n),
    deadAfter,
  };
  for (let j = 0; j < n; j++) {
    const i = keep[order[j]];
    p.entries[j] = cEntries[i];
    p.kind[j] = cKind[i];
    p.a[j] = cA[i];
    p.b[j] = cB[i];
    p.optional[j] = cOpt[i];
    p.inv[j] = cEntries[i].invokeMs;
    p.ret[j] = deadline[order[j]];
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Search

interface SearchOutcome {
  result: 'ok' | 'illegal' | 'unknown';
  /** Why 'unknown': the time limit, the cache size cap, or the caller's iteration budget. */
  reason?: 'time' | 'memory' | 'budget';
  /** Operation indices of the longest linearized sequence found, in order. */
  best: number[];
  /** The operation whose return blocked the longest sequence (-1 if none). */
  stuck: number;
  /** Latest time of a return event the search backtracked from (-Infinity if none). */
  lastDeath: number;
  /** Loop iterations spent. */
  iterations: number;
}

/** Deterministic per-operation hash words (splitmix32). */
function hashWords(n: number): [Int32Array, Int32Array] {
  const h1 = new Int32Array(n);
  const h2 = new Int32Array(n);
  let s = 0x2545f491;
  const next = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return z ^ (z >>> 16);
  };
  for (let i = 0; i < n; i++) {
    h1[i] = next();
    h2[i] = next();
  }
  return [h1, h2];
}

/** Caps on the search cache (about 128 MiB each); past them the key is reported 'unknown'. */
const CACHE_WORD_CAP = 1 << 25;
const CACHE_ENTRY_CAP = 1 << 22;

/**
 * Wing & Gong / Lowe search of one key. `maxIterations` bounds the work (result 'unknown',
 * reason 'budget'); the shrinker uses it so that one hard candidate cannot eat the budget.
 */
function search(p: Problem, clock: Clock, maxIterations = Infinity): SearchOutcome {
  const n = p.n;
  const empty = { best: [], stuck: -1, lastDeath: -Infinity, iterations: 0 };
  if (clock.expired()) return { result: 'unknown', reason: 'time', ...empty };
  if (n === 0) return { result: 'ok', ...empty };
  const { kind, a, b, optional, inv, ret, deadAfter } = p;

  // Events: call of op i and (when ret is finite) its return; sorted by time, calls before
  // returns at equal times (so equal timestamps are concurrent), then by op index.
  const evOpL: number[] = [];
  for (let i = 0; i < n; i++) {
    evOpL.push(i); // call
    if (ret[i] !== Infinity) evOpL.push(~i); // return
  }
  evOpL.sort((x, y) => {
    const tx = x >= 0 ? inv[x] : ret[~x];
    const ty = y >= 0 ? inv[y] : ret[~y];
    if (tx !== ty) return tx - ty;
    const rx = x >= 0 ? 0 : 1;
    const ry = y >= 0 ? 0 : 1;
    if (rx !== ry) return rx - ry;
    return (x >= 0 ? x : ~x) - (y >= 0 ? y : ~y);
  });
  const E = evOpL.length;
  const HEAD = E;
  const evOp = new Int32Array(E);
  const evCall = new Uint8Array(E);
  const next = new Int32Array(E + 1);
  const prev = new Int32Array(E + 1);
  const callEv = new Int32Array(n);
  const retEv = new Int32Array(n).fill(-1);
  for (let j = 0; j < E; j++) {
    const x = evOpL[j];
    if (x >= 0) {
      evOp[j] = x;
      evCall[j] = 1;
      callEv[x] = j;
    } else {
      evOp[j] = ~x;
      retEv[~x] = j;
    }
    next[j] = j + 1 < E ? j + 1 : -1;
    prev[j] = j === 0 ? HEAD : j - 1;
  }
  next[HEAD] = E > 0 ? 0 : -1;
  prev[HEAD] = -1;

  const lift = (op: number): void => {
    const c = callEv[op];
    next[prev[c]] = next[c];
    if (next[c] >= 0) prev[next[c]] = prev[c];
    const r = retEv[op];
    if (r >= 0) {
      next[prev[r]] = next[r];
      if (next[r] >= 0) prev[next[r]] = prev[r];
    }
  };
  const unlift = (op: number): void => {
    const r = retEv[op];
    if (r >= 0) {
      next[prev[r]] = r;
      if (next[r] >= 0) prev[next[r]] = r;
    }
    const c = callEv[op];
    next[prev[c]] = c;
    if (next[c] >= 0) prev[next[c]] = c;
  };

  // Linearized set: a bitset with an incremental hash (xor of two random words per operation).
  // Required operations (in invocation order) take words 0 .. RW-1, optional ones the words
  // after. Words below `wl` are all ones and words above `wh` are zero (required part), so a
  // cache entry only stores the window wl..wh plus the optional words: a few words whatever n.
  const R = p.required;
  const RW = (R + 31) >>> 5;
  const OW = (n - R + 31) >>> 5;
  const bits = new Uint32Array(RW + OW);
  const bitWord = new Int32Array(n);
  const bitMask = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const pos = i < R ? i : RW * 32 + (i - R);
    bitWord[i] = pos >>> 5;
    bitMask[i] = 1 << (pos & 31);
  }
  const lastFull = R % 32 === 0 ? 0xffffffff : ((1 << (R % 32)) - 1) >>> 0;
  const [h1, h2] = hashWords(n);
  let hx1 = 0;
  let hx2 = 0;
  let wl = 0; // first required word that is not all ones
  let wh = -1; // last required word that is not zero

  const setBit = (op: number): void => {
    const w = bitWord[op];
    bits[w] |= bitMask[op];
    hx1 ^= h1[op];
    hx2 ^= h2[op];
    if (w < RW) {
      if (w > wh) wh = w;
      while (wl < RW && bits[wl] === (wl === RW - 1 ? lastFull : 0xffffffff)) wl++;
    }
  };
  const clearBit = (op: number): void => {
    const w = bitWord[op];
    bits[w] &= ~bitMask[op];
    hx1 ^= h1[op];
    hx2 ^= h2[op];
    if (w < RW) {
      if (w < wl) wl = w;
      while (wh >= 0 && bits[wh] === 0) wh--;
    }
  };

  // Cache of visited (linearized set, state): open addressing on the 64-bit hash; a hit is
  // verified against the stored words.
  let slotMask = 1023;
  let slots = new Int32Array(slotMask + 1); // entry index + 1; 0 = empty
  let cap = 1024;
  let eH1 = new Int32Array(cap);
  let eH2 = new Int32Array(cap);
  let eState = new Int32Array(cap);
  let eWl = new Int32Array(cap);
  let eLen = new Int32Array(cap);
  let eOff = new Int32Array(cap);
  let pool = new Uint32Array(4096);
  let poolUsed = 0;
  let count = 0;
  let memoryFull = false;

  const growInt = (x: Int32Array, size: number) => {
    const g = new Int32Array(size);
    g.set(x);
    return g;
  };
  const rehash = (): void => {
    slotMask = slotMask * 2 + 1;
    slots = new Int32Array(slotMask + 1);
    for (let i = 0; i < count; i++) {
      let s = eH1[i] & slotMask;
      while (slots[s] !== 0) s = (s + 1) & slotMask;
      slots[s] = i + 1;
    }
  };
  /** Insert (linearized set, state) unless present; true when it was new. */
  const insert = (state: number): boolean => {
    let s1 = Math.imul(state ^ 0x5bd1e995, 0x9e3779b1);
    s1 ^= s1 >>> 15;
    let s2 = Math.imul(state + 0x7f4a7c15, 0x85ebca77);
    s2 ^= s2 >>> 13;
    const k1 = hx1 ^ s1;
    const k2 = hx2 ^ s2;
    const len = wh >= wl ? wh - wl + 1 : 0;
    let s = k1 & slotMask;
    for (;;) {
      const v = slots[s];
      if (v === 0) break;
      const i = v - 1;
      if (eH1[i] === k1 && eH2[i] === k2 && eState[i] === state && eWl[i] === wl && eLen[i] === len) {
        let o = eOff[i];
        let same = true;
        for (let w = wl, end = wl + len; w < end; w++, o++) {
          if (pool[o] !== bits[w]) {
            same = false;
            break;
          }
        }
        for (let w = RW, end = RW + OW; same && w < end; w++, o++) {
          if (pool[o] !== bits[w]) same = false;
        }
        if (same) return false;
      }
      s = (s + 1) & slotMask;
    }
    const need = len + OW;
    if (count === cap || poolUsed + need > pool.length) {
      if (count >= CACHE_ENTRY_CAP || poolUsed + need > CACHE_WORD_CAP) {
        memoryFull = true;
        return false;
      }
      if (count === cap) {
        cap *= 2;
        eH1 = growInt(eH1, cap);
        eH2 = growInt(eH2, cap);
        eState = growInt(eState, cap);
        eWl = growInt(eWl, cap);
        eLen = growInt(eLen, cap);
        eOff = growInt(eOff, cap);
      }
      if (poolUsed + need > pool.length) {
        const g = new Uint32Array(Math.min(CACHE_WORD_CAP, Math.max(pool.length * 2, poolUsed + need)));
        g.set(pool);
        pool = g;
      }
    }
    const i = count++;
    eH1[i] = k1;
    eH2[i] = k2;
    eState[i] = state;
    eWl[i] = wl;
    eLen[i] = len;
    eOff[i] = poolUsed;
    for (let w = wl, end = wl + len; w < end; w++) pool[poolUsed++] = bits[w];
    for (let w = RW, end = RW + OW; w < end; w++) pool[poolUsed++] = bits[w];
    slots[s] = i + 1;
    if (count * 2 > slotMask) rehash();
    return true;
  };

  // Stack of linearized (or dropped) operations and the state before each.
  const stackOp = new Int32Array(n);
  const stackState = new Int32Array(n);
  const stackDrop = new Uint8Array(n);
  let depth = 0;
  let lin = 0; // linearized (not dropped) operations on the stack
  // Longest linearized sequence: best* hold a copy of the stack; positions < valid still match.
  const bestOp = new Int32Array(n);
  const bestDrop = new Uint8Array(n);
  let bestDepth = 0;
  let iter = 0;
  let bestLin = 0;
  let valid = 0;
  let stuck = -1;

  let lastDeath = -Infinity;
  // Latest invocation among the linearized operations: an operation that returned before it
  // must already be linearized, so values whose deadAfter is below it are dead.
  let nowInv = -Infinity;
  const stackNow = new Float64Array(n);

  const outcome = (result: SearchOutcome['result'], reason?: SearchOutcome['reason']): SearchOutcome => {
    const best: number[] = [];
    for (let i = 0; i < bestDepth; i++) if (bestDrop[i] === 0) best.push(bestOp[i]);
    const o: SearchOutcome = { result, best, stuck, lastDeath, iterations: iter };
    if (reason) o.reason = reason;
    return o;
  };

  let state = 0;
  let e = next[HEAD];
  for (;;) {
    if (e < 0) return outcome('ok');
    if ((++iter & 1023) === 0) {
      if (clock.expired()) return outcome('unknown', 'time');
      if (memoryFull) return outcome('unknown', 'memory');
      if (iter > maxIterations) return outcome('unknown', 'budget');
    }
    let op = evOp[e];
    if (e === next[HEAD] && evCall[e] === 1) {
      // A fresh scan of this configuration: try a legal read first, if there is one among the
      // available calls (those before the first return). By the read rule below, linearizing it
      // loses nothing, and if that fails the whole configuration fails.
      for (let x = e; x >= 0 && evCall[x] === 1; x = next[x]) {
        const xo = evOp[x];
        const xk = kind[xo];
        if ((xk === K_GET && state === a[xo]) || (xk === K_CAS_FAIL && state !== a[xo])) {
          e = x;
          op = xo;
          break;
        }
      }
    }
    if (evCall[e] === 1) {
      const k = kind[op];
      let legal = true;
      let ns = state;
      switch (k) {
        case K_PUT:
          ns = a[op];
          break;
        case K_DEL:
          ns = 0;
          break;
        case K_GET:
          legal = state === a[op];
          break;
        case K_CAS_OK:
          legal = state === a[op];
          ns = b[op];
          break;
        default: // K_CAS_FAIL
          legal = state !== a[op];
          break;
      }
      if (legal && optional[op] === 1) {
        // Just-in-time optional writes: an optional write only needs to be linearized right
        // before an operation that it makes legal (any linearization can be rearranged that
        // way: move it later past reads that don't need it, drop it if a write follows).
        // So take it only if some available call is illegal now and legal after it: a read of
        // the value it writes, or a failed cas comparing against the current value. Other
        // optional writes' deadlines are looked past (they may be dropped first), so that
        // dropping one never makes a call before it worth retrying.
        let needValue = false;
        let needChange = false;
        if (ns !== state) {
          for (let x = next[HEAD]; x >= 0; x = next[x]) {
            if (evCall[x] === 0) {
              if (optional[evOp[x]] === 0) break;
              continue;
            }
            const xo = evOp[x];
            if (xo === op) continue;
            const xk = kind[xo];
            if ((xk === K_GET || xk === K_CAS_OK) && a[xo] === ns) {
              needValue = true;
              break;
            }
            if (xk === K_CAS_FAIL && a[xo] === state) needChange = true;
          }
        }
        legal = needValue || needChange;
        if (legal && !needValue && k !== K_CAS_OK && deadAfter[ns] < nowInv) {
          // Only needed to change the value, and the value it writes is dead: every optional
          // put/delete with a dead value (other than the current one) is as good as any other,
          // except for deadlines, so only the one with the earliest deadline is tried (swap the
          // two in any linearization that uses another one here).
          for (let x = next[HEAD]; x >= 0 && evCall[x] === 1; x = next[x]) {
            const xo = evOp[x];
            if (xo === op || optional[xo] === 0) continue;
            const xk = kind[xo];
            if (xk !== K_PUT && xk !== K_DEL) continue;
            const xv = xk === K_PUT ? a[xo] : 0;
            if (true) {
              legal = false;
              break;
            }
          }
        }
      }
      if (!legal) {
        e = next[e];
        continue;
      }
      setBit(op);
      if (insert(ns)) {
        stackOp[depth] = op;
        stackState[depth] = state;
        stackDrop[depth] = 0;
        stackNow[depth] = nowInv;
        if (inv[op] > nowInv) nowInv = inv[op];
        depth++;
        lin++;
        if (lin > bestLin) {
          for (let i = valid; i < depth; i++) {
            bestOp[i] = stackOp[i];
            bestDrop[i] = stackDrop[i];
          }
          valid = depth;
          bestDepth = depth;
          bestLin = lin;
          stuck = -1;
        }
        state = ns;
        lift(op);
        e = next[HEAD];
        continue;
      }
      clearBit(op);
      if (k !== K_GET && k !== K_CAS_FAIL) {
        e = next[e];
        continue;
      }
      // A legal read whose result was already explored (and failed): by the read rule below
      // this configuration fails as well, so backtrack.
    } else if (optional[op] === 1) {
      // The deadline of an optional write: it can no longer be linearized on this branch, so
      // drop it. Every call before this event was already tried in this state: carry on after.
      setBit(op);
      if (insert(state)) {
        stackOp[depth] = op;
        stackState[depth] = state;
        stackDrop[depth] = 1;
        stackNow[depth] = nowInv;
        depth++;
        lift(op);
        e = next[e];
        continue;
      }
      clearBit(op);
    } else {
      // The return of an operation that is not linearized: a dead end.
      if (lin === bestLin && stuck < 0) stuck = op; // the longest sequence is stuck here
      if (ret[op] > lastDeath) lastDeath = ret[op];
    }

    // Backtrack: undo the last linearization and try the next call after it.
    // - Dropping an optional write was forced, so undoing a drop means backtracking further.
    // - Read rule: a read (get, failed cas) that is legal in a configuration can always be
    //   linearized right there (it leaves the state alone, and every operation still to come
    //   returns no earlier than it was invoked), so if that failed, the configuration before it
    //   fails too: backtrack further.
    for (;;) {
      if (depth === 0) return outcome('illegal');
      depth--;
      if (depth < valid) valid = depth;
      const top = stackOp[depth];
      state = stackState[depth];
      nowInv = stackNow[depth];
      clearBit(top);
      unlift(top);
      if (stackDrop[depth] === 1) continue;
      lin--;
      const tk = kind[top];
      if (tk === K_GET || tk === K_CAS_FAIL) continue;
      e = next[callEv[top]];
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Shrinking and explanation

/** Operations that constrain the register: ok put/get/delete and ok/failed cas. */
function isDefinite(e: HistoryEntry): boolean {
  if (e.prefix || e.result === 'unknown') return false;
  return e.result === 'ok' || e.op === 'cas';
}

function byTime(x: HistoryEntry, y: HistoryEntry): number {
  return x.invokeMs - y.invokeMs || (x.returnMs as number) - (y.returnMs as number);
}

/**
 * A read of value v (get returning v, cas with from === v) is "supported" when the set holds a
 * write of v (put, ok cas) invoked no later than the read returned. A removal is refused when it
 * would leave a supported read unsupported: otherwise shrinking a stale read would end in a read
 * of a value nobody wrote, which is a different (and less useful) failure.
 */
function supportPreserved(
  before: readonly HistoryEntry[],
  after: readonly HistoryEntry[],
  unknowns: readonly HistoryEntry[],
): boolean {
  const firstWrite = (set: readonly HistoryEntry[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const e of unknowns.length > 0 ? set.concat(unknowns) : set) {
      const v = e.op === 'put' ? e.value : e.op === 'cas' && e.result !== 'fail' ? e.to : undefined;
      if (typeof v !== 'string') continue;
      const t = m.get(v);
      if (t === undefined || e.invokeMs < t) m.set(v, e.invokeMs);
    }
    return m;
  };
  const wb = firstWrite(before);
  const wa = firstWrite(after);
  for (const e of after) {
    const v = e.op === 'get' ? e.value : e.op === 'cas' && e.result === 'ok' ? e.from : undefined;
    if (typeof v !== 'string') continue;
    const r = e.returnMs as number;
    const tb = wb.get(v);
    const ta = wa.get(v);
    if (tb !== undefined && tb <= r && !(ta !== undefined && ta <= r)) return false;
  }
  return true;
}

/**
 * Greedy shrinking of an illegal key: drop unknowns (they can always be left unlinearized, so
 * they never make a history illegal) and ignored ops, then remove chunks of halving size and
 * finally single operations while the rest stays illegal, until nothing more can be removed
 * (or time runs out, in which case the current set is returned).
 */
function shrink(
  entries: readonly HistoryEntry[],
  stuck: HistoryEntry | undefined,
  clock: Clock,
): { ops: HistoryEntry[]; stuck: HistoryEntry | undefined } {
  let cur = entries.filter(isDefinite).sort(byTime);
  // Operations with an unknown outcome stay in every check (so a read they explain does not
  // turn into a read of a value nobody wrote) but are never reported: the reported set is
  // illegal on its own, since leaving out unknowns can never make a history linearizable.
  const unknowns = entries.filter((e) => !e.prefix && e.result === 'unknown');
  const tryRemove = (i: number, size: number): boolean | null => {
    const cand = cur.slice(0, i).concat(cur.slice(i + size));
    if (cand.length === 0 || !supportPreserved(cur, cand, unknowns)) return false;
    const p = buildProblem(unknowns.length > 0 ? cand.concat(unknowns) : cand);
    const out = search(p, clock);
    if (out.result === 'unknown') return null;
    if (out.result === 'ok') return false;
    cur = cand;
    if (out.stuck >= 0) stuck = p.entries[out.stuck];
    return true;
  };
  const done = (): { ops: HistoryEntry[]; stuck: HistoryEntry | undefined } => ({
    ops: cur,
    stuck: stuck && cur.includes(stuck) ? stuck : undefined,
  });
  for (let size = cur.length >>> 1; size > 1; size >>>= 1) {
    for (let i = 0; i < cur.length; ) {
      const r = tryRemove(i, Math.min(size, cur.length - i));
      if (r === null) return done();
      if (!r) i += size;
    }
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < cur.length; ) {
      const r = tryRemove(i, 1);
      if (r === null) return done();
      if (r) changed = true;
      else i++;
    }
  }
  return done();
}

function q(v: string | null | undefined): string {
  return v === null || v === undefined ? 'absent' : JSON.stringify(v);
}

function describeStuck(e: HistoryEntry): string {
  const at = `at ${e.returnMs} ms`;
  switch (e.op) {
    case 'get':
      return e.value === null ? `get by ${e.client} found the key absent ${at}` : `get by ${e.client} returned ${q(e.value)} ${at}`;
    case 'put':
      return `put of ${q(e.value)} by ${e.client} returned ${at}`;
    case 'delete':
      return `delete by ${e.client} returned ${at}`;
    case 'cas':
      return e.result === 'ok'
        ? `cas ${q(e.from)} -> ${q(e.to)} by ${e.client} succeeded ${at}`
        : `cas from ${q(e.from)} by ${e.client} failed ${at}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * Check that a client history is linearizable with respect to a per-key register.
 * Prefix gets/deletes are skipped (counted in `skippedPrefixOps`). Keys are checked
 * independently; the result is 'not-linearizable' if any key is illegal, else 'unknown' if the
 * time limit was hit on some key, else 'linearizable'.
 */
export function checkLinearizability(history: HistoryEntry[], opts: CheckOptions = {}): LinearizabilityResult {
  const now = opts.now ?? ((): number => performance.now());
  const clock = makeClock(now, opts.timeLimitMs ?? 10_000);

  const byKey = new Map<string, HistoryEntry[]>();
  let skippedPrefixOps = 0;
  for (const e of history) {
    if (e.prefix) {
      skippedPrefixOps++;
      continue;
    }
    let list = byKey.get(e.key);
    if (!list) {
      list = [];
      byKey.set(e.key, list);
    }
    list.push(e);
  }
  const keyNames = [...byKey.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

  const keys: KeyResult[] = [];
  const failing: { kr: KeyResult; entries: HistoryEntry[]; stuck: HistoryEntry | undefined }[] = [];
  let firstUnknown: { key: string; reason: string } | undefined;
  for (const key of keyNames) {
    const entries = byKey.get(key) as HistoryEntry[];
    const p = buildProblem(entries);
    const out = search(p, clock);
    const kr: KeyResult = { key, result: out.result, operations: entries.length };
    if (out.result === 'illegal') {
      kr.partialOrder = out.best.map((i) => p.entries[i]);
      failing.push({ kr, entries, stuck: out.stuck >= 0 ? p.entries[out.stuck] : undefined });
    } else if (out.result === 'unknown' && !firstUnknown) {
      firstUnknown = { key, reason: out.reason === 'memory' ? 'the search cache limit' : `the time limit of ${clock.limitMs} ms` };
    }
    keys.push(kr);
  }

  // Shrink the illegal keys with whatever budget is left.
  let explanation: string | undefined;
  for (const f of failing) {
    const { kr } = f;
    const { ops: minimal, stuck } = shrink(f.entries, f.stuck, clock);
    kr.minimalOps = minimal;
    if (explanation === undefined) {
      const what = stuck ? `${describeStuck(stuck)} but no` : 'no';
      const n = minimal.length;
      explanation =
        `key ${JSON.stringify(kr.key)}: ${what} ordering of the ${n} operation${n === 1 ? '' : 's'} ` +
        `in minimalOps is consistent with a register`;
    }
  }

  if (failing.length > 0) {
    const first = failing[0].kr;
    return {
      result: 'not-linearizable',
      keys,
      skippedPrefixOps,
      failingKey: first.key,
      minimalOps: first.minimalOps,
      partialOrder: first.partialOrder,
      explanation,
    };
  }
  if (firstUnknown) {
    const n = keys.filter((k) => k.result === 'unknown').length;
    return {
      result: 'unknown',
      keys,
      skippedPrefixOps,
      explanation:
        `${firstUnknown.reason} was reached while checking key ${JSON.stringify(firstUnknown.key)}; ` +
        `${n} key${n === 1 ? '' : 's'} could not be decided and no key was found illegal`,
    };
  }
  return { result: 'linearizable', keys, skippedPrefixOps };
}
