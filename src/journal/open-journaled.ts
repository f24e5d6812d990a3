import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Ontology } from '../ontology/ontology.js';
import { InProcessEngine } from '../store/embedded/engine/in-process.js';
import { EngineDiedError } from '../store/embedded/engine/process.js';
import { embeddedStore, isolatedEngine, prepareSchema, StoreOpenError } from '../store/embedded/open.js';
import { StoredRecordUnreadable } from '../store/errors.js';
import { DATABASE_FILE, DEFAULT_QUARANTINE_KEEP, quarantineDatabase, type QuarantinePolicy } from '../store/embedded/quarantine.js';
import { Graph } from '../writes/graph.js';
import { writesOf, type JournalEntry } from './entries.js';
import { DEFAULT_MIN_FREE_DISK_MB, formatMb, lowSpace } from './free-space.js';
import { describeProblem, JournalWriter, readJournal, type JournalRead } from './journal-file.js';
import { JournalLog } from './journal-log.js';
import { verifyAtStart } from './verify-at-start.js';
import { WriteHold } from './write-hold.js';
import { describeRebuild, discardUnfinishedBuilds, journalLoadData, moveIntoPlace, rebuildFromJournal, type Rebuilt } from './rebuild.js';
import { isTail, missingWrites, replay, type ReplayOutcome } from './replay.js';

export interface JournaledOptions {
  dataDir: string;
  ontology: Ontology;
  /** Where to say, in one line each, that the database was rebuilt or caught up. */
  log?: (line: string) => void;
  /** Told what a replay at open applied and refused (restore reports it). */
  report?: (outcome: ReplayOutcome) => void;
  /** The engine in a process of its own, restarted when it dies (the server); else in this one (commands that run once). */
  engineProcess?: boolean;
  /** QUARANTINE_KEEP */
  quarantineKeep?: number;
  /** MIN_FREE_DISK_MB: under it the store does not start, and refuses writes once started. */
  minFreeDiskMb?: number;
  /** ENGINE_STALL_SECONDS in ms, for the engine in a process of its own. */
  engineStallMs?: number;
}

/**
 * The database is not a prefix of the journal, so catching it up would be wrong: it lacks a
 * write but holds a later one (a flipped byte in an audit entry's id makes its write look
 * missing), or it refuses a write it lacks by the graph's rules, which the journal's order
 * allowed ("already exists"). Voiding such a write would lose it though acknowledged.
 */
class NotTheJournalsGraph extends Error {}

/** Builds the database from the journal beside DATA_DIR's (src/journal/rebuild.ts) and moves it into place. */
async function rebuildInPlace(dataDir: string, ontology: Ontology, entries: readonly JournalEntry[], policy: QuarantinePolicy): Promise<Rebuilt> {
  const rebuilt = await rebuildFromJournal({ dataDir, ontology, entries, log: policy.log });
  try {
    // A log or shadow pages left without their database would be replayed onto the new one.
    if (readdirSync(dataDir).some((name) => name.startsWith(DATABASE_FILE))) {
      quarantineDatabase(dataDir, policy, (where) => `embedded database: moved files left without their database to ${where}`);
    }
    moveIntoPlace(rebuilt.dir, dataDir);
  } finally {
    rmSync(rebuilt.dir, { recursive: true, force: true });
  }
  return rebuilt;
}

/**
 * Opens the embedded store behind its journal (DATA_DIR/journal/), its engine in a process
 * of its own (src/store/embedded/engine/) with `engineProcess`. A database that cannot be
 * opened is moved to DATA_DIR/quarantine/ and rebuilt from the journal (seed files and
 * imports included: their loads are journaled with their data); a database that opens but
 * lacks journaled writes (a log set aside at open, an old copy put back) gets them replayed.
 * The same happens each time the engine process dies and is started again, before it
 * serves. Either way `log` says so in one line. Another process holding the database is not
 * a failure of its files: that error is passed on untouched; nor is a full disk, which
 * refuses the start and moves nothing. Lines of the journal that are missing, repeated or
 * altered are each named in a line; the database, the primary copy, opens as it is.
 */
