import type { EntityRecord, RelationRecord } from '../../records.js';
import type { RelationsResult } from '../../queries.js';
import { decodeEntity } from './entities.js';
import type { BuildContext } from './query.js';
import { Slicer } from '../../../event-loop/yielding.js';

/** A relation with both of its ends, matched in its stored direction: `a` is from, `b` is to. */
export interface RelationRow {
  a: unknown;
  r: unknown;
  b: unknown;
}

export const RELATION_COLUMNS = ['a', 'r', 'b'] as const;

/**
 * Rows of relations with their ends, each relation and entity once. In slices: a hub's
 * tens of thousands of relations would otherwise hold the event loop for hundreds of
 * milliseconds, and every other request with it.
 */
export async function decodeRelations(ctx: BuildContext, rows: readonly RelationRow[]): Promise<RelationsResult> {
  const entities = new Map<string, EntityRecord>();
  const relations = new Map<string, RelationRecord>();
  const slicer = new Slicer();
  for (const row of rows) {
    if (slicer.due()) await slicer.pause();
    const a = decodeEntity(ctx, row.a);
    const b = decodeEntity(ctx, row.b);
    entities.set(a.id, a);
    entities.set(b.id, b);
    const rel = ctx.dialect.decode.relation(ctx.ontology, row.r, a.id, b.id);
    relations.set(rel.id, rel);
  }
  return { relations: [...relations.values()], entities: [...entities.values()] };
}
