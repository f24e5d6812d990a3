import type { Ontology } from '../ontology/ontology.js';
import { InProcessEngine } from '../store/embedded/engine/in-process.js';
import { embeddedStore, isolatedEngine, prepareSchema, StoreOpenError } from '../store/embedded/open.js';
import { quarantineDatabase } from '../store/embedded/quarantine.js';
import type { GraphStore } from '../store/graph-store.js';
import { writesOf, type JournalEntry } from './entries.js';
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
  /** The engine in a process of its own, restarted when it dies (the server); else in this one (commands that run once). */
  engineProcess?: boolean;
}

const loadData = (dataDir: string) => (changeId: string) => batchesFromFile(loadDataPath(dataDir, `${changeId}.jsonl`));

function journalOf(dataDir: string): ReturnType<typeof readJournal> {
  try {
    return readJournal(dataDir);
  } catch (err) {
    if (err instanceof JournalError) throw new StoreOpenError(`cannot open DATA_DIR=${dataDir}: ${err.message}`, false, dataDir);
    throw err;
  }
}

/**
 * Opens the embedded store behind its journal (DATA_DIR/journal/), its engine in a process
 * of its own (src/store/embedded/engine/) with `engineProcess`. A database that cannot be opened is moved to
 * DATA_DIR/quarantine/ and rebuilt from the journal (seed files and imports included:
 * their loads are journaled with their data); a database that opens but lacks journaled
 * writes (a log set aside at open, an old copy put back) gets them replayed. The same
 * happens each time the engine process dies and is started again, before it serves.
 * Either way `log` says so in one line. Another process holding the database is not a
 * failure of its files: that error is passed on untouched.
 */
export async function openJournaledEmbedded({ dataDir, ontology, log = () => undefined, report, engineProcess = false }: JournaledOptions): Promise<GraphStore> {
  const journal = journalOf(dataDir);
  const genesis = journal.entries[0];
  const complete = genesis?.op === 'genesis' && genesis.complete;
  let writer: JournalWriter | null = null;
  let rebuiltFrom: string | null = null;
  // Set once the server has started: from then on a start is a restart after a death.
  let afterStart: (() => Promise<void>) | null = null;
  const recover = async (spawn: () => Promise<void>) => {
    try {
      await spawn();
    } catch (err) {
      if (!(err instanceof StoreOpenError) || err.locked || !complete) throw err;
      rebuiltFrom = quarantineDatabase(dataDir);
      await spawn();
      log(`embedded database: could not be opened (${err.message}); moved its files to ${rebuiltFrom} and rebuilding it from the journal`);
    }
    await prepareSchema(engine, ontology);
    await afterStart?.();
  };
  const engine = engineProcess ? isolatedEngine(dataDir, log, recover) : new InProcessEngine(dataDir, log, recover);
  await engine.start();
  const store = embeddedStore(engine, ontology);
  /** Replays beneath the journal what the database lacks of it: those entries are in it already. */
  const catchUp = async (entries: JournalEntry[]) => {
    const missing = await missingWrites(store, writesOf(entries));
    if (missing.length === 0) return;
    const outcome = await replay(store, missing, loadData(dataDir));
    // A refused write is voided, so it is neither retried at every start nor applied later, out of order.
    for (const r of outcome.refused) await writer?.append({ op: 'void', changeId: r.changeId });
    const refused =
      outcome.refused.length > 0
        ? `; ${outcome.refused.length} journaled write(s) refused and marked void (${outcome.refused.map((r) => `${r.changeId}: ${r.reason}`).join('; ')})`
        : '';
    log(`embedded database: ${rebuiltFrom ? 'rebuilt' : 'caught up'} from the journal, ${outcome.applied} write(s) replayed${refused}`);
    rebuiltFrom = null;
    report?.(outcome);
  };
  try {
    writer = await JournalWriter.open(dataDir);
    if (journal.torn) log('embedded database: the journal ended in a write cut off by a crash, never acknowledged; it was dropped');
    if (!genesis) {
      // A database that held data before its journal began cannot be rebuilt from it alone.
      const empty = (await store.graphVersion()).startsWith('0:');
      await writer.append({ op: 'genesis', at: new Date().toISOString(), complete: empty });
      if (!empty) log(`embedded database: its journal begins now; writes made before it are only in the database (back up DATA_DIR=${dataDir} as files)`);
    }
    await catchUp(journal.entries);
    afterStart = () => catchUp(journalOf(dataDir).entries);
    return new JournaledStore(store, writer);
  } catch (err) {
    await writer?.close();
    await store.close();
    throw err;
  }
}
