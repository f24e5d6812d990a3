import type { GraphSizeRecord } from '../../queries.js';
import { query, readRows, type BuildContext, type Query, type ReadContext } from './query.js';

export interface EntityCountRow {
  entities: unknown;
}

export interface RelationCountRow {
  relations: unknown;
}

/** Entities that were not merged into another, counted. */
export function countEntitiesStatement(): Query<EntityCountRow> {
  return query<EntityCountRow>('MATCH (e:Entity) WHERE e.mergedInto IS NULL RETURN count(e) AS entities', {}, ['entities']);
}

/** Relations that were not retracted, counted. */
export function countRelationsStatement(ctx: BuildContext): Query<RelationCountRow> {
  return query<RelationCountRow>(`MATCH ()-[${ctx.dialect.rel('r')}]->() WHERE r.retractedAt IS NULL RETURN count(r) AS relations`, {}, ['relations']);
}

/** One count each in the database, for the network view of a large graph: nothing is read out. */
export async function graphSize(ctx: ReadContext): Promise<GraphSizeRecord> {
  const [entities] = await readRows(ctx.executor, countEntitiesStatement());
  const [relations] = await readRows(ctx.executor, countRelationsStatement(ctx));
  return { entities: ctx.dialect.decode.number(entities?.entities ?? 0), relations: ctx.dialect.decode.number(relations?.relations ?? 0) };
}
