/**
 * The etcdctl console and the KV panel in Chromium (issue 14): lines typed in the console wait
 * for the cluster's answer and print exactly what etcdctl prints; the lines are recorded, so the
 * saved scenario replays to the same traceHash and shows the same console; history, Tab
 * completion and Ctrl+C from the keyboard alone; the KV panel's lease countdown and a key's
 * revision history. Same launch rules as the other browser tests; conditions are waited for,
 * never durations.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { requireChromium, useApp, waitEvents } from './browser-util';

const WAIT_MS = 20_000;
const haveChromium = requireChromium('etcd console browser tests');

/** The console entry of the `n`-th line typed in this page (counting from the end: -1 is the last). */
function entry(page: Page, n: number): Locator {
  return page.locator('[data-testid="etcd-entry"]').nth(n);
}

/** Types a line in the console and presses Enter. */
async function type(page: Page, line: string): Promise<void> {
  const input = page.getByTestId('etcd-input');
  await input.fill(line);
  await input.press('Enter');
}

/** The output text of the entry of `command` (the last one with that command). */
async function outputOf(page: Page, command: string): Promise<{ state: string; text: string; exit: string | null }> {
  return page.evaluate((cmd) => {
    const all = [...document.querySelectorAll('[data-testid="etcd-entry"]')].filter((e) => e.querySelector('.term-cmd-text')?.textContent === cmd);
    const e = all[all.length - 1];
    if (!e) return { state: 'absent', text: '', exit: null };
    return { state: e.getAttribute('data-state') ?? '', text: e.querySelector('[data-testid="etcd-output-text"]')?.textContent ?? '', exit: e.getAttribute('data-exit') };
  }, command);
}

async function waitDone(page: Page, command: string): Promise<{ state: string; text: string; exit: string | null }> {
  await page.waitForFunction((cmd) => {
    const all = [...document.querySelectorAll('[data-testid="etcd-entry"]')].filter((e) => e.querySelector('.term-cmd-text')?.textContent === cmd);
    return all.length > 0 && all[all.length - 1].getAttribute('data-state') === 'done';
  }, command, { timeout: WAIT_MS });
  return outputOf(page, command);
}

