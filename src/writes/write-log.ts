import type { GraphBatch, StampedWrite } from '../store/records.js';
import type { LoadAudit } from '../store/load-sink.js';
import type { WriteCommand } from './write-command.js';

/** A load's command: the WriteCommand of op `load`. */
export type LoadCommand = Extract<WriteCommand, { op: 'load' }>;

/**
 * What records writes around their transactions (the embedded store's journal,
 * src/journal/journal-log.ts); Neo4j keeps its own transaction log and has none. It wraps
 * the store's transaction, not the operations: `transact` opens the transaction and runs
 * the write's rule in it, stamped by the author it is given, whose `beforeCommit` the log
 * sets to make the command durable just before the database commits. The log may also
 * refuse a write before its transaction opens (a full disk) or hold it back (a check).
 */
export interface WriteLog {
  write<T>(command: Exclude<WriteCommand, LoadCommand>, by: StampedWrite, transact: (by: StampedWrite) => Promise<T>): Promise<T>;
  /** The same for a load, whose batches the log keeps beside the command as they stream into the transaction. */
  load(
    command: LoadCommand,
    batches: GraphBatch | AsyncIterable<GraphBatch>,
    audit: LoadAudit & { actor: StampedWrite },
    transact: (batches: AsyncIterable<GraphBatch>, audit: LoadAudit & { actor: StampedWrite }) => Promise<void>,
  ): Promise<void>;
  close(): Promise<void>;
}
