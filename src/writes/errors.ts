import { DomainError, ErrorCode } from '../errors/domain-error.js';

/** One problem in an input file, located so a person can fix it. */
export interface InputProblem {
  file: string;
  line: number | null;
  /** Dotted path of the offending field, for example `relations[3].voteShare`. */
  field: string;
  message: string;
}

export function formatProblem(p: InputProblem): string {
  return `${p.file}${p.line === null ? '' : `:${p.line}`}: ${p.field}: ${p.message}`;
}

/** Raised when input fails validation; nothing from it has been written. */
export class InputError extends DomainError {
  readonly code = ErrorCode.BAD_USER_INPUT;
  constructor(readonly problems: readonly InputProblem[]) {
    const shown = problems.slice(0, 20).map(formatProblem);
    const more = problems.length > 20 ? [`... and ${problems.length - 20} more`] : [];
    super([`${problems.length} problem(s) in input; nothing was loaded`, ...shown, ...more].join('\n'), problems[0]?.field);
  }
}

/** A write the graph's rules refuse (an unknown end, a kind that cannot change, ...). */
export class CurationError extends DomainError {
  readonly code: ErrorCode = ErrorCode.BAD_USER_INPUT;
  constructor(
    message: string,
    /** The input field the problem is about. */
    override readonly field: string,
  ) {
    super(message, field);
  }
}

/** A curator's write on a relation another key added; only an admin key may make it. */
export class NotOwnerError extends CurationError {
  override readonly code = ErrorCode.FORBIDDEN;
  constructor(message: string) {
    super(message, 'id');
  }
}
