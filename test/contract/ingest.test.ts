import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { InputError } from '../../src/writes/errors.js';
import { loadSeeds } from '../../src/writes/sources/seed-folder.js';
import { loadOntology } from '../../src/ontology/ontology.js';
import type { Graph } from '../../src/writes/graph.js';
import { describeEachBackend } from '../support/contract.js';

const ontology = loadOntology();

const GOOD = `source: { id: doc-1, title: A report, publisher: Somebody, published: "2012-01" }
entities:
  - { id: ann, kind: PERSON, name: Ann Example, title: Chair, sources: [{ paragraph: 1, quote: "Ann" }] }
  - { id: vote, kind: EVENT, name: A vote, eventType: ELECTION, date: "2012-01-15", turnout: 50, sources: [{ paragraph: 1, quote: "vote" }] }
  - { id: red, kind: PARTY, name: Red Party, aliases: [RP], sources: [{ paragraph: 2, quote: "Red" }] }
relations:
  - { id: r-1, type: CONTESTED, from: red, to: vote, sources: [{ paragraph: 2, quote: "ran" }] }
  - { id: r-2, type: WON_SEATS_IN, from: red, to: vote, voteShare: 12.5, sources: [{ paragraph: 2, quote: "won" }] }
`;

function seedsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pag-seeds-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function dump(store: Graph) {
  const entities = await store.listEntities({ kinds: null, after: null, limit: 1000 });
  const relations = await store.listRelations({ types: null, from: null, to: null, after: null, limit: 1000, includeRetracted: true });
  return JSON.stringify({ entities, relations: relations.relations, sources: await store.listSources() });
}

async function problemsOf(promise: Promise<unknown>) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return (err as InputError).problems;
}

