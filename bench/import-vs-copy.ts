import { mkdtempSync, rmSync } from 'node:fs';
import { Graph } from '../src/writes/graph.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lbug, { type QueryResult } from '@ladybugdb/core';
import { importFiles } from '../src/writes/sources/import-files.js';
import { loadOntology } from '../src/ontology/ontology.js';
import { openEmbeddedStore } from '../src/store/embedded/open.js';
import type { RelationRecord } from '../src/store/records.js';
import { writeCopyCsv, writeEdgesCsv, writeEntitiesJson } from './synthetic.js';

/**
 * `npm run bench:import`: our import of an edge list (streamed validation against the
 * ontology, then `Graph.load` in chunks in one transaction) against LadybugDB's own bulk
 * `COPY Relation FROM '<csv>'` of the same rows, each into a fresh embedded database that
 * already holds the same entities. BENCH_RELATIONS sets the number of relations (100000).
 * COPY checks nothing but the column types and that both ends exist; the ratio is what
 * the ontology checks, citations and the replace-by-id of `load` cost on top.
 */

const relations = Number(process.env.BENCH_RELATIONS ?? 100_000);
if (!Number.isSafeInteger(relations) || relations < 1) throw new Error('BENCH_RELATIONS must be a positive whole number');
const ontology = loadOntology();
const dir = mkdtempSync(join(tmpdir(), 'pag-bench-'));

async function openWithEntities(name: string): Promise<{ store: Graph; dataDir: string }> {
  const dataDir = join(dir, name);
  const store = new Graph(await openEmbeddedStore({ dataDir, ontology }), ontology);
  await importFiles(store, ontology, [join(dir, 'bench-entities.json')]);
  return { store, dataDir };
}

async function firstRelations(store: Graph): Promise<RelationRecord[]> {
  return (await store.listRelations({ types: null, from: null, to: null, after: null, limit: 3, includeRetracted: true })).relations;
}

async function rows(result: QueryResult | QueryResult[]): Promise<Array<Record<string, unknown>>> {
  const results = Array.isArray(result) ? result : [result];
  const all: Array<Record<string, unknown>> = [];
  for (const r of results) {
    all.push(...((await r.getAll()) as Array<Record<string, unknown>>));
    r.close();
  }
  return all;
}

const rate = (seconds: number) => `${Math.round(relations / seconds).toLocaleString('en-US')} relations/s`;

try {
  writeEntitiesJson(dir, relations);
  const edges = writeEdgesCsv(dir, relations);
  const copyCsv = writeCopyCsv(dir, ontology, relations, 'import:bench-edges.csv');
  console.log(`${relations} relations between synthetic entities, in ${dir}`);

  // Ours: validation (pass 1) and Graph.load (pass 2).
  const ours = await openWithEntities('ours');
  let started = performance.now();
  const [outcome] = await importFiles(ours.store, ontology, [edges]);
  const oursSeconds = (performance.now() - started) / 1000;
  if (outcome?.relations !== relations) throw new Error(`import loaded ${outcome?.relations}, expected ${relations}`);
  const oursSample = await firstRelations(ours.store);
  await ours.store.close();

  // COPY into a fresh database with the same schema and entities; the store is closed first (one process per database file).
  const theirs = await openWithEntities('copy');
  await theirs.store.close();
  const db = new lbug.Database(join(theirs.dataDir, 'graph.lbug'));
  await db.init();
  const conn = new lbug.Connection(db);
  await conn.init();
  started = performance.now();
  await rows(await conn.query(`COPY Relation FROM '${copyCsv.replace(/'/g, "\\'")}' (header=true)`));
  const copySeconds = (performance.now() - started) / 1000;
  const [counted] = await rows(await conn.query('MATCH ()-[r:Relation]->() RETURN count(r) AS n'));
  await conn.close();
  await db.close();
  if (Number(counted?.n) !== relations) throw new Error(`COPY loaded ${String(counted?.n)}, expected ${relations}`);

  // Both databases must hold the same relations, or the comparison means nothing.
  const check = new Graph(await openEmbeddedStore({ dataDir: theirs.dataDir, ontology }), ontology);
  const copySample = await firstRelations(check);
  await check.close();
  const same = JSON.stringify(copySample) === JSON.stringify(oursSample);

  console.log(`ours (validate + Graph.load): ${oursSeconds.toFixed(2)} s, ${rate(oursSeconds)}`);
  console.log(`LadybugDB COPY FROM csv:      ${copySeconds.toFixed(2)} s, ${rate(copySeconds)}`);
  console.log(`ratio ours / COPY: ${(oursSeconds / copySeconds).toFixed(1)}`);
  console.log(`same relations read back from both databases (first 3 by id): ${same ? 'yes' : 'NO'}`);
  if (!same) {
    console.log(JSON.stringify(oursSample[0]));
    console.log(JSON.stringify(copySample[0]));
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
