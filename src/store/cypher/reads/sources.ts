import type { SourceRecord } from '../../records.js';
import { sourceFromProps } from '../records.js';
import { query, readRows, type BuildContext, type Query, type ReadContext } from './query.js';

export interface SourceRow {
  s: unknown;
}

export function decodeSource(ctx: BuildContext, value: unknown): SourceRecord {
  return sourceFromProps(ctx.dialect.decode.properties(value));
}

export function getSourcesStatement(ids: readonly string[]): Query<SourceRow> {
  return query<SourceRow>('MATCH (s:SourceDocument) WHERE s.id IN $ids RETURN s', { ids: [...ids] }, ['s']);
}

export function listSourcesStatement(): Query<SourceRow> {
  return query<SourceRow>('MATCH (s:SourceDocument) RETURN s ORDER BY s.id', {}, ['s']);
}

export async function getSources(ctx: ReadContext, ids: readonly string[]): Promise<SourceRecord[]> {
  if (ids.length === 0) return [];
  return (await readRows(ctx.executor, getSourcesStatement(ids))).map((row) => decodeSource(ctx, row.s));
}

export async function listSources(ctx: ReadContext): Promise<SourceRecord[]> {
  return (await readRows(ctx.executor, listSourcesStatement())).map((row) => decodeSource(ctx, row.s));
}

/**
 * What a stored citation's JSON holds for a source id: `"sourceId":"<id>"`. A filter only
 * (the records are decoded and their citations compared exactly after).
 */
export const citingNeedle = (sourceId: string): string => `"sourceId":${JSON.stringify(sourceId)}`;

/** Entities (merged-away ones too) with a citation of the source. */
export function entitiesCitingStatement(sourceId: string): Query<{ e: unknown }> {
  return query<{ e: unknown }>('MATCH (e:Entity) WHERE e.sources CONTAINS $needle RETURN e ORDER BY e.id', { needle: citingNeedle(sourceId) }, ['e']);
}
