/**
 * Keyset paging over any order: rows sort by the keys, then by id, and a page starts
 * after the last row seen, named by its keys and id. Unlike an offset, this stays right
 * when rows are added before the page. Every key expression must be non-null (callers
 * coalesce a missing value to a sentinel that sorts last), or rows would fall between pages.
 */

export type SortDirection = 'ASC' | 'DESC';

export interface SortKey {
  /** A non-null expression over the statement's variables. */
  expr: string;
  direction: SortDirection;
}

/** Where the previous page ended: its last row's key values, in key order, and its id. */
export interface KeysetPosition {
  keys: readonly (string | number)[];
  id: string;
}

/** `ORDER BY` text: the keys, then the id ascending, so ties have one order. */
export function orderByClause(keys: readonly SortKey[], idExpr: string): string {
  return `ORDER BY ${[...keys.map((k) => `${k.expr} ${k.direction}`), `${idExpr} ASC`].join(', ')}`;
}

/**
 * The condition that keeps rows after `after` in that order: for some key, every earlier
 * key equal and this one past it; or every key equal and the id past it. Parameters are
 * named `${prefix}0`.. and `${prefix}Id`.
 */
export function keysetCondition(keys: readonly SortKey[], idExpr: string, after: KeysetPosition | null, prefix = 'k'): { where: string | null; params: Record<string, unknown> } {
  if (after === null) return { where: null, params: {} };
  if (after.keys.length !== keys.length) throw new Error(`keyset position has ${after.keys.length} keys, the order ${keys.length}`);
  const params: Record<string, unknown> = { [`${prefix}Id`]: after.id };
  keys.forEach((_k, i) => (params[`${prefix}${i}`] = after.keys[i]));
  const equalBefore = (n: number) => keys.slice(0, n).map((k, i) => `${k.expr} = $${prefix}${i}`);
  const alternatives = keys.map((k, i) => [...equalBefore(i), `${k.expr} ${k.direction === 'ASC' ? '>' : '<'} $${prefix}${i}`].join(' AND '));
  alternatives.push([...equalBefore(keys.length), `${idExpr} > $${prefix}Id`].join(' AND '));
  return { where: `(${alternatives.map((a) => `(${a})`).join(' OR ')})`, params };
}
