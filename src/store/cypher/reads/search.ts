import type { SearchResult } from '../../queries.js';
import { prepareQuery, scoreKeys } from '../../search/score.js';
import { getEntities } from './entities.js';
import { Slicer, sortInSlices } from '../../../event-loop/yielding.js';
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
  // Every entity is a candidate on the embedded backend: scored in slices (see yielding.ts).
  const hits: Array<{ id: string; name: string; score: number }> = [];
  const slicer = new Slicer();
  for (const row of rows) {
    if (slicer.due()) await slicer.pause();
    const score = scoreKeys(prepared, ctx.dialect.decode.strings(row.keys));
    if (score > 0) hits.push({ id: String(row.id), name: String(row.name), score });
  }
  const scored = (await sortInSlices(hits, (a, b) => b.score - a.score || a.name.localeCompare(b.name) || a.id.localeCompare(b.id), slicer)).slice(0, q.limit);
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
