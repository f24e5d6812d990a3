import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOntology } from '../../src/ontology/ontology.js';
import { InputError } from '../../src/writes/errors.js';
import { importFiles } from '../../src/writes/sources/import-files.js';
import { describeOnEveryBackend } from '../support/contract.js';
import { dumpStore } from '../support/dump.js';
import { KEYS, type GraphqlResponse } from '../support/server.js';

/**
 * How the source presents a fact (issue 14, part QUAL): a relation's `basis` and
 * `preliminary`, an event's `status` (defaults filled on write and on reading rows stored
 * before the fields existed), `Entity.qualifiers` for hedged figures, the filters on
 * `relations`, and dates that are a relation's own unless `inferDates` asks otherwise.
 */

const SOURCE = 'asia-plus-2012-01-17-kazakhstan-election';
const ELECTION = 'election-2012-01-15-mazhilis';
const cite = (quote: string) => [{ source: SOURCE, paragraph: 6, quote }];

const ADD_RELATION = `mutation ($input: RelationInput!) {
  addRelation(input: $input) { id basis preliminary reportedBy { id } claimedBy { id } }
}`;
const UPSERT = `mutation ($input: EntityInput!) {
  upsertEntity(input: $input) { id qualifiers { field basis preliminary note reportedBy { id } } ... on Event { status turnout } }
}`;

interface Problem {
  message: string;
  extensions?: { code?: string; problems?: Array<{ field: string; message: string }> };
}

