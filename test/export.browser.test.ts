/**
 * "Export for slides" in a real browser (Debian's Chromium through playwright-core): the timeline
 * and the cluster view download as SVG and PNG, and the files hold what is on screen. Same launch
 * rules as the other browser tests: skipped with a notice without /usr/bin/chromium, except under CI.
 */
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { messageColor } from '../src/ui/draw/colors';
import { MESSAGE_KINDS, type MessageKind } from '../src/ui/model/timelineModel';
import { requireChromium, useApp } from './browser-util';

const WAIT_MS = 20_000;
const SCALE = 2;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const ok = requireChromium('export browser tests');

async function bytesOf(dl: Download): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await dl.createReadStream()) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Clicks an export button and returns the downloaded file. */
async function exportFile(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: WAIT_MS }), page.getByTestId(testId).click()]);
  return { name: dl.suggestedFilename(), bytes: await bytesOf(dl) };
}

/** Width and height of a PNG, from its IHDR chunk (which must come first, right after the signature). */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

interface SvgFacts {
  parseError: string | null;
  rootName: string;
  rootNs: string | null;
  width: string | null;
  height: string | null;
  viewBox: string | null;
  texts: string[];
  /** Message arrows: straight two-point strokes in a message colour, counted per colour. */
  arrowsByColor: Record<string, number>;
}

/**
 * Parses SVG text with the browser's XML parser (a parse error is reported, not thrown) and
 * collects its texts and its message arrows. The timeline batches arrows into one <path> per style,
 * one "M x y L x y" subpath per message, stroked in the message's colour at width 1.1 (heartbeats),
 * 1.4 (responses) or 2.2 (requests); arrowheads, the cursor, crosses and markers are other paths.
 */
async function svgFacts(page: Page, text: string, colors: string[]): Promise<SvgFacts> {
  return page.evaluate(
    ({ text, colors }) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const err = doc.getElementsByTagName('parsererror')[0];
      const root = doc.documentElement;
      const arrowsByColor: Record<string, number> = {};
      for (const p of doc.querySelectorAll('path')) {
        const stroke = (p.getAttribute('stroke') ?? '').toLowerCase();
        if (!colors.includes(stroke) || !['1.1', '1.4', '2.2'].includes(p.getAttribute('stroke-width') ?? '')) continue;
        const subpaths = (p.getAttribute('d') ?? '').split('M').map((s) => s.trim()).filter(Boolean);
        const lines = subpaths.filter((s) => (s.match(/L/g) ?? []).length === 1 && !s.includes('Z')).length;
        arrowsByColor[stroke] = (arrowsByColor[stroke] ?? 0) + lines;
      }
      return {
        parseError: err ? err.textContent : null,
        rootName: root.localName,
        rootNs: root.namespaceURI,
        width: root.getAttribute('width'),
        height: root.getAttribute('height'),
        viewBox: root.getAttribute('viewBox'),
        texts: [...doc.querySelectorAll('text')].map((t) => t.textContent ?? ''),
        arrowsByColor,
      };
    },
    { text, colors },
  );
}

const COLORS = MESSAGE_KINDS.map((k) => messageColor(k).toLowerCase());

/** The on-screen arrows (window.__raftsim.timeline.visibleMessages) counted per colour. */
async function visibleByColor(page: Page): Promise<{ total: number; byColor: Record<string, number> }> {
  const msgs = await page.evaluate(() => window.__raftsim!.timeline.visibleMessages());
  const byColor: Record<string, number> = {};
  for (const m of msgs) {
    const c = messageColor(m.kind as MessageKind).toLowerCase();
    byColor[c] = (byColor[c] ?? 0) + 1;
  }
  return { total: msgs.length, byColor };
}

function total(byColor: Record<string, number>): number {
  return Object.values(byColor).reduce((a, b) => a + b, 0);
}

/** Lets the timeline finish a redraw (it draws in an animation frame). */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

