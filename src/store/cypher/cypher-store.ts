import type { Ontology } from '../../ontology/ontology.js';
import type {
  AddedRelation,
  AddRelationOptions,
  Author,
  CitationRecord,
  ClaimRecord,
  EntityRecord,
  GraphBatch,
  GraphReads,
  GraphStore,
  RelationRecord,
  SourceRecord,
  StatementObserver,
} from '../graph-store.js';
import { observeExecutor } from './observed-executor.js';
import type { Dialect } from './dialect.js';
import type { EngineStatus, Executor, Row, Statement } from './executor.js';
import { Statements } from './statements.js';
import { StoreUnavailableError } from '../errors.js';
import type { LoadAudit } from '../load-sink.js';
import { cypherReads } from './reads/index.js';
import { loadedFingerprint } from './reads/loaded-fingerprint.js';
import type { ReadContext } from './reads/query.js';
import { addCitation } from '../../writes/curation/add-citation.js';
import { addClaim } from '../../writes/curation/add-claim.js';
import { addRelation } from '../../writes/curation/add-relation.js';
import { disputeClaim } from '../../writes/curation/dispute-claim.js';
import { addSource } from '../../writes/curation/add-source.js';
import { checkMerge, mergeEntities } from '../../writes/curation/merge-entities.js';
import { retractRelation } from '../../writes/curation/retract-relation.js';
import { upsertEntity } from '../../writes/curation/upsert-entity.js';
import { writeLoad } from '../../writes/load/write-load.js';
import { WriteStatements } from './write-statements.js';
import { CypherWriteTransaction } from './write-transaction.js';

/**
 * The GraphStore over any Cypher backend, composed: the read port's operations (reads/,
 * each with its statement, row type and decoder), and the writes' rules (src/writes/)
 * run inside one transaction each against the write-transaction port, all through the
 * backend's `Executor`.
 */
export class CypherGraphStore implements GraphStore {
  /** A journal, where there is one, sits above this store (src/journal/journaled-store.ts). */
  verifyData(): null {
    return null;
  }

  private readonly reads: GraphReads;
  private readonly context: ReadContext;

  constructor(
    readonly backend: string,
    private readonly executor: Executor,
    private readonly dialect: Dialect,
    private readonly ontology: Ontology,
    private readonly statements = new Statements(dialect, ontology),
    private readonly writeStatements = new WriteStatements(dialect, ontology),
  ) {
    this.context = { executor, dialect, ontology };
    this.reads = cypherReads(this.context);
  }

  observed(observe: StatementObserver): GraphStore {
    return new CypherGraphStore(this.backend, observeExecutor(this.executor, observe), this.dialect, this.ontology, this.statements, this.writeStatements);
  }

  // Reads: each operation in reads/, merged ids resolved there.

  getEntities: GraphReads['getEntities'] = (ids) => this.reads.getEntities(ids);
  listEntities: GraphReads['listEntities'] = (q) => this.reads.listEntities(q);
  search: GraphReads['search'] = (q) => this.reads.search(q);
  relationsOf: GraphReads['relationsOf'] = (q) => this.reads.relationsOf(q);
  relationOwners: GraphReads['relationOwners'] = (ids) => this.reads.relationOwners(ids);
  getRelation: GraphReads['getRelation'] = (id) => this.reads.getRelation(id);
  listRelations: GraphReads['listRelations'] = (q) => this.reads.listRelations(q);
  relationPage: GraphReads['relationPage'] = (q) => this.reads.relationPage(q);
  countRelations: GraphReads['countRelations'] = (q) => this.reads.countRelations(q);
  relationCounts: GraphReads['relationCounts'] = (q) => this.reads.relationCounts(q);
  relationPagesOf: GraphReads['relationPagesOf'] = (q) => this.reads.relationPagesOf(q);
  countRelationsOf: GraphReads['countRelationsOf'] = (q) => this.reads.countRelationsOf(q);
  neighborhood: GraphReads['neighborhood'] = (q) => this.reads.neighborhood(q);
  shortestPaths: GraphReads['shortestPaths'] = (q) => this.reads.shortestPaths(q);
  getSources: GraphReads['getSources'] = (ids) => this.reads.getSources(ids);
  listSources: GraphReads['listSources'] = () => this.reads.listSources();
  relationsCiting: GraphReads['relationsCiting'] = (sourceId) => this.reads.relationsCiting(sourceId);
  graphVersion: GraphReads['graphVersion'] = () => this.reads.graphVersion();
  engineStatus = (): EngineStatus | null => this.executor.status ?? null;
  changes: GraphReads['changes'] = (q) => this.reads.changes(q);
  graphSize: GraphReads['graphSize'] = () => this.reads.graphSize();
  mostConnected: GraphReads['mostConnected'] = (q) => this.reads.mostConnected(q);
  getClaims: GraphReads['getClaims'] = (ids) => this.reads.getClaims(ids);
  listClaims: GraphReads['listClaims'] = (q) => this.reads.listClaims(q);
  claimsOf: GraphReads['claimsOf'] = (q) => this.reads.claimsOf(q);
  claimsAsserting: GraphReads['claimsAsserting'] = (ids) => this.reads.claimsAsserting(ids);
  claimsDisputing: GraphReads['claimsDisputing'] = (ids) => this.reads.claimsDisputing(ids);
  claimsCiting: GraphReads['claimsCiting'] = (ids) => this.reads.claimsCiting(ids);
  findEntities: GraphReads['findEntities'] = (q) => this.reads.findEntities(q);
  countEntities: GraphReads['countEntities'] = (where) => this.reads.countEntities(where);
  entityCounts: GraphReads['entityCounts'] = (where) => this.reads.entityCounts(where);
  entityDegrees: GraphReads['entityDegrees'] = (q) => this.reads.entityDegrees(q);
  countClaims: GraphReads['countClaims'] = (q) => this.reads.countClaims(q);
  countChanges: GraphReads['countChanges'] = (q) => this.reads.countChanges(q);

