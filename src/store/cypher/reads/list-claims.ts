import type { ClaimRecord } from '../../records.js';
import { CLAIM_COLUMNS, readClaims, type ClaimRow } from './claims.js';
import { survivorIds } from './entities.js';
import { query, readRows, type Query, type ReadContext } from './query.js';

export interface ListClaimsQuery {
  speaker: string | null;
  about: string | null;
  after: string | null;
  limit: number;
}

export interface CountRow {
  n: unknown;
}

/** The conditions of a claims query on `c` (no position), shared by its page and its count. */
function filters(q: Pick<ListClaimsQuery, 'speaker' | 'about'>): { where: string[]; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (q.speaker !== null) {
    where.push('c.speaker = $speaker');
    params.speaker = q.speaker;
  }
  if (q.about !== null) {
    where.push('$about IN c.about');
    params.about = q.about;
  }
  return { where, params };
}

/** A page of claims by id (keyset), optionally of one speaker and about one entity. */
export function listClaimsStatement(q: ListClaimsQuery): Query<ClaimRow> {
  const f = filters(q);
  const where = ['c.id > $after', ...f.where];
  const params: Record<string, unknown> = { after: q.after ?? '', limit: q.limit, ...f.params };
  return query<ClaimRow>(`MATCH (c:Claim) WHERE ${where.join(' AND ')} RETURN c ORDER BY c.id LIMIT $limit`, params, CLAIM_COLUMNS);
}

/** The claims of a query over all its pages, counted (`totalCount`). */
export function countClaimsStatement(q: Pick<ListClaimsQuery, 'speaker' | 'about'>): Query<CountRow> {
  const f = filters(q);
  return query<CountRow>(`MATCH (c:Claim)${f.where.length > 0 ? ` WHERE ${f.where.join(' AND ')}` : ''} RETURN count(c) AS n`, f.params, ['n']);
}

/**
 * A page of claims. Merges move claims to the survivor, so a `speaker` or `about` merged
 * away is read as its survivor (one more statement, only when an entity is named).
 */
export async function listClaims(ctx: ReadContext, q: ListClaimsQuery): Promise<ClaimRecord[]> {
  return readClaims(ctx, listClaimsStatement({ ...q, ...(await survivors(ctx, q)) }));
}

type Named = Pick<ListClaimsQuery, 'speaker' | 'about'>;

/** Queries already read with survivors, by identity: a page and its `totalCount` given the same query object look the ids up once. */
const resolved = new WeakMap<Named, Promise<Named>>();

/** `speaker` and `about` as their survivors: one statement, only when an entity is named. */
function survivors(ctx: ReadContext, q: Named): Promise<Named> {
  const named = [q.speaker, q.about].filter((id): id is string => id !== null);
  if (named.length === 0) return Promise.resolve(q);
  let found = resolved.get(q);
  if (!found) {
    found = survivorIds(ctx, named).then((live) => {
      const at = (id: string | null) => (id === null ? null : (live.get(id) ?? id));
      return { speaker: at(q.speaker), about: at(q.about) };
    });
    resolved.set(q, found);
    found.catch(() => resolved.delete(q));
  }
  return found;
}

/** How many claims `listClaims` lists over all pages. */
export async function countClaims(ctx: ReadContext, q: Pick<ListClaimsQuery, 'speaker' | 'about'>): Promise<number> {
  const rows = await readRows(ctx.executor, countClaimsStatement(await survivors(ctx, q)));
  return rows[0] ? ctx.dialect.decode.number(rows[0].n) : 0;
}
