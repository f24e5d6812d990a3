import { join } from 'node:path';
import { parseApiKeys } from '../../src/auth/api-keys.js';
import type { Guards } from '../../src/config.js';
import { loadSeeds } from '../../src/writes/sources/seed-folder.js';
import { loadOntology, type Ontology } from '../../src/ontology/ontology.js';
import { projectRoot } from '../../src/paths.js';
import { startServer, type RunningServer } from '../../src/server.js';
import type { Graph } from '../../src/writes/graph.js';
import { embedded, type Backend } from './backends.js';

export const SEEDS_DIR = join(projectRoot, 'seeds');

export interface GraphqlResponse<T = Record<string, unknown>> {
  status: number;
  contentType: string | null;
  body: {
    data?: T | null;
    errors?: Array<{ message: string; extensions?: { code?: string; [k: string]: unknown } }>;
    extensions?: { dbRoundTrips?: number };
  };
}

export interface TestServer {
  url: string;
  store: Graph;
  server: RunningServer;
  logs: string[];
  /** POSTs a query as a GraphQL client would, asking for the GraphQL-over-HTTP media type. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, opts?: RequestOptions): Promise<GraphqlResponse<T>>;
  /** Like `gql`, but fails the test on any GraphQL error and returns `data`. */
  data<T>(query: string, variables?: Record<string, unknown>, opts?: RequestOptions): Promise<T>;
  close(): Promise<void>;
}

export interface RequestOptions {
  /** Sent as `Authorization: Bearer <key>`. */
  key?: string;
  headers?: Record<string, string>;
}

export interface TestServerOptions {
  production?: boolean;
  /** `API_KEYS` as the server would read it from the environment. */
  apiKeys?: string;
  guards?: Partial<Guards>;
  corsOrigins?: string[];
  /** The ontology to store, validate and serve; the project's own `schema/` by default. */
  ontology?: Ontology;
  /** Take the client address from X-Forwarded-For, so a test can send from several. */
  trustProxy?: boolean;
}

/** Keys the contract suite writes with: one curator named `alice`, one `bob`, one admin. */
export const KEYS = {
  alice: 'alice-curator-key-0123456789',
  bob: 'bob-curator-key-0123456789ab',
  admin: 'the-admin-key-0123456789abcd',
};
export const API_KEYS = `curator:alice:${KEYS.alice},curator:bob:${KEYS.bob},admin:root:${KEYS.admin}`;

/** The real HTTP server over a fresh store loaded with the project's seed files. */
export async function startTestServer(backend: Backend = embedded, opts: TestServerOptions = {}): Promise<TestServer> {
  const ontology = opts.ontology ?? loadOntology();
  const { store, dispose } = await backend.open(ontology);
  await loadSeeds(store, ontology, SEEDS_DIR);
  const logs: string[] = [];
  const server = await startServer({
    config: {
      port: 0,
      host: '127.0.0.1',
      production: opts.production ?? false,
      apiKeys: parseApiKeys(opts.apiKeys ?? API_KEYS, (m) => new Error(m)),
      corsOrigins: opts.corsOrigins ?? [],
      trustProxy: opts.trustProxy ?? false,
      // Tests send many requests from one address; the rate limit and the cost budget have their own tests.
      guards: { rateLimitPerMinute: 0, costPerMinute: 0, ...opts.guards },
    },
    store,
    ontology,
    log: (line) => logs.push(line),
  });
  const url = `${server.url}/graphql`;
  const gql = async <T>(query: string, variables?: Record<string, unknown>, req: RequestOptions = {}): Promise<GraphqlResponse<T>> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        ...(req.key ? { authorization: `Bearer ${req.key}` } : {}),
        ...req.headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, contentType: res.headers.get('content-type'), body: (await res.json()) as GraphqlResponse<T>['body'] };
  };
  return {
    url,
    store,
    server,
    logs,
    gql,
    async data<T>(query: string, variables?: Record<string, unknown>, req?: RequestOptions): Promise<T> {
      const res = await gql(query, variables, req);
      if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
      return res.body.data as T;
    },
    async close() {
      await server.close();
      await dispose();
    },
  };
}
