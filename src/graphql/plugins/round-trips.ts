import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../context.js';

/**
 * Reports how many database round trips a request cost, as
 * `extensions.dbRoundTrips`, so clients and tests can see the price of a query.
 */
export function roundTripsPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, dbRoundTrips: contextValue.roundTrips.count };
        },
      };
    },
  };
}
