import { DomainError, ErrorCode } from '../errors/domain-error.js';

/**
 * Why a request was refused or stopped for the server's sake rather than for what it
 * asked: each has a stable code and a `Retry-After`; its HTTP status is the transports'
 * (src/errors/http-status.ts).
 */
export type BudgetCode = typeof ErrorCode.SERVER_BUSY | typeof ErrorCode.DEADLINE_EXCEEDED | typeof ErrorCode.RATE_LIMITED;

export abstract class BudgetError extends DomainError {
  abstract override readonly code: BudgetCode;
  constructor(
    message: string,
    /** When the client may try again, in whole seconds (at least 1). */
    override readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** Every slot for expensive work is taken and the short queue is full, or the wait in it ran out. */
export class ServerBusyError extends BudgetError {
  readonly code = ErrorCode.SERVER_BUSY;
}

/** The request ran to its deadline; its work was stopped. */
export class DeadlineExceededError extends BudgetError {
  readonly code = ErrorCode.DEADLINE_EXCEEDED;
}

/** The client has spent its budget of estimated cost for the minute. */
export class CostBudgetExceededError extends BudgetError {
  readonly code = ErrorCode.RATE_LIMITED;
}

/** The client closed the connection: its work is stopped, and nobody reads the answer. */
export class RequestAbandonedError extends DomainError {
  readonly code = ErrorCode.CLIENT_CLOSED_REQUEST;
  constructor() {
    super('the client closed the connection');
  }
}

/** A list with no `first` turned out larger than one request may cost (MAX_QUERY_COST): the client asks for pages instead. */
export class RequestCostExceededError extends DomainError {
  readonly code = ErrorCode.BAD_USER_INPUT;
}
