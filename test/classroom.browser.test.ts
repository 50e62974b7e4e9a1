/**
 * The classroom features in Chromium: languages, share links, saving and opening recordings, and
 * presenter mode. Same launch rules as the other browser tests.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, requireChromium, useApp, waitEvents } from './browser-util';

const WAIT_MS = 20_000;
const haveChromium = requireChromium('classroom browser tests');

/** The visible labels of every control: buttons, labels (own text only) and selected options. */
async function controlLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const visible = (el: Element) => {
      const r = (el as HTMLElement).getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const out: string[] = [];
    for (const el of document.querySelectorAll('button, label, select')) {
      if (!visible(el)) continue;
      let text = '';
      if (el.tagName === 'LABEL') {
        for (const n of el.childNodes) if (n.nodeType === Node.TEXT_NODE) text += n.textContent;
      } else if (el.tagName === 'SELECT') {
        continue; // its label is the surrounding <label>; its options are names and numbers
      } else {
        text = el.textContent ?? '';
      }
      text = text.trim();
      if (text) out.push(`${el.getAttribute('data-testid') ?? el.tagName}|${text}`);
    }
    return out;
  });
}

describe.skipIf(!haveChromium)('classroom features in Chromium', () => {
  const app = useApp({ waitForServers: true });
  const open = app.open;


  it('switching to Chinese changes every control label, and the choice is remembered', async () => {
    const { page, errors } = await open('?scenario=basic-election&seed=1&at=900&play=0');
    await page.evaluate(() => localStorage.removeItem('raftsim.lang'));
    await page.reload();
    await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
    expect(await page.evaluate(() => window.__raftsim!.lang())).toBe('en');
    const before = await controlLabels(page);
    expect(before.length).toBeGreaterThan(10);
    await page.getByTestId('language').selectOption('zh');
    await page.waitForFunction(() => window.__raftsim?.lang() === 'zh');
    const after = await controlLabels(page);
    // Proper names, numbers and symbols stay as they are: server and client ids, Raft's field and
    // message names (commitIndex, AppendEntries), etcd raft's type names (Progress), file formats
    // (SVG, PNG), speeds, arrows and "?".
    const properToken = /Progress|SVG|PNG|S\d+|c\d+|\d+(\/\d+)?x|[a-z]+[A-Z]\w*|[A-Z][a-z]+[A-Z]\w*|\d+|[^\p{L}]/gu;
    const proper = { test: (text: string) => text.replace(properToken, '') === '' };
    const byKey = new Map(after.map((l) => [l.split('|')[0], l.split('|').slice(1).join('|')]));
    const unchanged: string[] = [];
    for (const l of before) {
      const [key, ...rest] = l.split('|');
      const text = rest.join('|');
      if (proper.test(text)) continue;
      if (after.includes(l) || (key !== 'BUTTON' && key !== 'LABEL' && byKey.get(key) === text)) unchanged.push(l);
    }
    expect(unchanged).toEqual([]);
    expect(await page.getByTestId('play-pause').textContent()).toMatch(/[\u4e00-\u9fff]/);
    await page.reload();
    await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
    expect(await page.evaluate(() => window.__raftsim!.lang())).toBe('zh');
    await page.getByTestId('language').selectOption('en');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a first visit follows navigator.language', async () => {
    const context = await app.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/?scenario=basic-election&seed=1&play=0`);
    await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
    expect(await page.evaluate(() => window.__raftsim!.lang())).toBe('zh');
    await context.close();
  });

  it('a copied share link replays the same run, and a truncated one says why it cannot open', async () => {
    const { page, errors } = await open('?scenario=basic-election&seed=1&at=1500&play=0');
    await page.waitForSelector('[data-role="leader"]', { timeout: WAIT_MS });
    const leader = (await page.locator('[data-role="leader"]').getAttribute('data-node-id'))!;
    // Crash the leader through the server menu, then run on a little.
    await page.keyboard.press('r'); // crash the leader
    await page.waitForFunction((id) => window.__raftsim?.leader() !== id, leader);
    for (let i = 0; i < 30; i++) await page.getByTestId('step').click();
    const pos = await page.evaluate(() => window.__raftsim!.position());
    const hash = await page.evaluate(() => window.__raftsim!.traceHash());
    await page.getByTestId('copy-link').click();
    const url = await page.getByTestId('share-url').inputValue();
    expect(url).toContain('#r=');

    const other = await openPage(app.browser, url);
    await other.page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
    await waitEvents(other.page, pos.events);
    expect(await other.page.evaluate(() => window.__raftsim!.position())).toEqual(pos);
    expect(await other.page.evaluate(() => window.__raftsim!.traceHash())).toBe(hash);
    expect(await other.page.evaluate(() => window.__raftsim!.player())).not.toBe('playing');
    expect(other.errors).toEqual([]);
    await other.page.close();

    const cut = await openPage(app.browser, url.slice(0, url.length - 25));
    const panel = cut.page.getByTestId('error-panel');
    await panel.waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await panel.textContent()).toMatch(/damaged or was cut short/);
    await cut.page.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a saved scenario and an exported trace open again to the same run', async () => {
    const { page, errors } = await open('?scenario=basic-election&seed=1&at=1200&play=0');
    await page.waitForSelector('[data-role="leader"]', { timeout: WAIT_MS });
    const leader = (await page.locator('[data-role="leader"]').getAttribute('data-node-id'))!;
    await page.keyboard.press('r'); // crash the leader
    for (let i = 0; i < 20; i++) await page.getByTestId('step').click();
    await page.keyboard.press('h');
    for (let i = 0; i < 10; i++) await page.getByTestId('step').click();
    const pos = await page.evaluate(() => window.__raftsim!.position());
    const hash = await page.evaluate(() => window.__raftsim!.traceHash());
    const yaml = await page.evaluate(() => window.__raftsim!.savedYaml());
    const trace = await page.evaluate(() => window.__raftsim!.savedTrace());
    expect(yaml).toContain('replay:');

    // The download button gives the same text.
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-yaml').click()]);
    const stream = await dl.createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(yaml);

    for (const [name, text, mimeType] of [['recording.yaml', yaml, 'application/yaml'], ['trace.json', trace, 'application/json']] as const) {
      const fresh = await open('?scenario=basic-election&seed=7&play=0');
      await fresh.page.getByTestId('open-file').setInputFiles({ name, mimeType, buffer: Buffer.from(text, 'utf8') });
      await waitEvents(fresh.page, pos.events);
      expect(await fresh.page.evaluate(() => window.__raftsim!.position())).toEqual(pos);
      expect(await fresh.page.evaluate(() => window.__raftsim!.traceHash())).toBe(hash);
      expect(fresh.errors).toEqual([]);
      await fresh.page.close();
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('presenter mode plays a lesson to its end with captions showing', async () => {
    const { page, errors } = await open('?scenario=leader-crash&speed=1&presenter=1');
    expect(await page.locator('.app').getAttribute('data-presenter')).toBe('1');
    expect(await page.locator('.wb-timeline').isVisible()).toBe(false);
    expect(await page.locator('.wb-inspect').isVisible()).toBe(false);
    const captions = new Set<string>();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const state = await page.getByTestId('play-pause').getAttribute('data-state');
      const c = (await page.getByTestId('caption').textContent()) ?? '';
      if (await page.getByTestId('caption').isVisible()) captions.add(c);
      const status = await page.getByTestId('step-status').getAttribute('data-step-status');
      if (status === 'done' || state === 'ended') break;
      expect(status).not.toBe('failed');
      // The presenter presses Start (the lesson opens paused at its first caption) and Continue.
      if (state === 'held' || state === 'paused') await page.getByTestId('play-pause').click();
      if (Date.now() > deadline) throw new Error(`the lesson did not end (state ${state}, step ${status})`);
      await page.waitForTimeout(100);
    }
    expect(captions.size).toBeGreaterThan(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
