import type { ChangeRecord } from '../../graph-store.js';
import { changeFromProps } from '../records.js';
import { query, readRows, type BuildContext, type Query, type ReadContext } from './query.js';

export interface ChangeRow {
  c: unknown;
}

export interface ChangesQuery {
  since: string | null;
  entity: string | null;
  after: string | null;
  limit: number;
}

export function changesStatement(q: ChangesQuery): Query<ChangeRow> {
  const where = ['c.id > $after', 'c.at >= $since'];
  const params: Record<string, unknown> = { after: q.after ?? '', since: q.since ?? '', limit: q.limit };
  if (q.entity !== null) {
    where.push('$entity IN c.entityIds');
    params.entity = q.entity;
  }
  return query<ChangeRow>(`MATCH (c:Change) WHERE ${where.join(' AND ')} RETURN c ORDER BY c.id LIMIT $limit`, params, ['c']);
}

export function decodeChange(ctx: BuildContext, value: unknown): ChangeRecord {
  return changeFromProps(ctx.dialect.decode.properties(value));
}

/** The audit log, oldest first. Entries keep the ids they were written with, merged or not. */
export async function changes(ctx: ReadContext, q: ChangesQuery): Promise<ChangeRecord[]> {
  return (await readRows(ctx.executor, changesStatement(q))).map((row) => decodeChange(ctx, row.c));
}
