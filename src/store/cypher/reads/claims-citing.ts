import type { ClaimRecord } from '../../records.js';
import { CLAIM_COLUMNS, readClaims, type ClaimRow } from './claims.js';
import { query, type Query, type ReadContext } from './query.js';
import { citingNeedle } from './sources.js';

/** Claims with a citation of any of the sources `ids` (`SourceDocument.claims`). */
export function claimsCitingStatement(sourceIds: readonly string[]): Query<ClaimRow> {
  return query<ClaimRow>(
    'UNWIND $needles AS n MATCH (c:Claim) WHERE c.sources CONTAINS n WITH DISTINCT c RETURN c ORDER BY c.id',
    { needles: [...new Set(sourceIds)].map(citingNeedle) },
    CLAIM_COLUMNS,
  );
}

export async function claimsCiting(ctx: ReadContext, sourceIds: readonly string[]): Promise<ClaimRecord[]> {
  if (sourceIds.length === 0) return [];
  return readClaims(ctx, claimsCitingStatement(sourceIds));
}
