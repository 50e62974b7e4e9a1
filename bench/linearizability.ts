/**
 * Benchmark of the linearizability checker: `npx tsx bench/linearizability.ts`.
 * Prints one JSON line per case. Histories are generated (seeded) from a correct register
 * simulation, so every case is expected to be 'linearizable'.
 */
import { pathToFileURL } from 'node:url';
import type { HistoryEntry } from '../src/check/history';
import { checkLinearizability } from '../src/check/linearizability';

/** mulberry32: small seeded PRNG, returns floats in [0, 1). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RegisterSimOptions {
  seed: number;
  clients: number;
  keys: number;
  operations: number;
  /** Share of operations whose client gives up (result 'unknown'); half of them took effect. */
  unknownRate: number;
  /** Max think time between a client's operations, ms. */
  thinkMs: number;
  /** Max delay from invoke to the effect, and from the effect to the return, ms. */
  latencyMs: number;
}

/**
 * History of a correct register: every operation takes effect at one instant between its invoke
 * and its return (unknowns: maybe not at all), applied in that order to a real map.
 */
export function generateRegisterHistory(o: RegisterSimOptions): HistoryEntry[] {
  const rnd = prng(o.seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const clock = new Array<number>(o.clients).fill(0);
  interface Gen { e: HistoryEntry; at: number; effect: boolean }
  const gens: Gen[] = [];
  const written: string[][] = Array.from({ length: o.keys }, () => []);
  for (let i = 0; i < o.operations; i++) {
    let c = 0;
    for (let j = 1; j < o.clients; j++) if (clock[j] < clock[c]) c = j;
    const invokeMs = clock[c] + int(o.thinkMs + 1);
    const at = invokeMs + int(o.latencyMs + 1);
    const ret = at + int(o.latencyMs + 1);
    clock[c] = ret + 1;
    const k = int(o.keys);
    const key = `k${k}`;
    const client = `c${c + 1}`;
    const unknown = rnd() < o.unknownRate;
    const r = rnd();
    let e: HistoryEntry;
    if (r < 0.45) {
      e = { client, op: 'get', key, invokeMs, returnMs: ret, result: 'ok' };
    } else if (r < 0.8) {
      const value = `${client}-${i}`;
      written[k].push(value);
      e = { client, op: 'put', key, value, invokeMs, returnMs: ret, result: 'ok' };
    } else if (r < 0.88) {
      e = { client, op: 'delete', key, invokeMs, returnMs: ret, result: 'ok' };
    } else {
      const w = written[k];
      const from = w.length === 0 || rnd() < 0.15 ? null : w[w.length - 1 - int(Math.min(3, w.length))];
      const to = `${client}-${i}`;
      written[k].push(to);
      e = { client, op: 'cas', key, from, to, invokeMs, returnMs: ret, result: 'ok' };
    }
    let effect = true;
    if (unknown) {
      e.result = 'unknown';
      e.returnMs = null;
      effect = rnd() < 0.5;
    }
    gens.push({ e, at, effect });
  }
  const order = gens.map((_, i) => i).sort((x, y) => gens[x].at - gens[y].at || x - y);
  const state = new Map<string, string>();
  for (const i of order) {
    const { e, effect } = gens[i];
    if (!effect) continue;
    const cur = state.get(e.key) ?? null;
    switch (e.op) {
      case 'get':
        if (e.result === 'ok') e.value = cur;
        break;
      case 'put':
        state.set(e.key, e.value as string);
        break;
      case 'delete':
        state.delete(e.key);
        break;
      case 'cas':
        if (cur === e.from) state.set(e.key, e.to as string);
        else if (e.result === 'ok') e.result = 'fail';
        break;
    }
  }
  return gens.map((g) => g.e);
}

const CASES: { name: string; opts: RegisterSimOptions }[] = [
  {
    name: '10k-ops-5-clients-10-keys',
    opts: { seed: 1, clients: 5, keys: 10, operations: 10_000, unknownRate: 0.02, thinkMs: 10, latencyMs: 20 },
  },
  {
    name: '200-ops-1-key-20-clients-overlapping',
    opts: { seed: 2, clients: 20, keys: 1, operations: 200, unknownRate: 0.02, thinkMs: 5, latencyMs: 100 },
  },
];

export function runLinearizabilityBench(): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = [];
  for (const c of CASES) {
    const history = generateRegisterHistory(c.opts);
    const t0 = performance.now();
    const res = checkLinearizability(history, { timeLimitMs: 60_000 });
    const wallMs = Math.round((performance.now() - t0) * 10) / 10;
    rows.push({ bench: 'linearizability', case: c.name, operations: history.length, result: res.result, wallMs });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of runLinearizabilityBench()) console.log(JSON.stringify(row));
}
