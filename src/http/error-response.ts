import type { ServerResponse } from 'node:http';
import { BudgetError } from '../budget/errors.js';
import { domainErrorOf, ErrorCode, type DomainError } from '../errors/domain-error.js';
import { sendJson } from './respond.js';

/**
 * The HTTP mapper: what a domain error becomes on a route outside GraphQL (exports, the
 * body limit, ...): a status, a GraphQL-over-HTTP error body with `extensions.code`, and
 * for refusals a `Retry-After`. The GraphQL mapper (src/graphql/error-mapper.ts) answers
 * the same codes with the same statuses where GraphQL sets a status at all.
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
  if (err instanceof BudgetError) return { 'retry-after': String(err.retryAfterSeconds) };
  if (err.code === ErrorCode.SERVICE_UNAVAILABLE) return { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) };
  if (err.code === ErrorCode.INSUFFICIENT_STORAGE) return { 'retry-after': String(STORAGE_RETRY_AFTER_SECONDS) };
  if (err.code === ErrorCode.UNAUTHENTICATED) return { 'www-authenticate': 'Bearer' };
  // Every 503 says when to ask again (a deadline passed under load, a database still opening).
  if (httpStatusOf(err) === 503) return { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) };
  return {};
}

/** Only codes a client can act on keep their message. */
const PUBLIC = new Set<ErrorCode>([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.NOT_FOUND,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.PAYLOAD_TOO_LARGE,
  ErrorCode.RATE_LIMITED,
  ErrorCode.SERVER_BUSY,
  ErrorCode.DEADLINE_EXCEEDED,
  // What to free, and where: the operator reads it in the client's error.
  ErrorCode.INSUFFICIENT_STORAGE,
]);

export interface ErrorResponseOptions {
  /** The request part bad input is about when the error names none (the export route: `selection`). */
  parameter?: string;
}

/**
 * Answers `err` if it is a domain error (true), or leaves it to the caller (false): an
 * unexpected error is the server's last-resort handler's to log and answer 500.
 */
export function sendDomainError(res: ServerResponse, err: unknown, options: ErrorResponseOptions = {}): boolean {
  const domain = domainErrorOf(err);
  if (!domain) return false;
  if (domain.code === ErrorCode.CLIENT_CLOSED_REQUEST) {
    res.destroy();
    return true;
  }
  if (!PUBLIC.has(domain.code) && domain.code !== ErrorCode.SERVICE_UNAVAILABLE) return false;
  const message = domain.code === ErrorCode.SERVICE_UNAVAILABLE ? STORE_UNAVAILABLE_MESSAGE : domain.message;
  const parameter = domain.code === ErrorCode.BAD_USER_INPUT ? (domain.field ?? options.parameter) : undefined;
  const extensions = { code: domain.code, ...(parameter === undefined ? {} : { parameter }) };
  sendJson(res, httpStatusOf(domain), { errors: [{ message, extensions }] }, httpHeadersOf(domain));
  return true;
}
