import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore, restoreBackup } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { writeBackup } from '../../src/journal/backup.js';
import { openJournaledEmbedded } from '../../src/journal/open-journaled.js';
import { loadOntology } from '../../src/ontology/ontology.js';
import { projectRoot } from '../../src/paths.js';
import type { Graph } from '../../src/writes/graph.js';
import type { RelationRecord } from '../../src/store/records.js';
import { importFiles } from '../../src/writes/sources/import-files.js';
import { loadSeeds } from '../../src/writes/sources/seed-folder.js';
import { neo4jSettings } from '../support/backends.js';
import { describeEachBackend, describeOnEveryBackend } from '../support/contract.js';
import { dumpStore } from '../support/dump.js';
import { KEYS, type GraphqlResponse } from '../support/server.js';

/**
 * Corroboration: a fact stated twice is one relation with two citations. `addRelation`
 * without an id finds the same fact (type, ends after merges, every stored field but the
 * `@annotation` ones) and cites it, saying so in `extensions.corroborated`; `addCitation`
 * cites a relation by id; a citation already there is not added again; and each source
 * lists the relations that cite it.
 */

const SOURCE = 'asia-plus-2012-01-17-kazakhstan-election';
const cite = (quote: string, paragraph = 3) => ({ source: SOURCE, paragraph, quote });

const ADD = `mutation ($input: RelationInput!) { addRelation(input: $input) { id note confidence sources { paragraph sentence quote source { id } } } }`;
const ADD_CITATION = `mutation ($relation: ID!, $citation: CitationInput!) {
  addCitation(relation: $relation, citation: $citation) { id sources { paragraph sentence quote source { id } } }
}`;
const UPSERT = 'mutation ($input: EntityInput!) { upsertEntity(input: $input) { id } }';
const RETRACT = 'mutation ($id: ID!, $reason: String!) { retractRelation(id: $id, reason: $reason) { id } }';
const MERGE = 'mutation ($survivor: ID!, $duplicate: ID!) { mergeEntities(survivor: $survivor, duplicate: $duplicate) { id } }';

interface Added {
  id: string;
  note: string | null;
  confidence: number | null;
  sources: Array<{ paragraph: number; sentence: number | null; quote: string; source: { id: string } }>;
}
type Body = GraphqlResponse<{ addRelation: Added }>['body'] & { extensions?: { corroborated?: Array<{ relation: string; citationsAdded: number }> } };

