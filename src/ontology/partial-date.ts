/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: a date exactly as precise as its source. */
const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export function isPartialDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = PARTIAL_DATE.exec(value);
  if (!m) return false;
  const [, , month, day] = m;
  if (month === undefined) return true;
  const mm = Number(month);
  if (mm < 1 || mm > 12) return false;
  if (day === undefined) return true;
  const dd = Number(day);
  // Day 0 of the next month is the last day of this one. setUTCFullYear reads years 0-99 as
  // written (Date.UTC would read 0000 as 1900, which has no 29 February).
  const last = new Date(0);
  last.setUTCFullYear(Number(m[1]), mm, 0);
  const daysInMonth = last.getUTCDate();
  return dd >= 1 && dd <= daysInMonth;
}

export const PARTIAL_DATE_FORMAT = 'an ISO date as YYYY, YYYY-MM or YYYY-MM-DD';

/**
 * The first and last day a partial date can mean, as comparable strings: `2012` spans
 * `2012-01-01`..`2012-12-31`, `2012-02` spans `2012-02-01`..`2012-02-31` (a bound, not a
 * calendar date: it only has to sort after every day of the month).
 */
export function partialDateBounds(date: string): [string, string] {
  const [y, m, d] = date.split('-');
  if (d) return [date, date];
  if (m) return [`${y}-${m}-01`, `${y}-${m}-31`];
  return [`${y}-01-01`, `${y}-12-31`];
}
