/**
 * Histories of a correct register, for checking the linearizability checker (tests) and timing it
 * (benchmarks): seeded, so the same options give the same history.
 */
import { RandomStream } from '../sim/rng';
import type { HistoryEntry } from './history';

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
  /**
   * Record the run's event order too, as the simulator does (invokeOrder/returnOrder, one
   * counter over the run). Then time is continuous underneath and recorded in whole ms, and a
   * client may start its next operation in the ms its last one returned, so many events share
   * a ms and only the orders tell them apart. Without it, times are whole ms and a client waits
   * at least 1 ms between operations.
   */
  eventOrder?: boolean;
}

/**
 * History of a correct register: every operation takes effect at one instant between its invoke
 * and its return (unknowns: maybe not at all), applied in that order to a real map.
 */
export function generateRegisterHistory(o: RegisterSimOptions): HistoryEntry[] {
  const stream = new RandomStream(o.seed, 'register-history');
  const rnd = (): number => stream.next();
  const int = (n: number): number => Math.floor(rnd() * n);
  const clock = new Array<number>(o.clients).fill(0);
  interface Gen { e: HistoryEntry; at: number; effect: boolean; invokeAt: number; returnAt: number }
  const gens: Gen[] = [];
  const real = o.eventOrder === true;
  /** A delay of at most `max` ms: whole ms, or any real number with eventOrder. */
  const delay = (max: number): number => (real ? rnd() * max : int(max + 1));
  const written: string[][] = Array.from({ length: o.keys }, () => []);
  for (let i = 0; i < o.operations; i++) {
    let c = 0;
    for (let j = 1; j < o.clients; j++) if (clock[j] < clock[c]) c = j;
    const invokeAt = clock[c] + delay(o.thinkMs);
    const at = invokeAt + delay(o.latencyMs);
    const returnAt = at + delay(o.latencyMs);
    clock[c] = real ? returnAt : returnAt + 1;
    const invokeMs = Math.floor(invokeAt);
    const ret = Math.floor(returnAt);
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
    gens.push({ e, at, effect, invokeAt, returnAt });
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
  if (real) {
    // The order of the underlying continuous times: every effect lies between its invoke and
    // its return, so the history is that of a correct register under the (ms, order) rule.
    const evs: { t: number; ret: number; i: number }[] = [];
    gens.forEach((g, i) => {
      evs.push({ t: g.invokeAt, ret: 0, i });
      if (g.e.result !== 'unknown') evs.push({ t: g.returnAt, ret: 1, i });
    });
    // At equal times (a zero delay): another operation's return first, an operation's own invoke first.
    evs.sort((x, y) => x.t - y.t || (x.i === y.i ? x.ret - y.ret : y.ret - x.ret || x.i - y.i));
    evs.forEach((ev, n) => {
      if (ev.ret) gens[ev.i].e.returnOrder = n;
      else gens[ev.i].e.invokeOrder = n;
    });
    for (const g of gens) if (g.e.result === 'unknown') g.e.returnOrder = null;
  }
  return gens.map((g) => g.e);
}
