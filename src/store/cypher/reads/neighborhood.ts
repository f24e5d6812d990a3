import { Slicer, sortInSlices } from '../../../budget/yielding.js';
import { AnswerTooLargeError } from '../../errors.js';
import type { EntityRecord, RelationRecord, SubgraphResult } from '../../graph-store.js';
import { checkedTypes } from '../dialect.js';
import { decodeEntity } from './entities.js';
import { active, allTypes, boundedInt, query, readRows, typesOrAll, type BuildContext, type Query, type ReadContext } from './query.js';

/** The start entity on every row, and one entity within reach per row (null: none). */
export interface ReachRow {
  s: unknown;
  m: unknown;
}

/** The start entity and every entity within `depth` hops, one row each. */
export function reachStatement(ctx: BuildContext, id: string, depth: number, types: readonly string[] | null, limit: number): Query<ReachRow> {
  const { pattern, where } = ctx.dialect.reach(boundedInt('depth', depth, 1, 3), types ? checkedTypes(ctx.ontology, types) : null);
  return query<ReachRow>(`MATCH (s:Entity {id: $id}) OPTIONAL MATCH (s)${pattern}(m:Entity)${where ? ` WHERE ${where}` : ''} RETURN DISTINCT s, m LIMIT $limit`, { id, limit }, [
    's',
    'm',
  ]);
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
export function relationsAmongStatement(ctx: BuildContext, ids: readonly string[], types: readonly string[] | null, limit: number): Query<RelationWithEndsRow> {
  const d = ctx.dialect;
  return query<RelationWithEndsRow>(
    `MATCH (a:Entity)-[${d.rel('r')}]->(b:Entity) WHERE a.id IN $ids AND b.id IN $ids AND ${d.relType('r')} IN $types${active(false)} RETURN a.id AS fromId, r, b.id AS toId LIMIT $limit`,
    { ids: [...ids], types: typesOrAll(ctx, types), limit },
    ['fromId', 'r', 'toId'],
  );
}

export interface RelationEndsRow {
  fromId: unknown;
  id: unknown;
  toId: unknown;
}

/** Every live relation (of `types`) as its id and the ids of its ends: one pass, no values. */
export function relationEndsStatement(ctx: BuildContext, types: readonly string[] | null): Query<RelationEndsRow> {
  const d = ctx.dialect;
  return query<RelationEndsRow>(
    `MATCH (a:Entity)-[${d.rel('r')}]->(b:Entity) WHERE ${d.relType('r')} IN $types${active(false)} RETURN a.id AS fromId, r.id AS id, b.id AS toId`,
    { types: typesOrAll(ctx, types) },
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

export interface NeighborhoodQuery {
  id: string;
  depth: number;
  types: readonly string[] | null;
  maxEntities: number;
  maxRelations: number;
}

/**
 * The subgraph around an entity. The start comes back on every row of the first
 * statement, `mergedInto` included, so a merged id costs one more statement (the same,
 * around the survivor) and nothing else.
 */
export async function neighborhood(ctx: ReadContext, q: NeighborhoodQuery): Promise<SubgraphResult> {
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
  const rows = await readRows(ctx.executor, reachStatement(ctx, q.id, q.depth, q.types, q.maxEntities));
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
  const amongRows = await relationsAmong(ctx, nodes, q.types, q.maxRelations);
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
async function relationsAmong(ctx: ReadContext, nodes: ReadonlyMap<string, EntityRecord>, types: readonly string[] | null, max: number): Promise<RelationWithEndsRow[]> {
  if (nodes.size <= ctx.dialect.idListMax) {
    const rows = await readRows(ctx.executor, relationsAmongStatement(ctx, [...nodes.keys()], types, max + 1));
    if (rows.length > max) throw new AnswerTooLargeError('relations', max);
    return rows;
  }
  const ends = await readRows(ctx.executor, relationEndsStatement(ctx, types));
  const inside = ends.filter((e) => nodes.has(String(e.fromId)) && nodes.has(String(e.toId))).map((e) => String(e.id));
  if (inside.length > max) throw new AnswerTooLargeError('relations', max);
  return inside.length === 0 ? [] : readRows(ctx.executor, relationsWithEndIdsStatement(ctx, inside));
}
