import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, CHROMIUM, hasChromium, launchBrowser } from './support/browser.js';
import { startTestServer, type TestServer } from './support/server.js';

/** The page's Cytoscape instance, as the page exposes it on `window.cy` (typed loosely: no types in the test). */
declare global {
  interface Window {
    cy: any;
  }
}

const ELECTION = 'election-2012-01-15-mazhilis';

/** `/explore` without a browser: one HTML page whose every asset comes from this server. */
describe('network view over HTTP', () => {
  let dev: TestServer;
  let prod: TestServer;
  beforeAll(async () => {
    [dev, prod] = await Promise.all([startTestServer(), startTestServer(undefined, { production: true })]);
  });
  afterAll(async () => {
    await dev?.close();
    await prod?.close();
  });

  const origin = (t: TestServer) => new URL(t.url).origin;

  it('serves the page, in production too, referencing only local assets of the right types', async () => {
    for (const t of [dev, prod]) {
      const res = await fetch(`${origin(t)}/explore`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await res.text();
      const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(refs.sort()).toEqual(['/explore/assets/cytoscape.js', '/explore/assets/network-view.css', '/explore/assets/network-view.js']);
      for (const ref of refs) {
        const asset = await fetch(new URL(ref, origin(t)));
        expect(asset.status, ref).toBe(200);
        expect(asset.headers.get('content-type'), ref).toBe(ref.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
        expect((await asset.arrayBuffer()).byteLength, ref).toBeGreaterThan(1000);
      }
    }
    const cytoscape = await (await fetch(`${origin(dev)}/explore/assets/cytoscape.js`)).text();
    expect(cytoscape).toContain('cytoscape');
    expect((await fetch(`${origin(dev)}/explore/`)).status).toBe(200);
  });

  it('answers HEAD without a body, and leaves unknown assets and other methods to the 404', async () => {
    const head = await fetch(`${origin(dev)}/explore/assets/network-view.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(1000);
    expect(await head.text()).toBe('');
    for (const path of ['/explore/assets/nope.js', '/explore/assets/../../package.json', '/explore/assets/constructor', '/explore/assets/', '/explorex']) {
      expect((await fetch(`${origin(dev)}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${origin(dev)}/explore`, { method: 'POST', body: '' })).status).toBe(404);
  });
});

if (!hasChromium) console.warn(`network view browser test skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);

/** The network view as a researcher uses it, in a real browser cut off from everything but this server. */
describe.skipIf(!hasChromium)('network view in a browser', () => {
  let t: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const aborted: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    // Production mode: the view must not depend on anything the explorer's development mode adds.
    [t, browser] = await Promise.all([startTestServer(undefined, { production: true }), launchBrowser()]);
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      if (host === '127.0.0.1' || host === 'localhost') return route.continue();
      aborted.push(route.request().url());
      return route.abort();
    });
    page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
    });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  /** Clicks a node where Cytoscape drew it. */
  async function clickNode(id: string) {
    await page.waitForFunction(() => !window.cy.animated());
    const pos = await page.evaluate((nodeId) => window.cy.getElementById(nodeId).renderedPosition() as { x: number; y: number }, id);
    const box = (await page.locator('#graph').boundingBox())!;
    expect(pos.x).toBeGreaterThan(0);
    expect(pos.x).toBeLessThan(box.width);
    expect(pos.y).toBeGreaterThan(0);
    expect(pos.y).toBeLessThan(box.height);
    await page.mouse.click(box.x + pos.x, box.y + pos.y);
  }

  it('draws the whole graph, colored by kind, with a legend and a filter of the relation types present', async () => {
    await page.goto(`${new URL(t.url).origin}/explore`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    expect(await page.evaluate(() => window.cy.nodes().length)).toBe(29);
    expect(await page.evaluate(() => window.cy.edges().length)).toBe(54);
    // Sized by betweenness by default: the election (most between) is drawn larger than Abilov (none).
    expect(await page.locator('#metric').inputValue()).toBe('betweenness');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'network-view-overview.png') });
    const size = (id: string) => page.evaluate((nodeId) => window.cy.getElementById(nodeId).width() as number, id);
    expect(await size(ELECTION)).toBeGreaterThan(await size('bolat-abilov'));

    // Pixels really drawn on the canvas, in the legend's colors.
    const colors = await page.evaluate(() => {
      const wanted: Record<string, [number, number, number]> = {
        PERSON: [0xe6, 0x9f, 0x00],
        PARTY: [0x00, 0x72, 0xb2],
        ORGANIZATION: [0x00, 0x9e, 0x73],
        EVENT: [0xd5, 0x5e, 0x00],
        PLACE: [0xcc, 0x79, 0xa7],
      };
      const found: Record<string, number> = { painted: 0 };
      for (const canvas of document.querySelectorAll<HTMLCanvasElement>('#graph canvas')) {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! < 250) continue;
          found.painted!++;
          for (const [kind, [r, g, b]] of Object.entries(wanted)) {
            if (Math.abs(data[i]! - r) + Math.abs(data[i + 1]! - g) + Math.abs(data[i + 2]! - b) < 12) found[kind] = (found[kind] ?? 0) + 1;
          }
        }
      }
      return found;
    });
    expect(colors.painted).toBeGreaterThan(5000);
    for (const kind of ['PERSON', 'PARTY', 'ORGANIZATION', 'EVENT', 'PLACE']) expect(colors[kind], kind).toBeGreaterThan(50);
    expect(await page.locator('#legend li').allTextContents()).toEqual(['Person4', 'Party7', 'Organization8', 'Event5', 'Place5']);

    const types = await page.locator('#type-filter input').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value));
    expect(types).toHaveLength(21);
    expect(types).toContain('DISQUALIFIED_FROM');
    expect(types).toEqual([...types].sort());

    await page.selectOption('#metric', 'degree');
    expect(await size(ELECTION)).toBeGreaterThan(await size('nur-otan'));
    await page.selectOption('#metric', 'betweenness');
  });

  it('finds Abilov by search, centers and highlights him', async () => {
    await page.fill('#search', 'Abilov');
    const hit = page.locator('.search-hit', { hasText: 'Bolat Abilov' });
    await hit.waitFor();
    await hit.click();
    await page.waitForFunction(() => {
      const n = window.cy.getElementById('bolat-abilov');
      return n.selected() && n.hasClass('highlighted') && !window.cy.animated();
    });
    const center = await page.evaluate(() => {
      const p = window.cy.getElementById('bolat-abilov').renderedPosition();
      return { dx: Math.abs(p.x - window.cy.width() / 2), dy: Math.abs(p.y - window.cy.height() / 2) };
    });
    expect(center.dx).toBeLessThan(5);
    expect(center.dy).toBeLessThan(5);
    // His relations stay bright; the rest of the graph is dimmed.
    expect(await page.evaluate(() => window.cy.getElementById('rel-abilov-disqualified').hasClass('near'))).toBe(true);
    expect(await page.evaluate(() => window.cy.getElementById('nur-otan').hasClass('dimmed'))).toBe(true);
    await page.locator('#panel .entity-name', { hasText: 'Bolat Abilov' }).waitFor();
  });

  it('takes the best hit on Enter, however the name is spelled', async () => {
    await page.fill('#search', 'Nazarbaev');
    await page.press('#search', 'Enter');
    await page.waitForFunction(() => window.cy.getElementById('nursultan-nazarbayev').selected() && !window.cy.animated());
    await page.locator('#panel .entity-name', { hasText: 'Nursultan Nazarbayev' }).waitFor();
    expect(await page.inputValue('#search')).toBe('Nursultan Nazarbayev');
    expect(await page.evaluate(() => window.cy.getElementById('bolat-abilov').selected())).toBe(false);
  });

  it('shows his relations with their citations when his node is clicked', async () => {
    await page.click('#panel .close');
    await page.locator('#panel .hint').waitFor();
    expect(await page.evaluate(() => window.cy.getElementById('bolat-abilov').selected())).toBe(false);

    await page.click('#fit');
    await clickNode('bolat-abilov');
    await page.locator('#panel .entity-name', { hasText: 'Bolat Abilov' }).waitFor();
    const relations = page.locator('#panel li.relation');
    expect(await relations.count()).toBe(2);
    const disqualified = relations.filter({ hasText: 'DISQUALIFIED_FROM' });
    expect(await disqualified.locator('.rel-head').innerText()).toContain('Kazakhstan parliamentary (Mazhilis) election, 15 January 2012');
    expect(await disqualified.locator('.quote').innerText()).toBe('“Bolat Abilov was disqualified days before the vote”');
    expect(await disqualified.locator('.cite-line').innerText()).toContain("¶ 7, sentence 1 · Nur Otan wins Kazakhstan's January 2012 Mazhilis election; OSCE observers find fault — Asia-Plus, 2012-01-17");
    const leads = relations.filter({ hasText: 'LEADS' });
    expect(await leads.locator('.rel-head').innerText()).toContain('National Social Democratic Party');
    expect(await leads.innerText()).toContain('role: co-leader');
    expect(await leads.locator('.quote').innerText()).toBe('“whose co-leader Bolat Abilov”');

    await page.screenshot({ path: join(ARTIFACTS_DIR, 'network-view.png') });
  });

  it('shows a relation with its citation when its edge is clicked', async () => {
    const mid = await page.evaluate(() => window.cy.getElementById('rel-abilov-disqualified').renderedMidpoint() as { x: number; y: number });
    const box = (await page.locator('#graph').boundingBox())!;
    await page.mouse.click(box.x + mid.x, box.y + mid.y);
    await page.locator('#panel .entity-name', { hasText: 'DISQUALIFIED_FROM' }).waitFor();
    expect(await page.locator('#panel .quote').innerText()).toBe('“Bolat Abilov was disqualified days before the vote”');
    expect(await page.locator('#panel .rel-ends').innerText()).toBe('From Bolat Abilov');
    // Back to Abilov through the link in the panel.
    await page.click('#panel .rel-ends button');
    await page.locator('#panel .entity-name', { hasText: 'Bolat Abilov' }).waitFor();
    expect(await page.locator('#panel li.relation').count()).toBe(2);
  });

  it('hides the relations of a type unticked in the filter', async () => {
    // Cytoscape caches visibility and refreshes it as it redraws, so wait for the count.
    const visible = () => page.evaluate(() => window.cy.edges(':visible').length as number);
    const visibleBecomes = async (n: number) => {
      await page.waitForFunction((want) => window.cy.edges(':visible').length === want, n, { timeout: 3000 }).catch(() => undefined);
      expect(await visible()).toBe(n);
    };
    const leadsCount = await page.evaluate(() => window.cy.edges('[type = "LEADS"]').length as number);
    expect(leadsCount).toBeGreaterThan(0);
    const before = await visible();
    expect(before).toBe(54);
    await page.uncheck('#type-filter input[value="LEADS"]');
    await visibleBecomes(before - leadsCount);
    expect(await page.evaluate(() => window.cy.getElementById('rel-abilov-leads-osdp').style('display'))).toBe('none');
    expect(await page.locator('#panel li.relation.filtered').innerText()).toContain('LEADS');
    await page.click('#types-none');
    await visibleBecomes(0);
    await page.click('#types-all');
    await visibleBecomes(before);
    expect(await page.locator('#type-filter input[value="LEADS"]').isChecked()).toBe(true);
    expect(await page.evaluate(() => window.cy.getElementById('rel-abilov-leads-osdp').style('display'))).toBe('element');
  });

  it('expands a neighborhood, merging what is missing into the drawing', async () => {
    await page.click('#panel button.expand');
    await page.locator('#panel .expand-result', { hasText: 'already drawn' }).waitFor();
    expect(await page.evaluate(() => window.cy.nodes().length)).toBe(29);

    // Take the election out of the drawing: expanding Abilov must bring it back with the
    // relations among his neighborhood, and nothing twice.
    const edgesLeft = await page.evaluate((id) => {
      window.cy.getElementById(id).remove();
      return window.cy.edges().length as number;
    }, ELECTION);
    await page.click('#panel button.expand');
    await page.locator('#panel .expand-result', { hasText: 'Added 1 entity' }).waitFor();
    const after = await page.evaluate((id) => ({
      nodes: window.cy.nodes().length as number,
      edges: window.cy.edges().length as number,
      election: window.cy.getElementById(id).nonempty() as boolean,
      disqualified: window.cy.getElementById('rel-abilov-disqualified').nonempty() as boolean,
    }), ELECTION);
    expect(after).toEqual({ nodes: 29, edges: edgesLeft + 3, election: true, disqualified: true });
    expect(await page.locator('#status').innerText()).not.toMatch(/could not|failed/i);
  });

  it('loaded nothing from outside the server and logged no errors', () => {
    expect(aborted).toEqual([]);
    expect(problems).toEqual([]);
  });
});
