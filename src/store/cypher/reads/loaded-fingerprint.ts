import { query, readRows, type Query, type ReadContext } from './query.js';

export interface FingerprintRow {
  value: unknown;
}

export function loadedFingerprintStatement(key: string): Query<FingerprintRow> {
  return query<FingerprintRow>('MATCH (m:Meta {key: $key}) RETURN m.value AS value', { key }, ['value']);
}

/** Load bookkeeping: the fingerprint recorded by the last load under `key`, if any. */
export async function loadedFingerprint(ctx: ReadContext, key: string): Promise<string | null> {
  const [row] = await readRows(ctx.executor, loadedFingerprintStatement(key));
  return typeof row?.value === 'string' ? row.value : null;
}
