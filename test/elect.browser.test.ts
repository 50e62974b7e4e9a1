/**
 * Issue 12 in Chromium: the disruptive-rejoin lesson with PreVote shows a server in the
 * pre-candidate role (`data-role="preCandidate"`, drawn with its dotted ring, not by colour alone),
 * and the why feed words the pre-votes refused to it when it rejoins (Raft thesis §9.6); the
 * statechart of the inspector has the pre-candidate state. Same launch rules as the other
 * browser tests; every wait is for a condition. Screenshots go to the system's temp directory.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireChromium, useApp } from './browser-util';

const WAIT_MS = 20_000;
const haveChromium = requireChromium('elect browser tests');

describe.skipIf(!haveChromium)('PreVote in Chromium', () => {
  const app = useApp({ waitForServers: true });

  it('disruptive-rejoin-prevote: S5 is drawn as a pre-candidate while cut off, and the feed explains the refused pre-votes', async () => {
    const { page, errors } = await app.open('?scenario=disruptive-rejoin-prevote&at=1000&play=0');
    const s5 = page.locator('[data-node-id="S5"]');
    await page.waitForSelector('[data-node-id="S5"][data-role="preCandidate"]', { timeout: WAIT_MS });
    expect(await page.locator('[data-role="preCandidate"]').count()).toBe(1);
    expect(await s5.getAttribute('data-term')).toBe('1');
    // Told apart by shape as well as colour: the role table's icon and dotted outline, and the pre-vote tally.
    expect(await s5.getAttribute('data-icon')).toBe('question');
    expect(await s5.locator('.server-body').getAttribute('stroke-dasharray')).toBeTruthy();
    expect(await s5.locator('.pre-votes rect').count()).toBe(5);
    expect(await s5.locator('.server-role').textContent()).toContain('pre-candidate');
    await page.screenshot({ path: join(tmpdir(), 'raftsim-elect-precandidate.png') });

    await page.getByTestId('legend-preCandidate').waitFor({ state: 'visible', timeout: WAIT_MS });
    await s5.click();
    await page.getByTestId('statechart').waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await page.getByTestId('statechart').innerHTML()).toContain('preCandidate');
    await page.getByTestId('statechart').screenshot({ path: join(tmpdir(), 'raftsim-elect-statechart.png') });

    const later = await app.open('?scenario=disruptive-rejoin-prevote&at=1800&play=0');
    await later.page.waitForFunction(
      () => /refuses S5’s pre-vote for term 2: it heard from leader S1 [\d.]+ ms ago \(thesis §9\.6\)/.test(document.querySelector('[data-testid="event-feed"]')?.textContent ?? ''),
      undefined, { timeout: WAIT_MS },
    );
    const feed = await later.page.getByTestId('event-feed').innerText();
    for (const voter of ['S2', 'S3', 'S4']) expect(feed).toMatch(new RegExp(`${voter} refuses S5’s pre-vote for term 2: it heard from leader S1`));
    expect(await later.page.locator('[data-node-id="S5"]').getAttribute('data-role')).toBe('follower');
    await later.page.screenshot({ path: join(tmpdir(), 'raftsim-elect-refused.png') });
    expect([...errors, ...later.errors]).toEqual([]);
  }, 120_000);
});
