import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { StoreUnavailableError } from '../../store/errors.js';

/** A request that failed because the database did not answer gets 503 and Retry-After. */
export function storeUnavailablePlugin<T extends object>(retryAfterSeconds = 5): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, response }) {
          if (!errors.some((e) => unwrapResolverError(e) instanceof StoreUnavailableError)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(retryAfterSeconds));
        },
      };
    },
  };
}
