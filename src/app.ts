import type { Config } from './config.js';
import { loadSeeds, type SeedOutcome } from './ingest/load-seeds.js';
import { loadOntology, type Ontology } from './ontology/ontology.js';
import type { GraphStore } from './store/graph-store.js';
import { openEmbeddedStore } from './store/embedded/open.js';

/** Opens the backend the configuration selects. */
export async function openStore(config: Config, ontology: Ontology = loadOntology()): Promise<GraphStore> {
  return openEmbeddedStore({ dataDir: config.dataDir, ontology });
}

/** Loads the seed files that are new or changed; unchanged ones are skipped. */
export async function seed(store: GraphStore, config: Config, ontology: Ontology = loadOntology()): Promise<SeedOutcome[]> {
  return loadSeeds(store, ontology, config.seedsDir);
}
