import { beforeAll, expect, it } from 'vitest';
import type { EntityRecord, RelationRecord } from '../../src/store/records.js';
import { describeOnEveryBackend } from '../support/contract.js';
import { KEYS, type GraphqlResponse } from '../support/server.js';

/**
 * `asOf` on `neighborhood`, `paths`, `network` and the exports: only relations in force on
 * some day of the date are followed (begun by then: `start`, or `date` for an act, which
 * stays in force from its date on; not ended before it: `end`), undated ones only with
 * `includeUndated`. And `neighborhood(first, after)`: a hub's first ring in keyset pages.
 *
 * Besides the seed (every dated relation of it is dated 2012-01-15 or later), a small party
 * the test writes: one leader from 2005 to June 2011, the next from July 2011 on, the first
 * supporting the second on 1 July 2011 (an act), and an undated support the other way.
 */

const entity = (id: string, kind: string): EntityRecord => ({ id, kind, name: id, aliases: [], description: null, sources: [], attributes: {} });
const rel = (id: string, type: string, from: string, to: string, attributes: RelationRecord['attributes'] = {}): RelationRecord => ({
  id,
  type,
  from,
  to,
  sources: [],
  refs: {},
  attributes,
});

const PARTY = 'tt-party';
const OLD = 'tt-old-leader';
const NEW = 'tt-new-leader';
const TIMED = {
  entities: [entity(PARTY, 'PARTY'), entity(OLD, 'PERSON'), entity(NEW, 'PERSON')],
  relations: [
    rel('tt-old-leads', 'LEADS', OLD, PARTY, { start: '2005', end: '2011-06' }),
    rel('tt-new-leads', 'LEADS', NEW, PARTY, { start: '2011-07' }),
    rel('tt-old-backs-new', 'SUPPORTS', OLD, NEW, { date: '2011-07-01' }),
    rel('tt-new-backs-old', 'SUPPORTS', NEW, OLD),
  ],
};

/** A hub party with 25 leaders (LEADS hub-rel-00 .. hub-rel-24), one of them ended in 2010. */
const HUB = 'hub-party';
const HUB_SIZE = 25;
const hubId = (i: number) => `hub-rel-${String(i).padStart(2, '0')}`;
const HUB_GRAPH = {
  entities: [entity(HUB, 'PARTY'), ...Array.from({ length: HUB_SIZE }, (_, i) => entity(`hub-member-${i}`, 'PERSON'))],
  relations: Array.from({ length: HUB_SIZE }, (_, i) => rel(hubId(i), 'LEADS', `hub-member-${i}`, HUB, i === 3 ? { start: '2001', end: '2010' } : { start: '2011' })),
};

interface Edge {
  id: string;
  type: string;
  date: string | null;
  start: string | null;
  end: string | null;
  from: { id: string };
  to: { id: string };
}
const CITATION = { source: 'asia-plus-2012-01-17-kazakhstan-election', paragraph: 6, quote: 'Ak Zhol won 7.5 percent of the vote' };
const EDGE = 'id type date start end from { id } to { id }';

const ids = (items: ReadonlyArray<{ id: string }>) => items.map((x) => x.id).sort();
/** The relations of the test's party among `edges`. */
const testParty = (edges: readonly Edge[]) => ids(edges).filter((id) => id.startsWith('tt-'));

/** The seed's relations dated after 2012-01-10 (the election's, the OSCE's statement, the rally, reports). */
const SEED_DATED_AFTER = [
  'rel-ak-zhol-contested-election',
  'rel-ak-zhol-won-seats',
  'rel-asia-plus-cites-eurasianet',
  'rel-asia-plus-reported-election',
  'rel-election-coincided-with-state-of-emergency',
  'rel-knpk-contested-election',
  'rel-knpk-won-seats',
  'rel-nur-otan-contested-election',
  'rel-nur-otan-won-seats',
  'rel-osce-mission-issued-statement',
  'rel-osce-mission-observed-election',
  'rel-osce-pa-mission-observed-election',
  'rel-osdp-contested-election',
  'rel-osdp-organizes-almaty-rally',
  'rel-unnamed-observers-observed-election',
];

