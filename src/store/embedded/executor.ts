import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lbug, { type Connection, type Database, type LbugValue, type PreparedStatement, type QueryResult } from '@ladybugdb/core';
import type { Executor, Row, Statement } from '../cypher/executor.js';
import { StoreOpenError, StoreUnavailableError } from '../errors.js';

// Defined beside the other store errors so the CLI's mapper needs no LadybugDB to know it.
export { StoreOpenError };

/** LadybugDB's words for a database another process holds open. */
const LOCKED = /could not set lock/i;

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

/**
 * Moves the database's files (file, log, shadow pages, marker) into
 * DATA_DIR/quarantine/<time>/, never deleting them, so a new database can be built in
 * their place. Returns where they went.
 */
export function quarantineDatabase(dataDir: string): string {
  const dir = join(dataDir, 'quarantine', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(dir, { recursive: true });
  // Every file of the engine's: 0.19 adds `.wal.checkpoint` and lock files beside the log and
  // shadow pages, and a new database left beside them tries to finish their checkpoint.
  for (const name of readdirSync(dataDir)) {
    if (name.startsWith(DATABASE_FILE) || name === CHECKPOINT_PENDING) renameSync(join(dataDir, name), join(dir, name));
  }
  return dir;
}

/** The longest rows are converted before other requests get a turn of the event loop. */
const SLICE_MS = 8;
/** Rows converted between two looks at the clock. */
const ROWS_PER_CHECK = 32;
/** Reads running at once, each on a connection of its own. */
export const READERS = 3;
/** A statement timeout that never comes (LadybugDB has no way to unset one). */
const NO_TIMEOUT_MS = 2 ** 31 - 1;
/** The database's own timeout runs this much past the request's deadline, so the request's error wins. */
const TIMEOUT_GRACE_MS = 50;

/** Why a read was stopped: its request's reason (the deadline passed, the client left), or the database's timeout. */
function stopped(statement: Statement, timeoutMs: number): Error {
  if (statement.deadline?.signal.aborted) return statement.deadline.signal.reason as Error;
  if (statement.deadline && statement.deadline.remainingMs() <= 0) return statement.deadline.expired();
  return new StoreUnavailableError(`the database did not answer within ${Math.round(timeoutMs / 1000)} s; try again shortly`);
}

/**
 * Prepared statements kept per connection. Statements are keyed by their text, and some
 * texts hold a request's relation types (LadybugDB takes no parameters inside a recursive
 * pattern's predicate, see dialect.ts), so their number is not bounded by the code: the
 * least recently used are dropped past this many. Every fixed statement the store sends,
 * and the usual type lists, fit many times over.
 */
export const PREPARED_STATEMENTS = 256;

/** A map that keeps its `capacity` most recently used entries. */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // A Map iterates in insertion order: re-inserting makes this the most recent.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }
}

/** One LadybugDB connection with a bounded cache of prepared statements. */
class Session {
  /** A statement dropped from here is freed with its JavaScript object, once no running query holds it. */
  readonly prepared = new LruCache<string, PreparedStatement>(PREPARED_STATEMENTS);
  /** A new connection has no statement timeout. */
  private timeoutMs = NO_TIMEOUT_MS;
  constructor(private readonly conn: Connection) {}

