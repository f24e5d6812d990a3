import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphStore } from '../store/graph-store.js';
import { Graph } from '../writes/graph.js';
import type { Ontology } from '../ontology/ontology.js';
import { unpackBackup } from './backup.js';
import { BackupError } from './backup-error.js';
import { writesOf } from './entries.js';
import { loadDataPath } from './journal-file.js';
import { openJournaledEmbedded } from './open-journaled.js';
import { batchesFromFile, replay, type ReplayOutcome } from './replay.js';

/**
 * Where a restore goes: an empty embedded DATA_DIR (with the journal's storage options), or
 * a store with a transaction log of its own (Neo4j), opened by the caller and written
 * through the rules with no journal, so no write is journaled twice; `where` is what
 * messages call it ("the Neo4j database at ...").
 */
export type RestoreTarget = { embedded: { dataDir: string; quarantineKeep?: number; minFreeDiskMb?: number } } | { other: { open: () => Promise<GraphStore>; where: string } };

/**
 * Restores a backup into the target, which must hold no graph yet. The embedded store
 * gets the backup as its journal and rebuilds from it as it opens; Neo4j gets the same
 * writes replayed (a way to move a graph from one backend to the other).
 */
export async function restoreInto(file: string, target: RestoreTarget, ontology: Ontology): Promise<{ writes: number }> {
  const refusedError = (outcome: ReplayOutcome) =>
    new BackupError(
      `${outcome.refused.length} write(s) of ${file} were refused, so it was not restored: ${outcome.refused
        .slice(0, 3)
        .map((r) => `${r.changeId}: ${r.reason}`)
        .join('; ')}`,
    );
  if ('embedded' in target) {
    const { dataDir, ...storage } = target.embedded;
    if (existsSync(join(dataDir, 'graph.lbug'))) {
      throw new BackupError(`DATA_DIR=${dataDir} already holds a database; restore into an empty DATA_DIR (for example DATA_DIR=./data-restored npm run restore -- ${file})`);
    }
    const entries = await unpackBackup(file, dataDir);
    let outcome: ReplayOutcome = { applied: 0, refused: [] };
    try {
      const store = await openJournaledEmbedded({ dataDir, ontology, log: () => undefined, report: (o) => (outcome = o), ...storage });
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
    const store = new Graph(await target.other.open(), ontology);
    try {
      if (!(await store.graphVersion()).startsWith('0:')) {
        throw new BackupError(`${target.other.where} is not empty; restore into an empty database`);
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
