import { createHash } from 'node:crypto';

/**
 * The id of a relation given without one (a CSV row without an `id` cell, a seed-format
 * relation without `id`): `rel-` + the first 20 hex digits of sha256 of the JSON array
 * [type, from, to, date, start, end, role], each as text or null. What the relation
 * asserts, not how it is qualified, so the same relation always gets the same id, in
 * whichever format it is written.
 */

/** The fields that make up a derived id. */
export const IDENTITY_FIELDS = ['type', 'from', 'to', 'date', 'start', 'end', 'role'] as const;

export function deriveRelationId(raw: Readonly<Record<string, unknown>>): string {
  const identity = JSON.stringify(IDENTITY_FIELDS.map((f) => (raw[f] === undefined || raw[f] === null ? null : String(raw[f]))));
  return `rel-${createHash('sha256').update(identity).digest('hex').slice(0, 20)}`;
}

/** What a duplicate derived id means, and what to do about it. */
export const DERIVED_ID_HINT = `an id derived from ${IDENTITY_FIELDS.slice(0, -1).join(', ')} and ${IDENTITY_FIELDS.at(-1)}`;
