import type { ChangeRecord } from '../../records.js';
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

export interface CountRow {
  n: unknown;
}

/** The conditions of a changes query on `c` (no position), shared by its page and its count. */
function filters(q: Pick<ChangesQuery, 'since' | 'entity'>): { where: string[]; params: Record<string, unknown> } {
  const where = ['c.at >= $since'];
  const params: Record<string, unknown> = { since: q.since ?? '' };
  if (q.entity !== null) {
    where.push('$entity IN c.entityIds');
    params.entity = q.entity;
  }
  return { where, params };
}

export function changesStatement(q: ChangesQuery): Query<ChangeRow> {
  const f = filters(q);
  const where = ['c.id > $after', ...f.where];
  const params: Record<string, unknown> = { after: q.after ?? '', limit: q.limit, ...f.params };
  return query<ChangeRow>(`MATCH (c:Change) WHERE ${where.join(' AND ')} RETURN c ORDER BY c.id LIMIT $limit`, params, ['c']);
}

/** The entries of a changes query over all its pages, counted (`totalCount`): one pass over the log. */
export function countChangesStatement(q: Pick<ChangesQuery, 'since' | 'entity'>): Query<CountRow> {
  const f = filters(q);
  return query<CountRow>(`MATCH (c:Change) WHERE ${f.where.join(' AND ')} RETURN count(c) AS n`, f.params, ['n']);
}

export async function countChanges(ctx: ReadContext, q: Pick<ChangesQuery, 'since' | 'entity'>): Promise<number> {
  const rows = await readRows(ctx.executor, countChangesStatement(q));
  return rows[0] ? ctx.dialect.decode.number(rows[0].n) : 0;
}

export function decodeChange(ctx: BuildContext, value: unknown): ChangeRecord {
  return changeFromProps(ctx.dialect.decode.properties(value));
}

/** The audit log, oldest first. Entries keep the ids they were written with, merged or not. */
export async function changes(ctx: ReadContext, q: ChangesQuery): Promise<ChangeRecord[]> {
  return (await readRows(ctx.executor, changesStatement(q))).map((row) => decodeChange(ctx, row.c));
}
