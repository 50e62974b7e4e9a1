/**
 * Linearizability checker for the client history (see docs/history-format.md).
 *
 * Model: one register per key, initially absent (null). put sets it, delete makes it absent,
 * get must observe the current value, cas(from, to) swaps when current === from ('ok') and
 * leaves it alone otherwise ('fail').
 *
 * Prefix deletes: a delete of prefix P leaves every key under P (etcd's [P, prefixEnd(P)), the
 * prefix "" is every key) absent, whether it deleted the key or the key was already absent, at
 * one instant between its invocation and its return. So in each key's register it is a delete
 * (a write of absent) with the same times: ok, it is required; unknown outcome, it is optional
 * (it may have taken effect, on all its keys at one instant, or not at all); failed, it is
 * ignored. Checking each key on its own drops only the "same instant for every key" coupling,
 * which can hide a violation but never report a false one; the reply's prevKvs are not needed.
 * Prefix gets are not checked (skipping a read can never make a good history look bad).
 *
 * Algorithm: the one of the Porcupine checker (Anish Athalye), written from the papers:
 *  - P-compositionality: a history is linearizable iff each key's sub-history is, so every key
 *    is checked on its own (a prefix delete joins the sub-history of every key it covers).
 *  - Wing & Gong's search with Lowe's just-in-time linearization over a doubly-linked list of
 *    call/return events sorted by time (calls before returns at equal times: equal timestamps
 *    are concurrent; time is (ms, order) when the history carries the simulator's event order,
 *    see KeyOps): take a call whose operation can be applied to the current state, lift it
 *    (and its return) out of the list and push it on a stack; on reaching a return whose
 *    operation is not linearized yet, backtrack.
 *  - A cache of visited configurations (set of linearized operations, state) prunes the search;
 *    the set is a bitset with an incremental 64-bit hash (xor of a random word pair per
 *    operation), stored as a small window of words.
 *
 * Extra pruning rules, each sound and complete (the comments at each rule say why):
 *  - read rule: a get / failed cas that is legal in a configuration is linearized right away,
 *    and if that fails the configuration fails (reads leave the state alone);
 *  - operations with an unknown outcome are optional (see below) and tried after the others.
 *
 * Unknown outcomes (the client gave up) are optional writes: they may take effect at any time
 * after their invocation, or never (a get with an unknown outcome constrains nothing and is left
 * out). Optional writes are what makes the search blow up, so:
 *  - deadline: a write only matters if a later operation observes it (a get reading its value,
 *    a cas comparing against its value, a failed cas). Any linearization can be rearranged so
 *    that an optional write comes before one of those or not at all, so it gets a virtual
 *    return at the latest return among them and is dropped when the search reaches it; a write
 *    nobody can observe is left out entirely;
 *  - just in time: an optional write is only linearized right before an available call it
 *    makes legal;
 *  - symmetry: among optional puts/deletes writing the same value (or values nobody can observe
 *    any more, when only a change of value is needed) only the earliest deadline is tried;
 *  - subsumption: a configuration that used up more optional writes than a failed one with the
 *    same other operations and state fails too.
 * The search succeeds once every operation that has a return is linearized.
 *
 * The only clock used here is `CheckOptions.now` (for the time limit); the simulation engine
 * must not import this module.
 */
import { inInterval, interval, prefixRange } from '../kv/range';
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
  /** Operations of this key in the history (any result): its single-key ones and the prefix deletes that cover it. */
  operations: number;
  /** When illegal: the smallest set of ok/fail operations of the key that cannot be ordered. */
  minimalOps?: HistoryEntry[];
  /** When illegal: the longest sequence the search managed to linearize, in linearization order. */
  partialOrder?: HistoryEntry[];
  /**
   * When ok: one linearization of the key, in order: every operation that constrains the register
   * (ok put/get/delete, ok and failed cas) and the unknown-outcome writes this order lets take
   * effect. Left out: what the check ignores (failed put/get/delete, gets with an unknown outcome)
   * and unknown writes that never took effect in this order. Each operation takes effect at a
   * point between its invocation and its return, in this order (Herlihy & Wing's definition).
   */
  linearization?: HistoryEntry[];
}

