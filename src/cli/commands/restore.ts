import { loadConfig } from '../../config.js';
import { loadOntology } from '../../ontology/ontology.js';
import type { CliContext } from '../io.js';

/** `restore FILE`: rebuilds the graph from a backup into an empty DATA_DIR (or an empty Neo4j). */
export async function restoreCommand([file]: readonly string[], { io, env }: CliContext): Promise<void> {
  const { restoreBackup } = await import('../../app.js');
  const config = loadConfig(env);
  const { writes } = await restoreBackup(file!, config, loadOntology());
  io.out(`restored: ${writes} writes from ${file} (${config.neo4j ? `NEO4J_URI=${config.neo4j.uri}` : `DATA_DIR=${config.dataDir}`})`);
}
