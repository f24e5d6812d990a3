import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBackup } from '../src/journal/backup.js';
import { openJournaledEmbedded } from '../src/journal/open-journaled.js';
import { loadOntology } from '../src/ontology/ontology.js';
import type { Graph } from '../src/writes/graph.js';

/**
 * Journal lines carry a sequence number and a checksum: a line deleted from the middle, a
 * line copied twice and a line edited by hand are each named at start-up, and an edited
 * one is never replayed. The journal is written by the real store; the database is then
 * put back to an older copy, so start-up replays what the journal holds after it.
 */

const ontology = loadOntology();
const party = (id: string, name: string) => ({ id, kind: 'PARTY', name, aliases: [], description: null, sources: [], attributes: {} });
const dirs: string[] = [];
const newDir = () => {
  dirs.push(mkdtempSync(join(tmpdir(), 'pag-journal-')));
  return dirs.at(-1)!;
};

async function open(dataDir: string, lines: string[] = []): Promise<Graph> {
  return openJournaledEmbedded({ dataDir, ontology, log: (l) => lines.push(l) });
}

const journalPath = (dataDir: string) => join(dataDir, 'journal', 'journal.jsonl');
const readLines = (dataDir: string) => readFileSync(journalPath(dataDir), 'utf8').split('\n').filter(Boolean);
const writeLines = (dataDir: string, lines: string[]) => writeFileSync(journalPath(dataDir), `${lines.map((l) => `${l}\n`).join('')}`);

/** Line numbers (1-based) of the journal's upserts, by entity id. */
function lineOf(dataDir: string, id: string): number {
  return readLines(dataDir).findIndex((l) => l.includes(`"id":"${id}"`)) + 1;
}

let base: string;
/** The database as it was after the first write: put back in each case, so the rest is replayed. */
let older: Buffer;

beforeAll(async () => {
  base = newDir();
  let store = await open(base);
  await store.upsertEntity(party('p-1', 'Party One'), 'test');
  await store.close();
  older = readFileSync(join(base, 'graph.lbug'));
  store = await open(base);
  for (const n of [2, 3, 4, 5]) await store.upsertEntity(party(`p-${n}`, `Party ${n}`), 'test');
  await store.close();
}, 120_000);

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the base DATA_DIR with the older database put back and its journal edited by `edit`. */
function caseDir(edit: (lines: string[], dataDir: string) => string[]): string {
  const dataDir = newDir();
  cpSync(base, dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'graph.lbug'), older);
  rmSync(join(dataDir, 'graph.lbug.wal'), { force: true });
  writeLines(dataDir, edit(readLines(dataDir), dataDir));
  return dataDir;
}

async function names(dataDir: string): Promise<Map<string, string>> {
  const store = await open(dataDir);
  try {
    const found = await store.getEntities(['p-1', 'p-2', 'p-3', 'p-4', 'p-5']);
    const changes = await store.changes({ since: null, entity: null, after: null, limit: 100 });
    expect(new Set(changes.map((c) => c.id)).size).toBe(changes.length);
    return new Map(found.map((e) => [e.id, e.name]));
  } finally {
    await store.close();
  }
}

