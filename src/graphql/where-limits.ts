import { badInput } from './errors.js';
import { LIMITS } from './limits.js';

/**
 * The limits every nested filter input (`RelationWhere`, `EntityWhere`) is held to before
 * it is compiled, so no request builds an unbounded statement: nesting through `AND`,
 * `OR`, `NOT` at most `LIMITS.whereDepth` levels, at most `LIMITS.whereConditions`
 * conditions in all, every list at most `LIMITS.whereListItems` items. A refusal names
 * the field by its path (`where.OR[1].minConfidence`). Generic over the input: fields
 * other than the three combinators are conditions; `checkField` adds a type's own checks.
 */

export type FieldCheck = (path: string, name: string, value: unknown, depth: number) => void;

const COMBINATORS = new Set(['AND', 'OR', 'NOT']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkWhereLimits(where: unknown, path: string, checkField: FieldCheck = () => undefined): void {
  let conditions = 0;
  const walk = (node: unknown, at: string, depth: number) => {
    if (!isObject(node)) return;
    if (depth > LIMITS.whereDepth) throw badInput(`${at} nests filters more than ${LIMITS.whereDepth} levels deep; flatten it`, at);
    for (const [name, value] of Object.entries(node)) {
      if (value === null || value === undefined) continue;
      const field = `${at}.${name}`;
      if (Array.isArray(value) && value.length > LIMITS.whereListItems) {
        throw badInput(`${field} has ${value.length} items; at most ${LIMITS.whereListItems}`, field);
      }
      if (COMBINATORS.has(name)) {
        const children = Array.isArray(value) ? value : [value];
        children.forEach((child, i) => walk(child, Array.isArray(value) ? `${field}[${i}]` : field, depth + 1));
        continue;
      }
      conditions += 1;
      if (conditions > LIMITS.whereConditions) throw badInput(`${path} has more than ${LIMITS.whereConditions} conditions; split the query`, field);
      checkField(field, name, value, depth);
    }
  };
  walk(where, path, 1);
}

/** `orderBy` at most `LIMITS.orderByEntries` entries. */
export function checkOrderBy<T>(orderBy: readonly T[] | null | undefined, path = 'orderBy'): readonly T[] {
  const list = orderBy ?? [];
  if (list.length > LIMITS.orderByEntries) throw badInput(`${path} has ${list.length} entries; at most ${LIMITS.orderByEntries}`, path);
  return list;
}

/** A list in a filter or an argument beside one (`hasRelation.types`, `degree(types:)`): at most `LIMITS.whereListItems` items. */
export function checkListLength<T>(path: string, list: readonly T[]): readonly T[] {
  if (list.length > LIMITS.whereListItems) throw badInput(`${path} has ${list.length} items; at most ${LIMITS.whereListItems}`, path);
  return list;
}
