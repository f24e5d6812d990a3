import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cytoscape, { type ElementsDefinition } from 'cytoscape';
import { MultiDirectedGraph } from 'graphology';
import type { SerializedGraph } from 'graphology-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { describeOnEveryBackend } from '../support/contract.js';
import { KEYS } from '../support/server.js';

/**
 * `/export/graph.<ext>` and `main.ts export`: each format read back by a reader that is not
 * ours (networkx for GraphML, GEXF and node-link JSON; Cytoscape.js; graphology), with
 * the same nodes and edges as the `network` query answers for the same selection.
 */

/** Debian's python3-networkx belongs to Debian's python, not whichever `python3` is first on PATH. */
const PYTHON = '/usr/bin/python3';
const NETWORKX_MISSING = 3;

const READ = `
import json, sys
try:
    import networkx as nx
    from networkx.readwrite import json_graph
except ImportError as err:
    print(err, file=sys.stderr)
    sys.exit(${NETWORKX_MISSING})
out = []
for kind, path in json.loads(sys.argv[1]):
    if kind == 'gexf':
        g = nx.read_gexf(path)
    elif kind == 'graphml':
        g = nx.read_graphml(path, force_multigraph=True)
    else:
        with open(path, encoding='utf-8') as f:
            g = json_graph.node_link_graph(json.load(f))
    out.append({
        'directed': g.is_directed(), 'multigraph': g.is_multigraph(),
        'nodes': g.number_of_nodes(), 'edges': g.number_of_edges(),
        'nodeIds': sorted(g.nodes), 'edgeKeys': sorted(str(k) for _, _, k in g.edges(keys=True)),
        'nodeData': {n: d for n, d in g.nodes(data=True)},
        'edgeData': {str(k): d for _, _, k, d in g.edges(keys=True, data=True)},
    })
print(json.dumps(out))
`;

