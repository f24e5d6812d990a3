import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../context.js';

/**
 * Says when an `addRelation` without an id found the fact already stated: the response's
 * `extensions.corroborated` lists `{ relation, citationsAdded }` (absent otherwise), so a
 * client learns that the relation it got back is not a new one.
 */
export function corroboratedPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || contextValue.corroborated.length === 0) return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, corroborated: contextValue.corroborated.map((c) => ({ ...c })) };
        },
      };
    },
  };
}
