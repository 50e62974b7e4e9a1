import { writeFileSync } from 'node:fs';
import { fuzzPlan } from '../src/fuzz/plan';
const seed = Number(process.argv[2]); const dur = Number(process.argv[3]);
const unsafe = process.argv[4];
writeFileSync(`/tmp/i13e/seed${seed}.yaml`, fuzzPlan(seed, { nodes: [3, 5, 7], durationMs: dur, ...(unsafe ? { unsafe: [unsafe] } : {}) }));
