import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lbug, { type Connection, type Database, type LbugValue, type PreparedStatement, type QueryResult } from '@ladybugdb/core';
import type { Executor, Row, Statement } from '../cypher/executor.js';

/** Thrown when the database cannot be opened, with a message a person can act on. */
export class StoreOpenError extends Error {}

/** LadybugDB's own words for a write-ahead log it cannot replay (0.17.1 to 0.19.1). */
const BROKEN_WAL = /corrupted wal|wal file is corrupted/i;

const DATABASE_FILE = 'graph.lbug';

/**
 * Present while a committed write has not been checkpointed (the CHECKPOINT after it
 * failed): its log then holds acknowledged writes and must not be set aside.
 */
const CHECKPOINT_PENDING = 'checkpoint-pending';

/**
 * Why a log that cannot be replayed must not be set aside automatically, or null when it
 * only holds a write that was never acknowledged.
 */
function whyKeepWal(dataDir: string, message: string): string | null {
  if (existsSync(join(dataDir, CHECKPOINT_PENDING))) return 'it holds acknowledged writes that were never checkpointed';
  // A crash during a checkpoint leaves shadow pages half applied; only a replay can finish them.
  if (existsSync(join(dataDir, `${DATABASE_FILE}.shadow`)) || /checkpoint record/i.test(message)) return 'a checkpoint was interrupted';
  return null;
}

/**
 * Moves a write-ahead log that LadybugDB cannot replay out of the way, into
 * DATA_DIR/quarantine/<time>/ with a copy of the database file as it was, never deleting
 * anything. Returns where they went.
 */
function quarantineWal(dataDir: string): string {
  const dir = join(dataDir, 'quarantine', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(dataDir, DATABASE_FILE), join(dir, DATABASE_FILE));
  renameSync(join(dataDir, `${DATABASE_FILE}.wal`), join(dir, `${DATABASE_FILE}.wal`));
  return dir;
}

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
    private readonly dataDir: string,
    private readonly reader: Session,
    private readonly writer: Session,
  ) {}

  /**
   * Opens the database. Every acknowledged write was checkpointed into the database file
   * (see `write`), so a log that cannot be replayed holds at most one write that was never
   * acknowledged: it is quarantined, `log` says so in one line, and the database opens
   * as of its last acknowledged write.
   */
  static async open(dataDir: string, log: (line: string) => void = () => undefined): Promise<LadybugExecutor> {
    const init = async () => {
      const db = new lbug.Database(join(dataDir, DATABASE_FILE));
      await db.init();
      return db;
    };
    let db: Database;
    try {
      mkdirSync(dataDir, { recursive: true });
      try {
        db = await init();
      } catch (err) {
        if (!(err instanceof Error && BROKEN_WAL.test(err.message) && existsSync(join(dataDir, `${DATABASE_FILE}.wal`)))) throw err;
        const keep = whyKeepWal(dataDir, err.message);
        if (keep) {
          throw new Error(`${err.message.split('\n')[0]}; the write-ahead log was left in place because ${keep} (back up DATA_DIR before trying anything)`);
        }
        const where = quarantineWal(dataDir);
        log(`embedded database: its write-ahead log could not be replayed (${err.message.split('\n')[0]}); moved it to ${where} and opened the database as of its last acknowledged write`);
        db = await init();
      }
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new StoreOpenError(`cannot open the embedded database in DATA_DIR=${dataDir}: ${reason}`);
    }
    const connect = async () => {
      const conn = new lbug.Connection(db);
      await conn.init();
      return new Session(conn);
    };
    return new LadybugExecutor(db, dataDir, await connect(), await connect());
  }

  read(statement: Statement): Promise<Row[]> {
    return this.reader.run(statement);
  }

  /** Schema changes run outside any transaction; call `checkpoint` after them. */
  ddl(cypher: string): Promise<Row[]> {
    return this.writer.run({ cypher, params: {} });
  }

  /**
   * Writes what the log holds into the database file and empties the log. LadybugDB
   * (0.17.1 to 0.19.1 tried) cannot replay a log record over about 4 KB after a hard kill
   * (a merge's audit entry passes that at four relations), and refuses to open at all;
   * an empty log has nothing to replay.
   */
  async checkpoint(): Promise<void> {
    await this.writer.run({ cypher: 'CHECKPOINT', params: {} });
    rmSync(join(this.dataDir, CHECKPOINT_PENDING), { force: true });
  }

  write<T>(work: (run: (statement: Statement) => Promise<Row[]>) => Promise<T>): Promise<T> {
    const next = this.writing.then(async () => {
      const run = (s: Statement) => this.writer.run(s);
      await run({ cypher: 'BEGIN TRANSACTION', params: {} });
      let result: T;
      try {
        result = await work(run);
        await run({ cypher: 'COMMIT', params: {} });
      } catch (err) {
        await run({ cypher: 'ROLLBACK', params: {} }).catch(() => undefined);
        throw err;
      }
      // Before the write is acknowledged, so a log that a crash leaves holds no acknowledged
      // write. The write is committed either way: if the checkpoint fails (it waits for
      // long reads, and gives up), it is acknowledged all the same, and a marker file keeps
      // the log from being set aside until a later checkpoint succeeds.
      try {
        await this.checkpoint();
      } catch {
        writeFileSync(join(this.dataDir, CHECKPOINT_PENDING), new Date().toISOString());
      }
      return result;
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
