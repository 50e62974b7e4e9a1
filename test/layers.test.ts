/**
 * The layers (developers' guide; design notes §8): raft < kv < etcdctl < sim < check/scenario <
 * timetravel/fuzz/share/cli < ui. A module may import its own layer and those below, never one
 * above: the engine (src/sim) knows nothing of scenarios, checkers, time travel or the UI, and the
 * Raft core (src/raft) knows nothing of the store or the engine. A plain scan of every import,
 * re-export, dynamic import and module augmentation under src/.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(__dirname, '..', 'src');

/** Each top-level folder of src/ and its layer; a higher number is a higher layer. */
const LAYER: Record<string, number> = { raft: 0, kv: 1, etcdctl: 1.5, sim: 2, check: 3, scenario: 3, timetravel: 4, fuzz: 4, share: 4, cli: 4, ui: 5 };

/**
 * Imports that break the order today and are being removed elsewhere: src/raft still imports the
 * KV command type (issue 10 makes commands opaque to the core). The test fails when an entry is no
 * longer needed, so the list only shrinks.
 */
const KNOWN: string[] = [];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|tsx|js|mjs)$/.test(f) ? [p] : [];
  });
}

/** Module specifiers a file refers to: import/export ... from, import(), bare import, declare module. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+|\bdeclare\s+module\s+)['"]([^'"]+)['"]/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1]);
  return out;
}

/** Every cross-folder edge "folder/file -> folder" under src/. */
function edges(): { from: string; file: string; to: string }[] {
  const out: { from: string; file: string; to: string }[] = [];
  for (const file of sources(SRC)) {
    const rel = relative(SRC, file).split(sep);
    const from = rel[0];
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue; // a package
      const target = relative(SRC, resolve(dirname(file), spec)).split(sep);
      const to = target[0];
      if (to === from || to === '..') continue;
      out.push({ from, file: rel.join('/'), to });
    }
  }
  return out;
}

describe('layers', () => {
  const all = edges();

  it('every folder of src/ has a layer', () => {
    const folders = readdirSync(SRC).filter((f) => statSync(join(SRC, f)).isDirectory()).sort();
    expect(folders).toEqual(Object.keys(LAYER).sort());
  });

  it('the scan sees imports (it would notice a violation)', () => {
    expect(all.some((e) => e.file === 'scenario/runner.ts' && e.to === 'sim')).toBe(true);
    expect(all.some((e) => e.file === 'ui/model/frame.ts' && e.to === 'timetravel')).toBe(true);
    expect(specifiers("import type { A } from '../x';\nexport { b } from \"./y\";\nconst m = import('../z');\ndeclare module '../w' {}")).toEqual(['../x', './y', '../z', '../w']);
  });

  it('src/sim imports nothing from src/scenario, src/check, src/timetravel, src/fuzz, src/share, src/cli or src/ui', () => {
    expect(all.filter((e) => e.from === 'sim' && e.to !== 'raft' && e.to !== 'kv' && e.to !== 'etcdctl').map((e) => `${e.file} -> ${e.to}`)).toEqual([]);
  });

  it('src/etcdctl imports only src/kv (it sits between the store and the engine)', () => {
    expect([...new Set(all.filter((e) => e.from === 'etcdctl').map((e) => e.to))].sort()).toEqual(['kv']);
  });

  it('src/raft imports nothing from src/kv or above (except the known entries being removed)', () => {
    const found = [...new Set(all.filter((e) => e.from === 'raft').map((e) => `${e.file} -> ${e.to}`))].sort();
    expect(found).toEqual(KNOWN.filter((k) => k.startsWith('raft/')).sort());
  });

  it('no module imports a layer above its own', () => {
    const up = [...new Set(all.filter((e) => LAYER[e.to] > LAYER[e.from]).map((e) => `${e.file} -> ${e.to}`))].sort();
    expect(up).toEqual([...KNOWN].sort());
  });
});
