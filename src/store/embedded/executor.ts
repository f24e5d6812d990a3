import { totalmem } from 'node:os';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lbug, { type Connection, type Database, type LbugValue, type PreparedStatement, type QueryResult } from '@ladybugdb/core';
import type { Executor, Row, Statement } from '../cypher/executor.js';
import { InsufficientStorageError, StoreOpenError, StoreUnavailableError } from '../errors.js';
import { CHECKPOINT_PENDING, DATABASE_FILE, DEFAULT_QUARANTINE_KEEP, quarantineWal, whyKeepWal } from './quarantine.js';

// Defined beside the other store errors so the CLI's mapper needs no LadybugDB to know it.
export { StoreOpenError };

/** LadybugDB's words for a database another process holds open. */
const LOCKED = /could not set lock/i;

/** LadybugDB's own words for a write-ahead log it cannot replay (0.17.1 to 0.19.1). */
const BROKEN_WAL = /corrupted wal|wal file is corrupted/i;

/** The longest rows are converted before other requests get a turn of the event loop. */
const SLICE_MS = 8;
/** Rows converted between two looks at the clock. */
const ROWS_PER_CHECK = 32;
/** Reads running at once, each on a connection of its own. */
export const READERS = 3;

/**
 * Engine threads one read may use. The engine runs every query's work on one pool of as
 * many threads as the machine has cores; a read that took them all kept every other read
 * waiting behind it, however many readers were free. With one thread each, the long lane
 * (EMBEDDED_LONG_READS of them at once) leaves the others to quick reads.
 */
export const READER_THREADS = 1;

/**
 * The engine's page cache and working memory, in bytes: 2 GiB, or half the machine's memory
 * if that is less. Its own default is 80% of the machine's memory, which a flood of large
 * reads filled and never gave back; bounded, the engine process stays within about this
 * much more than its code, whatever is asked.
 */
export const BUFFER_POOL_BYTES = Math.min(2 * 1024 * 1024 * 1024, Math.floor(totalmem() / 2));

/** Long reads at once on the embedded engine (src/store/cypher/long-reads.ts): one, so a quick read always finds an engine thread too. */
export const EMBEDDED_LONG_READS = 1;
/**
 * How long a checkpoint waits for running reads to finish before it is put off (see
 * `checkpointAfterWrite`). New reads wait behind it meanwhile, so this bounds what a write
 * adds to a read's latency.
 */
export const CHECKPOINT_WAIT_MS = 250;
/** How soon a checkpoint that was put off is tried again. */
const CHECKPOINT_RETRY_MS = 1000;
/** How the engine words a write that met a full disk. */
const NO_SPACE = /No space left on device|ENOSPC/i;
/** A statement timeout that never comes (LadybugDB has no way to unset one). */
const NO_TIMEOUT_MS = 2 ** 31 - 1;
/** The database's own timeout runs this much past the request's deadline, so the request's error wins. */
const TIMEOUT_GRACE_MS = 50;

export interface ExecutorOptions {
  /**
   * No checkpoint after each write: the caller checkpoints once when done. Only for a
   * database built from the journal in a directory of its own (src/journal/rebuild.ts),
   * where a crash loses nothing the journal does not hold and a checkpoint per write made a
   * rebuild of 689 writes take 106 s.
   */
  deferCheckpoints?: boolean;
  /** Copies DATA_DIR/quarantine/ keeps when a log is set aside at open (QUARANTINE_KEEP). */
  quarantineKeep?: number;
}

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
 *
 * A CHECKPOINT never runs beside a read: LadybugDB 0.19 dies (SIGSEGV) when one connection
 * checkpoints while another reads (test/engine/ladybug-faults.test.ts). So a checkpoint
 * stops new reads, waits for running ones, and runs alone; the engine's own automatic
 * checkpoints, which would not wait, are turned off at open.
 */
export class LadybugExecutor implements Executor {
  private writing: Promise<unknown> = Promise.resolve();
  private readonly idle: Session[];
  private readonly waiting: Array<(session: Session) => void> = [];
  /** Reads between taking a connection and closing their result. */
  private running = 0;
  /** Set while a checkpoint waits or runs: new reads wait for it. */
  private paused: Promise<void> | null = null;
  /** Called when `running` drops to 0. */
  private drained: (() => void) | null = null;
  private retry: NodeJS.Timeout | null = null;

  private constructor(
    private readonly db: Database,
    private readonly dataDir: string,
    private readonly readers: Session[],
    private readonly writer: Session,
    private readonly log: (line: string) => void,
    private readonly options: ExecutorOptions,
  ) {
    this.idle = [...readers];
  }

