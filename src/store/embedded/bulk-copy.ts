import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Ontology } from '../../ontology/ontology.js';
import type { Row, Statement } from '../cypher/executor.js';
import { Statements } from '../cypher/statements.js';
import { WriteStatements } from '../cypher/write-statements.js';
import { CypherWriteTransaction } from '../cypher/write-transaction.js';
import type { WriteTransaction } from '../write-transaction.js';
import type { EntityRecord, GraphBatch, SourceRecord } from '../records.js';
import type { GraphStore } from '../graph-store.js';
import type { RelationsResult } from '../queries.js';
import { DanglingRelationError, type LoadAudit, type LoadTarget } from '../load-sink.js';
import { BulkCopyUnsupported, CsvTable, type Column, type Value } from './csv-table.js';
import { ladybugDialect } from './dialect.js';
import type { EmbeddedEngine } from './engine/process.js';
import { DomainError, ErrorCode } from '../../errors/domain-error.js';

export { BulkCopyUnsupported };

/**
 * Bulk loading of an EMPTY embedded database through LadybugDB's `COPY <table> FROM`,
 * for imports too large for the transactional load (`Graph.load`, src/writes/graph.ts, which writes through UNWIND/MERGE statements,
 * about ten times slower than COPY).
 *
 * Nothing here validates: the caller's own path does (`bulkImportFiles`, in
 * src/writes/sources/, runs the import path whole) against this module's load sink, which
 * captures instead of writing. Each captured batch is turned into rows by the same
 * `WriteStatements` the transactional load sends
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

export interface BulkTarget {
  store: GraphStore;
  executor: EmbeddedEngine;
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

async function columnsOf(executor: EmbeddedEngine, table: string): Promise<Column[]> {
  return (await executor.ddl(`CALL table_info('${table}') RETURN name, type`)).map((r) => ({ name: String(r.name), type: String(r.type) }));
}

/** Every table a load writes, each with the statement that counts its rows. */
const COUNTS: ReadonlyArray<[string, Statement]> = [
  ['Entity', { cypher: 'MATCH (n:Entity) RETURN count(n) AS n', params: {} }],
  ['Relation', { cypher: 'MATCH ()-[r:Relation]->() RETURN count(r) AS n', params: {} }],
  ['SourceDocument', { cypher: 'MATCH (n:SourceDocument) RETURN count(n) AS n', params: {} }],
  ['Meta', { cypher: 'MATCH (n:Meta) RETURN count(n) AS n', params: {} }],
  ['Change', { cypher: 'MATCH (n:Change) RETURN count(n) AS n', params: {} }],
  ['Claim', { cypher: 'MATCH (n:Claim) RETURN count(n) AS n', params: {} }],
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

/** Records turned into rows at a time, which bounds what one conversion holds in memory. */
const ROWS_PER_STATEMENT = 5_000;

/** One load as the sink captured it: what must be recorded beside its data. */
export interface CapturedLoad {
  key: string;
  fingerprint: string;
  audit: LoadAudit;
}

/**
 * Records a load beside its copied data, inside the COPY's transaction: what every load
 * records (its fingerprint and IMPORT audit entry), a rule of src/writes/load/.
 */
export type RecordLoad = (tx: WriteTransaction, load: CapturedLoad) => Promise<void>;

/**
 * The bulk load sink: batches become rows of the CSV tables instead of statements, and
 * the reads the checks before a load make are answered as the empty database would (it
 * was found empty, is checked again before the first COPY, and nothing is written to it
 * in between). The feed must not read back what it loaded.
 */
class CsvSink implements LoadTarget {
  readonly loads: CapturedLoad[] = [];
  /** When the first load came: what the feed did before it was validation. */
  firstLoad: number | null = null;
  /** The feed may wrap what `load` throws (importFiles does); the original is rethrown. */
  unsupported: BulkCopyUnsupported | null = null;
  /** A source loaded twice is replaced (as `load` MERGEs it): written once, at the end. */
  readonly sources = new Map<string, Record<string, Value>>();
  // `load` replaces an entity or relation loaded again under its id; COPY would add a second one.
  private readonly entityIds = new Set<string>();
  private readonly relationIds = new Set<string>();

  constructor(
    private readonly statements: WriteStatements,
    private readonly entities: CsvTable,
    private readonly relations: CsvTable,
  ) {}

  async load(batches: GraphBatch | AsyncIterable<GraphBatch>, key: string, fingerprint: string, audit: LoadAudit): Promise<void> {
    this.firstLoad ??= performance.now();
    try {
      await this.capture(batches);
    } catch (err) {
      if (err instanceof BulkCopyUnsupported) this.unsupported = err;
      throw err;
    }
    this.loads.push({ key, fingerprint, audit });
  }

  private once(ids: Set<string>, id: string, what: string): void {
    if (ids.has(id)) throw new BulkCopyUnsupported(`${what} ${JSON.stringify(id)} is loaded twice; COPY cannot replace it as the transactional load would`);
    ids.add(id);
  }

  /** Rows from the same statements the transactional load sends, so search keys, citations and values are identical. */
  private async capture(batches: GraphBatch | AsyncIterable<GraphBatch>): Promise<void> {
    const { statements } = this;
    for await (const batch of asBatches(batches)) {
      // Claims are not bulk-copied (yet): such a file is imported with `npm run import`.
      if (batch.claims && batch.claims.length > 0) throw new BulkCopyUnsupported('claims cannot be bulk-copied; import a file with `claims:` with `npm run import`');
      for (const s of batch.sources.length > 0 ? rowsOf(statements.upsertSources(batch.sources)) : []) this.sources.set(String(s.id), s);
      for (const e of batch.entities) this.once(this.entityIds, e.id, 'entity');
      for (const r of batch.relations) this.once(this.relationIds, r.id, 'relation');
      if ((batch.corroborating ?? []).length > 0) throw new BulkCopyUnsupported('a relation corroborates a stored one; COPY only loads an empty database');
      for (let i = 0; i < batch.entities.length; i += ROWS_PER_STATEMENT) {
        for (const row of rowsOf(statements.upsertEntities(batch.entities.slice(i, i + ROWS_PER_STATEMENT)))) this.entities.add(row);
      }
      for (let i = 0; i < batch.relations.length; i += ROWS_PER_STATEMENT) {
        for (const row of rowsOf(statements.createRelationsOfType(null, batch.relations.slice(i, i + ROWS_PER_STATEMENT)))) this.relations.add(row);
      }
    }
  }

  async getEntities(): Promise<EntityRecord[]> {
    return [];
  }

  async relationOwners(): Promise<Map<string, string | null>> {
    return new Map();
  }

  async loadedFingerprint(): Promise<string | null> {
    return null;
  }

  async listSources(): Promise<SourceRecord[]> {
    return [];
  }

  /** The database is empty: no relation states a fact already, so nothing is `corroborating`. */
  async relationsOf(): Promise<RelationsResult> {
    return { relations: [], entities: [] };
  }
}

/** The rows parameter of a write statement: text, lists of text and nulls, as CSV cells take them. */
function rowsOf(statement: Statement): Array<Record<string, Value>> {
  const rows = statement.params.rows;
  if (!Array.isArray(rows)) throw new Error('a load statement without rows');
  return rows as Array<Record<string, Value>>;
}

/**
 * Runs `feed` against a load sink that writes CSV instead of the database (see CsvSink),
 * then COPYs what it loaded in one transaction, with `record` writing each load's own
 * bookkeeping there. Refuses a database that is not empty, before the feed runs and again
 * inside the transaction.
 */
export async function bulkLoad<T>(
  target: BulkTarget,
  ontology: Ontology,
  feed: (sink: LoadTarget) => Promise<T>,
  record: RecordLoad,
  options: BulkOptions = {},
): Promise<BulkResult<T>> {
  const { executor } = target;
  await refuseUnlessEmpty((s) => executor.read(s));
  const started = performance.now();
  const keep = options.csvDir !== undefined;
  const dir = keep ? resolve(options.csvDir!) : mkdtempSync(join(tmpdir(), 'pag-bulk-'));
  if (keep) mkdirSync(dir, { recursive: true });
  const statements = new WriteStatements(ladybugDialect, ontology);
  const sourcesTable = new CsvTable('SourceDocument', await columnsOf(executor, 'SourceDocument'), join(dir, 'sources.csv'), false);
  const entitiesTable = new CsvTable('Entity', await columnsOf(executor, 'Entity'), join(dir, 'entities.csv'), false);
  const relationsTable = new CsvTable('Relation', await columnsOf(executor, 'Relation'), join(dir, 'relations.csv'), true);
  const tables = [sourcesTable, entitiesTable, relationsTable];
  const sink = new CsvSink(statements, entitiesTable, relationsTable);

  try {
    let value: T;
    try {
      value = await feed(sink).catch((err: unknown) => {
        throw sink.unsupported ?? err;
      });
      for (const row of sink.sources.values()) sourcesTable.add(row);
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
          if (/Unable to find primary key value/i.test(message) && copy.startsWith('COPY Relation'))
            throw new DanglingRelationError(`relations refer to entities that do not exist: ${message}`);
          throw err;
        }
      }
      const tx = new CypherWriteTransaction(run, new Statements(ladybugDialect, ontology), statements, ladybugDialect, ontology);
      for (const l of sink.loads) await record(tx, l);
    });
    const done = performance.now();
    const validated = sink.firstLoad ?? fed;
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
