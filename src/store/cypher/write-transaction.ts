import type { Ontology } from '../../ontology/ontology.js';
import type { ChangeRecord, CitationRecord, ClaimRecord, EntityRecord, GraphBatch, RelationRecord, Retraction, SourceRecord } from '../records.js';
import type { WriteTransaction } from '../write-transaction.js';
import type { Dialect } from './dialect.js';
import type { Row, Statement } from './executor.js';
import { claimsAssertingStatement } from './reads/claims-asserting.js';
import { claimsCitingStatement } from './reads/claims-citing.js';
import { claimsOfStatement } from './reads/claims-of.js';
import { decodeClaim, getClaimsStatement } from './reads/claims.js';
import { sourceFromProps } from './records.js';
import type { Statements } from './statements.js';
import type { WriteStatements } from './write-statements.js';

/** The write-transaction port over one open transaction of a Cypher backend: each operation its statements. */
export class CypherWriteTransaction implements WriteTransaction {
  constructor(
    private readonly run: (statement: Statement) => Promise<Row[]>,
    private readonly reads: Statements,
    private readonly writes: WriteStatements,
    private readonly dialect: Dialect,
    private readonly ontology: Ontology,
  ) {}

  private relationsFrom(rows: Row[]): RelationRecord[] {
    return rows.map((row) => {
      const a = this.dialect.decode.entity(this.ontology, row.a);
      const b = this.dialect.decode.entity(this.ontology, row.b);
      return this.dialect.decode.relation(this.ontology, row.r, a.id, b.id);
    });
  }

  async entities(ids: readonly string[]): Promise<EntityRecord[]> {
    if (ids.length === 0) return [];
    return (await this.run(this.reads.getEntities(ids))).map((row) => this.dialect.decode.entity(this.ontology, row.e));
  }

  async relation(id: string): Promise<RelationRecord | null> {
    return this.relationsFrom(await this.run(this.reads.getRelation(id)))[0] ?? null;
  }

  async relationsAt(id: string): Promise<RelationRecord[]> {
    // A relation from the entity to itself comes once from each side of the union.
    const byId = new Map(this.relationsFrom(await this.run(this.reads.relationsOf([id], null, 'BOTH', true))).map((r) => [r.id, r]));
    return [...byId.values()];
  }

  async source(id: string): Promise<SourceRecord | null> {
    const [row] = await this.run(this.reads.getSources([id]));
    return row ? sourceFromProps(this.dialect.decode.properties(row.s)) : null;
  }

  async citing(sourceId: string): Promise<{ entities: EntityRecord[]; relations: RelationRecord[]; claims: ClaimRecord[] }> {
    const entities = (await this.run(this.reads.entitiesCiting(sourceId))).map((row) => this.dialect.decode.entity(this.ontology, row.e));
    const relations = this.relationsFrom(await this.run(this.reads.relationsCiting(sourceId)));
    const cites = (c: { sourceId: string }) => c.sourceId === sourceId;
    const claims = await this.claimRows(claimsCitingStatement([sourceId]));
    return {
      entities: entities.filter((e) => e.sources.some(cites)),
      relations: relations.filter((r) => r.sources.some(cites)),
      claims: claims.filter((c) => c.sources.some(cites)),
    };
  }

  async liveRelationsBetween(from: string, to: string, type: string): Promise<RelationRecord[]> {
    return this.relationsFrom(await this.run(this.reads.relationsOf([from], [type], 'OUT', false))).filter((r) => r.from === from && r.to === to && r.type === type);
  }

  async setRelationSources(id: string, sources: readonly CitationRecord[]): Promise<void> {
    await this.run(this.writes.setRelationSources(id, sources));
  }

  async lockEntities(ids: readonly string[]): Promise<void> {
    const lock = this.writes.lockEntities(ids);
    if (lock) await this.run(lock);
  }

  async upsertEntities(entities: readonly EntityRecord[]): Promise<void> {
    await this.run(this.writes.upsertEntities(entities));
  }

  async upsertSources(sources: readonly SourceRecord[]): Promise<void> {
    await this.run(this.writes.upsertSources(sources));
  }

  async createRelations(relations: readonly RelationRecord[]): Promise<number> {
    let created = 0;
    for (const st of this.writes.createRelations(relations)) {
      const [row] = await this.run(st);
      created += this.dialect.decode.number(row?.created ?? 0);
    }
    return created;
  }

  async deleteRelations(ids: readonly string[]): Promise<void> {
    await this.run(this.writes.deleteRelations(ids));
  }

  async retract(id: string, retraction: Retraction): Promise<void> {
    await this.run(this.writes.retractRelation(id, retraction.reason, retraction.by, retraction.at));
  }

  async redirectEntity(duplicate: string, survivor: string): Promise<void> {
    await this.run(this.writes.redirectEntity(duplicate, survivor));
  }

  async redirectRefs(duplicate: string, survivor: string): Promise<void> {
    for (const st of this.writes.redirectRefs(duplicate, survivor)) await this.run(st);
  }

  async recordChange(change: ChangeRecord): Promise<void> {
    await this.run(this.writes.createChange(change));
  }

  async recordFingerprint(key: string, fingerprint: string): Promise<void> {
    await this.run(this.writes.recordFingerprint(key, fingerprint));
  }

  private async claimRows(statement: Statement): Promise<ClaimRecord[]> {
    const build = { dialect: this.dialect, ontology: this.ontology };
    return (await this.run({ cypher: statement.cypher, params: statement.params })).map((row) => decodeClaim(build, row.c));
  }

  async claims(ids: readonly string[]): Promise<ClaimRecord[]> {
    return ids.length === 0 ? [] : this.claimRows(getClaimsStatement(ids));
  }

  async claimsAsserting(relationIds: readonly string[]): Promise<ClaimRecord[]> {
    return relationIds.length === 0 ? [] : this.claimRows(claimsAssertingStatement(relationIds));
  }

  async claimsAt(id: string): Promise<ClaimRecord[]> {
    return this.claimRows(claimsOfStatement([id], 'ANY'));
  }

  async lockClaims(ids: readonly string[]): Promise<void> {
    const lock = this.writes.lockClaims(ids);
    if (lock) await this.run(lock);
  }

  async upsertClaims(claims: readonly ClaimRecord[]): Promise<void> {
    if (claims.length > 0) await this.run(this.writes.upsertClaims(claims));
  }

  async loadChunk(chunk: GraphBatch): Promise<number> {
    const { before, creates, after } = this.writes.loadChunk(chunk);
    for (const st of before) await this.run(st);
    let created = 0;
    for (const st of creates) {
      const [row] = await this.run(st);
      created += this.dialect.decode.number(row?.created ?? 0);
    }
    for (const st of after) await this.run(st);
    return created;
  }
}
