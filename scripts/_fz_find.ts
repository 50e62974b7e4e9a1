import { runFuzzSeed } from '../src/fuzz/fuzz';
const [from, to, dur, unsafe] = [Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4]), process.argv[5]];
for (let seed = from; seed <= to; seed++) {
  const r = runFuzzSeed(seed, { nodes: [3, 5, 7], durationMs: dur, unsafe: [unsafe] });
  if (!r.ok) console.log(`seed ${seed}: [${r.properties.join(',')}] ${r.linearizable} ${r.failures[0].slice(0, 150)}`);
}
