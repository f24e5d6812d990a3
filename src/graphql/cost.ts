import { getDirectiveValues, getNamedType, getNullableType, isLeafType, isListType, type GraphQLField, type GraphQLSchema } from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';

/**
 * What a query costs, from the `@cost` weights in the SDL (schema/ontology.graphql says
 * what they mean): each field its own points, scaled by the graph's size for a field that
 * reads all of it, and each list the cost of one item times its `first` (or
 * ASSUMED_LIST_SIZE). Every alias is a field of its own and is charged as one.
 */

/** How many items a list field without a `first` argument is assumed to return; more are charged as they are read (`chargeItems`). */
export const ASSUMED_LIST_SIZE = 10;

/** The graph's size, which a scan's cost grows with. */
export interface GraphScale {
  entities: number;
  relations: number;
}

interface OwnCost {
  points: number;
  perThousandEntities: number;
  perThousandRelations: number;
}

const FREE: OwnCost = { points: 0, perThousandEntities: 0, perThousandRelations: 0 };

/** Each field's `@cost`, read from its definition once. */
const owned = new WeakMap<GraphQLField<unknown, unknown>, OwnCost>();

function ownCost(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): OwnCost {
  let cost = owned.get(field);
  if (cost) return cost;
  const directive = schema.getDirective('cost');
  const values = directive && field.astNode ? getDirectiveValues(directive, field.astNode) : undefined;
  cost = values ? { ...FREE, ...(values as Partial<OwnCost>) } : FREE;
  owned.set(field, cost);
  return cost;
}

/** A field's own points on a graph of `scale`. */
export function fieldPoints(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>, scale: GraphScale): number {
  const own = ownCost(schema, field);
  return own.points + Math.ceil((own.perThousandEntities * scale.entities + own.perThousandRelations * scale.relations) / 1000);
}

/**
 * Objects cost 1 (what the answer holds) and their own points; scalars only their own
 * points. A list multiplies the cost of one item by its `first` (or the assumed size), so
 * `relations(first: 100) { nodes { from { name } } }` costs the page's points plus
 * 100 * (1 + 1 + 1). A connection's `edges` and `nodes` are the page its `first` already
 * counted. Introspection is free: the explorer needs it and it is off in production.
 */
export function costEstimator(schema: GraphQLSchema, scale: GraphScale): ComplexityEstimator {
  return ({ type: parent, field, args, childComplexity }) => {
    if (field.name.startsWith('__')) return 0;
    const own = fieldPoints(schema, field, scale);
    const type = getNullableType(field.type);
    if (isLeafType(getNamedType(type))) return own;
    const first = typeof args.first === 'number' && args.first > 0 ? args.first : null;
    const page = parent.name.endsWith('Connection');
    const items = first ?? (isListType(type) && !page ? ASSUMED_LIST_SIZE : 1);
    return own + items * (1 + childComplexity);
  };
}
