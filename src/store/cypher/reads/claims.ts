import type { ClaimRecord } from '../../records.js';
import { citations } from '../records.js';
import { query, readRows, type BuildContext, type Query, type ReadContext } from './query.js';

/** A row holding one claim node. */
export interface ClaimRow {
  c: unknown;
}

export const CLAIM_COLUMNS = ['c'] as const;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const ids = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** A claim node's properties as a record: references as ids, citations from their JSON text. */
export function decodeClaim(ctx: BuildContext, value: unknown): ClaimRecord {
  const c = ctx.dialect.decode.properties(value);
  return {
    id: String(c.id),
    speaker: String(c.speaker),
    date: text(c.date),
    about: ids(c.about),
    quote: String(c.quote),
    summary: text(c.summary),
    stance: text(c.stance),
    asserts: ids(c.asserts),
    disputes: ids(c.disputes),
    sources: citations(c.sources),
    addedBy: text(c.addedBy),
  };
}

/** Runs a claim statement and decodes its rows. */
export async function readClaims(ctx: ReadContext, q: Query<ClaimRow>): Promise<ClaimRecord[]> {
  return (await readRows(ctx.executor, q)).map((row) => decodeClaim(ctx, row.c));
}

export function getClaimsStatement(claimIds: readonly string[]): Query<ClaimRow> {
  // Unwound, each id is a key lookup (as getEntities).
  return query<ClaimRow>('UNWIND $ids AS i MATCH (c:Claim {id: i}) RETURN c', { ids: [...new Set(claimIds)] }, CLAIM_COLUMNS);
}

/** Claims by id; ids that name no claim are left out. */
export async function getClaims(ctx: ReadContext, claimIds: readonly string[]): Promise<ClaimRecord[]> {
  if (claimIds.length === 0) return [];
  return readClaims(ctx, getClaimsStatement(claimIds));
}
