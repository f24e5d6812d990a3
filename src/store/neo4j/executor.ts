import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import type { Executor, Row, Statement, WriteOptions } from '../cypher/executor.js';
import { StoreUnavailableError } from '../errors.js';

/** Driver error codes that mean "not reachable now", as opposed to a bad statement. */
const UNAVAILABLE = new Set(['ServiceUnavailable', 'SessionExpired']);

/**
 * The longest a request waits on Neo4j, retries included. The driver bounds each connection
 * attempt and its retries, but a Neo4j that accepts connections while it is still
 * recovering can hold a transaction much longer; past this the request gets 503, and
 * Neo4j ends the transaction itself (it is the transactions' server-side timeout too).
 */
export const DEADLINE_MS = 30_000;

export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  // A transaction Neo4j ended at its timeout (our deadline) is as unanswered as an outage.
  return typeof code === 'string' && (UNAVAILABLE.has(code) || code.startsWith('Neo.TransientError.') || code.startsWith('Neo.ClientError.Transaction.TransactionTimedOut'));
}

/**
 * Whole numbers at the top level of a statement's parameters (LIMIT and friends) must
 * reach Neo4j as integers; JavaScript numbers would arrive as floats.
 */
export function toDriverParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v === 'number' && Number.isInteger(v) ? neo4j.int(v) : v;
  return out;
}

async function run(tx: ManagedTransaction, statement: Statement): Promise<Row[]> {
  const { cypher, params } = statement;
  const result = await tx.run(cypher, toDriverParams(params));
  return result.records.map((r) => r.toObject() as Row);
}

/**
 * Reads through `executeRead` and writes through `executeWrite`, so a `neo4j://`
 * cluster routes reads to followers and the driver retries transient failures. Every
 * session shares one bookmark manager: a read sent after a write has been acknowledged
 * waits on any cluster member until that write is visible there.
 */
export class Neo4jExecutor implements Executor {
  private readonly bookmarks = neo4j.bookmarkManager();

  constructor(
    private readonly driver: Driver,
    private readonly database: string | undefined,
  ) {}

  private session(mode: 'READ' | 'WRITE') {
    return this.driver.session({
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
      bookmarkManager: this.bookmarks,
      ...(this.database ? { database: this.database } : {}),
    });
  }

  /** What a later session waits for; exposed so tests can see that writes advance it. */
  async lastBookmarks(): Promise<string[]> {
    return [...(await this.bookmarks.getBookmarks())];
  }

  /**
   * Runs `work` until `deadlineMs` (none: until it ends) or until `signal` aborts (its
   * request was stopped: its reason is the error), turning unavailability into
   * StoreUnavailableError.
   */
  private async guard<T>(work: () => Promise<T>, deadlineMs: number | null, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const running = work();
    // Given up at the deadline, the work may still fail later; that is no longer anyone's error.
    running.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const deadline = new Promise<never>((_, reject) => {
      if (signal) {
        onAbort = () => reject(signal.reason as Error);
        signal.addEventListener('abort', onAbort, { once: true });
      }
      if (deadlineMs === null) return;
      timer = setTimeout(() => reject(new StoreUnavailableError(`Neo4j did not answer within ${deadlineMs / 1000} s; try again shortly`)), deadlineMs);
    });
    try {
      return await Promise.race([running, deadline]);
    } catch (err) {
      if (signal?.aborted) throw signal.reason as Error;
      if (isUnavailable(err)) throw new StoreUnavailableError();
      throw err;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  read(statement: Statement): Promise<Row[]> {
    // A request's read ends at the request's deadline, here and (its transaction timeout) in Neo4j.
    const ms = statement.deadline ? Math.max(1, Math.min(DEADLINE_MS, Math.ceil(statement.deadline.remainingMs()))) : DEADLINE_MS;
    const { cypher, params } = statement;
    return this.guard(
      async () => {
        const session = this.session('READ');
        try {
          return await session.executeRead((tx) => run(tx, { cypher, params }), { timeout: ms });
        } finally {
          await session.close();
        }
      },
      ms,
      statement.deadline?.signal,
    );
  }

  write<T>(work: (run: (statement: Statement) => Promise<Row[]>) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    // A bulk load has no deadline here nor on the server (Neo4j's own transaction timeout still applies).
    const deadlineMs = options.bulk ? null : DEADLINE_MS;
    return this.guard(async () => {
      const session = this.session('WRITE');
      try {
        // The driver may retry `work` after a transient failure; our writes are idempotent.
        return await session.executeWrite((tx) => work((s) => run(tx, s)), deadlineMs === null ? {} : { timeout: deadlineMs });
      } finally {
        await session.close();
      }
    }, deadlineMs);
  }

  /** Schema statements, each in a transaction of its own. */
  async ddl(cypher: string): Promise<void> {
    // Filling a new index on a large graph (db.awaitIndexes) may take longer than a request may.
    await this.write((r) => r({ cypher, params: {} }), { bulk: true });
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
