import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importFiles } from '../src/writes/sources/import-files.js';
import { ontologyFromSdl } from '../src/ontology/ontology.js';
import { readSdl, schemaDir } from '../src/ontology/sdl.js';
import { describeEachBackend } from './support/contract.js';
import { KEYS, startTestServer, type TestServer } from './support/server.js';

/**
 * The SDL is the only place a field is declared: a field added to a copy of `schema/`
 * (an `Event` attribute and a `Relation` attribute, nothing else edited) is stored,
 * validated, served, written by the mutations and exported.
 */

const dir = mkdtempSync(join(tmpdir(), 'pag-sdl-'));
cpSync(schemaDir, dir, { recursive: true });
const ontologyFile = join(dir, 'ontology.graphql');
const original = readFileSync(ontologyFile, 'utf8');
const withFields = original
  .replace(
    '  partiesRunning: Int @range(min: 0, max: 10000)\n',
    '  partiesRunning: Int @range(min: 0, max: 10000)\n  "Seats the election filled."\n  seatsAtStake: Int @range(min: 0, max: 1000)\n',
  )
  .replace('  note: String @annotation\n', '  note: String @annotation\n  "How the source words the relation."\n  wording: String @length(max: 40)\n');
if (withFields.split('seatsAtStake').length !== 2 || withFields.split('wording').length !== 2) throw new Error('the SDL no longer has the lines this test extends');
writeFileSync(ontologyFile, withFields);
const ontology = ontologyFromSdl(readSdl(dir));
rmSync(dir, { recursive: true, force: true });

const SOURCE = 'asia-plus-2012-01-17-kazakhstan-election';
const cite = [{ source: SOURCE, paragraph: 1, quote: 'a test phrase' }];
const UPSERT = 'mutation ($input: EntityInput!) { upsertEntity(input: $input) { id ... on Event { seatsAtStake } } }';
const ADD = 'mutation ($input: RelationInput!) { addRelation(input: $input) { id wording } }';

describeEachBackend('a field added to the SDL only', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, { ontology });
  });
  afterAll(async () => t?.close());

  it('is written by upsertEntity and addRelation, stored, and served', async () => {
    const event = { id: 'sdl-test-election', kind: 'EVENT', name: 'SDL test election', seatsAtStake: 107, sources: cite };
    const written = await t.data<{ upsertEntity: { seatsAtStake: number } }>(UPSERT, { input: event }, { key: KEYS.alice });
    expect(written.upsertEntity.seatsAtStake).toBe(107);
    const relation = { id: 'sdl-test-rel', type: 'CONTESTED', from: 'nur-otan', to: 'sdl-test-election', wording: 'ran in', sources: cite };
    expect((await t.data<{ addRelation: { wording: string } }>(ADD, { input: relation }, { key: KEYS.alice })).addRelation.wording).toBe('ran in');

    const read = await t.data<{ entity: { seatsAtStake: number; relations: Array<{ id: string; wording: string | null }> } }>(
      '{ entity(id: "sdl-test-election") { ... on Event { seatsAtStake } relations { id wording } } }',
    );
    expect(read.entity.seatsAtStake).toBe(107);
    expect(read.entity.relations).toContainEqual({ id: 'sdl-test-rel', wording: 'ran in' });
    const stored = await t.store.getEntities(['sdl-test-election']);
    expect(stored[0]?.attributes.seatsAtStake).toBe(107);
  });

  it('is validated by its own @range and @length', async () => {
    const tooMany = await t.gql(UPSERT, { input: { id: 'sdl-bad', kind: 'EVENT', name: 'Bad', seatsAtStake: 5000, sources: cite } }, { key: KEYS.alice });
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooMany.body.errors?.[0]?.message).toMatch(/seatsAtStake.*0 to 1000/);
    const wordy = { id: 'sdl-bad-rel', type: 'CONTESTED', from: 'nur-otan', to: 'sdl-test-election', wording: 'w'.repeat(41), sources: cite };
    const long = await t.gql(ADD, { input: wordy }, { key: KEYS.alice });
    expect(long.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(long.body.errors?.[0]?.message).toMatch(/wording.*at most 40/);
    // A field of another kind is still refused on this one.
    const misplaced = await t.gql(UPSERT, { input: { id: 'sdl-bad', kind: 'PARTY', name: 'Bad', seatsAtStake: 1, sources: cite } }, { key: KEYS.alice });
    expect(misplaced.body.errors?.[0]?.message).toMatch(/seatsAtStake.*not a field of a Party/);
  });

  it('is a column of CSV edge lists', async () => {
    const csvDir = mkdtempSync(join(tmpdir(), 'pag-sdl-csv-'));
    try {
      const file = join(csvDir, 'edges.csv');
      writeFileSync(file, `type,from,to,wording,citation.source,citation.paragraph,citation.quote\nCONTESTED,ak-zhol,sdl-test-election,stood in,${SOURCE},1,a phrase\n`);
      expect(await importFiles(t.store, ontology, [file])).toMatchObject([{ status: 'loaded', relations: 1 }]);
      const rels = await t.data<{ relations: { nodes: Array<{ wording: string }> } }>(
        '{ relations(types: [CONTESTED], from: "ak-zhol", to: "sdl-test-election") { nodes { wording } } }',
      );
      expect(rels.relations.nodes).toEqual([{ wording: 'stood in' }]);
    } finally {
      rmSync(csvDir, { recursive: true, force: true });
    }
  });

  it("is in the network view's configuration, to be asked for and shown", async () => {
    const page = await (await fetch(`${t.server.url}/explore`)).text();
    expect(page).toContain('{"name":"seatsAtStake","label":"seats at stake","unit":null}');
    expect(page).toContain('{"name":"wording","label":"wording","unit":null}');
  });

  it('is exported', async () => {
    const res = await fetch(`${t.server.url}/export/graph.graphology.json?id=sdl-test-election&depth=1`);
    expect(res.status).toBe(200);
    const graph = (await res.json()) as { nodes: Array<{ key: string; attributes: Record<string, unknown> }>; edges: Array<{ attributes: Record<string, unknown> }> };
    expect(graph.nodes.find((n) => n.key === 'sdl-test-election')?.attributes.seatsAtStake).toBe(107);
    expect(graph.edges.map((e) => e.attributes.wording)).toContain('ran in');
  });
});
