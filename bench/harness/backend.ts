import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import type { Neo4jConnection as Neo4jSettings } from '../../src/store/neo4j/open.js';
import { importFiles } from '../../src/writes/sources/import-files.js';
import type { Ontology } from '../../src/ontology/ontology.js';
import type { Executor } from '../../src/store/cypher/executor.js';
import { LadybugExecutor } from '../../src/store/embedded/executor.js';
import { embeddedStore, isolatedEngine } from '../../src/store/embedded/open.js';
import { Graph } from '../../src/writes/graph.js';
import { openNeo4jWithExecutor } from '../../src/store/neo4j/open.js';
import { startNeo4j, type Neo4jProcess } from '../../test/neo4j-server/start.js';
import { loadGraph } from './graph.js';
import { emptyGraph, graphCounts, RAW_BATCH, rawUnwindLoad } from './neo4j-raw.js';

/**
 * The database the bench serves from, opened and filled with the generated graph. The
 * report is the same for every backend; only these lines of its header differ.
 */
export interface BenchBackend {
  /** The engine, its version and where it runs. */
  engine: string;
  /** How the graph was loaded, and how fast. */
  loaded: string;
  store: Graph;
  /** The executor under `store`: captured statements are replayed on this very one. */
  executor: Executor;
  /** The embedded database's folder (containment.ts copies it); null for Neo4j. */
  dataDir: string | null;
  /** The engine's own memory when it runs in another process, for the memory line. */
  engineMemory(): string | null;
  /** The process the engine runs in, when it is not this one (its memory is the server's too). */
  enginePid(): number | null;
  close(): Promise<void>;
}

export type BackendName = 'embedded' | 'neo4j';

export interface GraphToLoad {
  files: readonly string[];
  entities: number;
  relations: number;
}

type Progress = (line: string) => void;

const elapsed = (since: number) => (performance.now() - since) / 1000;
const perSecond = (n: number, seconds: number) => `${Math.round(n / seconds).toLocaleString('en-US')} relations/s`;

/** A line of a process's /proc status in kB (VmRSS now, VmHWM its peak), or null where /proc does not say. */
function procStatusKb(pid: number | null | undefined, field: 'VmRSS' | 'VmHWM'): number | null {
  if (pid === null || pid === undefined) return null;
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb);
  } catch {
    return null;
  }
}

/** Current resident memory of a process in bytes, or 0 where /proc does not say. */
export const rssBytes = (pid: number | null | undefined): number => (procStatusKb(pid, 'VmRSS') ?? 0) * 1024;

/** Peak resident memory of a process in MiB, or null where /proc does not say. */
function peakRssMib(pid: number | null | undefined): number | null {
  const kb = procStatusKb(pid, 'VmHWM');
  return kb === null ? null : Math.round(kb / 1024);
}

/** The bulk path (validation, then COPY) into a fresh database in `dir`/db. */
async function bulkLoad(dir: string, ontology: Ontology, graph: GraphToLoad, progress: Progress): Promise<{ dataDir: string; loaded: string }> {
  const started = performance.now();
  const dataDir = join(dir, 'db');
  await loadGraph(dataDir, ontology, graph.files);
  const loadSeconds = elapsed(started).toFixed(1);
  progress(`bulk-loaded in ${loadSeconds} s`);
  return { dataDir, loaded: `bulk-loaded (validated, then COPY) in ${loadSeconds} s` };
}

const versionOf = async (executor: Executor) => String((await executor.read({ cypher: 'CALL db_version() RETURN *', params: {} }))[0]?.version);

/**
 * LadybugDB in an engine process of its own, as the server runs it (src/store/embedded/engine/):
 * for the abuse scenario, whose figures are the deployed server's. No journal: the bench only reads.
 */
