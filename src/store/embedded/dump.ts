import { createHash } from 'node:crypto';
import type { Ontology } from '../../ontology/ontology.js';
import type { Row, Statement } from '../cypher/executor.js';
import { prop } from '../cypher/statements.js';
import { tableSpecs } from './dialect.js';

/**
 * Every record of the embedded database as a canonical digest: one per entity, relation
 * (its ends, citations and qualifiers are columns), source, claim, audit entry (Change)
 * and loaded-file fingerprint (Meta), read straight from the tables with every column the
 * schema declares, so no field escapes the comparison (src/journal/verify.ts). Nothing is
 * decoded or parsed: a damaged value is compared as it is stored, never thrown on.
 */

/** What can read: an executor, or the live store's. */
export interface TableReader {
  read(statement: Statement): Promise<Row[]>;
}

/** Table name -> record key -> sha256 of the record's columns. */
export type Digests = Map<string, Map<string, string>>;

/**
 * Rows a page: 100,000 relations are read in 5 pages (about 10 s) where one statement took
 * 7 s but held them all in memory (450 MB), and pages by SKIP sorted the table once per page
 * (80 s).
 */
const PAGE = 20_000;

/**
 * Pages in key order, each from the last key of the one before (`>=`: a key the damage
 * doubled may straddle two pages; the rows already read under it are skipped). The
 * engine's internal ids (`_id`, offsets) are not read: they are positions in its files,
 * which differ between a database and its rebuild and say nothing about the data.
 */
function dumpStatement(table: string, columns: readonly string[]): (after: string | null) => Statement {
  const relation = table === 'Relation';
  const key = table === 'Meta' ? 'key' : 'id';
  const cols = relation ? columns : [key, ...columns];
  const ret = cols.map((c) => `n.${prop(c)} AS ${prop(c)}`);
  const from = (where: string) =>
    // A relation's ends are part of it: a relation moved to another entity is a different record.
    relation ? `MATCH (a:Entity)-[n:Relation]->(b:Entity) ${where} RETURN a.id AS _from, b.id AS _to, ` : `MATCH (n:${table}) ${where} RETURN `;
  const order = relation ? `ORDER BY n.id, _from, _to LIMIT ${PAGE}` : `ORDER BY n.${key} LIMIT ${PAGE}`;
  const first = `${from('')}${ret.join(', ')} ${order}`;
  const next = `${from(`WHERE n.${key} >= $after`)}${ret.join(', ')} ${order}`;
  return (after) => (after === null ? { cypher: first, params: {} } : { cypher: next, params: { after } });
}

/** JSON with bigints (INT64 columns) written as text, so equal values give equal text. */
function canonical(values: readonly unknown[]): string {
  return JSON.stringify(values, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** The tables compared, each with its columns in the schema's order. */
export function dumpedTables(ontology: Ontology): Array<{ table: string; columns: string[] }> {
  return tableSpecs(ontology).map((spec) => ({ table: spec.table, columns: spec.table === 'Meta' ? ['value'] : spec.columns.map(([name]) => name) }));
}

export async function dumpDigests(reader: TableReader, ontology: Ontology): Promise<Digests> {
  const digests: Digests = new Map();
  for (const { table, columns } of dumpedTables(ontology)) {
    const records = new Map<string, string>();
    digests.set(table, records);
    const statement = dumpStatement(table, columns);
    const names = table === 'Relation' ? ['_from', '_to', ...columns] : [table === 'Meta' ? 'key' : 'id', ...columns];
    let after: string | null = null;
    /** Rows of the last page under its last key: read again at the start of the next one. */
    let again = 0;
    for (;;) {
      const rows = await reader.read(statement(after));
      let skip = again;
      for (const row of rows) {
        const id = String(table === 'Meta' ? row.key : row.id);
        if (id === after && skip > 0) {
          skip -= 1;
          continue;
        }
        // Two records under one id (a damaged key) are both kept, the second named apart.
        let at = id;
        for (let n = 2; records.has(at); n += 1) at = `${id}#${n}`;
        records.set(
          at,
          createHash('sha256')
            .update(canonical(names.map((c) => row[c] ?? null)))
            .digest('hex'),
        );
      }
      if (rows.length < PAGE) break;
      const last = String(table === 'Meta' ? rows.at(-1)!.key : rows.at(-1)!.id);
      const underLast = rows.filter((r) => String(table === 'Meta' ? r.key : r.id) === last).length;
      // A page all under the key it started from cannot move on (PAGE records under one id: not a graph this program wrote).
      if (last === after && underLast === rows.length) break;
      // The next page starts with every row under `last`, all of them read already.
      again = underLast;
      after = last;
    }
  }
  return digests;
}

export interface Disagreement {
  table: string;
  id: string;
  /** missing: the journal has it, the database not; extra: the other way; different: both, unequal. */
  kind: 'missing' | 'extra' | 'different';
}

/** The records of `live` that disagree with `expected`, table by table, in id order. */
export function compareDigests(live: Digests, expected: Digests): Disagreement[] {
  const out: Disagreement[] = [];
  for (const [table, want] of expected) {
    const have = live.get(table) ?? new Map<string, string>();
    const found: Disagreement[] = [];
    for (const [id, digest] of want) {
      const got = have.get(id);
      if (got === undefined) found.push({ table, id, kind: 'missing' });
      else if (got !== digest) found.push({ table, id, kind: 'different' });
    }
    for (const id of have.keys()) if (!want.has(id)) found.push({ table, id, kind: 'extra' });
    out.push(...found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  }
  return out;
}

export function countRecords(digests: Digests): number {
  let n = 0;
  for (const records of digests.values()) n += records.size;
  return n;
}
