import type { ChangeRecord, CitationRecord, ClaimRecord, EntityRecord, GraphBatch, RelationRecord, Retraction, SourceRecord } from './records.js';

/**
 * How the layers above write: one transaction at a time, in which `work` reads and writes
 * through the primitive operations below. The store knows no write rule; src/writes/
 * brings each rule, its audit entry and its journal hook inside `work`.
 */
export interface WriteTransactions {
  /**
   * Runs `work` in one write transaction: it commits when `work` resolves and rolls back
   * when it throws. A backend may run `work` again after a transient failure of its own
   * (Neo4j's driver does), so `work` must be safe to repeat; a log of writes that appends
   * inside it (the embedded journal) is only ever used over a backend that does not
   * (the embedded executor runs a write once). `bulk`: a load, one
   * transaction however large, beyond the time limits meant for requests.
   */
  writeTransaction<T>(work: (tx: WriteTransaction) => Promise<T>, options?: { bulk?: boolean }): Promise<T>;
}

/**
 * The primitive operations a write needs, all inside one open transaction of a backend.
 * The rules of each write (src/writes/curation/) run against this port, so every check
 * they make reads what the transaction sees and commits with it. Records are read as
 * stored: an id merged into another entity is NOT resolved here (the rules decide what
 * that means for them).
 */
export interface WriteTransaction {
  entities(ids: readonly string[]): Promise<EntityRecord[]>;
  /** One relation by id, retracted or not. */
  relation(id: string): Promise<RelationRecord | null>;
  /** Every relation at `id`, in both directions, retracted or not. */
  relationsAt(id: string): Promise<RelationRecord[]>;
  source(id: string): Promise<SourceRecord | null>;
  /** Every entity (merged-away ones too), relation (retracted ones too) and claim with a citation of the source. */
  citing(sourceId: string): Promise<{ entities: EntityRecord[]; relations: RelationRecord[]; claims: ClaimRecord[] }>;
  /** The live (not retracted) relations of `type` from `from` to `to`. */
  liveRelationsBetween(from: string, to: string, type: string): Promise<RelationRecord[]>;
  /** Replaces a relation's citations (corroboration adds to them). */
  setRelationSources(id: string, sources: readonly CitationRecord[]): Promise<void>;
  /**
   * Holds the entities against concurrent writes until commit, where the engine needs it
   * (a no-op where writes are serialised anyway).
   */
  lockEntities(ids: readonly string[]): Promise<void>;
  upsertEntities(entities: readonly EntityRecord[]): Promise<void>;
  upsertSources(sources: readonly SourceRecord[]): Promise<void>;
  /** Returns how many were created: a relation whose end does not exist is not. */
  createRelations(relations: readonly RelationRecord[]): Promise<number>;
  deleteRelations(ids: readonly string[]): Promise<void>;
  retract(id: string, retraction: Retraction): Promise<void>;
  /** Points the duplicate, and anything already merged into it, at the survivor. */
  redirectEntity(duplicate: string, survivor: string): Promise<void>;
  /** Moves entity references held in relation fields (`claimedBy`) to the survivor. */
  redirectRefs(duplicate: string, survivor: string): Promise<void>;
  recordChange(change: ChangeRecord): Promise<void>;
  recordFingerprint(key: string, fingerprint: string): Promise<void>;
  /** Claims by id, as stored. */
  claims(ids: readonly string[]): Promise<ClaimRecord[]>;
  /** Claims whose `asserts` names any of `relationIds`. */
  claimsAsserting(relationIds: readonly string[]): Promise<ClaimRecord[]>;
  /** Claims `id` made or that are about `id`. */
  claimsAt(id: string): Promise<ClaimRecord[]>;
  /** Holds the claims against concurrent writes until commit, where the engine needs it (as `lockEntities`). */
  lockClaims(ids: readonly string[]): Promise<void>;
  /** Creates or replaces claims by id. */
  upsertClaims(claims: readonly ClaimRecord[]): Promise<void>;
  /** Writes one chunk of a load: sources and entities replaced by id, relations replaced by id; returns relations created. */
  loadChunk(chunk: GraphBatch): Promise<number>;
}
