import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, ErrorCode } from '../errors/domain-error.js';
import type { Ontology } from '../ontology/ontology.js';
import { compareDigests, countRecords, dumpDigests, type Digests, type Disagreement, type TableReader } from '../store/embedded/dump.js';
import { openForOneJob, StoreOpenError } from '../store/embedded/open.js';
import { DATABASE_FILE, quarantineDatabase, type QuarantinePolicy } from '../store/embedded/quarantine.js';
import { writesOf, type JournalEntry } from './entries.js';
import type { ReplayOutcome } from './replay.js';
import { describeProblem, readJournal } from './journal-file.js';
import { describeRebuild, moveIntoPlace, openRebuild } from './rebuild.js';
import { takeSnapshot } from './snapshots.js';

/**
 * Verification of the embedded database against its journal: the journal's graph is built
 * in a directory of its own (src/journal/rebuild.ts: from the newest snapshot, replaying
 * only what follows it), then every record of both is compared by digest
 * (src/store/embedded/dump.ts). Damage that leaves the database readable (a flipped byte in
 * a citation's quote or an audit entry) is found this way, where opening it finds nothing.
 */

/** The database disagrees with its journal; the message counts the records. */
export class DatabaseDisagrees extends DomainError {
  readonly code = ErrorCode.DATA_DAMAGED;
}

export type { Disagreement } from '../store/embedded/dump.js';

export interface VerifyOptions {
  dataDir: string;
  ontology: Ontology;
  log: (line: string) => void;
  /**
   * The live database's tables, when the caller holds it open (a serving server: LadybugDB
   * locks its file, so nobody else can open it). Without it DATA_DIR is opened here, which
   * fails with StoreOpenError (`locked`) while a server runs.
   */
  live?: TableReader;
  /**
   * Runs its work with the live database's writes held back (a serving server's WriteHold):
   * the live tables and the journal's position are read under it, so they match, and the
   * journal's graph is caught up to that position. Without it, writes made meanwhile are
   * counted in `concurrentWrites`.
   */
  hold?: <T>(work: () => Promise<T>) => Promise<T>;
}

export interface VerifyResult {
  /** Records that disagree, table by table; empty when the database is the journal's graph. */
  disagreements: Disagreement[];
  /** Set when the live database could not be opened or read at all: every record disagrees. */
  unreadable: string | null;
  /** Records the journal's graph holds (compared). */
  records: number;
  /** Journal entries the check covers. */
  entries: number;
  /** Writes replayed to build the journal's graph, and the snapshot it started from (entries), if any. */
  replayed: number;
  fromSnapshot: number | null;
  /** Journaled writes the rebuild refused (the journal's own problem, reported as it is). */
  refused: Array<{ changeId: string; reason: string }>;
  /**
   * Writes journaled while the check ran (a serving server): the live database may hold
   * them and the rebuild not, so disagreements may be theirs. Check again before repairing.
   */
  concurrentWrites: number;
  /** Where the journal's graph was built (DATA_DIR/.rebuild-*): `repairDatabase` puts it in place, `discardRebuilt` removes it. */
  rebuiltDir: string;
  rebuildMs: number;
  compareMs: number;
  totalMs: number;
}

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

/** The live database's digests, or why they cannot be read. A database in use is not damage: that error is passed on. */
async function dumpLive(options: VerifyOptions): Promise<Digests | string> {
  try {
    if (options.live) return await dumpDigests(options.live, options.ontology);
    if (!existsSync(join(options.dataDir, DATABASE_FILE))) return `${join(options.dataDir, DATABASE_FILE)} does not exist`;
    // Read through an engine in a process of its own: damaged files can crash the engine,
    // and that is then the finding ("unreadable"), not the end of the command.
    const { store, engine } = await openForOneJob({ dataDir: options.dataDir, ontology: options.ontology, log: options.log, purpose: 'reading DATA_DIR', asItIs: true });
    try {
      return await dumpDigests(engine, options.ontology);
    } finally {
      await store.close();
    }
  } catch (err) {
    if (err instanceof StoreOpenError && err.locked) throw err;
    return firstLine(err);
  }
}

/**
 * Builds the journal's graph and compares the live database with it, record by record.
 * The rebuilt database is left at `rebuiltDir` for the caller. A clean result keeps the
 * rebuild as a snapshot (src/journal/snapshots.ts), so the next check replays less.
 */
