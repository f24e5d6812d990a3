import type { ClaimRecord } from '../../records.js';
import { CLAIM_COLUMNS, readClaims, type ClaimRow } from './claims.js';
import { query, type Query, type ReadContext } from './query.js';

/** Claims whose `disputes` names any of the claims `ids` (`Claim.disputedBy`). */
export function claimsDisputingStatement(claimIds: readonly string[]): Query<ClaimRow> {
  return query<ClaimRow>('UNWIND $ids AS i MATCH (c:Claim) WHERE i IN c.disputes WITH DISTINCT c RETURN c ORDER BY c.id', { ids: [...new Set(claimIds)] }, CLAIM_COLUMNS);
}

export async function claimsDisputing(ctx: ReadContext, claimIds: readonly string[]): Promise<ClaimRecord[]> {
  if (claimIds.length === 0) return [];
  return readClaims(ctx, claimsDisputingStatement(claimIds));
}
