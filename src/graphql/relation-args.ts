import { partialDateBounds } from '../ontology/partial-date.js';
import type { RelationFilter, RelationPosition, RelationSort, SortKeyValue } from '../store/queries.js';
import type { RelationRecord } from '../store/records.js';
import { decodeCursor, decodeOrderedCursor, encodeCursor, encodeOrderedCursor } from './cursor.js';
import { badInput } from './errors.js';
import type { RelationOrder, RelationWhere } from './generated/types.js';
import { checkId, LIMITS } from './limits.js';
import { checkOrderBy, checkWhereLimits } from './where-limits.js';

/**
 * A `RelationWhere` and `orderBy` as the store reads them: checked against the limits,
 * with the old arguments of `relations` folded in, and the cursor of the order.
 */

const ID_FIELDS = new Set(['from', 'to', 'either', 'claimedBy', 'reportedBy', 'source']);

/** Checks `where` (limits, ranges, `includeRetracted` at the top only); refusals name the field's path. */
export function checkRelationWhere(where: RelationWhere | null | undefined, path = 'where'): RelationFilter | null {
  if (where === null || where === undefined) return null;
  checkWhereLimits(where, path, (field, name, value, depth) => {
    if (name === 'minConfidence' && (typeof value !== 'number' || value < 0 || value > 1)) throw badInput(`${field} must be between 0 and 1, got ${String(value)}`, field);
    if (name === 'includeRetracted' && depth > 1) throw badInput(`${field} is allowed only at the top level of ${path}`, field);
    if (ID_FIELDS.has(name) && typeof value === 'string') checkId(field, value);
    if (name === 'addedBy' && typeof value === 'string' && (value.length < LIMITS.filterTextMin || value.length > LIMITS.filterTextMax)) {
      throw badInput(`${field} must be ${LIMITS.filterTextMin} to ${LIMITS.filterTextMax} characters long, got ${value.length}`, field);
    }
    if (name === 'date' && typeof value === 'object' && value !== null) {
      const { from, to } = value as { from?: unknown; to?: unknown };
      if (typeof from === 'string' && typeof to === 'string' && partialDateBounds(from)[0] > partialDateBounds(to)[1]) {
        throw badInput(`${field}.from (${from}) is later than ${field}.to (${to})`, `${field}.from`);
      }
    }
  });
  checkUndatedFlags(where, path);
  return where;
}

/** `includeUndated` qualifies a `date` or `asOf` beside it; alone it would be silently ignored. */
function checkUndatedFlags(w: RelationWhere, path: string): void {
  if (w.includeUndated && !w.date && !w.asOf)
    throw badInput(`${path}.includeUndated keeps undated relations beside a date or asOf: give one of them too`, `${path}.includeUndated`);
  w.AND?.forEach((c, i) => checkUndatedFlags(c, `${path}.AND[${i}]`));
  w.OR?.forEach((c, i) => checkUndatedFlags(c, `${path}.OR[${i}]`));
  if (w.NOT) checkUndatedFlags(w.NOT, `${path}.NOT`);
}

/** Every filter that is given, as one (all must hold); null when none is. */
export function allOf(...filters: readonly (RelationFilter | null)[]): RelationFilter | null {
  const given = filters.filter((f): f is RelationFilter => f !== null && Object.values(f).some((v) => v !== null && v !== undefined));
  if (given.length === 0) return null;
  return given.length === 1 ? given[0]! : { AND: given };
}

/** The order (at most `LIMITS.orderByEntries` keys) and how cursors in it are written and read. */
export interface RelationOrdering {
  orderBy: RelationSort[];
  cursorOf(relation: RelationRecord, keys: readonly SortKeyValue[] | undefined): string;
  after(cursor: string | null | undefined): RelationPosition | null;
}

export function relationOrdering(orderBy: readonly RelationOrder[] | null | undefined): RelationOrdering {
  const sorts = checkOrderBy(orderBy).map((o): RelationSort => ({ field: o.field, direction: o.direction ?? 'ASC' }));
  // By id ascending, the default, cursors stay plain ids: those handed out before orders existed still work.
  if (sorts.length === 0 || (sorts.length === 1 && sorts[0]!.field === 'ID' && sorts[0]!.direction === 'ASC')) {
    return {
      orderBy: [],
      cursorOf: (r) => encodeCursor('relation', r.id),
      after: (cursor) => {
        const id = decodeCursor('relation', cursor);
        return id === null ? null : { keys: [], id };
      },
    };
  }
  const order = sorts.map((s) => `${s.field}:${s.direction}`).join(',');
  return {
    orderBy: sorts,
    cursorOf: (r, keys) => encodeOrderedCursor('relation', order, keys ?? [], r.id),
    after: (cursor) =>
      decodeOrderedCursor(
        'relation',
        order,
        sorts.map((k) => (k.field === 'CONFIDENCE' ? 'number' : 'string')),
        cursor,
      ),
  };
}
