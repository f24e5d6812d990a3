import type { ClaimRecord, GraphBatch, RelationRecord } from '../../store/records.js';
import type { LoadReads, LoadSink } from '../../store/load-sink.js';
import { entityConflicts, relationConflicts } from '../stored-conflicts.js';
import type { Checker } from '../validate.js';

/**
 * What seed files and imports share once a file is read: the checks against what is
 * stored, and the load itself (one sink call per file, under the file's own key, which
 * is also the author of its relations and of its IMPORT audit entry).
 */

export interface FileCounts {
  sources: number;
  entities: number;
  relations: number;
  /** Relations given without an id that cited a relation stating the same fact instead of making another (imports). */
  corroborated?: number;
  /** Claims, when the file has any. */
  claims?: number;
}

export interface FileLoad {
  file: string;
  /** `seed:<file>` or `import:<file>`. */
  key: string;
  fingerprint: string;
  counts: FileCounts;
  /** The entities it defines, for the audit entry (a CSV edge list defines none). */
  entityIds?: readonly string[];
}

/** Reports, on `check`, what a whole batch of `key`'s file may not do to stored data. */
export async function checkStored(reads: Pick<LoadReads, 'getEntities' | 'relationOwners'>, key: string, batch: GraphBatch, check: Checker): Promise<void> {
  for (const c of await entityConflicts(reads, batch.entities)) check.fail(['entities', c.index, c.field], c.message);
  for (const c of await relationConflicts(
    reads,
    key,
    batch.relations.map((r) => r.id),
  ))
    check.fail(['relations', c.index, c.field], c.message);
}

function addedBy(key: string, relations: readonly RelationRecord[]): RelationRecord[] {
  return relations.map((r) => ({ ...r, addedBy: key }));
}

function claimsAddedBy(key: string, batch: GraphBatch): { claims?: ClaimRecord[] } {
  return batch.claims ? { claims: batch.claims.map((c) => ({ ...c, addedBy: key })) } : {};
}

function withAddedBy(key: string, b: GraphBatch): GraphBatch {
  const own = { ...b, relations: addedBy(key, b.relations), ...claimsAddedBy(key, b) };
  return b.corroborating ? { ...own, corroborating: addedBy(key, b.corroborating) } : own;
}

async function* streamAddedBy(key: string, batches: AsyncIterable<GraphBatch>): AsyncGenerator<GraphBatch> {
  for await (const b of batches) yield withAddedBy(key, b);
}

/** Writes one checked file through `sink`: its relations added by its key, its fingerprint, its IMPORT entry. */
export function loadFile(sink: LoadSink, load: FileLoad, batches: GraphBatch | AsyncIterable<GraphBatch>): Promise<void> {
  const data = Symbol.asyncIterator in batches ? streamAddedBy(load.key, batches) : withAddedBy(load.key, batches);
  const summary = { file: load.file, ...load.counts };
  const audit = load.entityIds === undefined ? { actor: load.key, summary } : { actor: load.key, summary, entityIds: load.entityIds };
  return sink.load(data, load.key, load.fingerprint, audit);
}
