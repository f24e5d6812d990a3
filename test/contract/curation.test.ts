import { describe, expect, it } from 'vitest';
import { describeOnEveryBackend } from '../support/contract.js';
import { dumpStore } from '../support/dump.js';
import { KEYS, type GraphqlResponse } from '../support/server.js';

/**
 * The write API on every backend: what a curator can do and see, what only an admin
 * can do, and that each refused write leaves the database exactly as it was.
 */

const SOURCE = 'asia-plus-2012-01-17-kazakhstan-election';
const ELECTION = 'election-2012-01-15-mazhilis';
const cite = (quote: string) => [{ source: SOURCE, paragraph: 7, sentence: 1, quote }];

const ADD_RELATION = `mutation ($input: RelationInput!) {
  addRelation(input: $input) { id type addedBy confidence date from { id } to { id } sources { quote source { id } } }
}`;
const UPSERT = `mutation ($input: EntityInput!) { upsertEntity(input: $input) { id name aliases kind } }`;
const RETRACT = `mutation ($id: ID!, $reason: String!) { retractRelation(id: $id, reason: $reason) { id retraction { reason by at } } }`;
const MERGE = `mutation ($survivor: ID!, $duplicate: ID!) { mergeEntities(survivor: $survivor, duplicate: $duplicate) { id name aliases } }`;

interface Problem {
  message: string;
  extensions?: { code?: string; argument?: string; problems?: Array<{ field: string; message: string }> };
}

