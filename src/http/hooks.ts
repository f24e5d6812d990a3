import { InvalidApiKeyError } from '../auth/api-keys.js';
import type { ServerBudget } from '../budget/request-budget.js';
import { budgetHolder, identifyClient, type Client, type ClientOptions } from './client.js';
import { handleCors } from './cors.js';
import { sendDomainError } from './error-response.js';
import type { RateLimit } from './rate-limit.js';
import { readBody } from './read-body.js';
import type { Hook, RouteContext } from './router.js';

/** The cross-cutting concerns of HTTP routes, each a hook a route lists (src/http/routes.ts). */

/** CORS headers for the listed origins; answers a preflight itself. */
export function cors(origins: readonly string[]): Hook {
  return ({ req, res }) => !handleCors(req, res, origins);
}

/** Works out who sent the request (API key, address) for the hooks after it and the handler. */
export function identify(options: ClientOptions): Hook {
  return (ctx) => {
    ctx.client = identifyClient(ctx.req, options);
    return true;
  };
}

/** The request's client; a route that reads it lists the identify hook first. */
export function clientOf(ctx: RouteContext): Client {
  if (!ctx.client) throw new Error('the route reads its client without the identify hook before');
  return ctx.client;
}

/** Refuses (401, WWW-Authenticate) a request whose `Authorization` names no valid key, as /graphql does: it is never served as anonymous. */
export function refuseInvalidKey(): Hook {
  return (ctx) => {
    if (clientOf(ctx).auth.kind !== 'invalid') return true;
    sendDomainError(ctx.res, new InvalidApiKeyError());
    return false;
  };
}

/** One request of the client's per-minute allowance; a 429 with Retry-After when it is spent. */
export function rateLimit(limit: RateLimit): Hook {
  return (ctx) => limit.admit(budgetHolder(clientOf(ctx)), ctx.res);
}

/**
 * Gives the request its budget (time, cost, concurrency), charged to its API key's name
 * or else its address. Its work stops at its deadline, or as soon as the client hangs up.
 */
export function requestBudget(budget: ServerBudget, what: string): Hook {
  return (ctx) => {
    const given = budget.forRequest(budgetHolder(clientOf(ctx)), what);
    ctx.res.once('close', () => {
      if (!ctx.res.writableFinished) given.deadline?.abandon();
      given.dispose();
    });
    ctx.budget = given;
    return true;
  };
}

/** Reads a POST body up to `maxBytes` into the context; a 413 past it, without buffering the excess. */
export function bodyLimit(maxBytes: number): Hook {
  return async (ctx) => {
    try {
      ctx.body = ctx.req.method === 'POST' ? await readBody(ctx.req, maxBytes) : '';
      return true;
    } catch (err) {
      if (!sendDomainError(ctx.res, err)) throw err;
      return false;
    }
  };
}

/** Headers that tell a browser what the answer may do (CSP, nosniff, referrer policy). */
export function securityHeaders(headers: Readonly<Record<string, string>>): Hook {
  return ({ res }) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    return true;
  };
}
