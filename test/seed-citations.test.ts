import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/paths.js';
import { checkCitationAgainst, quoteOccursIn, splitText, type Paragraph } from '../src/ontology/source-text.js';
import { parseSeedText, type ParsedFile } from '../src/writes/seed-file.js';
import { seedFiles } from '../src/writes/sources/seed-folder.js';

/**
 * Every citation of the seed files, and every claim's quote, checked against the text of
 * the source the seed names (`source.file`), with the split and matching rule the writes
 * use (src/ontology/source-text.ts). The texts are not the project's to copy: they are
 * read from ../shared/sources/ beside the repository. Without that folder the check is
 * skipped with a notice, except under CI (CI is set), where a skip would hide a failure.
 */

const SOURCES_DIR = resolve(projectRoot, '..', 'shared', 'sources');
const present = existsSync(SOURCES_DIR);
if (!present && !process.env.CI) {
  console.warn(`seed-citations: ${SOURCES_DIR} is absent, so the seed citations are not checked against the source texts (skipped)`);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** What fails in one seed file: `file:line field: message`, one line each; and how many citations were checked. */
function checkSeed(parsed: ParsedFile, sourceId: string, paragraphs: readonly Paragraph[]): { failures: string[]; checked: number } {
  const failures: string[] = [];
  let checked = 0;
  const fail = (path: Array<string | number>, message: string) => {
    const field = path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
    failures.push(`${parsed.file}:${parsed.lineOf(path) ?? '?'} ${field}: ${message}`);
  };
  const root = parsed.data as Obj;
  for (const key of ['entities', 'relations', 'claims']) {
    list(root[key]).forEach((record, i) => {
      if (!isObj(record)) return;
      const passages: string[] = [];
      list(record.sources).forEach((c, j) => {
        if (!isObj(c) || (c.source !== undefined && c.source !== sourceId)) return;
        const at = [key, i, 'sources', j];
        const citation = { paragraph: Number(c.paragraph), sentence: c.sentence === undefined || c.sentence === null ? null : Number(c.sentence), quote: String(c.quote ?? '') };
        checked += 1;
        const mismatch = checkCitationAgainst(paragraphs, citation);
        if (mismatch) return fail([...at, mismatch.field], mismatch.message);
        const paragraph = paragraphs[citation.paragraph - 1]!;
        passages.push(citation.sentence === null ? paragraph.text : paragraph.sentences[citation.sentence - 1]!.text);
      });
      // A claim's own quote (what the speaker said) must be in a passage one of its citations points at.
      if (key === 'claims' && typeof record.quote === 'string' && passages.length > 0) {
        checked += 1;
        if (!passages.some((p) => quoteOccursIn(record.quote as string, p))) fail([key, i, 'quote'], 'does not occur in any passage its citations point at');
      }
    });
  }
  return { failures, checked };
}

describe('seed citations against the source texts', () => {
  it.skipIf(!present && !process.env.CI)('every citation and claim quote of every seed file holds against its source’s text', () => {
    expect(present, `${SOURCES_DIR} is absent; CI needs it to check the seed citations`).toBe(true);
    const failures: string[] = [];
    let checked = 0;
    let files = 0;
    for (const path of seedFiles(resolve(projectRoot, 'seeds'))) {
      const parsed = parseSeedText(basename(path), readFileSync(path, 'utf8'));
      const source = isObj(parsed.data) && isObj(parsed.data.source) ? parsed.data.source : null;
      if (!source || typeof source.file !== 'string' || typeof source.id !== 'string') continue;
      const textPath = resolve(SOURCES_DIR, source.file);
      expect(existsSync(textPath), `${parsed.file}: source.file ${source.file} is not in ${SOURCES_DIR}`).toBe(true);
      const result = checkSeed(parsed, source.id, splitText(readFileSync(textPath, 'utf8')));
      failures.push(...result.failures);
      checked += result.checked;
      files += 1;
    }
    expect(failures).toEqual([]);
    expect(files).toBeGreaterThan(0);
    expect(checked).toBeGreaterThan(0);
  });
});
