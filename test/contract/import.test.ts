import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, type InputProblem } from '../../src/writes/errors.js';
import { deriveRelationId } from '../../src/writes/sources/csv-edges.js';
import { BATCH, ImportFileError, importFiles, MAX_PROBLEMS } from '../../src/writes/sources/import-files.js';
import { loadOntology } from '../../src/ontology/ontology.js';
import type { Graph } from '../../src/writes/graph.js';
import { projectRoot } from '../../src/paths.js';
import { describeEachBackend } from '../support/contract.js';
import { writeSeedJson } from '../../bench/synthetic.js';

const ontology = loadOntology();

const PEOPLE = `source: { id: doc-1, title: A report, publisher: Somebody, published: "2013-02" }
entities:
  - { id: ann, kind: PERSON, name: Ann Example, sources: [{ paragraph: 1, quote: "Ann" }] }
  - { id: red, kind: PARTY, name: Red Party, sources: [{ paragraph: 1, quote: "Red" }] }
  - { id: vote, kind: EVENT, name: A vote, eventType: ELECTION, date: "2013-02-10", sources: [{ paragraph: 2, quote: "vote" }] }
relations:
  - { id: y-1, type: LEADS, from: ann, to: red, role: chair, sources: [{ paragraph: 3, quote: "Ann leads" }] }
`;

const HEADER = 'type,from,to,date,voteShare,basis,claimedBy,citation.source,citation.paragraph,citation.sentence,citation.quote';
const EDGES = `${HEADER}
CONTESTED,red,vote,2013-02-10,,,,doc-1,4,,"ran, as announced"
WON_VOTES_IN,red,vote,,12.5,CLAIMED,ann,doc-1,5,2,won 12.5
`;

let dir: string;
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Everything the store holds that an import could change, as one comparable text. */
async function dump(store: Graph): Promise<string> {
  const entities = await store.listEntities({ kinds: null, after: null, limit: 1000 });
  const relations = await store.listRelations({ types: null, from: null, to: null, after: null, limit: 1000, includeRetracted: true });
  const changes = await store.changes({ since: null, entity: null, after: null, limit: 100 });
  const fingerprints = await Promise.all(['import:people.yaml', 'import:edges.csv', 'import:bad.csv'].map((k) => store.loadedFingerprint(k)));
  return JSON.stringify({ entities, relations: relations.relations, sources: await store.listSources(), changes, fingerprints });
}

async function problemsOf(promise: Promise<unknown>): Promise<readonly InputProblem[]> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return (err as InputError).problems;
}

const allRelations = async (store: Graph) => (await store.listRelations({ types: null, from: null, to: null, after: null, limit: 1000, includeRetracted: true })).relations;