describe.skipIf(!ok)('export for slides in Chromium', () => {
  const app = useApp();

  it('the timeline downloads as SVG and PNG holding what is shown at the current zoom', async () => {
    const { page, errors } = await app.open('?scenario=basic-election&seed=1&speed=1&play=0');
    // Play until an election has happened and heartbeats flow, then pause.
    await page.getByTestId('play-pause').click();
    await page.waitForFunction(() => window.__raftsim!.player() === 'playing', undefined, { timeout: WAIT_MS });
    await page.waitForFunction(() => window.__raftsim!.nowMs() > 1200 && window.__raftsim!.leader() !== null, undefined, { timeout: 60_000 });
    await page.getByTestId('play-pause').click();
    await page.waitForFunction(() => window.__raftsim!.player() === 'paused', undefined, { timeout: WAIT_MS });
    const servers = await page.locator('[data-node-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')!));
    expect(servers).toHaveLength(5);
    const timeMs = (await page.evaluate(() => window.__raftsim!.position())).timeMs;

    // The whole run.
    await page.evaluate(() => window.__raftsim!.timeline.fitAll());
    await settle(page);
    const all = await visibleByColor(page);
    expect(all.total).toBeGreaterThan(50);
    const svgAll = await exportFile(page, 'export-timeline-svg');
    expect(svgAll.name).toBe(`basic-election-timeline-${Math.round(timeMs)}ms.svg`);
    const factsAll = await svgFacts(page, svgAll.bytes.toString('utf8'), COLORS);
    expect(factsAll.parseError).toBeNull();
    expect(factsAll.arrowsByColor).toEqual(all.byColor);

    // Zoom in around the cursor with the wheel (d3-zoom): fewer arrows in view, and in the file.
    const xCursor = await page.evaluate((ms) => window.__raftsim!.timeline.timeToX(ms), timeMs * 0.6);
    const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(xCursor, y);
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -240);
    await page.mouse.move(box.x + box.width / 2, box.y - 60); // off the canvas: no hover highlight
    await page.waitForFunction((n) => window.__raftsim!.timeline.visibleMessages().length < n / 2, all.total, { timeout: WAIT_MS });
    await settle(page);
    const zoomed = await visibleByColor(page);
    expect(zoomed.total).toBeGreaterThan(0);
    expect(zoomed.total).toBeLessThan(all.total);

    const svgZoomed = await exportFile(page, 'export-timeline-svg');
    const text = svgZoomed.bytes.toString('utf8');
    const facts = await svgFacts(page, text, COLORS);
    expect(facts.parseError).toBeNull();
    expect(facts.rootName).toBe('svg');
    expect(facts.rootNs).toBe('http://www.w3.org/2000/svg');
    expect(text).toMatch(/^<svg[^>]* xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    // Exactly the arrows on screen, colour by colour, and fewer than with the whole run.
    expect(facts.arrowsByColor).toEqual(zoomed.byColor);
    expect(total(facts.arrowsByColor)).toBe(zoomed.total);
    expect(total(facts.arrowsByColor)).toBeLessThan(total(factsAll.arrowsByColor));
    // One lane label per server.
    for (const id of servers) expect(facts.texts.filter((t) => t === id)).toHaveLength(1);
    // The tick labels follow the zoom too.
    expect(facts.texts.filter((t) => / ms$/.test(t))).not.toEqual(factsAll.texts.filter((t) => / ms$/.test(t)));
    // Its size: the lane label column plus the canvas, in px.
    const labelsBox = (await page.locator('.lane-labels').boundingBox())!;
    const widthPx = Math.round(labelsBox.width + box.width);
    const heightPx = Math.round(box.height);
    expect(Number(facts.width)).toBe(widthPx);
    expect(Number(facts.height)).toBe(heightPx);
    expect(facts.viewBox).toBe(`0 0 ${widthPx} ${heightPx}`);

    const png = await exportFile(page, 'export-timeline-png');
    expect(png.name).toBe(`basic-election-timeline-${Math.round(timeMs)}ms.png`);
    expect(pngSize(png.bytes)).toEqual({ width: widthPx * SCALE, height: heightPx * SCALE });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the cluster view downloads as a standalone SVG with its styles, and as a PNG at twice its size', async () => {
    const { page, errors } = await app.open('?scenario=basic-election&seed=1&at=1500&play=0');
    await page.waitForSelector('[data-role="leader"]', { timeout: WAIT_MS });
    const servers = await page.locator('[data-node-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')!));
    const timeMs = (await page.evaluate(() => window.__raftsim!.position())).timeMs;
    const viewBox = (await page.getByTestId('cluster').getAttribute('viewBox'))!;
    const [, , vbW, vbH] = viewBox.split(/\s+/).map(Number);

    const svg = await exportFile(page, 'export-cluster-svg');
    expect(svg.name).toBe(`basic-election-cluster-${Math.round(timeMs)}ms.svg`);
    const text = svg.bytes.toString('utf8');
    const facts = await svgFacts(page, text, []);
    expect(facts.parseError).toBeNull();
    expect(facts.rootName).toBe('svg');
    expect(facts.rootNs).toBe('http://www.w3.org/2000/svg');
    expect((text.match(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g) ?? []).length).toBe(1);
    expect([Number(facts.width), Number(facts.height)]).toEqual([vbW, vbH]);
    expect(facts.viewBox).toBe(`0 0 ${vbW} ${vbH}`);
    // One text per server (its id, role and term as tspans), so each server's text starts with its id.
    for (const id of servers) expect(facts.texts.some((x) => x === id || x.startsWith(`${id} `))).toBe(true);
    expect(text).not.toContain('link-hit');

    // Opened on its own (a blank page without the app's CSS), it looks as in the app.
    const checks: [string, string[]][] = [
      ['[data-role="leader"] .server-body', ['fill', 'stroke', 'stroke-width']],
      ['.leader-halo', ['fill', 'stroke', 'stroke-dasharray', 'opacity']],
      ['[data-role="leader"] .server-id', ['font-size', 'font-weight', 'text-anchor', 'fill']],
      ['[data-role="leader"] .server-role', ['font-size', 'fill', 'stroke', 'stroke-width', 'paint-order']],
      ['.link', ['stroke', 'stroke-width']],
    ];
    const inApp = await page.evaluate(
      ({ checks }) => checks.map(([sel, props]) => {
        const el = document.querySelector(`[data-testid="cluster"] ${sel}`)!;
        const cs = getComputedStyle(el);
        return Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
      }),
      { checks },
    );
    const blank = await app.browser.newPage();
    await blank.goto('about:blank');
    const standalone = await blank.evaluate(
      ({ text, checks }) => {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        document.body.appendChild(document.importNode(doc.documentElement, true));
        return checks.map(([sel, props]) => {
          const el = document.querySelector(`svg ${sel}`)!;
          const cs = getComputedStyle(el);
          return Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
        });
      },
      { text, checks },
    );
    await blank.close();
    expect(inApp[0]['stroke-width']).toMatch(/^\d+(\.\d+)?px$/); // the app's CSS is what the probe reads
    expect(standalone).toEqual(inApp);

    const png = await exportFile(page, 'export-cluster-png');
    expect(png.name).toBe(`basic-election-cluster-${Math.round(timeMs)}ms.png`);
    expect(pngSize(png.bytes)).toEqual({ width: Math.round(vbW * SCALE), height: Math.round(vbH * SCALE) });

    // When the browser cannot encode the PNG, the buttons say so instead of downloading nothing silently.
    await page.evaluate(() => {
      HTMLCanvasElement.prototype.toBlob = function (cb: BlobCallback) {
        cb(null);
      };
    });
    await page.getByTestId('export-cluster-png').click();
    const alert = page.getByTestId('export-cluster-error');
    await alert.waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await alert.textContent()).toMatch(/^The image could not be exported: the \d+×\d+ canvas could not be encoded as PNG$/);
    expect(await page.getByTestId('export-cluster-png').isEnabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
