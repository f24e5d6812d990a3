import { DomainError, ErrorCode } from '../errors/domain-error.js';

/** The database did not answer; the request may succeed when it is back. */
export class StoreUnavailableError extends DomainError {
  readonly code = ErrorCode.SERVICE_UNAVAILABLE;
  constructor(message = 'the database is unavailable; try again shortly') {
    super(message);
  }
}

/**
 * A stored record that cannot be decoded: the database file was changed behind the engine's
 * back (a bad disk, a stray write). Not the request's fault, and not lasting: the check
 * against the journal at start (src/journal/verify-at-start.ts) puts the journal's copy back,
 * so it is a 503 with Retry-After, never a 500 with a parser's words.
 */
export class StoredRecordUnreadable extends StoreUnavailableError {
  constructor(what: string) {
    super(`a stored ${what} could not be read: the database file is damaged, and is repaired from its journal when the server next checks it; try again later`);
  }
}

/** A write refused before anything of it was written: DATA_DIR's disk is (nearly) full. */
export class InsufficientStorageError extends DomainError {
  readonly code = ErrorCode.INSUFFICIENT_STORAGE;
}

/**
 * The database cannot be opened at start, with a message a person can act on. Adapters
 * read their driver's words and say here what they meant (`locked`), so nothing above
 * the store matches a driver's message text.
 */
export class StoreOpenError extends DomainError {
  readonly code = ErrorCode.STORE_OPEN_FAILED;
  constructor(
    message: string,
    /** Another process holds the database (a running server): nothing is wrong with its files. */
    readonly locked = false,
    /** The embedded database's folder, for messages that name it. */
    readonly dataDir?: string,
  ) {
    super(message);
  }
}

/** An answer would hold more than the caller's bound; nothing of it is returned. */
export class AnswerTooLargeError extends DomainError {
  readonly code = ErrorCode.BAD_USER_INPUT;
  constructor(
    readonly what: 'entities' | 'relations',
    readonly limit: number,
  ) {
    super(`the answer has more than ${limit.toLocaleString('en-US')} ${what}`);
  }
}

/** The long lane of the database's readers has as many reads waiting as it may hold: a long request is refused at once, not queued to its deadline. */
export class LongReadsBusyError extends DomainError {
  readonly code = ErrorCode.SERVER_BUSY;
  override readonly retryAfterSeconds = 5;
  constructor(waiting: number) {
    super(`the server is busy: ${waiting} long reads (large lists, scans, deep neighborhoods) are waiting for the database; try again later, or ask for smaller pages`);
  }
}
