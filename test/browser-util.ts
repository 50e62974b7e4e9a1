/**
 * Helpers for driving the page in Debian's Chromium with playwright-core (Playwright's own
 * browser download is not used): start Vite in-process, launch the browser, open a run.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { createServer, type ViteDevServer } from 'vite';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Starts the Vite dev server for the app on a free local port; returns it and its base URL. */
export async function startApp(): Promise<{ server: ViteDevServer; baseUrl: string }> {
  const server = await createServer({
    root: ROOT,
    configFile: `${ROOT}vite.config.ts`,
    logLevel: 'warn',
    server: { port: 0, host: '127.0.0.1', strictPort: false },
  });
  await server.listen();
  const addr = server.httpServer?.address() as AddressInfo | null;
  if (!addr || typeof addr === 'string') throw new Error('the Vite server has no TCP address');
  return { server, baseUrl: `http://127.0.0.1:${addr.port}` };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Opens a page and collects its console errors and uncaught exceptions. */
export async function openPage(browser: Browser, url: string, viewport = { width: 1440, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors };
}

/** The simulated time shown on the page, in ms (parsed from "1234.5 ms"). */
export async function simTime(page: Page): Promise<number> {
  const text = (await page.getByTestId('sim-time').textContent()) ?? '';
  const v = Number.parseFloat(text);
  if (!Number.isFinite(v)) throw new Error(`sim-time shows "${text}", not a time`);
  return v;
}

/** The event count shown on the page. */
export async function eventCount(page: Page): Promise<number> {
  const text = (await page.getByTestId('event-count').textContent()) ?? '';
  const v = Number.parseInt(text, 10);
  if (!Number.isFinite(v)) throw new Error(`event-count shows "${text}", not a number`);
  return v;
}

/** Every server's data-* attributes in the ring, plus the shown simulated time (to compare states). */
export async function serverStates(page: Page): Promise<{ servers: Record<string, string>[]; simTime: string }> {
  return page.evaluate(() => ({
    servers: [...document.querySelectorAll('[data-node-id]')].map((el) =>
      Object.fromEntries([...el.attributes].filter((a) => a.name.startsWith('data-')).map((a) => [a.name, a.value])),
    ),
    simTime: document.querySelector('[data-testid="sim-time"]')?.textContent ?? '',
  }));
}

/** Waits until the page has processed exactly `n` events (the time machine's cursor). */
export async function waitEvents(page: Page, n: number, timeout = 20_000): Promise<void> {
  await page.waitForFunction((k) => window.__raftsim?.events() === k, n, { timeout });
}

/**
 * Whether a suite's browser tests can run. Without Chromium they are skipped with a printed notice,
 * except under CI, where a missing browser is an error (CI must run them).
 * @throws Error under CI when Chromium is missing
 */
export function requireChromium(suite: string): boolean {
  if (chromiumAvailable()) return true;
  if (process.env.CI) throw new Error(`${suite}: ${CHROMIUM_PATH} does not exist; install Chromium (apt-get install chromium) — CI must run these tests`);
  console.warn(`${suite} skipped: ${CHROMIUM_PATH} does not exist (install Chromium with apt-get install chromium to run them)`);
  return false;
}

/** The app and browser of a describe block, set up in beforeAll and closed in afterAll. */
export interface AppHarness {
  browser: Browser;
  baseUrl: string;
  /** Opens `/<query>`; waits for the servers to be drawn unless `waitForServers` was false. */
  open(query: string): Promise<{ page: Page; errors: string[] }>;
}

/** Starts the app (Vite, in-process) and Chromium for the enclosing describe block. */
export function useApp(opts: { waitForServers?: boolean; waitMs?: number } = {}): AppHarness {
  let server: ViteDevServer | undefined;
  const app = {
    browser: undefined as unknown as Browser,
    baseUrl: '',
    async open(query: string) {
      const r = await openPage(app.browser, `${app.baseUrl}/${query}`);
      if (opts.waitForServers ?? true) await r.page.waitForSelector('[data-node-id]', { timeout: opts.waitMs ?? 20_000 });
      return r;
    },
  };
  beforeAll(async () => {
    const started = await startApp();
    server = started.server;
    app.baseUrl = started.baseUrl;
    app.browser = await launchChromium();
  });
  afterAll(async () => {
    await app.browser?.close();
    await server?.close();
  });
  return app;
}
