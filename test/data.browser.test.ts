/**
 * The page's data views in Chromium (issue 9 items 7 and 9, issue 10's UI part): the timeline
 * opens fitted to the run and follows it, its tick labels never collide with each other or with
 * the "now" label; the history panel shows the linearizability verdict with the failing
 * operations or a linearization, and is linked to the time cursor; the leader's inspector shows
 * each follower's Progress; the why feed words a Progress change. Same launch rules as
 * browser.test.ts (skipped without /usr/bin/chromium except under CI). Every wait is for a
 * condition, never a fixed duration.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { requireChromium, useApp } from './browser-util';

const WAIT_MS = 20_000;
const haveChromium = requireChromium('data views browser tests');

interface Box {
  text: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}
interface Axis {
  ticks: Box[];
  now: Box | null;
  domain: [number, number];
}

const axis = (page: Page): Promise<Axis> => page.evaluate(() => window.__raftsim!.timeline.axis());

async function canvasBox(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await page.getByTestId('timeline-canvas').boundingBox();
  if (!b) throw new Error('the timeline canvas is not on the page');
  return b;
}

/** The simulated time at which the first election was won, from the exported trace. */
async function firstElectionWonMs(page: Page): Promise<number> {
  const trace = JSON.parse(await page.evaluate(() => window.__raftsim!.savedTrace())) as { trace: { kind: string; atMs: number; note?: { kind: string } }[] };
  const e = trace.trace.find((x) => x.kind === 'note' && x.note?.kind === 'electionWon');
  if (!e) throw new Error('no election was won by the cursor');
  return e.atMs;
}

/** No two tick labels overlap (nor come closer than 2 px), and none overlaps the "now" label. */
function expectReadableAxis(a: Axis, where: string): void {
  expect(a.ticks.length, `${where}: tick labels`).toBeGreaterThanOrEqual(3);
  const ticks = [...a.ticks].sort((p, q) => p.left - q.left);
  for (let i = 1; i < ticks.length; i++) {
    expect(ticks[i].left, `${where}: "${ticks[i - 1].text}" and "${ticks[i].text}" overlap`).toBeGreaterThanOrEqual(ticks[i - 1].right + 2);
  }
  if (a.now) {
    for (const b of ticks) {
      const apart = b.right <= a.now.left || b.left >= a.now.right;
      expect(apart, `${where}: tick "${b.text}" overlaps the now label "${a.now.text}"`).toBe(true);
    }
  }
}

/** The time span the canvas shows, [left edge, right edge] in ms, from the timeline's time → x mapping. */
async function shownDomain(page: Page): Promise<[number, number]> {
  const c = await canvasBox(page);
  const [x0, x1] = await page.evaluate(() => [window.__raftsim!.timeline.timeToX(0), window.__raftsim!.timeline.timeToX(1000)]);
  const msPerPx = 1000 / (x1 - x0);
  return [(c.x - x0) * msPerPx, (c.x + c.width - x0) * msPerPx];
}

async function openAt(app: ReturnType<typeof useApp>, query: string, width: number, height: number): Promise<Page> {
  const page = await app.browser.newPage({ viewport: { width, height } });
  await page.goto(`${app.baseUrl}/${query}`, { waitUntil: 'load' });
  await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
  await page.waitForFunction(() => Number.isFinite(window.__raftsim?.timeline.timeToX(0)), null, { timeout: WAIT_MS });
  return page;
}

