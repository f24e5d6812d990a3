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
import { InsufficientStorageError, StoreUnavailableError } from '../store/errors.js';
import { quarantine, type QuarantinePolicy } from '../store/embedded/quarantine.js';
import { isJournalEntry, type JournalEntry } from './entries.js';
import { formatLine, readLines, type JournalProblem } from './journal-lines.js';

/**
 * The journal's files in DATA_DIR/journal/: `journal.jsonl`, one entry a line, appended
 * and made durable (fsync) before the write it records commits; and `loads/<change>.jsonl`,
 * the batches a seed file or an import wrote, one a line, made durable before their entry.
 */
export const JOURNAL_DIR = 'journal';
const ENTRIES = 'journal.jsonl';
const LOADS = 'loads';

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

export interface JournalRead {
  entries: JournalEntry[];
  /** The last line was cut off by a crash (see readJournal). */
  torn: boolean;
  /** Lines of the middle that are missing, repeated or altered (see journal-lines.ts). */
  problems: JournalProblem[];
  nextSeq: number;
  path: string;
}

/**
 * The entries in order. A crash while appending can leave a last line without its end:
 * that write was never acknowledged (its line was not yet durable), so it is cut off and
 * `torn` says so. A line of the middle that is missing, repeated or altered was changed
 * by something else: it is reported in `problems`, and an altered one is left out, since
 * guessing would invent writes.
 */
export function readJournal(dataDir: string): JournalRead {
  const path = join(journalDir(dataDir), ENTRIES);
  if (!existsSync(path)) return { entries: [], torn: false, problems: [], nextSeq: 1, path };
  const text = completeTail(path);
  const end = text.lastIndexOf('\n') + 1;
  return { ...readLines(text.slice(0, end).split('\n')), torn: end < text.length, path };
}

/** One line a problem of the journal is told in, naming the line. */
export function describeProblem(path: string, p: JournalProblem): string {
  return `${path}:${p.lineNo}${p.seq === null ? '' : ` (sequence ${p.seq})`} ${p.what}`;
}

/** Appends entries, each durable before `append` returns. One writer per DATA_DIR (the database's lock). */
export class JournalWriter {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dataDir: string,
    private readonly handle: FileHandle,
    private nextSeq: number,
  ) {}

  /**
   * Opens for appending, cutting off a torn last line first (see readJournal) and setting
   * its bytes aside in the quarantine, which says so. `nextSeq` is readJournal's.
   */
  static async open(dataDir: string, nextSeq: number, policy: QuarantinePolicy): Promise<JournalWriter> {
    const dir = journalDir(dataDir);
    mkdirSync(join(dir, LOADS), { recursive: true });
    const path = join(dir, ENTRIES);
    const created = !existsSync(path);
    if (!created) {
      const text = completeTail(path);
      const end = Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1));
      if (end < statSync(path).size) {
        // Set aside, not deleted: the bytes of a line a crash cut off.
        quarantine(
          dataDir,
          policy,
          '-journal-tail',
          (aside) => writeFileSync(aside, Buffer.from(text).subarray(end)),
          (aside) => `embedded database: the journal ended in a write cut off by a crash, never acknowledged; it was dropped (its bytes moved to ${aside})`,
        );
        truncateSync(path, end);
      }
      // Data files of loads a crash interrupted before they committed.
      for (const name of readdirSync(join(dir, LOADS))) if (name.startsWith('.pending-')) rmSync(join(dir, LOADS, name), { force: true });
    }
    const handle = await open(path, 'a');
    if (created) syncDirectory(dir);
    return new JournalWriter(dataDir, handle, nextSeq);
  }

  append(entry: JournalEntry): Promise<void> {
    const next = this.queue.then(async () => {
      const bytes = Buffer.from(`${formatLine(this.nextSeq, entry)}\n`);
      const start = (await this.handle.stat()).size;
      try {
        // A full disk can take part of a line without an error: written until all of it is.
        for (let done = 0; done < bytes.length;) done += (await this.handle.write(bytes, done, bytes.length - done)).bytesWritten;
        await this.handle.datasync();
      } catch (err) {
        // The next line must not be glued to a partial one.
        await this.handle.truncate(start).catch(() => undefined);
        if (err instanceof Error && 'code' in err && err.code === 'ENOSPC') {
          throw new InsufficientStorageError(
            `the write was not made: its journal entry could not be written, the disk of DATA_DIR=${this.dataDir} is full; free space there and try again`,
          );
        }
        throw new StoreUnavailableError(
          `the write was not made: its journal entry could not be written in DATA_DIR=${this.dataDir} (${err instanceof Error ? err.message : String(err)})`,
        );
      }
      // Taken only once the line is durable: a line truncated away leaves no gap.
      this.nextSeq += 1;
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
