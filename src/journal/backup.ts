import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { GraphBatch } from '../store/records.js';
import { BackupError } from './backup-error.js';
import { isJournalEntry, type JournalEntry } from './entries.js';
import { describeProblem, journalDir, journalExists, jsonLines, loadDataPath, readJournal, syncDirectory, writeAll } from './journal-file.js';
import { formatLine } from './journal-lines.js';
import { batchesFromFile, JournalDataError } from './replay.js';

/**
 * A backup is the journal in one portable file (JSON Lines): a header, then every entry,
 * each load's entry followed by the batches it wrote, then a closing line with the count,
 * so a file cut short is refused rather than restored in part. Restoring replays it, which
 * gives the same graph and the same audit log, on either backend.
 */
export const BACKUP_FORMAT = 'political-actors-graph-backup';
const VERSION = 1;

type Line = { format: string; version: number; created: string } | { entry: JournalEntry } | { batch: GraphBatch } | { end: true; entries: number; batches: number };

/**
 * Writes DATA_DIR's journal to `file` (through a temporary name, so a failed backup never
 * leaves a partial file under the name asked for). Safe while a server runs: the journal
 * is only appended to, and an entry's load data is durable before the entry.
 */
export async function writeBackup(dataDir: string, file: string): Promise<{ entries: number; batches: number }> {
  if (!journalExists(dataDir)) throw new BackupError(`DATA_DIR=${dataDir} has no journal (${journalDir(dataDir)}); start the server or seed once to create it`);
  const { entries, problems, path } = readJournal(dataDir);
  // A repeated line is left out and loses nothing; a missing or altered one would make the backup a wrong copy.
  const damage = problems.filter((p) => p.kind !== 'duplicate');
  if (damage[0]) {
    throw new BackupError(
      `the journal of DATA_DIR=${dataDir} is damaged, so no backup was written: ${describeProblem(path, damage[0])}${damage.length > 1 ? ` (and ${damage.length - 1} more line(s))` : ''}; back up DATA_DIR as files instead, with the server stopped`,
    );
  }
  const genesis = entries[0];
  if (genesis?.op !== 'genesis' || !genesis.complete) {
    throw new BackupError(
      `the journal of DATA_DIR=${dataDir} began after data was already in the database, so a backup would miss that data; export the graph instead (npm run export)`,
    );
  }
  const target = resolve(file);
  if (existsSync(target)) throw new BackupError(`${file} already exists; name a new file (a backup never overwrites one)`);
  if (!relative(resolve(dataDir), target).startsWith('..'))
    throw new BackupError(`${file} is inside DATA_DIR=${dataDir}; write the backup somewhere else (it is a copy of what is there)`);
  if (!existsSync(dirname(target))) throw new BackupError(`the folder ${dirname(target)} does not exist; create it or name a file in another folder`);
  const temp = `${target}.partial`;
  const fd = openSync(temp, 'w');
  let batches = 0;
  try {
    const put = (line: Line) => writeAll(fd, `${JSON.stringify(line)}\n`);
    put({ format: BACKUP_FORMAT, version: VERSION, created: new Date().toISOString() });
    for (const entry of entries) {
      put({ entry });
      if (entry.op !== 'load') continue;
      for await (const batch of batchesFromFile(loadDataPath(dataDir, `${entry.audit.changeId}.jsonl`))) {
        put({ batch });
        batches += 1;
      }
    }
    put({ end: true, entries: entries.length, batches });
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, target);
    syncDirectory(dirname(target));
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // Closed already.
    }
    rmSync(temp, { force: true });
    throw err instanceof JournalDataError ? new BackupError(`${err.message}; the journal is damaged, so no backup was written`) : err;
  }
  return { entries: entries.length, batches };
}

/**
 * Unpacks a backup into `dataDir`'s journal, which must not exist yet: entries to
 * journal.jsonl, each load's batches to its data file. Returns the entries.
 */
export async function unpackBackup(file: string, dataDir: string): Promise<JournalEntry[]> {
  if (!existsSync(file)) throw new BackupError(`no backup file ${file}`);
  if (journalExists(dataDir) || existsSync(journalDir(dataDir))) throw new BackupError(`DATA_DIR=${dataDir} already has a journal folder; restore into an empty DATA_DIR`);
  mkdirSync(loadDataPath(dataDir, ''), { recursive: true });
  const entriesPath = join(journalDir(dataDir), 'journal.jsonl');
  const journal = openSync(`${entriesPath}.partial`, 'w');
  const entries: JournalEntry[] = [];
  let data: number | null = null;
  let batches = 0;
  let lineNo = 0;
  let headed = false;
  let ended = false;
  const fail = (why: string) => new BackupError(`${file}:${lineNo}: ${why}; this is not a complete backup made by npm run backup`);
  const closeData = () => {
    if (data === null) return;
    fsyncSync(data);
    closeSync(data);
    data = null;
  };
  try {
    for await (const read of jsonLines(file, (n) => ((lineNo = n), fail('not JSON')))) {
      lineNo = read.lineNo;
      const line = read.value;
      if (typeof line !== 'object' || line === null) throw fail('not a backup line');
      if (!headed) {
        headed = true;
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
        writeAll(journal, `${formatLine(entries.length, entry)}\n`);
        if (entry.op === 'load') data = openSync(loadDataPath(dataDir, `${entry.audit.changeId}.jsonl`), 'w');
      } else if ('batch' in line) {
        if (data === null) throw fail('a batch outside a load');
        writeAll(data, `${JSON.stringify((line as { batch: unknown }).batch)}\n`);
        batches += 1;
      } else if ('end' in line) {
        const end = line as { entries?: unknown; batches?: unknown };
        if (end.entries !== entries.length) throw fail(`the end says ${String(end.entries)} entries, the file holds ${entries.length}`);
        if (end.batches !== batches) throw fail(`the end says ${String(end.batches)} batches of data, the file holds ${batches}`);
        ended = true;
      } else {
        throw fail('not a backup line');
      }
    }
    if (!headed) throw fail('empty file');
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
