import type { Ontology } from '../../ontology/ontology.js';
import type { Direction } from '../graph-store.js';
import { checkedTypes, type Dialect } from './dialect.js';
import type { Statement } from './executor.js';

/**
 * Every Cypher statement that reads, written once for all backends. Request data
 * travels only in parameters (writes: write-statements.ts); the only values spliced into statement text are names
 * from the ontology and integers already checked against their limits.
 */

/** Property names are backticked: `end` is a Cypher keyword. */
export function prop(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid property name ${name}`);
  return `\`${name}\``;
}

function boundedInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be ${min}..${max}`);
  return value;
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

  relationOwners(ids: readonly string[]): Statement {
    return { cypher: `${this.dialect.relationsById(this.allTypes)} RETURN r.id AS id, r.addedBy AS addedBy`, params: { ids: [...ids] } };
  }
}