describeOnEveryBackend('curation', (t) => {
  /** Sends a write that must be refused, and checks the error and that nothing changed. */
  const refused = async (
    query: string,
    variables: Record<string, unknown>,
    key: string | undefined,
    expected: { status: number; code: string; message: RegExp },
  ): Promise<Problem> => {
    const before = await dumpStore(t.store);
    const res: GraphqlResponse = await t.gql(query, variables, key ? { key } : {});
    const after = await dumpStore(t.store);
    expect(res.body.errors, JSON.stringify(res.body)).toHaveLength(1);
    const error = res.body.errors![0] as Problem;
    expect(error.extensions?.code).toBe(expected.code);
    expect(error.message).toMatch(expected.message);
    expect(res.status).toBe(expected.status);
    expect(after).toBe(before);
    return error;
  };

  describe('a curator', () => {
    const input = {
      id: 'rel-test-haraszti-stated-election',
      type: 'OBSERVED',
      from: 'miklos-haraszti',
      to: ELECTION,
      date: '2012-01',
      confidence: 0.9,
      sources: cite('the mission said the vote fell short'),
    };

    it('adds a relation with a citation, and sees it in relations, neighborhood and changes', async () => {
      const added = await t.data<{ addRelation: Record<string, unknown> }>(ADD_RELATION, { input }, { key: KEYS.alice });
      expect(added.addRelation).toEqual({
        id: input.id,
        type: 'OBSERVED',
        addedBy: 'alice',
        confidence: 0.9,
        date: '2012-01',
        from: { id: 'miklos-haraszti' },
        to: { id: ELECTION },
        sources: [{ quote: 'the mission said the vote fell short', source: { id: SOURCE } }],
      });

      const read = await t.data<{
        relations: { nodes: Array<{ id: string; addedBy: string }> };
        neighborhood: { edges: Array<{ id: string }> };
        changes: { nodes: Array<{ actor: string; operation: string; relationId: string; entityIds: string[]; before: unknown; after: { id: string } }> };
      }>(
        `{
          relations(from: "miklos-haraszti", types: [OBSERVED]) { nodes { id addedBy } }
          neighborhood(id: "miklos-haraszti") { edges { id } }
          changes(entity: "miklos-haraszti") { nodes { actor operation relationId entityIds before after } }
        }`,
      );
      expect(read.relations.nodes).toContainEqual({ id: input.id, addedBy: 'alice' });
      expect(read.neighborhood.edges.map((e) => e.id)).toContain(input.id);
      // The seed file's load comes first: seeds are recorded like any import.
      expect(read.changes.nodes).toHaveLength(2);
      expect(read.changes.nodes[0]).toMatchObject({ actor: 'seed:asia-plus-2012-01-17-kazakhstan-election.yaml', operation: 'IMPORT', relationId: null });
      expect(read.changes.nodes[1]).toMatchObject({
        actor: 'alice',
        operation: 'ADD_RELATION',
        relationId: input.id,
        entityIds: ['miklos-haraszti', ELECTION],
        before: null,
        after: { id: input.id, type: 'OBSERVED' },
      });
    });

    it('creates an entity with aliases that search then finds, and updates it with before and after in the log', async () => {
      const person = { id: 'test-person-zh', kind: 'PERSON', name: 'Zhasaral Kuanyshalin', aliases: ['Zh. Kuanyshalin'], sources: cite('a person') };
      await t.data(UPSERT, { input: person }, { key: KEYS.alice });
      const hits = await t.data<{ search: Array<{ entity: { id: string } }> }>('{ search(text: "kuanyshalin") { entity { id } } }');
      expect(hits.search[0]?.entity.id).toBe('test-person-zh');

      await t.data(UPSERT, { input: { ...person, title: 'Party activist' } }, { key: KEYS.alice });
      const log = await t.data<{ changes: { nodes: Array<{ operation: string; before: { title?: string } | null; after: { attributes: { title: string } } }> } }>(
        '{ changes(entity: "test-person-zh") { nodes { operation before after } } }',
      );
      expect(log.changes.nodes.map((c) => c.operation)).toEqual(['UPSERT_ENTITY', 'UPSERT_ENTITY']);
      expect(log.changes.nodes[0]?.after).toMatchObject({ id: 'test-person-zh', aliases: ['Zh. Kuanyshalin'] });
      expect(log.changes.nodes[0]?.before).toBeNull();
      expect(log.changes.nodes[1]?.before).toMatchObject({ name: 'Zhasaral Kuanyshalin' });
      expect(log.changes.nodes[1]?.after.attributes.title).toBe('Party activist');
    });

    it('retracts a relation they added: hidden from ordinary reads, shown with includeRetracted', async () => {
      const id = 'rel-test-to-retract';
      await t.data(ADD_RELATION, { input: { ...input, id } }, { key: KEYS.alice });
      const retracted = await t.data<{ retractRelation: { retraction: { reason: string; by: string; at: string } } }>(
        RETRACT,
        { id, reason: 'Misattributed: the mission, not Haraszti, said it' },
        { key: KEYS.alice },
      );
      expect(retracted.retractRelation.retraction).toMatchObject({ reason: 'Misattributed: the mission, not Haraszti, said it', by: 'alice' });

      const hidden = await t.data<{
        relations: { nodes: Array<{ id: string }> };
        all: { nodes: Array<{ id: string; retraction: { by: string } | null }> };
        neighborhood: { edges: Array<{ id: string }> };
        entity: { relations: Array<{ id: string }>; withRetracted: Array<{ id: string }> };
      }>(
        `{
          relations(from: "miklos-haraszti") { nodes { id } }
          all: relations(from: "miklos-haraszti", includeRetracted: true) { nodes { id retraction { by } } }
          neighborhood(id: "miklos-haraszti") { edges { id } }
          entity(id: "miklos-haraszti") { relations { id } withRetracted: relations(includeRetracted: true) { id } }
        }`,
      );
      expect(hidden.relations.nodes.map((r) => r.id)).not.toContain(id);
      expect(hidden.neighborhood.edges.map((r) => r.id)).not.toContain(id);
      expect(hidden.entity.relations.map((r) => r.id)).not.toContain(id);
      expect(hidden.entity.withRetracted.map((r) => r.id)).toContain(id);
      expect(hidden.all.nodes).toContainEqual({ id, retraction: { by: 'alice' } });
    });

    it("may not retract another curator's or the seed's relations; an admin may", async () => {
      await refused(RETRACT, { id: 'rel-abilov-disqualified', reason: 'test' }, KEYS.bob, {
        status: 403,
        code: 'FORBIDDEN',
        message: /added by seed:.*only an admin/,
      });
      await refused(RETRACT, { id: input.id, reason: 'test' }, KEYS.bob, { status: 403, code: 'FORBIDDEN', message: /added by alice/ });
      // A reason is text like any other: a NUL in it is refused, and nothing is written.
      await refused(RETRACT, { id: input.id, reason: 'cut\u0000short' }, KEYS.admin, { status: 200, code: 'BAD_USER_INPUT', message: /reason contains a NUL character/ });
      const done = await t.data<{ retractRelation: { retraction: { by: string } } }>(RETRACT, { id: input.id, reason: 'duplicate of a seed relation' }, { key: KEYS.admin });
      expect(done.retractRelation.retraction.by).toBe('root');
    });

    it('may not merge entities (admin only)', async () => {
      await refused(MERGE, { survivor: 'nursultan-nazarbayev', duplicate: 'test-person-zh' }, KEYS.alice, {
        status: 403,
        code: 'FORBIDDEN',
        message: /needs the admin role; the key alice has the curator role/,
      });
    });
  });

  describe('an admin', () => {
    it('merges a duplicate: relations and names move to the survivor and the old id resolves to it', async () => {
      await t.data(UPSERT, { input: { id: 'test-dup-abilov', kind: 'PERSON', name: 'B. Abilov', aliases: ['Abilov Bolat'], sources: cite('Abilov') } }, { key: KEYS.alice });
      await t.data(
        ADD_RELATION,
        { input: { id: 'rel-test-dup-abilov-rejects', type: 'REJECTED_RESULTS_OF', from: 'test-dup-abilov', to: ELECTION, sources: cite('rejected') } },
        { key: KEYS.alice },
      );
      const merged = await t.data<{ mergeEntities: { id: string; name: string; aliases: string[] } }>(
        MERGE,
        { survivor: 'bolat-abilov', duplicate: 'test-dup-abilov' },
        { key: KEYS.admin },
      );
      expect(merged.mergeEntities.id).toBe('bolat-abilov');
      expect(merged.mergeEntities.aliases).toEqual(expect.arrayContaining(['B. Abilov', 'Abilov Bolat']));

      const after = await t.data<{ old: { id: string; name: string }; rel: { nodes: Array<{ from: { id: string } }> }; list: { nodes: Array<{ id: string }> } }>(
        `{
          old: entity(id: "test-dup-abilov") { id name }
          rel: relations(types: [REJECTED_RESULTS_OF], to: "${ELECTION}") { nodes { from { id } } }
          list: entities(kinds: [PERSON], first: 100) { nodes { id } }
        }`,
      );
      expect(after.old).toEqual({ id: 'bolat-abilov', name: 'Bolat Abilov' });
      expect(after.rel.nodes.map((r) => r.from.id)).toContain('bolat-abilov');
      expect(after.list.nodes.map((n) => n.id)).not.toContain('test-dup-abilov');

      const log = await t.data<{ changes: { nodes: Array<{ operation: string; actor: string }> } }>('{ changes(entity: "test-dup-abilov") { nodes { operation actor } } }');
      expect(log.changes.nodes.at(-1)).toEqual({ operation: 'MERGE_ENTITIES', actor: 'root' });
    });

    it('keeps retractions through a merge, keeps a relation between the two as a retracted loop, and resolves the old id everywhere', async () => {
      await t.data(UPSERT, { input: { id: 'test-dup-nazarbayev', kind: 'PERSON', name: 'N. Nazarbaev', sources: cite('Nazarbaev') } }, { key: KEYS.alice });
      const add = (id: string, type: string, from: string, to: string) => t.data(ADD_RELATION, { input: { id, type, from, to, sources: cite('x') } }, { key: KEYS.alice });
      await add('rel-test-dup-n-retracted', 'SUPPORTS', 'test-dup-nazarbayev', 'nur-otan');
      await t.data(RETRACT, { id: 'rel-test-dup-n-retracted', reason: 'wrong party' }, { key: KEYS.alice });
      await add('rel-test-dup-n-loop', 'SUPPORTS', 'test-dup-nazarbayev', 'nursultan-nazarbayev');
      await add('rel-test-dup-n-live', 'LEADS', 'test-dup-nazarbayev', 'ak-zhol');
      await t.data(MERGE, { survivor: 'nursultan-nazarbayev', duplicate: 'test-dup-nazarbayev' }, { key: KEYS.admin });

      const read = await t.data<{
        all: { nodes: Array<{ id: string; from: { id: string }; to: { id: string }; retraction: { reason: string } | null }> };
        live: { nodes: Array<{ id: string }> };
        near: { nodes: Array<{ id: string }> };
        paths: Array<{ nodes: Array<{ id: string }> }>;
      }>(
        `{
          all: relations(from: "nursultan-nazarbayev", includeRetracted: true, first: 100) { nodes { id from { id } to { id } retraction { reason } } }
          live: relations(from: "test-dup-nazarbayev", first: 100) { nodes { id } }
          near: neighborhood(id: "test-dup-nazarbayev") { nodes { id } }
          paths(from: "test-dup-nazarbayev", to: "ak-zhol", maxLength: 1) { nodes { id } }
        }`,
      );
      const byId = new Map(read.all.nodes.map((r) => [r.id, r]));
      expect(byId.get('rel-test-dup-n-retracted')?.retraction?.reason).toBe('wrong party');
      expect(byId.get('rel-test-dup-n-loop')).toMatchObject({
        from: { id: 'nursultan-nazarbayev' },
        to: { id: 'nursultan-nazarbayev' },
        retraction: { reason: expect.stringMatching(/^merged/) },
      });
      expect(byId.get('rel-test-dup-n-live')).toMatchObject({ to: { id: 'ak-zhol' }, retraction: null });
      expect(read.live.nodes.map((r) => r.id)).toContain('rel-test-dup-n-live');
      expect(read.live.nodes.map((r) => r.id)).not.toContain('rel-test-dup-n-retracted');
      expect(read.near.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['nursultan-nazarbayev', 'ak-zhol']));
      expect(read.near.nodes.map((n) => n.id)).not.toContain('test-dup-nazarbayev');
      expect(read.paths[0]?.nodes.map((n) => n.id)).toEqual(['nursultan-nazarbayev', 'ak-zhol']);
    });

    it('adds a source that a new relation can then cite', async () => {
      const source = { id: 'test-source-osce-report', title: 'OSCE/ODIHR final report', publisher: 'OSCE/ODIHR', published: '2012-04' };
      await t.data('mutation ($input: SourceInput!) { addSource(input: $input) { id } }', { input: source }, { key: KEYS.admin });
      const added = await t.data<{ addRelation: { sources: Array<{ source: { id: string; published: string } }> } }>(
        'mutation ($input: RelationInput!) { addRelation(input: $input) { sources { source { id published } } } }',
        {
          input: {
            type: 'OBSERVED',
            from: 'osce-election-observation-mission-kazakhstan-2012',
            to: ELECTION,
            sources: [{ source: source.id, paragraph: 1, quote: 'final report on the observation' }],
          },
        },
        { key: KEYS.admin },
      );
      expect(added.addRelation.sources[0]?.source).toEqual({ id: source.id, published: '2012-04' });
    });
  });

  describe('refused writes change nothing', () => {
    const valid = { type: 'SUPPORTS', from: 'bolat-abilov', to: 'national-social-democratic-party', sources: cite('supports') };

    it('without a key: UNAUTHENTICATED (401)', async () => {
      await refused(ADD_RELATION, { input: valid }, undefined, { status: 401, code: 'UNAUTHENTICATED', message: /needs an API key with the curator role/ });
    });

    it('with a wrong key: UNAUTHENTICATED (401), and the key is not echoed or logged', async () => {
      const wrong = 'not-a-real-key-but-long-enough';
      const error = await refused(ADD_RELATION, { input: valid }, wrong, { status: 401, code: 'UNAUTHENTICATED', message: /API key is not valid/ });
      expect(JSON.stringify(error)).not.toContain(wrong);
      expect(t.logs.join('\n')).not.toContain(wrong);
      expect(t.logs.join('\n')).not.toContain(KEYS.alice);
    });

    it('a relation between kinds the ontology forbids names the kinds it allows', async () => {
      const error = await refused(ADD_RELATION, { input: { ...valid, type: 'DISQUALIFIED_FROM', from: 'almaty', to: ELECTION } }, KEYS.alice, {
        status: 200,
        code: 'BAD_USER_INPUT',
        message: /DISQUALIFIED_FROM cannot join PLACE -> EVENT; it joins PERSON\|PARTY -> EVENT/,
      });
      expect(error.extensions?.problems?.[0]?.field).toBe('input.type');
    });

    it.each([
      ['an unknown end', { ...valid, to: 'no-such-party' }, /input.to: refers to entity "no-such-party", which does not exist/],
      ['an unknown claimant', { ...valid, claimedBy: 'no-one' }, /input.claimedBy: refers to entity "no-one"/],
      ['no citation', { ...valid, sources: [] }, /input.sources: expected at least one citation/],
      ['a citation of an unknown source', { ...valid, sources: [{ source: 'no-such-doc', paragraph: 1, quote: 'x' }] }, /names source "no-such-doc"/],
      ['a confidence above 1', { ...valid, confidence: 1.5 }, /input.confidence: expected a number from 0 to 1, got 1.5/],
      ['a vote share above 100', { ...valid, voteShare: 180 }, /input.voteShare: expected a number from 0 to 100/],
      ['an existing id', { ...valid, id: 'rel-abilov-disqualified' }, /relation "rel-abilov-disqualified" already exists/],
      ['an id with spaces', { ...valid, id: 'a b' }, /input.id: expected an id of letters, digits/],
    ])('%s', async (_name, input, message) => {
      await refused(ADD_RELATION, { input }, KEYS.alice, { status: 200, code: 'BAD_USER_INPUT', message });
    });

    it.each(['2012-13', '2012-02-30', '12-01-2012', '2012-1'])('a malformed partial date %s', async (date) => {
      await refused(ADD_RELATION, { input: { ...valid, date } }, KEYS.alice, {
        status: 400,
        code: 'BAD_USER_INPUT',
        message: /at "input.date"; PartialDate must be an ISO date as YYYY, YYYY-MM or YYYY-MM-DD/,
      });
    });

    it('an entity whose kind would change, or with a field its kind does not have', async () => {
      await refused(UPSERT, { input: { id: 'bolat-abilov', kind: 'PARTY', name: 'Bolat Abilov', sources: cite('x') } }, KEYS.alice, {
        status: 200,
        code: 'BAD_USER_INPUT',
        message: /is a PERSON; its kind cannot change to PARTY/,
      });
      await refused(UPSERT, { input: { id: 'test-new', kind: 'PERSON', name: 'X', turnout: 50, sources: cite('x') } }, KEYS.alice, {
        status: 200,
        code: 'BAD_USER_INPUT',
        message: /input.turnout: is not a field of a Person/,
      });
    });

    it('merging an entity into one of another kind, or into itself, or an unknown one', async () => {
      const admin = { status: 200, code: 'BAD_USER_INPUT' };
      await refused(MERGE, { survivor: 'nur-otan', duplicate: 'bolat-abilov' }, KEYS.admin, { ...admin, message: /cannot merge a PERSON into a PARTY/ });
      await refused(MERGE, { survivor: 'nur-otan', duplicate: 'nur-otan' }, KEYS.admin, { ...admin, message: /cannot be merged into itself/ });
      await refused(MERGE, { survivor: 'nur-otan', duplicate: 'nobody' }, KEYS.admin, { ...admin, message: /duplicate "nobody" does not exist/ });
    });

    it('retracting an unknown relation, or with an empty reason', async () => {
      await refused(RETRACT, { id: 'rel-nope', reason: 'x' }, KEYS.admin, { status: 200, code: 'BAD_USER_INPUT', message: /relation "rel-nope" does not exist/ });
      await refused(RETRACT, { id: 'rel-abilov-disqualified', reason: '  ' }, KEYS.admin, { status: 200, code: 'BAD_USER_INPUT', message: /reason must be 1 to 500/ });
    });

    it('two writes in one request: refused whole, since a failing second would leave the first written', async () => {
      const source = '{ id: "test-two-writes", title: "t", publisher: "p", published: "2012" }';
      await refused(`mutation { addSource(input: ${source}) { id } addRelation(input: { type: SUPPORTS, from: "nowhere", to: "nur-otan", sources: [] }) { id } }`, {}, KEYS.admin, {
        status: 400,
        code: 'BAD_USER_INPUT',
        message: /one mutation, got 2/,
      });
    });

    it('an alias bomb of writes is refused whole before any runs', async () => {
      const fields = Array.from({ length: 40 }, (_, i) => `a${i}: addSource(input: { id: "bomb-${i}", title: "t", publisher: "p", published: "2012" }) { id }`);
      await refused(`mutation { ${fields.join(' ')} }`, {}, KEYS.admin, { status: 400, code: 'GRAPHQL_VALIDATION_FAILED', message: /aliases/i });
    });
  });

  describe('query bombs carrying writes are refused before any write runs', () => {
    const input = { id: 'rel-bomb', type: 'SUPPORTS', from: 'bolat-abilov', to: 'national-social-democratic-party', sources: cite('supports') };

    it('a depth bomb', async () => {
      const deep = 'relations { from { '.repeat(6) + 'id' + ' } }'.repeat(6);
      await refused(`mutation ($input: RelationInput!) { addRelation(input: $input) { from { ${deep} } } }`, { input }, KEYS.admin, {
        status: 400,
        code: 'GRAPHQL_VALIDATION_FAILED',
        message: /depth limit of 10 exceeded/,
      });
    });

    it('an oversize body', async () => {
      const before = await dumpStore(t.store);
      const res = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.admin}` },
        body: JSON.stringify({ query: 'mutation ($input: RelationInput!) { addRelation(input: $input) { id } }', variables: { input: { ...input, note: 'x'.repeat(200_000) } } }),
      });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('PAYLOAD_TOO_LARGE');
      expect(await dumpStore(t.store)).toBe(before);
    });
  });

  describe('strings that try Cypher injection', () => {
    const attacks = [`x' }) MATCH (n) DETACH DELETE n //`, `x" }) MATCH (n) DETACH DELETE n //`, '`) DETACH DELETE n //', `\\' OR 1=1 //`, '$after'];

    it.each(attacks)('in every argument of every read: %s', async (attack) => {
      const before = await dumpStore(t.store);
      const res = await t.gql(
        `query ($s: String!, $id: ID!) {
          entity(id: $id) { id }
          search(text: $s) { score }
          relations(from: $id, to: $id) { nodes { id } }
          neighborhood(id: $id) { nodes { id } }
          paths(from: $id, to: $id) { length }
          source(id: $id) { id }
          changes(entity: $id) { nodes { id } }
        }`,
        { s: attack, id: attack },
      );
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data).toMatchObject({ entity: null, relations: { nodes: [] }, neighborhood: { nodes: [] }, paths: [], source: null, changes: { nodes: [] } });
      expect(await dumpStore(t.store)).toBe(before);
    });

    it.each(attacks)('in id arguments of writes, refused: %s', async (attack) => {
      const message = /id|does not exist/;
      await refused(UPSERT, { input: { id: attack, kind: 'PERSON', name: 'x', sources: cite('x') } }, KEYS.admin, { status: 200, code: 'BAD_USER_INPUT', message });
      await refused(ADD_RELATION, { input: { type: 'SUPPORTS', from: attack, to: 'nur-otan', sources: cite('x') } }, KEYS.admin, { status: 200, code: 'BAD_USER_INPUT', message });
      await refused(RETRACT, { id: attack, reason: attack }, KEYS.admin, { status: 200, code: 'BAD_USER_INPUT', message });
      await refused(MERGE, { survivor: 'nur-otan', duplicate: attack }, KEYS.admin, { status: 200, code: 'BAD_USER_INPUT', message });
    });

    it('in free text of a write, stored as the text it is and nothing else', async () => {
      const attack = attacks[0]!;
      const before = JSON.parse(await dumpStore(t.store)) as { entities: unknown[]; relations: unknown[]; changes: unknown[] };
      const res = await t.data<{ upsertEntity: { name: string; aliases: string[] } }>(
        UPSERT,
        { input: { id: 'test-injection', kind: 'PARTY', name: attack, aliases: [attacks[1]], description: attacks[2], sources: cite(attacks[3]!) } },
        { key: KEYS.alice },
      );
      expect(res.upsertEntity).toMatchObject({ name: attack, aliases: [attacks[1]] });
      const after = JSON.parse(await dumpStore(t.store)) as typeof before;
      expect(after.entities).toHaveLength(before.entities.length + 1);
      expect(after.relations).toEqual(before.relations);
      expect(after.changes).toHaveLength(before.changes.length + 1);
    });
  });
});
