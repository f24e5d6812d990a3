import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, CHROMIUM, hasChromium, launchBrowser } from './support/browser.js';
import { startTestServer, type TestServer } from './support/server.js';

if (!hasChromium) console.warn(`explorer browser test skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);

/** The explorer as a researcher sees it, in a real browser cut off from everything but this server. */
describe.skipIf(!hasChromium)('explorer in a browser', () => {
  let t: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('opens with the example query, runs it, and loads nothing from the internet', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const outside: string[] = [];
    await page.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      if (host === 'localhost' || host === '127.0.0.1') return route.continue();
      outside.push(route.request().url());
      return route.abort();
    });
    await page.goto(t.url);
    await page.waitForSelector('.graphiql-container');
    expect(await page.locator('.graphiql-query-editor').innerText()).toContain('WhoWasExcluded');
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('Bolat Abilov'));
    const response = await page.locator('.graphiql-response').innerText();
    expect(response).toContain('DISQUALIFIED_FROM');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'explorer.png') });
    expect(outside).toEqual([]);
  });
});
