import type { GraphQLResolveInfo } from 'graphql';
import type { Ontology } from '../ontology/ontology.js';
import type { NodeMetrics } from '../network/metrics.js';
import type { ClaimRole } from '../store/queries.js';
import type { EntityRecord } from '../store/records.js';
import { chargedList } from './charged-list.js';
import { connection } from './connection.js';
import { relationsListKey } from './loaders.js';
import type { RequestContext } from './context.js';
import type { RelationOrder, RelationWhere } from './generated/types.js';
import { argLimit, inRange } from './limits.js';
import { measured, NO_METRICS } from './measured.js';
import { checkRelationWhere, relationOrdering } from './relation-args.js';
import { checkListLength } from './where-limits.js';

/**
 * The fields every entity type has beside its stored ones (relations, their pages and
 * counts, claims, measures), each through a per-request loader so that N entities cost
 * one statement per field, and the stored kind-specific fields read from the record.
 */

/** Where an entity's relations are paged. */
const PAGED_RELATIONS = 'ask for pages instead: relationsConnection(first:), or relations(where: { either: <id> }, first:)';

const relationsField = (
  parent: EntityRecord,
  args: { types?: readonly string[] | null; direction?: 'OUT' | 'IN' | 'BOTH' | null; includeRetracted?: boolean | null },
  ctx: RequestContext,
  info: GraphQLResolveInfo,
) => {
  const key = { id: parent.id, types: args.types ?? null, direction: args.direction ?? 'BOTH', includeRetracted: args.includeRetracted ?? false } as const;
  const list = { key: `relations|${relationsListKey(key)}`, what: `the relations of ${parent.id}`, instead: PAGED_RELATIONS };
  return chargedList(ctx, info, list, () => ctx.loaders.relations.load(key));
};

/** An entity's claims: those it made, those about it, or both. */
const claimsField = (parent: EntityRecord, args: { role?: ClaimRole | null }, ctx: RequestContext, info: GraphQLResolveInfo) => {
  const role = args.role ?? 'ANY';
  const list = { key: `claims|${role}|${parent.id}`, what: `the claims of ${parent.id}`, instead: 'ask for claims(speaker: <id>, first:) or claims(about: <id>, first:) instead' };
  return chargedList(ctx, info, list, () => ctx.loaders.entityClaims.load({ id: parent.id, role }));
};

/** `Entity.degree`: batched per request, so N entities cost one statement. */
const degreeField = (parent: EntityRecord, args: { types?: readonly string[] | null; direction?: 'OUT' | 'IN' | 'BOTH' | null }, ctx: RequestContext) =>
  ctx.loaders.degree.load({ id: parent.id, types: args.types ? checkListLength('types', args.types) : null, direction: args.direction ?? 'BOTH' });

/** An entity's measures in the whole graph (or over some relation types); cached per graph version. */
const metricsField = async (parent: EntityRecord, args: { types?: readonly string[] | null }, ctx: RequestContext): Promise<NodeMetrics> => {
  const network = await measured(ctx, { types: args.types ?? null });
  return network.metrics.byId.get(parent.id) ?? NO_METRICS;
};

/** `Entity.qualifiers`: none on a record that carries none (an entity stored before qualifiers existed). */
const qualifiersField = (parent: EntityRecord) => parent.qualifiers ?? [];

/** `Entity.relationsConnection`: a page of the entity's relations; pages of all parents in one statement (loaders). */
const relationsConnectionField = async (
  parent: EntityRecord,
  args: { where?: RelationWhere | null; orderBy?: readonly RelationOrder[] | null; first?: number | null; after?: string | null },
  ctx: RequestContext,
) => {
  const limit = inRange('first', args.first ?? 20, argLimit('Entity.relationsConnection.first'));
  const where = checkRelationWhere(args.where);
  const includeRetracted = args.where?.includeRetracted ?? false;
  const ordering = relationOrdering(args.orderBy);
  const page = await ctx.loaders.relationPages.load({ id: parent.id, where, includeRetracted, orderBy: ordering.orderBy, after: ordering.after(args.after), limit: limit + 1 });
  return connection(
    page.relations,
    limit,
    (r) => ordering.cursorOf(r, page.keys.get(r.id)),
    () => ctx.loaders.relationCountsOf.load({ id: parent.id, where: page.where, includeRetracted }),
    !args.after,
  );
};

/** Resolvers for each kind's own fields, read from the record's attributes. */
export function entityTypeResolvers(ontology: Ontology) {
  const out: Record<string, Record<string, unknown>> = {};
  for (const type of ontology.entityTypes) {
    const fields: Record<string, unknown> = {
      relations: relationsField,
      relationsConnection: relationsConnectionField,
      metrics: metricsField,
      qualifiers: qualifiersField,
      claims: claimsField,
      degree: degreeField,
    };
    for (const attr of type.attributes) fields[attr.name] = (parent: EntityRecord) => parent.attributes[attr.name] ?? null;
    out[type.typeName] = fields;
  }
  return out;
}
