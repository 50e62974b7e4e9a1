import { chromium } from 'playwright-core';
import { createServer } from 'vite';
const root = '/work/wt/i14u/';
const server = await createServer({ root, configFile: root + 'vite.config.ts', logLevel: 'warn', server: { port: 0, host: '127.0.0.1' } });
await server.listen();
const port = server.httpServer.address().port;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const [query, out, w, h, ...lines] = process.argv.slice(2);
const page = await browser.newPage({ viewport: { width: +w || 1280, height: +h || 720 } });
page.on('pageerror', (e) => console.log('pageerror', e.message));
page.on('console', (m) => m.type() === 'error' && console.log('console', m.text()));
await page.goto(`http://127.0.0.1:${port}/${query}`);
await page.waitForSelector('[data-node-id]', { timeout: 30000 });
if (!(await page.locator('.workbench.with-etcd').count())) await page.getByTestId('toggle-etcd').click().catch(() => {});
for (const l of lines) {
  if (l.startsWith('!')) { await page.keyboard.press(l.slice(1)); continue; }
  if (l === 'play') { await page.getByTestId('play-pause').click(); continue; }
  if (l.startsWith('@')) { await page.waitForTimeout(+l.slice(1)); continue; }
  await page.getByTestId('etcd-input').fill(l);
  await page.getByTestId('etcd-input').press('Enter');
}
await page.waitForTimeout(300);
await page.locator('.wb-etcd').scrollIntoViewIfNeeded().catch(() => {});
await page.screenshot({ path: out });
console.log(await page.locator('[data-testid=etcd-screen]').innerText().catch(() => 'no screen'));
await browser.close();
await server.close();
