/**
 * Benchmark of the linearizability checker: `npx tsx bench/linearizability.ts`.
 * Prints one JSON line per case. Histories are generated (seeded) from a correct register
 * simulation, so every case is expected to be 'linearizable'.
 */
import { pathToFileURL } from 'node:url';
import { checkLinearizability } from '../src/check/linearizability';
import { generateRegisterHistory, type RegisterSimOptions } from '../src/check/registerHistory';

const CASES: { name: string; opts: RegisterSimOptions }[] = [
  {
    name: '10k-ops-5-clients-10-keys',
    opts: { seed: 1, clients: 5, keys: 10, operations: 10_000, unknownRate: 0.02, thinkMs: 10, latencyMs: 20 },
  },
  {
    // As the simulator records histories: with invokeOrder/returnOrder, many events in one ms.
    name: '10k-ops-5-clients-10-keys-event-order',
    opts: { seed: 1, clients: 5, keys: 10, operations: 10_000, unknownRate: 0.02, thinkMs: 10, latencyMs: 20, eventOrder: true },
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