describeEachBackend('import', (backend) => {
  let store: Graph;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pag-import-files-'));
    ({ store, dispose } = await backend.open(ontology));
  });
  afterEach(async () => {
    await dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a YAML and a CSV file: relations with citations and addedBy, and an IMPORT entry per file', async () => {
    const people = file('people.yaml', PEOPLE);
    const edges = file('edges.csv', EDGES);
    const outcomes = await importFiles(store, ontology, [edges, people]);
    expect(outcomes).toEqual([
      { path: edges, status: 'loaded', sources: 0, entities: 0, relations: 2, corroborated: 0 },
      { path: people, status: 'loaded', sources: 1, entities: 3, relations: 1, corroborated: 0 },
    ]);

    const relations = await allRelations(store);
    const won = relations.find((r) => r.type === 'WON_VOTES_IN');
    expect(won).toMatchObject({
      id: deriveRelationId({ type: 'WON_VOTES_IN', from: 'red', to: 'vote' }),
      from: 'red',
      to: 'vote',
      addedBy: 'import:edges.csv',
      refs: { claimedBy: 'ann' },
      attributes: { voteShare: 12.5, date: null },
      sources: [{ sourceId: 'doc-1', paragraph: 5, sentence: 2, quote: 'won 12.5' }],
    });
    expect(won?.id).toMatch(/^rel-[0-9a-f]{20}$/);
    expect(relations.find((r) => r.type === 'CONTESTED')).toMatchObject({
      attributes: { date: '2013-02-10' },
      sources: [{ sourceId: 'doc-1', paragraph: 4, sentence: null, quote: 'ran, as announced' }],
    });
    expect(relations.find((r) => r.id === 'y-1')?.addedBy).toBe('import:people.yaml');

    const changes = await store.changes({ since: null, entity: null, after: null, limit: 100 });
    // Both entries may carry the same millisecond, so their order is not asserted.
    expect(changes.map((c) => [c.operation, c.actor, c.after]).sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
      ['IMPORT', 'import:edges.csv', { file: 'edges.csv', sources: 0, entities: 0, relations: 2, corroborated: 0 }],
      ['IMPORT', 'import:people.yaml', { file: 'people.yaml', sources: 1, entities: 3, relations: 1, corroborated: 0 }],
    ]);
  });

  it('says unchanged on a re-run and writes nothing; an edited file replaces its relations by id', async () => {
    const people = file('people.yaml', PEOPLE);
    const edges = file('edges.csv', EDGES);
    await importFiles(store, ontology, [people, edges]);
    const before = await dump(store);
    expect((await importFiles(store, ontology, [people, edges])).map((o) => o.status)).toEqual(['unchanged', 'unchanged']);
    expect(await dump(store)).toBe(before);

    file('edges.csv', EDGES.replace(',12.5,', ',13,'));
    expect((await importFiles(store, ontology, [edges])).map((o) => o.status)).toEqual(['loaded']);
    const relations = await allRelations(store);
    expect(relations).toHaveLength(3);
    expect(relations.find((r) => r.type === 'WON_VOTES_IN')?.attributes.voteShare).toBe(13);
  });

  it('writes nothing from any file of the run when the last CSV record has an error', async () => {
    const people = file('people.yaml', PEOPLE);
    await importFiles(store, ontology, [people]);
    const before = await dump(store);
    const other = file('other.yaml', `entities:\n  - { id: bob, kind: PERSON, name: Bob, sources: [{ source: doc-1, paragraph: 1, quote: "Bob" }] }\n`);
    // Past the first batch, so the bad row is checked after earlier ones passed; its multi-line quote moves the line.
    const day = (i: number) => new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const good = Array.from({ length: BATCH + 10 }, (_, i) => `CONTESTED,red,vote,${day(i)},,,,doc-1,${i + 1},,ran`).join('\n');
    const bad = file('bad.csv', `${HEADER}\n${good}\nCONTESTED,red,vote,2012-13,,,,doc-1,9,,"two\nlines"\nWON_SEATS_IN,ann,vote,,5,,,doc-1,9,,won\n`);
    const problems = await problemsOf(importFiles(store, ontology, [other, bad]));
    const last = BATCH + 12;
    expect(problems).toEqual([
      {
        file: 'bad.csv',
        line: BATCH + 12,
        field: `relations[${last - 1}].date`,
        message: 'expected an ISO date as YYYY, YYYY-MM or YYYY-MM-DD, got "2012-13"',
      },
      { file: 'bad.csv', line: BATCH + 14, field: `relations[${last}].type`, message: 'WON_SEATS_IN cannot join PERSON -> EVENT; it joins PARTY -> EVENT' },
    ]);
    expect(await dump(store)).toBe(before);
    expect(await store.getEntities(['bob'])).toEqual([]);
  });

  it('refuses an empty document, a key given twice and a NUL in text, with file and line, and writes nothing', async () => {
    const before = await dump(store);
    const empty = file('empty.json', '{}');
    const headerOnly = file('header.csv', `${HEADER}\n`);
    const twice = file(
      'twice.json',
      JSON.stringify({ source: { id: 'doc-2', title: 'T', publisher: 'P', published: '2013' }, entities: [] }, null, 2).replace(
        '"entities": []',
        '"entities": [\n    { "id": "tw", "kind": "PERSON", "name": "First", "name": "Second", "sources": [{ "paragraph": 1, "quote": "q" }] }\n  ]',
      ),
    );
    const nul = file(
      'nul.json',
      JSON.stringify({
        source: { id: 'doc-3', title: 'T', publisher: 'P', published: '2013' },
        entities: [{ id: 'nl', kind: 'PERSON', name: 'Cut\u0000here', sources: [{ paragraph: 1, quote: 'q' }] }],
      }),
    );
    const nulCell = file('nul.csv', `${HEADER}\nCONTESTED,red,vote,,,,,doc-1,4,,"cut\u0000here"\n`);
    await importFiles(store, ontology, [file('people.yaml', PEOPLE)]);
    const loaded = await dump(store);
    const problems = await problemsOf(importFiles(store, ontology, [empty, twice, nul, headerOnly, nulCell]));
    expect(problems.map((p) => `${p.file}:${p.line} ${p.field}: ${p.message}`)).toEqual([
      'empty.json:1 (file): has nothing to import: no source, entities, relations or claims',
      'twice.json:9 (syntax): the key "name" is given twice in one object; give each key once',
      'nul.json:1 entities[0].name: contains a NUL character (U+0000), which cuts the text short in other tools; remove it',
      'header.csv:2 (rows): has a header and no rows; nothing to import',
      'nul.csv:2 relations[1].citation.quote: contains a NUL character (U+0000), which cuts the text short in other tools; remove it',
    ]);
    expect(await dump(store)).toBe(loaded);
    expect(loaded).not.toBe(before);
  });

  it('names an unknown column, a missing required one, and writes nothing', async () => {
    const bad = file('bad.csv', 'type,from,to,shoeSize,citation.source,citation.paragraph\nCONTESTED,red,vote,42,doc-1,1\n');
    const problems = await problemsOf(importFiles(store, ontology, [bad]));
    expect(problems.map((p) => [p.file, p.line, p.field])).toEqual([
      ['bad.csv', 1, 'shoeSize'],
      ['bad.csv', 1, 'citation.quote'],
    ]);
    expect(problems[0]?.message).toMatch(/^is not a column of an edge list; allowed: id, type, from, to, reportedBy, claimedBy, date, .*citation\.quote$/);
    expect(problems[1]?.message).toBe('is a required column and missing from the header');
    expect(await store.loadedFingerprint('import:bad.csv')).toBeNull();
  });

  it('refuses relations to unknown entities and unknown sources, and rows whose derived ids clash', async () => {
    await importFiles(store, ontology, [file('people.yaml', PEOPLE)]);
    // Rows 2 and 5 state the same fact (corroboration, not a problem); row 4 another one under the same derived id.
    const bad = file(
      'bad.csv',
      `${HEADER}\nCONTESTED,red,vote,,,,,doc-1,1,,ran\nCONTESTED,red,nowhere,,,,,doc-9,1,,ran\nCONTESTED,red,vote,,,CLAIMED,ann,doc-1,2,,ran again\nCONTESTED,red,vote,,,,,doc-1,3,,ran too\n`,
    );
    const problems = await problemsOf(importFiles(store, ontology, [bad]));
    expect(problems.map((p) => `${p.line} ${p.field}: ${p.message}`)).toEqual([
      '3 relations[2].to: refers to entity "nowhere", which does not exist',
      `3 relations[2].citation.source: names source "doc-9", which is neither this file's source nor loaded`,
      `4 relations[3].id: ${deriveRelationId({ type: 'CONTESTED', from: 'red', to: 'vote' })} duplicates the id of the relation at bad.csv:2 (an id derived from type, from, to, date, start, end and role: give such rows an id column)`,
    ]);
    expect(await allRelations(store)).toHaveLength(1);
  });

  it("refuses to change a stored entity's kind, to write under a merged id, or to replace a relation someone else added", async () => {
    await importFiles(store, ontology, [file('people.yaml', PEOPLE)]);
    await store.upsertEntity({ id: 'ann2', kind: 'PERSON', name: 'A. Example', aliases: [], description: null, sources: [], attributes: {} }, 'alice');
    await store.mergeEntities('ann', 'ann2', 'root');
    await store.addRelation({ id: 'curated-1', type: 'CONTESTED', from: 'ann', to: 'vote', sources: [], refs: {}, attributes: {}, addedBy: 'alice' }, 'alice');
    const before = await dump(store);
    const yaml = file(
      'other.yaml',
      `entities:
  - { id: red, kind: PERSON, name: Red Person, sources: [{ source: doc-1, paragraph: 1, quote: "Red" }] }
  - { id: ann2, kind: PERSON, name: Ann Again, sources: [{ source: doc-1, paragraph: 1, quote: "Ann" }] }
`,
    );
    const csv = file(
      'curated.csv',
      `id,${HEADER}
curated-1,CONTESTED,red,vote,,,,,doc-1,1,,ran
y-1,LEADS,ann,red,,,,,doc-1,1,,leads
`,
    );
    const problems = await problemsOf(importFiles(store, ontology, [yaml, csv]));
    expect(problems.map((p) => `${p.file}:${p.line} ${p.field}: ${p.message}`)).toEqual([
      'other.yaml:2 entities[0].kind: entity "red" is stored as a PARTY; its kind cannot change to PERSON',
      'other.yaml:3 entities[1].id: entity "ann2" was merged into "ann"; use that id',
      'curated.csv:2 relations[1].id: relation "curated-1" already exists, added by alice; give this one another id',
      'curated.csv:3 relations[2].id: relation "y-1" already exists, added by import:people.yaml; give this one another id',
    ]);
    expect(await dump(store)).toBe(before);
  });

  it('refuses another relation under the same derived id in two files of one run, naming where it was first', async () => {
    await importFiles(store, ontology, [file('people.yaml', PEOPLE)]);
    // The same row without `claimedBy`: another fact, which would get the same derived id.
    const problems = await problemsOf(importFiles(store, ontology, [file('a.csv', EDGES), file('b.csv', `${HEADER}\n${EDGES.split('\n')[2]!.replace(',CLAIMED,ann,', ',,,')}\n`)]));
    expect(problems.map((p) => `${p.file}:${p.line} ${p.field}`)).toEqual(['b.csv:2 relations[1].id']);
    expect(problems[0]?.message).toMatch(/^rel-[0-9a-f]{20} duplicates the id of the relation at a\.csv:3 /);
  });

  it('imports JSON, and locates a problem in its last record by line', async () => {
    const json = (voteShare: number) =>
      JSON.stringify(
        {
          entities: [{ id: 'green', kind: 'PARTY', name: 'Green', sources: [{ source: 'doc-1', paragraph: 1, quote: 'Green' }] }],
          relations: [
            { id: 'j-1', type: 'CONTESTED', from: 'green', to: 'vote', sources: [{ source: 'doc-1', paragraph: 1, quote: 'ran' }] },
            { id: 'j-2', type: 'WON_SEATS_IN', from: 'green', to: 'vote', voteShare, sources: [{ source: 'doc-1', paragraph: 1, quote: 'won' }] },
          ],
        },
        null,
        2,
      );
    await importFiles(store, ontology, [file('people.yaml', PEOPLE)]);
    const text = json(120);
    const line = text.split('\n').findIndex((l) => l.includes('"voteShare": 120')) + 1;
    expect(line).toBeGreaterThan(30);
    const problems = await problemsOf(importFiles(store, ontology, [file('parties.json', text)]));
    expect(problems).toEqual([{ file: 'parties.json', line, field: 'relations[1].voteShare', message: 'expected a number from 0 to 100, got 120' }]);
    expect(await importFiles(store, ontology, [file('parties.json', json(20))])).toEqual([
      { path: join(dir, 'parties.json'), status: 'loaded', sources: 0, entities: 1, relations: 2, corroborated: 0 },
    ]);
    expect((await store.getEntities(['green']))[0]?.name).toBe('Green');
  });

  it('imports claims from YAML and JSON: asserting the file’s claimed relations, disputing its claims; a bad claim is located by line and nothing is written', async () => {
    await importFiles(store, ontology, [file('people.yaml', PEOPLE)]);
    const claims = {
      relations: [{ id: 'c-rel', type: 'SUPPORTS', from: 'ann', to: 'red', basis: 'CLAIMED', claimedBy: 'ann', sources: [{ source: 'doc-1', paragraph: 6, quote: 'I back Red' }] }],
      claims: [
        {
          id: 'c-ann',
          speaker: 'ann',
          about: ['red', 'vote'],
          quote: 'I back Red',
          stance: 'POSITIVE',
          asserts: ['c-rel'],
          sources: [{ source: 'doc-1', paragraph: 6, quote: 'I back Red' }],
        },
        { id: 'c-red', speaker: 'red', about: ['ann'], quote: 'she does not', stance: 'NEGATIVE', disputes: ['c-ann'], sources: [{ source: 'doc-1', paragraph: 7, quote: 'not' }] },
      ],
    };
    const bad = { ...claims, claims: [claims.claims[0], { ...claims.claims[1], asserts: ['y-1'] }] };
    const badText = JSON.stringify(bad, null, 2);
    const before = await dump(store);
    const problems = await problemsOf(importFiles(store, ontology, [file('claims.json', badText)]));
    expect(problems).toEqual([
      {
        file: 'claims.json',
        line: badText.split('\n').findIndex((l) => l.includes('"y-1"')) + 1,
        field: 'claims[1].asserts[0]',
        message: 'refers to relation "y-1", which is not in this file',
      },
    ]);
    expect(await dump(store)).toBe(before);
    expect(await store.listClaims({ speaker: null, about: null, after: null, limit: 10 })).toEqual([]);

    await importFiles(store, ontology, [file('claims.json', JSON.stringify(claims, null, 2))]);
    const [ann, red] = await store.listClaims({ speaker: null, about: null, after: null, limit: 10 });
    expect(ann).toMatchObject({ id: 'c-ann', speaker: 'ann', about: ['red', 'vote'], asserts: ['c-rel'], addedBy: 'import:claims.json' });
    expect(red).toMatchObject({ id: 'c-red', disputes: ['c-ann'], addedBy: 'import:claims.json' });
    expect((await store.claimsAsserting(['c-rel'])).map((c) => c.id)).toEqual(['c-ann']);

    // The same in YAML, the seed format.
    const yaml = `relations:
  - { id: c-rel-2, type: SUPPORTS, from: red, to: ann, basis: CLAIMED, claimedBy: red, sources: [{ source: doc-1, paragraph: 8, quote: "Red backs Ann" }] }
claims:
  - { id: c-yaml, speaker: red, about: [ann], quote: "we back her", asserts: [c-rel-2], disputes: [c-ann-missing], sources: [{ source: doc-1, paragraph: 8, quote: "back" }] }
`;
    const yamlProblems = await problemsOf(importFiles(store, ontology, [file('more.yaml', yaml)]));
    expect(yamlProblems).toEqual([{ file: 'more.yaml', line: 4, field: 'claims[0].disputes[0]', message: 'refers to claim "c-ann-missing", which is not in this file' }]);
    await importFiles(store, ontology, [file('more.yaml', yaml.replace('disputes: [c-ann-missing], ', ''))]);
    expect((await store.getClaims(['c-yaml']))[0]).toMatchObject({ speaker: 'red', asserts: ['c-rel-2'], addedBy: 'import:more.yaml' });
  });

  it('refuses a file’s claim under another’s claim id, or asserting a relation a stored claim asserts; nothing is written', async () => {
    await importFiles(store, ontology, [file('people.yaml', PEOPLE)]);
    const relation = `relations:
  - { id: r-claimed, type: SUPPORTS, from: red, to: ann, basis: CLAIMED, claimedBy: red, sources: [{ source: doc-1, paragraph: 8, quote: "Red backs Ann" }] }
`;
    await importFiles(store, ontology, [file('f.yaml', relation)]);
    const cited = [{ sourceId: 'doc-1', paragraph: 8, sentence: null, quote: 'back' }];
    const curated = {
      id: 'c-curated',
      speaker: 'red',
      date: null,
      about: ['ann'],
      quote: 'we back her',
      summary: null,
      stance: null,
      asserts: ['r-claimed'],
      disputes: [],
      sources: cited,
      addedBy: 'alice',
    };
    await store.addClaim(curated, 'alice');
    const before = await dump(store);
    // The file, edited to assert its relation itself: the curator's claim asserts it already.
    const asserting = `${relation}claims:
  - { id: c-file, speaker: red, about: [ann], quote: "we back her", asserts: [r-claimed], sources: [{ source: doc-1, paragraph: 8, quote: "back" }] }
`;
    await expect(importFiles(store, ontology, [file('f.yaml', asserting)])).rejects.toThrow(/relation "r-claimed" is already asserted by claim "c-curated"/);
    // Another file under the curator's claim id.
    const taken = `claims:
  - { id: c-curated, speaker: ann, about: [red], quote: "no", sources: [{ source: doc-1, paragraph: 8, quote: "no" }] }
`;
    await expect(importFiles(store, ontology, [file('g.yaml', taken)])).rejects.toThrow(/claim "c-curated" already exists, added by alice; give this one another id/);
    expect(await dump(store)).toBe(before);
    expect((await store.getClaims(['c-curated']))[0]).toMatchObject({ speaker: 'red', asserts: ['r-claimed'], addedBy: 'alice' });
  });

  it('refuses malformed files with file and line, and writes nothing: JSON with a trailing comma, empty YAML, an alias bomb, a CSV with no rows', async () => {
    const before = await dump(store);
    const trailing = file('trailing.json', '{\n  "entities": [],\n  "relations": [],\n}\n');
    const empty = file('empty.yaml', '\n\n');
    const bomb = file(
      'bomb.yaml',
      [
        'a: &a [x, x, x, x, x, x, x, x, x, x]',
        ...Array.from(
          { length: 8 },
          (_, i) =>
            `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
              .fill(`*${String.fromCharCode(97 + i)}`)
              .join(', ')}]`,
        ),
      ].join('\n'),
    );
    const headerOnly = file('header.csv', `${HEADER}\n`);
    const seen = new Map<string, InputProblem>();
    for (const path of [trailing, empty, bomb, headerOnly]) {
      const [problem, ...rest] = await problemsOf(importFiles(store, ontology, [path]));
      expect(rest).toEqual([]);
      seen.set(path, problem!);
    }
    expect(seen.get(trailing)).toMatchObject({ file: 'trailing.json', line: 4, field: '(syntax)', message: expect.stringMatching(/^not valid JSON/) });
    expect(seen.get(empty)).toMatchObject({ file: 'empty.yaml', line: 1, message: expect.stringMatching(/empty/) });
    expect(seen.get(bomb)).toMatchObject({ file: 'bomb.yaml', line: 2, message: expect.stringMatching(/too many aliases/) });
    expect(seen.get(headerOnly)).toMatchObject({ file: 'header.csv', line: 2, message: 'has a header and no rows; nothing to import' });
    expect(await dump(store)).toBe(before);
  });

  it('reports at most MAX_PROBLEMS problems and says it stopped', async () => {
    await importFiles(store, ontology, [file('people.yaml', PEOPLE)]);
    const rows = Array.from({ length: 30 }, (_, i) => `CONTESTED,red,vote,2013-02-${String(i + 1).padStart(2, '0')},,,,doc-1,0,,ran`);
    const problems = await problemsOf(importFiles(store, ontology, [file('bad.csv', `${HEADER}\n${rows.join('\n')}\n`)]));
    expect(problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(problems[0]).toEqual({ file: 'bad.csv', line: 2, field: 'relations[1].citation.paragraph', message: 'expected a whole number of 1 or more' });
    expect(problems.at(-1)).toEqual({ file: 'bad.csv', line: null, field: '(import)', message: `checking stopped after ${MAX_PROBLEMS} problems` });
  });

  it('when the database fails on a later file, says which files are in; a re-run finishes the rest', async () => {
    await importFiles(store, ontology, [file('people.yaml', PEOPLE)]);
    const first = file('a.csv', EDGES);
    const second = file('b.csv', `${HEADER}\nCONTESTED,ann,vote,2013-02-10,,,,doc-1,6,,Ann ran\n`);
    let loads = 0;
    const failing = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop !== 'load') return Reflect.get(target, prop, receiver);
        return (...args: Parameters<Graph['load']>) => (++loads === 2 ? Promise.reject(new Error('disk full')) : target.load(...args));
      },
    });
    await expect(importFiles(failing, ontology, [first, second])).rejects.toThrow(
      new ImportFileError(`${second}: not written: disk full; already written: ${first} (run the import again to finish)`),
    );
    expect(await store.loadedFingerprint('import:b.csv')).toBeNull();
    expect((await importFiles(store, ontology, [first, second])).map((o) => o.status)).toEqual(['unchanged', 'loaded']);
  });

  it('reads CSV column names and relation types in any case, and refuses an unknown type with the list of types', async () => {
    await importFiles(store, ontology, [file('people.yaml', PEOPLE)]);
    const cased = file(
      'cased.csv',
      `Type,FROM,To,Date,VOTESHARE,Citation.Source,citation.PARAGRAPH,Citation.Quote
supports,ann,red,2013-01-01,,doc-1,4,backs
Supports,ann,red,2013-01-02,,doc-1,4,backs again
won_votes_in,red,vote,,12.5,doc-1,5,won
`,
    );
    expect((await importFiles(store, ontology, [cased]))[0]).toMatchObject({ status: 'loaded', relations: 3 });
    const relations = await allRelations(store);
    expect(
      relations
        .filter((r) => r.addedBy === 'import:cased.csv')
        .map((r) => r.type)
        .sort(),
    ).toEqual(['SUPPORTS', 'SUPPORTS', 'WON_VOTES_IN']);
    // The id is derived from the type as the SDL names it, so the case it was written in does not matter.
    expect(relations.some((r) => r.id === deriveRelationId({ type: 'SUPPORTS', from: 'ann', to: 'red', date: '2013-01-01' }))).toBe(true);

    const bad = file('bad.csv', 'type,from,to,citation.source,citation.paragraph,citation.quote,TYPE\nsupportz,ann,red,doc-1,1,x,SUPPORTS\n');
    expect((await problemsOf(importFiles(store, ontology, [bad]))).map((p) => `${p.file}:${p.line} ${p.field}: ${p.message}`)).toEqual([
      'bad.csv:1 TYPE: is a duplicate column (the same as type)',
    ]);
    file('bad.csv', 'type,from,to,citation.source,citation.paragraph,citation.quote\nsupportz,ann,red,doc-1,1,x\n');
    expect(await problemsOf(importFiles(store, ontology, [bad]))).toEqual([
      { file: 'bad.csv', line: 2, field: 'relations[1].type', message: `expected one of ${ontology.relationTypes.map((t) => t.name).join(', ')}, got "supportz"` },
    ]);
  });

  it('reads CSV separated by semicolons or tabs, and says what it found in a header separated otherwise', async () => {
    await importFiles(store, ontology, [file('people.yaml', PEOPLE)]);
    const semicolons = file('semicolons.csv', `${HEADER.replaceAll(',', ';')}\nCONTESTED;red;vote;2013-02-10;;;;doc-1;4;;"ran; as announced, twice"\n`);
    const tabs = file('tabs.csv', `${HEADER.replaceAll(',', '\t')}\nWON_VOTES_IN\tred\tvote\t\t12.5\tCLAIMED\tann\tdoc-1\t5\t2\twon, with 12.5\n`);
    expect((await importFiles(store, ontology, [semicolons, tabs])).map((o) => [o.status, o.relations])).toEqual([
      ['loaded', 1],
      ['loaded', 1],
    ]);
    const relations = await allRelations(store);
    expect(relations.find((r) => r.type === 'CONTESTED')?.sources[0]?.quote).toBe('ran; as announced, twice');
    expect(relations.find((r) => r.type === 'WON_VOTES_IN')).toMatchObject({ attributes: { voteShare: 12.5 }, refs: { claimedBy: 'ann' } });

    const bars = file('bars.csv', `${HEADER.replaceAll(',', '|')}\nCONTESTED|red|vote||||||doc-1|4||ran\n`);
    const [problem, ...rest] = await problemsOf(importFiles(store, ontology, [bars]));
    expect(problem).toMatchObject({ file: 'bars.csv', line: 1, field: HEADER.replaceAll(',', '|') });
    expect(problem?.message).toMatch(/the header seems to separate its columns with vertical bars; separate them with commas, semicolons or tabs/);
    expect(rest.map((p) => p.message)).toEqual(Array(6).fill('is a required column and missing from the header'));
  });

  it('gives YAML and JSON relations without an id the id a CSV row without one gets', async () => {
    const withoutIds = `${PEOPLE.replace('{ id: y-1, ', '{ ')}  - { type: CONTESTED, from: red, to: vote, date: 2013-02-10, sources: [{ paragraph: 4, quote: "ran" }] }\n`;
    const json = JSON.stringify({
      relations: [{ type: 'WON_VOTES_IN', from: 'red', to: 'vote', voteShare: 12.5, sources: [{ source: 'doc-1', paragraph: 5, quote: 'won' }] }],
    });
    expect((await importFiles(store, ontology, [file('people.yaml', withoutIds), file('votes.json', json)])).map((o) => o.relations)).toEqual([2, 1]);
    const ids = (await allRelations(store)).map((r) => r.id).sort();
    expect(ids).toEqual(
      [
        deriveRelationId({ type: 'LEADS', from: 'ann', to: 'red', role: 'chair' }),
        deriveRelationId({ type: 'CONTESTED', from: 'red', to: 'vote', date: '2013-02-10' }),
        deriveRelationId({ type: 'WON_VOTES_IN', from: 'red', to: 'vote' }),
      ].sort(),
    );
    // The same relation as a CSV row is the same relation: it cites the one stored, which keeps its author.
    const contested = deriveRelationId({ type: 'CONTESTED', from: 'red', to: 'vote', date: '2013-02-10' });
    const csv = file('again.csv', `${HEADER}\nCONTESTED,red,vote,2013-02-10,,,,doc-1,6,,ran again\n`);
    expect(await importFiles(store, ontology, [csv])).toMatchObject([{ status: 'loaded', relations: 0, corroborated: 1 }]);
    const cited = (await allRelations(store)).find((r) => r.id === contested);
    expect(cited?.addedBy).toBe('import:people.yaml');
    expect(cited?.sources.map((c) => c.quote)).toEqual(['ran', 'ran again']);
    // Two relations of one file that would get the same id but state different facts are refused, saying why.
    const twice = file(
      'twice.yaml',
      `relations:\n  - { type: CONTESTED, from: ann, to: vote, sources: [{ source: doc-1, paragraph: 1, quote: "a" }] }\n  - { type: CONTESTED, from: ann, to: vote, basis: CLAIMED, claimedBy: red, sources: [{ source: doc-1, paragraph: 2, quote: "b" }] }\n`,
    );
    const [dup] = await problemsOf(importFiles(store, ontology, [twice]));
    expect(dup).toMatchObject({ file: 'twice.yaml', line: 3, field: 'relations[1].id' });
    expect(dup?.message).toMatch(
      /^duplicates the id of an earlier relation \(rel-[0-9a-f]{20}, an id derived from type, from, to, date, start, end and role: give one of them an id\)$/,
    );
  });

  it('streams JSON: its parts in any order, each problem located by line, a syntax error inside a record or between records', async () => {
    const doc = {
      relations: [
        { id: 'j-1', type: 'CONTESTED', from: 'green', to: 'poll', sources: [{ paragraph: 1, quote: 'ran' }] },
        { type: 'WON_SEATS_IN', from: 'green', to: 'poll', voteShare: 9, sources: [{ paragraph: 2, quote: 'won' }] },
      ],
      entities: [
        { id: 'green', kind: 'PARTY', name: 'Green', sources: [{ paragraph: 1, quote: 'Green' }] },
        { id: 'poll', kind: 'EVENT', name: 'A poll', eventType: 'ELECTION', sources: [{ paragraph: 1, quote: 'poll' }] },
      ],
      source: { id: 'doc-2', title: 'Another report', publisher: 'Somebody', published: '2014' },
    };
    const text = JSON.stringify(doc, null, 2);
    const before = await dump(store);
    const lineOf = (t: string, needle: string) => t.split('\n').findIndex((l) => l.includes(needle)) + 1;

    // A value of a record that JSON.parse refuses; a missing comma between two records.
    const badValue = text.replace('"voteShare": 9', '"voteShare": 9.');
    const noComma = text.replace(/\},(\n\s*\{\n\s*"id": "poll")/, '}$1');
    const dupKey = text.replace('"source": {', '"entities": [],\n  "source": {');
    const seen = new Map<string, readonly InputProblem[]>();
    for (const [name, t] of [
      ['value.json', badValue],
      ['comma.json', noComma],
      ['twice.json', dupKey],
    ] as const) {
      seen.set(name, await problemsOf(importFiles(store, ontology, [file(name, t)])));
    }
    expect(seen.get('value.json')).toEqual([
      { file: 'value.json', line: lineOf(badValue, '"voteShare": 9.'), field: '(syntax)', message: expect.stringMatching(/^not valid JSON: /) },
    ]);
    expect(seen.get('comma.json')).toEqual([
      { file: 'comma.json', line: lineOf(noComma, '"id": "poll"') - 1, field: '(syntax)', message: "not valid JSON: unexpected '{' where ',' or ']' was expected" },
    ]);
    expect(seen.get('twice.json')).toContainEqual({
      file: 'twice.json',
      line: lineOf(dupKey, '"entities": [],'),
      field: 'entities',
      message: 'is given twice; give each of source, entities, relations and claims once',
    });
    expect(await dump(store)).toBe(before);

    expect(await importFiles(store, ontology, [file('parts.json', text)])).toEqual([
      { path: join(dir, 'parts.json'), status: 'loaded', sources: 1, entities: 2, relations: 2, corroborated: 0 },
    ]);
    const relations = await allRelations(store);
    expect(relations.map((r) => r.id).sort()).toEqual([deriveRelationId({ type: 'WON_SEATS_IN', from: 'green', to: 'poll' }), 'j-1'].sort());
    expect(relations.every((r) => r.sources[0]?.sourceId === 'doc-2')).toBe(true);
    const [change] = (await store.changes({ since: null, entity: null, after: null, limit: 10 })).filter((c) => c.actor === 'import:parts.json');
    expect([...(change?.entityIds ?? [])].sort()).toEqual(['green', 'poll']);
  });

  it('refuses files it cannot import, before reading any', async () => {
    await expect(importFiles(store, ontology, [file('notes.txt', 'x')])).rejects.toThrow(
      new ImportFileError(`${join(dir, 'notes.txt')}: cannot import a .txt file; expected .json, .yaml, .yml or .csv`),
    );
    await expect(importFiles(store, ontology, [join(dir, 'missing.csv')])).rejects.toThrow(`${join(dir, 'missing.csv')}: no such file`);
  });
});

