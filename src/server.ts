import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Authentication } from './auth/api-keys.js';
import { DEFAULT_GATE } from './budget/expensive-gate.js';
import { ServerBudget, UNBUDGETED, type RequestBudget } from './budget/request-budget.js';
import { clientBudgets, DEFAULT_GUARDS, type Config } from './config.js';
import { DomainError, ErrorCode } from './errors/domain-error.js';
import { createApollo } from './graphql/apollo.js';
import { createContext } from './graphql/context.js';
import { exportRoute } from './http/export-route.js';
import { graphqlRoute } from './http/graphql-route.js';
import { networkViewRoute } from './http/network-view-route.js';
import { createRateLimit } from './http/rate-limit.js';
import { sendRequestError } from './http/respond.js';
import { dispatch } from './http/router.js';
import { appRoutes, notFound } from './http/routes.js';
import { MEASURE_TIMEOUT_MS } from './network/measure.js';
import { ListSizes } from './graphql/list-sizes.js';
import { NetworkCache } from './network/network-cache.js';
import type { Ontology } from './ontology/ontology.js';
import type { Statement } from './store/cypher/executor.js';
import type { StatementObserver } from './store/graph-store.js';
import type { Graph } from './writes/graph.js';

export interface RunningServer {
  url: string;
  http: Server;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Settings left out take their defaults: no API keys (read-only), no CORS origins, default guards. */
  config: Pick<Config, 'port' | 'host' | 'production'> & Partial<Pick<Config, 'apiKeys' | 'corsOrigins' | 'trustProxy'>> & { guards?: Partial<Config['guards']> };
  store: Graph;
  ontology: Ontology;
  log?: (line: string) => void;
  /** Told of the statements sent for a request it returns an observer for (the benchmark replays them). */
  watchStatements?: (req: IncomingMessage) => StatementObserver | undefined;
}

/** The port is taken: the CLI says which and what to set. */
export class AddressInUseError extends DomainError {
  readonly code = ErrorCode.ADDRESS_IN_USE;
  constructor(port: number, host: string) {
    super(`port ${port} on ${host} is already in use (another server?); set PORT to a free port`, 'PORT');
  }
}

/**
 * Apollo Server on node:http, composed: the GraphQL server (graphql/apollo.ts), the
 * routes and their hooks (http/routes.ts), and each request's view of the store.
 */
export async function startServer({ config, store, ontology, log = console.error, watchStatements }: ServerOptions): Promise<RunningServer> {
  const guards = { ...DEFAULT_GUARDS, ...config.guards };
  const apiKeys = config.apiKeys ?? [];
  const trustProxy = config.trustProxy ?? false;
  // Requests, time, cost and concurrency: what each request may spend (src/budget/), by
  // client address or, at higher budgets, by API key.
  const perMinute = clientBudgets(guards);
  const budget = new ServerBudget({
    costPerMinute: perMinute.address.cost,
    keyCostPerMinute: perMinute.key.cost,
    requestTimeoutMs: guards.requestTimeoutSeconds * 1000,
    maxRequestCost: guards.maxCost,
    gate: { ...DEFAULT_GATE, concurrency: guards.expensiveConcurrency, queue: guards.expensiveQueue },
  });
  const apollo = createApollo({ ontology, guards, production: config.production, log, graphSize: () => store.graphSize() });
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
    // Its reads take the long lane once the request has turned out long (src/budget).
    const lane = () => requestBudget.lane;
    const scoped = store.observed(Object.assign(observe, requestBudget.deadline ? { deadline: requestBudget.deadline, lane } : { lane }));
    return { scoped, roundTrips };
  };
  const listSizes = new ListSizes();
  const networks = new NetworkCache({ measureTimeoutMs: Math.min(MEASURE_TIMEOUT_MS, guards.requestTimeoutSeconds * 1000) });
  // The budget and the caller the route's hooks found for each GraphQL request, for its context.
  const given = new WeakMap<IncomingMessage, { budget: RequestBudget; auth: Authentication }>();
  const graphql = graphqlRoute({
    apollo,
    context: async (req) => {
      const { budget: requestBudget, auth } = given.get(req) ?? { budget: UNBUDGETED, auth: { kind: 'anonymous' } };
      const { scoped, roundTrips } = requestStore(req, requestBudget);
      return createContext(scoped, ontology, auth, networks, roundTrips, requestBudget, listSizes);
    },
  });
  const routes = appRoutes({
    production: config.production,
    corsOrigins: config.corsOrigins ?? [],
    clients: { apiKeys, trustProxy },
    rateLimit: createRateLimit({ address: perMinute.address.requests, key: perMinute.key.requests }),
    budget,
    maxBodyBytes: guards.maxBodyBytes,
    graphql: (req, res, url, body, requestBudget, auth) => {
      given.set(req, { budget: requestBudget, auth });
      return graphql(req, res, url, body);
    },
    exports: exportRoute({ ontology, networks }),
    networkView: networkViewRoute('/graphql', ontology),
    storeFor: (req, requestBudget) => requestStore(req, requestBudget).scoped,
    store,
  });
  const handle = dispatch(routes, notFound);

  const http = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`request failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      if (!res.headersSent) sendRequestError(res, 500, 'Internal server error', 'INTERNAL_SERVER_ERROR');
      else res.destroy();
    });
  });
  http.headersTimeout = 10_000;
  http.requestTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(config.port, config.host, () => resolve());
    });
  } catch (err) {
    await apollo.stop();
    // Node's word for it, turned into the domain's: the CLI names PORT.
    throw err instanceof Error && 'code' in err && err.code === 'EADDRINUSE' ? new AddressInUseError(config.port, config.host) : err;
  }
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