describeOnEveryBackend('corroboration', (t) => {
  const party = async (id: string) => t.data(UPSERT, { input: { id, kind: 'PARTY', name: `Party ${id}`, sources: [cite(id)] } }, { key: KEYS.alice });
  const add = async (input: Record<string, unknown>, key = KEYS.alice): Promise<Body> => (await t.gql<{ addRelation: Added }>(ADD, { input }, { key })).body as Body;
  const between = async (from: string, to: string) => (await t.store.listRelations({ types: null, from, to, after: null, limit: 100, includeRetracted: true })).relations;

  beforeAll(async () => {
    for (const id of ['corr-a', 'corr-b', 'corr-c', 'corr-d', 'corr-keep', 'corr-dup', 'corr-race']) await party(id);
  });

  it('adding the same relation twice without an id leaves one relation with both citations, and says so', async () => {
    const first = await add({ type: 'SUPPORTS', from: 'corr-a', to: 'corr-b', date: '2012-01', note: 'first say', sources: [cite('one outlet says so')] });
    expect(first.errors).toBeUndefined();
    expect(first.extensions?.corroborated).toBeUndefined();
    // Another note and confidence (annotations) do not make another fact.
    const second = await add(
      { type: 'SUPPORTS', from: 'corr-a', to: 'corr-b', date: '2012-01', note: 'second say', confidence: 0.4, sources: [cite('another outlet says so', 4)] },
      KEYS.bob,
    );
    expect(second.errors).toBeUndefined();
    expect(second.extensions?.corroborated).toEqual([{ relation: first.data!.addRelation.id, citationsAdded: 1 }]);
    expect(second.data!.addRelation).toEqual({
      id: first.data!.addRelation.id,
      note: 'first say',
      confidence: null,
      sources: [
        { paragraph: 3, sentence: null, quote: 'one outlet says so', source: { id: SOURCE } },
        { paragraph: 4, sentence: null, quote: 'another outlet says so', source: { id: SOURCE } },
      ],
    });
    const stored = await between('corr-a', 'corr-b');
    expect(stored.map((r) => [r.id, r.sources.length])).toEqual([[first.data!.addRelation.id, 2]]);

    // The audit log: the add, then the citation the second add brought, by its author.
    const changes = (await t.store.changes({ since: null, entity: 'corr-a', after: null, limit: 100 })).filter((c) => c.relationId === first.data!.addRelation.id);
    expect(changes.map((c) => [c.operation, c.actor])).toEqual([
      ['ADD_RELATION', 'alice'],
      ['ADD_CITATION', 'bob'],
    ]);
    expect((changes[1]!.before as RelationRecord).sources).toHaveLength(1);
    expect((changes[1]!.after as RelationRecord).sources).toHaveLength(2);

    // Once more with a citation it has: still one relation, nothing added.
    const third = await add({ type: 'SUPPORTS', from: 'corr-a', to: 'corr-b', date: '2012-01', sources: [cite('one outlet says so')] });
    expect(third.extensions?.corroborated).toEqual([{ relation: first.data!.addRelation.id, citationsAdded: 0 }]);
    expect((await between('corr-a', 'corr-b')).map((r) => r.sources.length)).toEqual([2]);
  });

  it('another stored field, or an explicit new id, makes a second relation', async () => {
    const base = { type: 'SUPPORTS', from: 'corr-a', to: 'corr-c', date: '2012-01', sources: [cite('a date')] };
    const first = await add(base);
    const otherDate = await add({ ...base, date: '2012-02' });
    expect(otherDate.extensions?.corroborated).toBeUndefined();
    expect(otherDate.data!.addRelation.id).not.toBe(first.data!.addRelation.id);
    const explicit = await add({ ...base, id: 'corr-explicit-1' });
    expect(explicit.errors).toBeUndefined();
    expect(explicit.extensions?.corroborated).toBeUndefined();
    expect(explicit.data!.addRelation.id).toBe('corr-explicit-1');
    expect((await between('corr-a', 'corr-c')).map((r) => r.id).sort()).toEqual([first.data!.addRelation.id, otherDate.data!.addRelation.id, 'corr-explicit-1'].sort());
  });

  it('a retracted relation is not corroborated: the fact is added anew', async () => {
    const base = { type: 'SUPPORTS', from: 'corr-b', to: 'corr-c', sources: [cite('retracted once')] };
    const first = await add(base);
    await t.data(RETRACT, { id: first.data!.addRelation.id, reason: 'wrong' }, { key: KEYS.alice });
    const again = await add(base);
    expect(again.extensions?.corroborated).toBeUndefined();
    expect(again.data!.addRelation.id).not.toBe(first.data!.addRelation.id);
  });

  it('an end given by a merged-away id corroborates the relation on the survivor', async () => {
    const first = await add({ type: 'SUPPORTS', from: 'corr-a', to: 'corr-keep', sources: [cite('before the merge')] });
    await t.data(MERGE, { survivor: 'corr-keep', duplicate: 'corr-dup' }, { key: KEYS.admin });
    const second = await add({ type: 'SUPPORTS', from: 'corr-a', to: 'corr-dup', sources: [cite('after the merge')] });
    expect(second.extensions?.corroborated).toEqual([{ relation: first.data!.addRelation.id, citationsAdded: 1 }]);
    expect((await between('corr-a', 'corr-keep')).map((r) => r.sources.length)).toEqual([2]);
  });

  it('two identical adds at once leave one relation citing both', async () => {
    const input = (quote: string) => ({ type: 'SUPPORTS', from: 'corr-a', to: 'corr-race', role: 'ally', sources: [cite(quote)] });
    const answers = await Promise.all([add(input('race one')), add(input('race two'), KEYS.bob)]);
    for (const a of answers) expect(a.errors).toBeUndefined();
    expect(new Set(answers.map((a) => a.data!.addRelation.id)).size).toBe(1);
    expect(answers.filter((a) => a.extensions?.corroborated).length).toBe(1);
    const stored = await between('corr-a', 'corr-race');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.sources.map((c) => c.quote).sort()).toEqual(['race one', 'race two']);
  });

  describe('addCitation', () => {
    it('adds a citation once, with an ADD_CITATION entry', async () => {
      await add({ id: 'corr-cite-1', type: 'SUPPORTS', from: 'corr-c', to: 'corr-d', sources: [cite('first')] });
      const citation = { source: SOURCE, paragraph: 5, sentence: 2, quote: 'second' };
      const once = await t.data<{ addCitation: Added }>(ADD_CITATION, { relation: 'corr-cite-1', citation }, { key: KEYS.bob });
      expect(once.addCitation.sources.map((c) => c.quote)).toEqual(['first', 'second']);
      const twice = await t.data<{ addCitation: Added }>(ADD_CITATION, { relation: 'corr-cite-1', citation }, { key: KEYS.bob });
      expect(twice.addCitation.sources).toEqual(once.addCitation.sources);
      const [stored] = await between('corr-c', 'corr-d');
      expect(stored!.sources).toEqual([
        { sourceId: SOURCE, paragraph: 3, sentence: null, quote: 'first' },
        { sourceId: SOURCE, paragraph: 5, sentence: 2, quote: 'second' },
      ]);
      const entries = (await t.store.changes({ since: null, entity: null, after: null, limit: 1000 })).filter((c) => c.relationId === 'corr-cite-1');
      expect(entries.map((c) => [c.operation, c.actor, c.entityIds])).toEqual([
        ['ADD_RELATION', 'alice', ['corr-c', 'corr-d']],
        ['ADD_CITATION', 'bob', ['corr-c', 'corr-d']],
        ['ADD_CITATION', 'bob', ['corr-c', 'corr-d']],
      ]);
      expect((entries[1]!.after as RelationRecord).sources).toHaveLength(2);
    });

    const refused = async (variables: Record<string, unknown>, expected: { code: string; argument?: string; message: RegExp }, key: string | null = KEYS.alice) => {
      const before = await dumpStore(t.store);
      const res = await t.gql(ADD_CITATION, variables, key ? { key } : {});
      expect(res.body.errors, JSON.stringify(res.body)).toHaveLength(1);
      const error = res.body.errors![0]!;
      expect(error.extensions?.code).toBe(expected.code);
      if (expected.argument) expect(error.extensions?.argument).toBe(expected.argument);
      expect(error.message).toMatch(expected.message);
      expect(await dumpStore(t.store)).toBe(before);
    };

    it('refuses an unknown relation, a retracted one, a bad citation and a caller without a key, writing nothing', async () => {
      await add({ id: 'corr-cite-retracted', type: 'SUPPORTS', from: 'corr-d', to: 'corr-c', sources: [cite('to retract')] });
      await t.data(RETRACT, { id: 'corr-cite-retracted', reason: 'wrong' }, { key: KEYS.alice });
      const good = cite('fine');
      await refused({ relation: 'corr-no-such-relation', citation: good }, { code: 'BAD_USER_INPUT', argument: 'relation', message: /does not exist/ });
      await refused({ relation: 'corr-cite-retracted', citation: good }, { code: 'BAD_USER_INPUT', argument: 'relation', message: /was retracted/ });
      await refused(
        { relation: 'corr-cite-1', citation: { ...good, source: 'no-such-source' } },
        { code: 'BAD_USER_INPUT', argument: 'citation.source', message: /no-such-source/ },
      );
      await refused(
        { relation: 'corr-cite-1', citation: { ...good, paragraph: 0 } },
        { code: 'BAD_USER_INPUT', argument: 'citation.paragraph', message: /whole number of 1 or more/ },
      );
      await refused({ relation: 'corr-cite-1', citation: { ...good, quote: 'x'.repeat(301) } }, { code: 'BAD_USER_INPUT', argument: 'citation.quote', message: /citation\.quote/ });
      await refused({ relation: 'corr-cite-1', citation: good }, { code: 'UNAUTHENTICATED', message: /API key/ }, null);
    });
  });

  it('a source lists the live relations citing it', async () => {
    await add({ id: 'corr-src-live', type: 'SUPPORTS', from: 'corr-d', to: 'corr-b', sources: [cite('cited')] });
    await add({ id: 'corr-src-gone', type: 'SUPPORTS', from: 'corr-b', to: 'corr-d', sources: [cite('cited, then retracted')] });
    await t.data(RETRACT, { id: 'corr-src-gone', reason: 'wrong' }, { key: KEYS.alice });
    await t.data(
      'mutation ($input: SourceInput!) { addSource(input: $input) { id } }',
      { input: { id: 'corr-uncited', title: 'Nobody cites it', publisher: 'P', published: '2012' } },
      { key: KEYS.alice },
    );
    const read = await t.data<{ source: { relations: Array<{ id: string; from: { id: string } }> }; uncited: { relations: unknown[] } }>(
      `{ source(id: "${SOURCE}") { relations { id from { id } } } uncited: source(id: "corr-uncited") { relations { id } } }`,
    );
    const ids = read.source.relations.map((r) => r.id);
    expect(ids).toContain('corr-src-live');
    expect(ids).not.toContain('corr-src-gone');
    expect(ids).toEqual([...ids].sort());
    expect(read.source.relations.find((r) => r.id === 'corr-src-live')!.from.id).toBe('corr-d');
    // Every live relation of the seed cites its one source.
    const live = (await t.store.listRelations({ types: null, from: null, to: null, after: null, limit: 1000, includeRetracted: false })).relations;
    expect(ids.length).toBe(live.filter((r) => r.sources.some((c) => c.sourceId === SOURCE)).length);
    expect(read.uncited.relations).toEqual([]);
  });
});

