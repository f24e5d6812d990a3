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

/** How the database engine fares, for the health check: the embedded engine runs in a process that is restarted when it dies. */
export interface EngineStatus {
  state: 'up' | 'restarting' | 'down';
  /** The engine's process id, while it runs. */
  pid: number | null;
  /** Restarts after the engine died, since the server started. */
  restarts: number;
  lastCrash: { at: string; why: string } | null;
}

/** Runs statements on one backend; each statement is one database round trip. */
export interface Executor {
  /** Only for an engine that can die apart from the server. */
  readonly status?: EngineStatus;
  read(statement: Statement): Promise<Row[]>;
  /** Runs `work` in one write transaction: all its statements land, or none. */
  write<T>(work: (run: (statement: Statement) => Promise<Row[]>) => Promise<T>, options?: WriteOptions): Promise<T>;
  close(): Promise<void>;
}
