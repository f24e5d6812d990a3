import { loadConfig } from '../../config.js';
import { BackupError } from '../../journal/backup-error.js';
import type { CliContext } from '../io.js';

/** `backup FILE`: reads only the journal, so it runs beside a serving server. */
export async function backupCommand([file]: readonly string[], { io, env }: CliContext): Promise<void> {
  const { writeBackup } = await import('../../journal/backup.js');
  const config = loadConfig(env);
  if (config.neo4j) throw new BackupError("npm run backup copies the embedded store's journal; a Neo4j database is backed up with neo4j-admin database dump");
  const { entries, batches } = await writeBackup(config.dataDir, file!);
  io.out(`backup: ${file} (${entries} journal entries, ${batches} loaded batches)`);
}
