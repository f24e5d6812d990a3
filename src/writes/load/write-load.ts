import type { GraphBatch } from '../../store/graph-store.js';
import { DanglingRelationError, type LoadAudit } from '../../store/load-sink.js';
import type { WriteTransaction } from '../../store/write-transaction.js';
import { audited } from '../curation/audited.js';
import { StoredCitationsError, storedCitationsAgainst } from '../stored-citations.js';

/** Rows per statement when loading: large files go in chunks, still in one transaction. */
export const LOAD_CHUNK = 5_000;

/** A batch in chunks: every source and entity first, so each relation's ends exist when it is created. */
function* chunks(batch: GraphBatch): Generator<GraphBatch> {
  const size = Math.max(batch.sources.length, batch.entities.length);
  for (let i = 0; i < size; i += LOAD_CHUNK) {
    yield { sources: batch.sources.slice(i, i + LOAD_CHUNK), entities: batch.entities.slice(i, i + LOAD_CHUNK), relations: [] };
  }
  for (let i = 0; i < batch.relations.length; i += LOAD_CHUNK) {
    yield { sources: [], entities: [], relations: batch.relations.slice(i, i + LOAD_CHUNK) };
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
  const withText: GraphBatch['sources'] = [];
  for await (const chunk of asChunks(batches)) {
    withText.push(...chunk.sources.filter((s) => s.text !== null && s.text !== undefined));
    const created = await tx.loadChunk(chunk);
    if (created !== chunk.relations.length) {
      throw new DanglingRelationError(`${chunk.relations.length - created} relations refer to entities that do not exist`);
    }
  }
  // A source given with text: every citation of it now stored (this file's and earlier ones') must hold.
  const file = key.replace(/^[a-z]+:/, '');
  const failing = [];
  for (const s of withText) failing.push(...(await storedCitationsAgainst(tx, s)).map((message) => ({ file, line: null, field: 'source.text', message })));
  if (failing.length > 0) throw new StoredCitationsError(failing);
  await recordLoad(tx, key, fingerprint, audit);
}
