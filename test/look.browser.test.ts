/**
 * Issue 9, look and access, in Chromium: the presenter view at 1280×720 (every text in the logs
 * and key-value stores ≥ 4.5:1, five log rows and a timeline strip on screen, no internals), roles
 * apart without colour, the phone layout (390×844), layouts at 1280×720 and 1440×900, message dots
 * and client chips clear of the labels, keyboard-only use (crash, partition, step back), the why
 * feed as one tab stop, reduced motion, and axe-core on the main views.
 * Same launch rules as the other browser tests; conditions are waited for, never durations.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { encodeLink } from '../src/share/link';
import { requireChromium, useApp } from './browser-util';

const WAIT_MS = 20_000;
const haveChromium = requireChromium('look browser tests');
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** A cluster with a learner (S3) and a spare (S4), for the Members… dialog. */
const MEMBERS_YAML = `title: A learner and a spare
seed: 2
cluster:
  nodes: 3
  learners: [S3]
  spares: 1
clients: [c1]
steps: []
`;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * Installs `window.__look`: WCAG contrast of an element's text against the background it is drawn
 * on (the first opaque background walking up, translucent ones composited over it; SVG text: its
 * fill against the fill of the shape under it is measured by the caller).
 */
async function installContrast(page: Page): Promise<void> {
  await page.evaluate(() => {
    const parse = (c: string): [number, number, number, number] => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return [0, 0, 0, 0];
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const ratio = (a: number[], b: number[]) => {
      const x = lum(a);
      const y = lum(b);
      return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
    };
    const over = (top: number[], under: number[]) => {
      const a = top[3];
      return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat(1);
    };
    const background = (el: Element | null): number[] => {
      const layers: number[][] = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      let bg = [255, 255, 255, 1];
      for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
      return bg;
    };
    (window as unknown as { __look: unknown }).__look = {
      textContrast: (el: Element) => {
        const cs = getComputedStyle(el);
        const bg = background(el);
        const fg = over(parse(cs.color), bg);
        return ratio(fg, bg);
      },
      colorContrast: (a: string, b: string) => ratio(parse(a), parse(b)),
      luminance: (c: string) => lum(parse(c)),
    };
  });
}

/** Every element in `root` that shows text of its own, with its contrast. */
async function textContrasts(page: Page, rootSelector: string): Promise<{ text: string; ratio: number; cls: string }[]> {
  await installContrast(page);
  return page.evaluate((sel) => {
    const look = (window as unknown as { __look: { textContrast(el: Element): number } }).__look;
    const out: { text: string; ratio: number; cls: string }[] = [];
    for (const root of document.querySelectorAll(sel)) {
      for (const el of [root, ...root.querySelectorAll('*')]) {
        if (el instanceof SVGElement) continue;
        const own = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent ?? '').join('').trim();
        if (!own) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        out.push({ text: own, ratio: look.textContrast(el), cls: `${el.tagName}.${el.className}` });
      }
    }
    return out;
  }, rootSelector);
}

