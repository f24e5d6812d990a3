import type { ClaimRecord } from '../../records.js';
import type { ClaimRole } from '../../queries.js';
import { CLAIM_COLUMNS, readClaims, type ClaimRow } from './claims.js';
import { query, type Query, type ReadContext } from './query.js';

/** Claims that entities `ids` made (SPEAKER), that are about them (SUBJECT), or both (ANY), by id. */
export function claimsOfStatement(ids: readonly string[], role: ClaimRole): Query<ClaimRow> {
  const spoke = 'c.speaker = i';
  const about = 'i IN c.about';
  const where = role === 'SPEAKER' ? spoke : role === 'SUBJECT' ? about : `${spoke} OR ${about}`;
  // Unwound: LadybugDB evaluates no parameter inside a list predicate (`any(x IN ... WHERE x IN $ids)`).
  return query<ClaimRow>(`UNWIND $ids AS i MATCH (c:Claim) WHERE ${where} WITH DISTINCT c RETURN c ORDER BY c.id`, { ids: [...new Set(ids)] }, CLAIM_COLUMNS);
}

export async function claimsOf(ctx: ReadContext, q: { ids: readonly string[]; role: ClaimRole }): Promise<ClaimRecord[]> {
  if (q.ids.length === 0) return [];
  return readClaims(ctx, claimsOfStatement(q.ids, q.role));
}