export interface LinearizabilityResult {
  result: 'linearizable' | 'not-linearizable' | 'unknown';
  /** One result per key, sorted by key. */
  keys: KeyResult[];
  /** Prefix gets in the history: they read several keys and are not checked (prefix deletes are, see the module comment). */
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
// Real-time order

/**
 * One key's operations with their time coordinates: one number per invocation and per return,
 * such that operation i precedes j (must be linearized before it) exactly when
 * `ret[i] < inv[j]`. The search and the shrinker work on these coordinates only.
 *
 * Real time is (ms, order): a precedes b when a.returnMs < b.invokeMs, or when the ms are equal
 * and both events carry orders with a.returnOrder < b.invokeOrder (the simulator's global event
 * order, see HistoryEntry.invokeOrder). At equal ms without both orders the two are concurrent,
 * as in histories that have no orders at all. Each event gets the rank of its point (ms, sub)
 * in lexicographic order, where sub is its order, or -Infinity for an invocation and +Infinity
 * for a return without one (so at equal ms such an event is concurrent with every other). Ranks
 * keep every comparison the checker makes (a return against an invocation, the latest of
 * several returns or invocations).
 */
interface KeyOps {
  entries: readonly HistoryEntry[];
  /** Invocation of entries[i]: a rank (the ms themselves when no entry of the key has orders). */
  inv: Float64Array;
  /** Return of entries[i], likewise; Infinity when it has none (unknown outcome). */
  ret: Float64Array;
}

function keyOps(entries: readonly HistoryEntry[]): KeyOps {
  const n = entries.length;
  if (!entries.some((e) => typeof e.invokeOrder === 'number' || typeof e.returnOrder === 'number')) {
    // No orders: the ms themselves order the events the same way as their ranks would (at
    // equal ms every comparison treats an invocation and a return as concurrent).
    const inv = new Float64Array(n);
    const ret = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const e = entries[i];
      inv[i] = e.invokeMs;
      ret[i] = e.result !== 'unknown' && typeof e.returnMs === 'number' ? e.returnMs : Infinity;
    }
    return { entries, inv, ret };
  }
  const ms = new Float64Array(2 * n);
  const sub = new Float64Array(2 * n);
  const pts: number[] = [];
  for (let i = 0; i < n; i++) {
    const e = entries[i];
    ms[2 * i] = e.invokeMs;
    sub[2 * i] = typeof e.invokeOrder === 'number' ? e.invokeOrder : -Infinity;
    pts.push(2 * i);
    if (e.result !== 'unknown' && typeof e.returnMs === 'number') {
      ms[2 * i + 1] = e.returnMs;
      sub[2 * i + 1] = typeof e.returnOrder === 'number' ? e.returnOrder : Infinity;
      pts.push(2 * i + 1);
    }
  }
  pts.sort((x, y) => ms[x] - ms[y] || (sub[x] < sub[y] ? -1 : sub[x] > sub[y] ? 1 : 0));
  const inv = new Float64Array(n);
  const ret = new Float64Array(n).fill(Infinity);
  let rank = -1;
  for (let j = 0; j < pts.length; j++) {
    const x = pts[j];
    if (j === 0 || ms[x] !== ms[pts[j - 1]] || sub[x] !== sub[pts[j - 1]]) rank++;
    if ((x & 1) === 0) inv[x >>> 1] = rank;
    else ret[x >>> 1] = rank;
  }
  return { entries, inv, ret };
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
  /** Index of each operation's entry in KeyOps.entries. */
  src: Int32Array;
  kind: Uint8Array;
  /** put: value; get: value read; cas: from. Value ids: 0 = absent, 1.. interned strings. */
  a: Int32Array;
  /** cas: to. */
  b: Int32Array;
  /** 1 = unknown outcome (may be linearized or dropped). */
  optional: Uint8Array;
  /** Invocation time, a KeyOps coordinate. */
  inv: Float64Array;
  /** Return time, a KeyOps coordinate (Infinity = no return event). For optional writes: the deadline. */
  ret: Float64Array;
  /**
   * Per value id: the latest return of an operation that can tell this value apart from others
   * (a get reading it, a cas from it, ok, failed or unknown). Once every linearized set holds an
   * operation invoked after that, the value is "dead": no operation still to come can see it.
   */
  deadAfter: Float64Array;
}

/**
 * Turn a key's operations (those listed in `subset`, indices into `k.entries`; all by default)
 * into a search problem: ignored operations are left out (failed put/get/delete, gets with
 * unknown outcome, optional writes nobody can observe).
 */
