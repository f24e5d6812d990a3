import type { Ontology } from '../../ontology/ontology.js';
import type { ClaimRecord, GraphBatch, RelationRecord } from '../../store/records.js';
import { DanglingRelationError, type LoadAudit } from '../../store/load-sink.js';
import type { WriteTransaction, WriteTransactions } from '../../store/write-transaction.js';
import { StoreUnavailableError } from '../../store/errors.js';
import { CurationError } from '../errors.js';
import { LIMITS } from '../checker.js';
import { citeRelation } from '../curation/add-citation.js';
import { audited } from '../curation/audited.js';
import { sameFact } from '../fact-identity.js';
import { StoredCitationsError, storedCitationsAgainst } from '../stored-citations.js';

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
  if (batch.corroborating && batch.corroborating.length > 0) yield { sources: [], entities: [], relations: [], corroborating: batch.corroborating };
  // Claims last: what they assert exists by then.
  const claims = batch.claims ?? [];
  for (let i = 0; i < claims.length; i += LOAD_CHUNK) {
    yield { sources: [], entities: [], relations: [], claims: claims.slice(i, i + LOAD_CHUNK) };
  }
}

/**
 * A relation given without an id whose fact was found stated already: it cites the live
 * relation stating the same fact (src/writes/fact-identity.ts), decided here, inside the
 * load's transaction; if there is none any more, it is created under its derived id.
 */
async function corroborate(tx: WriteTransaction, ontology: Ontology, relation: RelationRecord): Promise<void> {
  // Held against a merge of either end, which re-creates the relations it moves from what it read.
  await tx.lockEntities([relation.from, relation.to]);
  const [same] = (await tx.liveRelationsBetween(relation.from, relation.to, relation.type)).filter((r) => sameFact(ontology, r, relation)).sort((a, b) => a.id.localeCompare(b.id));
  if (same) {
    await citeRelation(tx, same, relation.sources, { relation: 'relations', citation: 'sources' });
  } else if ((await tx.loadChunk({ sources: [], entities: [], relations: [relation] })) !== 1) {
    throw new DanglingRelationError(`relation ${JSON.stringify(relation.id)} refers to an entity that does not exist`);
  }
}

/**
 * A file's claims against the stored ones, in the load's transaction: a file replaces only
 * its own claims (by id), and a relation stays asserted by one claim at most.
 */
async function claimsMayLoad(tx: WriteTransaction, key: string, claims: readonly ClaimRecord[]): Promise<void> {
  for (const stored of await tx.claims(claims.map((c) => c.id))) {
    if (stored.addedBy !== key) {
      throw new CurationError(`claim ${JSON.stringify(stored.id)} already exists, added by ${stored.addedBy ?? 'someone else'}; give this one another id`, 'claims');
    }
  }
  const ids = new Set(claims.map((c) => c.id));
  for (const other of await tx.claimsAsserting(claims.flatMap((c) => c.asserts))) {
    if (ids.has(other.id)) continue;
    const relation = claims.flatMap((c) => c.asserts).find((r) => other.asserts.includes(r));
    throw new CurationError(`relation ${JSON.stringify(relation)} is already asserted by claim ${JSON.stringify(other.id)}`, 'claims');
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
 * not exist, and relations found `corroborating` citing what they corroborate, then `recordLoad`.
 */
export async function writeLoad(
  tx: WriteTransaction,
  batches: GraphBatch | AsyncIterable<GraphBatch>,
  key: string,
  fingerprint: string,
  audit: LoadAudit,
  ontology: Ontology,
): Promise<void> {
  const withText: GraphBatch['sources'] = [];
  for await (const chunk of asChunks(batches)) {
    withText.push(...chunk.sources.filter((s) => s.text !== null && s.text !== undefined));
    for (const relation of chunk.corroborating ?? []) await corroborate(tx, ontology, relation);
    // Rows of a file that state one fact are written as one relation with all their citations.
    const crowded = chunk.relations.find((r) => r.sources.length > LIMITS.relationCitations);
    if (crowded) throw new CurationError(`relation ${JSON.stringify(crowded.id)} would have more than ${LIMITS.relationCitations} citations`, 'sources');
    if (chunk.claims && chunk.claims.length > 0) await claimsMayLoad(tx, key, chunk.claims);
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

/**
 * A load in one transaction of `store` however large (all or nothing); 100,000 relations
 * took Neo4j 1 to 2 minutes on a busy 2-core machine, past the deadline meant for requests.
 */
export async function loadInTransaction(
  store: WriteTransactions,
  batches: GraphBatch | AsyncIterable<GraphBatch>,
  key: string,
  fingerprint: string,
  audit: LoadAudit,
  ontology: Ontology,
): Promise<void> {
  let attempts = 0;
  await store.writeTransaction(
    async (tx) => {
      // A backend that retries after a transient failure would find a stream already read
      // and record an empty load as done; failing leaves the file to be imported again.
      attempts += 1;
      if (attempts > 1 && !('entities' in batches)) throw new StoreUnavailableError('the database failed during a streamed import; run the import again');
      await writeLoad(tx, batches, key, fingerprint, audit, ontology);
    },
    { bulk: true },
  );
}
