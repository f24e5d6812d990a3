import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../app.js';
import type { Config } from '../config.js';
import type { Ontology } from '../ontology/ontology.js';
import { unpackBackup } from './backup.js';
import { BackupError } from './backup-error.js';
import { writesOf } from './entries.js';
import { loadDataPath } from './journal-file.js';
import { batchesFromFile, replay } from './replay.js';

/**
 * Restores a backup into the configured backend, which must hold no graph yet. The
 * embedded store gets the backup as its journal and rebuilds from it as it opens; Neo4j
 * gets the same writes replayed (a way to move a graph from one backend to the other).
 */
export async function restoreBackup(file: string, config: Config, ontology: Ontology): Promise<{ writes: number }> {
  if (!config.neo4j) {
    if (existsSync(join(config.dataDir, 'graph.lbug'))) {
      throw new BackupError(`DATA_DIR=${config.dataDir} already holds a database; restore into an empty DATA_DIR (for example DATA_DIR=./data-restored npm run restore -- ${file})`);
    }
    const entries = await unpackBackup(file, config.dataDir);
    const store = await openStore(config, ontology);
    await store.close();
    return { writes: writesOf(entries).length };
  }
  const temp = mkdtempSync(join(tmpdir(), 'restore-'));
  try {
    const entries = await unpackBackup(file, temp);
    const store = await openStore(config, ontology);
    try {
      if (!(await store.graphVersion()).startsWith('0:')) {
        throw new BackupError(`the Neo4j database at NEO4J_URI=${config.neo4j.uri} is not empty; restore into an empty database`);
      }
      const outcome = await replay(store, writesOf(entries), (changeId) => batchesFromFile(loadDataPath(temp, `${changeId}.jsonl`)));
      return { writes: outcome.applied };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
