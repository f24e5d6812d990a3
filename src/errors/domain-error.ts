import { ApolloServerErrorCode } from '@apollo/server/errors';

/**
 * The one vocabulary of failures. Every error the code throws on purpose extends
 * DomainError and names one of these codes; the transports (src/graphql/error-mapper.ts,
 * src/http/error-response.ts, src/cli/report-error.ts) decide what a code becomes: an
 * `extensions.code` and an HTTP status, or a line on stderr and an exit code. The error
 * itself says only what went wrong and where, never how a transport shows it.
 *
 * Apollo's codes are imported where they mean the same thing, so clients see one spelling.
 */
export const ErrorCode = {
  /** Input the caller can fix: an argument, a file, a command-line option. */
  BAD_USER_INPUT: ApolloServerErrorCode.BAD_USER_INPUT,
  /** Something the request names does not exist. */
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** Refused for the server's sake: each carries when to try again. */
  RATE_LIMITED: 'RATE_LIMITED',
  SERVER_BUSY: 'SERVER_BUSY',
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
  /** The client hung up; nobody reads the answer. */
  CLIENT_CLOSED_REQUEST: 'CLIENT_CLOSED_REQUEST',
  /** The database does not answer now; it may later. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** A write refused because DATA_DIR's disk is (nearly) full; reads go on. */
  INSUFFICIENT_STORAGE: 'INSUFFICIENT_STORAGE',
  /** The environment's settings are wrong (names the variable). */
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** The database cannot be opened or reached at start (names the variable or DATA_DIR). */
  STORE_OPEN_FAILED: 'STORE_OPEN_FAILED',
  /** The port to listen on is taken. */
  ADDRESS_IN_USE: 'ADDRESS_IN_USE',
  /** An operation whose preconditions do not hold (a backup over a file, a restore into a full database). */
  REFUSED: 'REFUSED',
  /** Stored data is damaged (a journal changed by hand). */
  DATA_DAMAGED: 'DATA_DAMAGED',
  /** A broken invariant: a bug, shown to nobody but the log. */
  INTERNAL: ApolloServerErrorCode.INTERNAL_SERVER_ERROR,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  /** The input field, argument, parameter or option at fault, when there is one. */
  readonly field?: string;
  /** When the client may try again, in whole seconds, for a refusal that says (the budget's). */
  readonly retryAfterSeconds?: number;

  constructor(message: string, field?: string) {
    super(message);
    if (field !== undefined) this.field = field;
    // Stack traces and logs name the concrete class, not "Error".
    this.name = new.target.name;
  }
}

/** The domain error behind `err`, looking through wrappers (GraphQL's `originalError`, a `cause`). */
export function domainErrorOf(err: unknown): DomainError | null {
  for (let e: unknown = err, i = 0; e && i < 5; i += 1) {
    if (e instanceof DomainError) return e;
    const next = (e as { originalError?: unknown }).originalError;
    e = next ?? undefined;
  }
  return null;
}
