import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../errors.js';

/**
 * Errors the client can act on keep their message; anything unexpected becomes a
 * generic message with the same code. The cause is logged on one line, without a
 * stack trace or request data.
 */
const PUBLIC_CODES = new Set([
  ErrorCode.BAD_USER_INPUT,
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export function maskErrors(log: (line: string) => void = (line) => console.error(line)) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    const code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : ErrorCode.INTERNAL_SERVER_ERROR;
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    if (PUBLIC_CODES.has(code)) return { ...formatted, extensions: { ...extensions, code } };
    log(`graphql error at ${formatted.path?.join('.') ?? '(request)'}: ${formatted.message.split('\n')[0]}`);
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
