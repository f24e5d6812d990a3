import type { Ontology } from '../ontology/ontology.js';
import { quarantineDatabase } from '../store/embedded/quarantine.js';
import { openEmbeddedStore, StoreOpenError } from '../store/embedded/open.js';
import type { GraphStore } from '../store/graph-store.js';
import { writesOf } from './entries.js';
import { JournalError, JournalWriter, loadDataPath, readJournal } from './journal-file.js';
import { JournaledStore } from './journaled-store.js';
import { batchesFromFile, missingWrites, replay, type ReplayOutcome } from './replay.js';

export interface JournaledOptions {
  dataDir: string;
  ontology: Ontology;
  /** Where to say, in one line each, that the database was rebuilt or caught up. */
  log?: (line: string) => void;
  /** Told what a replay at open applied and refused (restore reports it). */
  report?: (outcome: ReplayOutcome) => void;
}

const loadData = (dataDir: string) => (changeId: string) => batchesFromFile(loadDataPath(dataDir, `${changeId}.jsonl`));

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
  let rebuiltFrom: string | null = null;
  try {
    store = await openEmbeddedStore({ dataDir, ontology, log });
  } catch (err) {
    if (!(err instanceof StoreOpenError) || err.locked || !complete) throw err;
    rebuiltFrom = quarantineDatabase(dataDir);
    store = await openEmbeddedStore({ dataDir, ontology, log });
    log(`embedded database: could not be opened (${err.message}); moved its files to ${rebuiltFrom} and rebuilding it from the journal`);
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
    const missing = await missingWrites(store, writesOf(journal.entries));
    if (missing.length > 0) {
      // Replayed beneath the journal: these entries are in it already.
      const outcome = await replay(store, missing, loadData(dataDir));
      // A refused write is voided, so it is neither retried at every start nor applied later, out of order.
      for (const r of outcome.refused) await writer.append({ op: 'void', changeId: r.changeId });
      const refused =
        outcome.refused.length > 0
          ? `; ${outcome.refused.length} journaled write(s) refused and marked void (${outcome.refused.map((r) => `${r.changeId}: ${r.reason}`).join('; ')})`
          : '';
      log(`embedded database: ${rebuiltFrom ? 'rebuilt' : 'caught up'} from the journal, ${outcome.applied} write(s) replayed${refused}`);
      report?.(outcome);
    }
    return journaled;
  } catch (err) {
    await writer?.close();
    await store.close();
    throw err;
  }
}