describeEachBackend('seed loading', (backend) => {
  let store: Graph;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ store, dispose } = await backend.open(ontology));
  });
  afterEach(async () => dispose());

  it('loads a file and skips it when it has not changed', async () => {
    const dir = seedsDir({ 'a.yaml': GOOD });
    expect((await loadSeeds(store, ontology, dir)).map((o) => o.status)).toEqual(['loaded']);
    const before = await dump(store);
    expect((await loadSeeds(store, ontology, dir)).map((o) => o.status)).toEqual(['unchanged']);
    expect(await dump(store)).toBe(before);
    const [red] = await store.getEntities(['red']);
    expect(red).toMatchObject({ name: 'Red Party', aliases: ['RP'] });
    const won = await store.listRelations({ types: ['WON_SEATS_IN'], from: null, to: null, after: null, limit: 10, includeRetracted: false });
    expect(won.relations.map((r) => [r.from, r.to, r.attributes.voteShare])).toEqual([['red', 'vote', 12.5]]);
  });

  it('reloads a changed file to the same state as a fresh load (no duplicates)', async () => {
    await loadSeeds(store, ontology, seedsDir({ 'a.yaml': GOOD }));
    const changed = GOOD.replace('voteShare: 12.5', 'voteShare: 13');
    expect((await loadSeeds(store, ontology, seedsDir({ 'a.yaml': changed }))).map((o) => o.status)).toEqual(['loaded']);
    const won = await store.listRelations({ types: null, from: null, to: null, after: null, limit: 10, includeRetracted: false });
    expect(won.relations.map((r) => r.id)).toEqual(['r-1', 'r-2']);
    expect(won.relations[1]?.attributes.voteShare).toBe(13);
  });

  it('keeps whole and fractional numbers exact whatever their order in the file', async () => {
    const text = GOOD.replace('voteShare: 12.5', 'voteShare: 81').replace(
      '  - { id: r-2,',
      '  - { id: r-0, type: WON_VOTES_IN, from: red, to: vote, voteShare: 7.2, sources: [{ paragraph: 2, quote: "x" }] }\n  - { id: r-2,',
    );
    await loadSeeds(store, ontology, seedsDir({ 'a.yaml': text }));
    const rels = await store.listRelations({ types: ['WON_VOTES_IN', 'WON_SEATS_IN'], from: null, to: null, after: null, limit: 10, includeRetracted: false });
    expect(rels.relations.map((r) => r.attributes.voteShare)).toEqual([7.2, 81]);
  });

  it('names file, line and field of each problem, and loads nothing from any file', async () => {
    const bad = GOOD.replace('type: WON_SEATS_IN, from: red, to: vote', 'type: WON_SEATS_IN, from: ann, to: vote').replace('date: "2012-01-15"', 'date: "2012-13"');
    const other = `source: { id: doc-0, title: Other, publisher: P, published: "2011" }
entities:
  - { id: bob, kind: PERSON, name: Bob, sources: [{ paragraph: 1, quote: "Bob" }] }
`;
    const dir = seedsDir({ 'a-good.yaml': other, 'b-bad.yaml': bad });
    const problems = await problemsOf(loadSeeds(store, ontology, dir));
    expect(problems).toEqual([
      expect.objectContaining({ file: 'b-bad.yaml', line: 4, field: 'entities[1].date', message: expect.stringContaining('YYYY-MM-DD') }),
      expect.objectContaining({
        file: 'b-bad.yaml',
        line: 8,
        field: 'relations[1].type',
        message: 'WON_SEATS_IN cannot join PERSON -> EVENT; it joins PARTY -> EVENT',
      }),
    ]);
    expect(await store.listEntities({ kinds: null, after: null, limit: 10 })).toEqual([]);
  });

  it('rejects unknown kinds, fields, relation ends and missing citations', async () => {
    const bad = `source: { id: d, title: T, publisher: P, published: "2012" }
entities:
  - { id: a, kind: ROBOT, name: A, sources: [{ paragraph: 1, quote: q }] }
  - { id: b, kind: PERSON, name: B, shoeSize: 42, sources: [{ paragraph: 1, quote: q }] }
  - { id: c, kind: PARTY, name: C, sources: [] }
relations:
  - { id: r, type: SUPPORTS, from: b, to: nobody, sources: [{ paragraph: 0, quote: q }] }
`;
    const problems = await problemsOf(loadSeeds(store, ontology, seedsDir({ 'x.yaml': bad })));
    expect(problems.map((p) => `${p.line} ${p.field}`)).toEqual([
      '3 entities[0].kind',
      '4 entities[1].shoeSize',
      '5 entities[2].sources',
      '7 relations[0].to',
      '7 relations[0].sources[0].paragraph',
    ]);
    expect(problems[0]?.message).toContain('PERSON, PARTY, ORGANIZATION, EVENT, PLACE');
  });

  it('refuses a lone surrogate, an end before its start, a self-loop and a URL that is not http(s)', async () => {
    const bad = `source: { id: d, title: T, publisher: P, published: "2012", url: "javascript:alert(1)" }
entities:
  - { id: a, kind: PERSON, name: "A \\ud800 broken", sources: [{ paragraph: 1, quote: q }] }
  - { id: b, kind: PERSON, name: B, aliases: ["\\udc00"], sources: [{ paragraph: 1, quote: q }] }
  - { id: c, kind: PARTY, name: C, sources: [{ paragraph: 1, quote: q }] }
relations:
  - { id: r1, type: LEADS, from: b, to: c, start: "2013", end: "2012-06", sources: [{ paragraph: 1, quote: q }] }
  - { id: r2, type: SUPPORTS, from: b, to: b, sources: [{ paragraph: 1, quote: q }] }
  - { id: r3, type: LEADS, from: b, to: c, start: "2012-06", end: "2012", sources: [{ paragraph: 1, quote: q }] }
`;
    const problems = await problemsOf(loadSeeds(store, ontology, seedsDir({ 'x.yaml': bad })));
    expect(problems.map((p) => `${p.line} ${p.field}: ${p.message}`)).toEqual([
      '1 source.url: expected an http:// or https:// address, got "javascript:alert(1)"',
      '3 entities[0].name: contains a lone UTF-16 surrogate (half of a character); send well-formed Unicode text',
      '4 entities[1].aliases: contains a lone UTF-16 surrogate (half of a character); send well-formed Unicode text',
      '7 relations[0].end: ends (2012-06) before it starts (2013)',
      '8 relations[1].to: a relation cannot join "b" to itself',
    ]);
  });

  it('reports a YAML syntax error with its line', async () => {
    const problems = await problemsOf(loadSeeds(store, ontology, seedsDir({ 'broken.yaml': 'entities:\n  - { id: a\n' })));
    expect(problems[0]).toMatchObject({ file: 'broken.yaml', field: '(syntax)' });
    expect(problems[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it('loads a batch larger than one chunk whose first relations join entities of a later chunk', async () => {
    const n = 6_000;
    const person = (i: number) => ({ id: `p${i}`, kind: 'PERSON', name: `Person ${i}`, aliases: [], description: null, sources: [], attributes: {} });
    const entities = Array.from({ length: n }, (_, i) => person(i));
    // Relation i runs from the first entities to the last ones, across chunk boundaries.
    const relations = Array.from({ length: n }, (_, i) => ({ id: `r${i}`, type: 'SUPPORTS', from: `p${i}`, to: `p${n - 1 - i}`, sources: [], refs: {}, attributes: {} }));
    await store.load({ sources: [], entities, relations }, 'import:big', 'f', { actor: 'import:big', summary: null });
    const page = await store.listRelations({ types: null, from: 'p0', to: null, after: null, limit: 10, includeRetracted: false });
    expect(page.relations.map((r) => r.to)).toEqual([`p${n - 1}`]);
  });

  it('rolls back a load that fails inside the transaction', async () => {
    await loadSeeds(store, ontology, seedsDir({ 'a.yaml': GOOD }));
    const before = await dump(store);
    // Validation passes (the end exists in the batch), but the store refuses a relation
    // whose end is missing: the entity upsert already ran and must be undone.
    await expect(
      store.load(
        {
          sources: [],
          entities: [{ id: 'zed', kind: 'PERSON', name: 'Zed', aliases: [], description: null, sources: [], attributes: {} }],
          relations: [{ id: 'r-x', type: 'LEADS', from: 'zed', to: 'ghost', sources: [], refs: {}, attributes: {} }],
        },
        'seed:test',
        'f',
        { actor: 'seed:test', summary: null },
      ),
    ).rejects.toThrow(/refer to entities that do not exist/);
    expect(await dump(store)).toBe(before);
    expect(await store.loadedFingerprint('seed:test')).toBeNull();
  });
});
