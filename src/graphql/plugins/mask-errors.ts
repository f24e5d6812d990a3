import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { budgetErrorOf, RequestAbandonedError } from '../../budget/errors.js';
import { StoreUnavailableError } from '../../store/errors.js';
import { ErrorCode } from '../errors.js';

/**
 * Errors the client can act on keep their message; a database that does not answer
 * becomes SERVICE_UNAVAILABLE; anything else becomes a generic message with the same
 * code. The cause is logged on one line, without a stack trace or request data.
 */
const PUBLIC_CODES = new Set<string>([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export function maskErrors(log: (line: string) => void = (line) => console.error(line)) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const location = {
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
    };
    // Refused or stopped for the server's sake: the message says when and how to ask again.
    const refused = budgetErrorOf(error);
    if (refused) {
      return { message: refused.message, ...location, extensions: { code: refused.code, retryAfter: refused.retryAfterSeconds } };
    }
    // The client has gone; nobody reads this.
    if (unwrapResolverError(error) instanceof RequestAbandonedError) return { message: 'Request abandoned', ...location, extensions: { code: 'CLIENT_CLOSED_REQUEST' } };
    if (unwrapResolverError(error) instanceof StoreUnavailableError) {
      return { message: 'The database is unavailable; try again shortly', ...location, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } };
    }
    let code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : ErrorCode.INTERNAL_SERVER_ERROR;
    // Apollo refuses some bad requests with a 400 but no code (a persisted query whose
    // sha256Hash does not match its query, or of a version other than 1), and then fills in
    // INTERNAL_SERVER_ERROR. An error whose thrower set a 4xx status without a code is
    // the client's mistake: it keeps its message, as BAD_REQUEST (found by test/fuzz.test.ts).
    if (isCodelessClientError(error)) code = 'BAD_REQUEST';
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    if (PUBLIC_CODES.has(code)) return { ...formatted, extensions: { ...extensions, code } };
    log(`graphql error at ${formatted.path?.join('.') ?? '(request)'}: ${formatted.message.split('\n')[0]}`);
    return { message: 'Internal server error', ...location, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}

function isCodelessClientError(error: unknown): boolean {
  const extensions = (error as { extensions?: { code?: unknown; http?: { status?: unknown } } } | null)?.extensions;
  if (!(error instanceof Error) || typeof extensions !== 'object' || extensions.code !== undefined) return false;
  const status = extensions.http?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