  loadedFingerprint(key: string): Promise<string | null> {
    return loadedFingerprint(this.context, key);
  }

  /** The transactional load sink: one transaction per call, however large. */
  async load(batches: GraphBatch | AsyncIterable<GraphBatch>, key: string, fingerprint: string, audit: LoadAudit): Promise<void> {
    // One transaction per file however large (all or nothing); 100,000 relations took
    // Neo4j 1 to 2 minutes on a busy 2-core machine, past the deadline meant for requests.
    let attempts = 0;
    await this.executor.write(
      async (run) => {
        // A driver that retries after a transient failure would find a stream already read
        // and record an empty load as done; failing leaves the file to be imported again.
        attempts += 1;
        if (attempts > 1 && !('entities' in batches)) throw new StoreUnavailableError('the database failed during a streamed import; run the import again');
        await writeLoad(this.transaction(run), batches, key, fingerprint, audit, this.ontology);
      },
      { bulk: true },
    );
  }

  // Curation: each write's rules (src/writes/curation/) run inside its transaction.

  private transaction(run: (s: Statement) => Promise<Row[]>): CypherWriteTransaction {
    return new CypherWriteTransaction(run, this.statements, this.writeStatements, this.dialect, this.ontology);
  }

  upsertEntity(entity: EntityRecord, by: Author): Promise<EntityRecord> {
    return this.executor.write((run) => upsertEntity(this.transaction(run), entity, by));
  }

  addRelation(relation: RelationRecord, by: Author, options?: AddRelationOptions): Promise<AddedRelation> {
    return this.executor.write((run) => addRelation(this.transaction(run), relation, by, this.ontology, options));
  }

  addCitation(relation: string, citation: CitationRecord, by: Author): Promise<RelationRecord> {
    return this.executor.write((run) => addCitation(this.transaction(run), relation, citation, by));
  }

  retractRelation(id: string, reason: string, by: Author, onlyIfAddedBy?: string): Promise<RelationRecord> {
    return this.executor.write((run) => retractRelation(this.transaction(run), id, reason, by, onlyIfAddedBy));
  }

  async mergeEntities(survivorId: string, duplicateId: string, by: Author): Promise<EntityRecord> {
    checkMerge(survivorId, duplicateId);
    return this.executor.write((run) => mergeEntities(this.transaction(run), survivorId, duplicateId, by));
  }

  addSource(source: SourceRecord, by: Author): Promise<SourceRecord> {
    return this.executor.write((run) => addSource(this.transaction(run), source, by));
  }

  addClaim(claim: ClaimRecord, by: Author): Promise<ClaimRecord> {
    return this.executor.write((run) => addClaim(this.transaction(run), claim, by));
  }

  disputeClaim(claim: string, disputedBy: string, by: Author): Promise<ClaimRecord> {
    return this.executor.write((run) => disputeClaim(this.transaction(run), claim, disputedBy, by));
  }

  close(): Promise<void> {
    return this.executor.close();
  }
}
