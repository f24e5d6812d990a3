import { ErrorCode, type DomainError } from './domain-error.js';

/**
 * The HTTP status of each error code, and the headers that go with it: one table for both
 * transports. The HTTP mapper (src/http/error-response.ts) answers every code with it; the
 * GraphQL mapper (src/graphql/error-mapper.ts) with the same statuses where GraphQL sets a
 * status at all.
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.SERVER_BUSY]: 503,
  [ErrorCode.DEADLINE_EXCEEDED]: 503,
  // nginx's code for it; nobody reads the answer (the socket is destroyed instead).
  [ErrorCode.CLIENT_CLOSED_REQUEST]: 499,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
  [ErrorCode.INSUFFICIENT_STORAGE]: 507,
  [ErrorCode.CONFIG_INVALID]: 500,
  [ErrorCode.STORE_OPEN_FAILED]: 503,
  [ErrorCode.ADDRESS_IN_USE]: 500,
  [ErrorCode.REFUSED]: 409,
  [ErrorCode.DATA_DAMAGED]: 500,
  [ErrorCode.INTERNAL]: 500,
};

/** How long a client waits for a database that did not answer. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** How long a client waits before writing again to a full disk: someone has to free space first. */
export const STORAGE_RETRY_AFTER_SECONDS = 60;

/** What clients are told when the database is down: the cause stays in the log. */
export const STORE_UNAVAILABLE_MESSAGE = 'The database is unavailable; try again shortly';

export function httpStatusOf(err: DomainError): number {
  return HTTP_STATUS[err.code];
}

/** Headers that go with the error's status: when to ask again, how to authenticate. */
export function httpHeadersOf(err: DomainError): Record<string, string> {
  if (err.retryAfterSeconds !== undefined) return { 'retry-after': String(err.retryAfterSeconds) };
  if (err.code === ErrorCode.SERVICE_UNAVAILABLE) return { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) };
  if (err.code === ErrorCode.INSUFFICIENT_STORAGE) return { 'retry-after': String(STORAGE_RETRY_AFTER_SECONDS) };
  if (err.code === ErrorCode.UNAUTHENTICATED) return { 'www-authenticate': 'Bearer' };
  // Every 503 says when to ask again (a deadline passed under load, a database still opening).
  if (httpStatusOf(err) === 503) return { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) };
  return {};
}