  /**
   * Opens the database. Every acknowledged write was checkpointed into the database file
   * (see `write`), so a log that cannot be replayed holds at most one write that was never
   * acknowledged: it is quarantined, `log` says so in one line, and the database opens
   * as of its last acknowledged write.
   */
  static async open(dataDir: string, log: (line: string) => void = () => undefined, options: ExecutorOptions = {}): Promise<LadybugExecutor> {
    const init = async () => {
      // By position: the buffer pool's bound (BUFFER_POOL_BYTES), compression, read-only and
      // size as the engine's defaults, then automatic checkpoints off (see the class comment).
      const db = new lbug.Database(join(dataDir, DATABASE_FILE), BUFFER_POOL_BYTES, true, false, 0, false);
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
        quarantineWal(
          dataDir,
          { keep: options.quarantineKeep ?? DEFAULT_QUARANTINE_KEEP, log },
          (where) =>
            `embedded database: its write-ahead log could not be replayed (${err.message.split('\n')[0]}); moved it to ${where} and opened the database as of its last acknowledged write`,
        );
        db = await init();
      }
    } catch (err) {
      const reason = (err instanceof Error ? err.message.split('\n')[0] : undefined) ?? String(err);
      throw new StoreOpenError(`cannot open the embedded database in DATA_DIR=${dataDir}: ${reason}`, LOCKED.test(reason), dataDir);
    }
    const connect = async (threads?: number) => {
      const conn = threads === undefined ? new lbug.Connection(db) : new lbug.Connection(db, threads);
      await conn.init();
      return new Session(conn);
    };
    const readers: Session[] = [];
    for (let i = 0; i < READERS; i += 1) readers.push(await connect(READER_THREADS));
    return new LadybugExecutor(db, dataDir, readers, await connect(), log, options);
  }

  /** How many prepared statements each connection keeps (for tests and diagnostics). */
  get preparedStatements(): { readers: number[]; writer: number } {
    return { readers: this.readers.map((r) => r.prepared.size), writer: this.writer.prepared.size };
  }

  async read(statement: Statement): Promise<Row[]> {
    while (this.paused) await this.paused;
    this.running += 1;
    try {
      const session = this.idle.pop() ?? (await new Promise<Session>((resolve) => this.waiting.push(resolve)));
      try {
        return await session.run(statement);
      } finally {
        const next = this.waiting.shift();
        if (next) next(session);
        else this.idle.push(session);
      }
    } finally {
      this.running -= 1;
      if (this.running === 0) this.drained?.();
    }
  }

  /**
   * Runs `work` with no read running: new reads wait, running ones are given `waitMs` to
   * finish. Returns false, having run nothing, when they did not.
   */
  private async alone(work: () => Promise<void>, waitMs: number): Promise<boolean> {
    let resume!: () => void;
    this.paused = new Promise((resolve) => (resume = resolve));
    try {
      if (this.running > 0) {
        const drained = await new Promise<boolean>((resolve) => {
          const timer = Number.isFinite(waitMs) ? setTimeout(() => resolve(false), waitMs) : null;
          this.drained = () => {
            if (timer) clearTimeout(timer);
            resolve(true);
          };
        });
        this.drained = null;
        if (!drained) return false;
      }
      await work();
      return true;
    } finally {
      this.paused = null;
      resume();
    }
  }

  /** Schema changes run outside any transaction; call `checkpoint` after them. */
  ddl(cypher: string): Promise<Row[]> {
    return this.writer.run({ cypher, params: {} });
  }

  /**
   * Writes what the log holds into the database file and empties the log, with no read
   * running (waiting as long as reads take). LadybugDB (0.17.1 to 0.19.1 tried) cannot
   * replay a log record over about 4 KB after a hard kill (a merge's audit entry passes
   * that at four relations), and refuses to open at all; an empty log has nothing to replay.
   */
  async checkpoint(): Promise<void> {
    await this.alone(() => this.checkpointNow(), Number.POSITIVE_INFINITY);
  }

  private async checkpointNow(): Promise<void> {
    await this.writer.run({ cypher: 'CHECKPOINT', params: {} });
    rmSync(join(this.dataDir, CHECKPOINT_PENDING), { force: true });
  }

  /**
   * The checkpoint after a write: if reads still run after CHECKPOINT_WAIT_MS it is put off
   * (the marker file keeps the log from being set aside meanwhile) and tried again between
   * writes, so a long read delays neither the write nor the reads queued behind it.
   */
  private async checkpointAfterWrite(): Promise<void> {
    if (await this.alone(() => this.checkpointNow(), CHECKPOINT_WAIT_MS)) return;
    this.markPending();
    this.retry ??= setTimeout(() => {
      this.retry = null;
      this.writing = this.writing.then(() => this.checkpointAfterWrite()).catch(() => this.markPending());
    }, CHECKPOINT_RETRY_MS);
    this.retry.unref();
  }

  private markPending(): void {
    try {
      writeFileSync(join(this.dataDir, CHECKPOINT_PENDING), new Date().toISOString());
    } catch (err) {
      this.log(
        `embedded database: a write committed but neither its checkpoint nor the marker saying so could be written (${err instanceof Error ? err.message : String(err)}); the journal holds it`,
      );
    }
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
        // The disk filled after the free-space check let the write in: a refusal all the same.
        if (err instanceof Error && NO_SPACE.test(err.message)) {
          throw new InsufficientStorageError(
            `the write was not made: the disk under DATA_DIR=${this.dataDir} is full (${err.message.split('\n')[0]}); free space there and try again`,
          );
        }
        throw err;
      }
      if (this.options.deferCheckpoints) return result;
      // Before the write is acknowledged, so a log that a crash leaves holds no acknowledged
      // write. The write is committed either way: if the checkpoint fails or is put off, it
      // is acknowledged all the same, and a marker file keeps the log from being set aside
      // until a later checkpoint succeeds.
      // Nothing may throw from here on: the write committed, and a rejection would tell the
      // caller (and the journal, which voids what did not commit) that it did not.
      try {
        await this.checkpointAfterWrite();
      } catch {
        this.markPending();
      }
      return result;
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    await this.writing;
    for (const reader of this.readers) reader.close();
    this.writer.close();
    await this.db.close();
  }
}
