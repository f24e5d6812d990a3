import type { ClaimRecord } from '../../graph-store.js';
import { CLAIM_COLUMNS, readClaims, type ClaimRow } from './claims.js';
import { survivorIds } from './entities.js';
import { query, type Query, type ReadContext } from './query.js';

export interface ListClaimsQuery {
  speaker: string | null;
  about: string | null;
  after: string | null;
  limit: number;
}

/** A page of claims by id (keyset), optionally of one speaker and about one entity. */
export function listClaimsStatement(q: ListClaimsQuery): Query<ClaimRow> {
  const where = ['c.id > $after'];
  const params: Record<string, unknown> = { after: q.after ?? '', limit: q.limit };
  if (q.speaker !== null) {
    where.push('c.speaker = $speaker');
    params.speaker = q.speaker;
  }
  if (q.about !== null) {
    where.push('$about IN c.about');
    params.about = q.about;
  }
  return query<ClaimRow>(`MATCH (c:Claim) WHERE ${where.join(' AND ')} RETURN c ORDER BY c.id LIMIT $limit`, params, CLAIM_COLUMNS);
}

/**
 * A page of claims. Merges move claims to the survivor, so a `speaker` or `about` merged
 * away is read as its survivor (one more statement, only when an entity is named).
 */
export async function listClaims(ctx: ReadContext, q: ListClaimsQuery): Promise<ClaimRecord[]> {
  const named = [q.speaker, q.about].filter((id): id is string => id !== null);
  if (named.length === 0) return readClaims(ctx, listClaimsStatement(q));
  const live = await survivorIds(ctx, named);
  const at = (id: string | null) => (id === null ? null : (live.get(id) ?? id));
  return readClaims(ctx, listClaimsStatement({ ...q, speaker: at(q.speaker), about: at(q.about) }));
}