describe.skipIf(!haveChromium)('look and access in Chromium', () => {
  const app = useApp({ waitForServers: true });

  async function openAt(query: string, viewport: { width: number; height: number }) {
    const page = await app.browser.newPage({ viewport });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    await page.goto(`${app.baseUrl}/${query}`, { waitUntil: 'load' });
    await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
    return { page, errors };
  }

  it('presenter mode at 1280×720: every text of the logs and key-value stores ≥ 4.5:1, five log rows and a timeline strip on screen, no internals', async () => {
    const { page, errors } = await openAt('?scenario=stale-read&at=1063&play=0&presenter=1', { width: 1280, height: 720 });
    expect(await page.locator('.app').getAttribute('data-presenter')).toBe('1');
    const kv = await textContrasts(page, '[data-testid="logs"] .kv-pair');
    expect(kv.length).toBeGreaterThanOrEqual(5);
    for (const k of kv) expect(k.ratio, `KV "${k.text}"`).toBeGreaterThanOrEqual(4.5);
    // Every other text of the panel too: row labels (the selected one as well), indexes, legend, entries.
    const all = await textContrasts(page, '[data-testid="logs"]');
    const low = all.filter((x) => x.ratio < 4.5).map((x) => `${x.cls} "${x.text}" ${x.ratio.toFixed(2)}`);
    expect(low).toEqual([]);
    expect(await page.locator('.log-selected').count()).toBe(1);
    // All five rows inside the viewport and inside their panel (not scrolled away or cut off).
    const rows = await page.locator('[data-testid^="log-S"]').evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        const p = e.closest('.panel')!.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, right: r.right, panelBottom: p.bottom };
      }),
    );
    expect(rows).toHaveLength(5);
    for (const r of rows) {
      expect(r.top).toBeGreaterThanOrEqual(0);
      expect(r.bottom).toBeLessThanOrEqual(720);
      expect(r.right).toBeLessThanOrEqual(1280);
      expect(r.bottom).toBeLessThanOrEqual(r.panelBottom);
    }
    // A compact timeline strip, one lane per server, on screen; the ring too; nothing scrolls.
    const strip = (await page.getByTestId('timeline-strip').boundingBox())!;
    expect(strip).not.toBeNull();
    expect(strip.y + strip.height).toBeLessThanOrEqual(720);
    expect(strip.height).toBeGreaterThan(60);
    expect(await page.locator('[data-testid="timeline-strip"] [data-lane]').count()).toBe(5);
    const ring = (await page.getByTestId('cluster').boundingBox())!;
    expect(ring.y + ring.height).toBeLessThanOrEqual(720);
    expect(ring.width).toBeGreaterThan(380);
    expect(await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight + 1 && document.documentElement.scrollWidth <= innerWidth + 1)).toBe(true);
    // No internals on the projected page: step and line numbers, file names, seeds, hashes.
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).not.toMatch(/\bline \d+/i);
    expect(text).not.toMatch(/\bStep \d+ of \d+/);
    expect(text).not.toMatch(/\.ya?ml\b/);
    expect(text).not.toMatch(/trace hash|seed/i);
    // The caption is large: at least 24 px.
    const captionPx = await page.getByTestId('caption').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    expect(captionPx).toBeGreaterThanOrEqual(24);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('roles stay apart without colour: text on each role ≥ 4.5:1, fills ≥ 2:1 apart in luminance, and each role has its own outline and icon', async () => {
    type Look = { role: string; fill: string; ink: string; dash: string; width: string; icon: string };
    const read = (page: Page) =>
      page.evaluate(() =>
        [...document.querySelectorAll('[data-testid="cluster"] [data-node-id]')].map((g) => {
          const body = getComputedStyle(g.querySelector('.server-body')!);
          return {
            role: g.getAttribute('data-role')!,
            fill: body.fill,
            ink: getComputedStyle(g.querySelector('.server-role')!).fill,
            dash: body.strokeDasharray,
            width: body.strokeWidth,
            icon: g.getAttribute('data-icon') ?? (g.querySelector('.leader-halo') ? 'halo' : g.querySelector('.crash-cross') ? 'cross' : 'none'),
          };
        }),
      );
    const looks = new Map<string, Look>();
    // A candidate (basic-election at 170 ms), then a leader, then a crashed follower.
    const { page, errors } = await openAt('?scenario=basic-election&seed=1&at=170&play=0', { width: 1440, height: 900 });
    for (const l of await read(page)) looks.set(l.role, l);
    const { page: p2 } = await openAt('?scenario=basic-election&seed=1&at=900&play=0', { width: 1440, height: 900 });
    const follower = (await p2.locator('[data-role="follower"]').first().getAttribute('data-node-id'))!;
    await p2.locator(`[data-node-id="${follower}"]`).click();
    await p2.getByTestId('menu-crash').click();
    await p2.waitForSelector('[data-role="crashed"]', { timeout: WAIT_MS });
    for (const l of await read(p2)) looks.set(l.role, l);
    expect([...looks.keys()].sort()).toEqual(['candidate', 'crashed', 'follower', 'leader']);
    await installContrast(page);
    const ratio = (a: string, b: string) => page.evaluate(([x, y]) => (window as unknown as { __look: { colorContrast(a: string, b: string): number } }).__look.colorContrast(x, y), [a, b]);
    for (const l of looks.values()) expect(await ratio(l.ink, l.fill), `${l.role}: text on fill`).toBeGreaterThanOrEqual(4.5);
    // Greyscale: the three live roles' fills are apart in luminance (a greyscale projector keeps them apart).
    const live = ['follower', 'candidate', 'leader'].map((r) => looks.get(r)!);
    for (let i = 0; i < live.length; i++) for (let j = i + 1; j < live.length; j++) {
      expect(await ratio(live[i].fill, live[j].fill), `${live[i].role} vs ${live[j].role}`).toBeGreaterThanOrEqual(2);
    }
    // Shape: outline dash, outline width and icon differ for every pair of roles.
    const sig = [...looks.values()].map((l) => `${l.dash}|${l.width}|${l.icon}`);
    expect(new Set(sig).size).toBe(looks.size);
    expect(errors).toEqual([]);
    await page.close();
    await p2.close();
  });

  it('phone (390×844): the ring full width, Play on screen without scrolling and at the bottom after scrolling, panels as tabs, the inspector readable', async () => {
    const { page, errors } = await openAt('?scenario=partition-minority-leader&at=984&play=0', { width: 390, height: 844 });
    const ring = (await page.getByTestId('cluster').boundingBox())!;
    expect(ring.width).toBeGreaterThanOrEqual(0.9 * 390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const inView = async () => {
      const b = (await page.getByTestId('play-pause').boundingBox())!;
      return b.y >= 0 && b.y + b.height <= 844 && b.x >= 0 && b.x + b.width <= 390;
    };
    expect(await inView()).toBe(true);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForFunction(() => window.scrollY > 0, undefined, { timeout: WAIT_MS });
    expect(await inView()).toBe(true);
    // Panels as tabs: one shown at a time.
    const tabs = page.locator('[data-testid^="panel-tab-"]');
    expect(await tabs.count()).toBe(5);
    for (const role of await tabs.evaluateAll((els) => els.map((e) => e.getAttribute('role')))) expect(role).toBe('tab');
    const visible = async () => ({
      timeline: await page.locator('.wb-timeline').isVisible(),
      logs: await page.locator('.wb-logs').isVisible(),
      why: await page.locator('.wb-why').isVisible(),
      inspect: await page.locator('.wb-inspect').isVisible(),
      etcd: await page.locator('.wb-etcd').isVisible(),
    });
    expect(await visible()).toEqual({ timeline: true, logs: false, why: false, inspect: false, etcd: false });
    await page.getByTestId('panel-tab-logs').click();
    expect(await visible()).toEqual({ timeline: false, logs: true, why: false, inspect: false, etcd: false });
    expect(await page.getByTestId('panel-tab-logs').getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('panel-tab-etcd').click();
    expect(await visible()).toEqual({ timeline: false, logs: false, why: false, inspect: false, etcd: true });
    await page.getByTestId('panel-tab-inspect').click();
    expect(await visible()).toEqual({ timeline: false, logs: false, why: false, inspect: true, etcd: false });
    // The server inspector: no field wraps to more than two lines (it wrapped one letter per line).
    const cells = await page.locator('[data-testid="server-inspector"] table.fields').first().locator('th, td').evaluateAll((els) =>
      els.map((e) => ({ text: e.textContent ?? '', lines: e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight === 'normal' ? String(parseFloat(getComputedStyle(e).fontSize) * 1.2) : getComputedStyle(e).lineHeight) })),
    );
    expect(cells.length).toBeGreaterThan(6);
    for (const c of cells) expect(c.lines, `"${c.text}"`).toBeLessThan(3.2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('1280×720 and 1440×900: the ring, the timeline and the logs do not overlap, and nothing widens the page', async () => {
    for (const viewport of [{ width: 1280, height: 720 }, { width: 1440, height: 900 }]) {
      const { page, errors } = await openAt('?scenario=partition-minority-leader&at=984&play=0', viewport);
      const panels = ['.wb-ring', '.wb-timeline', '.wb-travel', '.wb-logs', '.wb-why', '.wb-inspect'];
      for (const s of panels) await page.locator(s).waitFor({ state: 'visible', timeout: WAIT_MS });
      await page.getByTestId('timeline-canvas').waitFor({ state: 'visible', timeout: WAIT_MS });
      const boxes = await Promise.all(panels.map(async (s) => [s, (await page.locator(s).boundingBox())!] as const));
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        expect(overlaps(boxes[i][1], boxes[j][1]), `${boxes[i][0]} and ${boxes[j][0]} at ${viewport.width}×${viewport.height}`).toBe(false);
      }
      // The ring sits inside its panel, and the timeline's canvas inside the timeline panel.
      const inside = (a: Box, b: Box) => a.x >= b.x - 0.5 && a.y >= b.y - 0.5 && a.x + a.width <= b.x + b.width + 0.5 && a.y + a.height <= b.y + b.height + 0.5;
      expect(inside((await page.getByTestId('cluster').boundingBox())!, boxes[0][1])).toBe(true);
      expect(inside((await page.getByTestId('timeline-canvas').boundingBox())!, boxes[1][1])).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('message dots never cover a server label while a run plays', async () => {
    const { page, errors } = await openAt('?scenario=basic-election&seed=1&speed=1/5&play=1', { width: 1440, height: 900 });
    let checked = 0;
    for (let k = 0; k < 25; k++) {
      const bad = await page.evaluate(() => {
        const boxes = (sel: string) => [...document.querySelectorAll(sel)].map((e) => ({ r: e.getBoundingClientRect(), text: e.textContent ?? '' }));
        const dots = boxes('[data-testid="cluster"] .msg');
        const labels = boxes('[data-testid="cluster"] .server-id, [data-testid="cluster"] .server-role, [data-testid="cluster"] .server-term');
        const hit = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        const out: string[] = [];
        for (const d of dots) for (const l of labels) if (hit(d.r, l.r)) out.push(`a message over "${l.text}"`);
        return { out, dots: dots.length };
      });
      expect(bad.out).toEqual([]);
      checked += bad.dots;
      await page.waitForFunction((n) => (window.__raftsim?.events() ?? 0) > n, await page.evaluate(() => window.__raftsim!.events()), { timeout: WAIT_MS });
    }
    expect(checked).toBeGreaterThan(20);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('in a 9-server ring with 5 clients, the client chips overlap no server or label', async () => {
    const { page, errors } = await openAt('?scenario=basic-election&seed=1&at=900&play=0', { width: 1440, height: 900 });
    await page.getByTestId('open-custom').click();
    await page.getByTestId('custom-nodes').fill('9');
    await page.getByTestId('custom-clients').fill('5');
    await page.getByTestId('custom-create').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-node-id]').length === 9 && document.querySelectorAll('[data-client-id]').length === 5, undefined, { timeout: WAIT_MS });
    // Run until a candidate shows its vote dots (the lowest thing a server draws), then compare.
    await page.getByTestId('play-pause').click();
    await page.waitForSelector('[data-role="candidate"], [data-role="leader"]', { timeout: WAIT_MS });
    await page.getByTestId('play-pause').click();
    const hits = await page.evaluate(() => {
      const chips = [...document.querySelectorAll('[data-client-id] rect')].map((e) => e.getBoundingClientRect());
      const servers = [...document.querySelectorAll('[data-node-id]')].map((e) => ({ id: e.getAttribute('data-node-id'), r: e.getBoundingClientRect() }));
      const hit = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      return chips.flatMap((c, i) => servers.filter((s) => hit(c, s.r)).map((s) => `c${i + 1} over ${s.id}`));
    });
    expect(hits).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keyboard only: Tab to the ring, crash a server from its menu, partition the cluster, step back', async () => {
    const { page, errors } = await openAt('?scenario=basic-election&seed=1&at=900&play=0', { width: 1280, height: 720 });
    const focused = () => page.evaluate(() => {
      const a = document.activeElement;
      return { node: a?.getAttribute('data-node-id') ?? null, role: a?.getAttribute('data-role') ?? null, key: a?.getAttribute('data-key') ?? null, testid: a?.getAttribute('data-testid') ?? null, label: a?.getAttribute('aria-label') ?? null, inMenu: !!a?.closest('[data-testid$="-menu"]'), inDialog: !!a?.closest('[role="dialog"]') };
    });
    let f = await focused();
    for (let i = 0; i < 40 && f.node === null; i++) {
      await page.keyboard.press('Tab');
      f = await focused();
    }
    expect(f.node).not.toBeNull();
    expect(f.label).toMatch(/^S\d, (follower|leader|candidate), term \d+$/);
    // One tab stop: Tab leaves the ring; Shift+Tab comes back to the same server.
    await page.keyboard.press('Tab');
    expect((await focused()).key ?? '').not.toMatch(/^s:/);
    await page.keyboard.press('Shift+Tab');
    expect((await focused()).node).toBe(f.node);
    // Arrow keys move to a follower.
    for (let i = 0; i < 5 && f.role !== 'follower'; i++) {
      await page.keyboard.press('ArrowRight');
      f = await focused();
    }
    expect(f.role).toBe('follower');
    const victim = f.node!;
    // Enter opens its menu with the focus inside; Escape closes it and gives the focus back.
    await page.keyboard.press('Enter');
    await page.getByTestId('server-menu').waitFor({ state: 'visible', timeout: WAIT_MS });
    expect((await focused()).inMenu).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByTestId('server-menu').waitFor({ state: 'detached', timeout: WAIT_MS });
    expect((await focused()).node).toBe(victim);
    // Space opens it too; its first action is Crash.
    await page.keyboard.press(' ');
    await page.getByTestId('server-menu').waitFor({ state: 'visible', timeout: WAIT_MS });
    expect((await focused()).testid).toBe('menu-crash');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-node-id="${victim}"][data-role="crashed"]`, { timeout: WAIT_MS });
    expect((await focused()).node).toBe(victim);
    expect((await focused()).label).toBe(`${victim}, crashed, term ${await page.locator(`[data-node-id="${victim}"]`).getAttribute('data-term')}`);
    // Partition: the P shortcut opens the dialog; Tab to "Cut the links", Enter.
    const before = await page.evaluate(() => window.__raftsim!.position().events);
    await page.keyboard.press('Escape');
    await page.keyboard.press('p');
    await page.getByTestId('partition-dialog').waitFor({ state: 'visible', timeout: WAIT_MS });
    for (let i = 0; i < 20 && (await focused()).testid !== 'partition-apply'; i++) await page.keyboard.press('Tab');
    expect((await focused()).testid).toBe('partition-apply');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-cut]', { timeout: WAIT_MS });
    // Back on the ring, a link is announced as cut.
    expect((await focused()).node).toBe(victim);
    const cutLabels = await page.locator('[data-key^="l:"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')!));
    expect(cutLabels.some((l) => /^link S\d–S\d, cut$/.test(l))).toBe(true);
    // Step back, from the keyboard: one event back in time.
    const at = await page.evaluate(() => window.__raftsim!.position().events);
    expect(at).toBeGreaterThanOrEqual(before);
    for (let i = 0; i < 40 && (await focused()).testid !== 'step-back'; i++) await page.keyboard.press('Tab');
    expect((await focused()).testid).toBe('step-back');
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => window.__raftsim!.position().events === n - 1, at, { timeout: WAIT_MS });
    // And the ← shortcut, from the ring.
    await page.locator(`[data-node-id="${victim}"]`).focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((n) => window.__raftsim!.position().events === n - 2, at, { timeout: WAIT_MS });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('messages in flight are keyboard items with a spoken label; a menu opens on Enter', async () => {
    const { page, errors } = await openAt('?scenario=basic-election&seed=1&at=900&play=0', { width: 1440, height: 900 });
    const labels = await page.locator('[data-key^="m:"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')!));
    expect(labels.length).toBeGreaterThan(0);
    for (const l of labels) expect(l).toMatch(/^(AppendEntries heartbeat \(no entries\)|\w+) from (S\d|c\d) to (S\d|c\d)(, \d+ entr(y|ies))?(, .*)?$/);
    await page.locator('[data-key^="s:"]').first().focus();
    await page.keyboard.press('End');
    const key = await page.evaluate(() => document.activeElement?.getAttribute('data-key'));
    expect(key).toMatch(/^m:\d+$/);
    await page.keyboard.press('Enter');
    await page.getByTestId('message-menu').waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('menu-drop');
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-key'))).toBe(key);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the why feed is one tab stop; arrow keys move inside it and Enter selects the line’s server', async () => {
    const { page, errors } = await openAt('?scenario=leader-crash&at=1250&play=0', { width: 1440, height: 900 });
    const stops = await page.locator('[data-testid="why-feed"]').evaluate((root) =>
      [...root.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, [tabindex]')].filter((e) => e.tabIndex >= 0 && !(e as HTMLButtonElement).disabled).length,
    );
    // The "followers' commits" checkbox and one link of the list (the others are reached by arrows).
    expect(stops).toBe(2);
    const links = page.locator('[data-testid="event-feed"] .feed-link');
    expect(await links.count()).toBeGreaterThan(10);
    await page.locator('[data-testid="event-feed"] .feed-link[tabindex="0"]').focus();
    const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.closest('li')?.textContent ?? null);
    const first = await focused();
    await page.keyboard.press('ArrowDown');
    const second = await focused();
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
    // Enter on a server's link selects that server in the inspector.
    const target = async () => page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      const sel = document.querySelector('[data-testid="server-inspector"]')?.getAttribute('data-server');
      const text = a?.classList.contains('node-link') ? a.textContent : null;
      return text && /^S\d$/.test(text) && text !== sel ? text : null;
    });
    let server: string | null = null;
    for (let i = 0; i < 60 && !(server = await target()); i++) await page.keyboard.press('ArrowRight');
    expect(server).toMatch(/^S\d$/);
    const before = await page.evaluate(() => window.__raftsim!.position().events);
    await page.keyboard.press('Enter');
    await page.waitForFunction((s) => document.querySelector('[data-testid="server-inspector"]')?.getAttribute('data-server') === s, server, { timeout: WAIT_MS });
    // The keys did not move time (the page's shortcuts stay out of the list).
    expect(await page.evaluate(() => window.__raftsim!.position().events)).toBe(before);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('prefers-reduced-motion: messages in flight stand still while time passes (and move without it)', async () => {
    const sample = async (reduce: boolean) => {
      const page = await app.browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.emulateMedia({ reducedMotion: reduce ? 'reduce' : 'no-preference' });
      await page.goto(`${app.baseUrl}/?scenario=basic-election&seed=1&at=900&play=1&speed=1/20`, { waitUntil: 'load' });
      await page.waitForSelector('[data-testid="cluster"] .msg', { timeout: WAIT_MS });
      // The same message at two instants of simulated time.
      let moved: number | null = null;
      for (let k = 0; k < 50 && moved === null; k++) {
        const a = await page.evaluate(() => {
          const m = document.querySelector('[data-testid="cluster"] .msg');
          if (!m) return null;
          const r = m.getBoundingClientRect();
          return { id: m.getAttribute('data-msg-id')!, x: r.x + r.width / 2, y: r.y + r.height / 2, t: window.__raftsim!.nowMs() };
        });
        if (!a) {
          await page.waitForSelector('[data-testid="cluster"] .msg', { timeout: WAIT_MS });
          continue;
        }
        await page.waitForFunction((t0) => window.__raftsim!.nowMs() > t0 + 1, a.t, { timeout: WAIT_MS });
        const b = await page.evaluate((id) => {
          const m = document.querySelector(`[data-testid="cluster"] .msg[data-msg-id="${id}"]`);
          if (!m) return null;
          const r = m.getBoundingClientRect();
          return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
        }, a.id);
        if (b) moved = Math.hypot(b.x - a.x, b.y - a.y);
      }
      const still = await page.getByTestId('cluster').getAttribute('data-still');
      await page.close();
      return { moved, still };
    };
    const reduced = await sample(true);
    expect(reduced.still).toBe('1');
    expect(reduced.moved).not.toBeNull();
    expect(reduced.moved!).toBeLessThan(0.5);
    const normal = await sample(false);
    expect(normal.moved!).toBeGreaterThan(0.5);
  }, 150_000);

  describe('axe-core: no serious or critical violations', () => {
    async function axe(page: Page): Promise<string[]> {
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async () => {
        const w = window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } };
        return w.axe.run(document, { resultTypes: ['violations'] });
      });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')}${v.nodes.length > 4 ? ` (+${v.nodes.length - 4})` : ''}`);
    }
    const views: { name: string; query: string; open?: string }[] = [
      { name: 'normal', query: '?scenario=partition-minority-leader&at=984&play=0' },
      { name: 'presenter', query: '?scenario=stale-read&at=1063&play=0&presenter=1' },
      { name: 'library', query: '?scenario=basic-election&play=0', open: 'open-library' },
      { name: 'editor', query: '?scenario=basic-election&play=0', open: 'open-editor' },
      // Issue 13: a learner on the ring, a spare on the bench, and the Members… dialog.
      { name: 'members', query: `?play=0#${encodeLink({ yaml: MEMBERS_YAML, seed: 2, replay: { actions: [], until: { events: 1e9, atMs: 1200 } } })}`, open: 'open-members' },
      // The etcdctl console (open by itself in an etcdctl lesson) with output, a waiting line and completions, and the KV panel with a key's history.
      { name: 'etcdctl console', query: '?scenario=revisions-and-compaction&at=1000&play=0', open: 'etcd-input' },
    ];
    for (const viewport of [{ width: 1440, height: 900 }, { width: 1280, height: 720 }]) {
      for (const v of views) {
        it(`${v.name} at ${viewport.width}×${viewport.height}`, async () => {
          const { page, errors } = await openAt(v.query, viewport);
          if (v.open) {
            await page.getByTestId(v.open).click();
            if (v.open === 'open-library') await page.waitForSelector('[data-testid="library"]', { timeout: WAIT_MS });
            else if (v.open === 'open-members') await page.waitForSelector('[data-testid="members-dialog"] [data-testid="member-row-S4"]', { timeout: WAIT_MS });
            else if (v.open === 'etcd-input') {
              await page.getByTestId('etcd-input').fill('put foo bar');
              await page.getByTestId('etcd-input').press('Enter');
              await page.getByTestId('etcd-waiting').waitFor({ state: 'visible', timeout: WAIT_MS });
              await page.getByTestId('etcd-input').fill('get foo --sort-by ');
              await page.getByTestId('etcd-input').press('Tab');
              await page.getByTestId('etcd-choices').waitFor({ state: 'visible', timeout: WAIT_MS });
              await page.locator('[data-testid="kv-keys"] button').first().click();
              await page.getByTestId('kv-history').waitFor({ state: 'visible', timeout: WAIT_MS });
            } else {
              await page.getByTestId('editor-new-run').click();
              await page.waitForSelector('[data-testid="editor"] .cm-editor', { timeout: WAIT_MS });
            }
          }
          expect(await axe(page)).toEqual([]);
          expect(errors).toEqual([]);
          await page.close();
        });
      }
    }
  });
});