export async function verifyDatabase(options: VerifyOptions): Promise<VerifyResult> {
  const { dataDir, ontology, log } = options;
  const started = performance.now();
  const journal = readJournal(dataDir);
  // The journal's graph is the reference only while the journal is whole.
  const lost = journal.problems.find((p) => p.kind !== 'duplicate');
  if (lost) throw new DatabaseDisagrees(`cannot verify DATA_DIR=${dataDir}: its journal is damaged, ${describeProblem(journal.path, lost)}`);
  const { entries } = journal;
  const genesis = entries[0];
  if (genesis?.op !== 'genesis' || !genesis.complete) {
    throw new DatabaseDisagrees(
      `cannot verify DATA_DIR=${dataDir}: its journal ${genesis ? 'began after data was already in the database' : 'is empty or missing'}, so it does not hold the whole graph`,
    );
  }
  const rebuilt = await openRebuild({ dataDir, ontology, entries, log });
  try {
    const compareStarted = performance.now();
    const hold = options.hold ?? (<T>(work: () => Promise<T>) => work());
    let read: { live: Digests | string; at: JournalEntry[] };
    let caughtUp: ReplayOutcome | null;
    let expected: Digests;
    try {
      read = await hold(async () => ({ live: await dumpLive(options), at: readJournal(dataDir).entries }));
      // Writes journaled while the rebuild ran: the live database holds them, so the rebuild must too.
      caughtUp = writesOf(read.at).length > writesOf(entries).length ? await rebuilt.catchUp(read.at) : null;
      expected = await dumpDigests(rebuilt.engine, ontology);
    } finally {
      // Its file was checkpointed: a close that fails (the builder killed) spoils nothing, nor hides why the check stopped.
      await rebuilt.close().catch(() => undefined);
    }
    const { live, at } = read;
    const unreadable = typeof live === 'string' ? live : null;
    const disagreements = typeof live === 'string' ? [] : compareDigests(live, expected);
    const compareMs = Math.round(performance.now() - compareStarted);
    const concurrentWrites = options.hold ? 0 : writesOf(readJournal(dataDir).entries).length - writesOf(at).length;
    const refused = [...rebuilt.outcome.refused, ...(caughtUp?.refused ?? [])];
    const clean = unreadable === null && disagreements.length === 0 && refused.length === 0 && concurrentWrites === 0;
    // Only a rebuild that the database matched, and that refused nothing, is kept to start from.
    if (clean) await takeSnapshot(dataDir, join(rebuilt.dir, DATABASE_FILE), at, at.length);
    const more = caughtUp ? `, then ${caughtUp.applied} made meanwhile` : '';
    log(
      `embedded database: verified against the journal (${at.length} entries; ${describeRebuild(rebuilt)}${more}; compared in ${compareMs} ms): ${
        unreadable !== null ? `unreadable (${unreadable})` : `${disagreements.length} record(s) disagree`
      }`,
    );
    return {
      disagreements,
      unreadable,
      records: countRecords(expected),
      entries: at.length,
      replayed: rebuilt.outcome.applied + (caughtUp?.applied ?? 0),
      fromSnapshot: rebuilt.fromSnapshot,
      refused,
      concurrentWrites,
      rebuiltDir: rebuilt.dir,
      rebuildMs: rebuilt.ms,
      compareMs,
      totalMs: Math.round(performance.now() - started),
    };
  } catch (err) {
    rmSync(rebuilt.dir, { recursive: true, force: true });
    throw err;
  }
}

/** Removes a verification's rebuilt database. */
export function discardRebuilt(result: VerifyResult): void {
  rmSync(result.rebuiltDir, { recursive: true, force: true });
}

/**
 * Replaces the database with the journal's graph: its files go to DATA_DIR/quarantine/
 * (never deleted) and the rebuilt ones take their place; the rebuild is kept as a snapshot.
 * Needs the database closed (no server), and no write made since the check. Returns where
 * the old files went.
 */
export async function repairDatabase(dataDir: string, result: VerifyResult, policy: QuarantinePolicy): Promise<string> {
  if (result.concurrentWrites > 0)
    throw new DatabaseDisagrees(`not repaired: ${result.concurrentWrites} write(s) were made while it was verified; stop the server and verify again`);
  return putRebuildInPlace(dataDir, result, policy);
}

/**
 * The files of the repair, with the database closed. Writes journaled after the check are
 * not in the rebuild: whoever opens it next catches them up from the journal.
 */
export async function putRebuildInPlace(dataDir: string, result: VerifyResult, policy: QuarantinePolicy): Promise<string> {
  if (result.refused.length === 0) await takeSnapshot(dataDir, join(result.rebuiltDir, DATABASE_FILE), readJournal(dataDir).entries, result.entries);
  const why = result.unreadable ?? `${result.disagreements.length} record(s) disagree with the journal`;
  const aside = quarantineDatabase(dataDir, policy, (where) => `embedded database: replaced by its rebuild from the journal (${why}); its files were moved to ${where}`);
  moveIntoPlace(result.rebuiltDir, dataDir);
  discardRebuilt(result);
  return aside;
}
