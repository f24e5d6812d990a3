import type { GraphBatch } from '../../store/graph-store.js';
import { DanglingRelationError, type LoadAudit } from '../../store/load-sink.js';
import type { WriteTransaction } from '../../store/write-transaction.js';
import { audited } from '../curation/audited.js';

/** Rows per statement when loading: large files go in chunks, still in one transaction. */
export const LOAD_CHUNK = 5_000;

/** A batch in chunks: every source and entity first, so each relation's ends exist when it is created; claims last. */
function* chunks(batch: GraphBatch): Generator<GraphBatch> {
  const size = Math.max(batch.sources.length, batch.entities.length);
  for (let i = 0; i < size; i += LOAD_CHUNK) {
    yield { sources: batch.sources.slice(i, i + LOAD_CHUNK), entities: batch.entities.slice(i, i + LOAD_CHUNK), relations: [] };
  }
  for (let i = 0; i < batch.relations.length; i += LOAD_CHUNK) {
    yield { sources: [], entities: [], relations: batch.relations.slice(i, i + LOAD_CHUNK) };
  }
  // Claims last: what they assert exists by then.
  const claims = batch.claims ?? [];
  for (let i = 0; i < claims.length; i += LOAD_CHUNK) {
    yield { sources: [], entities: [], relations: [], claims: claims.slice(i, i + LOAD_CHUNK) };
  }
}

async function* asChunks(batches: GraphBatch | AsyncIterable<GraphBatch>): AsyncGenerator<GraphBatch> {
  if (Symbol.asyncIterator in batches) {
    for await (const b of batches) yield* chunks(b);
  } else {
    yield* chunks(batches);
  }
}

/** What every load records once its data is in: the fingerprint under `key` and the IMPORT entry. */
export async function recordLoad(tx: WriteTransaction, key: string, fingerprint: string, audit: LoadAudit): Promise<void> {
  await tx.recordFingerprint(key, fingerprint);
  await audited(tx, audit.actor, async () => ({
    value: undefined,
    change: { operation: 'IMPORT', entityIds: [...(audit.entityIds ?? [])], relationId: null, before: null, after: audit.summary },
  }));
}

/**
 * The transactional load, inside one open transaction: chunk by chunk (sources and
 * entities replaced by id, relations replaced by id), refusing relations whose ends do
 * not exist, then `recordLoad`.
 */
export async function writeLoad(tx: WriteTransaction, batches: GraphBatch | AsyncIterable<GraphBatch>, key: string, fingerprint: string, audit: LoadAudit): Promise<void> {
  for await (const chunk of asChunks(batches)) {
    const created = await tx.loadChunk(chunk);
    if (created !== chunk.relations.length) {
      throw new DanglingRelationError(`${chunk.relations.length - created} relations refer to entities that do not exist`);
    }
  }
  await recordLoad(tx, key, fingerprint, audit);
}
