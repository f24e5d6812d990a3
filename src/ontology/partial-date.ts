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
  // Day 0 of the next month is the last day of this one.
  const daysInMonth = new Date(Date.UTC(Number(m[1]), mm, 0)).getUTCDate();
  return dd >= 1 && dd <= daysInMonth;
}

export const PARTIAL_DATE_FORMAT = 'an ISO date as YYYY, YYYY-MM or YYYY-MM-DD';
