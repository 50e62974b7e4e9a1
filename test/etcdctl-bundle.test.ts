/**
 * src/etcdctl runs in the browser console too: vite must bundle it (and the libraries it uses:
 * shell-quote, @pkgjs/parseargs, string-width, seedrandom) for the browser without any Node
 * built-in module. Vite replaces a built-in that a browser bundle imports by an empty
 * `__vite-browser-external` module (and warns that it was "externalized for browser
 * compatibility"); the second test shows the check catches one (yargs-parser's Node entry).
 */
import { fileURLToPath } from 'node:url';
import { build, createLogger, type Rollup } from 'vite';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE_BUILTIN = /externalized for browser compatibility/;

async function bundle(entry: string): Promise<{ code: string; warnings: string[] }> {
  const warnings: string[] = [];
  const logger = createLogger('warn', { allowClearScreen: false });
  logger.warn = (msg) => void warnings.push(msg);
  logger.warnOnce = (msg) => void warnings.push(msg);
  const out = (await build({
    root: ROOT,
    configFile: false,
    logLevel: 'warn',
    customLogger: logger,
    build: { write: false, minify: false, lib: { entry, formats: ['es'], fileName: 'bundle' } },
  })) as Rollup.RollupOutput[];
  return { code: out.flatMap((o) => o.output).map((c) => ('code' in c ? c.code : '')).join('\n'), warnings };
}

describe('etcdctl browser bundle', () => {
  it('bundles src/etcdctl for the browser with no Node built-in module', async () => {
    const { code, warnings } = await bundle(`${ROOT}src/etcdctl/index.ts`);
    expect(code).toContain('granted with TTL(');
    expect(code).toContain('unknown shorthand flag');
    expect(warnings.filter((w) => NODE_BUILTIN.test(w))).toEqual([]);
    // The one stand-in allowed is seedrandom's own guarded `try { nodecrypto = require('crypto') }`
    // (used only to autoseed, which the simulator never does; the app bundles seedrandom already).
    const uses = [...code.matchAll(/(\w+) = require___vite_browser_external\w*\(\)/g)].map((m) => m[1]);
    expect(uses).toEqual(['nodecrypto']);
    expect(code).not.toMatch(/from ['"](node:)?(fs|util|path|child_process|process|events|module)['"]/);
  });

  it('the check sees a Node built-in when a library needs one (yargs-parser main entry)', async () => {
    const { warnings, code } = await bundle(`${ROOT}test/etcdctl-bundle-probe.js`);
    expect(code).toMatch(/__vite-browser-external:(util|path|fs)/);
    void warnings;
  });
});
