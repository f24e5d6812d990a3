import type { EntityRecord, RelationRecord } from '../../records.js';
import type { RelationFilter, RelationPage, RelationPageQuery, RelationPosition, RelationSort, SortKeyValue } from '../../queries.js';
import { decodeEntity, survivorIds } from './entities.js';
import { keysetCondition, orderByClause, type SortKey } from './keyset.js';
import { RELATION_COLUMNS, type RelationRow } from './relation-rows.js';
import { endOf } from './relation-time.js';
import { required } from '../../relation-filter.js';
import { compileRelationWhere, namedIds, readsEnds, withoutRequiredEither, withSurvivors } from './relation-where.js';
import { query, readRows, type BuildContext, type Query, type ReadContext } from './query.js';

/**
 * Pages of relations filtered by a `RelationWhere`, in any order (`RelationOrder`), with
 * keyset cursors; their counts. Each page is one statement whose shape follows what the
 * filter requires of every relation:
 *
 * - an entity at either end (`either`): the relations out of it and into it, found from
 *   the entity (an id lookup), each side ordered and cut to the page in the database,
 *   merged here; for several entities (the parents of `Entity.relationsConnection`), each
 *   side grouped per entity, ordered and cut to the page per entity;
 * - with relationship property indexes (Neo4j) and both ends known, the engine expands
 *   from the end with fewer relations;
 * - without them (LadybugDB) and no end known, the ids and sort keys are sorted apart and
 *   the page's rows read after, which costs far less than sorting whole rows with their ends;
 * - else one match filtered and sorted in the database.
 */

/**
 * A page row: a relation with its ends and its sort key values `k0`, `k1`, ...; a row of
 * pages per entity also names the entity (`pid`) whose page it belongs to.
 */
export type RelationKeyRow = RelationRow & { pid?: unknown } & Record<string, unknown>;

/**
 * The sort keys over relationship `v`, each non-null: a missing value is a sentinel that
 * sorts last in the key's direction (and is what a cursor after it carries).
 */
export function relationSortKeys(orderBy: readonly RelationSort[], v: string): SortKey[] {
  return orderBy.map(({ field, direction }): SortKey => {
    if (field === 'ID') return { expr: `${v}.id`, direction };
    if (field === 'DATE') return { expr: `coalesce(${v}.date, ${v}.start, ${endOf(v)}, '${direction === 'ASC' ? '~' : ''}')`, direction };
    return { expr: `coalesce(${v}.confidence, ${direction === 'ASC' ? '2.0' : '-1.0'})`, direction };
  });
}

const keyNames = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);

/** The order as sort keys named `k0`.. (already projected), then the id. */
const namedOrder = (orderBy: readonly RelationSort[], idExpr: string) =>
  orderByClause(
    orderBy.map((o, i) => ({ expr: `k${i}`, direction: o.direction })),
    idExpr,
  );

interface Compiled {
  where: string;
  params: Record<string, unknown>;
}

/** The filter, the retraction rule and the keyset position as one condition on `a`, `v`, `b`. */
function conditions(ctx: BuildContext, q: Pick<RelationPageQuery, 'where' | 'includeRetracted' | 'orderBy' | 'after'>, v: string): Compiled {
  const w = compileRelationWhere(ctx, q.where, { a: 'a', r: v, b: 'b' });
  const keyset = keysetCondition(relationSortKeys(q.orderBy, v), `${v}.id`, q.after, 'k');
  const parts = [...(w.where === 'true' ? [] : [w.where]), ...(q.includeRetracted ? [] : [`${v}.retractedAt IS NULL`]), ...(keyset.where ? [keyset.where] : [])];
  return { where: parts.length === 0 ? 'true' : parts.join(' AND '), params: { ...w.params, ...keyset.params } };
}

const projectKeys = (orderBy: readonly RelationSort[], v: string) =>
  relationSortKeys(orderBy, v)
    .map((k, i) => `, ${k.expr} AS k${i}`)
    .join('');

/**
 * For each entity of the list parameter `$ids`, its relations matching `cond` (on `a`,
 * `r`, `b`), ordered and cut to `$limit` per entity: those out of it, then those into it
 * (a relation from the entity to itself only once). Rows of one entity come in order
 * within each side; `mergeAnchored` merges the sides.
 */
