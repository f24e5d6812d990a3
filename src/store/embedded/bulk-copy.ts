import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importFiles, type ImportOutcome } from '../../import/import-files.js';
import type { Ontology } from '../../ontology/ontology.js';
import { newAudit } from '../audit-id.js';
import { DanglingRelationError, LOAD_CHUNK } from '../cypher/cypher-store.js';
import type { Row, Statement } from '../cypher/executor.js';
import { prop, Statements } from '../cypher/statements.js';
import type { GraphBatch, GraphStore } from '../graph-store.js';
import { ladybugDialect } from './dialect.js';
import type { LadybugExecutor } from './executor.js';
import { DomainError, ErrorCode } from '../../errors/domain-error.js';

/**
 * Bulk loading of an EMPTY embedded database through LadybugDB's `COPY <table> FROM`,
 * for imports too large for `store.load` (which writes through UNWIND/MERGE statements,
 * about ten times slower than COPY).
 *
 * Nothing here validates: the caller's own path does (`bulkImportFiles` runs the import
 * path, `importFiles`, whole) against a store whose `load` is captured instead of written.
 * Each captured batch is turned into rows by the same `Statements` the normal `load` sends
 * (so search keys, citations as JSON, attribute values as text are identical), the rows
 * go to CSV files in a temporary folder, and then one transaction COPYs sources, entities
 * and relations and writes what `load` records beside them: each load's fingerprint (Meta)
 * and its IMPORT audit entry (Change). A COPY that fails rolls the whole transaction back.
 *
 * CSV as LadybugDB reads it (checked against its parser):
 *   - `null_strings=['\N']`: a NULL string is `\N`, a quoted `""` is the empty string; a
 *     NULL number or boolean is an empty cell (`\N` does not parse as one);
 *   - quotes are doubled inside quoted cells; a value with a line break makes the file
 *     unreadable by the parallel reader, so such a table is copied with `parallel=false`;
 *   - lists cannot be written in COPY's `[a,b]` syntax (a comma or quote inside an element
 *     is not escapable), so a table with list columns (Entity: aliases, searchKeys) is
 *     copied from `LOAD WITH HEADERS (... STRING)` with each list joined by U+001F and
 *     split again by `string_split`; every other column is cast to its type there.
 * What CSV cannot carry is refused before anything is copied (BulkCopyUnsupported): a
 * string that is exactly `\N`, and a list element that is empty or holds U+001F; so is an
 * entity or relation id loaded twice (`load` replaces, COPY cannot).
 */

/** The database is not empty, or something was written while the bulk load ran. */
export class BulkCopyRefused extends DomainError {
  readonly code = ErrorCode.REFUSED;
}

/** A value that the CSV files COPY reads cannot represent; import such data with `npm run import`. */
export class BulkCopyUnsupported extends DomainError {
  readonly code = ErrorCode.BAD_USER_INPUT;
}

export interface BulkTarget {
  store: GraphStore;
  executor: LadybugExecutor;
}

export interface BulkOptions {
  /** Write the CSV files here and keep them (for re-running `copies`); default: a temporary folder, removed afterwards. */
  csvDir?: string;
}

export interface BulkResult<T> {
  /** What the feed returned (for `bulkImportFiles`, the import's outcomes). */
  value: T;
  sources: number;
  entities: number;
  relations: number;
  /** The COPY statements run, in order; they read the files in `csvDir`, if one was given. */
  copies: string[];
  timings: {
    /** From the start until the first captured load: validation, for an import. */
    validateMs: number;
    /** From then until the feed returned: rows to CSV (and whatever the feed does between loads). */
    writeMs: number;
    /** The COPY transaction. */
    copyMs: number;
  };
}

