/** The database did not answer; the request may succeed when it is back. */
export class StoreUnavailableError extends Error {
  constructor(message = 'the database is unavailable; try again shortly') {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/** A write the graph's rules refuse (an unknown end, a kind that cannot change, ...). */
export class CurationError extends Error {
  constructor(
    message: string,
    /** The input field the problem is about. */
    readonly field: string,
  ) {
    super(message);
    this.name = 'CurationError';
  }
}

/** A curator's write on a relation another key added; only an admin key may make it. */
export class NotOwnerError extends CurationError {
  constructor(message: string) {
    super(message, 'id');
    this.name = 'NotOwnerError';
  }
}

/** An answer would hold more than the caller's bound; nothing of it is returned. */
export class AnswerTooLargeError extends Error {
  constructor(
    readonly what: 'entities' | 'relations',
    readonly limit: number,
  ) {
    super(`the answer has more than ${limit.toLocaleString('en-US')} ${what}`);
    this.name = 'AnswerTooLargeError';
  }
}
