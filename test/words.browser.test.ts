/**
 * The page's words in Chromium (issue 9, "words"): after switching to Chinese no English sentence
 * is left in the why feed (its earlier lines included), the status line, the library's concept
 * chips, the glossary and the tour; a why-feed term opens its glossary entry from the keyboard; the
 * first-visit tour shows once, can be skipped, never returns by itself and reopens from "?"; the
 * library shows the suggested lesson path first, with one first-election lesson whose old name
 * still opens it. Same launch rules as browser.test.ts. Every wait is for a condition.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../src/scenario/parse';
import { requireChromium, ROOT, useApp } from './browser-util';

const WAIT_MS = 20_000;
const haveChromium = requireChromium('words browser tests');

/** The lesson path of src/ui/model/scenarios.ts (LESSON_PATH), as the library must show it. */
const PATH = ['basic-election', 'split-vote', 'log-replication', 'leader-crash', 'follower-crash-catch-up', 'partition-minority-leader', 'figure-7', 'figure-8', 'figure-8-unsafe'];

/**
 * Names that stay as they are in Chinese text: server and client names, protocol and field
 * identifiers, etcd's operations and source names, file names, section marks.
 */
const PROPER = [
  /\b[Sc]\d+\b/g,
  /\b[a-z]+[A-Z]\w*\b/g, // camelCase identifiers: commitIndex, prevLogTerm, leaderCommit, commitPreviousTermEntries
  /\b[A-Z][a-z]+[A-Z]\w*\b/g, // PascalCase identifiers: RequestVote, AppendEntries, StateProbe, InstallSnapshot
  /\b(?:Raft|raftsim|etcd|raft|KV\.\w+|mvccpb\.\w+|clientv3|concurrency|tracker\/[\w.]+|Herlihy|Wing)\b/g,
  /scenarios\/[\w.-]+/g,
  // Command lines and their flags as the etcd docs print them: etcdctl member promote, --initial-cluster-state existing, snapshot-count.
  /\betcdctl(?:\s+[a-z][\w-]*){0,2}/g,
  /--[\w-]+(?:[ =][a-z]+)?/g,
  /\b[a-z]+(?:-[a-z]+)+\b/g,
  /\b[A-Z]{2,}\b/g, // acronyms: WAL, TTL, MVCC
];

