import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadOntology } from '../../src/ontology/ontology.js';
import type { Graph } from '../../src/writes/graph.js';
import { InputError, type InputProblem } from '../../src/writes/errors.js';
import { ImportFileError, importFiles } from '../../src/writes/sources/import-files.js';
import { loadSeeds } from '../../src/writes/sources/seed-folder.js';
import { describeEachBackend, describeOnEveryBackend } from '../support/contract.js';
import { dumpStore } from '../support/dump.js';
import { KEYS } from '../support/server.js';

/**
 * Citations checked against a source's text, on every backend: a source with text and
 * its paragraphs, a citation whose quote is not where it says refused (code, field,
 * nothing written), a good one verified, and text added to a source whose stored
 * citations it does not hold refused.
 */

const ontology = loadOntology();

// CRLF line breaks and a blank line: two paragraphs; the first has two sentences (not split at 7.5 or EurasiaNet.org).
const TEXT = 'Ak Zhol won 7.5 percent, according to EurasiaNet.org. Nazarbayev called the vote “honest.”\r\n\r\nObservers found fault with the election.\r\n';
const SEED_SOURCE = 'asia-plus-2012-01-17-kazakhstan-election';

const ADD_SOURCE = `mutation ($input: SourceInput!) { addSource(input: $input) { id text paragraphs { number sentences { number text } } } }`;
const UPSERT = `mutation ($input: EntityInput!) { upsertEntity(input: $input) { id sources { paragraph sentence quote verified source { id } } } }`;
const ADD_RELATION = `mutation ($input: RelationInput!) { addRelation(input: $input) { id sources { quote verified } } }`;

interface Problem {
  message: string;
  extensions?: { code?: string; problems?: Array<{ field: string; message: string }> };
}

const source = (id: string, text?: string) => ({ id, title: 'A report', publisher: 'Somebody', published: '2012-01-17', ...(text === undefined ? {} : { text }) });

