import type { InForce, PathResult } from '../../queries.js';
import { checkedTypes } from '../dialect.js';
import { decodeEntity, getEntities, survivorIds } from './entities.js';
import { boundedInt, query, readRows, type BuildContext, type Query, type ReadContext } from './query.js';
import { inForceRelation } from './relation-time.js';

/** One path: its nodes, and its relationships in the dialect's path form. */
export interface PathRow {
  ns: unknown;
  rs: unknown;
}

/** With `inForce`, every relation of a path must be in force on its date. */
export function shortestPathsStatement(
  ctx: BuildContext,
  from: string,
  to: string,
  maxLength: number,
  types: readonly string[] | null,
  limit: number,
  inForce: InForce | null = null,
): Query<PathRow> {
  const d = ctx.dialect;
  const { clauses, params } = d.allShortestPaths(boundedInt('maxLength', maxLength, 1, 6), types ? checkedTypes(ctx.ontology, types) : null, inForceRelation(inForce));
  return query<PathRow>(`${clauses} RETURN nodes(p) AS ns, ${d.pathRels('p')} AS rs LIMIT $limit`, { ...params, from, to, limit }, ['ns', 'rs']);
}

export interface ShortestPathsQuery {
  from: string;
  to: string;
  maxLength: number;
  types: readonly string[] | null;
  limit: number;
  inForce?: InForce | null;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

async function read(ctx: ReadContext, q: ShortestPathsQuery): Promise<PathResult[]> {
  if (q.from === q.to) return (await getEntities(ctx, [q.from])).map((e) => ({ nodes: [e], edges: [] }));
  const rows = await readRows(ctx.executor, shortestPathsStatement(ctx, q.from, q.to, q.maxLength, q.types, q.limit, q.inForce ?? null));
  const paths = rows.map((row) => {
    const nodes = list(row.ns);
    return { nodes: nodes.map((v) => decodeEntity(ctx, v)), edges: ctx.dialect.decode.pathRelations(ctx.ontology, nodes, list(row.rs)) };
  });
  // The engines' order is arbitrary; a stable one makes answers reproducible.
  const key = (p: PathResult) => p.edges.map((e) => e.id).join(' ');
  return paths.sort((x, y) => key(x).localeCompare(key(y)));
}

/**
 * Every shortest path between two entities; ends merged into other entities are read as
 * their survivors. Only when no path is found are the ends looked up (one statement), and
 * the paths read again if either was merged.
 */
export async function shortestPaths(ctx: ReadContext, q: ShortestPathsQuery): Promise<PathResult[]> {
  const found = await read(ctx, q);
  if (found.length > 0) return found;
  const live = await survivorIds(ctx, [q.from, q.to]);
  const from = live.get(q.from) ?? q.from;
  const to = live.get(q.to) ?? q.to;
  return from === q.from && to === q.to ? found : read(ctx, { ...q, from, to });
}
