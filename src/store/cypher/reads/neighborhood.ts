import { Slicer, sortInSlices } from '../../../event-loop/yielding.js';
import { AnswerTooLargeError } from '../../errors.js';
import type { EntityRecord, RelationRecord } from '../../records.js';
import type { InForce, NeighborhoodQuery, SubgraphResult } from '../../queries.js';
import { checkedTypes } from '../dialect.js';
import { decodeEntity } from './entities.js';
import { active, allTypes, boundedInt, query, readRows, typesOrAll, type BuildContext, type Query, type ReadContext } from './query.js';
import { inForceAtCondition, inForceRelation } from './relation-time.js';

/** The start entity on every row, and one entity within reach per row (null: none). */
export interface ReachRow {
  s: unknown;
  m: unknown;
}

/**
 * The start entity and every entity within `depth` hops, one row each; with `inForce`,
 * over relations in force on its date only (every hop of the way).
 */
export function reachStatement(ctx: BuildContext, id: string, depth: number, types: readonly string[] | null, limit: number, inForce: InForce | null = null): Query<ReachRow> {
  const { pattern, where, params } = ctx.dialect.reach(boundedInt('depth', depth, 1, 3), types ? checkedTypes(ctx.ontology, types) : null, inForceRelation(inForce));
  return query<ReachRow>(
    `MATCH (s:Entity {id: $id}) OPTIONAL MATCH (s)${pattern}(m:Entity)${where ? ` WHERE ${where}` : ''} RETURN DISTINCT s, m LIMIT $limit`,
    { ...params, id, limit },
    ['s', 'm'],
  );
}

/** ` AND <r in force>` with its parameters, or nothing without `inForce`. */
function inForceOfR(inForce: InForce | null): { and: string; params: Record<string, unknown> } {
  if (!inForce) return { and: '', params: {} };
  const { where, params } = inForceAtCondition('r', 'asOf', inForce.asOf, inForce.includeUndated);
  return { and: ` AND ${where}`, params };
}

/** A relation with the ids of its ends only: the caller has the entities already. */
export interface RelationWithEndsRow {
  fromId: unknown;
  r: unknown;
  toId: unknown;
}

/**
 * Relations whose both ends are among `ids`: decoding their ends again per relation
 * dominated big answers.
 */
export function relationsAmongStatement(
  ctx: BuildContext,
  ids: readonly string[],
  types: readonly string[] | null,
  limit: number,
  inForce: InForce | null = null,
): Query<RelationWithEndsRow> {
  const d = ctx.dialect;
  const time = inForceOfR(inForce);
  return query<RelationWithEndsRow>(
    `MATCH (a:Entity)-[${d.rel('r')}]->(b:Entity) WHERE a.id IN $ids AND b.id IN $ids AND ${d.relType('r')} IN $types${active(false)}${time.and} RETURN a.id AS fromId, r, b.id AS toId LIMIT $limit`,
    { ids: [...ids], types: typesOrAll(ctx, types), limit, ...time.params },
    ['fromId', 'r', 'toId'],
  );
}

export interface RelationEndsRow {
  fromId: unknown;
  id: unknown;
  toId: unknown;
}

/** Every live relation (of `types`) as its id and the ids of its ends: one pass, no values. */
export function relationEndsStatement(ctx: BuildContext, types: readonly string[] | null, inForce: InForce | null = null): Query<RelationEndsRow> {
  const d = ctx.dialect;
  const time = inForceOfR(inForce);
  return query<RelationEndsRow>(
    `MATCH (a:Entity)-[${d.rel('r')}]->(b:Entity) WHERE ${d.relType('r')} IN $types${active(false)}${time.and} RETURN a.id AS fromId, r.id AS id, b.id AS toId`,
    { types: typesOrAll(ctx, types), ...time.params },
    ['fromId', 'id', 'toId'],
  );
}

/** Relations by id, with the ids of their ends, as `relationsAmong` returns them. */
export function relationsWithEndIdsStatement(ctx: BuildContext, ids: readonly string[]): Query<RelationWithEndsRow> {
  return query<RelationWithEndsRow>(`${ctx.dialect.relationsById(allTypes(ctx), { a: 'a:Entity', b: 'b:Entity' })} RETURN a.id AS fromId, r, b.id AS toId`, { ids: [...ids] }, [
    'fromId',
    'r',
    'toId',
  ]);
}

/** The start entity on every row, and one of its relations with the entity at its other end (null: none). */
export interface FirstRingRow {
  s: unknown;
  r: unknown;
  m: unknown;
}

/**
 * A page of the start's live relations (of `types`, in force with `inForce`) in id order
 * after the relation id `after`, each with the entity at its other end: a keyset page, so
 * relations added before the cursor do not move the next page. The start comes on every
 * row (and alone when it has none). Its cost follows the start's own relations, which the
 * database reads and sorts, not the graph.
 */
export function firstRingStatement(
  ctx: BuildContext,
  id: string,
  types: readonly string[] | null,
  after: string | null,
  limit: number,
  inForce: InForce | null = null,
): Query<FirstRingRow> {
  const d = ctx.dialect;
  const time = inForceOfR(inForce);
  return query<FirstRingRow>(
    `MATCH (s:Entity {id: $id}) OPTIONAL MATCH (s)-[${d.rel('r')}]-(m:Entity) WHERE ${d.relType('r')} IN $types${active(false)}${after === null ? '' : ' AND r.id > $after'}${time.and} ` +
      'RETURN s, r, m ORDER BY r.id LIMIT $limit',
    { id, types: typesOrAll(ctx, types), ...(after === null ? {} : { after }), limit, ...time.params },
    ['s', 'r', 'm'],
  );
}

