import { hasRole } from '../../auth/api-keys.js';
import { openStore, seed } from '../../app.js';
import { loadConfig } from '../../config.js';
import type { SeedOutcome } from '../../writes/sources/seed-folder.js';
import { loadOntology } from '../../ontology/ontology.js';
import type { CliContext } from '../io.js';

export function describeSeeds(outcomes: SeedOutcome[]): string {
  return outcomes.map((o) => `${o.file}: ${o.status} (${o.entities} entities, ${o.relations} relations)`).join('; ') || 'no seed files';
}

/** `seed`: loads new or changed seed files, then closes the store. */
export async function seedCommand(_args: readonly string[], ctx: CliContext): Promise<void> {
  await seedThen(ctx, false);
}

/** `serve` (the default): seeds if needed, then serves until SIGINT or SIGTERM. */
export async function serveCommand(_args: readonly string[], ctx: CliContext): Promise<void> {
  await seedThen(ctx, true);
}

async function seedThen({ io, env }: CliContext, serve: boolean): Promise<void> {
  const config = loadConfig(env);
  const ontology = loadOntology();
  const store = await openStore(config, ontology, { serving: true });
  try {
    const outcomes = await seed(store, config, ontology);
    io.out(`seeds: ${describeSeeds(outcomes)}`);
  } catch (err) {
    await store.close();
    throw err;
  }
  if (!serve) {
    await store.close();
    return;
  }
  // Loaded only to serve: `seed` and `import` do not need the HTTP stack.
  const { startServer } = await import('../../server.js');
  let server;
  try {
    server = await startServer({ config, store, ontology });
  } catch (err) {
    await store.close();
    throw err;
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    io.out(`${signal}: shutting down`);
    await server.close();
    await store.close();
    process.exit(0);
  };
  if (config.storage.verifyAtStart) {
    // Beside serving, after the seeds: a check at a million relations takes minutes. Its findings are logged where they happen.
    store.verifyData()?.catch((err: unknown) => {
      if (!stopping) io.err(`embedded database: the check against the journal stopped (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
    });
  }
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Printed only once the handlers are in place: whoever waits for this line may stop us at once.
  const where = config.neo4j ? `NEO4J_URI=${config.neo4j.uri}` : `data: ${config.dataDir}`;
  // Reader keys read at the keys' budgets but do not write.
  const writers = config.apiKeys.filter((key) => hasRole(key, 'CURATOR')).length;
  const writes =
    writers > 0 ? `writes with ${writers} API key${writers === 1 ? '' : 's'}` : config.apiKeys.length > 0 ? 'read-only: only reader keys in API_KEYS' : 'read-only: no API_KEYS';
  io.out(`GraphQL API and explorer on ${server.url}/graphql, network view on ${server.url}/explore (backend: ${store.backend}, ${where}; ${writes})`);
}
