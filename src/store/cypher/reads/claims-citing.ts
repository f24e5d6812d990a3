import type { ClaimRecord } from '../../graph-store.js';
import { CLAIM_COLUMNS, readClaims, type ClaimRow } from './claims.js';
import { query, type Query, type ReadContext } from './query.js';

/**
 * The text a claim's stored citations (JSON, as `JSON.stringify` writes a CitationRecord,
 * `sourceId` first) hold for a citation of source `id`.
 */
export const citationNeedle = (id: string): string => `{"sourceId":${JSON.stringify(id)},`;

/** Claims with a citation of any of the sources `ids` (`SourceDocument.claims`). */
export function claimsCitingStatement(sourceIds: readonly string[]): Query<ClaimRow> {
  return query<ClaimRow>(
    'UNWIND $needles AS n MATCH (c:Claim) WHERE c.sources CONTAINS n WITH DISTINCT c RETURN c ORDER BY c.id',
    { needles: [...new Set(sourceIds)].map(citationNeedle) },
    CLAIM_COLUMNS,
  );
}

export async function claimsCiting(ctx: ReadContext, sourceIds: readonly string[]): Promise<ClaimRecord[]> {
  if (sourceIds.length === 0) return [];
  return readClaims(ctx, claimsCitingStatement(sourceIds));
}
