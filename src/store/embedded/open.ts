import type { Ontology } from '../../ontology/ontology.js';
import { CypherGraphStore } from '../cypher/cypher-store.js';
import { prop } from '../cypher/statements.js';
import type { GraphStore } from '../graph-store.js';
import { ladybugDialect, tableSpecs } from './dialect.js';
import { EngineProcess, type EmbeddedEngine } from './engine/process.js';
import { DEFAULT_QUARANTINE_KEEP } from './quarantine.js';
import { EMBEDDED_LONG_READS, LadybugExecutor, type ExecutorOptions } from './executor.js';
import { LongReads } from '../cypher/long-reads.js';

export { StoreOpenError } from './executor.js';

export interface EmbeddedOptions {
  dataDir: string;
  ontology: Ontology;
  /** Where to say that a broken log was quarantined at open. */
  log?: (line: string) => void;
  /** See ExecutorOptions. */
  executor?: ExecutorOptions;
}

/** Opens (creating if needed) the embedded database in `dataDir`, with the ontology's schema. */
export async function openEmbeddedStore(options: EmbeddedOptions): Promise<GraphStore> {
  return (await openEmbeddedWithExecutor(options)).store;
}

/**
 * The same, with the executor under the store, for writers that need LadybugDB's own
 * statements (the bulk `COPY` of src/store/embedded/bulk-copy.ts). Close the store only.
 */
export async function openEmbeddedWithExecutor({ dataDir, ontology, log, executor: options }: EmbeddedOptions): Promise<{ store: GraphStore; executor: LadybugExecutor }> {
  const executor = await LadybugExecutor.open(dataDir, log, options);
  try {
    await prepareSchema(executor, ontology);
  } catch (err) {
    await executor.close();
    throw err;
  }
  return { store: embeddedStore(executor, ontology), executor };
}

/** The store over an engine already open (in this process, or in one of its own). */
export function embeddedStore(engine: EmbeddedEngine, ontology: Ontology): GraphStore {
  return new CypherGraphStore('embedded', engine, ladybugDialect, ontology, undefined, undefined, new LongReads(EMBEDDED_LONG_READS));
}

/**
 * The engine in a process of its own (src/store/embedded/engine/), so a native fault of it
 * cannot take the server down; `recover` starts and readies it, at open and after a death.
 */
export function isolatedEngine(
  dataDir: string,
  mode: { quarantineKeep: number; stallMs?: number },
  log: (line: string) => void,
  recover: (spawn: () => Promise<void>) => Promise<void>,
): EngineProcess {
  return new EngineProcess(dataDir, mode, log, recover);
}

/**
 * A database opened for one piece of work (a rebuild from the journal, a check's reading),
 * its engine in a process of its own that is not restarted: a native fault there (damaged
 * pages, an abort on a full disk) fails that work with EngineDiedError naming `purpose`,
 * and ends nothing else. With `deferCheckpoints`, writes are checkpointed only when asked;
 * with `asItIs`, the database is read as it is, its schema not brought up to date.
 */
export async function openForOneJob(options: {
  dataDir: string;
  ontology: Ontology;
  purpose: string;
  log?: (line: string) => void;
  deferCheckpoints?: boolean;
  asItIs?: boolean;
}): Promise<{ store: GraphStore; engine: EmbeddedEngine }> {
  const { dataDir, ontology, purpose, log = () => undefined } = options;
  const engine: EngineProcess = new EngineProcess(
    dataDir,
    { quarantineKeep: DEFAULT_QUARANTINE_KEEP, deferCheckpoints: options.deferCheckpoints ?? false, once: { purpose }, stallMs: Number.POSITIVE_INFINITY },
    log,
    async (spawn) => {
      await spawn();
      if (!options.asItIs) await prepareSchema(engine, ontology);
    },
  );
  await engine.start();
  return { store: embeddedStore(engine, ontology), engine };
}

/** Creates the ontology's tables, and adds columns a newer ontology introduced in place. */
export async function prepareSchema(executor: EmbeddedEngine, ontology: Ontology): Promise<void> {
  for (const spec of tableSpecs(ontology)) {
    await executor.ddl(spec.ddl);
    if (spec.columns.length === 0) continue;
    const existing = new Set((await executor.ddl(`CALL table_info('${spec.table}') RETURN name`)).map((r) => String(r.name)));
    for (const [name, type] of spec.columns) {
      if (!existing.has(name)) await executor.ddl(`ALTER TABLE ${spec.table} ADD ${prop(name)} ${type}`);
    }
  }
  await executor.checkpoint();
}
