import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import type { Executor, Row, Statement } from '../cypher/executor.js';
import { StoreUnavailableError } from '../errors.js';

/** Driver error codes that mean "not reachable now", as opposed to a bad statement. */
const UNAVAILABLE = new Set(['ServiceUnavailable', 'SessionExpired']);

export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (UNAVAILABLE.has(code) || code.startsWith('Neo.TransientError.'));
}

/**
 * Whole numbers at the top level of a statement's parameters (LIMIT and friends) must
 * reach Neo4j as integers; JavaScript numbers would arrive as floats.
 */
function toDriverParams(params: Record<string, unknown>): Record<string, unknown> {
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
 * cluster routes reads to followers and retries transient failures.
 */
export class Neo4jExecutor implements Executor {
  constructor(
    private readonly driver: Driver,
    private readonly database: string | undefined,
  ) {}

  private session(mode: 'READ' | 'WRITE') {
    return this.driver.session({
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
      ...(this.database ? { database: this.database } : {}),
    });
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isUnavailable(err)) throw new StoreUnavailableError();
      throw err;
    }
  }

  read(statement: Statement): Promise<Row[]> {
    return this.guard(async () => {
      const session = this.session('READ');
      try {
        return await session.executeRead((tx) => run(tx, statement));
      } finally {
        await session.close();
      }
    });
  }

  write<T>(work: (run: (statement: Statement) => Promise<Row[]>) => Promise<T>): Promise<T> {
    return this.guard(async () => {
      const session = this.session('WRITE');
      try {
        // The driver may retry `work` after a transient failure; our writes are idempotent.
        return await session.executeWrite((tx) => work((s) => run(tx, s)));
      } finally {
        await session.close();
      }
    });
  }

  /** Schema statements, each in a transaction of its own. */
  async ddl(cypher: string): Promise<void> {
    await this.write((r) => r({ cypher, params: {} }));
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