/** The journal replays a corroborating add and an addCitation exactly: a restored backup holds the same relations and audit log. */
describe('corroboration through the journal', () => {
  const ontology = loadOntology();
  let work: string;
  let backupFile: string;
  let original: unknown;
  const snapshot = async (store: Graph) =>
    JSON.parse(
      JSON.stringify({
        relations: (await store.listRelations({ types: null, from: null, to: null, after: null, limit: 1000, includeRetracted: true })).relations,
        changes: await store.changes({ since: null, entity: null, after: null, limit: 1000 }),
      }),
    ) as unknown;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'pag-corr-'));
    const store = await openJournaledEmbedded({ dataDir: join(work, 'data'), ontology });
    try {
      await loadSeeds(store, ontology, join(projectRoot, 'seeds'));
      const c = (quote: string) => [{ sourceId: SOURCE, paragraph: 1, sentence: null, quote }];
      const relation = (id: string, quote: string): RelationRecord => ({
        id,
        type: 'SUPPORTS',
        from: 'nur-otan',
        to: 'bolat-abilov',
        sources: c(quote),
        refs: {},
        attributes: {},
        addedBy: 'alice',
      });
      await store.addRelation(relation('rel-j-1', 'first'), 'alice', { corroborate: true });
      const second = await store.addRelation(relation('rel-j-2', 'second'), 'alice', { corroborate: true });
      expect(second.corroborated).toEqual({ relation: 'rel-j-1', citationsAdded: 1 });
      await store.addRelation(relation('rel-j-3', 'explicit'), 'alice');
      await store.addCitation('rel-j-3', { sourceId: SOURCE, paragraph: 2, sentence: 1, quote: 'cited later' }, 'bob');
      original = await snapshot(store);
    } finally {
      await store.close();
    }
    backupFile = join(work, 'graph.backup');
    await writeBackup(join(work, 'data'), backupFile);
  }, 120_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  describeEachBackend('a restored backup', (backend) => {
    it('holds the corroborated relation once, with its citations and audit entries', async () => {
      const config = { ...loadConfig({}), dataDir: join(work, `restored-${backend.name}`), neo4j: backend.name === 'neo4j' ? neo4jSettings : null };
      if (backend.name === 'neo4j') await (await backend.open(ontology)).dispose();
      await restoreBackup(backupFile, config, ontology);
      const store = await openStore(config, ontology);
      try {
        const restored = await snapshot(store);
        expect(restored).toEqual(original);
        const rels = (restored as { relations: RelationRecord[] }).relations.filter((r) => r.id.startsWith('rel-j-'));
        expect(rels.map((r) => [r.id, r.sources.length])).toEqual([
          ['rel-j-1', 2],
          ['rel-j-3', 2],
        ]);
      } finally {
        await store.close();
      }
    }, 120_000);
  });
});

