import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE } from '../store/embedded/quarantine.js';
import type { JournalEntry } from './entries.js';
import { isWriteEntry } from './entries.js';
import { syncDirectory } from './journal-file.js';

/**
 * Verified copies of the database, DATA_DIR/snapshots/<position>/, each the graph of the
 * journal's first <position> entries, so a rebuild copies the newest and replays only the
 * entries after it (src/journal/rebuild.ts). A snapshot is only ever made from a database
 * rebuilt from the journal; its manifest holds its file's sha256 and size, checked before
 * use: a snapshot damaged since is logged and skipped, never used.
 */
const SNAPSHOTS = 'snapshots';
const MANIFEST = 'manifest.json';
/** Kept: the newest and the one before, in case the newest turns out damaged. */
export const SNAPSHOTS_KEPT = 2;

export interface SnapshotManifest {
  /** Journal entries covered (lines of journal.jsonl). */
  entries: number;
  /** The change id of the last write among them, to tell that the journal is still the one it was made from. */
  lastChangeId: string | null;
  sha256: string;
  size: number;
  at: string;
}

export interface Snapshot {
  dir: string;
  manifest: SnapshotManifest;
}

export function snapshotsDir(dataDir: string): string {
  return join(dataDir, SNAPSHOTS);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function lastChangeId(entries: readonly JournalEntry[], count: number): string | null {
  for (let i = count - 1; i >= 0; i -= 1) {
    const e = entries[i]!;
    if (isWriteEntry(e)) return e.audit.changeId;
  }
  return null;
}

function readManifest(dir: string): SnapshotManifest | null {
  try {
    const m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Partial<SnapshotManifest>;
    if (typeof m.entries !== 'number' || typeof m.sha256 !== 'string' || typeof m.size !== 'number' || !(typeof m.lastChangeId === 'string' || m.lastChangeId === null))
      return null;
    return m as SnapshotManifest;
  } catch {
    return null;
  }
}

/**
 * Why the snapshot cannot start a rebuild of `entries`, or null when it can: its file must
 * match its manifest, the journal must still hold its last write at its place, and no
 * write it holds may have been voided since (a write whose commit failed after it was made).
 */
async function whyUnusable(snapshot: Snapshot, entries: readonly JournalEntry[]): Promise<string | null> {
  const { manifest, dir } = snapshot;
  const file = join(dir, DATABASE_FILE);
  if (!existsSync(file)) return `${file} is missing`;
  if (statSync(file).size !== manifest.size) return `${file} is ${statSync(file).size} bytes, its manifest says ${manifest.size}`;
  if (manifest.entries > entries.length || lastChangeId(entries, manifest.entries) !== manifest.lastChangeId) return 'it was not made from this journal';
  const held = new Set(entries.slice(0, manifest.entries).flatMap((e) => (isWriteEntry(e) ? [e.audit.changeId] : [])));
  if (entries.slice(manifest.entries).some((e) => e.op === 'void' && held.has(e.changeId))) return 'a write it holds was voided since';
  if ((await sha256File(file)) !== manifest.sha256) return `${file} does not match its sha256 (damaged)`;
  return null;
}

function listSnapshots(dataDir: string): Snapshot[] {
  const root = snapshotsDir(dataDir);
  if (!existsSync(root)) return [];
  const found: Snapshot[] = [];
  for (const name of readdirSync(root)) {
    if (name.startsWith('.')) continue;
    const manifest = readManifest(join(root, name));
    if (manifest) found.push({ dir: join(root, name), manifest });
  }
  return found.sort((a, b) => b.manifest.entries - a.manifest.entries);
}

/** The newest snapshot that checks out against `entries`; each one skipped is logged with why. */
export async function usableSnapshot(dataDir: string, entries: readonly JournalEntry[], log: (line: string) => void): Promise<Snapshot | null> {
  for (const snapshot of listSnapshots(dataDir)) {
    const why = await whyUnusable(snapshot, entries);
    if (why === null) return snapshot;
    log(`embedded database: snapshot ${snapshot.dir} skipped: ${why}`);
  }
  return null;
}

/**
 * Keeps a copy of `databaseFile` (checkpointed, closed, and the graph of the journal's first
 * `count` entries) as a snapshot, written under a temporary name and renamed, then drops
 * all but the newest SNAPSHOTS_KEPT. Returns its directory.
 */
export async function takeSnapshot(dataDir: string, databaseFile: string, entries: readonly JournalEntry[], count: number): Promise<string> {
  const root = snapshotsDir(dataDir);
  const dir = join(root, String(count).padStart(10, '0'));
  if (existsSync(dir)) return dir;
  const temp = join(root, `.partial-${process.pid}-${count}`);
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  copyFileSync(databaseFile, join(temp, DATABASE_FILE));
  const manifest: SnapshotManifest = {
    entries: count,
    lastChangeId: lastChangeId(entries, count),
    sha256: await sha256File(join(temp, DATABASE_FILE)),
    size: statSync(join(temp, DATABASE_FILE)).size,
    at: new Date().toISOString(),
  };
  writeFileSync(join(temp, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(temp, dir);
  syncDirectory(root);
  for (const old of listSnapshots(dataDir).slice(SNAPSHOTS_KEPT)) rmSync(old.dir, { recursive: true, force: true });
  return dir;
}
