import type { ServerResponse } from 'node:http';
import { domainErrorOf, ErrorCode } from '../errors/domain-error.js';
import { httpHeadersOf, httpStatusOf, STORE_UNAVAILABLE_MESSAGE } from '../errors/http-status.js';
import { sendJson } from './respond.js';

/**
 * The HTTP mapper: what a domain error becomes on a route outside GraphQL (exports, the
 * body limit, ...): its status and headers (src/errors/http-status.ts, shared with the
 * GraphQL mapper), and a GraphQL-over-HTTP error body with `extensions.code`.
 */

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
