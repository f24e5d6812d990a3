import { partialDateBounds } from './partial-date.js';

/**
 * When a relation holds, by its own dates, and the two questions asked of it: does it
 * fall in a date range, and was it in force on a date (`asOf`). Partial dates compare by
 * the days they span (`partialDateBounds`): `2012` is every day of 2012. The same rules
 * are written as Cypher conditions in src/store/cypher/reads/relation-time.ts; the
 * contract tests hold the two to the same answers.
 *
 * - A date range `from`..`to` keeps a relation whose days overlap it: its `date`, or
 *   `start`..`end` with a missing end open.
 * - `asOf` keeps a relation in force on some day of `asOf`: begun by then (`start`, or
 *   `date` for an act, which stays in force from that date on) and not ended before
 *   (`end`, missing when open).
 * - A relation with none of `date`, `start`, `end` is undated: kept only when asked for
 *   (`includeUndated`), since the source does not say when it held.
 */

export interface RelationDates {
  date?: unknown;
  start?: unknown;
  end?: unknown;
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function isUndated(r: RelationDates): boolean {
  return text(r.date) === null && text(r.start) === null && text(r.end) === null;
}

/** The days a range of partial dates spans, either end open when absent. */
export function rangeDays(from: string | null | undefined, to: string | null | undefined): [string, string] {
  return [from ? partialDateBounds(from)[0] : '0000-01-01', to ? partialDateBounds(to)[1] : '9999-12-31'];
}

/** Whether a relation's own dates overlap `from`..`to` (undated: `includeUndated`). */
export function overlapsRange(r: RelationDates, from: string | null | undefined, to: string | null | undefined, includeUndated = false): boolean {
  if (isUndated(r)) return includeUndated;
  const [lo, hi] = rangeDays(from, to);
  const date = text(r.date);
  const first = date ?? text(r.start);
  const last = date ?? text(r.end);
  return (first === null || partialDateBounds(first)[0] <= hi) && (last === null || partialDateBounds(last)[1] >= lo);
}

/** Whether a relation was in force on some day of `asOf` (undated: `includeUndated`). */
export function inForceAt(r: RelationDates, asOf: string, includeUndated = false): boolean {
  if (isUndated(r)) return includeUndated;
  const [lo, hi] = partialDateBounds(asOf);
  const began = text(r.start) ?? text(r.date);
  const end = text(r.end);
  return (began === null || partialDateBounds(began)[0] <= hi) && (end === null || partialDateBounds(end)[1] >= lo);
}
