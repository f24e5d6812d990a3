import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { sendRequestError } from './respond.js';

/** Deeper JSON than any GraphQL request needs; recursive code further on would overflow the stack. */
export const MAX_JSON_NESTING = 100;

/** How deep `value` nests, counted without recursion and stopping past `limit`. */
function nestingExceeds(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

export interface GraphqlRouteOptions<T extends object> {
  apollo: ApolloServer<T>;
  /** Builds the per-request context, for example from the request's Authorization header. */
  context: (req: IncomingMessage) => Promise<T>;
}

/**
 * Hands a request to Apollo Server, which implements GraphQL over HTTP (GET and POST,
 * content negotiation, status codes). This route only parses a JSON body, which the
 * route table's body-limit hook has read (`text`, '' for other methods than POST).
 */
export function graphqlRoute<T extends object>({ apollo, context }: GraphqlRouteOptions<T>) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL, text: string): Promise<void> => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = text;
    if (req.method === 'POST' && /json/i.test(headers.get('content-type') ?? '')) {
      try {
        body = text === '' ? {} : JSON.parse(text);
      } catch {
        return sendRequestError(res, 400, 'request body is not valid JSON');
      }
      if (nestingExceeds(body, MAX_JSON_NESTING)) {
        return sendRequestError(res, 400, `request body is nested more than ${MAX_JSON_NESTING} levels deep`);
      }
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => context(req),
    });
    // `x-content-type-options: nosniff` is the route's security-headers hook's (routes.ts).
    for (const [key, value] of result.headers) res.setHeader(key, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
