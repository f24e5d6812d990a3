import { badInput } from './errors.js';
import { LIMITS } from './limits.js';

/**
 * Keyset cursors: the last item seen, tagged with what it is a cursor over. They stay
 * valid when items are added, unlike offsets. In the default order (by id) a cursor is
 * the id; in another order it also carries the order's name and the item's sort keys,
 * and is refused under any other order, since it names no place there.
 */
export type CursorScope = 'entity' | 'relation' | 'change' | 'claim';

type Key = string | number;

export function encodeCursor(scope: CursorScope, id: string): string {
  return Buffer.from(JSON.stringify([scope, id]), 'utf8').toString('base64url');
}

/** A cursor in order `order` (a stable text naming the sort, such as `DATE:DESC`) after the item with `keys` and `id`. */
export function encodeOrderedCursor(scope: CursorScope, order: string, keys: readonly Key[], id: string): string {
  return Buffer.from(JSON.stringify([scope, order, keys, id]), 'utf8').toString('base64url');
}

function parse(scope: CursorScope, cursor: string, what: string): unknown[] {
  const invalid = () => badInput(`after is not a valid ${what} cursor; pass the endCursor of a previous page of the same query`, 'after');
  if (cursor.length > LIMITS.cursorLength) throw invalid();
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value[0] === scope) return value;
  } catch {
    // Fall through to the same error as a well-formed cursor of the wrong kind.
  }
  throw invalid();
}

export function decodeCursor(scope: CursorScope, cursor: string | null | undefined): string | null {
  if (cursor === null || cursor === undefined) return null;
  const value = parse(scope, cursor, scope);
  if (value.length === 2 && typeof value[1] === 'string') return value[1];
  throw badInput(`after is not a valid ${scope} cursor for this order; pass the endCursor of a previous page of the same query`, 'after');
}

/** What each sort key of an order holds: text (names, dates) or a number (confidence, degree). */
export type KeyType = 'string' | 'number';

/**
 * The keys and id of an ordered cursor made under `order`, whose keys are of `types`;
 * refused (BAD_USER_INPUT) for any other order or a key of the wrong type, which a cursor
 * this server made never has (a hand-made one would otherwise reach the statement).
 */
export function decodeOrderedCursor(scope: CursorScope, order: string, types: readonly KeyType[], cursor: string | null | undefined): { keys: Key[]; id: string } | null {
  if (cursor === null || cursor === undefined) return null;
  const value = parse(scope, cursor, scope);
  const [, o, keys, id] = value;
  const isKey = (k: unknown, i: number): k is Key => (types[i] === 'string' ? typeof k === 'string' : typeof k === 'number' && Number.isFinite(k));
  if (value.length === 4 && o === order && Array.isArray(keys) && keys.length === types.length && keys.every(isKey) && typeof id === 'string') return { keys, id };
  throw badInput(`after is not a valid ${scope} cursor for this order; pass the endCursor of a previous page of the same query, with the same orderBy`, 'after');
}
