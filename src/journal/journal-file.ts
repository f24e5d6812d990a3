import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, truncateSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isJournalEntry, type JournalEntry } from './entries.js';

/**
 * The journal's files in DATA_DIR/journal/: `journal.jsonl`, one entry a line, appended
 * and made durable (fsync) before the write it records commits; and `loads/<change>.jsonl`,
 * the batches a seed file or an import wrote, one a line, made durable before their entry.
 */
export const JOURNAL_DIR = 'journal';
const ENTRIES = 'journal.jsonl';
const LOADS = 'loads';

/** The journal cannot be read: a line that is not an entry, other than a torn last one. */
export class JournalError extends Error {}

export function journalDir(dataDir: string): string {
  return join(dataDir, JOURNAL_DIR);
}

export function journalExists(dataDir: string): boolean {
  return existsSync(join(journalDir(dataDir), ENTRIES));
}

export function loadDataPath(dataDir: string, name: string): string {
  return join(journalDir(dataDir), LOADS, name);
}

/** A directory's entry (a new or renamed file) survives a crash only once the directory is synced. */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The entries in order. A crash while appending can leave a last line without its end:
 * that write was never acknowledged (its line was not yet durable), so it is cut off and
 * `torn` says so. Any other line that does not read is an error: the journal was changed
 * by something else, and guessing would lose or invent writes.
 */
export function readJournal(dataDir: string): { entries: JournalEntry[]; torn: boolean } {
  const path = join(journalDir(dataDir), ENTRIES);
  if (!existsSync(path)) return { entries: [], torn: false };
  const text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  const entries: JournalEntry[] = [];
  let lineNo = 0;
  for (const line of text.slice(0, end).split('\n')) {
    lineNo += 1;
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new JournalError(`${path}:${lineNo} is not a journal entry (not JSON); the journal was changed by hand or by another program`);
    }
    if (!isJournalEntry(value)) throw new JournalError(`${path}:${lineNo} is not a journal entry`);
    entries.push(value);
  }
  return { entries, torn: end < text.length };
}

/** Appends entries, each durable before `append` returns. One writer per DATA_DIR (the database's lock). */
export class JournalWriter {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dataDir: string,
    private readonly handle: FileHandle,
  ) {}

  /** Opens for appending, cutting off a torn last line first (see readJournal). */
  static async open(dataDir: string): Promise<JournalWriter> {
    const dir = journalDir(dataDir);
    mkdirSync(join(dir, LOADS), { recursive: true });
    const path = join(dir, ENTRIES);
    const created = !existsSync(path);
    if (!created) {
      const text = readFileSync(path, 'utf8');
      const end = Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1));
      if (end < statSync(path).size) truncateSync(path, end);
    }
    const handle = await open(path, 'a');
    if (created) syncDirectory(dir);
    return new JournalWriter(dataDir, handle);
  }

  append(entry: JournalEntry): Promise<void> {
    const next = this.queue.then(async () => {
      await this.handle.write(`${JSON.stringify(entry)}\n`);
      await this.handle.datasync();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Moves a load's data file to its final name (its change id) and makes that durable. */
  commitLoadData(tempPath: string, name: string): void {
    const target = loadDataPath(this.dataDir, name);
    renameSync(tempPath, target);
    syncDirectory(dirname(target));
  }

  async close(): Promise<void> {
    await this.queue;
    await this.handle.close();
  }
}
