import type { EntityFilter, EntityOrderKey, RelationFilter, RelationSort } from '../store/queries.js';
import { required } from '../store/relation-filter.js';
import type { RequestContext } from './context.js';

/**
 * Which filters, orders and counts read every relation or entity they may match rather
 * than an index (the README's "What each costs"). Those run as expensive work: charged to
 * the client's cost budget and through the server's gate, so a client cannot fill the
 * database with them however it aliases or repeats them.
 */

/** Whether a relation filter names an entity every match must have at an end (then the read starts there). */
const namesEntity = (w: RelationFilter | null) => (['from', 'to', 'either'] as const).some((end) => required(w, end) !== null);

function hasCondition(w: RelationFilter | null): boolean {
  return w !== null && Object.values(w).some((v) => v !== null && v !== undefined);
}

/** A page or count of relations that reads every relation (of the types asked for). */
export function relationScan(where: RelationFilter | null, orderBy: readonly RelationSort[], counting = false): boolean {
  return !namesEntity(where) && (counting || hasCondition(where) || orderBy.length > 0);
}

/** Filters answered from an index: kinds and ids, with nothing around them. */
function indexedOnly(f: EntityFilter): boolean {
  return f.name === undefined && f.hasRelation === undefined && f.attributes === undefined && f.or === undefined && f.not === undefined && (f.and ?? []).every(indexedOnly);
}

/** A page or count of entities that reads every entity (of the kinds asked for). */
export function entityScan(filter: EntityFilter | null, order: readonly EntityOrderKey[], counting = false): boolean {
  return counting || order.length > 0 || (filter !== null && !indexedOnly(filter));
}

/** Runs `read` as expensive work when `scan` says it reads the whole graph. */
export function scanning<T>(ctx: RequestContext, scan: boolean, what: string, read: () => Promise<T>): Promise<T> {
  return scan ? ctx.budget.expensive({ kind: 'scan', what }, read) : read();
}
