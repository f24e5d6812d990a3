import { NAME_KEY_LENGTH, type EntityFilter, type EntityOrderKey, type KindCount, type OrderedEntity } from '../../queries.js';
import type { EntityKind } from '../../records.js';
import { prop } from '../statements.js';
import { decodeEntity } from './entities.js';
import { bindClause, compileEntityWhere, relationPattern, withSurvivorIds, type CompiledWhere } from './entity-where.js';
import { keysetCondition, orderByClause, type KeysetPosition, type SortKey } from './keyset.js';
import { query, readRows, type BuildContext, type Query, type ReadContext } from './query.js';

/**
 * `entities(where, orderBy)`: a page of entities in any order, counted, and counted by
 * kind, each one statement (one more when the filter names ids, to read merged ones as
 * their survivors).
 *
 * Cost: every order but ID sorts all matching entities (NAME and DATE read a column of
 * each; DEGREE counts each one's relations), so it grows with the whole graph when the
 * filter does not narrow it; so do the counts.
 */

/** A page row: the entity and its sort key values `k0`.. (as many as the order has keys). */
export type FoundRow = { e: unknown } & Record<string, unknown>;

export interface CountRow {
  n: unknown;
}

export interface KindCountRow {
  kind: unknown;
  n: unknown;
}

/** The non-null key expression of an order key on `e`: a missing value sorts last in either direction. */
function sortKey(ctx: BuildContext, key: EntityOrderKey): SortKey {
  switch (key.field) {
    case 'ID':
      return { expr: 'e.id', direction: key.direction };
    case 'NAME':
      // The first NAME_KEY_LENGTH characters, ties by id: a cursor carries this key, not a
      // name of any length, so it stays within `after`'s limit.
      return { expr: `left(toLower(e.name), ${NAME_KEY_LENGTH})`, direction: key.direction };
    case 'DATE': {
      const date = ctx.ontology.entityAttributes.find((a) => a.name === 'date' && a.type === 'partialDate');
      if (!date) throw new Error('ontology: the DATE order needs a partial date field `date` on an entity type');
      // Partial dates sort as text; '~' sorts after every date, '' before.
      return { expr: `coalesce(e.${prop(date.name)}, '${key.direction === 'ASC' ? '~' : ''}')`, direction: key.direction };
    }
    case 'DEGREE': {
      // Counted per entity in the statement: with no index on it, the order reads every matching entity's relations.
      const { pattern, where } = relationPattern(ctx, 'e', 'r', key.types, 'BOTH');
      return { expr: `COUNT { MATCH ${pattern} WHERE ${where} }`, direction: key.direction };
    }
  }
}

/** `MATCH (e:Entity)` of the entities not merged away that match `w`, after the bound parameters. */
function matching(w: CompiledWhere): string {
  return `${bindClause(w)}MATCH (e:Entity) WHERE e.mergedInto IS NULL${w.where ? ` AND ${w.where}` : ''}`;
}

/**
 * A page in `order` then by id, after `after`. With keys, they are projected as `k0`..
 * (a DEGREE key is a subquery, computed once per entity) and returned for the cursor.
 */
export function findEntitiesStatement(
  ctx: BuildContext,
  q: { where: EntityFilter | null; order: readonly EntityOrderKey[]; after: KeysetPosition | null; limit: number },
): Query<FoundRow> {
  const w = compileEntityWhere(ctx, q.where);
  const keys = q.order.map((k) => sortKey(ctx, k));
  const aliased = keys.map((k, i): SortKey => ({ expr: `k${i}`, direction: k.direction }));
  const after = keysetCondition(aliased, 'e.id', q.after, 'c');
  const params = { ...w.params, ...after.params, limit: q.limit };
  const columns = ['e', ...aliased.map((k) => k.expr)];
  if (keys.length === 0) {
    return query<FoundRow>(`${matching(w)}${after.where ? ` AND ${after.where}` : ''} RETURN e ORDER BY e.id LIMIT $limit`, params, columns);
  }
  const projected = keys.map((k, i) => `${k.expr} AS k${i}`).join(', ');
  return query<FoundRow>(
    `${matching(w)} WITH e, ${projected}${after.where ? ` WHERE ${after.where}` : ''} RETURN ${columns.join(', ')} ${orderByClause(aliased, 'e.id')} LIMIT $limit`,
    params,
    columns,
  );
}

export function countMatchingEntitiesStatement(ctx: BuildContext, where: EntityFilter | null): Query<CountRow> {
  const w = compileEntityWhere(ctx, where);
  return query<CountRow>(`${matching(w)} RETURN count(e) AS n`, w.params, ['n']);
}

export function entityCountsStatement(ctx: BuildContext, where: EntityFilter | null): Query<KindCountRow> {
  const w = compileEntityWhere(ctx, where);
  return query<KindCountRow>(`${matching(w)} RETURN e.kind AS kind, count(e) AS n ORDER BY n DESC, kind`, w.params, ['kind', 'n']);
}

export async function findEntities(
  ctx: ReadContext,
  q: { where: EntityFilter | null; order: readonly EntityOrderKey[]; after: KeysetPosition | null; limit: number },
): Promise<OrderedEntity[]> {
  const where = await withSurvivorIds(ctx, q.where);
  const rows = await readRows(ctx.executor, findEntitiesStatement(ctx, { ...q, where }));
  return rows.map((row) => ({
    entity: decodeEntity(ctx, row.e),
    keys: q.order.map((k, i) => (k.field === 'DEGREE' ? ctx.dialect.decode.number(row[`k${i}`]) : String(row[`k${i}`]))),
  }));
}

export async function countEntities(ctx: ReadContext, where: EntityFilter | null): Promise<number> {
  const rows = await readRows(ctx.executor, countMatchingEntitiesStatement(ctx, await withSurvivorIds(ctx, where)));
  return rows[0] ? ctx.dialect.decode.number(rows[0].n) : 0;
}

export async function entityCounts(ctx: ReadContext, where: EntityFilter | null): Promise<KindCount[]> {
  const rows = await readRows(ctx.executor, entityCountsStatement(ctx, await withSurvivorIds(ctx, where)));
  const kinds: readonly string[] = ctx.ontology.kinds;
  const isKind = (k: string): k is EntityKind => kinds.includes(k);
  return rows.map((row) => {
    const kind = String(row.kind);
    if (!isKind(kind)) throw new Error(`an entity has kind ${JSON.stringify(kind)}, which the ontology does not have`);
    return { kind, count: ctx.dialect.decode.number(row.n) };
  });
}
