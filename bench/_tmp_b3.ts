import { generateRegisterHistory } from './linearizability';
import { checkLinearizability } from '../src/check/linearizability';
import { describeEntry } from '../src/check/history';
for (const [clients, keys, operations, u, lat, seed] of [[5, 10, 10000, 0.02, 20, 1], [20, 1, 200, 0.02, 100, 2], [5, 1, 5000, 0.02, 20, 3]] as const) {
  const h = generateRegisterHistory({ seed, clients, keys, operations, unknownRate: u, thinkMs: 5, latencyMs: lat });
  // stale corruption: find get G, puts P1 < P2 < G (real-time), P1 value unique
  let done = false;
  for (let gi = h.length - 1; gi >= 0 && !done; gi--) {
    const g = h[gi];
    if (g.op !== 'get' || g.result !== 'ok' || g.invokeMs < 1000) continue;
    const p2 = h.find((e) => e.key === g.key && e.op === 'put' && e.result === 'ok' && (e.returnMs as number) < g.invokeMs && e.value !== g.value && h.some((p1) => p1.key === g.key && p1.op === 'put' && p1.result === 'ok' && (p1.returnMs as number) < e.invokeMs));
    if (!p2) continue;
    const p1 = h.find((p1) => p1.key === g.key && p1.op === 'put' && p1.result === 'ok' && (p1.returnMs as number) < p2.invokeMs)!;
    g.value = p1.value; done = true;
    console.log('corrupt', describeEntry(g), 'p1', describeEntry(p1), 'p2', describeEntry(p2));
  }
  const t0 = performance.now();
  const r = checkLinearizability(h, { timeLimitMs: 20000 });
  console.log(clients, keys, operations, r.result, (performance.now() - t0).toFixed(1), r.failingKey, r.explanation);
  for (const e of r.minimalOps ?? []) console.log('  ', describeEntry(e));
  console.log('  partial', r.partialOrder?.length);
}
