import type { Hash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { pipeline } from 'node:stream';
import { CsvError, parse, type Info } from 'csv-parse';
import { InputError, type InputProblem } from '../errors.js';
import { deriveRelationId } from '../relation-id.js';
import type { AttributeSpec, Ontology } from '../../ontology/ontology.js';

export { deriveRelationId };

/**
 * Edge lists in CSV: one relation per row, read as a stream so a file of any length
 * is checked and loaded in bounded memory. Rows are turned into the same raw relation
 * objects a seed file holds, so the seed validator (`checkRelation`) judges them.
 *
 * Format (UTF-8, a header row first; the order of columns is free; cells separated by
 * commas, semicolons or tabs, whichever the header line uses; column names and relation
 * types in any case, `From` or `supports`, each read as the SDL's own name):
 *   type, from, to                 required: relation type and the ids of its two ends
 *   citation.source                required: id of a source document already loaded, or
 *                                  defined by a JSON/YAML file of the same import
 *   citation.paragraph             required: 1-based paragraph (a whole number)
 *   citation.quote                 required: a short phrase of the source
 *   citation.sentence              optional: 1-based sentence (a whole number)
 *   id                             optional: the relation's id; when the column is absent
 *                                  or the cell empty, `rel-` + the first 20 hex digits of
 *                                  sha256 of the JSON array [type, from, to, date, start,
 *                                  end, role], so the same row always gets the same id
 *   any stored field of Relation   optional: date, start, end (partial dates), role, voteShare,
 *                                  quote, note, confidence (numbers are written as text),
 *                                  and @ref fields (claimedBy: an entity id)
 * An empty cell means the field is absent. Each row carries exactly one citation.
 * Problems name the row's first line in the file and the field as
 * `relations[<record>].<column>`, records counted from 1 after the header.
 */

/** How one column's text becomes a field of the raw relation. */
type Column =
  | { kind: 'text'; name: string }
  /** The relation type: its text is matched against the SDL's names regardless of case. */
  | { kind: 'type'; names: ReadonlyMap<string, string> }
  | { kind: 'attribute'; spec: AttributeSpec }
  /** A field of the row's one citation (`CitationInput` in the SDL). */
  | { kind: 'citation'; key: string; whole: boolean };

/** The relation's non-null fields and its citation's required ones (`RelationInput` and `CitationInput` in the SDL). */
export function requiredColumns(ontology: Ontology): string[] {
  return [...ontology.relationStructuralFields.filter((f) => f !== 'id' && f !== 'sources'), ...ontology.citationFields.filter((f) => f.required).map((f) => `citation.${f.name}`)];
}

// Citation fields that hold a whole number (paragraph, sentence), converted from text.
const WHOLE = new Set(['Int']);

/** Every column an edge list may have, by its name, in a readable order, from the ontology. */
export function csvColumns(ontology: Ontology): Map<string, Column> {
  const columns = new Map<string, Column>();
  columns.set('id', { kind: 'text', name: 'id' });
  columns.set('type', { kind: 'type', names: new Map(ontology.relationTypes.map((t) => [t.name.toLowerCase(), t.name])) });
  for (const name of ['from', 'to', ...ontology.relationRefs]) columns.set(name, { kind: 'text', name });
  for (const spec of ontology.relationAttributes) columns.set(spec.name, { kind: 'attribute', spec });
  for (const f of ontology.citationFields) columns.set(`citation.${f.name}`, { kind: 'citation', key: f.name, whole: WHOLE.has(f.type) });
  return columns;
}

/** A data row: its first line in the file, its record number (from 1), and the relation it holds. */
export type CsvRow =
  | { line: number; record: number; raw: Record<string, unknown>; derivedId: boolean }
  /** A row that cannot be read as a relation at all (wrong number of cells). */
  | { line: number; record: number; problem: string };

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Text to the JSON value a seed file would hold; text that does not convert stays text, for the validator to name. */
function attributeValue(spec: AttributeSpec, text: string): unknown {
  switch (spec.type) {
    case 'int':
    case 'float':
      return NUMBER.test(text) ? Number(text) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'stringList':
      return text.split('|');
    default:
      return text;
  }
}

function wholeNumber(text: string): unknown {
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** Maps one row's cells to a raw relation like a seed file's, with one citation (and no id unless the row has one). */
export function rowToRaw(layout: readonly Column[], cells: readonly string[]): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const citation: Record<string, unknown> = {};
  layout.forEach((column, i) => {
    const text = cells[i];
    if (text === undefined || text === '') return;
    if (column.kind === 'text') raw[column.name] = text;
    // An unknown type stays as written, for the validator to name with the list of types.
    else if (column.kind === 'type') raw.type = column.names.get(text.toLowerCase()) ?? text;
    else if (column.kind === 'attribute') raw[column.spec.name] = attributeValue(column.spec, text);
    else citation[column.key] = column.whole ? wholeNumber(text) : text;
  });
  raw.sources = Object.keys(citation).length > 0 ? [citation] : [];
  return raw;
}

/**
 * Checks the header against the ontology; every problem is on line 1. Column names match
 * regardless of case (`From`, `VOTESHARE`); `delimiter` is only for saying what went wrong.
 */
export function headerLayout(file: string, header: readonly string[], ontology: Ontology, delimiter = ','): Column[] {
  const columns = csvColumns(ontology);
  const byLowerCase = new Map([...columns.keys()].map((name) => [name.toLowerCase(), name]));
  const problems: InputProblem[] = [];
  const fail = (field: string, message: string) => problems.push({ file, line: 1, field, message });
  const seen = new Set<string>();
  const layout: Column[] = [];
  header.forEach((written, i) => {
    const name = byLowerCase.get(written.toLowerCase());
    const column = name === undefined ? undefined : columns.get(name);
    if (written === '') fail(`(header)`, `column ${i + 1} has no name`);
    else if (name !== undefined && seen.has(name)) fail(written, name === written ? 'is a duplicate column' : `is a duplicate column (the same as ${name})`);
    else if (!column) fail(written, `is not a column of an edge list; allowed: ${[...columns.keys()].join(', ')}${delimiterHint(written, delimiter)}`);
    if (name !== undefined) seen.add(name);
    if (column) layout.push(column);
  });
  for (const name of requiredColumns(ontology)) if (!seen.has(name)) fail(name, 'is a required column and missing from the header');
  if (problems.length > 0) throw new InputError(problems);
  return layout;
}

/** Cell separators an edge list may use; the header line decides which. */
export const DELIMITERS = [',', ';', '\t'] as const;
const DELIMITER_NAMES: Record<string, string> = { ',': 'commas', ';': 'semicolons', '\t': 'tabs', '|': 'vertical bars' };

function delimiterHint(written: string, delimiter: string): string {
  const other = [...DELIMITERS, '|'].find((d) => d !== delimiter && written.includes(d));
  return other === undefined
    ? ''
    : ` (the header seems to separate its columns with ${DELIMITER_NAMES[other]}; separate them with commas, semicolons or tabs, the same in every row)`;
}

/**
 * The cell separator of an edge list, from its header line: of comma, semicolon and tab,
 * the one that splits the header into the most known column names (spreadsheets in many
 * locales save "CSV" with semicolons); failing that, the one it holds most of; a comma
 * when it holds none.
 */
export function detectDelimiter(headerLine: string, ontology: Ontology): string {
  const known = new Set([...csvColumns(ontology).keys()].map((name) => name.toLowerCase()));
  // Quoted names may hold any character; only what is outside quotes separates.
  const outside = headerLine.replace(/"(?:[^"]|"")*"?/g, (quoted) => quoted.replace(/[,;\t]/g, ''));
  let best: { delimiter: string; names: number; count: number } = { delimiter: ',', names: 0, count: 0 };
  for (const delimiter of DELIMITERS) {
    const cells = headerLine.split(delimiter).map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase());
    const names = cells.filter((c) => known.has(c)).length;
    const count = outside.split(delimiter).length - 1;
    if (names > best.names || (names === best.names && count > best.count)) best = { delimiter, names, count };
  }
  return best.delimiter;
}

