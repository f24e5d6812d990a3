import { domainErrorOf, ErrorCode } from '../errors/domain-error.js';
import { formatProblem, InputError } from '../writes/errors.js';
import { StoreOpenError } from '../store/errors.js';
import { EXIT } from './io.js';

/**
 * The CLI mapper: what a failed command prints (to stderr) and its exit code. Expected
 * failures get their own actionable message; nothing prints a stack trace, and anything
 * unexpected prints its first line after `failed:`. Every failure exits 1 (tests and
 * scripts rely on it); 2 is for a command line that is not understood (src/cli/run.ts).
 */

/** Codes whose message is written for the person at the terminal, printed as it is. */
const SAID_AS_IS = new Set<ErrorCode>([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.NOT_FOUND,
  ErrorCode.CONFIG_INVALID,
  ErrorCode.STORE_OPEN_FAILED,
  ErrorCode.ADDRESS_IN_USE,
  ErrorCode.REFUSED,
  ErrorCode.INSUFFICIENT_STORAGE,
]);

export const EXIT_CODE: Readonly<Record<ErrorCode, number>> = Object.fromEntries(Object.values(ErrorCode).map((code) => [code, EXIT.failed])) as Record<ErrorCode, number>;

export interface CliFailure {
  /** What to print on stderr: one line, or for invalid input one line per problem. */
  message: string;
  exitCode: number;
}

export function reportFailure(err: unknown): CliFailure {
  const domain = domainErrorOf(err);
  if (!domain) return { message: `failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, exitCode: EXIT.failed };
  const exitCode = EXIT_CODE[domain.code];
  if (domain instanceof StoreOpenError && domain.locked && domain.dataDir !== undefined) {
    return { message: `the embedded database in DATA_DIR=${domain.dataDir} is in use by another process (a running server?); stop it, or use another DATA_DIR`, exitCode };
  }
  // Seed files: every problem, each with its file and line (imports say so themselves: commands/import.ts).
  if (domain instanceof InputError) return { message: `seed files are invalid, nothing was loaded:\n${domain.problems.map(formatProblem).join('\n')}`, exitCode };
  if (SAID_AS_IS.has(domain.code)) return { message: domain.message, exitCode };
  return { message: `failed: ${domain.message.split('\n')[0]}`, exitCode };
}
