import type { Ontology } from '../ontology/ontology.js';
import type { GraphReads } from '../store/graph-reads.js';
import type { GraphStore, StatementObserver } from '../store/graph-store.js';
import type { LoadAudit, LoadTarget } from '../store/load-sink.js';
import type { Author, CitationRecord, ClaimRecord, EntityRecord, GraphBatch, RelationRecord, SourceRecord, StampedWrite } from '../store/records.js';
import type { WriteTransaction } from '../store/write-transaction.js';
import { addCitation } from './curation/add-citation.js';
import { addClaim } from './curation/add-claim.js';
import { addRelation, type AddedRelation, type AddRelationOptions } from './curation/add-relation.js';
import { addSource } from './curation/add-source.js';
import { disputeClaim } from './curation/dispute-claim.js';
import { checkMerge, mergeEntities } from './curation/merge-entities.js';
import { retractRelation } from './curation/retract-relation.js';
import { upsertEntity } from './curation/upsert-entity.js';
import { loadInTransaction } from './load/write-load.js';
import type { WriteCommand } from './write-command.js';
import type { LoadCommand, WriteLog } from './write-log.js';

/** What a check of the stored graph against its log of writes found: it agreed, or it was repaired to it. */
export type VerifyOutcome = 'clean' | 'repaired';

export interface GraphOptions {
  /** The log of writes around each transaction (the embedded journal); none on Neo4j. */
  log?: WriteLog | null;
  /** The check of the stored graph against that log (src/journal/verify-at-start.ts). */
  verify?: (() => Promise<VerifyOutcome>) | null;
}

function stamped(by: Author): StampedWrite {
  return typeof by === 'string' ? { actor: by } : by;
}

/**
 * The graph as the API, the command line and imports use it: the store's reads as they
 * are, and every write composed here, in one place: refusals that need no data first, then
 * the write's rule (src/writes/curation/, src/writes/load/) inside one transaction of the
 * store with its audit entry, and around that transaction the log of writes, which makes
 * the write durable just before it commits (and may refuse it first, on a full disk). Input is validated before it gets here
 * (src/writes/sources/: GraphQL input, files). An author given as an API key's name is
 * stamped with a new audit entry; a journal being replayed brings the original one.
 */
export class Graph implements GraphReads, LoadTarget {
  constructor(
    private readonly store: GraphStore,
    private readonly ontology: Ontology,
    private readonly options: GraphOptions = {},
  ) {}

  get backend(): string {
    return this.store.backend;
  }

  /** The same graph with its store calling `observe` for each statement (GraphStore.observed). */
  observed(observe: StatementObserver): Graph {
    return new Graph(this.store.observed(observe), this.ontology, this.options);
  }

  /** Checks the stored graph against the log of writes, repairing what disagrees; null where there is no log. */
  verifyData(): Promise<VerifyOutcome> | null {
    return this.options.verify?.() ?? null;
  }

  engineStatus: GraphStore['engineStatus'] = () => this.store.engineStatus();
  loadedFingerprint: GraphStore['loadedFingerprint'] = (key) => this.store.loadedFingerprint(key);

  async close(): Promise<void> {
    try {
      await this.store.close();
    } finally {
      await this.options.log?.close();
    }
  }

  private write<T>(command: Exclude<WriteCommand, LoadCommand>, by: Author, rule: (tx: WriteTransaction, by: StampedWrite) => Promise<T>): Promise<T> {
    const transact = (b: StampedWrite) => this.store.writeTransaction((tx) => rule(tx, b));
    const { log } = this.options;
    return log ? log.write(command, stamped(by), transact) : transact(stamped(by));
  }

  /** Creates or replaces an entity. */
  upsertEntity(entity: EntityRecord, by: Author): Promise<EntityRecord> {
    return this.write({ op: 'upsertEntity', entity }, by, (tx, b) => upsertEntity(tx, entity, b));
  }

  /** With `corroborate`, a live relation stating the same fact takes the citations instead (see AddRelationOptions). */
  addRelation(relation: RelationRecord, by: Author, options?: AddRelationOptions): Promise<AddedRelation> {
    const command = options?.corroborate ? { op: 'addRelation' as const, relation, corroborate: true } : { op: 'addRelation' as const, relation };
    return this.write(command, by, (tx, b) => addRelation(tx, relation, b, this.ontology, options));
  }

  /** Adds a citation to a live relation, unless the relation already has it. */
  addCitation(relation: string, citation: CitationRecord, by: Author): Promise<RelationRecord> {
    return this.write({ op: 'addCitation', relation, citation }, by, (tx, b) => addCitation(tx, relation, citation, b));
  }

  /** With `onlyIfAddedBy`, refused (NotOwnerError) unless that key added the relation: checked in the write's transaction. */
  retractRelation(id: string, reason: string, by: Author, onlyIfAddedBy?: string): Promise<RelationRecord> {
    // The owner was checked when the write was made; replay does not check it again.
    return this.write({ op: 'retractRelation', id, reason }, by, (tx, b) => retractRelation(tx, id, reason, b, onlyIfAddedBy));
  }

