/**
 * Hostile links and names in the page (issue 11): a share-link decompression bomb, a short link
 * whose replay is 24 h of a 9-server cluster, and a scenario whose servers, clients and keys are
 * object property names. Each must show something clear, and the page must keep answering: a
 * click gets a visible answer within 500 ms, measured with the page's own clock (from the
 * pointerdown event's timeStamp to the animation frame after the change is in the DOM).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { encodeLink } from '../src/share/link';
import { requireChromium, useApp } from './browser-util';
import { CLIENTS_FIRST, SERVERS_FIRST } from './object-keys-fixture';

const WAIT_MS = 30_000;
/** How long a click may wait for a visible answer (the bound). */
const CLICK_MS = 500;

const haveChromium = requireChromium('hostile-input browser tests');

/**
 * An lz-string stream (URI alphabet) that decompresses to 1 + 2 + … + (codes + 1) copies of "a"
 * (each code names the dictionary entry being defined, one longer than the last): a link of a few
 * hundred KB that expands to billions of characters (as in test/hardening.test.ts).
 */
function lzBomb(codes: number): string {
  const bits: number[] = [];
  const write = (value: number, n: number) => {
    for (let i = 0; i < n; i++) bits.push((value >> i) & 1);
  };
  let dictSize = 4;
  let numBits = 3;
  let enlargeIn = 4;
  write(0, 2);
  write(97, 8);
  for (let k = 0; k < codes; k++) {
    write(dictSize, numBits);
    dictSize++;
    if (--enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
  }
  write(2, numBits);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
  let out = '';
  for (let i = 0; i < bits.length; i += 6) {
    let v = 0;
    for (let j = 0; j < 6; j++) v = v * 2 + (bits[i + j] ?? 0);
    out += alphabet[v];
  }
  return out + 'A';
}

/**
 * Clicks the middle of `selector` with a real mouse event (no waiting for the element first, so
 * a busy page cannot hide the wait) and returns the ms, on the page's clock, from the pointerdown
 * to the animation frame after `answer` matches an element.
 */
async function clickLatency(page: Page, selector: string, answer: string): Promise<number> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not on the page`);
  await page.evaluate((answer) => {
    const w = window as unknown as { __clickAt: number | null; __answerAt: number | null };
    w.__clickAt = null;
    w.__answerAt = null;
    document.addEventListener('pointerdown', (e) => { w.__clickAt = e.timeStamp; }, { capture: true, once: true });
    const seen = () => {
      if (w.__answerAt !== null || !document.querySelector(answer)) return false;
      w.__answerAt = -1;
      requestAnimationFrame(() => { w.__answerAt = performance.now(); });
      return true;
    };
    const obs = new MutationObserver(() => seen() && obs.disconnect());
    obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  }, answer);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => ((window as unknown as { __answerAt: number | null }).__answerAt ?? 0) > 0, undefined, { timeout: WAIT_MS });
  return page.evaluate(() => {
    const w = window as unknown as { __clickAt: number; __answerAt: number };
    return w.__answerAt - w.__clickAt;
  });
}

/** Turns presenter mode on and off again with its checkbox; returns the latency of each click. */
async function toggleLatency(page: Page): Promise<number[]> {
  const on = await clickLatency(page, '[data-testid="presenter"]', '.app[data-presenter="1"]');
  const off = await clickLatency(page, '[data-testid="presenter"]', '.app[data-presenter="0"]');
  return [on, off];
}

const shown = (ms: number[]) => `click latencies ${ms.map((x) => x.toFixed(0)).join(', ')} ms`;

describe.skipIf(!haveChromium)('hostile links and names in the page', () => {
  const app = useApp({ waitForServers: false });

  it('a decompression-bomb link says the link is too large, and the page answers clicks', async () => {
    const { page, errors } = await app.open(`#r=1.${lzBomb(100_000)}`);
    const panel = page.getByTestId('error-panel');
    await panel.waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await panel.textContent()).toContain('This link is too large to open.');
    const ms = await toggleLatency(page);
    expect(ms.every((x) => x < CLICK_MS), shown(ms)).toBe(true);
    // The picker still opens a scenario.
    await page.getByTestId('scenario-picker').selectOption('basic-election');
    await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a 24 h × 9 servers link shows its replay progress, answers clicks while it runs, and Cancel opens the run at its start', async () => {
    const hash = encodeLink({ yaml: 'title: A whole day\ncluster: { nodes: 9 }\nsteps: []\n', seed: 1, replay: { actions: [], until: { events: 1e12, atMs: 86_400_000 } } });
    expect(hash.length).toBeLessThan(200);
    const { page, errors } = await app.open(`#${hash}`);
    await page.getByTestId('replay-panel').waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await page.getByTestId('replay-panel').textContent()).toContain('Opening the recorded run');
    const where = async () => (await page.getByTestId('replay-progress').getAttribute('value')) ?? '';
    const text1 = await page.getByTestId('replay-where').textContent();
    expect(text1).toMatch(/^Replayed .+ of 24\.0 h of simulated time \(\d+%\)\.$/);
    // The replay goes on between clicks, and clicks are answered while it runs (after a second in
    // which the page finishes starting up: the tab's first long tasks come before the panel shows).
    await page.waitForTimeout(1000);
    const latencies = await toggleLatency(page);
    await page.waitForFunction((t) => document.querySelector('[data-testid="replay-where"]')?.textContent !== t, text1, { timeout: WAIT_MS });
    expect(Number(await where())).toBeLessThan(100);
    latencies.push(await clickLatency(page, '[data-testid="replay-cancel"]', '[data-testid="replay-cancel"][disabled]'));
    expect(latencies.every((ms) => ms < CLICK_MS), shown(latencies)).toBe(true);
    // Then the run opens at its start, with the notice.
    await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
    expect(await page.locator('[data-node-id]').count()).toBe(9);
    expect(await page.getByTestId('notice').textContent()).toMatch(/^The replay was stopped at .+ of 24\.0 h: the run opens at its start, without the recorded actions\.$/);
    expect(await page.evaluate(() => window.__raftsim!.events())).toBe(0);
    // It is an ordinary run now: Step processes one event.
    await page.getByTestId('step').click();
    await page.waitForFunction(() => window.__raftsim!.events() === 1, undefined, { timeout: WAIT_MS });
    expect(errors).toEqual([]);
    await page.close();
  });

  for (const [label, yaml, servers, clients] of [
    ['servers', SERVERS_FIRST, ['toString', 'constructor', 'valueOf'], ['hasOwnProperty', 'isPrototypeOf', 'toLocaleString']],
    ['clients', CLIENTS_FIRST, ['hasOwnProperty', 'isPrototypeOf', 'toLocaleString'], ['toString', 'constructor', 'valueOf']],
  ] as const) {
    it(`a scenario with ${label} named toString, constructor, valueOf and keys __proto__, constructor opens, plays and draws`, async () => {
      const { page, errors } = await app.open(`#${encodeLink({ yaml, seed: 7 })}`);
      await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
      expect(await page.locator('[data-node-id]').evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-node-id')))])).toEqual(servers);
      const ring = (await page.locator('.cluster-box').textContent()) ?? '';
      for (const c of clients) expect(ring).toContain(c);
      // Play to the middle of the lesson: the stores hold __proto__ and constructor.
      await page.getByTestId('play-pause').click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid^="kv-"] .kv-pair').length >= 9, undefined, { timeout: WAIT_MS });
      await page.getByTestId('play-pause').click();
      const kvText = (await page.locator('[data-testid^="kv-"]').allTextContents()).join(' ');
      expect(kvText).toContain('__proto__');
      expect(kvText).toContain('constructor');
      // The inspector of the leader lists each follower's Progress (nextIndex, matchIndex) by name.
      const leader = page.locator('[data-role="leader"]').first();
      await leader.click();
      await page.keyboard.press('Escape');
      const progress = page.getByTestId('leader-progress');
      await progress.waitFor({ state: 'visible', timeout: WAIT_MS });
      const peers = await progress.locator('tbody tr th').allTextContents();
      expect(peers).toHaveLength(2);
      for (const p of peers) expect(servers).toContain(p);
      for (const n of await progress.locator('tbody td[data-field="matchIndex"]').allTextContents()) expect(n).toMatch(/^\d+$/);
      // The partition helper groups servers by name.
      await page.getByTestId('open-partition').click();
      const chips = await page.locator('[data-testid^="partition-group-"] .server-chip').allTextContents();
      expect([...chips].sort()).toEqual([...servers].sort());
      await page.getByTestId(`partition-chip-${servers[0]}`).click();
      await page.keyboard.press('Escape');
      await page.screenshot({ path: `test-results/hostile-names-${label}.png` });
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
