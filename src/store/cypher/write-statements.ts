import type { AttributeSpec, Ontology } from '../../ontology/ontology.js';
import type { AttributeValue, ChangeRecord, CitationRecord, ClaimRecord, EntityRecord, GraphBatch, RelationRecord, SourceRecord } from '../records.js';
import { searchKeys, skeleton } from '../search/normalize.js';
import { checkedTypes, type Dialect } from './dialect.js';
import type { Statement } from './executor.js';
import { prop } from './statements.js';

/**
 * Every statement that writes, written once for all backends (reads: statements.ts).
 * Request data travels only in parameters; the only values spliced into statement text
 * are names from the ontology.
 */

const COMMON_ENTITY_COLUMNS = ['kind', 'name', 'aliases', 'description', 'sources', 'searchKeys', 'searchText', 'qualifiers'] as const;

/** Parameters travel as strings and are cast in Cypher, so every row has the same shape. */
function encode(value: AttributeValue | undefined): string | string[] | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(String);
  return String(value);
}

export interface EntityRow {
  [column: string]: string | string[] | null;
}

export class WriteStatements {
  private readonly allTypes: string[];

  constructor(
    private readonly dialect: Dialect,
    private readonly ontology: Ontology,
  ) {
    this.allTypes = ontology.relationTypes.map((t) => t.name);
  }

  /** Null where the engine needs no locks (see Dialect.lockEntities). */
  lockEntities(ids: readonly string[]): Statement | null {
    // One order for every writer, so two writers locking the same entities cannot deadlock.
    return this.dialect.lockEntities === null ? null : { cypher: this.dialect.lockEntities, params: { ids: [...new Set(ids)].sort() } };
  }

  /**
   * Sets every stored field of SourceDocument in the SDL (`ontology.sourceFields`). With
   * `keepText` (loads: a seed or import file that gives its source no text), a stored text
   * is kept rather than erased.
   */
  upsertSources(sources: readonly SourceRecord[], opts: { keepText?: boolean } = {}): Statement {
    const fields = this.ontology.sourceFields.map((f) => f.name).filter((name) => name !== 'id');
    const value = (s: SourceRecord, name: string): unknown => (s as unknown as Record<string, unknown>)[name] ?? null;
    const set = (name: string) => (opts.keepText && name === 'text' ? `s.${prop(name)} = coalesce(row.${prop(name)}, s.${prop(name)})` : `s.${prop(name)} = row.${prop(name)}`);
    return {
      cypher: `UNWIND $rows AS row MERGE (s:SourceDocument {id: row.id}) SET ${fields.map(set).join(', ')}`,
      params: { rows: sources.map((s) => Object.fromEntries([['id', s.id], ...fields.map((name) => [name, value(s, name)])])) },
    };
  }

  private castRow(spec: AttributeSpec): string {
    return this.dialect.cast(spec.type, `row.${prop(spec.name)}`);
  }

  upsertEntities(entities: readonly EntityRecord[]): Statement {
    const sets = [...COMMON_ENTITY_COLUMNS.map((c) => `e.${c} = row.${c}`), ...this.ontology.entityAttributes.map((spec) => `e.${prop(spec.name)} = ${this.castRow(spec)}`)];
    const rows = entities.map((e) => {
      const keys = searchKeys([e.name, ...e.aliases]);
      const row: EntityRow = {
        id: e.id,
        kind: e.kind,
        name: e.name,
        aliases: [...e.aliases],
        description: e.description,
        sources: JSON.stringify(e.sources),
        qualifiers: JSON.stringify(e.qualifiers ?? []),
        searchKeys: keys,
        // Full-text indexes (Neo4j) match words of this text: the keys and their skeletons.
        searchText: [...new Set([...keys, ...keys.map(skeleton)])].join(' | '),
      };
      for (const spec of this.ontology.entityAttributes) row[spec.name] = encode(e.attributes[spec.name]);
      return row;
    });
    return { cypher: `UNWIND $rows AS row MERGE (e:Entity {id: row.id}) SET ${sets.join(', ')}`, params: { rows } };
  }

  deleteRelations(ids: readonly string[]): Statement {
    return { cypher: `${this.dialect.relationsById(this.allTypes)} DELETE r`, params: { ids: [...ids] } };
  }

  /**
   * Creates relations, returning `created`. Backends that keep the relation type in the
   * pattern get one statement per type; the others one for all.
   */
  createRelations(relations: readonly RelationRecord[]): Statement[] {
    const groups = new Map<string | null, RelationRecord[]>();
    for (const r of relations) {
      const key = this.dialect.relationTypeInPattern ? checkedTypes(this.ontology, [r.type])[0]! : null;
      const group = groups.get(key);
      if (group) group.push(r);
      else groups.set(key, [r]);
    }
    return [...groups.entries()].map(([type, group]) => this.createRelationsOfType(type, group));
  }

