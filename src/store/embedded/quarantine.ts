import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
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

/** Copies kept in DATA_DIR/quarantine/ unless QUARANTINE_KEEP says otherwise. */
export const DEFAULT_QUARANTINE_KEEP = 3;
export const QUARANTINE_DIR = 'quarantine';

export interface QuarantinePolicy {
  /** How many copies stay; the oldest beyond it are removed when a new one is made. */
  keep: number;
  /** Told in one line what was moved, why, where, and what the quarantine holds now. */
  log: (line: string) => void;
}

/** The copies quarantine() made: named for their time, so by name is oldest first; anything else there is not ours to remove. */
const COPY = /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z/;

function bytesOf(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + bytesOf(join(path, name)), 0);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Sets something aside in DATA_DIR/quarantine/<time><suffix> (`move` puts it at the path
 * given), then removes the oldest copies beyond `policy.keep`. Copies grow without bound
 * otherwise (92 MB in ten once), and the newest is the one that matters for the start
 * that made it. The one log line is `said(where)` with the quarantine's size and what
 * was removed added, so nothing is moved there or removed from there unsaid.
 */
export function quarantine(dataDir: string, policy: QuarantinePolicy, suffix: string, move: (target: string) => void, said: (where: string) => string): string {
  const root = join(dataDir, QUARANTINE_DIR);
  mkdirSync(root, { recursive: true });
  let name = `${new Date().toISOString().replace(/[:.]/g, '-')}${suffix}`;
  // Two copies within a millisecond (a log set aside, then the database) must not share a name.
  for (let i = 2; existsSync(join(root, name)); i += 1) name = `${name.replace(/~\d+$/, '')}~${i}`;
  const target = join(root, name);
  move(target);
  const copies = readdirSync(root)
    .filter((n) => COPY.test(n) && n !== name)
    .sort();
  const removed = copies.slice(0, Math.max(0, copies.length + 1 - Math.max(1, policy.keep)));
  const gone = removed.map((n) => {
    const path = join(root, n);
    const what = `${n} (${mb(bytesOf(path))}${statSync(path).isDirectory() ? `: ${readdirSync(path).join(', ')}` : ''})`;
    rmSync(path, { recursive: true, force: true });
    return what;
  });
  const kept = [...copies.slice(removed.length), name];
  const total = kept.reduce((sum, n) => sum + bytesOf(join(root, n)), 0);
  const removal = gone.length > 0 ? `; removed the oldest to keep ${policy.keep} (QUARANTINE_KEEP): ${gone.join('; ')}` : '';
  policy.log(`${said(target)} [quarantine ${root}: ${kept.length} cop${kept.length === 1 ? 'y' : 'ies'}, ${mb(total)}${removal}]`);
  return target;
}

/**
 * Moves a write-ahead log that LadybugDB cannot replay out of the way, with a copy of the
 * database file as it was. Returns where they went.
 */
export function quarantineWal(dataDir: string, policy: QuarantinePolicy, said: (where: string) => string): string {
  return quarantine(
    dataDir,
    policy,
    '',
    (dir) => {
      mkdirSync(dir);
      copyFileSync(join(dataDir, DATABASE_FILE), join(dir, DATABASE_FILE));
      renameSync(join(dataDir, `${DATABASE_FILE}.wal`), join(dir, `${DATABASE_FILE}.wal`));
    },
    said,
  );
}

/**
 * Moves the database's files (file, log, shadow pages, marker) aside, so a new database
 * can be built in their place. Returns where they went.
 */
export function quarantineDatabase(dataDir: string, policy: QuarantinePolicy, said: (where: string) => string): string {
  return quarantine(
    dataDir,
    policy,
    '',
    (dir) => {
      mkdirSync(dir);
      // Every file of the engine's: 0.19 adds `.wal.checkpoint` and lock files beside the log and
      // shadow pages, and a new database left beside them tries to finish their checkpoint.
      for (const name of readdirSync(dataDir)) {
        if (name.startsWith(DATABASE_FILE) || name === CHECKPOINT_PENDING) renameSync(join(dataDir, name), join(dir, name));
      }
    },
    said,
  );
}
