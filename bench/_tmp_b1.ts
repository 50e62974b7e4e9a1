import { generateRegisterHistory } from '/work/main/bench/linearizability';
import { checkLinearizability } from '/work/main/src/check/linearizability';
for (const [u, lat, seed] of [[0, 100, 2], [0, 100, 3], [0.02, 100, 3], [0.02,100,4], [0, 50, 2]] as const) {
  const h = generateRegisterHistory({ seed, clients: 20, keys: 1, operations: 200, unknownRate: u, thinkMs: 5, latencyMs: lat });
  const t0 = performance.now();
  const r = checkLinearizability(h, { timeLimitMs: 20000 });
  console.log(u, lat, seed, r.result, (performance.now() - t0).toFixed(1), r.explanation ?? '');
}
