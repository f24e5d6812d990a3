import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { authenticate } from './auth/api-keys.js';
import { DEFAULT_GUARDS, type Config } from './config.js';
import { createContext, type RequestContext } from './graphql/context.js';
import { EXAMPLE_QUERY } from './graphql/example-query.js';
import { guardSetup } from './graphql/guards.js';
import { maskErrors } from './graphql/plugins/mask-errors.js';
import { oneWritePlugin } from './graphql/plugins/one-write.js';
import { requireRolePlugin } from './graphql/plugins/require-role.js';
import { roundTripsPlugin } from './graphql/plugins/round-trips.js';
import { storeUnavailablePlugin } from './graphql/plugins/store-unavailable.js';
import { createResolvers } from './graphql/resolvers.js';
import { ASSET_PREFIX, serveExplorerAsset, serveExplorerPage, wantsExplorer } from './http/explorer-route.js';
import { handleCors } from './http/cors.js';
import { exportRoute } from './http/export-route.js';
import { networkViewRoute } from './http/network-view-route.js';
import { graphqlRoute } from './http/graphql-route.js';
import { clientAddress, createRateLimit } from './http/rate-limit.js';
import { sendJson, sendRequestError } from './http/respond.js';
import { DEFAULT_GATE } from './budget/expensive-gate.js';
import { budgetPlugin } from './budget/plugin.js';
import { ServerBudget, UNBUDGETED, type RequestBudget } from './budget/request-budget.js';
import { MEASURE_TIMEOUT_MS } from './network/measure.js';
import { NetworkCache } from './network/network-cache.js';
import type { Ontology } from './ontology/ontology.js';
import type { GraphStore, StatementObserver } from './store/graph-store.js';
import type { Statement } from './store/cypher/executor.js';

export interface RunningServer {
  url: string;
  http: Server;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Settings left out take their defaults: no API keys (read-only), no CORS origins, default guards. */
  config: Pick<Config, 'port' | 'host' | 'production'> & Partial<Pick<Config, 'apiKeys' | 'corsOrigins' | 'trustProxy'>> & { guards?: Partial<Config['guards']> };
  store: GraphStore;
  ontology: Ontology;
  log?: (line: string) => void;
  /** Told of the statements sent for a request it returns an observer for (the benchmark replays them). */
  watchStatements?: (req: IncomingMessage) => StatementObserver | undefined;
}

/** Apollo Server on node:http: `/graphql` (API, and the explorer for browsers) and `/health`. */
export async function startServer({ config, store, ontology, log = console.error, watchStatements }: ServerOptions): Promise<RunningServer> {
  const guards = { ...DEFAULT_GUARDS, ...config.guards };
  const apiKeys = config.apiKeys ?? [];
  // Time, cost and concurrency: what each request may spend (src/budget/).
  const budget = new ServerBudget({
    costPerMinute: guards.costPerMinute,
    requestTimeoutMs: guards.requestTimeoutSeconds * 1000,
    gate: { ...DEFAULT_GATE, concurrency: guards.expensiveConcurrency, queue: guards.expensiveQueue },
  });
  const limits = guardSetup<RequestContext>(guards, { charge: (cost, ctx) => ctx.budget.chargeCost(cost) });
  const apollo = new ApolloServer<RequestContext>({
    typeDefs: ontology.sdl,
    resolvers: createResolvers(ontology),
    includeStacktraceInErrorResponses: false,
    introspection: !config.production,
    // No "did you mean" field suggestions in production: they spell out the schema introspection hides.
    hideSchemaDetailsFromClientErrors: config.production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    formatError: maskErrors(log),
    plugins: [
      requireRolePlugin(),
      oneWritePlugin(),
      ...limits.plugins,
      roundTripsPlugin(),
      storeUnavailablePlugin(),
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
  await apollo.start();

  // Each request reads through its own view of the store, which counts its round trips
  // and stops its reads at the request's deadline.
  const requestStore = (req: IncomingMessage, requestBudget: RequestBudget) => {
    const roundTrips = { count: 0 };
    const watch = watchStatements?.(req);
    const observe = (statement: Statement) => {
      roundTrips.count += 1;
      watch?.(statement);
    };
    const scoped = store.observed(requestBudget.deadline ? Object.assign(observe, { deadline: requestBudget.deadline }) : observe);
    return { scoped, roundTrips };
  };
  // Each request's budget: charged to its API key's name, or else to its address. Its work
  // stops at its deadline, or as soon as the client hangs up.
  const budgets = new WeakMap<IncomingMessage, RequestBudget>();
  const budgetFor = (req: IncomingMessage, res: ServerResponse, what: string) => {
    const auth = authenticate(apiKeys, req.headers.authorization);
    const client = auth.kind === 'key' ? `key:${auth.viewer.name}` : `address:${clientAddress(req, config.trustProxy ?? false)}`;
    const requestBudget = budget.forRequest(client, what);
    res.once('close', () => {
      if (!res.writableFinished) requestBudget.deadline?.abandon();
      requestBudget.dispose();
    });
    budgets.set(req, requestBudget);
    return requestBudget;
  };
  const networks = new NetworkCache({ measureTimeoutMs: Math.min(MEASURE_TIMEOUT_MS, guards.requestTimeoutSeconds * 1000) });
  const graphql = graphqlRoute({
    apollo,
    context: async (req) => {
      const requestBudget = budgets.get(req) ?? UNBUDGETED;
      const { scoped, roundTrips } = requestStore(req, requestBudget);
      return createContext(scoped, ontology, authenticate(apiKeys, req.headers.authorization), networks, roundTrips, requestBudget);
    },
    maxBodyBytes: guards.maxBodyBytes,
  });
  const rateLimit = createRateLimit(guards.rateLimitPerMinute, config.trustProxy ?? false);
  const exports = exportRoute({ ontology, networks });
  const networkView = networkViewRoute('/graphql', ontology);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const explorer = !config.production;
    if (url.pathname === '/graphql') {
      if (handleCors(req, res, config.corsOrigins ?? [])) return;
      if (explorer && wantsExplorer(req, url)) return serveExplorerPage(res, '/graphql', EXAMPLE_QUERY);
      if (!(await rateLimit.admit(req, res))) return;
      budgetFor(req, res, 'the request');
      return graphql(req, res, url);
    }
    if (explorer && url.pathname.startsWith(ASSET_PREFIX) && serveExplorerAsset(req, res, url.pathname.slice(ASSET_PREFIX.length))) return;
    if (url.pathname.startsWith('/export/')) {
      if (!(await rateLimit.admit(req, res))) return;
      const requestBudget = budgetFor(req, res, 'the export');
      if (await exports(req, res, url, requestStore(req, requestBudget).scoped, requestBudget)) return;
    }
    if (await networkView(req, res, url)) return;
    if (url.pathname === '/health') {
      try {
        await store.listSources();
        return sendJson(res, 200, { status: 'ok', backend: store.backend });
      } catch {
        return sendJson(res, 503, { status: 'unavailable', backend: store.backend });
      }
    }
    if (url.pathname === '/') {
      res.writeHead(302, { location: '/graphql' });
      return res.end();
    }
    sendRequestError(res, 404, `no route ${url.pathname}; the API is at /graphql`, 'NOT_FOUND');
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`request failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      if (!res.headersSent) sendRequestError(res, 500, 'Internal server error', 'INTERNAL_SERVER_ERROR');
      else res.destroy();
    });
  });
  http.headersTimeout = 10_000;
  http.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${port}`,
    http,
    async close() {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await apollo.stop();
    },
  };
}
