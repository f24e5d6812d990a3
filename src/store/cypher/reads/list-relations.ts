import type { RelationsResult } from '../../queries.js';
import { survivorIds } from './entities.js';
import { presentationConditions } from './relation-where.js';
import { decodeRelations, RELATION_COLUMNS, type RelationRow } from './relation-rows.js';
import { query, readRows, typesOrAll, type BuildContext, type Query, type ReadContext } from './query.js';

export interface ListRelationsQuery {
  types: readonly string[] | null;
  from: string | null;
  to: string | null;
  after: string | null;
  limit: number;
  includeRetracted?: boolean;
  /** Only these bases; a row stored before `basis` existed reads as its `@default`. */
  basis?: readonly string[];
  preliminary?: boolean;
}

/**
 * A page of relations by id. Without relationship property indexes (LadybugDB), sorting
 * whole rows with both ends costs far more than sorting the ids and fetching the page's
 * rows after; a relationship variable cannot be bound again, so the ids carry over.
 * With them (Neo4j), and both ends known, the engine expands from the end with fewer
 * relations (Expand(Into)).
 */
export function listRelationsStatement(ctx: BuildContext, q: ListRelationsQuery): Query<RelationRow> {
  const d = ctx.dialect;
  const on = (v: string) => [
    `${d.relType(v)} IN $types`,
    `${v}.id > $after`,
    ...(q.includeRetracted ? [] : [`${v}.retractedAt IS NULL`]),
    ...presentationConditions(ctx, v, '', q).where,
  ];
  const params: Record<string, unknown> = { types: typesOrAll(ctx, q.types), after: q.after ?? '', limit: q.limit, ...presentationConditions(ctx, 'r', '', q).params };
  const page = (cypher: string, extra: Record<string, unknown> = {}) => query<RelationRow>(cypher, { ...params, ...extra }, RELATION_COLUMNS);
  if (q.from === null && q.to === null) {
    return page(
      d.relationIndexes
        ? `MATCH (a:Entity)-[r]->(b:Entity) WHERE ${on('r').join(' AND ')} RETURN a, r, b ORDER BY r.id LIMIT $limit`
        : `MATCH ()-[x:Relation]->() WHERE ${on('x').join(' AND ')} WITH x.id AS rid ORDER BY rid LIMIT $limit ` +
            'MATCH (a:Entity)-[r:Relation]->(b:Entity) WHERE r.id = rid RETURN a, r, b ORDER BY r.id',
    );
  }
  if (q.from !== null && q.to !== null) {
    const where = on('r').join(' AND ');
    return page(
      d.relationIndexes
        ? `${d.entityPair('$from', '$to')} MATCH (a)-[r]->(b) WHERE ${where} RETURN a, r, b ORDER BY r.id LIMIT $limit`
        : `MATCH (a:Entity)-[r:Relation]->(b:Entity) WHERE ${where} AND a.id = $from AND b.id = $to RETURN a, r, b ORDER BY r.id LIMIT $limit`,
      { from: q.from, to: q.to },
    );
  }
  const where = on('r');
  const ends: Record<string, unknown> = {};
  if (q.from !== null) {
    where.push('a.id = $from');
    ends.from = q.from;
  }
  if (q.to !== null) {
    where.push('b.id = $to');
    ends.to = q.to;
  }
  return page(`MATCH (a:Entity)-[${d.rel('r')}]->(b:Entity) WHERE ${where.join(' AND ')} RETURN a, r, b ORDER BY r.id LIMIT $limit`, ends);
}

/**
 * A page of relations; `from` and `to` merged into other entities are read as their
 * survivors. Only an empty page can be owed to a merged end, so only then is one more
 * statement sent to look the ends up, and the page read again if either was merged.
 */
export async function listRelations(ctx: ReadContext, q: ListRelationsQuery): Promise<RelationsResult> {
  const read = async (page: ListRelationsQuery) => decodeRelations(ctx, await readRows(ctx.executor, listRelationsStatement(ctx, page)));
  const result = await read(q);
  if (result.relations.length > 0 || (q.from === null && q.to === null)) return result;
  const live = await survivorIds(
    ctx,
    [q.from, q.to].filter((id): id is string => id !== null),
  );
  const from = q.from === null ? null : (live.get(q.from) ?? q.from);
  const to = q.to === null ? null : (live.get(q.to) ?? q.to);
  return from === q.from && to === q.to ? result : read({ ...q, from, to });
}
