import { DomainError, ErrorCode } from '../errors/domain-error.js';

/** An export the command line cannot make, for a reason its one-line message gives. Free of other imports, so the CLI can load the export code only when exporting. */
export class ExportArgsError extends DomainError {
  readonly code = ErrorCode.BAD_USER_INPUT;
}
