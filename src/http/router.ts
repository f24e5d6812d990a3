import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestBudget } from '../budget/request-budget.js';
import type { Client } from './client.js';

/**
 * A route table in the manner of fastify: each route says which requests are its own and
 * which hooks run before its handler (CORS, rate limit, request budget, body limit,
 * security headers: src/http/hooks.ts). The first route that matches and does not
 * decline answers; a request no route answers gets `notFound`.
 */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Who sent the request, once the identify hook has worked it out. */
  client?: Client;
  /** The request's budget, once the budget hook has given it one. */
  budget?: RequestBudget;
  /** The request's body, once the body-limit hook has read it ('' for other methods than POST). */
  body?: string;
}

/** Runs before a handler; returns false when it has answered the request itself (a preflight, a 429, a 413). */
export type Hook = (ctx: RouteContext) => boolean | Promise<boolean>;

export interface Route {
  /** For logs and tests. */
  name: string;
  match(ctx: RouteContext): boolean;
  hooks?: readonly Hook[];
  /** Returns false when it declines after all (an asset it does not have): the next route is tried. */
  handle(ctx: RouteContext): unknown;
}

export function dispatch(routes: readonly Route[], notFound: (ctx: RouteContext) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ctx: RouteContext = { req, res, url: new URL(req.url ?? '/', 'http://localhost') };
    for (const route of routes) {
      if (!route.match(ctx)) continue;
      let admitted = true;
      for (const hook of route.hooks ?? []) {
        if (!(await hook(ctx))) {
          admitted = false;
          break;
        }
      }
      if (!admitted) return;
      if ((await route.handle(ctx)) !== false) return;
    }
    notFound(ctx);
  };
}