describeOnEveryBackend('time travel (asOf) and a hub paged', (t) => {
  beforeAll(async () => {
    await t.store.load({ sources: [], ...TIMED }, 'test:time-travel', '1', { actor: 'test:time-travel', summary: null });
    await t.store.load({ sources: [], ...HUB_GRAPH }, 'test:hub', '1', { actor: 'test:hub', summary: null });
  }, 60_000);

  const NETWORK = `query ($asOf: PartialDate, $undated: Boolean, $id: ID, $depth: Int) {
    network(id: $id, depth: $depth, asOf: $asOf, includeUndated: $undated) { nodes { entity { id } } edges { ${EDGE} } }
  }`;
  type NetworkAnswer = { network: { nodes: Array<{ entity: { id: string } }>; edges: Edge[] } };

  it('answers the network as of 2012-01-10, before the election, in at most 3 round trips: no result and nothing dated later', async () => {
    // The done-when query, asked first so that no cached selection answers it.
    const res = await t.gql<NetworkAnswer>(NETWORK, { asOf: '2012-01-10', undated: true });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.extensions?.dbRoundTrips).toBeLessThanOrEqual(3);
    const edges = res.body.data!.network.edges;
    expect(edges.some((e) => e.type === 'WON_SEATS_IN')).toBe(false);
    expect(edges.filter((e) => SEED_DATED_AFTER.includes(e.id))).toEqual([]);
    // Every edge is undated or in force on the day: dated ones begun by then and not ended.
    for (const e of edges) {
      const began = e.start ?? e.date;
      if (began !== null) expect(began <= '2012-01-10', e.id).toBe(true);
      if (e.end !== null) expect(e.end >= '2012-01-10' || '2012-01-10'.startsWith(e.end), e.id).toBe(true);
    }
    // The seed's undated relations are in: who leads whom, who is barred, where things are.
    expect(ids(edges)).toEqual(
      expect.arrayContaining(['rel-nazarbayev-leads-kazakhstan', 'rel-abilov-disqualified', 'rel-barred-party-1-barred', 'rel-zhanaozen-located-in-western-kazakhstan']),
    );
    // The test's party as of that day: the new leader, the act of support, the undated one; not the old leadership.
    expect(testParty(edges)).toEqual(['tt-new-backs-old', 'tt-new-leads', 'tt-old-backs-new']);
    // Nodes are the entities those relations join.
    const nodes = res.body.data!.network.nodes.map((n) => n.entity.id).sort();
    expect(nodes).toEqual([...new Set(edges.flatMap((e) => [e.from.id, e.to.id]))].sort());
    expect(nodes).toContain('nursultan-nazarbayev');

    // Without includeUndated only dated relations in force count: of the seed, none.
    const dated = (await t.data<NetworkAnswer>(NETWORK, { asOf: '2012-01-10' })).network.edges;
    expect(ids(dated).filter((id) => id.startsWith('rel-'))).toEqual([]);
    expect(testParty(dated)).toEqual(['tt-new-leads', 'tt-old-backs-new']);
  });

  it('compares partial dates by the days they span: 2012 holds the election, 2012-01-10 does not', async () => {
    const edges = async (asOf: string) => (await t.data<NetworkAnswer>(NETWORK, { asOf })).network.edges;
    const year = await edges('2012');
    expect(ids(year.filter((e) => e.type === 'WON_SEATS_IN'))).toEqual(['rel-ak-zhol-won-seats', 'rel-knpk-won-seats', 'rel-nur-otan-won-seats']);
    // An act stays in force from its date on: the reports of 17 January are there in 2013.
    expect(ids(await edges('2013')).filter((e) => e.startsWith('rel-'))).toEqual([...SEED_DATED_AFTER].sort());
    expect((await edges('2012-01-10')).some((e) => e.type === 'WON_SEATS_IN')).toBe(false);
    // A month holds a relation ended in it and one begun in it; a day in it only one of them.
    expect(testParty(await edges('2011-06'))).toEqual(['tt-old-leads']);
    expect(testParty(await edges('2011-07'))).toEqual(['tt-new-leads', 'tt-old-backs-new']);
    expect(testParty(await edges('2011-06-30'))).toEqual(['tt-old-leads']);
    expect(testParty(await edges('2011-07-01'))).toEqual(['tt-new-leads', 'tt-old-backs-new']);
    expect(testParty(await edges('2011'))).toEqual(['tt-new-leads', 'tt-old-backs-new', 'tt-old-leads']);
    // A relation with start 2005 is in force during 2005, not before.
    expect(testParty(await edges('2004'))).toEqual([]);
    expect(testParty(await edges('2005'))).toEqual(['tt-old-leads']);
  });

  const NEIGHBORHOOD = `query ($id: ID!, $depth: Int, $asOf: PartialDate, $undated: Boolean) {
    neighborhood(id: $id, depth: $depth, asOf: $asOf, includeUndated: $undated) { nodes { id } edges { ${EDGE} } pageInfo { hasNextPage } }
  }`;
  type Subgraph = { nodes: Array<{ id: string }>; edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } | null };

  it('follows in a neighborhood only relations in force on asOf, and returns only those among its entities', async () => {
    const around = async (vars: Record<string, unknown>) => {
      const res = await t.gql<{ neighborhood: Subgraph }>(NEIGHBORHOOD, { id: PARTY, ...vars });
      expect(res.body.errors).toBeUndefined();
      // As without asOf: the reach, then the relations among what it reached.
      expect(res.body.extensions?.dbRoundTrips).toBe(2);
      return res.body.data!.neighborhood;
    };
    // In 2010 the old leader led: the new one is not reached.
    const in2010 = await around({ asOf: '2010' });
    expect(ids(in2010.nodes)).toEqual([OLD, PARTY]);
    expect(ids(in2010.edges)).toEqual(['tt-old-leads']);
    expect(in2010.pageInfo).toBeNull();
    // On 2012-01-10 the new one: the old leader only two hops away, over the act of support.
    expect(ids((await around({ asOf: '2012-01-10' })).nodes)).toEqual([NEW, PARTY]);
    const twoHops = await around({ asOf: '2012-01-10', depth: 2 });
    expect(ids(twoHops.nodes)).toEqual([NEW, OLD, PARTY]);
    // The old leadership joins two of these entities but had ended: it is not among the edges.
    expect(ids(twoHops.edges)).toEqual(['tt-new-leads', 'tt-old-backs-new']);
    const undated = await around({ asOf: '2012-01-10', depth: 2, undated: true });
    expect(ids(undated.edges)).toEqual(['tt-new-backs-old', 'tt-new-leads', 'tt-old-backs-new']);
    // Without asOf, every relation, as before.
    expect(ids((await around({ depth: 2 })).edges)).toEqual(['tt-new-backs-old', 'tt-new-leads', 'tt-old-backs-new', 'tt-old-leads']);
  });

  it('draws a network around an entity as of a date as the neighborhood reaches it: over relations in force then', async () => {
    for (const depth of [1, 2]) {
      const vars = { id: PARTY, depth, asOf: '2012-01-10' };
      const n = await t.gql<{ neighborhood: Subgraph }>(NEIGHBORHOOD, vars);
      const w = await t.gql<NetworkAnswer>(NETWORK, vars);
      expect(w.body.errors).toBeUndefined();
      expect(ids(w.body.data!.network.edges), `depth ${depth}`).toEqual(ids(n.body.data!.neighborhood.edges));
      expect(w.body.data!.network.nodes.map((x) => x.entity.id).sort(), `depth ${depth}`).toEqual(ids(n.body.data!.neighborhood.nodes));
    }
    // At depth 1 the old leader is reached only over a leadership that had ended: neither
    // he nor his act of support (in force, but between entities not reached) is drawn.
    const one = await t.data<NetworkAnswer>(NETWORK, { id: PARTY, depth: 1, asOf: '2012-01-10' });
    expect(ids(one.network.edges)).toEqual(['tt-new-leads']);
  });

  it('refuses includeUndated without asOf, which would be ignored', async () => {
    for (const query of [
      `{ neighborhood(id: "${PARTY}", includeUndated: true) { nodes { id } } }`,
      `{ paths(from: "${PARTY}", to: "${OLD}", includeUndated: true) { length } }`,
      '{ network(includeUndated: true) { communities } }',
    ]) {
      const res = await t.gql(query);
      expect(res.body.errors?.[0]?.extensions?.code, query).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0]?.extensions?.argument, query).toBe('includeUndated');
    }
  });

  it('follows on paths only relations in force on asOf, undated ones with includeUndated', async () => {
    const PATHS = `query ($from: ID!, $to: ID!, $asOf: PartialDate, $undated: Boolean) {
      paths(from: $from, to: $to, asOf: $asOf, includeUndated: $undated) { length edges { id } }
    }`;
    const paths = async (vars: Record<string, unknown>) => {
      const res = await t.gql<{ paths: Array<{ length: number; edges: Array<{ id: string }> }> }>(PATHS, vars);
      expect(res.body.errors).toBeUndefined();
      // One statement; when none is found, one more to read the ends as survivors of merges.
      expect(res.body.extensions?.dbRoundTrips).toBe(res.body.data!.paths.length > 0 ? 1 : 2);
      return res.body.data!.paths.map((p) => p.edges.map((e) => e.id));
    };
    expect(await paths({ from: OLD, to: PARTY })).toEqual([['tt-old-leads']]);
    expect(await paths({ from: OLD, to: PARTY, asOf: '2010' })).toEqual([['tt-old-leads']]);
    // Once the old leadership ended, the way goes through the new leader.
    expect(await paths({ from: OLD, to: PARTY, asOf: '2012-01-10' })).toEqual([['tt-old-backs-new', 'tt-new-leads']]);
    // In 2010 the new leader had no relation in force but the undated one.
    expect(await paths({ from: NEW, to: PARTY, asOf: '2010' })).toEqual([]);
    expect(await paths({ from: NEW, to: PARTY, asOf: '2010', undated: true })).toEqual([['tt-new-backs-old', 'tt-old-leads']]);
    // Over the seed: Abilov's disqualification is undated, so it is followed only when asked.
    expect(await paths({ from: 'bolat-abilov', to: 'election-2012-01-15-mazhilis', asOf: '2012-01-10' })).toEqual([]);
    expect(await paths({ from: 'bolat-abilov', to: 'election-2012-01-15-mazhilis', asOf: '2012-01-10', undated: true })).toEqual([['rel-abilov-disqualified']]);
  });

  it('exports the network as of a date: the same edges as the network query, claims made by then, and refuses a bad date', async () => {
    const base = t.url.replace(/\/graphql$/, '');
    const res = await fetch(`${base}/export/graph.d3.json?asOf=2012-01-10&includeUndated=true`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="political-actors-filtered.d3.json"');
    const d3 = JSON.parse(await res.text()) as { links: Array<{ id: string; type: string; date?: string }> };
    const network = (await t.data<NetworkAnswer>(NETWORK, { asOf: '2012-01-10', undated: true })).network;
    const relations = d3.links.filter((l) => l.type !== 'CLAIM');
    expect(ids(relations)).toEqual(ids(network.edges));
    // Claims are acts too: the OSCE mission's of 16 January had not been made.
    const claims = d3.links.filter((l) => l.type === 'CLAIM');
    expect(claims.some((l) => l.date !== undefined && l.date > '2012-01-10')).toBe(false);
    expect(claims.length).toBeGreaterThan(0);
    // GraphML, around the test's party two hops out, as of 2010: the old leadership only.
    const graphml = await (await fetch(`${base}/export/graph.graphml?id=${PARTY}&depth=2&asOf=2010`)).text();
    expect(graphml).toContain('tt-old-leads');
    expect(graphml).not.toContain('tt-new-leads');
    expect(graphml).not.toContain('tt-new-backs-old');
    // Validated like from and to, each problem naming its parameter.
    for (const [query, parameter] of [
      ['asOf=2012-13', 'asOf'],
      ['asOf=yesterday', 'asOf'],
      ['includeUndated=true', 'includeUndated'],
      ['asOf=2012&includeUndated=maybe', 'includeUndated'],
    ]) {
      const bad = await fetch(`${base}/export/graph.d3.json?${query}`);
      expect(bad.status, query).toBe(400);
      expect(await bad.text(), query).toContain(parameter);
    }
    const badGql = await t.gql(`{ neighborhood(id: "${PARTY}", asOf: "2012-1") { nodes { id } } }`);
    expect(badGql.body.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  });

  const PAGE = `query ($id: ID!, $first: Int, $after: String, $asOf: PartialDate) {
    neighborhood(id: $id, first: $first, after: $after, asOf: $asOf) { nodes { id } edges { ${EDGE} } pageInfo { hasNextPage endCursor } }
  }`;

  it("pages a hub's first ring by relation id: the pages together are the whole depth-1 neighborhood, each in one round trip", async () => {
    const whole = (await t.data<{ neighborhood: Subgraph }>(NEIGHBORHOOD, { id: HUB })).neighborhood;
    expect(whole.edges).toHaveLength(HUB_SIZE);
    const seen: Edge[] = [];
    const nodes = new Set<string>();
    let after: string | null = null;
    const sizes: number[] = [];
    for (let page = 0; page < 3; page += 1) {
      const res: GraphqlResponse<{ neighborhood: Subgraph }> = await t.gql<{ neighborhood: Subgraph }>(PAGE, { id: HUB, first: 10, after });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.extensions?.dbRoundTrips).toBe(1);
      const sub: Subgraph = res.body.data!.neighborhood;
      sizes.push(sub.edges.length);
      // Ordered by id within the page, and the nodes are the centre and the entities its edges join.
      expect(sub.edges.map((e) => e.id)).toEqual([...sub.edges.map((e) => e.id)].sort());
      expect(ids(sub.nodes)).toEqual([...new Set([HUB, ...sub.edges.map((e) => e.from.id)])].sort());
      for (const e of sub.edges) expect(e.to.id).toBe(HUB);
      seen.push(...sub.edges);
      for (const n of sub.nodes) nodes.add(n.id);
      expect(sub.pageInfo!.hasNextPage).toBe(page < 2);
      after = sub.pageInfo!.endCursor;
    }
    expect(sizes).toEqual([10, 10, 5]);
    expect(seen.map((e) => e.id)).toEqual(Array.from({ length: HUB_SIZE }, (_, i) => hubId(i)));
    expect(ids(seen)).toEqual(ids(whole.edges));
    expect([...nodes].sort()).toEqual(ids(whole.nodes));
    // Types and asOf apply to the page: in 2010 only hub-rel-03 was in force.
    const then = (await t.data<{ neighborhood: Subgraph }>(PAGE, { id: HUB, first: 10, asOf: '2010' })).neighborhood;
    expect(ids(then.edges)).toEqual([hubId(3)]);
    expect(then.pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });
  });

  it('keeps the next page where it was when a relation is added before the cursor; a merged id pages its survivor', async () => {
    const first = (await t.data<{ neighborhood: Subgraph }>(PAGE, { id: HUB, first: 10 })).neighborhood;
    const cursor = first.pageInfo!.endCursor;
    const nextBefore = (await t.data<{ neighborhood: Subgraph }>(PAGE, { id: HUB, first: 10, after: cursor })).neighborhood;
    // A relation whose id sorts before the cursor's, added through the API.
    await t.data(
      'mutation ($input: RelationInput!) { addRelation(input: $input) { id } }',
      {
        input: {
          id: 'hub-rel-00a',
          type: 'LEADS',
          from: 'bolat-abilov',
          to: HUB,
          start: '2012',
          sources: [CITATION],
        },
      },
      { key: KEYS.alice },
    );
    const nextAfter = (await t.data<{ neighborhood: Subgraph }>(PAGE, { id: HUB, first: 10, after: cursor })).neighborhood;
    expect(nextAfter.edges.map((e) => e.id)).toEqual(nextBefore.edges.map((e) => e.id));
    expect(nextAfter.edges.map((e) => e.id)[0]).toBe(hubId(10));
    // From the start, the new relation is on the first page.
    expect((await t.data<{ neighborhood: Subgraph }>(PAGE, { id: HUB, first: 2 })).neighborhood.edges.map((e) => e.id)).toEqual([hubId(0), 'hub-rel-00a']);

    // A party merged into the hub pages the hub's ring.
    await t.data(
      'mutation ($input: EntityInput!) { upsertEntity(input: $input) { id } }',
      { input: { id: 'hub-party-dup', kind: 'PARTY', name: 'Hub Party (dup)', sources: [CITATION] } },
      { key: KEYS.admin },
    );
    await t.data('mutation { mergeEntities(survivor: "hub-party", duplicate: "hub-party-dup") { id } }', {}, { key: KEYS.admin });
    const merged = await t.gql<{ neighborhood: Subgraph }>(PAGE, { id: 'hub-party-dup', first: 2 });
    expect(merged.body.errors).toBeUndefined();
    expect(merged.body.data!.neighborhood.edges.map((e) => e.id)).toEqual([hubId(0), 'hub-rel-00a']);
    expect(merged.body.data!.neighborhood.nodes.map((n) => n.id)).toContain(HUB);
    expect(merged.body.extensions?.dbRoundTrips).toBeLessThanOrEqual(2);
  });

  it('refuses first beyond depth 1, and after without first, naming the argument', async () => {
    const deep = await t.gql(`{ neighborhood(id: "${HUB}", depth: 2, first: 10) { nodes { id } } }`);
    expect(deep.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/depth 1/), extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
    const lone = await t.gql(`{ neighborhood(id: "${HUB}", after: "abc") { nodes { id } } }`);
    expect(lone.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
    const none = await t.data<{ neighborhood: Subgraph }>(PAGE, { id: 'nobody-at-all', first: 5 });
    expect(none.neighborhood).toEqual({ nodes: [], edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });
});
