import { beforeAll, describe, expect, it } from 'vitest';
import { describeOnEveryBackend } from '../support/contract.js';
import { dumpStore } from '../support/dump.js';
import { KEYS, type GraphqlResponse } from '../support/server.js';

/**
 * Claims on every backend: who says what about whom. The seed's claims read back by id,
 * in pages, from each entity (as speaker or subject), from the relation a claim asserts
 * and from the source; a curator adds claims and records disputes, seen both ways; every
 * refused claim write names its code and field and leaves the database as it was; a merge
 * moves claims to the survivor.
 */

const SOURCE = 'asia-plus-2012-01-17-kazakhstan-election';
const ELECTION = 'election-2012-01-15-mazhilis';
const cite = (quote: string) => [{ source: SOURCE, paragraph: 8, sentence: 1, quote }];

const CLAIM_FIELDS = 'id speaker { id } date about { id } quote summary stance asserts { id } disputes { id } disputedBy { id } sources { quote source { id } } addedBy';
const ADD_CLAIM = `mutation ($input: ClaimInput!) { addClaim(input: $input) { ${CLAIM_FIELDS} } }`;
const DISPUTE = `mutation ($claim: ID!, $disputedBy: ID!) { disputeClaim(claim: $claim, disputedBy: $disputedBy) { ${CLAIM_FIELDS} } }`;
const ADD_RELATION = `mutation ($input: RelationInput!) { addRelation(input: $input) { id } }`;
const UPSERT = `mutation ($input: EntityInput!) { upsertEntity(input: $input) { id } }`;
const MERGE = `mutation ($survivor: ID!, $duplicate: ID!) { mergeEntities(survivor: $survivor, duplicate: $duplicate) { id } }`;

interface Claim {
  id: string;
  speaker: { id: string };
  date: string | null;
  about: Array<{ id: string }>;
  quote: string;
  summary: string | null;
  stance: string | null;
  asserts: Array<{ id: string }>;
  disputes: Array<{ id: string }>;
  disputedBy: Array<{ id: string }>;
  sources: Array<{ quote: string; source: { id: string } }>;
  addedBy: string | null;
}

interface Problem {
  message: string;
  extensions?: { code?: string; argument?: string; problems?: Array<{ field: string; message: string }> };
}

const SEED_CLAIMS = [
  'claim-haraszti-orchestration',
  'claim-haraszti-tightly-controlled',
  'claim-nazarbayev-carte-blanche',
  'claim-nazarbayev-election-unprecedented',
  'claim-nazarbayev-zhanaozen-70-percent',
  'claim-observers-doubt-pluralism',
  'claim-observers-voting-calm',
  'claim-osce-mission-not-democratic',
  'claim-osdp-election-rigged',
  'claim-rights-advocates-intimidation',
  'claim-soares-more-opposition',
];

/**
 * The seed has no relation of basis CLAIMED: a curator adds one (Nazarbayev's claim that
 * Nur Otan won 70 percent in Zhanaozen) and a claim of his asserting it.
 */
const claimedByNazarbayev = (relationId: string, claimId: string) => ({
  relation: {
    id: relationId,
    type: 'WON_VOTES_IN',
    from: 'nur-otan',
    to: 'zhanaozen',
    date: '2012-01-15',
    voteShare: 70,
    basis: 'CLAIMED',
    claimedBy: 'nursultan-nazarbayev',
    sources: [{ source: SOURCE, paragraph: 13, quote: 'Nazarbayev said that 70 percent of Zhanaozen residents had voted for Nur Otan' }],
  },
  claim: {
    id: claimId,
    speaker: 'nursultan-nazarbayev',
    about: ['zhanaozen', 'nur-otan'],
    quote: '70 percent of Zhanaozen residents had voted for Nur Otan',
    asserts: [relationId],
    sources: [{ source: SOURCE, paragraph: 13, quote: 'Nazarbayev said that 70 percent of Zhanaozen residents had voted for Nur Otan' }],
  },
});