describe.skipIf(!haveChromium)('the data views in Chromium', () => {
  const app = useApp({ waitForServers: true });

  it('the timeline opens fitted to the default scenario: the first election takes a good part of the width, not its left 10 %', async () => {
    for (const [w, h] of [[1280, 720], [1440, 900]]) {
      const page = await openAt(app, '?scenario=basic-election&seed=1&at=250&play=0', w, h);
      const won = await firstElectionWonMs(page);
      const c = await canvasBox(page);
      expect((await shownDomain(page))[0]).toBeCloseTo(0, 6);
      // From the start of the run to the election won: at least a third of the canvas.
      const x0 = await page.evaluate(() => window.__raftsim!.timeline.timeToX(0));
      const xWon = await page.evaluate((ms) => window.__raftsim!.timeline.timeToX(ms), won);
      expect((xWon - x0) / c.width, `${w}×${h}`).toBeGreaterThan(0.33);
      // The whole run so far is in view, with the cursor near the right.
      const xNow = await page.evaluate(() => window.__raftsim!.timeline.timeToX(250));
      expect(xNow).toBeLessThanOrEqual(c.x + c.width);
      expectReadableAxis(await axis(page), `${w}×${h} at 250 ms`);
      await page.close();
    }
  });

  it('following now, the fitted view grows with the run, then slides once the run is long', async () => {
    const page = await openAt(app, '?scenario=basic-election&seed=1&at=1500&play=0', 1280, 720);
    // Fitted: from 0 ms to just after the cursor (not a fixed 0–2,000 ms window).
    const [d0, d1] = await shownDomain(page);
    expect(d0).toBeCloseTo(0, 6);
    expect(d1).toBeGreaterThan(1500);
    expect(d1).toBeLessThan(1500 / 0.85);
    expectReadableAxis(await axis(page), '1280×720 at 1500 ms');
    await page.close();

    const long = await openAt(app, '?scenario=basic-election&seed=1&at=30000&play=0', 1280, 720);
    const c = await canvasBox(long);
    const xNow = await long.evaluate(() => window.__raftsim!.timeline.timeToX(30000));
    expect((await shownDomain(long))[0]).toBeGreaterThan(0);
    expect((xNow - c.x) / c.width).toBeGreaterThan(0.8);
    const a = await axis(long);
    expect(a.now).not.toBeNull();
    expectReadableAxis(a, '1280×720 at 30 s');
    await long.close();
  });

  it('tick labels never collide with each other or with the now label, at 1280 and 1440 wide and after zooming', async () => {
    for (const [w, h] of [[1280, 720], [1440, 900]]) {
      const page = await openAt(app, '?scenario=leader-crash&at=2400&play=0', w, h);
      expectReadableAxis(await axis(page), `${w} wide, opened`);
      const c = await canvasBox(page);
      await page.mouse.move(c.x + c.width * 0.6, c.y + c.height / 2);
      for (const dy of [-240, -240, -240, 600, 600, 600, 600]) {
        const before = (await axis(page)).domain;
        await page.mouse.wheel(0, dy);
        await page.waitForFunction((d) => {
          const now = window.__raftsim!.timeline.axis().domain;
          return Math.abs(now[1] - now[0] - (d[1] - d[0])) > 1e-6;
        }, before, { timeout: WAIT_MS });
        expectReadableAxis(await axis(page), `${w} wide, zoomed to ${(await axis(page)).domain.map((v) => v.toFixed(1)).join('–')} ms`);
      }
      // Fit all is readable too.
      const zoomed = (await axis(page)).domain;
      await page.getByTestId('fit-all').click();
      await page.waitForFunction((d) => window.__raftsim!.timeline.axis().domain[1] !== d[1], zoomed, { timeout: WAIT_MS });
      expectReadableAxis(await axis(page), `${w} wide, fit all`);
      await page.close();
    }
  });

  it('the history panel shows the stale-read lesson as not linearizable, its three operations highlighted', async () => {
    const { page, errors } = await app.open('?scenario=stale-read&at=1200&play=0');
    // The verdict is on the timeline's History tab even before the panel is opened.
    await page.waitForSelector('[data-testid="history-badge"][data-verdict="not-linearizable"]', { timeout: WAIT_MS });
    expect(await page.getByTestId('history-badge').textContent()).toContain('not linearizable');
    await page.getByTestId('timeline-view-history').click();
    await page.waitForSelector('[data-testid="history-panel"][data-verdict="not-linearizable"]', { timeout: WAIT_MS });
    expect(await page.getByTestId('history-sentence').textContent()).toMatch(/^Not linearizable: these 3 operations on key x cannot be ordered/);
    const failing = await page.$$eval('[data-testid="history-op"][data-failing="1"]', (els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    expect(failing).toHaveLength(3);
    expect(failing.some((l) => l.startsWith('c1: put x=old'))).toBe(true);
    expect(failing.some((l) => l.startsWith('c2: put x=new'))).toBe(true);
    expect(failing.some((l) => l.startsWith('c1: get x → old (serializable)'))).toBe(true);
    // The read that never got an answer is drawn open-ended, and is not one of them.
    expect(await page.locator('[data-testid="history-op"][data-open="1"][data-failing="0"]').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('history-failing').locator('li').count()).toBe(3);
    // No linearization is drawn for a failing key.
    expect(await page.getByTestId('history-order').count()).toBe(0);
    // In Chinese as well.
    await page.getByTestId('language').selectOption('zh');
    await page.waitForFunction(() => document.querySelector('[data-testid="history-sentence"]')?.textContent?.startsWith('不满足线性一致性'), null, { timeout: WAIT_MS });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('on a passing lesson the history panel says linearizable and draws a linearization order', async () => {
    const { page, errors } = await app.open('?scenario=log-replication&at=5000&play=0');
    await page.getByTestId('timeline-view-history').click();
    await page.waitForSelector('[data-testid="history-panel"][data-verdict="linearizable"]', { timeout: WAIT_MS });
    expect(await page.getByTestId('history-verdict').textContent()).toContain('linearizable');
    expect(await page.getByTestId('history-sentence').textContent()).toMatch(/^Linearizable: the numbered points show one order of the \d+ operations/);
    expect(await page.locator('[data-testid="history-op"][data-failing="1"]').count()).toBe(0);
    // Each key's operations are numbered 1..n in its linearization, drawn as a line through them.
    const orders = await page.$$eval('[data-testid="history-panel"] [data-key]', (keys) =>
      keys.map((k) => [...k.querySelectorAll('[data-testid="history-op"]')].map((o) => Number(o.getAttribute('data-order'))).filter((n) => n > 0).sort((a, b) => a - b)),
    );
    expect(orders.length).toBeGreaterThan(0);
    for (const list of orders) expect(list).toEqual(list.map((_, i) => i + 1));
    expect(orders.flat().length).toBeGreaterThanOrEqual(4);
    expect(await page.getByTestId('history-order').count()).toBe(orders.length);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('clicking an operation (or Enter on it) moves the time cursor to its return, and the cursor line follows', async () => {
    const { page, errors } = await app.open('?scenario=stale-read&at=1200&play=0');
    await page.getByTestId('timeline-view-history').click();
    await page.waitForSelector('[data-testid="history-panel"][data-verdict="not-linearizable"]', { timeout: WAIT_MS });
    const stale = page.locator('[data-testid="history-op"][data-failing="1"]', { hasText: 'get x' });
    const returnMs = Number(await stale.getAttribute('data-return-ms'));
    expect(returnMs).toBeGreaterThan(0);
    const cursorX = async () => Number(await page.getByTestId('history-chart').getAttribute('data-cursor-x'));
    const before = await cursorX();
    await stale.click();
    await page.waitForFunction((ms) => Math.abs(window.__raftsim!.position().timeMs - ms) < 1e-6, returnMs, { timeout: WAIT_MS });
    expect(await page.evaluate(() => window.__raftsim!.inPast())).toBe(true);
    // The cursor line now stands at the bar's right end (its return), or just after it when
    // more happened in that same event (the client's next operation starts there), and before
    // every operation invoked later.
    const box = (await stale.locator('.hbar-box').boundingBox())!;
    const chart = (await page.getByTestId('history-chart').boundingBox())!;
    await page.waitForFunction((b) => Number(document.querySelector('[data-testid="history-chart"]')?.getAttribute('data-cursor-x')) !== b, before, { timeout: WAIT_MS });
    const lineX = chart.x + (await cursorX());
    expect(lineX).toBeGreaterThanOrEqual(box.x + box.width - 1);
    const laterStarts = await page.$$eval(
      '[data-testid="history-op"]',
      (els, ms) => els.filter((e) => Number(e.getAttribute('data-invoke-ms')) > ms).map((e) => e.querySelector('.hbar-box')!.getBoundingClientRect().left),
      returnMs,
    );
    expect(laterStarts.length).toBeGreaterThan(0);
    expect(lineX).toBeLessThan(Math.min(...laterStarts));
    // Keyboard: the operations are one tab stop; arrows move between them, Enter goes there.
    await stale.focus();
    await page.keyboard.press('ArrowLeft');
    const focused = await page.evaluate(() => ({
      ret: Number(document.activeElement?.getAttribute('data-return-ms')),
      label: document.activeElement?.getAttribute('aria-label') ?? '',
    }));
    expect(focused.ret).toBeLessThan(returnMs);
    expect(focused.label).toMatch(/^c\d: /);
    // The arrow moved the focus, not the run (the page's ← shortcut steps back).
    expect(await page.evaluate(() => window.__raftsim!.position().timeMs)).toBe(returnMs);
    await page.keyboard.press('Enter');
    await page.waitForFunction((ms) => Math.abs(window.__raftsim!.position().timeMs - ms) < 1e-6, focused.ret, { timeout: WAIT_MS });
    expect(await page.locator('[data-testid="history-op"][tabindex="0"]').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the leader’s inspector shows each follower’s Progress: state, nextIndex, matchIndex, inflight', async () => {
    const { page, errors } = await app.open('?scenario=lossy-network&at=2295&play=0');
    const leader = await page.evaluate(() => window.__raftsim!.leader());
    expect(leader).not.toBeNull();
    await page.getByTestId(`lane-${leader}`).click();
    const table = page.getByTestId('leader-progress');
    await table.waitFor({ timeout: WAIT_MS });
    const rows = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        id: tr.querySelector('th')?.textContent ?? '',
        state: tr.getAttribute('data-state'),
        shown: tr.querySelector('.progress-state')?.textContent ?? '',
        nextIndex: Number(tr.querySelector('[data-field="nextIndex"]')?.textContent),
        matchIndex: Number(tr.querySelector('[data-field="matchIndex"]')?.textContent),
        inflight: tr.querySelector('[data-field="inflight"]')?.textContent ?? '',
      })),
    );
    expect(rows.map((r) => r.id).sort()).toEqual(['S1', 'S2', 'S3', 'S4', 'S5'].filter((s) => s !== leader));
    for (const r of rows) {
      expect(['probe', 'replicate']).toContain(r.state);
      expect(r.shown).toBe(r.state);
      expect(r.matchIndex).toBeLessThan(r.nextIndex);
      expect(r.inflight).toMatch(/^\d+ of 8$/);
      if (r.state === 'probe') expect(Number(r.inflight.split(' ')[0])).toBe(0);
    }
    // This moment of the lossy run has followers in both states.
    expect(new Set(rows.map((r) => r.state)).size).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the why feed and the message inspector word a Progress change (etcd raft Progress)', async () => {
    const { page, errors } = await app.open('?scenario=basic-election&seed=1&at=400&play=0');
    const feed = page.getByTestId('why-feed');
    await expect.poll(async () => (await feed.textContent()) ?? '', { timeout: WAIT_MS }).toMatch(
      /S2’s Progress of S\d: probe → replicate: S\d accepted the entries up to index 1, so S2 now sends new entries without waiting for each answer \(etcd raft Progress\)\./,
    );
    // The arrow that caused it says so in the message inspector: an AppendEntriesResponse to the leader.
    const responses = await page.evaluate(() => window.__raftsim!.timeline.visibleMessages().filter((m) => m.type === 'AppendEntriesResponse' && m.to === 'S2'));
    const firstPer = new Map<string, number>();
    for (const m of responses.sort((a, b) => a.sendMs - b.sendMs)) if (!firstPer.has(m.from)) firstPer.set(m.from, m.id);
    expect(firstPer.size).toBe(4);
    let worded = 0;
    for (const id of firstPer.values()) {
      const p = await page.evaluate((i) => window.__raftsim!.timeline.arrowPoint(i), id);
      if (!p) continue;
      await page.mouse.click(p.x, p.y);
      await page.waitForSelector(`[data-testid="message-inspector"][data-message-id="${id}"]`, { timeout: WAIT_MS });
      const whys = await page.getByTestId('message-why').allTextContents();
      if (whys.some((w) => /^S2’s Progress of S\d: probe → replicate: /.test(w))) worded++;
    }
    expect(worded).toBeGreaterThan(0);

    const lossy = await app.open('?scenario=lossy-network&at=400&play=0');
    await expect.poll(async () => (await lossy.page.getByTestId('why-feed').textContent()) ?? '', { timeout: WAIT_MS }).toMatch(
      /S1’s Progress of S\d: replicate → probe: S\d rejected AppendEntries at prevLogIndex \d+/,
    );
    await lossy.page.getByTestId('language').selectOption('zh');
    await expect.poll(async () => (await lossy.page.getByTestId('why-feed').textContent()) ?? '', { timeout: WAIT_MS }).toMatch(/S1 对 S\d 的 Progress：replicate → probe/);
    expect([...errors, ...lossy.errors]).toEqual([]);
    await page.close();
    await lossy.page.close();
  });
});