/** The runs of three or more English words in a text once the proper names are taken out. */
function englishRuns(text: string): string[] {
  let rest = text;
  for (const re of PROPER) rest = rest.replace(re, ' ');
  return rest.match(/[A-Za-z]{2,}(?:[\s,.;:'’()-]+[A-Za-z]{2,}){2,}/g) ?? [];
}

/** The visible text of the why feed, the status line and the violation, the library's chips, the glossary and every tour step. */
async function pageWords(page: Page): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  out.feed = await page.getByTestId('event-feed').innerText();
  out.status = await page.getByTestId('step-status').innerText();
  if (await page.getByTestId('violation').count()) out.violation = await page.getByTestId('violation').innerText();
  out.player = await page.getByTestId('play-pause').innerText();

  await page.getByTestId('open-library').click();
  await page.getByTestId('library').waitFor({ state: 'visible', timeout: WAIT_MS });
  out.chips = (await page.locator('[data-testid="library"] .concept-filter, [data-testid="library"] .concept').allInnerTexts()).join('\n');
  out.path = await page.getByTestId('library-path').innerText();
  await page.getByTestId('library-close').click();

  await page.getByTestId('open-help').click();
  await page.getByTestId('open-glossary').click();
  await page.getByTestId('glossary').waitFor({ state: 'visible', timeout: WAIT_MS });
  out.glossary = await page.getByTestId('glossary').innerText();
  await page.getByTestId('glossary-close').click();

  await page.getByTestId('open-help').click();
  await page.getByTestId('open-tour').click();
  const tour: string[] = [];
  for (let n = 1; ; n++) {
    await page.waitForSelector(`[data-testid="tour"][data-step="${n}"]`, { timeout: WAIT_MS });
    tour.push(await page.getByTestId('tour').innerText());
    if (await page.getByTestId('tour-done').count()) break;
    await page.getByTestId('tour-next').click();
  }
  out.tour = tour.join('\n');
  await page.getByTestId('tour-done').click();
  await page.getByTestId('tour').waitFor({ state: 'detached', timeout: WAIT_MS });
  return out;
}

describe.skipIf(!haveChromium)('words in Chromium', () => {
  const app = useApp({ waitForServers: true });

  it('in Chinese no English sentence is left: why feed (earlier lines too), status, library chips, glossary, tour', async () => {
    const { page, errors } = await app.open('?scenario=figure-8-unsafe&at=300&play=0');
    const scenario = parseScenario(readFileSync(`${ROOT}scenarios/figure-8-unsafe.yaml`, 'utf8'), 'scenarios/figure-8-unsafe.yaml');
    const first = scenario.steps.find((s) => s.kind === 'say')!;
    if (first.kind !== 'say') throw new Error('no caption');
    // The first caption is in the feed, in English.
    const captionLine = page.locator('[data-testid="event-feed"] li[data-tone="caption"]').last();
    await expect.poll(() => captionLine.innerText(), { timeout: WAIT_MS }).toContain(first.text);

    // The check can fail: in English every part has English sentences.
    const before = await pageWords(page);
    for (const [part, text] of Object.entries(before)) if (part !== 'player') expect(englishRuns(text).length, part).toBeGreaterThan(0);

    await page.getByTestId('language').selectOption('zh');
    await page.waitForFunction(() => window.__raftsim?.lang() === 'zh', undefined, { timeout: WAIT_MS });
    // The line that was already there is now the Chinese caption.
    await expect.poll(() => captionLine.innerText(), { timeout: WAIT_MS }).toContain(first.zh!);
    const after = await pageWords(page);
    for (const [part, text] of Object.entries(after)) {
      expect(text.length, part).toBeGreaterThan(0);
      expect(englishRuns(text), `${part}: ${text.slice(0, 400)}`).toEqual([]);
    }
    // The commit note of the Figure 8 bug, in Chinese: the entry's term and the broken rule.
    expect(after.feed).toContain('条目 2 属于任期 2，而不是它的当前任期 4');
    expect(after.feed).toContain('违反了 §5.4.2 的规则');
    // A lesson in progress: the status line names its step in Chinese, not by the YAML keyword.
    await page.goto(`${app.baseUrl}/?scenario=leader-crash&play=0`);
    await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
    await page.waitForFunction(() => window.__raftsim?.lang() === 'zh', undefined, { timeout: WAIT_MS });
    const status = await page.getByTestId('step-status').innerText();
    expect(status).toMatch(/[\u4e00-\u9fff]/);
    expect(status).not.toMatch(/\b(say|wait|run|expect|crash|put)\b/);
    expect(englishRuns(status)).toEqual([]);
    await page.evaluate(() => localStorage.removeItem('raftsim.lang'));
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('a why-feed term opens its glossary entry from the keyboard; the feed’s links are one tab stop', async () => {
    const { page, errors } = await app.open('?scenario=figure-8-unsafe&at=300&play=0');
    await page.waitForSelector('[data-testid="event-feed"] .term-link', { timeout: WAIT_MS });
    const focused = () => page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return { feed: !!el?.closest('[data-testid="event-feed"]'), term: el?.dataset.term ?? null, node: el?.dataset.node ?? null, id: el?.id ?? '' };
    });
    // Tab until the focus is in the feed.
    let presses = 0;
    while (!(await focused()).feed) {
      await page.keyboard.press('Tab');
      if (++presses > 120) throw new Error('Tab never reaches the why feed');
    }
    // One tab stop: the next Tab leaves the feed.
    await page.keyboard.press('Tab');
    expect((await focused()).feed).toBe(false);
    await page.keyboard.press('Shift+Tab');
    expect((await focused()).feed).toBe(true);
    // Arrow keys move between the links and do not step the simulation.
    const events = await page.evaluate(() => window.__raftsim!.events());
    let term: string | null = null;
    for (let i = 0; i < 30 && term === null; i++) {
      await page.keyboard.press('ArrowRight');
      term = (await focused()).term;
    }
    expect(term).not.toBeNull();
    expect(await page.evaluate(() => window.__raftsim!.events())).toBe(events);
    await page.keyboard.press('Enter');
    await page.getByTestId('glossary').waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.waitForFunction((id) => document.activeElement?.id === `glossary-${id}`, term, { timeout: WAIT_MS });
    const entry = page.getByTestId(`glossary-entry-${term}`);
    expect(await entry.getAttribute('class')).toContain('current');
    expect(await entry.innerText()).toMatch(/Source: .*(§|Figure|etcd)/);
    await page.keyboard.press('Escape');
    await page.getByTestId('glossary').waitFor({ state: 'detached', timeout: WAIT_MS });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('the tour shows on a first visit, can be skipped, never returns by itself and reopens from "?"', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The plain page (play=0 only keeps the machine quiet: it names no lesson).
    await page.goto(`${app.baseUrl}/?play=0`);
    const tour = page.getByTestId('tour');
    await page.waitForSelector('[data-testid="tour"][data-step="1"]', { timeout: WAIT_MS });
    expect(await tour.getAttribute('data-anchor')).toBe('cluster');
    // The popover sits beside the part it explains, inside the window.
    const box = (await tour.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(900);
    await page.getByTestId('tour-next').click();
    await page.waitForSelector('[data-testid="tour"][data-step="2"]', { timeout: WAIT_MS });
    expect(await tour.getAttribute('data-anchor')).toBe('timeline');
    await page.getByTestId('tour-skip').click();
    await tour.waitFor({ state: 'detached', timeout: WAIT_MS });
    expect(await page.evaluate(() => localStorage.getItem('raftsim.tourDone'))).toBe('1');

    // A second visit: the page is drawn, and no tour comes (it would be drawn in the same commit).
    await page.reload();
    await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await tour.count()).toBe(0);

    // "?" brings it back; Escape ends it again.
    await page.keyboard.press('?');
    await page.getByTestId('open-tour').click();
    await page.waitForSelector('[data-testid="tour"][data-step="1"]', { timeout: WAIT_MS });
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'tour-next', undefined, { timeout: WAIT_MS });
    await page.keyboard.press('Escape');
    await tour.waitFor({ state: 'detached', timeout: WAIT_MS });
    await context.close();

    // A fresh visitor who arrives through a lesson's address gets the lesson, not the tour.
    const fresh = await app.open('?scenario=leader-crash&play=0');
    await fresh.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await fresh.page.getByTestId('tour').count()).toBe(0);
    await fresh.page.close();
    expect(errors).toEqual([]);
  }, 180_000);

  it('the library shows the lesson path first, numbered, one first-election lesson, and its old name opens it', async () => {
    const { page, errors } = await app.open('?library=1&play=0');
    await page.getByTestId('library').waitFor({ state: 'visible', timeout: WAIT_MS });
    const cards = page.locator('[data-testid="library-list"] > li');
    const ids = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(ids.slice(0, PATH.length)).toEqual(PATH.map((n) => `library-${n}`));
    expect(ids).not.toContain('library-first-election');
    const steps = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    expect(steps.slice(0, PATH.length)).toEqual(PATH.map((_, i) => String(i + 1)));
    expect(steps.slice(PATH.length).every((s) => s === null)).toBe(true);
    expect(await page.getByTestId('library-basic-election').innerText()).toMatch(/^Lesson 1\n/);
    const titles = await page.locator('[data-testid="library-list"] .library-title').allInnerTexts();
    expect(titles.filter((t) => /first election/i.test(t))).toHaveLength(1);
    // The path as numbered steps; a step takes you to its card.
    expect(await page.locator('[data-testid="library-path"] li').count()).toBe(PATH.length);
    await page.getByTestId('path-step-figure-8').locator('button').click();
    await page.waitForFunction(() => document.activeElement?.closest('[data-testid="library-figure-8"]') !== null, undefined, { timeout: WAIT_MS });
    // Sorting by title is the other order.
    await page.getByTestId('library-sort').selectOption('title');
    const byTitle = await page.locator('[data-testid="library-list"] .library-title').allInnerTexts();
    expect(byTitle).toEqual([...byTitle].sort((a, b) => a.localeCompare(b, 'en')));
    expect(byTitle).not.toEqual(titles);
    await page.close();

    // The merged lesson's old address opens the kept one.
    const old = await app.open('?scenario=first-election&play=0');
    expect(await old.page.getByTestId('scenario-picker').inputValue()).toBe('basic-election');
    expect(await old.page.locator('h1').innerText()).toContain('A first election');
    expect(await old.page.getByTestId('error-panel').count()).toBe(0);
    await old.page.close();
    expect(errors).toEqual([]);
    expect(old.errors).toEqual([]);
  }, 120_000);
});