/** Imports: relations given without an id corroborate a fact stated earlier in the file, in the run, or already stored. */
describeEachBackend('import corroboration', (backend) => {
  const ontology = loadOntology();
  let store: Graph;
  let dispose: () => Promise<void>;
  let dir: string;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const PEOPLE = `source: { id: doc-1, title: A report, publisher: Somebody, published: "2013-02" }
entities:
  - { id: ann, kind: PERSON, name: Ann Example, sources: [{ paragraph: 1, quote: "Ann" }] }
  - { id: red, kind: PARTY, name: Red Party, sources: [{ paragraph: 1, quote: "Red" }] }
  - { id: vote, kind: EVENT, name: A vote, eventType: ELECTION, date: "2013-02-10", sources: [{ paragraph: 2, quote: "vote" }] }
`;
  const HEADER = 'type,from,to,date,note,citation.source,citation.paragraph,citation.quote';
  const relations = async () => (await store.listRelations({ types: null, from: null, to: null, after: null, limit: 1000, includeRetracted: true })).relations;
  const quotes = (r: RelationRecord | undefined) => r?.sources.map((c) => c.quote);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pag-corr-import-'));
    ({ store, dispose } = await backend.open(ontology));
    await importFiles(store, ontology, [file('people.yaml', PEOPLE)]);
  });
  afterEach(async () => {
    await dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('CSV: rows stating one fact are one relation citing each, counted in the outcome and the IMPORT entry', async () => {
    const csv = file(
      'edges.csv',
      `${HEADER}\nCONTESTED,red,vote,2013-02-10,first,doc-1,4,ran\nCONTESTED,red,vote,2013-02-10,another note,doc-1,5,ran too\nCONTESTED,red,vote,2013-02-10,,doc-1,4,ran\n`,
    );
    expect(await importFiles(store, ontology, [csv])).toEqual([{ path: csv, status: 'loaded', sources: 0, entities: 0, relations: 1, corroborated: 2 }]);
    const stored = await relations();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.attributes.note).toBe('first');
    expect(quotes(stored[0])).toEqual(['ran', 'ran too']);
    const changes = await store.changes({ since: null, entity: null, after: null, limit: 100 });
    expect(changes.find((c) => c.actor === 'import:edges.csv')?.after).toEqual({ file: 'edges.csv', sources: 0, entities: 0, relations: 1, corroborated: 2 });
  });

  it('JSON: a relation stating a stored fact cites the stored relation, which keeps its id and author', async () => {
    const cite = [{ sourceId: 'doc-1', paragraph: 1, sentence: null, quote: 'curated' }];
    await store.addRelation({ id: 'curated-1', type: 'CONTESTED', from: 'ann', to: 'vote', sources: cite, refs: {}, attributes: {}, addedBy: 'alice' }, 'alice');
    const json = JSON.stringify({
      relations: [
        { type: 'CONTESTED', from: 'ann', to: 'vote', confidence: 0.5, sources: [{ source: 'doc-1', paragraph: 7, quote: 'imported' }] },
        { type: 'CONTESTED', from: 'ann', to: 'vote', date: '2013-02-10', sources: [{ source: 'doc-1', paragraph: 8, quote: 'another fact' }] },
      ],
    });
    const path = file('more.json', json);
    expect(await importFiles(store, ontology, [path])).toEqual([{ path, status: 'loaded', sources: 0, entities: 0, relations: 1, corroborated: 1 }]);
    const stored = await relations();
    expect(stored).toHaveLength(2);
    const curated = stored.find((r) => r.id === 'curated-1');
    expect(curated?.addedBy).toBe('alice');
    expect(curated?.attributes.confidence).toBeNull();
    expect(quotes(curated)).toEqual(['curated', 'imported']);
    expect(stored.find((r) => r.id !== 'curated-1')?.attributes.date).toBe('2013-02-10');
  });

  it('YAML and across files: one fact stated by two files of a run is one relation citing both', async () => {
    const yaml = file(
      'claims.yaml',
      `relations:\n  - { type: LEADS, from: ann, to: red, role: chair, sources: [{ source: doc-1, paragraph: 3, quote: "a" }] }\n  - { type: LEADS, from: ann, to: red, role: chair, sources: [{ source: doc-1, paragraph: 4, quote: "b" }] }\n`,
    );
    const csv = file('leads.csv', `type,from,to,role,citation.source,citation.paragraph,citation.quote\nLEADS,ann,red,chair,doc-1,5,c\n`);
    const outcomes = await importFiles(store, ontology, [yaml, csv]);
    expect(outcomes.map((o) => [o.relations, o.corroborated])).toEqual([
      [1, 1],
      [0, 1],
    ]);
    const stored = await relations();
    expect(stored).toHaveLength(1);
    expect(quotes(stored[0])).toEqual(['a', 'b', 'c']);
    expect(stored[0]!.addedBy).toBe('import:claims.yaml');
  });
});
