/**
 * The scenario editor, the library page and the chapter list in Chromium. Same launch rules as
 * the other browser tests.
 */
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../src/scenario/parse';
import { requireChromium, useApp } from './browser-util';

const WAIT_MS = 20_000;
const haveChromium = requireChromium('editor browser tests');
const STORAGE_KEY = 'raftsim.userScenarios.v1';

interface Stored {
  id: string;
  file: string;
  draft: string;
  valid: string;
}

async function stored(page: Page): Promise<Stored[]> {
  return page.evaluate((k) => (JSON.parse(localStorage.getItem(k) ?? '{"scenarios":[]}') as { scenarios: Stored[] }).scenarios, STORAGE_KEY);
}

/** Replaces the whole editor text as if pasted (no auto-indent on the way). */
async function replaceText(page: Page, text: string): Promise<void> {
  await page.getByTestId('editor-text').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

async function waitStatus(page: Page, errors: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelector('[data-testid="editor-status"]')?.getAttribute('data-errors') === String(n), errors, { timeout: WAIT_MS });
}

describe.skipIf(!haveChromium)('editor, library and chapters in Chromium', () => {
  const app = useApp({ waitForServers: true });

  it('the editor shows an inline error for a bad key and keeps the last valid scenario, across a reload', async () => {
    const { page, errors } = await app.open('?scenario=leader-crash&play=0');
    await page.evaluate((k) => localStorage.removeItem(k), STORAGE_KEY);
    await page.getByTestId('open-editor').click();
    await page.getByTestId('editor-new-run').click();
    await waitStatus(page, 0);
    const original = readFileSync(new URL('../scenarios/leader-crash.yaml', import.meta.url), 'utf8');
    let list = await stored(page);
    expect(list).toHaveLength(1);
    expect(list[0].valid).toBe(original);

    // A valid edit: a new title. It becomes the last valid version.
    const valid = original.replace(/^title: .*$/m, 'title: "My crash lesson"');
    await replaceText(page, valid);
    await waitStatus(page, 0);
    await page.waitForFunction((k) => (JSON.parse(localStorage.getItem(k) ?? '{"scenarios":[]}') as { scenarios: { valid: string }[] }).scenarios[0]?.valid.includes('My crash lesson'), STORAGE_KEY, { timeout: WAIT_MS });
    list = await stored(page);
    expect(list[0].valid).toBe(valid);

    // A bad key: the error is shown under its line, with the line, column, key and what was expected.
    const bad = valid.replace(/^seed:/m, 'sede:');
    const badLine = bad.split('\n').findIndex((l) => l.startsWith('sede:')) + 1;
    await replaceText(page, bad);
    await waitStatus(page, 1);
    const inline = page.getByTestId('inline-error');
    await inline.first().waitFor({ timeout: WAIT_MS });
    const inlineText = (await inline.first().textContent()) ?? '';
    expect(inlineText).toContain(`Line ${badLine}, column 1, sede:`);
    expect(inlineText).toMatch(/unknown key "sede" \(expected one of: .*seed/);
    // The message sits right under the bad line in the editor.
    const box = await inline.first().boundingBox();
    const lineBox = await page.locator('.cm-line', { hasText: /^sede:/ }).boundingBox();
    expect(box && lineBox).toBeTruthy();
    expect(Math.abs(box!.y - (lineBox!.y + lineBox!.height))).toBeLessThan(4);
    expect(await page.locator('.cm-lint-marker-error').count()).toBeGreaterThan(0);
    list = await stored(page);
    expect(list[0].draft).toBe(bad);
    expect(list[0].valid).toBe(valid);

    // After a reload the draft (with its error) and the last valid version are both still there.
    await page.reload();
    await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
    await page.getByTestId('open-editor').click();
    await waitStatus(page, 1);
    // CodeMirror draws the lines once it has measured its viewport: wait for it.
    await expect.poll(() => page.locator('.cm-line', { hasText: /^sede:/ }).count(), { timeout: WAIT_MS }).toBe(1);
    await page.getByTestId('inline-error').first().waitFor({ timeout: WAIT_MS });

    // Run opens the last valid version: the run's title is the valid edit's.
    await page.getByTestId('editor-run').click();
    await page.waitForSelector('[data-testid="editor"]', { state: 'detached', timeout: WAIT_MS });
    expect(await page.locator('.caption-bar h1').textContent()).toContain('My crash lesson');
    const expectSeed = parseScenario(valid, 'x.yaml').seed;
    expect(await page.getByTestId('seed').inputValue()).toBe(String(expectSeed));

    // Back to the last valid version in the editor.
    await page.getByTestId('open-editor').click();
    await page.getByTestId('editor-revert').click();
    await waitStatus(page, 0);
    expect((await stored(page))[0].draft).toBe(valid);
    expect(errors).toEqual([]);
  });

  it('in Chinese the editor explains errors in Chinese, keeping the key as written', async () => {
    const { page, errors } = await app.open('?scenario=leader-crash&play=0');
    await page.getByTestId('language').selectOption('zh');
    await page.getByTestId('open-editor').click();
    await page.getByTestId('editor-new-blank').click();
    await waitStatus(page, 0);
    await page.getByTestId('editor-text').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('seeed: 3\n');
    await waitStatus(page, 1);
    const text = (await page.getByTestId('inline-error').first().textContent()) ?? '';
    expect(text).toMatch(/^第 \d+ 行，第 1 列，seeed：未知的键 "seeed"（应为以下之一：.*）；你是不是想写 "seed"？$/);
    expect(await page.getByTestId('editor-status').textContent()).toContain('1 处错误');
    await page.evaluate(() => localStorage.removeItem('raftsim.lang'));
    expect(errors).toEqual([]);
  });

  it('the library lists every lesson with title, summary and concepts, filters by concept, and opens one', async () => {
    const { page, errors } = await app.open('?library=1&play=0');
    await page.getByTestId('library').waitFor({ timeout: WAIT_MS });
    const files = (await import('node:fs')).readdirSync(new URL('../scenarios', import.meta.url)).filter((f) => f.endsWith('.yaml'));
    for (const f of files) {
      const name = f.replace(/\.yaml$/, '');
      const s = parseScenario(readFileSync(new URL(`../scenarios/${f}`, import.meta.url), 'utf8'), f);
      const card = page.getByTestId(`library-${name}`);
      expect(await card.locator('.library-title').textContent()).toBe(s.title);
      expect(await card.locator('.library-summary').textContent()).toBe(s.summary);
      expect(await card.locator('.concept').allTextContents()).toEqual(s.concepts);
    }
    expect(await page.locator('[data-testid="library-list"] > li').count()).toBe(files.length);

    // Filtering by a concept leaves exactly the lessons that teach it.
    await page.getByTestId('concept-filter').filter({ hasText: /^leader election$/ }).click();
    const shown = await page.locator('[data-testid="library-list"] > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    const teach = files
      .map((f) => [f.replace(/\.yaml$/, ''), parseScenario(readFileSync(new URL(`../scenarios/${f}`, import.meta.url), 'utf8'), f)] as const)
      .filter(([, s]) => s.concepts.includes('leader election'))
      .map(([n]) => `library-${n}`);
    expect(shown.sort()).toEqual(teach.sort());
    expect(teach.length).toBeGreaterThan(0);

    // A concept on a card filters too, also one that only that lesson teaches.
    await page.getByTestId('concept-all').click();
    await page.getByTestId('library-figure-7').locator('.concept-button', { hasText: /^Figure 7$/ }).click();
    const onlyFig7 = files.filter((f) => parseScenario(readFileSync(new URL(`../scenarios/${f}`, import.meta.url), 'utf8'), f).concepts.includes('Figure 7'));
    expect(await page.locator('[data-testid="library-list"] > li').count()).toBe(onlyFig7.length);

    // In Chinese the titles and summaries are the translated ones.
    await page.getByTestId('concept-all').click();
    await page.getByTestId('library-close').click();
    await page.getByTestId('language').selectOption('zh');
    await page.getByTestId('open-library').click();
    const fe = parseScenario(readFileSync(new URL('../scenarios/basic-election.yaml', import.meta.url), 'utf8'), 'basic-election.yaml');
    expect(await page.getByTestId('library-basic-election').locator('.library-title').textContent()).toBe(fe.i18n.zh?.title);

    // "Present" opens the lesson in presenter mode.
    await page.getByTestId('library-present-basic-election').click();
    await page.waitForFunction(() => document.title.includes('第一次'), undefined, { timeout: WAIT_MS });
    expect(await page.locator('.app').getAttribute('data-presenter')).toBe('1');
    expect(await page.getByTestId('open-editor').count()).toBe(0);
    // Presenting from a click also fills the screen; leaving presenter mode leaves full screen.
    await page.waitForFunction(() => document.fullscreenElement === document.documentElement, undefined, { timeout: WAIT_MS });
    await page.getByTestId('presenter').uncheck();
    await page.waitForFunction(() => document.fullscreenElement === null, undefined, { timeout: WAIT_MS });
    await page.evaluate(() => localStorage.removeItem('raftsim.lang'));
    expect(errors).toEqual([]);
  });

  it('the chapter list jumps forward to a caption not reached yet and back to an earlier one', async () => {
    // A lesson whose captions all appear at different instants (first-election was merged into basic-election).
    const { page, errors } = await app.open('?scenario=config-key&play=0');
    const fe = parseScenario(readFileSync(new URL('../scenarios/config-key.yaml', import.meta.url), 'utf8'), 'config-key.yaml');
    const says = fe.steps.flatMap((s) => (s.kind === 'say' ? [s.text] : []));
    await page.getByTestId('chapters').click();
    expect(await page.locator('[data-testid="chapter-list"] > li').count()).toBe(says.length);
    expect(await page.getByTestId('chapter-4').getAttribute('data-reached')).toBe('0');
    await page.getByTestId('chapter-4').click();
    await page.waitForFunction((text) => document.querySelector('[data-testid="caption"]')?.textContent === text, says[3], { timeout: WAIT_MS });
    expect(await page.getByTestId('chapters').textContent()).toMatch(/4/);
    const hash = await page.evaluate(() => window.__raftsim!.traceHash());
    const t4 = await page.evaluate(() => window.__raftsim!.position().timeMs);

    await page.getByTestId('chapters').click();
    expect(await page.getByTestId('chapter-4').getAttribute('aria-current')).toBe('step');
    await page.getByTestId('chapter-2').click();
    await page.waitForFunction((text) => document.querySelector('[data-testid="caption"]')?.textContent === text, says[1], { timeout: WAIT_MS });
    expect(await page.evaluate(() => window.__raftsim!.inPast())).toBe(true);
    expect(await page.evaluate(() => window.__raftsim!.position().timeMs)).toBeLessThan(t4);
    // Back is time travel: the same run, same hash at the cursor it had before.
    await page.getByTestId('chapters').click();
    await page.getByTestId('chapter-4').click();
    await page.waitForFunction((text) => document.querySelector('[data-testid="caption"]')?.textContent === text, says[3], { timeout: WAIT_MS });
    expect(await page.evaluate(() => window.__raftsim!.traceHash())).toBe(hash);
    expect(errors).toEqual([]);
  });
});
