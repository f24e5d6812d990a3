import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import lbug, { type Connection, type Database, type LbugValue, type PreparedStatement, type QueryResult } from '@ladybugdb/core';
import type { Executor, Row, Statement } from '../cypher/executor.js';

/** Thrown when the database cannot be opened, with a message a person can act on. */
export class StoreOpenError extends Error {}

/** Rows converted between two turns of the event loop. */
const ROWS_PER_SLICE = 2_000;

/** One LadybugDB connection with a cache of prepared statements. */
class Session {
  private readonly prepared = new Map<string, PreparedStatement>();
  constructor(private readonly conn: Connection) {}

  async run(statement: Statement): Promise<Row[]> {
    const { cypher, params } = statement;
    let stmt = this.prepared.get(cypher);
    if (!stmt) {
      stmt = await this.conn.prepare(cypher);
      if (!stmt.isSuccess()) throw new Error(`embedded store: ${stmt.getErrorMessage()}`);
      this.prepared.set(cypher, stmt);
    }
    const result = await this.conn.execute(stmt, params as Record<string, LbugValue>);
    const results: QueryResult[] = Array.isArray(result) ? result : [result];
    // The rows are computed by now; fetching them one async call each cost ~35 µs a row,
    // so they are converted synchronously, yielding to other requests between slices.
    const rows: Row[] = [];
    for (const r of results) {
      try {
        while (r.hasNext()) {
          rows.push(r.getNextSync() as Row);
          if (rows.length % ROWS_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        r.close();
      }
    }
    return rows;
  }

  close(): void {
    this.conn.closeSync();
  }
}

/**
 * Reads share one connection (LadybugDB runs its queries concurrently); writes use a
 * second one, one transaction at a time, so a read never joins a write's transaction.
 */
export class LadybugExecutor implements Executor {
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: Database,
    private readonly reader: Session,
    private readonly writer: Session,
  ) {}

  static async open(dataDir: string): Promise<LadybugExecutor> {
    let db: Database;
    try {
      mkdirSync(dataDir, { recursive: true });
      db = new lbug.Database(join(dataDir, 'graph.lbug'));
      await db.init();
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new StoreOpenError(`cannot open the embedded database in DATA_DIR=${dataDir}: ${reason}`);
    }
    const connect = async () => {
      const conn = new lbug.Connection(db);
      await conn.init();
      return new Session(conn);
    };
    return new LadybugExecutor(db, await connect(), await connect());
  }

  read(statement: Statement): Promise<Row[]> {
    return this.reader.run(statement);
  }

  /** Schema changes run outside any transaction. */
  ddl(cypher: string): Promise<Row[]> {
    return this.writer.run({ cypher, params: {} });
  }

  write<T>(work: (run: (statement: Statement) => Promise<Row[]>) => Promise<T>): Promise<T> {
    const next = this.writing.then(async () => {
      const run = (s: Statement) => this.writer.run(s);
      await run({ cypher: 'BEGIN TRANSACTION', params: {} });
      try {
        const result = await work(run);
        await run({ cypher: 'COMMIT', params: {} });
        return result;
      } catch (err) {
        await run({ cypher: 'ROLLBACK', params: {} }).catch(() => undefined);
        throw err;
      }
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    this.reader.close();
    this.writer.close();
    await this.db.close();
  }
}
