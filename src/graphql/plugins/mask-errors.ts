import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { formatDomainError } from '../error-mapper.js';
import { ErrorCode } from '../errors.js';

/**
 * Domain errors are shown as the GraphQL mapper says (src/graphql/error-mapper.ts);
 * other errors the client can act on keep their message; anything else becomes a
 * generic message with the same code. The cause is logged on one line, without a stack
 * trace or request data.
 */
const PUBLIC_CODES = new Set<string>([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.BAD_REQUEST,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
]);

export function maskErrors(log: (line: string) => void = (line) => console.error(line)) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const location = {
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
    };
    const domain = formatDomainError(error, location);
    if (domain) return domain;
    let code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : ErrorCode.INTERNAL_SERVER_ERROR;
    // Apollo refuses some bad requests with a 400 but no code (a persisted query whose
    // sha256Hash does not match its query, or of a version other than 1), and then fills in
    // INTERNAL_SERVER_ERROR. An error whose thrower set a 4xx status without a code is
    // the client's mistake: it keeps its message, as BAD_REQUEST (found by test/fuzz.test.ts).
    if (isCodelessClientError(error)) code = ApolloServerErrorCode.BAD_REQUEST;
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
