import type { EntityRecord } from '../../records.js';
import { allKinds, query, readRows, type BuildContext, type Query, type ReadContext } from './query.js';

/** A row holding one entity node. */
export interface EntityRow {
  e: unknown;
}

export function decodeEntity(ctx: BuildContext, value: unknown): EntityRecord {
  return ctx.dialect.decode.entity(ctx.ontology, value);
}

export function getEntitiesStatement(ids: readonly string[]): Query<EntityRow> {
  // Unwound, each id is a key lookup; `e.id IN $ids` made LadybugDB read every entity.
  // Survivors of merges are looked up by a second statement, only when there are any:
  // following mergedInto in this one (OPTIONAL MATCH) joined against every entity, and
  // a second lookup after the unwind made LadybugDB 0.19 repeat the first row.
  return query<EntityRow>('UNWIND $ids AS i MATCH (e:Entity {id: i}) RETURN e', { ids: [...new Set(ids)] }, ['e']);
}

/** The entities stored under `ids` as they are, merged-away ones included (with `mergedInto`). */
export async function storedEntities(ctx: ReadContext, ids: readonly string[]): Promise<EntityRecord[]> {
  if (ids.length === 0) return [];
  return (await readRows(ctx.executor, getEntitiesStatement(ids))).map((row) => decodeEntity(ctx, row.e));
}

/**
 * Each of `ids` as the id of the entity it now is: a merged-away id as its survivor's
 * (merges resolve chains as they happen, so one step suffices); unknown ids stay as they are.
 * One round trip.
 */
export async function survivorIds(ctx: ReadContext, ids: readonly string[]): Promise<Map<string, string>> {
  const stored = await storedEntities(ctx, ids);
  return new Map(stored.map((e) => [e.id, e.mergedInto ?? e.id]));
}

/** Entities by id; an id merged into another entity resolves to the survivor (`resolvedFrom` set). */
export async function getEntities(ctx: ReadContext, ids: readonly string[]): Promise<EntityRecord[]> {
  const found = await storedEntities(ctx, ids);
  const mergedInto = [...new Set(found.flatMap((e) => (e.mergedInto ? [e.mergedInto] : [])))];
  if (mergedInto.length === 0) return found;
  const survivors = new Map((await storedEntities(ctx, mergedInto)).map((e) => [e.id, e]));
  return found.flatMap((e) => {
    if (!e.mergedInto) return [e];
    const survivor = survivors.get(e.mergedInto);
    return survivor ? [{ ...survivor, resolvedFrom: e.id }] : [];
  });
}

export function listEntitiesStatement(ctx: BuildContext, kinds: readonly string[] | null, after: string | null, limit: number): Query<EntityRow> {
  return query<EntityRow>(
    'MATCH (e:Entity) WHERE e.kind IN $kinds AND e.id > $after AND e.mergedInto IS NULL RETURN e ORDER BY e.id LIMIT $limit',
    { kinds: [...(kinds ?? allKinds(ctx))], after: after ?? '', limit },
    ['e'],
  );
}

export async function listEntities(ctx: ReadContext, q: { kinds: readonly string[] | null; after: string | null; limit: number }): Promise<EntityRecord[]> {
  return (await readRows(ctx.executor, listEntitiesStatement(ctx, q.kinds, q.after, q.limit))).map((row) => decodeEntity(ctx, row.e));
}
