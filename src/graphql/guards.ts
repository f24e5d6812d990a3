import type { ApolloServerPlugin } from '@apollo/server';
import { getNamedType, getNullableType, GraphQLError, isLeafType, Kind, isListType, type DocumentNode, type ValidationContext, type ValidationRule } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { Guards } from '../config.js';
import { maxAliasesRule, maxDepthRule, maxDirectivesRule } from './armor-rules.js';
import { ErrorCode } from './errors.js';

/**
 * Limits that keep one request from costing the server much: depth, aliases and
 * directives (GraphQL Armor's validation rules), tokens (graphql-js's own parser
 * limit), and an estimated cost in which list fields multiply what they select
 * (graphql-query-complexity with our estimator; Armor's cost rule does not multiply).
 */

/** How many items a list field without a `first` argument is assumed to return. */
export const ASSUMED_LIST_SIZE = 10;

/**
 * Objects cost 1 and scalars nothing; a list multiplies the cost of one item by its
 * `first` (or the assumed size), so `relations(first: 100) { nodes { from { name } } }`
 * costs 100 * (1 + 1 + 1) = 300. Introspection is free: the explorer needs it and it is
 * switched off in production.
 */
const listMultiplyingEstimator: ComplexityEstimator = ({ type: parent, field, args, childComplexity }) => {
  if (field.name.startsWith('__')) return 0;
  const type = getNullableType(field.type);
  if (isLeafType(getNamedType(type))) return 0;
  const first = typeof args.first === 'number' && args.first > 0 ? args.first : null;
  // A connection's `edges` and `nodes` are the page its `first` already counted.
  const page = parent.name.endsWith('Connection');
  const items = first ?? (isListType(type) && !page ? ASSUMED_LIST_SIZE : 1);
  return items * (1 + childComplexity);
};

/** Costs kept per parsed document, for this many operation + variables combinations. */
const COSTS_PER_DOCUMENT = 64;
const MAX_COST_KEY = 1_024;

function costLimitPlugin<T extends object>(maxCost: number, charge?: (cost: number, context: T) => Promise<void>): ApolloServerPlugin<T> {
  // The cost depends on the document, the operation and the variables only; Apollo hands
  // back the same parsed document for the same query text, so repeats are not walked again.
  const known = new WeakMap<DocumentNode, Map<string, number>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operation, contextValue }) {
          // No operation by the name asked for: Apollo answers that with a 400 of its own.
          if (!operation) return;
          let byInput = known.get(document);
          if (!byInput) known.set(document, (byInput = new Map()));
          const key = JSON.stringify([request.operationName ?? null, request.variables ?? null]);
          let cost = byInput.get(key);
          try {
            cost ??= getComplexity({
              schema,
              query: document,
              variables: request.variables ?? {},
              ...(request.operationName ? { operationName: request.operationName } : {}),
              estimators: [listMultiplyingEstimator],
            });
          } catch (err) {
            // Variables that do not fit their types stop the request at execution, with a
            // BAD_USER_INPUT error naming the field; the cost of such a request is moot.
            if (err instanceof GraphQLError && err.nodes?.[0]?.kind === Kind.VARIABLE_DEFINITION) return;
            throw err;
          }
          // Variables may be large (and unused); a request with large ones is not kept.
          if (key.length <= MAX_COST_KEY) {
            if (byInput.size >= COSTS_PER_DOCUMENT) byInput.clear();
            byInput.set(key, cost);
          }
          if (cost > maxCost) {
            throw new GraphQLError(
              `query cost ${cost} is over the limit of ${maxCost}; lists multiply the cost of what they select by \`first\` (or ${ASSUMED_LIST_SIZE}), so ask for smaller pages or fewer nested lists`,
              { extensions: { code: ErrorCode.BAD_USER_INPUT, cost, maxCost, http: { status: 400 } } },
            );
          }
          // The same estimate is what the client's budget for the minute is charged.
          await charge?.(cost, contextValue);
        },
      };
    },
  };
}

export interface GuardSetup<T extends object> {
  validationRules: ValidationRule[];
  plugins: ApolloServerPlugin<T>[];
  parseOptions: { maxTokens: number };
}

/**
 * Armor's rules throw by default, which Apollo Server turns into a 500; reported to the
 * validation context instead, a rejection is a 400 GRAPHQL_VALIDATION_FAILED like any
 * other invalid document. Its message is not a syntax error, so it does not say so.
 */
const report = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')))],
};

/**
 * A subscription (or any operation whose root type the schema lacks) is refused as an
 * invalid document. graphql-js 16 validates its fields against no type, so it would
 * only fail in execution ("Schema is not configured to execute subscription operation"),
 * an error without a code that reached clients as INTERNAL_SERVER_ERROR (found by
 * test/fuzz.test.ts).
 */
const knownOperationTypesRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (context.getSchema().getRootType(node.operation)) return;
    context.reportError(new GraphQLError(`this API has no ${node.operation} operations; send a query or a mutation`, { nodes: node }));
  },
});

export interface GuardHooks<T extends object> {
  /** Told of each admitted operation's estimated cost (src/budget charges it to the client). */
  charge?: (cost: number, context: T) => Promise<void>;
}

export function guardSetup<T extends object>(guards: Guards, hooks: GuardHooks<T> = {}): GuardSetup<T> {
  return {
    validationRules: [
      knownOperationTypesRule,
      maxDepthRule({ n: guards.maxDepth, ignoreIntrospection: true, exposeLimits: true, ...report }),
      maxAliasesRule({ n: guards.maxAliases, exposeLimits: true, ...report }),
      maxDirectivesRule({ n: guards.maxDirectives, exposeLimits: true, ...report }),
    ],
    plugins: [costLimitPlugin<T>(guards.maxCost, hooks.charge)],
    parseOptions: { maxTokens: guards.maxTokens },
  };
}
