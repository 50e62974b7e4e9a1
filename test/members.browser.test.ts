/**
 * Issue 13 in Chromium: membership changes from the page. A two-server cluster with one spare:
 * the Members… dialog adds the spare as a learner (a second request while it is pending is
 * refused, with the leader's reason, thesis §4.1), the ring draws it as a learner (its own
 * outline and icon, not colour alone), the server menu promotes it, and with the other original
 * server cut off a write still commits: 2 of 3 voters, the leader and the promoted server (etcd
 * raft TestLearnerPromotion, from the UI). The changes are recorded as `member` actions (the saved
 * scenario replays them). Every wait is for a condition; screenshots go to the temp directory.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { encodeLink } from '../src/share/link';
import { requireChromium, useApp } from './browser-util';

const WAIT_MS = 20_000;
const haveChromium = requireChromium('members browser tests');

/** Two voters and a spare (S3), no steps: free play from the first leader on. */
const YAML = `title: Two servers and a spare
seed: 4
cluster:
  nodes: 2
  spares: 1
clients: [c1]
steps: []
`;

/** The page at `atMs` of this run, paused, played at 1x when Play is pressed. */
function membersLink(atMs: number, yaml = YAML): string {
  return `?speed=1&play=0#${encodeLink({ yaml, seed: 4, replay: { actions: [], until: { events: 1e9, atMs } }, lang: 'en' })}`;
}

async function attr(page: Page, id: string, name: string): Promise<string | null> {
  return page.locator(`[data-node-id="${id}"]`).getAttribute(name);
}

/** Plays until `selector` is on the page, then pauses. */
async function playUntil(page: Page, selector: string): Promise<void> {
  await page.getByTestId('play-pause').click();
  await page.waitForSelector(selector, { timeout: WAIT_MS });
  await page.getByTestId('play-pause').click();
  await page.waitForFunction(() => window.__raftsim?.player() === 'paused', undefined, { timeout: WAIT_MS });
}

describe.skipIf(!haveChromium)('membership changes from the UI', () => {
  const app = useApp({ waitForServers: true });

  it('adds a spare as a learner, promotes it, and counts it in commits', async () => {
    const { page, errors } = await app.open(membersLink(1500));
    await page.waitForSelector('[data-node-id][data-role="leader"]', { timeout: WAIT_MS });
    const leader = (await page.evaluate(() => window.__raftsim?.leader())) as string;
    const other = leader === 'S1' ? 'S2' : 'S1';
    // The spare sits on the bench under the ring, smaller, with no election timer.
    expect(await attr(page, 'S3', 'data-membership')).toBe('spare');
    expect(await page.locator('[data-node-id="S3"] .server-role').textContent()).toBe('spare');

    await page.getByTestId('open-members').click();
    const dialog = page.getByTestId('members-dialog');
    await dialog.waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await page.getByTestId('member-row-S3').getAttribute('data-membership')).toBe('spare');
    await page.getByTestId('member-add-learner-S3').click();
    const outcome = page.getByTestId('member-outcome');
    expect(await outcome.textContent()).toBe('Proposed to the leader: make S3 a learner. It takes effect when the leader applies it.');
    expect(await outcome.getAttribute('data-refused')).toBe('0');
    // Asked again before the leader applied it: refused, one change at a time (etcd pendingConfIndex).
    await page.getByTestId('member-add-learner-S3').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="member-outcome"]')?.getAttribute('data-refused') === '1', undefined, { timeout: WAIT_MS });
    expect(await outcome.textContent()).toMatch(new RegExp(`^${leader} refuses the configuration change \\(make S3 a learner\\): the change at index \\d+ is not applied yet, and only one may be pending at a time \\(thesis §4\\.1; etcd raft pendingConfIndex\\)\\.$`));
    expect(await page.getByTestId('members-pending').textContent()).toMatch(/^Change pending at index \d+ \(make S3 a learner\)/);
    await page.screenshot({ path: join(tmpdir(), 'raftsim-members-dialog.png') });
    await page.getByTestId('members-dialog-close').click();

    await playUntil(page, '[data-node-id="S3"][data-membership="learner"]');
    // A learner: on the ring, its own inner outline and book icon, "learner" written; no timer arc.
    const s3 = page.locator('[data-node-id="S3"]');
    expect(await s3.locator('.member-inner').getAttribute('stroke-dasharray')).toBeTruthy();
    expect(await s3.locator('.member-icon.icon-book').count()).toBe(1);
    expect(await s3.locator('.server-role').textContent()).toBe('learner');
    expect(await s3.locator('.timer').count()).toBe(0);
    expect(await s3.getAttribute('aria-label')).toMatch(/^S3, learner, term \d+$/);
    await page.getByTestId('cluster').screenshot({ path: join(tmpdir(), 'raftsim-members-learner.png') });

    // The server menu promotes it (etcdctl member promote).
    await s3.click();
    await page.getByTestId('server-menu').waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.getByTestId('menu-promote').click();
    await playUntil(page, '[data-node-id="S3"][data-membership="voter"]');
    expect(await s3.locator('.member-inner').count()).toBe(0);

    // With the other original server cut off, a write commits with the leader and S3: 2 of 3 voters.
    await page.locator(`[data-node-id="${other}"]`).click();
    await page.getByTestId('menu-isolate').click();
    await page.getByTestId('open-client').click();
    await page.getByTestId('client-key').fill('k');
    await page.getByTestId('client-value').fill('v');
    await page.getByTestId('client-send').click();
    await page.getByTestId('client-panel-close').click();
    await page.getByTestId('play-pause').click();
    await page.waitForFunction(
      (l) => new RegExp(`${l} advances commitIndex from \\d+ to \\d+: entry \\d+ is of term \\d+, its current term, and is stored on 2 of 3 servers, a majority`).test(document.querySelector('[data-testid="event-feed"]')?.textContent ?? ''),
      leader, { timeout: WAIT_MS },
    );
    await page.getByTestId('play-pause').click();
    await page.waitForFunction(() => window.__raftsim?.player() === 'paused', undefined, { timeout: WAIT_MS });
    // S3 holds the write committed; the cut-off server does not.
    await page.waitForFunction((l) => {
      const c = (id: string) => Number(document.querySelector(`[data-node-id="${id}"]`)?.getAttribute('data-commit-index'));
      return c('S3') === c(l);
    }, leader, { timeout: WAIT_MS });
    expect(Number(await attr(page, 'S3', 'data-commit-index'))).toBeGreaterThan(Number(await attr(page, other, 'data-commit-index')));
    await page.getByTestId('open-members').click();
    const match = await page.getByTestId('member-row-S3').locator('[data-field="matchIndex"]').textContent();
    expect(match).toMatch(new RegExp(`^${await attr(page, 'S3', 'data-commit-index')} \\(replicate\\)$`));
    await page.screenshot({ path: join(tmpdir(), 'raftsim-members-promoted.png') });

    // Recorded like every action: the saved scenario replays both changes.
    const saved = (await page.evaluate(() => window.__raftsim?.savedYaml())) as string;
    expect(saved).toMatch(/kind: member[\s\S]*add: S3[\s\S]*learner: true/);
    expect(saved).toMatch(/kind: member[\s\S]*promote: S3/);
    expect(errors).toEqual([]);
  }, 180_000);
});
