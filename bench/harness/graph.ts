import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { importFiles } from '../../src/import/import-files.js';
import type { Ontology } from '../../src/ontology/ontology.js';
import { LOAD_CHUNK } from '../../src/store/cypher/cypher-store.js';
import { openEmbeddedStore } from '../../src/store/embedded/open.js';

export interface GenerateOptions {
  entities: number;
  relations: number;
  seed: number;
  outDir: string;
}

export interface GeneratedGraph {
  files: string[];
  entities: number;
  relations: number;
  hubs: { person: string; party: string };
  leaf: string;
  distant: [string, string];
}

type Generate = (opts: GenerateOptions) => Promise<GeneratedGraph>;

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(benchDir, '..', 'src');

/** A module by path that may not exist yet (written by someone else); null if absent. */
async function optionalModule(path: string): Promise<Record<string, unknown> | null> {
  if (!existsSync(path)) return null;
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}

export interface Generator {
  name: string;
  generate: Generate;
  /** The number of entities the generator suggests for a number of relations. */
  defaultEntities: (relations: number) => number;
}

const tenth = (relations: number) => Math.max(20, Math.ceil(relations / 10));

/** bench/generate.ts when it exists, else the stand-in. */
export async function generator(): Promise<Generator> {
  const theirs = await optionalModule(join(benchDir, 'generate.ts'));
  if (typeof theirs?.generate === 'function') {
    const suggested = typeof theirs.defaultEntities === 'function' ? (theirs.defaultEntities as (r: number) => number) : tenth;
    return { name: 'bench/generate.ts', generate: theirs.generate as Generate, defaultEntities: suggested };
  }
  const { generate } = await import('./stand-in-graph.js');
  return { name: 'bench/harness/stand-in-graph.ts (bench/generate.ts not found)', generate, defaultEntities: tenth };
}

/**
 * `store.load` writes a file's entities and relations in chunks of LOAD_CHUNK side by
 * side (chunk i of each), so a relation in an early chunk whose end is in a later
 * entity chunk fails as dangling. Until that is fixed, a JSON file with more entities
 * than a chunk and relations is split in two, its entities first.
 */
function entitiesFirst(files: readonly string[], outDir: string): string[] {
  return files.flatMap((file) => {
    if (extname(file) !== '.json') return [file];
    const seed = JSON.parse(readFileSync(file, 'utf8')) as { source?: unknown; entities?: unknown[]; relations?: unknown[] };
    if ((seed.entities?.length ?? 0) <= LOAD_CHUNK || (seed.relations?.length ?? 0) === 0) return [file];
    const stem = join(outDir, basename(file, '.json'));
    writeFileSync(`${stem}.entities.json`, JSON.stringify({ source: seed.source, entities: seed.entities }));
    writeFileSync(`${stem}.relations.json`, JSON.stringify({ source: seed.source, relations: seed.relations }));
    return [`${stem}.entities.json`, `${stem}.relations.json`];
  });
}

type Opened = { store: { close(): Promise<void> }; executor: unknown };
type BulkImport = (target: Opened, ontology: Ontology, paths: readonly string[]) => Promise<{ timings?: Record<string, number> }>;

/**
 * Fills a fresh database in `dataDir` with `files` and closes it: through
 * `bulkImportFiles` of src/store/embedded/bulk-copy.ts (COPY, after the import's own
 * checks) when it and `openEmbeddedWithExecutor` exist, else through `importFiles`, the
 * path a user's import takes. Looked up at run time: both are being written alongside.
 */
export async function loadGraph(dataDir: string, ontology: Ontology, files: readonly string[], scratchDir: string): Promise<string> {
  const bulk = await optionalModule(join(srcDir, 'store', 'embedded', 'bulk-copy.ts'));
  const open = (await import('../../src/store/embedded/open.js')) as Record<string, unknown>;
  if (typeof bulk?.bulkImportFiles === 'function' && typeof open.openEmbeddedWithExecutor === 'function') {
    const target = await (open.openEmbeddedWithExecutor as (o: { dataDir: string; ontology: Ontology }) => Promise<Opened>)({ dataDir, ontology });
    try {
      await (bulk.bulkImportFiles as BulkImport)(target, ontology, files);
    } finally {
      await target.store.close();
    }
    return 'bulkImportFiles (COPY)';
  }
  const store = await openEmbeddedStore({ dataDir, ontology });
  try {
    const split = entitiesFirst(files, scratchDir);
    await importFiles(store, ontology, split);
    return split.length > files.length ? 'importFiles (entities split into their own file first)' : 'importFiles';
  } finally {
    await store.close();
  }
}
