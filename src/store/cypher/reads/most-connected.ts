import type { EntityDegreeRecord } from '../../queries.js';
import { decodeEntity } from './entities.js';
import { allKinds, query, readRows, type BuildContext, type Query, type ReadContext } from './query.js';

export interface DegreeRow {
  e: unknown;
  degree: unknown;
}

/**
 * The `limit` entities (of `kinds`) with the most relations that are not retracted, most
 * first, ties by id: each relation counted at both ends by the database, one pass.
 */
export function mostConnectedStatement(ctx: BuildContext, kinds: readonly string[] | null, limit: number): Query<DegreeRow> {
  return query<DegreeRow>(
    `MATCH (e:Entity)-[${ctx.dialect.rel('r')}]-() WHERE e.kind IN $kinds AND e.mergedInto IS NULL AND r.retractedAt IS NULL ` +
      'WITH e, count(r) AS degree ORDER BY degree DESC, e.id LIMIT $limit RETURN e, degree',
    { kinds: [...(kinds ?? allKinds(ctx))], limit },
    ['e', 'degree'],
  );
}

export async function mostConnected(ctx: ReadContext, q: { kinds: readonly string[] | null; limit: number }): Promise<EntityDegreeRecord[]> {
  const rows = await readRows(ctx.executor, mostConnectedStatement(ctx, q.kinds, q.limit));
  return rows.map((row) => ({ entity: decodeEntity(ctx, row.e), degree: ctx.dialect.decode.number(row.degree) }));
}
