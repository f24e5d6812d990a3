import type { ClaimRecord } from '../../records.js';
import { CLAIM_COLUMNS, readClaims, type ClaimRow } from './claims.js';
import { query, type Query, type ReadContext } from './query.js';

/** Claims whose `asserts` names any of the relations `ids` (`Relation.claim`). */
export function claimsAssertingStatement(relationIds: readonly string[]): Query<ClaimRow> {
  return query<ClaimRow>('UNWIND $ids AS i MATCH (c:Claim) WHERE i IN c.asserts WITH DISTINCT c RETURN c ORDER BY c.id', { ids: [...new Set(relationIds)] }, CLAIM_COLUMNS);
}

export async function claimsAsserting(ctx: ReadContext, relationIds: readonly string[]): Promise<ClaimRecord[]> {
  if (relationIds.length === 0) return [];
  return readClaims(ctx, claimsAssertingStatement(relationIds));
}
