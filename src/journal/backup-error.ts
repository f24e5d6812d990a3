import { DomainError, ErrorCode } from '../errors/domain-error.js';

/** A backup cannot be made or restored; the message says what to do. Its own module so the CLI's error mapper loads nothing else. */
export class BackupError extends DomainError {
  readonly code = ErrorCode.REFUSED;
}
