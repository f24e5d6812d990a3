import type { SearchResult } from '../../queries.js';
import { prepareQuery, scoreKeys } from '../../search/score.js';
import { getEntities } from './entities.js';
import { allKinds, query, readRows, type BuildContext, type Query, type ReadContext } from './query.js';

/** A search candidate: the shared scorer ranks it by its keys, so every backend ranks alike. */
export interface CandidateRow {
  id: unknown;
  name: unknown;
  keys: unknown;
}

/** Candidate entities of `kinds` for `text`, from the dialect's source (a full-text index, or every entity). */
export function searchCandidatesStatement(ctx: BuildContext, text: string, kinds: readonly string[] | null): Query<CandidateRow> {
  const { clause, v, params } = ctx.dialect.searchSource;
  return query<CandidateRow>(
    `${clause} WHERE ${v}.kind IN $kinds AND ${v}.mergedInto IS NULL RETURN ${v}.id AS id, ${v}.name AS name, ${v}.searchKeys AS keys`,
    { ...params(text), kinds: [...(kinds ?? allKinds(ctx))] },
    ['id', 'name', 'keys'],
  );
}

export async function search(ctx: ReadContext, q: { text: string; kinds: readonly string[] | null; limit: number }): Promise<SearchResult[]> {
  const prepared = prepareQuery(q.text);
  if (!prepared.folded) return [];
  const rows = await readRows(ctx.executor, searchCandidatesStatement(ctx, q.text, q.kinds));
  const scored = rows
    .map((row) => ({ id: String(row.id), name: String(row.name), score: scoreKeys(prepared, ctx.dialect.decode.strings(row.keys)) }))
    .filter((hit) => hit.score > 0)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    .slice(0, q.limit);
  if (scored.length === 0) return [];
  const entities = new Map(
    (
      await getEntities(
        ctx,
        scored.map((s) => s.id),
      )
    ).map((e) => [e.id, e]),
  );
  return scored.flatMap((s) => {
    const entity = entities.get(s.id);
    return entity ? [{ entity, score: s.score }] : [];
  });
}
