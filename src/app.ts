import type { Config } from './config.js';
import { openJournaledEmbedded } from './journal/open-journaled.js';
import { restoreInto } from './journal/restore.js';
import { loadSeeds, type SeedOutcome } from './writes/sources/seed-folder.js';
import { loadOntology, type Ontology } from './ontology/ontology.js';
import { Graph } from './writes/graph.js';
import { openNeo4jStore } from './store/neo4j/open.js';

/**
 * Opens the backend the configuration selects: Neo4j if NEO4J_URI is set (it keeps its own
 * transaction log), else the embedded database behind its journal; `serving`: for the server.
 */
export async function openStore(config: Config, ontology: Ontology = loadOntology(), { serving = false } = {}): Promise<Graph> {
  if (config.neo4j) return new Graph(await openNeo4jStore(config.neo4j, ontology), ontology);
  // A server outlives a fault of the embedded engine by running it in a process of its own.
  return openJournaledEmbedded({
    dataDir: config.dataDir,
    ontology,
    log: (line) => console.error(line),
    quarantineKeep: config.storage.quarantineKeep,
    minFreeDiskMb: config.storage.minFreeDiskMb,
    engineStallMs: config.storage.engineStallSeconds * 1000,
    engineProcess: serving,
  });
}

/** Loads the seed files that are new or changed; unchanged ones are skipped. */
export async function seed(store: Graph, config: Config, ontology: Ontology = loadOntology()): Promise<SeedOutcome[]> {
  return loadSeeds(store, ontology, config.seedsDir);
}

/**
 * Restores a backup into the configured backend, which must hold no graph yet
 * (src/journal/restore.ts): the embedded DATA_DIR, or Neo4j at NEO4J_URI.
 */
export function restoreBackup(file: string, config: Config, ontology: Ontology = loadOntology()): Promise<{ writes: number }> {
  const { neo4j } = config;
  return restoreInto(
    file,
    neo4j
      ? { other: { open: () => openNeo4jStore(neo4j, ontology), where: `the Neo4j database at NEO4J_URI=${neo4j.uri}` } }
      : { embedded: { dataDir: config.dataDir, quarantineKeep: config.storage.quarantineKeep, minFreeDiskMb: config.storage.minFreeDiskMb } },
    ontology,
  );
}
