import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestBudget } from './request-budget.js';

/**
 * The request's deadline timer goes with its response. (A refusal's status and
 * `Retry-After` are the GraphQL error mapper's: src/graphql/error-mapper.ts.)
 */
export function budgetPlugin<T extends { budget: RequestBudget }>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue }) {
          contextValue.budget?.dispose();
        },
      };
    },
  };
}
