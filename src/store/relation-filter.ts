import type { RelationFilter } from './queries.js';

/**
 * What a relation filter requires of every match, read from its shape: the statements
 * start from an entity it requires (src/store/cypher/reads/relation-page.ts), and the
 * GraphQL layer counts a filter that requires none as a read of the whole graph
 * (src/graphql/scans.ts).
 */

/** The filter nodes that must all hold: the root and, through `AND`, its conjuncts. */
function conjuncts(w: RelationFilter | null): RelationFilter[] {
  if (w === null) return [];
  return [w, ...(w.AND ?? []).flatMap((c) => conjuncts(c))];
}

/** The one value of `field` that every matching relation must have (given at top level), if any. */
export function required<K extends 'from' | 'to' | 'either'>(w: RelationFilter | null, field: K): string | null {
  for (const c of conjuncts(w)) {
    const v = c[field];
    if (typeof v === 'string') return v;
  }
  return null;
}
