/**
 * Determinism guard: the simulation core (engine, Raft, KV, scenario runner, fuzz plans) must use
 * no clock, timer or ambient randomness, and the same seed must give the same trace every time.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fuzzPlan } from '../src/fuzz/plan';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';

const root = join(__dirname, '..');
const CORE_DIRS = ['src/sim', 'src/raft', 'src/kv', 'src/etcdctl', 'src/scenario'];
const CORE_FILES = ['src/fuzz/plan.ts', 'src/check/invariants.ts'];
const FORBIDDEN = /\bMath\.random\b|\bDate\b|\bperformance\.now\b|\bsetTimeout\b|\bsetInterval\b|\bsetImmediate\b|\bprocess\.hrtime\b|\bcrypto\.getRandomValues\b|\brequestAnimationFrame\b/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return /\.tsx?$/.test(f) ? [p] : [];
  });
}

/** The code of a file with comments and string contents blanked out, so docs may mention clocks. */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/\/\/.*$/gm, '')
    .replace(/(['"`])(?:\\.|(?!\1)[^\\\n])*\1/g, '""');
}

describe('determinism guard', () => {
  const files = [...CORE_DIRS.flatMap((d) => tsFiles(join(root, d))), ...CORE_FILES.map((f) => join(root, f))];

  it('scans the engine, Raft, KV and scenario code', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(files.map((f) => relative(root, f))).toEqual(expect.arrayContaining(['src/sim/engine.ts', 'src/raft/node.ts', 'src/kv/store.ts']));
  });

  it('no module of the simulation core uses Math.random, Date, performance.now or timers', () => {
    const offenders: string[] = [];
    for (const f of files) {
      codeOnly(readFileSync(f, 'utf8')).split('\n').forEach((line, i) => {
        if (FORBIDDEN.test(line)) offenders.push(`${relative(root, f)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('the guard itself catches a forbidden call (so it cannot pass vacuously)', () => {
    expect(FORBIDDEN.test(codeOnly('const t = Date.now();'))).toBe(true);
    expect(FORBIDDEN.test(codeOnly('x = Math.random() // ok'))).toBe(true);
    expect(FORBIDDEN.test(codeOnly('// Math.random in a comment'))).toBe(false);
    expect(FORBIDDEN.test(codeOnly("const s = 'setTimeout';"))).toBe(false);
  });

  it('100 seeds give identical traceHashes on two runs (faults, clients, loss and duplication included)', () => {
    const hashes = (seed: number) => {
      const sc = parseScenario(fuzzPlan(seed, { nodes: [3, 5], durationMs: 1500 }), `seed-${seed}.yaml`);
      const r = new ScenarioRunner(sc);
      r.runToEnd();
      return r.sim.traceHash;
    };
    const first = Array.from({ length: 100 }, (_, i) => hashes(i + 1));
    const second = Array.from({ length: 100 }, (_, i) => hashes(i + 1));
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(100);
  });
});
