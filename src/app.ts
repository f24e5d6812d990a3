import type { Config } from './config.js';
import { openJournaledEmbedded } from './journal/open-journaled.js';
import { loadSeeds, type SeedOutcome } from './writes/sources/seed-folder.js';
import { loadOntology, type Ontology } from './ontology/ontology.js';
import type { GraphStore } from './store/graph-store.js';
import { openNeo4jStore } from './store/neo4j/open.js';

/**
 * Opens the backend the configuration selects: Neo4j if NEO4J_URI is set (it keeps its own
 * transaction log), else the embedded database behind its journal; `serving`: for the server.
 */
export async function openStore(config: Config, ontology: Ontology = loadOntology(), { serving = false } = {}): Promise<GraphStore> {
  if (config.neo4j) return openNeo4jStore(config.neo4j, ontology);
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
export async function seed(store: GraphStore, config: Config, ontology: Ontology = loadOntology()): Promise<SeedOutcome[]> {
  return loadSeeds(store, ontology, config.seedsDir);
}
