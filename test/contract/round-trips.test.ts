import { expect, it } from 'vitest';
import { describeOnEveryBackend } from '../support/contract.js';

/**
 * A request's database cost is bounded by the shape of the query, not by how many
 * items it returns. The server reports the count as `extensions.dbRoundTrips`.
 */
describeOnEveryBackend('database round trips per request', (t) => {
  /** Each query answers without errors in exactly its number of round trips. */
  const expectRoundTrips = async (shapes: ReadonlyArray<readonly [string, number]>) => {
    for (const [query, trips] of shapes) {
      const res = await t.gql(query);
      expect(res.body.errors, query).toBeUndefined();
      expect(res.body.extensions?.dbRoundTrips, query).toBe(trips);
    }
  };

  const FAN_OUT = `query($n: Int) {
    entities(first: $n) {
      nodes {
        id name
        relations {
          type voteShare
          from { id name relations(direction: OUT) { to { name } } }
          to { id name ... on Event { date } }
        }
      }
    }
  }`;

  it('listing up to 50 entities with their relations and far ends costs a fixed number of round trips', async () => {
    const res = await t.gql<{ entities: { nodes: Array<{ relations: unknown[] }> } }>(FAN_OUT, { n: 50 });
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data?.entities.nodes ?? [];
    const relationCount = nodes.reduce((sum, n) => sum + n.relations.length, 0);
    // The answer is large: dozens of entities and relations...
    expect(nodes.length).toBeGreaterThanOrEqual(25);
    expect(relationCount).toBeGreaterThanOrEqual(60);
    // ...but costs one statement per level: the page, the relations, the far ends' relations.
    expect(res.body.extensions?.dbRoundTrips).toBe(3);
  });

  it('listing entities with their relations and both ends costs two round trips', async () => {
    const res = await t.gql('{ entities(first: 50) { nodes { id relations { type from { name } to { name } } } } }');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.extensions?.dbRoundTrips).toBe(2);
  });

  it('costs the same for 5 entities as for 50', async () => {
    const small = await t.gql(FAN_OUT, { n: 5 });
    const large = await t.gql(FAN_OUT, { n: 50 });
    expect(small.body.extensions?.dbRoundTrips).toBe(large.body.extensions?.dbRoundTrips);
  });

  it('adds one round trip for citations, however many there are', async () => {
    const res = await t.gql('{ relations(first: 100) { nodes { sources { quote source { title } } from { name } to { name } } } }');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.extensions?.dbRoundTrips).toBe(2);
  });

  it('answers a neighborhood in two round trips and paths in one', async () => {
    const { id } = (await t.data<{ entities: { nodes: Array<{ id: string }> } }>('{ entities(first: 1, kinds: [EVENT]) { nodes { id } } }')).entities.nodes[0]!;
    const n = await t.gql(`{ neighborhood(id: "${id}", depth: 3) { nodes { name } edges { type from { name } to { name } } } }`);
    expect(n.body.extensions?.dbRoundTrips).toBe(2);
    const p = await t.gql('{ paths(from: "bolat-abilov", to: "nursultan-nazarbayev") { nodes { name } edges { from { name } } } }');
    expect((p.body.data as { paths: unknown[] }).paths.length).toBeGreaterThan(0);
    expect(p.body.extensions?.dbRoundTrips).toBe(1);
    // An empty answer costs one more, to see whether an id was merged into another entity.
    const none = await t.gql(`{ paths(from: "${id}", to: "${id}x") { nodes { name } } }`);
    expect(none.body.extensions?.dbRoundTrips).toBe(2);
  });

  it('answers as of a date in as many round trips, and a page of a first ring in one', async () => {
    const asOf = 'asOf: "2012", includeUndated: true';
    const n = await t.gql(`{ neighborhood(id: "nur-otan", depth: 2, ${asOf}) { nodes { name } edges { type from { name } to { name } } } }`);
    expect(n.body.extensions?.dbRoundTrips).toBe(2);
    const p = await t.gql(`{ paths(from: "bolat-abilov", to: "nursultan-nazarbayev", ${asOf}) { nodes { name } edges { from { name } } } }`);
    expect((p.body.data as { paths: unknown[] }).paths.length).toBeGreaterThan(0);
    expect(p.body.extensions?.dbRoundTrips).toBe(1);
    const ring = await t.gql(
      `{ neighborhood(id: "election-2012-01-15-mazhilis", first: 5, ${asOf}) { nodes { name } edges { from { name } to { name } } pageInfo { endCursor } } }`,
    );
    expect(ring.body.extensions?.dbRoundTrips).toBe(1);
    const net = await t.gql(`{ network(id: "nur-otan", depth: 2, asOf: "2012-01-10", includeUndated: true) { nodes { entity { name } } edges { from { name } } } }`);
    expect(net.body.extensions?.dbRoundTrips).toBeLessThanOrEqual(3);
  });

  it('filtered, ordered and counted relations: one statement for the page, one for totalCount, one for citations', async () => {
    const shapes: Array<[string, number]> = [
      [
        '{ relations(where: { types: [SUPPORTS, LEADS], either: "nursultan-nazarbayev" }, orderBy: [{ field: DATE, direction: DESC }]) { totalCount nodes { from { name } to { name } } } }',
        1,
      ],
      // A page that does not hold every match: the count is a statement of its own.
      [
        '{ relations(where: { types: [SUPPORTS, LEADS], either: "nursultan-nazarbayev" }, orderBy: [{ field: DATE, direction: DESC }], first: 2) { totalCount nodes { from { name } to { name } } } }',
        2,
      ],
      [
        '{ relations(where: { OR: [{ minConfidence: 0.5 }, { basis: [REPORTED], NOT: { preliminary: true } }] }, orderBy: [{ field: CONFIDENCE, direction: DESC }]) { nodes { id from { name } } } }',
        1,
      ],
      ['{ relations(where: { source: "asia-plus-2012-01-17-kazakhstan-election" }, first: 100) { nodes { sources { quote source { id } } } } }', 2],
      ['{ relations(from: "nursultan-nazarbayev", to: "nur-otan", where: { asOf: "2012", includeUndated: true }) { totalCount nodes { id } } }', 1],
      ['{ relationCounts(where: { fromKinds: [PARTY] }) { type count } }', 1],
      ['{ entities(first: 50) { nodes { relationsConnection(first: 3, orderBy: [{ field: DATE, direction: DESC }]) { totalCount nodes { from { name } to { name } } } } } }', 3],
    ];
    await expectRoundTrips(shapes);
  });

  it('pages entities by any filter and order in one statement, +1 for totalCount, degrees with the page', async () => {
    const shapes: Array<[string, number]> = [
      ['{ entities(where: {name: {contains: "osce"}, hasRelation: {types: [LEADS]}}, orderBy: [{field: NAME}]) { nodes { id } } }', 1],
      ['{ entities(where: {OR: [{date: {from: "2012"}}, {abbreviation: {startsWith: "O"}}]}, orderBy: [{field: DATE, direction: DESC}]) { totalCount nodes { id } } }', 1],
      ['{ entities(where: {kinds: [PARTY]}, orderBy: [{field: DEGREE, direction: DESC}]) { totalCount nodes { id name degree } } }', 1],
      ['{ entities(where: {kinds: [PARTY]}, orderBy: [{field: DEGREE, direction: DESC}], first: 2) { totalCount nodes { id name degree } } }', 2],
      ['{ entities(first: 50) { nodes { id degree(direction: OUT) } } }', 2],
      // Ids are looked up once, for merged ones, for the page and its count.
      ['{ entities(where: {ids: ["nur-otan", "osce"]}) { totalCount nodes { id } } }', 2],
      ['{ entities(where: {ids: ["nur-otan", "osce"]}, first: 1) { totalCount nodes { id } } }', 3],
      ['{ entityCounts(where: {hasRelation: {direction: IN}}) { kind count } }', 1],
      // 11 claims need counting; the seed's one change is all on its first page.
      ['{ claims(first: 5) { totalCount nodes { id } } changes(first: 5) { totalCount nodes { id } } }', 3],
      ['{ claims(speaker: "bolat-abilov") { totalCount nodes { id } } }', 2],
    ];
    await expectRoundTrips(shapes);
  });

  it('counts each request on its own when requests run at the same time', async () => {
    const paths = '{ paths(from: "bolat-abilov", to: "nursultan-nazarbayev") { nodes { name } } }';
    const fanOut = '{ entities(first: 50) { nodes { id relations { type from { name } to { name } } } } }';
    const answers = await Promise.all([paths, fanOut, paths, fanOut, paths].map((q) => t.gql(q)));
    expect(answers.map((a) => a.body.extensions?.dbRoundTrips)).toEqual([1, 2, 1, 2, 1]);
  });
});