describeOnEveryBackend('source text', (t) => {
  /** Sends a write that must be refused with BAD_USER_INPUT at `field`, and checks that nothing changed. */
  const refused = async (query: string, variables: Record<string, unknown>, field: string, message: RegExp): Promise<void> => {
    const before = await dumpStore(t.store);
    const res = await t.gql(query, variables, { key: KEYS.alice });
    expect(await dumpStore(t.store)).toBe(before);
    expect(res.body.errors, JSON.stringify(res.body)).toHaveLength(1);
    const error = res.body.errors![0] as Problem;
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.extensions?.problems?.map((p) => p.field)).toContain(field);
    expect(error.message).toMatch(message);
  };

  it('stores a source with text and serves its paragraphs and sentences by the split rule', async () => {
    const added = await t.data<{ addSource: Record<string, unknown> }>(ADD_SOURCE, { input: source('doc-text', TEXT) }, { key: KEYS.alice });
    expect(added.addSource).toEqual({
      id: 'doc-text',
      text: TEXT,
      paragraphs: [
        {
          number: 1,
          sentences: [
            { number: 1, text: 'Ak Zhol won 7.5 percent, according to EurasiaNet.org.' },
            { number: 2, text: 'Nazarbayev called the vote “honest.”' },
          ],
        },
        { number: 2, sentences: [{ number: 1, text: 'Observers found fault with the election.' }] },
      ],
    });
    const read = await t.data<{ source: { text: string; paragraphs: unknown[] }; seed: { text: null; paragraphs: unknown[] } }>(
      `{ source(id: "doc-text") { text paragraphs { number } } seed: source(id: "${SEED_SOURCE}") { text paragraphs { number } } }`,
    );
    expect(read.source).toEqual({ text: TEXT, paragraphs: [{ number: 1 }, { number: 2 }] });
    expect(read.seed).toEqual({ text: null, paragraphs: [] });
  });

  it('refuses a citation whose quote is not in the cited sentence, naming the field; nothing is written', async () => {
    const input = { id: 'ak-zhol-text', kind: 'PARTY', name: 'Ak Zhol', sources: [{ source: 'doc-text', paragraph: 1, sentence: 2, quote: 'won 7.5 percent' }] };
    await refused(UPSERT, { input }, 'input.sources[0].quote', /input\.sources\[0\]\.quote: does not occur in sentence 2 of paragraph 1/);
    const noParagraph = { ...input, sources: [{ source: 'doc-text', paragraph: 3, quote: 'won' }] };
    await refused(UPSERT, { input: noParagraph }, 'input.sources[0].paragraph', /has 2 paragraphs/);
    const noSentence = { ...input, sources: [{ source: 'doc-text', paragraph: 2, sentence: 2, quote: 'Observers' }] };
    await refused(UPSERT, { input: noSentence }, 'input.sources[0].sentence', /has 1 sentence/);
    const relation = {
      id: 'rel-text-bad',
      type: 'CONTESTED',
      from: 'ak-zhol',
      to: 'election-2012-01-15-mazhilis',
      sources: [{ source: 'doc-text', paragraph: 2, quote: 'honest' }],
    };
    await refused(ADD_RELATION, { input: relation }, 'input.sources[0].quote', /does not occur in paragraph 2/);
  });

  it('accepts a citation that holds, with other quote marks and spacing, as verified; one of a source without text is not', async () => {
    const input = {
      id: 'ak-zhol-text',
      kind: 'PARTY',
      name: 'Ak Zhol',
      sources: [
        { source: 'doc-text', paragraph: 1, sentence: 2, quote: 'called the   vote "honest."' },
        { source: 'doc-text', paragraph: 1, quote: 'EurasiaNet.org. Nazarbayev' },
        { source: SEED_SOURCE, paragraph: 6, quote: 'Ak Zhol won 7.5 percent' },
      ],
    };
    const added = await t.data<{ upsertEntity: { sources: Array<{ verified: boolean; quote: string }> } }>(UPSERT, { input }, { key: KEYS.alice });
    expect(added.upsertEntity.sources.map((s) => [s.quote, s.verified])).toEqual([
      ['called the   vote "honest."', true],
      ['EurasiaNet.org. Nazarbayev', true],
      ['Ak Zhol won 7.5 percent', false],
    ]);
    const relation = {
      id: 'rel-text-good',
      type: 'CONTESTED',
      from: 'ak-zhol',
      to: 'election-2012-01-15-mazhilis',
      sources: [{ source: 'doc-text', paragraph: 2, sentence: 1, quote: 'found fault' }],
    };
    const rel = await t.data<{ addRelation: unknown }>(ADD_RELATION, { input: relation }, { key: KEYS.alice });
    expect(rel.addRelation).toEqual({ id: 'rel-text-good', sources: [{ quote: 'found fault', verified: true }] });
  });

  it('refuses text for a source whose stored citations it does not hold, naming the citation; nothing is written', async () => {
    await refused(
      ADD_SOURCE,
      { input: source(SEED_SOURCE, 'Nothing of the report is here.') },
      'input.text',
      /citation 1 of entity "[^"]+" \(paragraph \d+.*\) does not hold against this text/,
    );
    // doc-text's own citations (above) do not hold against other text either.
    await refused(ADD_SOURCE, { input: source('doc-text', 'Observers found fault with the election.') }, 'input.text', /relation "rel-text-good"|entity "ak-zhol-text"/);
  });

  it('accepts text that holds every stored citation, which then reads as verified', async () => {
    await t.data(ADD_SOURCE, { input: source('doc-later') }, { key: KEYS.alice });
    const input = { id: 'later-person', kind: 'PERSON', name: 'Later Person', sources: [{ source: 'doc-later', paragraph: 2, sentence: 1, quote: 'Later Person spoke' }] };
    expect((await t.data<{ upsertEntity: { sources: Array<{ verified: boolean }> } }>(UPSERT, { input }, { key: KEYS.alice })).upsertEntity.sources[0]!.verified).toBe(false);
    await t.data(ADD_SOURCE, { input: source('doc-later', 'First.\n\nLater Person spoke. Then left.') }, { key: KEYS.alice });
    const read = await t.data<{ entity: { sources: Array<{ verified: boolean }> } }>(`{ entity(id: "later-person") { sources { verified } } }`);
    expect(read.entity.sources).toEqual([{ verified: true }]);
  });

  it('checks a claim’s citations and its quote against the text, and text added later against stored claims', async () => {
    const ADD_CLAIM = `mutation ($input: ClaimInput!) { addClaim(input: $input) { id quote sources { verified } } }`;
    const claim = (id: string, quote: string, cite: string) => ({
      id,
      speaker: 'nursultan-nazarbayev',
      about: ['election-2012-01-15-mazhilis'],
      quote,
      sources: [{ source: 'doc-claim', paragraph: 1, sentence: 2, quote: cite }],
    });
    await t.data(ADD_SOURCE, { input: source('doc-claim', TEXT) }, { key: KEYS.alice });
    // The quote is not in the sentence the claim cites, though the citation itself holds.
    await refused(ADD_CLAIM, { input: claim('claim-text-1', 'dishonest', 'called the vote') }, 'input.quote', /input\.quote: does not occur in any passage the claim cites/);
    await refused(ADD_CLAIM, { input: claim('claim-text-1', 'honest', 'praised the vote') }, 'input.sources[0].quote', /does not occur in sentence 2 of paragraph 1/);
    const added = await t.data<{ addClaim: { id: string; sources: Array<{ verified: boolean }> } }>(
      ADD_CLAIM,
      { input: claim('claim-text-1', '“honest.”', 'called the vote') },
      { key: KEYS.alice },
    );
    expect(added.addClaim).toEqual({ id: 'claim-text-1', quote: '“honest.”', sources: [{ verified: true }] });
    // Text that moves the sentence away is refused, naming the claim.
    await refused(
      ADD_SOURCE,
      { input: source('doc-claim', 'Observers found fault with the election.') },
      'input.text',
      /citation 1 of claim "claim-text-1" \(paragraph 1, sentence 2/,
    );
    const stored = await t.data<{ claim: { sources: Array<{ verified: boolean }> } }>(`{ claim(id: "claim-text-1") { sources { verified } } }`);
    expect(stored.claim.sources).toEqual([{ verified: true }]);
    // A claim whose source had no text when it was added: text given later must hold its quote too.
    await t.data(ADD_SOURCE, { input: source('doc-quote') }, { key: KEYS.alice });
    const later = { ...claim('claim-text-2', 'dishonest', 'called the vote'), sources: [{ source: 'doc-quote', paragraph: 1, sentence: 2, quote: 'called the vote' }] };
    await t.data(ADD_CLAIM, { input: later }, { key: KEYS.alice });
    await refused(
      ADD_SOURCE,
      { input: source('doc-quote', TEXT) },
      'input.text',
      /the quote of claim "claim-text-2" \("dishonest"\) does not occur in any passage the claim cites/,
    );
  });
});