async function embeddedProcess(dir: string, ontology: Ontology, graph: GraphToLoad, progress: Progress): Promise<BenchBackend> {
  const { dataDir, loaded } = await bulkLoad(dir, ontology, graph, progress);
  const engine = isolatedEngine(dataDir, { quarantineKeep: 1 }, progress, (spawn) => spawn());
  await engine.start();
  const store = new Graph(embeddedStore(engine, ontology), ontology);
  return {
    engine: `embedded LadybugDB ${await versionOf(engine)}, in an engine process of its own (as the server runs it)`,
    loaded,
    store,
    executor: engine,
    dataDir,
    engineMemory: () => `engine process RSS now ${Math.round(rssBytes(engine.status.pid) / 1048576)} MiB, peak ${peakRssMib(engine.status.pid) ?? '?'} MiB`,
    enginePid: () => engine.status.pid,
    close: () => store.close(),
  };
}

/** LadybugDB in this process, composed as the server composes it (its long lane included). */
async function embedded(dir: string, ontology: Ontology, graph: GraphToLoad, progress: Progress): Promise<BenchBackend> {
  const { dataDir, loaded } = await bulkLoad(dir, ontology, graph, progress);
  const executor = await LadybugExecutor.open(dataDir);
  const store = new Graph(embeddedStore(executor, ontology), ontology);
  return {
    engine: `embedded LadybugDB ${await versionOf(executor)}, in this process`,
    loaded,
    store,
    executor,
    dataDir,
    engineMemory: () => null,
    enginePid: () => null,
    close: () => store.close(),
  };
}

/**
 * What a 100,000-relation graph needs: the launcher's default 1 GiB heap is for the tests'
 * small graphs, and a page cache that holds the whole store keeps the reads off the disk.
 */
const NEO4J_HEAP = '2g';
const NEO4J_PAGECACHE_MB = 1024;
/** Rows per statement of the raw load's warm-up. */
const WARM_UP_ROWS = 1_000;

/**
 * Neo4j: the server NEO4J_URI names (its database must hold none of this project's nodes;
 * they are deleted at the end), or else one started here from test/neo4j-server. The graph
 * is first loaded by Neo4j's raw UNWIND batches, timed, then deleted; the served graph is the
 * one our import path (`importFiles`, as `npm run import` runs it) then loads.
 */