/** The first line of the file (at most 64 KiB of it), without a byte-order mark. */
function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf
      .subarray(0, n)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    // Blank lines before the header are skipped, as the parser skips them.
    return /^\s*([^\r\n]*)/.exec(text)?.[1] ?? '';
  } finally {
    closeSync(fd);
  }
}

/** The validator names fields by their path in a seed file; a CSV row's reader knows its columns. */
export function csvField(field: string): string {
  return field.replace(/\.sources\[0\]\./, '.citation.').replace(/\.sources$/, '.citation');
}

function newlines(cells: readonly string[]): number {
  let n = 0;
  for (const cell of cells) for (let i = cell.indexOf('\n'); i !== -1; i = cell.indexOf('\n', i + 1)) n += 1;
  return n;
}

function csvErrorLine(err: CsvError): number | null {
  return typeof err.lines === 'number' ? err.lines : null;
}

/**
 * Streams the data rows of an edge list. Throws an InputError for a bad header or a
 * CSV syntax error (after which no row can be trusted). `tap`, if given, is fed every
 * byte read, so the caller can tell whether the file is the one it fingerprinted.
 */
export async function* readCsvRows(path: string, file: string, ontology: Ontology, tap?: Hash): AsyncGenerator<CsvRow> {
  const delimiter = detectDelimiter(firstLine(path), ontology);
  const source = createReadStream(path);
  if (tap) source.on('data', (chunk) => tap.update(chunk as Buffer));
  // Columns are mapped here, not by csv-parse, so the header can be checked and rows of the wrong length reported.
  const parser = parse({ bom: true, info: true, trim: true, skip_empty_lines: true, relax_column_count: true, delimiter });
  // Errors of either stream end the iteration below with that error.
  pipeline(source, parser, () => undefined);
  let layout: Column[] | null = null;
  let record = 0;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const cells = item.record;
      // `info.lines` is the row's last line; a quoted cell may span lines.
      const line = item.info.lines - newlines(cells);
      if (!layout) {
        layout = headerLayout(file, cells, ontology, delimiter);
        continue;
      }
      record += 1;
      if (cells.length !== layout.length) {
        yield { line, record, problem: `expected ${layout.length} cells, as in the header, got ${cells.length}` };
      } else {
        const raw = rowToRaw(layout, cells);
        const derivedId = raw.id === undefined;
        if (derivedId) raw.id = deriveRelationId(raw);
        yield { line, record, raw, derivedId };
      }
    }
  } catch (err) {
    if (err instanceof CsvError) {
      throw new InputError([{ file, line: csvErrorLine(err), field: '(syntax)', message: err.message.split('\n')[0] ?? 'invalid CSV' }]);
    }
    throw err;
  } finally {
    source.destroy();
  }
  if (!layout) throw new InputError([{ file, line: 1, field: '(header)', message: `expected a header row with ${requiredColumns(ontology).join(', ')}` }]);
  if (record === 0) throw new InputError([{ file, line: 2, field: '(rows)', message: 'has a header and no rows; nothing to import' }]);
}
