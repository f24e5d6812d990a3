import {
  appendFileSync,
  closeSync,
  createReadStream,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { StoreUnavailableError } from '../store/errors.js';
import { isJournalEntry, type JournalEntry } from './entries.js';
import { DomainError, ErrorCode } from '../errors/domain-error.js';

/**
 * The journal's files in DATA_DIR/journal/: `journal.jsonl`, one entry a line, appended
 * and made durable (fsync) before the write it records commits; and `loads/<change>.jsonl`,
 * the batches a seed file or an import wrote, one a line, made durable before their entry.
 */
export const JOURNAL_DIR = 'journal';
const ENTRIES = 'journal.jsonl';
const LOADS = 'loads';

/** The journal cannot be read: a line that is not an entry, other than a torn last one. */
export class JournalError extends DomainError {
  readonly code = ErrorCode.DATA_DAMAGED;
}

export function journalDir(dataDir: string): string {
  return join(dataDir, JOURNAL_DIR);
}

export function journalExists(dataDir: string): boolean {
  return existsSync(join(journalDir(dataDir), ENTRIES));
}

export function loadDataPath(dataDir: string, name: string): string {
  return join(journalDir(dataDir), LOADS, name);
}

/**
 * The JSON values of a JSON Lines file, streamed with their line numbers (blank lines
 * skipped); a line that is not JSON is reported through `notJson`, which returns the error.
 */
export async function* jsonLines(path: string, notJson: (lineNo: number) => Error): AsyncGenerator<{ lineNo: number; value: unknown }> {
  let lineNo = 0;
  for await (const text of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    lineNo += 1;
    if (text === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw notJson(lineNo);
    }
    yield { lineNo, value };
  }
}

/** Writes all of `text` to `fd`: a full disk can take part of it without an error. */
export function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
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
 * The file's text, with a last line that is a whole entry but lacks only its newline given
 * one (on disk too): it is kept, not dropped as torn, since its write may have committed.
 */
function completeTail(path: string): string {
  const text = readFileSync(path, 'utf8');
  const tail = text.slice(text.lastIndexOf('\n') + 1);
  if (tail === '') return text;
  let whole: boolean;
  try {
    whole = isJournalEntry(JSON.parse(tail));
  } catch {
    whole = false;
  }
  if (!whole) return text;
  appendFileSync(path, '\n');
  return `${text}\n`;
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
  const text = completeTail(path);
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
      const text = completeTail(path);
      const end = Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1));
      if (end < statSync(path).size) {
        // Set aside, never deleted: the bytes of a line a crash cut off.
        const aside = join(dataDir, 'quarantine', `${new Date().toISOString().replace(/[:.]/g, '-')}-journal-tail`);
        mkdirSync(dirname(aside), { recursive: true });
        writeFileSync(aside, Buffer.from(text).subarray(end));
        truncateSync(path, end);
      }
      // Data files of loads a crash interrupted before they committed.
      for (const name of readdirSync(join(dir, LOADS))) if (name.startsWith('.pending-')) rmSync(join(dir, LOADS, name), { force: true });
    }
    const handle = await open(path, 'a');
    if (created) syncDirectory(dir);
    return new JournalWriter(dataDir, handle);
  }

  append(entry: JournalEntry): Promise<void> {
    const next = this.queue.then(async () => {
      const bytes = Buffer.from(`${JSON.stringify(entry)}\n`);
      const start = (await this.handle.stat()).size;
      try {
        // A full disk can take part of a line without an error: written until all of it is.
        for (let done = 0; done < bytes.length;) done += (await this.handle.write(bytes, done, bytes.length - done)).bytesWritten;
        await this.handle.datasync();
      } catch (err) {
        // The next line must not be glued to a partial one.
        await this.handle.truncate(start).catch(() => undefined);
        const why = err instanceof Error && 'code' in err && err.code === 'ENOSPC' ? 'the disk is full' : err instanceof Error ? err.message : String(err);
        throw new StoreUnavailableError(`the write was not made: its journal entry could not be written in DATA_DIR=${this.dataDir} (${why}); free space there and try again`);
      }
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
