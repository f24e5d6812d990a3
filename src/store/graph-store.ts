/**
 * The GraphStore port: what a backend (embedded LadybugDB, Neo4j) offers the layers above
 * it. The read port (graph-reads.ts), one write transaction at a time with its primitive
 * operations (write-transaction.ts), and the store's own bookkeeping. Plain records in and
 * out (records.ts, queries.ts); nothing driver-specific crosses this boundary, and no
 * write rule is known here: src/writes/ runs them inside `writeTransaction`.
 */

import type { EngineStatus } from './cypher/executor.js';
import type { GraphReads } from './graph-reads.js';
import type { WriteTransactions } from './write-transaction.js';

export interface GraphStore extends GraphReads, WriteTransactions {
  readonly backend: string;
  /** The engine's state when it can die apart from the server (the embedded one); null otherwise. */
  engineStatus(): EngineStatus | null;
  /** The fingerprint recorded by the last load under `key`, if any. */
  loadedFingerprint(key: string): Promise<string | null>;
  /**
   * The same store, calling `observe` with each statement it sends to the database
   * (each one round trip). Cheap: made per request to count what a request costs.
   */
  observed(observe: StatementObserver): GraphStore;
  close(): Promise<void>;
}

/**
 * Told of each statement a store sends; must not throw. An observer that carries a
 * `deadline` (its request's) makes the store stop there: no read is sent once it has
 * passed, and the backend stops a read still running at it. One that carries a `lane`
 * says, at each read, which lane of the database's readers it takes (cypher/long-reads.ts).
 */
export type StatementObserver = ((statement: { cypher: string; params: Record<string, unknown> }) => void) & {
  readonly deadline?: StatementDeadline;
  readonly lane?: () => ReadLane;
};

/**
 * Which readers a read may take: `long` reads (of a request that has turned out long)
 * share a few of them, so `quick` ones always find one free.
 */
export type ReadLane = 'quick' | 'long';

/** When the work of a request must stop (src/budget/deadline.ts makes them). */
export interface StatementDeadline {
  /** Aborts at the deadline, or when the request is stopped earlier; its reason is the error to answer. */
  readonly signal: AbortSignal;
  remainingMs(): number;
  /** The error to answer once it has passed (its timer may not have fired yet on a busy event loop). */
  expired(): Error;
}
