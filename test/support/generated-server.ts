import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultEntities, generate, type GenerateResult } from '../../bench/generate.js';
import { loadGraph } from '../../bench/harness/graph.js';
import { loadOntology } from '../../src/ontology/ontology.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { openEmbeddedStore } from '../../src/store/embedded/open.js';
import { Graph } from '../../src/writes/graph.js';

export interface GeneratedServer {
  graph: GenerateResult;
  store: Graph;
  server: RunningServer;
  close(): Promise<void>;
}

/**
 * The bench's generated graph of `relations` relations, bulk-loaded into an embedded
 * database and served with the server's production limits, but no per-address request or
 * cost budget: a test sends many requests from one address.
 */
export async function serveGeneratedGraph(relations: number, seed: number): Promise<GeneratedServer> {
  const ontology = loadOntology();
  const dir = mkdtempSync(join(tmpdir(), 'pag-generated-'));
  const graph = await generate({ entities: defaultEntities(relations), relations, seed, outDir: join(dir, 'generated') });
  await loadGraph(join(dir, 'db'), ontology, graph.files);
  const store = new Graph(await openEmbeddedStore({ dataDir: join(dir, 'db'), ontology }), ontology);
  const server = await startServer({
    config: { port: 0, host: '127.0.0.1', production: true, guards: { rateLimitPerMinute: 0, costPerMinute: 0 } },
    store,
    ontology,
    log: () => undefined,
  });
  return {
    graph,
    store,
    server,
    async close() {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
