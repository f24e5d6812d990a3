import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { InsufficientStorageError } from '../store/errors.js';

/** Below this much free space in DATA_DIR writes are refused, unless MIN_FREE_DISK_MB says otherwise. */
export const DEFAULT_MIN_FREE_DISK_MB = 64;

const MB = 1024 * 1024;

/** Bytes an unprivileged process may still write where `dir` is (or would be: its nearest existing folder). */
export function freeBytes(dir: string): number {
  let at = dir;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  const fs = statfsSync(at);
  return fs.bavail * fs.bsize;
}

export function formatMb(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

/**
 * Free space in DATA_DIR when it is under `minFreeMb`, else null (0 turns the check off).
 * A write is refused before it starts rather than let the database or the journal fail
 * half-way: the engine's behaviour on a full disk is not something to find out in service.
 */
export function lowSpace(dataDir: string, minFreeMb: number): number | null {
  if (minFreeMb <= 0) return null;
  const free = freeBytes(dataDir);
  return free < minFreeMb * MB ? free : null;
}

/** Refuses a write when DATA_DIR is short of space; the one home of that rule. */
export function refuseWriteWhenFull(dataDir: string, minFreeMb: number): void {
  const free = lowSpace(dataDir, minFreeMb);
  if (free === null) return;
  throw new InsufficientStorageError(
    `the write was not made: only ${formatMb(free)} free in DATA_DIR=${dataDir} (writes need ${minFreeMb} MB, MIN_FREE_DISK_MB); free space there and try again`,
  );
}