export async function openJournaledEmbedded(options: JournaledOptions): Promise<Graph> {
  const { dataDir, ontology, log = () => undefined, report, engineProcess = false, minFreeDiskMb = DEFAULT_MIN_FREE_DISK_MB } = options;
  const policy: QuarantinePolicy = { keep: options.quarantineKeep ?? DEFAULT_QUARANTINE_KEEP, log };
  const full = (failure: string) => {
    const free = lowSpace(dataDir, minFreeDiskMb);
    const noSpace = /no space left|ENOSPC/i.test(failure);
    if (free === null && !noSpace) return null;
    const left = free === null ? `the disk is full (${failure.split('\n')[0]})` : `only ${formatMb(free)} free, under MIN_FREE_DISK_MB=${minFreeDiskMb}`;
    return new StoreOpenError(`cannot start on DATA_DIR=${dataDir}: ${left}; free space there and start again (nothing was moved into quarantine)`, false, dataDir);
  };
  const refusal = full('');
  if (refusal) throw refusal;
  const journal = readJournal(dataDir);
  for (const p of journal.problems) log(`embedded database: journal line ${describeProblem(journal.path, p)}`);
  const genesis = journal.entries[0];
  const complete = genesis?.op === 'genesis' && genesis.complete;
  // In an object: it is set inside recover, which the compiler does not follow.
  const opening: { writer: JournalWriter | null } = { writer: null };
  /** A rebuild the next catchUp reports (its replay is done). */
  let rebuilt: Rebuilt | null = null;
  // Set once the store has opened: from then on a start is a restart after a death.
  let opened = false;
  /** Sets the database's files aside and builds it anew from the journal `now` (unless the journal lost lines). */
  const setAsideAndRebuild = async (now: JournalRead, why: string) => {
    const lost = now.problems.find((p) => p.kind !== 'duplicate');
    if (lost) throw new StoreOpenError(`${why}; it cannot be rebuilt from its journal either, ${describeProblem(now.path, lost)}`, false, dataDir);
    await engine.release();
    quarantineDatabase(dataDir, policy, (where) => `embedded database: ${why}; moved its files to ${where} and rebuilding it from the journal`);
    rebuilt = await rebuildInPlace(dataDir, ontology, now.entries, policy);
  };
  const recover = async (spawn: () => Promise<void>) => {
    const now: JournalRead = opened ? readJournal(dataDir) : journal;
    // The schema's first checkpoint is the first write to a full disk, so it is tried with the open.
    const ready = async () => {
      await spawn();
      await prepareSchema(engine, ontology);
    };
    try {
      // No database beside a journal with writes (a restore, a deleted file): built in one go, not write by write.
      if (complete && !existsSync(join(dataDir, DATABASE_FILE)) && writesOf(now.entries).length > 0) rebuilt = await rebuildInPlace(dataDir, ontology, now.entries, policy);
      await ready();
    } catch (err) {
      if (err instanceof StoreOpenError && err.locked) throw err;
      // A full disk is not damage: the files are left where they are. The engine can fail on
      // one past its own open too (its first checkpoint), with an error of its own.
      const onFullDisk = full(err instanceof Error ? err.message : String(err));
      if (onFullDisk) throw onFullDisk;
      // The engine dying as it opens the files (a native fault on damaged pages) is damage too.
      const died = err instanceof EngineDiedError;
      if (!(err instanceof StoreOpenError || died) || !complete) throw err;
      await setAsideAndRebuild(now, died ? `its engine died opening it (${err.why})` : `could not be opened (${err.message})`);
      await ready();
    }
    // From here the engine holds the database's lock, so nobody else writes the journal.
    if (!opened) {
      discardUnfinishedBuilds(dataDir, log);
      await openWriter();
    }
    try {
      await catchUp(now.entries);
    } catch (err) {
      // Damage the open did not see: a record whose stored text no longer parses, that the
      // engine dies reading, or that makes it refuse the journal's own writes.
      const died = err instanceof EngineDiedError;
      if (!(err instanceof StoredRecordUnreadable || died || err instanceof NotTheJournalsGraph) || !complete) throw err;
      await setAsideAndRebuild(
        now,
        died ? `its engine died reading it (${err.why})` : err instanceof NotTheJournalsGraph ? err.message : `a record of it could not be read (${err.message})`,
      );
      await ready();
      await catchUp(now.entries);
    }
  };
  const engine = engineProcess
    ? isolatedEngine(dataDir, { quarantineKeep: policy.keep, ...(options.engineStallMs ? { stallMs: options.engineStallMs } : {}) }, log, recover)
    : new InProcessEngine(dataDir, policy.keep, log, recover);
  const store = embeddedStore(engine, ontology);
  const openWriter = async () => {
    const writer = await JournalWriter.open(dataDir, journal.nextSeq, policy);
    opening.writer = writer;
    if (journal.torn) log('embedded database: the journal ended in a write cut off by a crash, never acknowledged; it was dropped');
    if (!genesis && journal.problems.length === 0) {
      // A database that held data before its journal began cannot be rebuilt from it alone.
      const empty = (await store.graphVersion()).startsWith('0:');
      await writer.append({ op: 'genesis', at: new Date().toISOString(), complete: empty });
      if (!empty) log(`embedded database: its journal begins now; writes made before it are only in the database (back up DATA_DIR=${dataDir} as files)`);
    }
  };
  /** Replays beneath the journal what the database lacks of it (those entries are in it already), or reports the rebuild that did. */
  const catchUp = async (entries: JournalEntry[]) => {
    const done = rebuilt;
    rebuilt = null;
    let outcome: ReplayOutcome | null = done?.outcome ?? null;
    if (!done) {
      const writes = writesOf(entries);
      const missing = await missingWrites(store, writes);
      if (complete && !isTail(missing, writes)) {
        throw new NotTheJournalsGraph(`it lacks journaled write ${missing[0]!.audit.changeId} but holds later ones, so it is not the journal's graph`);
      }
      if (missing.length > 0) outcome = await replay(new Graph(store, ontology), missing, journalLoadData(dataDir));
      const byRule = outcome?.refused.find((r) => !r.damagedData);
      if (byRule && complete) throw new NotTheJournalsGraph(`it refused journaled write ${byRule.changeId}, which it lacked (${byRule.reason}), so it is not the journal's graph`);
    }
    if (!outcome) return;
    // A refused write is voided, so it is neither retried at every start nor applied later, out of order.
    for (const r of outcome.refused) await opening.writer?.append({ op: 'void', changeId: r.changeId });
    const refused =
      outcome.refused.length > 0
        ? `; ${outcome.refused.length} journaled write(s) refused and marked void (${outcome.refused.map((r) => `${r.changeId}: ${r.reason}`).join('; ')})`
        : '';
    const what = done ? `rebuilt from the journal, ${describeRebuild(done)}` : `caught up from the journal, ${outcome.applied} write(s) replayed`;
    log(`embedded database: ${what}${refused}`);
    report?.(outcome);
  };
  try {
    await engine.start();
    opened = true;
    if (!opening.writer) throw new Error('the journal was not opened');
    const hold = new WriteHold();
    return new Graph(store, ontology, {
      log: new JournalLog(opening.writer, { minFreeDiskMb, hold }),
      verify: () => verifyAtStart({ dataDir, ontology, engine, policy, hold }),
    });
  } catch (err) {
    await opening.writer?.close();
    await store.close();
    throw err;
  }
}
