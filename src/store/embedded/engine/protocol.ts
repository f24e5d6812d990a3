import type { Row } from '../../cypher/executor.js';

/**
 * The messages between the server and the process that runs LadybugDB (host.ts). One
 * request, one reply with the same `id`. A transaction is `begin`, then `run`s, then
 * `commit` or `rollback` naming the `begin`'s id (`end` has no reply of its own); the `begin` is
 * replied to when the transaction has committed and been checkpointed, or rolled back.
 */
export type HostRequest =
  | { t: 'open'; id: number; dataDir: string; quarantineKeep: number; deferCheckpoints: boolean }
  | { t: 'read'; id: number; cypher: string; params: Record<string, unknown>; timeoutMs: number | null }
  | { t: 'ddl'; id: number; cypher: string }
  | { t: 'checkpoint'; id: number }
  | { t: 'begin'; id: number }
  | { t: 'run'; id: number; tx: number; cypher: string; params: Record<string, unknown> }
  | { t: 'end'; id: number; tx: number; commit: boolean }
  | { t: 'close'; id: number };

/** An error as it crosses the process boundary: which of the store's errors, and its words. */
export interface WireError {
  kind: 'open' | 'unavailable' | 'storage' | 'other';
  message: string;
  locked?: boolean;
}

/**
 * Rows of one reply at most per message. A larger answer comes as `part`s, then its `ok`
 * with the last rows: the server decodes each message as an event of its own, so a read of
 * 100,000 rows never holds its event loop for the whole decode, and cheap requests are
 * answered in between.
 */
export const ROWS_PER_MESSAGE = 2_000;

export type HostReply = { t: 'ok'; id: number; rows?: Row[] } | { t: 'part'; id: number; rows: Row[] } | { t: 'error'; id: number; error: WireError } | { t: 'log'; line: string };
