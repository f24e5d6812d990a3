import type { Ontology } from '../../ontology/ontology.js';
import type { GraphReads } from '../graph-reads.js';
import type { GraphStore, StatementObserver } from '../graph-store.js';
import { observeExecutor } from './observed-executor.js';
import { LongReads } from './long-reads.js';
import type { Dialect } from './dialect.js';
import type { EngineStatus, Executor } from './executor.js';
import { Statements } from './statements.js';
import type { WriteTransaction } from '../write-transaction.js';
import { cypherReads } from './reads/index.js';
import { loadedFingerprint } from './reads/loaded-fingerprint.js';
import type { ReadContext } from './reads/query.js';
import { WriteStatements } from './write-statements.js';
import { CypherWriteTransaction } from './write-transaction.js';

/**
 * The GraphStore over any Cypher backend, composed: the read port's operations (reads/,
 * each with its statement, row type and decoder), and write transactions whose primitive
 * operations (write-transaction.ts) send the statements of write-statements.ts, all
 * through the backend's `Executor`. Which writes to make is decided above, in src/writes/.
 */
export class CypherGraphStore implements GraphStore {
  private readonly reads: GraphReads;
  private readonly context: ReadContext;

  constructor(
    readonly backend: string,
    private readonly executor: Executor,
    private readonly dialect: Dialect,
    private readonly ontology: Ontology,
    private readonly statements = new Statements(dialect, ontology),
    private readonly writeStatements = new WriteStatements(dialect, ontology),
    /** Shared by every observed view of this store: the one long lane of its readers. */
    readonly longReads = new LongReads(),
  ) {
    this.context = { executor, dialect, ontology };
    this.reads = cypherReads(this.context);
  }

  observed(observe: StatementObserver): GraphStore {
    return new CypherGraphStore(
      this.backend,
      observeExecutor(this.executor, observe, this.longReads),
      this.dialect,
      this.ontology,
      this.statements,
      this.writeStatements,
      this.longReads,
    );
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

  writeTransaction<T>(work: (tx: WriteTransaction) => Promise<T>, options?: { bulk?: boolean }): Promise<T> {
    return this.executor.write((run) => work(new CypherWriteTransaction(run, this.statements, this.writeStatements, this.dialect, this.ontology)), options);
  }

  close(): Promise<void> {
    return this.executor.close();
  }
}
