import { expect, it } from 'vitest';
import { describeOnEveryBackend } from '../support/contract.js';
import { KEYS } from '../support/server.js';

/** Network measures on the seed graph, the same on every backend, and fresh after a write. */
interface Measured {
  entity: { id: string; kind: string };
  metrics: { degree: number; inDegree: number; outDegree: number; betweenness: number; pageRank: number; community: number };
}

describeOnEveryBackend('network', (t) => {
  const NETWORK = `query($id: ID, $types: [RelationType!], $kinds: [EntityKind!], $from: PartialDate, $to: PartialDate, $inferDates: Boolean) {
    network(id: $id, types: $types, kinds: $kinds, from: $from, to: $to, inferDates: $inferDates) {
      communities
      nodes { entity { id kind } metrics { degree inDegree outDegree betweenness pageRank community } }
      edges { id type from { id } to { id } }
    }
  }`;
  const network = async (vars: Record<string, unknown> = {}) =>
    (await t.data<{ network: { communities: number; nodes: Measured[]; edges: Array<{ id: string; type: string; from: { id: string }; to: { id: string } }> } }>(NETWORK, vars))
      .network;

  it('measures the whole seed graph: the election is the hub, and degrees add up to twice the relations', async () => {
    const net = await network();
    expect(net.nodes).toHaveLength(30);
    expect(net.edges).toHaveLength(46);
    const byBetweenness = [...net.nodes].sort((a, b) => b.metrics.betweenness - a.metrics.betweenness);
    expect(byBetweenness[0]?.entity.id).toBe('election-2012-01-15-mazhilis');
    expect(net.nodes.reduce((sum, n) => sum + n.metrics.degree, 0)).toBe(2 * 46);
    expect(net.nodes.reduce((sum, n) => sum + n.metrics.pageRank, 0)).toBeCloseTo(1, 6);
    expect(net.communities).toBeGreaterThan(1);
    for (const n of net.nodes) expect(n.metrics.community).toBeLessThan(net.communities);
  });

  it('Entity.metrics agrees with the whole-graph network', async () => {
    const net = await network();
    const abilov = net.nodes.find((n) => n.entity.id === 'bolat-abilov')!;
    const data = await t.data<{ entity: { metrics: Measured['metrics'] } }>(
      '{ entity(id: "bolat-abilov") { metrics { degree inDegree outDegree betweenness pageRank community } } }',
    );
    expect(data.entity.metrics).toEqual(abilov.metrics);
  });

  it('counts the graph and ranks entities by degree in the database, agreeing with the whole-graph network', async () => {
    const net = await network();
    const size = await t.gql<{ graphSize: { entities: number; relations: number } }>('{ graphSize { entities relations } }');
    expect(size.body.data?.graphSize).toEqual({ entities: net.nodes.length, relations: net.edges.length });
    // Two counts, and nothing read for the network measures.
    expect(size.body.extensions?.dbRoundTrips).toBe(2);

    const top = await t.gql<{ mostConnected: Array<{ degree: number; entity: { id: string; name: string } }> }>('{ mostConnected(first: 6) { degree entity { id name } } }');
    expect(top.body.extensions?.dbRoundTrips).toBe(1);
    const expected = [...net.nodes]
      .sort((a, b) => b.metrics.degree - a.metrics.degree || (a.entity.id < b.entity.id ? -1 : 1))
      .slice(0, 6)
      .map((n) => ({ degree: n.metrics.degree, id: n.entity.id }));
    expect(top.body.data?.mostConnected.map((r) => ({ degree: r.degree, id: r.entity.id }))).toEqual(expected);
    expect(top.body.data?.mostConnected[0]).toEqual({
      degree: expected[0]!.degree,
      entity: { id: 'election-2012-01-15-mazhilis', name: 'Kazakhstan parliamentary (Mazhilis) election, 15 January 2012' },
    });

    const parties = await t.data<{ mostConnected: Array<{ degree: number; entity: { id: string; kind: string } }> }>(
      '{ mostConnected(kinds: [PARTY], first: 100) { degree entity { id kind } } }',
    );
    expect(parties.mostConnected.map((r) => r.entity.id)).toEqual(
      net.nodes
        .filter((n) => n.entity.kind === 'PARTY' && n.metrics.degree > 0)
        .sort((a, b) => b.metrics.degree - a.metrics.degree || (a.entity.id < b.entity.id ? -1 : 1))
        .map((n) => n.entity.id),
    );
    const refused = await t.gql('{ mostConnected(first: 101) { degree } }');
    expect(refused.body.errors?.[0]?.message).toBe('first must be between 1 and 100, got 101');
  });

  it('narrows to a neighborhood, to relation types, to kinds and to dates', async () => {
    const around = await network({ id: 'bolat-abilov' });
    expect(around.nodes.map((n) => n.entity.id).sort()).toEqual(['bolat-abilov', 'election-2012-01-15-mazhilis', 'national-social-democratic-party']);
    const supports = await network({ types: ['SUPPORTS'] });
    expect(supports.edges.map((e) => [e.from.id, e.to.id]).sort()).toEqual([
      ['ak-zhol', 'nursultan-nazarbayev'],
      ['communist-peoples-party-of-kazakhstan', 'nursultan-nazarbayev'],
    ]);
    expect(supports.nodes).toHaveLength(3);
    expect(supports.nodes.find((n) => n.entity.id === 'nursultan-nazarbayev')?.metrics.inDegree).toBe(2);
    const parties = await network({ kinds: ['PARTY'] });
    expect(parties.nodes.every((n) => n.entity.kind === 'PARTY')).toBe(true);
    expect(parties.nodes).toHaveLength(7);
    // Most relations in the seed carry no dates of their own: by default a date range leaves
    // them out; with inferDates they are dated by the events they join (the state of
    // emergency has no date in the report, so its relations stay undated).
    expect((await network({ from: '2011-12', to: '2011-12' })).edges).toEqual([]);
    const december = await network({ from: '2011-12', to: '2011-12', inferDates: true });
    const ids = december.nodes.map((n) => n.entity.id);
    expect(ids).toEqual(['western-kazakhstan', 'zhanaozen', 'zhanaozen-protests-2011-12']);
    expect(ids).not.toContain('election-2012-01-15-mazhilis');
    const january = await network({ from: '2012-01-15', to: '2012-01-15', inferDates: true });
    expect(january.edges.map((e) => e.type)).toEqual(expect.arrayContaining(['DISQUALIFIED_FROM', 'WON_SEATS_IN', 'OBSERVED']));
  });

  it('recomputes after a write', async () => {
    const before = (await network()).nodes.find((n) => n.entity.id === 'joao-soares')!.metrics.degree;
    await t.data(
      'mutation ($input: RelationInput!) { addRelation(input: $input) { id } }',
      {
        input: {
          type: 'OBSERVED',
          from: 'joao-soares',
          to: 'election-2012-01-15-mazhilis',
          sources: [{ source: 'asia-plus-2012-01-17-kazakhstan-election', paragraph: 10, quote: 'short-term observer mission head' }],
        },
      },
      { key: KEYS.alice },
    );
    const after = (await network()).nodes.find((n) => n.entity.id === 'joao-soares')!.metrics.degree;
    expect(after).toBe(before + 1);
  });

  it('gives an entity outside a selection no degree and no community', async () => {
    const data = await t.data<{ entity: { metrics: Measured['metrics'] } }>('{ entity(id: "dushanbe") { metrics(types: [SUPPORTS]) { degree community } } }');
    expect(data.entity.metrics).toEqual({ degree: 0, community: null });
  });

  it('refuses more than two different selections in one request, and dates in the wrong order', async () => {
    const res = await t.gql('{ a: network(types: [SUPPORTS]) { communities } b: network(types: [LEADS]) { communities } c: network(types: [OBSERVED]) { communities } }');
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/at most 2 different network selections/);
    // The same selection, however its dates are written, counts once.
    const same = await t.gql('{ a: network(from: "2012") { communities } b: network(from: "2012-01-01") { communities } c: network(from: "2012-01") { communities } }');
    expect(same.body.errors).toBeUndefined();
    const backwards = await t.gql('{ network(from: "2012-02", to: "2012-01") { communities } }');
    expect(backwards.body.errors?.[0]?.message).toMatch(/from \(2012-02\) is later than to \(2012-01\)/);
  });

  it('refuses a depth out of range, naming the limit', async () => {
    const res = await t.gql('{ network(id: "bolat-abilov", depth: 4) { communities } }');
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/depth must be between 1 and 3/);
  });
});
