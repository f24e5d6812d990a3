import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Cross-origin access for browsers on other sites, only from the origins listed in
 * CORS_ORIGINS (`*` for any). Credentials (cookies) are never allowed: writes carry an
 * API key in a header, which a page on another site cannot read from us.
 */
const ALLOWED_HEADERS = 'content-type, authorization, apollo-require-preflight, x-apollo-operation-name';

/** Response headers a page on another site may read: what a request cost, and when to come back. */
const EXPOSED_HEADERS = 'query-cost, retry-after, ratelimit-limit, ratelimit-remaining';

/** Sets CORS headers; returns true when it answered a preflight request itself. */
export function handleCors(req: IncomingMessage, res: ServerResponse, origins: readonly string[]): boolean {
  const origin = req.headers.origin;
  const allowed = origin !== undefined && (origins.includes('*') || origins.includes(origin));
  res.setHeader('vary', 'Origin');
  if (allowed) {
    res.setHeader('access-control-allow-origin', origins.includes('*') ? '*' : origin);
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  }
  if (req.method !== 'OPTIONS') return false;
  if (allowed) {
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
    res.setHeader('access-control-max-age', '600');
  }
  res.writeHead(204);
  res.end();
  return true;
}