function anchoredPage(ctx: BuildContext, q: RelationPageQuery, cond: Compiled): { cypher: string; columns: string[] } {
  const d = ctx.dialect;
  const keys = keyNames(q.orderBy.length);
  const side = (pattern: string, extra: string) =>
    `UNWIND $ids AS pid MATCH ${pattern} WHERE ${extra}${cond.where} ` +
    `WITH pid, a, r, b${projectKeys(q.orderBy, 'r')} ${namedOrder(q.orderBy, 'r.id')} SKIP 0 ` +
    `WITH pid, collect({${['a: a', 'r: r', 'b: b', ...keys.map((k) => `${k}: ${k}`)].join(', ')}}) AS rows ` +
    `UNWIND ${d.listHead('rows', '$limit')} AS row RETURN pid, row.a AS a, row.r AS r, row.b AS b${keys.map((k) => `, row.${k} AS ${k}`).join('')}`;
  return {
    cypher: `${side(`(a:Entity {id: pid})-[${d.rel('r')}]->(b:Entity)`, '')} UNION ALL ${side(`(a:Entity)-[${d.rel('r')}]->(b:Entity {id: pid})`, 'a.id <> pid AND ')}`,
    columns: ['pid', ...RELATION_COLUMNS, ...keys],
  };
}

/** Pages of the relations of each of `ids` (the entity at either end) matching the query. */
export function relationPagesOfStatement(ctx: BuildContext, q: RelationPageQuery & { ids: readonly string[] }): Query<RelationKeyRow> {
  const cond = conditions(ctx, q, 'r');
  const { cypher, columns } = anchoredPage(ctx, q, cond);
  return query<RelationKeyRow>(cypher, { ...cond.params, ids: [...q.ids], limit: q.limit }, columns);
}

/** One page of relations matching the query (see the module comment for its shapes). */
export function relationPageStatement(ctx: BuildContext, q: RelationPageQuery): Query<RelationKeyRow> {
  const d = ctx.dialect;
  const from = required(q.where, 'from');
  const to = required(q.where, 'to');
  const either = required(q.where, 'either');
  const keys = keyNames(q.orderBy.length);
  const columns = [...RELATION_COLUMNS, ...keys];
  const returned = `RETURN a, r, b${projectKeys(q.orderBy, 'r')} ${namedOrder(q.orderBy, 'r.id')} LIMIT $limit`;
  if (either !== null && (from === null || to === null)) {
    // One entity: each side ordered and cut in the database (LadybugDB sorts whole rows
    // carried through a grouping slowly, so the grouped shape is for several entities only).
    const cond = conditions(ctx, { ...q, where: withoutRequiredEither(q.where, either) }, 'r');
    const side = (pattern: string, extra: string) => `MATCH ${pattern} WHERE ${extra}${cond.where} ${returned}`;
    return query<RelationKeyRow>(
      `${side(`(a:Entity {id: $anchor})-[${d.rel('r')}]->(b:Entity)`, '')} UNION ALL ${side(`(a:Entity)-[${d.rel('r')}]->(b:Entity {id: $anchor})`, 'a.id <> $anchor AND ')}`,
      { ...cond.params, anchor: either, limit: q.limit },
      columns,
    );
  }
  if (d.relationIndexes && from !== null && to !== null) {
    const cond = conditions(ctx, q, 'r');
    return query<RelationKeyRow>(
      `${d.entityPair('$anchorFrom', '$anchorTo')} MATCH (a)-[r]->(b) WHERE ${cond.where} ${returned}`,
      { ...cond.params, anchorFrom: from, anchorTo: to, limit: q.limit },
      columns,
    );
  }
  if (!d.relationIndexes && from === null && to === null) {
    const cond = conditions(ctx, q, 'x');
    const ends = readsEnds(q.where) ? ['(a:Entity)', '(b:Entity)'] : ['()', '()'];
    const sortKeys = relationSortKeys(q.orderBy, 'x');
    return query<RelationKeyRow>(
      `MATCH ${ends[0]}-[x:Relation]->${ends[1]} WHERE ${cond.where} ` +
        `WITH x.id AS rid${sortKeys.map((k, i) => `, ${k.expr} AS k${i}`).join('')} ${namedOrder(q.orderBy, 'rid')} LIMIT $limit ` +
        `MATCH (a:Entity)-[r:Relation]->(b:Entity) WHERE r.id = rid RETURN a, r, b${keys.map((k) => `, ${k}`).join('')} ${namedOrder(q.orderBy, 'r.id')}`,
      { ...cond.params, limit: q.limit },
      columns,
    );
  }
  const cond = conditions(ctx, q, 'r');
  return query<RelationKeyRow>(`MATCH (a:Entity)-[${d.rel('r')}]->(b:Entity) WHERE ${cond.where} ${returned}`, { ...cond.params, limit: q.limit }, columns);
}

