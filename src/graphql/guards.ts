import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type ValidationContext, type ValidationRule } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import type { Guards } from '../config.js';
import { maxAliasesRule, maxDepthRule, maxDirectivesRule } from './armor-rules.js';
import { ASSUMED_LIST_SIZE, costEstimator, type GraphScale } from './cost.js';
import { ErrorCode } from './errors.js';

/**
 * Limits that keep one request from costing the server much: depth, aliases and
 * directives (GraphQL Armor's validation rules), tokens (graphql-js's own parser
 * limit), and an estimated cost from the SDL's `@cost` in which list fields multiply what
 * they select (graphql-query-complexity with our estimator, cost.ts).
 */

/** Costs kept per parsed document, for this many operation + variables combinations. */
const COSTS_PER_DOCUMENT = 64;
const MAX_COST_KEY = 1_024;

function costLimitPlugin<T extends object>(maxCost: number, hooks: GuardHooks<T>): ApolloServerPlugin<T> {
  const { charge, scale = async () => NO_SCALE } = hooks;
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
          const size = await scale();
          const key = JSON.stringify([request.operationName ?? null, request.variables ?? null, size.entities, size.relations]);
          let cost = byInput.get(key);
          try {
            cost ??= getComplexity({
              schema,
              query: document,
              variables: request.variables ?? {},
              ...(request.operationName ? { operationName: request.operationName } : {}),
              estimators: [costEstimator(schema, size)],
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
              `query cost ${cost} is over the limit of ${maxCost}; each field costs its @cost in the schema, a search or unanchored relation page more on a larger graph, and lists multiply the cost of what they select by \`first\` (or ${ASSUMED_LIST_SIZE}), so ask for smaller pages, fewer aliases or fewer nested lists`,
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
  /** The graph's size, which the cost of a scan grows with; none: scans cost only their fixed points. */
  scale?: () => Promise<GraphScale>;
}

const NO_SCALE: GraphScale = { entities: 0, relations: 0 };

export function guardSetup<T extends object>(guards: Guards, hooks: GuardHooks<T> = {}): GuardSetup<T> {
  return {
    validationRules: [
      knownOperationTypesRule,
      maxDepthRule({ n: guards.maxDepth, ignoreIntrospection: true, exposeLimits: true, ...report }),
      maxAliasesRule({ n: guards.maxAliases, exposeLimits: true, ...report }),
      maxDirectivesRule({ n: guards.maxDirectives, exposeLimits: true, ...report }),
    ],
    plugins: [costLimitPlugin<T>(guards.maxCost, hooks)],
    parseOptions: { maxTokens: guards.maxTokens },
  };
}