  /** Moves `duplicate`'s relations and names to `survivor` and leaves a redirect behind. */
  mergeEntities(survivor: string, duplicate: string, by: Author): Promise<EntityRecord> {
    return this.write({ op: 'mergeEntities', survivor, duplicate }, by, (tx, b) => {
      checkMerge(survivor, duplicate);
      return mergeEntities(tx, survivor, duplicate, b);
    });
  }

  addSource(source: SourceRecord, by: Author): Promise<SourceRecord> {
    return this.write({ op: 'addSource', source }, by, (tx, b) => addSource(tx, source, b));
  }

  /** Adds a claim; speaker and about merged away attach to their survivors. */
  addClaim(claim: ClaimRecord, by: Author): Promise<ClaimRecord> {
    return this.write({ op: 'addClaim', claim }, by, (tx, b) => addClaim(tx, claim, b));
  }

  /** Records that claim `disputedBy` disputes claim `claim`; returns the disputed claim. */
  disputeClaim(claim: string, disputedBy: string, by: Author): Promise<ClaimRecord> {
    return this.write({ op: 'disputeClaim', claim, disputedBy }, by, (tx, b) => disputeClaim(tx, claim, disputedBy, b));
  }

  /** The load sink of imports and seed files: one transaction per call, however large (src/writes/load/write-load.ts). */
  async load(batches: GraphBatch | AsyncIterable<GraphBatch>, key: string, fingerprint: string, audit: LoadAudit): Promise<void> {
    const transact = (b: GraphBatch | AsyncIterable<GraphBatch>, a: LoadAudit) => loadInTransaction(this.store, b, key, fingerprint, a, this.ontology);
    const { log } = this.options;
    if (!log) return transact(batches, audit);
    const command: LoadCommand = { op: 'load', key, fingerprint, summary: audit.summary, entityIds: [...(audit.entityIds ?? [])] };
    return log.load(command, batches, { ...audit, actor: stamped(audit.actor) }, transact);
  }

  // Reads pass through: the store answers them (merged ids resolved there).
  getEntities: GraphReads['getEntities'] = (ids) => this.store.getEntities(ids);
  listEntities: GraphReads['listEntities'] = (q) => this.store.listEntities(q);
  search: GraphReads['search'] = (q) => this.store.search(q);
  relationsOf: GraphReads['relationsOf'] = (q) => this.store.relationsOf(q);
  listRelations: GraphReads['listRelations'] = (q) => this.store.listRelations(q);
  relationPage: GraphReads['relationPage'] = (q) => this.store.relationPage(q);
  countRelations: GraphReads['countRelations'] = (q) => this.store.countRelations(q);
  relationCounts: GraphReads['relationCounts'] = (q) => this.store.relationCounts(q);
  relationPagesOf: GraphReads['relationPagesOf'] = (q) => this.store.relationPagesOf(q);
  countRelationsOf: GraphReads['countRelationsOf'] = (q) => this.store.countRelationsOf(q);
  relationOwners: GraphReads['relationOwners'] = (ids) => this.store.relationOwners(ids);
  getRelation: GraphReads['getRelation'] = (id) => this.store.getRelation(id);
  neighborhood: GraphReads['neighborhood'] = (q) => this.store.neighborhood(q);
  shortestPaths: GraphReads['shortestPaths'] = (q) => this.store.shortestPaths(q);
  getSources: GraphReads['getSources'] = (ids) => this.store.getSources(ids);
  listSources: GraphReads['listSources'] = () => this.store.listSources();
  relationsCiting: GraphReads['relationsCiting'] = (sourceId) => this.store.relationsCiting(sourceId);
  graphVersion: GraphReads['graphVersion'] = () => this.store.graphVersion();
  changes: GraphReads['changes'] = (q) => this.store.changes(q);
  graphSize: GraphReads['graphSize'] = () => this.store.graphSize();
  mostConnected: GraphReads['mostConnected'] = (q) => this.store.mostConnected(q);
  getClaims: GraphReads['getClaims'] = (ids) => this.store.getClaims(ids);
  listClaims: GraphReads['listClaims'] = (q) => this.store.listClaims(q);
  claimsOf: GraphReads['claimsOf'] = (q) => this.store.claimsOf(q);
  claimsAsserting: GraphReads['claimsAsserting'] = (ids) => this.store.claimsAsserting(ids);
  claimsDisputing: GraphReads['claimsDisputing'] = (ids) => this.store.claimsDisputing(ids);
  claimsCiting: GraphReads['claimsCiting'] = (ids) => this.store.claimsCiting(ids);
  findEntities: GraphReads['findEntities'] = (q) => this.store.findEntities(q);
  countEntities: GraphReads['countEntities'] = (where) => this.store.countEntities(where);
  entityCounts: GraphReads['entityCounts'] = (where) => this.store.entityCounts(where);
  entityDegrees: GraphReads['entityDegrees'] = (q) => this.store.entityDegrees(q);
  countClaims: GraphReads['countClaims'] = (q) => this.store.countClaims(q);
  countChanges: GraphReads['countChanges'] = (q) => this.store.countChanges(q);
}

/** The writes, by name: what replaying a log of writes needs of a Graph. */
export type GraphWrites = Pick<Graph, 'upsertEntity' | 'addRelation' | 'addCitation' | 'retractRelation' | 'mergeEntities' | 'addSource' | 'addClaim' | 'disputeClaim' | 'load'>;