  /** The statement that creates relations of `type` (or of any type, if null). */
  createRelationsOfType(type: string | null, relations: readonly RelationRecord[]): Statement {
    const props = ['id: row.id', 'sources: row.sources', 'addedBy: row.addedBy'];
    if (type === null) props.push('type: row.type');
    for (const name of this.ontology.relationRefs) props.push(`${prop(name)}: row.${prop(name)}`);
    for (const spec of this.ontology.relationAttributes) props.push(`${prop(spec.name)}: ${this.castRow(spec)}`);
    const rows = relations.map((r) => {
      const row: Record<string, string | string[] | null> = {
        id: r.id,
        type: r.type,
        from: r.from,
        to: r.to,
        sources: JSON.stringify(r.sources),
        addedBy: r.addedBy ?? null,
      };
      for (const name of this.ontology.relationRefs) row[name] = r.refs[name] ?? null;
      for (const spec of this.ontology.relationAttributes) row[spec.name] = encode(r.attributes[spec.name]);
      return row;
    });
    const rel = type === null ? this.dialect.rel('r') : `r:${type}`;
    return {
      cypher: `UNWIND $rows AS row ${this.dialect.entityPair('row.from', 'row.to')} ` + `CREATE (a)-[${rel} {${props.join(', ')}}]->(b) RETURN count(r) AS created`,
      params: { rows },
    };
  }

  retractRelation(id: string, reason: string, by: string, at: string): Statement {
    return {
      cypher: `MATCH ()-[${this.dialect.indexedRel('r', this.allTypes)}]->() WHERE r.id = $id SET r.retractedAt = $at, r.retractedBy = $by, r.retractionReason = $reason`,
      params: { id, reason, by, at },
    };
  }

  /** Replaces a relation's citations. */
  setRelationSources(id: string, sources: readonly CitationRecord[]): Statement {
    return {
      cypher: `MATCH ()-[${this.dialect.indexedRel('r', this.allTypes)}]->() WHERE r.id = $id SET r.sources = $sources`,
      params: { id, sources: JSON.stringify(sources) },
    };
  }

  /** Points the duplicate, and anything already merged into it, at the survivor. */
  redirectEntity(duplicate: string, survivor: string): Statement {
    return {
      cypher: 'MATCH (e:Entity) WHERE e.id = $duplicate OR e.mergedInto = $duplicate SET e.mergedInto = $survivor',
      params: { duplicate, survivor },
    };
  }

  /** Moves entity references held in relation properties (`claimedBy`) to the survivor. */
  redirectRefs(duplicate: string, survivor: string): Statement[] {
    return this.ontology.relationRefs.map((name) => ({
      cypher: `MATCH ()-[${this.dialect.indexedRel('r', this.allTypes)}]->() WHERE r.${prop(name)} = $duplicate SET r.${prop(name)} = $survivor`,
      params: { duplicate, survivor },
    }));
  }

  createChange(c: ChangeRecord): Statement {
    return {
      cypher: 'CREATE (c:Change {id: $id, at: $at, actor: $actor, operation: $operation, entityIds: $entityIds, ' + 'relationId: $relationId, before: $before, after: $after})',
      params: {
        id: c.id,
        at: c.at,
        actor: c.actor,
        operation: c.operation,
        entityIds: [...c.entityIds],
        relationId: c.relationId,
        before: c.before === null || c.before === undefined ? null : JSON.stringify(c.before),
        after: c.after === null || c.after === undefined ? null : JSON.stringify(c.after),
      },
    };
  }

  /**
   * Null where the engine needs no locks; else holds the claims `ids` until the transaction
   * ends, as `lockEntities` does entities (the same property write, on Claim nodes).
   */
  lockClaims(ids: readonly string[]): Statement | null {
    if (this.dialect.lockEntities === null) return null;
    return { cypher: 'UNWIND $ids AS i MATCH (c:Claim {id: i}) SET c.writeLock = true REMOVE c.writeLock', params: { ids: [...new Set(ids)].sort() } };
  }

  /** Creates or replaces claims by id: the SDL's stored fields of `Claim`, and who added each. */
  upsertClaims(claims: readonly ClaimRecord[]): Statement {
    const fields = this.ontology.claimFields.filter((f) => f.name !== 'id');
    const sets = [...fields.map((f) => `c.${prop(f.name)} = ${this.castRow(f)}`), 'c.addedBy = row.addedBy'];
    const rows = claims.map((c) => {
      const row: Record<string, string | string[] | null> = { id: c.id, addedBy: c.addedBy };
      const values: Record<string, unknown> = { ...c };
      for (const f of fields) {
        // Citations as JSON text, `sourceId` first (SourceDocument.claims looks for it there).
        if (f.name === 'sources') row.sources = JSON.stringify(c.sources.map(({ sourceId, ...rest }) => ({ sourceId, ...rest })));
        else row[f.name] = encode(values[f.name] as AttributeValue | undefined);
      }
      return row;
    });
    return { cypher: `UNWIND $rows AS row MERGE (c:Claim {id: row.id}) SET ${sets.join(', ')}`, params: { rows } };
  }

  recordFingerprint(key: string, value: string): Statement {
    return { cypher: 'MERGE (m:Meta {key: $key}) SET m.value = $value', params: { key, value } };
  }

  /** The writes of one batch (or chunk of one), in order: upserts, then relation creates, then claims. */
  loadChunk(batch: GraphBatch): { before: Statement[]; creates: Statement[]; after: Statement[] } {
    const before: Statement[] = [];
    if (batch.sources.length > 0) before.push(this.upsertSources(batch.sources, { keepText: true }));
    if (batch.entities.length > 0) before.push(this.upsertEntities(batch.entities));
    // Replacing by id keeps a re-load idempotent even if a relation's ends changed.
    if (batch.relations.length > 0) before.push(this.deleteRelations(batch.relations.map((r) => r.id)));
    const creates = batch.relations.length > 0 ? this.createRelations(batch.relations) : [];
    // Claims after the relations they may assert; replaced by id.
    return { before, creates, after: batch.claims && batch.claims.length > 0 ? [this.upsertClaims(batch.claims)] : [] };
  }
}
