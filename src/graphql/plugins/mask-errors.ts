import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
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
    if (unwrapResolverError(error) instanceof StoreUnavailableError) {
      return { message: 'The database is unavailable; try again shortly', ...location, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } };
    }
    const code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : ErrorCode.INTERNAL_SERVER_ERROR;
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    if (PUBLIC_CODES.has(code)) return { ...formatted, extensions: { ...extensions, code } };
    log(`graphql error at ${formatted.path?.join('.') ?? '(request)'}: ${formatted.message.split('\n')[0]}`);
    return { message: 'Internal server error', ...location, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}