/**
 * The subgraph around an entity. The start comes back on every row of the first
 * statement, `mergedInto` included, so a merged id costs one more statement (the same,
 * around the survivor) and nothing else.
 */
export async function neighborhood(ctx: ReadContext, q: NeighborhoodQuery): Promise<SubgraphResult> {
  if (q.page) return firstRing(ctx, q, q.page);
  const first = await reach(ctx, q);
  if (!first.start?.mergedInto) return collect(ctx, q, first);
  const second = await reach(ctx, { ...q, id: first.start.mergedInto });
  return collect(ctx, q, second.start?.mergedInto ? { start: null, rows: [] } : second);
}

interface Reached {
  start: EntityRecord | null;
  rows: ReachRow[];
}

async function reach(ctx: ReadContext, q: NeighborhoodQuery): Promise<Reached> {
  // A row per entity besides the start: `maxEntities` of them make one too many, and
  // the limit stops the engine there rather than reading them all.
  const rows = await readRows(ctx.executor, reachStatement(ctx, q.id, q.depth, q.types, q.maxEntities, q.inForce ?? null));
  // The start entity comes on every row; it is decoded once.
  const start = rows[0]?.s;
  return { start: start === null || start === undefined ? null : decodeEntity(ctx, start), rows };
}

async function collect(ctx: ReadContext, q: NeighborhoodQuery, { start, rows }: Reached): Promise<SubgraphResult> {
  if (rows.filter((row) => row.m !== null && row.m !== undefined).length >= q.maxEntities) throw new AnswerTooLargeError('entities', q.maxEntities);
  if (!start) return { nodes: [], edges: [], start: null };
  const nodes = new Map<string, EntityRecord>([[start.id, start]]);
  // Decoding tens of thousands of records takes seconds: done in slices, so the server
  // keeps answering other requests meanwhile.
  const slicer = new Slicer();
  for (const row of rows) {
    if (slicer.due()) await slicer.pause();
    if (row.m === null || row.m === undefined) continue;
    const e = decodeEntity(ctx, row.m);
    nodes.set(e.id, e);
  }
  const amongRows = await relationsAmong(ctx, nodes, q.types, q.maxRelations, q.inForce ?? null);
  const edges = new Map<string, RelationRecord>();
  for (const row of amongRows) {
    if (slicer.due()) await slicer.pause();
    const rel = ctx.dialect.decode.relation(ctx.ontology, row.r, String(row.fromId), String(row.toId));
    edges.set(rel.id, rel);
  }
  return { nodes: [...nodes.values()], edges: await sortInSlices([...edges.values()], (x, y) => x.id.localeCompare(y.id), slicer), start };
}

/**
 * Relations with both ends among `nodes`: by the id list, or, past the dialect's
 * `idListMax`, by one pass over all relations' end ids sifted here, which also tells
 * cheaply when the answer would be over `max`, before any relation is read.
 */
async function relationsAmong(
  ctx: ReadContext,
  nodes: ReadonlyMap<string, EntityRecord>,
  types: readonly string[] | null,
  max: number,
  inForce: InForce | null,
): Promise<RelationWithEndsRow[]> {
  if (nodes.size <= ctx.dialect.idListMax) {
    const rows = await readRows(ctx.executor, relationsAmongStatement(ctx, [...nodes.keys()], types, max + 1, inForce));
    if (rows.length > max) throw new AnswerTooLargeError('relations', max);
    return rows;
  }
  const ends = await readRows(ctx.executor, relationEndsStatement(ctx, types, inForce));
  const inside = ends.filter((e) => nodes.has(String(e.fromId)) && nodes.has(String(e.toId))).map((e) => String(e.id));
  if (inside.length > max) throw new AnswerTooLargeError('relations', max);
  return inside.length === 0 ? [] : readRows(ctx.executor, relationsWithEndIdsStatement(ctx, inside));
}

/**
 * A page of the first ring: one statement (two for a merged id, the second around the
 * survivor). One row over the page's size tells whether another page follows.
 */
async function firstRing(ctx: ReadContext, q: NeighborhoodQuery, page: { after: string | null; limit: number }): Promise<SubgraphResult> {
  const read = (id: string) => readRows(ctx.executor, firstRingStatement(ctx, id, q.types, page.after, page.limit + 1, q.inForce ?? null));
  let rows = await read(q.id);
  let start = rows[0] ? decodeEntity(ctx, rows[0].s) : null;
  if (start?.mergedInto) {
    rows = await read(start.mergedInto);
    start = rows[0] ? decodeEntity(ctx, rows[0].s) : null;
    if (start?.mergedInto) return { nodes: [], edges: [], start: null, hasNextPage: false };
  }
  if (!start) return { nodes: [], edges: [], start: null, hasNextPage: false };
  const related = rows.filter((row) => row.r !== null && row.r !== undefined);
  const nodes = new Map<string, EntityRecord>([[start.id, start]]);
  const edges: RelationRecord[] = [];
  for (const row of related.slice(0, page.limit)) {
    const other = decodeEntity(ctx, row.m);
    nodes.set(other.id, other);
    // The relation's ends named by the two nodes, in its stored direction.
    edges.push(...ctx.dialect.decode.pathRelations(ctx.ontology, [row.s, row.m], [row.r]));
  }
  return { nodes: [...nodes.values()], edges, start, hasNextPage: related.length > page.limit };
}
