import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildASTSchema, parse, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, type GenerateResult } from '../bench/generate.js';
import { loadSeeds } from '../src/writes/sources/seed-folder.js';
import { loadOntology } from '../src/ontology/ontology.js';
import { ARTIFACTS_DIR, CHROMIUM, hasChromium, launchBrowser } from './support/browser.js';
import { startTestServer, type TestServer } from './support/server.js';
import type { Core as CyCore, NodeSingular } from 'cytoscape';

/** The page's Cytoscape instance, as the page exposes it on `window.cy` (typed loosely: no types in the test). */
declare global {
  interface Window {
    cy: CyCore;
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
    context = await offlineContext(browser, aborted);
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

  const clickNode = (id: string) => clickNodeIn(page, id);

  it('draws the whole graph, colored by kind, with a legend and a filter of the relation types present', async () => {
    await page.goto(`${new URL(t.url).origin}/explore`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    // 46 relations: within the bound, so drawn whole, with no start list.
    expect(await page.evaluate(() => document.body.dataset.mode)).toBe('whole');
    expect(await page.locator('#start').isHidden()).toBe(true);
    expect(await page.evaluate(() => window.cy.nodes().length)).toBe(30);
    expect(await page.evaluate(() => window.cy.edges().length)).toBe(46);
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
    expect(await page.locator('#legend li').allTextContents()).toEqual(['Person4', 'Party7', 'Organization9', 'Event5', 'Place5']);

    const types = await page.locator('#type-filter input').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value));
    expect(types).toHaveLength(19);
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
    expect(await disqualified.locator('.cite-line').innerText()).toContain('¶ 7, sentence 1 · Asia-Plus — 2012-01-17');
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
    expect(before).toBe(46);
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
    expect(await page.evaluate(() => window.cy.nodes().length)).toBe(30);

    // Take the election out of the drawing: expanding Abilov must bring it back with the
    // relations among his neighborhood, and nothing twice.
    const edgesLeft = await page.evaluate((id) => {
      window.cy.getElementById(id).remove();
      return window.cy.edges().length as number;
    }, ELECTION);
    await page.click('#panel button.expand');
    await page.locator('#panel .expand-result', { hasText: 'Added 1 entity' }).waitFor();
    const after = await page.evaluate(
      (id) => ({
        nodes: window.cy.nodes().length as number,
        edges: window.cy.edges().length as number,
        election: window.cy.getElementById(id).nonempty() as boolean,
        disqualified: window.cy.getElementById('rel-abilov-disqualified').nonempty() as boolean,
      }),
      ELECTION,
    );
    expect(after).toEqual({ nodes: 30, edges: edgesLeft + 3, election: true, disqualified: true });
    expect(await page.locator('#status').innerText()).not.toMatch(/could not|failed/i);
  });

  it('loaded nothing from outside the server and logged no errors', () => {
    expect(aborted).toEqual([]);
    expect(problems).toEqual([]);
  });
});

/** A browser context that may reach only this machine; what else the page asks for is recorded in `aborted`. */
async function offlineContext(browser: Browser, aborted: string[]): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === '127.0.0.1' || host === 'localhost') return route.continue();
    aborted.push(route.request().url());
    return route.abort();
  });
  return context;
}

/** Clicks a node where Cytoscape drew it. */
async function clickNodeIn(page: Page, id: string) {
  await page.waitForFunction(() => !window.cy.animated());
  const pos = await page.evaluate((nodeId) => window.cy.getElementById(nodeId).renderedPosition() as { x: number; y: number }, id);
  const box = (await page.locator('#graph').boundingBox())!;
  expect(pos.x).toBeGreaterThan(0);
  expect(pos.x).toBeLessThan(box.width);
  expect(pos.y).toBeGreaterThan(0);
  expect(pos.y).toBeLessThan(box.height);
  await page.mouse.click(box.x + pos.x, box.y + pos.y);
}

/** A field a GraphQL request asks for: the type it is asked on, its name, the names of its arguments. */
interface AskedField {
  parent: string;
  field: string;
  args: string[];
}

const schema = buildASTSchema(parse(loadOntology().sdl));

function fieldsAsked(query: string): AskedField[] {
  const info = new TypeInfo(schema);
  const asked: AskedField[] = [];
  visit(
    parse(query),
    visitWithTypeInfo(info, {
      Field(node) {
        asked.push({ parent: info.getParentType()?.name ?? '?', field: node.name.value, args: (node.arguments ?? []).map((a) => a.name.value) });
      },
    }),
  );
  return asked;
}

interface Ranked {
  degree: number;
  entity: { id: string; name: string };
}

interface NeighborhoodAnswer {
  network: { nodes: Array<{ entity: { id: string; name: string }; metrics: { degree: number } }>; edges: Array<{ id: string }> };
}

/**
 * A graph over the view's bound (2,000 relations): the seed graph and a synthetic one of
 * 5,000 relations among 1,200 entities. The view must open on the search box and the entities with the most
 * relations, draw one neighborhood at a time, and never ask for the whole graph's measures.
 */
