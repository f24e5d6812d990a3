import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestBudget } from './request-budget.js';

/**
 * The request's deadline timer goes with its response, which says in `Query-Cost` what
 * the request was charged (its estimate, the items its lists returned beyond it, and its
 * expensive work). (A refusal's status and `Retry-After` are the GraphQL error mapper's:
 * src/graphql/error-mapper.ts.)
 */
export function budgetPlugin<T extends { budget: RequestBudget }>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (!contextValue.budget) return;
          contextValue.budget.dispose();
          response.http.headers.set('query-cost', String(Math.ceil(contextValue.budget.spent)));
        },
      };
    },
  };
}