function buildProblem(k: KeyOps, subset?: readonly number[]): Problem {
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
  const cSrc: number[] = [];
  const cKind: number[] = [];
  const cA: number[] = [];
  const cB: number[] = [];
  const cOpt: number[] = [];
  let src = 0;
  const add = (kind: number, a: number, b: number, opt: number): void => {
    cSrc.push(src);
    cKind.push(kind);
    cA.push(a);
    cB.push(b);
    cOpt.push(opt);
  };
  const total = subset ? subset.length : k.entries.length;
  for (let s = 0; s < total; s++) {
    src = subset ? subset[s] : s;
    const e = k.entries[src];
    const opt = e.result === 'unknown' ? 1 : 0;
    switch (e.op) {
      case 'put':
        if (e.result !== 'fail') add(K_PUT, id(e.value), 0, opt);
        break;
      case 'delete':
        if (e.result !== 'fail') add(K_DEL, 0, 0, opt);
        break;
      case 'get':
        if (e.result === 'ok') add(K_GET, id(e.value), 0, 0);
        break;
      case 'cas': {
        const f = id(e.from);
        const t = id(e.to);
        if (e.result === 'fail') add(K_CAS_FAIL, f, 0, 0);
        else if (e.result === 'ok') add(K_CAS_OK, f, t, 0);
        else if (f !== t) add(K_CAS_OK, f, t, 1); // an unknown cas(v -> v) never changes anything
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
  const m = cSrc.length;
  for (let i = 0; i < m; i++) {
    const r = cOpt[i] ? Infinity : k.ret[cSrc[i]];
    const kind = cKind[i];
    if (r > deadAfter[cA[i]] && kind !== K_PUT && kind !== K_DEL) deadAfter[cA[i]] = r;
    if (kind === K_GET || kind === K_CAS_OK) {
      if (r > obs[cA[i]]) obs[cA[i]] = r;
    } else if (kind === K_CAS_FAIL) {
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
  for (let i = 0; i < m; i++) {
    if (!cOpt[i]) {
      keep.push(i);
      deadline.push(k.ret[cSrc[i]]);
      continue;
    }
    const v = cKind[i] === K_PUT ? cA[i] : cKind[i] === K_DEL ? 0 : cB[i];
    let d = obs[v];
    const f = v !== fail1From ? fail1 : fail2;
    if (f > d) d = f;
    if (d < k.inv[cSrc[i]]) continue; // nobody can observe it (in time): never linearize it
    keep.push(i);
    deadline.push(d);
  }

  // Required operations first, then optional ones; each group in invocation order (the cache
  // stores the required part of a linearized set as a window of words, see search()).
  const order = keep.map((_, j) => j);
  order.sort((x, y) => cOpt[keep[x]] - cOpt[keep[y]] || k.inv[cSrc[keep[x]]] - k.inv[cSrc[keep[y]]] || x - y);
  const n = keep.length;
  let required = 0;
  for (const i of keep) if (!cOpt[i]) required++;
  const p: Problem = {
    n,
    required,
    entries: new Array<HistoryEntry>(n),
    src: new Int32Array(n),
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
    p.src[j] = cSrc[i];
    p.entries[j] = k.entries[cSrc[i]];
    p.kind[j] = cKind[i];
    p.a[j] = cA[i];
    p.b[j] = cB[i];
    p.optional[j] = cOpt[i];
    p.inv[j] = k.inv[cSrc[i]];
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
  /** When ok: operation indices of the linearization found (dropped optional writes left out), in order. */
  order?: number[];
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
  if (n === 0) return { result: 'ok', ...empty, order: [] };
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

  // Linearized set: a bitset. Required operations (in invocation order) take words 0 .. RW-1,
  // optional ones the words after. Words below `wl` are all ones and words above `wh` are zero
  // (required part), so the cache only stores the window wl..wh plus the optional words: a few
  // words whatever n. The required part has an incremental hash (xor of two random words per
  // operation).
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
    if (w < RW) {
      hx1 ^= h1[op];
      hx2 ^= h2[op];
      if (w > wh) wh = w;
      while (wl < RW && bits[wl] === (wl === RW - 1 ? lastFull : 0xffffffff)) wl++;
    }
  };
  const clearBit = (op: number): void => {
    const w = bitWord[op];
    bits[w] &= ~bitMask[op];
    if (w < RW) {
      hx1 ^= h1[op];
      hx2 ^= h2[op];
      if (w < wl) wl = w;
      while (wh >= 0 && bits[wh] === 0) wh--;
    }
  };

  // Cache of visited configurations (linearized set, state). Configurations with the same
  // required operations and state form a group (found by open addressing on the 64-bit hash,
  // verified against the stored words); a group lists the optional parts seen. A configuration
  // is known to fail when it was seen before, or when a failed one of its group had a subset of
  // its optional operations: having fewer optional writes used up only leaves more choices.
  // (Configurations still on the search path are not failed: they never count as subsets.)
  let slotMask = 1023;
  let slots = new Int32Array(slotMask + 1); // group index + 1; 0 = empty
  let gCap = 1024;
  let gH1 = new Int32Array(gCap);
  let gH2 = new Int32Array(gCap);
  let gState = new Int32Array(gCap);
  let gWl = new Int32Array(gCap);
  let gLen = new Int32Array(gCap);
  let gOff = new Int32Array(gCap);
  let gFirst = new Int32Array(gCap); // first entry of the group
  let groups = 0;
  let eCap = 1024;
  let eNext = new Int32Array(eCap); // next entry of the same group, -1 = none
  let eOff = new Int32Array(eCap); // optional words in the pool
  let eFailed = new Uint8Array(eCap);
  let entries = 0;
  let pool = new Uint32Array(4096);
  let poolUsed = 0;
  let memoryFull = false;
  let lastEntry = -1; // entry created by the last successful insert

  const growInt = (x: Int32Array, size: number) => {
    const g = new Int32Array(size);
    g.set(x);
    return g;
  };
  const reserve = (words: number): boolean => {
    if (poolUsed + words <= pool.length) return true;
    if (poolUsed + words > CACHE_WORD_CAP) return false;
    const g = new Uint32Array(Math.min(CACHE_WORD_CAP, Math.max(pool.length * 2, poolUsed + words)));
    g.set(pool);
    pool = g;
    return true;
  };
  const rehash = (): void => {
    slotMask = slotMask * 2 + 1;
    slots = new Int32Array(slotMask + 1);
    for (let i = 0; i < groups; i++) {
      let s = gH1[i] & slotMask;
      while (slots[s] !== 0) s = (s + 1) & slotMask;
      slots[s] = i + 1;
    }
  };
  /** Add an entry (the current optional words) to group g, in front. */
  const addEntry = (g: number, first: number): boolean => {
    if (entries >= CACHE_ENTRY_CAP || !reserve(OW)) return false;
    if (entries === eCap) {
      eCap *= 2;
      eNext = growInt(eNext, eCap);
      eOff = growInt(eOff, eCap);
      const f = new Uint8Array(eCap);
      f.set(eFailed);
      eFailed = f;
    }
    const i = entries++;
    eNext[i] = first;
    eOff[i] = poolUsed;
    for (let w = RW, end = RW + OW; w < end; w++) pool[poolUsed++] = bits[w];
    gFirst[g] = i;
    lastEntry = i;
    return true;
  };
  /** Insert (linearized set, state) unless it is known; true when it was new. */
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
      const g = v - 1;
      if (gH1[g] === k1 && gH2[g] === k2 && gState[g] === state && gWl[g] === wl && gLen[g] === len) {
        let o = gOff[g];
        let same = true;
        for (let w = wl, end = wl + len; w < end; w++, o++) {
          if (pool[o] !== bits[w]) {
            same = false;
            break;
          }
        }
        if (same) {
          // The group: look for the same optional part, or a failed subset of it.
          for (let i = gFirst[g]; i >= 0; i = eNext[i]) {
            let eq = true;
            let sub = eFailed[i] === 1;
            for (let w = RW, oo = eOff[i], end = RW + OW; w < end && (eq || sub); w++, oo++) {
              const x = pool[oo];
              const y = bits[w];
              if (x !== y) eq = false;
              if ((x & ~y) !== 0) sub = false;
            }
            if (eq || sub) return false;
          }
          if (!addEntry(g, gFirst[g])) {
            memoryFull = true;
            return false;
          }
          return true;
        }
      }
      s = (s + 1) & slotMask;
    }
    // A new group.
    if (!reserve(len + OW) || entries >= CACHE_ENTRY_CAP) {
      memoryFull = true;
      return false;
    }
    if (groups === gCap) {
      gCap *= 2;
      gH1 = growInt(gH1, gCap);
      gH2 = growInt(gH2, gCap);
      gState = growInt(gState, gCap);
      gWl = growInt(gWl, gCap);
      gLen = growInt(gLen, gCap);
      gOff = growInt(gOff, gCap);
      gFirst = growInt(gFirst, gCap);
    }
    const g = groups++;
    gH1[g] = k1;
    gH2[g] = k2;
    gState[g] = state;
    gWl[g] = wl;
    gLen[g] = len;
    gOff[g] = poolUsed;
    for (let w = wl, end = wl + len; w < end; w++) pool[poolUsed++] = bits[w];
    addEntry(g, -1);
    slots[s] = g + 1;
    if (groups * 2 > slotMask) rehash();
    return true;
  };

  // Stack of linearized (or dropped) operations and the state before each.
  const stackOp = new Int32Array(n);
  const stackState = new Int32Array(n);
  const stackDrop = new Uint8Array(n);
  const stackEntry = new Int32Array(n); // cache entry of the configuration after the push
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
    if (result === 'ok') {
      // Success: the stack is a whole linearization (every operation with a return is on it).
      const order: number[] = [];
      for (let i = 0; i < depth; i++) if (stackDrop[i] === 0) order.push(stackOp[i]);
      o.order = order;
    }
    return o;
  };

  // Per configuration (`version` changes with every push and pop), computed on demand for the
  // optional writes: which values available calls need, whether a failed cas needs a change,
  // and for the symmetry rule the preferred optional put/delete per value and among dead values.
  const nvals = deadAfter.length;
  const valNeeded = new Int32Array(nvals).fill(-1);
  const valBestStamp = new Int32Array(nvals).fill(-1);
  const valBest = new Int32Array(nvals);
  let version = 0;
  let infoFor = -1;
  let needChange = false;
  let deadBest = -1;
  const earlier = (x: number, y: number): boolean => ret[x] < ret[y] || (ret[x] === ret[y] && x < y);
  const computeInfo = (st: number): void => {
    infoFor = version;
    needChange = false;
    deadBest = -1;
    let strict = true; // still before the first return event
    for (let x = next[HEAD]; x >= 0; x = next[x]) {
      const xo = evOp[x];
      if (evCall[x] === 0) {
        // Other optional writes' deadlines are looked past (they may be dropped first), so
        // dropping one never makes a call before it worth retrying.
        if (optional[xo] === 0) break;
        strict = false;
        continue;
      }
      const xk = kind[xo];
      if (xk === K_GET || xk === K_CAS_OK) valNeeded[a[xo]] = version;
      else if (xk === K_CAS_FAIL && a[xo] === st) needChange = true;
      if (strict && optional[xo] === 1 && (xk === K_PUT || xk === K_DEL)) {
        const xv = xk === K_PUT ? a[xo] : 0;
        if (valBestStamp[xv] !== version || earlier(xo, valBest[xv])) {
          valBestStamp[xv] = version;
          valBest[xv] = xo;
        }
        if (xv !== st && deadAfter[xv] < nowInv && (deadBest < 0 || earlier(xo, deadBest))) deadBest = xo;
      }
    }
  };

  // Scan of one configuration: its calls are those before the first return event. They are
  // tried in two passes, operations with a definite outcome first, then optional writes (so
  // that a configuration that used an optional write is usually reached after the one that did
  // not, which the cache then recognizes as a failed subset). `seg` is where the scan starts:
  // the list head, or just after the deadline of an optional write that was dropped.
  const hasOptional = R < n;
  const stackSeg = new Int32Array(n);
  let state = 0;
  let seg = next[HEAD];
  let pass = 0; // 0: operations with a definite outcome, 1: optional writes
  let fresh = true;
  let e = seg;
  for (;;) {
    if ((++iter & 1023) === 0) {
      if (clock.expired()) return outcome('unknown', 'time');
      if (memoryFull) return outcome('unknown', 'memory');
      if (iter > maxIterations) return outcome('unknown', 'budget');
    }
    // No return event left after the segment: every operation with a return is linearized
    // (a call before `seg` would have its return after it).
    if (e < 0) return outcome('ok');

    if (fresh) {
      // A fresh scan of this configuration: try a legal read first, if there is one among the
      // available calls. By the read rule below, linearizing it loses nothing, and if that
      // fails the whole configuration fails.
      fresh = false;
      for (let x = e; x >= 0 && evCall[x] === 1; x = next[x]) {
        const xo = evOp[x];
        const xk = kind[xo];
        if ((xk === K_GET && state === a[xo]) || (xk === K_CAS_FAIL && state !== a[xo])) {
          e = x;
          break;
        }
      }
    }

    const op = evOp[e];
    if (evCall[e] === 1) {
      if (optional[op] !== pass) {
        e = next[e];
        continue;
      }
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
      if (legal && pass === 1) {
        // Just-in-time optional writes: an optional write only needs to be linearized right
        // before an operation that it makes legal (any linearization can be rearranged that
        // way: move it later past reads that don't need it, drop it if a write follows).
        // So take it only if some available call is illegal now and legal after it: a read of
        // the value it writes, or a failed cas comparing against the current value.
        if (infoFor !== version) computeInfo(state);
        const needValue = valNeeded[ns] === version;
        legal = ns !== state && (needValue || needChange);
        if (legal && k !== K_CAS_OK) {
          // Symmetry: optional puts/deletes that write the same value are interchangeable
          // except for their deadlines, and so are those writing dead values when all that is
          // needed is a change of value. Only the one with the earliest deadline (then the
          // lowest index) is tried: in any linearization using another one here, swap the two.
          if (valBestStamp[ns] === version && valBest[ns] !== op) legal = false;
          else if (!needValue && deadAfter[ns] < nowInv && deadBest !== op) legal = false;
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
        stackEntry[depth] = lastEntry;
        stackNow[depth] = nowInv;
        stackSeg[depth] = seg;
        if (inv[op] > nowInv) nowInv = inv[op];
        depth++;
        version++;
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
        seg = next[HEAD];
        e = seg;
        pass = 0;
        fresh = true;
        continue;
      }
      clearBit(op);
      if (k !== K_GET && k !== K_CAS_FAIL) {
        e = next[e];
        continue;
      }
      // A legal read whose result was already explored (and failed): by the read rule below
      // this configuration fails as well, so backtrack.
    } else if (pass === 0 && hasOptional) {
      // End of the calls of this configuration: now the optional writes among them.
      pass = 1;
      e = seg;
      continue;
    } else if (optional[op] === 1) {
      // The deadline of an optional write: it can no longer be linearized on this branch, so
      // drop it. Every call before this event was already tried in this state: carry on after.
      setBit(op);
      if (insert(state)) {
        stackOp[depth] = op;
        stackState[depth] = state;
        stackDrop[depth] = 1;
        stackEntry[depth] = lastEntry;
        stackNow[depth] = nowInv;
        stackSeg[depth] = seg;
        depth++;
        version++;
        lift(op);
        seg = next[e];
        e = seg;
        pass = 0;
        fresh = true;
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
      version++;
      eFailed[stackEntry[depth]] = 1;
      state = stackState[depth];
      nowInv = stackNow[depth];
      clearBit(top);
      unlift(top);
      if (stackDrop[depth] === 1) continue;
      lin--;
      const tk = kind[top];
      if (tk === K_GET || tk === K_CAS_FAIL) continue;
      e = next[callEv[top]];
      seg = stackSeg[depth];
      pass = optional[top];
      fresh = false;
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Shrinking and explanation

/** Operations that constrain the register: ok put/get/delete and ok/failed cas. */
function isDefinite(e: HistoryEntry): boolean {
  if (e.result === 'unknown') return false;
  return e.result === 'ok' || e.op === 'cas';
}

/** What the writes of a set offer to reads, for supportPreserved. Times are KeyOps coordinates. */
interface WriteSummary {
  /**
   * Earliest time each value (null = absent, by a delete) can be put in the register by the
   * writes of the set: a put or a delete from its invocation on; a cas(a -> v) with a !== v and
   * result ok or unknown from its invocation on, but only once `a` itself can be there before
   * the cas returns (put there by a write of the set, or the initial absent value while no ok
   * write has returned). So a cas(v -> v) writes nothing, and a cas whose `a` nothing in the set
   * can produce never takes effect and supports nobody.
   */
  firstByValue: Map<string | null, number>;
  /** The two earliest writes with distinct values. */
  first1: number;
  first1Value: string | null | undefined;
  first2: number;
  /** Earliest return of a write with result ok (until then the initial absent value may show). */
  firstOkReturn: number;
  /** For fresh() (plain summaries only): the writes of each value, and the ok writes. */
  sources?: Sources;
}

/**
 * Which writes a read may still have seen. The writes of value v (as in firstByValue: from the
 * earliest time each can take effect), sorted by that time, with the running maximum of their
 * returns; and the ok writes of any value (those that certainly took effect) sorted by return,
 * with the running latest invocation overall and among values other than the latest's.
 */
interface Sources {
  byValue: Map<string | null, { from: number[]; maxRet: number[] }>;
  okRet: number[];
  okBest1: number[];
  okBest1Value: (string | null)[];
  okBest2: number[];
}

/** Number of elements of the ascending array `a` that are < x (or <= x with `orEqual`). */
function countBelow(a: readonly number[], x: number, orEqual: boolean): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x || (orEqual && a[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sources of the ok writes among `set`; `first` is their firstByValue. */
function buildSources(k: KeyOps, set: readonly number[], first: Map<string | null, number>): Sources {
  const writes = new Map<string | null, [number, number][]>();
  const ok: [number, number, string | null][] = []; // return, invocation, value
  for (const i of set) {
    const e = k.entries[i];
    if (e.result !== 'ok') continue;
    let v: string | null;
    let from = k.inv[i]; // earliest time it can take effect
    if (e.op === 'put') v = e.value as string;
    else if (e.op === 'delete') v = null;
    else if (e.op === 'cas' && e.from !== e.to) {
      v = e.to as string;
      // once its `from` can be there (the absent value maybe from the start)
      const a = e.from === null ? -Infinity : first.get(e.from as string) ?? Infinity;
      from = a > from ? a : from;
    } else continue;
    ok.push([k.ret[i], k.inv[i], v]);
    if (from > k.ret[i]) continue; // a cas that can never take effect writes nothing
    const list = writes.get(v);
    if (list) list.push([from, k.ret[i]]);
    else writes.set(v, [[from, k.ret[i]]]);
  }
  const byValue = new Map<string | null, { from: number[]; maxRet: number[] }>();
  for (const [v, list] of writes) {
    list.sort((x, y) => x[0] - y[0]);
    const from: number[] = [];
    const maxRet: number[] = [];
    let m = -Infinity;
    for (const [f, r] of list) {
      if (r > m) m = r;
      from.push(f);
      maxRet.push(m);
    }
    byValue.set(v, { from, maxRet });
  }
  ok.sort((x, y) => x[0] - y[0]);
  const src: Sources = { byValue, okRet: [], okBest1: [], okBest1Value: [], okBest2: [] };
  let b1 = -Infinity;
  let b1v: string | null | undefined;
  let b2 = -Infinity;
  for (const [r, inv, v] of ok) {
    if (v === b1v) {
      if (inv > b1) b1 = inv;
    } else if (inv > b1) {
      b2 = b1;
      b1 = inv;
      b1v = v;
    } else if (inv > b2) {
      b2 = inv;
    }
    src.okRet.push(r);
    src.okBest1.push(b1);
    src.okBest1Value.push(b1v as string | null);
    src.okBest2.push(b2);
  }
  return src;
}

/**
 * Could read-like operation `k.entries[i]` (an ok get, or an ok cas's compare) have seen a write
 * of its value that no ok write plainly overwrote first? A write W of v is overwritten for the
 * read when an ok write X of another value was invoked after W returned and returned before the
 * read was invoked (W, X, read in that order in every linearization). The initial absent value
 * is overwritten by any ok write that returned before the read was invoked.
 */
function fresh(k: KeyOps, i: number, w: WriteSummary): boolean {
  const src = w.sources as Sources;
  const r = k.entries[i];
  const v = (r.op === 'get' ? r.value : r.from) as string | null;
  if (v === null && w.firstOkReturn >= k.inv[i]) return true;
  const p = countBelow(src.okRet, k.inv[i], false);
  const m = p === 0 ? -Infinity : src.okBest1Value[p - 1] !== v ? src.okBest1[p - 1] : src.okBest2[p - 1];
  const ws = src.byValue.get(v);
  if (!ws) return false;
  const q = countBelow(ws.from, k.ret[i], true);
  return q > 0 && ws.maxRet[q - 1] >= m;
}

/** A binary min-heap of (time, value) pairs, for writeSummary. */
class TimeHeap {
  private t: number[] = [];
  private v: (string | null)[] = [];
  get size(): number {
    return this.t.length;
  }
  push(time: number, value: string | null): void {
    const { t, v } = this;
    let i = t.length;
    t.push(time);
    v.push(value);
    while (i > 0) {
      const up = (i - 1) >>> 1;
      if (t[up] <= time) break;
      t[i] = t[up];
      v[i] = v[up];
      i = up;
    }
    t[i] = time;
    v[i] = value;
  }
  /** Removes the earliest pair; the heap must not be empty. */
  pop(): [number, string | null] {
    const { t, v } = this;
    const top: [number, string | null] = [t[0], v[0]];
    const lt = t.pop() as number;
    const lv = v.pop() as string | null;
    const n = t.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && t[c + 1] < t[c]) c++;
        if (t[c] >= lt) break;
        t[i] = t[c];
        v[i] = v[c];
        i = c;
      }
      t[i] = lt;
      v[i] = lv;
    }
    return top;
  }
}

/**
 * The summary of the operations `set` (indices into `k.entries`); with `plain`, of its writes
 * with result ok only (those that certainly took effect).
 */
function writeSummary(k: KeyOps, set: readonly number[], plain: boolean): WriteSummary {
  const w: WriteSummary = {
    firstByValue: new Map(),
    first1: Infinity,
    first1Value: undefined,
    first2: Infinity,
    firstOkReturn: Infinity,
  };
  const first = w.firstByValue;
  const heap = new TimeHeap();
  const offer = (v: string | null, time: number): void => {
    const t = first.get(v);
    if (t === undefined || time < t) {
      first.set(v, time);
      heap.push(time, v);
    }
  };
  // Writes that change the value, by what they need: cas(a -> v) waits for a.
  const casFrom = new Map<string | null, number[]>();
  for (const i of set) {
    const e = k.entries[i];
    if (e.result === 'fail' || (plain && e.result !== 'ok')) continue;
    if (e.op !== 'put' && e.op !== 'delete' && e.op !== 'cas') continue;
    if (e.result === 'ok' && k.ret[i] < w.firstOkReturn) w.firstOkReturn = k.ret[i];
    if (e.op === 'put') offer(e.value as string, k.inv[i]);
    else if (e.op === 'delete') offer(null, k.inv[i]);
    else if (e.from !== e.to) {
      const a = e.from as string | null;
      const list = casFrom.get(a);
      if (list) list.push(i);
      else casFrom.set(a, [i]);
    }
  }
  // The initial absent value, for cas(absent -> v) invoked before any ok write returned.
  for (const i of casFrom.get(null) ?? []) if (w.firstOkReturn >= k.inv[i]) offer(k.entries[i].to as string, k.inv[i]);
  // Earliest times through chains of cas, in time order (Dijkstra: a cas can only make its
  // value appear later than the value it needs).
  const settled = new Set<string | null>();
  while (heap.size > 0) {
    const [time, v] = heap.pop();
    if (settled.has(v) || first.get(v) !== time) continue;
    settled.add(v);
    for (const i of casFrom.get(v) ?? []) {
      if (time <= k.ret[i]) offer(k.entries[i].to as string, Math.max(time, k.inv[i]));
    }
  }
  for (const [v, t] of first) {
    if (t < w.first1) {
      if (w.first1Value !== undefined) w.first2 = w.first1;
      w.first1 = t;
      w.first1Value = v;
    } else if (t < w.first2) {
      w.first2 = t;
    }
  }
  if (plain) w.sources = buildSources(k, set, first);
  return w;
}

/** Could something in the set have produced what read-like operation `k.entries[i]` saw? */
function supported(k: KeyOps, i: number, w: WriteSummary): boolean {
  const r = k.entries[i];
  const ret = k.ret[i];
  if (r.op === 'cas' && r.result === 'fail') {
    // needs some value other than `from`
    const f = r.from as string | null;
    const other = w.first1Value !== f ? w.first1 : w.first2;
    return other <= ret || (f !== null && w.firstOkReturn >= k.inv[i]);
  }
  const v = (r.op === 'get' ? r.value : r.from) as string | null;
  const t = w.firstByValue.get(v);
  return (t !== undefined && t <= ret) || (v === null && w.firstOkReturn >= k.inv[i]);
}

/** Summaries of a set's writes: all of them (unknown outcomes too), and the plain ones (ok). */
interface Support {
  all: WriteSummary;
  plain: WriteSummary;
}

function support(k: KeyOps, set: readonly number[]): Support {
  return { all: writeSummary(k, set, false), plain: writeSummary(k, set, true) };
}

/**
 * A read-like operation (ok get, ok or failed cas) is "supported" by a set when some write in it
 * (or the initial absent value) could have produced what it saw (see WriteSummary for what
 * counts as a write), and "plainly supported" when a write with result ok could. A removal is
 * refused when it would leave a supported read unsupported, or a plainly supported one not
 * plainly supported: otherwise shrinking a stale read could end in a read of a value nobody
 * wrote, or one that only unknown writes (which are not reported) could explain, instead of the
 * write it read and the one that overwrote it. It is also refused when an ok read loses its last
 * fresh source (see fresh()): otherwise removing the write a good read saw, while an older write
 * of the same value remains, turns the good read into a stale one that the explanation would
 * then blame. `before` is the support of the set before the removal, `after` the set after it.
 */
function supportPreserved(k: KeyOps, before: Support, after: readonly number[]): boolean {
  const wa = support(k, after);
  for (const i of after) {
    const e = k.entries[i];
    if (e.result === 'unknown' || (e.op !== 'get' && e.op !== 'cas') || (e.op === 'get' && e.result !== 'ok')) continue;
    if (supported(k, i, before.plain) && !supported(k, i, wa.plain)) return false;
    if (supported(k, i, before.all) && !supported(k, i, wa.all)) return false;
    if (e.result === 'ok' && fresh(k, i, before.plain) && !fresh(k, i, wa.plain)) return false;
  }
  return true;
}

/**
 * Greedy shrinking of an illegal key. Operations with an unknown outcome stay in the checks
 * (so a read they explain does not turn into a read of a value nobody wrote) but are never
 * reported: the reported set is illegal on its own, since leaving out unknowns can never make a
 * history linearizable. Steps, each kept only if the rest is still illegal (and keeps the
 * support of its reads, see supportPreserved): cut everything invoked after the last return
 * the search backtracked from, then remove chunks of halving size, then single operations
 * (latest first) until nothing more can be removed. Each check gets an iteration budget (a
 * candidate that is too hard to decide is treated as "not illegal"); when the time limit is hit
 * the current set is returned.
 */
function shrink(
  k: KeyOps,
  first: SearchOutcome,
  firstProblem: Problem,
  clock: Clock,
): { ops: HistoryEntry[]; stuck: HistoryEntry | undefined } {
  const all = k.entries.map((_, i) => i);
  let cur = all.filter((i) => isDefinite(k.entries[i])).sort((x, y) => k.inv[x] - k.inv[y] || k.ret[x] - k.ret[y] || x - y);
  let unk = all.filter((i) => k.entries[i].result === 'unknown');
  let curSupport = support(k, cur.concat(unk));
  let stuck = first.stuck >= 0 ? firstProblem.src[first.stuck] : -1;
  let budget = Math.max(200_000, 4 * first.iterations);
  let lastDeath = first.lastDeath;

  const attempt = (cand: number[], candUnk: number[]): boolean | null => {
    if (cand.length === 0) return false;
    const set = candUnk.length > 0 ? cand.concat(candUnk) : cand;
    if (!supportPreserved(k, curSupport, set)) return false;
    const p = buildProblem(k, set);
    const out = search(p, clock, budget);
    if (out.result === 'unknown') return out.reason === 'budget' ? false : null;
    if (out.result === 'ok') return false;
    cur = cand;
    unk = candUnk;
    curSupport = support(k, set);
    stuck = out.stuck >= 0 ? p.src[out.stuck] : -1;
    budget = Math.max(200_000, 4 * out.iterations);
    lastDeath = out.lastDeath;
    return true;
  };
  const done = (): { ops: HistoryEntry[]; stuck: HistoryEntry | undefined } => ({
    ops: cur.map((i) => k.entries[i]),
    stuck: stuck >= 0 && cur.includes(stuck) ? k.entries[stuck] : undefined,
  });

  // Nothing invoked after the last dead end can matter to the search that failed.
  const cutAt = lastDeath;
  if (cur.some((i) => k.inv[i] > cutAt) &&
      attempt(cur.filter((i) => k.inv[i] <= cutAt), unk.filter((i) => k.inv[i] <= cutAt)) === null) {
    return done();
  }
  for (let size = cur.length >>> 1; size > 1; size >>>= 1) {
    for (let i = 0; i < cur.length; ) {
      const r = attempt(cur.slice(0, i).concat(cur.slice(i + size)), unk);
      if (r === null) return done();
      if (!r) i += size;
    }
  }
  // Latest first: a read goes before the write it read, which can then go in the same pass.
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = cur.length - 1; i >= 0; i--) {
      const r = attempt(cur.slice(0, i).concat(cur.slice(i + 1)), unk);
      if (r === null) return done();
      if (r) changed = true;
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
      return e.prefix ? `delete of prefix ${JSON.stringify(e.key)} by ${e.client} returned ${at}` : `delete by ${e.client} returned ${at}`;
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
 * A prefix delete is a delete of every key under its prefix that the history's single-key
 * operations use (see the module comment); prefix gets are skipped (counted in
 * `skippedPrefixOps`). Keys are checked independently; the result is 'not-linearizable' if any
 * key is illegal, else 'unknown' if the time limit was hit on some key, else 'linearizable'.
 */
export function checkLinearizability(history: HistoryEntry[], opts: CheckOptions = {}): LinearizabilityResult {
  const now = opts.now ?? ((): number => performance.now());
  const clock = makeClock(now, opts.timeLimitMs ?? 10_000);

  const byKey = new Map<string, HistoryEntry[]>();
  const prefixDeletes: HistoryEntry[] = [];
  let skippedPrefixOps = 0;
  for (const e of history) {
    if (e.prefix) {
      if (e.op === 'delete') prefixDeletes.push(e);
      else skippedPrefixOps++;
      continue;
    }
    let list = byKey.get(e.key);
    if (!list) {
      list = [];
      byKey.set(e.key, list);
    }
    list.push(e);
  }
  // A prefix delete joins the register of every key under its prefix (as a delete of that key).
  for (const d of prefixDeletes) {
    const { key, rangeEnd } = prefixRange(d.key);
    const range = interval(key, rangeEnd);
    for (const [k, list] of byKey) if (inInterval(range, k)) list.push(d);
  }
  const keyNames = [...byKey.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

  const keys: KeyResult[] = [];
  const failing: { kr: KeyResult; k: KeyOps; out: SearchOutcome; p: Problem }[] = [];
  let firstUnknown: { key: string; reason: string } | undefined;
  for (const key of keyNames) {
    const entries = byKey.get(key) as HistoryEntry[];
    const k = keyOps(entries);
    const p = buildProblem(k);
    const out = search(p, clock);
    const kr: KeyResult = { key, result: out.result, operations: entries.length };
    if (out.result === 'ok') {
      kr.linearization = (out.order ?? []).map((i) => p.entries[i]);
    } else if (out.result === 'illegal') {
      kr.partialOrder = out.best.map((i) => p.entries[i]);
      failing.push({ kr, k, out, p });
    } else if (out.result === 'unknown' && !firstUnknown) {
      firstUnknown = { key, reason: out.reason === 'memory' ? 'the search cache limit' : `the time limit of ${clock.limitMs} ms` };
    }
    keys.push(kr);
  }

  // Shrink the illegal keys with whatever budget is left.
  let explanation: string | undefined;
  for (const f of failing) {
    const { kr } = f;
    const { ops: minimal, stuck } = shrink(f.k, f.out, f.p, clock);
    kr.minimalOps = minimal;
    if (explanation === undefined) {
      const what = stuck ? `${describeStuck(stuck)} but no` : 'no';
      const n = minimal.length;
      explanation =
        `key ${JSON.stringify(kr.key)}: ${what} ordering of the ${n} operation${n === 1 ? '' : 's'} ` +
        `below is consistent with a register`;
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