interface NxGraph {
  directed: boolean;
  multigraph: boolean;
  nodes: number;
  edges: number;
  nodeIds: string[];
  edgeKeys: string[];
  nodeData: Record<string, Record<string, unknown>>;
  edgeData: Record<string, Record<string, unknown>>;
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(cmd, args, { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Whether Debian's networkx is there to read the exports. Like Chromium for the browser
 * tests, .ci/run installs it; without it these tests are skipped with a notice.
 */
const hasNetworkx = spawnSync(PYTHON, ['-c', 'import networkx']).status === 0;
if (!hasNetworkx) console.warn(`export reader tests skipped: ${PYTHON} cannot import networkx (apt-get install -y python3-networkx)`);
const itWithNetworkx = hasNetworkx ? it : it.skip;

/** Reads files with networkx in one Python process. */
async function networkx(files: Array<['gexf' | 'graphml' | 'node-link', string]>): Promise<NxGraph[]> {
  const res = await run(PYTHON, ['-c', READ, JSON.stringify(files)]).catch((err: Error) => {
    throw new Error(`${PYTHON} cannot run (${err.message}); install Debian's python3 and python3-networkx (apt-get install -y python3-networkx, as .ci/run does)`);
  });
  if (res.code === NETWORKX_MISSING) {
    throw new Error(`${PYTHON} cannot import networkx (${res.stderr.trim()}); install it with apt-get install -y python3-networkx, as .ci/run does`);
  }
  if (res.code !== 0) throw new Error(`networkx failed to read the exports:\n${res.stderr}`);
  return JSON.parse(res.stdout) as NxGraph[];
}

const NETWORK = `query ($id: ID, $depth: Int, $kinds: [EntityKind!], $types: [RelationType!], $from: PartialDate, $to: PartialDate, $inferDates: Boolean) {
  network(id: $id, depth: $depth, kinds: $kinds, types: $types, from: $from, to: $to, inferDates: $inferDates) {
    nodes { entity { id name } metrics { degree pageRank community } }
    edges { id type from { id } to { id } }
  }
}`;

interface NetworkAnswer {
  network: {
    nodes: Array<{ entity: { id: string; name: string }; metrics: { degree: number; pageRank: number; community: number } }>;
    edges: Array<{ id: string; type: string; from: { id: string }; to: { id: string } }>;
  };
}

interface Case {
  name: string;
  query: string;
  variables: Record<string, unknown>;
  file: string;
}

const CASES: Case[] = [
  { name: 'the whole graph', query: '', variables: {}, file: 'political-actors' },
  { name: 'a neighborhood', query: 'id=bolat-abilov&depth=2', variables: { id: 'bolat-abilov', depth: 2 }, file: 'political-actors-bolat-abilov-depth2' },
  {
    // The seed's relations mostly have no date of their own: inferred from the election's.
    name: 'a types and dates filter',
    query: 'types=OBSERVED,CONTESTED,WON_SEATS_IN&from=2012-01-15&to=2012-01&inferDates=true',
    variables: { types: ['OBSERVED', 'CONTESTED', 'WON_SEATS_IN'], from: '2012-01-15', to: '2012-01', inferDates: true },
    file: 'political-actors-filtered',
  },
];

const sorted = (ids: Iterable<string>) => [...ids].sort();

describeOnEveryBackend('exports', (t) => {
  let base: string;
  let dir: string;
  beforeAll(() => {
    base = t.url.replace(/\/graphql$/, '');
    dir = mkdtempSync(join(tmpdir(), 'pag-export-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const get = (path: string, init?: RequestInit) => fetch(`${base}${path}`, init);
  const answer = async (c: Case) => (await t.data<NetworkAnswer>(NETWORK, c.variables)).network;

  /** Downloads every format of a selection, checking status, type and file name. */
  async function download(c: Case, i: number) {
    const texts: Record<string, string> = {};
    for (const [ext, type] of [
      ['graphml', 'application/xml'],
      ['gexf', 'application/xml'],
      ['cyjs', 'application/json'],
      ['graphology.json', 'application/json'],
      ['d3.json', 'application/json'],
    ] as const) {
      const res = await get(`/export/graph.${ext}${c.query ? `?${c.query}` : ''}`);
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(res.headers.get('content-type')).toBe(`${type}; charset=utf-8`);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${c.file}.${ext}"`);
      texts[ext] = text;
      writeFileSync(join(dir, `${i}.${ext}`), text);
    }
    return texts;
  }

  /**
   * The claim edges a selection's file carries: one per claim and entity it is about, the
   * speaker and that entity both in the selection; none when relation types are selected.
   */
  const claimEdgeIds = async (c: Case, nodeIds: readonly string[]): Promise<string[]> => {
    if (c.variables.types) return [];
    const data = await t.data<{ claims: { nodes: Array<{ id: string; speaker: { id: string }; about: Array<{ id: string }> }> } }>(
      '{ claims(first: 100) { nodes { id speaker { id } about { id } } } }',
    );
    const ids = new Set(nodeIds);
    return data.claims.nodes.filter((k) => ids.has(k.speaker.id)).flatMap((k) => k.about.filter((a) => ids.has(a.id) && a.id !== k.speaker.id).map((a) => `${k.id}:${a.id}`));
  };

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s: every format holds the nodes and edges of the network query, and the claims among them', async (_name, c, i) => {
    const expected = await answer(c);
    const nodeIds = expected.nodes.map((n) => n.entity.id);
    const relationIds = expected.edges.map((e) => e.id);
    const claimIds = await claimEdgeIds(c, nodeIds);
    const edgeIds = sorted([...relationIds, ...claimIds]);
    expect(nodeIds.length).toBeGreaterThan(0);
    if (i === 0) expect([nodeIds.length, relationIds.length, claimIds.length]).toEqual([30, 46, 15]);
    else expect(relationIds.length).toBeLessThan(46);
    const texts = await download(c, i);

    // networkx reads GraphML, GEXF and node-link JSON (skipped, with a notice, where it is missing).
    if (hasNetworkx) {
      const [gexf, graphml, nodeLink] = await networkx([
        ['gexf', join(dir, `${i}.gexf`)],
        ['graphml', join(dir, `${i}.graphml`)],
        ['node-link', join(dir, `${i}.d3.json`)],
      ]);
      for (const g of [gexf!, graphml!, nodeLink!]) {
        expect(g).toMatchObject({ directed: true, multigraph: true, nodes: nodeIds.length, edges: edgeIds.length });
        expect(g.nodeIds).toEqual(sorted(nodeIds));
        expect(g.edgeKeys).toEqual(sorted(edgeIds));
      }
      // Typed attributes come back typed, the same in GraphML and GEXF.
      for (const n of expected.nodes) {
        for (const g of [gexf!, graphml!]) {
          expect(g.nodeData[n.entity.id]).toMatchObject({ name: n.entity.name, degree: n.metrics.degree, community: n.metrics.community });
          expect(g.nodeData[n.entity.id]!.pageRank).toBeCloseTo(n.metrics.pageRank, 12);
        }
        expect(gexf!.nodeData[n.entity.id]!.label).toBe(n.entity.name);
      }
      for (const e of expected.edges) {
        for (const g of [gexf!, graphml!, nodeLink!]) expect(g.edgeData[e.id]).toMatchObject({ type: e.type, sourceCount: expect.any(Number) });
      }
    }

    const cy = cytoscape({ headless: true, elements: (JSON.parse(texts.cyjs!) as { elements: ElementsDefinition }).elements });
    expect([cy.nodes().length, cy.edges().length]).toEqual([nodeIds.length, edgeIds.length]);
    expect(
      cy
        .edges()
        .map((e) => e.id())
        .sort(),
    ).toEqual(sorted(edgeIds));
    for (const e of expected.edges) expect([cy.getElementById(e.id).source().id(), cy.getElementById(e.id).target().id()]).toEqual([e.from.id, e.to.id]);
    cy.destroy();

    const graph = MultiDirectedGraph.from(JSON.parse(texts['graphology.json']!) as SerializedGraph);
    expect([graph.order, graph.size]).toEqual([nodeIds.length, edgeIds.length]);
    expect(graph.nodes()).toEqual(nodeIds);
    expect(graph.edges()).toEqual(edgeIds);
    for (const e of expected.edges) expect([graph.source(e.id), graph.target(e.id), graph.getEdgeAttribute(e.id, 'type')]).toEqual([e.from.id, e.to.id, e.type]);

    const d3 = JSON.parse(texts['d3.json']!) as { nodes: Array<{ id: string }>; links: Array<{ id: string; source: string; target: string }> };
    expect(d3.nodes.map((n) => n.id)).toEqual(nodeIds);
    expect(d3.links.map((l) => l.id)).toEqual(edgeIds);
    const ids = new Set(nodeIds);
    for (const l of d3.links) expect(ids.has(l.source) && ids.has(l.target), `${l.id}: ${l.source} -> ${l.target}`).toBe(true);
  });

  itWithNetworkx('carries entity fields, lists, metrics, citations and relation fields, with accents and quotes intact', async () => {
    // Its own download of the whole graph, not the files an earlier case may have written.
    for (const ext of ['gexf', 'graphml']) {
      const res = await get(`/export/graph.${ext}`);
      const text = await res.text();
      expect(res.status, text).toBe(200);
      writeFileSync(join(dir, `fields.${ext}`), text);
    }
    const [gexf, graphml] = await networkx([
      ['gexf', join(dir, 'fields.gexf')],
      ['graphml', join(dir, 'fields.graphml')],
    ]);
    for (const g of [gexf!, graphml!]) {
      expect(g.nodeData['miklos-haraszti']).toMatchObject({ kind: 'PERSON', aliases: 'Miklós Haraszti; Haraszti', title: 'Head of the OSCE election observation mission' });
      expect(g.nodeData['communist-peoples-party-of-kazakhstan']).toMatchObject({ name: "Communist People's Party of Kazakhstan", abbreviation: 'KNPK' });
      expect(g.nodeData['election-2012-01-15-mazhilis']).toMatchObject({ kind: 'EVENT', eventType: 'ELECTION', date: '2012-01-15', turnout: 76, threshold: 7 });
      expect(g.edgeData['rel-ak-zhol-won-seats']).toMatchObject({
        type: 'WON_SEATS_IN',
        date: '2012-01-15',
        voteShare: 7.5,
        sourceCount: 2,
        citation: 'asia-plus-2012-01-17-kazakhstan-election ¶6: Ak Zhol won 7.5 percent of the vote',
      });
    }
    const d3 = JSON.parse((await (await get('/export/graph.d3.json')).text()) as string) as { nodes: Array<Record<string, unknown>> };
    expect(d3.nodes.find((n) => n.id === 'miklos-haraszti')).toMatchObject({
      aliases: ['Miklós Haraszti', 'Haraszti'],
      degree: expect.any(Number),
      betweenness: expect.any(Number),
    });
  });

  it('carries each claim as speaker→subject edges of type CLAIM, with stance, quote and claim id; dated claims only within dates', async () => {
    type Link = { id: string; source: string; target: string; type: string; stance?: string; quote?: string; claim?: string; date?: string };
    const links = async (query: string) => (JSON.parse(await (await get(`/export/graph.d3.json${query}`)).text()) as { links: Link[] }).links;
    const all = await links('');
    const carteBlanche = all.filter((l) => l.claim === 'claim-nazarbayev-carte-blanche');
    expect(carteBlanche).toEqual([
      expect.objectContaining({
        id: 'claim-nazarbayev-carte-blanche:election-2012-01-15-mazhilis',
        source: 'nursultan-nazarbayev',
        target: 'election-2012-01-15-mazhilis',
        type: 'CLAIM',
        stance: 'POSITIVE',
      }),
      expect.objectContaining({ id: 'claim-nazarbayev-carte-blanche:nur-otan', source: 'nursultan-nazarbayev', target: 'nur-otan', type: 'CLAIM', stance: 'POSITIVE' }),
    ]);
    expect(all.find((l) => l.id === 'claim-osce-mission-not-democratic:election-2012-01-15-mazhilis')).toMatchObject({
      source: 'osce-election-observation-mission-kazakhstan-2012',
      stance: 'NEGATIVE',
      quote: 'yesterday”s early parliamentary vote still did not meet fundamental principles of democratic elections',
      date: '2012-01-16',
    });
    // With dates, only the claims dated within them (the OSCE mission's of 16 January): the
    // range's relations of 15 January bring in the election, the mission, the OSDP and the
    // unnamed observers, but the OSDP's and the observers' claims about it carry no date.
    const dated = (await links('?from=2012-01-15&to=2012-01-16')).filter((l) => l.type === 'CLAIM');
    expect(dated.map((l) => l.claim)).toEqual(['claim-osce-mission-not-democratic']);
    // A claim is no relation type: selecting types leaves claims out.
    expect((await links('?types=SUPPORTS')).some((l) => l.type === 'CLAIM')).toBe(false);
  });

  it('answers HEAD with the headers only, and the cytoscape.json alias with its own file name', async () => {
    const head = await get('/export/graph.gexf?id=bolat-abilov', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(100);
    expect(head.headers.get('content-disposition')).toBe('attachment; filename="political-actors-bolat-abilov-depth1.gexf"');
    expect(await head.text()).toBe('');
    const alias = await get('/export/graph.cytoscape.json');
    expect(alias.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(alias.headers.get('content-disposition')).toBe('attachment; filename="political-actors.cytoscape.json"');
    expect(await alias.json()).toMatchObject({ elements: { nodes: expect.any(Array), edges: expect.any(Array) } });
  });

  it.each([
    ['depth=4&id=bolat-abilov', 'depth', /depth must be between 1 and 3/],
    ['depth=two', 'depth', /depth/],
    ['id=', 'id', /id must not be empty/],
    ['id=<257 characters>', 'id', /at most 256/],
    ['kinds=PARTY,WIZARD', 'kinds', /unknown kind "WIZARD"; expected some of PERSON/],
    ['types=SUPPORTS,LIKES', 'types', /unknown relation type "LIKES"/],
    ['from=2012-13', 'from', /from must be an ISO date/],
    ['to=yesterday', 'to', /to must be an ISO date/],
    ['from=2013&to=2012', 'from', /must not be after/],
    ['id=a&id=b', 'id', /given 2 times/],
    ['type=SUPPORTS', 'type', /unknown parameter "type"/],
  ])('refuses %s with 400 naming %s', async (label, parameter, message) => {
    const query = label.replace('<257 characters>', 'x'.repeat(257));
    const res = await get(`/export/graph.graphml?${query}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string; parameter: string } }> };
    expect(body.errors[0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', parameter });
    expect(body.errors[0]!.message).toMatch(message);
  });

  it('answers 404 for an unknown format or entity, and 405 for other methods', async () => {
    for (const path of ['/export/graph.xlsx', '/export/graph.', '/export/network.gexf', '/export/']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> }).errors[0]).toMatchObject({
        extensions: { code: 'NOT_FOUND' },
        message: expect.stringContaining('/export/graph.gexf'),
      });
    }
    const unknown = await get('/export/graph.gexf?id=nobody-at-all');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { errors: Array<{ message: string }> }).errors[0]!.message).toBe('id: no entity "nobody-at-all"');
    const post = await get('/export/graph.gexf', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  itWithNetworkx('escapes names full of markup, and exports a merged id as its survivor', async () => {
    const NASTY = `Tom & "Jerry" <O'Neil> ]]> \u{1F600}`;
    const cite = [{ source: 'asia-plus-2012-01-17-kazakhstan-election', paragraph: 1, quote: 'test' }];
    const upsert = `mutation ($input: EntityInput!) { upsertEntity(input: $input) { id } }`;
    await t.data(
      upsert,
      { input: { id: 'test-nasty', kind: 'PERSON', name: NASTY, aliases: ['a;b', '<&>'], description: 'line one\nline\ttwo', sources: cite } },
      { key: KEYS.alice },
    );
    await t.data(upsert, { input: { id: 'abilov-duplicate', kind: 'PERSON', name: 'B. Abilov', sources: cite } }, { key: KEYS.alice });
    await t.data(
      `mutation ($input: RelationInput!) { addRelation(input: $input) { id } }`,
      { input: { id: 'rel-test-nasty-supports', type: 'SUPPORTS', from: 'test-nasty', to: 'abilov-duplicate', role: `"quoted" & <tagged>`, date: '2012-01', sources: cite } },
      { key: KEYS.alice },
    );
    await t.data(`mutation { mergeEntities(survivor: "bolat-abilov", duplicate: "abilov-duplicate") { id } }`, {}, { key: KEYS.admin });

    const whole = await answer(CASES[0]!);
    const merged = await answer({ ...CASES[1]!, variables: { id: 'bolat-abilov', depth: 1 } });
    const res = await get('/export/graph.gexf?id=abilov-duplicate');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="political-actors-bolat-abilov-depth1.gexf"');
    writeFileSync(join(dir, 'merged.gexf'), await res.text());
    // A merged id's network, beside another selection, is still within the two a request may ask for.
    const both = await t.gql('{ a: network(id: "abilov-duplicate") { communities nodes { entity { id } } } b: network { communities } }');
    expect(both.body.errors).toBeUndefined();
    writeFileSync(join(dir, 'nasty.gexf'), await (await get('/export/graph.gexf')).text());
    writeFileSync(join(dir, 'nasty.graphml'), await (await get('/export/graph.graphml')).text());
    const [byDuplicate, gexf, graphml] = await networkx([
      ['gexf', join(dir, 'merged.gexf')],
      ['gexf', join(dir, 'nasty.gexf')],
      ['graphml', join(dir, 'nasty.graphml')],
    ]);
    expect(byDuplicate!.nodeIds).toEqual(sorted(merged.nodes.map((n) => n.entity.id)));
    // Its relations and the claims among its entities (the OSDP's about the election).
    const mergedClaimEdges = await claimEdgeIds(
      CASES[1]!,
      merged.nodes.map((n) => n.entity.id),
    );
    expect(mergedClaimEdges).toEqual(['claim-osdp-election-rigged:election-2012-01-15-mazhilis']);
    expect(byDuplicate!.edgeKeys).toEqual(sorted([...merged.edges.map((e) => e.id), ...mergedClaimEdges]));
    expect(byDuplicate!.nodeIds).toContain('test-nasty');
    // The whole graph's relations and the claims among its entities.
    const claimEdges = await claimEdgeIds(
      CASES[0]!,
      whole.nodes.map((n) => n.entity.id),
    );
    for (const g of [gexf!, graphml!]) {
      expect([g.nodes, g.edges]).toEqual([whole.nodes.length, whole.edges.length + claimEdges.length]);
      expect(g.nodeData['test-nasty']).toMatchObject({ name: NASTY, aliases: 'a;b; <&>', description: 'line one\nline\ttwo' });
      expect(g.edgeData['rel-test-nasty-supports']).toMatchObject({ role: `"quoted" & <tagged>` });
      expect(g.nodeData['abilov-duplicate']).toBeUndefined();
    }
    expect(gexf!.nodeData['test-nasty']!.label).toBe(NASTY);
  });
});

describeOnEveryBackend('an export downloaded again', (t) => {
  it('is named by an ETag: unchanged, the server answers 304 without a body; after a write, the new file', async () => {
    const url = `${t.url.replace(/\/graphql$/, '')}/export/graph.gexf?id=bolat-abilov`;
    const first = await fetch(url);
    const body = await first.text();
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const again = await fetch(url);
    expect([again.status, again.headers.get('etag'), await again.text()]).toEqual([200, etag, body]);
    const cached = await fetch(url, { headers: { 'if-none-match': `"other", ${etag}` } });
    expect([cached.status, await cached.text()]).toEqual([304, '']);
    const any = await fetch(url, { headers: { 'if-none-match': '*' } });
    expect([any.status, await any.text()]).toEqual([304, '']);
    // The same selection asked another way is the same network, but its file says how it was asked.
    const asked = [`${url}&kinds=PARTY,PERSON&from=2012`, `${url}&kinds=PERSON,PARTY&from=2012-01-01`];
    const [one, two] = await Promise.all(
      asked.map(async (u) => {
        const r = await fetch(u);
        return { etag: r.headers.get('etag'), text: await r.text() };
      }),
    );
    expect(one!.etag).not.toBe(two!.etag);
    expect(one!.text).toContain('kinds PARTY, PERSON; dated from 2012');
    expect(two!.text).toContain('kinds PERSON, PARTY; dated from 2012-01-01');
    // Another format or selection is another file.
    expect((await fetch(url.replace('.gexf', '.graphml'))).headers.get('etag')).not.toBe(etag);
    expect((await fetch(`${url}&depth=2`)).headers.get('etag')).not.toBe(etag);

    await t.data(
      'mutation ($input: EntityInput!) { upsertEntity(input: $input) { id } }',
      {
        input: {
          id: 'bolat-abilov',
          kind: 'PERSON',
          name: 'Bolat Abilov',
          aliases: ['B. Abilov'],
          sources: [{ source: 'asia-plus-2012-01-17-kazakhstan-election', paragraph: 7, sentence: 1, quote: 'Bolat Abilov' }],
        },
      },
      { key: KEYS.alice },
    );
    const changed = await fetch(url, { headers: { 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(await changed.text()).toContain('B. Abilov');
  });
});

describe('the export command', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pag-export-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  // The embedded database in DATA_DIR: NEO4J_URI is left empty even where the tests have a Neo4j.
  const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/main.ts'), 'export', ...args], { DATA_DIR: dataDir, NEO4J_URI: '' });

  itWithNetworkx('seeds a new DATA_DIR and writes the whole graph as GEXF that networkx reads', async () => {
    const out = join(dataDir, 'graph.gexf');
    const res = await cli('--format', 'gexf', '--out', out);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim()).toBe(`${out}: gexf, 30 nodes, 61 edges`);
    const [g] = await networkx([['gexf', out]]);
    expect([g!.nodes, g!.edges]).toEqual([30, 61]);
    expect(g!.nodeData['bolat-abilov']).toMatchObject({ name: 'Bolat Abilov', kind: 'PERSON' });
  });

  it('writes a selection to stdout, and refuses bad arguments with one line and exit code 1', async () => {
    const res = await cli('--format', 'd3', '--id', 'bolat-abilov', '--types', 'DISQUALIFIED_FROM,LEADS');
    expect(res.code, res.stderr).toBe(0);
    const d3 = JSON.parse(res.stdout) as { nodes: Array<{ id: string }>; links: Array<{ type: string }> };
    expect(d3.nodes.map((n) => n.id)).toContain('bolat-abilov');
    expect(new Set(d3.links.map((l) => l.type))).toEqual(new Set(['DISQUALIFIED_FROM', 'LEADS']));
    // The argument errors caught before the database opens are checked in-process (test/cli.test.ts).
    // The process: an export the database refuses (it opens the database, seeds, then finds no
    // such entity) ends with exit code 1, nothing on stdout and one line on stderr.
    const bad = await cli('--format', 'gexf', '--id', 'nobody-at-all');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/id: no entity "nobody-at-all"/);
  });

  it('--infer-dates dates an undated edge by its event and marks it dateInferred; without it the date range leaves it out', async () => {
    type D3 = { links: Array<{ id: string; date?: string; dateInferred?: boolean }> };
    const plain = await cli('--format', 'd3', '--types', 'DISQUALIFIED_FROM', '--from', '2012-01-15');
    expect(plain.code, plain.stderr).toBe(0);
    expect((JSON.parse(plain.stdout) as D3).links).toEqual([]);
    const inferred = await cli('--format', 'd3', '--types', 'DISQUALIFIED_FROM', '--from', '2012-01-15', '--infer-dates');
    expect(inferred.code, inferred.stderr).toBe(0);
    expect((JSON.parse(inferred.stdout) as D3).links.find((l) => l.id === 'rel-abilov-disqualified')).toMatchObject({ date: '2012-01-15', dateInferred: true });
  });
});