function keyValues(ctx: BuildContext, row: Record<string, unknown>, n: number): SortKeyValue[] {
  return keyNames(n).map((k) => {
    const v = row[k];
    return typeof v === 'string' ? v : ctx.dialect.decode.number(v);
  });
}

/** The database's order of two rows by their keys, then ids (values of one key have one type). */
export function compareKeyed(orderBy: readonly RelationSort[], x: RelationPosition, y: RelationPosition): number {
  for (let i = 0; i < orderBy.length; i += 1) {
    const a = x.keys[i]!;
    const b = y.keys[i]!;
    if (a === b) continue;
    const before = a < b ? -1 : 1;
    return orderBy[i]!.direction === 'ASC' ? before : -before;
  }
  return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
}

/** Decoded rows as a page, in the query's order, at most `limit` (a relation read twice once). */
function toPage(ctx: BuildContext, q: RelationPageQuery, rows: readonly RelationKeyRow[], where: RelationFilter | null): RelationPage {
  const entities = new Map<string, EntityRecord>();
  const relations = new Map<string, RelationRecord>();
  const keys = new Map<string, SortKeyValue[]>();
  for (const row of rows) {
    const a = decodeEntity(ctx, row.a);
    const b = decodeEntity(ctx, row.b);
    const rel = ctx.dialect.decode.relation(ctx.ontology, row.r, a.id, b.id);
    entities.set(a.id, a);
    entities.set(b.id, b);
    relations.set(rel.id, rel);
    keys.set(rel.id, keyValues(ctx, row, q.orderBy.length));
  }
  const position = (id: string): RelationPosition => ({ keys: keys.get(id) ?? [], id });
  const page = [...relations.values()].sort((x, y) => compareKeyed(q.orderBy, position(x.id), position(y.id))).slice(0, q.limit);
  const ends = new Set(page.flatMap((r) => [r.from, r.to]));
  return { relations: page, entities: [...entities.values()].filter((e) => ends.has(e.id)), keys, where };
}

/**
 * Reads with `where`, its merged ids read as their survivors. When every id is required
 * (a merged-away id keeps no relations, so it can only empty the answer), the ids are
 * looked up only after an empty answer; otherwise first. One more statement either way.
 */
export async function withLiveIds<T>(
  ctx: ReadContext,
  where: RelationFilter | null,
  read: (w: RelationFilter | null) => Promise<T>,
  empty: (t: T) => boolean,
): Promise<{ result: T; where: RelationFilter | null }> {
  const named = namedIds(where);
  if (named.ids.length === 0) return { result: await read(where), where };
  let first: T | undefined;
  if (named.onlyRequired) {
    first = await read(where);
    if (!empty(first)) return { result: first, where };
  }
  const survivors = await survivorIds(ctx, named.ids);
  const live = withSurvivors(where, survivors);
  if (first !== undefined && [...survivors].every(([id, s]) => id === s)) return { result: first, where };
  return { result: await read(live), where: live };
}

export async function relationPage(ctx: ReadContext, q: RelationPageQuery): Promise<RelationPage> {
  const { result } = await withLiveIds(
    ctx,
    q.where,
    async (where) => toPage(ctx, q, await readRows<RelationKeyRow>(ctx.executor, relationPageStatement(ctx, { ...q, where })), where),
    (page) => page.relations.length === 0,
  );
  return result;
}