describe.skipIf(!haveChromium)('the etcdctl console in Chromium', () => {
  const app = useApp({ waitForServers: true });

  it('put foo bar, get foo and lease grant 10 print what etcdctl prints once the cluster answers; the saved scenario replays them to the same traceHash', async () => {
    // The etcdctl tour is over by 1 s: the cluster is the user's.
    const { page, errors } = await app.open('?scenario=etcdctl-tour&at=1000&play=0&speed=1');
    await page.getByTestId('etcd-console').waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await page.getByTestId('etcd-console').getAttribute('data-backend')).toBe('engine');
    const before = await page.locator('[data-testid="etcd-entry"]').count();
    expect(before).toBeGreaterThan(5); // the lesson's own etcdctl steps are in the console

    // Paused: the line is sent, and waits for the cluster.
    await type(page, 'put foo bar');
    expect(await outputOf(page, 'put foo bar')).toEqual({ state: 'waiting', text: '', exit: null });
    await expect.poll(() => entry(page, before).getByTestId('etcd-waiting').isVisible()).toBe(true);
    await page.getByTestId('play-pause').click();
    expect(await waitDone(page, 'put foo bar')).toEqual({ state: 'done', text: 'OK\n', exit: '0' });
    await type(page, 'get foo');
    expect(await waitDone(page, 'get foo')).toEqual({ state: 'done', text: 'foo\nbar\n', exit: '0' });
    await type(page, 'lease grant 10');
    const grant = await waitDone(page, 'lease grant 10');
    expect(grant.text).toMatch(/^lease [0-9a-f]{16} granted with TTL\(10s\)\n$/);
    const leaseId = /lease ([0-9a-f]{16})/.exec(grant.text)![1];
    // The KV panel lists the lease with its time left, counting down on the leader's clock.
    const countdown = page.locator('[data-testid="kv-leases"] tr').filter({ hasText: leaseId }).getByTestId('kv-countdown');
    const first = Number.parseFloat((await countdown.textContent()) ?? '');
    expect(first).toBeGreaterThan(8);
    expect(first).toBeLessThanOrEqual(10);
    await page.waitForFunction((f) => Number.parseFloat(document.querySelector('[data-testid="kv-leases"] [data-testid="kv-countdown"]')?.textContent ?? '') < f - 0.5, first, { timeout: WAIT_MS });

    // A background command: a watch prints events as they come, and Ctrl+C stops it.
    await type(page, 'watch foo');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="etcd-entry"]')].some((e) => e.getAttribute('data-state') === 'running'), undefined, { timeout: WAIT_MS });
    await type(page, 'put foo baz');
    await waitDone(page, 'put foo baz');
    await page.waitForFunction(() => (document.querySelector('[data-testid="etcd-entry"][data-state="running"] [data-testid="etcd-output-text"]')?.textContent ?? '') === 'PUT\nfoo\nbaz\n', undefined, { timeout: WAIT_MS });
    await page.getByTestId('etcd-input').press('Control+c');
    expect(await waitDone(page, 'watch foo')).toEqual({ state: 'done', text: 'PUT\nfoo\nbaz\n', exit: '130' });

    // Pause and save: the recording holds the lines as etcdctl actions, Ctrl+C as etcdCancel.
    await page.getByTestId('play-pause').click();
    await page.waitForFunction(() => window.__raftsim?.player() !== 'playing', undefined, { timeout: WAIT_MS });
    const pos = await page.evaluate(() => window.__raftsim!.position());
    const hash = await page.evaluate(() => window.__raftsim!.traceHash());
    const yaml = await page.evaluate(() => window.__raftsim!.savedYaml());
    for (const s of ['kind: etcdctl', 'command: put foo bar', 'command: get foo', 'command: lease grant 10', 'command: watch foo', 'kind: etcdCancel']) expect(yaml).toContain(s);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-yaml').click()]);
    const chunks: Buffer[] = [];
    for await (const c of await dl.createReadStream()) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(yaml);
    const shown = await page.locator('[data-testid="etcd-entry"]').allTextContents();

    // The timeline marks the grant on the leader's lane (the legend explains it), and the leader's
    // inspector lists the lease: hex ID, TTL, time left, no keys attached.
    const leader = await page.evaluate(() => window.__raftsim!.leader());
    await page.evaluate(() => window.__raftsim!.timeline.fitAll());
    await page.waitForFunction((id) => window.__raftsim!.timeline.drawnMarkers().some((m) => m.kind === 'leaseGrant' && m.label.includes(id)), leaseId, { timeout: WAIT_MS });
    const mark = await page.evaluate((id) => window.__raftsim!.timeline.drawnMarkers().find((m) => m.kind === 'leaseGrant' && m.label.includes(id))!, leaseId);
    expect(mark.lane).toBe(leader);
    expect(mark.label).toBe(`The leader ${leader} applied a lease grant: lease ${leaseId}, TTL 10 s`);
    expect(await page.getByTestId('legend-leaseGrant').textContent()).toBe('Lease granted');
    await page.getByTestId(`lane-${leader}`).click();
    await page.getByTestId('server-inspector').waitFor({ state: 'attached', timeout: WAIT_MS });
    expect(await page.getByTestId('server-inspector').getAttribute('data-server')).toBe(leader);
    const row = await page.locator(`[data-testid="inspector-leases"] tr[data-lease="${leaseId}"] td`).allTextContents();
    expect(row[0]).toBe(leaseId);
    expect(row[1]).toBe('10 s');
    expect(Number.parseFloat(row[2])).toBeGreaterThan(0);
    expect(row[3]).toBe('—');

    // Replayed in a fresh page: the same run, the same console.
    const fresh = await app.open('?scenario=basic-election&seed=7&play=0');
    await fresh.page.getByTestId('open-file').setInputFiles({ name: 'etcdctl-tour-recording.yaml', mimeType: 'application/yaml', buffer: Buffer.from(yaml, 'utf8') });
    await waitEvents(fresh.page, pos.events);
    expect(await fresh.page.evaluate(() => window.__raftsim!.position())).toEqual(pos);
    expect(await fresh.page.evaluate(() => window.__raftsim!.traceHash())).toBe(hash);
    await fresh.page.getByTestId('etcd-console').waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await fresh.page.locator('[data-testid="etcd-entry"]').allTextContents()).toEqual(shown);
    expect(await outputOf(fresh.page, 'get foo')).toEqual({ state: 'done', text: 'foo\nbar\n', exit: '0' });
    expect(fresh.errors).toEqual([]);
    await fresh.page.close();
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('keyboard alone: Tab completes commands and flags, ↑ and ↓ go through the history, Shift+Enter writes a txn; errors go to standard error', async () => {
    const { page, errors } = await app.open('?scenario=etcdctl-tour&at=1000&play=1&speed=1');
    const input = page.getByTestId('etcd-input');
    await input.waitFor({ state: 'visible', timeout: WAIT_MS });
    // Focus reaches the console from the keyboard: the input has a label and the help as its description.
    expect(await input.evaluate((el) => (el as HTMLTextAreaElement).labels?.[0]?.textContent ?? '')).toContain('$ etcdctl');
    expect(await input.evaluate((el) => document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent ?? '')).toContain('Tab');
    await input.focus();
    await page.keyboard.type('lea');
    await page.keyboard.press('Tab');
    expect(await input.inputValue()).toBe('lease ');
    await page.keyboard.type('gr');
    await page.keyboard.press('Tab');
    expect(await input.inputValue()).toBe('lease grant ');
    await input.fill('get foo --sort');
    await page.keyboard.press('End');
    await page.keyboard.press('Tab');
    expect(await input.inputValue()).toBe('get foo --sort-by ');
    await page.keyboard.press('Tab'); // several values: the choices are listed
    expect(await page.getByTestId('etcd-choices').textContent()).toContain('CREATE');
    await input.fill('');
    // Nothing to complete on an empty line: Tab moves on (no keyboard trap).
    await page.keyboard.press('Tab');
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(false);
    await input.focus();

    await page.keyboard.type('put k v1');
    await page.keyboard.press('Enter');
    await waitDone(page, 'put k v1');
    await page.keyboard.type('get k --bogus');
    await page.keyboard.press('Enter');
    const bad = await waitDone(page, 'get k --bogus');
    expect(bad).toEqual({ state: 'done', text: 'Error: unknown flag: --bogus\n', exit: '1' });
    expect(await page.locator('[data-testid="etcd-entry"]').last().locator('[data-stream="stderr"]').count()).toBe(1);
    await page.keyboard.press('ArrowUp');
    expect(await input.inputValue()).toBe('get k --bogus');
    await page.keyboard.press('ArrowUp');
    expect(await input.inputValue()).toBe('put k v1');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await input.inputValue()).toBe('');

    // A txn on several lines: Shift+Enter for each new line, Enter sends.
    for (const [i, l] of ['txn', 'value("k") = "v1"', '', 'put k v2', '', 'get k'].entries()) {
      if (i > 0) await page.keyboard.press('Shift+Enter');
      await page.keyboard.type(l);
    }
    await page.keyboard.press('Enter');
    expect(await waitDone(page, 'txn')).toEqual({ state: 'done', text: 'SUCCESS\n\nOK\n', exit: '0' });

    // The KV panel: the key's revision history, a tombstone after a delete.
    await page.keyboard.type('del k');
    await page.keyboard.press('Enter');
    await waitDone(page, 'del k');
    await page.keyboard.type('put k v3');
    await page.keyboard.press('Enter');
    await waitDone(page, 'put k v3');
    await page.locator('[data-testid="kv-keys"] button', { hasText: /^k$/ }).click();
    const rows = await page.locator('[data-testid="kv-history"] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent).slice(1, 6).join(' ')));
    expect(rows).toEqual([
      expect.stringMatching(/^PUT v1 (\d+) \1 1$/),
      expect.stringMatching(/^PUT v2 (\d+) \d+ 2$/),
      expect.stringMatching(/^DELETE \(tombstone\) — — \d+ 0$/),
      expect.stringMatching(/^PUT v3 (\d+) \1 1$/),
    ]);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('a linearizable get during an election waits for the new leader, and the phone layout has the console as a tab', async () => {
    const { page, errors } = await app.open('?scenario=etcdctl-tour&at=1000&play=0&speed=1/10');
    expect(await page.evaluate(() => window.__raftsim!.leader())).toBe('S3');
    // S1's election timer fires (its menu): an election for a new term, during which S3 steps down.
    await page.locator('[data-node-id="S1"]').click();
    await page.getByTestId('server-menu').waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.getByTestId('menu-timeout').click();
    await page.getByTestId('etcd-endpoint').selectOption('S2');
    await type(page, 'get /testdir/none -w fields');
    // S1 is a candidate now: the get waits, and the console says so.
    expect(await page.locator('[data-node-id="S1"]').getAttribute('data-role')).toBe('candidate');
    expect((await outputOf(page, 'get /testdir/none -w fields')).state).toBe('waiting');
    expect(await entry(page, -1).getByTestId('etcd-waiting').isVisible()).toBe(true);
    await page.getByTestId('play-pause').click();
    const done = await waitDone(page, 'get /testdir/none -w fields');
    // Answered by the new leader, in the new term.
    const leader = await page.evaluate(() => window.__raftsim!.leader());
    expect(leader).not.toBeNull();
    expect(done.exit).toBe('0');
    expect(done.text).toMatch(/"RaftTerm" : 3\n/);
    expect(done.text).toContain('"Count" : 0');
    await page.close();
    expect(errors).toEqual([]);

    const phone = await app.browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${app.baseUrl}/?scenario=etcdctl-tour&at=1000&play=0`);
    await phone.waitForSelector('[data-node-id]', { timeout: WAIT_MS });
    expect(await phone.locator('.wb-etcd').isVisible()).toBe(false);
    await phone.getByTestId('panel-tab-etcd').click();
    expect(await phone.locator('.wb-etcd').isVisible()).toBe(true);
    expect(await phone.getByTestId('etcd-input').isVisible()).toBe(true);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: '/tmp/etcd-console-phone.png' });
    await phone.close();
  }, 120_000);
});
