/**
 * Why a request was refused or stopped for the server's sake rather than for what it
 * asked: each has a stable `extensions.code`, an HTTP status and a `Retry-After`.
 */
export type BudgetCode = 'SERVER_BUSY' | 'DEADLINE_EXCEEDED' | 'RATE_LIMITED';

export abstract class BudgetError extends Error {
  abstract readonly code: BudgetCode;
  abstract readonly status: 429 | 503;
  constructor(
    message: string,
    /** When the client may try again, in whole seconds (at least 1). */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Every slot for expensive work is taken and the short queue is full, or the wait in it ran out. */
export class ServerBusyError extends BudgetError {
  readonly code = 'SERVER_BUSY';
  readonly status = 503;
}

/** The request ran to its deadline; its work was stopped. */
export class DeadlineExceededError extends BudgetError {
  readonly code = 'DEADLINE_EXCEEDED';
  readonly status = 503;
}

/** The client has spent its budget of estimated cost for the minute. */
export class CostBudgetExceededError extends BudgetError {
  readonly code = 'RATE_LIMITED';
  readonly status = 429;
}

/** The client closed the connection: its work is stopped, and nobody reads the answer. */
export class RequestAbandonedError extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'RequestAbandonedError';
  }
}

/** The budget error behind `err` (as thrown, or wrapped by GraphQL as `originalError`), or null. */
export function budgetErrorOf(err: unknown): BudgetError | null {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { originalError?: unknown }).originalError, i += 1) {
    if (e instanceof BudgetError) return e;
  }
  return null;
}
