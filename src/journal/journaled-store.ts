import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, rmSync } from 'node:fs';
import type {
  AddedRelation,
  AddRelationOptions,
  Audit,
  Author,
  CitationRecord,
  ClaimRecord,
  EntityRecord,
  GraphBatch,
  GraphStore,
  RelationRecord,
  SourceRecord,
  StampedWrite,
  StatementObserver,
  VerifyOutcome,
} from '../store/graph-store.js';
import { EngineDiedError } from '../store/embedded/engine/process.js';
import type { WriteEntry } from './entries.js';
import { refuseWriteWhenFull } from './free-space.js';
import { loadDataPath, writeAll, type JournalWriter } from './journal-file.js';
import type { WriteHold } from './write-hold.js';

type Entry<E> = E extends WriteEntry ? Omit<E, 'audit'> : never;

/**
 * The store with every write journaled: the journal entry is made durable inside the
 * write's transaction, after every check passed and just before it commits, so an
 * acknowledged write is always in the journal, and a journaled write that then fails to
 * commit is marked void. A write is refused before anything of it is written when the
 * disk is nearly full (MIN_FREE_DISK_MB); reads pass through untouched.
 */
export class JournaledStore implements GraphStore {
  constructor(
    private readonly inner: GraphStore,
    private readonly journal: JournalWriter,
    private readonly options: {
      minFreeDiskMb: number;
      /** The check of the database against this journal (src/journal/verify-at-start.ts). */
      verify: (() => Promise<VerifyOutcome>) | null;
      /** Shared with that check, which holds writes back while it reads the database. */
      hold: WriteHold;
    },
  ) {}

  verifyData(): Promise<VerifyOutcome> | null {
    return this.options.verify?.() ?? null;
  }

  get backend(): string {
    return this.inner.backend;
  }

  private journaled<T>(by: Author, entry: Entry<WriteEntry>, write: (by: StampedWrite) => Promise<T>): Promise<T> {
    return this.options.hold.write(() => this.journaledNow(by, entry, write));
  }

  private async journaledNow<T>(by: Author, entry: Entry<WriteEntry>, write: (by: StampedWrite) => Promise<T>): Promise<T> {
    refuseWriteWhenFull(this.journal.dataDir, this.options.minFreeDiskMb);
    const w: StampedWrite = typeof by === 'string' ? { actor: by } : by;
    let stamped: Audit | null = null;
    try {
      return await write({
        ...w,
        beforeCommit: async (audit) => {
          await w.beforeCommit?.(audit);
          await this.journal.append({ ...entry, audit } as WriteEntry);
          stamped = audit;
        },
      });
    } catch (err) {
      // Journaled, then the commit failed: replay must not bring it back. Unless the engine
      // died: then whether it committed is unknown, and the catch-up after its restart
      // replays it if the database lacks it, so database and journal agree either way.
      const journaled = stamped as Audit | null;
      if (journaled && !(err instanceof EngineDiedError)) await this.journal.append({ op: 'void', changeId: journaled.changeId });
      throw err;
    }
  }

  upsertEntity(entity: EntityRecord, by: Author): Promise<EntityRecord> {
    return this.journaled(by, { op: 'upsertEntity', entity }, (b) => this.inner.upsertEntity(entity, b));
  }

  addRelation(relation: RelationRecord, by: Author, options?: AddRelationOptions): Promise<AddedRelation> {
    const entry = options?.corroborate ? { op: 'addRelation' as const, relation, corroborate: true } : { op: 'addRelation' as const, relation };
    return this.journaled(by, entry, (b) => this.inner.addRelation(relation, b, options));
  }

  addCitation(relation: string, citation: CitationRecord, by: Author): Promise<RelationRecord> {
    return this.journaled(by, { op: 'addCitation', relation, citation }, (b) => this.inner.addCitation(relation, citation, b));
  }

  retractRelation(id: string, reason: string, by: Author, onlyIfAddedBy?: string): Promise<RelationRecord> {
    // The owner was checked when the write was made; replay does not check it again.
    return this.journaled(by, { op: 'retractRelation', id, reason }, (b) => this.inner.retractRelation(id, reason, b, onlyIfAddedBy));
  }

  mergeEntities(survivor: string, duplicate: string, by: Author): Promise<EntityRecord> {
    return this.journaled(by, { op: 'mergeEntities', survivor, duplicate }, (b) => this.inner.mergeEntities(survivor, duplicate, b));
  }

  addSource(source: SourceRecord, by: Author): Promise<SourceRecord> {
    return this.journaled(by, { op: 'addSource', source }, (b) => this.inner.addSource(source, b));
  }

  addClaim(claim: ClaimRecord, by: Author): Promise<ClaimRecord> {
    return this.journaled(by, { op: 'addClaim', claim }, (b) => this.inner.addClaim(claim, b));
  }

  disputeClaim(claim: string, disputedBy: string, by: Author): Promise<ClaimRecord> {
    return this.journaled(by, { op: 'disputeClaim', claim, disputedBy }, (b) => this.inner.disputeClaim(claim, disputedBy, b));
  }