describe.skipIf(!hasChromium)('network view of a graph too large to draw whole', () => {
  let t: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  let generated: GenerateResult;
  const requests: Array<{ query: string; variables: Record<string, unknown> }> = [];
  const problems: string[] = [];
  const aborted: string[] = [];

  const neighborhood = async (id: string) =>
    (await t.data<NeighborhoodAnswer>('query ($id: ID!) { network(id: $id) { nodes { entity { id name } metrics { degree } } edges { id } } }', { id })).network;
  const drawn = () =>
    page.evaluate(() => ({
      nodes: window.cy.nodes().map((n: NodeSingular) => n.id()) as string[],
      edges: window.cy.edges().length as number,
    }));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pag-network-view-'));
    let started: TestServer;
    [started, browser, generated] = await Promise.all([
      startTestServer(undefined, { production: true }),
      launchBrowser(),
      generate({ entities: 1_200, relations: 5_000, seed: 12, outDir: join(dir, 'generated') }),
    ]);
    t = started;
    await loadSeeds(t.store, loadOntology(), join(dir, 'generated'));
    context = await offlineContext(browser, aborted);
    page = await context.newPage();
    page.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === '/graphql') requests.push(req.postDataJSON() as (typeof requests)[number]);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
    });
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens on the search box and the entities with the most relations, drawing nothing', async () => {
    const size = (await t.data<{ graphSize: { entities: number; relations: number } }>('{ graphSize { entities relations } }')).graphSize;
    expect(size).toEqual({ entities: 1_230, relations: 5_046 });
    const top = (await t.data<{ mostConnected: Ranked[] }>('{ mostConnected(first: 12) { degree entity { id name } } }')).mostConnected;

    await page.goto(`${new URL(t.url).origin}/explore`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    expect(await page.evaluate(() => document.body.dataset.mode)).toBe('large');
    expect(await page.evaluate(() => window.cy.nodes().length)).toBe(0);
    // The search box has the focus, ready to type in.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search');

    const card = page.locator('#start');
    expect(await card.isVisible()).toBe(true);
    const text = await card.innerText();
    expect(text).toContain('This graph has 1,230 entities and 5,046 relations, more than this view draws at once (2,000 relations or 2,000 entities).');
    expect(text).toContain('Find an entity with the search box above');
    const listed = card.locator('button.top-entity');
    expect(await listed.count()).toBe(12);
    expect(await listed.evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.id))).toEqual(top.map((r) => r.entity.id));
    expect(await listed.first().innerText()).toBe(`${top[0]!.entity.name}\n${top[0]!.degree}`);
    expect(await page.locator('#start-section').isHidden()).toBe(true);
    expect(await page.locator('#metric-scope').isVisible()).toBe(true);
    expect(await page.locator('#status').innerText()).toBe('Large graph: 1,230 entities · 5,046 relations');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'network-view-large-start.png') });
  });

  it('draws the neighborhood of the entity clicked in the list: the 200 entities with the most relations within it', async () => {
    const [first] = (await t.data<{ mostConnected: Ranked[] }>('{ mostConnected(first: 1) { degree entity { id name } } }')).mostConnected;
    const hub = first!.entity;
    await page.locator('#start button.top-entity').first().click();
    await page.waitForFunction((id) => document.body.dataset.drawn === id && !window.cy.animated(), hub.id);
    await page.locator('#panel .entity-name', { hasText: hub.name }).waitFor();
    expect(await page.locator('#start').isHidden()).toBe(true);

    const whole = await neighborhood(hub.id);
    const { nodes, edges } = await drawn();
    // This hub's neighborhood is over the bound of 200 entities: the hub and its 199 neighbors
    // with the most relations within the neighborhood are drawn, with the relations among them.
    expect(whole.nodes.length).toBeGreaterThan(200);
    expect(nodes.length).toBe(200);
    expect(edges).toBeLessThanOrEqual(2_000);
    expect(edges).toBeGreaterThan(199);
    expect(nodes).toContain(hub.id);
    const inside = new Map(whole.nodes.map((n) => [n.entity.id, n.metrics.degree]));
    for (const id of nodes) expect(inside.has(id), id).toBe(true);
    const degrees = (ids: string[]) => ids.filter((id) => id !== hub.id).map((id) => inside.get(id)!);
    const left = [...inside.keys()].filter((id) => !nodes.includes(id));
    expect(left.length).toBeGreaterThan(0);
    expect(Math.min(...degrees(nodes))).toBeGreaterThanOrEqual(Math.max(...degrees(left)));
    // Sizes come from the neighborhood's own measures.
    const hubDegree = await page.evaluate((id) => window.cy.getElementById(id).data('degree') as number, hub.id);
    expect(hubDegree).toBe(inside.get(hub.id));

    const scope = await page.locator('#scope').innerText();
    expect(scope).toContain(
      `Neighborhood of ${hub.name}: the ${nodes.length} entities with the most relations within it, of ${whole.nodes.length}, and ${edges.toLocaleString('en-US')} relations of ${whole.edges.length.toLocaleString('en-US')}.`,
    );
    expect(scope).toContain('Sizes are measured within it.');
    expect(await page.locator('#status').innerText()).toBe(`${nodes.length} entities · ${edges.toLocaleString('en-US')} relations drawn, of 1,230 · 5,046`);
    // The list stays on the left, to start again from another.
    expect(await page.locator('#start-section button.top-entity').count()).toBe(12);
    // The panel gives the hub's measures within the neighborhood, not the whole graph's.
    expect(await page.locator('#panel .measured-in').innerText()).toBe(`Measures within the neighborhood of ${hub.name}`);
    expect(await page.locator('#panel dl.metrics dd').first().innerText()).toMatch(new RegExp(`^${inside.get(hub.id)} \\(in \\d+, out \\d+\\)$`));
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'network-view-large.png') });
  });

  it('expands a drawn neighbor with its own neighborhood and the measures within it', async () => {
    const before = await drawn();
    // A drawn neighbor, fewest relations within the hub's neighborhood first, with entities not drawn yet.
    const ring = await page.evaluate(() => {
      const hub = window.cy.$('node:selected');
      return window.cy
        .nodes()
        .not(hub)
        .sort((a: NodeSingular, b: NodeSingular) => a.data('degree') - b.data('degree') || (a.id() < b.id() ? -1 : 1))
        .map((n: NodeSingular) => ({ id: n.id() as string, name: n.data('name') as string }));
    });
    let target: { id: string; name: string } | undefined;
    let own: NeighborhoodAnswer['network'] | undefined;
    let missing: string[] = [];
    for (const candidate of ring) {
      own = await neighborhood(candidate.id);
      missing = own.nodes.map((n) => n.entity.id).filter((id) => !before.nodes.includes(id));
      if (missing.length > 0 && missing.length <= 200) {
        target = candidate;
        break;
      }
    }
    expect(target).toBeDefined();

    await clickNodeIn(page, target!.id);
    await page.locator('#panel .entity-name', { hasText: target!.name }).waitFor();
    await page.click('#panel button.expand');
    await page.locator('#panel .expand-result', { hasText: `Added ${missing.length} ${missing.length === 1 ? 'entity' : 'entities'}` }).waitFor();
    const after = await drawn();
    expect(after.nodes.sort()).toEqual([...before.nodes, ...missing].sort());
    expect(after.edges).toBeGreaterThan(before.edges);
    // The new entities carry the measures of the neighborhood they came with.
    for (const id of missing) {
      const data = await page.evaluate((nodeId) => window.cy.getElementById(nodeId).data() as { measuredIn: string; degree: number }, id);
      expect(data.measuredIn).toBe(target!.name);
      expect(data.degree).toBe(own!.nodes.find((n) => n.entity.id === id)!.metrics.degree);
    }
  });

  it('starts again from an entity found by search', async () => {
    const leaf = (await t.data<{ entity: { name: string } }>('query ($id: ID!) { entity(id: $id) { name } }', { id: generated.leaf })).entity;
    expect((await drawn()).nodes).not.toContain(generated.leaf);
    await page.fill('#search', leaf.name);
    const hit = page.locator(`.search-hit[data-id="${generated.leaf}"]`);
    await hit.waitFor();
    await hit.click();
    await page.waitForFunction((id) => document.body.dataset.drawn === id && window.cy.getElementById(id).selected(), generated.leaf);
    const own = await neighborhood(generated.leaf);
    const { nodes, edges } = await drawn();
    expect(nodes.sort()).toEqual(own.nodes.map((n) => n.entity.id).sort());
    expect(edges).toBe(own.edges.length);
    expect(await page.locator('#scope').innerText()).toContain(`Neighborhood of ${leaf.name}: ${own.nodes.length} entities and ${own.edges.length} relation`);
  });

  it('never asked for the whole network or for measures outside a drawn neighborhood', () => {
    expect(requests.length).toBeGreaterThan(5);
    // The first request is the two counts, and nothing else.
    expect(fieldsAsked(requests[0]!.query)).toEqual([
      { parent: 'Query', field: 'graphSize', args: [] },
      { parent: 'GraphSize', field: 'entities', args: [] },
      { parent: 'GraphSize', field: 'relations', args: [] },
    ]);
    const asked = requests.flatMap((r) => fieldsAsked(r.query).map((f) => ({ ...f, variables: r.variables })));
    expect(asked.some((f) => f.field === 'mostConnected')).toBe(true);
    const networks = asked.filter((f) => f.parent === 'Query' && f.field === 'network');
    expect(networks.length).toBeGreaterThanOrEqual(3);
    for (const n of networks) {
      expect(n.args).toContain('id');
      expect(typeof n.variables.id).toBe('string');
    }
    // Measures only as a neighborhood's nodes have them, never an entity's own (whole-graph) ones.
    const metrics = asked.filter((f) => f.field === 'metrics');
    expect(metrics.length).toBeGreaterThan(0);
    expect([...new Set(metrics.map((f) => f.parent))]).toEqual(['NetworkNode']);
  });

  it('loaded nothing from outside the server and logged no errors', () => {
    expect(aborted).toEqual([]);
    expect(problems).toEqual([]);
  });
});
