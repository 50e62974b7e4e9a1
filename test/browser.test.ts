/**
 * The live page in a real browser (Debian's Chromium driven by playwright-core), served by Vite
 * in-process. Without /usr/bin/chromium the tests are skipped with a notice, except under CI
 * (`CI` set), where a missing browser is a failure.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import { eventCount, requireChromium, ROOT, simTime, useApp } from './browser-util';

const WAIT_MS = 20_000;

const haveChromium = requireChromium('browser tests');

describe.skipIf(!haveChromium)('the live page in Chromium', () => {
  const app = useApp({ waitForServers: false });
  const open = app.open;


  it('plays basic-election live: a leader appears and simulated time moves on', async () => {
    const { page, errors } = await open('?scenario=basic-election&seed=1&speed=1&play=1');
    await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
    expect(await page.locator('[data-node-id]').count()).toBe(5);
    await page.waitForSelector('[data-role="leader"]', { timeout: WAIT_MS });
    const leader = page.locator('[data-role="leader"]');
    expect(Number(await leader.first().getAttribute('data-term'))).toBeGreaterThanOrEqual(1);

    const t1 = await simTime(page);
    await page.waitForFunction((t) => Number.parseFloat(document.querySelector('[data-testid="sim-time"]')?.textContent ?? '') > t, t1, {
      timeout: WAIT_MS,
    });
    const t2 = await simTime(page);
    expect(t2).toBeGreaterThan(t1);
    expect(await page.getByTestId('play-pause').getAttribute('data-state')).toBe('playing');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Step processes exactly one event while paused, and nothing moves without it', async () => {
    const { page, errors } = await open('?scenario=basic-election&seed=1&speed=1&play=1');
    await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
    await page.getByTestId('play-pause').click();
    await page.waitForFunction(() => window.__raftsim?.player() === 'paused', undefined, { timeout: WAIT_MS });

    const t0 = await simTime(page);
    const e0 = await eventCount(page);
    await page.waitForTimeout(400);
    expect(await simTime(page)).toBe(t0);
    expect(await eventCount(page)).toBe(e0);

    for (let i = 1; i <= 3; i++) {
      await page.getByTestId('step').click();
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="event-count"]')?.textContent) === n, e0 + i, {
        timeout: WAIT_MS,
      });
    }
    const t3 = await simTime(page);
    expect(t3).toBeGreaterThanOrEqual(t0);
    expect(await page.evaluate(() => window.__raftsim!.events())).toBe(e0 + 3);

    await page.waitForTimeout(400);
    expect(await eventCount(page)).toBe(e0 + 3);
    expect(await simTime(page)).toBe(t3);
    expect(await page.getByTestId('play-pause').getAttribute('data-state')).toBe('paused');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an unknown scenario shows a visible error instead of a blank page', async () => {
    const { page } = await open('?scenario=does-not-exist');
    const panel = page.getByTestId('error-panel');
    await panel.waitFor({ state: 'visible', timeout: WAIT_MS });
    const text = (await panel.textContent()) ?? '';
    expect(text).toContain('does-not-exist');
    expect(text).toContain('basic-election');
    // The picker still works: choosing a bundled scenario opens it.
    await page.getByTestId('scenario-picker').selectOption('basic-election');
    await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
    expect(page.url()).toContain('scenario=basic-election');
    await page.close();
  });

  it('a scenario with a parse error shows file:line:column: key: reason', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Serve a broken basic-election.yaml in place of the bundled one.
    const broken = 'title: Broken\nsteps:\n  - say: hello\n  - crash: [S1, nobody]\n';
    await page.route(/\/scenarios\/basic-election\.yaml\?/, (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript', body: `export default ${JSON.stringify(broken)};` }),
    );
    await page.goto(`${app.baseUrl}/?scenario=basic-election`);
    const panel = page.getByTestId('error-panel');
    await panel.waitFor({ state: 'visible', timeout: WAIT_MS });
    const text = (await panel.textContent()) ?? '';
    expect(text).toMatch(/scenarios\/basic-election\.yaml:4:\d+: steps\[1\]\.crash/);
    expect(await page.locator('[data-node-id]').count()).toBe(0);
    await page.close();
  });

  it('pauses while the tab is hidden and carries on when it is visible again', async () => {
    const { page, errors } = await open('?scenario=basic-election&seed=1&speed=1&play=1');
    await page.waitForFunction(() => window.__raftsim?.player() === 'playing' && window.__raftsim.nowMs() > 0, undefined, { timeout: WAIT_MS });
    const setHidden = (hidden: boolean) =>
      page.evaluate((h) => {
        Object.defineProperty(document, 'hidden', { value: h, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    await setHidden(true);
    expect(await page.evaluate(() => window.__raftsim!.player())).toBe('hidden');
    const t0 = await page.evaluate(() => window.__raftsim!.nowMs());
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => window.__raftsim!.nowMs())).toBe(t0);
    await setHidden(false);
    await page.waitForFunction((t) => window.__raftsim!.nowMs() > t, t0, { timeout: WAIT_MS });
    expect(await page.evaluate(() => window.__raftsim!.player())).toBe('playing');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('holds at a presenter pause until Continue is pressed', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const held = [
      'title: Held',
      'steps:',
      '  - say: { text: "First caption.", pause: true }',
      '  - say: "Second caption."',
      '  - run: 100',
    ].join('\n');
    await page.route(/\/scenarios\/basic-election\.yaml\?/, (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript', body: `export default ${JSON.stringify(held)};` }),
    );
    await page.goto(`${app.baseUrl}/?scenario=basic-election&speed=1&play=1`);
    await page.waitForFunction(() => window.__raftsim?.player() === 'held', undefined, { timeout: WAIT_MS });
    expect(await page.getByTestId('caption').textContent()).toBe('First caption.');
    expect(await page.getByTestId('step-status').getAttribute('data-step-status')).toBe('held');
    const t0 = await page.evaluate(() => window.__raftsim!.nowMs());
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => window.__raftsim!.nowMs())).toBe(t0);
    await page.getByTestId('play-pause').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="caption"]')?.textContent === 'Second caption.', undefined, {
      timeout: WAIT_MS,
    });
    await page.waitForFunction((t) => window.__raftsim!.nowMs() > t, t0, { timeout: WAIT_MS });
    expect(await page.evaluate(() => window.__raftsim!.player())).toBe('playing');
    await page.close();
  });

  it('the same scenario and seed give the same trace hash in two page loads and in Node', async () => {
    const steps = 40;
    const hashes: string[] = [];
    const times: number[] = [];
    for (let k = 0; k < 2; k++) {
      const { page, errors } = await open('?scenario=basic-election&seed=3&play=0');
      await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
      expect(await page.evaluate(() => window.__raftsim!.player())).toBe('paused');
      for (let i = 0; i < steps; i++) await page.getByTestId('step').click();
      await page.waitForFunction((n) => window.__raftsim!.events() === n, steps, { timeout: WAIT_MS });
      hashes.push(await page.evaluate(() => window.__raftsim!.traceHash()));
      times.push(await page.evaluate(() => window.__raftsim!.nowMs()));
      expect(errors).toEqual([]);
      await page.close();
    }
    expect(hashes[0]).toMatch(/^[0-9a-f]+$/);
    expect(hashes[1]).toBe(hashes[0]);
    expect(times[1]).toBe(times[0]);

    // The same 40 events headless in Node reach the same hash: the page adds nothing of its own.
    const scenario = parseScenario(readFileSync(`${ROOT}scenarios/basic-election.yaml`, 'utf8'), 'scenarios/basic-election.yaml');
    const runner = new ScenarioRunner(scenario, { seed: 3, honourPauses: true });
    for (let i = 0; i < steps; i++) {
      if (runner.paused) runner.resume();
      runner.advance(Infinity, 1);
    }
    expect(runner.sim.traceHash).toBe(hashes[0]);
    expect(runner.sim.nowMs).toBe(times[0]);
  });

  it('opening at a simulated time (?at=) is deterministic too, and matches Node', async () => {
    const { page, errors } = await open('?scenario=basic-election&seed=1&at=1500');
    await page.waitForSelector('[data-role="leader"]', { timeout: WAIT_MS });
    const hash = await page.evaluate(() => window.__raftsim!.traceHash());
    expect(await simTime(page)).toBe(1500);
    const scenario = parseScenario(readFileSync(`${ROOT}scenarios/basic-election.yaml`, 'utf8'), 'scenarios/basic-election.yaml');
    const runner = new ScenarioRunner(scenario, { seed: 1, honourPauses: true });
    runner.advance(1500);
    expect(runner.sim.traceHash).toBe(hash);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('changing the seed restarts the run with that seed and keeps the address in sync', async () => {
    const { page, errors } = await open('?scenario=basic-election&seed=1&play=0');
    await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
    for (let i = 0; i < 5; i++) await page.getByTestId('step').click();
    await page.waitForFunction(() => window.__raftsim!.events() === 5, undefined, { timeout: WAIT_MS });
    await page.getByTestId('seed').fill('42');
    await page.waitForFunction(() => window.__raftsim!.events() === 0, undefined, { timeout: WAIT_MS });
    expect(new URL(page.url()).searchParams.get('seed')).toBe('42');
    expect(new URL(page.url()).searchParams.get('scenario')).toBe('basic-election');
    await page.getByTestId('speed').selectOption({ label: '1/1000x' });
    expect(new URL(page.url()).searchParams.get('speed')).toBe('1/1000');
    await page.getByTestId('restart').click();
    expect(await page.evaluate(() => window.__raftsim!.nowMs())).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
