import { runFuzzSeed } from '../src/fuzz/fuzz';
const [from, to, dur, unsafe] = [Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4] ?? 2500), process.argv[5]];
let bad = 0; const t0 = Date.now();
for (let seed = from; seed <= to; seed++) {
  const r = runFuzzSeed(seed, { nodes: [3, 5, 7], durationMs: dur, ...(unsafe ? { unsafe: [unsafe] } : {}) });
  if (!r.ok) { bad++; console.log(`seed ${seed}: ${r.failures.slice(0, 2).join(' | ')}`); if (unsafe) break; }
}
console.log(`done ${from}..${to}: ${bad} failing, ${Date.now() - t0} ms`);
