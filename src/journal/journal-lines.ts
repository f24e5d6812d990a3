import { createHash } from 'node:crypto';
import { isJournalEntry, type JournalEntry } from './entries.js';

/**
 * One journal line: `{"seq":N,<the entry's fields>,"sum":"<16 hex>"}`. `seq` counts the
 * lines that have one, from 1, so a line deleted from the middle leaves a gap and a line
 * copied twice repeats a number; `sum` is the first 64 bits of the SHA-256 of the line's
 * text up to `sum` (closed with `}`), so an edited line no longer matches. The sum is
 * taken over the text as written, not a re-serialisation, so no canonical form is needed.
 * Lines written before sequence numbers existed carry neither and are read as they are,
 * wherever they are: a version of this program from before them may have appended to a
 * journal a later one began.
 */
const SUM = /,"sum":"([0-9a-f]{16})"\}$/;

function sumOf(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

export function formatLine(seq: number, entry: JournalEntry): string {
  const body = JSON.stringify({ seq, ...entry });
  return `${body.slice(0, -1)},"sum":"${sumOf(body)}"}`;
}

/** Something wrong with one line of the middle of the journal, for the log and for backup's refusal. */
export interface JournalProblem {
  lineNo: number;
  /** The line's sequence number as written, when it has one. */
  seq: number | null;
  kind: 'gap' | 'duplicate' | 'altered';
  what: string;
}

export interface ReadLines {
  /** The entries to replay, in order: altered lines and repeated ones left out. */
  entries: JournalEntry[];
  problems: JournalProblem[];
  /** The sequence number the next appended line takes. */
  nextSeq: number;
}

type Parsed = { entry: JournalEntry; seq: number | null; intact: boolean } | null;

function parse(line: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isJournalEntry(value)) return null;
  const { seq, sum, ...entry } = value as JournalEntry & { seq?: unknown; sum?: unknown };
  if (seq === undefined && sum === undefined) return { entry: entry as JournalEntry, seq: null, intact: true };
  const m = SUM.exec(line);
  const intact = typeof seq === 'number' && Number.isSafeInteger(seq) && seq > 0 && m !== null && sumOf(`${line.slice(0, m.index)}}`) === m[1];
  return { entry: entry as JournalEntry, seq: typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : null, intact };
}

/**
 * Reads whole lines (the torn last one already cut off by the caller). A line that does
 * not read or whose sum does not match is left out and reported: replaying a changed
 * write could invent one. A sequence number seen before is the same line copied: the
 * first is kept. A gap is reported; what it held is only in the database now.
 */
export function readLines(lines: readonly string[]): ReadLines {
  const entries: JournalEntry[] = [];
  const problems: JournalProblem[] = [];
  const seen = new Map<number, string>();
  let expected = 1;
  let highest = 0;
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    if (line === '') return;
    const parsed = parse(line);
    if (parsed?.seq != null) highest = Math.max(highest, parsed.seq);
    if (!parsed || !parsed.intact) {
      const why = !parsed ? 'does not read as a journal entry' : 'does not match its checksum';
      problems.push({ lineNo, seq: parsed?.seq ?? null, kind: 'altered', what: `${why}: it was changed after it was written, and is not replayed` });
      // Its number is taken, so the line after it is not reported as a gap too.
      if (parsed?.seq != null && parsed.seq >= expected) expected = parsed.seq + 1;
      return;
    }
    const { entry, seq } = parsed;
    if (seq === null) {
      entries.push(entry);
      return;
    }
    const body = JSON.stringify(entry);
    const first = seen.get(seq);
    if (first !== undefined) {
      const same = first === body;
      problems.push({
        lineNo,
        seq,
        kind: 'duplicate',
        what: same ? 'repeats a line already read (the same entry): ignored, the first is kept' : 'reuses a sequence number already read, with another entry: kept',
      });
      if (same) return;
    } else if (seq > expected) {
      const missing = seq - expected === 1 ? `sequence ${expected} is` : `sequences ${expected} to ${seq - 1} are`;
      problems.push({ lineNo, seq, kind: 'gap', what: `${missing} missing before it: lines were deleted; their writes are only in the database` });
    }
    seen.set(seq, body);
    expected = Math.max(expected, seq + 1);
    entries.push(entry);
  });
  return { entries, problems, nextSeq: highest + 1 };
}
