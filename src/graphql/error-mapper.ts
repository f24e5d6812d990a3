import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { BudgetError } from '../budget/errors.js';
import { domainErrorOf, ErrorCode, type DomainError } from '../errors/domain-error.js';
import { InputError } from '../writes/errors.js';
import { httpHeadersOf, httpStatusOf, STORE_UNAVAILABLE_MESSAGE } from '../errors/http-status.js';

/**
 * The GraphQL mapper: the one place a domain error becomes what a GraphQL client sees,
 * an error with `extensions.code` (and `argument`, the field at fault), and for some
 * codes the HTTP status of the whole answer. Resolvers throw domain errors as they are;
 * `formatDomainError` (called by the server's formatError) and `domainErrorPlugin` do
 * the rest.
 */

/**
 * Codes that set the answer's HTTP status (with their headers, src/errors/http-status.ts).
 * Bad input and a missing thing do not: in GraphQL they are an error beside the data, 200.
 */
const SETS_STATUS = new Set<ErrorCode>([
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.RATE_LIMITED,
  ErrorCode.SERVER_BUSY,
  ErrorCode.DEADLINE_EXCEEDED,
  ErrorCode.SERVICE_UNAVAILABLE,
  ErrorCode.INSUFFICIENT_STORAGE,
]);

/** Codes whose message a client sees; any other domain error is masked as internal. */
const PUBLIC = new Set<ErrorCode>([ErrorCode.BAD_USER_INPUT, ErrorCode.NOT_FOUND, ErrorCode.CLIENT_CLOSED_REQUEST, ...SETS_STATUS]);

type Location = Pick<GraphQLFormattedError, 'path' | 'locations'>;

function messageOf(err: DomainError): string {
  // Every problem of an input, one line: the field first, as the client named it.
  if (err instanceof InputError) return err.problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  if (err.code === ErrorCode.SERVICE_UNAVAILABLE) return STORE_UNAVAILABLE_MESSAGE;
  if (err.code === ErrorCode.CLIENT_CLOSED_REQUEST) return 'Request abandoned';
  return err.message;
}

function extensionsOf(err: DomainError): Record<string, unknown> {
  return {
    code: err.code,
    ...(err.field ? { argument: err.field } : {}),
    ...(err instanceof InputError ? { problems: err.problems.map((p) => ({ field: p.field, message: p.message })) } : {}),
    ...(err.retryAfterSeconds !== undefined ? { retryAfter: err.retryAfterSeconds } : {}),
  };
}

/**
 * What a client sees of the domain error behind `error`; null when there is none, or
 * when it must be masked (the caller logs it and answers INTERNAL_SERVER_ERROR).
 */
export function formatDomainError(error: unknown, location: Location): GraphQLFormattedError | null {
  const domain = domainErrorOf(error);
  if (!domain || !PUBLIC.has(domain.code)) return null;
  return { message: messageOf(domain), ...location, extensions: extensionsOf(domain) };
}

/** Sets the answer's status and headers from its domain errors (a refusal for the server's sake first). */
export function domainErrorPlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, response }) {
          const domains = errors.map(domainErrorOf).filter((e): e is DomainError => e !== null && SETS_STATUS.has(e.code));
          const chosen = domains.find((e) => e instanceof BudgetError) ?? domains[0];
          if (!chosen) return;
          response.http.status = httpStatusOf(chosen);
          for (const [name, value] of Object.entries(httpHeadersOf(chosen))) response.http.headers.set(name, value);
        },
      };
    },
  };
}
