/**
 * Takes docs/screenshot.png of the running page (for the README):
 *   npx tsx scripts/screenshot.ts [query]
 * The default opens partition-minority-leader at 984 ms: two leaders, cut links, messages in flight,
 * committed and uncommitted entries.
 */
import { mkdirSync } from 'node:fs';
import { launchChromium, openPage, ROOT, startApp } from '../test/browser-util';

const query = process.argv[2] ?? '?scenario=partition-minority-leader&at=984&play=0';
const out = process.argv[3] ?? `${ROOT}docs/screenshot.png`;

const { server, baseUrl } = await startApp();
const browser = await launchChromium();
try {
  const { page, errors } = await openPage(browser, `${baseUrl}/${query}`, { width: 1440, height: 900 });
  await page.waitForSelector('[data-node-id], [data-testid="error-panel"]', { timeout: 20_000 });
  await page.waitForTimeout(300);
  mkdirSync(`${ROOT}docs`, { recursive: true });
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
  if (errors.length) console.warn(errors.join('\n'));
} finally {
  await browser.close();
  await server.close();
}
