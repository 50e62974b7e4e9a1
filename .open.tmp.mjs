import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { readFileSync } from 'node:fs';
const root = '/work/wt/i14u/';
const server = await createServer({ root, configFile: root + 'vite.config.ts', logLevel: 'warn', server: { port: 0, host: '127.0.0.1' } });
await server.listen();
const port = server.httpServer.address().port;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
page.on('pageerror', (e) => console.log('pageerror', e.message));
page.on('console', (m) => console.log('console', m.type(), m.text()));
await page.goto(`http://127.0.0.1:${port}/?scenario=basic-election&seed=7&play=0`);
await page.waitForSelector('[data-node-id]', { timeout: 30000 });
await page.getByTestId('open-file').setInputFiles({ name: 'x-recording.yaml', mimeType: 'application/yaml', buffer: readFileSync('/tmp/i14u/saved.yaml') });
for (let i = 0; i < 10; i++) { await page.waitForTimeout(1000); console.log(JSON.stringify(await page.evaluate(() => [window.__raftsim?.position(), window.__raftsim?.traceHash(), window.__raftsim?.player()]))); }
console.log(await page.locator('[data-testid=notice]').textContent().catch(() => 'no notice'));
console.log(await page.locator('[data-testid=error-panel]').textContent().catch(() => 'no error'));
await page.screenshot({ path: '/tmp/i14u/open.png' });
await browser.close(); await server.close();
