import { query, readRows, type Query, type ReadContext } from './query.js';

export interface VersionRow {
  changes: unknown;
  latest: unknown;
}

export function graphVersionStatement(): Query<VersionRow> {
  return query<VersionRow>('MATCH (c:Change) RETURN count(c) AS changes, max(c.id) AS latest', {}, ['changes', 'latest']);
}

/** Changes whenever the graph does: the number of audit entries and the latest one's id. */
export async function graphVersion(ctx: ReadContext): Promise<string> {
  // The count moves with every write even if another process's clock gives its change
  // an id that sorts below the latest one.
  const [row] = await readRows(ctx.executor, graphVersionStatement());
  return `${ctx.dialect.decode.number(row?.changes ?? 0)}:${typeof row?.latest === 'string' ? row.latest : ''}`;
}