describeOnEveryBackend('claims', (t) => {
  /** Sends a write that must be refused: checks code, field and message, and that nothing changed. */
  const refused = async (query: string, variables: Record<string, unknown>, expected: { code: string; field: string; message: RegExp; key?: string }): Promise<Problem> => {
    const before = await dumpStore(t.store);
    const res: GraphqlResponse = await t.gql(query, variables, { key: expected.key ?? KEYS.alice });
    const after = await dumpStore(t.store);
    expect(res.body.errors, JSON.stringify(res.body)).toHaveLength(1);
    const error = res.body.errors![0] as Problem;
    expect(error.extensions?.code).toBe(expected.code);
    expect(error.extensions?.argument).toBe(expected.field);
    expect(error.message).toMatch(expected.message);
    expect(after).toBe(before);
    return error;
  };

  describe('the seed', () => {
    it('reads a claim by id with its speaker, subjects, words, stance, citations and who added it', async () => {
      const data = await t.data<{ claim: Claim; none: Claim | null }>(
        `{ claim(id: "claim-osce-mission-not-democratic") { ${CLAIM_FIELDS} } none: claim(id: "no-such-claim") { id } }`,
      );
      expect(data.none).toBeNull();
      expect(data.claim).toEqual({
        id: 'claim-osce-mission-not-democratic',
        speaker: { id: 'osce-election-observation-mission-kazakhstan-2012' },
        date: '2012-01-16',
        about: [{ id: ELECTION }],
        quote: 'yesterday”s early parliamentary vote still did not meet fundamental principles of democratic elections',
        summary:
          "The OSCE-led mission's 16 January statement: despite the government's stated ambition, the vote did not meet fundamental principles of democratic elections (quoted).",
        stance: 'NEGATIVE',
        asserts: [],
        disputes: [{ id: 'claim-nazarbayev-election-unprecedented' }],
        disputedBy: [],
        sources: [{ quote: 'still did not meet fundamental principles of democratic elections', source: { id: SOURCE } }],
        addedBy: 'seed:asia-plus-2012-01-17-kazakhstan-election.yaml',
      });
    });

    it('lists claims by id in pages, each once, and filtered by speaker and by subject', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 10; i += 1) {
        const page: { claims: { nodes: Array<{ id: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await t.data(
          'query ($after: String) { claims(first: 4, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }',
          { after },
        );
        seen.push(...page.claims.nodes.map((n) => n.id));
        if (!page.claims.pageInfo.hasNextPage) break;
        after = page.claims.pageInfo.endCursor;
      }
      expect(seen).toEqual(SEED_CLAIMS);
      const filtered = await t.data<{ bySpeaker: { nodes: Array<{ id: string }> }; byAbout: { nodes: Array<{ id: string }> }; both: { nodes: Array<{ id: string }> } }>(
        `{ bySpeaker: claims(speaker: "miklos-haraszti") { nodes { id } }
           byAbout: claims(about: "zhanaozen") { nodes { id } }
           both: claims(speaker: "nursultan-nazarbayev", about: "nur-otan") { nodes { id } } }`,
      );
      expect(filtered.bySpeaker.nodes.map((n) => n.id)).toEqual(['claim-haraszti-orchestration', 'claim-haraszti-tightly-controlled']);
      expect(filtered.byAbout.nodes.map((n) => n.id)).toEqual(['claim-nazarbayev-zhanaozen-70-percent', 'claim-rights-advocates-intimidation']);
      expect(filtered.both.nodes.map((n) => n.id)).toEqual(['claim-nazarbayev-carte-blanche', 'claim-nazarbayev-zhanaozen-70-percent']);
    });

    it('refuses a page size outside 1..100 and a cursor of another kind', async () => {
      const big = await t.gql('{ claims(first: 101) { nodes { id } } }');
      expect(big.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
      const page = await t.data<{ relations: { pageInfo: { endCursor: string } } }>('{ relations(first: 1) { pageInfo { endCursor } } }');
      const wrong = await t.gql('query ($after: String) { claims(after: $after) { nodes { id } } }', { after: page.relations.pageInfo.endCursor });
      expect(wrong.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    });

    it('gives each entity its claims as speaker, as subject, or both', async () => {
      const data = await t.data<{ nazarbayev: Record<string, Array<{ id: string }>>; zhanaozen: Record<string, Array<{ id: string }>> }>(
        `{ nazarbayev: entity(id: "nursultan-nazarbayev") { any: claims { id } speaker: claims(role: SPEAKER) { id } subject: claims(role: SUBJECT) { id } }
           zhanaozen: entity(id: "zhanaozen") { any: claims { id } speaker: claims(role: SPEAKER) { id } subject: claims(role: SUBJECT) { id } } }`,
      );
      const ids = (list: Array<{ id: string }> | undefined) => (list ?? []).map((c) => c.id);
      expect(ids(data.nazarbayev.speaker)).toEqual(['claim-nazarbayev-carte-blanche', 'claim-nazarbayev-election-unprecedented', 'claim-nazarbayev-zhanaozen-70-percent']);
      expect(ids(data.nazarbayev.subject)).toEqual([]);
      expect(ids(data.nazarbayev.any)).toEqual(ids(data.nazarbayev.speaker));
      expect(ids(data.zhanaozen.speaker)).toEqual([]);
      expect(ids(data.zhanaozen.subject)).toEqual(['claim-nazarbayev-zhanaozen-70-percent', 'claim-rights-advocates-intimidation']);
      expect(ids(data.zhanaozen.any)).toEqual(ids(data.zhanaozen.subject));
    });

    it('gives a relation the claim that asserts it, the source its claims, and a claim its disputes both ways', async () => {
      const claimed = claimedByNazarbayev('rel-test-nur-otan-won-votes-zhanaozen', 'claim-test-nazarbayev-zhanaozen-votes');
      await t.data(ADD_RELATION, { input: claimed.relation }, { key: KEYS.alice });
      await t.data(ADD_CLAIM, { input: claimed.claim }, { key: KEYS.alice });
      const data = await t.data<{
        claimed: { nodes: Array<{ id: string; claim: { id: string; speaker: { id: string } } | null }> };
        source: { claims: Array<{ id: string }> };
        disputed: { disputedBy: Array<{ id: string }>; disputes: Array<{ id: string }> };
        disputer: { disputes: Array<{ id: string }> };
      }>(
        `{ claimed: relations(types: [WON_VOTES_IN], to: "zhanaozen") { nodes { id claim { id speaker { id } } } }
           source: source(id: "${SOURCE}") { claims { id } }
           disputed: claim(id: "claim-nazarbayev-zhanaozen-70-percent") { disputedBy { id } disputes { id } }
           disputer: claim(id: "claim-rights-advocates-intimidation") { disputes { id } } }`,
      );
      expect(data.claimed.nodes).toEqual([
        { id: 'rel-test-nur-otan-won-votes-zhanaozen', claim: { id: 'claim-test-nazarbayev-zhanaozen-votes', speaker: { id: 'nursultan-nazarbayev' } } },
      ]);
      const other = await t.data<{ relations: { nodes: Array<{ claim: unknown }> } }>('{ relations(types: [WON_SEATS_IN], first: 3) { nodes { claim { id } } } }');
      expect(other.relations.nodes.every((r) => r.claim === null)).toBe(true);
      expect(data.source.claims.map((c) => c.id)).toEqual([...SEED_CLAIMS, 'claim-test-nazarbayev-zhanaozen-votes']);
      expect(data.disputed).toEqual({ disputedBy: [{ id: 'claim-rights-advocates-intimidation' }], disputes: [] });
      expect(data.disputer.disputes).toEqual([{ id: 'claim-nazarbayev-zhanaozen-70-percent' }]);
    });
  });

  describe('a curator', () => {
    it('adds a claim, seen in claim, claims, the entities’ claims and changes', async () => {
      const input = {
        id: 'claim-test-haraszti-restrictions',
        speaker: 'miklos-haraszti',
        about: [ELECTION, 'nur-otan'],
        date: '2012-01-16',
        quote: 'serious restrictions on citizens’ electoral rights',
        stance: 'NEGATIVE',
        sources: cite('serious restrictions'),
      };
      const added = await t.data<{ addClaim: Claim }>(ADD_CLAIM, { input }, { key: KEYS.alice });
      expect(added.addClaim).toMatchObject({
        id: input.id,
        speaker: { id: 'miklos-haraszti' },
        about: [{ id: ELECTION }, { id: 'nur-otan' }],
        stance: 'NEGATIVE',
        summary: null,
        asserts: [],
        disputes: [],
        disputedBy: [],
        addedBy: 'alice',
        sources: [{ quote: 'serious restrictions', source: { id: SOURCE } }],
      });
      const read = await t.data<{
        claim: { quote: string };
        claims: { nodes: Array<{ id: string }> };
        entity: { claims: Array<{ id: string }> };
        changes: { nodes: Array<{ operation: string; actor: string; entityIds: string[]; after: { id: string } }> };
      }>(
        `{ claim(id: "${input.id}") { quote }
           claims(about: "nur-otan") { nodes { id } }
           entity(id: "nur-otan") { claims(role: SUBJECT) { id } }
           changes(entity: "nur-otan") { nodes { operation actor entityIds after } } }`,
      );
      expect(read.claim.quote).toBe(input.quote);
      expect(read.claims.nodes.map((n) => n.id)).toContain(input.id);
      expect(read.entity.claims.map((n) => n.id)).toContain(input.id);
      expect(read.changes.nodes.at(-1)).toMatchObject({ operation: 'ADD_CLAIM', actor: 'alice', entityIds: ['miklos-haraszti', ELECTION, 'nur-otan'], after: { id: input.id } });
    });

    it('makes an id when none is given', async () => {
      const added = await t.data<{ addClaim: { id: string } }>(
        ADD_CLAIM,
        { input: { speaker: 'joao-soares', about: [ELECTION], quote: 'more parties', sources: cite('more parties') } },
        { key: KEYS.bob },
      );
      expect(added.addClaim.id).toMatch(/^claim-[0-9a-f-]{36}$/);
    });

    it('adds a claim asserting a relation the speaker claimed: the relation then names the claim', async () => {
      await t.data(
        ADD_RELATION,
        { input: { id: 'rel-test-claimed-support', type: 'SUPPORTS', from: 'joao-soares', to: 'nur-otan', basis: 'CLAIMED', claimedBy: 'joao-soares', sources: cite('support') } },
        { key: KEYS.alice },
      );
      const added = await t.data<{ addClaim: Claim }>(
        ADD_CLAIM,
        {
          input: {
            id: 'claim-test-asserting',
            speaker: 'joao-soares',
            about: ['nur-otan'],
            quote: 'I support them',
            stance: 'POSITIVE',
            asserts: ['rel-test-claimed-support'],
            sources: cite('support'),
          },
        },
        { key: KEYS.alice },
      );
      expect(added.addClaim.asserts).toEqual([{ id: 'rel-test-claimed-support' }]);
      const rel = await t.data<{ relations: { nodes: Array<{ claim: { id: string } | null }> } }>(
        '{ relations(from: "joao-soares", to: "nur-otan", types: [SUPPORTS]) { nodes { claim { id } } } }',
      );
      expect(rel.relations.nodes).toEqual([{ claim: { id: 'claim-test-asserting' } }]);
    });

    it('records a dispute, seen from both claims and in changes', async () => {
      await t.data(
        ADD_CLAIM,
        { input: { id: 'claim-test-rebuttal', speaker: 'nursultan-nazarbayev', about: [ELECTION], quote: 'the vote was fair', stance: 'POSITIVE', sources: cite('fair') } },
        { key: KEYS.alice },
      );
      const disputed = await t.data<{ disputeClaim: Claim }>(DISPUTE, { claim: 'claim-haraszti-orchestration', disputedBy: 'claim-test-rebuttal' }, { key: KEYS.bob });
      expect(disputed.disputeClaim).toMatchObject({ id: 'claim-haraszti-orchestration', disputedBy: [{ id: 'claim-test-rebuttal' }] });
      const read = await t.data<{
        claim: { disputes: Array<{ id: string; speaker: { id: string } }> };
        changes: { nodes: Array<{ operation: string; actor: string; entityIds: string[] }> };
      }>('{ claim(id: "claim-test-rebuttal") { disputes { id speaker { id } } } changes(entity: "miklos-haraszti") { nodes { operation actor entityIds } } }');
      expect(read.claim.disputes).toEqual([{ id: 'claim-haraszti-orchestration', speaker: { id: 'miklos-haraszti' } }]);
      expect(read.changes.nodes.at(-1)).toEqual({ operation: 'DISPUTE_CLAIM', actor: 'bob', entityIds: ['miklos-haraszti', 'nursultan-nazarbayev'] });
    });
  });

  describe('at once', () => {
    it('two disputes recorded by one claim at the same time both stay', async () => {
      await t.data(
        ADD_CLAIM,
        { input: { id: 'claim-test-disputes-two', speaker: 'joao-soares', about: [ELECTION], quote: 'both are wrong', sources: cite('wrong') } },
        { key: KEYS.alice },
      );
      const [a, b] = await Promise.all(
        ['claim-soares-more-opposition', 'claim-observers-voting-calm'].map((claim) => t.gql(DISPUTE, { claim, disputedBy: 'claim-test-disputes-two' }, { key: KEYS.alice })),
      );
      expect([a!.body.errors, b!.body.errors]).toEqual([undefined, undefined]);
      const read = await t.data<{ claim: { disputes: Array<{ id: string }> } }>('{ claim(id: "claim-test-disputes-two") { disputes { id } } }');
      expect(read.claim.disputes.map((c) => c.id).sort()).toEqual(['claim-observers-voting-calm', 'claim-soares-more-opposition']);
    });
  });

  describe('refuses, naming the field, and writes nothing', () => {
    const valid = { id: 'claim-test-refused', speaker: 'miklos-haraszti', about: [ELECTION], quote: 'something', sources: cite('something') };
    const claimed = claimedByNazarbayev('rel-test-claimed-by-nazarbayev', 'claim-test-asserts-claimed');

    beforeAll(async () => {
      await t.data(ADD_RELATION, { input: { ...claimed.relation, to: ELECTION } }, { key: KEYS.alice });
      await t.data(ADD_CLAIM, { input: claimed.claim }, { key: KEYS.alice });
    });

    it.each([
      ['an unknown speaker', { speaker: 'nobody-at-all' }, 'speaker', /entity "nobody-at-all" does not exist/],
      ['an unknown subject', { about: [ELECTION, 'nothing-at-all'] }, 'about', /entity "nothing-at-all" does not exist/],
      ['an unknown asserted relation', { asserts: ['rel-none'] }, 'asserts', /relation "rel-none" does not exist/],
      // Every relation without a claimant has a basis other than CLAIMED (ESTABLISHED when written without one).
      [
        'a relation not claimed by the speaker',
        { asserts: ['rel-ak-zhol-won-seats'] },
        'asserts',
        /"rel-ak-zhol-won-seats" has basis REPORTED; a claim asserts only relations of basis CLAIMED/,
      ],
      [
        'a relation someone else claimed',
        { asserts: [claimed.relation.id] },
        'asserts',
        /is claimed by "nursultan-nazarbayev"; a claim asserts only relations claimed by its speaker "miklos-haraszti"/,
      ],
      ['an unknown disputed claim', { disputes: ['claim-none'] }, 'disputes', /claim "claim-none" does not exist/],
      ['an id already taken', { id: 'claim-observers-voting-calm' }, 'id', /claim "claim-observers-voting-calm" already exists/],
    ])('addClaim with %s', async (_name, change, field, message) => {
      await refused(ADD_CLAIM, { input: { ...valid, ...change } }, { code: 'BAD_USER_INPUT', field, message });
    });

    it('addClaim asserting a relation another claim asserts', async () => {
      await refused(
        ADD_CLAIM,
        { input: { ...valid, speaker: 'nursultan-nazarbayev', asserts: [claimed.relation.id] } },
        { code: 'BAD_USER_INPUT', field: 'asserts', message: /already asserted by claim "claim-test-asserts-claimed"/ },
      );
    });

    it('addClaim asserting a retracted relation', async () => {
      const retracted = claimedByNazarbayev('rel-test-claimed-retracted', 'claim-test-never');
      await t.data(ADD_RELATION, { input: { ...retracted.relation, to: 'kazakhstan' } }, { key: KEYS.alice });
      await t.data('mutation { retractRelation(id: "rel-test-claimed-retracted", reason: "misread") { id } }', undefined, { key: KEYS.alice });
      await refused(
        ADD_CLAIM,
        { input: { ...retracted.claim, asserts: ['rel-test-claimed-retracted'] } },
        { code: 'BAD_USER_INPUT', field: 'asserts', message: /relation "rel-test-claimed-retracted" was retracted; a claim asserts only relations that stand/ },
      );
    });

    it.each([
      ['no subject', { about: [] }, 'input.about', /expected a list of at least one id/],
      ['no citation', { sources: [] }, 'input.sources', /expected at least one citation/],
      ['an empty quote', { quote: ' ' }, 'input.quote', /expected a non-empty string/],
      ['a dispute of itself', { disputes: ['claim-test-refused'] }, 'input.disputes', /cannot dispute itself/],
      ['a citation of an unknown source', { sources: [{ source: 'no-source', paragraph: 1, quote: 'x' }] }, 'input.sources[0].source', /names source "no-source"/],
    ])('addClaim with %s (checked input)', async (_name, change, field, message) => {
      await refused(ADD_CLAIM, { input: { ...valid, ...change } }, { code: 'BAD_USER_INPUT', field, message });
    });

    it('addClaim without a key', async () => {
      const before = await dumpStore(t.store);
      const res = await t.gql(ADD_CLAIM, { input: valid });
      expect(res.status).toBe(401);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(await dumpStore(t.store)).toBe(before);
    });

    it.each([
      ['itself', { claim: 'claim-observers-voting-calm', disputedBy: 'claim-observers-voting-calm' }, 'disputedBy', /cannot dispute itself/],
      ['an unknown claim', { claim: 'claim-none', disputedBy: 'claim-observers-voting-calm' }, 'claim', /claim "claim-none" does not exist/],
      ['by an unknown claim', { claim: 'claim-observers-voting-calm', disputedBy: 'claim-none' }, 'disputedBy', /claim "claim-none" does not exist/],
      [
        'a dispute already recorded',
        { claim: 'claim-nazarbayev-zhanaozen-70-percent', disputedBy: 'claim-rights-advocates-intimidation' },
        'disputedBy',
        /already disputes "claim-nazarbayev-zhanaozen-70-percent"/,
      ],
    ])('disputeClaim of %s', async (_name, variables, field, message) => {
      await refused(DISPUTE, variables, { code: 'BAD_USER_INPUT', field, message });
    });
  });

  describe('a merge', () => {
    it('moves the duplicate’s claims, as speaker and as subject, to the survivor', async () => {
      const person = (id: string, name: string) => ({ id, kind: 'PERSON', name, sources: cite(name) });
      await t.data(UPSERT, { input: person('test-claim-keep', 'Keep Speaker') }, { key: KEYS.alice });
      await t.data(UPSERT, { input: person('test-claim-dup', 'Dup Speaker') }, { key: KEYS.alice });
      await t.data(
        ADD_CLAIM,
        { input: { id: 'claim-test-by-dup', speaker: 'test-claim-dup', about: [ELECTION], quote: 'by the duplicate', sources: cite('dup') } },
        { key: KEYS.alice },
      );
      await t.data(
        ADD_CLAIM,
        { input: { id: 'claim-test-about-both', speaker: 'miklos-haraszti', about: ['test-claim-keep', 'test-claim-dup'], quote: 'about both', sources: cite('both') } },
        { key: KEYS.alice },
      );
      await t.data(MERGE, { survivor: 'test-claim-keep', duplicate: 'test-claim-dup' }, { key: KEYS.admin });
      const read = await t.data<{
        byDup: Claim;
        aboutBoth: Claim;
        keep: { claims: Array<{ id: string }> };
        viaDuplicateId: { nodes: Array<{ id: string }> };
        changes: { nodes: Array<{ operation: string; after: { claims?: Array<{ id: string; speaker: string }> } }> };
      }>(
        `{ byDup: claim(id: "claim-test-by-dup") { ${CLAIM_FIELDS} }
           aboutBoth: claim(id: "claim-test-about-both") { ${CLAIM_FIELDS} }
           keep: entity(id: "test-claim-keep") { claims { id } }
           viaDuplicateId: claims(speaker: "test-claim-dup") { nodes { id } }
           changes(entity: "test-claim-dup") { nodes { operation after } } }`,
      );
      expect(read.byDup.speaker).toEqual({ id: 'test-claim-keep' });
      expect(read.aboutBoth.about).toEqual([{ id: 'test-claim-keep' }]);
      expect(read.keep.claims.map((c) => c.id)).toEqual(['claim-test-about-both', 'claim-test-by-dup']);
      expect(read.viaDuplicateId.nodes.map((n) => n.id)).toEqual(['claim-test-by-dup']);
      const merge = read.changes.nodes.find((c) => c.operation === 'MERGE_ENTITIES');
      expect(merge?.after.claims?.map((c) => [c.id, c.speaker])).toEqual([
        ['claim-test-about-both', 'miklos-haraszti'],
        ['claim-test-by-dup', 'test-claim-keep'],
      ]);
    });
  });
});
