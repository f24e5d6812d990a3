import type { ApolloServerPlugin } from '@apollo/server';
import { budgetErrorOf } from './errors.js';
import type { RequestBudget } from './request-budget.js';

/**
 * A GraphQL request refused or stopped by the budget gets its HTTP status (503 SERVER_BUSY
 * or DEADLINE_EXCEEDED, 429 RATE_LIMITED) and `Retry-After`, in the manner of
 * store-unavailable.ts. The request's deadline timer goes with its response.
 */
export function budgetPlugin<T extends { budget: RequestBudget }>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, response }) {
          for (const e of errors) {
            const refused = budgetErrorOf(e);
            if (!refused) continue;
            response.http.status = refused.status;
            response.http.headers.set('retry-after', String(refused.retryAfterSeconds));
            return;
          }
        },
        async willSendResponse({ contextValue }) {
          contextValue.budget?.dispose();
        },
      };
    },
  };
}
