import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { budgetPlugin } from '../budget/plugin.js';
import type { Guards } from '../config.js';
import type { Ontology } from '../ontology/ontology.js';
import type { RequestContext } from './context.js';
import { domainErrorPlugin } from './error-mapper.js';
import type { GraphScale } from './cost.js';
import { ScaleGauge } from './graph-scale.js';
import { guardSetup } from './guards.js';
import { maskErrors } from './plugins/mask-errors.js';
import { oneWritePlugin } from './plugins/one-write.js';
import { requireRolePlugin } from './plugins/require-role.js';
import { roundTripsPlugin } from './plugins/round-trips.js';
import { corroboratedPlugin } from './plugins/corroborated.js';
import { createResolvers } from './resolvers.js';

export interface ApolloOptions {
  ontology: Ontology;
  guards: Guards;
  production: boolean;
  log: (line: string) => void;
  /** Counts the graph for the cost of scans: the server's own read, not charged to any request. */
  graphSize?: () => Promise<GraphScale>;
}

/** Apollo Server with the schema, the limits, and the plugins that enforce roles, budgets and error mapping. */
export function createApollo({ ontology, guards, production, log, graphSize }: ApolloOptions): ApolloServer<RequestContext> {
  const scale = new ScaleGauge();
  const noScale: GraphScale = { entities: 0, relations: 0 };
  const limits = guardSetup<RequestContext>(guards, {
    charge: (cost, ctx) => ctx.budget.chargeCost(cost),
    // A database that cannot be counted costs scans only their fixed points; the request's own reads then say what is wrong.
    scale: async () => (graphSize ? scale.current(graphSize).catch(() => noScale) : noScale),
  });
  return new ApolloServer<RequestContext>({
    typeDefs: ontology.sdl,
    resolvers: createResolvers(ontology),
    includeStacktraceInErrorResponses: false,
    introspection: !production,
    // No "did you mean" field suggestions in production: they spell out the schema introspection hides.
    hideSchemaDetailsFromClientErrors: production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // The server stops on SIGINT and SIGTERM itself (src/cli/commands/serve.ts). Apollo's own
    // handlers, on outside tests, made that stop wait for ever on apollo.stop().
    stopOnTerminationSignals: false,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    formatError: maskErrors(log),
    plugins: [
      requireRolePlugin(),
      oneWritePlugin(),
      ...limits.plugins,
      roundTripsPlugin(),
      corroboratedPlugin(),
      // Domain errors' HTTP status and headers (503 and Retry-After for a database that does not answer, ...).
      domainErrorPlugin(),
      budgetPlugin(),
      // The explorer is our own offline page (http/explorer-route.ts), not Apollo's CDN one.
      ApolloServerPluginLandingPageDisabled(),
      // Apollo installs cache control by default, and it wraps every field's resolver to
      // read cache hints we never set: measurable on large answers. Reporting to Apollo's
      // cloud would send queries off the machine if APOLLO_KEY happened to be set.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
    ],
  });
}
