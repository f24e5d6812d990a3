import neo4j from 'neo4j-driver';
import type { Ontology } from '../../ontology/ontology.js';
import { CypherGraphStore } from '../cypher/cypher-store.js';
import type { GraphStore } from '../graph-store.js';
import { neo4jDialect } from './dialect.js';
import { StoreUnavailableError } from '../errors.js';
import { isUnavailable, Neo4jExecutor } from './executor.js';
import { DomainError, ErrorCode } from '../../errors/domain-error.js';

/** Where Neo4j is and how to sign in: this adapter's own settings (src/config.ts maps NEO4J_* onto them). */
export interface Neo4jConnection {
  uri: string;
  user: string;
  /** Null: no authentication. */
  password: string | null;
  /** Null: the server's default database. */
  database: string | null;
}

/** Why Neo4j could not be used, naming the variable to fix. One line, no stack. */
export class Neo4jConnectError extends DomainError {
  readonly code = ErrorCode.STORE_OPEN_FAILED;
}

/** How long start-up may wait for Neo4j before giving up with a clear message. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** How long the driver retries a transaction that failed for a transient reason or an outage. */
export const RETRY_TIME_MS = 5_000;

export const AWAIT_INDEXES = 'CALL db.awaitIndexes(60)';

function explain(err: unknown, s: Neo4jConnection): string {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  const message = err instanceof Error ? err.message : String(err);
  // The driver's messages are long; the cause at the end is the part a person needs.
  const reason = (message.includes('Caused by: ') ? message.slice(message.lastIndexOf('Caused by: ') + 11) : message).split('\n')[0];
  if (code === 'Neo.ClientError.Security.Unauthorized' || code === 'Neo.ClientError.Security.AuthenticationRateLimit') {
    return `Neo4j at NEO4J_URI=${s.uri} refused the credentials; check NEO4J_USER and NEO4J_PASSWORD`;
  }
  if (code === 'Neo.ClientError.Database.DatabaseNotFound') {
    return `Neo4j at NEO4J_URI=${s.uri} has no database ${JSON.stringify(s.database)}; check NEO4J_DATABASE`;
  }
  if (isUnavailable(err) || err instanceof StoreUnavailableError || code === 'timeout') {
    return `cannot reach Neo4j at NEO4J_URI=${s.uri} (${reason}); check NEO4J_URI and that Neo4j is running`;
  }
  return `cannot use Neo4j at NEO4J_URI=${s.uri}: ${reason}`;
}

/** Connects, checks that Neo4j answers, and creates the ontology's constraints and indexes. */
export async function openNeo4jStore(settings: Neo4jConnection, ontology: Ontology): Promise<GraphStore> {
  return (await openNeo4jWithExecutor(settings, ontology)).store;
}

/**
 * The same, with the executor under the store, for the benchmark, which replays the
 * statements a request sent on that very executor. Close the store only.
 */
export async function openNeo4jWithExecutor(settings: Neo4jConnection, ontology: Ontology): Promise<{ store: GraphStore; executor: Neo4jExecutor }> {
  let driver;
  try {
    driver = neo4j.driver(settings.uri, settings.password === null ? undefined : neo4j.auth.basic(settings.user, settings.password), {
      disableLosslessIntegers: true,
      connectionTimeout: CONNECT_TIMEOUT_MS,
      connectionAcquisitionTimeout: CONNECT_TIMEOUT_MS,
      maxTransactionRetryTime: RETRY_TIME_MS,
      // The driver's own logging could include statement text; ours never includes parameters.
      logging: { level: 'error', logger: () => undefined },
    });
  } catch (err) {
    throw new Neo4jConnectError(`NEO4J_URI=${settings.uri} is not a Neo4j address: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const executor = new Neo4jExecutor(driver, settings.database ?? undefined);
  try {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`), { code: 'timeout' })), CONNECT_TIMEOUT_MS);
    });
    try {
      await Promise.race([driver.verifyConnectivity(settings.database ? { database: settings.database } : {}), timeout]);
    } finally {
      clearTimeout(timer);
    }
    for (const cypher of neo4jDialect.schema(ontology)) await executor.ddl(cypher);
    // A new full-text index fills in the background; search needs it online.
    await executor.ddl(AWAIT_INDEXES);
  } catch (err) {
    await driver.close().catch(() => undefined);
    throw new Neo4jConnectError(explain(err, settings));
  }
  return { store: new CypherGraphStore('neo4j', executor, neo4jDialect, ontology), executor };
}
