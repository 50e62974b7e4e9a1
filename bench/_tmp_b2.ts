import { generateRegisterHistory } from './linearizability';
import { checkLinearizability } from '../src/check/linearizability';
const cases: [number, number, number, number, number, number][] = [
  // clients, keys, ops, unknown, latency, seed
  [20, 1, 200, 0, 100, 2], [20, 1, 200, 0, 100, 3], [20, 1, 200, 0.02, 100, 3], [20, 1, 200, 0.02, 100, 4],
  [20, 1, 200, 0.02, 100, 5], [20, 1, 200, 0.02, 100, 6], [20, 1, 200, 0.1, 100, 7],
  [5, 10, 10000, 0.02, 20, 1], [5, 10, 10000, 0.1, 20, 1], [5, 10, 10000, 0.2, 20, 8], [10, 1, 5000, 0.02, 30, 9], [5, 1, 10000, 0.05, 20, 10],
];
for (const [clients, keys, operations, u, lat, seed] of cases) {
  const h = generateRegisterHistory({ seed, clients, keys, operations, unknownRate: u, thinkMs: 5, latencyMs: lat });
  const t0 = performance.now();
  const r = checkLinearizability(h, { timeLimitMs: 20000 });
  console.log(clients, keys, operations, u, lat, seed, r.result, (performance.now() - t0).toFixed(1), r.explanation ?? '');
}
