import type { RelationFilter, RelationTypeCountRecord } from '../../queries.js';
import type { RelationType } from '../../records.js';
import { withLiveIds } from './relation-page.js';
import { compileRelationWhere, readsEnds } from './relation-where.js';
import { query, readRows, type BuildContext, type Query, type ReadContext } from './query.js';

export interface TypeCountRow {
  type: unknown;
  n: unknown;
}

/**
 * Relations matching `where`, retracted ones left out, counted by type in the database:
 * most first, ties by type. One pass over the relations the filter leaves (over every
 * relation when it names no entity): its cost grows with the graph.
 */
export function relationCountsStatement(ctx: BuildContext, where: RelationFilter | null): Query<TypeCountRow> {
  const w = compileRelationWhere(ctx, where);
  const ends = readsEnds(where) ? ['(a:Entity)', '(b:Entity)'] : ['()', '()'];
  return query<TypeCountRow>(
    `MATCH ${ends[0]}-[${ctx.dialect.rel('r')}]->${ends[1]} WHERE r.retractedAt IS NULL${w.where === 'true' ? '' : ` AND ${w.where}`} ` +
      `WITH ${ctx.dialect.relType('r')} AS type, count(r) AS n RETURN type, n ORDER BY n DESC, type ASC`,
    w.params,
    ['type', 'n'],
  );
}

/** A stored type, which the ontology names (the writes check it; the codegen test keeps the SDL's enum the ontology's types). */
function relationType(ctx: BuildContext, value: unknown): RelationType {
  const name = String(value);
  const isRelationType = (n: string): n is RelationType => ctx.ontology.relationType(n) !== undefined;
  if (!isRelationType(name)) throw new Error(`stored relation type ${name} is not in the ontology`);
  return name;
}

export async function relationCounts(ctx: ReadContext, q: { where: RelationFilter | null }): Promise<RelationTypeCountRecord[]> {
  const { result } = await withLiveIds(
    ctx,
    q.where,
    async (where) =>
      (await readRows(ctx.executor, relationCountsStatement(ctx, where))).map((row) => ({ type: relationType(ctx, row.type), count: ctx.dialect.decode.number(row.n) })),
    (counts) => counts.length === 0,
  );
  return result;
}
