import { closeSync, createReadStream, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { GraphBatch } from '../store/graph-store.js';
import { BackupError } from './backup-error.js';
import { isJournalEntry, type JournalEntry } from './entries.js';
import { journalDir, journalExists, loadDataPath, readJournal, syncDirectory } from './journal-file.js';
import { batchesFromFile } from './replay.js';

/**
 * A backup is the journal in one portable file (JSON Lines): a header, then every entry,
 * each load's entry followed by the batches it wrote, then a closing line with the count,
 * so a file cut short is refused rather than restored in part. Restoring replays it, which
 * gives the same graph and the same audit log, on either backend.
 */
export const BACKUP_FORMAT = 'political-actors-graph-backup';
const VERSION = 1;


type Line = { format: string; version: number; created: string } | { entry: JournalEntry } | { batch: GraphBatch } | { end: true; entries: number };

/**
 * Writes DATA_DIR's journal to `file` (through a temporary name, so a failed backup never
 * leaves a partial file under the name asked for). Safe while a server runs: the journal
 * is only appended to, and an entry's load data is durable before the entry.
 */
export async function writeBackup(dataDir: string, file: string): Promise<{ entries: number; batches: number }> {
  if (!journalExists(dataDir)) throw new BackupError(`DATA_DIR=${dataDir} has no journal (${journalDir(dataDir)}); start the server or seed once to create it`);
  const { entries } = readJournal(dataDir);
  const genesis = entries[0];
  if (genesis?.op !== 'genesis' || !genesis.complete) {
    throw new BackupError(`the journal of DATA_DIR=${dataDir} began after data was already in the database, so a backup would miss that data; export the graph instead (npm run export)`);
  }
  const temp = `${file}.partial`;
  const fd = openSync(temp, 'w');
  let batches = 0;
  try {
    const put = (line: Line) => writeSync(fd, `${JSON.stringify(line)}\n`);
    put({ format: BACKUP_FORMAT, version: VERSION, created: new Date().toISOString() });
    for (const entry of entries) {
      put({ entry });
      if (entry.op !== 'load') continue;
      const data = loadDataPath(dataDir, `${entry.audit.changeId}.jsonl`);
      if (!existsSync(data)) throw new BackupError(`the journal's data for ${entry.key} (${data}) is missing; the journal is damaged`);
      for await (const batch of batchesFromFile(data)) {
        put({ batch });
        batches += 1;
      }
    }
    put({ end: true, entries: entries.length });
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(temp, file);
  syncDirectory(dirname(file));
  return { entries: entries.length, batches };
}

/**
 * Unpacks a backup into `dataDir`'s journal, which must not exist yet: entries to
 * journal.jsonl, each load's batches to its data file. Returns the entries.
 */
export async function unpackBackup(file: string, dataDir: string): Promise<JournalEntry[]> {
  if (!existsSync(file)) throw new BackupError(`no backup file ${file}`);
  if (journalExists(dataDir)) throw new BackupError(`DATA_DIR=${dataDir} already has a journal; restore into an empty DATA_DIR`);
  mkdirSync(loadDataPath(dataDir, ''), { recursive: true });
  const entriesPath = join(journalDir(dataDir), 'journal.jsonl');
  const journal = openSync(`${entriesPath}.partial`, 'w');
  const entries: JournalEntry[] = [];
  let data: number | null = null;
  let lineNo = 0;
  let ended = false;
  const fail = (why: string) => new BackupError(`${file}:${lineNo}: ${why}; this is not a complete backup made by npm run backup`);
  const closeData = () => {
    if (data === null) return;
    fsyncSync(data);
    closeSync(data);
    data = null;
  };
  try {
    for await (const text of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
      lineNo += 1;
      if (text === '') continue;
      let line: unknown;
      try {
        line = JSON.parse(text);
      } catch {
        throw fail('not JSON');
      }
      if (typeof line !== 'object' || line === null) throw fail('not a backup line');
      if (lineNo === 1) {
        const h = line as { format?: unknown; version?: unknown };
        if (h.format !== BACKUP_FORMAT) throw fail(`not a backup (format ${JSON.stringify(h.format)})`);
        if (h.version !== VERSION) throw fail(`backup version ${String(h.version)}; this program reads version ${VERSION}`);
        continue;
      }
      if (ended) throw fail('lines after the end');
      if ('entry' in line) {
        const entry = (line as { entry: unknown }).entry;
        if (!isJournalEntry(entry)) throw fail('not a journal entry');
        closeData();
        entries.push(entry);
        writeSync(journal, `${JSON.stringify(entry)}\n`);
        if (entry.op === 'load') data = openSync(loadDataPath(dataDir, `${entry.audit.changeId}.jsonl`), 'w');
      } else if ('batch' in line) {
        if (data === null) throw fail('a batch outside a load');
        writeSync(data, `${JSON.stringify((line as { batch: unknown }).batch)}\n`);
      } else if ('end' in line) {
        const count = (line as { entries?: unknown }).entries;
        if (count !== entries.length) throw fail(`the end says ${String(count)} entries, the file holds ${entries.length}`);
        ended = true;
      } else {
        throw fail('not a backup line');
      }
    }
    if (lineNo === 0) throw fail('empty file');
    if (!ended) throw fail('the file ends before its last line (cut short?)');
    closeData();
    fsyncSync(journal);
    closeSync(journal);
    renameSync(`${entriesPath}.partial`, entriesPath);
    syncDirectory(loadDataPath(dataDir, ''));
    syncDirectory(journalDir(dataDir));
    return entries;
  } catch (err) {
    if (data !== null) closeSync(data);
    closeSync(journal);
    rmSync(journalDir(dataDir), { recursive: true, force: true });
    throw err;
  }
}
