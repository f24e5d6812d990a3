import type { RelationsResult } from '../../queries.js';
import { decodeRelations, RELATION_COLUMNS, type RelationRow } from './relation-rows.js';
import { query, readRows, type BuildContext, type Query, type ReadContext } from './query.js';
import { citingNeedle } from './sources.js';

/**
 * The live relations citing a source (retracted ones too with `includeRetracted`: what a
 * text given to the source must hold for). A relation's citations are stored as one JSON text,
 * so the statement keeps those whose text names the source (`"sourceId":"<id>"`, as the
 * writes encode it) and the decoder checks each citation exactly.
 */
export function relationsCitingStatement(ctx: BuildContext, sourceId: string, includeRetracted = false): Query<RelationRow> {
  return query<RelationRow>(
    `MATCH (a:Entity)-[${ctx.dialect.rel('r')}]->(b:Entity) WHERE ${includeRetracted ? '' : 'r.retractedAt IS NULL AND '}r.sources CONTAINS $needle RETURN a, r, b ORDER BY r.id`,
    { needle: citingNeedle(sourceId) },
    RELATION_COLUMNS,
  );
}

export async function relationsCiting(ctx: ReadContext, sourceId: string): Promise<RelationsResult> {
  const result = await decodeRelations(ctx, await readRows(ctx.executor, relationsCitingStatement(ctx, sourceId)));
  const relations = result.relations.filter((r) => r.sources.some((c) => c.sourceId === sourceId));
  const ends = new Set(relations.flatMap((r) => [r.from, r.to]));
  return { relations, entities: result.entities.filter((e) => ends.has(e.id)) };
}
