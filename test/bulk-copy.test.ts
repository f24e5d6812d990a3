import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, type GenerateResult } from '../bench/generate.js';
import { InputError } from '../src/writes/errors.js';
import { importFiles } from '../src/writes/sources/import-files.js';
import { loadOntology } from '../src/ontology/ontology.js';
import { BulkCopyRefused, BulkCopyUnsupported, bulkLoad, type BulkTarget } from '../src/store/embedded/bulk-copy.js';
import { bulkImportFiles, recordBulkLoad } from '../src/writes/sources/bulk-import.js';
import { openEmbeddedStore, openEmbeddedWithExecutor } from '../src/store/embedded/open.js';
import type { EntityRecord } from '../src/store/records.js';
import { Graph } from '../src/writes/graph.js';
import type { GraphReads } from '../src/store/graph-reads.js';
import type { LoadSink } from '../src/store/load-sink.js';

const ontology = loadOntology();

/** Values CSV makes hard: commas and quotes in list elements, line breaks, empty and padded strings, backslashes. */
const TRICKY = {
  source: { id: 'tricky-doc', title: 'A "tricky", source', publisher: 'Back\\slash Press', published: '2019-07', via: '', url: 'https://example.org/a,b?c="d"' },
  entities: [
    {
      id: 'tricky-person',
      kind: 'PERSON',
      name: '  Padded, "Quoted" Name ',
      aliases: ['Last, First', '[bracketed]', "O'Brien", 'quote " inside', 'back\\slash', 'Ünïcødé 日本'],
      description: 'first line\nsecond line, with a comma\r\nand "quotes"',
      title: '',
      sources: [{ paragraph: 1, sentence: 2, quote: 'a quote, with "marks"' }],
    },
    { id: 'tricky-party', kind: 'PARTY', name: 'Party', description: '', abbreviation: 'P,P', orientation: ' ', sources: [{ paragraph: 2, quote: 'x' }] },
    {
      id: 'tricky-vote',
      kind: 'EVENT',
      name: 'Vote',
      eventType: 'ELECTION',
      date: '2019',
      turnout: 0.1,
      threshold: 100,
      partiesRunning: 0,
      sources: [{ paragraph: 3, quote: 'v' }],
    },
  ],
  relations: [
    { id: 'tricky-1', type: 'LEADS', from: 'tricky-person', to: 'tricky-party', role: '', start: '2001-02', sources: [{ paragraph: 4, quote: '""' }] },
    {
      id: 'tricky-2',
      type: 'WON_VOTES_IN',
      from: 'tricky-party',
      to: 'tricky-vote',
      voteShare: 33.333333333333336,
      confidence: 1,
      basis: 'CLAIMED',
      claimedBy: 'tricky-person',
      note: 'multi\nline, note',
      sources: [
        { paragraph: 5, quote: 'first' },
        { paragraph: 6, sentence: 1, quote: 'second, "cited"' },
      ],
    },
    { id: 'tricky-3', type: 'OBSERVED', from: 'tricky-person', to: 'tricky-vote', role: ' padded ', date: '2019-07-01', sources: [{ paragraph: 7, quote: 'said' }] },
  ],
};

async function all<T>(page: (after: string | null) => Promise<T[]>, idOf: (item: T) => string): Promise<T[]> {
  const out: T[] = [];
  for (let after: string | null = null; ;) {
    const items = await page(after);
    out.push(...items);
    if (items.length < 1000) return out;
    after = idOf(items[items.length - 1]!);
  }
}

/** What the store holds, through its own read methods; audit ids and times left out. */
async function dump(store: GraphReads & Pick<Graph, 'loadedFingerprint'>, keys: readonly string[]) {
  const entities = await all(
    (after) => store.listEntities({ kinds: null, after, limit: 1000 }),
    (e) => e.id,
  );
  const relations = await all(
    async (after) => (await store.listRelations({ types: null, from: null, to: null, after, limit: 1000, includeRetracted: true })).relations,
    (r) => r.id,
  );
  const changes = (await store.changes({ since: null, entity: null, after: null, limit: 100 })).map(({ id: _id, at: _at, ...rest }) => rest);
  const fingerprints = await Promise.all(keys.map((k) => store.loadedFingerprint(k)));
  const search = await store.search({ text: 'padded quoted name', kinds: null, limit: 3 });
  return { entities, relations, sources: await store.listSources(), changes, fingerprints, search };
}

