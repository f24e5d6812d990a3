import { partialDateBounds } from '../../../ontology/partial-date.js';
import { rangeDays } from '../../../ontology/relation-time.js';
import type { InForce } from '../../queries.js';
import type { RelationCondition } from '../dialect.js';

/**
 * The rules of src/ontology/relation-time.ts as conditions on relationship `v`, for
 * statements that filter in the database. Partial dates are stored as text; the first
 * day of a stored partial date `p` is at most a day `D` exactly when `p <= D` as text (a
 * prefix sorts first), and its last day is at least `D` exactly when `p >= D` or `D`
 * starts with `p`. So no stored value is rewritten and the comparison stays on the column.
 */

export interface TimeCondition {
  where: string;
  params: Record<string, unknown>;
}

/** `end` is a keyword (CASE … END) to LadybugDB's parser: the property is read quoted. */
export const endOf = (v: string) => `${v}.\`end\``;
const undated = (v: string) => `(${v}.date IS NULL AND ${v}.start IS NULL AND ${endOf(v)} IS NULL)`;
const dated = (v: string) => `NOT ${undated(v)}`;
/** First day of `expr` (a stored partial date, or null: open) is on or before the day `$p`. */
const beganBy = (expr: string, p: string) => `(${expr} IS NULL OR ${expr} <= $${p})`;
/** Last day of `expr` (null: open) is on or after the day `$p`. */
const endsOnOrAfter = (expr: string, p: string) => `(${expr} IS NULL OR ${expr} >= $${p} OR $${p} STARTS WITH ${expr})`;

function withUndated(v: string, cond: string, includeUndated: boolean): string {
  return includeUndated ? `(${undated(v)} OR (${cond}))` : `(${dated(v)} AND ${cond})`;
}

/** `v`'s own dates overlap `from`..`to`; `prefix` names the parameters so several may share a statement. */
export function overlapsRangeCondition(v: string, prefix: string, from: string | null | undefined, to: string | null | undefined, includeUndated = false): TimeCondition {
  const [lo, hi] = rangeDays(from, to);
  const cond = `${beganBy(`coalesce(${v}.date, ${v}.start)`, `${prefix}Hi`)} AND ${endsOnOrAfter(`coalesce(${v}.date, ${endOf(v)})`, `${prefix}Lo`)}`;
  return { where: withUndated(v, cond, includeUndated), params: { [`${prefix}Lo`]: lo, [`${prefix}Hi`]: hi } };
}

/** `v` was in force on some day of `asOf`. */
export function inForceAtCondition(v: string, prefix: string, asOf: string, includeUndated = false): TimeCondition {
  const [lo, hi] = partialDateBounds(asOf);
  const cond = `${beganBy(`coalesce(${v}.start, ${v}.date)`, `${prefix}Hi`)} AND ${endsOnOrAfter(endOf(v), `${prefix}Lo`)}`;
  return { where: withUndated(v, cond, includeUndated), params: { [`${prefix}Lo`]: lo, [`${prefix}Hi`]: hi } };
}

/** `inForceAtCondition` for whichever relationship variable a pattern binds; null without `asOf`. */
export function inForceRelation(inForce: InForce | null | undefined, prefix = 'asOf'): RelationCondition | null {
  if (!inForce) return null;
  return (v) => inForceAtCondition(v, prefix, inForce.asOf, inForce.includeUndated);
}
