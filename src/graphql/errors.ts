import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import { ErrorCode as Domain } from '../errors/domain-error.js';

/**
 * The `extensions.code` values clients can rely on, for errors GraphQL itself raises
 * (argument checks, roles, limits). Domain errors are mapped in error-mapper.ts.
 */
export const ErrorCode = {
  BAD_USER_INPUT: ApolloServerErrorCode.BAD_USER_INPUT,
  UNAUTHENTICATED: Domain.UNAUTHENTICATED,
  FORBIDDEN: Domain.FORBIDDEN,
  INTERNAL_SERVER_ERROR: ApolloServerErrorCode.INTERNAL_SERVER_ERROR,
  SERVICE_UNAVAILABLE: Domain.SERVICE_UNAVAILABLE,
} as const;

export function badInput(message: string, argument?: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...(argument ? { argument } : {}), ...extra } });
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401, headers: new Map([['www-authenticate', 'Bearer']]) } },
  });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN, http: { status: 403 } } });
}
