import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

/** The embedded database's own file names in DATA_DIR, and where damaged ones are set aside. */
export const DATABASE_FILE = 'graph.lbug';

/**
 * Present while a committed write has not been checkpointed (the CHECKPOINT after it
 * failed): its log then holds acknowledged writes and must not be set aside.
 */
export const CHECKPOINT_PENDING = 'checkpoint-pending';

/**
 * Why a log that cannot be replayed must not be set aside automatically, or null when it
 * only holds a write that was never acknowledged.
 */
export function whyKeepWal(dataDir: string, message: string): string | null {
  if (existsSync(join(dataDir, CHECKPOINT_PENDING))) return 'it holds acknowledged writes that were never checkpointed';
  // A crash during a checkpoint leaves shadow pages half applied; only a replay can finish them.
  if (existsSync(join(dataDir, `${DATABASE_FILE}.shadow`)) || /checkpoint record/i.test(message)) return 'a checkpoint was interrupted';
  return null;
}

/**
 * Moves a write-ahead log that LadybugDB cannot replay out of the way, into
 * DATA_DIR/quarantine/<time>/ with a copy of the database file as it was, never deleting
 * anything. Returns where they went.
 */
export function quarantineWal(dataDir: string): string {
  const dir = join(dataDir, 'quarantine', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(dataDir, DATABASE_FILE), join(dir, DATABASE_FILE));
  renameSync(join(dataDir, `${DATABASE_FILE}.wal`), join(dir, `${DATABASE_FILE}.wal`));
  return dir;
}

/**
 * Moves the database's files (file, log, shadow pages, marker) into
 * DATA_DIR/quarantine/<time>/, never deleting them, so a new database can be built in
 * their place. Returns where they went.
 */
export function quarantineDatabase(dataDir: string): string {
  const dir = join(dataDir, 'quarantine', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(dir, { recursive: true });
  // Every file of the engine's: 0.19 adds `.wal.checkpoint` and lock files beside the log and
  // shadow pages, and a new database left beside them tries to finish their checkpoint.
  for (const name of readdirSync(dataDir)) {
    if (name.startsWith(DATABASE_FILE) || name === CHECKPOINT_PENDING) renameSync(join(dataDir, name), join(dir, name));
  }
  return dir;
}
