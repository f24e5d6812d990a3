import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Neo4jConnection as Neo4jSettings } from '../../src/store/neo4j/open.js';
import type { Ontology } from '../../src/ontology/ontology.js';
import { openEmbeddedStore } from '../../src/store/embedded/open.js';
import { Graph } from '../../src/writes/graph.js';
import type { GraphStore } from '../../src/store/graph-store.js';
import { openNeo4jStore } from '../../src/store/neo4j/open.js';
import neo4j from 'neo4j-driver';

/**
 * The backends the contract suite runs against. Each opens an empty store and returns
 * it, composed with the write rules as the app composes it (src/writes/graph.ts), with a function that removes what it created. Neo4j is the one the test run started
 * for this worker (test/support/global-setup.ts), or the user's own when NEO4J_URI is set;
 * its graph data is emptied, so point NEO4J_URI at a scratch database.
 */
export interface Backend {
  name: string;
  available: boolean;
  /** What is missing when it is not available. */
  missing?: string;
  /** `store` is the app's composition over `raw`, the adapter's own store. */
  open(ontology: Ontology): Promise<{ store: Graph; raw: GraphStore; dispose(): Promise<void> }>;
}

export const embedded: Backend = {
  name: 'embedded',
  available: true,
  async open(ontology) {
    const dataDir = mkdtempSync(join(tmpdir(), 'pag-test-'));
    const raw = await openEmbeddedStore({ dataDir, ontology });
    const store = new Graph(raw, ontology);
    return {
      store,
      raw,
      async dispose() {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

function neo4jForThisWorker(): Neo4jSettings | null {
  const own = loadConfig().neo4j;
  if (own) return own;
  const servers = inject('neo4jServers');
  if (servers.length === 0) return null;
  // VITEST_POOL_ID numbers the workers from 1; one file runs in a worker at a time.
  const server = servers[(Number(process.env.VITEST_POOL_ID ?? '1') - 1) % servers.length]!;
  return { ...server, database: null };
}

export const neo4jSettings = neo4jForThisWorker();

function neo4jSkipped(): string | null {
  return process.env.NEO4J_URI ? null : inject('neo4jSkipped');
}

/** Deletes this project's nodes (and so their relationships), nothing else. */
async function emptyNeo4j(): Promise<void> {
  if (!neo4jSettings) return;
  const { uri, user, password, database } = neo4jSettings;
  const driver = neo4j.driver(uri, password === null ? undefined : neo4j.auth.basic(user, password));
  try {
    await driver.executeQuery('MATCH (n) WHERE n:Entity OR n:SourceDocument OR n:Meta OR n:Change OR n:Claim DETACH DELETE n', {}, database ? { database } : {});
  } finally {
    await driver.close();
  }
}

export const neo4jBackend: Backend = {
  name: 'neo4j',
  available: neo4jSettings !== null,
  missing: `${neo4jSkipped() ?? 'no Neo4j'}; install java and mvn, or set NEO4J_URI`,
  async open(ontology) {
    if (!neo4jSettings) throw new Error('NEO4J_URI is not set');
    await emptyNeo4j();
    const raw = await openNeo4jStore(neo4jSettings, ontology);
    const store = new Graph(raw, ontology);
    return {
      store,
      raw,
      async dispose() {
        await store.close();
        await emptyNeo4j();
      },
    };
  },
};

export const backends: Backend[] = [embedded, neo4jBackend];
