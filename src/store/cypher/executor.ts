import type { StatementDeadline } from '../graph-store.js';

/** A statement and its parameters. Statement text never contains request data. */
export interface Statement {
  cypher: string;
  params: Record<string, unknown>;
  /** The deadline of the request that sends it (reads only): the backend stops it there. */
  deadline?: StatementDeadline;
}

export type Row = Record<string, unknown>;

export interface WriteOptions {
  /**
   * A load of whole files (seeds, `import`), not a request: it takes as long as the data
   * needs, so a backend's per-request deadline does not apply.
   */
  bulk?: boolean;
}

/** Runs statements on one backend; each statement is one database round trip. */
export interface Executor {
  read(statement: Statement): Promise<Row[]>;
  /** Runs `work` in one write transaction: all its statements land, or none. */
  write<T>(work: (run: (statement: Statement) => Promise<Row[]>) => Promise<T>, options?: WriteOptions): Promise<T>;
  close(): Promise<void>;
}
