import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Ontology } from '../ontology/ontology.js';
import { DATABASE_FILE, quarantineDatabase } from '../store/embedded/quarantine.js';
import { openEmbeddedStore, StoreOpenError } from '../store/embedded/open.js';
import type { GraphStore } from '../store/graph-store.js';
import { writesOf, type JournalEntry } from './entries.js';
import { JournalError, JournalWriter, readJournal } from './journal-file.js';
import { JournaledStore } from './journaled-store.js';
import { describeRebuild, journalLoadData, moveIntoPlace, rebuildFromJournal, type Rebuilt } from './rebuild.js';
import { missingWrites, replay, type ReplayOutcome } from './replay.js';

export interface JournaledOptions {
  dataDir: string;
  ontology: Ontology;
  /** Where to say, in one line each, that the database was rebuilt or caught up. */
  log?: (line: string) => void;
  /** Told what a replay at open applied and refused (restore reports it). */
  report?: (outcome: ReplayOutcome) => void;
}

/** Builds the database from the journal beside DATA_DIR's (src/journal/rebuild.ts) and moves it into place. */
async function rebuildInPlace(dataDir: string, ontology: Ontology, entries: readonly JournalEntry[], log: (line: string) => void): Promise<Rebuilt> {
  const rebuilt = await rebuildFromJournal({ dataDir, ontology, entries, log });
  // A log or shadow pages left without their database would be replayed onto the new one.
  if (readdirSync(dataDir).some((name) => name.startsWith(DATABASE_FILE))) log(`embedded database: moved files left without their database to ${quarantineDatabase(dataDir)}`);
  moveIntoPlace(rebuilt.dir, dataDir);
  rmSync(rebuilt.dir, { recursive: true, force: true });
  return rebuilt;
}

/**
 * Opens the embedded store behind its journal (DATA_DIR/journal/). A database that cannot
 * be opened is moved to DATA_DIR/quarantine/ and rebuilt from the journal (seed files and
 * imports included: their loads are journaled with their data); a database that opens but
 * lacks journaled writes (a log set aside at open, an old copy put back) gets them replayed.
 * Either way `log` says so in one line. Another process holding the database is not a
 * failure of its files: that error is passed on untouched.
 */
export async function openJournaledEmbedded({ dataDir, ontology, log = () => undefined, report }: JournaledOptions): Promise<GraphStore> {
  let journal;
  try {
    journal = readJournal(dataDir);
  } catch (err) {
    if (err instanceof JournalError) throw new StoreOpenError(`cannot open DATA_DIR=${dataDir}: ${err.message}`, false, dataDir);
    throw err;
  }
  const genesis = journal.entries[0];
  const complete = genesis?.op === 'genesis' && genesis.complete;
  let store: GraphStore;
  let rebuilt: Rebuilt | null = null;
  try {
    // No database beside a journal with writes (a restore, a deleted file): built in one go, not write by write.
    if (complete && !existsSync(join(dataDir, DATABASE_FILE)) && writesOf(journal.entries).length > 0) rebuilt = await rebuildInPlace(dataDir, ontology, journal.entries, log);
    store = await openEmbeddedStore({ dataDir, ontology, log });
  } catch (err) {
    if (!(err instanceof StoreOpenError) || err.locked || !complete) throw err;
    const aside = quarantineDatabase(dataDir);
    log(`embedded database: could not be opened (${err.message}); moved its files to ${aside} and rebuilding it from the journal`);
    rebuilt = await rebuildInPlace(dataDir, ontology, journal.entries, log);
    store = await openEmbeddedStore({ dataDir, ontology, log });
  }
  let writer: JournalWriter | null = null;
  try {
    writer = await JournalWriter.open(dataDir);
    if (journal.torn) log('embedded database: the journal ended in a write cut off by a crash, never acknowledged; it was dropped');
    if (!genesis) {
      // A database that held data before its journal began cannot be rebuilt from it alone.
      const empty = (await store.graphVersion()).startsWith('0:');
      await writer.append({ op: 'genesis', at: new Date().toISOString(), complete: empty });
      if (!empty) log(`embedded database: its journal begins now; writes made before it are only in the database (back up DATA_DIR=${dataDir} as files)`);
    }
    const journaled = new JournaledStore(store, writer);
    // Replayed beneath the journal: these entries are in it already.
    const missing = rebuilt ? [] : await missingWrites(store, writesOf(journal.entries));
    const outcome = rebuilt?.outcome ?? (missing.length > 0 ? await replay(store, missing, journalLoadData(dataDir)) : null);
    if (outcome) {
      // A refused write is voided, so it is neither retried at every start nor applied later, out of order.
      for (const r of outcome.refused) await writer.append({ op: 'void', changeId: r.changeId });
      const refused =
        outcome.refused.length > 0
          ? `; ${outcome.refused.length} journaled write(s) refused and marked void (${outcome.refused.map((r) => `${r.changeId}: ${r.reason}`).join('; ')})`
          : '';
      const what = rebuilt ? `rebuilt from the journal, ${describeRebuild(rebuilt)}` : `caught up from the journal, ${outcome.applied} write(s) replayed`;
      log(`embedded database: ${what}${refused}`);
      report?.(outcome);
    }
    return journaled;
  } catch (err) {
    await writer?.close();
    await store.close();
    throw err;
  }
}
