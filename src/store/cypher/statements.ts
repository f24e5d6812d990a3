import type { AttributeSpec, Ontology } from '../../ontology/ontology.js';
import type { AttributeValue, ChangeRecord, Direction, EntityRecord, GraphBatch, RelationRecord, SourceRecord } from '../graph-store.js';
import { searchKeys, skeleton } from '../search/normalize.js';
import { checkedTypes, type Dialect } from './dialect.js';
import type { Statement } from './executor.js';

/**
 * Every Cypher statement the stores send, written once for all backends. Request data
 * travels only in parameters; the only values spliced into statement text are names
 * from the ontology and integers already checked against their limits.
 */

const COMMON_ENTITY_COLUMNS = ['kind', 'name', 'aliases', 'description', 'sources', 'searchKeys', 'searchText'] as const;

/** Property names are backticked: `end` is a Cypher keyword. */
export function prop(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid property name ${name}`);
  return `\`${name}\``;
}

function boundedInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be ${min}..${max}`);
  return value;
}

/** Parameters travel as strings and are cast in Cypher, so every row has the same shape. */
function encode(value: AttributeValue | undefined): string | string[] | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(String);
  return String(value);
}

export interface EntityRow {
  [column: string]: string | string[] | null;
}

export class Statements {
  private readonly allKinds: string[];
  private readonly allTypes: string[];

  constructor(
    private readonly dialect: Dialect,
    private readonly ontology: Ontology,
  ) {
    this.allKinds = [...ontology.kinds];
    this.allTypes = ontology.relationTypes.map((t) => t.name);
  }

  private types(types: readonly string[] | null): string[] {
    return types ? checkedTypes(this.ontology, types) : this.allTypes;
  }

  /** Entities by id; for an id merged into another entity, `t` is the survivor. */
  /** Null where the engine needs no locks (see Dialect.lockEntities). */
  lockEntities(ids: readonly string[]): Statement | null {
    // One order for every writer, so two writers locking the same entities cannot deadlock.
    return this.dialect.lockEntities === null ? null : { cypher: this.dialect.lockEntities, params: { ids: [...new Set(ids)].sort() } };
  }

  getEntities(ids: readonly string[]): Statement {
    return {
      // Unwound, each id is a key lookup; `e.id IN $ids` made LadybugDB read every entity.
      // Survivors of merges are looked up by a second statement, only when there are any:
      // following mergedInto in this one (OPTIONAL MATCH) joined against every entity, and
      // a second lookup after the unwind made LadybugDB 0.19 repeat the first row.
      cypher: 'UNWIND $ids AS i MATCH (e:Entity {id: i}) RETURN e',
      params: { ids: [...new Set(ids)] },
    };
  }

  listEntities(kinds: readonly string[] | null, after: string | null, limit: number): Statement {
    return {
      cypher: 'MATCH (e:Entity) WHERE e.kind IN $kinds AND e.id > $after AND e.mergedInto IS NULL RETURN e ORDER BY e.id LIMIT $limit',
      params: { kinds: [...(kinds ?? this.allKinds)], after: after ?? '', limit },
    };
  }

  searchCandidates(text: string, kinds: readonly string[] | null): Statement {
    return this.dialect.searchCandidates(text, kinds ?? this.allKinds);
  }

  private active(includeRetracted: boolean): string {
    return includeRetracted ? '' : ' AND r.retractedAt IS NULL';
  }

  /** Relations touching `ids`, always matched in their stored direction: `a` is from, `b` is to. */
  relationsOf(ids: readonly string[], types: readonly string[] | null, direction: Direction, includeRetracted = false): Statement {
    const d = this.dialect;
    const match = (end: 'a' | 'b') =>
      `MATCH (a:Entity)-[${d.rel('r')}]->(b:Entity) WHERE ${end}.id IN $ids AND ${d.relType('r')} IN $types${this.active(includeRetracted)} RETURN a, r, b`;
    const cypher = direction === 'OUT' ? match('a') : direction === 'IN' ? match('b') : `${match('a')} UNION ${match('b')}`;
    return { cypher, params: { ids: [...ids], types: this.types(types) } };
  }

  listRelations(q: {
    types: readonly string[] | null;
    from: string | null;
    to: string | null;
    after: string | null;
    limit: number;
    includeRetracted?: boolean;
  }): Statement {
    const d = this.dialect;
    const on = (v: string) => [`${d.relType(v)} IN $types`, `${v}.id > $after`, ...(q.includeRetracted ? [] : [`${v}.retractedAt IS NULL`])];
    const params: Record<string, unknown> = { types: this.types(q.types), after: q.after ?? '', limit: q.limit };
    if (q.from === null && q.to === null) return { cypher: d.pageOfRelations((v) => on(v).join(' AND ')), params };
    if (q.from !== null && q.to !== null) return { cypher: d.pageOfRelationsBetween((v) => on(v).join(' AND ')), params: { ...params, from: q.from, to: q.to } };
    const where = on('r');
    if (q.from !== null) {
      where.push('a.id = $from');
      params.from = q.from;
    }
    if (q.to !== null) {
      where.push('b.id = $to');
      params.to = q.to;
    }
    return {
      cypher: `MATCH (a:Entity)-[${d.rel('r')}]->(b:Entity) WHERE ${where.join(' AND ')} RETURN a, r, b ORDER BY r.id LIMIT $limit`,
      params,
    };
  }

  /** The start entity and every entity within `depth` hops, one row each. */
  reach(id: string, depth: number, types: readonly string[] | null, limit: number): Statement {
    const { pattern, where } = this.dialect.reach(boundedInt('depth', depth, 1, 3), types ? checkedTypes(this.ontology, types) : null);
    return {
      cypher: `MATCH (s:Entity {id: $id}) OPTIONAL MATCH (s)${pattern}(m:Entity)${where ? ` WHERE ${where}` : ''} RETURN DISTINCT s, m LIMIT $limit`,
      params: { id, limit },
    };
  }

  /**
   * Relations whose both ends are among `ids`, with the ids of their ends only: the caller
   * has the entities already, and decoding them again per relation dominated big answers.
   */
  relationsAmong(ids: readonly string[], types: readonly string[] | null, limit: number): Statement {
    const d = this.dialect;
    return {
      cypher: `MATCH (a:Entity)-[${d.rel('r')}]->(b:Entity) WHERE a.id IN $ids AND b.id IN $ids AND ${d.relType('r')} IN $types${this.active(false)} RETURN a.id AS fromId, r, b.id AS toId LIMIT $limit`,
      params: { ids: [...ids], types: this.types(types), limit },
    };
  }

  /** Every live relation (of `types`) as its id and the ids of its ends: one pass, no values. */
  relationEnds(types: readonly string[] | null): Statement {
    const d = this.dialect;
    return {
      cypher: `MATCH (a:Entity)-[${d.rel('r')}]->(b:Entity) WHERE ${d.relType('r')} IN $types${this.active(false)} RETURN a.id AS fromId, r.id AS id, b.id AS toId`,
      params: { types: this.types(types) },
    };
  }

  /** Relations by id, with the ids of their ends, as `relationsAmong` returns them. */
  relationsWithEndIds(ids: readonly string[]): Statement {
    return { cypher: `${this.dialect.relationsById(this.allTypes, { a: 'a:Entity', b: 'b:Entity' })} RETURN a.id AS fromId, r, b.id AS toId`, params: { ids: [...ids] } };
  }

  shortestPaths(from: string, to: string, maxLength: number, types: readonly string[] | null, limit: number): Statement {
    const d = this.dialect;
    const match = d.allShortestPaths(boundedInt('maxLength', maxLength, 1, 6), types ? checkedTypes(this.ontology, types) : null);
    return { cypher: `${match} RETURN nodes(p) AS ns, ${d.pathRels('p')} AS rs LIMIT $limit`, params: { from, to, limit } };
  }

  getRelation(id: string): Statement {
    return { cypher: `MATCH (a:Entity)-[${this.dialect.indexedRel('r', this.allTypes)}]->(b:Entity) WHERE r.id = $id RETURN a, r, b`, params: { id } };
  }

  changes(q: { since: string | null; entity: string | null; after: string | null; limit: number }): Statement {
    const where = ['c.id > $after', 'c.at >= $since'];
    const params: Record<string, unknown> = { after: q.after ?? '', since: q.since ?? '', limit: q.limit };
    if (q.entity !== null) {
      where.push('$entity IN c.entityIds');
      params.entity = q.entity;
    }
    return { cypher: `MATCH (c:Change) WHERE ${where.join(' AND ')} RETURN c ORDER BY c.id LIMIT $limit`, params };
  }

  graphVersion(): Statement {
    return { cypher: 'MATCH (c:Change) RETURN count(c) AS changes, max(c.id) AS latest', params: {} };
  }

  /** Entities that were not merged into another, counted. */
  countEntities(): Statement {
    return { cypher: 'MATCH (e:Entity) WHERE e.mergedInto IS NULL RETURN count(e) AS entities', params: {} };
  }

  /** Relations that were not retracted, counted. */
  countRelations(): Statement {
    return { cypher: `MATCH ()-[${this.dialect.rel('r')}]->() WHERE r.retractedAt IS NULL RETURN count(r) AS relations`, params: {} };
  }

  /**
   * The `limit` entities (of `kinds`) with the most relations that are not retracted, most
   * first, ties by id: each relation counted at both ends by the database, one pass.
   */
  mostConnected(kinds: readonly string[] | null, limit: number): Statement {
    return {
      cypher:
        `MATCH (e:Entity)-[${this.dialect.rel('r')}]-() WHERE e.kind IN $kinds AND e.mergedInto IS NULL AND r.retractedAt IS NULL ` +
        'WITH e, count(r) AS degree ORDER BY degree DESC, e.id LIMIT $limit RETURN e, degree',
      params: { kinds: [...(kinds ?? this.allKinds)], limit },
    };
  }

  getSources(ids: readonly string[]): Statement {
    return { cypher: 'MATCH (s:SourceDocument) WHERE s.id IN $ids RETURN s', params: { ids: [...ids] } };
  }

  listSources(): Statement {
    return { cypher: 'MATCH (s:SourceDocument) RETURN s ORDER BY s.id', params: {} };
  }

  loadedFingerprint(key: string): Statement {
    return { cypher: 'MATCH (m:Meta {key: $key}) RETURN m.value AS value', params: { key } };
  }

  // Writes ------------------------------------------------------------------

  upsertSources(sources: readonly SourceRecord[]): Statement {
    return {
      cypher:
        'UNWIND $rows AS row MERGE (s:SourceDocument {id: row.id}) ' +
        'SET s.title = row.title, s.publisher = row.publisher, s.published = row.published, s.via = row.via, s.url = row.url',
      params: { rows: sources.map((s) => ({ id: s.id, title: s.title, publisher: s.publisher, published: s.published, via: s.via, url: s.url })) },
    };
  }

  private castRow(spec: AttributeSpec): string {
    return this.dialect.cast(spec.type, `row.${prop(spec.name)}`);
  }

  upsertEntities(entities: readonly EntityRecord[]): Statement {
    const sets = [
      ...COMMON_ENTITY_COLUMNS.map((c) => `e.${c} = row.${c}`),
      ...this.ontology.entityAttributes.map((spec) => `e.${prop(spec.name)} = ${this.castRow(spec)}`),
    ];
    const rows = entities.map((e) => {
      const keys = searchKeys([e.name, ...e.aliases]);
      const row: EntityRow = {
        id: e.id,
        kind: e.kind,
        name: e.name,
        aliases: [...e.aliases],
        description: e.description,
        sources: JSON.stringify(e.sources),
        searchKeys: keys,
        // Full-text indexes (Neo4j) match words of this text: the keys and their skeletons.
        searchText: [...new Set([...keys, ...keys.map(skeleton)])].join(' | '),
      };
      for (const spec of this.ontology.entityAttributes) row[spec.name] = encode(e.attributes[spec.name]);
      return row;
    });
    return { cypher: `UNWIND $rows AS row MERGE (e:Entity {id: row.id}) SET ${sets.join(', ')}`, params: { rows } };
  }

  relationOwners(ids: readonly string[]): Statement {
    return { cypher: `${this.dialect.relationsById(this.allTypes)} RETURN r.id AS id, r.addedBy AS addedBy`, params: { ids: [...ids] } };
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
      cypher:
        `UNWIND $rows AS row ${this.dialect.entityPair('row.from', 'row.to')} ` +
        `CREATE (a)-[${rel} {${props.join(', ')}}]->(b) RETURN count(r) AS created`,
      params: { rows },
    };
  }

  retractRelation(id: string, reason: string, by: string, at: string): Statement {
    return {
      cypher: `MATCH ()-[${this.dialect.indexedRel('r', this.allTypes)}]->() WHERE r.id = $id SET r.retractedAt = $at, r.retractedBy = $by, r.retractionReason = $reason`,
      params: { id, reason, by, at },
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
      cypher:
        'CREATE (c:Change {id: $id, at: $at, actor: $actor, operation: $operation, entityIds: $entityIds, ' +
        'relationId: $relationId, before: $before, after: $after})',
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

  recordFingerprint(key: string, value: string): Statement {
    return { cypher: 'MERGE (m:Meta {key: $key}) SET m.value = $value', params: { key, value } };
  }

  /** The writes of one batch (or chunk of one), in order: upserts, then relation creates. */
  loadChunk(batch: GraphBatch): { before: Statement[]; creates: Statement[] } {
    const before: Statement[] = [];
    if (batch.sources.length > 0) before.push(this.upsertSources(batch.sources));
    if (batch.entities.length > 0) before.push(this.upsertEntities(batch.entities));
    // Replacing by id keeps a re-load idempotent even if a relation's ends changed.
    if (batch.relations.length > 0) before.push(this.deleteRelations(batch.relations.map((r) => r.id)));
    return { before, creates: batch.relations.length > 0 ? this.createRelations(batch.relations) : [] };
  }
}
