import type { Author, GraphBatch } from './records.js';
import type { GraphStore } from './graph-store.js';
import { DomainError, ErrorCode } from '../errors/domain-error.js';

/** Thrown when a load would leave relations without their ends. */
export class DanglingRelationError extends DomainError {
  readonly code = ErrorCode.INTERNAL;
}

/** The audit entry (IMPORT) a load records beside its data. */
export interface LoadAudit {
  actor: Author;
  summary: unknown;
  entityIds?: readonly string[];
}

/**
 * Where validated batches are written, a port the store defines for the layers above: the
 * graph's transactional load (src/writes/graph.ts: the rule of src/writes/load/write-load.ts
 * in one transaction of the store) or the embedded bulk COPY (src/store/embedded/
 * bulk-copy.ts). One call is one file: all or nothing, with `fingerprint` recorded under
 * `key` and an IMPORT audit entry. Batches may be an async stream of chunks.
 */
export interface LoadSink {
  load(batches: GraphBatch | AsyncIterable<GraphBatch>, key: string, fingerprint: string, audit: LoadAudit): Promise<void>;
}

/** What the checks before a load read from the store they load into. */
export type LoadReads = Pick<GraphStore, 'getEntities' | 'relationOwners' | 'loadedFingerprint' | 'listSources' | 'relationsOf'>;

/** A store to load files into: what the checks read, and where the data goes. */
export type LoadTarget = LoadSink & LoadReads;