  /**
   * The batches are copied to a data file as they stream into the database; the file is
   * made durable and named for the load's change id before its entry is appended.
   */
  async load(
    batches: GraphBatch | AsyncIterable<GraphBatch>,
    key: string,
    fingerprint: string,
    audit: { actor: Author; summary: unknown; entityIds?: readonly string[] },
  ): Promise<void> {
    // Before its data file is begun, not only before its transaction (journaled() checks again).
    refuseWriteWhenFull(this.journal.dataDir, this.options.minFreeDiskMb);
    const temp = loadDataPath(this.journal.dataDir, `.pending-${randomBytes(6).toString('hex')}.jsonl`);
    const fd = openSync(temp, 'w');
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      fsyncSync(fd);
      closeSync(fd);
    };
    async function* tee(): AsyncGenerator<GraphBatch> {
      if (Symbol.asyncIterator in batches) {
        for await (const b of batches) {
          writeAll(fd, `${JSON.stringify(b)}\n`);
          yield b;
        }
      } else {
        writeAll(fd, `${JSON.stringify(batches)}\n`);
        yield batches;
      }
    }
    const entityIds = [...(audit.entityIds ?? [])];
    try {
      await this.journaled(audit.actor, { op: 'load', key, fingerprint, summary: audit.summary, entityIds }, (by) =>
        this.inner.load(tee(), key, fingerprint, {
          ...audit,
          actor: {
            ...by,
            beforeCommit: async (a) => {
              close();
              this.journal.commitLoadData(temp, `${a.changeId}.jsonl`);
              await by.beforeCommit?.(a);
            },
          },
        }),
      );
    } finally {
      if (!closed) closeSync(fd);
      rmSync(temp, { force: true });
    }
  }

  async close(): Promise<void> {
    try {
      await this.inner.close();
    } finally {
      await this.journal.close();
    }
  }

  observed(observe: StatementObserver): GraphStore {
    return new JournaledStore(this.inner.observed(observe), this.journal, this.options);
  }

  // Reads pass through.
  getEntities: GraphStore['getEntities'] = (ids) => this.inner.getEntities(ids);
  listEntities: GraphStore['listEntities'] = (q) => this.inner.listEntities(q);
  search: GraphStore['search'] = (q) => this.inner.search(q);
  relationsOf: GraphStore['relationsOf'] = (q) => this.inner.relationsOf(q);
  listRelations: GraphStore['listRelations'] = (q) => this.inner.listRelations(q);
  relationPage: GraphStore['relationPage'] = (q) => this.inner.relationPage(q);
  countRelations: GraphStore['countRelations'] = (q) => this.inner.countRelations(q);
  relationCounts: GraphStore['relationCounts'] = (q) => this.inner.relationCounts(q);
  relationPagesOf: GraphStore['relationPagesOf'] = (q) => this.inner.relationPagesOf(q);
  countRelationsOf: GraphStore['countRelationsOf'] = (q) => this.inner.countRelationsOf(q);
  relationOwners: GraphStore['relationOwners'] = (ids) => this.inner.relationOwners(ids);
  getRelation: GraphStore['getRelation'] = (id) => this.inner.getRelation(id);
  neighborhood: GraphStore['neighborhood'] = (q) => this.inner.neighborhood(q);
  shortestPaths: GraphStore['shortestPaths'] = (q) => this.inner.shortestPaths(q);
  getSources: GraphStore['getSources'] = (ids) => this.inner.getSources(ids);
  listSources: GraphStore['listSources'] = () => this.inner.listSources();
  relationsCiting: GraphStore['relationsCiting'] = (sourceId) => this.inner.relationsCiting(sourceId);
  loadedFingerprint: GraphStore['loadedFingerprint'] = (key) => this.inner.loadedFingerprint(key);
  graphVersion: GraphStore['graphVersion'] = () => this.inner.graphVersion();
  engineStatus: GraphStore['engineStatus'] = () => this.inner.engineStatus();
  changes: GraphStore['changes'] = (q) => this.inner.changes(q);
  graphSize: GraphStore['graphSize'] = () => this.inner.graphSize();
  mostConnected: GraphStore['mostConnected'] = (q) => this.inner.mostConnected(q);
  getClaims: GraphStore['getClaims'] = (ids) => this.inner.getClaims(ids);
  listClaims: GraphStore['listClaims'] = (q) => this.inner.listClaims(q);
  claimsOf: GraphStore['claimsOf'] = (q) => this.inner.claimsOf(q);
  claimsAsserting: GraphStore['claimsAsserting'] = (ids) => this.inner.claimsAsserting(ids);
  claimsDisputing: GraphStore['claimsDisputing'] = (ids) => this.inner.claimsDisputing(ids);
  claimsCiting: GraphStore['claimsCiting'] = (ids) => this.inner.claimsCiting(ids);
  findEntities: GraphStore['findEntities'] = (q) => this.inner.findEntities(q);
  countEntities: GraphStore['countEntities'] = (where) => this.inner.countEntities(where);
  entityCounts: GraphStore['entityCounts'] = (where) => this.inner.entityCounts(where);
  entityDegrees: GraphStore['entityDegrees'] = (q) => this.inner.entityDegrees(q);
  countClaims: GraphStore['countClaims'] = (q) => this.inner.countClaims(q);
  countChanges: GraphStore['countChanges'] = (q) => this.inner.countChanges(q);
}
