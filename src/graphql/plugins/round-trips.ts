import type { ApolloServerPlugin } from '@apollo/server';
import { currentRoundTrips } from '../../store/round-trips.js';

/**
 * Reports how many database round trips a request cost, as
 * `extensions.dbRoundTrips`, so clients and tests can see the price of a query.
 */
export function roundTripsPlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const count = currentRoundTrips();
          if (count === undefined || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, dbRoundTrips: count };
        },
      };
    },
  };
}