async function problemsOf(promise: Promise<unknown>): Promise<readonly InputProblem[]> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return (err as InputError).problems;
}

const snapshot = async (store: Graph) =>
  JSON.stringify({
    entities: await store.listEntities({ kinds: null, after: null, limit: 1000 }),
    relations: (await store.listRelations({ types: null, from: null, to: null, after: null, limit: 1000, includeRetracted: true })).relations,
    sources: await store.listSources(),
  });

describeEachBackend('source text in imports', (backend) => {
  let store: Graph;
  let dispose: () => Promise<void>;
  let dir: string;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pag-source-text-'));
    ({ store, dispose } = await backend.open(ontology));
  });
  afterEach(async () => {
    await dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const yamlWith = (
    quote: string,
  ) => `source: { id: doc-y, title: A report, publisher: Somebody, published: "2013-02", text: "Ann Example chairs the Red Party.\\nThe Red Party ran." }
entities:
  - { id: ann, kind: PERSON, name: Ann Example, sources: [{ paragraph: 1, sentence: 1, quote: "${quote}" }] }
  - { id: red, kind: PARTY, name: Red Party, sources: [{ paragraph: 2, quote: "Red Party ran" }] }
`;

  it('checks a YAML file’s citations against its source’s text: file, line and field of the one that fails; nothing written', async () => {
    const before = await snapshot(store);
    const problems = await problemsOf(importFiles(store, ontology, [file('bad.yaml', yamlWith('Ann leads'))]));
    expect(problems).toEqual([expect.objectContaining({ file: 'bad.yaml', line: 3, field: 'entities[0].sources[0].quote' })]);
    expect(await snapshot(store)).toBe(before);
    await importFiles(store, ontology, [file('good.yaml', yamlWith('chairs the Red Party'))]);
    expect((await store.getEntities(['ann']))[0]?.id).toBe('ann');
  });

  it('checks a seed file’s citations against its source’s text, as an import’s; nothing written', async () => {
    const seeds = mkdtempSync(join(tmpdir(), 'pag-source-text-seeds-'));
    try {
      writeFileSync(join(seeds, 'a.yaml'), yamlWith('Ann leads'));
      const before = await snapshot(store);
      expect(await problemsOf(loadSeeds(store, ontology, seeds))).toEqual([expect.objectContaining({ file: 'a.yaml', line: 3, field: 'entities[0].sources[0].quote' })]);
      expect(await snapshot(store)).toBe(before);
      writeFileSync(join(seeds, 'a.yaml'), yamlWith('chairs the Red Party'));
      expect(await loadSeeds(store, ontology, seeds)).toEqual([expect.objectContaining({ file: 'a.yaml', status: 'loaded' })]);
    } finally {
      rmSync(seeds, { recursive: true, force: true });
    }
  });

  it('checks JSON and CSV citations of a source stored earlier with text', async () => {
    await importFiles(store, ontology, [file('good.yaml', yamlWith('chairs the Red Party'))]);
    const before = await snapshot(store);
    const json = JSON.stringify({ entities: [{ id: 'bob', kind: 'PERSON', name: 'Bob', sources: [{ source: 'doc-y', paragraph: 2, quote: 'Bob' }] }] });
    expect(await problemsOf(importFiles(store, ontology, [file('bad.json', json)]))).toEqual([
      expect.objectContaining({ file: 'bad.json', field: 'entities[0].sources[0].quote' }),
    ]);
    const csv = 'type,from,to,citation.source,citation.paragraph,citation.sentence,citation.quote\nSUPPORTS,ann,red,doc-y,1,2,chairs\n';
    expect(await problemsOf(importFiles(store, ontology, [file('bad.csv', csv)]))).toEqual([
      expect.objectContaining({ file: 'bad.csv', line: 2, field: expect.stringMatching(/sentence/) as unknown }),
    ]);
    expect(await snapshot(store)).toBe(before);
    await importFiles(store, ontology, [file('good.csv', 'type,from,to,citation.source,citation.paragraph,citation.sentence,citation.quote\nSUPPORTS,ann,red,doc-y,1,1,chairs\n')]);
    expect((await store.listRelations({ types: ['SUPPORTS'], from: null, to: null, after: null, limit: 10, includeRetracted: false })).relations).toHaveLength(1);
  });

  it('keeps the stored text when a file gives its source none, and checks that file’s citations against it', async () => {
    await importFiles(store, ontology, [file('first.yaml', yamlWith('chairs the Red Party'))]);
    const noText = (quote: string) => `source: { id: doc-y, title: A report, publisher: Somebody, published: "2013-02" }
entities:
  - { id: bob, kind: PERSON, name: Bob, sources: [{ paragraph: 2, quote: "${quote}" }] }
`;
    const before = await snapshot(store);
    expect(await problemsOf(importFiles(store, ontology, [file('bad.yaml', noText('Bob ran'))]))).toEqual([
      expect.objectContaining({ file: 'bad.yaml', line: 3, field: 'entities[0].sources[0].quote' }),
    ]);
    expect(await snapshot(store)).toBe(before);
    await importFiles(store, ontology, [file('good.yaml', noText('The Red Party'))]);
    expect((await store.getSources(['doc-y']))[0]?.text).toBe('Ann Example chairs the Red Party.\nThe Red Party ran.');
  });

  it('refuses a file that gives its source text its stored citations (of other files) do not hold; nothing written', async () => {
    await importFiles(store, ontology, [file('first.yaml', yamlWith('chairs the Red Party'))]);
    const before = await snapshot(store);
    const other = `source: { id: doc-y, title: A report, publisher: Somebody, published: "2013-02", text: "Only this." }\n`;
    const refusal = importFiles(store, ontology, [file('other.yaml', other)]);
    await expect(refusal).rejects.toThrow(ImportFileError);
    await expect(refusal).rejects.toThrow(
      /other\.yaml: source\.text: citation 1 of entity "ann" \(paragraph 1, sentence 1, quote "chairs the Red Party"\) does not hold against this text.*nothing was written/,
    );
    expect(await snapshot(store)).toBe(before);
  });
});