/**
 * For each of `ids` (live entities), its page; one statement, and one more to look up
 * merged ids in `where` (as `withLiveIds`: only when every page came back empty, if
 * each id is required).
 */
export async function relationPagesOf(ctx: ReadContext, q: RelationPageQuery & { ids: readonly string[] }): Promise<Map<string, RelationPage>> {
  if (q.ids.length === 0) return new Map();
  const { result } = await withLiveIds(
    ctx,
    q.where,
    async (where) => {
      const pages = new Map<string, RelationPage>();
      const rows = await readRows(ctx.executor, relationPagesOfStatement(ctx, { ...q, where }));
      const byParent = new Map<string, RelationKeyRow[]>();
      for (const row of rows) {
        const pid = String(row.pid);
        byParent.set(pid, [...(byParent.get(pid) ?? []), row]);
      }
      for (const id of q.ids) pages.set(id, toPage(ctx, q, byParent.get(id) ?? [], where));
      return pages;
    },
    (pages) => [...pages.values()].every((p) => p.relations.length === 0),
  );
  return result;
}

/** A count; per entity (`pid`) when counted for several. */
export interface CountRow {
  n: unknown;
  pid?: unknown;
}

/** For each of `$ids`, how many relations match (out of it, and into it but not from it). */
export function countRelationsOfStatement(ctx: BuildContext, q: { ids: readonly string[]; where: RelationFilter | null; includeRetracted: boolean }): Query<CountRow> {
  const d = ctx.dialect;
  const cond = conditions(ctx, { ...q, orderBy: [], after: null }, 'r');
  const side = (pattern: string, extra: string) => `UNWIND $ids AS pid MATCH ${pattern} WHERE ${extra}${cond.where} RETURN pid, count(r) AS n`;
  return query<CountRow>(
    `${side(`(a:Entity {id: pid})-[${d.rel('r')}]->(b:Entity)`, '')} UNION ALL ${side(`(a:Entity)-[${d.rel('r')}]->(b:Entity {id: pid})`, 'a.id <> pid AND ')}`,
    { ...cond.params, ids: [...q.ids] },
    ['pid', 'n'],
  );
}

/** How many relations match; from the entity when one at either end is required. */
export function countRelationsStatement(ctx: BuildContext, q: { where: RelationFilter | null; includeRetracted: boolean }): Query<CountRow> {
  const either = required(q.where, 'either');
  if (either !== null) return countRelationsOfStatement(ctx, { ...q, where: withoutRequiredEither(q.where, either), ids: [either] });
  const cond = conditions(ctx, { ...q, orderBy: [], after: null }, 'r');
  const ends = readsEnds(q.where) ? ['(a:Entity)', '(b:Entity)'] : ['()', '()'];
  return query<CountRow>(`MATCH ${ends[0]}-[${ctx.dialect.rel('r')}]->${ends[1]} WHERE ${cond.where} RETURN count(r) AS n`, cond.params, ['n']);
}

async function sumCounts(ctx: ReadContext, statement: Query<CountRow>): Promise<Map<string, number>> {
  const sums = new Map<string, number>();
  for (const row of await readRows(ctx.executor, statement)) {
    const key = row.pid === undefined ? '' : String(row.pid);
    sums.set(key, (sums.get(key) ?? 0) + ctx.dialect.decode.number(row.n));
  }
  return sums;
}

/** `where` is a page's (its ids survivors already, see GraphReads.countRelations): counted as it is. */
export async function countRelations(ctx: ReadContext, q: { where: RelationFilter | null; includeRetracted: boolean }): Promise<number> {
  return [...(await sumCounts(ctx, countRelationsStatement(ctx, q))).values()].reduce((s, n) => s + n, 0);
}

export async function countRelationsOf(ctx: ReadContext, q: { ids: readonly string[]; where: RelationFilter | null; includeRetracted: boolean }): Promise<Map<string, number>> {
  if (q.ids.length === 0) return new Map();
  const sums = await sumCounts(ctx, countRelationsOfStatement(ctx, q));
  return new Map(q.ids.map((id) => [id, sums.get(id) ?? 0]));
}