async function neo4jBackend(dir: string, ontology: Ontology, graph: GraphToLoad, progress: Progress): Promise<BenchBackend> {
  const configured = loadConfig().neo4j;
  let server: Neo4jProcess | null = null;
  let settings: Neo4jSettings;
  if (configured) {
    settings = configured;
  } else {
    const started = performance.now();
    // On a busy 2-core machine (the tests start JVMs of their own) start-up has taken over 2 minutes.
    server = await startNeo4j({ dataDir: join(dir, 'neo4j'), heap: NEO4J_HEAP, pagecacheMb: NEO4J_PAGECACHE_MB, timeoutMs: 300_000 });
    progress(`started Neo4j (test/neo4j-server) at ${server.uri} in ${elapsed(started).toFixed(1)} s`);
    settings = { uri: server.uri, user: server.user, password: server.password, database: null };
  }
  let opened: { store: Graph; executor: Executor } | null = null;
  try {
    const neo = await openNeo4jWithExecutor(settings, ontology);
    opened = { store: new Graph(neo.store, ontology), executor: neo.executor };
    const { store, executor } = opened;
    const before = await graphCounts(executor);
    if (before.nodes > 0) {
      // Not ours to delete: closed here, so the cleanup below leaves the data alone.
      opened = null;
      await store.close();
      throw new Error(
        `the Neo4j database at NEO4J_URI=${settings.uri} already holds ${before.nodes} of this project's nodes; ` +
          'the bench loads into an empty one: point NEO4J_URI (or NEO4J_DATABASE) at a scratch database',
      );
    }
    const components = await executor.read({ cypher: 'CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition', params: {} });
    const kernel = components.find((c) => c.name === 'Neo4j Kernel') ?? components[0];
    const version = `${(kernel?.versions as string[] | undefined)?.join(', ') ?? '?'} ${String(kernel?.edition ?? '')}`.trim();

    let started = performance.now();
    await rawUnwindLoad(executor, ontology, graph.files, WARM_UP_ROWS);
    await emptyGraph(executor);
    progress(`Neo4j ${version}: warmed up (each raw statement once with ${WARM_UP_ROWS.toLocaleString('en-US')} rows, then deleted) in ${elapsed(started).toFixed(1)} s`);
    progress(`raw load (UNWIND $rows AS r CREATE ..., ${RAW_BATCH.toLocaleString('en-US')} rows per transaction)`);
    const raw = await rawUnwindLoad(executor, ontology, graph.files);
    const rawCounts = await graphCounts(executor);
    if (rawCounts.entities !== graph.entities || rawCounts.relations !== graph.relations) {
      throw new Error(`the raw load stored ${rawCounts.entities} entities and ${rawCounts.relations} relations, expected ${graph.entities} and ${graph.relations}`);
    }
    progress(`  ${raw.seconds.toFixed(1)} s, ${perSecond(raw.relations, raw.seconds)} in ${raw.transactions} transactions`);
    started = performance.now();
    await emptyGraph(executor);
    progress(`  deleted in ${elapsed(started).toFixed(1)} s`);

    progress('our import path (importFiles: validation, then Graph.load, one transaction per file)');
    started = performance.now();
    const outcomes = await importFiles(store, ontology, graph.files);
    const ours = elapsed(started);
    const loaded = outcomes.reduce((n, o) => n + o.relations, 0);
    const oursCounts = await graphCounts(executor);
    if (loaded !== graph.relations || oursCounts.relations !== graph.relations || oursCounts.entities !== graph.entities) {
      throw new Error(`the import stored ${oursCounts.entities} entities and ${oursCounts.relations} relations, expected ${graph.entities} and ${graph.relations}`);
    }
    progress(`  ${ours.toFixed(1)} s, ${perSecond(graph.relations, ours)}; ratio ours/raw (rate) ${(raw.seconds / ours).toFixed(2)}`);

    const where = server ? `started by the bench (test/neo4j-server, heap ${NEO4J_HEAP}, page cache ${NEO4J_PAGECACHE_MB} MiB, Bolt on loopback)` : `NEO4J_URI=${settings.uri}`;
    const jvm = server?.child.pid;
    const served = opened;
    return {
      engine: `Neo4j ${version}, ${where}`,
      loaded:
        `loaded through our import path (importFiles as \`npm run import\` runs it: validation, then Graph.load, one transaction per file) ` +
        `in ${ours.toFixed(1)} s, ${perSecond(graph.relations, ours)}; Neo4j's own fastest load of the same rows from Bolt ` +
        `(UNWIND $rows AS r CREATE ..., ${RAW_BATCH.toLocaleString('en-US')} rows per transaction, ${raw.transactions} transactions, after a warm-up, timed before ours into the same empty database, then deleted) ` +
        `${raw.seconds.toFixed(1)} s, ${perSecond(raw.relations, raw.seconds)}; ratio ours/raw (rate) ${(raw.seconds / ours).toFixed(2)}`,
      store: served.store,
      executor: served.executor,
      dataDir: null,
      enginePid: () => null,
      engineMemory: () => {
        if (!server) return 'Neo4j runs at NEO4J_URI, its memory is not counted here';
        const peak = peakRssMib(jvm);
        return `Neo4j's JVM (a separate process): peak RSS ${peak === null ? 'unknown' : `${peak} MiB`}`;
      },
      async close() {
        try {
          // A server of the user's keeps nothing of ours; one started here goes with its folder.
          if (!server) await emptyGraph(served.executor);
        } finally {
          await served.store.close();
          await server?.stop();
        }
      },
    };
  } catch (err) {
    if (opened) {
      if (!server) await emptyGraph(opened.executor).catch(() => undefined);
      await opened.store.close().catch(() => undefined);
    }
    await server?.stop();
    throw err;
  }
}

/**
 * Opens `name`'s database in `dir` (if it is local) and loads `graph` into it; with
 * `engineProcess`, the embedded engine runs in a process of its own, as in the server.
 */
export function openBackend(name: BackendName, dir: string, ontology: Ontology, graph: GraphToLoad, progress: Progress, { engineProcess = false } = {}): Promise<BenchBackend> {
  if (name === 'neo4j') return neo4jBackend(dir, ontology, graph, progress);
  return engineProcess ? embeddedProcess(dir, ontology, graph, progress) : embedded(dir, ontology, graph, progress);
}
