import { describe, expect, it } from 'vitest';
import { describeOnEveryBackend } from '../support/contract.js';
import { KEYS } from '../support/server.js';

/**
 * `entities(where, orderBy)`, `totalCount`, `entityCounts` and `Entity.degree`, asserted
 * with the seed's real answers (the Kazakh election: 30 entities, 46 relations). The
 * cases that write come last, so the earlier ones see the seed as loaded.
 */

const SOURCE = 'asia-plus-2012-01-17-kazakhstan-election';
const cite = (quote: string) => [{ source: SOURCE, paragraph: 7, sentence: 1, quote }];
const UPSERT = 'mutation ($input: EntityInput!) { upsertEntity(input: $input) { id } }';

interface Node {
  id: string;
  name: string;
  kind: string;
  date?: string | null;
}
interface Page {
  entities: { totalCount?: number; nodes: Node[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const PAGE = `query ($where: EntityWhere, $orderBy: [EntityOrder!], $first: Int, $after: String, $kinds: [EntityKind!]) {
  entities(where: $where, orderBy: $orderBy, first: $first, after: $after, kinds: $kinds) {
    nodes { id name kind ... on Event { date } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const PARTIES_BY_DEGREE = [
  'nur-otan',
  'ak-zhol',
  'communist-peoples-party-of-kazakhstan',
  'national-social-democratic-party',
  'barred-opposition-party-1',
  'barred-opposition-party-2',
  'barred-opposition-party-3',
];

const LEADERS = ['bolat-abilov', 'joao-soares', 'miklos-haraszti', 'nursultan-nazarbayev', 'osce'];
const LED = [
  'kazakhstan',
  'national-social-democratic-party',
  'nur-otan',
  'osce-election-observation-mission-kazakhstan-2012',
  'osce-pa-short-term-observer-mission-kazakhstan-2012',
];

describeOnEveryBackend('entity filters, orders and counts', (t) => {
  const ids = async (where: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    (await t.data<Page>(PAGE, { where, first: 100, ...extra })).entities.nodes.map((n) => n.id);

  /** Every page of a query, `first` at a time, concatenated. */
  async function allPages(vars: Record<string, unknown>, first: number): Promise<string[]> {
    const out: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 100; i += 1) {
      const page: Page = await t.data<Page>(PAGE, { ...vars, first, after });
      out.push(...page.entities.nodes.map((n) => n.id));
      if (!page.entities.pageInfo.hasNextPage) return out;
      after = page.entities.pageInfo.endCursor;
    }
    throw new Error('more than 100 pages');
  }

  async function refused(query: string, vars: Record<string, unknown>, argument: string, message: RegExp) {
    const res = await t.gql(query, vars);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.extensions?.argument).toBe(argument);
    expect(res.body.errors?.[0]?.message).toMatch(message);
  }

  describe('filters', () => {
    it('kinds and ids, a merged id read as its survivor only after the merge (see the last case)', async () => {
      expect(await ids({ kinds: ['PERSON'] })).toEqual(['bolat-abilov', 'joao-soares', 'miklos-haraszti', 'nursultan-nazarbayev']);
      expect(await ids({ ids: ['nur-otan', 'osce', 'no-such-entity'] })).toEqual(['nur-otan', 'osce']);
      // The `kinds` argument and `where` both hold.
      expect(await ids({ ids: ['nur-otan', 'osce'] }, { kinds: ['PARTY'] })).toEqual(['nur-otan']);
    });

    it('name contains, startsWith and equals over names and aliases, ignoring case', async () => {
      expect(await ids({ name: { contains: 'OSCE' } })).toEqual([
        'osce',
        'osce-election-observation-mission-kazakhstan-2012',
        'osce-pa-short-term-observer-mission-kazakhstan-2012',
        'osce-parliamentary-assembly',
        'osce-statement-2012-01-16',
      ]);
      expect(await ids({ name: { startsWith: 'nur' } })).toEqual(['nur-otan', 'nursultan-nazarbayev']);
      expect(await ids({ name: { equals: 'NUR OTAN' } })).toEqual(['nur-otan']);
      // Every test given must hold.
      expect(await ids({ name: { startsWith: 'nur', contains: 'otan' } })).toEqual(['nur-otan']);
      // Spelling variants are search's business, not a filter's.
      expect(await ids({ name: { equals: 'Nursultan Nazarbaiev' } })).toEqual([]);
    });

    it('event date range by the days each partial date spans', async () => {
      expect(await ids({ date: { from: '2012-01', to: '2012-01-16' } })).toEqual(['election-2012-01-15-mazhilis', 'osce-statement-2012-01-16']);
      // `2011-12` spans December: a range from mid-December keeps it.
      expect(await ids({ date: { from: '2011-12-20', to: '2012-01-15' } })).toEqual(['election-2012-01-15-mazhilis', 'zhanaozen-protests-2011-12']);
      expect(await ids({ date: { from: '2012-01-17' } })).toEqual(['almaty-opposition-rally-2012-01-17']);
    });

    it('party abbreviation, eventType and turnout range; a filter on an attribute keeps only kinds that have it', async () => {
      expect(await ids({ abbreviation: { equals: 'knpk' } })).toEqual(['communist-peoples-party-of-kazakhstan']);
      // One filter for the field parties and organizations share.
      expect(await ids({ abbreviation: { startsWith: 'O' } })).toEqual(['national-social-democratic-party', 'osce', 'osce-parliamentary-assembly']);
      expect(await ids({ eventType: ['ELECTION', 'RALLY'] })).toEqual(['almaty-opposition-rally-2012-01-17', 'election-2012-01-15-mazhilis']);
      expect(await ids({ turnout: { min: 50, max: 80 } })).toEqual(['election-2012-01-15-mazhilis']);
      expect(await ids({ turnout: { max: 50 } })).toEqual([]);
      // A field with a default (status HAPPENED) holds only for the kinds that have it.
      expect((await ids({ status: ['HAPPENED', 'PLANNED'] })).length).toBe(5);
    });

    it('hasRelation in each direction', async () => {
      expect(await ids({ hasRelation: { types: ['LEADS'], direction: 'OUT' } })).toEqual(LEADERS);
      expect(await ids({ hasRelation: { types: ['LEADS'], direction: 'IN' } })).toEqual(LED);
      expect(await ids({ hasRelation: { types: ['LEADS'] } })).toEqual([...LEADERS, ...LED].sort());
      // Without types: any relation. Every seed entity has one but Dushanbe and the rights advocates, which are only mentioned.
      expect((await ids({ hasRelation: {} })).length).toBe(28);
      // An empty list of types: no relation is of one.
      expect(await ids({ hasRelation: { types: [] } })).toEqual([]);
      const none = await t.data<{ entities: { nodes: Array<{ degree: number }> } }>(
        '{ entities(first: 3, orderBy: [{field: DEGREE, types: []}]) { nodes { degree(types: []) } } }',
      );
      expect(none.entities.nodes.map((n) => n.degree)).toEqual([0, 0, 0]);
    });

    it('AND, OR and NOT, NOT keeping exactly what its filter leaves out', async () => {
      expect(await ids({ AND: [{ kinds: ['PARTY'] }, { hasRelation: { types: ['LEADS'], direction: 'IN' } }] })).toEqual(['national-social-democratic-party', 'nur-otan']);
      expect(await ids({ OR: [{ abbreviation: { equals: 'KNPK' } }, { name: { equals: 'ak zhol' } }] })).toEqual(['ak-zhol', 'communist-peoples-party-of-kazakhstan']);
      const parties = await ids({ kinds: ['PARTY'] });
      const withAbbreviation = await ids({ kinds: ['PARTY'], abbreviation: { contains: 'p' } });
      expect(withAbbreviation).toEqual(['communist-peoples-party-of-kazakhstan', 'national-social-democratic-party']);
      // Parties without an abbreviation are no match for the filter, so NOT keeps them.
      expect(await ids({ kinds: ['PARTY'], NOT: { abbreviation: { contains: 'p' } } })).toEqual(parties.filter((id) => !withAbbreviation.includes(id)));
      expect((await ids({ NOT: { kinds: ['PERSON'] } })).length).toBe(26);
      // Empty lists: nothing is in one; AND of nothing holds, OR of nothing does not.
      for (const empty of [{ ids: [] }, { kinds: [] }, { eventType: [] }, { OR: [] }]) expect(await ids(empty), JSON.stringify(empty)).toEqual([]);
      expect((await ids({ AND: [] })).length).toBe(30);
    });
  });

  describe('orders', () => {
    /** The seed's entities as the client would sort them itself. */
    async function everything(): Promise<Array<Node & { degree: number }>> {
      const page = await t.data<{ entities: { nodes: Array<Node & { degree: number }> } }>('{ entities(first: 100) { nodes { id name kind degree ... on Event { date } } } }');
      return page.entities.nodes;
    }
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

    /** Each order as the client would sort the seed itself: ties by id, undated last either way. */
    const sorts: Record<string, (a: Node & { degree: number }, b: Node & { degree: number }) => number> = {
      'ID:ASC': byId,
      'ID:DESC': (a, b) => byId(b, a),
      'NAME:ASC': (a, b) => cmp(a.name.toLowerCase(), b.name.toLowerCase()) || byId(a, b),
      'NAME:DESC': (a, b) => cmp(b.name.toLowerCase(), a.name.toLowerCase()) || byId(a, b),
      'DATE:ASC': (a, b) => cmp(a.date ?? '~', b.date ?? '~') || byId(a, b),
      'DATE:DESC': (a, b) => cmp(b.date ?? '', a.date ?? '') || byId(a, b),
      'DEGREE:ASC': (a, b) => a.degree - b.degree || byId(a, b),
      'DEGREE:DESC': (a, b) => b.degree - a.degree || byId(a, b),
    };

    it('dates sort as text, undated last in either direction', async () => {
      const got = async (direction: string) => (await t.data<Page>(PAGE, { orderBy: [{ field: 'DATE', direction }], first: 5 })).entities.nodes.map((n) => n.id);
      expect(await got('ASC')).toEqual([
        'zhanaozen-protests-2011-12',
        'election-2012-01-15-mazhilis',
        'osce-statement-2012-01-16',
        'almaty-opposition-rally-2012-01-17',
        // The undated event ties with every other kind at the end, by id.
        'ak-zhol',
      ]);
      expect((await got('DESC')).slice(0, 4)).toEqual([
        'almaty-opposition-rally-2012-01-17',
        'osce-statement-2012-01-16',
        'election-2012-01-15-mazhilis',
        'zhanaozen-protests-2011-12',
      ]);
    });

    it.each(Object.keys(sorts))('%s: the whole list in order, and the same paged two at a time', async (order) => {
      const all = await everything();
      expect(all).toHaveLength(30);
      const want = [...all].sort(sorts[order]).map((n) => n.id);
      const [field, direction] = order.split(':');
      const got = (await t.data<Page>(PAGE, { orderBy: [{ field, direction }], first: 100 })).entities.nodes.map((n) => n.id);
      expect(got).toEqual(want);
      expect(await allPages({ orderBy: [{ field, direction }] }, 2)).toEqual(want);
    });

    it('DEGREE of some relation types, and several keys', async () => {
      const got = await ids({ kinds: ['PERSON'] }, { orderBy: [{ field: 'DEGREE', direction: 'DESC', types: ['LEADS'] }] });
      // Nazarbayev leads two (Kazakhstan, Nur Otan); the others one each, then by id.
      expect(got).toEqual(['nursultan-nazarbayev', 'bolat-abilov', 'joao-soares', 'miklos-haraszti']);
      const twoKeys = await ids(
        { kinds: ['PARTY'] },
        {
          orderBy: [
            { field: 'DEGREE', direction: 'ASC' },
            { field: 'NAME', direction: 'DESC' },
          ],
        },
      );
      expect(twoKeys).toEqual([
        'barred-opposition-party-3',
        'barred-opposition-party-2',
        'barred-opposition-party-1',
        'national-social-democratic-party',
        'communist-peoples-party-of-kazakhstan',
        'ak-zhol',
        'nur-otan',
      ]);
    });

    it('parties ordered by degree, with their degree and totalCount, in at most 3 round trips (done-when query)', async () => {
      const res = await t.gql<{ entities: { totalCount: number; nodes: Array<{ id: string; name: string; degree: number }> } }>(
        '{ entities(where: {kinds: [PARTY]}, orderBy: [{field: DEGREE, direction: DESC}]) { totalCount nodes { id name degree } } }',
      );
      expect(res.body.errors).toBeUndefined();
      const answer = res.body.data!.entities;
      expect(answer.totalCount).toBe(7);
      expect(answer.nodes.map((n) => n.id)).toEqual(PARTIES_BY_DEGREE);
      expect(answer.nodes.map((n) => n.degree)).toEqual([5, 4, 4, 4, 1, 1, 1]);
      // The page alone: the degrees came with it, and the count is its length, as it holds every party.
      expect(res.body.extensions?.dbRoundTrips).toBeLessThanOrEqual(3);
      expect(res.body.extensions?.dbRoundTrips).toBe(1);
    });

    it('refuses a cursor made under another order', async () => {
      const byName = await t.data<Page>(PAGE, { orderBy: [{ field: 'NAME' }], first: 2 });
      const cursor = byName.entities.pageInfo.endCursor;
      await refused(PAGE, { orderBy: [{ field: 'DEGREE' }], first: 2, after: cursor }, 'after', /cursor for this order/);
      await refused(PAGE, { first: 2, after: cursor }, 'after', /cursor/);
      const byDegree = await t.data<Page>(PAGE, { orderBy: [{ field: 'DEGREE', types: ['LEADS'] }], first: 2 });
      await refused(PAGE, { orderBy: [{ field: 'DEGREE', types: ['SUPPORTS'] }], first: 2, after: byDegree.entities.pageInfo.endCursor }, 'after', /cursor for this order/);
    });

    it('refuses a cursor whose keys were tampered with (a degree that is text, a name that is a number)', async () => {
      const forged = (order: string, keys: unknown[]) => Buffer.from(JSON.stringify(['entity', order, keys, 'x'])).toString('base64url');
      await refused(PAGE, { orderBy: [{ field: 'DEGREE', direction: 'DESC' }], first: 2, after: forged('DEGREE:DESC', ['abc']) }, 'after', /cursor for this order/);
      await refused(PAGE, { orderBy: [{ field: 'NAME' }], first: 2, after: forged('NAME:ASC', [5]) }, 'after', /cursor for this order/);
    });
  });

  describe('limits', () => {
    it('refuses filters past the limits, naming the field', async () => {
      let deep: Record<string, unknown> = { kinds: ['PARTY'] };
      for (let i = 0; i < 4; i += 1) deep = { NOT: deep };
      await refused(PAGE, { where: deep }, 'where.NOT.NOT.NOT.NOT', /4 levels/);
      const many = { OR: Array.from({ length: 51 }, () => ({ kinds: ['PARTY'] })) };
      await refused(PAGE, { where: many }, 'where.OR[50].kinds', /50 conditions/);
      await refused(PAGE, { where: { ids: Array.from({ length: 101 }, (_, i) => `e${i}`) } }, 'where.ids', /at most 100/);
      await refused(PAGE, { where: { OR: [{ kinds: ['PARTY'] }, { name: { contains: 'x'.repeat(201) } }] } }, 'where.OR[1].name.contains', /1 to 200 characters/);
      await refused(PAGE, { where: { name: { contains: '' } } }, 'where.name.contains', /1 to 200 characters/);
      await refused(PAGE, { where: { name: { startsWith: '--' } } }, 'where.name.startsWith', /letter or digit/);
      await refused(PAGE, { where: { abbreviation: { equals: 'x'.repeat(201) } } }, 'where.abbreviation.equals', /1 to 200/);
      await refused(PAGE, { where: { turnout: { min: 80, max: 50 } } }, 'where.turnout', /min/);
      await refused(PAGE, { where: { date: { from: '2013', to: '2012' } } }, 'where.date', /later/);
      const four = Array.from({ length: 4 }, () => ({ field: 'NAME' }));
      await refused(PAGE, { orderBy: four }, 'orderBy', /at most 3/);
    });
  });

  describe('counts', () => {
    it('entityCounts by kind, most first, then by kind; with a filter', async () => {
      const all = await t.data<{ entityCounts: Array<{ kind: string; count: number }> }>('{ entityCounts { kind count } }');
      expect(all.entityCounts).toEqual([
        { kind: 'ORGANIZATION', count: 9 },
        { kind: 'PARTY', count: 7 },
        { kind: 'EVENT', count: 5 },
        { kind: 'PLACE', count: 5 },
        { kind: 'PERSON', count: 4 },
      ]);
      const leading = await t.data<{ entityCounts: Array<{ kind: string; count: number }> }>('{ entityCounts(where: {hasRelation: {types: [LEADS]}}) { kind count } }');
      expect(leading.entityCounts).toEqual(
        [
          { kind: 'ORGANIZATION', count: 3 },
          { kind: 'PERSON', count: 4 },
          { kind: 'PARTY', count: 2 },
          { kind: 'PLACE', count: 1 },
        ].sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind)),
      );
    });

    it('totalCount on entities, claims and changes, with the same filters as the list, one statement more', async () => {
      const entities = await t.gql<{ entities: { totalCount: number; nodes: unknown[] } }>('{ entities(first: 2, where: {name: {contains: "osce"}}) { totalCount nodes { id } } }');
      expect(entities.body.data?.entities).toMatchObject({ totalCount: 5 });
      expect(entities.body.data?.entities.nodes).toHaveLength(2);
      expect(entities.body.extensions?.dbRoundTrips).toBe(2);
      const withoutCount = await t.gql('{ entities(first: 2, where: {name: {contains: "osce"}}) { nodes { id } } }');
      expect(withoutCount.body.extensions?.dbRoundTrips).toBe(1);

      const claims = await t.data<{ all: { totalCount: number }; one: { totalCount: number; nodes: unknown[] } }>(
        '{ all: claims(first: 1) { totalCount } one: claims(first: 100, speaker: "bolat-abilov") { totalCount nodes { id } } }',
      );
      expect(claims.all.totalCount).toBe(11);
      expect(claims.one.totalCount).toBe(claims.one.nodes.length);
      const allClaims = await t.data<{ claims: { nodes: unknown[] } }>('{ claims(first: 100) { nodes { id } } }');
      expect(allClaims.claims.nodes).toHaveLength(11);

      const changes = await t.data<{ all: { totalCount: number; nodes: unknown[] }; later: { totalCount: number } }>(
        '{ all: changes(first: 100) { totalCount nodes { id } } later: changes(since: "2999-01-01") { totalCount } }',
      );
      expect(changes.all.totalCount).toBe(changes.all.nodes.length);
      expect(changes.later.totalCount).toBe(0);
    });

    it('Entity.degree agrees with mostConnected, by direction and type, in one statement for the page', async () => {
      const ranked = await t.data<{ mostConnected: Array<{ entity: { id: string }; degree: number }> }>('{ mostConnected(first: 30) { entity { id } degree } }');
      const res = await t.gql<{ entities: { nodes: Array<{ id: string; degree: number; out: number; in: number; leads: number }> } }>(
        '{ entities(first: 100) { nodes { id degree out: degree(direction: OUT) in: degree(direction: IN) leads: degree(types: [LEADS]) } } }',
      );
      const nodes = res.body.data!.entities.nodes;
      const degreeOf = new Map(ranked.mostConnected.map((r) => [r.entity.id, r.degree]));
      for (const n of nodes) {
        expect(n.degree, n.id).toBe(degreeOf.get(n.id) ?? 0);
        expect(n.out + n.in, n.id).toBe(n.degree);
      }
      expect(nodes.find((n) => n.id === 'nursultan-nazarbayev')?.leads).toBe(2);
      // The page, then one statement per distinct (types, direction): four.
      expect(res.body.extensions?.dbRoundTrips).toBe(5);
    });
  });

  describe('after writes', () => {
    it('matches a name ignoring accents and case', async () => {
      await t.data(UPSERT, { input: { id: 'test-party-zhuldyz', kind: 'PARTY', name: 'Žuldyz Émigré Party', aliases: ['Partiya Żółw'], sources: cite('x') } }, { key: KEYS.alice });
      expect(await ids({ name: { contains: 'EMIGRE' } })).toEqual(['test-party-zhuldyz']);
      expect(await ids({ name: { startsWith: 'zuldyz' } })).toEqual(['test-party-zhuldyz']);
      expect(await ids({ name: { contains: 'żółw' } })).toEqual(['test-party-zhuldyz']);
      expect(await ids({ name: { equals: 'partiya zolw' } })).toEqual(['test-party-zhuldyz']);
    });

    it('pages by NAME through names of the longest length, every cursor accepted, each entity once', async () => {
      // 300 characters, the SDL's limit, and names alike in their first 64 (the NAME key), told apart by id.
      const long = (c: string) => `Zzz ${'Long-named coalition of the steppe '.repeat(9)}${c}`.slice(0, 296) + ` ${c}${c}${c}`;
      const made = ['a', 'b', 'c', 'd'].map((c) => ({ id: `test-long-${c}`, name: long(c) }));
      for (const m of made) {
        expect(m.name).toHaveLength(300);
        await t.data(UPSERT, { input: { id: m.id, kind: 'ORGANIZATION', name: m.name, sources: cite('x') } }, { key: KEYS.alice });
      }
      const vars = { where: { ids: made.map((m) => m.id) }, orderBy: [{ field: 'NAME', direction: 'DESC' }] };
      const seen: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 10; i += 1) {
        const page: Page = await t.data<Page>(PAGE, { ...vars, first: 1, after });
        seen.push(...page.entities.nodes.map((n) => n.id));
        if (!page.entities.pageInfo.hasNextPage) break;
        after = page.entities.pageInfo.endCursor;
      }
      expect(seen).toEqual(made.map((m) => m.id));
      // A cursor made when the key was the whole name is refused, not read as a place it is not.
      const old = Buffer.from(JSON.stringify(['entity', 'NAME:DESC', [made[0]!.name.toLowerCase()], made[0]!.id]), 'utf8').toString('base64url');
      const refused = await t.gql(PAGE, { ...vars, first: 1, after: old });
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(refused.body.errors?.[0]?.message).toMatch(/not a valid entity cursor for this order/);
    });

    it('keyset paging stays right when an entity is added before the cursor', async () => {
      const vars = { where: { kinds: ['PARTY'] }, orderBy: [{ field: 'NAME', direction: 'ASC' }] };
      const full = (await t.data<Page>(PAGE, { ...vars, first: 100 })).entities.nodes.map((n) => n.id);
      const first = await t.data<Page>(PAGE, { ...vars, first: 2 });
      const seen = first.entities.nodes.map((n) => n.id);
      // "Aaa" sorts before every party name: added before the cursor, it must not shift the next page.
      await t.data(UPSERT, { input: { id: 'test-party-aaa', kind: 'PARTY', name: 'Aaa Party', sources: cite('x') } }, { key: KEYS.alice });
      let after = first.entities.pageInfo.endCursor;
      const rest: string[] = [];
      for (;;) {
        const page: Page = await t.data<Page>(PAGE, { ...vars, first: 2, after });
        rest.push(...page.entities.nodes.map((n) => n.id));
        if (!page.entities.pageInfo.hasNextPage) break;
        after = page.entities.pageInfo.endCursor;
      }
      expect([...seen, ...rest]).toEqual(full);
      // The same holds for the DEGREE order: a new relation gives nobody before the cursor a place after it.
      const degreeVars = { where: { kinds: ['PARTY'] }, orderBy: [{ field: 'DEGREE', direction: 'DESC' }] };
      const byDegree = (await t.data<Page>(PAGE, { ...degreeVars, first: 100 })).entities.nodes.map((n) => n.id);
      expect(await allPages(degreeVars, 2)).toEqual(byDegree);
    });

    it('reads a merged id in ids as its survivor', async () => {
      await t.data(UPSERT, { input: { id: 'test-dup-nur-otan', kind: 'PARTY', name: 'Nur-Otan', sources: cite('x') } }, { key: KEYS.alice });
      await t.data('mutation { mergeEntities(survivor: "nur-otan", duplicate: "test-dup-nur-otan") { id } }', {}, { key: KEYS.admin });
      expect(await ids({ ids: ['test-dup-nur-otan'] })).toEqual(['nur-otan']);
      expect(await ids({ OR: [{ ids: ['test-dup-nur-otan'] }, { ids: ['osce'] }] })).toEqual(['nur-otan', 'osce']);
      // The merged-away entity is no longer listed or counted.
      const counts = await t.data<{ entityCounts: Array<{ kind: string; count: number }> }>('{ entityCounts(where: {kinds: [PARTY]}) { kind count } }');
      expect(counts.entityCounts).toEqual([{ kind: 'PARTY', count: 9 }]);
    });
  });
});