describe('bulk copy', () => {
  let dir: string;
  let files: string[];
  let generated: GenerateResult;
  let viaLoad: Graph;
  let viaCopy: BulkTarget;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pag-bulk-test-'));
    generated = await generate({ entities: 200, relations: 2_000, seed: 42, outDir: join(dir, 'gen') });
    const tricky = join(dir, 'tricky.json');
    writeFileSync(tricky, JSON.stringify(TRICKY, null, 2));
    files = [...generated.files, tricky];
    viaLoad = new Graph(await openEmbeddedStore({ dataDir: join(dir, 'db-load'), ontology }), ontology);
    viaCopy = await openEmbeddedWithExecutor({ dataDir: join(dir, 'db-copy'), ontology });
  });

  afterAll(async () => {
    await viaLoad?.close();
    await viaCopy?.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates the same bytes for the same arguments, and files the import path accepts', async () => {
    const again = await generate({ entities: 200, relations: 2_000, seed: 42, outDir: join(dir, 'gen-again') });
    expect(again.files.map((f) => basename(f))).toEqual(generated.files.map((f) => basename(f)));
    for (const [i, f] of generated.files.entries()) expect(readFileSync(again.files[i]!).equals(readFileSync(f))).toBe(true);
    expect({ ...again, files: null }).toEqual({ ...generated, files: null });
    const other = await generate({ entities: 200, relations: 2_000, seed: 43, outDir: join(dir, 'gen-other') });
    expect(readFileSync(other.files[0]!).equals(readFileSync(generated.files[0]!))).toBe(false);

    const outcomes = await importFiles(viaLoad, ontology, files);
    expect(outcomes.map((o) => [o.status, o.entities, o.relations])).toEqual([
      ['loaded', 200, 0],
      ['loaded', 0, 2_000],
      ['loaded', 3, 3],
    ]);
    // What the generator says about its graph holds in the store.
    const degree = async (id: string) => (await viaLoad.relationsOf({ ids: [id], types: null, direction: 'BOTH', includeRetracted: true })).relations.length;
    expect(await degree(generated.leaf)).toBe(1);
    expect(await degree(generated.hubs.person)).toBeGreaterThan(50);
    expect((await viaLoad.getEntities([generated.hubs.party]))[0]?.kind).toBe('PARTY');
    const [a, b] = generated.distant;
    // Four hops apart: beyond three, within the default reach of `paths`.
    expect(await viaLoad.shortestPaths({ from: a, to: b, maxLength: 3, types: null, limit: 1 })).toEqual([]);
    const [path] = await viaLoad.shortestPaths({ from: a, to: b, maxLength: 4, types: null, limit: 1 });
    expect(path?.edges).toHaveLength(4);
  });

  it('reads back what store.load wrote, identically', async () => {
    // Runs after the test above, which loaded the same files through store.load.
    const result = await bulkImportFiles(viaCopy, ontology, files);
    expect(result.value.map((o) => [o.status, o.entities, o.relations])).toEqual([
      ['loaded', 200, 0],
      ['loaded', 0, 2_000],
      ['loaded', 3, 3],
    ]);
    expect([result.sources, result.entities, result.relations]).toEqual([3, 203, 2_003]);
    const keys = files.map((f) => `import:${basename(f)}`);
    const expected = await dump(viaLoad, keys);
    const actual = await dump(viaCopy.store, keys);
    expect(actual.entities.length).toBe(203);
    expect(actual.relations.length).toBe(2_003);
    expect(actual.search[0]?.entity.id).toBe('tricky-person');
    expect(actual).toEqual(expected);
  });

  it('refuses a database that is not empty, and leaves it as it was', async () => {
    const keys = files.map((f) => `import:${basename(f)}`);
    const before = await dump(viaCopy.store, keys);
    await expect(bulkImportFiles(viaCopy, ontology, [files[2]!])).rejects.toThrow(BulkCopyRefused);
    expect(await dump(viaCopy.store, keys)).toEqual(before);
  });

  it('writes nothing when a file is invalid or holds what CSV cannot carry', async () => {
    const target = await openEmbeddedWithExecutor({ dataDir: join(dir, 'db-refused'), ontology });
    try {
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ ...TRICKY, relations: [{ ...TRICKY.relations[0], type: 'CONTESTED' }] }));
      await expect(bulkImportFiles(target, ontology, [bad])).rejects.toThrow(InputError);
      const nullish = join(dir, 'nullish.json');
      writeFileSync(nullish, JSON.stringify({ ...TRICKY, entities: TRICKY.entities.map((e, i) => (i === 1 ? { ...e, description: '\\N' } : e)) }));
      await expect(bulkImportFiles(target, ontology, [nullish])).rejects.toThrow(BulkCopyUnsupported);
      // store.load would replace an entity loaded twice; COPY cannot, so it is refused.
      const [person] = (await viaLoad.getEntities(['tricky-person'])) as EntityRecord[];
      const twice = (sink: LoadSink) => sink.load({ sources: [], entities: [person!, person!], relations: [] }, 'k', 'f', { actor: 'test', summary: null });
      await expect(bulkLoad(target, ontology, twice, recordBulkLoad)).rejects.toThrow(BulkCopyUnsupported);
      expect(await target.store.listEntities({ kinds: null, after: null, limit: 10 })).toEqual([]);
      expect(await target.store.listSources()).toEqual([]);
      expect(await target.store.graphVersion()).toBe('0:');
    } finally {
      await target.store.close();
    }
  });
});