  async run(statement: Statement): Promise<Row[]> {
    const { cypher, params, deadline } = statement;
    let stmt = this.prepared.get(cypher);
    if (!stmt) {
      stmt = await this.conn.prepare(cypher);
      if (!stmt.isSuccess()) throw new Error(`embedded store: ${stmt.getErrorMessage()}`);
      this.prepared.set(cypher, stmt);
    }
    // A connection runs one statement at a time, so its timeout is this statement's: the
    // engine stops the query at the request's deadline and frees what it held.
    const timeoutMs = deadline ? Math.max(1, Math.ceil(deadline.remainingMs())) + TIMEOUT_GRACE_MS : NO_TIMEOUT_MS;
    if (deadline) deadline.signal.throwIfAborted();
    if (timeoutMs !== this.timeoutMs) {
      this.conn.setQueryTimeout(timeoutMs);
      this.timeoutMs = timeoutMs;
    }
    const started = performance.now();
    let result: QueryResult | QueryResult[];
    try {
      result = await this.conn.execute(stmt, params as Record<string, LbugValue>);
    } catch (err) {
      if (err instanceof Error && /^Interrupted/.test(err.message)) throw stopped(statement, timeoutMs);
      throw err;
    }
    const results: QueryResult[] = Array.isArray(result) ? result : [result];
    // The rows are computed by now; fetching them one async call each cost ~35 µs a row,
    // so they are converted synchronously, yielding to other requests every few
    // milliseconds (a row holding whole entities takes ~0.1 ms), and given up, their
    // memory with them, once the request is stopped.
    const rows: Row[] = [];
    let slice = performance.now();
    for (const r of results) {
      try {
        while (r.hasNext()) {
          rows.push(r.getNextSync() as Row);
          if (rows.length % ROWS_PER_CHECK === 0 && performance.now() - slice >= SLICE_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            if (deadline?.signal.aborted || performance.now() - started > timeoutMs) throw stopped(statement, timeoutMs);
            slice = performance.now();
          }
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
 * Reads run on a few connections of their own (READERS), one statement each at a time: a
 * LadybugDB connection runs its statements one after another, so a long read on a shared
 * connection held up every other read behind it. Writes use another connection, one
 * transaction at a time, so a read never joins a write's transaction.
 */
export class LadybugExecutor implements Executor {
  private writing: Promise<unknown> = Promise.resolve();
  private readonly idle: Session[];
  private readonly waiting: Array<(session: Session) => void> = [];

  private constructor(
    private readonly db: Database,
    private readonly dataDir: string,
    private readonly readers: Session[],
    private readonly writer: Session,
    private readonly log: (line: string) => void,
  ) {
    this.idle = [...readers];
  }

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
          throw new Error(`${err.message.split('\n')[0]}; the write-ahead log was left in place because ${keep} (back up DATA_DIR before trying anything)`, { cause: err });
        }
        const where = quarantineWal(dataDir);
        log(
          `embedded database: its write-ahead log could not be replayed (${err.message.split('\n')[0]}); moved it to ${where} and opened the database as of its last acknowledged write`,
        );
        db = await init();
      }
    } catch (err) {
      const reason = (err instanceof Error ? err.message.split('\n')[0] : undefined) ?? String(err);
      throw new StoreOpenError(`cannot open the embedded database in DATA_DIR=${dataDir}: ${reason}`, LOCKED.test(reason), dataDir);
    }
    const connect = async () => {
      const conn = new lbug.Connection(db);
      await conn.init();
      return new Session(conn);
    };
    const readers: Session[] = [];
    for (let i = 0; i < READERS; i += 1) readers.push(await connect());
    return new LadybugExecutor(db, dataDir, readers, await connect(), log);
  }

  /** How many prepared statements each connection keeps (for tests and diagnostics). */
  get preparedStatements(): { readers: number[]; writer: number } {
    return { readers: this.readers.map((r) => r.prepared.size), writer: this.writer.prepared.size };
  }

  async read(statement: Statement): Promise<Row[]> {
    const session = this.idle.pop() ?? (await new Promise<Session>((resolve) => this.waiting.push(resolve)));
    try {
      return await session.run(statement);
    } finally {
      const next = this.waiting.shift();
      if (next) next(session);
      else this.idle.push(session);
    }
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
      // Nothing may throw from here on: the write committed, and a rejection would tell the
      // caller (and the journal, which voids what did not commit) that it did not.
      try {
        await this.checkpoint();
      } catch {
        try {
          writeFileSync(join(this.dataDir, CHECKPOINT_PENDING), new Date().toISOString());
        } catch (err) {
          this.log(
            `embedded database: a write committed but neither its checkpoint nor the marker saying so could be written (${err instanceof Error ? err.message : String(err)}); the journal holds it`,
          );
        }
      }
      return result;
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    for (const reader of this.readers) reader.close();
    this.writer.close();
    await this.db.close();
  }
}
