import { loadConfig } from '../../config.js';
import { BackupError } from '../../journal/backup-error.js';
import { loadOntology } from '../../ontology/ontology.js';
import type { CliContext } from '../io.js';

/** `backup FILE`: reads only the journal, so it runs beside a serving server. */
export async function backupCommand([file]: readonly string[], { io, env }: CliContext): Promise<void> {
  const { writeBackup } = await import('../../journal/backup.js');
  const config = loadConfig(env);
  if (config.neo4j) throw new BackupError("npm run backup copies the embedded store's journal; a Neo4j database is backed up with neo4j-admin database dump");
  const { entries, batches } = await writeBackup(config.dataDir, file!);
  io.out(`backup: ${file} (${entries} journal entries, ${batches} loaded batches)`);
}

/** `restore FILE`: rebuilds the graph from a backup into an empty DATA_DIR (or an empty Neo4j). */
export async function restoreCommand([file]: readonly string[], { io, env }: CliContext): Promise<void> {
  const { restoreBackup } = await import('../../journal/restore.js');
  const config = loadConfig(env);
  const { writes } = await restoreBackup(file!, config, loadOntology());
  io.out(`restored: ${writes} writes from ${file} (${config.neo4j ? `NEO4J_URI=${config.neo4j.uri}` : `DATA_DIR=${config.dataDir}`})`);
}
