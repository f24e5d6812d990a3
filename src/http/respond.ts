import type { ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'x-content-type-options': 'nosniff', ...headers });
  res.end(text);
}

/** A GraphQL-over-HTTP error response for requests that never reached GraphQL. */
export function sendRequestError(res: ServerResponse, status: number, message: string, code = 'BAD_REQUEST'): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}