describe('a large JSON import', () => {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pag-import-large-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an 18 MB file whose last record is bad, with its line, in bounded memory', { timeout: 300_000 }, async () => {
    // bench/import-rss.ts in a process of its own, since peak memory is per process; it
    // imports into a fresh embedded database. Reading the file whole, then parsing it again
    // with line positions to report the problem, took 1.2 GB more than at start at this size.
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'bench/import-rss.ts'), 'json-bad', '60000'], {
      cwd: projectRoot,
      env: { ...process.env, NEO4J_URI: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
    const m =
      /peak RSS (\d+) MB \(at start (\d+) MB\).*; ([\d.]+) MB of JSON, refused: bench-all\.json:(\d+): relations\[59999\]\.voteShare: expected a number from 0 to 100, got 120$/m.exec(
        out,
      );
    expect(m, out).not.toBeNull();
    const [, peak, start, size, line] = m!.map(Number);
    expect(size).toBeGreaterThan(17);
    // The line of the bad value in the same file, written here.
    const same = readFileSync(writeSeedJson(dir, 60_000, { badLast: true }), 'utf8').split('\n');
    expect(line).toBe(same.lastIndexOf('      "voteShare": 120,') + 1);
    expect(peak! - start!).toBeLessThan(500);
  });
});

describe('the import command', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pag-import-cli-'));
  const files = mkdtempSync(join(tmpdir(), 'pag-import-cli-files-'));
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  });

  function importCli(...args: string[]): Promise<{ code: number | null; lines: string[] }> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/main.ts'), 'import', ...args], {
      cwd: projectRoot,
      env: { ...process.env, DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, lines: out.split('\n').filter(Boolean) })));
  }

  it('refuses a missing file and a file of another type with one line and exit code 1', async () => {
    expect(await importCli(join(files, 'nope.csv'))).toEqual({ code: 1, lines: [`${join(files, 'nope.csv')}: no such file`] });
    const txt = join(files, 'edges.txt');
    writeFileSync(txt, 'type,from,to\n');
    expect(await importCli(txt)).toEqual({ code: 1, lines: [`${txt}: cannot import a .txt file; expected .json, .yaml, .yml or .csv`] });
  });

  it('imports edges between seed entities, reports an invalid file with its line and field, and says unchanged on a re-run', async () => {
    const bad = join(files, 'bad.csv');
    writeFileSync(bad, `${HEADER}\nCONTESTED,ak-zhol,election-2012-01-15-mazhilis,2012-13,,,,asia-plus-2012-01-17-kazakhstan-election,1,,ran\n`);
    const failed = await importCli(bad);
    expect(failed.code).toBe(1);
    expect(failed.lines.slice(-2)).toEqual([
      'import is invalid, nothing was written:',
      'bad.csv:2: relations[1].date: expected an ISO date as YYYY, YYYY-MM or YYYY-MM-DD, got "2012-13"',
    ]);

    const good = join(files, 'good.csv');
    writeFileSync(good, `${HEADER}\nCONTESTED,ak-zhol,election-2012-01-15-mazhilis,2012-01-15,,,,asia-plus-2012-01-17-kazakhstan-election,1,,ran\n`);
    // The seed states that fact already: the row cites it, and says so.
    expect(await importCli(good)).toEqual({ code: 0, lines: [`${good}: loaded (0 entities, 0 relations, 1 corroborated)`] });
    expect(await importCli(good)).toEqual({ code: 0, lines: [`${good}: unchanged`] });
  });
});
