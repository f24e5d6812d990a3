import { createServer } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { graphqlRoute } from '../../src/http/graphql-route.js';
import { readBody } from '../../src/http/read-body.js';
import { listenOnLoopback, type Listening } from './loopback.js';

/**
 * Apollo Server with a one-field schema, no plugins of ours and an empty context, behind
 * our thin GraphQL route: the floor any server built on Apollo pays per request. The
 * gap between it and our server is ours to close; the gap between it and bare
 * node:http is Apollo's.
 */
export async function startBareApollo(): Promise<Listening> {
  const apollo = new ApolloServer({
    typeDefs: 'type Query { ok: Boolean }',
    csrfPrevention: true,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), ApolloServerPluginUsageReportingDisabled()],
  });
  await apollo.start();
  const route = graphqlRoute({ apollo, context: async () => ({}) });
  const http = createServer((req, res) => {
    // The body as the route table's body-limit hook reads it (src/http/hooks.ts).
    const body = req.method === 'POST' ? readBody(req, 100_000) : Promise.resolve('');
    body.then((text) => route(req, res, new URL(req.url ?? '/', 'http://localhost'), text)).catch(() => res.destroy());
  });
  const listening = await listenOnLoopback(http);
  return {
    url: listening.url,
    async close() {
      await listening.close();
      await apollo.stop();
    },
  };
}
