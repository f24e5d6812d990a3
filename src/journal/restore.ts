import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../app.js';
import type { Config } from '../config.js';
import type { Ontology } from '../ontology/ontology.js';
import { unpackBackup } from './backup.js';
import { BackupError } from './backup-error.js';
import { writesOf } from './entries.js';
import { loadDataPath } from './journal-file.js';
import { openJournaledEmbedded } from './open-journaled.js';
import { batchesFromFile, replay, type ReplayOutcome } from './replay.js';

/**
 * Restores a backup into the configured backend, which must hold no graph yet. The
 * embedded store gets the backup as its journal and rebuilds from it as it opens; Neo4j
 * gets the same writes replayed (a way to move a graph from one backend to the other).
 */
export async function restoreBackup(file: string, config: Config, ontology: Ontology): Promise<{ writes: number }> {
  const refusedError = (outcome: ReplayOutcome) =>
    new BackupError(
      `${outcome.refused.length} write(s) of ${file} were refused, so it was not restored: ${outcome.refused
        .slice(0, 3)
        .map((r) => `${r.changeId}: ${r.reason}`)
        .join('; ')}`,
    );
  if (!config.neo4j) {
    const dataDir = config.dataDir;
    if (existsSync(join(dataDir, 'graph.lbug'))) {
      throw new BackupError(`DATA_DIR=${dataDir} already holds a database; restore into an empty DATA_DIR (for example DATA_DIR=./data-restored npm run restore -- ${file})`);
    }
    const entries = await unpackBackup(file, dataDir);
    let outcome: ReplayOutcome = { applied: 0, refused: [] };
    try {
      const store = await openJournaledEmbedded({ dataDir, ontology, log: () => undefined, report: (o) => (outcome = o), ...config.storage });
      await store.close();
      if (outcome.refused.length > 0) throw refusedError(outcome);
    } catch (err) {
      // The target was empty: what the failed restore made is removed, so it can be run again.
      for (const name of readdirSync(dataDir))
        if (name.startsWith('graph.lbug') || name === 'journal' || name === 'checkpoint-pending') rmSync(join(dataDir, name), { recursive: true, force: true });
      throw err;
    }
    return { writes: outcome.applied || writesOf(entries).length };
  }
  const temp = mkdtempSync(join(tmpdir(), 'restore-'));
  try {
    const entries = await unpackBackup(file, join(temp, 'data'));
    const store = await openStore(config, ontology);
    try {
      if (!(await store.graphVersion()).startsWith('0:')) {
        throw new BackupError(`the Neo4j database at NEO4J_URI=${config.neo4j.uri} is not empty; restore into an empty database`);
      }
      const outcome = await replay(store, writesOf(entries), (changeId) => batchesFromFile(loadDataPath(join(temp, 'data'), `${changeId}.jsonl`)));
      if (outcome.refused.length > 0) throw refusedError(outcome);
      return { writes: outcome.applied };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
