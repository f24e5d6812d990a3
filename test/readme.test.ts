import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../src/writes/sources/import-files.js';
import { loadOntology } from '../src/ontology/ontology.js';
import { projectRoot } from '../src/paths.js';
import { KEYS, startTestServer, type TestServer } from './support/server.js';

/** Every GraphQL example in the README runs on the seed graph without errors, as printed. */
const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
const csvExample = /```csv\n([\s\S]*?)```/.exec(readme)?.[1]?.replace(/^ +/gm, '');

describe('README examples', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it('has examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  it.each(examples.map((e, i) => [i + 1, e] as const))('example %i runs', async (_i, example) => {
    // Mutations are shown with a curator key, as the README says.
    const res = await t.gql(example, undefined, /^\s*(#.*\n\s*)*mutation\b/.test(example) ? { key: KEYS.alice } : {});
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    expect(res.status).toBe(200);
  });

  it('the CSV edge list example imports', async () => {
    expect(csvExample).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'pag-readme-'));
    try {
      const file = join(dir, 'edges.csv');
      writeFileSync(file, csvExample!);
      const outcomes = await importFiles(t.store, loadOntology(), [file]);
      // The seed states that fact already: the row cites the seed's relation (corroboration).
      expect(outcomes).toMatchObject([{ status: 'loaded', relations: 0, corroborated: 1 }]);
      const rels = await t.data<{ relations: { nodes: Array<{ voteShare: number; sources: Array<{ quote: string }> }> } }>(
        '{ relations(types: [WON_SEATS_IN], from: "ak-zhol") { nodes { voteShare sources { quote } } } }',
      );
      expect(rels.relations.nodes).toHaveLength(1);
      expect(rels.relations.nodes[0]!.sources.map((s) => s.quote)).toEqual([
        'Ak Zhol won 7.5 percent of the vote',
        'preliminary results show',
        'cleared the 7-percent threshold to win seats',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
