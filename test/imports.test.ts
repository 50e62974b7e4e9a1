/**
 * No circular imports anywhere under src/: the layers import downwards only (raft < kv < sim <
 * check/scenario < timetravel/fuzz/share/cli < ui), and inside src/ui the folders do too
 * (i18n < model < io/draw < panels/dialogs < app). Type-only imports count as well: a cycle of
 * types is still a knot a reader must untie.
 *
 * The graph is dpdm's (it resolves imports with its own TypeScript 5 parser, so it works although
 * the project compiles with TypeScript 7, which has no JavaScript API).
 */
import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree, type Dependency, type DependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every module under src/ and what it imports (ids relative to the repository root). */
async function srcGraph(): Promise<DependencyTree> {
  return parseDependencyTree('src/**/*.{ts,tsx}', {
    context: ROOT,
    cwd: ROOT,
    tsconfig: `${ROOT}tsconfig.json`,
    // keep `import type` edges (dpdm's transform would drop them)
    transform: false,
    skipDynamicImports: false,
  });
}

describe('imports', () => {
  it('no module under src/ imports itself through a cycle (static, dynamic and type-only imports)', async () => {
    const tree = await srcGraph();
    const files = Object.keys(tree).filter((f) => f.startsWith('src/'));
    // The graph holds every source file (85 today), so an empty list of cycles means something.
    expect(files.length).toBeGreaterThan(80);
    expect(files).toContain('src/ui/app/App.tsx');
    expect(files).toContain('src/raft/node.ts');
    const cycles = parseCircular(tree, false).map((c) => c.join(' -> '));
    expect(cycles).toEqual([]);
  });

  it('the graph is resolved: one edge back up the layers makes a cycle it reports', async () => {
    const tree = await srcGraph();
    expect(tree['src/ui/app/App.tsx']?.map((d) => d.id)).toContain('src/ui/model/frame.ts');
    // The workbench model importing the page: App.tsx reaches workbench.ts, so this closes a loop.
    const workbench = 'src/ui/model/workbench.ts';
    const back = { issuer: workbench, request: '../app/App', kind: 'StaticImport' as Dependency['kind'], id: 'src/ui/app/App.tsx' };
    const cycles = parseCircular({ ...tree, [workbench]: [...(tree[workbench] ?? []), back] }, false);
    expect(cycles.some((c) => c.includes(workbench) && c.includes('src/ui/app/App.tsx'))).toBe(true);
  });
});
