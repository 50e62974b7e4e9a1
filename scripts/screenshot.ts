/**
 * Takes screenshots of the workbench for the README and the docs:
 *   npx tsx scripts/screenshot.ts            # all of them, into docs/
 *   npx tsx scripts/screenshot.ts --only presenter,phone   # just these (names below)
 *   npx tsx scripts/screenshot.ts [query] [out.png]   # one page, as it opens
 *
 * - docs/screenshot.png: partition-minority-leader at 984 ms (two leaders, cut links, messages
 *   in flight, committed and uncommitted entries), the whole page;
 * - docs/workbench.png: leader-crash after the re-election, timeline fitted to the whole run,
 *   a RequestVote arrow hovered (its response highlighted, the "why" in the tooltip);
 * - docs/inspectors.png: figure-7 just after L's election: the why feed (votes refused for
 *   §5.4.1), the logs with the entries that conflict with L's highlighted, and L's inspector
 *   (its Progress of each follower, statechart); docs/inspector-message.png: the same with the
 *   message inspector of d's refusal;
 * - docs/history.png (history): the timeline's History tab on stale-read once every step has run:
 *   not linearizable, the two puts and the stale serializable get in red;
 * - docs/presenter.png (presenter): presenter mode at 1280×720, stale-read after the partition
 *   heals: ring, logs with every key-value store, the timeline strip, the large caption;
 * - docs/phone.png (phone): the phone layout at 390×844, partition-minority-leader at 984 ms:
 *   the ring full width, the panel tabs, the controls at the bottom.
 * - docs/members.png (members): the Members dialog at 1280×720 on joint-consensus at 150 ms, while
 *   the joint configuration is in force: the leader's two majorities, each voter's half, the
 *   change pending, the ring's C_old / C_new badges behind it.
 * The first three are named screenshot, workbench and inspectors for --only.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchChromium, openPage, ROOT, startApp } from '../test/browser-util';

const VIEWPORT = { width: 1440, height: 900 };
const outDir = `${ROOT}docs`;

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('[data-node-id], [data-testid="error-panel"]', { timeout: 20_000 });
  await page.waitForTimeout(300);
}

const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? new Set((process.argv[onlyAt + 1] ?? '').split(',')) : null;
const want = (name: string) => only === null || only.has(name);

const { server, baseUrl } = await startApp();
const browser = await launchChromium();
try {
  mkdirSync(outDir, { recursive: true });
  if (process.argv[2] && only === null) {
    const out = process.argv[3] ?? `${outDir}/screenshot.png`;
    const { page, errors } = await openPage(browser, `${baseUrl}/${process.argv[2]}`, VIEWPORT);
    await ready(page);
    await page.screenshot({ path: out });
    console.log(`wrote ${out}`);
    if (errors.length) console.warn(errors.join('\n'));
  } else {
    // 1. The classic picture: two leaders during a partition.
    if (want('screenshot')) {
      const { page, errors } = await openPage(browser, `${baseUrl}/?scenario=partition-minority-leader&at=984&play=0`, VIEWPORT);
      await ready(page);
      await page.evaluate(() => window.__raftsim!.timeline.fitAll());
      await page.waitForTimeout(200);
      await page.screenshot({ path: `${outDir}/screenshot.png` });
      console.log(`wrote ${outDir}/screenshot.png`);
      if (errors.length) console.warn(errors.join('\n'));
      await page.close();
    }
    // 2. The workbench: leader crash, timeline fitted, a vote request hovered.
    if (want('workbench')) {
      const { page, errors } = await openPage(browser, `${baseUrl}/?scenario=leader-crash&at=1250&play=0`, VIEWPORT);
      await ready(page);
      await page.evaluate(() => window.__raftsim!.timeline.fitAll());
      await page.waitForTimeout(200);
      const pick = await page.evaluate(() => {
        const all = window.__raftsim!.timeline.visibleMessages();
        const votes = all.filter((m) => m.type === 'RequestVote' && m.status === 'delivered');
        return votes.length ? votes[votes.length - 1].id : null;
      });
      if (pick !== null) {
        const p = await page.evaluate((id) => window.__raftsim!.timeline.arrowPoint(id), pick);
        if (p) await page.mouse.move(p.x, p.y);
      }
      await page.waitForTimeout(200);
      await page.screenshot({ path: `${outDir}/workbench.png` });
      console.log(`wrote ${outDir}/workbench.png`);

      if (errors.length) console.warn(errors.join('\n'));
      await page.close();
    }
    // 3. Inspectors, on a taller page so the bottom row shows whole: the why feed, the logs, the
    //    server inspector with its statechart, and the message inspector of a refused vote.
    if (want('inspectors')) {
      const tall = { width: 1440, height: 1400 };
      const { page, errors } = await openPage(browser, `${baseUrl}/?scenario=figure-7&at=40&play=0`, tall);
      await ready(page);
      const refused = await page.evaluate(() => {
        const all = window.__raftsim!.timeline.visibleMessages();
        const r = all.find((m) => m.type === 'RequestVoteResponse' && m.from === 'd');
        return r ? r.id : null;
      });
      const bottom = async (path: string) => {
        const a = await page.locator('.wb-why').boundingBox();
        const b = await page.locator('.wb-inspect').boundingBox();
        if (a && b) await page.screenshot({ path, clip: { x: a.x, y: a.y, width: b.x + b.width - a.x, height: Math.max(a.height, b.height) } });
        console.log(`wrote ${path}`);
      };
      await bottom(`${outDir}/inspectors.png`);
      if (refused !== null) {
        const p = await page.evaluate((id) => window.__raftsim!.timeline.arrowPoint(id), refused);
        if (p) await page.mouse.click(p.x, p.y);
        await page.mouse.move(5, 5);
        await page.waitForTimeout(200);
        await bottom(`${outDir}/inspector-message.png`);
      }
      if (errors.length) console.warn(errors.join('\n'));
      await page.close();
    }
    // 4. The history panel: the stale-read lesson's verdict and the operations that cannot be ordered.
    if (want('history')) {
      const { page, errors } = await openPage(browser, `${baseUrl}/?scenario=stale-read&at=1200&play=0`, VIEWPORT);
      await ready(page);
      await page.getByTestId('timeline-view-history').click();
      await page.waitForSelector('[data-testid="history-panel"][data-verdict="not-linearizable"]', { timeout: 20_000 });
      await page.getByTestId('timeline').screenshot({ path: `${outDir}/history.png` });
      console.log(`wrote ${outDir}/history.png`);
      if (errors.length) console.warn(errors.join('\n'));
      await page.close();
    }
    // 4. Presenter mode at 1280×720: what a room sees.
    if (want('presenter')) {
      const { page, errors } = await openPage(browser, `${baseUrl}/?scenario=stale-read&at=1063&play=0&presenter=1`, { width: 1280, height: 720 });
      await ready(page);
      await page.screenshot({ path: `${outDir}/presenter.png` });
      console.log(`wrote ${outDir}/presenter.png`);
      if (errors.length) console.warn(errors.join('\n'));
      await page.close();
    }
    // 5. The phone layout at 390×844.
    if (want('phone')) {
      const { page, errors } = await openPage(browser, `${baseUrl}/?scenario=partition-minority-leader&at=984&play=0`, { width: 390, height: 844 });
      await ready(page);
      await page.screenshot({ path: `${outDir}/phone.png` });
      console.log(`wrote ${outDir}/phone.png`);
      if (errors.length) console.warn(errors.join('\n'));
      await page.close();
    }
    // Issue 13: the Members dialog on joint-consensus while the joint configuration is in force (1280×720).
    if (want('members')) {
      const { page, errors } = await openPage(browser, `${baseUrl}/?scenario=joint-consensus&at=150&play=0`, { width: 1280, height: 720 });
      await ready(page);
      await page.getByTestId('open-members').click();
      await page.waitForSelector('[data-testid="members-dialog"]', { timeout: 20_000 });
      await page.screenshot({ path: `${outDir}/members.png` });
      console.log(`wrote ${outDir}/members.png`);
      if (errors.length) console.warn(errors.join('\n'));
      await page.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
