/**
 * The built app under its Content-Security-Policy: no inline scripts, no eval. Builds the app,
 * serves it with `vite preview`, and checks that it runs (a leader is elected) with no CSP
 * violation. Same Chromium rules as the other browser tests.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireChromium, ROOT } from './browser-util';

const haveChromium = requireChromium('CSP browser test');

describe.skipIf(!haveChromium)('the built app under its Content-Security-Policy', () => {
  let server: PreviewServer;
  let browser: Browser;
  let baseUrl: string;
  let outDir: string;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'raftsim-build-'));
    await build({ root: ROOT, configFile: `${ROOT}vite.config.ts`, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    server = await preview({ root: ROOT, configFile: `${ROOT}vite.config.ts`, logLevel: 'warn', build: { outDir }, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
    const addr = server.httpServer.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${addr.port}`;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => server?.httpServer.close(() => r()));
  });

  it('the page declares a policy that forbids inline scripts and eval', () => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1].replace(/&#39;/g, "'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('runs a scenario, opens the editor and exports a PNG with no CSP violation', async () => {
    const page = await browser.newPage({ acceptDownloads: true });
    const problems: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __csp: string[] }).__csp = [...((window as unknown as { __csp?: string[] }).__csp ?? []), `${e.violatedDirective} ${e.blockedURI}`];
      });
    });
    await page.goto(`${baseUrl}/?scenario=leader-crash&seed=3&speed=1&play=1`);
    await page.waitForSelector('[data-role="leader"]', { timeout: 20_000 });
    // The editor (a separate chunk with CodeMirror) loads and shows an inline error; the cluster
    // view exports through an <img> of a blob: URL.
    await page.getByTestId('open-editor').click();
    await page.getByTestId('editor-new-blank').click();
    await page.getByTestId('editor-text').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('\nbogus: 1\n');
    await page.getByTestId('inline-error').first().waitFor({ timeout: 20_000 });
    await page.getByTestId('editor-close').click();
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-cluster-png').click()]);
    expect(png.suggestedFilename()).toMatch(/\.png$/);
    const violations = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
