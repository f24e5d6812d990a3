import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { BodyTooLargeError, readBody } from './read-body.js';
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
  maxBodyBytes: number;
}

/**
 * Hands a request to Apollo Server, which implements GraphQL over HTTP (GET and POST,
 * content negotiation, status codes, the explorer page). This route only reads the
 * body within its size limit.
 */
export function graphqlRoute<T extends object>({ apollo, context, maxBodyBytes }: GraphqlRouteOptions<T>) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    let text: string;
    try {
      text = req.method === 'POST' ? await readBody(req, maxBodyBytes) : '';
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        return sendRequestError(res, 413, `request body is larger than the limit of ${maxBodyBytes} bytes`, 'PAYLOAD_TOO_LARGE');
      }
      throw err;
    }
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
    for (const [key, value] of result.headers) res.setHeader(key, value);
    // Answers carry what clients send; a browser must never read one as another type.
    res.setHeader('x-content-type-options', 'nosniff');
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
