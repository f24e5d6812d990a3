import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authentication } from '../auth/api-keys.js';
import { UNBUDGETED, type RequestBudget, type ServerBudget } from '../budget/request-budget.js';
import { EXAMPLE_QUERY } from './explorer/example-query.js';
import type { GraphReads } from '../store/graph-reads.js';
import type { GraphStore } from '../store/graph-store.js';
import { ASSET_PREFIX, EXPLORER_SECURITY_HEADERS, serveExplorerAsset, serveExplorerPage, wantsExplorer } from './explorer-route.js';
import type { ClientOptions } from './client.js';
import { bodyLimit, clientOf, cors, identify, refuseInvalidKey, rateLimit, requestBudget, securityHeaders } from './hooks.js';
import { NETWORK_VIEW_ASSET_PREFIX, NETWORK_VIEW_PATH, NETWORK_VIEW_SECURITY_HEADERS } from './network-view-route.js';
import type { RateLimit } from './rate-limit.js';
import { STORE_RETRY_AFTER_SECONDS } from '../errors/http-status.js';
import { sendJson, sendRequestError } from './respond.js';
import type { Route, RouteContext } from './router.js';

/**
 * Every HTTP route of the server, in the order they are tried, each with its hooks:
 *
 *   route                 match                         hooks
 *   explorer page         /graphql, a browser's GET     cors, security headers       (not in production)
 *   graphql               /graphql                      cors, identify, rate limit, budget, body limit, nosniff
 *   explorer assets       /explorer/assets/*                                         (not in production)
 *   export                /export/*                     identify, rate limit, budget
 *   network view page     /explore, GET or HEAD         security headers
 *   network view assets   /explore/assets/*
 *   health                /health
 *   root                  /                             (a redirect to /graphql)
 *   anything else         404 NOT_FOUND
 */

export interface AppRouteOptions {
  production: boolean;
  corsOrigins: readonly string[];
  /** How a request's client is told: its API key, its address. */
  clients: ClientOptions;
  rateLimit: RateLimit;
  budget: ServerBudget;
  maxBodyBytes: number;
  graphql: (req: IncomingMessage, res: ServerResponse, url: URL, body: string, budget: RequestBudget, auth: Authentication) => Promise<void>;
  exports: (req: IncomingMessage, res: ServerResponse, url: URL, store: GraphReads, budget: RequestBudget) => Promise<boolean>;
  networkView: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  /** The request's own view of the store: it counts round trips and stops at the request's deadline. */
  storeFor: (req: IncomingMessage, budget: RequestBudget) => GraphReads;
  /** The store as a whole, for the health check. */
  store: Pick<GraphStore, 'listSources' | 'backend' | 'engineStatus'>;
}

/** Answers carry what clients send; a browser must never read one as another type. */
const NOSNIFF = { 'x-content-type-options': 'nosniff' };

const path = (p: string) => (ctx: RouteContext) => ctx.url.pathname === p;
const prefix = (p: string) => (ctx: RouteContext) => ctx.url.pathname.startsWith(p);
const readOnly = (ctx: RouteContext) => ctx.req.method === 'GET' || ctx.req.method === 'HEAD';

export function appRoutes(o: AppRouteOptions): Route[] {
  const explorer = !o.production;
  const who = identify(o.clients);
  const limit = rateLimit(o.rateLimit);
  return [
    {
      name: 'explorer page',
      match: (ctx) => explorer && path('/graphql')(ctx) && wantsExplorer(ctx.req, ctx.url),
      hooks: [cors(o.corsOrigins), securityHeaders(EXPLORER_SECURITY_HEADERS)],
      handle: ({ res }) => serveExplorerPage(res, '/graphql', EXAMPLE_QUERY),
    },
    {
      name: 'graphql',
      match: path('/graphql'),
      hooks: [cors(o.corsOrigins), who, limit, requestBudget(o.budget, 'the request'), bodyLimit(o.maxBodyBytes), securityHeaders(NOSNIFF)],
      handle: (ctx) => o.graphql(ctx.req, ctx.res, ctx.url, ctx.body ?? '', ctx.budget ?? UNBUDGETED, clientOf(ctx).auth),
    },
    {
      name: 'explorer assets',
      match: (ctx) => explorer && prefix(ASSET_PREFIX)(ctx),
      handle: ({ req, res, url }) => serveExplorerAsset(req, res, url.pathname.slice(ASSET_PREFIX.length)),
    },
    {
      name: 'export',
      match: prefix('/export/'),
      hooks: [who, limit, refuseInvalidKey(), requestBudget(o.budget, 'the export')],
      handle: ({ req, res, url, budget = UNBUDGETED }) => o.exports(req, res, url, o.storeFor(req, budget), budget),
    },
    {
      name: 'network view page',
      match: (ctx) => (path(NETWORK_VIEW_PATH)(ctx) || path(`${NETWORK_VIEW_PATH}/`)(ctx)) && readOnly(ctx),
      hooks: [securityHeaders(NETWORK_VIEW_SECURITY_HEADERS)],
      handle: ({ req, res, url }) => o.networkView(req, res, url),
    },
    {
      name: 'network view assets',
      match: prefix(NETWORK_VIEW_ASSET_PREFIX),
      handle: ({ req, res, url }) => o.networkView(req, res, url),
    },
    {
      name: 'health',
      match: path('/health'),
      handle: async ({ res }) => {
        const engine = o.store.engineStatus();
        const about = { backend: o.store.backend, ...(engine ? { engine } : {}) };
        try {
          await o.store.listSources();
          sendJson(res, 200, { status: 'ok', ...about });
        } catch {
          sendJson(res, 503, { status: engine?.state === 'restarting' ? 'restarting' : 'unavailable', ...about }, { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) });
        }
      },
    },
    {
      name: 'root',
      match: path('/'),
      handle: ({ res }) => {
        res.writeHead(302, { location: '/graphql' });
        res.end();
      },
    },
  ];
}

export function notFound({ res, url }: RouteContext): void {
  sendRequestError(res, 404, `no route ${url.pathname}; the API is at /graphql`, 'NOT_FOUND');
}
