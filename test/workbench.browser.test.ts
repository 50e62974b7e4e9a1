/**
 * The teaching workbench in a real browser (Debian's Chromium driven by playwright-core): time
 * travel, partitioning through the UI, the timeline's arrows and the message inspector, branches,
 * and keyboard help. Same launch rules as browser.test.ts: without /usr/bin/chromium the tests are
 * skipped with a notice, except under CI, where a missing browser is a failure.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { requireChromium, serverStates, useApp, waitEvents } from './browser-util';

const WAIT_MS = 20_000;

const haveChromium = requireChromium('workbench browser tests');

describe.skipIf(!haveChromium)('the teaching workbench in Chromium', () => {
  const app = useApp({ waitForServers: true });
  const open = app.open;


  it('stepping back N events and forward N again gives exactly the same server states', async () => {
    const { page, errors } = await open('?scenario=basic-election&seed=1&at=900&play=0');
    await page.waitForSelector('[data-role="leader"]', { timeout: WAIT_MS });
    const e0 = await page.evaluate(() => window.__raftsim!.events());
    const N = 25;
    const back = [await serverStates(page)];
    for (let i = 1; i <= N; i++) {
      await page.getByTestId('step-back').click();
      await waitEvents(page, e0 - i);
      back.push(await serverStates(page));
    }
    expect(await page.evaluate(() => window.__raftsim!.inPast())).toBe(true);
    // Going back did change something (the first election is within these events).
    expect(back[N]).not.toEqual(back[0]);
    for (let i = N - 1; i >= 0; i--) {
      await page.getByTestId('step-forward').click();
      await waitEvents(page, e0 - i);
      expect(await serverStates(page)).toEqual(back[i]);
    }
    expect(await page.evaluate(() => window.__raftsim!.inPast())).toBe(false);
    expect(await page.evaluate(() => window.__raftsim!.branches().length)).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('partitioning through the partition helper elects a new leader on the majority side', async () => {
    const { page, errors } = await open('?scenario=basic-election&seed=1&at=2600&play=0');
    await page.waitForSelector('[data-role="leader"]', { timeout: WAIT_MS });
    const oldLeader = (await page.locator('[data-role="leader"]').getAttribute('data-node-id'))!;
    const oldTerm = Number(await page.locator('[data-role="leader"]').getAttribute('data-term'));

    await page.keyboard.press('p');
    const dialog = page.getByTestId('partition-dialog');
    await dialog.waitFor({ state: 'visible', timeout: WAIT_MS });
    // Make sure the leader is in group B, with one other server: the minority.
    const inB = async () => page.locator('[data-testid="partition-group-B"] .server-chip').allTextContents();
    if (!(await inB()).includes(oldLeader)) await page.getByTestId(`partition-chip-${oldLeader}`).click();
    while ((await inB()).length < 2) {
      const a = await page.locator('[data-testid="partition-group-A"] .server-chip').allTextContents();
      await page.getByTestId(`partition-chip-${a.find((s) => s !== oldLeader)!}`).click();
    }
    while ((await inB()).length > 2) {
      const b = await inB();
      await page.getByTestId(`partition-chip-${b.find((s) => s !== oldLeader)!}`).click();
    }
    const majority = await page.locator('[data-testid="partition-group-A"] .server-chip').allTextContents();
    expect(majority).toHaveLength(3);
    expect(majority).not.toContain(oldLeader);
    await page.getByTestId('partition-apply').click();
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    // The cut links show in the ring.
    expect(await page.locator('[data-cut]').count()).toBeGreaterThan(0);

    await page.getByTestId('speed').selectOption({ label: '1x' });
    await page.getByTestId('play-pause').click();
    await page.waitForFunction(
      (ids) => ids.some((id) => document.querySelector(`[data-node-id="${id}"]`)?.getAttribute('data-role') === 'leader'),
      majority,
      { timeout: WAIT_MS },
    );
    const newLeader = await page.evaluate(
      (ids) => ids.find((id) => document.querySelector(`[data-node-id="${id}"]`)?.getAttribute('data-role') === 'leader')!,
      majority,
    );
    const newTerm = Number(await page.locator(`[data-node-id="${newLeader}"]`).getAttribute('data-term'));
    expect(newTerm).toBeGreaterThan(oldTerm);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a click on a timeline arrow opens the message inspector for that message', async () => {
    const { page, errors } = await open('?scenario=basic-election&seed=1&at=700&play=0');
    await page.waitForFunction(() => window.__raftsim!.timeline.visibleMessages().length > 0, undefined, { timeout: WAIT_MS });
    const msgs = await page.evaluate(() => window.__raftsim!.timeline.visibleMessages());
    const pick = msgs.find((m) => m.type === 'RequestVote' && m.status === 'delivered') ?? msgs.find((m) => m.kind === 'AppendEntries') ?? msgs[0];
    const p = await page.evaluate((id) => window.__raftsim!.timeline.arrowPoint(id), pick.id);
    expect(p).not.toBeNull();
    const before = await page.evaluate(() => window.__raftsim!.position());
    await page.mouse.click(p!.x, p!.y);
    const inspector = page.getByTestId('message-inspector');
    await inspector.waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(Number(await inspector.getAttribute('data-message-id'))).toBe(pick.id);
    expect(await inspector.textContent()).toContain(pick.type);
    // Selecting an arrow does not move the cursor.
    expect(await page.evaluate(() => window.__raftsim!.position())).toEqual(before);

    // A click on empty timeline space moves the whole app to that instant.
    const x = await page.evaluate(() => window.__raftsim!.timeline.timeToX(300));
    const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
    await page.mouse.click(x, box.y + 12);
    await page.waitForFunction(() => Math.abs(window.__raftsim!.nowMs() - 300) < 8, undefined, { timeout: WAIT_MS });
    expect(await page.evaluate(() => window.__raftsim!.inPast())).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a branch created by acting in the past can be switched away from and back to', async () => {
    const { page, errors } = await open('?scenario=basic-election&seed=1&at=1500&play=0');
    await page.waitForSelector('[data-role="leader"]', { timeout: WAIT_MS });
    const e0 = await page.evaluate(() => window.__raftsim!.events());
    // Go back 40 events with the keyboard.
    for (let i = 1; i <= 40; i++) await page.keyboard.press('ArrowLeft');
    await waitEvents(page, e0 - 40);
    expect(await page.evaluate(() => window.__raftsim!.inPast())).toBe(true);

    // Crash a follower from its menu: acting in the past starts branch 1.
    const follower = (await page.locator('[data-node-id][data-role="follower"]').first().getAttribute('data-node-id'))!;
    await page.locator(`[data-node-id="${follower}"]`).click();
    await page.getByTestId('server-menu').waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.getByTestId('menu-crash').click();
    await page.waitForFunction(() => window.__raftsim!.branchId() === 1, undefined, { timeout: WAIT_MS });
    expect(await page.locator(`[data-node-id="${follower}"]`).getAttribute('data-role')).toBe('crashed');
    expect(await page.evaluate(() => window.__raftsim!.inPast())).toBe(false);
    for (let i = 1; i <= 5; i++) await page.getByTestId('step-forward').click();
    await waitEvents(page, e0 - 40 + 5);
    const onBranch1 = await serverStates(page);

    await page.getByTestId('tab-branches').click();
    await page.getByTestId('branch-0').click();
    await page.waitForFunction(() => window.__raftsim!.branchId() === 0, undefined, { timeout: WAIT_MS });
    expect(await page.locator(`[data-node-id="${follower}"]`).getAttribute('data-role')).not.toBe('crashed');
    const onBranch0 = await serverStates(page);
    expect(onBranch0.simTime).toBe(onBranch1.simTime);
    expect(onBranch0).not.toEqual(onBranch1);
    expect(await page.getByTestId('branch-0').getAttribute('data-current')).toBe('true');

    await page.getByTestId('branch-1').click();
    await page.waitForFunction(() => window.__raftsim!.branchId() === 1, undefined, { timeout: WAIT_MS });
    expect(await serverStates(page)).toEqual(onBranch1);
    expect(await page.getByTestId('branch-1').getAttribute('data-current')).toBe('true');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('requests no animation frames while paused (near-zero CPU), and does while playing', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(() => {
      const w = window as unknown as { __frames: number };
      w.__frames = 0;
      const raf = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (cb) => {
        w.__frames++;
        return raf(cb);
      };
    });
    await page.goto(`${app.baseUrl}/?scenario=basic-election&seed=1&at=800&play=0`);
    await page.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
    const frames = () => page.evaluate(() => (window as unknown as { __frames: number }).__frames);
    await page.waitForTimeout(300);
    const f0 = await frames();
    await page.waitForTimeout(1000);
    expect(await frames()).toBe(f0);
    await page.keyboard.press(' ');
    await page.waitForTimeout(500);
    expect(await frames()).toBeGreaterThan(f0 + 5);
    await page.keyboard.press(' ');
    await page.waitForFunction(() => window.__raftsim!.player() === 'paused', undefined, { timeout: WAIT_MS });
    await page.waitForTimeout(200);
    const f1 = await frames();
    await page.waitForTimeout(1000);
    expect(await frames()).toBe(f1);
    await page.close();
  });

  it('pausing a follower from its menu marks it on the ring; it falls behind, and catches up when resumed', async () => {
    const { page, errors } = await open('?scenario=basic-election&seed=1&at=900&play=0');
    const leader = (await page.locator('[data-role="leader"]').getAttribute('data-node-id'))!;
    const follower = (await page.locator('[data-role="follower"]').first().getAttribute('data-node-id'))!;
    const node = page.locator(`[data-node-id="${follower}"]`);
    await node.click();
    await page.getByTestId('menu-pause-server').click();
    await page.waitForFunction((id) => document.querySelector(`[data-node-id="${id}"]`)?.getAttribute('data-paused') === '1', follower, { timeout: WAIT_MS });
    expect(await node.locator('.pause-badge').count()).toBe(1);
    expect(await node.locator('.server-role').textContent()).toBe('follower, paused');
    // A client write commits on the others while the paused follower's log stays as it was.
    const logBefore = Number(await node.getAttribute('data-log-length'));
    await page.evaluate(() => window.__raftsim!.position());
    await page.getByTestId('open-client').click();
    await page.getByTestId('client-send').click();
    await page.getByTestId('client-panel-close').click();
    await page.getByTestId('speed').selectOption({ label: '1x' });
    await page.getByTestId('play-pause').click();
    await page.waitForFunction(
      ([l, n]) => Number(document.querySelector(`[data-node-id="${l}"]`)?.getAttribute('data-log-length')) > n,
      [leader, logBefore] as const,
      { timeout: WAIT_MS },
    );
    await page.waitForTimeout(300);
    expect(Number(await node.getAttribute('data-log-length'))).toBe(logBefore);
    expect(await node.getAttribute('data-role')).toBe('follower');
    // Resumed, it handles what waited and catches up with the leader's log.
    await page.getByTestId('play-pause').click();
    await page.waitForFunction(() => window.__raftsim!.player() === 'paused', undefined, { timeout: WAIT_MS });
    await node.click();
    await page.getByTestId('menu-resume-server').click();
    expect(await node.getAttribute('data-paused')).toBe('0');
    expect(await node.locator('.pause-badge').count()).toBe(0);
    await page.getByTestId('play-pause').click();
    await page.waitForFunction(
      ([f, l]) => {
        const len = (id: string) => document.querySelector(`[data-node-id="${id}"]`)?.getAttribute('data-log-length');
        return len(f) === len(l);
      },
      [follower, leader] as const,
      { timeout: WAIT_MS },
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('"?" opens the keyboard help, Escape closes it', async () => {
    const { page, errors } = await open('?scenario=basic-election&seed=1&play=0');
    await page.keyboard.press('?');
    const help = page.getByTestId('help-overlay');
    await help.waitFor({ state: 'visible', timeout: WAIT_MS });
    const text = (await help.textContent()) ?? '';
    for (const k of ['Space', 'Shift', '?']) expect(text).toContain(k);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden', timeout: WAIT_MS });
    // Space still plays and pauses afterwards.
    await page.keyboard.press(' ');
    await page.waitForFunction(() => window.__raftsim!.player() === 'playing', undefined, { timeout: WAIT_MS });
    await page.keyboard.press(' ');
    await page.waitForFunction(() => window.__raftsim!.player() === 'paused', undefined, { timeout: WAIT_MS });
    expect(errors).toEqual([]);
    await page.close();
  });
});