describe('the journal', () => {
  it('numbers its lines and sums each one', () => {
    const lines = readLines(base);
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const l of lines) expect(l).toMatch(/,"sum":"[0-9a-f]{16}"\}$/);
  });

  it('names an altered line at start-up and does not replay it; backup refuses it, naming the line', async () => {
    const dataDir = caseDir((lines, dir) => {
      const at = lineOf(dir, 'p-4') - 1;
      lines[at] = lines[at]!.replace('Party 4', 'Party 4 (edited)');
      return lines;
    });
    const line = lineOf(dataDir, 'p-4');
    const said: string[] = [];
    await (await open(dataDir, said)).close();
    expect(said).toContainEqual(expect.stringMatching(new RegExp(`journal line .*journal\\.jsonl:${line} \\(sequence ${line}\\) does not match its checksum.*not replayed`)));
    expect(said).toContainEqual(expect.stringMatching(/caught up from the journal, 3 write\(s\) replayed/));
    const found = await names(dataDir);
    expect(found.has('p-4')).toBe(false);
    expect([...found.values()]).not.toContain('Party 4 (edited)');
    expect(found.get('p-5')).toBe('Party 5');
    const file = join(newDir(), 'graph.backup');
    await expect(writeBackup(dataDir, file)).rejects.toThrow(new RegExp(`is damaged, so no backup was written: .*journal\\.jsonl:${line} \\(sequence ${line}\\)`));
    expect(existsSync(file)).toBe(false);
  }, 60_000);

  it('does not rebuild a database that cannot be opened from a journal with an edited line: it refuses, naming the line, and moves nothing', async () => {
    const dataDir = caseDir((lines, dir) => {
      const at = lineOf(dir, 'p-2') - 1;
      lines[at] = lines[at]!.replace('Party 2', 'Party 2 (edited)');
      return lines;
    });
    writeFileSync(join(dataDir, 'graph.lbug'), Buffer.alloc(65_536, 0x5a));
    await expect(open(dataDir)).rejects.toThrow(
      new RegExp(`cannot be rebuilt from its journal either, .*journal\\.jsonl:${lineOf(dataDir, 'p-2')} \\(sequence \\d+\\) does not match its checksum`),
    );
    expect(readdirSync(dataDir)).not.toContain('quarantine');
  }, 60_000);

  it('names a line deleted from the middle (a gap) and replays the rest; backup refuses it', async () => {
    let deleted = 0;
    const dataDir = caseDir((lines, dir) => {
      deleted = lineOf(dir, 'p-3');
      return lines.filter((_, i) => i !== deleted - 1);
    });
    const said: string[] = [];
    await (await open(dataDir, said)).close();
    expect(said).toContainEqual(
      expect.stringMatching(new RegExp(`journal\\.jsonl:${deleted} \\(sequence ${deleted + 1}\\) sequence ${deleted} is missing before it: lines were deleted`)),
    );
    const found = await names(dataDir);
    expect(found.has('p-3')).toBe(false);
    expect(found.get('p-4')).toBe('Party 4');
    await expect(writeBackup(dataDir, join(newDir(), 'graph.backup'))).rejects.toThrow(new RegExp(`journal\\.jsonl:${deleted} .*missing`));
  }, 60_000);

  it('names a line copied twice and ignores the copy: the write is there once', async () => {
    let copied = 0;
    const dataDir = caseDir((lines, dir) => {
      copied = lineOf(dir, 'p-3');
      return [...lines.slice(0, copied), lines[copied - 1]!, ...lines.slice(copied)];
    });
    const said: string[] = [];
    await (await open(dataDir, said)).close();
    expect(said).toContainEqual(
      expect.stringMatching(new RegExp(`journal\\.jsonl:${copied + 1} \\(sequence ${copied}\\) repeats a line already read.*ignored, the first is kept`)),
    );
    expect(said).toContainEqual(expect.stringMatching(/caught up from the journal, 4 write\(s\) replayed/));
    expect((await names(dataDir)).get('p-3')).toBe('Party 3');
  }, 60_000);

  it('reads a journal written before lines were numbered, and numbers the lines appended to it', async () => {
    const dataDir = caseDir((lines) => lines.map((l) => JSON.stringify((({ seq: _s, sum: _c, ...e }) => e)(JSON.parse(l) as Record<string, unknown>))));
    const said: string[] = [];
    const store = await open(dataDir, said);
    await store.upsertEntity(party('p-6', 'Party 6'), 'test');
    await store.close();
    expect(said.filter((l) => /journal line/.test(l))).toEqual([]);
    expect(said).toContainEqual(expect.stringMatching(/caught up from the journal, 4 write\(s\) replayed/));
    const last = JSON.parse(readLines(dataDir).at(-1)!) as { seq: number; entity: { id: string } };
    expect(last).toMatchObject({ seq: 1, entity: { id: 'p-6' } });
    expect(readdirSync(dataDir)).not.toContain('quarantine');
  }, 60_000);
});