/** List elements are joined with this (ASCII unit separator) and split again in LadybugDB. */
const LIST_SEPARATOR = '\u001f';
const NULL_STRING = '\\N';
const SPECIAL = /[",\r\n]/;
const LINE_BREAK = /[\r\n]/;
const SPACE = /\s/;

type Value = string | readonly string[] | null | undefined;

interface Column {
  name: string;
  type: string;
}

const isList = (type: string) => type.endsWith('[]');
const cypherPath = (path: string) => path.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

/** One table's CSV file, written in buffered chunks, in the column order of the table. */
class CsvTable {
  /** Through `LOAD WITH HEADERS` when a column is a list (see the module comment). */
  readonly viaLoad: boolean;
  private readonly fd: number;
  private readonly columns: Column[];
  /** One encoder per column, chosen once: rows are many. */
  private readonly encoders: Array<(value: Value) => string>;
  private lines: string[] = [];
  private readonly cells: string[];
  private lineBreaks = false;
  rows = 0;

  constructor(
    readonly table: string,
    columns: readonly Column[],
    readonly path: string,
    /** Relationship tables: the primary keys of the two ends come first. */
    ends: boolean,
  ) {
    this.columns = [...(ends ? [{ name: 'from', type: 'STRING' }, { name: 'to', type: 'STRING' }] : []), ...columns];
    this.viaLoad = columns.some((c) => isList(c.type));
    this.encoders = this.columns.map((c) => this.encoder(c));
    this.cells = this.columns.map(() => '');
    this.fd = openSync(path, 'w');
    this.lines.push(this.columns.map((c) => c.name).join(','));
  }

  private encoder(column: Column): (value: Value) => string {
    const text = (value: string): string => {
      if (value === NULL_STRING) {
        throw new BulkCopyUnsupported(`${this.table}.${column.name}: the value ${JSON.stringify(value)} would read back as null from CSV; import it with \`npm run import\``);
      }
      const n = value.length;
      if (n > 0 && !SPECIAL.test(value) && !SPACE.test(value[0]!) && !SPACE.test(value[n - 1]!)) return value;
      if (!this.lineBreaks && LINE_BREAK.test(value)) this.lineBreaks = true;
      return `"${value.replace(/"/g, '""')}"`;
    };
    if (isList(column.type)) {
      return (value) => {
        if (value === null || value === undefined) return NULL_STRING;
        for (const element of value as readonly string[]) {
          if (element === '' || element.includes(LIST_SEPARATOR)) {
            throw new BulkCopyUnsupported(`${this.table}.${column.name}: a list element that is empty or holds U+001F cannot be bulk-copied (${JSON.stringify(value)})`);
          }
        }
        return text((value as readonly string[]).join(LIST_SEPARATOR));
      };
    }
    // Through LOAD every column is text, cast afterwards; a NULL number is `\N` there, an empty cell here.
    if (column.type === 'STRING' || this.viaLoad) return (value) => (value === null || value === undefined ? NULL_STRING : text(value as string));
    return (value) => (value === null || value === undefined ? '' : (value as string));
  }

  add(row: Readonly<Record<string, Value>>): void {
    const { columns, encoders, cells } = this;
    for (let i = 0; i < columns.length; i += 1) cells[i] = encoders[i]!(row[columns[i]!.name]);
    this.lines.push(cells.join(','));
    this.rows += 1;
    if (this.lines.length >= 4096) this.flush();
  }

  private flush(): void {
    if (this.lines.length > 0) writeSync(this.fd, `${this.lines.join('\n')}\n`);
    this.lines = [];
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  /** The statement that copies the file into the table. */
  copy(): string {
    const options = `(header=true, quote='"', escape='"', null_strings=['\\\\N'], parallel=${this.lineBreaks ? 'false' : 'true'})`;
    const from = `'${cypherPath(this.path)}'`;
    if (!this.viaLoad) return `COPY ${this.table} FROM ${from} ${options}`;
    const headers = this.columns.map((c) => `${prop(c.name)} STRING`).join(', ');
    const values = this.columns.map(({ name, type }) => {
      const col = prop(name);
      if (isList(type)) {
        return `CASE WHEN ${col} IS NULL THEN CAST(NULL AS ${type}) WHEN ${col} = '' THEN CAST([] AS ${type}) ELSE string_split(${col}, '${LIST_SEPARATOR}') END`;
      }
      return type === 'STRING' ? col : `CAST(${col} AS ${type})`;
    });
    return `COPY ${this.table} FROM (LOAD WITH HEADERS (${headers}) FROM ${from} ${options} RETURN ${values.join(', ')})`;
  }
}

async function columnsOf(executor: LadybugExecutor, table: string): Promise<Column[]> {
  return (await executor.ddl(`CALL table_info('${table}') RETURN name, type`)).map((r) => ({ name: String(r.name), type: String(r.type) }));
}

/** Every table a load writes, each with the statement that counts its rows. */
const COUNTS: ReadonlyArray<[string, Statement]> = [
  ['Entity', { cypher: 'MATCH (n:Entity) RETURN count(n) AS n', params: {} }],
  ['Relation', { cypher: 'MATCH ()-[r:Relation]->() RETURN count(r) AS n', params: {} }],
  ['SourceDocument', { cypher: 'MATCH (n:SourceDocument) RETURN count(n) AS n', params: {} }],
  ['Meta', { cypher: 'MATCH (n:Meta) RETURN count(n) AS n', params: {} }],
  ['Change', { cypher: 'MATCH (n:Change) RETURN count(n) AS n', params: {} }],
];

async function refuseUnlessEmpty(run: (s: Statement) => Promise<Row[]>): Promise<void> {
  for (const [table, st] of COUNTS) {
    const [row] = await run(st);
    const n = Number(row?.n ?? 0);
    if (n > 0) throw new BulkCopyRefused(`bulk copy needs an empty database, but ${table} holds ${n} rows (COPY cannot update stored data; use \`npm run import\`)`);
  }
}

async function* asBatches(batches: GraphBatch | AsyncIterable<GraphBatch>): AsyncGenerator<GraphBatch> {
  if (Symbol.asyncIterator in batches) yield* batches;
  else yield batches;
}

interface CapturedLoad {
  key: string;
  fingerprint: string;
  audit: Parameters<GraphStore['load']>[3];
}

/**
 * Runs `feed` against a store whose `load` writes CSV instead of the database (and whose
 * reads answer as the empty database does), then COPYs what it loaded in one
 * transaction. The feed must not read back what it loaded. Refuses a database that is
 * not empty, before the feed runs and again inside the transaction.
 */
export async function bulkLoad<T>(target: BulkTarget, ontology: Ontology, feed: (store: GraphStore) => Promise<T>, options: BulkOptions = {}): Promise<BulkResult<T>> {
  const { executor } = target;
  await refuseUnlessEmpty((s) => executor.read(s));
  const started = performance.now();
  const keep = options.csvDir !== undefined;
  const dir = keep ? resolve(options.csvDir!) : mkdtempSync(join(tmpdir(), 'pag-bulk-'));
  if (keep) mkdirSync(dir, { recursive: true });
  const statements = new Statements(ladybugDialect, ontology);
  const sourcesTable = new CsvTable('SourceDocument', await columnsOf(executor, 'SourceDocument'), join(dir, 'sources.csv'), false);
  const entitiesTable = new CsvTable('Entity', await columnsOf(executor, 'Entity'), join(dir, 'entities.csv'), false);
  const relationsTable = new CsvTable('Relation', await columnsOf(executor, 'Relation'), join(dir, 'relations.csv'), true);
  const tables = [sourcesTable, entitiesTable, relationsTable];
  // A source loaded twice is replaced (as `load` MERGEs it): written once, at the end.
  const sources = new Map<string, Record<string, Value>>();
  const loads: CapturedLoad[] = [];
  let firstLoad: number | null = null;

  // The feed may wrap what `load` throws (importFiles does); the original is rethrown.
  let unsupported: BulkCopyUnsupported | null = null;
  const load: GraphStore['load'] = async (batches, key, fingerprint, audit) => {
    firstLoad ??= performance.now();
    try {
      await capture(batches);
    } catch (err) {
      if (err instanceof BulkCopyUnsupported) unsupported = err;
      throw err;
    }
    loads.push({ key, fingerprint, audit });
  };
  // `load` replaces an entity or relation loaded again under its id; COPY would add a second one.
  const entityIds = new Set<string>();
  const relationIds = new Set<string>();
  const once = (ids: Set<string>, id: string, what: string) => {
    if (ids.has(id)) throw new BulkCopyUnsupported(`${what} ${JSON.stringify(id)} is loaded twice; COPY cannot replace it as store.load would`);
    ids.add(id);
  };
  const capture = async (batches: GraphBatch | AsyncIterable<GraphBatch>) => {
    for await (const batch of asBatches(batches)) {
      for (const s of batch.sources.length > 0 ? (statements.upsertSources(batch.sources).params.rows as Array<Record<string, Value>>) : []) sources.set(String(s.id), s);
      for (const e of batch.entities) once(entityIds, e.id, 'entity');
      for (const r of batch.relations) once(relationIds, r.id, 'relation');
      for (let i = 0; i < batch.entities.length; i += LOAD_CHUNK) {
        for (const row of statements.upsertEntities(batch.entities.slice(i, i + LOAD_CHUNK)).params.rows as Array<Record<string, Value>>) entitiesTable.add(row);
      }
      for (let i = 0; i < batch.relations.length; i += LOAD_CHUNK) {
        for (const row of statements.createRelationsOfType(null, batch.relations.slice(i, i + LOAD_CHUNK)).params.rows as Array<Record<string, Value>>) relationsTable.add(row);
      }
    }
  };
  // What the feed reads while it checks (stored kinds, owners, fingerprints, sources) is
  // answered as the empty database would: it was empty above, is checked again before the
  // first COPY, and nothing is written to it in between.
  const empty: Partial<GraphStore> = {
    load,
    getEntities: async () => [],
    relationOwners: async () => new Map(),
    loadedFingerprint: async () => null,
    listSources: async () => [],
  };
  const capturing = new Proxy(target.store, {
    get(store, name) {
      if (typeof name === 'string' && name in empty) return empty[name as keyof GraphStore];
      const value = Reflect.get(store, name, store) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(store) : value;
    },
  });

  try {
    let value: T;
    try {
      value = await feed(capturing).catch((err: unknown) => {
        throw unsupported ?? err;
      });
      for (const row of sources.values()) sourcesTable.add(row);
    } finally {
      for (const t of tables) t.close();
    }
    const fed = performance.now();
    const copies = tables.filter((t) => t.rows > 0).map((t) => t.copy());
    await executor.write(async (run) => {
      await refuseUnlessEmpty(run);
      for (const copy of copies) {
        try {
          await run({ cypher: copy, params: {} });
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          if (/Unable to find primary key value/i.test(message) && copy.startsWith('COPY Relation')) throw new DanglingRelationError(`relations refer to entities that do not exist: ${message}`);
          throw err;
        }
      }
      for (const l of loads) {
        await run(statements.recordFingerprint(l.key, l.fingerprint));
        // Bulk loads are bench and bootstrap paths: they are stamped here, never replayed from a journal.
        const a = newAudit(typeof l.audit.actor === 'string' ? l.audit.actor : l.audit.actor.actor);
        await run(
          statements.createChange({
            id: a.changeId,
            at: a.at,
            actor: a.actor,
            operation: 'IMPORT',
            entityIds: [...(l.audit.entityIds ?? [])],
            relationId: null,
            before: null,
            after: l.audit.summary,
          }),
        );
      }
    });
    const done = performance.now();
    const validated = firstLoad ?? fed;
    return {
      value,
      sources: sourcesTable.rows,
      entities: entitiesTable.rows,
      relations: relationsTable.rows,
      copies,
      timings: { validateMs: validated - started, writeMs: fed - validated, copyMs: done - fed },
    };
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `importFiles` (the import path, with all its checks: ontology, citations, ids across
 * files) into an empty database through COPY. Throws what `importFiles` throws for
 * invalid files (nothing is written then), BulkCopyRefused for a database that is not empty.
 */
export function bulkImportFiles(target: BulkTarget, ontology: Ontology, paths: readonly string[], options: BulkOptions = {}): Promise<BulkResult<ImportOutcome[]>> {
  return bulkLoad(target, ontology, (store) => importFiles(store, ontology, paths), options);
}
