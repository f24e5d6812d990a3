import type { Direction } from '../../records.js';
import { relationPattern } from './entity-where.js';
import { query, readRows, type BuildContext, type Query, type ReadContext } from './query.js';

export interface DegreeByIdRow {
  id: unknown;
  degree: unknown;
}

/**
 * `Entity.degree` of many entities at once: each one's relations (not retracted), of
 * `types` if given, in `direction`, counted by the database. Each id is a key lookup.
 */
export function entityDegreesStatement(ctx: BuildContext, ids: readonly string[], types: readonly string[] | null, direction: Direction): Query<DegreeByIdRow> {
  const { pattern, where } = relationPattern(ctx, 'e', 'r', types, direction);
  return query<DegreeByIdRow>(`UNWIND $ids AS i MATCH (e:Entity {id: i}) RETURN e.id AS id, COUNT { MATCH ${pattern} WHERE ${where} } AS degree`, { ids: [...new Set(ids)] }, [
    'id',
    'degree',
  ]);
}

export async function entityDegrees(ctx: ReadContext, q: { ids: readonly string[]; types: readonly string[] | null; direction: Direction }): Promise<Map<string, number>> {
  if (q.ids.length === 0) return new Map();
  const rows = await readRows(ctx.executor, entityDegreesStatement(ctx, q.ids, q.types, q.direction));
  return new Map(rows.map((row) => [String(row.id), ctx.dialect.decode.number(row.degree)]));
}