describeOnEveryBackend('qualifiers', (t) => {
  /** Sends a write that must be refused, and checks the code, the field at fault and that nothing changed. */
  const refused = async (query: string, variables: Record<string, unknown>, field: string, message: RegExp): Promise<void> => {
    const before = await dumpStore(t.store);
    const res: GraphqlResponse = await t.gql(query, variables, { key: KEYS.alice });
    const after = await dumpStore(t.store);
    expect(res.body.errors, JSON.stringify(res.body)).toHaveLength(1);
    const error = res.body.errors![0] as Problem;
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    const problem = error.extensions?.problems?.find((p) => p.field === field);
    expect(problem, JSON.stringify(error)).toBeDefined();
    expect(problem!.message).toMatch(message);
    expect(after).toBe(before);
  };

  const relation = { type: 'WON_VOTES_IN', from: 'ak-zhol', to: ELECTION, voteShare: 7.5, sources: cite('Ak Zhol won 7.5 percent of the vote') };

  describe('relation basis', () => {
    it('a relation written without basis or preliminary is ESTABLISHED and not preliminary', async () => {
      const data = await t.data<{ addRelation: Record<string, unknown> }>(ADD_RELATION, { input: { ...relation, id: 'rel-q-default' } }, { key: KEYS.alice });
      expect(data.addRelation).toEqual({ id: 'rel-q-default', basis: 'ESTABLISHED', preliminary: false, reportedBy: null, claimedBy: null });
    });

    it('stores REPORTED with reportedBy, CLAIMED with claimedBy, and preliminary', async () => {
      const reported = await t.data<{ addRelation: Record<string, unknown> }>(
        ADD_RELATION,
        { input: { ...relation, id: 'rel-q-reported', basis: 'REPORTED', reportedBy: 'eurasianet', preliminary: true } },
        { key: KEYS.alice },
      );
      expect(reported.addRelation).toEqual({ id: 'rel-q-reported', basis: 'REPORTED', preliminary: true, reportedBy: { id: 'eurasianet' }, claimedBy: null });
      const claimed = await t.data<{ addRelation: Record<string, unknown> }>(
        ADD_RELATION,
        { input: { ...relation, id: 'rel-q-claimed', basis: 'CLAIMED', claimedBy: 'nursultan-nazarbayev' } },
        { key: KEYS.alice },
      );
      expect(claimed.addRelation).toMatchObject({ basis: 'CLAIMED', claimedBy: { id: 'nursultan-nazarbayev' }, preliminary: false });
    });

    it.each([
      ['reportedBy without basis REPORTED', { reportedBy: 'eurasianet' }, 'input.reportedBy', /is only for basis REPORTED .*not ESTABLISHED/],
      ['reportedBy with basis CLAIMED', { basis: 'CLAIMED', claimedBy: 'nursultan-nazarbayev', reportedBy: 'eurasianet' }, 'input.reportedBy', /is only for basis REPORTED/],
      ['claimedBy without basis CLAIMED', { claimedBy: 'nursultan-nazarbayev' }, 'input.claimedBy', /is only for basis CLAIMED .*set basis: CLAIMED/],
      ['basis CLAIMED without claimedBy', { basis: 'CLAIMED' }, 'input.claimedBy', /is required for basis CLAIMED/],
      ['reportedBy naming no entity', { basis: 'REPORTED', reportedBy: 'no-such-outlet' }, 'input.reportedBy', /refers to entity "no-such-outlet", which does not exist/],
    ])('refuses %s, naming the field, and writes nothing', async (_name, extra, field, message) => {
      await refused(ADD_RELATION, { input: { ...relation, id: 'rel-q-refused', ...extra } }, field, message);
    });

    it('a relation with a claimant is CLAIMED, and listed under basis CLAIMED', async () => {
      // The seed has no relation of basis CLAIMED: a curator adds Nazarbayev's 70 percent in Zhanaozen as one.
      await t.data(
        ADD_RELATION,
        {
          input: {
            id: 'rel-q-nur-otan-won-votes-zhanaozen',
            type: 'WON_VOTES_IN',
            from: 'nur-otan',
            to: 'zhanaozen',
            date: '2012-01-15',
            voteShare: 70,
            basis: 'CLAIMED',
            claimedBy: 'nursultan-nazarbayev',
            sources: [{ source: SOURCE, paragraph: 13, quote: 'Nazarbayev said that 70 percent of Zhanaozen residents had voted for Nur Otan' }],
          },
        },
        { key: KEYS.alice },
      );
      const data = await t.data<{ relations: { nodes: Array<{ id: string; basis: string; claimedBy: { id: string } | null }> } }>(
        '{ relations(basis: [CLAIMED], first: 100) { nodes { id basis claimedBy { id } } } }',
      );
      expect(data.relations.nodes).toContainEqual({ id: 'rel-q-nur-otan-won-votes-zhanaozen', basis: 'CLAIMED', claimedBy: { id: 'nursultan-nazarbayev' } });
    });
  });

  describe('filters on relations', () => {
    const ids = async (args: string) => {
      const res = await t.gql<{ relations: { nodes: Array<{ id: string; basis: string; preliminary: boolean }> } }>(
        `{ relations(${args}, first: 100) { nodes { id basis preliminary } } }`,
      );
      expect(res.body.errors, JSON.stringify(res.body)).toBeUndefined();
      return { nodes: res.body.data!.relations.nodes, roundTrips: res.body.extensions?.dbRoundTrips };
    };

    it('basis and preliminary narrow the page in one statement', async () => {
      await t.data(ADD_RELATION, { input: { ...relation, id: 'rel-q-filter-reported', basis: 'REPORTED', reportedBy: 'eurasianet', preliminary: true } }, { key: KEYS.alice });
      const reported = await ids('basis: [REPORTED]');
      expect(reported.nodes.length).toBeGreaterThan(0);
      expect(reported.nodes.every((r) => r.basis === 'REPORTED')).toBe(true);
      expect(reported.nodes.map((r) => r.id)).toContain('rel-q-filter-reported');
      expect(reported.roundTrips).toBe(1);
      const preliminary = await ids('preliminary: true');
      expect(preliminary.nodes.every((r) => r.preliminary)).toBe(true);
      expect(preliminary.nodes.map((r) => r.id)).toContain('rel-q-filter-reported');
      expect(preliminary.roundTrips).toBe(1);
      const firm = await ids('basis: [ESTABLISHED], preliminary: false');
      expect(firm.nodes.every((r) => r.basis === 'ESTABLISHED' && !r.preliminary)).toBe(true);
      expect(firm.nodes.map((r) => r.id)).toContain('rel-abilov-disqualified');
      expect(firm.nodes.map((r) => r.id)).not.toContain('rel-q-filter-reported');
    });

    it('reads a row stored before basis, preliminary and status existed as their defaults, and filters it so', async () => {
      // Written past the validator, as a database from before the fields would hold it.
      await t.store.load(
        {
          sources: [],
          entities: [
            {
              id: 'q-old-event',
              kind: 'EVENT',
              name: 'An old rally',
              aliases: [],
              description: null,
              sources: [{ sourceId: SOURCE, paragraph: 1, sentence: null, quote: 'q' }],
              attributes: {},
            },
          ],
          relations: [
            {
              id: 'rel-q-old',
              type: 'ORGANIZES',
              from: 'ak-zhol',
              to: 'q-old-event',
              sources: [{ sourceId: SOURCE, paragraph: 1, sentence: null, quote: 'q' }],
              refs: {},
              attributes: {},
            },
          ],
        },
        'test:old-rows',
        'old',
        { actor: 'test:old-rows', summary: null },
      );
      const data = await t.data<{ entity: Record<string, unknown>; relations: { nodes: Array<Record<string, unknown>> } }>(
        '{ entity(id: "q-old-event") { id qualifiers { field } ... on Event { status } } relations(from: "ak-zhol", to: "q-old-event") { nodes { id basis preliminary } } }',
      );
      expect(data.entity).toEqual({ id: 'q-old-event', qualifiers: [], status: 'HAPPENED' });
      expect(data.relations.nodes).toEqual([{ id: 'rel-q-old', basis: 'ESTABLISHED', preliminary: false }]);
      expect((await ids('basis: [ESTABLISHED], preliminary: false')).nodes.map((r) => r.id)).toContain('rel-q-old');
      expect((await ids('basis: [REPORTED]')).nodes.map((r) => r.id)).not.toContain('rel-q-old');
    });
  });

  describe('entity qualifiers and event status', () => {
    const election = {
      id: 'q-election',
      kind: 'EVENT',
      name: 'A test election',
      eventType: 'ELECTION',
      date: '2012-01-15',
      turnout: 75.4,
      sources: [{ source: SOURCE, paragraph: 4, quote: 'turnout' }],
    };

    it('an event written without status HAPPENED; a qualifier on its turnout is stored and read back', async () => {
      const plain = await t.data<{ upsertEntity: Record<string, unknown> }>(UPSERT, { input: election }, { key: KEYS.alice });
      expect(plain.upsertEntity).toEqual({ id: 'q-election', qualifiers: [], status: 'HAPPENED', turnout: 75.4 });
      const qualified = await t.data<{ upsertEntity: Record<string, unknown> }>(
        UPSERT,
        {
          input: {
            ...election,
            status: 'PLANNED',
            qualifiers: [{ field: 'turnout', basis: 'REPORTED', reportedBy: 'eurasianet', preliminary: true, note: 'preliminary figure' }],
          },
        },
        { key: KEYS.alice },
      );
      const expected = {
        id: 'q-election',
        status: 'PLANNED',
        turnout: 75.4,
        qualifiers: [{ field: 'turnout', basis: 'REPORTED', preliminary: true, note: 'preliminary figure', reportedBy: { id: 'eurasianet' } }],
      };
      expect(qualified.upsertEntity).toEqual(expected);
      const read = await t.data<{ entity: Record<string, unknown> }>(
        '{ entity(id: "q-election") { id qualifiers { field basis preliminary note reportedBy { id } } ... on Event { status turnout } } }',
      );
      expect(read.entity).toEqual(expected);
    });

    it.each([
      [
        'a field the kind does not have',
        [{ field: 'abbreviation', basis: 'REPORTED' }],
        'input.qualifiers[0].field',
        /"abbreviation" is not a field of an Event; a qualifier names one of/,
      ],
      ['a field with no value', [{ field: 'threshold', basis: 'INFERRED' }], 'input.qualifiers[0].field', /qualifies threshold, which has no value/],
      ['a common field', [{ field: 'name', basis: 'CLAIMED' }], 'input.qualifiers[0].field', /"name" is not a field of an Event/],
      [
        'the same field twice',
        [
          { field: 'turnout', basis: 'REPORTED' },
          { field: 'turnout', basis: 'INFERRED' },
        ],
        'input.qualifiers[1].field',
        /qualifies turnout a second time/,
      ],
      ['reportedBy without basis REPORTED', [{ field: 'turnout', basis: 'CLAIMED', reportedBy: 'eurasianet' }], 'input.qualifiers[0].reportedBy', /is only for basis REPORTED/],
      [
        'reportedBy naming no entity',
        [{ field: 'turnout', basis: 'REPORTED', reportedBy: 'no-such-outlet' }],
        'input.qualifiers[0].reportedBy',
        /refers to entity "no-such-outlet"/,
      ],
    ])('refuses a qualifier of %s, naming the field, and writes nothing', async (_name, qualifiers, field, message) => {
      await refused(UPSERT, { input: { ...election, id: 'q-election-refused', qualifiers } }, field, message);
    });

    it('refuses more qualifiers than @count allows', async () => {
      const many = Array.from({ length: 51 }, () => ({ field: 'turnout', basis: 'REPORTED' }));
      await refused(UPSERT, { input: { ...election, id: 'q-election-many', qualifiers: many } }, 'input.qualifiers', /has more than 50 qualifiers/);
    });
  });

  describe('imports', () => {
    it('an import file is held to the same rules, naming file, line and field, and writes nothing', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pag-qual-'));
      try {
        const path = join(dir, 'hedged.yaml');
        writeFileSync(
          path,
          [
            'entities:',
            '  - id: q-imported-election',
            '    kind: EVENT',
            '    name: An imported election',
            '    turnout: 60',
            '    qualifiers: [{ field: turnout, basis: REPORTED, reportedBy: no-such-outlet }]',
            `    sources: [{ source: ${SOURCE}, paragraph: 1, quote: "q" }]`,
            'relations:',
            `  - { id: rel-q-imported, type: CONTESTED, from: ak-zhol, to: ${ELECTION}, claimedBy: nursultan-nazarbayev, sources: [{ source: ${SOURCE}, paragraph: 1, quote: "q" }] }`,
            '',
          ].join('\n'),
        );
        const before = await dumpStore(t.store);
        const err = await importFiles(t.store, loadOntology(), [path]).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(InputError);
        const problems = (err as InputError).problems.map((p) => `${p.file}:${p.line} ${p.field}`);
        expect(problems).toEqual(['hedged.yaml:6 entities[0].qualifiers[0].reportedBy', 'hedged.yaml:9 relations[0].claimedBy']);
        expect(await dumpStore(t.store)).toBe(before);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('dates', () => {
    const NETWORK = `query ($from: PartialDate, $to: PartialDate, $inferDates: Boolean) {
      network(from: $from, to: $to, inferDates: $inferDates) { edges { id date } inferredDates { relation date event { id } } }
    }`;
    interface Answer {
      network: { edges: Array<{ id: string; date: string | null }>; inferredDates: Array<{ relation: string; date: string; event: { id: string } }> };
    }

    it('by default a relation has only its own dates: an undated one is not in a date range, and nothing is inferred', async () => {
      const data = await t.data<Answer>(NETWORK, { from: '2012-01-15', to: '2012-01-15' });
      expect(data.network.inferredDates).toEqual([]);
      expect(data.network.edges.map((e) => e.id)).not.toContain('rel-abilov-disqualified');
      // Every edge kept is dated by its own date.
      expect(data.network.edges.every((e) => e.date !== null)).toBe(true);
      const all = await t.data<Answer>(NETWORK, {});
      expect(all.network.inferredDates).toEqual([]);
    });

    it('with inferDates an undated relation takes the date of an event it joins, and is listed as inferred', async () => {
      const data = await t.data<Answer>(NETWORK, { from: '2012-01-15', to: '2012-01-15', inferDates: true });
      expect(data.network.edges.map((e) => e.id)).toContain('rel-abilov-disqualified');
      expect(data.network.inferredDates).toContainEqual({ relation: 'rel-abilov-disqualified', date: '2012-01-15', event: { id: ELECTION } });
      // Only undated relations are inferred; the relation keeps no date of its own.
      const undated = new Set(data.network.edges.filter((e) => e.date === null).map((e) => e.id));
      expect(new Set(data.network.inferredDates.map((d) => d.relation))).toEqual(undated);
    });

    it('exports date an undated edge only with inferDates=true, marking it dateInferred', async () => {
      const base = t.url.replace(/\/graphql$/, '');
      const get = async (query: string) => {
        const res = await fetch(`${base}/export/graph.d3.json?${query}`);
        expect(res.status).toBe(200);
        return (await res.json()) as { links: Array<Record<string, unknown>> };
      };
      const plain = await get('types=DISQUALIFIED_FROM');
      const abilov = plain.links.find((l) => l.id === 'rel-abilov-disqualified');
      expect(abilov).toBeDefined();
      expect(abilov!.date).toBeUndefined();
      expect(abilov!.dateInferred).toBeUndefined();
      expect((await get('types=DISQUALIFIED_FROM&from=2012-01-15')).links).toEqual([]);
      const inferred = await get('types=DISQUALIFIED_FROM&from=2012-01-15&inferDates=true');
      expect(inferred.links.find((l) => l.id === 'rel-abilov-disqualified')).toMatchObject({ date: '2012-01-15', dateInferred: true });
      const bad = await fetch(`${base}/export/graph.d3.json?inferDates=maybe`);
      expect(bad.status).toBe(400);
      expect(await bad.text()).toMatch(/inferDates must be true or false/);
    });
  });
});
