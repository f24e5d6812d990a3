import type { Direction } from '../../records.js';
import type { RelationsResult } from '../../queries.js';
import { decodeRelations, RELATION_COLUMNS, type RelationRow } from './relation-rows.js';
import { active, allTypes, query, readRows, typesOrAll, type BuildContext, type Query, type ReadContext } from './query.js';

/** Relations touching `ids`, always matched in their stored direction. */
export function relationsOfStatement(
  ctx: BuildContext,
  ids: readonly string[],
  types: readonly string[] | null,
  direction: Direction,
  includeRetracted = false,
): Query<RelationRow> {
  const d = ctx.dialect;
  const match = (end: 'a' | 'b') =>
    `MATCH (a:Entity)-[${d.rel('r')}]->(b:Entity) WHERE ${end}.id IN $ids AND ${d.relType('r')} IN $types${active(includeRetracted)} RETURN a, r, b`;
  const cypher = direction === 'OUT' ? match('a') : direction === 'IN' ? match('b') : `${match('a')} UNION ${match('b')}`;
  return query<RelationRow>(cypher, { ids: [...ids], types: typesOrAll(ctx, types) }, RELATION_COLUMNS);
}

/**
 * The ids come from the per-request loaders, which ask for the relations of entities
 * already read (survivors), so no id here needs resolving.
 */
export async function relationsOf(
  ctx: ReadContext,
  q: { ids: readonly string[]; types: readonly string[] | null; direction: Direction; includeRetracted: boolean },
): Promise<RelationsResult> {
  if (q.ids.length === 0) return { relations: [], entities: [] };
  return decodeRelations(ctx, await readRows(ctx.executor, relationsOfStatement(ctx, q.ids, q.types, q.direction, q.includeRetracted)));
}

export function getRelationStatement(ctx: BuildContext, id: string): Query<RelationRow> {
  return query<RelationRow>(`MATCH (a:Entity)-[${ctx.dialect.indexedRel('r', allTypes(ctx))}]->(b:Entity) WHERE r.id = $id RETURN a, r, b`, { id }, RELATION_COLUMNS);
}

export async function getRelation(ctx: ReadContext, id: string): Promise<RelationsResult> {
  return decodeRelations(ctx, await readRows(ctx.executor, getRelationStatement(ctx, id)));
}

export interface OwnerRow {
  id: unknown;
  addedBy: unknown;
}

export function relationOwnersStatement(ctx: BuildContext, ids: readonly string[]): Query<OwnerRow> {
  return query<OwnerRow>(`${ctx.dialect.relationsById(allTypes(ctx))} RETURN r.id AS id, r.addedBy AS addedBy`, { ids: [...ids] }, ['id', 'addedBy']);
}

/** Ids per statement: an import checks the owners of every relation it replaces. */
export const OWNERS_CHUNK = 5_000;

export async function relationOwners(ctx: ReadContext, ids: readonly string[]): Promise<Map<string, string | null>> {
  const owners = new Map<string, string | null>();
  for (let i = 0; i < ids.length; i += OWNERS_CHUNK) {
    for (const row of await readRows(ctx.executor, relationOwnersStatement(ctx, ids.slice(i, i + OWNERS_CHUNK)))) {
      owners.set(String(row.id), typeof row.addedBy === 'string' ? row.addedBy : null);
    }
  }
  return owners;
}
