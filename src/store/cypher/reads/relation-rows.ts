import type { EntityRecord, RelationRecord } from '../../records.js';
import type { RelationsResult } from '../../queries.js';
import { decodeEntity } from './entities.js';
import type { BuildContext } from './query.js';

/** A relation with both of its ends, matched in its stored direction: `a` is from, `b` is to. */
export interface RelationRow {
  a: unknown;
  r: unknown;
  b: unknown;
}

export const RELATION_COLUMNS = ['a', 'r', 'b'] as const;

/** Rows of relations with their ends, each relation and entity once. */
export function decodeRelations(ctx: BuildContext, rows: readonly RelationRow[]): RelationsResult {
  const entities = new Map<string, EntityRecord>();
  const relations = new Map<string, RelationRecord>();
  for (const row of rows) {
    const a = decodeEntity(ctx, row.a);
    const b = decodeEntity(ctx, row.b);
    entities.set(a.id, a);
    entities.set(b.id, b);
    const rel = ctx.dialect.decode.relation(ctx.ontology, row.r, a.id, b.id);
    relations.set(rel.id, rel);
  }
  return { relations: [...relations.values()], entities: [...entities.values()] };
}
