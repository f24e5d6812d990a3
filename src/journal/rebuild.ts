import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Ontology } from '../ontology/ontology.js';
import { openForOneJob } from '../store/embedded/open.js';
import { DATABASE_FILE } from '../store/embedded/quarantine.js';
import { EngineDiedError, type EmbeddedEngine } from '../store/embedded/engine/process.js';
import { formatMb, freeBytes } from './free-space.js';
import type { GraphBatch } from '../store/records.js';
import type { GraphStore } from '../store/graph-store.js';
import { Graph } from '../writes/graph.js';
import { writesOf, type JournalEntry } from './entries.js';
import { loadDataPath } from './journal-file.js';
import { batchesFromFile, missingWrites, replay, type ReplayOutcome } from './replay.js';
import { usableSnapshot } from './snapshots.js';

/**
 * The one way a database is built from the journal: in a directory of its own, from the
 * newest usable snapshot (or empty), replaying the journal's writes the snapshot lacks with
 * no checkpoint per write, and one checkpoint at the end. Used when the database cannot be
 * opened (src/journal/open-journaled.ts) and to verify it (src/journal/verify.ts).
 */

export const journalLoadData =
  (dataDir: string) =>
  (changeId: string): AsyncIterable<GraphBatch> =>
    batchesFromFile(loadDataPath(dataDir, `${changeId}.jsonl`));

export interface Rebuilt {
  /** The directory holding the rebuilt database's files. */
  dir: string;
  /** Journal entries it covers. */
  entries: number;
  outcome: ReplayOutcome;
  /** The snapshot it started from (its entry count), or null when built from empty. */
  fromSnapshot: number | null;
  ms: number;
}

/** A new directory for a rebuild, inside DATA_DIR so its files can be renamed into place. */
export function newBuildDir(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  return mkdtempSync(join(dataDir, '.rebuild-'));
}

/**
 * Removes the rebuild directories a process stopped mid-check left behind (a kill during the
 * check at start leaves one each time). Only for the holder of the database's lock, so no
 * rebuild of another process is running. Returns what it removed.
 */
export function discardUnfinishedBuilds(dataDir: string, log: (line: string) => void): string[] {
  const left = readdirSync(dataDir).filter((name) => name.startsWith('.rebuild-'));
  for (const name of left) rmSync(join(dataDir, name), { recursive: true, force: true });
  if (left.length > 0) log(`embedded database: removed ${left.length} unfinished rebuild(s) a stop in the middle of a check left (${left.join(', ')})`);
  return left;
}

/**
 * The engine process building the journal's graph died (LadybugDB aborts on a full disk
 * mid-write). Not the live database's fault, and not EngineDiedError, which would read as
 * the live engine dying: nothing is set aside for it.
 */
export class RebuildFailed extends Error {}

/** A rebuild still open: its engine serves the caller (a check catches it up and reads it) until `close`. */
export interface OpenBuild extends Rebuilt {
  store: GraphStore;
  engine: EmbeddedEngine;
  /** Replays the writes of `entries` the build lacks (a journal grown since), with one checkpoint. */
  catchUp(entries: readonly JournalEntry[]): Promise<ReplayOutcome>;
  close(): Promise<void>;
}

/** Builds the journal's graph and leaves it open; on failure nothing of it is left. */
export async function openRebuild(options: { dataDir: string; ontology: Ontology; entries: readonly JournalEntry[]; log: (line: string) => void }): Promise<OpenBuild> {
  const { dataDir, ontology, entries, log } = options;
  const started = performance.now();
  const dir = newBuildDir(dataDir);
  let opened: { store: GraphStore; engine: EmbeddedEngine } | null = null;
  try {
    const snapshot = await usableSnapshot(dataDir, entries, log);
    if (snapshot) copyFileSync(join(snapshot.dir, DATABASE_FILE), join(dir, DATABASE_FILE));
    // In a process of its own: LadybugDB aborts the process it runs in on some failures (a
    // full disk mid-write), and a check at start rebuilds beside a serving server.
    const { store, engine } = (opened = await openForOneJob({ dataDir: dir, ontology, log, purpose: "building the journal's graph", deferCheckpoints: true }));
    const catchUp = async (upTo: readonly JournalEntry[]) => {
      const outcome = await replay(new Graph(store, ontology), await missingWrites(store, writesOf(upTo)), journalLoadData(dataDir));
      await engine.checkpoint();
      return outcome;
    };
    const outcome = await catchUp(entries);
    return {
      dir,
      entries: entries.length,
      outcome,
      fromSnapshot: snapshot?.manifest.entries ?? null,
      ms: Math.round(performance.now() - started),
      store,
      engine,
      catchUp,
      close: () => store.close(),
    };
  } catch (err) {
    // Half a build is worth nothing: the journal is still there to build from.
    await opened?.store.close().catch(() => undefined);
    const free = formatMb(freeBytes(dir));
    rmSync(dir, { recursive: true, force: true });
    if (err instanceof EngineDiedError) throw new RebuildFailed(`${err.message}, with ${free} free under DATA_DIR=${dataDir}`, { cause: err });
    throw err;
  }
}

/** Builds the journal's graph in a directory of its own, closed. */
export async function rebuildFromJournal(options: { dataDir: string; ontology: Ontology; entries: readonly JournalEntry[]; log: (line: string) => void }): Promise<Rebuilt> {
  const build = await openRebuild(options);
  try {
    await build.close();
  } catch (err) {
    rmSync(build.dir, { recursive: true, force: true });
    throw err;
  }
  const { dir, entries, outcome, fromSnapshot, ms } = build;
  return { dir, entries, outcome, fromSnapshot, ms };
}

/** Moves the database's files from a rebuild's directory into `dataDir` (whose own were moved away). */
export function moveIntoPlace(buildDir: string, dataDir: string): void {
  for (const name of readdirSync(buildDir)) if (name.startsWith(DATABASE_FILE)) renameSync(join(buildDir, name), join(dataDir, name));
}

/** One log line: what a rebuild replayed and from where. */
export function describeRebuild(r: Rebuilt): string {
  const from = r.fromSnapshot === null ? 'from an empty database' : `from the snapshot of ${r.fromSnapshot} journal entries`;
  return `${r.outcome.applied} write(s) replayed ${from} in ${r.ms} ms`;
}
